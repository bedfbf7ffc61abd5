//! Reading the columns: positions, borrowed views of one record, and records built
//! on demand.

use std::marker::PhantomData;

use chrono::NaiveDate;

use super::store::date;
use super::{
    Application, Block, Customer, CustomerExtra, CustomerIx, Dispute, ExternalScore,
    FROM_CREDIT_NOTE, HAS_BLOCK, HAS_DISPUTE, HAS_REFERENCE, IdRef, Item, ItemIx, ItemKind, Ledger,
    NONE, Payment, PaymentIx, Source, kind_of, rule_of,
};
use crate::money::{Currency, Money};

/// Positions from a CSR list (the part built in bulk, then what was added after).
#[derive(Debug, Clone)]
pub struct Positions<'a, T> {
    base: std::slice::Iter<'a, u32>,
    extra: std::slice::Iter<'a, u32>,
    _t: PhantomData<T>,
}

impl<'a, T> Positions<'a, T> {
    pub(crate) fn new((base, extra): (&'a [u32], &'a [u32])) -> Self {
        Positions {
            base: base.iter(),
            extra: extra.iter(),
            _t: PhantomData,
        }
    }
}

/// Converts a stored position to the position type handed out.
pub trait FromPosition {
    /// The position.
    fn from_position(p: u32) -> Self;
}

impl FromPosition for ItemIx {
    fn from_position(p: u32) -> Self {
        ItemIx(p)
    }
}

impl FromPosition for PaymentIx {
    fn from_position(p: u32) -> Self {
        PaymentIx(p)
    }
}

impl FromPosition for usize {
    fn from_position(p: u32) -> Self {
        p as usize
    }
}

impl<T: FromPosition> Iterator for Positions<'_, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.base
            .next()
            .or_else(|| self.extra.next())
            .map(|p| T::from_position(*p))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.base.len() + self.extra.len();
        (n, Some(n))
    }
}

impl<T: FromPosition> ExactSizeIterator for Positions<'_, T> {}

/// An item read from the columns, without building its record (no allocation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemView<'a> {
    /// Item id.
    pub id: IdRef<'a>,
    /// The customer's position.
    pub customer: CustomerIx,
    /// Invoice, debit note or credit note.
    pub kind: ItemKind,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Gross amount, in the customer's currency.
    pub amount: Money,
    /// The customer's reference.
    pub reference: Option<&'a str>,
    /// A dispute on all or part of the item.
    pub dispute: Option<&'a Dispute>,
    /// Item-level dunning block.
    pub dunning_block: Option<&'a Block>,
}

impl ItemView<'_> {
    /// The disputed amount on `date` (zero without an active dispute).
    pub fn disputed_amount(&self, date: NaiveDate) -> Money {
        match self.dispute {
            Some(d) if d.is_active(date) => d.amount,
            _ => Money::from_minor(0, self.amount.currency()),
        }
    }
}

/// A payment read from the columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentView<'a> {
    /// Payment id.
    pub id: IdRef<'a>,
    /// The customer's position.
    pub customer: CustomerIx,
    /// Value date.
    pub date: NaiveDate,
    /// Amount received.
    pub amount: Money,
    /// Remittance reference.
    pub reference: Option<&'a str>,
}

/// A customer read from the columns.
#[derive(Debug, Clone, Copy)]
pub struct CustomerView<'a> {
    /// Account id, as text (integer ids are also kept written out for customers).
    pub id: &'a str,
    /// Whether the id came as an integer.
    pub id_is_int: bool,
    /// Name.
    pub name: &'a str,
    /// Currency of the account.
    pub currency: Currency,
    /// Parent position.
    pub parent: Option<CustomerIx>,
    segment: Option<&'a str>,
    extra: Option<&'a CustomerExtra>,
}

impl<'a> CustomerView<'a> {
    /// Segment.
    pub fn segment(&self) -> Option<&'a str> {
        self.segment
    }
    /// Free tags.
    pub fn tags(&self) -> &'a [String] {
        self.extra.map_or(&[], |e| e.tags.as_slice())
    }
    /// Country.
    pub fn country(&self) -> Option<&'a str> {
        self.extra.and_then(|e| e.country.as_deref())
    }
    /// Payment terms as agreed.
    pub fn payment_terms(&self) -> Option<&'a str> {
        self.extra.and_then(|e| e.payment_terms.as_deref())
    }
    /// Business-day calendar code.
    pub fn calendar(&self) -> Option<&'a str> {
        self.extra.and_then(|e| e.calendar.as_deref())
    }
    /// Dunning scenario forced for this customer.
    pub fn dunning_scenario(&self) -> Option<&'a str> {
        self.extra.and_then(|e| e.dunning_scenario.as_deref())
    }
    /// Risk class.
    pub fn risk_class(&self) -> Option<&'a str> {
        self.extra.and_then(|e| e.risk_class.as_deref())
    }
    /// External scores.
    pub fn external_scores(&self) -> &'a [ExternalScore] {
        self.extra.map_or(&[], |e| e.external_scores.as_slice())
    }
    /// Credit limit granted.
    pub fn credit_limit(&self) -> Option<Money> {
        self.extra.and_then(|e| e.credit_limit)
    }
    /// Account-level dunning block.
    pub fn dunning_block(&self) -> Option<&'a Block> {
        self.extra.and_then(|e| e.dunning_block.as_ref())
    }
}

