//! Today's dunning plan: loading the configuration and the history, and the plan as
//! text. The plan itself is `encours_core::dunning::plan`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use encours_core::calendar::{Calendar, CalendarSpec};
use encours_core::config;
use encours_core::dunning::{
    ActionKind, DunningConfig, DunningConfigData, DunningPlan, History, LeftOutReason,
};
use encours_core::interest::RateTables;
use encours_core::letters::{Language, LetterSettings, Letters};

use crate::input::CliError;
use crate::text::{Align, Table, amount};

/// The built-in configuration of the demo: two scenarios (standard and key accounts),
/// a rule for segment A, minimums, an indemnity step and an interest step.
pub const BUILTIN_CONFIG: &str = include_str!("../config/dunning.json");

/// Days the demo replays before showing today's plan.
pub const DEMO_REPLAY_DAYS: u32 = 120;

/// Run the plan for each of the `days` days before `as_of` and record every action in
/// the history, as a daily run that executes its actions would have.
pub fn replay(
    ctx: &encours_core::dunning::PlanContext<'_>,
    history: &mut History,
    as_of: chrono::NaiveDate,
    days: u32,
) -> Result<(), CliError> {
    for back in (1..=days).rev() {
        let Some(day) = as_of.checked_sub_days(chrono::Days::new(u64::from(back))) else {
            continue;
        };
        let plan =
            encours_core::dunning::plan(ctx, history, day).map_err(encours_core::Error::from)?;
        history.record(&plan);
    }
    Ok(())
}

/// Load a dunning configuration: the built-in one, or a JSON or TOML file (by its
/// extension). Loading validates it.
pub fn load_config(path: Option<&Path>) -> Result<DunningConfig, CliError> {
    let Some(path) = path else {
        return config::from_json(BUILTIN_CONFIG, "dunning configuration")
            .map_err(|e| config_error(Path::new("<built-in dunning.json>"), e));
    };
    let text = read(path)?;
    let data: DunningConfigData = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        // Read as plain data first, so TOML goes through the same reader as JSON
        // (unknown keys refused, named with their path).
        let value: serde_json::Value = toml::from_str(&text).map_err(|e| config_error(path, e))?;
        config::from_value(value, "dunning configuration").map_err(|e| config_error(path, e))?
    } else {
        config::from_json(&text, "dunning configuration").map_err(|e| config_error(path, e))?
    };
    DunningConfig::try_from(data).map_err(|e| config_error(path, e))
}

/// Load the history of actions already taken (JSON), or start with none.
pub fn load_history(path: Option<&Path>) -> Result<History, CliError> {
    let Some(path) = path else {
        return Ok(History::default());
    };
    if !path.exists() {
        return Ok(History::default());
    }
    config::from_json(&read(path)?, "dunning history").map_err(|e| config_error(path, e))
}

fn read(path: &Path) -> Result<String, CliError> {
    crate::files::read_text(path)
}

fn config_error(path: &Path, message: impl ToString) -> CliError {
    CliError::Config {
        path: path.to_owned(),
        message: message.to_string(),
    }
}

/// A JSON array of records (promises to pay…), or none without a file.
pub fn load_json_list<T: serde::de::DeserializeOwned>(
    path: Option<&Path>,
    what: &str,
) -> Result<Vec<T>, CliError> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    config::from_json(&read(path)?, what).map_err(|e| config_error(path, e))
}

/// Reference-rate tables (the JSON form of `RateTables`), validated on load.
pub fn load_rate_tables(path: &Path) -> Result<RateTables, CliError> {
    config::from_json(&read(path)?, "rate tables").map_err(|e| config_error(path, e))
}

/// Calendars of the caller's own (a JSON array of calendar specs), validated.
pub fn load_calendars(path: Option<&Path>) -> Result<Vec<Calendar>, CliError> {
    let specs: Vec<CalendarSpec> = load_json_list(path, "calendars")?;
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    specs
        .into_iter()
        .map(|spec| Calendar::from_spec(spec).map_err(|e| config_error(path, e)))
        .collect()
}

