//! Dunning (*relance*): scenarios of reminder steps, their assignment to customers,
//! and the daily plan of actions.
//!
//! [`plan`] is a pure function of (ledger, configuration, history of actions already
//! taken, promises, date). The caller executes the actions, records them in the
//! [`History`] ([`History::record`]) and persists it; running the plan again the same
//! day, or the next, never repeats an action.
//!
//! ```
//! use encours_core::dunning::{plan, Channel, DunningConfig, History, PlanContext, Scenario, Step};
//! use encours_core::ledger::{Customer, Item, Ledger};
//! use encours_core::money::{Currency, Money};
//! use chrono::NaiveDate;
//! let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
//! let ledger = Ledger::new(
//!     vec![Customer::new("C1", "Dupont SA", Currency::EUR)],
//!     vec![Item::invoice("F-1", "C1", d(1, 2), d(2, 1), Money::from_minor(120_000, Currency::EUR))],
//!     vec![], vec![],
//! )?;
//! let config = DunningConfig::new(vec![Scenario::new("standard", vec![
//!     Step::new("reminder", 5, Channel::Email, "reminder_1"),
//!     Step::new("formal_notice", 30, Channel::FormalNotice, "formal_notice"),
//! ])], "standard")?;
//! let mut history = History::default();
//! let ctx = PlanContext::new(&ledger, &config);
//! let today = plan(&ctx, &history, d(2, 6))?;
//! assert_eq!(today.actions.len(), 1);
//! assert_eq!(today.actions[0].step_id.as_deref(), Some("reminder"));
//! history.record(&today);
//! // The same day again: nothing new.
//! assert!(plan(&ctx, &history, d(2, 6))?.actions.is_empty());
//! # Ok::<(), encours_core::Error>(())
//! ```

mod claims;
mod config;
mod history;
mod plan;
mod stages;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError};
use crate::interest::{Jurisdiction, RateTables};
use crate::ledger::{Customer, ItemKind, Ledger};
use crate::money::{FxRates, Money, MoneyError};
use crate::promises::PromiseToPay;

pub use config::{
    AssignedBy, Assignment, AssignmentRule, CatchUp, Channel, DunningConfig, DunningConfigData,
    Effect, Grouping, PercentFee, Scenario, ScenarioData, Step, StepData,
};
pub use history::{History, HistoryEntry, HistoryItem};
pub use plan::plan;

/// What can go wrong with dunning configuration or planning.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DunningError {
    /// A scenario, step or rule is inconsistent.
    #[error("invalid dunning configuration at {location}: {message}")]
    InvalidConfig {
        /// Where: `scenario "x" step "y"`, `rule "r"`…
        location: String,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A customer names a scenario that does not exist.
    #[error("unknown dunning scenario \"{scenario}\" for customer \"{customer}\"")]
    UnknownScenario {
        /// The scenario id.
        scenario: String,
        /// The customer id.
        customer: String,
    },
    /// Date arithmetic left the supported range.
    #[error("date out of range computing {what} for item \"{item}\"")]
    DateOutOfRange {
        /// What was being computed.
        what: &'static str,
        /// The item id.
        item: String,
    },
    /// A customer's calendar is unknown, or rolling a date failed.
    #[error("calendar of customer \"{customer}\": {source}")]
    Calendar {
        /// The customer id.
        customer: String,
        /// The calendar error.
        source: CalendarError,
    },
    /// A promise to pay is inconsistent (negative amount, promised before it was
    /// made, not in its customer's currency).
    #[error("invalid promise to pay \"{id}\": {message}")]
    InvalidPromise {
        /// The promise id.
        id: String,
        /// What is wrong and what was expected.
        message: String,
    },
    /// Amount arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// The kind of a dunning action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ActionKind {
    /// A scenario step.
    Step,
    /// Escalation after the last step.
    Escalation,
    /// Thanks for paying dunned items.
    ThankYou,
}

