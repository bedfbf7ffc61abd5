//! # encours
//!
//! An embeddable engine for B2B credit management and collections: money with its
//! currency, business-day calendars, payment terms, the accounts-receivable ledger with
//! cash application, aging and collection metrics (DSO, CEI, ADD, payment index,
//! Pareto).
//!
//! This crate is the facade Rust users depend on; everything lives in
//! [`encours_core`] and is re-exported here.
//!
//! ```
//! use encours::money::{Currency, Money};
//! let total = Money::parse("100.00", Currency::EUR)?
//!     .checked_add(&Money::parse("20.50", Currency::EUR)?)?;
//! assert_eq!(total.to_string(), "120.50 EUR");
//! # Ok::<(), encours::Error>(())
//! ```
#![deny(missing_docs)]

pub use encours_core::*;

// The README's Rust examples run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
