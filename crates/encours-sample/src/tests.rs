use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::NaiveDate;
use encours_core::ledger::{ItemKind, Ledger, MatchRule, Source};
use encours_core::money::Currency;
use rust_decimal::Decimal;

use super::*;

fn small(seed: u64) -> SampleConfig {
    SampleConfig {
        seed,
        customers: 60,
        invoices: 800,
        ..SampleConfig::default()
    }
}

/// Big enough for proportions to settle (about ±0.5 point on a 3 % rate), small
/// enough for a debug build.
fn medium_config() -> SampleConfig {
    SampleConfig {
        seed: 2026,
        customers: 4_000,
        invoices: 40_000,
        ..SampleConfig::default()
    }
}

fn medium() -> &'static Ledger {
    static LEDGER: OnceLock<Ledger> = OnceLock::new();
    LEDGER.get_or_init(|| generate(&medium_config()).unwrap())
}

fn share(part: usize, whole: usize) -> f64 {
    part as f64 / whole as f64
}

fn assert_near(what: &str, got: f64, expected: f64, tolerance: f64) {
    assert!(
        (got - expected).abs() <= tolerance,
        "{what}: got {got:.4}, expected {expected} ± {tolerance}"
    );
}

#[test]
fn same_seed_gives_identical_json() {
    let a = serde_json::to_string(&generate(&small(1)).unwrap()).unwrap();
    let b = serde_json::to_string(&generate(&small(1)).unwrap()).unwrap();
    assert_eq!(a, b);
    let c = serde_json::to_string(&generate(&small(2)).unwrap()).unwrap();
    assert_ne!(a, c);
}

#[test]
fn ledger_round_trips_through_validation() {
    let ledger = generate(&small(3)).unwrap();
    let json = serde_json::to_string(&ledger).unwrap();
    // Deserializing a Ledger runs every check of Ledger::new again.
    let back: Ledger = serde_json::from_str(&json).unwrap();
    assert_eq!(back, ledger);
}

#[test]
fn builtin_sample_is_what_the_demo_expects() {
    let ledger = sample_ledger();
    assert_eq!(ledger.customer_count(), 300);
    let invoices = ledger
        .items()
        .iter()
        .filter(|i| i.kind == ItemKind::Invoice)
        .count();
    assert_eq!(invoices, 6_000);
    assert!(ledger.items().iter().all(|i| i.issue_date <= SAMPLE_AS_OF));
    assert_eq!(SampleConfig::builtin().as_of.to_string(), "2026-11-22");
}

#[test]
fn nothing_is_dated_after_as_of() {
    let config = medium_config();
    let ledger = medium();
    let first = config.as_of - chrono::Days::new(u64::from(config.history_days) - 1);
    for i in ledger.items() {
        assert!(i.issue_date <= config.as_of, "item {}", i.id);
        if i.kind == ItemKind::Invoice {
            assert!(i.issue_date >= first, "item {}", i.id);
            assert!(i.due_date > i.issue_date, "item {}", i.id);
        }
        if let Some(d) = &i.dispute {
            assert!(d.opened_on <= config.as_of, "dispute on {}", i.id);
            assert!(
                d.resolved_on
                    .is_none_or(|r| r <= config.as_of && r >= d.opened_on)
            );
            assert!(d.amount.is_positive() && d.amount.amount() <= i.amount.amount());
        }
    }
    assert!(ledger.payments().iter().all(|p| p.date <= config.as_of));
    assert!(ledger.applications().iter().all(|a| a.date <= config.as_of));
    for c in ledger.customers() {
        if let Some(b) = &c.dunning_block {
            assert!(b.since.is_some_and(|s| s <= config.as_of));
        }
    }
    // The latest issue date is the as-of day itself (40,000 invoices over 730 days).
    assert_eq!(
        ledger.items().iter().map(|i| i.issue_date).max(),
        Some(config.as_of)
    );
}

#[test]
fn as_of_moves_the_whole_ledger() {
    let as_of = NaiveDate::from_ymd_opt(2020, 2, 29).unwrap();
    let ledger = generate(&SampleConfig {
        as_of,
        history_days: 90,
        ..small(4)
    })
    .unwrap();
    let first = NaiveDate::from_ymd_opt(2019, 12, 2).unwrap();
    assert!(
        ledger
            .items()
            .iter()
            .all(|i| i.issue_date >= first && i.issue_date <= as_of)
    );
    assert!(ledger.payments().iter().all(|p| p.date <= as_of));
}

