//! Reports split their work over threads; the results must not depend on how many.

use encours::aging::{AgingBuckets, GroupBy, aging};
use encours::metrics::{ParetoUnit, SummaryConfig, pareto, portfolio_summary};
use encours_sample::{SampleConfig, generate};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2, ..ProptestConfig::default() })]

    #[test]
    fn threaded_reports_equal_single_threaded(seed in 0u64..1_000, back in 0u64..300) {
        // Past twice 65,536 items so that the pass really is split in two or more.
        let config = SampleConfig { seed, customers: 2_000, invoices: 150_000, ..SampleConfig::builtin() };
        let l = generate(&config).unwrap();
        let as_of = config.as_of - chrono::Days::new(back);
        let run = || {
            let mut out = String::new();
            for g in [GroupBy::Customer, GroupBy::Segment, GroupBy::Group, GroupBy::Portfolio] {
                out.push_str(&format!("{:?}\n", aging(&l, as_of, &AgingBuckets::standard(), g).unwrap()));
            }
            out.push_str(&format!(
                "{:?}\n",
                portfolio_summary(&l, &SummaryConfig::new(as_of), GroupBy::Customer).unwrap()
            ));
            for unit in [ParetoUnit::Items, ParetoUnit::Customers] {
                let share = Decimal::new(8, 1);
                out.push_str(&format!("{:?}\n", pareto(&l, as_of, unit, share, GroupBy::Portfolio).unwrap()));
            }
            out
        };
        let one = in_pool(1, run);
        let four = in_pool(4, run);
        prop_assert_eq!(one, four);
    }
}
