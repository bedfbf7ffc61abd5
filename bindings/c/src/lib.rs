//! # libencours: the C interface of encours
//!
//! A thin layer over [`encours_core`] in the style of rustls-ffi: it converts C
//! arguments to core types, calls the core, and converts the results back. It holds no
//! domain logic; every figure comes from the core.
//!
//! The header `include/encours.h` is generated from these sources by cbindgen
//! (`build.rs`); the doc comments below become its comments, so they are written for
//! C programmers.
//!
//! Conventions, enforced in one place each:
//! - every `extern "C"` function body is wrapped in [`ffi_boundary!`], which catches
//!   panics (status `ENCOURS_PANIC`) and records failures for `encours_last_error`
//!   (a test scans the sources for any function without it);
//! - NULL pointers are refused through [`check_null!`];
//! - out-parameters are written only on success;
//! - enumerated arguments arrive as `uint32_t` and are converted with a check: a
//!   `#[repr(C)]` enum taken from C would be undefined behaviour for an unknown value.
#![deny(missing_docs)]
#![allow(non_camel_case_types)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

// Declaration order is the order of the header's sections.
#[macro_use]
mod error;
mod calendar;
mod convert;
mod date;
mod dunning;
mod interest;
mod ledger;
mod letters;
mod money;
mod plans;
mod reports;
mod terms;
mod version;
// Risk scoring and credit limits (issue 12).
mod limits;
mod risk;
// The boundary's pointer paths, for Miri (scripts/miri.sh).
#[cfg(test)]
mod pointer_tests;

pub use calendar::*;
pub use date::*;
pub use dunning::*;
pub use error::*;
pub use interest::*;
pub use ledger::*;
pub use letters::*;
pub use money::*;
pub use plans::*;
pub use reports::*;
pub use terms::*;
pub use version::*;
// Risk scoring and credit limits (issue 12).
pub use limits::*;
pub use risk::*;
