//! Core values as Python values (`ToPy`) and the `figures_class!` macro that wraps a
//! core result struct as a frozen Python class with a getter per field.

use chrono::NaiveDate;
use encours_core::metrics::{MetricValue, ParetoUnit};
use encours_core::money::{Currency, Money};
use pyo3::prelude::*;
use pyo3::types::PyList;
use rust_decimal::Decimal;

use crate::convert::{date_to_py, decimal_to_py, enum_to_str, str_repr};
use crate::money::{PyCurrency, PyMoney};

/// A core value as a Python value.
pub trait ToPy {
    /// The Python value.
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

impl ToPy for Money {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyMoney(*self).into_pyobject(py)?.into_any())
    }
}

impl ToPy for Currency {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyCurrency(*self).into_pyobject(py)?.into_any())
    }
}

/// A metric is its value as a Decimal, or None; the reason is in `undefined`.
impl ToPy for MetricValue {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.value() {
            Some(v) => decimal_to_py(py, v),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl ToPy for Decimal {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal_to_py(py, *self)
    }
}

impl ToPy for NaiveDate {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        date_to_py(py, *self)
    }
}

macro_rules! to_py_plain {
    ($($t:ty),*) => {$(
        impl ToPy for $t {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(self.clone().into_pyobject(py)?.into_any())
            }
        }
    )*};
}
to_py_plain!(u64, u32, i64, String);

impl ToPy for bool {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pyo3::types::PyBool::new(py, *self).to_owned().into_any())
    }
}

impl ToPy for ParetoUnit {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        enum_to_str(self).to_py(py)
    }
}

impl<T: ToPy> ToPy for Option<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(v) => v.to_py(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl<T: ToPy> ToPy for Vec<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self
            .iter()
            .map(|v| v.to_py(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }
}

pub fn py_repr(v: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = v.cast::<pyo3::types::PyString>() {
        return str_repr(v.py(), &s.to_cow()?);
    }
    if v.is_instance(&v.py().import("datetime")?.getattr("date")?)? {
        let (y, m, d): (i32, u32, u32) = (
            v.getattr("year")?.extract()?,
            v.getattr("month")?.extract()?,
            v.getattr("day")?.extract()?,
        );
        return Ok(format!("datetime.date({y}, {m}, {d})"));
    }
    Ok(v.repr()?.to_string())
}

pub fn reduce_json<'py, T: pyo3::PyClass>(
    slf: &Bound<'py, T>,
    json: String,
) -> PyResult<(Bound<'py, PyAny>, (String,))> {
    Ok((slf.as_any().get_type().getattr("from_json")?, (json,)))
}

/// The Python name of a field: its own, or the one given after `as`.
macro_rules! py_name {
    ($f:ident) => {
        stringify!($f)
    };
    ($f:ident, $p:ident) => {
        stringify!($p)
    };
}

/// A value class over a core figures struct: a getter per field, `undefined` (the
/// reasons of the metrics without a value), JSON, pickling and a deterministic repr.
macro_rules! figures_class {
    (
        $(#[doc = $doc:literal])*
        $py:ident, $name:literal, $core:ty,
        fields: [$( $(#[doc = $fdoc:literal])* $field:ident $(as $pyname:ident)? ),* $(,)?]
        $(, metrics: [$($m:ident),* $(,)?])?
    ) => {
        $(#[doc = $doc])*
        #[pyclass(name = $name, module = "encours", frozen, eq)]
        #[derive(Clone, PartialEq)]
        pub struct $py(pub $core);

        #[pymethods]
        impl $py {
            $(
                $(#[doc = $fdoc])*
                #[getter $(($pyname))?]
                fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    $crate::values::ToPy::to_py(&self.0.$field, py)
                }
            )*

            $(
            /// Why each metric without a value has none: `{field: reason}` (reasons such
            /// as "no_sales", "no_paid_items", "nothing_to_collect").
            #[getter]
            fn undefined<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
                let d = pyo3::types::PyDict::new(py);
                $(
                    if let encours_core::metrics::MetricValue::Undefined(r) = &self.0.$m {
                        d.set_item(stringify!($m), $crate::convert::enum_to_str(r))?;
                    }
                )*
                Ok(d)
            }
            )?

            /// The JSON form (the core's serde form).
            fn to_json(&self) -> PyResult<String> {
                $crate::convert::to_json(&self.0, None)
            }

            /// A value from its JSON form.
            #[staticmethod]
            fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
                $crate::convert::from_json::<$core>(data, $name).map($py)
            }

            fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
                $crate::values::reduce_json(slf, slf.get().to_json()?)
            }

            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                let parts: Vec<String> = vec![$(
                    format!("{}={}", py_name!($field $(, $pyname)?), $crate::values::py_repr(&$crate::values::ToPy::to_py(&self.0.$field, py)?)?),
                )*];
                Ok(format!("{}({})", $name, parts.join(", ")))
            }
        }

        impl $crate::values::ToPy for $core {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok($py(self.clone()).into_pyobject(py)?.into_any())
            }
        }
    };
}
