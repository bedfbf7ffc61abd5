//! Aging: hand-computed reports on a small ledger, as-of consistency, buckets, conversion,
//! serde, and properties on random ledgers.
// Amounts are written as units_cents (1000_00 = 1000.00), as in the money module.
#![allow(clippy::inconsistent_digit_grouping)]

use chrono::NaiveDate;
use encours_core::aging::{AgingBuckets, AgingReport, AgingRow, GroupBy, aging};
use encours_core::ledger::{Customer, Dispute, Item, ItemKind, Ledger, Payment};
use encours_core::metrics::ReportError;
use encours_core::money::{Currency, FxRates, Money, MoneyError, RoundingMode};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::EUR)
}

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD)
}

fn customer(
    id: &str,
    name: &str,
    cur: Currency,
    seg: Option<&str>,
    parent: Option<&str>,
) -> Customer {
    let mut c = Customer::new(id, name, cur);
    c.segment = seg.map(str::to_owned);
    c.parent = parent.map(str::to_owned);
    c
}

/// The hand ledger. As of 2024-06-30 (days overdue in brackets):
/// - C1 Alpha (EUR, KEY, parent G1): F1 1000 not due [-10]; F2 500 due 31 May [30], 200 paid
///   on 15 June → 300; F3 800 due 31 Mar [91], 250 disputed; F4 debit note 40 due 31 Dec
///   [182]; F6 600 due 1 May [60], paid 15 July (after the date); A1 credit note 120; P1 300
///   of which 200 applied → 100 unapplied; F5 and P2 dated after the as-of date.
/// - C2 Beta (USD, SME, parent G1): U1 1000 due 30 June [0]; U2 2000 due 14 Feb [137].
/// - G1 Groupe (EUR, KEY): H1 10 due 29 June [1], dispute resolved on 30 June.
/// - C3 Gamma (EUR, no segment): K1 paid in full in February; P9 75 unapplied.
fn hand_ledger() -> Ledger {
    let mut f3 = Item::invoice("F3", "C1", d(2024, 3, 1), d(2024, 3, 31), eur(800_00));
    f3.dispute = Some(Dispute::new(eur(250_00), d(2024, 5, 1)));
    let mut f4 = Item::invoice("F4", "C1", d(2023, 12, 1), d(2023, 12, 31), eur(40_00));
    f4.kind = ItemKind::DebitNote;
    let mut h1 = Item::invoice("H1", "G1", d(2024, 6, 29), d(2024, 6, 29), eur(10_00));
    let mut dispute = Dispute::new(eur(10_00), d(2024, 6, 29));
    dispute.resolved_on = Some(d(2024, 6, 30));
    h1.dispute = Some(dispute);
    let mut l = Ledger::new(
        vec![
            customer("G1", "Groupe", Currency::EUR, Some("KEY"), None),
            customer("C1", "Alpha", Currency::EUR, Some("KEY"), Some("G1")),
            customer("C2", "Beta", Currency::USD, Some("SME"), Some("G1")),
            customer("C3", "Gamma", Currency::EUR, None, None),
        ],
        vec![
            Item::invoice("F1", "C1", d(2024, 6, 10), d(2024, 7, 10), eur(1000_00)),
            Item::invoice("F2", "C1", d(2024, 5, 1), d(2024, 5, 31), eur(500_00)),
            f3,
            f4,
            Item::credit_note("A1", "C1", d(2024, 6, 20), eur(120_00)),
            Item::invoice("F5", "C1", d(2024, 7, 5), d(2024, 8, 4), eur(999_00)),
            Item::invoice("F6", "C1", d(2024, 4, 1), d(2024, 5, 1), eur(600_00)),
            Item::invoice("U1", "C2", d(2024, 6, 1), d(2024, 6, 30), usd(1000_00)),
            Item::invoice("U2", "C2", d(2024, 1, 15), d(2024, 2, 14), usd(2000_00)),
            h1,
            Item::invoice("K1", "C3", d(2024, 1, 1), d(2024, 1, 31), eur(90_00)),
        ],
        vec![
            Payment::new("P1", "C1", d(2024, 6, 15), eur(300_00)),
            Payment::new("P2", "C1", d(2024, 7, 2), eur(50_00)),
            Payment::new("P3", "C1", d(2024, 7, 15), eur(600_00)),
            Payment::new("P8", "C3", d(2024, 2, 10), eur(90_00)),
            Payment::new("P9", "C3", d(2024, 5, 5), eur(75_00)),
        ],
        vec![],
    )
    .unwrap();
    l.apply_payment("P1", "F2", eur(200_00), d(2024, 6, 15))
        .unwrap();
    l.apply_payment("P3", "F6", eur(600_00), d(2024, 7, 15))
        .unwrap();
    l.apply_payment("P8", "K1", eur(90_00), d(2024, 2, 10))
        .unwrap();
    l
}

