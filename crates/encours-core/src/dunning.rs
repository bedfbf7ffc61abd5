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

use std::collections::{BTreeSet, HashMap};

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError, Roll};
use crate::interest::{self, InterestRule, Jurisdiction, RateTables};
use crate::ledger::{Customer, ItemKind, Ledger};
use crate::money::{Currency, Money, MoneyError};
use crate::plans::PlanTracking;
use crate::plans::dunning_hold::PlanHolds;
use crate::promises::PromiseToPay;

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

/// How a dunning action reaches the customer, or who acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// An e-mail.
    Email,
    /// A letter.
    Letter,
    /// A text message.
    Sms,
    /// A phone call, as a task for a collector.
    PhoneCall,
    /// A task for a collector (review the account, call a contact…).
    CollectorTask,
    /// A registered letter / formal notice (*mise en demeure*).
    FormalNotice,
    /// Hand-over to litigation (*contentieux*).
    Litigation,
    /// Hand-over to a collection agency.
    CollectionAgency,
    /// Internal escalation to the sales owner.
    InternalEscalation,
}

impl Channel {
    /// Every channel, in declaration order.
    pub const ALL: [Channel; 9] = [
        Channel::Email,
        Channel::Letter,
        Channel::Sms,
        Channel::PhoneCall,
        Channel::CollectorTask,
        Channel::FormalNotice,
        Channel::Litigation,
        Channel::CollectionAgency,
        Channel::InternalEscalation,
    ];

    /// The snake_case name used in configuration files.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Letter => "letter",
            Channel::Sms => "sms",
            Channel::PhoneCall => "phone_call",
            Channel::CollectorTask => "collector_task",
            Channel::FormalNotice => "formal_notice",
            Channel::Litigation => "litigation",
            Channel::CollectionAgency => "collection_agency",
            Channel::InternalEscalation => "internal_escalation",
        }
    }

    fn from_name(name: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// A side effect of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Put the account on hold: new orders are blocked.
    BlockOrders,
    /// Mark the items for a bad-debt provision.
    MarkForProvision,
    /// Stop pre-due reminders for this customer from now on.
    StopPreDue,
}

/// One step of a scenario.
///
/// Serialized with `channel` as a name (`"email"`, `"formal_notice"`…); an unknown
/// channel is refused with a message naming the step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StepData", into = "StepData")]
pub struct Step {
    /// Step id, unique in its scenario (`reminder_1`, `formal_notice`…).
    pub id: String,
    /// Trigger, in days relative to the due date (negative: before it).
    pub offset_days: i32,
    /// Days to wait after the item's previous step, at least.
    pub min_days_since_previous: u32,
    /// The channel.
    pub channel: Channel,
    /// Template key for the letter or message.
    pub template: String,
    /// Below this overdue total (per currency) for the customer, the step waits.
    pub min_customer_amount: Vec<Money>,
    /// Below this amount (per currency) an item is not dunned at this step.
    pub min_item_amount: Vec<Money>,
    /// Fixed fee charged per action (per currency).
    pub fee: Vec<Money>,
    /// Whether the statutory flat recovery indemnity is claimed per invoice.
    pub recovery_indemnity: bool,
    /// Whether late-payment interest is claimed.
    pub charge_interest: bool,
    /// Side effects.
    pub effects: Vec<Effect>,
}

/// A [`Step`] as a configuration file holds it, before validation (the channel is a
/// name; [`Step::try_from`] checks it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepData {
    /// Step id.
    pub id: String,
    /// Trigger, in days relative to the due date.
    pub offset_days: i32,
    /// Days to wait after the item's previous step.
    #[serde(default)]
    pub min_days_since_previous: u32,
    /// Channel name (`email`, `formal_notice`…).
    pub channel: String,
    /// Template key.
    pub template: String,
    /// Customer minimum, per currency.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub min_customer_amount: Vec<Money>,
    /// Item minimum, per currency.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub min_item_amount: Vec<Money>,
    /// Fixed fee, per currency.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fee: Vec<Money>,
    /// Claim the statutory flat recovery indemnity.
    #[serde(default)]
    pub recovery_indemnity: bool,
    /// Claim late-payment interest.
    #[serde(default)]
    pub charge_interest: bool,
    /// Side effects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<Effect>,
}

impl TryFrom<StepData> for Step {
    type Error = DunningError;
    fn try_from(r: StepData) -> Result<Step, DunningError> {
        let channel =
            Channel::from_name(&r.channel).ok_or_else(|| DunningError::InvalidConfig {
                location: format!("step \"{}\"", r.id),
                message: format!(
                    "unknown channel \"{}\"; expected one of {}",
                    r.channel,
                    Channel::ALL.map(Channel::name).join(", ")
                ),
            })?;
        Ok(Step {
            id: r.id,
            offset_days: r.offset_days,
            min_days_since_previous: r.min_days_since_previous,
            channel,
            template: r.template,
            min_customer_amount: r.min_customer_amount,
            min_item_amount: r.min_item_amount,
            fee: r.fee,
            recovery_indemnity: r.recovery_indemnity,
            charge_interest: r.charge_interest,
            effects: r.effects,
        })
    }
}

impl From<Step> for StepData {
    fn from(s: Step) -> StepData {
        StepData {
            id: s.id,
            offset_days: s.offset_days,
            min_days_since_previous: s.min_days_since_previous,
            channel: s.channel.name().to_owned(),
            template: s.template,
            min_customer_amount: s.min_customer_amount,
            min_item_amount: s.min_item_amount,
            fee: s.fee,
            recovery_indemnity: s.recovery_indemnity,
            charge_interest: s.charge_interest,
            effects: s.effects,
        }
    }
}

impl Step {
    /// A step with no minimum, fee, interest or effect.
    pub fn new(
        id: impl Into<String>,
        offset_days: i32,
        channel: Channel,
        template: impl Into<String>,
    ) -> Step {
        Step {
            id: id.into(),
            offset_days,
            min_days_since_previous: 0,
            channel,
            template: template.into(),
            min_customer_amount: Vec::new(),
            min_item_amount: Vec::new(),
            fee: Vec::new(),
            recovery_indemnity: false,
            charge_interest: false,
            effects: Vec::new(),
        }
    }

    fn threshold(list: &[Money], currency: Currency) -> Option<Money> {
        list.iter().find(|m| m.currency() == currency).copied()
    }

    fn is_pre_due(&self) -> bool {
        self.offset_days < 0
    }
}

