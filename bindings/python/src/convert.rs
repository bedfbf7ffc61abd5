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
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
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
                short_text(obj)?,
                "not a finite number",
            ));
        }
        // From the digits and the exponent, never from `format(d, "f")`: that wrote a
        // billion digits for `Decimal("1E+1000000000")` (15 s, 3.9 GB).
        let parts = DecimalParts::of(obj, field)?;
        return parts.amount(field, obj);
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

/// Most significant digits an exact decimal holds (96 bits: 79228162514264337593543950335).
const MAX_DIGITS: usize = 29;
/// Most decimal places an exact decimal holds.
const MAX_SCALE: i64 = 28;

/// A finite Python `Decimal` as sign, significant digits and exponent, read with its
/// size checked first (`adjusted()`, the exponent of its leading digit, costs nothing
/// however long the number): a number too large for an exact decimal is refused
/// before any digit is copied.
#[derive(Debug, Clone, PartialEq)]
pub struct DecimalParts {
    negative: bool,
    /// The coefficient's digits, most significant first, without leading zeros.
    digits: Vec<u8>,
    exponent: i64,
}

impl DecimalParts {
    /// The parts of a finite `decimal.Decimal`.
    pub fn of(obj: &Bound<'_, PyAny>, field: &'static str) -> PyResult<DecimalParts> {
        let too_large = |obj: &Bound<'_, PyAny>| -> PyResult<PyErr> {
            Ok(invalid_amount(
                field,
                short_text(obj)?,
                "too large: an exact decimal holds at most 29 integer digits (about 7.9e28)",
            ))
        };
        let adjusted: i64 = match obj.call_method0("adjusted")?.extract() {
            Ok(a) => a,
            Err(_) => return Err(too_large(obj)?),
        };
        if adjusted >= MAX_DIGITS as i64 {
            if obj.call_method0("is_zero")?.is_truthy()? {
                // `0E+1000000000` is zero, however it is written.
                return Ok(DecimalParts {
                    negative: false,
                    digits: Vec::new(),
                    exponent: 0,
                });
            }
            return Err(too_large(obj)?);
        }
        let tuple = obj.call_method0("as_tuple")?;
        let negative = tuple.getattr("sign")?.extract::<u8>()? == 1;
        let exponent: i64 = tuple
            .getattr("exponent")?
            .extract()
            .map_err(|_| too_large(obj).unwrap_or_else(|e| e))?;
        let raw = tuple.getattr("digits")?;
        let mut digits = Vec::with_capacity(raw.len()?.min(64));
        for d in raw.try_iter()? {
            let d: u8 = d?.extract()?;
            if !(digits.is_empty() && d == 0) {
                digits.push(d);
            }
        }
        Ok(DecimalParts {
            negative,
            digits,
            exponent,
        })
    }

    /// The parts of an exact decimal.
    pub fn from_decimal(d: Decimal) -> DecimalParts {
        let digits = d
            .mantissa()
            .unsigned_abs()
            .to_string()
            .bytes()
            .map(|b| b - b'0')
            .skip_while(|d| *d == 0)
            .collect();
        DecimalParts {
            negative: d.is_sign_negative(),
            digits,
            exponent: -i64::from(d.scale()),
        }
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// Drop trailing zero digits while the exponent is below `floor`: they change
    /// nothing but the number of decimals written.
    fn trim_zeros_below(&mut self, floor: i64) {
        while self.exponent < floor && self.digits.last() == Some(&0) {
            self.digits.pop();
            self.exponent += 1;
        }
    }

    /// The exponent of the last significant digit (zero for zero).
    fn last_digit_exponent(&self) -> i64 {
        let zeros = self.digits.iter().rev().take_while(|d| **d == 0).count();
        if self.is_zero() {
            0
        } else {
            self.exponent.saturating_add(zeros as i64)
        }
    }

    /// The exact decimal these parts write, with the exponent shifted by `shift`;
    /// `None` when it does not fit (more than 28 decimals or 96 bits).
    fn to_decimal(&self, shift: i64) -> Option<Decimal> {
        let mut p = self.clone();
        p.exponent = p.exponent.checked_add(shift)?;
        p.trim_zeros_below(-MAX_SCALE);
        if p.digits.len() > MAX_DIGITS {
            // `1.000…0` with 40 zeros: the zeros past the point go, as from the text.
            p.trim_zeros_below(0);
        }
        if p.is_zero() {
            return Some(Decimal::new(
                0,
                u32::try_from((-p.exponent).clamp(0, MAX_SCALE)).ok()?,
            ));
        }
        if p.exponent < -MAX_SCALE || p.exponent >= MAX_DIGITS as i64 {
            return None;
        }
        let zeros = usize::try_from(p.exponent.max(0)).ok()?;
        if p.digits.len() + zeros > MAX_DIGITS {
            return None;
        }
        let mut mantissa: i128 = 0;
        for d in p
            .digits
            .iter()
            .copied()
            .chain(std::iter::repeat_n(0, zeros))
        {
            mantissa = mantissa.checked_mul(10)?.checked_add(i128::from(d))?;
        }
        if p.negative {
            mantissa = -mantissa;
        }
        let scale = u32::try_from((-p.exponent).max(0)).ok()?;
        Decimal::try_from_i128_with_scale(mantissa, scale).ok()
    }

    /// The amount, or an error naming the field and the value.
    fn amount(&self, field: &'static str, obj: &Bound<'_, PyAny>) -> PyResult<Decimal> {
        self.to_decimal(0).ok_or_else(|| {
            let text = short_text(obj).unwrap_or_default();
            invalid_amount(
                field,
                text,
                "not an exact decimal of at most 28 decimal places and 96 bits",
            )
        })
    }
}

