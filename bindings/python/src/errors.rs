//! The exception hierarchy and the one conversion from `encours_core::Error`.
//!
//! `EncoursError` is the root. Every core area has its own subclass; those are all
//! refusals of input values, so they also subclass `ValueError` (code written
//! against the standard library keeps working). Each exception carries `code`, the
//! core variant in snake case (`unknown_currency`), so a program can branch on the
//! reason without parsing the message.

use std::fmt::Debug;

use encours_core::Error;
use encours_core::dunning::DunningError;
use encours_core::interest::InterestError;
use encours_core::ledger::LedgerError;
use encours_core::metrics::ReportError;
use encours_core::money::MoneyError;
use encours_core::plans::PlanError;
use encours_core::terms::TermsError;
// Risk scoring and credit limits (issue 12).
use encours_core::limits::LimitError;
use encours_core::risk::RiskError;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

/// The exception classes, in the order of [`Kind`].
struct Types(Vec<Py<PyType>>);

static TYPES: PyOnceLock<Types> = PyOnceLock::new();

/// One exception class per core error area, plus the root and the binding's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Root,
    Money,
    CurrencyMismatch,
    Calendar,
    Terms,
    Ledger,
    Report,
    Interest,
    Dunning,
    Letter,
    Input,
    Table,
    // Risk scoring and credit limits (issue 12).
    Risk,
    Limit,
    Plan,
}

/// (kind, Python name, parent kind or None for the root, docstring)
const SPECS: &[(Kind, &str, Option<Kind>, &str)] = &[
    (
        Kind::Root,
        "EncoursError",
        None,
        "Root of every error raised by encours. Its `code` attribute names the reason in snake case.",
    ),
    (
        Kind::Money,
        "MoneyError",
        Some(Kind::Root),
        "Invalid amount, currency, rounding, allocation or exchange rate.",
    ),
    (
        Kind::CurrencyMismatch,
        "CurrencyMismatchError",
        Some(Kind::Money),
        "Two amounts in different currencies were combined without an exchange rate.",
    ),
    (
        Kind::Calendar,
        "CalendarError",
        Some(Kind::Root),
        "Invalid business-day calendar, holiday rule or date out of the calendar's range.",
    ),
    (
        Kind::Terms,
        "TermsError",
        Some(Kind::Root),
        "Payment terms that cannot be parsed or scheduled.",
    ),
    (
        Kind::Ledger,
        "LedgerError",
        Some(Kind::Root),
        "A ledger record or application the ledger refuses (duplicate, unknown reference, invalid field, over-application).",
    ),
    (
        Kind::Report,
        "ReportError",
        Some(Kind::Root),
        "Aging or metrics that cannot be computed from the inputs given.",
    ),
    (
        Kind::Interest,
        "InterestError",
        Some(Kind::Root),
        "Late-payment interest or fee that cannot be computed (rate table, rule, debt).",
    ),
    (
        Kind::Dunning,
        "DunningError",
        Some(Kind::Root),
        "Invalid dunning configuration or plan request.",
    ),
    (
        Kind::Letter,
        "LetterError",
        Some(Kind::Root),
        "A letter template that does not compile, is missing for an action, or fails to render.",
    ),
    (
        Kind::Input,
        "InputError",
        Some(Kind::Root),
        "Input the binding cannot read: malformed JSON, an unknown choice (rounding mode, item kind…), a value out of range.",
    ),
    (
        Kind::Table,
        "TableError",
        Some(Kind::Input),
        "An input table (Arrow, pandas, polars) lacks a column, has a column of the wrong type, or a null where a value is required.",
    ),
    // Risk scoring and credit limits (issue 12).
    (
        Kind::Risk,
        "RiskError",
        Some(Kind::Root),
        "An invalid scorecard, feature setting, provider scale, external score or financial statement.",
    ),
    (
        Kind::Limit,
        "LimitError",
        Some(Kind::Root),
        "An invalid credit limit, exposure record, check option or credit event, or an unknown record.",
    ),
    (
        Kind::Plan,
        "PlanError",
        Some(Kind::Root),
        "A payment plan that cannot be proposed, checked or tracked: a field of its terms, rules or payments, an unknown or foreign item, nothing to plan, a plan given back that does not add up.",
    ),
];

fn create(py: Python<'_>) -> PyResult<Types> {
    let builtins = py.import("builtins")?;
    let type_fn = builtins.getattr("type")?;
    let mut made: Vec<Py<PyType>> = Vec::with_capacity(SPECS.len());
    for (kind, name, parent, doc) in SPECS {
        let bases = match parent {
            None => PyTuple::new(py, [py.get_type::<PyException>()])?,
            Some(p) => {
                let parent = made
                    .get(*p as usize)
                    .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("exception order"))?
                    .bind(py)
                    .clone();
                if *p == Kind::Root {
                    PyTuple::new(py, [parent, py.get_type::<PyValueError>()])?
                } else {
                    PyTuple::new(py, [parent])?
                }
            }
        };
        let ns = PyDict::new(py);
        ns.set_item("__doc__", *doc)?;
        ns.set_item("__module__", "encours")?;
        let ty = type_fn.call1((*name, bases, ns))?.cast_into::<PyType>()?;
        debug_assert_eq!(made.len(), *kind as usize);
        made.push(ty.unbind());
    }
    Ok(Types(made))
}