/// A dunning scenario: ordered steps and what happens after the last one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ScenarioData", into = "ScenarioData")]
pub struct Scenario {
    /// Scenario id.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Steps, in increasing `offset_days`.
    pub steps: Vec<Step>,
    /// Days after the last step before an escalation action; none: no escalation.
    pub escalate_after_days: Option<u32>,
    /// Channel of the escalation action.
    pub escalation_channel: Channel,
}

/// A [`Scenario`] as a configuration file holds it, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioData {
    /// Scenario id.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Steps.
    pub steps: Vec<StepData>,
    /// Days after the last step before an escalation action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_after_days: Option<u32>,
    /// Channel name of the escalation action (`internal_escalation` when absent).
    #[serde(default = "default_escalation_channel")]
    pub escalation_channel: String,
}

fn default_escalation_channel() -> String {
    Channel::InternalEscalation.name().to_owned()
}

impl TryFrom<ScenarioData> for Scenario {
    type Error = DunningError;
    fn try_from(d: ScenarioData) -> Result<Scenario, DunningError> {
        let steps = d
            .steps
            .into_iter()
            .map(|s| {
                let id = s.id.clone();
                Step::try_from(s).map_err(|e| match e {
                    DunningError::InvalidConfig { message, .. } => DunningError::InvalidConfig {
                        location: format!("scenario \"{}\" step \"{id}\"", d.id),
                        message,
                    },
                    other => other,
                })
            })
            .collect::<Result<Vec<Step>, DunningError>>()?;
        let escalation_channel = Channel::from_name(&d.escalation_channel).ok_or_else(|| {
            DunningError::InvalidConfig {
                location: format!("scenario \"{}\"", d.id),
                message: format!(
                    "unknown escalation_channel \"{}\"; expected one of {}",
                    d.escalation_channel,
                    Channel::ALL.map(Channel::name).join(", ")
                ),
            }
        })?;
        Ok(Scenario {
            id: d.id,
            name: d.name,
            steps,
            escalate_after_days: d.escalate_after_days,
            escalation_channel,
        })
    }
}

impl From<Scenario> for ScenarioData {
    fn from(s: Scenario) -> ScenarioData {
        ScenarioData {
            id: s.id,
            name: s.name,
            steps: s.steps.into_iter().map(StepData::from).collect(),
            escalate_after_days: s.escalate_after_days,
            escalation_channel: s.escalation_channel.name().to_owned(),
        }
    }
}

impl Scenario {
    /// A scenario with these steps and no escalation.
    pub fn new(id: impl Into<String>, steps: Vec<Step>) -> Scenario {
        Scenario {
            id: id.into(),
            name: None,
            steps,
            escalate_after_days: None,
            escalation_channel: Channel::InternalEscalation,
        }
    }

    fn validate(&self) -> Result<(), DunningError> {
        let at = |step: &str| format!("scenario \"{}\" step \"{step}\"", self.id);
        if self.steps.is_empty() {
            return Err(DunningError::InvalidConfig {
                location: format!("scenario \"{}\"", self.id),
                message: "a scenario needs at least one step".into(),
            });
        }
        let mut ids = BTreeSet::new();
        let mut previous: Option<&Step> = None;
        for s in &self.steps {
            if !ids.insert(s.id.as_str()) {
                return Err(DunningError::InvalidConfig {
                    location: at(&s.id),
                    message: "duplicate step id".into(),
                });
            }
            if s.template.trim().is_empty() {
                return Err(DunningError::InvalidConfig {
                    location: at(&s.id),
                    message: "empty template key".into(),
                });
            }
            if let Some(p) = previous
                && s.offset_days <= p.offset_days
            {
                return Err(DunningError::InvalidConfig {
                    location: at(&s.id),
                    message: format!(
                        "steps out of order: offset_days {} is not after step \"{}\" at {}",
                        s.offset_days, p.id, p.offset_days
                    ),
                });
            }
            for (field, list) in [
                ("min_customer_amount", &s.min_customer_amount),
                ("min_item_amount", &s.min_item_amount),
                ("fee", &s.fee),
            ] {
                let mut seen = BTreeSet::new();
                for m in list {
                    if m.is_negative() {
                        return Err(DunningError::InvalidConfig {
                            location: at(&s.id),
                            message: format!("negative {field} {m}; expected zero or more"),
                        });
                    }
                    if !seen.insert(m.currency()) {
                        return Err(DunningError::InvalidConfig {
                            location: at(&s.id),
                            message: format!("{field} given twice for {}", m.currency()),
                        });
                    }
                }
            }
            previous = Some(s);
        }
        Ok(())
    }
}

/// A rule choosing a scenario for customers. Every non-empty criterion must match
/// (each is "any of" its values); a rule with no criterion matches everyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentRule {
    /// Rule id, reported with the choice it made.
    pub id: String,
    /// The scenario it assigns.
    pub scenario: String,
    /// Segments matched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<String>,
    /// Tags matched (the customer has at least one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Risk classes matched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risk_classes: Vec<String>,
    /// Countries matched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
}

impl AssignmentRule {
    fn matches(&self, c: &Customer) -> bool {
        let one = |list: &Vec<String>, value: &Option<String>| {
            list.is_empty() || value.as_ref().is_some_and(|v| list.contains(v))
        };
        one(&self.segments, &c.segment)
            && one(&self.risk_classes, &c.risk_class)
            && one(&self.countries, &c.country)
            && (self.tags.is_empty() || c.tags.iter().any(|t| self.tags.contains(t)))
    }
}

/// How the items of a customer due for a step the same day are grouped into actions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// One action per customer and step.
    #[default]
    PerStep,
    /// One action per customer at the highest step reached, listing every item due
    /// for a step (each item still records its own step).
    HighestLevel,
}

/// What to do with an item that reached several steps since it was last dunned
/// (a ledger loaded late, a block lifted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatchUp {
    /// One step at a time, in order: no step is ever skipped.
    #[default]
    Sequential,
    /// Straight to the highest step reached; the steps passed over are reported.
    HighestReached,
}

