//! Regression tests for the dunning defects of issue 11: each failed before its fix.

use chrono::NaiveDate;
use encours_core::dunning::{
    CatchUp, Channel, DunningConfig, DunningPlan, Grouping, History, HistoryEntry, HistoryItem,
    LeftOutReason, PlanContext, Scenario, Step, WarningCode, plan,
};
use encours_core::ledger::{Customer, Item, Ledger};
use encours_core::money::{Currency, FxRates, Money};
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn eur(cents: i64) -> Money {
    Money::from_minor(cents, Currency::EUR)
}

fn ledger(items: Vec<Item>) -> Ledger {
    let mut c = Customer::new("C1", "Dupont SA", Currency::EUR);
    c.country = Some("FR".into());
    Ledger::new(vec![c], items, vec![], vec![]).unwrap()
}

fn run(ctx: &PlanContext<'_>, history: &mut History, day: NaiveDate) -> DunningPlan {
    let p = plan(ctx, history, day).unwrap();
    history.record(&p);
    p
}

/// Defect 2: with the default settings, planning, recording and planning again the
/// same day gave the next step (a formal notice with its 40 EUR indemnity) at once,
/// and the reminder announced the notice for the day it was sent.
#[test]
fn recording_then_planning_again_the_same_day_gives_nothing_new() {
    let mut notice = Step::new("formal_notice", 30, Channel::FormalNotice, "formal_notice");
    notice.recovery_indemnity = true;
    let config = DunningConfig::new(
        vec![Scenario::new(
            "s",
            vec![Step::new("reminder", 5, Channel::Email, "reminder"), notice],
        )],
        "s",
    )
    .unwrap();
    // Due 2024-01-01, first planned on 2024-03-01: 60 days late, past both steps.
    let ledger = ledger(vec![Item::invoice(
        "F1",
        "C1",
        d(2023, 12, 1),
        d(2024, 1, 1),
        eur(100_000),
    )]);
    let ctx = PlanContext::new(&ledger, &config);
    let mut history = History::default();
    let first = run(&ctx, &mut history, d(2024, 3, 1));
    assert_eq!(first.actions.len(), 1);
    assert_eq!(first.actions[0].step_id.as_deref(), Some("reminder"));
    let again = run(&ctx, &mut history, d(2024, 3, 1));
    assert!(again.actions.is_empty(), "{:?}", again.actions);

    // The default spacing between two steps of one item is 7 days: the notice is
    // announced for 2024-03-08, and that is the day the plan takes it.
    let announced = first.actions[0].next_step.clone().unwrap();
    assert_eq!(
        (announced.step_id.as_str(), announced.date),
        ("formal_notice", d(2024, 3, 8))
    );
    let mut day = d(2024, 3, 2);
    let taken = loop {
        let p = run(&ctx, &mut history, day);
        if let Some(a) = p.actions.first() {
            break (a.step_id.clone(), day);
        }
        day = day.succ_opt().unwrap();
    };
    assert_eq!(taken, (Some("formal_notice".into()), announced.date));
}

/// Defect 2: an explicit spacing of 0 days still never gives two steps to one item
/// the same day.
#[test]
fn no_item_gets_two_steps_the_same_day_even_with_zero_spacing() {
    let mut config = DunningConfig::new(
        vec![Scenario::new(
            "s",
            vec![
                Step::new("reminder", 5, Channel::Email, "reminder"),
                Step::new("notice", 30, Channel::FormalNotice, "notice"),
            ],
        )],
        "s",
    )
    .unwrap();
    config.min_days_between_steps = 0;
    let ledger = ledger(vec![Item::invoice(
        "F1",
        "C1",
        d(2023, 12, 1),
        d(2024, 1, 1),
        eur(100_000),
    )]);
    let ctx = PlanContext::new(&ledger, &config);
    let mut history = History::default();
    assert_eq!(run(&ctx, &mut history, d(2024, 3, 1)).actions.len(), 1);
    assert!(run(&ctx, &mut history, d(2024, 3, 1)).actions.is_empty());
    let next = run(&ctx, &mut history, d(2024, 3, 2));
    assert_eq!(next.actions[0].step_id.as_deref(), Some("notice"));
}

