//! Report tables built as Arrow arrays straight from the ledger's columns: amounts
//! as decimal128 from minor units, dates as date32 from day numbers, ids in the type
//! they came in. No `Decimal`, `String` or record object per row.

use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, Int64Array, StringArray};
use chrono::NaiveDate;
use encours_core::ledger::{ItemColumnsView, ItemKind, Ledger};
use encours_core::money::Currency;
use pyo3::prelude::*;

use crate::table::{Col, TableBuilder, decimal_from_minor};

/// The largest minor units among `currencies`, and the factor that brings each
/// currency's minor units to it.
fn common_scale(currencies: &[Currency]) -> (u32, impl Fn(Currency) -> i128) {
    let scale = currencies
        .iter()
        .map(Currency::minor_units)
        .max()
        .unwrap_or(2);
    (scale, move |c: Currency| {
        10i128.pow(scale.saturating_sub(c.minor_units()))
    })
}

/// Item ids of the rows, as int64 when they came as integers.
fn item_ids(ledger: &Ledger, rows: &[u32]) -> ArrayRef {
    match ledger.item_columns().int_ids() {
        Some(ints) => Arc::new(Int64Array::from_iter_values(
            rows.iter()
                .map(|r| ints.get(*r as usize).copied().unwrap_or_default()),
        )),
        None => Arc::new(StringArray::from_iter_values(rows.iter().map(|r| {
            match ledger.item_id(*r as usize) {
                Some(encours_core::ledger::IdRef::Str(s)) => s.to_owned(),
                Some(id) => id.to_string(),
                None => String::new(),
            }
        }))),
    }
}

/// Customer ids for customer positions, as int64 when they came as integers.
fn customer_ids(ledger: &Ledger, customers: impl Iterator<Item = usize>) -> ArrayRef {
    match ledger.customer_columns().int_ids() {
        Some(ints) => Arc::new(Int64Array::from_iter_values(
            customers.map(|c| ints.get(c).copied().unwrap_or_default()),
        )),
        None => Arc::new(StringArray::from_iter_values(
            customers.map(|c| ledger.customer_id(c).unwrap_or_default()),
        )),
    }
}

fn kind_name(k: ItemKind) -> &'static str {
    match k {
        ItemKind::Invoice => "invoice",
        ItemKind::DebitNote => "debit_note",
        ItemKind::CreditNote => "credit_note",
    }
}

/// The item-states table (see `Ledger.item_states`).
pub fn item_states(ledger: &Ledger, as_of: NaiveDate) -> PyResult<TableBuilder> {
    let cols: ItemColumnsView<'_> = ledger.item_columns();
    let day = ItemColumnsView::day(as_of);
    let issue = cols.issue_day();
    let rows: Vec<u32> = (0..issue.len() as u32)
        .filter(|i| issue.get(*i as usize).is_some_and(|d| *d <= day))
        .collect();
    let currencies = ledger.customer_columns().currency();
    let (scale, factor) = common_scale(currencies);
    let customer = cols.customer();
    let amount = cols.amount_minor();
    let due = cols.due_day();
    let n = rows.len();
    let mut amounts = Vec::with_capacity(n);
    let mut open = Vec::with_capacity(n);
    let mut settled = Vec::with_capacity(n);
    let mut last = Vec::with_capacity(n);
    let mut cur = Vec::with_capacity(n);
    for &r in &rows {
        let r = r as usize;
        let c = customer
            .get(r)
            .and_then(|c| currencies.get(*c as usize))
            .copied()
            .unwrap_or(Currency::EUR);
        let f = factor(c);
        let a = i128::from(amount.get(r).copied().unwrap_or_default());
        let (s, l) = cols.settled(r, as_of);
        amounts.push(a * f);
        settled.push(i128::from(s) * f);
        open.push((a - i128::from(s)) * f);
        last.push(l);
        cur.push(c);
    }
    let issue_days: Vec<i32> = rows
        .iter()
        .map(|r| issue.get(*r as usize).copied().unwrap_or_default())
        .collect();
    let due_days: Vec<i32> = rows
        .iter()
        .map(|r| due.get(*r as usize).copied().unwrap_or_default())
        .collect();
    let kinds =
        StringArray::from_iter_values(rows.iter().map(|r| kind_name(cols.kind(*r as usize))));
    let codes = StringArray::from_iter_values(cur.iter().map(|c| c.code().to_owned()));
    Ok(TableBuilder::new()
        .col("item_id", Col::Array(item_ids(ledger, &rows)))
        .col(
            "customer_id",
            Col::Array(customer_ids(
                ledger,
                rows.iter()
                    .map(|r| customer.get(*r as usize).copied().unwrap_or_default() as usize),
            )),
        )
        .col("kind", Col::Array(Arc::new(kinds)))
        .col(
            "issue_date",
            Col::Array(Arc::new(Date32Array::from(issue_days))),
        )
        .col(
            "due_date",
            Col::Array(Arc::new(Date32Array::from(due_days))),
        )
        .col("currency", Col::Array(Arc::new(codes)))
        .col("amount", Col::Array(decimal_from_minor(amounts, scale)?))
        .col("open", Col::Array(decimal_from_minor(open, scale)?))
        .col("settled", Col::Array(decimal_from_minor(settled, scale)?))
        .col(
            "last_settlement",
            Col::Array(Arc::new(Date32Array::from(last))),
        ))
}

/// The balances table (see `Ledger.balances`).
pub fn balances(ledger: &Ledger, as_of: NaiveDate) -> PyResult<TableBuilder> {
    let cc = ledger.customer_columns();
    let currencies = cc.currency();
    let (scale, factor) = common_scale(currencies);
    let n = currencies.len();
    let mut bal = Vec::with_capacity(n);
    for (c, cur) in currencies.iter().enumerate() {
        bal.push(cc.balance_minor(c, as_of) * factor(*cur));
    }
    let codes = StringArray::from_iter_values(currencies.iter().map(|c| c.code().to_owned()));
    Ok(TableBuilder::new()
        .col("customer_id", Col::Array(customer_ids(ledger, 0..n)))
        .col("currency", Col::Array(Arc::new(codes)))
        .col("balance", Col::Array(decimal_from_minor(bal, scale)?)))
}
