//! `Calendar`: business-day calendars (weekends, holiday rules, rolls) from
//! `encours_core::calendar`.

use encours_core::calendar::{
    BUILTIN_CODES, Calendar, CalendarSpec, DayKind, Holiday, Roll, Weekend,
};
use pyo3::prelude::*;

use crate::convert::{date_from_py, date_to_py, enum_from_str, from_json, str_repr, to_json};
use crate::errors::{CoreResult, Kind, new_err};

/// A business-day calendar: weekend days, holiday rules (fixed, Easter-based, n-th
/// weekday, observed shifts) and extra holidays. Built-ins: `Calendar.builtin("FR")`,
/// "DE", "GB-EAW" (also "UK", "GB") and "US"; others from their JSON spec.
#[pyclass(name = "Calendar", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyCalendar(pub Calendar);

fn holidays_to_py<'py>(
    py: Python<'py>,
    hs: Vec<Holiday>,
) -> PyResult<Vec<(Bound<'py, PyAny>, String)>> {
    hs.into_iter()
        .map(|h| Ok((date_to_py(py, h.date)?, h.name)))
        .collect()
}

#[pymethods]
impl PyCalendar {
    /// A built-in calendar by code (case-insensitive): "FR", "DE", "GB-EAW" ("UK",
    /// "GB") or "US". Raises CalendarError for another code.
    #[staticmethod]
    fn builtin(code: &str) -> PyResult<Self> {
        Calendar::builtin(code).py().map(PyCalendar)
    }

    /// The codes `builtin` accepts.
    #[staticmethod]
    fn builtin_codes() -> Vec<&'static str> {
        BUILTIN_CODES.to_vec()
    }

    /// A calendar with the given weekend days ("monday" … "sunday", as in the JSON form;
    /// default Saturday and Sunday) and no holidays.
    #[staticmethod]
    #[pyo3(signature = (name, weekend = None))]
    fn weekends_only(name: &str, weekend: Option<Vec<String>>) -> PyResult<Self> {
        let weekend = match weekend {
            None => Weekend::default(),
            Some(days) => serde_json::from_value::<Weekend>(serde_json::Value::from(days.clone()))
                .map_err(|e| {
                    new_err(
                        Kind::Input,
                        "invalid_choice",
                        format!("invalid weekend {days:?}: {e}"),
                    )
                })?,
        };
        Calendar::weekends_only(name, weekend).py().map(PyCalendar)
    }

    /// The same calendar with more holidays, given as (date, name) pairs.
    fn with_holidays(&self, holidays: Vec<(Bound<'_, PyAny>, String)>) -> PyResult<Self> {
        let extra = holidays
            .iter()
            .map(|(d, n)| Ok(Holiday::new(date_from_py(d, "holiday date")?, n.clone())))
            .collect::<PyResult<Vec<_>>>()?;
        self.0.clone().with_holidays(extra).py().map(PyCalendar)
    }

    /// The calendar's name.
    #[getter]
    fn name(&self) -> String {
        self.0.name().to_owned()
    }

    /// The weekend days ("sat", "sun"…).
    #[getter]
    fn weekend(&self) -> Vec<String> {
        match serde_json::to_value(self.0.weekend()) {
            Ok(serde_json::Value::Array(v)) => v
                .into_iter()
                .filter_map(|d| d.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether `date` is a holiday.
    fn is_holiday(&self, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.0.is_holiday(date_from_py(date, "date")?))
    }

    /// Whether `date` is a business day (neither weekend nor holiday).
    fn is_business_day(&self, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.0.is_business_day(date_from_py(date, "date")?))
    }

    /// What `date` is: `{"kind": "business_day"}`, `{"kind": "weekend", "weekday":
    /// "sat"}` or `{"kind": "holiday", "name": "Noël"}`.
    fn day_kind<'py>(
        &self,
        py: Python<'py>,
        date: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kind: DayKind = self.0.day_kind(date_from_py(date, "date")?);
        let json = to_json(&kind, None)?;
        py.import("json")?.call_method1("loads", (json,))
    }

    /// The holidays of a year as (date, name) pairs, in date order.
    fn holidays_in_year<'py>(
        &self,
        py: Python<'py>,
        year: i32,
    ) -> PyResult<Vec<(Bound<'py, PyAny>, String)>> {
        holidays_to_py(py, self.0.holidays_in_year(year))
    }

    /// The holidays from `from_` to `to` (both included) as (date, name) pairs.
    fn holidays_between<'py>(
        &self,
        py: Python<'py>,
        from_: &Bound<'py, PyAny>,
        to: &Bound<'py, PyAny>,
    ) -> PyResult<Vec<(Bound<'py, PyAny>, String)>> {
        let f = date_from_py(from_, "from_")?;
        let t = date_from_py(to, "to")?;
        holidays_to_py(py, self.0.holidays_between(f, t))
    }

    /// `date` moved to a business day: "following" (default), "modified_following",
    /// "preceding", "modified_preceding" or "none".
    #[pyo3(signature = (date, roll = "following"))]
    fn roll<'py>(
        &self,
        py: Python<'py>,
        date: &Bound<'py, PyAny>,
        roll: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let roll: Roll = enum_from_str("roll", roll)?;
        date_to_py(py, self.0.roll(date_from_py(date, "date")?, roll).py()?)
    }

    /// The first business day strictly after `date`.
    fn next_business_day<'py>(
        &self,
        py: Python<'py>,
        date: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        date_to_py(
            py,
            self.0.next_business_day(date_from_py(date, "date")?).py()?,
        )
    }

    /// The last business day strictly before `date`.
    fn previous_business_day<'py>(
        &self,
        py: Python<'py>,
        date: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        date_to_py(
            py,
            self.0
                .previous_business_day(date_from_py(date, "date")?)
                .py()?,
        )
    }

    /// `date` moved by `n` business days (negative: backwards).
    fn add_business_days<'py>(
        &self,
        py: Python<'py>,
        date: &Bound<'py, PyAny>,
        n: i32,
    ) -> PyResult<Bound<'py, PyAny>> {
        date_to_py(
            py,
            self.0
                .add_business_days(date_from_py(date, "date")?, n)
                .py()?,
        )
    }

    /// Business days after `from_` up to and including `to` (negative when `to` is
    /// earlier).
    fn business_days_between(
        &self,
        from_: &Bound<'_, PyAny>,
        to: &Bound<'_, PyAny>,
    ) -> PyResult<i32> {
        let f = date_from_py(from_, "from_")?;
        let t = date_from_py(to, "to")?;
        self.0.business_days_between(f, t).py()
    }

    /// The JSON spec: `{"name", "weekend", "rules", "extra_holidays"}`.
    fn to_json(&self) -> PyResult<String> {
        to_json(self.0.spec(), None)
    }

    /// A calendar from its JSON spec, validated.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let spec: CalendarSpec = from_json(data, "calendar")?;
        Calendar::from_spec(spec).py().map(PyCalendar)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.as_any().get_type().getattr("from_json")?,
            (slf.get().to_json()?,),
        ))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let weekend: Vec<String> = self.weekend().iter().map(|d| format!("'{d}'")).collect();
        Ok(format!(
            "Calendar(name={}, weekend=[{}], rules={}, extra_holidays={})",
            str_repr(py, self.0.name())?,
            weekend.join(", "),
            self.0.spec().rules.len(),
            self.0.spec().extra_holidays.len()
        ))
    }
}

/// Register the class.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCalendar>()
}
