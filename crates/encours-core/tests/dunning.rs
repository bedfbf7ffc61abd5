//! Dunning plan: exclusions, progression, idempotence, escalation, thank-yous.

use chrono::NaiveDate;
use encours_core::dunning::{
    ActionKind, ActionWarning, AssignedBy, AssignmentRule, CatchUp, Channel, DunningConfig,
    DunningConfigData, DunningError, DunningPlan, Effect, Grouping, History, LeftOutReason,
    PlanContext, Scenario, Step, WarningCode, plan,
};
use encours_core::ledger::{Block, Customer, Dispute, Item, Ledger, Payment};
use encours_core::money::{Currency, Money};
use encours_core::promises::PromiseToPay;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn eur(cents: i64) -> Money {
    Money::from_minor(cents, Currency::EUR)
}

fn scenario() -> Scenario {
    let mut pre = Step::new("statement", -10, Channel::Email, "upcoming");
    pre.min_item_amount = vec![eur(100)];
    let r1 = Step::new("reminder_1", 5, Channel::Email, "reminder_1");
    let mut r2 = Step::new("reminder_2", 20, Channel::Letter, "reminder_2");
    r2.min_days_since_previous = 10;
    let mut notice = Step::new("formal_notice", 45, Channel::FormalNotice, "formal_notice");
    notice.fee = vec![eur(1500)];
    notice.effects = vec![Effect::BlockOrders];
    let mut s = Scenario::new("standard", vec![pre, r1, r2, notice]);
    s.escalate_after_days = Some(15);
    s
}

fn config() -> DunningConfig {
    DunningConfig::new(vec![scenario()], "standard").unwrap()
}

/// One customer, one invoice of 1,000.00 EUR due 2024-03-01.
fn ledger_with(item: Item) -> Ledger {
    Ledger::new(
        vec![Customer::new("C1", "Dupont SA", Currency::EUR)],
        vec![item],
        vec![],
        vec![],
    )
    .unwrap()
}

fn invoice() -> Item {
    Item::invoice("F1", "C1", d(2024, 2, 1), d(2024, 3, 1), eur(100_000))
}

fn run(
    ledger: &Ledger,
    config: &DunningConfig,
    history: &mut History,
    date: NaiveDate,
) -> DunningPlan {
    let p = plan(&PlanContext::new(ledger, config), history, date).unwrap();
    history.record(&p);
    p
}

fn steps(p: &DunningPlan) -> Vec<(String, ActionKind, Option<String>)> {
    p.actions
        .iter()
        .map(|a| (a.customer_id.clone(), a.kind, a.step_id.clone()))
        .collect()
}

#[test]
fn a_daily_run_walks_the_scenario_once_per_step() {
    let ledger = ledger_with(invoice());
    let config = config();
    let mut history = History::default();
    let mut seen = Vec::new();
    let mut day = d(2024, 2, 1);
    while day <= d(2024, 6, 30) {
        for a in run(&ledger, &config, &mut history, day).actions {
            seen.push((day, a.kind, a.step_id.clone()));
        }
        day = day.succ_opt().unwrap();
    }
    assert_eq!(
        seen,
        vec![
            (d(2024, 2, 20), ActionKind::Step, Some("statement".into())),
            (d(2024, 3, 6), ActionKind::Step, Some("reminder_1".into())),
            // offset 20 → 21 March; spacing 10 days after 6 March is 16 March: the later wins.
            (d(2024, 3, 21), ActionKind::Step, Some("reminder_2".into())),
            (
                d(2024, 4, 15),
                ActionKind::Step,
                Some("formal_notice".into())
            ),
            // 15 days after the last step.
            (d(2024, 4, 30), ActionKind::Escalation, None),
        ]
    );
}

#[test]
fn the_formal_notice_carries_fee_effects_and_totals() {
    let ledger = ledger_with(invoice());
    let config = config();
    let mut history = History::default();
    for day in [d(2024, 2, 20), d(2024, 3, 6), d(2024, 3, 21)] {
        run(&ledger, &config, &mut history, day);
    }
    let p = run(&ledger, &config, &mut history, d(2024, 4, 16));
    let a = &p.actions[0];
    assert_eq!(a.id, "2024-04-16/C1/step/formal_notice");
    assert_eq!(a.level, 4);
    assert_eq!(a.channel, Channel::FormalNotice);
    assert_eq!(a.fee, Some(eur(1500)));
    assert_eq!(a.total_claimed, eur(100_000));
    assert_eq!(a.total_due, eur(101_500));
    assert_eq!(a.effects, vec![Effect::BlockOrders]);
    assert_eq!(a.items[0].days_overdue, 46);
    assert_eq!(a.assigned_by, AssignedBy::Default);
    assert!(a.next_step.is_none());
}

