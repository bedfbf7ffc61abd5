//! Every read the risk and limits modules make of the ledger, in one place.
//!
//! The ledger's storage may change (records built on demand rather than borrowed from
//! slices); these few functions and the small read-only views below are the only
//! places `risk` and `limits` touch it, so such a change is adapted here and nowhere
//! else. Each reads only public `Ledger` methods.

use chrono::NaiveDate;

use crate::ledger::{
    CustomerIx, Dispute, ExternalScore, IdRef, ItemIx, ItemKind, ItemState, Ledger, PaymentIx,
};
use crate::money::{Currency, Money};

/// What risk and limits read of a customer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CustomerRead<'a> {
    pub id: &'a str,
    pub currency: Currency,
    pub credit_limit: Option<Money>,
    pub risk_class: Option<&'a str>,
    pub external_scores: &'a [ExternalScore],
}

/// What risk and limits read of an item.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ItemRead<'a> {
    pub id: IdRef<'a>,
    pub kind: ItemKind,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount: Money,
    dispute: Option<&'a Dispute>,
}

impl ItemRead<'_> {
    /// The disputed amount on `date` (zero without an active dispute).
    pub fn disputed_amount(&self, date: NaiveDate) -> Money {
        match self.dispute {
            Some(d) if d.is_active(date) => d.amount,
            _ => Money::from_minor(0, self.amount.currency()),
        }
    }
}

/// What risk and limits read of a payment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PaymentRead<'a> {
    pub id: IdRef<'a>,
    pub date: NaiveDate,
    pub amount: Money,
}

/// Number of customers.
pub(crate) fn customer_count(ledger: &Ledger) -> usize {
    ledger.customer_count()
}

/// The customer at a position.
pub(crate) fn customer_at(ledger: &Ledger, ix: usize) -> Option<CustomerRead<'_>> {
    ledger
        .customer_view(CustomerIx::new(ix))
        .map(|c| CustomerRead {
            id: c.id,
            currency: c.currency,
            credit_limit: c.credit_limit(),
            risk_class: c.risk_class(),
            external_scores: c.external_scores(),
        })
}

/// Position of a customer by id.
pub(crate) fn customer_index(ledger: &Ledger, id: &str) -> Option<usize> {
    ledger.customer_index(id).map(CustomerIx::index)
}

/// The item at a position.
pub(crate) fn item_at(ledger: &Ledger, ix: usize) -> Option<ItemRead<'_>> {
    ledger.item_view(ItemIx::new(ix)).map(|i| ItemRead {
        id: i.id,
        kind: i.kind,
        issue_date: i.issue_date,
        due_date: i.due_date,
        amount: i.amount,
        dispute: i.dispute,
    })
}

/// The payment at a position.
pub(crate) fn payment_at(ledger: &Ledger, ix: usize) -> Option<PaymentRead<'_>> {
    ledger
        .payment_view(PaymentIx::new(ix))
        .map(|p| PaymentRead {
            id: p.id,
            date: p.date,
            amount: p.amount,
        })
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
