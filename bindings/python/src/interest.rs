//! Late-payment interest and recovery fees from `encours_core::interest`: rate tables
//! (data the caller keeps up to date), interest rules, `compute_interest` and
//! `recovery_indemnity`.

use encours_core::interest::{
    self, DayCount, InterestComputation, InterestPeriod, InterestReason, InterestRule,
    Jurisdiction, RateAdjustment, RateFixing, RateTable, RateTables, RecoveryIndemnity,
    ReferenceRate, RoundingPoint,
};
use pyo3::prelude::*;

use crate::sharing::borrow_mut_waiting;

use crate::convert::{
    date_from_py, date_repr, date_to_py, decimal_from_py, decimal_to_py, enum_from_str,
    enum_to_str, from_json, opt_date_from_py, str_repr, to_json,
};
use crate::errors::CoreResult;
use crate::money::{PyMoney, rounding_from_str};
use crate::values::ToPy;

/// A serde value as plain Python data (dicts, lists, str; decimals as exact text):
/// for the reasons and rate details, read by programs as they are written in JSON.
pub(crate) fn json_value_to_py<'py, T: serde::Serialize>(
    py: Python<'py>,
    v: &T,
) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?
        .call_method1("loads", (to_json(v, None)?,))
}

impl ToPy for ReferenceRate {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_value_to_py(py, self)
    }
}

impl ToPy for RateAdjustment {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_value_to_py(py, self)
    }
}

impl ToPy for InterestReason {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_value_to_py(py, self)
    }
}

impl ToPy for Jurisdiction {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        enum_to_str(self).to_py(py)
    }
}

impl ToPy for interest::IndemnityTier {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        enum_to_str(self).to_py(py)
    }
}

impl ToPy for InterestRule {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyInterestRule(self.clone()).into_pyobject(py)?.into_any())
    }
}

figures_class!(
    /// One sub-period of an interest computation: one rate over consecutive days.
    PyInterestPeriod, "InterestPeriod", InterestPeriod,
    fields: [
        /// First day counted.
        from as from_,
        /// Last day counted.
        to,
        /// Days counted.
        days,
        /// Days in the year for the day count.
        year_basis,
        /// The reference rate used, as a dict (table, fixed_on, rate, margin), or None.
        reference,
        /// The annual rate applied, in percent.
        rate,
        /// How the rate was adjusted (floor, negative to zero), as a dict, or None.
        adjustment,
        /// Interest of the sub-period, unrounded.
        exact,
        /// Its share of the rounded total.
        rounded,
    ]
);

figures_class!(
    /// Late-payment interest on one overdue amount, with every sub-period and the
    /// reasons (statutory text, rate table, day count, rounding) as data.
    PyInterestComputation, "InterestComputation", InterestComputation,
    fields: [
        /// The overdue amount.
        principal,
        /// Its due date.
        due_date,
        /// Interest runs up to and including this day.
        until,
        /// Days of delay.
        days,
        /// The rule applied.
        rule,
        /// The sub-periods, split at each half-year (and rate change).
        periods,
        /// The exact total before rounding.
        exact_total,
        /// The total, rounded once to the minor unit (by default).
        total,
        /// Why: one dict per reason (`{"kind": "statutory", "citation": ...}`…).
        reasons,
    ]
);

figures_class!(
    /// The flat recovery indemnity a late invoice adds, with its legal basis.
    PyRecoveryIndemnity, "RecoveryIndemnity", RecoveryIndemnity,
    fields: [
        /// The indemnity.
        amount,
        /// "france", "eu_directive", "germany" or "united_kingdom".
        jurisdiction,
        /// "flat", or the UK tier by debt size.
        tier,
        /// The text that sets it.
        citation,
    ]
);

/// A reference-rate table (ECB main refinancing rate, Bundesbank base rate, Bank of
/// England rate, or your own): dated rates, and the day through which they were
/// verified. Asking for a rate after that day is an error, never a stale figure.
#[pyclass(name = "RateTable", module = "encours", eq)]
#[derive(Clone, PartialEq)]
pub struct PyRateTable(pub RateTable);

