//! What the limits module promises: recommended limits with their figures, limits in
//! force (temporary increases expire, manual limits expire, insurer cover, group
//! limits with sub-limits), exposure by category and rolled up the group, every
//! convention of the order check tested both ways, the dynamic horizon, holds from
//! dunning, alerts, and (as a property) the incremental index equal to a full
//! recomputation after any sequence of events.

use chrono::NaiveDate;
use encours_core::ledger::{Application, Customer, Item, Ledger, MatchRule, Payment, Source};
use encours_core::limits::alerts::{AlertConfig, AlertKind, alerts};
use encours_core::limits::check::{
    CheckOptions, Decision, NoLimitMeans, OrderRequest, Override, Reason, Severity,
};
use encours_core::limits::exposure::{
    BillOfExchange, Categories, Delivery, ExposureRecords, Order, PlanBalance,
};
use encours_core::limits::in_force::{
    CreditLimits, GroupLimit, InsurerCover, ManualLimit, TemporaryIncrease,
};
use encours_core::limits::index::{CreditEvent, CreditIndex, IndexInputs, OrderHold};
use encours_core::limits::recommend::{
    ClassCap, Combine, LimitRule, RecommendInputs, RecommendRules, recommend,
};
use encours_core::money::{Currency, FxRates, Money};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn eur(s: &str) -> Money {
    Money::parse(s, Currency::EUR).unwrap()
}

fn usd(s: &str) -> Money {
    Money::parse(s, Currency::USD).unwrap()
}

fn manual(id: &str, amount: Money, from: Option<&str>, until: Option<&str>) -> ManualLimit {
    ManualLimit {
        customer_id: id.into(),
        amount,
        valid_from: from.map(d),
        valid_until: until.map(d),
    }
}

fn order(id: &str, customer: &str, amount: Money, expected: Option<&str>) -> Order {
    Order {
        id: id.into(),
        customer_id: customer.into(),
        amount,
        order_date: d("2024-03-01"),
        expected_on: expected.map(d),
    }
}

/// G (EUR) heads S1 (EUR) and S2 (USD). G owes 3,000, S1 2,000 (due 02-15), S2 1,000 USD.
fn group_ledger() -> Ledger {
    let mut s1 = Customer::new("S1", "Sub one", Currency::EUR);
    s1.parent = Some("G".into());
    let mut s2 = Customer::new("S2", "Sub two", Currency::USD);
    s2.parent = Some("G".into());
    Ledger::new(
        vec![
            Customer::new("G", "Group", Currency::EUR),
            s1,
            s2,
            Customer::new("A", "Alone", Currency::EUR),
        ],
        vec![
            Item::invoice("FG", "G", d("2024-02-01"), d("2024-03-31"), eur("3000")),
            Item::invoice("FS1", "S1", d("2024-01-15"), d("2024-02-15"), eur("2000")),
            Item::invoice("FS2", "S2", d("2024-02-01"), d("2024-03-31"), usd("1000")),
            Item::invoice("FA", "A", d("2024-02-01"), d("2024-03-31"), eur("500")),
        ],
        vec![],
        vec![],
    )
    .unwrap()
}

fn fx() -> FxRates {
    let mut fx = FxRates::new();
    fx.insert(Currency::USD, Currency::EUR, Decimal::new(9, 1))
        .unwrap();
    fx
}

fn build(
    ledger: &Ledger,
    records: &ExposureRecords,
    limits: &CreditLimits,
    holds: &[OrderHold],
    fx: &FxRates,
    day: &str,
) -> CreditIndex {
    CreditIndex::build(
        ledger,
        &IndexInputs {
            records,
            limits,
            holds,
            fx,
        },
        d(day),
    )
    .unwrap()
}

#[test]
fn recommended_limit_shows_its_figures_and_rule() {
    let rules = RecommendRules {
        rules: vec![
            LimitRule::ShareOfTangibleNetWorth {
                share: Decimal::new(10, 2),
            },
            LimitRule::ShareOfWorkingCapital {
                share: Decimal::new(20, 2),
            },
            LimitRule::SalesOverPeriod,
            LimitRule::InsurerCoverPlusOwnRisk {
                own_risk: Decimal::from(5_000),
            },
        ],
        combine: Combine::Max,
        rounding_step: Decimal::from(1_000),
        class_caps: vec![ClassCap {
            class: "D".into(),
            cap: Decimal::from(40_000),
        }],
    };
    let mut inputs = RecommendInputs::new(Currency::EUR);
    inputs.tangible_net_worth = Some(Decimal::from(500_000));
    inputs.expected_monthly_sales = Some(eur("20000"));
    inputs.terms_days = Some(60);
    inputs.average_delay_days = Some(Decimal::new(125, 1));
    inputs.insurer_cover = Some(eur("45000"));
    let r = recommend(&rules, &inputs).unwrap();
    // 50,000; working capital missing; 20,000 × 72.5 / 30 = 48,333.33; 45,000 + 5,000.
    assert_eq!(r.rules[0].amount, Some(eur("50000.00")));
    assert_eq!(r.rules[1].missing.as_deref(), Some("working_capital"));
    assert_eq!(r.rules[2].amount, Some(eur("48333.33")));
    assert_eq!(r.rules[3].amount, Some(eur("50000.00")));
    assert_eq!((r.limit, r.set_by), (Some(eur("50000.00")), Some(0)));
    let min = recommend(
        &RecommendRules {
            combine: Combine::Min,
            ..rules.clone()
        },
        &inputs,
    )
    .unwrap();
    // 48,333.33 rounded down to the step.
    assert_eq!((min.limit, min.set_by), (Some(eur("48000.00")), Some(2)));
    inputs.risk_class = Some("D".into());
    let capped = recommend(&rules, &inputs).unwrap();
    assert_eq!(capped.limit, Some(eur("40000.00")));
    assert_eq!(capped.capped_by.unwrap().class, "D");
    let bad = RecommendRules {
        rounding_step: Decimal::ZERO,
        ..rules
    };
    assert_eq!(
        recommend(&bad, &inputs).unwrap_err().to_string(),
        "invalid rounding_step: 0 (more than zero)"
    );
}