fn minors(row: &AgingRow) -> Vec<i64> {
    row.figures
        .buckets
        .iter()
        .map(|m| m.to_minor().unwrap())
        .collect()
}

fn as_of() -> NaiveDate {
    d(2024, 6, 30)
}

#[test]
fn customer_rows_by_hand() {
    let r = aging(
        &hand_ledger(),
        as_of(),
        &AgingBuckets::standard(),
        GroupBy::Customer,
    )
    .unwrap();
    assert_eq!(
        r.labels,
        ["not_due", "1-30", "31-60", "61-90", "91-180", ">180"]
    );
    let keys: Vec<_> = r.rows.iter().map(|r| r.key.as_deref().unwrap()).collect();
    assert_eq!(keys, ["C1", "C2", "C3", "G1"]);

    let c1 = &r.rows[0];
    assert_eq!(c1.name.as_deref(), Some("Alpha"));
    assert_eq!(c1.currency, Currency::EUR);
    assert_eq!(minors(c1), [1000_00, 300_00, 600_00, 0, 800_00, 40_00]);
    assert_eq!(c1.figures.total, eur(2740_00));
    assert_eq!(c1.figures.disputed, eur(250_00));
    assert_eq!(c1.figures.credits, eur(220_00)); // A1 120 + P1 unapplied 100
    assert_eq!(c1.figures.net, eur(2520_00));
    assert_eq!((c1.figures.items, c1.figures.credit_items), (5, 2));

    let c2 = &r.rows[1];
    assert_eq!(c2.currency, Currency::USD);
    assert_eq!(minors(c2), [1000_00, 0, 0, 0, 2000_00, 0]);
    assert_eq!(c2.figures.total, usd(3000_00));

    let c3 = &r.rows[2];
    assert_eq!(c3.figures.total, eur(0));
    assert_eq!(c3.figures.credits, eur(75_00));
    assert_eq!(c3.figures.net, eur(-75_00));
    assert_eq!((c3.figures.items, c3.figures.credit_items), (0, 1));

    let g1 = &r.rows[3];
    assert_eq!(minors(g1), [0, 10_00, 0, 0, 0, 0]);
    assert_eq!(
        g1.figures.disputed,
        eur(0),
        "dispute resolved on the as-of date"
    );

    assert_eq!(r.totals.len(), 2);
    let t_eur = &r.totals[0];
    assert_eq!(
        (t_eur.key.as_deref(), t_eur.currency),
        (None, Currency::EUR)
    );
    assert_eq!(minors(t_eur), [1000_00, 310_00, 600_00, 0, 800_00, 40_00]);
    assert_eq!(t_eur.figures.credits, eur(295_00));
    assert_eq!(t_eur.figures.net, eur(2455_00));
    assert_eq!(t_eur.customers, 3);
    assert_eq!(r.totals[1].figures.total, usd(3000_00));
}

