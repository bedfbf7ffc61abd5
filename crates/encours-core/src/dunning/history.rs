//! The history of actions taken, which the caller keeps, and what it says of each
//! item and customer on a plan's date.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Action, ActionKind, DunningConfig, DunningPlan, Effect};

/// An item as recorded in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct ItemTrack {
    /// The highest step level recorded (0: never dunned).
    pub(super) level: u32,
    /// The day of the step action that recorded that level.
    pub(super) last_date: Option<NaiveDate>,
    /// An escalation was recorded.
    pub(super) escalated: bool,
    /// A thank-you was recorded.
    pub(super) thanked: bool,
    /// The flat recovery indemnity was claimed by an earlier action.
    pub(super) indemnity_claimed: bool,
}

/// What the history says of one customer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct CustomerTrack {
    /// The day of the latest action other than a thank-you.
    pub(super) last_action: Option<NaiveDate>,
    /// A step with [`Effect::StopPreDue`] was taken.
    pub(super) stop_pre_due: bool,
}

/// The history as of a plan's date, indexed once by item and by customer id.
#[derive(Debug, Default)]
pub(super) struct Tracks<'h> {
    pub(super) items: HashMap<&'h str, ItemTrack>,
    pub(super) customers: HashMap<&'h str, CustomerTrack>,
}

impl<'h> Tracks<'h> {
    /// Index the entries dated on or before `as_of`.
    pub(super) fn new(
        history: &'h History,
        config: &DunningConfig,
        as_of: NaiveDate,
    ) -> Tracks<'h> {
        let mut out = Tracks::default();
        for e in history.entries.iter().filter(|e| e.date <= as_of) {
            let ct = out.customers.entry(e.customer_id.as_str()).or_default();
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
                let t = out.items.entry(it.item_id.as_str()).or_default();
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
        out
    }

    /// What the history says of an item (nothing: the default).
    pub(super) fn item(&self, id: &str) -> ItemTrack {
        self.items.get(id).copied().unwrap_or_default()
    }

    /// What the history says of a customer.
    pub(super) fn customer(&self, id: &str) -> CustomerTrack {
        self.customers.get(id).copied().unwrap_or_default()
    }
}
