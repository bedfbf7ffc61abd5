//! The portfolio at the yardstick's scale: 1,000,000 invoices over 100,000 customers
//! (the defaults of `shared/perf/gen_ledger.py`), generated once, outside the timings.
//!
//! ```sh
//! cargo bench --bench portfolio
//! ```
//!
//! Timed: generating a tenth of the ledger, building (validating and indexing) the
//! ledger from its records, the as-of open-amount pass over every invoice, the aging
//! by customer, and the portfolio summary the `encours report` command shows (aging,
//! DSO simple and count-back, best possible DSO, ADD, CEI, days beyond terms, payment
//! index and Pareto sets, by customer and for the portfolio, in one pass), with and
//! without conversion into one currency.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use encours::aging::{AgingBuckets, GroupBy, aging};
use encours::ledger::{ItemKind, Ledger, LedgerData};
use encours::metrics::{SummaryConfig, portfolio_summary};
use encours::money::{Currency, FxRates, MultiCurrency, RoundingMode};
use encours_sample::{SampleConfig, generate};
use rust_decimal::Decimal;

fn big() -> (SampleConfig, Ledger) {
    let config = SampleConfig::default();
    let t = Instant::now();
    let ledger = generate(&config).expect("the default configuration generates");
    eprintln!(
        "generated {} customers, {} items, {} payments, {} applications in {:.2?}",
        ledger.customer_count(),
        ledger.item_count(),
        ledger.payment_count(),
        ledger.application_count(),
        t.elapsed()
    );
    (config, ledger)
}

/// Open amount of every invoice at the end of `as_of`, summed per currency.
fn open_pass(ledger: &Ledger, as_of: chrono::NaiveDate) -> (usize, MultiCurrency) {
    let mut open = MultiCurrency::new();
    let mut count = 0;
    for ix in 0..ledger.item_count() {
        let Some(item) = ledger.item_view(ix) else {
            continue;
        };
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
    let buckets = AgingBuckets::standard();
    g.bench_function("aging_by_customer", |b| {
        b.iter(|| {
            aging(
                black_box(&ledger),
                config.as_of,
                &buckets,
                GroupBy::Customer,
            )
            .expect("ages")
        })
    });
    let summary_config = SummaryConfig::new(config.as_of);
    g.measurement_time(Duration::from_secs(6));
    g.bench_function("portfolio_summary_by_customer", |b| {
        b.iter(|| {
            portfolio_summary(black_box(&ledger), &summary_config, GroupBy::Customer)
                .expect("summarises")
        })
    });
    // Rates as the report's --fx would give them; round illustrative figures, not
    // quotes: conversion costs the same whatever the rate.
    let mut fx = FxRates::new();
    fx.insert(Currency::USD, Currency::EUR, Decimal::new(86, 2))
        .expect("positive");
    fx.insert(Currency::GBP, Currency::EUR, Decimal::new(114, 2))
        .expect("positive");
    g.bench_function("portfolio_summary_in_eur", |b| {
        b.iter(|| {
            portfolio_summary(black_box(&ledger), &summary_config, GroupBy::Customer)
                .and_then(|s| s.converted(&fx, Currency::EUR, RoundingMode::HalfUp))
                .expect("summarises")
        })
    });
    g.finish();
}

criterion_group!(portfolio, benches);
criterion_main!(portfolio);