#[test]
fn next_step_and_date_are_announced() {
    let ledger = ledger_with(invoice());
    let config = config();
    let mut history = History::default();
    run(&ledger, &config, &mut history, d(2024, 2, 20));
    let p = run(&ledger, &config, &mut history, d(2024, 3, 6));
    let next = p.actions[0].next_step.as_ref().unwrap();
    assert_eq!(
        (next.step_id.as_str(), next.date),
        ("reminder_2", d(2024, 3, 21))
    );
}

#[test]
fn a_paid_item_is_never_dunned_and_is_thanked_once() {
    let mut ledger = ledger_with(invoice());
    ledger
        .add_payment(Payment::new("P1", "C1", d(2024, 3, 10), eur(100_000)))
        .unwrap();
    ledger
        .apply_payment("P1", "F1", eur(100_000), d(2024, 3, 10))
        .unwrap();
    let config = config();
    let mut history = History::default();
    run(&ledger, &config, &mut history, d(2024, 3, 6));
    let p = run(&ledger, &config, &mut history, d(2024, 3, 25));
    assert_eq!(steps(&p), vec![("C1".into(), ActionKind::ThankYou, None)]);
    assert_eq!(p.actions[0].items[0].item_id, "F1");
    // The letter can say when the payment came in.
    assert_eq!(p.actions[0].items[0].last_settlement, Some(d(2024, 3, 10)));
    assert!(
        run(&ledger, &config, &mut history, d(2024, 3, 26))
            .actions
            .is_empty()
    );
    assert!(
        run(&ledger, &config, &mut history, d(2024, 5, 1))
            .actions
            .is_empty()
    );
}

#[test]
fn no_thank_you_for_items_never_dunned_or_paid_long_ago() {
    let mut ledger = ledger_with(invoice());
    ledger
        .add_payment(Payment::new("P1", "C1", d(2024, 3, 2), eur(100_000)))
        .unwrap();
    ledger
        .apply_payment("P1", "F1", eur(100_000), d(2024, 3, 2))
        .unwrap();
    let config = config();
    let mut history = History::default();
    // Never dunned (the pre-due step was not run): no thank-you.
    assert!(
        run(&ledger, &config, &mut history, d(2024, 3, 20))
            .actions
            .is_empty()
    );
}

#[test]
fn a_fully_disputed_item_is_left_out_and_a_partial_dispute_is_claimed_net() {
    let mut item = invoice();
    item.dispute = Some(Dispute::new(eur(100_000), d(2024, 3, 2)));
    let ledger = ledger_with(item);
    let p = plan(
        &PlanContext::new(&ledger, &config()),
        &History::default(),
        d(2024, 3, 6),
    )
    .unwrap();
    assert!(p.actions.is_empty());
    assert_eq!(
        p.left_out[0].reason,
        LeftOutReason::Disputed {
            disputed: eur(100_000)
        }
    );

    let mut item = invoice();
    item.dispute = Some(Dispute::new(eur(30_000), d(2024, 3, 2)));
    let ledger = ledger_with(item);
    let p = plan(
        &PlanContext::new(&ledger, &config()),
        &History::default(),
        d(2024, 3, 6),
    )
    .unwrap();
    assert_eq!(p.actions[0].items[0].claimed, eur(70_000));
    assert_eq!(p.actions[0].items[0].open, eur(100_000));
}

#[test]
fn blocks_hold_dunning_until_their_end() {
    let mut item = invoice();
    item.dunning_block = Some(Block {
        reason: Some("awaiting PO".into()),
        since: None,
        until: Some(d(2024, 3, 10)),
    });
    let ledger = ledger_with(item);
    let config = config();
    let p = plan(
        &PlanContext::new(&ledger, &config),
        &History::default(),
        d(2024, 3, 10),
    )
    .unwrap();
    assert_eq!(
        p.left_out[0].reason,
        LeftOutReason::ItemBlocked {
            block_reason: Some("awaiting PO".into())
        }
    );
    let p = plan(
        &PlanContext::new(&ledger, &config),
        &History::default(),
        d(2024, 3, 11),
    )
    .unwrap();
    assert_eq!(p.actions.len(), 1);

    let mut c = Customer::new("C1", "Dupont SA", Currency::EUR);
    c.dunning_block = Some(Block {
        reason: None,
        since: Some(d(2024, 3, 1)),
        until: None,
    });
    let ledger = Ledger::new(vec![c], vec![invoice()], vec![], vec![]).unwrap();
    let p = plan(
        &PlanContext::new(&ledger, &config),
        &History::default(),
        d(2024, 3, 6),
    )
    .unwrap();
    assert!(p.actions.is_empty());
    assert_eq!(
        p.left_out[0].reason,
        LeftOutReason::CustomerBlocked { block_reason: None }
    );
}

