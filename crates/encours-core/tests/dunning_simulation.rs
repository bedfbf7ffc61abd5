//! The idempotence property of the dunning planner: running it every day of a year on
//! a generated ledger, feeding each day's actions into the history, never repeats an
//! action, never skips a step that was due, and never duns a paid item.

use std::collections::{HashMap, HashSet};

use chrono::{Days, NaiveDate};
use encours_core::calendar::{Calendar, Roll};
use encours_core::dunning::{
    ActionKind, Channel, DunningConfig, DunningPlan, History, PlanContext, Scenario, Step, plan,
};
use encours_core::ledger::{Block, Customer, Dispute, Item, Ledger, Payment};
use encours_core::money::{Currency, Money};
use encours_core::promises::PromiseToPay;
use proptest::prelude::*;

const START: (i32, u32, u32) = (2024, 1, 1);

fn day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(START.0, START.1, START.2)
        .unwrap()
        .checked_add_days(Days::new(u64::from(offset)))
        .unwrap()
}

#[derive(Debug, Clone)]
struct GenItem {
    customer: usize,
    issue: u32,
    terms: u32,
    cents: i64,
    /// (days after issue, share of the amount in percent) of each payment.
    payments: Vec<(u32, u8)>,
    dispute: Option<(u32, u8)>,
    block_days: Option<(u32, u32)>,
    credit_note: Option<u8>,
}

fn gen_item(customers: usize) -> impl Strategy<Value = GenItem> {
    (
        0..customers,
        0u32..330,
        prop_oneof![Just(0u32), Just(30), Just(45), Just(60)],
        100i64..5_000_000,
        prop::collection::vec((0u32..200, 10u8..=100), 0..3),
        prop::option::weighted(0.1, (0u32..120, 10u8..=100)),
        prop::option::weighted(0.1, (0u32..90, 1u32..60)),
        prop::option::weighted(0.1, 5u8..=100),
    )
        .prop_map(
            |(customer, issue, terms, cents, payments, dispute, block_days, credit_note)| GenItem {
                customer,
                issue,
                terms,
                cents,
                payments,
                dispute,
                block_days,
                credit_note,
            },
        )
}

fn build(
    customers: usize,
    items: &[GenItem],
    promise_on: Option<usize>,
) -> (Ledger, Vec<PromiseToPay>) {
    let eur = |c: i64| Money::from_minor(c, Currency::EUR);
    let mut ledger = Ledger::default();
    for c in 0..customers {
        let mut customer = Customer::new(format!("C{c}"), format!("Customer {c}"), Currency::EUR);
        if c % 3 == 1 {
            customer.segment = Some("KEY".into());
        }
        if c % 2 == 0 {
            // Half the customers roll triggers over French weekends and holidays.
            customer.calendar = Some("FR".into());
        }
        ledger.add_customer(customer).unwrap();
    }
    let mut promises = Vec::new();
    for (n, g) in items.iter().enumerate() {
        let id = format!("F{n}");
        let mut item = Item::invoice(
            &id,
            format!("C{}", g.customer),
            day(g.issue),
            day(g.issue + g.terms),
            eur(g.cents),
        );
        if let Some((after, pct)) = g.dispute {
            let amount = Money::from_minor(g.cents * i64::from(pct) / 100, Currency::EUR);
            if amount.is_positive() {
                let mut dispute = Dispute::new(amount, day(g.issue + after));
                dispute.resolved_on = (after % 2 == 0).then(|| day(g.issue + after + 40));
                item.dispute = Some(dispute);
            }
        }
        if let Some((from, len)) = g.block_days {
            item.dunning_block = Some(Block {
                reason: None,
                since: Some(day(g.issue + from)),
                until: Some(day(g.issue + from + len)),
            });
        }
        ledger.add_item(item).unwrap();
        let mut left = g.cents;
        if let Some(pct) = g.credit_note {
            let cn = (g.cents * i64::from(pct) / 100).min(left);
            if cn > 0 {
                let cn_id = format!("A{n}");
                ledger
                    .add_item(Item::credit_note(
                        &cn_id,
                        format!("C{}", g.customer),
                        day(g.issue + 3),
                        eur(cn),
                    ))
                    .unwrap();
                ledger
                    .apply_credit_note(&cn_id, &id, eur(cn), day(g.issue + 3))
                    .unwrap();
                left -= cn;
            }
        }
        for (k, (after, pct)) in g.payments.iter().enumerate() {
            let amount = (g.cents * i64::from(*pct) / 100).min(left);
            if amount <= 0 {
                continue;
            }
            let pid = format!("P{n}-{k}");
            ledger
                .add_payment(Payment::new(
                    &pid,
                    format!("C{}", g.customer),
                    day(g.issue + after),
                    eur(amount),
                ))
                .unwrap();
            ledger
                .apply_payment(&pid, &id, eur(amount), day(g.issue + after))
                .unwrap();
            left -= amount;
        }
        if promise_on == Some(n) {
            promises.push(PromiseToPay {
                id: format!("PR{n}"),
                customer_id: format!("C{}", g.customer),
                item_ids: vec![id.clone()],
                amount: eur(g.cents),
                promised_date: day(g.issue + g.terms + 20),
                made_on: day(g.issue + g.terms + 6),
            });
        }
    }
    (ledger, promises)
}

