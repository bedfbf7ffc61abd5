//! `Currency`, `Money` and `FxRates`: thin wrappers over `encours_core::money`.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use encours_core::money::{Currency, FxRates, Money, Remainder, RoundingMode};
use pyo3::basic::CompareOp;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyInt;

use crate::convert::{
    currency_from_py, decimal_from_py, decimal_to_py, enum_from_str, from_json, ratios_from_py,
    to_json,
};
use crate::errors::{CoreResult, Kind, new_err};

/// Most parts a split may ask for: each part is a value in memory, and a typo such
/// as `split(10**12)` must be an error, not an out-of-memory abort.
pub use encours_core::money::MAX_PARTS;

/// An ISO 4217 currency (or one declared with `Currency.custom`) and its minor units.
///
/// >>> Currency("eur").code, Currency("JPY").minor_units
/// ('EUR', 0)
#[pyclass(name = "Currency", module = "encours", frozen, eq, hash)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PyCurrency(pub Currency);

#[pymethods]
impl PyCurrency {
    /// The ISO 4217 currency with this code (case-insensitive). Raises MoneyError for
    /// an unknown code; declare other codes with `Currency.custom`.
    #[new]
    fn new(code: &str) -> PyResult<Self> {
        Currency::from_code(code).py().map(PyCurrency)
    }

    /// A caller-declared currency with 0 to 8 minor units.
    #[staticmethod]
    fn custom(code: &str, minor_units: i64) -> PyResult<Self> {
        let units = u32::try_from(minor_units).unwrap_or(u32::MAX);
        Currency::custom(code, units).py().map(PyCurrency)
    }

    /// Every built-in ISO 4217 currency, sorted by code.
    #[staticmethod]
    fn iso_currencies() -> Vec<PyCurrency> {
        Currency::iso_currencies()
            .iter()
            .copied()
            .map(PyCurrency)
            .collect()
    }

    /// The three-letter code, upper case.
    #[getter]
    fn code(&self) -> String {
        self.0.code().to_owned()
    }

    /// Digits after the decimal point in the minor unit (2 for EUR, 0 for JPY).
    #[getter]
    fn minor_units(&self) -> u32 {
        self.0.minor_units()
    }

    /// The smallest amount, as a Decimal (Decimal('0.01') for EUR).
    #[getter]
    fn minor_unit<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal_to_py(py, self.0.minor_unit())
    }

    /// Whether this is the built-in ISO 4217 definition of the code.
    #[getter]
    fn is_iso(&self) -> bool {
        self.0.is_iso()
    }

    /// The JSON form: `"EUR"`, or `{"code": "XBT", "minor_units": 8}` for a custom one.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }

    /// A currency from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json(data, "currency").map(PyCurrency)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (slf.get().to_json()?,),
        ))
    }

    fn __repr__(&self) -> String {
        currency_repr(self.0)
    }

    fn __str__(&self) -> String {
        self.0.code().to_owned()
    }
}

/// `'EUR'` for an ISO currency, `Currency.custom('XBT', 8)` otherwise: the form used
/// inside other reprs.
pub fn currency_arg_repr(c: Currency) -> String {
    if c.is_iso() {
        format!("'{}'", c.code())
    } else {
        currency_repr(c)
    }
}

fn currency_repr(c: Currency) -> String {
    if c.is_iso() {
        format!("Currency('{}')", c.code())
    } else {
        format!("Currency.custom('{}', {})", c.code(), c.minor_units())
    }
}

/// `Money('1200.00', 'EUR')`.
pub fn money_repr(m: &Money) -> String {
    format!(
        "Money('{}', {})",
        m.amount(),
        currency_arg_repr(m.currency())
    )
}

/// A rounding mode from its name.
pub fn rounding_from_str(mode: &str) -> PyResult<RoundingMode> {
    enum_from_str("rounding mode", mode)
}

/// An exact amount with its currency. Amounts are `decimal.Decimal`, `str` or `int`,
/// never `float`; arithmetic between two currencies raises CurrencyMismatchError.
///
/// >>> Money("1200.00", "EUR") - Money("450.10", "EUR")
/// Money('749.90', 'EUR')
#[pyclass(name = "Money", module = "encours", frozen)]
#[derive(Clone, Copy)]
pub struct PyMoney(pub Money);

impl PyMoney {
    fn other(other: &Bound<'_, PyAny>) -> Option<Money> {
        other.cast::<PyMoney>().ok().map(|m| m.get().0)
    }
}

#[pymethods]
impl PyMoney {
    /// `Money(amount, currency)`: `amount` a Decimal, str or int (never float), kept
    /// exactly as given; `currency` a Currency or a code.
    #[new]
    fn new(amount: &Bound<'_, PyAny>, currency: &Bound<'_, PyAny>) -> PyResult<Self> {
        let currency = currency_from_py(currency)?;
        let amount = decimal_from_py(amount, "money", "amount")?;
        Ok(PyMoney(Money::new(amount, currency)))
    }

