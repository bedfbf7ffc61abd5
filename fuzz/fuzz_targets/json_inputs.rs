//! Every serde input of the core, as a caller's file would bring it: the first byte
//! chooses the document, the rest is its JSON. Whatever the bytes, reading either
//! succeeds or returns an error (never a panic, never unbounded work); what reads and
//! validates is then used (a plan, an interest computation, calendar queries, an aging
//! report) and must write back to JSON that reads back to an equal value.
#![no_main]

use encours_core::aging::{AgingBuckets, GroupBy, aging};
use encours_core::calendar::{Calendar, CalendarSpec, Roll};
use encours_core::dunning::{DunningConfig, DunningConfigData, History, PlanContext, plan};
use encours_core::interest::{InterestRule, RateTables, compute_interest};
use encours_core::ledger::{Ledger, LedgerData};
use encours_core::money::{Currency, FxRates, Money, RoundingMode};
use encours_core::promises::PromiseToPay;
use encours_core::terms::PaymentTerms;
use encours_fuzz::{assert_json_round_trip, day};
use libfuzzer_sys::fuzz_target;

/// The ledger of the core's tests, and the command's default dunning configuration:
/// the fixed half of the documents that are not being fuzzed.
const LEDGER: &str = include_str!("../../crates/encours-core/tests/data/ledger/small.json");
const CONFIG: &str = include_str!("../../crates/encours-cli/config/dunning.json");

/// The documents, by the first byte of the input (modulo their count).
const KINDS: u8 = 9;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match kind % KINDS {
        0 => ledger(text),
        1 => dunning_config(text),
        2 => history(text),
        3 => promises(text),
        4 => rate_tables(text),
        5 => interest_rule(text),
        6 => calendar(text),
        7 => payment_terms(text),
        _ => reports(text),
    }
});

fn fixed_ledger() -> Ledger {
    match serde_json::from_str(LEDGER) {
        Ok(l) => l,
        Err(e) => panic!("the tests' ledger does not load: {e}"),
    }
}

fn fixed_config() -> DunningConfig {
    let data: DunningConfigData = match serde_json::from_str(CONFIG) {
        Ok(d) => d,
        Err(e) => panic!("the default dunning configuration does not read: {e}"),
    };
    match DunningConfig::try_from(data) {
        Ok(c) => c,
        Err(e) => panic!("the default dunning configuration is invalid: {e}"),
    }
}

fn ledger(text: &str) {
    let Ok(data) = serde_json::from_str::<LedgerData>(text) else {
        return;
    };
    assert_json_round_trip(&data, "ledger data");
    let Ok(ledger) = Ledger::try_from(data.clone()) else {
        return;
    };
    // The validated ledger writes the records it was given.
    assert_eq!(
        LedgerData::from(ledger.clone()),
        data,
        "a valid ledger does not write its records back"
    );
    for c in ledger.customers() {
        for offset in [0, 400, 3999] {
            let _ = ledger.balance(&c.id, day(offset));
        }
    }
    let _ = aging(
        &ledger,
        day(1500),
        &AgingBuckets::standard(),
        GroupBy::Group,
    );
    let _ = plan(
        &PlanContext::new(&ledger, &fixed_config()),
        &History::default(),
        day(1500),
    );
}

fn dunning_config(text: &str) {
    let Ok(data) = serde_json::from_str::<DunningConfigData>(text) else {
        return;
    };
    assert_json_round_trip(&data, "dunning configuration data");
    let Ok(config) = DunningConfig::try_from(data) else {
        return;
    };
    let ledger = fixed_ledger();
    for offset in [1550, 1600, 1700] {
        let _ = plan(
            &PlanContext::new(&ledger, &config),
            &History::default(),
            day(offset),
        );
    }
}

fn history(text: &str) {
    let Ok(history) = serde_json::from_str::<History>(text) else {
        return;
    };
    assert_json_round_trip(&history, "history");
    let ledger = fixed_ledger();
    let config = fixed_config();
    let _ = plan(&PlanContext::new(&ledger, &config), &history, day(1600));
}

fn promises(text: &str) {
    let Ok(promises) = serde_json::from_str::<Vec<PromiseToPay>>(text) else {
        return;
    };
    assert_json_round_trip(&promises, "promises");
    for p in &promises {
        let _ = p.validate();
    }
    let ledger = fixed_ledger();
    let config = fixed_config();
    let mut ctx = PlanContext::new(&ledger, &config);
    ctx.promises = &promises;
    let _ = plan(&ctx, &History::default(), day(1600));
}

fn rate_tables(text: &str) {
    let Ok(tables) = serde_json::from_str::<RateTables>(text) else {
        return;
    };
    assert_json_round_trip(&tables, "rate tables");
    let principal = Money::from_minor(1_000_000, Currency::EUR);
    for table in tables.iter() {
        let rule = InterestRule::reference_plus_margin(table.name(), rust_decimal::Decimal::TEN);
        let _ = compute_interest(&principal, day(100), day(900), &rule, &tables);
        for p in table.points() {
            let _ = table.rate_on(p.valid_from);
        }
    }
}

fn interest_rule(text: &str) {
    let Ok(rule) = serde_json::from_str::<InterestRule>(text) else {
        return;
    };
    assert_json_round_trip(&rule, "interest rule");
    let tables = RateTables::builtin();
    for (minor, currency) in [(1_234_567, Currency::EUR), (i64::MAX, Currency::JPY)] {
        let principal = Money::from_minor(minor, currency);
        let _ = compute_interest(&principal, day(1000), day(2000), &rule, &tables);
    }
}

fn calendar(text: &str) {
    let Ok(spec) = serde_json::from_str::<CalendarSpec>(text) else {
        return;
    };
    assert_json_round_trip(&spec, "calendar spec");
    let Ok(cal) = Calendar::from_spec(spec) else {
        return;
    };
    assert_json_round_trip(&cal, "calendar");
    let d = day(text.len() as u16);
    let _ = cal.is_business_day(d);
    let _ = cal.roll(d, Roll::ModifiedFollowing);
    let _ = cal.add_business_days(d, 40);
    let _ = cal.add_business_days(d, -40);
    let _ = cal.holidays_between(day(0), day(800));
    let _ = cal.holidays_in_year(1);
    let _ = cal.holidays_in_year(9999);
    let _ = cal.business_days_between(day(0), day(900));
}

fn payment_terms(text: &str) {
    let Ok(terms) = serde_json::from_str::<PaymentTerms>(text) else {
        return;
    };
    assert_json_round_trip(&terms, "payment terms");
    let canonical = terms.to_string();
    match canonical.parse::<PaymentTerms>() {
        Ok(again) => assert_eq!(
            again, terms,
            "canonical text {canonical:?} reads back differently"
        ),
        Err(e) => panic!("canonical text {canonical:?} of valid terms does not parse: {e}"),
    }
    let _ = terms.due_schedule(day(10), None, Money::from_minor(99_999, Currency::EUR));
}

/// The report configurations: aging buckets and FX rates.
fn reports(text: &str) {
    if let Ok(buckets) = serde_json::from_str::<AgingBuckets>(text) {
        assert_json_round_trip(&buckets, "aging buckets");
        let _ = aging(&fixed_ledger(), day(1600), &buckets, GroupBy::Segment);
    }
    if let Ok(rates) = serde_json::from_str::<FxRates>(text) {
        assert_json_round_trip(&rates, "FX rates");
        for r in rates.rates() {
            let _ = rates.convert(
                &Money::from_minor(123_456, r.from),
                r.to,
                RoundingMode::HalfUp,
            );
        }
    }
}