/// The dunning configuration: scenarios, assignment rules and policies. Serde data an
/// administrator edits; [`DunningConfig::validate`] runs on construction and load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DunningConfigData", into = "DunningConfigData")]
pub struct DunningConfig {
    /// Scenarios.
    pub scenarios: Vec<Scenario>,
    /// Assignment rules, first match wins.
    pub rules: Vec<AssignmentRule>,
    /// Scenario for customers no rule matches.
    pub default_scenario: String,
    /// Days after a promise's date during which its items are still held back.
    pub promise_grace_days: u32,
    /// Grouping of items into actions.
    pub grouping: Grouping,
    /// Catch-up policy.
    pub catch_up: CatchUp,
    /// Least number of days between two actions to the same customer (0: no limit).
    pub min_days_between_actions: u32,
    /// Send a thank-you when a dunned item is paid in full.
    pub thank_you: bool,
    /// Only thank for items settled within this many days.
    pub thank_you_within_days: u32,
    /// Interest rule for steps that charge interest; when absent, the statutory rule
    /// of the customer's jurisdiction.
    pub interest_rule: Option<InterestRule>,
    /// Jurisdiction for customers whose country does not determine one (see
    /// [`jurisdiction_for`]).
    pub default_jurisdiction: Option<Jurisdiction>,
    /// Business-day calendar for customers without one of their own (a built-in code
    /// such as `FR`, or the name of a calendar in [`PlanContext::calendars`]). Without
    /// any, triggers fall on calendar days.
    pub default_calendar: Option<String>,
}

/// A [`DunningConfig`] as an administrator writes it, before validation: read it
/// with serde, then [`DunningConfig::try_from`] gives each broken rule as a
/// [`DunningError`] naming the scenario and step (deserializing a `DunningConfig`
/// directly validates too, but reports through the deserializer's error type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DunningConfigData {
    /// Scenarios.
    pub scenarios: Vec<ScenarioData>,
    /// Assignment rules, first match wins.
    #[serde(default)]
    pub rules: Vec<AssignmentRule>,
    /// Scenario for customers no rule matches.
    pub default_scenario: String,
    /// Days of grace after a promise's date (3 when absent).
    #[serde(default = "default_grace")]
    pub promise_grace_days: u32,
    /// Grouping of items into actions.
    #[serde(default)]
    pub grouping: Grouping,
    /// Catch-up policy.
    #[serde(default)]
    pub catch_up: CatchUp,
    /// Least number of days between two actions to the same customer.
    #[serde(default)]
    pub min_days_between_actions: u32,
    /// Send thank-yous (true when absent).
    #[serde(default = "default_true")]
    pub thank_you: bool,
    /// Only thank for items settled within this many days (30 when absent).
    #[serde(default = "default_thank_you_days")]
    pub thank_you_within_days: u32,
    /// Interest rule for steps that charge interest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interest_rule: Option<InterestRule>,
    /// Jurisdiction for customers whose country does not determine one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_jurisdiction: Option<Jurisdiction>,
    /// Calendar for customers without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_calendar: Option<String>,
}

fn default_grace() -> u32 {
    3
}
fn default_true() -> bool {
    true
}
fn default_thank_you_days() -> u32 {
    30
}

impl TryFrom<DunningConfigData> for DunningConfig {
    type Error = DunningError;
    fn try_from(r: DunningConfigData) -> Result<DunningConfig, DunningError> {
        let c = DunningConfig {
            scenarios: r
                .scenarios
                .into_iter()
                .map(Scenario::try_from)
                .collect::<Result<Vec<Scenario>, DunningError>>()?,
            rules: r.rules,
            default_scenario: r.default_scenario,
            promise_grace_days: r.promise_grace_days,
            grouping: r.grouping,
            catch_up: r.catch_up,
            min_days_between_actions: r.min_days_between_actions,
            thank_you: r.thank_you,
            thank_you_within_days: r.thank_you_within_days,
            interest_rule: r.interest_rule,
            default_jurisdiction: r.default_jurisdiction,
            default_calendar: r.default_calendar,
        };
        c.validate()?;
        Ok(c)
    }
}

impl From<DunningConfig> for DunningConfigData {
    fn from(c: DunningConfig) -> DunningConfigData {
        DunningConfigData {
            scenarios: c.scenarios.into_iter().map(ScenarioData::from).collect(),
            rules: c.rules,
            default_scenario: c.default_scenario,
            promise_grace_days: c.promise_grace_days,
            grouping: c.grouping,
            catch_up: c.catch_up,
            min_days_between_actions: c.min_days_between_actions,
            thank_you: c.thank_you,
            thank_you_within_days: c.thank_you_within_days,
            interest_rule: c.interest_rule,
            default_jurisdiction: c.default_jurisdiction,
            default_calendar: c.default_calendar,
        }
    }
}

impl DunningConfig {
    /// A configuration with these scenarios, no rules, and default policies (3 days of
    /// grace after a promise, one action per step, sequential catch-up, thank-yous
    /// within 30 days).
    ///
    /// # Errors
    /// [`DunningError::InvalidConfig`] as [`DunningConfig::validate`].
    ///
    /// # Example
    /// ```
    /// use encours_core::dunning::{Channel, DunningConfig, Scenario, Step};
    /// let err = DunningConfig::new(vec![Scenario::new("s", vec![
    ///     Step::new("late", 30, Channel::Letter, "t"), Step::new("early", 10, Channel::Email, "t"),
    /// ])], "s").unwrap_err();
    /// assert_eq!(err.to_string(), "invalid dunning configuration at scenario \"s\" step \"early\": \
    ///     steps out of order: offset_days 10 is not after step \"late\" at 30");
    /// ```
    pub fn new(
        scenarios: Vec<Scenario>,
        default_scenario: impl Into<String>,
    ) -> Result<DunningConfig, DunningError> {
        let c = DunningConfig {
            scenarios,
            rules: Vec::new(),
            default_scenario: default_scenario.into(),
            promise_grace_days: default_grace(),
            grouping: Grouping::PerStep,
            catch_up: CatchUp::Sequential,
            min_days_between_actions: 0,
            thank_you: true,
            thank_you_within_days: default_thank_you_days(),
            interest_rule: None,
            default_jurisdiction: None,
            default_calendar: None,
        };
        c.validate()?;
        Ok(c)
    }

