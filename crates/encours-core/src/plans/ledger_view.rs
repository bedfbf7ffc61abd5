//! Every read the plans module makes of the ledger, in one place.
//!
//! Plans read the ledger through its public methods only (`customer`,
//! `customer_index`, `items_of`, `item_state`, `item`, `applications_of_item`), and
//! only through the functions of this file, so a change of the ledger's storage is
//! adapted here alone.

use chrono::NaiveDate;

use crate::ledger::{CustomerIx, Ledger, Source};
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
    let index = ledger.customer_index(id)?;
    let c = ledger.customer_view(index)?;
    Some(CustomerView {
        id: c.id.to_owned(),
        currency: c.currency,
        calendar: c.calendar().map(str::to_owned),
        index: index.index(),
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
        .items_of(CustomerIx::new(customer.index))
        .filter_map(|ix| {
            let item = ledger.item_view(ix)?;
            let state = ledger.item_state(ix, as_of)?;
            Some(ItemView {
                id: item.id.to_string(),
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
    let Some(ix) = ledger.item_index(id) else {
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
