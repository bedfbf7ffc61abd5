//! Every read the plans module makes of the ledger, in one place.
//!
//! Plans read the ledger through its public methods only (`customer`,
//! `customer_index`, `items_of`, `item_state`, `item`, `applications_of_item`), and
//! only through the functions of this file, so a change of the ledger's storage is
//! adapted here alone.

use chrono::NaiveDate;

use crate::ledger::{Ledger, Source};
use crate::money::{Currency, Money};

/// What plans need of a customer.
pub(crate) struct CustomerView {
    pub id: String,
    pub currency: Currency,
    pub calendar: Option<String>,
    pub index: usize,
}

/// What plans need of an item, as of a date.
pub(crate) struct ItemView {
    pub id: String,
    pub is_debit: bool,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount: Money,
    pub open: Money,
    pub disputed: Money,
    pub last_settlement: Option<NaiveDate>,
}

/// The customer `id`, if the ledger holds it.
pub(crate) fn customer(ledger: &Ledger, id: &str) -> Option<CustomerView> {
    let c = ledger.customer(id)?;
    Some(CustomerView {
        id: c.id.clone(),
        currency: c.currency,
        calendar: c.calendar.clone(),
        index: ledger.customer_index(id)?,
    })
}

/// The customer's items issued on or before `as_of`, with their open and disputed
/// amounts at the end of that day, in ledger order.
pub(crate) fn items_of(
    ledger: &Ledger,
    customer: &CustomerView,
    as_of: NaiveDate,
) -> Vec<ItemView> {
    ledger
        .items_of(customer.index)
        .iter()
        .filter_map(|&ix| {
            let item = ledger.items().get(ix)?;
            let state = ledger.item_state(ix, as_of)?;
            Some(ItemView {
                id: item.id.clone(),
                is_debit: item.kind.is_debit(),
                issue_date: item.issue_date,
                due_date: item.due_date,
                amount: item.amount,
                open: state.open,
                disputed: item.disputed_amount(as_of),
                last_settlement: state.last_settlement,
            })
        })
        .collect()
}

/// The customer of the item `id` and whether it is a debit, if the ledger holds it.
pub(crate) fn item_owner(ledger: &Ledger, id: &str) -> Option<(String, bool, Currency)> {
    ledger.item(id).map(|i| {
        (
            i.customer_id.clone(),
            i.kind.is_debit(),
            i.amount.currency(),
        )
    })
}

/// The dated amounts settled on the item `id` by payments and credit notes, after
/// `after` and up to `as_of`: (date, amount, source id).
pub(crate) fn settlements(
    ledger: &Ledger,
    id: &str,
    after: NaiveDate,
    as_of: NaiveDate,
) -> Vec<(NaiveDate, Money, String)> {
    let Some(item) = ledger.item(id) else {
        return Vec::new();
    };
    let Some(customer) = ledger.customer_index(&item.customer_id) else {
        return Vec::new();
    };
    let Some(ix) = ledger
        .items_of(customer)
        .iter()
        .copied()
        .find(|&ix| ledger.items().get(ix).is_some_and(|i| i.id == id))
    else {
        return Vec::new();
    };
    ledger
        .applications_of_item(ix)
        .filter(|a| a.item_id == id && a.date > after && a.date <= as_of)
        .map(|a| {
            let source = match &a.source {
                Source::Payment(p) | Source::CreditNote(p) => p.clone(),
            };
            (a.date, a.amount, source)
        })
        .collect()
}