#[test]
fn customers_have_the_configured_mix() {
    let ledger = medium();
    let n = ledger.customer_count();
    let count = |f: &dyn Fn(&encours_core::ledger::Customer) -> bool| {
        ledger.customers().iter().filter(|c| f(c)).count()
    };
    let seg =
        |s: &'static str| move |c: &encours_core::ledger::Customer| c.segment.as_deref() == Some(s);
    assert_near("segment A", share(count(&seg("A")), n), 0.15, 0.02);
    assert_near("segment B", share(count(&seg("B")), n), 0.45, 0.025);
    assert_near("segment C", share(count(&seg("C")), n), 0.40, 0.025);
    assert_near(
        "EUR",
        share(count(&|c| c.currency == Currency::EUR), n),
        0.85,
        0.02,
    );
    assert_near(
        "USD",
        share(count(&|c| c.currency == Currency::USD), n),
        0.10,
        0.015,
    );
    assert_near(
        "GBP",
        share(count(&|c| c.currency == Currency::GBP), n),
        0.05,
        0.01,
    );
    // Countries follow currencies.
    for c in ledger.customers() {
        let country = c.country.as_deref().unwrap();
        let expected: &[&str] = match c.currency.code() {
            "USD" => &["US"],
            "GBP" => &["GB"],
            _ => &["FR", "DE"],
        };
        assert!(expected.contains(&country), "{} in {country}", c.currency);
        let terms = c.payment_terms.as_deref().unwrap();
        assert!(TERMS_TEXTS.contains(&terms), "{terms}");
        // The engine reads every text.
        PaymentTerms::parse(terms, &ParseOptions::default()).unwrap();
        if terms.contains("jours") {
            assert_eq!(country, "FR");
        }
        if terms == "2/10 net 30" {
            assert_eq!(country, "US");
        }
        assert!(c.name.split(' ').count() >= 2, "{}", c.name);
        if let Some(limit) = &c.credit_limit {
            assert_eq!(limit.currency(), c.currency);
            assert!(limit.is_positive());
        }
    }
    let fr = count(&|c| c.country.as_deref() == Some("FR"));
    let de = count(&|c| c.country.as_deref() == Some("DE"));
    assert!(fr > de && de > 0);
    let eom = count(&|c| c.payment_terms.as_deref() == Some("45 jours fin de mois"));
    let fr45 = count(&|c| c.payment_terms.as_deref() == Some("45 jours net"));
    assert_near(
        "45 jours fin de mois among 45 jours",
        share(eom, eom + fr45),
        0.5,
        0.08,
    );
    let discount = count(&|c| c.payment_terms.as_deref() == Some("2/10 net 30"));
    let us30 = count(&|c| {
        c.payment_terms.as_deref() == Some("net 30") && c.country.as_deref() == Some("US")
    });
    assert_near(
        "2/10 net 30 among US net 30",
        share(discount, discount + us30),
        0.25,
        0.1,
    );
    let parents = count(&|c| c.parent.is_some());
    assert_near("with a parent", share(parents, n), 0.08 * 0.975, 0.015);
    let blocked = count(&|c| c.dunning_block.is_some());
    assert!((45..=120).contains(&blocked), "{blocked} blocked");
    let limits = count(&|c| c.credit_limit.is_some());
    assert_near("credit limits", share(limits, n), 0.8, 0.03);
    let customers = ledger.customers();
    let names: BTreeSet<&str> = customers.iter().map(|c| c.name.as_str()).collect();
    // Word lists give a few thousand names per country: some repeat, as in real files.
    assert!(names.len() > n * 8 / 10, "{} distinct names", names.len());
}