    /// An amount given as an integer count of minor units (cents for EUR).
    #[staticmethod]
    fn from_minor(minor: i64, currency: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyMoney(Money::from_minor(
            minor,
            currency_from_py(currency)?,
        )))
    }

    /// Zero in a currency.
    #[staticmethod]
    fn zero(currency: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyMoney(Money::zero(currency_from_py(currency)?)))
    }

    /// The amount, a Decimal.
    #[getter]
    fn amount<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal_to_py(py, self.0.amount())
    }

    /// The currency.
    #[getter]
    fn currency(&self) -> PyCurrency {
        PyCurrency(self.0.currency())
    }

    /// Whether the amount is zero.
    fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// Whether the amount is strictly above zero.
    fn is_positive(&self) -> bool {
        self.0.is_positive()
    }

    /// Whether the amount is strictly below zero.
    fn is_negative(&self) -> bool {
        self.0.is_negative()
    }

    /// Whether the amount has no digits below the currency's minor unit.
    fn is_in_minor_units(&self) -> bool {
        self.0.is_in_minor_units()
    }

    /// The amount as an integer count of minor units; raises MoneyError when it has
    /// digits below the minor unit (round it first).
    fn to_minor(&self) -> PyResult<i64> {
        self.0.to_minor().py()
    }

    /// Round to the currency's minor unit: mode is "half_up" (default, half away from
    /// zero), "half_even", "down" (toward zero) or "up" (away from zero).
    #[pyo3(signature = (mode = "half_up"))]
    fn round(&self, mode: &str) -> PyResult<Self> {
        Ok(PyMoney(self.0.round(rounding_from_str(mode)?)))
    }

    /// Split into parts proportional to `ratios` (Decimal, str or int), each rounded
    /// to the minor unit, adding back exactly to the amount rounded to the minor unit.
    /// `remainder` says where the leftover minor units go: "largest_remainder"
    /// (default), "on_last" or "on_first".
    #[pyo3(signature = (ratios, remainder = "largest_remainder"))]
    fn allocate(&self, ratios: &Bound<'_, PyAny>, remainder: &str) -> PyResult<Vec<PyMoney>> {
        let remainder: Remainder = enum_from_str("remainder", remainder)?;
        if ratios.is_instance_of::<pyo3::types::PyString>() {
            return Err(PyTypeError::new_err(
                "ratios must be a sequence of decimal.Decimal, str or int, not str",
            ));
        }
        let mut items = Vec::new();
        for r in ratios.try_iter()? {
            if items.len() >= MAX_PARTS {
                return Err(too_many_parts(items.len() + 1));
            }
            items.push(r?);
        }
        let parsed = ratios_from_py(&items)?;
        let parts = self.0.allocate(&parsed, remainder).py()?;
        Ok(parts.into_iter().map(PyMoney).collect())
    }

    /// Split into `parts` near-equal parts adding back to the amount to the minor
    /// unit; `remainder` as for `allocate`.
    #[pyo3(signature = (parts, remainder = "largest_remainder"))]
    fn split(&self, parts: &Bound<'_, PyInt>, remainder: &str) -> PyResult<Vec<PyMoney>> {
        let remainder: Remainder = enum_from_str("remainder", remainder)?;
        let n: i128 = parts.extract().unwrap_or(i128::MAX);
        if n < 0 {
            return Err(new_err(
                Kind::Money,
                "invalid_parts",
                format!("invalid number of parts {n}: expected between 1 and {MAX_PARTS}"),
            ));
        }
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if n > MAX_PARTS {
            return Err(too_many_parts(n));
        }
        let out = self.0.split(n, remainder).py()?;
        Ok(out.into_iter().map(PyMoney).collect())
    }

    /// The JSON form, `{"amount": "12.34", "currency": "EUR"}`.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }

    /// An amount from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json(data, "money").map(PyMoney)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (slf.get().to_json()?,),
        ))
    }

    fn __repr__(&self) -> String {
        money_repr(&self.0)
    }

    /// `1200.00 EUR`.
    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __bool__(&self) -> bool {
        !self.0.is_zero()
    }

    fn __hash__(&self) -> u64 {
        let mut h = DefaultHasher::new();
        self.0.hash(&mut h);
        h.finish() >> 2
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let Some(o) = Self::other(other) else {
            return Ok(py.NotImplemented());
        };
        let result = match op {
            // Equality across currencies is simply false, as Python expects of ==.
            CompareOp::Eq => self.0 == o,
            CompareOp::Ne => self.0 != o,
            CompareOp::Lt => self.0.checked_cmp(&o).py()?.is_lt(),
            CompareOp::Le => self.0.checked_cmp(&o).py()?.is_le(),
            CompareOp::Gt => self.0.checked_cmp(&o).py()?.is_gt(),
            CompareOp::Ge => self.0.checked_cmp(&o).py()?.is_ge(),
        };
        Ok(pyo3::types::PyBool::new(py, result)
            .to_owned()
            .into_any()
            .unbind())
    }

    fn __add__(&self, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let py = other.py();
        match Self::other(other) {
            Some(o) => Ok(PyMoney(self.0.checked_add(&o).py()?)
                .into_pyobject(py)?
                .into_any()
                .unbind()),
            None => Ok(py.NotImplemented()),
        }
    }

    /// `0 + money` is `money`, so `sum(parts)` works; any other left operand is refused.
    fn __radd__(&self, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let is_int_zero =
            other.is_exact_instance_of::<PyInt>() && other.extract::<i64>().ok() == Some(0);
        if is_int_zero {
            Ok(PyMoney(self.0).into_pyobject(py)?.into_any().unbind())
        } else {
            Ok(py.NotImplemented())
        }
    }

    fn __sub__(&self, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let py = other.py();
        match Self::other(other) {
            Some(o) => Ok(PyMoney(self.0.checked_sub(&o).py()?)
                .into_pyobject(py)?
                .into_any()
                .unbind()),
            None => Ok(py.NotImplemented()),
        }
    }

    /// `money * factor`, unrounded; factor a Decimal or int (never float).
    fn __mul__(&self, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let py = other.py();
        if other.cast::<PyMoney>().is_ok() || other.is_instance_of::<pyo3::types::PyString>() {
            return Ok(py.NotImplemented());
        }
        let factor = decimal_from_py(other, "factor", "factor")?;
        Ok(PyMoney(self.0.checked_mul(factor).py()?)
            .into_pyobject(py)?
            .into_any()
            .unbind())
    }

    fn __rmul__(&self, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.__mul__(other)
    }

    fn __neg__(&self) -> Self {
        PyMoney(self.0.negate())
    }

    fn __pos__(&self) -> Self {
        *self
    }

    fn __abs__(&self) -> Self {
        PyMoney(self.0.abs())
    }
}