fn config() -> DunningConfig {
    let eur = |c: i64| Money::from_minor(c, Currency::EUR);
    let pre = Step::new("upcoming", -7, Channel::Email, "upcoming");
    let mut r1 = Step::new("r1", 3, Channel::Email, "reminder");
    r1.min_item_amount = vec![eur(500)];
    let mut r2 = Step::new("r2", 15, Channel::Letter, "reminder");
    r2.min_days_since_previous = 10;
    r2.min_customer_amount = vec![eur(5_000)];
    let mut r3 = Step::new("r3", 30, Channel::PhoneCall, "task");
    r3.min_days_since_previous = 7;
    let notice = Step::new("notice", 45, Channel::FormalNotice, "formal_notice");
    let mut standard = Scenario::new("standard", vec![pre, r1, r2, r3, notice]);
    standard.escalate_after_days = Some(20);
    let key = Scenario::new(
        "key",
        vec![
            Step::new("call", 10, Channel::PhoneCall, "task"),
            Step::new("letter", 40, Channel::Letter, "reminder"),
        ],
    );
    let mut config = DunningConfig::new(vec![standard, key], "standard").unwrap();
    config.rules.push(encours_core::dunning::AssignmentRule {
        id: "key-accounts".into(),
        scenario: "key".into(),
        segments: vec!["KEY".into()],
        tags: vec![],
        risk_classes: vec![],
        countries: vec![],
    });
    config.validate().unwrap();
    config
}