#[test]
fn temporary_increases_and_manual_limits_expire() {
    let l = group_ledger();
    let limits = CreditLimits {
        manual: vec![manual("A", eur("1000"), None, Some("2024-06-30"))],
        temporary: vec![TemporaryIncrease {
            customer_id: "A".into(),
            amount: eur("500"),
            valid_from: d("2024-03-01"),
            valid_until: d("2024-03-31"),
        }],
        ..CreditLimits::default()
    };
    let index = build(
        &l,
        &ExposureRecords::default(),
        &limits,
        &[],
        &fx(),
        "2024-03-10",
    );
    let opts = CheckOptions::default();
    let req = |day: &str| OrderRequest::new("A", eur("900"), d(day));
    // 500 + 900 = 1,400: within 1,500 in March, over 1,000 in April.
    assert_eq!(
        index.check(&opts, &req("2024-03-31")).unwrap().decision,
        Decision::Approve
    );
    let april = index.check(&opts, &req("2024-04-01")).unwrap();
    assert_eq!(april.decision, Decision::Block);
    assert_eq!(april.limit, Some(eur("1000.00")));
    // After June the manual limit itself expired.
    let july = index.check(&opts, &req("2024-07-01")).unwrap();
    assert_eq!(
        july.reasons[0].reason,
        Reason::LimitExpired {
            expired_on: d("2024-06-30")
        }
    );
    // Validity ending before it starts is refused.
    let bad = CreditLimits {
        manual: vec![manual(
            "A",
            eur("1"),
            Some("2024-05-01"),
            Some("2024-04-30"),
        )],
        ..CreditLimits::default()
    };
    assert_eq!(
        CreditIndex::build(
            &l,
            &IndexInputs {
                limits: &bad,
                ..IndexInputs::default()
            },
            d("2024-03-01")
        )
        .unwrap_err()
        .to_string(),
        "invalid manual[0].valid_until: 2024-04-30 (on or after valid_from 2024-05-01)"
    );
    let neg = CreditLimits {
        manual: vec![manual("A", eur("-1"), None, None)],
        ..CreditLimits::default()
    };
    assert_eq!(
        neg.validate().unwrap_err().to_string(),
        "invalid manual[0].amount: -1 EUR (zero or more)"
    );
}

