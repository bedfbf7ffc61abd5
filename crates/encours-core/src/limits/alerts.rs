//! Alerts for a date: what a credit manager wants to hear about before it becomes a
//! problem.
//!
//! - a limit (manual limit, temporary increase, group limit) ending within
//!   [`AlertConfig::limit_expiry_days`];
//! - utilisation (exposure ÷ own limit) at or above
//!   [`AlertConfig::utilisation_threshold`];
//! - a score downgrade (from the migrations given, see
//!   [`crate::risk::scorecard::migration`]);
//! - a first overdue item: a customer with nothing overdue the day before has an
//!   overdue item on the date;
//! - insurer cover ending within [`AlertConfig::cover_lapse_days`].
//!
//! ```
//! use encours_core::limits::alerts::{alerts, AlertConfig, AlertKind};
//! use encours_core::limits::index::{CreditIndex, IndexInputs};
//! use encours_core::ledger::{Customer, Item, Ledger};
//! use encours_core::money::{Currency, Money};
//! use chrono::NaiveDate;
//! let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
//! let ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
//!     vec![Item::invoice("F1", "C1", d(1, 1), d(1, 31), Money::from_minor(100_00, Currency::EUR))], vec![], vec![])?;
//! let index = CreditIndex::build(&ledger, &IndexInputs::default(), d(2, 1))?;
//! let a = alerts(&index, &AlertConfig::default(), d(2, 1), &[])?;
//! assert!(matches!(a[0].kind, AlertKind::FirstOverdue { .. }));
//! # Ok::<(), encours_core::Error>(())
//! ```

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::exposure::Categories;
use super::in_force::LimitSource;
use super::index::CreditIndex;
use super::{LimitError, invalid};
use crate::money::{Money, RoundingMode};
use crate::risk::scorecard::{Direction, Migration};

/// Thresholds of the alerts. Serde refuses unknown keys; defaults shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertConfig {
    /// Days ahead a limit's end is announced (default 30).
    pub limit_expiry_days: u32,
    /// Utilisation from which to alert (default 0.9).
    #[serde(with = "crate::decimal_serde")]
    pub utilisation_threshold: Decimal,
    /// Days ahead an insurer cover's end is announced (default 30).
    pub cover_lapse_days: u32,
    /// Exposure categories counted for utilisation (default all).
    pub categories: Categories,
}

impl Default for AlertConfig {
    fn default() -> Self {
        AlertConfig {
            limit_expiry_days: 30,
            utilisation_threshold: Decimal::new(9, 1),
            cover_lapse_days: 30,
            categories: Categories::default(),
        }
    }
}

/// What an alert is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "alert", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AlertKind {
    /// A limit ends soon.
    LimitExpiring {
        /// Which limit.
        source: LimitSource,
        /// Its amount.
        amount: Money,
        /// Its last day.
        valid_until: NaiveDate,
    },
    /// Utilisation at or above the threshold.
    HighUtilisation {
        /// Exposure.
        exposure: Money,
        /// Own limit.
        limit: Money,
        /// Exposure ÷ limit, 4 decimals.
        utilisation: Decimal,
    },
    /// The score went to a worse class.
    Downgrade {
        /// Class before.
        from: String,
        /// Class after.
        to: String,
        /// Score change.
        score_delta: Decimal,
    },
    /// The first overdue item.
    FirstOverdue {
        /// Overdue amount.
        overdue: Money,
        /// The due date passed.
        due_date: NaiveDate,
    },
    /// Insurer cover ends soon.
    CoverLapsing {
        /// Cover amount.
        amount: Money,
        /// Its last day.
        expires_on: NaiveDate,
    },
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// The customer.
    pub customer_id: String,
    /// What.
    #[serde(flatten)]
    pub kind: AlertKind,
}

/// The alerts for a date, customer by customer in index order.
///
/// # Errors
/// [`LimitError::Invalid`] for a threshold not positive, [`LimitError::Money`] for a
/// limit without a rate.
///
/// # Example
/// See the [module documentation](self).
pub fn alerts(
    index: &CreditIndex,
    config: &AlertConfig,
    date: NaiveDate,
    migrations: &[Migration],
) -> Result<Vec<Alert>, LimitError> {
    if config.utilisation_threshold <= Decimal::ZERO {
        return Err(invalid(
            "utilisation_threshold",
            config.utilisation_threshold,
            "more than zero",
        ));
    }
    let mut out = Vec::new();
    for (c, p) in index.customers.iter().enumerate() {
        let mut push = |kind| {
            out.push(Alert {
                customer_id: p.id.clone(),
                kind,
            })
        };
        let limits = index.limits_at(c, date, true)?;
        let horizon = |days: u32| date.checked_add_days(chrono::Days::new(u64::from(days)));
        for part in &limits.parts {
            let (Some(until), Some(h)) = (part.valid_until, horizon(config.limit_expiry_days))
            else {
                continue;
            };
            if until <= h && part.source != LimitSource::Insurer {
                push(AlertKind::LimitExpiring {
                    source: part.source,
                    amount: part.given,
                    valid_until: until,
                });
            }
            if part.source == LimitSource::Insurer
                && let Some(hc) = horizon(config.cover_lapse_days)
                && until <= hc
            {
                push(AlertKind::CoverLapsing {
                    amount: part.given,
                    expires_on: until,
                });
            }
        }
        if let Some(l) = limits.own.filter(|l| l.is_positive()) {
            let exposure = index
                .figures_at(c, None)?
                .rounded_total(p.currency, &config.categories)
                .unwrap_or_default();
            let u = RoundingMode::HalfUp.round(exposure / l.amount(), 4);
            if u >= config.utilisation_threshold {
                push(AlertKind::HighUtilisation {
                    exposure: Money::new(exposure, p.currency),
                    limit: l,
                    utilisation: u.normalize(),
                });
            }
        }
        // First overdue: the oldest open item fell due yesterday, so nothing was
        // overdue the day before.
        if let Some((due, _)) = p.open_by_due.first_key_value()
            && date.pred_opt() == Some(*due)
        {
            let overdue: Decimal = p.open_by_due.range(..date).map(|(_, v)| *v).sum();
            push(AlertKind::FirstOverdue {
                overdue: Money::new(overdue, p.currency),
                due_date: *due,
            });
        }
    }
    for m in migrations
        .iter()
        .filter(|m| m.direction == Direction::Downgrade)
    {
        out.push(Alert {
            customer_id: m.customer_id.clone(),
            kind: AlertKind::Downgrade {
                from: m.before.1.clone(),
                to: m.after.1.clone(),
                score_delta: m.score_delta,
            },
        });
    }
    Ok(out)
}
