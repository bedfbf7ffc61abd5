//! The `encours._encours` extension module: a thin layer over `encours-core` that
//! converts Python values to core values and back, and delegates. No domain logic
//! lives here.
//!
//! The pure-Python package `encours` (under `python/`) re-exports everything.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
// Python method names (`to_json`, `to_minor`) are the API; pyo3 methods cannot take
// `self` by value, which is what this lint would want for `Copy` classes.
#![allow(clippy::wrong_self_convention)]

#[macro_use]
mod values;
mod arrow_in;
mod arrow_ledger;
mod arrow_out;
mod calendar;
mod convert;
mod dunning;
mod errors;
mod interest;
mod ledger;
mod money;
mod plans;
mod records;
mod reports;
mod sharing;
mod table;
mod terms;
// Risk scoring and credit limits (issue 12).
mod limits;
mod risk;

use pyo3::prelude::*;

/// encours: an embeddable engine for B2B credit management and collections.
#[pymodule]
fn _encours(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    money::register(m)?;
    records::register(m)?;
    ledger::register(m)?;
    table::register(m)?;
    reports::register(m)?;
    calendar::register(m)?;
    terms::register(m)?;
    interest::register(m)?;
    dunning::register(m)?;
    // Risk scoring and credit limits (issue 12).
    risk::register(m)?;
    limits::register(m)?;
    plans::register(m)?;
    Ok(())
}