#[test]
fn a_promise_holds_until_its_date_plus_grace() {
    let ledger = ledger_with(invoice());
    let config = config(); // grace 3 days
    let promise = PromiseToPay {
        id: "PR1".into(),
        customer_id: "C1".into(),
        item_ids: vec![],
        amount: eur(100_000),
        promised_date: d(2024, 3, 15),
        made_on: d(2024, 3, 4),
    };
    let promises = [promise];
    let ctx = PlanContext {
        rate_tables: None,
        calendars: &[],
        fx_rates: None,
        ledger: &ledger,
        config: &config,
        promises: &promises,

        payment_plans: &[],
    };
    let p = plan(&ctx, &History::default(), d(2024, 3, 18)).unwrap();
    assert_eq!(
        p.left_out[0].reason,
        LeftOutReason::UnderPromise {
            promise_id: "PR1".into(),
            until: d(2024, 3, 18)
        }
    );
    let p = plan(&ctx, &History::default(), d(2024, 3, 19)).unwrap();
    assert_eq!(p.actions.len(), 1);
}

#[test]
fn promises_are_checked_by_the_plan() {
    let ledger = ledger_with(invoice());
    let config = config();
    let check = |promise: PromiseToPay| {
        let promises = [promise];
        let mut ctx = PlanContext::new(&ledger, &config);
        ctx.promises = &promises;
        plan(&ctx, &History::default(), d(2024, 3, 18)).map(|_| ())
    };
    // Loaded from JSON (no constructor ran): the plan validates it anyway.
    let negative: PromiseToPay = serde_json::from_str(
        r#"{"id":"PR1","customer_id":"C1","amount":{"amount":"-5.00","currency":"EUR"},
            "promised_date":"2024-03-20","made_on":"2024-03-04"}"#,
    )
    .unwrap();
    assert_eq!(
        check(negative).unwrap_err().to_string(),
        "invalid promise to pay \"PR1\": amount -5.00 EUR is negative; expected zero or more"
    );
    let usd = PromiseToPay::new(
        "PR2",
        "C1",
        Money::from_minor(500, Currency::USD),
        d(2024, 3, 20),
        d(2024, 3, 4),
    )
    .unwrap();
    assert_eq!(
        check(usd).unwrap_err(),
        DunningError::InvalidPromise {
            id: "PR2".into(),
            message: "amount 5.00 USD is not in the currency of customer \"C1\" (EUR)".into()
        }
    );
    // A promise of a customer the ledger does not hold holds nothing back.
    let stale = PromiseToPay::new("PR3", "C9", eur(500), d(2024, 3, 20), d(2024, 3, 4)).unwrap();
    assert!(check(stale).is_ok());
}

#[test]
fn minimums_per_item_and_per_customer() {
    // The pre-due step has a 1.00 EUR item minimum.
    let small = Item::invoice("F1", "C1", d(2024, 2, 1), d(2024, 3, 1), eur(99));
    let ledger = ledger_with(small);
    let p = plan(
        &PlanContext::new(&ledger, &config()),
        &History::default(),
        d(2024, 2, 20),
    )
    .unwrap();
    assert_eq!(
        p.left_out[0].reason,
        LeftOutReason::BelowItemMinimum {
            claimed: eur(99),
            minimum: eur(100)
        }
    );

    let mut s = scenario();
    s.steps[1].min_customer_amount = vec![eur(200_000)];
    let config = DunningConfig::new(vec![s], "standard").unwrap();
    let ledger = ledger_with(invoice());
    let p = plan(
        &PlanContext::new(&ledger, &config),
        &History::default(),
        d(2024, 3, 6),
    )
    .unwrap();
    assert_eq!(
        p.left_out[0].reason,
        LeftOutReason::BelowCustomerMinimum {
            total: eur(100_000),
            minimum: eur(200_000)
        }
    );
}

#[test]
fn unapplied_credits_covering_the_overdue_stop_reminders() {
    let ledger = Ledger::new(
        vec![Customer::new("C1", "Dupont SA", Currency::EUR)],
        vec![
            invoice(),
            Item::credit_note("A1", "C1", d(2024, 2, 15), eur(40_000)),
        ],
        vec![Payment::new("P1", "C1", d(2024, 3, 3), eur(60_000))],
        vec![],
    )
    .unwrap();
    let p = plan(
        &PlanContext::new(&ledger, &config()),
        &History::default(),
        d(2024, 3, 6),
    )
    .unwrap();
    assert!(p.actions.is_empty());
    assert_eq!(
        p.left_out[0].reason,
        LeftOutReason::CreditsCoverOverdue {
            credits: eur(100_000),
            overdue: eur(100_000)
        }
    );
}