/// The exception class of a kind.
pub fn exc_type(py: Python<'_>, kind: Kind) -> PyResult<Bound<'_, PyType>> {
    let types = TYPES.get_or_try_init(py, || create(py))?;
    types
        .0
        .get(kind as usize)
        .map(|t| t.bind(py).clone())
        .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("unknown exception kind"))
}

/// Add every exception class to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    for (kind, name, _, _) in SPECS {
        m.add(*name, exc_type(py, *kind)?)?;
    }
    Ok(())
}

/// An exception of `kind` with `message` and `code`.
pub fn new_err(kind: Kind, code: &str, message: impl Into<String>) -> PyErr {
    let message = message.into();
    Python::attach(|py| {
        let build = || -> PyResult<PyErr> {
            let ty = exc_type(py, kind)?;
            let exc = ty.call1((message.as_str(),))?;
            exc.setattr("code", code)?;
            Ok(PyErr::from_value(exc))
        };
        build().unwrap_or_else(|e| e)
    })
}

/// The core variant name in snake case, read from its `Debug` form
/// (`UnknownCurrency { code: "EUX" }` gives `unknown_currency`).
fn variant_code(e: &impl Debug) -> String {
    let debug = format!("{e:?}");
    let name: String = debug
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn money_kind(e: &MoneyError) -> Kind {
    match e {
        MoneyError::CurrencyMismatch { .. } => Kind::CurrencyMismatch,
        _ => Kind::Money,
    }
}

/// The one conversion from a core error to a Python exception. Money errors nested in
/// another area (a currency mismatch inside the ledger) raise the money class, so
/// `except CurrencyMismatchError` catches every mismatch.
pub fn core_err(e: impl Into<Error>) -> PyErr {
    core_err_in(e, "")
}

/// [`core_err`] with a context prefix for the message (`invoices row 3, column amount`).
pub fn core_err_in(e: impl Into<Error>, context: &str) -> PyErr {
    let e: Error = e.into();
    let message = if context.is_empty() {
        e.to_string()
    } else {
        format!("{context}: {e}")
    };
    let (kind, code) = match &e {
        Error::Money(m) => (money_kind(m), variant_code(m)),
        Error::Ledger(LedgerError::Money(m)) => (money_kind(m), variant_code(m)),
        Error::Ledger(l) => (Kind::Ledger, variant_code(l)),
        Error::Calendar(c) => (Kind::Calendar, variant_code(c)),
        Error::Terms(TermsError::Money(m)) => (money_kind(m), variant_code(m)),
        Error::Terms(t) => (Kind::Terms, variant_code(t)),
        Error::Report(ReportError::Money(m)) => (money_kind(m), variant_code(m)),
        Error::Report(r) => (Kind::Report, variant_code(r)),
        Error::Interest(InterestError::Money(m)) => (money_kind(m), variant_code(m)),
        Error::Interest(i) => (Kind::Interest, variant_code(i)),
        Error::Dunning(DunningError::Money(m)) => (money_kind(m), variant_code(m)),
        Error::Dunning(d) => (Kind::Dunning, variant_code(d)),
        Error::Letter(l) => (Kind::Letter, variant_code(l)),
        Error::Config(c) => (Kind::Input, variant_code(c)),
        Error::Risk(RiskError::Money(m)) => (money_kind(m), variant_code(m)),
        Error::Risk(r) => (Kind::Risk, variant_code(r)),
        Error::Limit(LimitError::Money(m)) => (money_kind(m), variant_code(m)),
        Error::Limit(l) => (Kind::Limit, variant_code(l)),
        Error::Plan(PlanError::Money(m)) => (money_kind(m), variant_code(m)),
        Error::Plan(PlanError::Calendar { source, .. }) => (Kind::Calendar, variant_code(source)),
        Error::Plan(p) => (Kind::Plan, variant_code(p)),
        // `Error` is non-exhaustive: an area added to the core later still raises an
        // EncoursError until it gets its own class.
        other => (Kind::Root, variant_code(other)),
    };
    new_err(kind, &code, message)
}

/// `Result<T, impl Into<Error>>` to `PyResult<T>` through [`core_err`].
pub trait CoreResult<T> {
    /// Convert the error with [`core_err`].
    fn py(self) -> PyResult<T>;
}

impl<T, E: Into<Error>> CoreResult<T> for Result<T, E> {
    fn py(self) -> PyResult<T> {
        self.map_err(core_err)
    }
}

/// A table error (missing column, wrong type, null).
pub fn table_err(code: &str, message: impl Into<String>) -> PyErr {
    new_err(Kind::Table, code, message)
}
