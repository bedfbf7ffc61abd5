//! Today's dunning plan, as [`encours_core::dunning::plan`] makes it, for the report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use encours_core::dunning::{ActionKind, DunningConfig, DunningPlan, History, PlanContext, plan};
use encours_core::ledger::Ledger;
use encours_core::money::MultiCurrency;
use serde::Serialize;

use crate::input::{CliError, core_error};
use crate::text::{Align, Table, amount, count};

/// The demo configuration: two scenarios (standard B2B, key accounts), a rule for
/// segment A, minimums, an indemnity step and an interest step.
pub const DEMO_CONFIG: &str = include_str!("../config/dunning.json");

/// Days of daily runs replayed before the sample's date, so that its plan is a
/// steady day's (the standard scenario reaches its last step 50 days after the due
/// date and escalates 20 days later).
pub const SAMPLE_REPLAY_DAYS: u32 = 90;

/// Where the dunning configuration comes from.
pub enum ConfigSource {
    Demo,
    File(PathBuf),
}

/// Where the history of actions already taken comes from.
pub enum HistorySource {
    /// No action was ever taken: a first run.
    Empty,
    /// A JSON file (a `History`).
    File(PathBuf),
    /// The daily runs of this many days before the as-of date, replayed.
    Replay(u32),
}

/// The plan and what it was made from.
#[derive(Debug, Serialize)]
pub struct DunningSection {
    /// `built-in demo` or the configuration file.
    pub configuration: String,
    /// Scenario ids of the configuration.
    pub scenarios: Vec<String>,
    /// How the history was obtained.
    pub history: String,
    /// Entries in the history.
    pub history_entries: usize,
    /// The plan.
    pub plan: DunningPlan,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Io {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| CliError::Invalid {
        path: path.to_owned(),
        what: "dunning file",
        source,
    })
}

pub fn build(
    ledger: &Ledger,
    as_of: NaiveDate,
    config: &ConfigSource,
    history: &HistorySource,
) -> Result<DunningSection, CliError> {
    let (configuration, config): (String, DunningConfig) = match config {
        ConfigSource::Demo => (
            "built-in demo".to_owned(),
            serde_json::from_str(DEMO_CONFIG).map_err(|source| CliError::Invalid {
                path: PathBuf::from("config/dunning.json"),
                what: "dunning configuration",
                source,
            })?,
        ),
        ConfigSource::File(path) => (path.display().to_string(), read_json(path)?),
    };
    let (described, history) = match history {
        HistorySource::Empty => ("none (a first run)".to_owned(), History::default()),
        HistorySource::File(path) => (path.display().to_string(), read_json(path)?),
        HistorySource::Replay(days) => (
            format!("the daily runs of the {days} previous days, replayed"),
            encours_sample::dunning_history(ledger, &config, as_of, *days)?,
        ),
    };
    let today = plan(&PlanContext::new(ledger, &config), &history, as_of).map_err(core_error)?;
    Ok(DunningSection {
        configuration,
        scenarios: config.scenarios.iter().map(|s| s.id.clone()).collect(),
        history: described,
        history_entries: history.entries.len(),
        plan: today,
    })
}

/// An amount with its currency; blank for a thank-you, which claims nothing.
fn money_or_blank(kind: ActionKind, m: &encours_core::money::Money) -> String {
    if kind == ActionKind::ThankYou {
        String::new()
    } else {
        format!("{} {}", amount(m), m.currency())
    }
}

fn words(name: &str) -> String {
    name.replace('_', " ")
}

pub fn render(section: &DunningSection, shown: usize, out: &mut String) {
    use std::fmt::Write;
    let plan = &section.plan;
    let _ = writeln!(out, "Dunning plan for {}", plan.as_of.format("%A %Y-%m-%d"));
    let _ = writeln!(
        out,
        "  configuration: {} (scenarios: {}); history: {} ({} actions)",
        section.configuration,
        section.scenarios.join(", "),
        section.history,
        count(section.history_entries)
    );
    let mut by_channel: BTreeMap<String, usize> = BTreeMap::new();
    let mut items = 0usize;
    let mut claimed = MultiCurrency::new();
    for a in &plan.actions {
        let label = match a.kind {
            ActionKind::ThankYou => "thank-you".to_owned(),
            _ => words(a.channel.name()),
        };
        *by_channel.entry(label).or_default() += 1;
        if a.kind != ActionKind::ThankYou {
            items += a.items.len();
            // Totals are shown, never used: an overflow only drops them.
            let _ = claimed.add(&a.total_claimed);
        }
    }
    let channels: Vec<String> = by_channel
        .iter()
        .map(|(c, n)| format!("{c} {}", count(*n)))
        .collect();
    let claimed: Vec<String> = claimed
        .iter()
        .map(|m| format!("{} {}", amount(&m), m.currency()))
        .collect();
    let _ = writeln!(
        out,
        "  {} actions ({}) on {} items, claiming {}",
        count(plan.actions.len()),
        if channels.is_empty() {
            "none".to_owned()
        } else {
            channels.join(", ")
        },
        count(items),
        if claimed.is_empty() {
            "nothing".to_owned()
        } else {
            claimed.join(" + ")
        }
    );
    let mut left_out: BTreeMap<String, usize> = BTreeMap::new();
    for l in &plan.left_out {
        // The reason's machine name, as the JSON form gives it.
        let name = serde_json::to_value(&l.reason)
            .ok()
            .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(words))
            .unwrap_or_else(|| "other".to_owned());
        *left_out.entry(name).or_default() += 1;
    }
    if !left_out.is_empty() {
        let reasons: Vec<String> = left_out
            .iter()
            .map(|(r, n)| format!("{} {r}", count(*n)))
            .collect();
        let _ = writeln!(out, "  items left out: {}", reasons.join(", "));
    }
    if plan.actions.is_empty() {
        out.push('\n');
        return;
    }
    // The most advanced steps first; the plan's own order (by customer) within a level.
    let mut actions: Vec<_> = plan.actions.iter().collect();
    actions.sort_by_key(|a| {
        (
            a.kind == ActionKind::ThankYou,
            std::cmp::Reverse(a.kind == ActionKind::Escalation),
            std::cmp::Reverse(a.level),
        )
    });
    let mut t = Table::new(
        &[
            "customer",
            "name",
            "scenario",
            "step",
            "channel",
            "items",
            "claimed",
            "total due",
        ],
        &[
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
        ],
    );
    for a in actions.iter().take(shown) {
        let step = match a.kind {
            ActionKind::Step => a.step_id.clone().unwrap_or_default(),
            ActionKind::Escalation => "escalation".to_owned(),
            ActionKind::ThankYou => "thank-you".to_owned(),
        };
        t.row(vec![
            a.customer_id.clone(),
            a.customer_name.clone(),
            a.scenario_id.clone(),
            step,
            words(a.channel.name()),
            count(a.items.len()),
            money_or_blank(a.kind, &a.total_claimed),
            money_or_blank(a.kind, &a.total_due),
        ]);
    }
    t.render(2, out);
    if actions.len() > shown {
        let _ = writeln!(
            out,
            "  … and {} more actions (all of them, with their reasons, in --json)",
            count(actions.len() - shown)
        );
    }
    out.push('\n');
}