/// EU member states (ISO 3166-1 alpha-2) under Directive 2011/7/EU.
const EU_MEMBERS: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// The statutory regime of a customer: France, Germany and the United Kingdom by
/// their own law, other EU members by the directive, others by the configured default.
///
/// ```
/// use encours_core::dunning::{jurisdiction_for, Channel, DunningConfig, Scenario, Step};
/// use encours_core::interest::Jurisdiction;
/// use encours_core::ledger::Customer;
/// use encours_core::money::Currency;
/// let config = DunningConfig::new(vec![Scenario::new("s", vec![Step::new("r", 1, Channel::Email, "t")])], "s")?;
/// let mut c = Customer::new("C1", "A", Currency::EUR);
/// c.country = Some("IT".into());
/// assert_eq!(jurisdiction_for(&config, &c), Some(Jurisdiction::EuDirective));
/// c.country = Some("US".into());
/// assert_eq!(jurisdiction_for(&config, &c), None);
/// # Ok::<(), encours_core::dunning::DunningError>(())
/// ```
pub fn jurisdiction_for(config: &DunningConfig, customer: &Customer) -> Option<Jurisdiction> {
    match customer
        .country
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        Some("FR") => Some(Jurisdiction::France),
        Some("DE") => Some(Jurisdiction::Germany),
        Some("GB" | "UK") => Some(Jurisdiction::UnitedKingdom),
        Some(c) if EU_MEMBERS.contains(&c) => Some(Jurisdiction::EuDirective),
        _ => config.default_jurisdiction,
    }
}

/// Inputs of a plan besides the history and the date.
#[derive(Debug, Clone, Copy)]
pub struct PlanContext<'a> {
    /// The ledger.
    pub ledger: &'a Ledger,
    /// The configuration.
    pub config: &'a DunningConfig,
    /// Promises to pay.
    pub promises: &'a [PromiseToPay],
    /// Reference-rate tables for interest (the built-in ones when absent).
    pub rate_tables: Option<&'a RateTables>,
    /// Caller-defined calendars, found by name (ignoring case) before the built-in
    /// codes; two of the same name are refused.
    pub calendars: &'a [Calendar],
    /// Exchange rates for amounts a step lists only in another currency than the
    /// customer's (a fee of 10 GBP for a EUR customer); without a rate such a fee is
    /// left out with a warning on the action.
    pub fx_rates: Option<&'a FxRates>,
    /// Payment plans, each tracked as of the plan's date: a running plan keeps its
    /// items out of dunning except the part of them in instalments past due, which is
    /// dunned from the earliest such instalment's due date; a breached plan returns
    /// its items to dunning.
    pub payment_plans: &'a [crate::plans::PlanTracking],
}

impl<'a> PlanContext<'a> {
    /// A context with no promises.
    pub fn new(ledger: &'a Ledger, config: &'a DunningConfig) -> PlanContext<'a> {
        PlanContext {
            ledger,
            config,
            promises: &[],
            rate_tables: None,
            calendars: &[],
            fx_rates: None,
            payment_plans: &[],
        }
    }
}

/// An item listed in an action, with everything a letter needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionItem {
    /// The item.
    pub item_id: String,
    /// Its kind.
    pub kind: ItemKind,
    /// Its issue date.
    pub issue_date: NaiveDate,
    /// Its due date.
    pub due_date: NaiveDate,
    /// Days overdue on the plan's date (negative before the due date).
    pub days_overdue: i64,
    /// Gross amount.
    pub amount: Money,
    /// Open amount.
    pub open: Money,
    /// Amount claimed: open less any disputed part.
    pub claimed: Money,
    /// The step (1-based level) the item reaches with this action; 0 for thank-yous.
    pub level: u32,
    /// Its step id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_id: Option<String>,
    /// Steps passed over under [`CatchUp::HighestReached`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_steps: Vec<String>,
    /// Flat recovery indemnity claimed for this item, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_indemnity: Option<Money>,
    /// Late-payment interest claimed for this item, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interest: Option<Money>,
    /// Day of the latest payment or credit applied to the item up to the plan's date:
    /// the day it was paid in full, for a thank-you; a part-payment otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_settlement: Option<NaiveDate>,
}

/// The next step the customer will get if nothing changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextStep {
    /// Step id.
    pub step_id: String,
    /// Its channel.
    pub channel: Channel,
    /// Earliest day it can be sent.
    pub date: NaiveDate,
}

