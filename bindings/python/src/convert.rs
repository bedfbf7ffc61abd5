//! Conversions between Python values and core values, written by hand.
//!
//! pyo3's own `rust_decimal` conversion rounds past 28 significant digits and accepts
//! `float`; its `chrono` one accepts a `datetime.datetime` as a date and drops the
//! time. Money must be exact, so decimals go through their exact text form and
//! dates are checked to be plain `datetime.date`.

use chrono::{Datelike, NaiveDate};
use encours_core::money::{Currency, MoneyError};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString, PyType};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::errors::{CoreResult, Kind, new_err};
use crate::money::PyCurrency;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INTEGRAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn integral_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    INTEGRAL.import(py, "numbers", "Integral")
}

fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

fn date_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATE.import(py, "datetime", "date")
}

fn datetime_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATETIME.import(py, "datetime", "datetime")
}

pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}

fn invalid_amount(field: &'static str, value: String, reason: impl Into<String>) -> PyErr {
    crate::errors::core_err(MoneyError::InvalidAmount {
        field,
        value,
        reason: reason.into(),
    })
}

/// Parse decimal text exactly. Python's `format(d, "f")` may write more than the 28
/// decimals an exact decimal holds when they are trailing zeros (`1.000…0`): those
/// are dropped, since they change nothing; any other digit past 28 is refused.
pub fn parse_decimal_text(field: &'static str, text: &str) -> PyResult<Decimal> {
    let trimmed = text.trim();
    let mut candidate = trimmed;
    if trimmed
        .find('.')
        .is_some_and(|dot| trimmed.len() - dot - 1 > 28)
    {
        candidate = trimmed.trim_end_matches('0').trim_end_matches('.');
    }
    Decimal::from_str_exact(candidate).map_err(|e| {
        invalid_amount(
            field,
            text.to_owned(),
            format!("not an exact decimal of at most 28 decimal places and 96 bits ({e})"),
        )
    })
}

/// A Python `decimal.Decimal`, `str` or `int` as an exact decimal. `what` names the
/// argument in the messages (`money`, `ratio`, `rate`…); `field` is the core's field
/// name for amount errors. `float` and `bool` are refused with a `TypeError`, NaN and
/// infinities with a `MoneyError`.
pub fn decimal_from_py(
    obj: &Bound<'_, PyAny>,
    what: &str,
    field: &'static str,
) -> PyResult<Decimal> {
    let py = obj.py();
    if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be decimal.Decimal, str or int, not {}",
            type_name(obj)
        )));
    }
    if obj.is_instance_of::<PyString>() {
        let text: String = obj.extract()?;
        return parse_decimal_text(field, &text);
    }
    if obj.is_instance_of::<PyInt>() {
        let text = obj.str()?.to_string();
        return parse_decimal_text(field, &text);
    }
    if obj.is_instance(decimal_type(py)?)? {
        if !obj.call_method0("is_finite")?.is_truthy()? {
            return Err(invalid_amount(
                field,
                obj.str()?.to_string(),
                "not a finite number",
            ));
        }
        let text = py
            .import("builtins")?
            .getattr("format")?
            .call1((obj, "f"))?
            .extract::<String>()?;
        return parse_decimal_text(field, &text);
    }
    // numpy integers and other registered integers (numpy floats are not Integral).
    if obj.is_instance(integral_type(py)?)? {
        let index = py.import("operator")?.getattr("index")?.call1((obj,))?;
        let text = index.str()?.to_string();
        return parse_decimal_text(field, &text);
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be decimal.Decimal, str or int, not {}",
        type_name(obj)
    )))
}

/// An exact decimal as a Python `decimal.Decimal` (keeping its scale: `12.30`).
pub fn decimal_to_py<'py>(py: Python<'py>, d: Decimal) -> PyResult<Bound<'py, PyAny>> {
    decimal_type(py)?.call1((d.to_string(),))
}