/// The test's own reading of when an item's next step is due (independent of the
/// planner's code): the first step after the last one recorded that is not a pre-due
/// step already past, triggered at due + offset and at least the spacing after the
/// previous step (the larger of the step's and the configuration's spacing, at least
/// one day), rolled to the next business day of the customer's calendar.
fn next_due(
    config: &DunningConfig,
    calendar: Option<&Calendar>,
    scenario: &str,
    due: NaiveDate,
    level: u32,
    last: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<(u32, NaiveDate)> {
    let steps = &config.scenario(scenario).unwrap().steps;
    let mut next = level as usize;
    while next < steps.len() && steps[next].offset_days < 0 && today > due {
        next += 1;
    }
    let step = steps.get(next)?;
    let by_offset = if step.offset_days >= 0 {
        due.checked_add_days(Days::new(step.offset_days as u64))
            .unwrap()
    } else {
        due.checked_sub_days(Days::new(step.offset_days.unsigned_abs() as u64))
            .unwrap()
    };
    let by_spacing = last.map(|l| {
        // The larger of the step's own spacing and the configuration's, never 0.
        let wait = step
            .min_days_since_previous
            .max(config.min_days_between_steps)
            .max(1);
        l.checked_add_days(Days::new(u64::from(wait))).unwrap()
    });
    let when = by_spacing.map_or(by_offset, |s| s.max(by_offset));
    let when = calendar.map_or(when, |c| c.roll(when, Roll::Following).unwrap());
    Some((next as u32 + 1, when))
}

fn simulate(ledger: &Ledger, promises: &[PromiseToPay]) -> Result<(), TestCaseError> {
    let config = config();
    let france = Calendar::france();
    let ctx = PlanContext {
        ledger,
        config: &config,
        promises,
        rate_tables: None,
        // Given by the caller, the calendar is built once for the whole year.
        calendars: std::slice::from_ref(&france),
        fx_rates: None,
        payment_plans: &[],
    };
    let mut history = History::default();
    let mut seen: HashSet<(String, ActionKind, u32)> = HashSet::new();
    // item → (level, last date)
    let mut progress: HashMap<String, (u32, NaiveDate)> = HashMap::new();
    for offset in 0..366 {
        let today = day(offset);
        let p: DunningPlan = plan(&ctx, &history, today).unwrap();
        // Determinism: planning twice gives the same plan.
        prop_assert_eq!(&p, &plan(&ctx, &history, today).unwrap());
        let mut acted: HashSet<String> = HashSet::new();
        for a in &p.actions {
            for i in &a.items {
                let key = (i.item_id.clone(), a.kind, i.level);
                prop_assert!(
                    seen.insert(key.clone()),
                    "action repeated on {}: {:?}",
                    today,
                    key
                );
                let open = ledger.open_amount(&i.item_id, today).unwrap();
                match a.kind {
                    ActionKind::Step | ActionKind::Escalation => {
                        prop_assert!(
                            open.is_positive(),
                            "paid item {} dunned on {}",
                            i.item_id,
                            today
                        );
                        prop_assert!(
                            i.claimed.is_positive(),
                            "nothing claimed on {} {}",
                            i.item_id,
                            today
                        );
                    }
                    ActionKind::ThankYou => prop_assert!(open.is_zero()),
                    other => prop_assert!(false, "unexpected action kind {:?}", other),
                }
                if a.kind == ActionKind::Step {
                    // Never skip a step: levels advance one at a time, except over
                    // pre-due steps that passed while the item was overdue.
                    let (before, _) = progress.get(&i.item_id).copied().unwrap_or((0, today));
                    let steps = &config.scenario(&a.scenario_id).unwrap().steps;
                    for skipped in before + 1..i.level {
                        prop_assert!(
                            steps[(skipped - 1) as usize].offset_days < 0,
                            "step {} skipped for {}",
                            skipped,
                            i.item_id
                        );
                    }
                    progress.insert(i.item_id.clone(), (i.level, today));
                    acted.insert(i.item_id.clone());
                }
            }
        }
        // Nothing due is dropped silently: every open item whose next step is due
        // today was either acted on or left out with a reason.
        let left: HashSet<&str> = p.left_out.iter().map(|l| l.item_id.as_str()).collect();
        for (ix, item) in ledger.items().iter().enumerate() {
            let Some(state) = ledger.item_state(ix, today) else {
                continue;
            };
            if !item.kind.is_debit() || !state.open.is_positive() {
                continue;
            }
            let customer = &ledger
                .customer_at(ledger.customer_of_item(ix).unwrap())
                .unwrap();
            let scenario = config.assign(customer).unwrap().scenario_id;
            let (level, last) = match progress.get(&item.id) {
                Some((l, d)) if !acted.contains(&item.id) => (*l, Some(*d)),
                Some(_) => continue,
                None => (0, None),
            };
            if let Some((_, when)) = next_due(
                &config,
                customer.calendar.as_ref().map(|_| &france),
                &scenario,
                item.due_date,
                level,
                last,
                today,
            ) && when <= today
            {
                prop_assert!(
                    left.contains(item.id.as_str()),
                    "item {} due for a step on {} but neither dunned nor left out",
                    item.id,
                    today
                );
            }
        }
        history.record(&p);
        // Planning again the same day after recording gives nothing new (issue 11).
        let again = plan(&ctx, &history, today).unwrap();
        prop_assert!(
            again.actions.is_empty(),
            "re-run on {} after recording: {:?}",
            today,
            again.actions
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn a_year_of_daily_runs_never_repeats_skips_or_duns_paid_items(
        customers in 1usize..6,
        items in prop::collection::vec(gen_item(6), 1..25),
        promise_on in prop::option::of(0usize..25),
    ) {
        let items: Vec<GenItem> = items.into_iter().map(|mut g| { g.customer %= customers; g }).collect();
        let (ledger, promises) = build(customers, &items, promise_on);
        simulate(&ledger, &promises)?;
    }
}