/// The default templates, with those of `dir` (`dir/en/KEY.txt`, `dir/fr/KEY.txt`)
/// added or put in their place.
pub fn load_templates(dir: Option<&Path>) -> Result<Letters, CliError> {
    let mut letters = Letters::with_defaults();
    let Some(dir) = dir else {
        return Ok(letters);
    };
    if !dir.is_dir() {
        return Err(config_error(
            dir,
            "not a directory: expected DIR/en/KEY.txt and DIR/fr/KEY.txt templates",
        ));
    }
    let mut found = 0;
    for (code, language) in [("en", Language::En), ("fr", Language::Fr)] {
        let sub = dir.join(code);
        if !sub.is_dir() {
            continue;
        }
        let entries = std::fs::read_dir(&sub).map_err(|source| CliError::Io {
            path: sub.clone(),
            source,
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        paths.sort();
        for path in paths {
            let Some(key) = path.file_stem().and_then(|k| k.to_str()) else {
                continue;
            };
            letters
                .set_template(language, key, &read(&path)?)
                .map_err(|e| config_error(&path, e))?;
            found += 1;
        }
    }
    if found == 0 {
        return Err(config_error(
            dir,
            "no template found: expected DIR/en/KEY.txt or DIR/fr/KEY.txt",
        ));
    }
    Ok(letters)
}

/// Write the history back, with today's `actions` actions recorded: atomically, so
/// on failure the previous history is intact and the error says the actions were not
/// recorded.
pub fn save_history(path: &Path, history: &History, actions: usize) -> Result<(), CliError> {
    crate::files::write_atomically(path, |w| {
        serde_json::to_writer_pretty(&mut *w, history)?;
        w.write_all(b"\n")
    })
    .map_err(|source| CliError::NotRecorded {
        path: path.to_owned(),
        actions,
        source,
    })
}

fn reason_name(r: &LeftOutReason) -> &'static str {
    match r {
        LeftOutReason::Disputed { .. } => "disputed",
        LeftOutReason::ItemBlocked { .. } => "item blocked",
        LeftOutReason::CustomerBlocked { .. } => "customer blocked",
        LeftOutReason::UnderPromise { .. } => "under a promise to pay",
        LeftOutReason::BelowItemMinimum { .. } => "below the item minimum",
        LeftOutReason::BelowCustomerMinimum { .. } => "below the customer minimum",
        LeftOutReason::CreditsCoverOverdue { .. } => "credits cover the overdue",
        LeftOutReason::RecentlyReminded { .. } => "reminded too recently",
        LeftOutReason::PreDueStopped => "pre-due reminders stopped",
        LeftOutReason::UnderPaymentPlan { .. } => "under a payment plan",
        _ => "other",
    }
}

fn kind_name(a: &encours_core::dunning::Action) -> String {
    match a.kind {
        ActionKind::Step => a.step_id.clone().unwrap_or_default(),
        ActionKind::Escalation => "escalation".into(),
        ActionKind::ThankYou => "thank you".into(),
        _ => "other".into(),
    }
}

/// The plan as text: actions by step and channel, the first actions with their
/// reasons, what was left out and why.
pub fn render(plan: &DunningPlan, detail: usize, out: &mut String) {
    let title = format!(
        "Dunning plan for {} ({})",
        plan.as_of,
        plan.as_of.format("%A")
    );
    let _ = writeln!(out, "{title}\n{}", "=".repeat(title.chars().count()));
    let items: usize = plan.actions.iter().map(|a| a.items.len()).sum();
    let _ = writeln!(
        out,
        "{} actions covering {} items; {} items due for a step left out\n",
        plan.actions.len(),
        items,
        plan.left_out.len()
    );
    let mut by_step: BTreeMap<(u32, String, &'static str), (usize, usize)> = BTreeMap::new();
    for a in &plan.actions {
        let e = by_step
            .entry((a.level, kind_name(a), a.channel.name()))
            .or_default();
        e.0 += 1;
        e.1 += a.items.len();
    }
    let mut t = Table::new(
        &["level", "step", "channel", "actions", "items"],
        &[
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
        ],
    );
    for ((level, step, channel), (actions, items)) in &by_step {
        t.row(vec![
            level.to_string(),
            step.clone(),
            (*channel).to_owned(),
            actions.to_string(),
            items.to_string(),
        ]);
    }
    t.render(2, out);

    let mut shown: Vec<&encours_core::dunning::Action> = plan.actions.iter().collect();
    // The most pressing first: highest level, then largest amount claimed.
    shown.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(b.total_claimed.amount().cmp(&a.total_claimed.amount()))
            .then(a.id.cmp(&b.id))
    });
    if detail > 0 && !shown.is_empty() {
        let _ = writeln!(
            out,
            "\nFirst {} actions, most pressing first",
            detail.min(shown.len())
        );
        for a in shown.iter().take(detail) {
            let _ = writeln!(
                out,
                "\n  {} — {} ({}) — {} via {}: {} item(s), claimed {}, total due {}",
                a.id,
                a.customer_name,
                a.customer_id,
                kind_name(a),
                a.channel.name(),
                a.items.len(),
                amount(&a.total_claimed),
                amount(&a.total_due)
            );
            for r in &a.reasons {
                let _ = writeln!(out, "    why: {r}");
            }
            for i in a.items.iter().take(5) {
                if a.kind == ActionKind::ThankYou {
                    let _ = writeln!(
                        out,
                        "    - {} due {}, {} paid in full{}",
                        i.item_id,
                        i.due_date,
                        amount(&i.amount),
                        i.last_settlement
                            .map(|d| format!(" on {d}"))
                            .unwrap_or_default()
                    );
                    continue;
                }
                let _ = writeln!(
                    out,
                    "    - {} due {} ({} days overdue) open {} claimed {}{}{}",
                    i.item_id,
                    i.due_date,
                    i.days_overdue,
                    amount(&i.open),
                    amount(&i.claimed),
                    i.recovery_indemnity
                        .map(|f| format!(", indemnity {}", amount(&f)))
                        .unwrap_or_default(),
                    i.interest
                        .map(|f| format!(", interest {}", amount(&f)))
                        .unwrap_or_default()
                );
            }
            if a.items.len() > 5 {
                let _ = writeln!(out, "    … and {} more", a.items.len() - 5);
            }
            if let Some(n) = &a.next_step {
                let _ = writeln!(
                    out,
                    "    next: {} ({}) on {}",
                    n.step_id,
                    n.channel.name(),
                    n.date
                );
            }
            for w in &a.warnings {
                let _ = writeln!(out, "    warning: {w}");
            }
        }
    }
    if !plan.left_out.is_empty() {
        let mut reasons: BTreeMap<&'static str, usize> = BTreeMap::new();
        for l in &plan.left_out {
            *reasons.entry(reason_name(&l.reason)).or_default() += 1;
        }
        let _ = writeln!(out, "\nLeft out, by reason");
        let mut t = Table::new(&["reason", "items"], &[Align::Left, Align::Right]);
        for (r, n) in reasons {
            t.row(vec![r.to_owned(), n.to_string()]);
        }
        t.render(2, out);
    }
}