/// Defect 3: with `catch_up = highest_reached`, an item whose highest step reached
/// has an item minimum it fails was left out every day; the highest step whose
/// conditions it meets is the one taken (as `sequential` reminds it).
#[test]
fn catch_up_takes_the_highest_step_whose_minimum_is_met() {
    let mut notice = Step::new("notice", 30, Channel::FormalNotice, "notice");
    notice.min_item_amount = vec![eur(50_000)];
    let mut config = DunningConfig::new(
        vec![Scenario::new(
            "s",
            vec![Step::new("reminder", 5, Channel::Email, "reminder"), notice],
        )],
        "s",
    )
    .unwrap();
    config.catch_up = CatchUp::HighestReached;
    // 100.00 EUR due 2024-01-01, planned on 2024-02-10 (40 days late).
    let ledger = ledger(vec![Item::invoice(
        "F1",
        "C1",
        d(2023, 12, 1),
        d(2024, 1, 1),
        eur(10_000),
    )]);
    let p = plan(
        &PlanContext::new(&ledger, &config),
        &History::default(),
        d(2024, 2, 10),
    )
    .unwrap();
    assert!(p.left_out.is_empty(), "{:?}", p.left_out);
    assert_eq!(p.actions.len(), 1);
    assert_eq!(p.actions[0].step_id.as_deref(), Some("reminder"));
}

/// Defect 3: with `grouping = highest_level`, the top step's customer minimum was
/// applied to an item due for a lower step: a new invoice due for the first reminder
/// was left out as "below the customer minimum" of the notice.
#[test]
fn grouping_applies_each_steps_customer_minimum_to_its_own_items() {
    let mut notice = Step::new("notice", 30, Channel::FormalNotice, "notice");
    notice.min_customer_amount = vec![eur(500_000)];
    let mut config = DunningConfig::new(
        vec![Scenario::new(
            "s",
            vec![Step::new("reminder", 5, Channel::Email, "reminder"), notice],
        )],
        "s",
    )
    .unwrap();
    config.grouping = Grouping::HighestLevel;
    let ledger = ledger(vec![
        Item::invoice("OLD", "C1", d(2023, 12, 1), d(2024, 1, 1), eur(10_000)),
        Item::invoice("NEW", "C1", d(2024, 2, 1), d(2024, 3, 1), eur(20_000)),
    ]);
    let history = History {
        entries: vec![HistoryEntry {
            action_id: "2024-01-06/C1/step/reminder".into(),
            date: d(2024, 1, 6),
            customer_id: "C1".into(),
            kind: encours_core::dunning::ActionKind::Step,
            scenario_id: "s".into(),
            step_id: Some("reminder".into()),
            items: vec![HistoryItem {
                item_id: "OLD".into(),
                level: 1,
                indemnity_claimed: false,
            }],
        }],
    };
    let p = plan(
        &PlanContext::new(&ledger, &config),
        &history,
        d(2024, 3, 10),
    )
    .unwrap();
    assert_eq!(p.actions.len(), 1);
    assert_eq!(p.actions[0].step_id.as_deref(), Some("reminder"));
    let items: Vec<_> = p.actions[0]
        .items
        .iter()
        .map(|i| i.item_id.as_str())
        .collect();
    assert_eq!(items, vec!["NEW"]);
    assert_eq!(p.left_out.len(), 1);
    assert_eq!(p.left_out[0].item_id, "OLD");
    assert_eq!(
        p.left_out[0].reason,
        LeftOutReason::BelowCustomerMinimum {
            total: eur(10_000),
            minimum: eur(500_000)
        }
    );
}

/// Defect 4: a fee listed only as 10 GBP gave a EUR customer no fee and no warning.
/// With the caller's rate it is converted (10 GBP at 1.1700 = 11.70 EUR); without
/// one the action says why it has no fee.
#[test]
fn a_fee_listed_only_in_another_currency_is_converted_or_warned() {
    let mut reminder = Step::new("reminder", 5, Channel::Letter, "reminder");
    reminder.fee = vec![Money::from_minor(1_000, Currency::GBP)];
    let config = DunningConfig::new(vec![Scenario::new("s", vec![reminder])], "s").unwrap();
    let ledger = ledger(vec![Item::invoice(
        "F1",
        "C1",
        d(2024, 1, 1),
        d(2024, 2, 1),
        eur(100_000),
    )]);
    let mut ctx = PlanContext::new(&ledger, &config);
    let p = plan(&ctx, &History::default(), d(2024, 2, 6)).unwrap();
    let a = &p.actions[0];
    assert_eq!(a.fee, None);
    assert_eq!(a.warnings.len(), 1);
    assert_eq!(a.warnings[0].code, WarningCode::FeeNotInCurrency);
    assert_eq!(
        a.warnings[0].message,
        "no fee: the step lists its fee as 10.00 GBP only and no exchange rate to EUR was given"
    );

    let mut fx = FxRates::new();
    fx.insert(Currency::GBP, Currency::EUR, Decimal::new(11_700, 4))
        .unwrap();
    ctx.fx_rates = Some(&fx);
    let p = plan(&ctx, &History::default(), d(2024, 2, 6)).unwrap();
    let a = &p.actions[0];
    assert_eq!(a.fee, Some(eur(1_170)));
    assert_eq!(a.total_due, eur(101_170));
    assert_eq!(a.warnings.len(), 1);
    assert_eq!(a.warnings[0].code, WarningCode::FeeConverted);
}