impl Ledger {
    /// A customer read from the columns.
    pub fn customer_view(&self, customer: impl Into<CustomerIx>) -> Option<CustomerView<'_>> {
        let customer = customer.into();
        let ix = customer.index();
        let c = &self.c;
        let parent = *c.parent.get(ix)?;
        Some(CustomerView {
            id: c.ids.text(ix)?,
            id_is_int: c.ids.is_int(),
            name: c.names.get(ix)?,
            currency: *c.currency.get(ix)?,
            parent: (parent != NONE).then_some(CustomerIx(parent)),
            segment: c
                .segment
                .get(ix)
                .and_then(|s| c.segment_names.get(*s as usize))
                .map(String::as_str),
            extra: c.extra.get(customer.0).map(|b| &**b),
        })
    }

    /// An item read from the columns.
    pub fn item_view(&self, item: impl Into<ItemIx>) -> Option<ItemView<'_>> {
        let item = item.into();
        let ix = item.index();
        let i = &self.i;
        let flags = *i.flags.get(ix)?;
        let customer = *i.customer.get(ix)?;
        Some(ItemView {
            id: i.ids.get(ix)?,
            customer: CustomerIx(customer),
            kind: kind_of(flags),
            issue_date: date(*i.issue.get(ix)?),
            due_date: date(*i.due.get(ix)?),
            amount: Money::from_minor(*i.amount.get(ix)?, self.currency_of(customer)),
            reference: if flags & HAS_REFERENCE != 0 {
                i.reference.get(item.0).map(|r| &**r)
            } else {
                None
            },
            dispute: if flags & HAS_DISPUTE != 0 {
                i.dispute.get(item.0)
            } else {
                None
            },
            dunning_block: if flags & HAS_BLOCK != 0 {
                i.block.get(item.0)
            } else {
                None
            },
        })
    }

    /// A payment read from the columns.
    pub fn payment_view(&self, payment: impl Into<PaymentIx>) -> Option<PaymentView<'_>> {
        let payment = payment.into();
        let ix = payment.index();
        let p = &self.p;
        let customer = *p.customer.get(ix)?;
        Some(PaymentView {
            id: p.ids.get(ix)?,
            customer: CustomerIx(customer),
            date: date(*p.date.get(ix)?),
            amount: Money::from_minor(*p.amount.get(ix)?, self.currency_of(customer)),
            reference: p.reference.get(payment.0).map(|r| &**r),
        })
    }

    /// A customer's id.
    pub fn customer_id(&self, customer: impl Into<CustomerIx>) -> Option<&str> {
        let customer = customer.into();
        self.c.ids.text(customer.index())
    }

    /// An item's id.
    pub fn item_id(&self, item: impl Into<ItemIx>) -> Option<IdRef<'_>> {
        let item = item.into();
        self.i.ids.get(item.index())
    }

    /// A payment's id.
    pub fn payment_id(&self, payment: impl Into<PaymentIx>) -> Option<IdRef<'_>> {
        let payment = payment.into();
        self.p.ids.get(payment.index())
    }

    /// The customer at a position, built as a record.
    pub fn customer_at(&self, customer: impl Into<CustomerIx>) -> Option<Customer> {
        let customer = customer.into();
        let v = self.customer_view(customer)?;
        let mut c = Customer::new(v.id, v.name, v.currency);
        c.parent = v
            .parent
            .and_then(|p| self.customer_id(p))
            .map(str::to_owned);
        c.segment = v.segment.map(str::to_owned);
        if let Some(e) = v.extra {
            c.tags = e.tags.clone();
            c.country = e.country.clone();
            c.payment_terms = e.payment_terms.clone();
            c.calendar = e.calendar.clone();
            c.dunning_scenario = e.dunning_scenario.clone();
            c.risk_class = e.risk_class.clone();
            c.external_scores = e.external_scores.clone();
            c.credit_limit = e.credit_limit;
            c.dunning_block = e.dunning_block.clone();
        }
        Some(c)
    }

    /// The item at a position, built as a record.
    pub fn item_at(&self, item: impl Into<ItemIx>) -> Option<Item> {
        let item = item.into();
        let v = self.item_view(item)?;
        Some(Item {
            id: v.id.to_string(),
            customer_id: self.customer_id(v.customer)?.to_owned(),
            kind: v.kind,
            issue_date: v.issue_date,
            due_date: v.due_date,
            amount: v.amount,
            reference: v.reference.map(str::to_owned),
            dispute: v.dispute.cloned(),
            dunning_block: v.dunning_block.cloned(),
        })
    }

    /// The payment at a position, built as a record.
    pub fn payment_at(&self, payment: impl Into<PaymentIx>) -> Option<Payment> {
        let payment = payment.into();
        let v = self.payment_view(payment)?;
        Some(Payment {
            id: v.id.to_string(),
            customer_id: self.customer_id(v.customer)?.to_owned(),
            date: v.date,
            amount: v.amount,
            reference: v.reference.map(str::to_owned),
        })
    }

    /// The application at a position (in the order applications were made).
    pub(crate) fn application_at(&self, aix: usize) -> Option<Application> {
        let a = &self.a;
        let tag = *a.tag.get(aix)?;
        let source = *a.source.get(aix)?;
        let item = *a.item.get(aix)?;
        let source = if tag & FROM_CREDIT_NOTE != 0 {
            Source::CreditNote(self.i.ids.get(source as usize)?.to_string())
        } else {
            Source::Payment(self.p.ids.get(source as usize)?.to_string())
        };
        let currency = self.currency_of(*self.i.customer.get(item as usize)?);
        Some(Application {
            source,
            item_id: self.i.ids.get(item as usize)?.to_string(),
            date: date(*a.date.get(aix)?),
            amount: Money::from_minor(*a.amount.get(aix)?, currency),
            rule: rule_of(tag),
        })
    }

    /// The item columns, for bulk readers (Arrow export): positions are indexes.
    pub fn item_columns(&self) -> ItemColumnsView<'_> {
        ItemColumnsView { ledger: self }
    }

    /// The customer columns, for bulk readers.
    pub fn customer_columns(&self) -> CustomerColumnsView<'_> {
        CustomerColumnsView { ledger: self }
    }
}

