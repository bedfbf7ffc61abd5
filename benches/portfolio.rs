//! The portfolio at the yardstick's scale: 1,000,000 invoices over 100,000 customers
//! (the defaults of `shared/perf/gen_ledger.py`), generated once, outside the timings.
//!
//! ```sh
//! cargo bench --bench portfolio
//! ```
//!
//! Timed: generating a tenth of the ledger, building (validating and indexing) the
//! ledger from its records, the as-of open-amount pass over every invoice.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use encours::ledger::{ItemKind, Ledger, LedgerData};
use encours::money::MultiCurrency;
use encours_sample::{SampleConfig, generate};

fn big() -> (SampleConfig, Ledger) {
    let config = SampleConfig::default();
    let t = Instant::now();
    let ledger = generate(&config).expect("the default configuration generates");
    eprintln!(
        "generated {} customers, {} items, {} payments, {} applications in {:.2?}",
        ledger.customers().len(),
        ledger.items().len(),
        ledger.payments().len(),
        ledger.applications().len(),
        t.elapsed()
    );
    (config, ledger)
}

/// Open amount of every invoice at the end of `as_of`, summed per currency.
fn open_pass(ledger: &Ledger, as_of: chrono::NaiveDate) -> (usize, MultiCurrency) {
    let mut open = MultiCurrency::new();
    let mut count = 0;
    for (ix, item) in ledger.items().iter().enumerate() {
        if item.kind == ItemKind::CreditNote {
            continue;
        }
        if let Some(state) = ledger.item_state(ix, as_of)
            && state.open.is_positive()
        {
            count += 1;
            open.add(&state.open).expect("no overflow at this scale");
        }
    }
    (count, open)
}

fn benches(c: &mut Criterion) {
    let (config, ledger) = big();

    let mut g = c.benchmark_group("generate");
    // Flat sampling: a handful of long iterations, no warning about the target time.
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    let tenth = SampleConfig {
        customers: config.customers / 10,
        invoices: config.invoices / 10,
        ..config.clone()
    };
    g.bench_function("100k_invoices_10k_customers", |b| {
        b.iter(|| generate(black_box(&tenth)).expect("generates"))
    });
    g.finish();

    let mut g = c.benchmark_group("1m_invoices");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    let data: LedgerData = ledger.data().clone();
    g.bench_function("ledger_new", |b| {
        b.iter_batched(
            || data.clone(),
            |d| Ledger::new(d.customers, d.items, d.payments, d.applications).expect("valid"),
            BatchSize::PerIteration,
        )
    });
    drop(data);
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("open_amount_pass", |b| {
        b.iter(|| open_pass(black_box(&ledger), config.as_of))
    });
    g.finish();
}

criterion_group!(portfolio, benches);
criterion_main!(portfolio);