fn too_many_parts(n: usize) -> PyErr {
    new_err(
        Kind::Money,
        "invalid_parts",
        format!("invalid number of parts {n}: expected between 1 and {MAX_PARTS}"),
    )
}

/// Exchange rates supplied by the caller: encours never invents one. A rate `r` from
/// `A` to `B` means `1 A = r B`; the inverse is used when only the opposite
/// direction is known.
#[pyclass(name = "FxRates", module = "encours")]
#[derive(Clone, Default)]
pub struct PyFxRates(pub FxRates);

#[pymethods]
impl PyFxRates {
    /// No rates yet; add them with `insert`.
    #[new]
    fn new() -> Self {
        PyFxRates(FxRates::new())
    }

    /// Add or replace the rate `1 from_ = rate to` (rate a positive Decimal, str or int).
    fn insert(
        slf: &Bound<'_, Self>,
        from_: &Bound<'_, PyAny>,
        to: &Bound<'_, PyAny>,
        rate: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let from = currency_from_py(from_)?;
        let to = currency_from_py(to)?;
        let rate = decimal_from_py(rate, "rate", "rate")?;
        crate::sharing::borrow_mut_waiting(slf)?
            .0
            .insert(from, to, rate)
            .py()
    }

    /// The rate from one currency to another (1 for the same currency).
    fn rate<'py>(
        &self,
        py: Python<'py>,
        from_: &Bound<'py, PyAny>,
        to: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let r = self
            .0
            .rate(currency_from_py(from_)?, currency_from_py(to)?)
            .py()?;
        decimal_to_py(py, r)
    }

    /// Convert an amount, rounding the result to the target's minor unit.
    #[pyo3(signature = (money, to, mode = "half_up"))]
    fn convert(
        &self,
        money: PyRef<'_, PyMoney>,
        to: &Bound<'_, PyAny>,
        mode: &str,
    ) -> PyResult<PyMoney> {
        let out = self
            .0
            .convert(&money.0, currency_from_py(to)?, rounding_from_str(mode)?)
            .py()?;
        Ok(PyMoney(out))
    }

    /// The quoted rates as (from, to, rate) tuples, in insertion order.
    fn rates<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Vec<(PyCurrency, PyCurrency, Bound<'py, PyAny>)>> {
        self.0
            .rates()
            .iter()
            .map(|r| {
                Ok((
                    PyCurrency(r.from),
                    PyCurrency(r.to),
                    decimal_to_py(py, r.rate)?,
                ))
            })
            .collect()
    }

    /// The JSON form.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }

    /// Rates from their JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let rates: FxRates = from_json(data, "exchange rates")?;
        // Re-insert so a hand-written JSON file is validated like `insert`.
        let mut checked = FxRates::new();
        for r in rates.rates() {
            checked.insert(r.from, r.to, r.rate).py()?;
        }
        Ok(PyFxRates(checked))
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (slf.borrow().to_json()?,),
        ))
    }

    fn __repr__(&self) -> String {
        let parts: Vec<String> = self
            .0
            .rates()
            .iter()
            .map(|r| format!("{}/{} {}", r.from.code(), r.to.code(), r.rate))
            .collect();
        format!("FxRates([{}])", parts.join(", "))
    }

    fn __len__(&self) -> usize {
        self.0.rates().len()
    }
}

/// Register the money classes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCurrency>()?;
    m.add_class::<PyMoney>()?;
    m.add_class::<PyFxRates>()?;
    Ok(())
}
