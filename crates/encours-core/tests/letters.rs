//! Letters rendered from the default templates.
#![cfg(feature = "letters")]

use chrono::NaiveDate;
use encours_core::dunning::{
    ActionKind, Channel, DunningConfig, History, PlanContext, Scenario, Step, plan,
};
use encours_core::ledger::{Customer, Item, Ledger, Payment};
use encours_core::letters::{Language, LetterError, LetterSettings, Letters};
use encours_core::money::{Currency, Money};

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, m, day).unwrap()
}

fn eur(c: i64) -> Money {
    Money::from_minor(c, Currency::EUR)
}

fn settings() -> LetterSettings {
    LetterSettings {
        sender: "ACME Credit Team".into(),
        payment_instructions: "Pay to IBAN FR76 0000.".into(),
    }
}

#[test]
fn english_reminder_renders_exactly() {
    let ledger = Ledger::new(
        vec![Customer::new("C1", "Dupont SA", Currency::EUR)],
        vec![
            Item::invoice("F-1", "C1", d(1, 2), d(2, 1), eur(123_450)),
            Item::invoice("F-2", "C1", d(1, 3), d(2, 2), eur(5_000)),
        ],
        vec![],
        vec![],
    )
    .unwrap();
    let mut r1 = Step::new("r1", 5, Channel::Email, "reminder");
    r1.fee = vec![eur(1_000)];
    let r2 = Step::new("r2", 15, Channel::Letter, "reminder");
    let config = DunningConfig::new(vec![Scenario::new("s", vec![r1, r2])], "s").unwrap();
    let p = plan(
        &PlanContext::new(&ledger, &config),
        &History::default(),
        d(2, 7),
    )
    .unwrap();
    let letter = Letters::with_defaults()
        .render(&p.actions[0], Language::En, &settings())
        .unwrap();
    assert_eq!(
        letter.subject.as_deref(),
        Some("Payment reminder — 1,284.50 EUR overdue")
    );
    assert_eq!(
        letter.body,
        "Dear Dupont SA,

Our records show that the following invoices are past due:

- F-1 due 2024-02-01 (6 days overdue): 1,234.50 EUR
- F-2 due 2024-02-02 (5 days overdue): 50.00 EUR

Total overdue: 1,284.50 EUR
Reminder fee: 10.00 EUR
Amount due: 1,294.50 EUR

Please pay at your earliest convenience. Pay to IBAN FR76 0000.
If you have already paid, please disregard this message.
Without payment, a further reminder (letter) will follow on 2024-02-16.

Yours sincerely,
ACME Credit Team"
    );
}

#[test]
fn every_channel_and_kind_renders_in_both_languages() {
    let ledger = Ledger::new(
        vec![Customer::new("C1", "Dupont SA", Currency::EUR)],
        vec![Item::invoice("F-1", "C1", d(1, 2), d(2, 1), eur(10_000))],
        vec![],
        vec![],
    )
    .unwrap();
    for (i, channel) in Channel::ALL.into_iter().enumerate() {
        let step = Step::new("only", 1, channel, format!("custom_{i}"));
        let mut scenario = Scenario::new("s", vec![step]);
        scenario.escalate_after_days = Some(5);
        let config = DunningConfig::new(vec![scenario], "s").unwrap();
        let mut history = History::default();
        let p = plan(&PlanContext::new(&ledger, &config), &history, d(2, 2)).unwrap();
        history.record(&p);
        let escalation = plan(&PlanContext::new(&ledger, &config), &history, d(2, 8)).unwrap();
        for action in p.actions.iter().chain(&escalation.actions) {
            for lang in [Language::En, Language::Fr] {
                let letter = Letters::with_defaults()
                    .render(action, lang, &settings())
                    .unwrap();
                let amount = if lang == Language::En {
                    "100.00 EUR"
                } else {
                    "100,00 EUR"
                };
                assert!(
                    letter.body.contains(amount),
                    "{channel:?} {lang:?}: {}",
                    letter.body
                );
                let lists_items = channel != Channel::Sms || action.kind != ActionKind::Step;
                assert_eq!(
                    letter.body.contains("F-1"),
                    lists_items,
                    "{channel:?} {lang:?}: {}",
                    letter.body
                );
            }
        }
    }
    // Thank-you after payment, in French.
    let mut paid = ledger.clone();
    paid.add_payment(Payment::new("P1", "C1", d(2, 5), eur(10_000)))
        .unwrap();
    paid.apply_payment("P1", "F-1", eur(10_000), d(2, 5))
        .unwrap();
    let config = DunningConfig::new(
        vec![Scenario::new(
            "s",
            vec![Step::new("r1", 1, Channel::Email, "x")],
        )],
        "s",
    )
    .unwrap();
    let mut history = History::default();
    history.record(&plan(&PlanContext::new(&paid, &config), &history, d(2, 2)).unwrap());
    let thanks = plan(&PlanContext::new(&paid, &config), &history, d(2, 6)).unwrap();
    let letter = Letters::with_defaults()
        .render(&thanks.actions[0], Language::Fr, &settings())
        .unwrap();
    assert_eq!(
        letter.subject.as_deref(),
        Some("Merci pour votre règlement")
    );
    assert!(
        letter.body.contains("- F-1 (100,00 EUR)"),
        "{}",
        letter.body
    );
}

#[test]
fn an_integrator_replaces_a_template_and_missing_ones_are_errors() {
    let ledger = Ledger::new(
        vec![Customer::new("C1", "Dupont SA", Currency::EUR)],
        vec![Item::invoice("F-1", "C1", d(1, 2), d(2, 1), eur(10_000))],
        vec![],
        vec![],
    )
    .unwrap();
    let config = DunningConfig::new(
        vec![Scenario::new(
            "s",
            vec![Step::new("r1", 1, Channel::Sms, "short")],
        )],
        "s",
    )
    .unwrap();
    let p = plan(
        &PlanContext::new(&ledger, &config),
        &History::default(),
        d(2, 2),
    )
    .unwrap();
    let mut letters = Letters::with_defaults();
    letters
        .set_template(
            Language::En,
            "short",
            "{{ customer_name }} owes {{ total_claimed | money }}",
        )
        .unwrap();
    let l = letters
        .render(&p.actions[0], Language::En, &settings())
        .unwrap();
    assert_eq!(
        (l.template.as_str(), l.subject, l.body.as_str()),
        ("short", None, "Dupont SA owes 100.00 EUR")
    );
    let err = Letters::empty()
        .render(&p.actions[0], Language::Fr, &settings())
        .unwrap_err();
    assert_eq!(
        err,
        LetterError::MissingTemplate {
            key: "short".into(),
            fallback: "sms",
            language: "fr"
        }
    );
    assert_eq!(
        err.to_string(),
        "no template \"short\" nor \"sms\" for language fr"
    );
}
