//! Every read the risk and limits modules make of the ledger, in one place.
//!
//! The ledger's storage may change (records built on demand rather than borrowed from
//! slices); these few functions are the only places `risk` and `limits` touch it, so
//! such a change is adapted here and nowhere else. Each reads only public `Ledger`
//! methods.

use chrono::NaiveDate;

use crate::ledger::{Customer, CustomerIx, Item, ItemIx, ItemState, Ledger, Payment, PaymentIx};
use crate::money::Money;

/// Number of customers.
pub(crate) fn customer_count(ledger: &Ledger) -> usize {
    ledger.customer_count()
}

/// The customer at a position.
pub(crate) fn customer_at(ledger: &Ledger, ix: usize) -> Option<Customer> {
    ledger.customer_at(CustomerIx::new(ix))
}

/// Position of a customer by id.
pub(crate) fn customer_index(ledger: &Ledger, id: &str) -> Option<usize> {
    ledger.customer_index(id).map(CustomerIx::index)
}

/// The item at a position.
pub(crate) fn item_at(ledger: &Ledger, ix: usize) -> Option<Item> {
    ledger.item_at(ItemIx::new(ix))
}

/// The payment at a position.
pub(crate) fn payment_at(ledger: &Ledger, ix: usize) -> Option<Payment> {
    ledger.payment_at(PaymentIx::new(ix))
}

/// Positions of a customer's items.
pub(crate) fn items_of(ledger: &Ledger, cix: usize) -> impl Iterator<Item = usize> + '_ {
    ledger.items_of(CustomerIx::new(cix)).map(ItemIx::index)
}

/// Positions of a customer's payments.
pub(crate) fn payments_of(ledger: &Ledger, cix: usize) -> impl Iterator<Item = usize> + '_ {
    ledger
        .payments_of(CustomerIx::new(cix))
        .map(PaymentIx::index)
}

/// State of an item at the end of a day (`None` before its issue date).
pub(crate) fn item_state(ledger: &Ledger, ix: usize, as_of: NaiveDate) -> Option<ItemState> {
    ledger.item_state(ItemIx::new(ix), as_of)
}

/// Unapplied part of a payment at the end of a day.
pub(crate) fn payment_unapplied(ledger: &Ledger, pix: usize, as_of: NaiveDate) -> Money {
    ledger.payment_unapplied(PaymentIx::new(pix), as_of)
}

/// The top of a customer's group.
pub(crate) fn group_root(ledger: &Ledger, cix: usize) -> usize {
    ledger.group_root(CustomerIx::new(cix)).index()
}