#[test]
fn customer_spacing_between_actions() {
    let ledger = Ledger::new(
        vec![Customer::new("C1", "Dupont SA", Currency::EUR)],
        vec![
            invoice(),
            Item::invoice("F2", "C1", d(2024, 2, 5), d(2024, 3, 5), eur(5_000)),
        ],
        vec![],
        vec![],
    )
    .unwrap();
    let mut config = config();
    config.min_days_between_actions = 7;
    let mut history = History::default();
    let p = run(&ledger, &config, &mut history, d(2024, 3, 6));
    assert_eq!(
        p.actions[0].items.len(),
        1,
        "F2 is not overdue enough yet: {p:#?}"
    );
    let p = run(&ledger, &config, &mut history, d(2024, 3, 10));
    assert!(p.actions.is_empty());
    assert_eq!(
        p.left_out[0].reason,
        LeftOutReason::RecentlyReminded {
            last_action: d(2024, 3, 6),
            next_possible: d(2024, 3, 13)
        }
    );
    assert_eq!(
        run(&ledger, &config, &mut history, d(2024, 3, 13))
            .actions
            .len(),
        1
    );
}

#[test]
fn grouping_and_catch_up_policies() {
    let ledger = Ledger::new(
        vec![Customer::new("C1", "Dupont SA", Currency::EUR)],
        vec![
            Item::invoice("OLD", "C1", d(2024, 1, 1), d(2024, 1, 31), eur(10_000)),
            Item::invoice("NEW", "C1", d(2024, 2, 1), d(2024, 3, 1), eur(20_000)),
        ],
        vec![],
        vec![],
    )
    .unwrap();
    let today = d(2024, 3, 25);
    // Sequential, per step: both items get their first overdue reminder.
    let p = plan(
        &PlanContext::new(&ledger, &config()),
        &History::default(),
        today,
    )
    .unwrap();
    assert_eq!(
        steps(&p),
        vec![("C1".into(), ActionKind::Step, Some("reminder_1".into()))]
    );
    assert_eq!(p.actions[0].items.len(), 2);

    // Highest reached: OLD (54 days) jumps to the formal notice, NEW (24 days) to reminder 2.
    let mut config = config();
    config.catch_up = CatchUp::HighestReached;
    let p = plan(
        &PlanContext::new(&ledger, &config),
        &History::default(),
        today,
    )
    .unwrap();
    assert_eq!(
        steps(&p),
        vec![
            ("C1".into(), ActionKind::Step, Some("reminder_2".into())),
            ("C1".into(), ActionKind::Step, Some("formal_notice".into()))
        ]
    );
    assert_eq!(
        p.actions[1].items[0].skipped_steps,
        vec!["reminder_1".to_string(), "reminder_2".to_string()]
    );

    // One letter at the highest level, each item keeping its own step.
    config.grouping = Grouping::HighestLevel;
    let p = plan(
        &PlanContext::new(&ledger, &config),
        &History::default(),
        today,
    )
    .unwrap();
    assert_eq!(p.actions.len(), 1);
    assert_eq!(p.actions[0].step_id.as_deref(), Some("formal_notice"));
    let own: Vec<_> = p.actions[0]
        .items
        .iter()
        .map(|i| (i.item_id.as_str(), i.level))
        .collect();
    assert_eq!(own, vec![("OLD", 4), ("NEW", 3)]);
}

#[test]
fn assignment_rules_first_match_wins() {
    let soft = Scenario::new("soft", vec![Step::new("r1", 5, Channel::Email, "t")]);
    let firm = Scenario::new("firm", vec![Step::new("r1", 1, Channel::PhoneCall, "t")]);
    let mut config = DunningConfig::new(vec![soft, firm], "soft").unwrap();
    config.rules = vec![
        AssignmentRule {
            id: "key-accounts".into(),
            scenario: "soft".into(),
            segments: vec!["KEY".into()],
            tags: vec![],
            risk_classes: vec![],
            countries: vec![],
        },
        AssignmentRule {
            id: "risky".into(),
            scenario: "firm".into(),
            segments: vec![],
            tags: vec!["watch".into()],
            risk_classes: vec!["D".into()],
            countries: vec![],
        },
    ];
    config.validate().unwrap();
    let mut c = Customer::new("C1", "A", Currency::EUR);
    c.risk_class = Some("D".into());
    c.tags = vec!["watch".into()];
    assert_eq!(
        config.assign(&c).unwrap().by,
        AssignedBy::Rule("risky".into())
    );
    c.segment = Some("KEY".into());
    assert_eq!(
        config.assign(&c).unwrap().by,
        AssignedBy::Rule("key-accounts".into())
    );
    c.tags.clear();
    c.segment = None;
    assert_eq!(config.assign(&c).unwrap().by, AssignedBy::Default);
    c.dunning_scenario = Some("firm".into());
    assert_eq!(config.assign(&c).unwrap().by, AssignedBy::CustomerOverride);
    c.dunning_scenario = Some("nope".into());
    assert_eq!(
        config.assign(&c).unwrap_err().to_string(),
        "unknown dunning scenario \"nope\" for customer \"C1\""
    );
}