/// What the history holds: actions by step and channel over the last `days` days
/// before `as_of`.
pub fn render_history(history: &History, as_of: chrono::NaiveDate, days: u32, out: &mut String) {
    let since = as_of
        .checked_sub_days(chrono::Days::new(u64::from(days)))
        .unwrap_or(as_of);
    let mut by_step: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for e in history
        .entries
        .iter()
        .filter(|e| e.date > since && e.date < as_of)
    {
        let step = match e.kind {
            ActionKind::Step => e.step_id.clone().unwrap_or_default(),
            ActionKind::Escalation => "escalation".into(),
            ActionKind::ThankYou => "thank you".into(),
            _ => "other".into(),
        };
        let entry = by_step.entry((e.scenario_id.clone(), step)).or_default();
        entry.0 += 1;
        entry.1 += e.items.len();
    }
    let _ = writeln!(out, "\nActions taken over the {days} days before {as_of}");
    let mut t = Table::new(
        &["scenario", "step", "actions", "items"],
        &[Align::Left, Align::Left, Align::Right, Align::Right],
    );
    for ((scenario, step), (actions, items)) in by_step {
        t.row(vec![scenario, step, actions.to_string(), items.to_string()]);
    }
    t.render(2, out);
}

/// Render the letters of the first `count` actions (most pressing first).
pub fn letters(
    plan: &DunningPlan,
    letters: &Letters,
    language: Language,
    settings: &LetterSettings,
    count: usize,
    out: &mut String,
) -> Result<(), CliError> {
    let mut shown: Vec<&encours_core::dunning::Action> = plan.actions.iter().collect();
    shown.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(b.total_claimed.amount().cmp(&a.total_claimed.amount()))
            .then(a.id.cmp(&b.id))
    });
    for a in shown.into_iter().take(count) {
        let letter = letters
            .render(a, language, settings)
            .map_err(encours_core::Error::from)?;
        let _ = writeln!(
            out,
            "\n----- {} ({}) -----",
            letter.action_id,
            letter.channel.name()
        );
        if let Some(s) = &letter.subject {
            let _ = writeln!(out, "Subject: {s}");
        }
        let _ = writeln!(out, "{}", letter.body.trim_end());
    }
    Ok(())
}