#[test]
fn group_limits_roll_up_across_currencies_with_sub_limits() {
    let l = group_ledger();
    let limits = CreditLimits {
        manual: vec![
            manual("G", eur("10000"), None, None),
            manual("S1", eur("2500"), None, None),
            manual("S2", usd("5000"), None, None),
        ],
        group: vec![GroupLimit {
            group_id: "G".into(),
            amount: eur("7000"),
            valid_from: None,
            valid_until: None,
        }],
        ..CreditLimits::default()
    };
    let index = build(
        &l,
        &ExposureRecords::default(),
        &limits,
        &[],
        &fx(),
        "2024-03-10",
    );
    // Group: 3,000 + 2,000 + 1,000 USD × 0.9 = 5,900 EUR.
    let g = index
        .group_exposure("S2", d("2024-03-10"), None, None)
        .unwrap();
    assert_eq!((g.customer_id.as_str(), g.total), ("G", eur("5900.00")));
    let opts = CheckOptions {
        max_overdue_days: None,
        ..CheckOptions::default()
    };
    // S2 orders 1,000 USD: own 2,000 ≤ 5,000 USD; group 5,900 + 900 = 6,800 ≤ 7,000.
    let ok = index
        .check(
            &opts,
            &OrderRequest::new("S2", usd("1000"), d("2024-03-10")),
        )
        .unwrap();
    assert_eq!(ok.decision, Decision::Approve);
    assert_eq!(ok.group_exposure_after, Some(eur("6800.00")));
    // 1,500 USD more: group 5,900 + 1,350 = 7,250 > 7,000 though S2's own limit holds.
    let over = index
        .check(
            &opts,
            &OrderRequest::new("S2", usd("1500"), d("2024-03-10")),
        )
        .unwrap();
    assert_eq!(over.decision, Decision::Block);
    assert_eq!(over.reasons.len(), 1);
    assert_eq!(
        over.reasons[0].reason,
        Reason::OverGroupLimit {
            group_id: "G".into(),
            exposure_after: eur("7250.00"),
            limit: eur("7000.00"),
            excess: eur("250.00")
        }
    );
    // S1's sub-limit: 2,000 + 600 > 2,500 even though the group has room.
    let sub = index
        .check(&opts, &OrderRequest::new("S1", eur("600"), d("2024-03-10")))
        .unwrap();
    assert!(matches!(sub.reasons[0].reason, Reason::OverLimit { .. }));
    // Without a USD rate the roll-up is an error, never a silent figure.
    let no_fx = build(
        &l,
        &ExposureRecords::default(),
        &limits.clone(),
        &[],
        &FxRates::new(),
        "2024-03-10",
    );
    assert!(
        no_fx
            .check(&opts, &OrderRequest::new("G", eur("1"), d("2024-03-10")))
            .unwrap_err()
            .to_string()
            .contains("USD")
    );
    // A group limit on a subsidiary is refused.
    let bad = CreditLimits {
        group: vec![GroupLimit {
            group_id: "S1".into(),
            amount: eur("1"),
            valid_from: None,
            valid_until: None,
        }],
        ..CreditLimits::default()
    };
    assert_eq!(
        CreditIndex::build(
            &l,
            &IndexInputs {
                limits: &bad,
                fx: &fx(),
                ..IndexInputs::default()
            },
            d("2024-03-10")
        )
        .unwrap_err()
        .to_string(),
        "invalid group_id: \"S1\" (the top customer of a group (one without a parent))"
    );
}

#[test]
fn exposure_by_category_and_which_categories_count() {
    let l = group_ledger();
    let records = ExposureRecords {
        orders: vec![order("O1", "A", eur("100"), None)],
        deliveries: vec![Delivery {
            id: "D1".into(),
            customer_id: "A".into(),
            amount: eur("50"),
            delivered_on: d("2024-03-02"),
        }],
        bills: vec![
            BillOfExchange {
                id: "B1".into(),
                customer_id: "A".into(),
                amount: eur("70"),
                due_date: d("2024-04-10"),
            },
            BillOfExchange {
                id: "B0".into(),
                customer_id: "A".into(),
                amount: eur("99"),
                due_date: d("2024-03-01"),
            },
        ],
        plans: vec![PlanBalance {
            plan_id: "PL1".into(),
            customer_id: "A".into(),
            amount: eur("30"),
        }],
    };
    let index = build(
        &l,
        &records,
        &CreditLimits::default(),
        &[],
        &fx(),
        "2024-03-10",
    );
    let e = index.exposure("A", d("2024-03-10"), None, None).unwrap();
    // B0 was due before the index was built: paid, not counted.
    assert_eq!(
        (e.receivables, e.orders, e.deliveries, e.bills, e.plans),
        (
            eur("500.00"),
            eur("100.00"),
            eur("50.00"),
            eur("70.00"),
            eur("30.00")
        )
    );
    assert_eq!(e.total, eur("750.00"));
    let only_ar = Categories {
        orders: false,
        deliveries: false,
        bills: false,
        plans: false,
        ..Categories::default()
    };
    assert_eq!(
        index
            .exposure("A", d("2024-03-10"), Some(only_ar), None)
            .unwrap()
            .total,
        eur("500.00")
    );
    // Per customer: A counts receivables only, others everything.
    let limits = CreditLimits {
        manual: vec![manual("A", eur("600"), None, None)],
        ..CreditLimits::default()
    };
    let index = build(&l, &records, &limits, &[], &fx(), "2024-03-10");
    let req = OrderRequest::new("A", eur("100"), d("2024-03-10"));
    assert_eq!(
        index
            .check(&CheckOptions::default(), &req)
            .unwrap()
            .decision,
        Decision::Block
    );
    let mut opts = CheckOptions::default();
    opts.customer_categories.insert("A".into(), only_ar);
    assert_eq!(
        index.check(&opts, &req).unwrap().decision,
        Decision::Approve
    );
    // Unapplied cash and credit notes reduce exposure.
    let mut index = index;
    index
        .apply(&CreditEvent::PaymentReceived(Payment::new(
            "P9",
            "A",
            d("2024-03-10"),
            eur("200"),
        )))
        .unwrap();
    index
        .apply(&CreditEvent::ItemIssued(Item::credit_note(
            "CN1",
            "A",
            d("2024-03-10"),
            eur("20"),
        )))
        .unwrap();
    let e = index.exposure("A", d("2024-03-10"), None, None).unwrap();
    assert_eq!(
        (e.unapplied_cash, e.credit_notes, e.total),
        (eur("200.00"), eur("20.00"), eur("530.00"))
    );
    // Bad records are refused naming the field.
    let bad = ExposureRecords {
        deliveries: vec![Delivery {
            id: "".into(),
            customer_id: "A".into(),
            amount: eur("1"),
            delivered_on: d("2024-03-02"),
        }],
        ..ExposureRecords::default()
    };
    assert_eq!(
        bad.validate().unwrap_err().to_string(),
        "invalid deliveries[0].id: \"\" (an id)"
    );
}

