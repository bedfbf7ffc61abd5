//! What the risk module promises: behavioural features with hand-computed values, the
//! one-pass table equal to customers taken alone, external scales, stale inputs flagged
//! rather than used, scorecard contributions that add up to the score exactly (a
//! property), every bad scorecard refused naming the field, and upgrades/downgrades
//! with the factors that moved.

use chrono::NaiveDate;
use encours_core::dunning::{ActionKind, History, HistoryEntry, HistoryItem};
use encours_core::ledger::{Customer, Dispute, ExternalScore, Item, Ledger, Payment};
use encours_core::money::{Currency, Money};
use encours_core::promises::PromiseToPay;
use encours_core::risk::external::ProviderScale;
use encours_core::risk::features::{
    BehaviouralFeatures, FeatureConfig, FeatureFlag, FeatureInputs, customer_features,
    feature_table,
};
use encours_core::risk::scorecard::{Direction, Factor, Scorecard, migration};
use encours_core::risk::statements::{AltmanModel, FinancialStatement, Zone};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn eur(s: &str) -> Money {
    Money::parse(s, Currency::EUR).unwrap()
}

fn x(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// C1 pays: F1 (100, due 01-31) paid 02-10 (10 days late), F2 (300, due 09-30) paid
/// 09-25 (5 days early), F3 (200, due 10-31) open, F4 (400, due 06-30) open and
/// disputed for 100. C2 owes 1,000 not due. As of 2024-12-31.
fn ledger() -> Ledger {
    let mut c1 = Customer::new("C1", "Dupont", Currency::EUR);
    c1.credit_limit = Some(eur("1000"));
    c1.external_scores = vec![
        ExternalScore {
            provider: "Creditsafe".into(),
            value: x("70"),
            as_of: Some(d("2024-11-01")),
        },
        ExternalScore {
            provider: "Unknown Ltd".into(),
            value: x("3"),
            as_of: Some(d("2024-11-01")),
        },
    ];
    let mut f4 = Item::invoice("F4", "C1", d("2024-06-01"), d("2024-06-30"), eur("400"));
    f4.dispute = Some(Dispute::new(eur("100"), d("2024-07-05")));
    let mut l = Ledger::new(
        vec![c1, Customer::new("C2", "Martin", Currency::EUR)],
        vec![
            Item::invoice("F1", "C1", d("2024-01-01"), d("2024-01-31"), eur("100")),
            Item::invoice("F2", "C1", d("2024-09-01"), d("2024-09-30"), eur("300")),
            Item::invoice("F3", "C1", d("2024-10-01"), d("2024-10-31"), eur("200")),
            f4,
            Item::invoice("G1", "C2", d("2024-12-15"), d("2025-01-14"), eur("1000")),
        ],
        vec![
            Payment::new("P1", "C1", d("2024-02-10"), eur("100")),
            Payment::new("P2", "C1", d("2024-09-25"), eur("300")),
        ],
        vec![],
    )
    .unwrap();
    l.apply_payment("P1", "F1", eur("100"), d("2024-02-10"))
        .unwrap();
    l.apply_payment("P2", "F2", eur("300"), d("2024-09-25"))
        .unwrap();
    l
}

fn creditsafe() -> ProviderScale {
    ProviderScale::new("creditsafe", Decimal::ZERO, Decimal::ONE_HUNDRED, true).unwrap()
}

#[test]
fn features_by_hand() {
    let l = ledger();
    let scales = [creditsafe()];
    let history = History {
        entries: vec![HistoryEntry {
            action_id: "a".into(),
            date: d("2024-11-15"),
            customer_id: "C1".into(),
            kind: ActionKind::Step,
            scenario_id: "s".into(),
            step_id: Some("r2".into()),
            items: vec![HistoryItem {
                item_id: "F4".into(),
                level: 2,
                indemnity_claimed: false,
            }],
        }],
    };
    // Promised 200 by 11-30, nothing paid: broken. Promised 300 by 09-26: kept by P2.
    let promises = [
        PromiseToPay::new("PR1", "C1", eur("200"), d("2024-11-30"), d("2024-11-20")).unwrap(),
        PromiseToPay::new("PR2", "C1", eur("300"), d("2024-09-26"), d("2024-09-20")).unwrap(),
    ];
    let inputs = FeatureInputs {
        history: Some(&history),
        promises: Some(&promises),
        scales: &scales,
        statements: &[],
    };
    let t = feature_table(&l, &FeatureConfig::default(), &inputs, d("2024-12-31")).unwrap();
    let f = &t.rows[0];
    // Long window (365 days): F1 +10 days on 100, F2 −5 days on 300: (1000 − 1500) / 400.
    assert_eq!(f.days_beyond_terms_long, Some(x("-1.25")));
    // Short window (90 days, after 10-02): F2 was paid on 09-25: nothing settled in it.
    assert_eq!(f.days_beyond_terms_short, None);
    assert_eq!(f.trend, None);
    assert_eq!(f.items_settled, 2);
    assert_eq!(f.late_share, Some(x("0.5")));
    // PAYDEX key: 10 days late = 80 − 10 × 10/15 = 73.3333; 5 days early = 82.5.
    // (100 × 73.3333 + 300 × 82.5) / 400 = 80.21.
    assert_eq!(f.payment_index, Some(x("80.21")));
    // F4 is 184 days past due on 12-31; F3 61 days.
    assert_eq!(f.worst_delay_days, Some(184));
    assert_eq!(f.open_debits, eur("600.00"));
    assert_eq!(f.overdue_share, Some(Decimal::ONE));
    assert_eq!(f.over_90_share, Some(x("0.6667")));
    assert_eq!(f.dispute_ratio, Some(x("0.1667")));
    assert_eq!(f.limit_utilisation, Some(x("0.6")));
    assert_eq!(f.dunning_level, Some(2));
    assert_eq!(f.broken_promise_ratio, Some(x("0.5")));
    assert_eq!(f.relationship_days, Some(365));
    // 600 of a portfolio of 1,600.
    assert_eq!(f.portfolio_share, Some(x("0.375")));
    assert_eq!(f.external_score, Some(x("70")));
    assert_eq!(
        f.flags,
        vec![FeatureFlag::UnknownProvider {
            provider: "Unknown Ltd".into()
        }]
    );
    // C2: nothing paid, nothing overdue, no history entries, no promises.
    let g = &t.rows[1];
    assert_eq!(
        (
            g.payment_index,
            g.overdue_share,
            g.dunning_level,
            g.broken_promise_ratio
        ),
        (None, Some(Decimal::ZERO), Some(0), None)
    );
}

#[test]
fn the_table_equals_each_customer_alone() {
    let l = encours_sample_like();
    let c = FeatureConfig::default();
    let day = d("2024-12-31");
    let t = feature_table(&l, &c, &FeatureInputs::default(), day).unwrap();
    for row in &t.rows {
        let alone = customer_features(
            &l,
            &row.customer_id,
            &c,
            &FeatureInputs::default(),
            day,
            None,
        )
        .unwrap();
        assert_eq!(&alone, row);
    }
}

/// A small ledger with several customers, partial payments and credit notes.
fn encours_sample_like() -> Ledger {
    let mut customers = Vec::new();
    let mut items = Vec::new();
    let mut payments = Vec::new();
    for c in 0..5 {
        let id = format!("C{c}");
        customers.push(Customer::new(id.clone(), "x", Currency::EUR));
        for i in 0..6 {
            let issue = d("2024-01-05") + chrono::Days::new(40 * i + 7 * c);
            items.push(Item::invoice(
                format!("F{c}-{i}"),
                id.clone(),
                issue,
                issue + chrono::Days::new(30),
                Money::from_minor(10_000 * (i as i64 + 1), Currency::EUR),
            ));
        }
        payments.push(Payment::new(
            format!("P{c}"),
            id.clone(),
            d("2024-06-01"),
            Money::from_minor(25_000, Currency::EUR),
        ));
    }
    let mut l = Ledger::new(customers, items, payments, vec![]).unwrap();
    for c in 0..5 {
        l.auto_apply(&format!("P{c}")).unwrap();
    }
    l
}

#[test]
fn stale_statements_and_scores_are_flagged_not_used() {
    let l = ledger();
    let mut st = FinancialStatement::new("C1", d("2022-12-31"), Currency::EUR);
    st.total_assets = Some(x("1000"));
    st.current_assets = Some(x("400"));
    st.current_liabilities = Some(x("200"));
    st.total_liabilities = Some(x("500"));
    st.retained_earnings = Some(x("200"));
    st.ebit = Some(x("100"));
    st.sales = Some(x("1500"));
    st.book_equity = Some(x("500"));
    let scales = [creditsafe()];
    let statements = [st.clone()];
    let inputs = FeatureInputs {
        scales: &scales,
        statements: &statements,
        ..FeatureInputs::default()
    };
    let config = FeatureConfig {
        score_max_age_days: 30,
        ..FeatureConfig::default()
    };
    let f = customer_features(&l, "C1", &config, &inputs, d("2024-12-31"), None).unwrap();
    assert_eq!(f.altman_score, None);
    assert_eq!(f.external_score, None);
    assert!(f.flags.contains(&FeatureFlag::StaleStatement {
        period_end: d("2022-12-31"),
        age_days: 731
    }));
    assert!(f.flags.contains(&FeatureFlag::StaleExternalScore {
        provider: "Creditsafe".into(),
        age_days: 60
    }));
    // A fresh statement is used: Z' = 2.5405, grey.
    let mut fresh = st;
    fresh.period_end = d("2024-06-30");
    let statements = [fresh];
    let inputs = FeatureInputs {
        statements: &statements,
        ..FeatureInputs::default()
    };
    let f = customer_features(
        &l,
        "C1",
        &FeatureConfig::default(),
        &inputs,
        d("2024-12-31"),
        None,
    )
    .unwrap();
    assert_eq!(
        (f.altman_score, f.altman_zone),
        (Some(x("2.5405")), Some(Zone::Grey))
    );
    // The model is an option: Z'' on the same figures: 6.56×0.2 + 3.26×0.2 + 6.72×0.1 + 1.05×1 = 3.686.
    let config = FeatureConfig {
        altman_model: AltmanModel::ZDoublePrimeNonManufacturer,
        ..FeatureConfig::default()
    };
    let f = customer_features(&l, "C1", &config, &inputs, d("2024-12-31"), None).unwrap();
    assert_eq!(
        (f.altman_score, f.altman_zone),
        (Some(x("3.686")), Some(Zone::Safe))
    );
}

#[test]
fn an_impossible_statement_is_refused_by_the_features() {
    let l = ledger();
    let mut st = FinancialStatement::new("C1", d("2024-06-30"), Currency::EUR);
    st.total_assets = Some(x("-1"));
    let statements = [st];
    let inputs = FeatureInputs {
        statements: &statements,
        ..FeatureInputs::default()
    };
    let e = feature_table(&l, &FeatureConfig::default(), &inputs, d("2024-12-31")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid total_assets of the statement of \"C1\" for 2024-06-30: -1 (zero or more)"
    );
}

#[test]
fn features_serialize_for_other_modules() {
    let l = ledger();
    let f = customer_features(
        &l,
        "C1",
        &FeatureConfig::default(),
        &FeatureInputs::default(),
        d("2024-12-31"),
        None,
    )
    .unwrap();
    let json = serde_json::to_string(&f).unwrap();
    let back: BehaviouralFeatures = serde_json::from_str(&json).unwrap();
    assert_eq!(back, f);
}

#[test]
fn scorecard_errors_name_the_field() {
    let cases = [
        (
            r#"{"factors":[{"factor":"overdue_share","weight":"0.5","missing":"0","bins":[{"points":"1"}]}]}"#,
            "invalid factors: weights add up to 0.5 (weights adding up to exactly 1)",
        ),
        (
            r#"{"factors":[{"factor":"overdue_share","weight":"1","missing":"0","bins":[{"to":"0.5","points":"1"},{"from":"0.4","points":"0"}]}]}"#,
            "invalid factors[0].bins[1].from: 0.4 (the previous bin's upper bound 0.5 (bins ordered, contiguous, not overlapping))",
        ),
        (
            r#"{"factors":[{"factor":"overdue_share","weight":"1","missing":"0","bins":[{"to":"0.5","points":"1"},{"from":"0.5","to":"0.2","points":"1"},{"from":"0.2","points":"0"}]}]}"#,
            "invalid factors[0].bins[1].to: 0.2 (more than from 0.5)",
        ),
        (
            r#"{"factors":[{"factor":"overdue_share","weight":"1","missing":"101","bins":[{"points":"1"}]}]}"#,
            "invalid factors[0].missing: 101 (points between 0 and 100)",
        ),
        (
            r#"{"factors":[{"factor":"overdue_share","weight":"0.33333","missing":"1","bins":[{"points":"1"}]}]}"#,
            "invalid factors[0].weight: 0.33333 (more than 0, at most 1, with at most 4 decimals)",
        ),
        (
            r#"{"factors":[{"factor":"overdue_share","weight":"1","missing":"1","bins":[{"points":"1"}]}],"classes":[{"name":"A","min_score":"50"},{"name":"B","min_score":"60"}]}"#,
            "invalid classes[1].min_score: 60 (less than the previous class's 50)",
        ),
        (
            r#"{"factors":[{"factor":"overdue_share","weight":"1","missing":"1","bins":[{"points":"1"}]}],"classes":[{"name":"A","min_score":"50"}]}"#,
            "invalid classes: no class from 0 (the last class starting at min_score 0)",
        ),
        (
            r#"{"factors":[{"factor":"overdue_share","weight":"1","missing":"1","bins":[{"points":"1"}],"linear":{"from":"0","from_points":"0","to":"1","to_points":"1"}}]}"#,
            "invalid factor OverdueShare: bins and linear (exactly one of `bins` or `linear`)",
        ),
    ];
    for (json, want) in cases {
        let e = serde_json::from_str::<Scorecard>(json)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(want), "{e}\nwanted {want}");
    }
    let unknown = serde_json::from_str::<Scorecard>(r#"{"factors":[{"factor":"overdue_shares","weight":"1","missing":"1","bins":[{"points":"1"}]}]}"#).unwrap_err().to_string();
    assert!(
        unknown.contains("unknown variant `overdue_shares`"),
        "{unknown}"
    );
    let key = serde_json::from_str::<Scorecard>(r#"{"factors":[{"factor":"overdue_share","weight":"1","missing":"1","bins":[{"points":"1"}]}],"clases":[]}"#).unwrap_err().to_string();
    assert!(key.contains("unknown field `clases`"), "{key}");
}

#[test]
fn default_scorecard_round_trips_and_class_names_are_configurable() {
    let card = Scorecard::default_card();
    let json = serde_json::to_string(&card).unwrap();
    let back: Scorecard = serde_json::from_str(&json).unwrap();
    assert_eq!(back, card);
    let mut named = serde_json::to_value(&card).unwrap();
    named["classes"] =
        serde_json::json!([{"name": "low", "min_score": "60"}, {"name": "high", "min_score": "0"}]);
    let card: Scorecard = serde_json::from_value(named).unwrap();
    let l = ledger();
    let f = customer_features(
        &l,
        "C2",
        &FeatureConfig::default(),
        &FeatureInputs::default(),
        d("2024-12-31"),
        None,
    )
    .unwrap();
    let s = card.score(&f).unwrap();
    assert_eq!(s.class, "low");
}

#[test]
fn upgrade_and_downgrade_with_the_factors_that_moved() {
    let l = ledger();
    let card = Scorecard::default_card();
    let at = |day: &str| {
        card.score(
            &customer_features(
                &l,
                "C1",
                &FeatureConfig::default(),
                &FeatureInputs::default(),
                d(day),
                None,
            )
            .unwrap(),
        )
        .unwrap()
    };
    let (early, late) = (at("2024-02-15"), at("2024-12-31"));
    let m = migration(&early, &late).unwrap();
    assert_eq!(m.direction, Direction::Downgrade);
    assert_eq!(m.score_delta, late.score - early.score);
    let total: Decimal = m.moved.iter().map(|f| f.delta).sum();
    assert_eq!(
        total, m.score_delta,
        "the factors that moved explain the whole change"
    );
    let back = migration(&late, &early).unwrap();
    assert_eq!(back.direction, Direction::Upgrade);
    assert!(migration(&late, &at_other(&l, &card)).is_err());
}

fn at_other(l: &Ledger, card: &Scorecard) -> encours_core::risk::scorecard::Score {
    card.score(
        &customer_features(
            l,
            "C2",
            &FeatureConfig::default(),
            &FeatureInputs::default(),
            d("2024-12-31"),
            None,
        )
        .unwrap(),
    )
    .unwrap()
}

fn opt_dec() -> impl Strategy<Value = Option<Decimal>> {
    prop_oneof![
        Just(None),
        (-500_000i64..500_000).prop_map(|n| Some(Decimal::new(n, 4)))
    ]
}

proptest! {
    /// The reasons add up to the score exactly, whatever the features.
    #[test]
    fn contributions_add_up_to_the_score(values in proptest::collection::vec(opt_dec(), 16)) {
        let l = ledger();
        let mut f = customer_features(&l, "C1", &FeatureConfig::default(), &FeatureInputs::default(), d("2024-12-31"), None).unwrap();
        let v = |i: usize| values[i];
        f.days_beyond_terms_short = v(0); f.days_beyond_terms_long = v(1); f.trend = v(2);
        f.payment_index = v(3); f.late_share = v(4); f.overdue_share = v(5); f.over_90_share = v(6);
        f.broken_promise_ratio = v(7); f.dispute_ratio = v(8); f.limit_utilisation = v(9);
        f.portfolio_share = v(10); f.external_score = v(11); f.altman_score = v(12);
        f.relationship_days = v(13).map(|d| d.trunc().mantissa() as i64);
        let card = Scorecard::default_card();
        let s = card.score(&f).unwrap();
        let total: Decimal = s.contributions.iter().map(|c| c.contribution).sum();
        prop_assert_eq!(total, s.score);
        prop_assert!(s.score >= Decimal::ZERO && s.score <= Decimal::ONE_HUNDRED);
        prop_assert_eq!(s.contributions.len(), card.factors.len());
        for w in s.contributions.windows(2) {
            prop_assert!(w[0].shortfall >= w[1].shortfall);
        }
        let _ = Factor::AltmanScore;
    }
}
