//! Payment plans: proposing, tracking, and what running plans cost the dunning planner.
//!
//! ```sh
//! cargo bench --bench plans
//! ```
//!
//! Proposal and tracking run on the demo's customer of the built-in sample (C000265:
//! 14 overdue items, 25 % down, six monthly bills of exchange at 4 % as an annuity).
//! The dunning figures are on the yardstick's ledger (1M invoices / 100k customers,
//! payments left out so every invoice is open), planned without plans and with a
//! plan for each of the first 10,000 customers with something overdue.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use encours::calendar::Calendar;
use encours::dunning::{DunningConfig, History, PlanContext, plan};
use encours::ledger::{ItemKind, Ledger};
use encours::plans::{PlanPayment, PlanTerms, PlanTracking, TrackingRules, propose, track};
use encours_sample::{SampleConfig, generate, sample_ledger};

fn terms(first: &str) -> PlanTerms {
    serde_json::from_str(&format!(
        r#"{{"selection": {{"overdue_only": true}}, "down_payment": {{"percent": "25"}},
            "instalments": 6, "first_date": "{first}", "day_of_month": 31,
            "interest": {{"method": "annuity", "annual_rate_percent": "4"}},
            "means": "bill_of_exchange"}}"#
    ))
    .expect("terms")
}

fn open_ledger() -> (SampleConfig, Ledger) {
    let config = SampleConfig::default();
    let full = generate(&config).expect("the default configuration generates");
    let items: Vec<_> = full
        .items()
        .iter()
        .filter(|i| i.kind == ItemKind::Invoice)
        .cloned()
        .collect();
    let ledger = Ledger::new(full.customers().to_vec(), items, vec![], vec![]).expect("ledger");
    (config, ledger)
}

fn benches(c: &mut Criterion) {
    let sample = sample_ledger();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    let t = terms("2026-12-31");
    let p = propose(&sample, "C000265", "PL", as_of, &t, &[]).expect("plan");
    let payments: Vec<PlanPayment> = p
        .instalments
        .iter()
        .map(|i| PlanPayment {
            id: None,
            date: i.due_date,
            amount: i.amount,
        })
        .collect();
    let end = p
        .instalments
        .last()
        .map(|i| i.due_date)
        .expect("instalments");
    // The customer's calendar (FR) given built: building a built-in calendar expands
    // its holidays for 1990-2100, which a caller planning many customers does once.
    let fr = [Calendar::france()];
    let mut g = c.benchmark_group("plans");
    g.bench_function("propose_14_items_annuity", |b| {
        b.iter(|| black_box(propose(&sample, "C000265", "PL", as_of, &t, &fr).expect("plan")))
    });
    g.bench_function("propose_14_items_annuity_building_the_calendar", |b| {
        b.iter(|| black_box(propose(&sample, "C000265", "PL", as_of, &t, &[]).expect("plan")))
    });
    g.bench_function("track_7_instalments_7_payments", |b| {
        b.iter(|| {
            black_box(track(&p, &payments, &[], &TrackingRules::default(), end).expect("track"))
        })
    });
    g.finish();

    let started = Instant::now();
    let (config, ledger) = open_ledger();
    let dunning: DunningConfig =
        serde_json::from_str(include_str!("../crates/encours-cli/config/dunning.json"))
            .expect("demo configuration");
    // A plan for each of the first 10,000 customers with something overdue, tracked
    // with nothing paid: their items are held, the down payments dunned.
    let mut trackings: Vec<PlanTracking> = Vec::new();
    let t = terms("2026-12-31");
    // Agreed 20 days ago: the down payment is missed (past 15 days), not yet a breach.
    let agreed = NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
    for c in ledger.customers() {
        if trackings.len() == 10_000 {
            break;
        }
        if let Ok(p) = propose(&ledger, &c.id, &format!("PL-{}", c.id), agreed, &t, &fr) {
            trackings
                .push(track(&p, &[], &[], &TrackingRules::default(), config.as_of).expect("track"));
        }
    }
    eprintln!(
        "built {} open items and {} plans in {:.2?}",
        ledger.items().len(),
        trackings.len(),
        started.elapsed()
    );
    let bare = PlanContext::new(&ledger, &dunning);
    let mut with_plans = PlanContext::new(&ledger, &dunning);
    with_plans.payment_plans = &trackings;
    let history = History::default();
    let mut g = c.benchmark_group("plans_dunning");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    g.bench_function("plan_1m_open_items_no_plans", |b| {
        b.iter(|| black_box(plan(&bare, &history, config.as_of).expect("plan")))
    });
    g.bench_function("plan_1m_open_items_10k_plans", |b| {
        b.iter(|| black_box(plan(&with_plans, &history, config.as_of).expect("plan")))
    });
    g.finish();
}

criterion_group!(plans, benches);
criterion_main!(plans);