/// A `datetime.date` (not a `datetime.datetime`, which is a subclass) as a date.
pub fn date_from_py(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<NaiveDate> {
    let py = obj.py();
    if obj.is_instance(datetime_type(py)?)? {
        return Err(PyTypeError::new_err(format!(
            "{what} must be datetime.date, not datetime.datetime (call .date() to drop the time)"
        )));
    }
    if !obj.is_instance(date_type(py)?)? {
        return Err(PyTypeError::new_err(format!(
            "{what} must be datetime.date, not {}",
            type_name(obj)
        )));
    }
    let y: i32 = obj.getattr("year")?.extract()?;
    let m: u32 = obj.getattr("month")?.extract()?;
    let d: u32 = obj.getattr("day")?.extract()?;
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
        PyTypeError::new_err(format!("{what}: {y}-{m}-{d} is not a representable date"))
    })
}

/// An optional date (None stays None).
pub fn opt_date_from_py(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<NaiveDate>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => date_from_py(o, what).map(Some),
    }
}

/// A date as a Python `datetime.date`.
pub fn date_to_py(py: Python<'_>, d: NaiveDate) -> PyResult<Bound<'_, PyAny>> {
    if !(1..=9999).contains(&d.year()) {
        return Err(new_err(
            Kind::Input,
            "date_out_of_range",
            format!("date {d} is outside the range of datetime.date (years 1 to 9999)"),
        ));
    }
    date_type(py)?.call1((d.year(), d.month(), d.day()))
}

/// `datetime.date(2024, 9, 1)`: the date's Python repr.
pub fn date_repr(d: NaiveDate) -> String {
    format!("datetime.date({}, {}, {})", d.year(), d.month(), d.day())
}

/// A `Currency` or a currency code.
pub fn currency_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Currency> {
    if let Ok(c) = obj.cast::<PyCurrency>() {
        return Ok(c.get().0);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Currency::from_code(&s.to_cow()?).py();
    }
    Err(PyTypeError::new_err(format!(
        "currency must be encours.Currency or a currency code str, not {}",
        type_name(obj)
    )))
}

/// A core enum from its serde name (`"half_up"`), so the names are the core's own.
pub fn enum_from_str<T: DeserializeOwned>(what: &str, value: &str) -> PyResult<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).map_err(|e| {
        new_err(
            Kind::Input,
            "invalid_choice",
            format!("invalid {what} \"{value}\": {e}"),
        )
    })
}

/// The serde name of a core enum (`"half_up"`).
pub fn enum_to_str<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => format!("<{e}>"),
    }
}

/// A Python str's repr (`'F-1'`), exactly as Python writes it.
pub fn str_repr(py: Python<'_>, s: &str) -> PyResult<String> {
    Ok(PyString::new(py, s).repr()?.to_string())
}

/// Serialize a core value to JSON text.
pub fn to_json<T: Serialize>(value: &T, indent: Option<usize>) -> PyResult<String> {
    let result = match indent {
        None => serde_json::to_string(value),
        Some(n) => {
            let spaces = " ".repeat(n);
            let fmt = serde_json::ser::PrettyFormatter::with_indent(spaces.as_bytes());
            let mut out = Vec::new();
            let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
            value
                .serialize(&mut ser)
                .map(|_| String::from_utf8_lossy(&out).into_owned())
        }
    };
    result.map_err(|e| new_err(Kind::Root, "json", format!("cannot serialize to JSON: {e}")))
}

/// Text or bytes holding JSON.
pub fn json_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.extract::<String>() {
        return Ok(s);
    }
    if let Ok(b) = obj.extract::<Vec<u8>>() {
        return String::from_utf8(b)
            .map_err(|e| new_err(Kind::Input, "json", format!("JSON is not UTF-8: {e}")));
    }
    Err(PyTypeError::new_err(format!(
        "JSON must be str or bytes, not {}",
        type_name(obj)
    )))
}

/// Deserialize a core value from JSON text; `what` names it in the message.
pub fn from_json<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    let text = json_text(obj)?;
    encours_core::config::from_json(&text, what).map_err(config_err)
}

/// A configuration document the core's reader refused: an `InputError` whose code is
/// `unknown_key` (with the path and the closest known key in the message) or `json`.
pub fn config_err(e: encours_core::config::ConfigError) -> PyErr {
    use encours_core::config::ConfigError;
    let code = match &e {
        ConfigError::UnknownKey { .. } => "unknown_key",
        ConfigError::UnknownValue { .. } => "unknown_value",
        _ => "json",
    };
    new_err(Kind::Input, code, format!("invalid {e}"))
}
