//! Payment plans and the dunning planner: a running plan keeps its items out of
//! dunning, its missed instalments are dunned instead, a breached plan sends its
//! unpaid items back.

use chrono::NaiveDate;
use encours_core::dunning::{
    Channel, DunningConfig, History, LeftOutReason, PlanContext, Scenario, Step, plan,
};
use encours_core::ledger::{Customer, Item, Ledger};
use encours_core::money::{Currency, Money};
use encours_core::plans::{
    DownPayment, PlanPayment, PlanStatus, PlanTerms, PlanTracking, TrackingRules, propose, track,
};
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn money(s: &str) -> Money {
    Money::parse(s, Currency::EUR).unwrap()
}

fn ledger() -> Ledger {
    let inv = |id: &str, due: NaiveDate, amount: &str| {
        Item::invoice(id, "C1", due - chrono::Days::new(30), due, money(amount))
    };
    Ledger::new(
        vec![Customer::new("C1", "Dupont SA", Currency::EUR)],
        vec![
            inv("F-1", d(2024, 10, 15), "8000.00"),
            inv("F-2", d(2024, 11, 15), "6500.50"),
            inv("F-3", d(2024, 12, 15), "7270.57"),
        ],
        vec![],
        vec![],
    )
    .unwrap()
}

fn config() -> DunningConfig {
    DunningConfig::new(
        vec![Scenario::new(
            "standard",
            vec![
                Step::new("reminder_1", 5, Channel::Email, "reminder_1"),
                Step::new("reminder_2", 20, Channel::Letter, "reminder_2"),
            ],
        )],
        "standard",
    )
    .unwrap()
}

/// The worked example's plan (25 % down, six monthly instalments from 31 January
/// 2025), down payment and first instalment paid, the second (28 February, all of it
/// on F-2) unpaid.
fn tracked(as_of: NaiveDate) -> PlanTracking {
    let terms = PlanTerms {
        down_payment: Some(DownPayment {
            percent: Some(Decimal::from(25)),
            ..DownPayment::default()
        }),
        ..PlanTerms::monthly(6, d(2025, 1, 31))
    };
    let p = propose(&ledger(), "C1", "PL-1", d(2025, 1, 15), &terms, &[]).unwrap();
    let paid = [
        PlanPayment {
            id: None,
            date: d(2025, 1, 15),
            amount: money("5442.77"),
        },
        PlanPayment {
            id: None,
            date: d(2025, 1, 31),
            amount: money("2721.38"),
        },
    ];
    track(&p, &paid, &[], &TrackingRules::default(), as_of).unwrap()
}

fn dun(tracking: &PlanTracking) -> encours_core::dunning::DunningPlan {
    let l = ledger();
    let config = config();
    let plans = std::slice::from_ref(tracking);
    let mut ctx = PlanContext::new(&l, &config);
    ctx.payment_plans = plans;
    plan(&ctx, &History::default(), tracking.as_of).unwrap()
}

#[test]
fn a_plan_on_track_keeps_its_items_out_of_dunning() {
    // Without the plan, all three invoices are dunned on 20 February.
    let l = ledger();
    let config = config();
    let bare = plan(
        &PlanContext::new(&l, &config),
        &History::default(),
        d(2025, 2, 20),
    )
    .unwrap();
    assert_eq!(bare.actions[0].items.len(), 3);
    let t = tracked(d(2025, 2, 20));
    assert_eq!(t.status, PlanStatus::OnTrack);
    let p = dun(&t);
    assert!(p.actions.is_empty());
    let left: Vec<(&str, &LeftOutReason)> = p
        .left_out
        .iter()
        .map(|l| (l.item_id.as_str(), &l.reason))
        .collect();
    let held = LeftOutReason::UnderPaymentPlan {
        plan_id: "PL-1".into(),
        status: PlanStatus::OnTrack,
    };
    assert_eq!(left, [("F-1", &held), ("F-2", &held), ("F-3", &held)]);
}

#[test]
fn a_missed_instalment_is_dunned_instead_of_the_invoices() {
    // 10 March: the 28 February instalment (2,721.38 of F-2) is 10 days late; the
    // first step triggers 5 days after the instalment's due date.
    let t = tracked(d(2025, 3, 10));
    assert_eq!(t.status, PlanStatus::InArrears);
    let p = dun(&t);
    assert_eq!(p.actions.len(), 1);
    let a = &p.actions[0];
    assert_eq!(a.step_id.as_deref(), Some("reminder_1"));
    assert_eq!(a.items.len(), 1);
    assert_eq!(
        (a.items[0].item_id.as_str(), a.items[0].claimed),
        ("F-2", money("2721.38"))
    );
    assert_eq!(a.total_claimed, money("2721.38"));
    let held: Vec<&str> = p.left_out.iter().map(|l| l.item_id.as_str()).collect();
    assert_eq!(held, ["F-1", "F-3"]);
    // 3 March: the instalment is 3 days late, before the step's 5 days: nothing yet.
    assert!(dun(&tracked(d(2025, 3, 3))).actions.is_empty());
}

#[test]
fn a_breach_sends_the_unpaid_items_back_to_dunning() {
    // 31 March: the 28 February instalment is 31 days late: breached. The items go
    // back to dunning on their own due dates, for their whole open amounts.
    let t = tracked(d(2025, 3, 31));
    assert_eq!(t.status, PlanStatus::Breached);
    let p = dun(&t);
    assert!(p.left_out.is_empty());
    assert_eq!(p.actions.len(), 1);
    let claimed: Vec<(&str, Money)> = p.actions[0]
        .items
        .iter()
        .map(|i| (i.item_id.as_str(), i.claimed))
        .collect();
    assert_eq!(
        claimed,
        [
            ("F-1", money("8000.00")),
            ("F-2", money("6500.50")),
            ("F-3", money("7270.57"))
        ]
    );
}

#[test]
fn a_tracking_of_another_day_is_refused() {
    let t = tracked(d(2025, 3, 10));
    let l = ledger();
    let config = config();
    let plans = [t];
    let mut ctx = PlanContext::new(&l, &config);
    ctx.payment_plans = &plans;
    let e = plan(&ctx, &History::default(), d(2025, 3, 11)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid dunning configuration at payment plans: invalid payment_plans[0].as_of: 2025-03-10 (expected the tracking of plan \"PL-1\" as of the dunning date 2025-03-11)"
    );
}
