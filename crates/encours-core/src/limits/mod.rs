//! Credit limits (*limites de crédit, encours autorisé*), exposure (*encours*) and the
//! order credit check (*blocage de commande*).
//!
//! - [`recommend`]: a recommended limit from rules the caller configures, with the
//!   figures and the rule that set it;
//! - [`in_force`]: limits in force on a date: manual limits with validity dates,
//!   temporary increases that expire, insurer cover, group limits shared by a parent
//!   and its subsidiaries, converted with caller rates (never silently);
//! - [`exposure`]: the records the caller adds to the ledger (orders, deliveries not
//!   invoiced, bills of exchange, payment-plan balances) and the exposure by category;
//! - [`index`]: the incremental credit index an ERP keeps in memory, updated on every
//!   invoice, payment, credit note, order or limit event, answering a check in well
//!   under a microsecond;
//! - [`check`]: `check_order`: approve, warn or block, with every reason as data;
//! - [`alerts`]: limits expiring, utilisation above a threshold, downgrades, first
//!   overdue items, insurer cover about to lapse.
//!
//! # Conventions are options
//! ERPs disagree on the details; each is an option of [`check::CheckOptions`] with a
//! documented default: what a missing or a zero limit means, whether exposure equal
//! to the limit passes (it does by default, as in every system we know), whether each
//! reason blocks or warns (and an override, recorded), which exposure categories
//! count (for all customers, or per customer), and whether the order being checked is
//! already counted among the open orders.

pub mod alerts;
pub mod check;
pub mod exposure;
pub mod in_force;
pub mod index;
pub mod recommend;

use chrono::NaiveDate;

use crate::money::MoneyError;
use crate::risk::RiskError;

/// Most records of each kind (orders, deliveries, limits…) a caller may give at once.
pub const MAX_RECORDS: usize = 50_000_000;

/// What can go wrong with limits, exposure or a check. Messages name the field, the
/// value and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LimitError {
    /// A configuration or record value that breaks a rule.
    #[error("invalid {field}: {value} ({expected})")]
    Invalid {
        /// The field, with its record (`manual[3].valid_until`).
        field: String,
        /// The value refused.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// A customer, order, item or other record that is not known.
    #[error("unknown {kind} \"{id}\" referenced by {referenced_by}")]
    Unknown {
        /// What was looked for.
        kind: &'static str,
        /// The id given.
        id: String,
        /// Who referenced it.
        referenced_by: String,
    },
    /// A record whose id is already used.
    #[error("duplicate {kind} id \"{id}\"")]
    Duplicate {
        /// The kind of record.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// An amount error: currency mismatch, overflow, a missing exchange rate.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// A risk error (scorecard, statements) met while recommending.
    #[error(transparent)]
    Risk(#[from] RiskError),
}

pub(crate) fn invalid(
    field: impl Into<String>,
    value: impl std::fmt::Display,
    expected: impl Into<String>,
) -> LimitError {
    LimitError::Invalid {
        field: field.into(),
        value: value.to_string(),
        expected: expected.into(),
    }
}

pub(crate) fn overflow(operation: &'static str) -> LimitError {
    LimitError::Money(MoneyError::Overflow { operation })
}

/// Check a validity window: `until` not before `from`.
pub(crate) fn check_window(
    at: &str,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> Result<(), LimitError> {
    if let (Some(f), Some(u)) = (from, until)
        && u < f
    {
        return Err(invalid(
            format!("{at}.valid_until"),
            u,
            format!("on or after valid_from {f}"),
        ));
    }
    Ok(())
}

/// Whether a window holds a date.
pub(crate) fn in_window(
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    date: NaiveDate,
) -> bool {
    from.is_none_or(|f| f <= date) && until.is_none_or(|u| date <= u)
}
