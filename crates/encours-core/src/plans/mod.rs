//! Payment plans (*échéanciers*): eligibility, selection of the invoices, a down
//! payment and dated instalments, tracking of payments against the schedule, breach
//! and rescheduling.
//!
//! A plan is built in a pipeline of small steps, each in its own file:
//!
//! - [`eligibility`]: may this customer have a plan? A [`PayerProfile`] (computed from
//!   the ledger by [`PayerProfile::from_ledger`], or filled by the caller or a risk
//!   module), the caller's risk class and [`EligibilityRules`] give an [`Eligibility`]
//!   with every refusal as data;
//! - [`selection`]: which items ([`Selection`]: explicit ids, Pareto share, or every
//!   open debit; disputed parts left out unless asked);
//! - [`schedule`]: the instalment dates (weekly, every two weeks, monthly on a day with
//!   end-of-month clamping stepped from the first date, or custom), rolled to business
//!   days with the customer's calendar;
//! - [`rounding`]: the three ways a split reaches the minor unit;
//! - [`interest`]: flat or annuity interest with its day-count convention;
//! - [`proposal`]: [`propose`] puts the above together into a [`PaymentPlan`], each
//!   instalment allocated to the invoices it settles, oldest first;
//! - [`data`]: [`validate_plan`] checks a plan given back (dates increasing, amounts
//!   adding up, items existing and the customer's);
//! - [`tracking`]: [`track`] applies payments to instalments and says, as of a date,
//!   which are paid, partly paid, late or missed, whether the plan is on track, in
//!   arrears, breached or completed, with early-warning alerts; [`reschedule`] turns
//!   what remains into a new plan linked to the old one;
//! - [`dunning_hold`]: what running plans mean for the dunning planner (their items
//!   held back, their missed instalments dunned, a breach releasing them).
//!
//! # Conventions (each an option, with its default)
//! - Rounding: half up ([`RoundingMode::HalfUp`], the commercial rule) or half even;
//!   the remainder on the last instalment (default), on the first, or each instalment
//!   rounded with the last absorbing the difference ([`InstalmentRemainder`]).
//! - Monthly dates are stepped from the first date (first date + k months, clamped to
//!   the month's last day), never from the previous instalment: a plan starting on
//!   31 January falls on 28/29 February and on 31 March.
//! - Interest on the balance after the down payment (default) or, for flat interest,
//!   on the full principal ([`InterestBase`]); rate per period by
//!   [`DayCount::PerPeriod`] (default: annual rate ÷ periods per year),
//!   [`DayCount::Thirty360`] or [`DayCount::Actual365`].
//! - Annuity instalments are equal: numpy-financial's `pmt` rounded, interest per
//!   period its `ipmt` rounded, the principal the difference (numpy's `ppmt` rounded,
//!   or one cent off when `pmt` and `ipmt` round apart), the last instalment absorbing
//!   the rounding.
//!
//! The JSON form of every type is in `docs/plans-format.md`.
//!
//! ```
//! use encours_core::ledger::{Customer, Item, Ledger};
//! use encours_core::money::{Currency, Money};
//! use encours_core::plans::{propose, PlanTerms};
//! use chrono::NaiveDate;
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let ledger = Ledger::new(
//!     vec![Customer::new("C1", "Dupont SA", Currency::EUR)],
//!     vec![Item::invoice("F-1", "C1", d(2024, 11, 2), d(2024, 12, 2), Money::parse("21771.07", Currency::EUR)?)],
//!     vec![], vec![],
//! )?;
//! let terms: PlanTerms = serde_json::from_str(r#"{
//!     "down_payment": {"percent": "25"},
//!     "instalments": 6, "frequency": "monthly", "first_date": "2025-02-28"
//! }"#).unwrap();
//! let plan = propose(&ledger, "C1", "PL-1", d(2025, 1, 31), &terms, &[])?;
//! assert_eq!(plan.instalments[0].amount.to_string(), "5442.77 EUR");
//! assert_eq!(plan.instalments[6].amount.to_string(), "2721.40 EUR");
//! assert_eq!(plan.total.to_string(), "21771.07 EUR");
//! # Ok::<(), encours_core::Error>(())
//! ```

pub mod data;
pub mod dunning_hold;
pub mod eligibility;
pub mod interest;
mod ledger_view;
pub mod proposal;
pub mod rounding;
pub mod schedule;
pub mod selection;
pub mod tracking;

pub use data::validate_plan;
pub use eligibility::{
    BrokenPlan, CheckCode, Eligibility, EligibilityRules, PayerProfile, PlanRequest, Refusal,
    assess,
};
pub use interest::{DayCount, InterestBase, InterestMethod, InterestTerms};
pub use proposal::{
    Allocation, DownPayment, FeeOn, Instalment, InstalmentKind, MeansOfPayment, PaymentPlan,
    PlanItem, PlanTerms, propose,
};
pub use rounding::InstalmentRemainder;
pub use schedule::Frequency;
pub use selection::{SelectedItem, Selection, select};
pub use tracking::{
    Alert, BouncedBill, BreachReason, InstalmentStatus, InstalmentTracking, PlanPayment,
    PlanStatus, PlanTracking, TrackingRules, payments_from_ledger, reschedule, track,
};

pub use crate::money::RoundingMode;

use crate::calendar::CalendarError;
use crate::money::MoneyError;

/// The most instalments a plan may have, whatever the terms say: ten years of weekly
/// instalments, far beyond any real plan, but a bound.
pub const MAX_INSTALMENTS: u32 = 520;

/// The most items a plan may settle.
pub const MAX_PLAN_ITEMS: usize = 100_000;

/// The most payments or bounced bills tracked against one plan.
pub const MAX_PLAN_EVENTS: usize = 100_000;

/// What can go wrong proposing, checking or tracking a payment plan. Every message
/// names the field (as a path such as `down_payment.percent`) and the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// A field of the terms, rules, plan or payments holds a value that cannot be used.
    #[error("invalid {field}: {value} ({expected})")]
    InvalidField {
        /// The field, as a path (`schedule.day_of_month`, `instalments[3].amount`).
        field: String,
        /// The value refused, as text.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// The customer is not in the ledger.
    #[error("unknown customer \"{id}\" in {field}")]
    UnknownCustomer {
        /// The field naming it.
        field: String,
        /// The id given.
        id: String,
    },
    /// An item is not in the ledger.
    #[error("unknown item \"{id}\" in {field}")]
    UnknownItem {
        /// The field naming it.
        field: String,
        /// The id given.
        id: String,
    },
    /// An item belongs to another customer than the plan's.
    #[error("item \"{id}\" in {field} belongs to customer \"{owner}\", not to \"{customer}\"")]
    ItemOfAnotherCustomer {
        /// The field naming it.
        field: String,
        /// The item id.
        id: String,
        /// Its customer.
        owner: String,
        /// The plan's customer.
        customer: String,
    },
    /// Nothing is left to put in a plan (no open debit, everything disputed…).
    #[error("nothing to plan for customer \"{customer}\": {reason}")]
    NothingToPlan {
        /// The customer.
        customer: String,
        /// Why.
        reason: String,
    },
    /// A plan given back does not hold together.
    #[error("invalid payment plan \"{plan}\": {field} {message}")]
    InvalidPlan {
        /// The plan id.
        plan: String,
        /// The field, as a path.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The customer's calendar could not be found or used.
    #[error("calendar of customer \"{customer}\": {source}")]
    Calendar {
        /// The customer.
        customer: String,
        /// The calendar's error.
        source: CalendarError,
    },
    /// Money arithmetic failed (currency mismatch, overflow).
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl PlanError {
    /// A field error.
    pub(crate) fn field(
        field: impl Into<String>,
        value: impl std::fmt::Display,
        expected: impl Into<String>,
    ) -> PlanError {
        PlanError::InvalidField {
            field: field.into(),
            value: value.to_string(),
            expected: expected.into(),
        }
    }
}

/// Date arithmetic that reports the field instead of panicking.
pub(crate) fn add_days(
    date: chrono::NaiveDate,
    days: i64,
    field: &str,
) -> Result<chrono::NaiveDate, PlanError> {
    let out = if days >= 0 {
        date.checked_add_days(chrono::Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(chrono::Days::new(days.unsigned_abs()))
    };
    out.ok_or_else(|| {
        PlanError::field(field, date, format!("{date} + {days} days is out of range"))
    })
}
