//! Risk scoring: what a credit manager reads before deciding how much a customer may
//! owe.
//!
//! - [`features`]: behavioural features per customer as of a date, from the ledger
//!   (one pass for the whole portfolio, or one customer alone);
//! - [`external`]: scores from data providers, normalised by their provider's scale;
//! - [`statements`]: financial statements, their ratios and the Altman Z, Z' and Z''
//!   scores with their published coefficients and zones;
//! - [`scorecard`]: a configurable scorecard turning features into a 0–100 score, a
//!   risk class and the contribution of every factor, and the comparison of two
//!   scores (upgrade or downgrade, with the factors that moved).
//!
//! Scores and ratios are exact decimals (`rust_decimal`), rounded at stated places, so
//! the same ledger always gives the same figures on every platform.
//!
//! ```
//! use encours_core::risk::features::{feature_table, FeatureConfig, FeatureInputs};
//! use encours_core::risk::scorecard::Scorecard;
//! use encours_core::ledger::{Customer, Item, Ledger};
//! use encours_core::money::{Currency, Money};
//! use chrono::NaiveDate;
//! let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
//! let ledger = Ledger::new(vec![Customer::new("C1", "Dupont", Currency::EUR)],
//!     vec![Item::invoice("F1", "C1", d(1, 1), d(1, 31), Money::from_minor(100_00, Currency::EUR))],
//!     vec![], vec![])?;
//! let table = feature_table(&ledger, &FeatureConfig::default(), &FeatureInputs::default(), d(3, 31))?;
//! let scores = Scorecard::default_card().score_table(&table)?;
//! assert_eq!(scores[0].customer_id, "C1");
//! let total: rust_decimal::Decimal = scores[0].contributions.iter().map(|c| c.contribution).sum();
//! assert_eq!(total, scores[0].score); // the reasons add up to the score
//! # Ok::<(), encours_core::Error>(())
//! ```

pub mod external;
pub mod features;
pub(crate) mod ledger_view;
pub mod scorecard;
pub mod statements;

use crate::money::MoneyError;

/// What can go wrong scoring a customer. Each message names the field, the value and
/// what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RiskError {
    /// A configuration value (scorecard, scale, feature settings) that breaks a rule.
    #[error("invalid {field}: {value} ({expected})")]
    InvalidConfig {
        /// The field, with its path (`factors[2].bins[1].from`).
        field: String,
        /// The value refused, as text.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// A financial statement with an impossible value.
    #[error(
        "invalid {field} of the statement of \"{customer_id}\" for {period_end}: {value} ({expected})"
    )]
    InvalidStatement {
        /// The customer.
        customer_id: String,
        /// The statement's period end.
        period_end: chrono::NaiveDate,
        /// The field.
        field: &'static str,
        /// The value refused.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// An external score outside its provider's scale, or from a provider with no scale.
    #[error("invalid external score {value} from \"{provider}\": {expected}")]
    InvalidScore {
        /// The provider.
        provider: String,
        /// The score.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// A customer id that is not in the ledger.
    #[error("unknown customer \"{id}\" referenced by {referenced_by}")]
    UnknownCustomer {
        /// The id given.
        id: String,
        /// Who referenced it.
        referenced_by: String,
    },
    /// An amount error (currency mismatch, overflow).
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// Shorthand for an [`RiskError::InvalidConfig`].
pub(crate) fn invalid(
    field: impl Into<String>,
    value: impl std::fmt::Display,
    expected: impl Into<String>,
) -> RiskError {
    RiskError::InvalidConfig {
        field: field.into(),
        value: value.to_string(),
        expected: expected.into(),
    }
}

/// Decimal overflow, as a money error naming the operation.
pub(crate) fn overflow(operation: &'static str) -> MoneyError {
    MoneyError::Overflow { operation }
}

/// `a / b` rounded half up to `dp` decimals; `None` when `b` is zero.
pub(crate) fn ratio(
    a: rust_decimal::Decimal,
    b: rust_decimal::Decimal,
    dp: u32,
) -> Option<rust_decimal::Decimal> {
    if b.is_zero() {
        return None;
    }
    a.checked_div(b)
        .map(|r| crate::money::RoundingMode::HalfUp.round(r, dp))
}