#[test]
fn invoices_have_the_configured_shape() {
    let ledger = medium();
    let all = ledger.items();
    let invoices: Vec<_> = all.iter().filter(|i| i.kind == ItemKind::Invoice).collect();
    assert_eq!(invoices.len(), 40_000);
    let min = Decimal::new(50, 0);
    let max = Decimal::new(500_000, 0);
    let mut terms = BTreeMap::new();
    for i in &invoices {
        let a = i.amount.amount();
        assert!(a >= min && a <= max, "{} {a}", i.id);
        assert!(i.amount.is_in_minor_units());
        let customer = ledger.customer(&i.customer_id).unwrap();
        assert_eq!(i.amount.currency(), customer.currency);
        *terms
            .entry((i.due_date - i.issue_date).num_days())
            .or_insert(0) += 1;
    }
    // Net 30/45/60, plus the end-of-month due dates (46 to 76 days).
    assert!(
        terms
            .keys()
            .all(|d| [30, 45, 60].contains(d) || (46..=76).contains(d))
    );
    // Due dates are the engine's reading of the customer's terms.
    for i in invoices.iter().take(2_000) {
        let c = ledger.customer(&i.customer_id).unwrap();
        let t = PaymentTerms::parse(
            c.payment_terms.as_deref().unwrap(),
            &ParseOptions::default(),
        )
        .unwrap();
        let preferred = t.due_date(i.issue_date).unwrap();
        let days = (i.due_date - i.issue_date).num_days();
        assert!(
            i.due_date == preferred || [30, 45, 60].contains(&days),
            "{}",
            i.id
        );
    }
    let eom_invoices = invoices
        .iter()
        .filter(|i| {
            let c = ledger.customer(&i.customer_id).unwrap();
            c.payment_terms.as_deref() == Some("45 jours fin de mois")
                && (i.due_date - i.issue_date).num_days() != 45
        })
        .count();
    assert!(eom_invoices > 100, "{eom_invoices}");
    // Invoices are numbered in issue order.
    assert!(
        invoices
            .windows(2)
            .all(|w| w[0].issue_date <= w[1].issue_date)
    );
    assert!(invoices.windows(2).all(|w| w[0].id < w[1].id));

    let disputed = invoices.iter().filter(|i| i.dispute.is_some()).count();
    // 1/2/4 % by segment weighted by activity (A customers buy 3× more): about 2 %,
    // less the disputes that would open after as-of.
    assert_near("disputed", share(disputed, invoices.len()), 0.021, 0.006);

    let notes: Vec<_> = all
        .iter()
        .filter(|i| i.kind == ItemKind::CreditNote)
        .collect();
    assert_near(
        "credit notes",
        share(notes.len(), invoices.len()),
        0.03,
        0.005,
    );
    for n in &notes {
        let target = ledger.item(n.reference.as_deref().unwrap()).unwrap();
        assert!(n.amount.amount() < target.amount.amount());
        assert_eq!(
            ledger.open_amount(&n.id, SAMPLE_AS_OF).unwrap(),
            Money::zero(n.amount.currency())
        );
    }
}