#[test]
fn configuration_is_data_and_is_validated() {
    let json = serde_json::to_string(&config()).unwrap();
    let back: DunningConfig = serde_json::from_str(&json).unwrap();
    assert_eq!(back, config());

    let bad_channel = r#"{"scenarios":[{"id":"s","steps":[{"id":"r1","offset_days":5,"channel":"fax","template":"t"}]}],
        "default_scenario":"s"}"#;
    let err = serde_json::from_str::<DunningConfig>(bad_channel)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("invalid dunning configuration at scenario \"s\" step \"r1\": unknown channel \"fax\"; expected one of email, letter"),
        "{err}"
    );
    // Through the data form, the same rule comes back as the DunningError it is (what
    // the C and Python layers report as a dunning error, not as malformed JSON).
    let data: DunningConfigData = serde_json::from_str(bad_channel).unwrap();
    assert_eq!(data.scenarios[0].steps[0].channel, "fax");
    match DunningConfig::try_from(data) {
        Err(DunningError::InvalidConfig { location, message }) => {
            assert_eq!(location, "scenario \"s\" step \"r1\"");
            assert!(message.starts_with("unknown channel \"fax\""), "{message}");
        }
        other => panic!("expected InvalidConfig, got {other:?}"),
    }
    let bad_escalation = r#"{"scenarios":[{"id":"s","steps":[{"id":"r1","offset_days":5,"channel":"email","template":"t"}],
        "escalate_after_days":10,"escalation_channel":"bailiff"}],"default_scenario":"s"}"#;
    let data: DunningConfigData = serde_json::from_str(bad_escalation).unwrap();
    assert_eq!(
        DunningConfig::try_from(data).unwrap_err().to_string(),
        "invalid dunning configuration at scenario \"s\": unknown escalation_channel \"bailiff\"; expected one of \
         email, letter, sms, phone_call, collector_task, formal_notice, litigation, collection_agency, internal_escalation"
    );
    // The data form round-trips a valid configuration unchanged.
    let data = DunningConfigData::from(config());
    assert_eq!(DunningConfig::try_from(data).unwrap(), config());
    let negative = r#"{"scenarios":[{"id":"s","steps":[{"id":"r1","offset_days":5,"channel":"email","template":"t",
        "fee":[{"amount":"-1","currency":"EUR"}]}]}],"default_scenario":"s"}"#;
    let err = serde_json::from_str::<DunningConfig>(negative)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "invalid dunning configuration at scenario \"s\" step \"r1\": negative fee -1 EUR"
        ),
        "{err}"
    );
    let unknown_default = r#"{"scenarios":[{"id":"s","steps":[{"id":"r1","offset_days":5,"channel":"email","template":"t"}]}],
        "default_scenario":"x"}"#;
    let err = serde_json::from_str::<DunningConfig>(unknown_default)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "invalid dunning configuration at default_scenario: unknown scenario \"x\""
        ),
        "{err}"
    );
}