    /// Check the configuration: scenario and step ids unique, steps in increasing
    /// order, no negative amount, one threshold per currency, rules and default naming
    /// existing scenarios.
    ///
    /// # Errors
    /// [`DunningError::InvalidConfig`] naming the scenario, step or rule.
    ///
    /// # Example
    /// See [`DunningConfig::new`].
    pub fn validate(&self) -> Result<(), DunningError> {
        let mut ids = BTreeSet::new();
        for s in &self.scenarios {
            if !ids.insert(s.id.as_str()) {
                return Err(DunningError::InvalidConfig {
                    location: format!("scenario \"{}\"", s.id),
                    message: "duplicate scenario id".into(),
                });
            }
            s.validate()?;
        }
        if !ids.contains(self.default_scenario.as_str()) {
            return Err(DunningError::InvalidConfig {
                location: "default_scenario".into(),
                message: format!("unknown scenario \"{}\"", self.default_scenario),
            });
        }
        let mut rule_ids = BTreeSet::new();
        for r in &self.rules {
            if !rule_ids.insert(r.id.as_str()) {
                return Err(DunningError::InvalidConfig {
                    location: format!("rule \"{}\"", r.id),
                    message: "duplicate rule id".into(),
                });
            }
            if !ids.contains(r.scenario.as_str()) {
                return Err(DunningError::InvalidConfig {
                    location: format!("rule \"{}\"", r.id),
                    message: format!("unknown scenario \"{}\"", r.scenario),
                });
            }
        }
        Ok(())
    }

    /// The scenario with this id.
    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    /// Choose the scenario of a customer: its explicit override, else the first
    /// matching rule, else the default; says which.
    ///
    /// # Errors
    /// [`DunningError::UnknownScenario`] when the customer's override names no scenario.
    ///
    /// # Example
    /// ```
    /// use encours_core::dunning::{AssignmentRule, Channel, DunningConfig, Scenario, Step, AssignedBy};
    /// use encours_core::ledger::Customer;
    /// use encours_core::money::Currency;
    /// let step = || vec![Step::new("r1", 5, Channel::Email, "t")];
    /// let mut config = DunningConfig::new(vec![Scenario::new("soft", step()), Scenario::new("firm", step())], "soft")?;
    /// config.rules.push(AssignmentRule { id: "high-risk".into(), scenario: "firm".into(),
    ///     segments: vec![], tags: vec![], risk_classes: vec!["D".into(), "E".into()], countries: vec![] });
    /// let mut c = Customer::new("C1", "A", Currency::EUR);
    /// c.risk_class = Some("E".into());
    /// let a = config.assign(&c)?;
    /// assert_eq!((a.scenario_id.as_str(), &a.by), ("firm", &AssignedBy::Rule("high-risk".into())));
    /// # Ok::<(), encours_core::dunning::DunningError>(())
    /// ```
    pub fn assign(&self, customer: &Customer) -> Result<Assignment, DunningError> {
        let (scenario_id, by) = if let Some(forced) = &customer.dunning_scenario {
            if self.scenario(forced).is_none() {
                return Err(DunningError::UnknownScenario {
                    scenario: forced.clone(),
                    customer: customer.id.clone(),
                });
            }
            (forced.clone(), AssignedBy::CustomerOverride)
        } else if let Some(rule) = self.rules.iter().find(|r| r.matches(customer)) {
            (rule.scenario.clone(), AssignedBy::Rule(rule.id.clone()))
        } else {
            (self.default_scenario.clone(), AssignedBy::Default)
        };
        Ok(Assignment {
            customer_id: customer.id.clone(),
            scenario_id,
            by,
        })
    }
}

/// Why a customer got its scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignedBy {
    /// The customer's own `dunning_scenario`.
    CustomerOverride,
    /// The first matching rule, by id.
    Rule(String),
    /// No rule matched.
    Default,
}

/// The scenario chosen for a customer, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The customer.
    pub customer_id: String,
    /// The scenario.
    pub scenario_id: String,
    /// Why.
    pub by: AssignedBy,
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

/// An item as recorded in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    /// The item.
    pub item_id: String,
    /// The step level (1-based) the item reached with this action; 0 for thank-yous.
    pub level: u32,
    /// Whether the flat recovery indemnity was claimed for it.
    #[serde(default)]
    pub indemnity_claimed: bool,
}

/// One action taken, as the caller recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The action's id.
    pub action_id: String,
    /// Day it was taken.
    pub date: NaiveDate,
    /// The customer.
    pub customer_id: String,
    /// Its kind.
    pub kind: ActionKind,
    /// The scenario.
    pub scenario_id: String,
    /// The step, for step actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_id: Option<String>,
    /// The items concerned.
    pub items: Vec<HistoryItem>,
}

/// The record of actions already taken, which the caller persists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// Entries, in the order recorded.
    pub entries: Vec<HistoryEntry>,
}

impl History {
    /// Record every action of a plan as taken on the plan's date.
    pub fn record(&mut self, plan: &DunningPlan) {
        for a in &plan.actions {
            self.record_action(a);
        }
    }

    /// Record one action as taken.
    pub fn record_action(&mut self, a: &Action) {
        self.entries.push(HistoryEntry {
            action_id: a.id.clone(),
            date: a.date,
            customer_id: a.customer_id.clone(),
            kind: a.kind,
            scenario_id: a.scenario_id.clone(),
            step_id: a.step_id.clone(),
            items: a
                .items
                .iter()
                .map(|i| HistoryItem {
                    item_id: i.item_id.clone(),
                    level: i.level,
                    indemnity_claimed: i.recovery_indemnity.is_some(),
                })
                .collect(),
        });
    }
}

/// What the history says of one item.
#[derive(Debug, Clone, Copy, Default)]
struct ItemTrack {
    level: u32,
    last_date: Option<NaiveDate>,
    escalated: bool,
    thanked: bool,
    indemnity_claimed: bool,
}

