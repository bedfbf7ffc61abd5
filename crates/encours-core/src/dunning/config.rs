//! The dunning configuration: channels, steps, scenarios, assignment rules and the
//! policies of the plan, with the data form an administrator writes.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::DunningError;
use crate::interest::{InterestRule, Jurisdiction};
use crate::ledger::Customer;
use crate::money::{Currency, Money};

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
    /// A fee in percent of the amount the action claims, with a floor and a cap.
    pub percent_fee: Option<PercentFee>,
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
#[serde(deny_unknown_fields)]
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
    /// Fee in percent of the amount claimed, with a floor and a cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_fee: Option<PercentFee>,
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

/// A fee in percent of the amount an action claims (the overdue items' claimed
/// total), rounded half up to the minor unit, raised to `floor` and lowered to `cap`
/// (each one amount per currency; a bound not listed in the customer's currency does
/// not apply, with a warning on the action).
///
/// ```
/// use encours_core::dunning::PercentFee;
/// let f: PercentFee = serde_json::from_str(
///     r#"{"percent": "1.5", "floor": [{"amount": "10", "currency": "EUR"}], "cap": [{"amount": "500", "currency": "EUR"}]}"#,
/// ).unwrap();
/// assert_eq!(f.percent.to_string(), "1.5");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PercentFee {
    /// Percent of the amount claimed, more than 0 and at most 100.
    #[serde(with = "crate::decimal_serde")]
    pub percent: rust_decimal::Decimal,
    /// The least fee, per currency.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub floor: Vec<Money>,
    /// The most fee, per currency.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cap: Vec<Money>,
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
            percent_fee: r.percent_fee,
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
            percent_fee: s.percent_fee,
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
            percent_fee: None,
            recovery_indemnity: false,
            charge_interest: false,
            effects: Vec::new(),
        }
    }

    pub(super) fn threshold(list: &[Money], currency: Currency) -> Option<Money> {
        list.iter().find(|m| m.currency() == currency).copied()
    }

    pub(super) fn is_pre_due(&self) -> bool {
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
#[serde(deny_unknown_fields)]
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
            if let Some(p) = &s.percent_fee {
                let hundred = rust_decimal::Decimal::ONE_HUNDRED;
                if p.percent <= rust_decimal::Decimal::ZERO || p.percent > hundred {
                    return Err(DunningError::InvalidConfig {
                        location: at(&s.id),
                        message: format!(
                            "percent_fee.percent {} is out of range: expected more than 0 and at most 100",
                            p.percent
                        ),
                    });
                }
                for floor in &p.floor {
                    if let Some(cap) = Step::threshold(&p.cap, floor.currency())
                        && floor.amount() > cap.amount()
                    {
                        return Err(DunningError::InvalidConfig {
                            location: at(&s.id),
                            message: format!(
                                "percent_fee.floor {floor} is above percent_fee.cap {cap}: expected a floor at most the cap"
                            ),
                        });
                    }
                }
            }
            let no_bounds = Vec::new();
            let (floor, cap) = s
                .percent_fee
                .as_ref()
                .map_or((&no_bounds, &no_bounds), |p| (&p.floor, &p.cap));
            for (field, list) in [
                ("min_customer_amount", &s.min_customer_amount),
                ("min_item_amount", &s.min_item_amount),
                ("fee", &s.fee),
                ("percent_fee.floor", floor),
                ("percent_fee.cap", cap),
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
#[serde(deny_unknown_fields)]
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
    /// Least number of days between two steps of the same item, whatever the steps'
    /// own `min_days_since_previous` (the larger applies); never less than one day, so
    /// a plan run again the day its actions were recorded gives nothing new. Seven by
    /// default: an item planned late (a ledger loaded late, a block lifted) past
    /// several steps gets them a week apart, time for a letter to arrive (La Poste's
    /// *lettre verte* is delivered in three working days) and for the customer to
    /// answer, rather than a reminder and a formal notice on consecutive days.
    pub min_days_between_steps: u32,
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
#[serde(deny_unknown_fields)]
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
    /// Least number of days between two steps of the same item (7 when absent).
    #[serde(default = "default_step_spacing")]
    pub min_days_between_steps: u32,
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
/// A week between two steps of one item: see [`DunningConfig::min_days_between_steps`].
pub(super) const DEFAULT_STEP_SPACING: u32 = 7;
fn default_step_spacing() -> u32 {
    DEFAULT_STEP_SPACING
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
            min_days_between_steps: r.min_days_between_steps,
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
            min_days_between_steps: c.min_days_between_steps,
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
    /// grace after a promise, one action per step, sequential catch-up, 7 days at
    /// least between two steps of one item, thank-yous within 30 days).
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
            min_days_between_steps: DEFAULT_STEP_SPACING,
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