#[test]
fn history_round_trips_as_json() {
    let ledger = ledger_with(invoice());
    let mut history = History::default();
    run(&ledger, &config(), &mut history, d(2024, 3, 6));
    let json = serde_json::to_string(&history).unwrap();
    assert_eq!(serde_json::from_str::<History>(&json).unwrap(), history);
    assert!(
        json.contains(r#""action_id":"2024-03-06/C1/step/reminder_1""#),
        "{json}"
    );
}

#[test]
fn statutory_interest_and_the_flat_indemnity_are_claimed_once() {
    let mut c = Customer::new("C1", "Dupont SA", Currency::EUR);
    c.country = Some("FR".into());
    let ledger = Ledger::new(vec![c], vec![invoice()], vec![], vec![]).unwrap();
    let mut r1 = Step::new("reminder_1", 5, Channel::Email, "reminder_1");
    r1.recovery_indemnity = true;
    let mut notice = Step::new("formal_notice", 45, Channel::FormalNotice, "formal_notice");
    notice.recovery_indemnity = true;
    notice.charge_interest = true;
    let config = DunningConfig::new(vec![Scenario::new("fr", vec![r1, notice])], "fr").unwrap();
    let mut history = History::default();
    let first = run(&ledger, &config, &mut history, d(2024, 3, 6));
    // Code de commerce D441-5: 40 EUR per invoice paid late.
    assert_eq!(
        first.actions[0].items[0].recovery_indemnity,
        Some(eur(4_000))
    );
    assert_eq!(first.actions[0].total_due, eur(104_000));
    let notice = run(&ledger, &config, &mut history, d(2024, 4, 16));
    let a = &notice.actions[0];
    assert_eq!(
        a.items[0].recovery_indemnity, None,
        "the indemnity is due once per invoice"
    );
    // L441-10: ECB rate in force on 1 January 2024 (4.50 %) + 10 points = 14.50 %;
    // 2 March to 16 April inclusive = 46 days; 1,000.00 × 14.50 % × 46 / 365 = 18.2740 → 18.27.
    assert_eq!(a.items[0].interest, Some(eur(1_827)));
    assert_eq!(a.total_interest, eur(1_827));
    assert_eq!(a.total_due, eur(101_827));
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
}

#[test]
fn interest_without_a_jurisdiction_is_a_warning_not_a_silent_zero() {
    let ledger = ledger_with(invoice()); // no country
    let mut step = Step::new("r1", 5, Channel::Letter, "r");
    step.charge_interest = true;
    let config = DunningConfig::new(vec![Scenario::new("s", vec![step])], "s").unwrap();
    let p = plan(
        &PlanContext::new(&ledger, &config),
        &History::default(),
        d(2024, 3, 6),
    )
    .unwrap();
    assert_eq!(p.actions[0].items[0].interest, None);
    assert_eq!(
        p.actions[0].warnings,
        vec![ActionWarning {
            code: WarningCode::NoInterest,
            item_id: Some("F1".into()),
            message: "no interest for item \"F1\": no interest rule and no jurisdiction for customer country None".into()
        }]
    );
}

#[test]
fn triggers_on_non_business_days_roll_to_the_next_business_day() {
    // Due Friday 26 April 2024; reminder at +5 = Wednesday 1 May, Fête du Travail in France
    // (Code du travail L3133-1), so the French customer gets it on Thursday 2 May.
    let item = Item::invoice("F1", "C1", d(2024, 3, 27), d(2024, 4, 26), eur(100_000));
    let mut customer = Customer::new("C1", "Dupont SA", Currency::EUR);
    customer.calendar = Some("FR".into());
    let ledger = Ledger::new(vec![customer], vec![item.clone()], vec![], vec![]).unwrap();
    let config = DunningConfig::new(
        vec![Scenario::new(
            "s",
            vec![Step::new("r1", 5, Channel::Email, "t")],
        )],
        "s",
    )
    .unwrap();
    let ctx = PlanContext::new(&ledger, &config);
    assert!(
        plan(&ctx, &History::default(), d(2024, 5, 1))
            .unwrap()
            .actions
            .is_empty()
    );
    assert_eq!(
        plan(&ctx, &History::default(), d(2024, 5, 2))
            .unwrap()
            .actions
            .len(),
        1
    );

    // Without a calendar the trigger is the calendar day itself.
    let plain = ledger_with(item.clone());
    assert_eq!(
        plan(
            &PlanContext::new(&plain, &config),
            &History::default(),
            d(2024, 5, 1)
        )
        .unwrap()
        .actions
        .len(),
        1
    );

    // A default calendar applies to customers without their own; +8 = Saturday 4 May → Monday 6 May.
    let mut config = DunningConfig::new(
        vec![Scenario::new(
            "s",
            vec![Step::new("r1", 8, Channel::Email, "t")],
        )],
        "s",
    )
    .unwrap();
    config.default_calendar = Some("DE".into());
    let ctx = PlanContext::new(&plain, &config);
    assert!(
        plan(&ctx, &History::default(), d(2024, 5, 5))
            .unwrap()
            .actions
            .is_empty()
    );
    assert_eq!(
        plan(&ctx, &History::default(), d(2024, 5, 6))
            .unwrap()
            .actions
            .len(),
        1
    );

    // An unknown calendar is an error naming the customer and the code.
    config.default_calendar = Some("XX".into());
    let err = plan(
        &PlanContext::new(&plain, &config),
        &History::default(),
        d(2024, 5, 6),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err == "calendar of customer \"C1\": unknown calendar code \"XX\": expected one of FR, DE, GB-EAW, UK, GB, US",
        "{err}"
    );
}

/// The JSON blocks of `docs/dunning-format.md`, each with its marker: `type` (the
/// canonical form) or `input` (valid, defaults left out), and the type named.
fn format_doc_blocks() -> Vec<(bool, String, String)> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/dunning-format.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let mut blocks = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let Some((canonical, ty)) = line
            .strip_prefix("<!-- type: ")
            .map(|t| (true, t))
            .or_else(|| line.strip_prefix("<!-- input: ").map(|t| (false, t)))
            .and_then(|(c, t)| t.strip_suffix(" -->").map(|t| (c, t.to_owned())))
        else {
            continue;
        };
        assert_eq!(
            lines.next(),
            Some("```json"),
            "block for {ty} must follow its comment"
        );
        let mut body = String::new();
        for l in lines.by_ref() {
            if l == "```" {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        blocks.push((canonical, ty, body));
    }
    blocks
}

/// Parse `text` as `T`; when `canonical`, writing it back gives the same JSON.
fn doc_example<T: serde::de::DeserializeOwned + serde::Serialize>(
    canonical: bool,
    ty: &str,
    text: &str,
) -> T {
    let value: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("{ty}: {e}\n{text}"));
    if canonical {
        let written = serde_json::to_value(&value).unwrap();
        let given: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(written, given, "{ty} example is not in canonical form");
    }
    value
}

