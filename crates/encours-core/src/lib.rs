//! # encours-core
//!
//! The pure domain core of encours: no I/O, no global state, deterministic.
//!
//! One module per domain concept, named after the glossary in `DOMAIN.md`:
//!
//! - [`money`]: amounts with their currency, rounding, allocation, FX conversion;
//! - [`config`]: the one entry point that reads configuration documents, refusing
//!   unknown keys with the path and the closest known key;
//! - [`calendar`]: business-day calendars with holiday rules and roll conventions;
//! - [`terms`]: payment terms, their parser, due schedules and LME compliance;
//! - [`ledger`]: customers, open items, payments, cash application, *as of* views;
//! - [`aging`]: aging buckets per customer, segment, group and portfolio;
//! - [`metrics`]: DSO (simple, count-back), best possible DSO, ADD, CEI, days beyond
//!   terms, payment index, Pareto;
//! - [`dunning`]: scenarios, assignment rules and the daily plan of reminders;
//! - `letters` (feature `letters`): dunning letters rendered from templates;
//! - [`promises`]: promises to pay, which hold dunning back;
//! - [`interest`]: statutory and contractual late-payment interest and recovery fees;
//! - [`risk`]: behavioural features, external scores, financial statements (Altman)
//!   and the scorecard (score, risk class, reasons);
//! - [`limits`]: recommended limits, limits in force, exposure, the order credit check
//!   and its incremental index, alerts.
//! - [`plans`]: payment plans: eligibility, selection, instalments, tracking, breach.
//!
//! Every area has its own error type; [`Error`] wraps them all for callers (such as
//! the C and Python bindings) that want one type.
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod aging;
pub mod calendar;
pub mod config;
mod decimal_serde;
pub mod dunning;
mod error;
pub mod interest;
pub mod ledger;
#[cfg(feature = "letters")]
pub mod letters;
pub mod metrics;
pub mod money;
pub mod plans;
pub mod promises;
pub mod terms;
// Risk scoring and credit limits (issue 12).
pub mod limits;
pub mod risk;

pub use error::Error;