#[test]
fn segment_group_and_portfolio_rows_by_hand() {
    let l = hand_ledger();
    let b = AgingBuckets::standard();
    let seg = aging(&l, as_of(), &b, GroupBy::Segment).unwrap();
    let keys: Vec<_> = seg
        .rows
        .iter()
        .map(|r| (r.key.as_deref(), r.currency))
        .collect();
    assert_eq!(
        keys,
        [
            (None, Currency::EUR),
            (Some("KEY"), Currency::EUR),
            (Some("SME"), Currency::USD)
        ]
    );
    let key = &seg.rows[1];
    assert_eq!(minors(key), [1000_00, 310_00, 600_00, 0, 800_00, 40_00]);
    assert_eq!(key.figures.credits, eur(220_00));
    assert_eq!((key.customers, key.figures.items), (2, 6));
    assert_eq!(key.name, None);

    let grp = aging(&l, as_of(), &b, GroupBy::Group).unwrap();
    let keys: Vec<_> = grp
        .rows
        .iter()
        .map(|r| {
            (
                r.key.as_deref().unwrap(),
                r.name.as_deref().unwrap(),
                r.currency,
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("C3", "Gamma", Currency::EUR),
            ("G1", "Groupe", Currency::EUR),
            ("G1", "Groupe", Currency::USD)
        ]
    );
    assert_eq!(grp.rows[1].figures.total, eur(2750_00));
    assert_eq!(grp.rows[2].figures.total, usd(3000_00));

    let pf = aging(&l, as_of(), &b, GroupBy::Portfolio).unwrap();
    assert_eq!(pf.rows.len(), 2);
    // Totals never depend on how rows are keyed.
    assert_eq!(pf.totals, seg.totals);
    assert_eq!(pf.totals, grp.totals);
    assert_eq!(pf.rows, pf.totals);
}

#[test]
fn an_invoice_paid_on_15_october_is_open_and_aged_on_30_september() {
    let mut l = Ledger::new(
        vec![Customer::new("C1", "A", Currency::EUR)],
        vec![Item::invoice(
            "F1",
            "C1",
            d(2024, 7, 1),
            d(2024, 7, 31),
            eur(1234_56),
        )],
        vec![Payment::new("P1", "C1", d(2024, 10, 15), eur(1234_56))],
        vec![],
    )
    .unwrap();
    l.apply_payment("P1", "F1", eur(1234_56), d(2024, 10, 15))
        .unwrap();
    let b = AgingBuckets::standard();
    let sep = aging(&l, d(2024, 9, 30), &b, GroupBy::Customer).unwrap();
    // 31 July → 30 September = 61 days overdue.
    assert_eq!(minors(&sep.rows[0]), [0, 0, 0, 1234_56, 0, 0]);
    assert_eq!(
        sep.rows[0].figures.credits,
        eur(0),
        "the payment does not exist yet"
    );
    let oct14 = aging(&l, d(2024, 10, 14), &b, GroupBy::Customer).unwrap();
    assert_eq!(oct14.rows[0].figures.total, eur(1234_56));
    let oct15 = aging(&l, d(2024, 10, 15), &b, GroupBy::Customer).unwrap();
    assert!(oct15.rows.is_empty() && oct15.totals.is_empty());
    // Before it was issued it does not exist either.
    assert!(
        aging(&l, d(2024, 6, 30), &b, GroupBy::Customer)
            .unwrap()
            .rows
            .is_empty()
    );
}

#[test]
fn bucket_boundaries_are_right_closed() {
    let day = d(2024, 6, 30);
    let overdue = [-5i64, 0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 400];
    let items = overdue
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let due = day - chrono::TimeDelta::days(*o);
            Item::invoice(format!("F{i:02}"), "C1", due.min(day), due, eur(1 << i))
        })
        .collect();
    let l = Ledger::new(
        vec![Customer::new("C1", "A", Currency::EUR)],
        items,
        vec![],
        vec![],
    )
    .unwrap();
    let r = aging(&l, day, &AgingBuckets::standard(), GroupBy::Customer).unwrap();
    let expected = [
        1 + 2,       // -5, 0
        4 + 8,       // 1, 30
        16 + 32,     // 31, 60
        64 + 128,    // 61, 90
        256 + 512,   // 91, 180
        1024 + 2048, // 181, 400
    ];
    assert_eq!(minors(&r.rows[0]), expected);
    for (o, bucket) in overdue.iter().zip([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]) {
        assert_eq!(AgingBuckets::standard().bucket_of(*o), bucket, "{o} days");
    }
}

#[test]
fn custom_buckets_and_labels() {
    let b = AgingBuckets::new(vec![-10, 0, 1, 15]).unwrap();
    assert_eq!(b.labels(), ["<=-10", "-9 to 0", "1", "2-15", ">15"]);
    assert_eq!(b.count(), 5);
    let b = AgingBuckets::new(vec![30]).unwrap();
    assert_eq!(b.labels(), ["<=30", ">30"]);
    let r = aging(&hand_ledger(), as_of(), &b, GroupBy::Portfolio).unwrap();
    // EUR: F1 1000 [-10], F2 300 [30], H1 10 [1] within 30 days; F6 600 [60], F3 800, F4 40 beyond.
    assert_eq!(minors(&r.totals[0]), [1310_00, 1440_00]);
}