#[test]
fn every_example_in_the_dunning_format_doc_parses() {
    use encours_core::calendar::{Calendar, CalendarSpec};
    use encours_core::dunning::AssignmentRule;
    use encours_core::interest::{InterestRule, RateTables};
    let mut seen = std::collections::BTreeSet::new();
    let mut config = None;
    let mut plan_doc = None;
    for (canonical, ty, body) in format_doc_blocks() {
        match ty.as_str() {
            "DunningConfig" => {
                let c: DunningConfig = doc_example(canonical, &ty, &body);
                // The data form reads it too, and validates to the same thing.
                let data: DunningConfigData = doc_example(canonical, &ty, &body);
                assert_eq!(DunningConfig::try_from(data).unwrap(), c);
                config = Some(c);
            }
            "AssignmentRule" => drop(doc_example::<AssignmentRule>(canonical, &ty, &body)),
            "InterestRule" => drop(doc_example::<InterestRule>(canonical, &ty, &body)),
            "PromiseToPay" => doc_example::<PromiseToPay>(canonical, &ty, &body)
                .validate()
                .unwrap(),
            "RateTables" => drop(doc_example::<RateTables>(canonical, &ty, &body)),
            "CalendarSpec" => {
                Calendar::from_spec(doc_example::<CalendarSpec>(canonical, &ty, &body)).unwrap();
            }
            "History" => drop(doc_example::<History>(canonical, &ty, &body)),
            "DunningPlan" => plan_doc = Some(doc_example::<DunningPlan>(canonical, &ty, &body)),
            "Letter" => {
                #[cfg(feature = "letters")]
                drop(doc_example::<encours_core::letters::Letter>(
                    canonical, &ty, &body,
                ));
            }
            other => panic!("unknown type {other} in docs/dunning-format.md"),
        }
        seen.insert(ty);
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        [
            "AssignmentRule",
            "CalendarSpec",
            "DunningConfig",
            "DunningPlan",
            "History",
            "InterestRule",
            "Letter",
            "PromiseToPay",
            "RateTables",
        ]
    );
    // The example plan is what the engine plans for the example's configuration.
    let config = config.unwrap();
    let plan_doc = plan_doc.unwrap();
    let ledger = Ledger::new(
        vec![
            {
                let mut c = Customer::new("C1", "Dupont SA", Currency::EUR);
                c.country = Some("FR".into());
                c
            },
            Customer::new("C2", "Martin SARL", Currency::EUR),
        ],
        vec![
            Item::invoice("F-1", "C1", d(2024, 1, 2), d(2024, 2, 1), eur(120_000)),
            {
                let mut i = Item::invoice("F-2", "C2", d(2024, 1, 2), d(2024, 2, 1), eur(30_000));
                let mut dispute = Dispute::new(eur(30_000), d(2024, 2, 10));
                dispute.reason = Some("goods returned".into());
                i.dispute = Some(dispute);
                i
            },
        ],
        vec![],
        vec![],
    )
    .unwrap();
    let ctx = PlanContext::new(&ledger, &config);
    let mut history = History::default();
    history.record(&plan(&ctx, &history, d(2024, 2, 6)).unwrap());
    assert_eq!(plan(&ctx, &history, d(2024, 3, 4)).unwrap(), plan_doc);
}

