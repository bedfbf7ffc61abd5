//! Risk and limits at the yardstick's scale: 1,000,000 invoices over 100,000
//! customers (`SampleConfig::default`), generated once, outside the timings.
//!
//! ```sh
//! cargo bench --bench risk
//! ```
//!
//! Timed: the behavioural feature table of every customer (one pass), scoring it with
//! the default scorecard, both together, building the credit index, and one order
//! check (the full result with its reasons, and the decision alone) for a customer
//! drawn at random. Criterion gives the mean of a check; the median and the 99th
//! percentile come from timing 200,000 checks one by one (printed on stderr).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use encours::limits::check::{CheckOptions, OrderRequest};
use encours::limits::index::{CreditIndex, IndexInputs};
use encours::money::Money;
use encours::risk::features::{FeatureConfig, FeatureInputs, feature_table};
use encours::risk::scorecard::Scorecard;
use encours_sample::{SampleConfig, generate};
use rust_decimal::Decimal;

/// A cheap deterministic sequence of customer positions (xorshift).
struct Draw(u64);

impl Draw {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn percentile(sorted: &[u128], p: f64) -> u128 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn benches(c: &mut Criterion) {
    let sample = SampleConfig::default();
    let t = Instant::now();
    let ledger = generate(&sample).expect("the default configuration generates");
    eprintln!(
        "generated {} customers, {} items in {:.2?}",
        ledger.customers().len(),
        ledger.items().len(),
        t.elapsed()
    );
    let config = FeatureConfig::default();
    let card = Scorecard::default_card();
    let inputs = FeatureInputs::default();
    let table = feature_table(&ledger, &config, &inputs, sample.as_of).expect("features");
    let scores = card.score_table(&table).expect("scores");
    eprintln!("scored {} customers", scores.len());

    let mut g = c.benchmark_group("risk_100k_customers_1m_invoices");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    g.bench_function("feature_table", |b| {
        b.iter(|| {
            black_box(feature_table(&ledger, &config, &inputs, sample.as_of).expect("features"))
        })
    });
    g.bench_function("score_table", |b| {
        b.iter(|| black_box(card.score_table(&table).expect("scores")))
    });
    g.bench_function("feature_table_and_scores", |b| {
        b.iter(|| {
            let t = feature_table(&ledger, &config, &inputs, sample.as_of).expect("features");
            black_box(card.score_table(&t).expect("scores"))
        })
    });
    g.bench_function("credit_index_build", |b| {
        b.iter(|| {
            black_box(
                CreditIndex::build(&ledger, &IndexInputs::default(), sample.as_of).expect("index"),
            )
        })
    });
    g.finish();

    let index = CreditIndex::build(&ledger, &IndexInputs::default(), sample.as_of).expect("index");
    let options = CheckOptions::default();
    let ids: Vec<String> = ledger.customers().iter().map(|c| c.id.clone()).collect();
    let requests: Vec<OrderRequest> = ledger
        .customers()
        .iter()
        .map(|c| {
            OrderRequest::new(
                c.id.clone(),
                Money::new(Decimal::new(123_456, 2), c.currency),
                sample.as_of,
            )
        })
        .collect();
    let mut g = c.benchmark_group("order_check_100k_customers");
    g.sample_size(50).measurement_time(Duration::from_secs(5));
    let mut draw = Draw(0x9E37_79B9_7F4A_7C15);
    g.bench_function("check_with_reasons", |b| {
        b.iter(|| {
            let r = &requests[draw.next(requests.len())];
            black_box(index.check(&options, r).expect("check"))
        })
    });
    g.bench_function("decide", |b| {
        b.iter(|| {
            let r = &requests[draw.next(requests.len())];
            black_box(index.decide(&options, r).expect("decide"))
        })
    });
    g.finish();

    // Latency distribution: each check timed alone.
    for (name, full) in [("check_with_reasons", true), ("decide", false)] {
        let mut times = Vec::with_capacity(200_000);
        let mut draw = Draw(42);
        for _ in 0..200_000 {
            let r = &requests[draw.next(requests.len())];
            let t = Instant::now();
            if full {
                black_box(index.check(&options, r).expect("check"));
            } else {
                black_box(index.decide(&options, r).expect("decide"));
            }
            times.push(t.elapsed().as_nanos());
        }
        times.sort_unstable();
        eprintln!(
            "{name}: 200,000 checks over {} customers: median {} ns, p99 {} ns, max {} ns",
            ids.len(),
            percentile(&times, 0.5),
            percentile(&times, 0.99),
            times.last().copied().unwrap_or_default()
        );
    }
}

criterion_group!(risk, benches);
criterion_main!(risk);