#[test]
fn conventions_both_ways() {
    let l = group_ledger();
    let zero = CreditLimits {
        manual: vec![manual("A", eur("0"), None, None)],
        ..CreditLimits::default()
    };
    let req = OrderRequest::new("A", eur("10"), d("2024-03-10"));
    // Missing limit: no credit (default) or not checked.
    let none = build(
        &l,
        &ExposureRecords::default(),
        &CreditLimits::default(),
        &[],
        &fx(),
        "2024-03-10",
    );
    let no_credit = none.check(&CheckOptions::default(), &req).unwrap();
    assert_eq!(
        (no_credit.decision, &no_credit.reasons[0].reason),
        (Decision::Block, &Reason::NoLimit)
    );
    let lax = CheckOptions {
        missing_limit: NoLimitMeans::NotChecked,
        ..CheckOptions::default()
    };
    assert_eq!(none.check(&lax, &req).unwrap().decision, Decision::Approve);
    // Zero limit: no credit (default) or not checked.
    let z = build(
        &l,
        &ExposureRecords::default(),
        &zero,
        &[],
        &fx(),
        "2024-03-10",
    );
    assert_eq!(
        z.check(&CheckOptions::default(), &req).unwrap().reasons[0].reason,
        Reason::ZeroLimit
    );
    let lax = CheckOptions {
        zero_limit: NoLimitMeans::NotChecked,
        ..CheckOptions::default()
    };
    assert_eq!(z.check(&lax, &req).unwrap().decision, Decision::Approve);
    // Exposure exactly at the limit: passes by default, not when asked.
    let at = CreditLimits {
        manual: vec![manual("A", eur("510"), None, None)],
        ..CreditLimits::default()
    };
    let i = build(
        &l,
        &ExposureRecords::default(),
        &at,
        &[],
        &fx(),
        "2024-03-10",
    );
    assert_eq!(
        i.check(&CheckOptions::default(), &req).unwrap().decision,
        Decision::Approve
    );
    let strict = CheckOptions {
        equal_passes: false,
        ..CheckOptions::default()
    };
    assert_eq!(i.check(&strict, &req).unwrap().decision, Decision::Block);
    // Over the limit warns instead of blocking when configured so.
    let big = OrderRequest::new("A", eur("11"), d("2024-03-10"));
    let mut warn = CheckOptions::default();
    warn.severities.over_limit = Severity::Warn;
    let r = i.check(&warn, &big).unwrap();
    assert_eq!(
        (r.decision, r.reasons[0].severity),
        (Decision::Warn, Severity::Warn)
    );
    // An override lets it through and records what it replaced.
    let mut forced = big.clone();
    forced.override_by = Some(Override {
        by: "jdupont".into(),
        reason: "paid by wire today".into(),
    });
    let r = i.check(&CheckOptions::default(), &forced).unwrap();
    assert_eq!(r.decision, Decision::Approve);
    assert_eq!(r.overridden.unwrap().replaced, Decision::Block);
    assert_eq!(
        r.reasons.len(),
        1,
        "the reasons stay visible under an override"
    );
}

#[test]
fn the_order_being_checked_is_counted_once_or_twice_as_asked() {
    let l = group_ledger();
    let limits = CreditLimits {
        manual: vec![manual("A", eur("1000"), None, None)],
        ..CreditLimits::default()
    };
    let records = ExposureRecords {
        orders: vec![order("O1", "A", eur("400"), None)],
        ..ExposureRecords::default()
    };
    let index = build(&l, &records, &limits, &[], &fx(), "2024-03-10");
    let mut req = OrderRequest::new("A", eur("400"), d("2024-03-10"));
    req.order_id = Some("O1".into());
    // 500 + 400 recorded: checking O1 adds it once: 900 ≤ 1,000.
    let once = index.check(&CheckOptions::default(), &req).unwrap();
    assert_eq!(
        (once.decision, once.exposure_after),
        (Decision::Approve, eur("900.00"))
    );
    let twice = CheckOptions {
        exclude_recorded_order: false,
        ..CheckOptions::default()
    };
    let r = index.check(&twice, &req).unwrap();
    assert_eq!(
        (r.decision, r.exposure_after),
        (Decision::Block, eur("1300.00"))
    );
}