/// One dunning action for one customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// Stable id: `date/customer/kind[/step]`.
    pub id: String,
    /// Plan date.
    pub date: NaiveDate,
    /// Its kind.
    pub kind: ActionKind,
    /// The customer.
    pub customer_id: String,
    /// The customer's name.
    pub customer_name: String,
    /// The scenario and why it was chosen.
    pub scenario_id: String,
    /// How the scenario was chosen.
    pub assigned_by: AssignedBy,
    /// The step (for step actions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_id: Option<String>,
    /// The action's level (1-based step index; 0 for thank-yous and escalations).
    pub level: u32,
    /// The channel.
    pub channel: Channel,
    /// Template key.
    pub template: String,
    /// The items concerned.
    pub items: Vec<ActionItem>,
    /// Total open of the items.
    pub total_open: Money,
    /// Total claimed (open less disputed parts).
    pub total_claimed: Money,
    /// Fixed fee of the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Money>,
    /// The step's fee in percent of `total_claimed`, after its floor and cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_fee: Option<Money>,
    /// Total of the recovery indemnities.
    pub total_indemnities: Money,
    /// Total interest.
    pub total_interest: Money,
    /// Total due: claimed + fee + percent fee + indemnities + interest.
    pub total_due: Money,
    /// Side effects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<Effect>,
    /// The next step if nothing changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<NextStep>,
    /// Why this action: a code a program reads and the words a person reads.
    pub reasons: Vec<ActionReason>,
    /// What could not be computed (interest without a rate, an indemnity in the wrong
    /// currency, a fee listed in another currency), or was converted: the action
    /// stands, without that part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ActionWarning>,
}

/// What an action's reason says, as a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReasonCode {
    /// The items reached a step of the customer's scenario.
    StepReached,
    /// The scenario's last step was taken long enough ago and items are still unpaid.
    ScenarioFinished,
    /// Items dunned before are paid in full.
    PaidInFull,
}

/// Why an action was planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionReason {
    /// The reason as a code.
    pub code: ReasonCode,
    /// The reason in words, built from the same data.
    pub message: String,
}

impl std::fmt::Display for ActionReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What a warning on an action is about, as a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningCode {
    /// The flat recovery indemnity could not be computed for an item.
    NoRecoveryIndemnity,
    /// Late-payment interest could not be computed for an item.
    NoInterest,
    /// The step's fee is listed only in other currencies and no exchange rate was
    /// given: the action carries no fee.
    FeeNotInCurrency,
    /// The step's fee is listed only in another currency and was converted with the
    /// caller's exchange rate.
    FeeConverted,
}

/// Something the plan could not compute for an action, or computed in a way the
/// caller should know of; the action stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionWarning {
    /// The warning as a code.
    pub code: WarningCode,
    /// The item concerned, for warnings about one item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    /// The warning in words.
    pub message: String,
}

impl std::fmt::Display for ActionWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Why an item (or a customer's items) was left out of today's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum LeftOutReason {
    /// The whole open amount is disputed.
    Disputed {
        /// The disputed amount.
        disputed: Money,
    },
    /// The item carries an active dunning block.
    ItemBlocked {
        /// The block's reason.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        block_reason: Option<String>,
    },
    /// The customer carries an active dunning block.
    CustomerBlocked {
        /// The block's reason.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        block_reason: Option<String>,
    },
    /// A promise to pay holds it back.
    UnderPromise {
        /// The promise.
        promise_id: String,
        /// Last day it holds (promised date + grace).
        until: NaiveDate,
    },
    /// The claimable amount is under the step's item minimum.
    BelowItemMinimum {
        /// The claimable amount.
        claimed: Money,
        /// The minimum.
        minimum: Money,
    },
    /// The customer's total for the step is under the step's customer minimum.
    BelowCustomerMinimum {
        /// The customer's total for the step.
        total: Money,
        /// The minimum.
        minimum: Money,
    },
    /// The customer's unapplied credits cover the overdue amount.
    CreditsCoverOverdue {
        /// Open credit notes and unapplied cash.
        credits: Money,
        /// Overdue amount claimed.
        overdue: Money,
    },
    /// The customer was reminded too recently.
    RecentlyReminded {
        /// Last action date.
        last_action: NaiveDate,
        /// Earliest next action date.
        next_possible: NaiveDate,
    },
    /// Pre-due reminders are stopped for this customer.
    PreDueStopped,
    /// A running payment plan holds the item, and none of its instalments is past due
    /// and unpaid.
    UnderPaymentPlan {
        /// The plan.
        plan_id: String,
        /// The plan's state.
        status: crate::plans::PlanStatus,
    },
}

/// An item left out of the plan, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    /// The customer.
    pub customer_id: String,
    /// The item.
    pub item_id: String,
    /// The step it would have reached.
    pub step_id: String,
    /// Why it was left out.
    #[serde(flatten)]
    pub reason: LeftOutReason,
}

/// Today's dunning plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DunningPlan {
    /// The plan's date.
    pub as_of: NaiveDate,
    /// Actions to take, by customer then level.
    pub actions: Vec<Action>,
    /// Items due for a step but left out, with the reason.
    pub left_out: Vec<LeftOut>,
    /// The scenario of every customer with an action or a left-out item.
    pub assignments: Vec<Assignment>,
}
