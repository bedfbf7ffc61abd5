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

use crate::dunning::DunningError;
use crate::money::Money;

/// A promise to pay made by a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// A promise covering every open item of the customer (set `item_ids` to name
    /// some), checked as [`PromiseToPay::validate`] does.
    ///
    /// # Errors
    /// [`DunningError::InvalidPromise`] for a negative amount or a promised date
    /// before the day the promise was made.
    ///
    /// # Example
    /// ```
    /// use encours_core::promises::PromiseToPay;
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
    /// let eur = Money::from_minor(50_000, Currency::EUR);
    /// assert!(PromiseToPay::new("PR-1", "C1", eur, d(3, 15), d(3, 1)).is_ok());
    /// assert_eq!(PromiseToPay::new("PR-2", "C1", eur, d(2, 15), d(3, 1)).unwrap_err().to_string(),
    ///     "invalid promise to pay \"PR-2\": promised_date 2024-02-15 is before made_on 2024-03-01");
    /// ```
    pub fn new(
        id: impl Into<String>,
        customer_id: impl Into<String>,
        amount: Money,
        promised_date: NaiveDate,
        made_on: NaiveDate,
    ) -> Result<PromiseToPay, DunningError> {
        let p = PromiseToPay {
            id: id.into(),
            customer_id: customer_id.into(),
            item_ids: Vec::new(),
            amount,
            promised_date,
            made_on,
        };
        p.validate()?;
        Ok(p)
    }

    /// Check the promise: a zero or positive amount, promised on or after the day it
    /// was made. [`crate::dunning::plan`] checks every promise it is given.
    ///
    /// # Errors
    /// [`DunningError::InvalidPromise`], naming the promise and the field.
    pub fn validate(&self) -> Result<(), DunningError> {
        let invalid = |message: String| DunningError::InvalidPromise {
            id: self.id.clone(),
            message,
        };
        if self.amount.is_negative() {
            return Err(invalid(format!(
                "amount {} is negative; expected zero or more",
                self.amount
            )));
        }
        if self.promised_date < self.made_on {
            return Err(invalid(format!(
                "promised_date {} is before made_on {}",
                self.promised_date, self.made_on
            )));
        }
        Ok(())
    }

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