#[test]
fn bucket_validation_names_the_value() {
    let err = AgingBuckets::new(vec![0, 30, 20]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid aging bucket edge at position 2: 20 (greater than the previous edge 30)"
    );
    assert_eq!(
        AgingBuckets::new(vec![]).unwrap_err().to_string(),
        "invalid aging bucket edges: 0 edges (1 to 64 edges)"
    );
    assert!(AgingBuckets::new((0..65).collect()).is_err());
    // serde validates too
    let ok: AgingBuckets = serde_json::from_str(r#"{"edges":[0,15,45]}"#).unwrap();
    assert_eq!(ok.edges(), [0, 15, 45]);
    let bad = serde_json::from_str::<AgingBuckets>(r#"{"edges":[0,15,15]}"#).unwrap_err();
    assert!(
        bad.to_string()
            .contains("aging bucket edge at position 2: 15"),
        "{bad}"
    );
    assert_eq!(
        serde_json::to_string(&AgingBuckets::standard()).unwrap(),
        r#"{"edges":[0,30,60,90,180]}"#
    );
}

#[test]
fn conversion_to_base_by_hand() {
    let l = hand_ledger();
    let r = aging(&l, as_of(), &AgingBuckets::standard(), GroupBy::Group).unwrap();
    let mut fx = FxRates::new();
    let err = r
        .converted(&fx, Currency::EUR, RoundingMode::HalfUp)
        .unwrap_err();
    assert_eq!(
        err,
        ReportError::Money(MoneyError::MissingRate {
            from: Currency::USD,
            to: Currency::EUR
        })
    );
    assert_eq!(
        err.to_string(),
        "no exchange rate from USD to EUR: supply one with FxRates::insert"
    );
    fx.insert(Currency::USD, Currency::EUR, Decimal::new(9, 1))
        .unwrap();
    let c = r
        .converted(&fx, Currency::EUR, RoundingMode::HalfUp)
        .unwrap();
    // G1's EUR and USD rows merge into one.
    let keys: Vec<_> = c.rows.iter().map(|r| r.key.as_deref().unwrap()).collect();
    assert_eq!(keys, ["C3", "G1"]);
    let g1 = &c.rows[1];
    assert_eq!(g1.currency, Currency::EUR);
    assert_eq!(g1.customers, 3);
    assert_eq!(minors(g1), [1900_00, 310_00, 600_00, 0, 2600_00, 40_00]);
    assert_eq!(g1.figures.total, eur(5450_00));
    assert_eq!(g1.figures.net, eur(5230_00));
    assert_eq!(c.totals.len(), 1);
    assert_eq!(c.totals[0].figures.total, eur(5450_00));
    assert_eq!(c.totals[0].figures.credits, eur(295_00));
    let conv = c.conversion.as_ref().unwrap();
    assert_eq!(conv.base, Currency::EUR);
    assert_eq!(conv.rates.len(), 1);
    assert_eq!(conv.rates[0].rate, Decimal::new(9, 1));
    // The inverse quote is used when only EUR→USD is known.
    let mut inv = FxRates::new();
    inv.insert(Currency::EUR, Currency::USD, Decimal::new(125, 2))
        .unwrap();
    let c2 = r
        .converted(&inv, Currency::EUR, RoundingMode::HalfUp)
        .unwrap();
    assert_eq!(c2.totals[0].figures.buckets[4], eur(800_00 + 1600_00));
}

#[test]
fn conversion_rounds_each_figure_and_columns_still_add_up() {
    let day = d(2024, 6, 30);
    let l = Ledger::new(
        vec![Customer::new("C1", "A", Currency::USD)],
        vec![
            Item::invoice("U1", "C1", day, day, usd(1)),
            Item::invoice("U2", "C1", d(2024, 5, 1), d(2024, 5, 2), usd(1)),
        ],
        vec![],
        vec![],
    )
    .unwrap();
    let r = aging(&l, day, &AgingBuckets::standard(), GroupBy::Customer).unwrap();
    let mut fx = FxRates::new();
    fx.insert(Currency::USD, Currency::EUR, Decimal::new(5, 1))
        .unwrap();
    let half_up = r
        .converted(&fx, Currency::EUR, RoundingMode::HalfUp)
        .unwrap();
    // 0.005 rounds up to 0.01 in each bucket; the total is the sum of the shown buckets.
    assert_eq!(minors(&half_up.rows[0]), [1, 0, 1, 0, 0, 0]);
    assert_eq!(half_up.rows[0].figures.total, eur(2));
    let down = r.converted(&fx, Currency::EUR, RoundingMode::Down).unwrap();
    assert_eq!(down.rows[0].figures.total, eur(0));
}

#[test]
fn report_serde_round_trips() {
    let r = aging(
        &hand_ledger(),
        as_of(),
        &AgingBuckets::standard(),
        GroupBy::Segment,
    )
    .unwrap();
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains(r#""group_by":"segment""#), "{json}");
    assert!(
        json.contains(r#""total":{"amount":"2750.00","currency":"EUR"}"#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<AgingReport>(&json).unwrap(), r);
    let mut fx = FxRates::new();
    fx.insert(Currency::USD, Currency::EUR, Decimal::new(9, 1))
        .unwrap();
    let c = r
        .converted(&fx, Currency::EUR, RoundingMode::HalfEven)
        .unwrap();
    let json = serde_json::to_string(&c).unwrap();
    assert!(json.contains(r#""rounding":"half_even""#), "{json}");
    assert_eq!(serde_json::from_str::<AgingReport>(&json).unwrap(), c);
}

#[test]
fn empty_ledger_and_dates_before_everything() {
    let b = AgingBuckets::standard();
    for g in [
        GroupBy::Customer,
        GroupBy::Segment,
        GroupBy::Group,
        GroupBy::Portfolio,
    ] {
        let r = aging(&Ledger::default(), as_of(), &b, g).unwrap();
        assert!(r.rows.is_empty() && r.totals.is_empty());
        let r = aging(&hand_ledger(), d(2000, 1, 1), &b, g).unwrap();
        assert!(r.rows.is_empty() && r.totals.is_empty());
    }
    // At the edge of the calendar: a clear error, not a panic.
    let err = aging(&hand_ledger(), NaiveDate::MIN, &b, GroupBy::Customer).unwrap_err();
    assert!(matches!(err, ReportError::DateOutOfRange { .. }), "{err}");
}

// ---------------------------------------------------------------------------------
// Properties on random ledgers
// ---------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Spec {
    customers: Vec<(u8, u8, Option<u8>)>, // (currency, segment, parent index)
    items: Vec<(u8, u16, u8, u32, u8)>,   // (customer, issue offset, terms, amount minor, kind)
    pays: Vec<(u8, u16, u32)>,            // (item, days after issue, minor)
    as_of: u16,
}

const CURRENCIES: [Currency; 3] = [Currency::EUR, Currency::USD, Currency::JPY];

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec((0u8..3, 0u8..3, prop::option::of(0u8..6)), 1..6),
        prop::collection::vec(
            (0u8..6, 0u16..500, 0u8..90, 1u32..1_000_000, 0u8..10),
            0..40,
        ),
        prop::collection::vec((0u8..40, 0u16..200, 1u32..1_000_000), 0..40),
        0u16..700,
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
    let customers = s
        .customers
        .iter()
        .enumerate()
        .map(|(i, (cur, seg, parent))| {
            let mut c = Customer::new(
                format!("C{i}"),
                format!("Name {i}"),
                CURRENCIES[*cur as usize],
            );
            c.segment = (*seg > 0).then(|| format!("S{seg}"));
            // Parents only point to earlier customers: no cycles.
            c.parent = parent
                .filter(|p| (*p as usize) < i)
                .map(|p| format!("C{p}"));
            c
        })
        .collect::<Vec<_>>();
    let items = s
        .items
        .iter()
        .enumerate()
        .map(|(i, (c, off, terms, amount, kind))| {
            let cix = *c as usize % n;
            let cur = customers[cix].currency;
            let issue = base + chrono::Days::new(u64::from(*off));
            let mut it = Item::invoice(
                format!("I{i:03}"),
                format!("C{cix}"),
                issue,
                issue + chrono::Days::new(u64::from(*terms)),
                Money::from_minor(i64::from(*amount), cur),
            );
            it.kind = match kind {
                0 => ItemKind::CreditNote,
                1 => ItemKind::DebitNote,
                _ => ItemKind::Invoice,
            };
            if *kind == 9 {
                it.dispute = Some(Dispute::new(
                    Money::from_minor(i64::from(*amount / 2), cur),
                    issue,
                ));
            }
            it
        })
        .collect::<Vec<_>>();
    let mut l = Ledger::new(customers, items.clone(), vec![], vec![]).unwrap();
    for (k, (target, after, minor)) in s.pays.iter().enumerate() {
        let Some(item) = items.get(*target as usize) else {
            continue;
        };
        let cur = item.amount.currency();
        let date = item.issue_date + chrono::Days::new(u64::from(*after));
        let pid = format!("P{k:03}");
        l.add_payment(Payment::new(
            &pid,
            &item.customer_id,
            date,
            Money::from_minor(i64::from(*minor), cur),
        ))
        .unwrap();
        if item.kind.is_debit() {
            let open = l.open_amount(&item.id, NaiveDate::MAX).unwrap();
            let amount = Money::from_minor(i64::from(*minor), cur)
                .checked_min(&open)
                .unwrap();
            if amount.is_positive() {
                l.apply_payment(&pid, &item.id, amount, date).unwrap();
            }
        }
    }
    (l, base + chrono::Days::new(u64::from(s.as_of)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Every bucket row adds up to its total, which is exactly the open debits counted
    /// one by one through the ledger's own `open_amount`.
    #[test]
    fn buckets_sum_to_the_total_open(s in spec()) {
        let (l, as_of) = build(&s);
        let r = aging(&l, as_of, &AgingBuckets::standard(), GroupBy::Customer).unwrap();
        for row in &r.rows {
            let sum = row.figures.buckets.iter().fold(Money::zero(row.currency), |a, b| a.checked_add(b).unwrap());
            prop_assert_eq!(sum, row.figures.total);
            prop_assert_eq!(row.figures.net, row.figures.total.checked_sub(&row.figures.credits).unwrap());
            prop_assert!(row.figures.disputed.amount() <= row.figures.total.amount());
            let cid = row.key.as_deref().unwrap();
            let mut open = Money::zero(row.currency);
            let mut n = 0u64;
            for it in l.items().iter().filter(|i| i.customer_id == cid && i.kind.is_debit() && i.issue_date <= as_of) {
                let o = l.open_amount(&it.id, as_of).unwrap();
                if o.is_positive() { open = open.checked_add(&o).unwrap(); n += 1; }
            }
            prop_assert_eq!(open, row.figures.total);
            prop_assert_eq!(n, row.figures.items);
        }
        // Customer balances (ledger's own definition) equal the rows' net.
        for c in l.customers() {
            let bal = l.balance(&c.id, as_of).unwrap();
            let net = r.rows.iter().find(|r| r.key.as_deref() == Some(c.id.as_str()))
                .map_or(Money::zero(c.currency), |r| r.figures.net);
            prop_assert_eq!(bal, net);
        }
    }

    /// Keying never changes the per-currency totals.
    #[test]
    fn totals_do_not_depend_on_grouping(s in spec()) {
        let (l, as_of) = build(&s);
        let b = AgingBuckets::standard();
        let base = aging(&l, as_of, &b, GroupBy::Portfolio).unwrap().totals;
        for g in [GroupBy::Customer, GroupBy::Segment, GroupBy::Group] {
            prop_assert_eq!(&aging(&l, as_of, &b, g).unwrap().totals, &base);
        }
    }

    /// Converting with rate 1 is the identity (same currency), and with rate 1 between
    /// currencies the base figures are the plain sums of the per-currency figures.
    #[test]
    fn converting_with_rate_one_is_identity(s in spec()) {
        let (l, as_of) = build(&s);
        let r = aging(&l, as_of, &AgingBuckets::standard(), GroupBy::Segment).unwrap();
        let mut fx = FxRates::new();
        for c in CURRENCIES { fx.insert(c, Currency::EUR, Decimal::ONE).unwrap(); }
        let c = r.converted(&fx, Currency::EUR, RoundingMode::HalfUp).unwrap();
        for row in &c.rows {
            let same_key: Vec<&AgingRow> = r.rows.iter().filter(|x| x.key == row.key).collect();
            for (b, col) in row.figures.buckets.iter().enumerate() {
                let sum: Decimal = same_key.iter().map(|x| x.figures.buckets[b].amount()).sum();
                prop_assert_eq!(col.amount(), sum);
            }
            let credits: Decimal = same_key.iter().map(|x| x.figures.credits.amount()).sum();
            prop_assert_eq!(row.figures.credits.amount(), credits);
        }
        // A single-currency report converted to its own currency is unchanged.
        let eur_only: Vec<AgingRow> = r.rows.iter().filter(|x| x.currency == Currency::EUR).cloned().collect();
        let eur_report = AgingReport { rows: eur_only.clone(), totals: r.totals.iter().filter(|x| x.currency == Currency::EUR).cloned().collect(), ..r.clone() };
        let same = eur_report.converted(&FxRates::new(), Currency::EUR, RoundingMode::HalfUp).unwrap();
        prop_assert_eq!(&same.rows, &eur_only);
        prop_assert_eq!(&same.totals, &eur_report.totals);
    }
}