#[pymethods]
impl PyRateTable {
    /// `RateTable(name, points, *, source=None, verified_through=None)`: points are
    /// (valid_from date, annual rate in percent) pairs.
    #[new]
    #[pyo3(signature = (name, points, *, source = None, verified_through = None))]
    fn new(
        name: String,
        points: Vec<(Bound<'_, PyAny>, Bound<'_, PyAny>)>,
        source: Option<String>,
        verified_through: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let pts = points
            .iter()
            .map(|(d, r)| {
                Ok((
                    date_from_py(d, "valid_from")?,
                    decimal_from_py(r, "rate", "rate")?,
                ))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let mut t = RateTable::new(name, pts).py()?;
        if let Some(s) = source {
            t = t.with_source(s);
        }
        if let Some(d) = opt_date_from_py(verified_through, "verified_through")? {
            t = t.with_verified_through(d).py()?;
        }
        Ok(PyRateTable(t))
    }

    /// The ECB main refinancing operations rate (built in, with its verified date).
    #[staticmethod]
    fn ecb_main_refinancing_rate() -> Self {
        PyRateTable(RateTable::ecb_main_refinancing_rate())
    }

    /// The Bundesbank base rate (Basiszinssatz, § 247 BGB).
    #[staticmethod]
    fn bundesbank_base_rate() -> Self {
        PyRateTable(RateTable::bundesbank_base_rate())
    }

    /// The Bank of England Bank Rate.
    #[staticmethod]
    fn boe_bank_rate() -> Self {
        PyRateTable(RateTable::boe_bank_rate())
    }

    /// The table's name (rules refer to it).
    #[getter]
    fn name(&self) -> String {
        self.0.name().to_owned()
    }

    /// Where the rates come from.
    #[getter]
    fn source(&self) -> String {
        self.0.source().to_owned()
    }

    /// The last day the rates are known to be current, or None.
    #[getter]
    fn verified_through<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .verified_through()
            .map(|d| date_to_py(py, d))
            .transpose()
    }

    /// The (valid_from, rate) points, in date order.
    #[getter]
    fn points<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
        self.0
            .points()
            .iter()
            .map(|p| Ok((date_to_py(py, p.valid_from)?, decimal_to_py(py, p.rate)?)))
            .collect()
    }

    /// The rate in force on `date` (percent). Raises InterestError before the first
    /// point or after `verified_through`.
    fn rate_on<'py>(
        &self,
        py: Python<'py>,
        date: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        decimal_to_py(py, self.0.rate_on(date_from_py(date, "date")?).py()?)
    }

    /// Add a rate valid from a date (after the last point).
    fn push(
        slf: &Bound<'_, Self>,
        valid_from: &Bound<'_, PyAny>,
        rate: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let d = date_from_py(valid_from, "valid_from")?;
        let r = decimal_from_py(rate, "rate", "rate")?;
        borrow_mut_waiting(slf)?.0.push(d, r).py()
    }

    /// Confirm the rates are current through `date`.
    fn set_verified_through(slf: &Bound<'_, Self>, date: &Bound<'_, PyAny>) -> PyResult<()> {
        let date = date_from_py(date, "date")?;
        borrow_mut_waiting(slf)?.0.set_verified_through(date).py()
    }

    /// The JSON form.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }

    /// A table from its JSON form, validated.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json(data, "rate table").map(PyRateTable)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.as_any().get_type().getattr("from_json")?,
            (slf.borrow().to_json()?,),
        ))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let verified = self
            .0
            .verified_through()
            .map_or_else(|| "None".to_owned(), date_repr);
        Ok(format!(
            "RateTable(name={}, points={}, verified_through={verified})",
            str_repr(py, self.0.name())?,
            self.0.points().len()
        ))
    }
}

/// The rate tables a computation may refer to, by name.
#[pyclass(name = "RateTables", module = "encours", eq)]
#[derive(Clone, PartialEq, Default)]
pub struct PyRateTables(pub RateTables);

#[pymethods]
impl PyRateTables {
    /// `RateTables(tables=())`: the given tables (names must differ).
    #[new]
    #[pyo3(signature = (tables = None))]
    fn new(tables: Option<Vec<PyRef<'_, PyRateTable>>>) -> PyResult<Self> {
        let list: Vec<RateTable> = tables
            .unwrap_or_default()
            .iter()
            .map(|t| t.0.clone())
            .collect();
        RateTables::try_from(list).py().map(PyRateTables)
    }

    /// The built-in tables (ECB, Bundesbank, Bank of England).
    #[staticmethod]
    fn builtin() -> Self {
        PyRateTables(RateTables::builtin())
    }

    /// Add or replace a table; returns the table it replaced, if any.
    fn insert(
        slf: &Bound<'_, Self>,
        table: PyRef<'_, PyRateTable>,
    ) -> PyResult<Option<PyRateTable>> {
        let table = table.0.clone();
        Ok(borrow_mut_waiting(slf)?.0.insert(table).map(PyRateTable))
    }

    /// A copy of the table with this name; raises InterestError for an unknown name.
    fn get(&self, name: &str) -> PyResult<PyRateTable> {
        self.0.get(name).py().map(|t| PyRateTable(t.clone()))
    }

    /// The tables' names.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.0.iter().map(|t| t.name().to_owned()).collect()
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }

    /// The JSON form (a list of tables).
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }

    /// Tables from their JSON form, validated.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json(data, "rate tables").map(PyRateTables)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.as_any().get_type().getattr("from_json")?,
            (slf.borrow().to_json()?,),
        ))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let names = self
            .names()
            .iter()
            .map(|n| str_repr(py, n))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(format!("RateTables([{}])", names.join(", ")))
    }
}