#[test]
fn dynamic_check_counts_only_orders_within_the_horizon() {
    let l = group_ledger();
    let limits = CreditLimits {
        manual: vec![manual("A", eur("1000"), None, None)],
        ..CreditLimits::default()
    };
    let records = ExposureRecords {
        orders: vec![
            order("O1", "A", eur("400"), Some("2024-03-15")),
            order("O2", "A", eur("300"), Some("2024-06-01")),
        ],
        ..ExposureRecords::default()
    };
    let index = build(&l, &records, &limits, &[], &fx(), "2024-03-10");
    let req = OrderRequest::new("A", eur("100"), d("2024-03-10"));
    let fixed = index.check(&CheckOptions::default(), &req).unwrap();
    assert_eq!(
        (fixed.decision, fixed.exposure_before),
        (Decision::Block, eur("1200.00"))
    );
    let dynamic = CheckOptions {
        horizon_days: Some(30),
        ..CheckOptions::default()
    };
    let r = index.check(&dynamic, &req).unwrap();
    assert_eq!(
        (r.decision, r.exposure_before, r.horizon_end),
        (Decision::Approve, eur("900.00"), Some(d("2024-04-09")))
    );
}

#[test]
fn holds_overdue_risk_class_and_insurer() {
    let mut l = group_ledger();
    l.add_item(Item::invoice(
        "FA2",
        "A",
        d("2024-01-01"),
        d("2024-01-31"),
        eur("100"),
    ))
    .unwrap();
    let limits = CreditLimits {
        manual: vec![manual("A", eur("5000"), None, None)],
        insurer: vec![InsurerCover {
            customer_id: "A".into(),
            insurer: "Allianz Trade".into(),
            amount: eur("550"),
            valid_from: None,
            expires_on: Some(d("2024-03-31")),
        }],
        ..CreditLimits::default()
    };
    let hold = OrderHold {
        customer_id: "A".into(),
        since: d("2024-03-05"),
        reason: Some("formal notice".into()),
    };
    let mut index = build(
        &l,
        &ExposureRecords::default(),
        &limits,
        &[hold],
        &fx(),
        "2024-03-10",
    );
    let req = OrderRequest::new("A", eur("10"), d("2024-03-10"));
    let opts = CheckOptions {
        max_overdue_amount: Some(Decimal::from(50)),
        minimum_class: Some("C".into()),
        ..CheckOptions::default()
    };
    let r = index.check(&opts, &req).unwrap();
    let codes: Vec<_> = r
        .reasons
        .iter()
        .map(|x| {
            serde_json::to_value(x).unwrap()["code"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        codes,
        [
            "on_hold",
            "overdue_amount",
            "overdue_days",
            "risk_class",
            "insurer_cover_exceeded"
        ]
    );
    assert_eq!(
        r.reasons[2].reason,
        Reason::OverdueDays {
            days: 39,
            maximum: 30
        }
    );
    assert_eq!(
        r.reasons[4].reason,
        Reason::InsurerCoverExceeded {
            exposure_after: eur("610.00"),
            cover: eur("550.00"),
            uninsured: eur("60.00")
        }
    );
    index
        .apply(&CreditEvent::HoldReleased {
            customer_id: "A".into(),
        })
        .unwrap();
    index
        .apply(&CreditEvent::RiskClassSet {
            customer_id: "A".into(),
            class: Some("B".into()),
        })
        .unwrap();
    index
        .apply(&CreditEvent::PaymentReceived(Payment::new(
            "P1",
            "A",
            d("2024-03-10"),
            eur("100"),
        )))
        .unwrap();
    let app = Application {
        source: Source::Payment("P1".into()),
        item_id: "FA2".into(),
        date: d("2024-03-10"),
        amount: eur("100"),
        rule: MatchRule::Explicit,
    };
    index.apply(&CreditEvent::Applied(app)).unwrap();
    let r = index.check(&opts, &req).unwrap();
    assert_eq!(r.decision, Decision::Approve, "{:?}", r.reasons);
    // After the cover lapses: a warning.
    let class_only = CheckOptions {
        minimum_class: Some("C".into()),
        ..CheckOptions::default()
    };
    let r = index
        .check(
            &class_only,
            &OrderRequest::new("A", eur("10"), d("2024-04-01")),
        )
        .unwrap();
    assert_eq!(
        (r.decision, &r.reasons[0].reason),
        (
            Decision::Warn,
            &Reason::InsurerCoverExpired {
                expired_on: d("2024-03-31")
            }
        )
    );
    // Bad options are refused naming the option.
    let bad = CheckOptions {
        warn_utilisation: Some(Decimal::ZERO),
        ..CheckOptions::default()
    };
    assert_eq!(
        index.check(&bad, &req).unwrap_err().to_string(),
        "invalid warn_utilisation: 0 (more than zero)"
    );
    let e = serde_json::from_str::<CheckOptions>(r#"{"equal_pases": true}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `equal_pases`"), "{e}");
}

#[test]
fn alerts_for_a_date() {
    let l = group_ledger();
    let limits = CreditLimits {
        manual: vec![
            manual("A", eur("520"), None, Some("2024-03-20")),
            manual("G", eur("100000"), None, None),
        ],
        insurer: vec![InsurerCover {
            customer_id: "G".into(),
            insurer: "Coface".into(),
            amount: eur("1000"),
            valid_from: None,
            expires_on: Some(d("2024-03-25")),
        }],
        ..CreditLimits::default()
    };
    let index = build(
        &l,
        &ExposureRecords::default(),
        &limits,
        &[],
        &fx(),
        "2024-02-16",
    );
    let a = alerts(&index, &AlertConfig::default(), d("2024-03-01"), &[]).unwrap();
    let kinds: Vec<(String, String)> = a
        .iter()
        .map(|x| {
            (
                x.customer_id.clone(),
                serde_json::to_value(x).unwrap()["alert"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect();
    assert!(kinds.contains(&("A".into(), "limit_expiring".into())));
    assert!(kinds.contains(&("A".into(), "high_utilisation".into())));
    assert!(kinds.contains(&("G".into(), "cover_lapsing".into())));
    assert!(!kinds.iter().any(|(_, k)| k == "first_overdue"));
    // S1's invoice fell due on 02-15: first overdue on 02-16.
    let a = alerts(&index, &AlertConfig::default(), d("2024-02-16"), &[]).unwrap();
    assert!(
        a.iter()
            .any(|x| x.customer_id == "S1" && matches!(x.kind, AlertKind::FirstOverdue { .. }))
    );
}

// ---------------------------------------------------------------------------------
// The index property
// ---------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Invoice(usize, i64, u8),
    CreditNote(usize, i64),
    Payment(usize, i64),
    Apply(usize, usize, i64),
    ApplyCredit(usize, usize, i64),
    Order(usize, i64, u8),
    CloseOrder(usize),
    Deliver(usize, i64),
    Invoiced(usize),
    Bill(usize, i64),
    BillPaid(usize),
    Plan(usize, i64),
    Limit(usize, i64),
    Hold(usize, bool),
}

fn op() -> impl Strategy<Value = Op> {
    let c = 0usize..4;
    let a = 1i64..50_000;
    prop_oneof![
        (c.clone(), a.clone(), 0u8..60).prop_map(|(c, a, due)| Op::Invoice(c, a, due)),
        (c.clone(), a.clone()).prop_map(|(c, a)| Op::CreditNote(c, a)),
        (c.clone(), a.clone()).prop_map(|(c, a)| Op::Payment(c, a)),
        (0usize..40, 0usize..40, a.clone()).prop_map(|(s, i, a)| Op::Apply(s, i, a)),
        (0usize..40, 0usize..40, a.clone()).prop_map(|(s, i, a)| Op::ApplyCredit(s, i, a)),
        (c.clone(), a.clone(), 0u8..90).prop_map(|(c, a, e)| Op::Order(c, a, e)),
        (0usize..20).prop_map(Op::CloseOrder),
        (c.clone(), a.clone()).prop_map(|(c, a)| Op::Deliver(c, a)),
        (0usize..20).prop_map(Op::Invoiced),
        (c.clone(), a.clone()).prop_map(|(c, a)| Op::Bill(c, a)),
        (0usize..20).prop_map(Op::BillPaid),
        (c.clone(), 0i64..50_000).prop_map(|(c, a)| Op::Plan(c, a)),
        (c.clone(), 0i64..500_000).prop_map(|(c, a)| Op::Limit(c, a)),
        (c, any::<bool>()).prop_map(|(c, h)| Op::Hold(c, h)),
    ]
}

const IDS: [&str; 4] = ["G", "S1", "S2", "A"];

/// The world the events describe, kept as plain records: the full recomputation
/// builds an index from it.
struct Model {
    ledger: Ledger,
    records: ExposureRecords,
    limits: CreditLimits,
    holds: Vec<OrderHold>,
    invoices: Vec<String>,
    credit_notes: Vec<String>,
    payments: Vec<String>,
    orders: Vec<String>,
    deliveries: Vec<String>,
    bills: Vec<String>,
}

const DAY: &str = "2024-03-10";

fn money_of(ledger: &Ledger, c: usize, minor: i64) -> Money {
    Money::from_minor(minor, ledger.customer(IDS[c]).unwrap().currency)
}

/// The event for an op, or `None` when the op makes no sense in this state (the
/// model decides validity from its own records, as an ERP would).
fn event(m: &mut Model, op: &Op, n: usize) -> Option<CreditEvent> {
    let day = d(DAY);
    Some(match *op {
        Op::Invoice(c, a, due) => {
            let id = format!("F{n}");
            m.invoices.push(id.clone());
            CreditEvent::ItemIssued(Item::invoice(
                id,
                IDS[c],
                day - chrono::Days::new(60),
                day - chrono::Days::new(30) + chrono::Days::new(u64::from(due)),
                money_of(&m.ledger, c, a),
            ))
        }
        Op::CreditNote(c, a) => {
            let id = format!("CN{n}");
            m.credit_notes.push(id.clone());
            CreditEvent::ItemIssued(Item::credit_note(
                id,
                IDS[c],
                day,
                money_of(&m.ledger, c, a),
            ))
        }
        Op::Payment(c, a) => {
            let id = format!("P{n}");
            m.payments.push(id.clone());
            CreditEvent::PaymentReceived(Payment::new(id, IDS[c], day, money_of(&m.ledger, c, a)))
        }
        Op::Apply(s, i, a) | Op::ApplyCredit(s, i, a) => {
            let credit = matches!(op, Op::ApplyCredit(..));
            let sources = if credit { &m.credit_notes } else { &m.payments };
            let src = sources.get(s % sources.len().max(1))?.clone();
            let item = m.invoices.get(i % m.invoices.len().max(1))?.clone();
            let same = |id: &str| {
                m.ledger
                    .item(id)
                    .map(|i| i.customer_id.clone())
                    .or_else(|| m.ledger.payment(id).map(|p| p.customer_id.clone()))
            };
            if same(&src)? != same(&item)? {
                return None;
            }
            let open = m.ledger.open_amount(&item, day).ok()?;
            let left = if credit {
                m.ledger.open_amount(&src, day).ok()?
            } else {
                m.ledger.unapplied_amount(&src, day).ok()?
            };
            let amount = Money::from_minor(a, open.currency())
                .checked_min(&open)
                .ok()?
                .checked_min(&left)
                .ok()?;
            if !amount.is_positive() {
                return None;
            }
            let source = if credit {
                Source::CreditNote(src)
            } else {
                Source::Payment(src)
            };
            CreditEvent::Applied(Application {
                source,
                item_id: item,
                date: day,
                amount,
                rule: MatchRule::Explicit,
            })
        }
        Op::Order(c, a, e) => {
            // Every third order replaces an earlier one (same id).
            let id = match m.orders.first() {
                Some(first) if n % 3 == 0 => first.clone(),
                _ => format!("O{n}"),
            };
            let customer = m
                .records
                .orders
                .iter()
                .find(|o| o.id == id)
                .map_or(IDS[c].to_owned(), |o| o.customer_id.clone());
            let cix = IDS.iter().position(|x| *x == customer)?;
            if !m.orders.contains(&id) {
                m.orders.push(id.clone());
            }
            CreditEvent::OrderPlaced(Order {
                id,
                customer_id: customer,
                amount: money_of(&m.ledger, cix, a),
                order_date: day,
                expected_on: Some(day + chrono::Days::new(u64::from(e))),
            })
        }
        Op::CloseOrder(i) => {
            let id = m.orders.get(i % m.orders.len().max(1))?.clone();
            m.orders.retain(|x| *x != id);
            CreditEvent::OrderClosed { order_id: id }
        }
        Op::Deliver(c, a) => {
            let id = format!("D{n}");
            m.deliveries.push(id.clone());
            CreditEvent::Delivered(Delivery {
                id,
                customer_id: IDS[c].into(),
                amount: money_of(&m.ledger, c, a),
                delivered_on: day,
            })
        }
        Op::Invoiced(i) => {
            let id = m.deliveries.get(i % m.deliveries.len().max(1))?.clone();
            m.deliveries.retain(|x| *x != id);
            CreditEvent::DeliveryInvoiced { delivery_id: id }
        }
        Op::Bill(c, a) => {
            let id = format!("B{n}");
            m.bills.push(id.clone());
            CreditEvent::BillAccepted(BillOfExchange {
                id,
                customer_id: IDS[c].into(),
                amount: money_of(&m.ledger, c, a),
                due_date: day + chrono::Days::new(30),
            })
        }
        Op::BillPaid(i) => {
            let id = m.bills.get(i % m.bills.len().max(1))?.clone();
            m.bills.retain(|x| *x != id);
            CreditEvent::BillSettled { bill_id: id }
        }
        Op::Plan(c, a) => CreditEvent::PlanBalanceSet(PlanBalance {
            plan_id: format!("PL{c}"),
            customer_id: IDS[c].into(),
            amount: money_of(&m.ledger, c, a),
        }),
        Op::Limit(c, a) => CreditEvent::LimitsSet {
            customer_id: IDS[c].into(),
            manual: vec![manual(IDS[c], money_of(&m.ledger, c, a), None, None)],
            temporary: vec![],
            insurer: vec![],
        },
        Op::Hold(c, true) => CreditEvent::HoldSet(OrderHold {
            customer_id: IDS[c].into(),
            since: day,
            reason: None,
        }),
        Op::Hold(c, false) => CreditEvent::HoldReleased {
            customer_id: IDS[c].into(),
        },
    })
}

/// The same event applied to the plain records.
fn record(m: &mut Model, e: &CreditEvent) {
    match e {
        CreditEvent::ItemIssued(i) => m.ledger.add_item(i.clone()).unwrap(),
        CreditEvent::PaymentReceived(p) => m.ledger.add_payment(p.clone()).unwrap(),
        CreditEvent::Applied(a) => m.ledger.record_application(a.clone()).unwrap(),
        CreditEvent::OrderPlaced(o) => {
            m.records.orders.retain(|x| x.id != o.id);
            m.records.orders.push(o.clone());
        }
        CreditEvent::OrderClosed { order_id } => m.records.orders.retain(|x| x.id != *order_id),
        CreditEvent::Delivered(dl) => m.records.deliveries.push(dl.clone()),
        CreditEvent::DeliveryInvoiced { delivery_id } => {
            m.records.deliveries.retain(|x| x.id != *delivery_id)
        }
        CreditEvent::BillAccepted(b) => m.records.bills.push(b.clone()),
        CreditEvent::BillSettled { bill_id } => m.records.bills.retain(|x| x.id != *bill_id),
        CreditEvent::PlanBalanceSet(p) => {
            m.records.plans.retain(|x| x.plan_id != p.plan_id);
            if p.amount.is_positive() {
                m.records.plans.push(p.clone());
            }
        }
        CreditEvent::LimitsSet {
            customer_id,
            manual,
            ..
        } => {
            m.limits.manual.retain(|x| x.customer_id != *customer_id);
            m.limits.manual.extend(manual.iter().cloned());
        }
        CreditEvent::HoldSet(h) => {
            m.holds.retain(|x| x.customer_id != h.customer_id);
            m.holds.push(h.clone());
        }
        CreditEvent::HoldReleased { customer_id } => {
            m.holds.retain(|x| x.customer_id != *customer_id)
        }
        _ => unreachable!("not generated"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// After any sequence of events, the index equals the index rebuilt from the
    /// records the events describe, and every check answers the same.
    #[test]
    fn incremental_index_equals_full_recomputation(ops in proptest::collection::vec(op(), 1..60)) {
        let l = group_ledger();
        let limits = CreditLimits { group: vec![GroupLimit { group_id: "G".into(), amount: eur("20000"), valid_from: None, valid_until: None }], ..CreditLimits::default() };
        let fx = fx();
        let mut m = Model { ledger: l.clone(), records: ExposureRecords::default(), limits: limits.clone(), holds: vec![], invoices: vec!["FG".into(), "FS1".into(), "FS2".into(), "FA".into()], credit_notes: vec![], payments: vec![], orders: vec![], deliveries: vec![], bills: vec![] };
        let mut index = build(&l, &ExposureRecords::default(), &limits, &[], &fx, DAY);
        for (n, op) in ops.iter().enumerate() {
            let Some(e) = event(&mut m, op, n) else { continue };
            index.apply(&e).unwrap();
            record(&mut m, &e);
        }
        let rebuilt = build(&m.ledger, &m.records, &m.limits, &m.holds, &fx, DAY);
        prop_assert_eq!(&index, &rebuilt);
        let opts = CheckOptions { horizon_days: Some(45), ..CheckOptions::default() };
        for id in IDS {
            let req = OrderRequest::new(id, money_of(&m.ledger, IDS.iter().position(|x| *x == id).unwrap(), 1_000), d(DAY));
            prop_assert_eq!(index.check(&opts, &req).unwrap(), rebuilt.check(&opts, &req).unwrap());
            prop_assert_eq!(index.exposure(id, d(DAY), None, None).unwrap(), rebuilt.exposure(id, d(DAY), None, None).unwrap());
        }
    }
}

#[test]
fn the_index_refuses_what_the_ledger_refuses() {
    let l = group_ledger();
    let mut index = build(
        &l,
        &ExposureRecords::default(),
        &CreditLimits::default(),
        &[],
        &fx(),
        DAY,
    );
    let before = index.clone();
    index
        .apply(&CreditEvent::PaymentReceived(Payment::new(
            "P1",
            "A",
            d(DAY),
            eur("100"),
        )))
        .unwrap();
    let too_much = Application {
        source: Source::Payment("P1".into()),
        item_id: "FA".into(),
        date: d(DAY),
        amount: eur("100.01"),
        rule: MatchRule::Explicit,
    };
    assert!(
        index
            .apply(&CreditEvent::Applied(too_much))
            .unwrap_err()
            .to_string()
            .starts_with("invalid application.amount: 100.01 EUR")
    );
    let wrong_cur = Item::invoice("X", "A", d(DAY), d(DAY), usd("1"));
    assert!(index.apply(&CreditEvent::ItemIssued(wrong_cur)).is_err());
    assert_eq!(
        index
            .apply(&CreditEvent::ItemIssued(Item::invoice(
                "FA",
                "A",
                d(DAY),
                d(DAY),
                eur("1")
            )))
            .unwrap_err()
            .to_string(),
        "duplicate item id \"FA\""
    );
    assert_eq!(
        index
            .apply(&CreditEvent::OrderClosed {
                order_id: "nope".into()
            })
            .unwrap_err()
            .to_string(),
        "unknown order \"nope\" referenced by order_closed"
    );
    assert_ne!(index, before);
}