/// Read access to the item columns (see [`Ledger::item_columns`]).
#[derive(Debug, Clone, Copy)]
pub struct ItemColumnsView<'a> {
    ledger: &'a Ledger,
}

impl<'a> ItemColumnsView<'a> {
    /// Customer position of each item.
    pub fn customer(&self) -> &'a [u32] {
        &self.ledger.i.customer
    }
    /// Issue dates, as days since 1970-01-01 (Arrow `date32`).
    pub fn issue_day(&self) -> &'a [i32] {
        &self.ledger.i.issue
    }
    /// Due dates, as days since 1970-01-01.
    pub fn due_day(&self) -> &'a [i32] {
        &self.ledger.i.due
    }
    /// Amounts in minor units of the customer's currency.
    pub fn amount_minor(&self) -> &'a [i64] {
        &self.ledger.i.amount
    }
    /// The ids, when they are integers.
    pub fn int_ids(&self) -> Option<&'a [i64]> {
        self.ledger.i.ids.ints()
    }
    /// The kind of the item at `ix`.
    pub fn kind(&self, ix: usize) -> ItemKind {
        kind_of(self.ledger.i.flags.get(ix).copied().unwrap_or_default())
    }
    /// Settled minor units and the latest settlement day (days since 1970-01-01) of
    /// the item at `ix` at the end of `as_of`.
    pub fn settled(&self, ix: usize, as_of: NaiveDate) -> (i64, Option<i32>) {
        let (s, last) = self.ledger.item_settled(ix, super::store::day(as_of));
        (s, (last != super::store::NO_DAY).then_some(last))
    }
    /// `as_of` as a day number of these columns.
    pub fn day(as_of: NaiveDate) -> i32 {
        super::store::day(as_of)
    }
}

/// Read access to the customer columns (see [`Ledger::customer_columns`]).
#[derive(Debug, Clone, Copy)]
pub struct CustomerColumnsView<'a> {
    ledger: &'a Ledger,
}

impl<'a> CustomerColumnsView<'a> {
    /// Currency of each customer.
    pub fn currency(&self) -> &'a [Currency] {
        &self.ledger.c.currency
    }
    /// The ids, when they came as integers.
    pub fn int_ids(&self) -> Option<&'a [i64]> {
        self.ledger.c.ids.ints()
    }
    /// A customer's balance in minor units at the end of `as_of` (open debits less
    /// open credits and unapplied cash).
    pub fn balance_minor(&self, customer: usize, as_of: NaiveDate) -> i128 {
        self.ledger
            .balance_minor(CustomerIx::new(customer), super::store::day(as_of))
    }
}