/// How interest is computed: the rate (statutory for a jurisdiction, fixed, or a
/// reference rate plus a margin, with an optional floor), the day count and the
/// rounding. Built with the static constructors and `with_*` methods (each returns
/// a new rule).
#[pyclass(name = "InterestRule", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyInterestRule(pub InterestRule);

#[pymethods]
impl PyInterestRule {
    /// The statutory rule of "france" (ECB + 10 points), "eu_directive" (+ 8),
    /// "germany" (base rate + 9) or "united_kingdom" (Bank Rate + 8).
    #[staticmethod]
    fn statutory(jurisdiction: &str) -> PyResult<Self> {
        let j: Jurisdiction = enum_from_str("jurisdiction", jurisdiction)?;
        Ok(PyInterestRule(InterestRule::statutory(j)))
    }

    /// A fixed contractual annual rate, in percent.
    #[staticmethod]
    fn fixed(rate: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyInterestRule(InterestRule::fixed(decimal_from_py(
            rate, "rate", "rate",
        )?)))
    }

    /// A reference rate (a table's name) plus a margin in points.
    #[staticmethod]
    fn reference_plus_margin(table: &str, margin: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyInterestRule(InterestRule::reference_plus_margin(
            table,
            decimal_from_py(margin, "margin", "margin")?,
        )))
    }

    /// The rule with a floor on the annual rate.
    fn with_floor(&self, floor: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyInterestRule(
            self.0
                .clone()
                .with_floor(decimal_from_py(floor, "floor", "floor")?),
        ))
    }

    /// The rule with a rate fixing: "half_yearly", "fixed_for_debt" or "daily".
    fn with_fixing(&self, fixing: &str) -> PyResult<Self> {
        let f: RateFixing = enum_from_str("rate fixing", fixing)?;
        Ok(PyInterestRule(self.0.clone().with_fixing(f)))
    }

    /// The rule with a day count: "actual365", "actual360" or "actual_actual".
    fn with_day_count(&self, day_count: &str) -> PyResult<Self> {
        let dc: DayCount = enum_from_str("day count", day_count)?;
        Ok(PyInterestRule(self.0.clone().with_day_count(dc)))
    }

    /// The rule with a rounding mode and point ("total" or "per_period").
    #[pyo3(signature = (mode, point = "total"))]
    fn with_rounding(&self, mode: &str, point: &str) -> PyResult<Self> {
        let p: RoundingPoint = enum_from_str("rounding point", point)?;
        Ok(PyInterestRule(
            self.0.clone().with_rounding(rounding_from_str(mode)?, p),
        ))
    }

    /// The JSON form.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }

    /// A rule from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json(data, "interest rule").map(PyInterestRule)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.as_any().get_type().getattr("from_json")?,
            (slf.get().to_json()?,),
        ))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "InterestRule.from_json({})",
            str_repr(py, &self.to_json()?)?
        ))
    }
}

/// Late-payment interest on `principal` due on `due_date`, for the days after it up to
/// and including `until`, under `rule`, with rates from `tables` (default: the
/// built-in tables).
#[pyfunction]
#[pyo3(signature = (principal, due_date, until, rule, tables = None))]
fn compute_interest(
    py: Python<'_>,
    principal: PyRef<'_, PyMoney>,
    due_date: &Bound<'_, PyAny>,
    until: &Bound<'_, PyAny>,
    rule: PyRef<'_, PyInterestRule>,
    tables: Option<PyRef<'_, PyRateTables>>,
) -> PyResult<PyInterestComputation> {
    let due = date_from_py(due_date, "due_date")?;
    let until = date_from_py(until, "until")?;
    let builtin;
    let tables = match &tables {
        Some(t) => &t.0,
        None => {
            builtin = RateTables::builtin();
            &builtin
        }
    };
    let p = principal.0;
    let r = rule.0.clone();
    py.detach(|| interest::compute_interest(&p, due, until, &r, tables))
        .py()
        .map(PyInterestComputation)
}

/// The flat recovery indemnity a late invoice of `debt` adds under a jurisdiction's
/// statute (40 EUR in France, Germany and under the EU directive; 40/70/100 GBP by
/// debt size in the UK), with its legal basis.
#[pyfunction]
fn recovery_indemnity(
    jurisdiction: &str,
    debt: PyRef<'_, PyMoney>,
) -> PyResult<PyRecoveryIndemnity> {
    let j: Jurisdiction = enum_from_str("jurisdiction", jurisdiction)?;
    interest::recovery_indemnity_explained(j, &debt.0)
        .py()
        .map(PyRecoveryIndemnity)
}

/// Register the classes and functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRateTable>()?;
    m.add_class::<PyRateTables>()?;
    m.add_class::<PyInterestRule>()?;
    m.add_class::<PyInterestPeriod>()?;
    m.add_class::<PyInterestComputation>()?;
    m.add_class::<PyRecoveryIndemnity>()?;
    m.add_function(wrap_pyfunction!(compute_interest, m)?)?;
    m.add_function(wrap_pyfunction!(recovery_indemnity, m)?)?;
    Ok(())
}