/// What the history says of one customer.
#[derive(Debug, Clone, Copy, Default)]
struct CustomerTrack {
    last_action: Option<NaiveDate>,
    stop_pre_due: bool,
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
    /// Payment plans, each tracked as of the plan's date: a running plan keeps its
    /// items out of dunning except the part of them in instalments past due, which is
    /// dunned from the earliest such instalment's due date; a breached plan returns
    /// its items to dunning.
    pub payment_plans: &'a [PlanTracking],
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
    /// Total of the recovery indemnities.
    pub total_indemnities: Money,
    /// Total interest.
    pub total_interest: Money,
    /// Total due: claimed + fee + indemnities + interest.
    pub total_due: Money,
    /// Side effects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<Effect>,
    /// The next step if nothing changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<NextStep>,
    /// Why this action, in words built from data.
    pub reasons: Vec<String>,
    /// What could not be computed (interest without a rate, an indemnity in the wrong
    /// currency): the action stands, without that part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
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

fn add_days(
    date: NaiveDate,
    days: i64,
    item: &str,
    what: &'static str,
) -> Result<NaiveDate, DunningError> {
    let out = if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    out.ok_or_else(|| DunningError::DateOutOfRange {
        what,
        item: item.to_owned(),
    })
}

/// A candidate for today: an item due for a step, not (yet) left out.
struct Candidate {
    item_index: usize,
    step_index: usize,
    skipped: Vec<String>,
    open: Money,
    claimed: Money,
    indemnity_claimed: bool,
}

/// Plan the dunning actions of `as_of`.
///
/// For each customer (in ledger order), with its assigned scenario, each open debit
/// reaches the next step after the last one recorded in the history once the step's
/// trigger (due date + offset, and at least `min_days_since_previous` after the
/// item's previous step) has arrived. Items are left out, with the reason, when
/// disputed in full, blocked, under a running promise, under the item or customer
/// minimum, covered by the customer's credits, or when the customer was reminded
/// too recently. Pre-due steps apply only before the due date. Items still unpaid
/// `escalate_after_days` after the last step get one escalation action; dunned items
/// paid in full get one thank-you.
///
/// # Errors
/// [`DunningError::UnknownScenario`] for a customer override naming no scenario;
/// arithmetic or date-range errors.
///
/// # Example
/// See the [module documentation](self).
pub fn plan(
    ctx: &PlanContext<'_>,
    history: &History,
    as_of: NaiveDate,
) -> Result<DunningPlan, DunningError> {
    let ledger = ctx.ledger;
    let config = ctx.config;
    // Index the history once: by item position and by customer id.
    let mut items: HashMap<&str, ItemTrack> = HashMap::new();
    let mut customers: HashMap<&str, CustomerTrack> = HashMap::new();
    for e in history.entries.iter().filter(|e| e.date <= as_of) {
        let ct = customers.entry(e.customer_id.as_str()).or_default();
        if e.kind != ActionKind::ThankYou {
            ct.last_action = ct.last_action.max(Some(e.date));
        }
        let stops = e.step_id.as_deref().and_then(|s| {
            config
                .scenario(&e.scenario_id)
                .and_then(|sc| sc.steps.iter().find(|st| st.id == s))
        });
        if stops.is_some_and(|st| st.effects.contains(&Effect::StopPreDue)) {
            ct.stop_pre_due = true;
        }
        for it in &e.items {
            let t = items.entry(it.item_id.as_str()).or_default();
            match e.kind {
                ActionKind::Step => {
                    if it.level >= t.level {
                        t.level = it.level;
                        t.last_date = t.last_date.max(Some(e.date));
                    }
                }
                ActionKind::Escalation => t.escalated = true,
                ActionKind::ThankYou => t.thanked = true,
            }
            t.indemnity_claimed |= it.indemnity_claimed;
        }
    }
    let mut promises: HashMap<&str, Vec<&PromiseToPay>> = HashMap::new();
    for p in ctx.promises {
        p.validate()?;
        // A promise for a customer the ledger does not hold is stale data that holds
        // nothing back; one in another currency than its customer's is a mistake.
        if let Some(c) = ledger.customer(&p.customer_id)
            && p.amount.currency() != c.currency
        {
            return Err(DunningError::InvalidPromise {
                id: p.id.clone(),
                message: format!(
                    "amount {} is not in the currency of customer \"{}\" ({})",
                    p.amount, c.id, c.currency
                ),
            });
        }
        promises.entry(p.customer_id.as_str()).or_default().push(p);
    }

    let holds =
        PlanHolds::new(ctx.payment_plans, as_of).map_err(|e| DunningError::InvalidConfig {
            location: "payment plans".into(),
            message: e.to_string(),
        })?;
    let mut out = DunningPlan {
        as_of,
        actions: Vec::new(),
        left_out: Vec::new(),
        assignments: Vec::new(),
    };
    // Built once per plan: the built-in rate tables (unless the caller gives its own)
    // and the built-in calendars in use.
    let builtin_tables;
    let tables = match ctx.rate_tables {
        Some(t) => t,
        None => {
            builtin_tables = RateTables::builtin();
            &builtin_tables
        }
    };
    // Caller calendars are found by name, ignoring case as the built-in codes do: two
    // of the same name would make the choice silent.
    for (i, c) in ctx.calendars.iter().enumerate() {
        if ctx
            .calendars
            .iter()
            .skip(i + 1)
            .any(|other| other.is_named(c.name()))
        {
            return Err(DunningError::InvalidConfig {
                location: format!("calendar \"{}\"", c.name()),
                message: "two calendars of this name were given; give each calendar once".into(),
            });
        }
    }
    let mut builtins: HashMap<String, Calendar> = HashMap::new();
    for (cix, customer) in ledger.customers().iter().enumerate() {
        let code = customer
            .calendar
            .as_deref()
            .or(ctx.config.default_calendar.as_deref());
        let calendar = match code {
            None => None,
            Some(code) => match ctx.calendars.iter().find(|c| c.is_named(code)) {
                Some(c) => Some(c),
                None => {
                    if !builtins.contains_key(code) {
                        let built =
                            Calendar::builtin(code).map_err(|source| DunningError::Calendar {
                                customer: customer.id.clone(),
                                source,
                            })?;
                        builtins.insert(code.to_owned(), built);
                    }
                    builtins.get(code)
                }
            },
        };
        plan_customer(
            ctx, &items, &customers, &promises, &holds, cix, customer, calendar, tables, as_of,
            &mut out,
        )?;
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn plan_customer(
    ctx: &PlanContext<'_>,
    items: &HashMap<&str, ItemTrack>,
    customers: &HashMap<&str, CustomerTrack>,
    promises: &HashMap<&str, Vec<&PromiseToPay>>,
    holds: &PlanHolds,
    cix: usize,
    customer: &Customer,
    calendar: Option<&Calendar>,
    tables: &RateTables,
    as_of: NaiveDate,
    out: &mut DunningPlan,
) -> Result<(), DunningError> {
    // A trigger on a non-business day of the customer's calendar moves to the next one.
    let roll = |date: NaiveDate| -> Result<NaiveDate, DunningError> {
        match calendar {
            Some(c) => c
                .roll(date, Roll::Following)
                .map_err(|source| DunningError::Calendar {
                    customer: customer.id.clone(),
                    source,
                }),
            None => Ok(date),
        }
    };
    let ledger = ctx.ledger;
    let config = ctx.config;
    let currency = customer.currency;
    let track = customers
        .get(customer.id.as_str())
        .copied()
        .unwrap_or_default();
    let assignment = config.assign(customer)?;
    let Some(scenario) = config.scenario(&assignment.scenario_id) else {
        return Err(DunningError::UnknownScenario {
            scenario: assignment.scenario_id,
            customer: customer.id.clone(),
        });
    };
    let customer_block = customer
        .dunning_block
        .as_ref()
        .filter(|b| b.is_active(as_of));
    let customer_promises = promises.get(customer.id.as_str());

    let mut left_out: Vec<LeftOut> = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut escalations: Vec<(usize, Money, Money)> = Vec::new();
    let mut thanks: Vec<usize> = Vec::new();
    let mut credits = Decimal::ZERO;
    let leave = |left_out: &mut Vec<LeftOut>, item: &str, step: &Step, reason| {
        left_out.push(LeftOut {
            customer_id: customer.id.clone(),
            item_id: item.to_owned(),
            step_id: step.id.clone(),
            reason,
        });
    };
    // Holds common to steps and escalations: blocks, a dispute on the whole open
    // amount, a running promise. Gives the amount claimable when nothing holds.
    let hold = |item: &crate::ledger::Item,
                open: Money|
     -> Result<Result<Money, LeftOutReason>, DunningError> {
        if let Some(b) = customer_block {
            return Ok(Err(LeftOutReason::CustomerBlocked {
                block_reason: b.reason.clone(),
            }));
        }
        if let Some(b) = item.dunning_block.as_ref().filter(|b| b.is_active(as_of)) {
            return Ok(Err(LeftOutReason::ItemBlocked {
                block_reason: b.reason.clone(),
            }));
        }
        let disputed = item.disputed_amount(as_of).checked_min(&open)?;
        let claimed = open.checked_sub(&disputed)?;
        if !claimed.is_positive() {
            return Ok(Err(LeftOutReason::Disputed { disputed }));
        }
        if let Some(p) = customer_promises
            .into_iter()
            .flatten()
            .find(|p| p.covers(&item.id) && p.is_running(as_of, config.promise_grace_days))
        {
            let until = p
                .promised_date
                .checked_add_days(Days::new(u64::from(config.promise_grace_days)))
                .unwrap_or(p.promised_date);
            return Ok(Err(LeftOutReason::UnderPromise {
                promise_id: p.id.clone(),
                until,
            }));
        }
        // A running plan: only the item's part of missed instalments is claimed.
        if let Some(h) = holds.get(&item.id) {
            if !h.claim.is_positive() {
                return Ok(Err(LeftOutReason::UnderPaymentPlan {
                    plan_id: h.plan_id.clone(),
                    status: h.status,
                }));
            }
            return Ok(Ok(claimed.checked_min(&h.claim)?));
        }
        Ok(Ok(claimed))
    };

    for &ix in ledger.items_of(cix) {
        let Some(item) = ledger.items().get(ix) else {
            continue;
        };
        let Some(state) = ledger.item_state(ix, as_of) else {
            continue;
        };
        if !item.kind.is_debit() {
            credits = credits
                .checked_add(state.open.amount())
                .ok_or(MoneyError::Overflow { operation: "add" })?;
            continue;
        }
        let t = items.get(item.id.as_str()).copied().unwrap_or_default();
        if state.open.is_zero() {
            let recent = state
                .last_settlement
                .is_some_and(|d| (as_of - d).num_days() <= i64::from(config.thank_you_within_days));
            if config.thank_you && t.level > 0 && !t.thanked && recent {
                thanks.push(ix);
            }
            continue;
        }
        // An item under a running plan falls due with its earliest missed instalment.
        let due_date = holds
            .get(&item.id)
            .and_then(|h| h.claim_due)
            .unwrap_or(item.due_date);
        // Which step is next, and has its trigger arrived?
        let mut next = usize::try_from(t.level).unwrap_or(usize::MAX);
        let overdue = as_of > due_date;
        while let Some(step) = scenario.steps.get(next) {
            if step.is_pre_due() && overdue {
                // A pre-due step is only meaningful before the due date.
                next += 1;
            } else {
                break;
            }
        }
        let Some(step) = scenario.steps.get(next) else {
            // Past the last step: escalate once, after the configured delay.
            if let (Some(days), Some(last), false) =
                (scenario.escalate_after_days, t.last_date, t.escalated)
            {
                let when = roll(add_days(
                    last,
                    i64::from(days),
                    &item.id,
                    "escalation date",
                )?)?;
                if as_of >= when {
                    match hold(item, state.open)? {
                        Ok(claimed) => escalations.push((ix, state.open, claimed)),
                        Err(reason) => left_out.push(LeftOut {
                            customer_id: customer.id.clone(),
                            item_id: item.id.clone(),
                            step_id: "escalation".into(),
                            reason,
                        }),
                    }
                }
            }
            continue;
        };
        let trigger = |s: &Step| -> Result<NaiveDate, DunningError> {
            let by_offset = add_days(due_date, i64::from(s.offset_days), &item.id, "step trigger")?;
            let by_spacing = match t.last_date {
                Some(last) => add_days(
                    last,
                    i64::from(s.min_days_since_previous),
                    &item.id,
                    "step spacing",
                )?,
                None => by_offset,
            };
            roll(by_offset.max(by_spacing))
        };
        if trigger(step)? > as_of {
            continue;
        }
        let mut step_index = next;
        let mut skipped = Vec::new();
        if config.catch_up == CatchUp::HighestReached {
            while let Some(further) = scenario.steps.get(step_index + 1) {
                if roll(add_days(
                    due_date,
                    i64::from(further.offset_days),
                    &item.id,
                    "step trigger",
                )?)? <= as_of
                {
                    if let Some(s) = scenario.steps.get(step_index) {
                        skipped.push(s.id.clone());
                    }
                    step_index += 1;
                } else {
                    break;
                }
            }
        }
        let Some(step) = scenario.steps.get(step_index) else {
            continue;
        };
        if step.is_pre_due() && track.stop_pre_due {
            leave(&mut left_out, &item.id, step, LeftOutReason::PreDueStopped);
            continue;
        }
        let claimed = match hold(item, state.open)? {
            Ok(claimed) => claimed,
            Err(reason) => {
                leave(&mut left_out, &item.id, step, reason);
                continue;
            }
        };
        if let Some(min) = Step::threshold(&step.min_item_amount, currency)
            && claimed.checked_cmp(&min)?.is_lt()
        {
            leave(
                &mut left_out,
                &item.id,
                step,
                LeftOutReason::BelowItemMinimum {
                    claimed,
                    minimum: min,
                },
            );
            continue;
        }
        candidates.push(Candidate {
            item_index: ix,
            step_index,
            skipped,
            open: state.open,
            claimed,
            indemnity_claimed: t.indemnity_claimed,
        });
    }
    // Customer-level checks on the overdue candidates.
    if !candidates.is_empty() {
        // Unapplied cash counts with the open credit notes; only read when needed,
        // as most customers of a large ledger have nothing due today.
        for &pix in ledger.payments_of(cix) {
            credits = credits
                .checked_add(ledger.payment_unapplied(pix, as_of).amount())
                .ok_or(MoneyError::Overflow { operation: "add" })?;
        }
        let overdue_total = candidates
            .iter()
            .filter(|c| {
                scenario
                    .steps
                    .get(c.step_index)
                    .is_some_and(|s| !s.is_pre_due())
            })
            .try_fold(Money::zero(currency), |acc, c| acc.checked_add(&c.claimed))?;
        let credit_money = Money::new(credits, currency);
        if overdue_total.is_positive() && credit_money.checked_cmp(&overdue_total)?.is_ge() {
            for c in candidates.drain(..) {
                if let (Some(item), Some(step)) = (
                    ledger.items().get(c.item_index),
                    scenario.steps.get(c.step_index),
                ) {
                    leave(
                        &mut left_out,
                        &item.id,
                        step,
                        LeftOutReason::CreditsCoverOverdue {
                            credits: credit_money,
                            overdue: overdue_total,
                        },
                    );
                }
            }
        }
    }
    if !candidates.is_empty()
        && let Some(last) = track.last_action
        && config.min_days_between_actions > 0
    {
        let next_possible = add_days(
            last,
            i64::from(config.min_days_between_actions),
            &customer.id,
            "customer spacing",
        )?;
        if as_of < next_possible {
            for c in candidates.drain(..) {
                if let (Some(item), Some(step)) = (
                    ledger.items().get(c.item_index),
                    scenario.steps.get(c.step_index),
                ) {
                    leave(
                        &mut left_out,
                        &item.id,
                        step,
                        LeftOutReason::RecentlyReminded {
                            last_action: last,
                            next_possible,
                        },
                    );
                }
            }
        }
    }

    // Group candidates by step (or all at the highest step) and apply customer minimums.
    let mut groups: Vec<(usize, Vec<Candidate>)> = Vec::new();
    candidates.sort_by_key(|c| c.step_index);
    for c in candidates {
        let key = match config.grouping {
            Grouping::PerStep => c.step_index,
            Grouping::HighestLevel => usize::MAX,
        };
        match groups.last_mut() {
            Some((k, list)) if *k == key => list.push(c),
            _ => groups.push((key, vec![c])),
        }
    }
    let mut actions = Vec::new();
    for (_, group) in groups {
        let Some(top) = group.iter().map(|c| c.step_index).max() else {
            continue;
        };
        let Some(step) = scenario.steps.get(top) else {
            continue;
        };
        let total_claimed = group
            .iter()
            .try_fold(Money::zero(currency), |acc, c| acc.checked_add(&c.claimed))?;
        if let Some(min) = Step::threshold(&step.min_customer_amount, currency)
            && total_claimed.checked_cmp(&min)?.is_lt()
        {
            for c in &group {
                if let (Some(item), Some(s)) = (
                    ledger.items().get(c.item_index),
                    scenario.steps.get(c.step_index),
                ) {
                    leave(
                        &mut left_out,
                        &item.id,
                        s,
                        LeftOutReason::BelowCustomerMinimum {
                            total: total_claimed,
                            minimum: min,
                        },
                    );
                }
            }
            continue;
        }
        actions.push(build_step_action(
            ctx,
            tables,
            calendar,
            customer,
            &assignment,
            scenario,
            top,
            group,
            as_of,
        )?);
    }
    if !escalations.is_empty() {
        actions.push(build_special_action(
            ledger,
            customer,
            &assignment,
            scenario,
            ActionKind::Escalation,
            &escalations,
            as_of,
        )?);
    }
    if !thanks.is_empty() {
        let list: Vec<(usize, Money, Money)> = thanks
            .iter()
            .filter_map(|&ix| {
                ledger
                    .items()
                    .get(ix)
                    .map(|i| (ix, Money::zero(currency), Money::zero(i.amount.currency())))
            })
            .collect();
        actions.push(build_special_action(
            ledger,
            customer,
            &assignment,
            scenario,
            ActionKind::ThankYou,
            &list,
            as_of,
        )?);
    }
    if !actions.is_empty() || !left_out.is_empty() {
        out.assignments.push(assignment);
    }
    out.actions.extend(actions);
    out.left_out.extend(left_out);
    Ok(())
}

fn action_item(
    ledger: &Ledger,
    ix: usize,
    open: Money,
    claimed: Money,
    as_of: NaiveDate,
) -> Option<ActionItem> {
    let item = ledger.items().get(ix)?;
    Some(ActionItem {
        item_id: item.id.clone(),
        kind: item.kind,
        issue_date: item.issue_date,
        due_date: item.due_date,
        days_overdue: (as_of - item.due_date).num_days(),
        amount: item.amount,
        open,
        claimed,
        level: 0,
        step_id: None,
        skipped_steps: Vec::new(),
        recovery_indemnity: None,
        interest: None,
        last_settlement: ledger
            .item_state(ix, as_of)
            .and_then(|state| state.last_settlement),
    })
}

#[allow(clippy::too_many_arguments)]
fn build_step_action(
    ctx: &PlanContext<'_>,
    tables: &RateTables,
    calendar: Option<&Calendar>,
    customer: &Customer,
    assignment: &Assignment,
    scenario: &Scenario,
    top: usize,
    group: Vec<Candidate>,
    as_of: NaiveDate,
) -> Result<Action, DunningError> {
    let ledger = ctx.ledger;
    let currency = customer.currency;
    let step = scenario
        .steps
        .get(top)
        .ok_or_else(|| DunningError::InvalidConfig {
            location: format!("scenario \"{}\"", scenario.id),
            message: "step index out of range".into(),
        })?;
    let mut items = Vec::with_capacity(group.len());
    let mut total_open = Money::zero(currency);
    let mut total_claimed = Money::zero(currency);
    let mut total_indemnities = Money::zero(currency);
    let mut total_interest = Money::zero(currency);
    let mut warnings = Vec::new();
    let jurisdiction = jurisdiction_for(ctx.config, customer);
    let rule = ctx
        .config
        .interest_rule
        .clone()
        .or_else(|| jurisdiction.map(InterestRule::statutory));
    for c in group {
        let Some(mut ai) = action_item(ledger, c.item_index, c.open, c.claimed, as_of) else {
            continue;
        };
        let own = scenario.steps.get(c.step_index).unwrap_or(step);
        ai.level = u32::try_from(c.step_index + 1).unwrap_or(u32::MAX);
        ai.step_id = Some(own.id.clone());
        ai.skipped_steps = c.skipped;
        if step.recovery_indemnity
            && !c.indemnity_claimed
            && ai.kind == ItemKind::Invoice
            && ai.days_overdue > 0
        {
            match jurisdiction.map(|j| interest::recovery_indemnity(j, &ai.amount)) {
                Some(Ok(fee)) => {
                    total_indemnities = total_indemnities.checked_add(&fee)?;
                    ai.recovery_indemnity = Some(fee);
                }
                Some(Err(e)) => warnings.push(format!("no recovery indemnity for item \"{}\": {e}", ai.item_id)),
                None => warnings.push(format!(
                    "no recovery indemnity for item \"{}\": no jurisdiction for customer country {:?}; set default_jurisdiction",
                    ai.item_id, customer.country
                )),
            }
        }
        if step.charge_interest && ai.days_overdue > 0 {
            match rule.as_ref().map(|r| interest::compute_interest(&c.claimed, ai.due_date, as_of, r, tables)) {
                Some(Ok(computed)) => {
                    total_interest = total_interest.checked_add(&computed.total)?;
                    ai.interest = Some(computed.total);
                }
                Some(Err(e)) => warnings.push(format!("no interest for item \"{}\": {e}", ai.item_id)),
                None => warnings.push(format!(
                    "no interest for item \"{}\": no interest rule and no jurisdiction for customer country {:?}",
                    ai.item_id, customer.country
                )),
            }
        }
        total_open = total_open.checked_add(&c.open)?;
        total_claimed = total_claimed.checked_add(&c.claimed)?;
        items.push(ai);
    }
    items.sort_by(|a, b| (a.due_date, &a.item_id).cmp(&(b.due_date, &b.item_id)));
    let fee = Step::threshold(&step.fee, currency).filter(|f| f.is_positive());
    let mut total_due = total_claimed
        .checked_add(&total_indemnities)?
        .checked_add(&total_interest)?;
    if let Some(f) = fee {
        total_due = total_due.checked_add(&f)?;
    }
    let level = u32::try_from(top + 1).unwrap_or(u32::MAX);
    let next_step = scenario.steps.get(top + 1).and_then(|n| {
        let earliest_due = items.iter().map(|i| i.due_date).min()?;
        let by_offset = add_days(earliest_due, i64::from(n.offset_days), "", "next step").ok()?;
        let by_spacing =
            add_days(as_of, i64::from(n.min_days_since_previous), "", "next step").ok()?;
        let date = by_offset.max(by_spacing);
        let date = match calendar {
            Some(c) => c.roll(date, Roll::Following).ok()?,
            None => date,
        };
        Some(NextStep {
            step_id: n.id.clone(),
            channel: n.channel,
            date,
        })
    });
    let reasons = vec![format!(
        "scenario \"{}\" ({}), step {} \"{}\" reached: {} item(s), {} claimed",
        scenario.id,
        match &assignment.by {
            AssignedBy::CustomerOverride => "customer override".to_owned(),
            AssignedBy::Rule(r) => format!("rule \"{r}\""),
            AssignedBy::Default => "default scenario".to_owned(),
        },
        level,
        step.id,
        items.len(),
        total_claimed
    )];
    Ok(Action {
        id: format!("{as_of}/{}/step/{}", customer.id, step.id),
        date: as_of,
        kind: ActionKind::Step,
        customer_id: customer.id.clone(),
        customer_name: customer.name.clone(),
        scenario_id: scenario.id.clone(),
        assigned_by: assignment.by.clone(),
        step_id: Some(step.id.clone()),
        level,
        channel: step.channel,
        template: step.template.clone(),
        items,
        total_open,
        total_claimed,
        fee,
        total_indemnities,
        total_interest,
        total_due,
        effects: step.effects.clone(),
        next_step,
        reasons,
        warnings,
    })
}

#[allow(clippy::too_many_arguments)]
fn build_special_action(
    ledger: &Ledger,
    customer: &Customer,
    assignment: &Assignment,
    scenario: &Scenario,
    kind: ActionKind,
    list: &[(usize, Money, Money)],
    as_of: NaiveDate,
) -> Result<Action, DunningError> {
    let currency = customer.currency;
    let mut items = Vec::with_capacity(list.len());
    let mut total_open = Money::zero(currency);
    let mut total_claimed = Money::zero(currency);
    for &(ix, open, claimed) in list {
        if let Some(ai) = action_item(ledger, ix, open, claimed, as_of) {
            total_open = total_open.checked_add(&open)?;
            total_claimed = total_claimed.checked_add(&claimed)?;
            items.push(ai);
        }
    }
    items.sort_by(|a, b| (a.due_date, &a.item_id).cmp(&(b.due_date, &b.item_id)));
    let (label, channel, template, reason) = match kind {
        ActionKind::Escalation => (
            "escalation",
            scenario.escalation_channel,
            "escalation".to_owned(),
            format!(
                "scenario \"{}\" finished {} days ago or more and {} item(s) are still unpaid",
                scenario.id,
                scenario.escalate_after_days.unwrap_or(0),
                items.len()
            ),
        ),
        _ => (
            "thank_you",
            Channel::Email,
            "thank_you".to_owned(),
            format!("{} dunned item(s) paid in full", items.len()),
        ),
    };
    Ok(Action {
        id: format!("{as_of}/{}/{label}", customer.id),
        date: as_of,
        kind,
        customer_id: customer.id.clone(),
        customer_name: customer.name.clone(),
        scenario_id: scenario.id.clone(),
        assigned_by: assignment.by.clone(),
        step_id: None,
        level: 0,
        channel,
        template,
        items,
        total_open,
        total_claimed,
        fee: None,
        total_indemnities: Money::zero(currency),
        total_interest: Money::zero(currency),
        total_due: total_claimed,
        effects: Vec::new(),
        next_step: None,
        reasons: vec![reason],
        warnings: Vec::new(),
    })
}