/// Issue 11, defect 1: a misspelt key in any configuration document is refused with
/// its path and the closest known key, never read as "no condition" or a default.
#[test]
fn unknown_keys_are_refused_in_every_configuration_document() {
    use encours_core::config::{self, ConfigError};
    use encours_core::dunning::{DunningConfigData, History};
    use encours_core::interest::{InterestRule, RateTables};
    use encours_core::promises::PromiseToPay;

    let step = r#"{"id": "r", "offset_days": 1, "channel": "email", "template": "t"}"#;
    let cases: Vec<(Result<(), ConfigError>, &str)> = vec![
        (
            config::from_json::<DunningConfigData>(
                &format!(r#"{{"scenarios": [{{"id": "s", "steps": [{step}]}}], "default_scenario": "s",
                    "rules": [{{"id": "smb", "scenario": "s", "segment": ["SMB"]}}]}}"#),
                "dunning configuration",
            )
            .map(drop),
            "dunning configuration: unknown key \"segment\" at \"rules[0]\"; did you mean \"segments\"?",
        ),
        (
            config::from_json::<DunningConfigData>(
                r#"{"scenarios": [{"id": "s", "steps": [{"id": "r", "offset_days": 1, "channel": "email",
                    "template": "t", "min_customer_amout": []}]}], "default_scenario": "s"}"#,
                "dunning configuration",
            )
            .map(drop),
            "dunning configuration: unknown key \"min_customer_amout\" at \"scenarios[0].steps[0]\"; did you mean \"min_customer_amount\"?",
        ),
        (
            config::from_json::<DunningConfigData>(
                &format!(r#"{{"scenarios": [{{"id": "s", "steps": [{step}]}}], "default_scenario": "s",
                    "promise_grace_day": 10}}"#),
                "dunning configuration",
            )
            .map(drop),
            "dunning configuration: unknown key \"promise_grace_day\" at the top level; did you mean \"promise_grace_days\"?",
        ),
        (
            config::from_json::<DunningConfigData>(
                &format!(r#"{{"scenarios": [{{"id": "s", "steps": [{step}]}}], "default_scenario": "s",
                    "grouping": "highest_levle"}}"#),
                "dunning configuration",
            )
            .map(drop),
            "dunning configuration: unknown value \"highest_levle\" at \"grouping\"; did you mean \"highest_level\"?",
        ),
        (
            config::from_json::<Vec<PromiseToPay>>(
                r#"[{"id": "P", "customer_id": "C1", "amount": {"amount": "1", "currency": "EUR"},
                    "promised_date": "2024-03-20", "made_on": "2024-03-04", "item_id": ["F-1"]}]"#,
                "promises to pay",
            )
            .map(drop),
            "promises to pay: unknown key \"item_id\" at \"[0]\"; did you mean \"item_ids\"?",
        ),
        (
            config::from_json::<RateTables>(
                r#"[{"name": "T", "points": [{"valid_from": "2024-01-01", "rate": "1", "rat": "2"}]}]"#,
                "rate tables",
            )
            .map(drop),
            "rate tables: unknown key \"rat\" at \"[0].points[0]\"; did you mean \"rate\"?",
        ),
        (
            config::from_json::<InterestRule>(
                r#"{"rate": {"kind": "fixed", "rate": "9", "flor": "3"}}"#,
                "interest rule",
            )
            .map(drop),
            "interest rule: unknown key \"flor\" at \"rate\"; did you mean \"floor\"?",
        ),
        (
            config::from_json::<encours_core::calendar::CalendarSpec>(
                r#"{"name": "ACME", "weekend": ["saturday", "sunday"], "extra_holiday": []}"#,
                "calendar",
            )
            .map(drop),
            "calendar: unknown key \"extra_holiday\" at the top level; did you mean \"extra_holidays\"?",
        ),
        (
            config::from_json::<History>(
                r#"{"entries": [{"action_id": "a", "date": "2024-01-01", "customer_id": "C1",
                    "kind": "step", "scenario_id": "s", "items": [{"item_id": "F-1", "levle": 1}]}]}"#,
                "dunning history",
            )
            .map(drop),
            "dunning history: unknown key \"levle\" at \"entries[0].items[0]\"; did you mean \"level\"?",
        ),
    ];
    for (result, message) in cases {
        let err = result.expect_err(message);
        assert_eq!(err.to_string(), message);
    }
}

/// Issue 11: a fee in percent of the amount claimed, with a floor and a cap, beside
/// the fixed fee; both are in the total due.
#[test]
fn a_percent_fee_with_floor_and_cap_is_added_to_the_total_due() {
    let ledger = ledger_with(invoice()); // 1,000.00 EUR due 2024-03-01
    let mut step = Step::new("r1", 5, Channel::Letter, "r");
    step.fee = vec![eur(500)];
    step.percent_fee = Some(encours_core::dunning::PercentFee {
        percent: rust_decimal::Decimal::new(25, 1), // 2.5 %
        floor: vec![eur(1_000)],
        cap: vec![eur(2_000)],
    });
    let config = DunningConfig::new(vec![Scenario::new("s", vec![step.clone()])], "s").unwrap();
    let p = plan(
        &PlanContext::new(&ledger, &config),
        &History::default(),
        d(2024, 3, 6),
    )
    .unwrap();
    let a = &p.actions[0];
    // 2.5 % of 1,000.00 = 25.00, capped at 20.00; total 1,000.00 + 5.00 + 20.00.
    assert_eq!((a.fee, a.percent_fee), (Some(eur(500)), Some(eur(2_000))));
    assert_eq!(a.total_due, eur(102_500));
    // A floor above the cap is refused, naming the step.
    step.percent_fee.as_mut().unwrap().floor = vec![eur(3_000)];
    let err = DunningConfig::new(vec![Scenario::new("s", vec![step])], "s").unwrap_err();
    assert!(
        err.to_string()
            .contains("percent_fee.floor 30.00 EUR is above percent_fee.cap 20.00 EUR"),
        "{err}"
    );
}
