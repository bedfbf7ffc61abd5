//! Collection metrics: published worked examples (named), hand-computed ledgers,
//! cross-checks against the baseline definitions in `shared/perf/README.md`, edge
//! cases, conversion, serde and properties.
// Amounts are written as units_cents (1000_00 = 1000.00), as in the money module.
#![allow(clippy::inconsistent_digit_grouping)]

use chrono::{Months, NaiveDate};
use encours_core::aging::{AgingBuckets, GroupBy, aging};
use encours_core::ledger::{Customer, Item, Ledger, Payment};
use encours_core::metrics::{
    Cei, CountBackDso, CountBackMonth, IndexAnchor, MetricValue, ParetoUnit, PaymentIndexScale,
    PortfolioSummary, ReportError, Row, SimpleDso, SummaryConfig, Undefined,
    collection_effectiveness, dso_count_back, dso_simple, pareto, pareto_in_base,
    payment_behaviour, portfolio_summary, rows_in_base,
};
use encours_core::money::{Currency, FxRates, Money, RoundingMode};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::EUR)
}

fn usd(dollars: i64) -> Money {
    Money::from_minor(dollars * 100, Currency::USD)
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn value(v: MetricValue) -> Decimal {
    v.value().unwrap_or_else(|| panic!("undefined: {v:?}"))
}

// ---------------------------------------------------------------------------------
// Published worked examples
// ---------------------------------------------------------------------------------

#[test]
fn simple_dso_oracle_jd_edwards_example() {
    // Oracle JD Edwards EnterpriseOne Accounts Receivable Implementation Guide 9.2,
    // "Current Balance Divided by Sales": (10869 × 90) / (5538 + 4566 + 7570) = 55.35.
    let s = SimpleDso::compute(usd(10869), usd(0), usd(5538 + 4566 + 7570), 90).unwrap();
    assert_eq!(value(s.dso), dec("55.35"));
}

#[test]
fn count_back_benji_pays_example() {
    // Benji Pays support, "Mastering DSO Calculation: The Count-Back Method Explained"
    // (2 April 2024): sales month 3 = 100 000, month 2 = 80 000, month 1 = 70 000 (30-day
    // months), ending receivables 212 000 → 30 + 30 + 32 000/70 000 × 30 = 73.71 days.
    let months = vec![
        CountBackMonth::new(d(2024, 3, 31), 30, usd(100_000)),
        CountBackMonth::new(d(2024, 2, 29), 30, usd(80_000)),
        CountBackMonth::new(d(2024, 1, 31), 30, usd(70_000)),
    ];
    let cb = CountBackDso::compute(usd(212_000), months).unwrap();
    assert_eq!(value(cb.dso), dec("73.71"));
    let counted: Vec<Decimal> = cb.months.iter().map(|m| m.counted_days).collect();
    assert_eq!(counted, [dec("30"), dec("30"), dec("13.7143")]);
    assert!(!cb.capped);
}

#[test]
fn count_back_calendar_months_on_a_ledger() {
    // "Debtor Days Calculation Count Back Method" (calculator7.snowdaycalculatornow.com):
    // closing receivables 2 100 000; March sales 900 000 (31 days), February 800 000 (28),
    // January 700 000 (31) → 31 + 28 + 400 000/700 000 × 31 = 76.71 days.
    // Reproduced on a ledger as of 31 March 2023, whose calendar months are exactly those.
    let inv =
        |id: &str, issued, amount| Item::invoice(id, "C1", issued, d(2023, 6, 30), usd(amount));
    let mut l = Ledger::new(
        vec![Customer::new("C1", "A", Currency::USD)],
        vec![
            inv("JAN", d(2023, 1, 10), 700_000),
            inv("FEB", d(2023, 2, 10), 800_000),
            inv("MAR", d(2023, 3, 10), 900_000),
        ],
        vec![Payment::new("P1", "C1", d(2023, 2, 15), usd(300_000))],
        vec![],
    )
    .unwrap();
    l.apply_payment("P1", "JAN", usd(300_000), d(2023, 2, 15))
        .unwrap();
    let rows = dso_count_back(&l, d(2023, 3, 31), GroupBy::Customer).unwrap();
    let cb = &rows[0].figures;
    assert_eq!(cb.ar, usd(2_100_000));
    assert_eq!(
        cb.months
            .iter()
            .take(3)
            .map(|m| (m.end, m.days))
            .collect::<Vec<_>>(),
        [
            (d(2023, 3, 31), 31),
            (d(2023, 2, 28), 28),
            (d(2023, 1, 31), 31)
        ]
    );
    assert_eq!(value(cb.dso), dec("76.71"));
    assert_eq!(cb.months[2].counted_days, dec("17.7143"));
}

#[test]
fn count_back_anaplan_example_on_a_ledger() {
    // Anaplan Community, "Count back for turnover" (discussion 55580): AR 2 000 at the
    // end of January; revenue Jan 200, Dec 400, Nov 600, Oct 700, Sep 500 →
    // 31 + 31 + 30 + 31 + 30 × 100/500 = 129 days.
    let inv =
        |id: &str, issued, amount| Item::invoice(id, "C1", issued, d(2030, 1, 1), usd(amount));
    let mut l = Ledger::new(
        vec![Customer::new("C1", "A", Currency::USD)],
        vec![
            inv("SEP", d(2023, 9, 1), 500),
            inv("OCT", d(2023, 10, 31), 700),
            inv("NOV", d(2023, 11, 30), 600),
            inv("DEC", d(2023, 12, 1), 400),
            inv("JAN", d(2024, 1, 31), 200),
        ],
        vec![Payment::new("P1", "C1", d(2023, 9, 30), usd(400))],
        vec![],
    )
    .unwrap();
    l.apply_payment("P1", "SEP", usd(400), d(2023, 9, 30))
        .unwrap();
    let cb = &dso_count_back(&l, d(2024, 1, 31), GroupBy::Portfolio).unwrap()[0].figures;
    assert_eq!(value(cb.dso), Decimal::from(129));
}

#[test]
fn cei_creditguru_example() {
    // creditguru.com, "Ratio - Collection Effectiveness Index (CEI)", sample ATB Jan–Mar:
    // beginning receivables 6 200, credit sales 10 890 over N = 3 months, ending total
    // 6 340, ending current 3 590 → CEI = 55.9 % with the CRF formula (sales / N).
    let (from, to) = (d(2024, 1, 1), d(2024, 3, 31));
    let c = Cei::compute(from, to, usd(6200), usd(10890), 3, usd(6340), usd(3590)).unwrap();
    assert_eq!(value(c.cei), dec("55.93"));
    // The same sample solved with the period's whole sales (N = 1), as on wizedu.com
    // (question 116374): 10 750 / 13 500 = 79.63 %.
    let c = Cei::compute(from, to, usd(6200), usd(10890), 1, usd(6340), usd(3590)).unwrap();
    assert_eq!(value(c.cei), dec("79.63"));
}

#[test]
fn paydex_key_as_published_by_dnb() {
    // Dun & Bradstreet PAYDEX key: 100 anticipate, 90 discount, 80 prompt, 70 = 15 days
    // beyond terms, 60 = 22, 50 = 30, 40 = 60, 30 = 90, 20 = 120. Day equivalents of
    // "anticipate" (30 early) and "discount" (20 early) as in Paycron's guide (2022).
    let s = PaymentIndexScale::paydex();
    for (days, score) in [
        (-30, 100),
        (-20, 90),
        (0, 80),
        (15, 70),
        (22, 60),
        (30, 50),
        (60, 40),
        (90, 30),
        (120, 20),
        (180, 1),
    ] {
        assert_eq!(s.score(days), Decimal::from(score), "{days} days");
    }
    // Linear in between, rounded to 4 decimals; clamped outside.
    assert_eq!(s.score(7), dec("75.3333"));
    assert_eq!(s.score(-10), dec("85"));
    assert_eq!(s.score(150), dec("10.5"));
    assert_eq!(s.score(-365), dec("100"));
    assert_eq!(s.score(10_000), dec("1"));
}

// ---------------------------------------------------------------------------------
// A ledger computed by hand
// ---------------------------------------------------------------------------------

/// As of 2024-06-30, one EUR customer (amounts in EUR):
/// - A 1000 issued 15 Mar, due 14 Apr, open;
/// - B 500 issued 1 Apr (the first day *outside* the 90-day window), due 1 May, open;
/// - C 2000 issued 2 Apr, due 2 May, paid 12 May (10 days late);
/// - D 3000 issued 1 Jun, due 1 Jul, open (current);
/// - E 1500 issued 15 Jun, due 30 Jun, 500 paid on 20 Jun → 1000 open (current: 0 days);
/// - F 400 issued 1 Jan, due 31 Jan, paid 21 Jan (10 days early);
/// - G 700 issued 1 Jan 2023, due 31 Jan 2023, paid 1 Mar 2023 (before every window).
///
/// AR = 1000 + 500 + 3000 + 1000 = 5500; current AR = 4000; sales in (1 Apr, 30 Jun] =
/// 2000 + 3000 + 1500 = 6500.
fn hand_ledger() -> Ledger {
    let inv = |id: &str, issue, due, minor| Item::invoice(id, "C1", issue, due, eur(minor));
    let mut l = Ledger::new(
        vec![Customer::new("C1", "Alpha", Currency::EUR)],
        vec![
            inv("A", d(2024, 3, 15), d(2024, 4, 14), 1000_00),
            inv("B", d(2024, 4, 1), d(2024, 5, 1), 500_00),
            inv("C", d(2024, 4, 2), d(2024, 5, 2), 2000_00),
            inv("D", d(2024, 6, 1), d(2024, 7, 1), 3000_00),
            inv("E", d(2024, 6, 15), d(2024, 6, 30), 1500_00),
            inv("F", d(2024, 1, 1), d(2024, 1, 31), 400_00),
            inv("G", d(2023, 1, 1), d(2023, 1, 31), 700_00),
        ],
        vec![
            Payment::new("PC", "C1", d(2024, 5, 12), eur(2000_00)),
            Payment::new("PE", "C1", d(2024, 6, 20), eur(500_00)),
            Payment::new("PF", "C1", d(2024, 1, 21), eur(400_00)),
            Payment::new("PG", "C1", d(2023, 3, 1), eur(700_00)),
        ],
        vec![],
    )
    .unwrap();
    l.apply_payment("PC", "C", eur(2000_00), d(2024, 5, 12))
        .unwrap();
    l.apply_payment("PE", "E", eur(500_00), d(2024, 6, 20))
        .unwrap();
    l.apply_payment("PF", "F", eur(400_00), d(2024, 1, 21))
        .unwrap();
    l.apply_payment("PG", "G", eur(700_00), d(2023, 3, 1))
        .unwrap();
    l
}

const AS_OF: (i32, u32, u32) = (2024, 6, 30);

fn as_of() -> NaiveDate {
    d(AS_OF.0, AS_OF.1, AS_OF.2)
}

#[test]
fn simple_dso_best_possible_and_add_by_hand() {
    let rows = dso_simple(&hand_ledger(), as_of(), 90, GroupBy::Customer).unwrap();
    let s = &rows[0].figures;
    assert_eq!(
        (s.ar, s.current_ar, s.sales, s.days),
        (eur(5500_00), eur(4000_00), eur(6500_00), 90)
    );
    assert_eq!(value(s.dso), dec("76.15")); // 5500 × 90 / 6500 = 76.1538
    assert_eq!(value(s.best_possible_dso), dec("55.38")); // 4000 × 90 / 6500 = 55.3846
    assert_eq!(value(s.average_days_delinquent), dec("20.77"));
    // A 30-day period: only D and E (4500) were sold.
    let s = &dso_simple(&hand_ledger(), as_of(), 30, GroupBy::Customer).unwrap()[0].figures;
    assert_eq!(s.sales, eur(4500_00));
    assert_eq!(value(s.dso), dec("36.67")); // 5500 × 30 / 4500
}

#[test]
fn count_back_by_hand() {
    let cb = &dso_count_back(&hand_ledger(), as_of(), GroupBy::Customer).unwrap()[0].figures;
    // Months back from 30 June 2024: (30 May, 30 Jun] 31 days, (30 Apr, 30 May] 30,
    // (30 Mar, 30 Apr] 31, (29 Feb, 30 Mar] 30, (30 Jan, 29 Feb] 30, (30 Dec, 30 Jan] 31…
    let head: Vec<_> = cb
        .months
        .iter()
        .take(6)
        .map(|m| (m.end, m.days, m.sales))
        .collect();
    assert_eq!(
        head,
        [
            (d(2024, 6, 30), 31, eur(4500_00)),
            (d(2024, 5, 30), 30, eur(0)),
            (d(2024, 4, 30), 31, eur(2500_00)),
            (d(2024, 3, 30), 30, eur(1000_00)),
            (d(2024, 2, 29), 30, eur(0)),
            (d(2024, 1, 30), 31, eur(400_00)),
        ]
    );
    assert_eq!(
        cb.months.iter().map(|m| m.days).sum::<u32>(),
        366,
        "the span holds 29 Feb"
    );
    // 5500 − 4500 → 31 days; an empty month counts fully (30); 1000/2500 × 31 = 12.4.
    assert_eq!(value(cb.dso), dec("73.4"));
    let counted: Vec<_> = cb.months.iter().take(4).map(|m| m.counted_days).collect();
    assert_eq!(counted, [dec("31"), dec("30"), dec("12.4"), dec("0")]);
}

#[test]
fn cei_by_hand() {
    let rows =
        collection_effectiveness(&hand_ledger(), d(2024, 6, 1), as_of(), 1, GroupBy::Customer)
            .unwrap();
    let c = &rows[0].figures;
    // Beginning (end of 31 May): A 1000 + B 500 (C was paid on 12 May).
    assert_eq!(c.beginning_ar, eur(1500_00));
    assert_eq!(c.sales, eur(4500_00));
    assert_eq!(
        (c.ending_ar, c.ending_current_ar),
        (eur(5500_00), eur(4000_00))
    );
    // (1500 + 4500 − 5500) / (1500 + 4500 − 4000) = 25 %.
    assert_eq!(value(c.cei), dec("25"));
    // May: beginning A 1000 + B 500 + C 2000 (end of 30 April), no sales; C collected;
    // ending 1500 of which nothing is current → 2000 / 3500.
    let may = &collection_effectiveness(
        &hand_ledger(),
        d(2024, 5, 1),
        d(2024, 5, 31),
        1,
        GroupBy::Customer,
    )
    .unwrap()[0]
        .figures;
    assert_eq!(
        (
            may.beginning_ar,
            may.sales,
            may.ending_ar,
            may.ending_current_ar
        ),
        (eur(3500_00), eur(0), eur(1500_00), eur(0))
    );
    assert_eq!(value(may.cei), dec("57.14"));
}

#[test]
fn days_beyond_terms_and_payment_index_by_hand() {
    let s = PaymentIndexScale::paydex();
    let rows = payment_behaviour(&hand_ledger(), as_of(), 365, &s, GroupBy::Customer).unwrap();
    let p = &rows[0].figures;
    // C (2000, +10 days) and F (400, −10 days); E is not fully paid, G is outside the window.
    assert_eq!((p.items, p.amount), (2, eur(2400_00)));
    assert_eq!(p.window_start, d(2023, 7, 1));
    assert_eq!(p.weighted_days, dec("16000"));
    assert_eq!(value(p.days_beyond_terms), dec("6.67"));
    // 2000 × 73.3333 + 400 × 85 = 180 666.6 → / 2400 = 75.27775.
    assert_eq!(p.weighted_score, dec("180666.6"));
    assert_eq!(value(p.payment_index), dec("75.28"));
    // A 60-day window keeps only C.
    let p =
        &payment_behaviour(&hand_ledger(), as_of(), 60, &s, GroupBy::Customer).unwrap()[0].figures;
    assert_eq!(
        (p.items, value(p.days_beyond_terms), value(p.payment_index)),
        (1, dec("10"), dec("73.33"))
    );
    // Nothing paid in the last 30 days: no row at all.
    assert!(
        payment_behaviour(&hand_ledger(), as_of(), 30, &s, GroupBy::Customer)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn summary_matches_the_standalone_reports() {
    let l = hand_ledger();
    let mut config = SummaryConfig::new(as_of());
    config.cei_from = Some(d(2024, 6, 1));
    let s = portfolio_summary(&l, &config, GroupBy::Customer).unwrap();
    assert_eq!(s.rows.len(), 1);
    let f = &s.rows[0].figures;
    assert_eq!(
        f.dso,
        dso_simple(&l, as_of(), 90, GroupBy::Customer).unwrap()[0].figures
    );
    assert_eq!(
        f.count_back,
        dso_count_back(&l, as_of(), GroupBy::Customer).unwrap()[0].figures
    );
    assert_eq!(
        f.cei,
        collection_effectiveness(&l, d(2024, 6, 1), as_of(), 1, GroupBy::Customer).unwrap()[0]
            .figures
    );
    assert_eq!(
        f.payment,
        payment_behaviour(
            &l,
            as_of(),
            365,
            &PaymentIndexScale::paydex(),
            GroupBy::Customer
        )
        .unwrap()[0]
            .figures
    );
    assert_eq!(
        s.aging_report().unwrap(),
        aging(&l, as_of(), &AgingBuckets::standard(), GroupBy::Customer).unwrap()
    );
    // One customer, one currency: the portfolio row has the same figures.
    assert_eq!(s.portfolio[0].figures, *f);
    // Pareto: D 3000 + E 1000 = 4000 ≥ 80 % of 5500 (4400)? No: add A → 5000.
    let p = &s.pareto_items[0].figures;
    assert_eq!(p.ids, ["D", "A", "E"]);
    assert_eq!((p.count, p.total_count, p.amount), (3, 4, eur(5000_00)));
    assert_eq!(
        (p.count_share, p.amount_share),
        (dec("0.75"), dec("0.9091"))
    );
    assert_eq!(s.pareto_customers[0].figures.ids, ["C1"]);
}

#[test]
fn default_cei_period_is_the_calendar_month_ending_at_as_of() {
    let c = SummaryConfig::new(d(2024, 3, 31));
    assert_eq!(c.cei_start().unwrap(), d(2024, 3, 1));
    let c = SummaryConfig::new(d(2024, 6, 30));
    assert_eq!(c.cei_start().unwrap(), d(2024, 5, 31));
    let s = portfolio_summary(
        &hand_ledger(),
        &SummaryConfig::new(as_of()),
        GroupBy::Portfolio,
    )
    .unwrap();
    assert_eq!(
        (s.rows[0].figures.cei.from, s.rows[0].figures.cei.to),
        (d(2024, 5, 31), as_of())
    );
}

// ---------------------------------------------------------------------------------
// Edge cases
// ---------------------------------------------------------------------------------

#[test]
fn zero_sales_gives_undefined_with_a_reason() {
    let l = Ledger::new(
        vec![Customer::new("C1", "A", Currency::EUR)],
        vec![Item::invoice(
            "OLD",
            "C1",
            d(2022, 1, 1),
            d(2022, 1, 31),
            eur(100_00),
        )],
        vec![],
        vec![],
    )
    .unwrap();
    let s = &dso_simple(&l, as_of(), 90, GroupBy::Customer).unwrap()[0].figures;
    assert_eq!(s.dso, MetricValue::Undefined(Undefined::NoSales));
    assert_eq!(
        s.average_days_delinquent,
        MetricValue::Undefined(Undefined::NoSales)
    );
    // Count-back: AR older than twelve months of (no) sales: the whole span, capped.
    let cb = &dso_count_back(&l, as_of(), GroupBy::Customer).unwrap()[0].figures;
    assert!(cb.capped);
    assert_eq!(value(cb.dso), Decimal::from(366)); // 30 Jun 2023 → 30 Jun 2024 holds 29 Feb
    let cb = &dso_count_back(&l, d(2023, 6, 30), GroupBy::Customer).unwrap()[0].figures;
    assert_eq!(value(cb.dso), Decimal::from(365));
    // The pure functions give the "neither sales nor AR" reason.
    let s = SimpleDso::compute(eur(0), eur(0), eur(0), 90).unwrap();
    assert_eq!(
        s.dso,
        MetricValue::Undefined(Undefined::NoSalesNoReceivables)
    );
    let cb = CountBackDso::compute(eur(0), vec![CountBackMonth::new(as_of(), 30, eur(0))]).unwrap();
    assert_eq!(
        cb.dso,
        MetricValue::Undefined(Undefined::NoSalesNoReceivables)
    );
    // AR zero with sales: 0 days, not undefined.
    let cb = CountBackDso::compute(eur(0), vec![CountBackMonth::new(as_of(), 30, eur(5))]).unwrap();
    assert_eq!(cb.dso, MetricValue::Value(Decimal::ZERO));
    // CEI with nothing to collect.
    let c = Cei::compute(as_of(), as_of(), eur(0), eur(0), 1, eur(0), eur(0)).unwrap();
    assert_eq!(c.cei, MetricValue::Undefined(Undefined::NothingToCollect));
}

#[test]
fn empty_ledger_and_as_of_before_everything() {
    for l in [Ledger::default(), hand_ledger()] {
        for g in [
            GroupBy::Customer,
            GroupBy::Segment,
            GroupBy::Group,
            GroupBy::Portfolio,
        ] {
            let day = d(2000, 1, 1);
            let s = portfolio_summary(&l, &SummaryConfig::new(day), g).unwrap();
            assert!(s.rows.is_empty() && s.portfolio.is_empty() && s.pareto_items.is_empty());
            assert!(dso_simple(&l, day, 90, g).unwrap().is_empty());
            assert!(dso_count_back(&l, day, g).unwrap().is_empty());
            assert!(
                collection_effectiveness(&l, day, day, 1, g)
                    .unwrap()
                    .is_empty()
            );
            assert!(
                payment_behaviour(&l, day, 365, &PaymentIndexScale::paydex(), g)
                    .unwrap()
                    .is_empty()
            );
            assert!(
                pareto(&l, day, ParetoUnit::Items, dec("0.8"), g)
                    .unwrap()
                    .is_empty()
            );
        }
    }
}

#[test]
fn bad_settings_are_errors_naming_the_value() {
    let l = hand_ledger();
    let msg = |e: ReportError| e.to_string();
    assert_eq!(
        msg(dso_simple(&l, as_of(), 0, GroupBy::Customer).unwrap_err()),
        "invalid dso days: 0 (1 to 3660 days)"
    );
    assert_eq!(
        msg(payment_behaviour(
            &l,
            as_of(),
            4000,
            &PaymentIndexScale::paydex(),
            GroupBy::Customer
        )
        .unwrap_err()),
        "invalid payment window days: 4000 (1 to 3660 days)"
    );
    assert_eq!(
        msg(
            collection_effectiveness(&l, d(2024, 7, 1), as_of(), 1, GroupBy::Customer).unwrap_err()
        ),
        "invalid cei from: 2024-07-01 (on or before the end of the period 2024-06-30)"
    );
    assert_eq!(
        msg(
            collection_effectiveness(&l, d(2024, 6, 1), as_of(), 0, GroupBy::Customer).unwrap_err()
        ),
        "invalid cei sales divisor: 0 (a number of months of at least 1)"
    );
    for share in ["0", "-0.5", "1.01"] {
        assert_eq!(
            msg(pareto(
                &l,
                as_of(),
                ParetoUnit::Items,
                dec(share),
                GroupBy::Customer
            )
            .unwrap_err()),
            format!(
                "invalid pareto share: {share} (a fraction above 0 and at most 1, such as 0.8)"
            )
        );
    }
    let a = |days_beyond_terms, s: &str| IndexAnchor {
        days_beyond_terms,
        score: dec(s),
    };
    assert_eq!(
        msg(PaymentIndexScale::new(vec![a(0, "80")]).unwrap_err()),
        "invalid payment index anchors: 1 anchors (at least 2 anchors)"
    );
    assert_eq!(
        msg(PaymentIndexScale::new(vec![a(0, "80"), a(0, "70")]).unwrap_err()),
        "invalid payment index anchor at position 1: days beyond terms 0 (more than the previous anchor's 0)"
    );
    assert_eq!(
        msg(PaymentIndexScale::new(vec![a(0, "101"), a(5, "70")]).unwrap_err()),
        "invalid payment index anchor at position 0: score 101 (between 0 and 100)"
    );
    assert!(PaymentIndexScale::new(vec![a(0, "80"), a(5000, "0")]).is_err());
    let err = serde_json::from_str::<PaymentIndexScale>(
        r#"{"anchors":[{"days_beyond_terms":0,"score":"50"},{"days_beyond_terms":9,"score":"60"}]}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("score 60"), "{err}");
    // The edge of the calendar is an error, not a panic.
    assert!(matches!(
        dso_simple(&l, NaiveDate::MIN, 90, GroupBy::Customer).unwrap_err(),
        ReportError::DateOutOfRange { .. }
    ));
    let mut c = SummaryConfig::new(as_of());
    c.pareto_share = dec("2");
    assert!(portfolio_summary(&l, &c, GroupBy::Customer).is_err());
    // Mixed currencies in a pure function.
    assert!(SimpleDso::compute(eur(1), eur(0), usd(1), 90).is_err());
}

// ---------------------------------------------------------------------------------
// Grouping, currencies, conversion
// ---------------------------------------------------------------------------------

fn two_currency_ledger() -> Ledger {
    let mut g = Customer::new("G", "Groupe", Currency::EUR);
    g.segment = Some("KEY".into());
    let mut c1 = Customer::new("C1", "Alpha", Currency::EUR);
    c1.parent = Some("G".into());
    c1.segment = Some("KEY".into());
    let mut c2 = Customer::new("C2", "Beta", Currency::USD);
    c2.parent = Some("G".into());
    c2.segment = Some("SME".into());
    let mut l = Ledger::new(
        vec![g, c1, c2],
        vec![
            Item::invoice("G1", "G", d(2024, 6, 1), d(2024, 7, 1), eur(1000_00)),
            Item::invoice("E1", "C1", d(2024, 5, 1), d(2024, 5, 31), eur(3000_00)),
            Item::invoice("U1", "C2", d(2024, 4, 15), d(2024, 5, 15), usd(2000)),
            Item::invoice("U2", "C2", d(2024, 6, 10), d(2024, 7, 10), usd(1000)),
        ],
        vec![Payment::new("P1", "C2", d(2024, 6, 1), usd(2000))],
        vec![],
    )
    .unwrap();
    l.apply_payment("P1", "U1", usd(2000), d(2024, 6, 1))
        .unwrap();
    l
}

#[test]
fn rows_per_key_and_currency_then_converted() {
    let l = two_currency_ledger();
    let rows = dso_simple(&l, as_of(), 90, GroupBy::Group).unwrap();
    let keys: Vec<_> = rows
        .iter()
        .map(|r| (r.key.as_deref(), r.currency, r.customers))
        .collect();
    assert_eq!(
        keys,
        [(Some("G"), Currency::EUR, 2), (Some("G"), Currency::USD, 1)]
    );
    assert_eq!(rows[0].name.as_deref(), Some("Groupe"));
    // EUR: AR 4000, sales 4000 → 90 days; USD: AR 1000, sales 3000 → 30 days.
    assert_eq!(value(rows[0].figures.dso), Decimal::from(90));
    assert_eq!(value(rows[1].figures.dso), Decimal::from(30));
    let mut fx = FxRates::new();
    let err = rows_in_base(&rows, &fx, Currency::EUR, RoundingMode::HalfUp).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no exchange rate from USD to EUR: supply one with FxRates::insert"
    );
    fx.insert(Currency::USD, Currency::EUR, dec("0.5")).unwrap();
    let eur_rows = rows_in_base(&rows, &fx, Currency::EUR, RoundingMode::HalfUp).unwrap();
    assert_eq!(eur_rows.len(), 1);
    let f = &eur_rows[0].figures;
    // (4000 + 500) / (4000 + 1500) × 90 = 73.64: recomputed, not an average of 90 and 30.
    assert_eq!((f.ar, f.sales), (eur(4500_00), eur(5500_00)));
    assert_eq!(value(f.dso), dec("73.64"));
    assert_eq!(eur_rows[0].customers, 3);

    let s = portfolio_summary(&l, &SummaryConfig::new(as_of()), GroupBy::Segment).unwrap();
    assert_eq!(s.portfolio.len(), 2);
    let c = s
        .converted(&fx, Currency::EUR, RoundingMode::HalfUp)
        .unwrap();
    assert_eq!(c.portfolio.len(), 1);
    assert_eq!(value(c.portfolio[0].figures.dso.dso), dec("73.64"));
    assert_eq!(c.portfolio[0].figures.aging.total, eur(4500_00));
    // ADBT merges by converted amounts: U1 was paid 17 days late, nothing else was paid.
    assert_eq!(
        value(c.portfolio[0].figures.payment.days_beyond_terms),
        dec("17")
    );
    assert_eq!(c.conversion.as_ref().unwrap().rates.len(), 1);
    let keys: Vec<_> = c.rows.iter().map(|r| r.key.as_deref()).collect();
    assert_eq!(keys, [Some("KEY"), Some("SME")]);
    assert!(
        s.converted(&FxRates::new(), Currency::EUR, RoundingMode::HalfUp)
            .is_err()
    );
}

#[test]
fn pareto_by_hand_ties_and_currencies() {
    let day = as_of();
    let inv = |id: &str, c: &str, m: Money| Item::invoice(id, c, day, day, m);
    let l = Ledger::new(
        vec![
            Customer::new("C1", "A", Currency::EUR),
            Customer::new("C2", "B", Currency::EUR),
            Customer::new("C3", "C", Currency::USD),
        ],
        vec![
            inv("F9", "C1", eur(50_00)),
            inv("F1", "C2", eur(50_00)),
            inv("F5", "C1", eur(100_00)),
            inv("F3", "C2", eur(25_00)),
            inv("U1", "C3", usd(500)),
        ],
        vec![],
        vec![],
    )
    .unwrap();
    let rows = pareto(&l, day, ParetoUnit::Items, dec("0.6"), GroupBy::Portfolio).unwrap();
    assert_eq!(rows.len(), 2, "one per currency");
    let p = &rows[0].figures;
    // 225 open: 60 % = 135 → F5 100, then F1 50 (ties by id before F9) = 150.
    assert_eq!(p.ids, ["F5", "F1"]);
    assert_eq!((p.amount, p.total_amount), (eur(150_00), eur(225_00)));
    assert_eq!((p.count_share, p.amount_share), (dec("0.5"), dec("0.6667")));
    assert_eq!(rows[1].figures.ids, ["U1"]);
    // Share 1: everything.
    let all =
        &pareto(&l, day, ParetoUnit::Items, Decimal::ONE, GroupBy::Portfolio).unwrap()[0].figures;
    assert_eq!(all.ids, ["F5", "F1", "F9", "F3"]);
    // Customers by open debits: C1 150, C2 75.
    let c = &pareto(
        &l,
        day,
        ParetoUnit::Customers,
        dec("0.6"),
        GroupBy::Portfolio,
    )
    .unwrap()[0]
        .figures;
    assert_eq!(
        (c.ids.clone(), c.count, c.total_count),
        (vec!["C1".to_owned()], 1, 2)
    );
    // Per customer: each customer's own invoices.
    let per = pareto(&l, day, ParetoUnit::Items, dec("0.8"), GroupBy::Customer).unwrap();
    assert_eq!(
        per.iter()
            .map(|r| r.figures.ids.clone())
            .collect::<Vec<_>>(),
        [vec!["F5", "F9"], vec!["F1", "F3"], vec!["U1"]]
    );
    // In base: USD 500 at 0.5 = 250 EUR outranks everything.
    let mut fx = FxRates::new();
    fx.insert(Currency::USD, Currency::EUR, dec("0.5")).unwrap();
    let b = pareto_in_base(
        &l,
        day,
        ParetoUnit::Items,
        dec("0.5"),
        GroupBy::Portfolio,
        &fx,
        Currency::EUR,
        RoundingMode::HalfUp,
    )
    .unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].figures.ids, ["U1"]);
    assert_eq!(b[0].figures.total_amount, eur(475_00));
    assert!(
        pareto_in_base(
            &l,
            day,
            ParetoUnit::Items,
            dec("0.5"),
            GroupBy::Portfolio,
            &FxRates::new(),
            Currency::EUR,
            RoundingMode::HalfUp
        )
        .is_err()
    );
}

#[test]
fn serde_round_trips() {
    let l = two_currency_ledger();
    let s = portfolio_summary(&l, &SummaryConfig::new(as_of()), GroupBy::Group).unwrap();
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains(r#""dso":{"value":"90"}"#), "{json}");
    assert_eq!(serde_json::from_str::<PortfolioSummary>(&json).unwrap(), s);
    let mut fx = FxRates::new();
    fx.insert(Currency::USD, Currency::EUR, dec("0.9")).unwrap();
    let c = s
        .converted(&fx, Currency::EUR, RoundingMode::HalfUp)
        .unwrap();
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(serde_json::from_str::<PortfolioSummary>(&json).unwrap(), c);
    let cfg = SummaryConfig::new(as_of());
    let json = serde_json::to_string(&cfg).unwrap();
    assert!(json.contains(r#""pareto_share":"0.8""#), "{json}");
    assert_eq!(serde_json::from_str::<SummaryConfig>(&json).unwrap(), cfg);
    let undefined = serde_json::to_string(&MetricValue::Undefined(Undefined::NoPaidItems)).unwrap();
    assert_eq!(undefined, r#"{"undefined":"no_paid_items"}"#);
}

// ---------------------------------------------------------------------------------
// Cross-checks against the baseline definitions and properties
// ---------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Spec {
    customers: Vec<(u8, u8)>,       // (currency, segment)
    items: Vec<(u8, u16, u8, u32)>, // (customer, issue offset, terms, minor)
    pays: Vec<(u8, u16, u32)>,      // (item, days after issue, minor)
    as_of: u16,
}

const CURRENCIES: [Currency; 2] = [Currency::EUR, Currency::USD];

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec((0u8..2, 0u8..3), 1..5),
        prop::collection::vec((0u8..5, 0u16..800, 0u8..90, 1u32..500_000), 0..40),
        prop::collection::vec((0u8..40, 0u16..150, 1u32..500_000), 0..50),
        300u16..900,
    )
        .prop_map(|(customers, items, pays, as_of)| Spec {
            customers,
            items,
            pays,
            as_of,
        })
}

fn build(s: &Spec) -> (Ledger, NaiveDate) {
    let base = d(2023, 1, 1);
    let n = s.customers.len();
    let customers: Vec<Customer> = s
        .customers
        .iter()
        .enumerate()
        .map(|(i, (cur, seg))| {
            let mut c = Customer::new(format!("C{i}"), format!("N{i}"), CURRENCIES[*cur as usize]);
            c.segment = (*seg > 0).then(|| format!("S{seg}"));
            c
        })
        .collect();
    let items: Vec<Item> = s
        .items
        .iter()
        .enumerate()
        .map(|(i, (c, off, terms, minor))| {
            let cix = *c as usize % n;
            let issue = base + chrono::Days::new(u64::from(*off));
            Item::invoice(
                format!("I{i:03}"),
                format!("C{cix}"),
                issue,
                issue + chrono::Days::new(u64::from(*terms)),
                Money::from_minor(i64::from(*minor), customers[cix].currency),
            )
        })
        .collect();
    let mut l = Ledger::new(customers, items.clone(), vec![], vec![]).unwrap();
    for (k, (target, after, minor)) in s.pays.iter().enumerate() {
        let Some(item) = items.get(*target as usize) else {
            continue;
        };
        let cur = item.amount.currency();
        let date = item.issue_date + chrono::Days::new(u64::from(*after));
        let open = l.open_amount(&item.id, NaiveDate::MAX).unwrap();
        // Half the payments settle the item in full, so that ADBT has material.
        let amount = if minor % 2 == 0 {
            open
        } else {
            Money::from_minor(i64::from(*minor), cur)
                .checked_min(&open)
                .unwrap()
        };
        if !amount.is_positive() {
            continue;
        }
        let pid = format!("P{k:03}");
        l.add_payment(Payment::new(&pid, &item.customer_id, date, amount))
            .unwrap();
        l.apply_payment(&pid, &item.id, amount, date).unwrap();
    }
    (l, base + chrono::Days::new(u64::from(s.as_of)))
}

/// `shared/perf/ref_check.py` (d) and (c), transcribed row by row (exact decimals instead
/// of the Python floats): per customer (AR, 12-month sales, count-back DSO) and
/// (Σ amount × days, Σ amount) for items fully paid in (as_of − 365, as_of].
#[allow(clippy::type_complexity)]
fn reference(
    l: &Ledger,
    as_of: NaiveDate,
) -> (
    Vec<(String, Decimal, Decimal, Decimal)>,
    Vec<(String, Decimal, Decimal)>,
) {
    let minus_months = |k: u32| as_of.checked_sub_months(Months::new(k)).unwrap();
    let edges: Vec<NaiveDate> = (0..13).map(minus_months).collect();
    let days: Vec<i64> = (0..12)
        .map(|k| (edges[k] - edges[k + 1]).num_days())
        .collect();
    let lo = as_of - chrono::Days::new(365);
    let mut dso = Vec::new();
    let mut adbt = Vec::new();
    for c in l.customers() {
        let mut sales = [Decimal::ZERO; 12];
        let mut ar = Decimal::ZERO;
        let (mut wd, mut am) = (Decimal::ZERO, Decimal::ZERO);
        for (ix, it) in l
            .items()
            .iter()
            .enumerate()
            .filter(|(_, i)| i.customer_id == c.id)
        {
            if it.issue_date > as_of {
                continue; // does not exist yet
            }
            let st = l.item_state(ix, as_of).unwrap();
            for k in 0..12 {
                if edges[k + 1] < it.issue_date && it.issue_date <= edges[k] {
                    sales[k] += it.amount.amount();
                }
            }
            if !st.open.is_zero() {
                ar += st.open.amount();
            }
            if let Some(lp) = st.last_settlement
                && st.open.is_zero()
                && lo < lp
                && lp <= as_of
            {
                wd += it.amount.amount() * Decimal::from((lp - it.due_date).num_days());
                am += it.amount.amount();
            }
        }
        if !ar.is_zero() || sales.iter().any(|s| !s.is_zero()) {
            let (mut rem, mut v) = (ar, Decimal::ZERO);
            for k in 0..12 {
                if rem <= Decimal::ZERO {
                    break;
                }
                let s = sales[k];
                if rem >= s {
                    v += Decimal::from(days[k]);
                    rem -= s;
                } else {
                    v += rem / s * Decimal::from(days[k]);
                    rem = Decimal::ZERO;
                }
            }
            dso.push((c.id.clone(), ar, sales.iter().sum(), v));
        }
        if !am.is_zero() {
            adbt.push((c.id.clone(), wd, am));
        }
    }
    dso.sort();
    adbt.sort();
    (dso, adbt)
}

fn close(a: Decimal, b: Decimal) -> bool {
    // Ours is rounded to 2 decimals; the reference is exact (up to 28 digits).
    (a - b).abs() <= dec("0.005")
}

#[test]
fn count_back_and_adbt_match_the_baseline_definitions_on_a_small_ledger() {
    // A fixed small ledger with instalments, stuck invoices and AR above a year of sales.
    let mut items = Vec::new();
    let mut pays = Vec::new();
    for i in 0..30u32 {
        items.push((
            (i % 4) as u8,
            (i * 53 % 700) as u16,
            (30 + i % 3 * 15) as u8,
            10_000 + i * 7_919 % 90_000,
        ));
        if i % 5 != 0 {
            pays.push((
                i as u8,
                (20 + i * 11 % 90) as u16,
                if i % 3 == 0 { 5_001 } else { 200_000 },
            ));
        }
    }
    let s = Spec {
        customers: vec![(0, 1), (0, 2), (1, 0), (0, 0)],
        items,
        pays,
        as_of: 720,
    };
    let (l, as_of) = build(&s);
    let (ref_dso, ref_adbt) = reference(&l, as_of);
    assert!(ref_dso.len() >= 3 && !ref_adbt.is_empty());
    let ours = dso_count_back(&l, as_of, GroupBy::Customer).unwrap();
    assert_eq!(ours.len(), ref_dso.len());
    for (row, (id, ar, sales, v)) in ours.iter().zip(&ref_dso) {
        assert_eq!(row.key.as_deref(), Some(id.as_str()));
        assert_eq!(row.figures.ar.amount(), *ar);
        assert_eq!(
            row.figures
                .months
                .iter()
                .map(|m| m.sales.amount())
                .sum::<Decimal>(),
            *sales
        );
        assert!(
            close(value(row.figures.dso), *v),
            "{id}: {:?} vs {v}",
            row.figures.dso
        );
    }
    let ours = payment_behaviour(
        &l,
        as_of,
        365,
        &PaymentIndexScale::paydex(),
        GroupBy::Customer,
    )
    .unwrap();
    assert_eq!(ours.len(), ref_adbt.len());
    for (row, (id, wd, am)) in ours.iter().zip(&ref_adbt) {
        assert_eq!(row.key.as_deref(), Some(id.as_str()));
        assert_eq!(
            (row.figures.weighted_days, row.figures.amount.amount()),
            (*wd, *am)
        );
        assert!(close(value(row.figures.days_beyond_terms), wd / am));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Count-back DSO and days beyond terms equal the baseline's row-by-row definitions.
    #[test]
    fn count_back_and_adbt_match_the_reference(s in spec()) {
        let (l, as_of) = build(&s);
        let (ref_dso, ref_adbt) = reference(&l, as_of);
        let ours = dso_count_back(&l, as_of, GroupBy::Customer).unwrap();
        prop_assert_eq!(ours.len(), ref_dso.len());
        for (row, (id, ar, _, v)) in ours.iter().zip(&ref_dso) {
            prop_assert_eq!(row.key.as_deref(), Some(id.as_str()));
            prop_assert_eq!(row.figures.ar.amount(), *ar);
            prop_assert!(close(value(row.figures.dso), *v));
            prop_assert!(value(row.figures.dso) <= Decimal::from(366));
        }
        let ours = payment_behaviour(&l, as_of, 365, &PaymentIndexScale::paydex(), GroupBy::Customer).unwrap();
        prop_assert_eq!(ours.len(), ref_adbt.len());
        for (row, (_, wd, am)) in ours.iter().zip(&ref_adbt) {
            prop_assert_eq!((row.figures.weighted_days, row.figures.amount.amount()), (*wd, *am));
            let idx = value(row.figures.payment_index);
            prop_assert!(idx >= Decimal::ONE && idx <= Decimal::ONE_HUNDRED);
        }
    }

    /// The one-pass summary gives the same figures as each standalone report, for every
    /// grouping, and its portfolio rows do not depend on the grouping.
    #[test]
    fn summary_agrees_with_standalone_reports(s in spec(), g in 0usize..4) {
        let (l, as_of) = build(&s);
        let group_by = [GroupBy::Customer, GroupBy::Segment, GroupBy::Group, GroupBy::Portfolio][g];
        let sum = portfolio_summary(&l, &SummaryConfig::new(as_of), group_by).unwrap();
        let find = |key: &Option<String>, cur: Currency| sum.rows.iter().find(|r| &r.key == key && r.currency == cur).unwrap();
        for r in dso_simple(&l, as_of, 90, group_by).unwrap() {
            prop_assert_eq!(&find(&r.key, r.currency).figures.dso, &r.figures);
        }
        for r in dso_count_back(&l, as_of, group_by).unwrap() {
            prop_assert_eq!(&find(&r.key, r.currency).figures.count_back, &r.figures);
        }
        for r in payment_behaviour(&l, as_of, 365, &PaymentIndexScale::paydex(), group_by).unwrap() {
            prop_assert_eq!(&find(&r.key, r.currency).figures.payment, &r.figures);
        }
        let from = SummaryConfig::new(as_of).cei_start().unwrap();
        for r in collection_effectiveness(&l, from, as_of, 1, group_by).unwrap() {
            prop_assert_eq!(&find(&r.key, r.currency).figures.cei, &r.figures);
        }
        prop_assert_eq!(sum.aging_report().unwrap(), aging(&l, as_of, &AgingBuckets::standard(), group_by).unwrap());
        let pf = portfolio_summary(&l, &SummaryConfig::new(as_of), GroupBy::Portfolio).unwrap();
        prop_assert_eq!(&sum.portfolio, &pf.portfolio);
        prop_assert_eq!(&sum.pareto_items, &pf.pareto_items);
        // Merging the rows per currency gives the portfolio rows (ratios recomputed).
        for cur in CURRENCIES {
            let same: Vec<Row<_>> = sum.rows.iter().filter(|r| r.currency == cur).cloned()
                .map(|mut r| { r.key = None; r.name = None; r }).collect();
            let Some(p) = sum.portfolio.iter().find(|p| p.currency == cur) else { continue };
            let merged = rows_in_base(&same, &FxRates::new(), cur, RoundingMode::HalfUp).unwrap();
            prop_assert_eq!(&merged[0].figures, &p.figures);
        }
    }

    /// Converting with rate 1 is the identity for a single-currency summary.
    #[test]
    fn converting_with_rate_one_is_identity(s in spec()) {
        let (l, as_of) = build(&s);
        let sum = portfolio_summary(&l, &SummaryConfig::new(as_of), GroupBy::Customer).unwrap();
        let eur_rows: Vec<_> = sum.rows.iter().filter(|r| r.currency == Currency::EUR).cloned().collect();
        let same = rows_in_base(&eur_rows, &FxRates::new(), Currency::EUR, RoundingMode::HalfUp).unwrap();
        prop_assert_eq!(same, eur_rows);
        let mut fx = FxRates::new();
        fx.insert(Currency::USD, Currency::EUR, Decimal::ONE).unwrap();
        let all = sum.converted(&fx, Currency::EUR, RoundingMode::HalfUp).unwrap();
        let total: Decimal = sum.portfolio.iter().map(|p| p.figures.aging.total.amount()).sum();
        prop_assert_eq!(all.portfolio.first().map_or(Decimal::ZERO, |p| p.figures.aging.total.amount()), total);
    }

    /// The Pareto set holds the share, is largest-first, and is minimal: without its
    /// smallest member it would fall short.
    #[test]
    fn pareto_set_is_minimal(amounts in prop::collection::vec(1i64..1_000_000, 1..60), pct in 1u32..=100) {
        let day = as_of();
        let items = amounts.iter().enumerate()
            .map(|(i, a)| Item::invoice(format!("F{i:02}"), "C1", day, day, eur(*a)))
            .collect();
        let l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)], items, vec![], vec![]).unwrap();
        let share = Decimal::new(i64::from(pct), 2);
        let p = &pareto(&l, day, ParetoUnit::Items, share, GroupBy::Portfolio).unwrap()[0].figures;
        let total: Decimal = amounts.iter().map(|a| eur(*a).amount()).sum();
        let target = total * share;
        let amount_of = |id: &str| eur(amounts[id[1..].parse::<usize>().unwrap()]).amount();
        let held: Decimal = p.ids.iter().map(|id| amount_of(id)).sum();
        prop_assert_eq!(held, p.amount.amount());
        prop_assert!(held >= target);
        let smallest = p.ids.last().map(|id| amount_of(id)).unwrap();
        prop_assert!(held - smallest < target, "not minimal");
        // Largest first: nothing outside the set is larger than its smallest member.
        let outside = amounts.len() - p.ids.len();
        prop_assert_eq!(outside as u64, p.total_count - p.count);
        let in_set: std::collections::HashSet<&str> = p.ids.iter().map(String::as_str).collect();
        for (i, a) in amounts.iter().enumerate() {
            if !in_set.contains(format!("F{i:02}").as_str()) {
                prop_assert!(eur(*a).amount() <= smallest);
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Scale: 1 000 000 invoices over 100 000 customers (run in release, on demand)
// ---------------------------------------------------------------------------------

/// A deterministic ledger shaped like `shared/perf/gen_ledger.py` at its defaults:
/// 100 000 customers (segments A/B/C 15/45/40 %, EUR 85 % / USD 10 % / GBP 5 %),
/// 1 000 000 invoices issued over the 730 days ending at the as-of date, terms 30/45/60,
/// ~10 % paid in two instalments, ~11 % left open, 2 % disputed; 5 % of customers have a
/// parent.
fn big_ledger(customers: usize, invoices: usize, as_of: NaiveDate) -> Ledger {
    use encours_core::ledger::{Application, Dispute, MatchRule, Source};
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let segs = ["A", "B", "C"];
    let mut cs = Vec::with_capacity(customers);
    for i in 0..customers {
        let r = next() % 100;
        let cur = if r < 85 {
            Currency::EUR
        } else if r < 95 {
            Currency::USD
        } else {
            Currency::GBP
        };
        let mut c = Customer::new(format!("C{i:06}"), format!("Customer {i}"), cur);
        let s = next() % 100;
        c.segment = Some(
            segs[if s < 15 {
                0
            } else if s < 60 {
                1
            } else {
                2
            }]
            .to_owned(),
        );
        if i > 10 && next() % 20 == 0 {
            c.parent = Some(format!("C{:06}", next() as usize % (i / 2)));
        }
        cs.push(c);
    }
    let first = as_of - chrono::Days::new(729);
    let mut items = Vec::with_capacity(invoices);
    let mut pays = Vec::with_capacity(invoices + invoices / 10);
    let mut apps = Vec::with_capacity(invoices + invoices / 10);
    for i in 0..invoices {
        let cix = next() as usize % customers;
        let cur = cs[cix].currency;
        let issue = first + chrono::Days::new(next() % 730);
        let due = issue + chrono::Days::new([30, 45, 60][next() as usize % 3]);
        let minor = 5_000 + (next() % 2_000_000) as i64 * ((next() % 3) as i64 + 1);
        let id = format!("F{i:07}");
        let mut it = Item::invoice(&id, &cs[cix].id, issue, due, Money::from_minor(minor, cur));
        if next() % 50 == 0 {
            it.dispute = Some(Dispute::new(Money::from_minor(minor / 2, cur), issue));
        }
        let delay = (next() % 70) as i64 - 10;
        let pay = due
            .checked_add_signed(chrono::TimeDelta::days(delay))
            .unwrap()
            .max(issue);
        if next() % 9 != 0 && pay <= as_of {
            let parts = if next() % 10 == 0 { 2 } else { 1 };
            let mut left = minor;
            for p in 0..parts {
                let amount = if p + 1 == parts { left } else { minor / 2 };
                left -= amount;
                let date = pay + chrono::Days::new(p as u64 * 15);
                if date > as_of {
                    break;
                }
                let pid = format!("P{i:07}{p}");
                pays.push(Payment::new(
                    &pid,
                    &cs[cix].id,
                    date,
                    Money::from_minor(amount, cur),
                ));
                apps.push(Application {
                    source: Source::Payment(pid),
                    item_id: id.clone(),
                    date,
                    amount: Money::from_minor(amount, cur),
                    rule: MatchRule::Explicit,
                });
            }
        }
        items.push(it);
    }
    Ledger::new(cs, items, pays, apps).unwrap()
}

/// CPU time of this thread (Linux), which other processes on a busy box do not inflate.
fn thread_cpu() -> std::time::Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map_or(std::time::Duration::ZERO, std::time::Duration::from_nanos)
}

#[test]
#[ignore = "scale measurement: cargo test --release -p encours-core --test metrics scale -- --ignored --nocapture"]
fn scale_one_million_invoices() {
    use std::time::Instant;
    let as_of = d(2026, 11, 22);
    let t = Instant::now();
    let l = big_ledger(100_000, 1_000_000, as_of);
    eprintln!(
        "built ledger: {} customers, {} items, {} payments, {} applications in {:.2?}",
        l.customers().len(),
        l.items().len(),
        l.payments().len(),
        l.applications().len(),
        t.elapsed()
    );
    let config = SummaryConfig::new(as_of);
    for g in [
        GroupBy::Customer,
        GroupBy::Segment,
        GroupBy::Group,
        GroupBy::Portfolio,
    ] {
        let (mut best, mut best_cpu) = (std::time::Duration::MAX, std::time::Duration::MAX);
        let mut rows = 0;
        for _ in 0..5 {
            let (t, c) = (Instant::now(), thread_cpu());
            let s = portfolio_summary(&l, &config, g).unwrap();
            best = best.min(t.elapsed());
            best_cpu = best_cpu.min(thread_cpu() - c);
            rows = s.rows.len();
        }
        eprintln!(
            "portfolio_summary {g:?}: {rows} rows, best of 5: wall {best:.2?}, cpu {best_cpu:.2?}"
        );
    }
    let t = Instant::now();
    let a = aging(&l, as_of, &AgingBuckets::standard(), GroupBy::Customer).unwrap();
    eprintln!(
        "aging Customer: {} rows in {:.2?}",
        a.rows.len(),
        t.elapsed()
    );
    let t = Instant::now();
    let c = dso_count_back(&l, as_of, GroupBy::Customer).unwrap();
    eprintln!(
        "dso_count_back Customer: {} rows in {:.2?}",
        c.len(),
        t.elapsed()
    );
    let s = portfolio_summary(&l, &config, GroupBy::Portfolio).unwrap();
    let eur = &s.portfolio[0].figures;
    eprintln!(
        "EUR portfolio: open {} in {} items, DSO {:?}, count-back {:?}, ADBT {:?}, index {:?}, pareto {} of {}",
        eur.aging.total,
        eur.aging.items,
        eur.dso.dso,
        eur.count_back.dso,
        eur.payment.days_beyond_terms,
        eur.payment.payment_index,
        s.pareto_items[0].figures.count,
        s.pareto_items[0].figures.total_count
    );
}
