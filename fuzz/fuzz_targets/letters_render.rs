//! Letter templates: any small template either compiles or is refused, and rendering
//! it for a real action either gives a letter or an error, never a panic. The actions
//! come from the dunning plan of the core's test ledger under the command's default
//! configuration, on days when every step of it fires.
//!
//! Bounds on what a template may cost (loops of a billion turns, a 100 MB letter) are
//! the job of the template-limits issue; until they exist, this target keeps to small
//! templates without `range` and without recursion, whose cost is bounded by the action.
#![no_main]

use std::sync::OnceLock;

use encours_core::dunning::{Action, DunningConfig, DunningConfigData, History, PlanContext, plan};
use encours_core::ledger::Ledger;
use encours_core::letters::{Language, LetterSettings, Letters};
use encours_fuzz::day;
use libfuzzer_sys::fuzz_target;

const LEDGER: &str = include_str!("../../crates/encours-core/tests/data/ledger/small.json");
const CONFIG: &str = include_str!("../../crates/encours-cli/config/dunning.json");

/// Actions of a month of daily plans over the test ledger.
fn actions() -> &'static [Action] {
    static ACTIONS: OnceLock<Vec<Action>> = OnceLock::new();
    ACTIONS.get_or_init(|| {
        let (Ok(ledger), Ok(data)) = (
            serde_json::from_str::<Ledger>(LEDGER),
            serde_json::from_str::<DunningConfigData>(CONFIG),
        ) else {
            panic!("the test ledger or the default configuration does not read");
        };
        let Ok(config) = DunningConfig::try_from(data) else {
            panic!("the default dunning configuration is invalid");
        };
        let mut history = History::default();
        let mut all = Vec::new();
        // 2024-06-01 to 2025-03-01, every third day: pre-due reminders to hand-overs.
        for offset in (1613..1887).step_by(3) {
            if let Ok(p) = plan(&PlanContext::new(&ledger, &config), &history, day(offset)) {
                history.record(&p);
                all.extend(p.actions);
            }
        }
        assert!(!all.is_empty(), "the test ledger gives no action to render");
        all
    })
}

/// The default templates, compiled once (compiling them is most of an input's time).
fn default_letters() -> &'static Letters {
    static LETTERS: OnceLock<Letters> = OnceLock::new();
    LETTERS.get_or_init(Letters::with_defaults)
}

fuzz_target!(|data: &[u8]| {
    let [selector, language, source @ ..] = data else {
        return;
    };
    if source.len() > 1024 {
        return;
    }
    let Ok(source) = std::str::from_utf8(source) else {
        return;
    };
    // Unbounded constructs (see the module comment).
    if [
        "range",
        "recursive",
        "macro",
        "call",
        "*",
        "import",
        "include",
        "extends",
    ]
    .iter()
    .any(|w| source.contains(w))
    {
        return;
    }
    let all = actions();
    let Some(action) = all.get(usize::from(*selector) % all.len()) else {
        return;
    };
    let language = if language % 2 == 0 {
        Language::En
    } else {
        Language::Fr
    };
    let settings = LetterSettings {
        sender: "Credit department".into(),
        payment_instructions: "IBAN FR76 0000 0000 0000".into(),
    };
    // As the action's own template, then as the only template of an empty set (the
    // fallback to a channel's default key).
    let mut defaults = default_letters().clone();
    if defaults
        .set_template(language, &action.template, source)
        .is_ok()
    {
        let _ = defaults.render(action, language, &settings);
    }
    let mut empty = Letters::empty();
    for key in ["reminder", "upcoming", "formal_notice", "thank_you"] {
        let _ = empty.set_template(language, key, source);
    }
    let _ = empty.render(action, language, &settings);
});