#[test]
fn payments_follow_the_behaviours() {
    let ledger = medium();
    let as_of = medium_config().as_of;
    let mut per_invoice: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_reference = 0;
    let applications = ledger.applications();
    for a in &applications {
        match &a.source {
            Source::Payment(_) => {
                *per_invoice.entry(a.item_id.as_str()).or_insert(0) += 1;
                if a.rule == MatchRule::Reference {
                    by_reference += 1;
                }
            }
            Source::CreditNote(_) => assert_eq!(a.rule, MatchRule::Reference),
        }
    }
    let invoices = 40_000;
    let split = per_invoice.values().filter(|n| **n >= 2).count();
    // About 10 % of invoices are split; recent ones have not received every part yet.
    assert_near("paid in instalments", share(split, invoices), 0.09, 0.02);
    assert!(per_invoice.values().all(|n| *n <= 3));
    assert_near(
        "matched by reference",
        share(by_reference, per_invoice.values().sum()),
        0.7,
        0.02,
    );

    // Unapplied payments on account: one per 400 invoices.
    let unapplied: Vec<_> = (0..ledger.payment_count())
        .filter(|p| ledger.applications_of_payment(*p).next().is_none())
        .collect();
    assert_eq!(unapplied.len(), 100);
    for p in &unapplied {
        assert!(ledger.payment_unapplied(*p, as_of).is_positive());
    }

    // Open invoices at as-of: about 11 % in the yardstick.
    let mut open = 0;
    let mut partial = 0;
    let mut never_paid_old = 0;
    for (ix, item) in ledger.items().iter().enumerate() {
        if item.kind != ItemKind::Invoice {
            continue;
        }
        let state = ledger.item_state(ix, as_of).unwrap();
        if state.open.is_positive() {
            open += 1;
            if state.settled.is_positive() {
                partial += 1;
            }
            if state.settled.is_zero() && (as_of - item.due_date).num_days() > 365 {
                never_paid_old += 1;
            }
        }
    }
    assert_near("open", share(open, invoices), 0.11, 0.025);
    assert!(partial > open / 10, "{partial} partially paid of {open}");
    // Stuck invoices (1.5 %, and 35 % of disputed ones) stay unpaid for good: about
    // half of the history is more than a year overdue.
    assert_near(
        "stuck, over a year",
        share(never_paid_old, invoices),
        0.011,
        0.004,
    );

    // Habits by segment: A pays about on time, C about three weeks late.
    let mut delay_sum = [0i64; 3];
    let mut delay_n = [0i64; 3];
    let mut late = 0;
    let mut paid = 0;
    for (ix, item) in ledger.items().iter().enumerate() {
        if item.kind != ItemKind::Invoice || item.dispute.is_some() {
            continue;
        }
        let state = ledger.item_state(ix, as_of).unwrap();
        let Some(last) = state.last_settlement else {
            continue;
        };
        if !state.open.is_zero() {
            continue;
        }
        let customer = ledger.customer(&item.customer_id).unwrap();
        let s = ["A", "B", "C"]
            .iter()
            .position(|x| Some(*x) == customer.segment.as_deref())
            .unwrap();
        let days = (last - item.due_date).num_days();
        delay_sum[s] += days;
        delay_n[s] += 1;
        paid += 1;
        if days > 0 {
            late += 1;
        }
    }
    let mean = |s: usize| delay_sum[s] as f64 / delay_n[s] as f64;
    assert!(
        mean(0) < mean(1) && mean(1) < mean(2),
        "{:?}",
        [mean(0), mean(1), mean(2)]
    );
    assert_near("segment A mean delay", mean(0), 3.0, 4.0);
    assert_near("segment C mean delay", mean(2), 23.0, 6.0);
    // The yardstick reports 68 % of paid invoices paid late.
    assert_near("paid late", share(late, paid), 0.68, 0.06);
}

#[test]
fn groups_are_acyclic_and_point_at_heads() {
    let ledger = medium();
    for (ix, c) in ledger.customers().iter().enumerate() {
        if let Some(p) = &c.parent {
            let parent = ledger.customer(p).unwrap();
            assert!(parent.parent.is_none());
            assert_eq!(ledger.customer_id(ledger.group_root(ix)).unwrap(), p);
        }
    }
}

#[test]
fn bad_configurations_are_refused_with_the_field() {
    let err = generate(&SampleConfig {
        customers: 0,
        ..small(1)
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid customers of sample config \"seed 1\": 0 (at least 1 when invoices is above 0)"
    );
    let err = generate(&SampleConfig {
        history_days: 0,
        ..small(1)
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid history_days of sample config \"seed 1\": 0 (at least 1)"
    );
    let err = generate(&SampleConfig {
        as_of: NaiveDate::MAX,
        ..small(1)
    })
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid as_of of sample config"),
        "{err}"
    );
    // Nothing to generate is not an error.
    let empty = generate(&SampleConfig {
        customers: 0,
        invoices: 0,
        ..small(1)
    })
    .unwrap();
    assert!(empty.items().is_empty() && empty.customers().is_empty());
}

#[test]
fn config_serde_round_trips_and_fills_defaults() {
    let c: SampleConfig = serde_json::from_str(r#"{"seed": 9, "invoices": 10}"#).unwrap();
    assert_eq!(
        c,
        SampleConfig {
            seed: 9,
            invoices: 10,
            ..SampleConfig::default()
        }
    );
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(
        json,
        r#"{"seed":9,"customers":100000,"invoices":10,"as_of":"2026-11-22","history_days":730}"#
    );
}

#[test]
fn names_look_like_companies() {
    let ledger = generate(&small(5)).unwrap();
    let forms = [
        "SA", "SAS", "SARL", "SASU", "EURL", "GmbH", "AG", "KG", "UG", "Ltd", "Limited", "PLC",
        "LLP", "Inc.", "LLC", "Corp.", "Co.",
    ];
    for c in ledger.customers() {
        let last = c.name.rsplit(' ').next().unwrap();
        assert!(forms.contains(&last), "{}", c.name);
    }
}