/// A value's text for a message, cut short: a Decimal may have a million digits.
fn short_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    const MAX: usize = 60;
    // `str` of a Decimal is scientific past its exponent limits, so it is short
    // unless the coefficient itself is long.
    let text = obj.str()?.to_string();
    if text.len() <= MAX {
        return Ok(text);
    }
    let head: String = text.chars().take(24).collect();
    let tail: String = text
        .chars()
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    Ok(format!("{head}…{tail} ({} characters)", text.len()))
}

/// Allocation ratios as exact decimals. Ratios only matter relative to each other, so
/// a set whose smallest ratio has more than 28 decimals (`Decimal(1) / 67` in
/// Python's default context has 29) is multiplied by the power of ten that brings it
/// to 28: the split is the same. Refused only when the set then does not fit (the
/// largest ratio past 96 bits once the smallest has 28 decimals: ratios about 56
/// orders of magnitude apart).
pub fn ratios_from_py(items: &[Bound<'_, PyAny>]) -> PyResult<Vec<Decimal>> {
    let py = match items.first() {
        Some(first) => first.py(),
        None => return Ok(Vec::new()),
    };
    let decimal = decimal_type(py)?;
    let mut parts = Vec::with_capacity(items.len());
    for r in items {
        let is_decimal = r.is_instance(decimal)? && r.call_method0("is_finite")?.is_truthy()?;
        parts.push(if is_decimal {
            DecimalParts::of(r, "ratio")?
        } else {
            DecimalParts::from_decimal(decimal_from_py(r, "ratio", "ratio")?)
        });
    }
    let smallest = parts
        .iter()
        .filter(|p| !p.is_zero())
        .map(DecimalParts::last_digit_exponent)
        .min()
        .unwrap_or(0);
    let shift = (-MAX_SCALE).saturating_sub(smallest).max(0);
    parts
        .iter()
        .zip(items)
        .map(|(p, r)| {
            p.to_decimal(shift).ok_or_else(|| {
                invalid_amount(
                    "ratio",
                    short_text(r).unwrap_or_default(),
                    if shift > 0 {
                        format!(
                            "the ratios span more digits than an exact decimal holds (scaled by 10^{shift} so the smallest has 28 decimals, this one exceeds 96 bits)"
                        )
                    } else {
                        "not an exact decimal of at most 28 decimal places and 96 bits".into()
                    },
                )
            })
        })
        .collect()
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

/// Deepest nesting accepted in Python data read as JSON (a configuration is a few
/// levels deep; recursion past a few thousand levels overflowed the stack: SIGSEGV).
pub const MAX_DEPTH: usize = 64;

/// A Python value (dicts, lists, str, int, bool, None, Decimal, date, Money) as JSON,
/// refusing floats: amounts and rates must stay exact. `path` names the place in
/// messages (`scenarios[0].steps[1].fee`). Nesting deeper than [`MAX_DEPTH`] and a
/// container holding itself (`x = []; x.append(x)`) are `InputError`s.
pub fn py_to_json(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<serde_json::Value> {
    let mut open = Vec::new();
    walk_json(obj, path, &mut open)
}

/// `open`: the containers being read, outermost first (their addresses), so a cycle is
/// seen when a container comes back inside itself.
fn walk_json(
    obj: &Bound<'_, PyAny>,
    path: &str,
    open: &mut Vec<usize>,
) -> PyResult<serde_json::Value> {
    use serde_json::Value;
    let py = obj.py();
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Err(new_err(
            Kind::Input,
            "float_not_accepted",
            format!(
                "{path}: float {} is not accepted: write amounts and rates as decimal.Decimal or str so they stay exact",
                obj.repr()?
            ),
        ));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        return Ok(Value::from(obj.extract::<u64>().map_err(|_| {
            new_err(
                Kind::Input,
                "out_of_range",
                format!(
                    "{path}: integer {} is out of range",
                    short_text(obj).unwrap_or_default()
                ),
            )
        })?));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(m) = obj.cast::<crate::money::PyMoney>() {
        return serde_json::to_value(m.get().0)
            .map_err(|e| new_err(Kind::Input, "json", format!("{path}: {e}")));
    }
    if obj.is_instance(decimal_type(py)?)? {
        // `str` of a Decimal is short (scientific) past its exponent limits; the core
        // parses it exactly and refuses what does not fit.
        return Ok(Value::String(obj.str()?.to_cow()?.into_owned()));
    }
    if obj.is_instance(date_type(py)?)? {
        // ISO text, the data form of dates (the repr would not parse back).
        return Ok(Value::String(date_from_py(obj, path)?.to_string()));
    }
    let is_dict = obj.is_instance_of::<PyDict>();
    if !(is_dict || obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>()) {
        return Err(PyTypeError::new_err(format!(
            "{}: {} cannot be read as configuration data (expected dict, list, str, int, bool, None, Decimal, date or Money)",
            if path.is_empty() { "value" } else { path },
            type_name(obj)
        )));
    }
    let place = if path.is_empty() { "value" } else { path };
    let id = obj.as_ptr() as usize;
    if open.contains(&id) {
        return Err(new_err(
            Kind::Input,
            "cycle",
            format!(
                "{place}: the {} contains itself (a cycle): expected a tree of dicts and lists",
                type_name(obj)
            ),
        ));
    }
    if open.len() >= MAX_DEPTH {
        return Err(new_err(
            Kind::Input,
            "too_deep",
            format!("{place}: nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    open.push(id);
    let value = if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = serde_json::Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = k.cast::<PyString>().map_err(|_| {
                PyTypeError::new_err(format!("{place}: keys must be str, not {}", type_name(&k)))
            })?;
            let key = key.to_cow()?.into_owned();
            let sub = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            let value = walk_json(&v, &sub, open)?;
            map.insert(key, value);
        }
        Value::Object(map)
    } else {
        let mut out = Vec::new();
        for (i, v) in obj.try_iter()?.enumerate() {
            out.push(walk_json(&v?, &format!("{path}[{i}]"), open)?);
        }
        Value::Array(out)
    };
    open.pop();
    Ok(value)
}

/// Widest indent `to_json` accepts, in spaces.
pub const MAX_INDENT: usize = 64;

/// Serialize a core value to JSON text.
///
/// # Errors
/// An `InputError` for an indent above [`MAX_INDENT`] (`indent=10**11` aborted the
/// process allocating the spaces; `2**64-1` raised `PanicException`).
pub fn to_json<T: Serialize>(value: &T, indent: Option<usize>) -> PyResult<String> {
    if let Some(n) = indent.filter(|n| *n > MAX_INDENT) {
        return Err(new_err(
            Kind::Input,
            "invalid_indent",
            format!("invalid indent {n}: expected 0 to {MAX_INDENT} spaces, or None"),
        ));
    }
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

/// Text or bytes holding JSON. A leading UTF-8 byte-order mark (Windows editors and
/// Excel write one) is skipped, as the command and the C library skip it.
pub fn json_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    const BOM: char = '\u{feff}';
    if let Ok(s) = obj.extract::<String>() {
        return Ok(match s.strip_prefix(BOM) {
            Some(rest) => rest.to_owned(),
            None => s,
        });
    }
    if let Ok(b) = obj.extract::<Vec<u8>>() {
        let b = match b.strip_prefix(b"\xef\xbb\xbf") {
            Some(rest) => rest.to_vec(),
            None => b,
        };
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
