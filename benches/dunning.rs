//! Planning one day of dunning for 1,000,000 open items over 100,000 customers.
//!
//! ```sh
//! cargo bench --bench dunning
//! ```
//!
//! The ledger is the yardstick's (1M invoices / 100k customers, `SampleConfig::default`)
//! with its payments left out, so that every invoice is open: the worst case for a
//! daily run. The configuration is the demo's (`crates/encours-cli/config/dunning.json`):
//! two scenarios, a rule, minimums, an indemnity step and an interest step, French
//! calendars for a third of the customers.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use encours::dunning::{DunningConfig, History, PlanContext, plan};
use encours::ledger::{ItemKind, Ledger};
use encours_sample::{SampleConfig, generate};

fn open_ledger() -> (SampleConfig, Ledger) {
    let config = SampleConfig::default();
    let full = generate(&config).expect("the default configuration generates");
    let mut customers = full.customers().to_vec();
    for (n, c) in customers.iter_mut().enumerate() {
        if n % 3 == 0 {
            c.calendar = Some("FR".into());
        }
    }
    let items: Vec<_> = full
        .items()
        .iter()
        .filter(|i| i.kind == ItemKind::Invoice)
        .cloned()
        .collect();
    let ledger = Ledger::new(customers, items, vec![], vec![]).expect("a valid ledger");
    (config, ledger)
}

fn benches(c: &mut Criterion) {
    let t = Instant::now();
    let (sample, ledger) = open_ledger();
    let config: DunningConfig =
        serde_json::from_str(include_str!("../crates/encours-cli/config/dunning.json"))
            .expect("demo configuration");
    eprintln!(
        "built {} open items over {} customers in {:.2?}",
        ledger.item_count(),
        ledger.customer_count(),
        t.elapsed()
    );

    let ctx = PlanContext::new(&ledger, &config);
    let history = History::default();
    let first = plan(&ctx, &history, sample.as_of).expect("plan");
    let items_in_actions: usize = first.actions.iter().map(|a| a.items.len()).sum();
    eprintln!(
        "one day: {} actions covering {} items, {} left out",
        first.actions.len(),
        items_in_actions,
        first.left_out.len()
    );
    // The next day, with yesterday's actions in the history (the daily steady state).
    let mut recorded = History::default();
    recorded.record(&first);
    let next_day = sample.as_of.succ_opt().expect("a next day");

    let mut g = c.benchmark_group("dunning");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    g.bench_function("plan_1m_open_items_first_day", |b| {
        b.iter(|| black_box(plan(&ctx, &history, sample.as_of).expect("plan")))
    });
    g.bench_function("plan_1m_open_items_with_history", |b| {
        b.iter(|| black_box(plan(&ctx, &recorded, next_day).expect("plan")))
    });
    g.finish();
}

criterion_group!(dunning, benches);
criterion_main!(dunning);
