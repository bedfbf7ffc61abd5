//! The columnar ledger: the bulk import at the yardstick's scale, and cash
//! application on one customer holding 10k, 100k and 1M items (issue #9 item 8:
//! `auto_apply` and `net_credit_notes` were quadratic).
//!
//! ```sh
//! cargo bench --bench ledger_columns
//! ```

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use encours::ledger::Ledger;
use encours::ledger::columns::{
    Amounts, Currencies, CustomerColumns, Ids, ItemColumns, LedgerBuilder, PaymentColumns,
};
use encours::ledger::{Customer, Item, Payment};
use encours::money::{Currency, Money};

/// 100k customers, 1M invoices, one payment per invoice applied to it (int ids,
/// minor units, day numbers: what `from_arrow` hands over for gen_ledger's Parquet).
fn bulk(n_customers: usize, n_items: usize) -> Ledger {
    let cust: Vec<i64> = (0..n_customers as i64).collect();
    let ids: Vec<i64> = (0..n_items as i64).map(|i| 1_000_000 + i).collect();
    let item_cust: Vec<i64> = (0..n_items)
        .map(|i| (i * 7919 % n_customers) as i64)
        .collect();
    let issue: Vec<i32> = (0..n_items).map(|i| 19_700 + (i % 730) as i32).collect();
    let due: Vec<i32> = issue.iter().map(|d| d + 45).collect();
    let amount: Vec<i64> = (0..n_items)
        .map(|i| 5_000 + (i as i64 * 37) % 1_000_000)
        .collect();
    let pay_date: Vec<i32> = due.iter().map(|d| d + 10).collect();
    let mut b = LedgerBuilder::new();
    b.customers(&CustomerColumns::new(
        Ids::Int(&cust),
        Currencies::One(Currency::EUR),
    ))
    .unwrap();
    b.items(&ItemColumns::new(
        Ids::Int(&ids),
        Ids::Int(&item_cust),
        &issue,
        Some(&due),
        Amounts::Minor(&amount),
    ))
    .unwrap();
    let mut p = PaymentColumns::new(Ids::Int(&ids), &pay_date, Amounts::Minor(&amount));
    p.invoice = Some(Ids::Int(&ids));
    p.apply_to_invoice = true;
    b.payments(&p).unwrap();
    b.finish().unwrap()
}

/// One customer with `n` invoices (and, for netting, as many credit notes).
fn one_customer(n: usize, credits: bool) -> Ledger {
    let d = |k: usize| {
        chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new((k % 700) as u64)
    };
    let eur = |c: i64| Money::from_minor(c, Currency::EUR);
    let mut items = Vec::with_capacity(n * 2);
    for k in 0..n {
        items.push(Item::invoice(
            format!("F{k}"),
            "C1",
            d(k),
            d(k + 30),
            eur(10_000 + (k as i64 % 97)),
        ));
        if credits {
            items.push(Item::credit_note(
                format!("A{k}"),
                "C1",
                d(k + 1),
                eur(3_000),
            ));
        }
    }
    let payments = (0..100)
        .map(|k| Payment::new(format!("P{k}"), "C1", d(800), eur(25_001 + k)))
        .collect();
    Ledger::new(
        vec![Customer::new("C1", "A", Currency::EUR)],
        items,
        payments,
        vec![],
    )
    .unwrap()
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("bulk_import");
    g.sample_size(10);
    let l = bulk(100_000, 1_000_000);
    eprintln!(
        "bulk 1M: {} bytes per invoice (items, payments, applications and indexes)",
        l.heap_bytes() / l.item_count()
    );
    g.bench_function("1m_invoices_1m_payments", |b| {
        b.iter(|| black_box(bulk(100_000, 1_000_000)))
    });
    g.finish();

    let mut g = c.benchmark_group("one_customer");
    g.sample_size(10);
    for n in [10_000usize, 100_000, 1_000_000] {
        let l = one_customer(n, false);
        g.bench_function(format!("auto_apply_100_payments/{n}"), |b| {
            b.iter_batched(
                || l.clone(),
                |mut l| {
                    for k in 0..100 {
                        black_box(l.auto_apply(&format!("P{k}")).unwrap());
                    }
                },
                BatchSize::LargeInput,
            )
        });
        let l = one_customer(n / 2, true);
        g.bench_function(format!("net_credit_notes/{n}"), |b| {
            b.iter_batched(
                || l.clone(),
                |mut l| black_box(l.net_credit_notes("C1").unwrap()),
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
