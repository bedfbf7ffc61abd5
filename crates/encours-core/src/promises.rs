//! Promises to pay (*promesses de règlement*): the customer commits to pay an amount
//! on a date. While a promise runs (until its date plus a grace period) the items it
//! covers are not dunned.
//!
//! ```
//! use encours_core::promises::PromiseToPay;
//! use encours_core::money::{Currency, Money};
//! use chrono::NaiveDate;
//! let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
//! let p = PromiseToPay {
//!     id: "PR-1".into(), customer_id: "C1".into(), item_ids: vec!["F-1".into()],
//!     amount: Money::from_minor(50_000, Currency::EUR), promised_date: d(3, 15), made_on: d(3, 1),
//! };
//! assert!(p.covers("F-1"));
//! assert!(p.is_running(d(3, 20), 5));
//! assert!(!p.is_running(d(3, 21), 5));
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::money::Money;

/// A promise to pay made by a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseToPay {
    /// Promise id.
    pub id: String,
    /// The customer who promised.
    pub customer_id: String,
    /// Items the promise covers; empty means every item of the customer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item_ids: Vec<String>,
    /// Amount promised.
    pub amount: Money,
    /// Day the customer promised to pay by.
    pub promised_date: NaiveDate,
    /// Day the promise was made.
    pub made_on: NaiveDate,
}

impl PromiseToPay {
    /// Whether the promise covers the item.
    pub fn covers(&self, item_id: &str) -> bool {
        self.item_ids.is_empty() || self.item_ids.iter().any(|i| i == item_id)
    }

    /// Whether the promise holds dunning back on `date`: made on or before it, and
    /// `date` no later than the promised date plus `grace_days`.
    pub fn is_running(&self, date: NaiveDate, grace_days: u32) -> bool {
        let end = self
            .promised_date
            .checked_add_days(chrono::Days::new(u64::from(grace_days)))
            .unwrap_or(NaiveDate::MAX);
        self.made_on <= date && date <= end
    }
}
