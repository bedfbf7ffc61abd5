//! The accounts-receivable ledger (*poste client*): customers, open items, payments
//! and how payments and credit notes were applied to items.
//!
//! The ledger keeps history, not balances: an item's open amount is its amount less
//! the applications dated up to the day asked for. Every figure can therefore be taken
//! *as of* a past date: an invoice paid on 15 October was open on 30 September.
//!
//! ```
//! use encours_core::ledger::{Customer, Item, ItemKind, Ledger, Payment};
//! use encours_core::money::{Currency, Money};
//! use chrono::NaiveDate;
//! let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
//! let mut ledger = Ledger::new(
//!     vec![Customer::new("C1", "Dupont SA", Currency::EUR)],
//!     vec![Item::invoice("F-1", "C1", d("2024-09-01"), d("2024-10-01"), Money::parse("1200.00", Currency::EUR)?)],
//!     vec![],
//!     vec![],
//! )?;
//! ledger.add_payment(Payment::new("P-1", "C1", d("2024-10-15"), Money::parse("1200.00", Currency::EUR)?))?;
//! ledger.apply_payment("P-1", "F-1", Money::parse("1200.00", Currency::EUR)?, d("2024-10-15"))?;
//! assert_eq!(ledger.open_amount("F-1", d("2024-09-30"))?.to_string(), "1200.00 EUR");
//! assert_eq!(ledger.open_amount("F-1", d("2024-10-15"))?.to_string(), "0.00 EUR");
//! # Ok::<(), encours_core::Error>(())
//! ```
//!
//! # Conventions
//! - Amounts of items and payments are positive; the kind says whether an item is a
//!   debit (invoice, debit note) or a credit (credit note). Unapplied cash is the part
//!   of a payment not yet applied; it is a credit on the account.
//! - A customer's items and payments are in the customer's currency: an account in
//!   two currencies is two accounts, as in most ERPs.
//! - An application is dated; it counts from that day on. It cannot be dated before
//!   the payment (or credit note) it comes from, nor before the item it settles.

//!
//! # Storage
//! The ledger is a struct of arrays: ids interned once into dense positions
//! ([`CustomerIx`], [`ItemIx`], [`PaymentIx`]; integer ids stay integers), amounts in
//! the currency's minor units (`i64`, summed in `i128`), dates as day numbers, kinds as
//! bits, the rare fields (references, disputes, blocks, customer details) in sparse
//! side tables, each customer's items and payments and each item's and payment's
//! applications in CSR lists. The record types ([`Item`], [`Customer`]…) are the data
//! form at the edges: they are built on demand by [`Ledger::items`], [`Ledger::item`]
//! and the like. Every way in ([`Ledger::new`], the JSON form, [`columns`]' bulk
//! import from typed columns) goes through the same row checks in [`columns`].

mod apply;
pub mod columns;
mod ids;
mod records;
mod store;
mod views;

pub use ids::IdRef;
pub use records::*;
pub use views::{
    CustomerColumnsView, CustomerView, ItemColumnsView, ItemView, PaymentView, Positions,
};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money, MoneyError};
use ids::{IdColumn, TextArena};
pub(crate) use store::{CE_TO_EPOCH, NO_DAY};
use store::{Csr, Sparse, date, day};

/// The kind in an item's flag bits.
pub(crate) fn ledger_kind(flags: u8) -> ItemKind {
    kind_of(flags)
}

macro_rules! position {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);

        impl $name {
            /// The position `ix` (a position past the end is answered with `None` by
            /// the ledger's lookups).
            pub fn new(ix: usize) -> $name {
                $name(u32::try_from(ix).unwrap_or(u32::MAX))
            }

            /// The position as an index.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl From<usize> for $name {
            fn from(ix: usize) -> $name {
                $name::new(ix)
            }
        }

        impl PartialEq<usize> for $name {
            fn eq(&self, other: &usize) -> bool {
                self.index() == *other
            }
        }
    };
}

position!(
    /// The position of a customer in the ledger (in [`Ledger::customers`] order).
    CustomerIx
);
position!(
    /// The position of an item in the ledger (in [`Ledger::items`] order).
    ItemIx
);
position!(
    /// The position of a payment in the ledger (in [`Ledger::payments`] order).
    PaymentIx
);

/// "No customer" in a column of customer positions.
const NONE: u32 = u32::MAX;

/// Flag bits of an item, next to its kind (bits 0–1).
const HAS_REFERENCE: u8 = 1 << 2;
const HAS_DISPUTE: u8 = 1 << 3;
const HAS_BLOCK: u8 = 1 << 4;
const KIND_MASK: u8 = 0b11;

fn kind_bits(kind: ItemKind) -> u8 {
    match kind {
        ItemKind::Invoice => 0,
        ItemKind::DebitNote => 1,
        ItemKind::CreditNote => 2,
    }
}

fn kind_of(flags: u8) -> ItemKind {
    match flags & KIND_MASK {
        1 => ItemKind::DebitNote,
        2 => ItemKind::CreditNote,
        _ => ItemKind::Invoice,
    }
}

/// An application's tag: bit 7 when drawn from a credit note, the rule below.
const FROM_CREDIT_NOTE: u8 = 1 << 7;

fn rule_bits(rule: MatchRule) -> u8 {
    match rule {
        MatchRule::Explicit => 0,
        MatchRule::Reference => 1,
        MatchRule::ExactAmount => 2,
        MatchRule::OldestDue => 3,
    }
}

fn rule_of(tag: u8) -> MatchRule {
    match tag & 0b11 {
        1 => MatchRule::Reference,
        2 => MatchRule::ExactAmount,
        3 => MatchRule::OldestDue,
        _ => MatchRule::Explicit,
    }
}

/// The fields of a customer that most customers leave empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CustomerExtra {
    pub(crate) segment: Option<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) country: Option<String>,
    pub(crate) payment_terms: Option<String>,
    pub(crate) calendar: Option<String>,
    pub(crate) dunning_scenario: Option<String>,
    pub(crate) risk_class: Option<String>,
    pub(crate) external_scores: Vec<ExternalScore>,
    pub(crate) credit_limit: Option<Money>,
    pub(crate) dunning_block: Option<Block>,
}

impl CustomerExtra {
    fn is_empty(&self) -> bool {
        *self == CustomerExtra::default()
    }
}

impl Customers {
    /// The position of a segment name, added when new.
    pub(crate) fn segment_position(&mut self, name: String) -> u32 {
        if let Some(k) = self.segment_index.get(&name) {
            return *k;
        }
        let k = self.segment_names.len() as u32;
        self.segment_index.insert(name.clone(), k);
        self.segment_names.push(name);
        k
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Customers {
    pub(crate) ids: IdColumn,
    pub(crate) names: TextArena,
    pub(crate) currency: Vec<Currency>,
    /// Parent position, or `NONE`.
    pub(crate) parent: Vec<u32>,
    /// Group root position (itself without a parent).
    pub(crate) root: Vec<u32>,
    pub(crate) extra: Sparse<Box<CustomerExtra>>,
    /// Segment of each customer, as a position in `segment_names` (`NONE`: none): a
    /// few segments shared by every customer.
    pub(crate) segment: Vec<u32>,
    pub(crate) segment_names: Vec<String>,
    segment_index: std::collections::HashMap<String, u32, foldhash::fast::RandomState>,
    /// Parents named during a bulk load, resolved once every customer is in.
    pending_parents: Vec<(u32, String)>,
}

impl Default for Customers {
    fn default() -> Self {
        Customers {
            ids: IdColumn::new(true),
            names: TextArena::default(),
            currency: Vec::new(),
            parent: Vec::new(),
            root: Vec::new(),
            extra: Sparse::default(),
            segment: Vec::new(),
            segment_names: Vec::new(),
            segment_index: Default::default(),
            pending_parents: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Items {
    pub(crate) ids: IdColumn,
    pub(crate) customer: Vec<u32>,
    pub(crate) flags: Vec<u8>,
    pub(crate) issue: Vec<i32>,
    pub(crate) due: Vec<i32>,
    pub(crate) amount: Vec<i64>,
    /// Running total of the item's applications (settled, or drawn for a credit note).
    pub(crate) applied: Vec<i64>,
    /// Latest date among them, or `NO_DAY`.
    pub(crate) last: Vec<i32>,
    pub(crate) reference: Sparse<Box<str>>,
    pub(crate) dispute: Sparse<Dispute>,
    pub(crate) block: Sparse<Block>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Payments {
    pub(crate) ids: IdColumn,
    pub(crate) customer: Vec<u32>,
    pub(crate) date: Vec<i32>,
    pub(crate) amount: Vec<i64>,
    pub(crate) applied: Vec<i64>,
    pub(crate) last: Vec<i32>,
    pub(crate) reference: Sparse<Box<str>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Apps {
    /// Payment position, or credit-note item position (see `tag`).
    pub(crate) source: Vec<u32>,
    pub(crate) item: Vec<u32>,
    pub(crate) date: Vec<i32>,
    pub(crate) amount: Vec<i64>,
    pub(crate) tag: Vec<u8>,
}

/// The validated ledger, stored as columns.
///
/// Serializes as [`LedgerData`]; deserializing validates exactly as [`Ledger::new`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(into = "LedgerData", try_from = "LedgerData")]
pub struct Ledger {
    pub(crate) c: Customers,
    pub(crate) i: Items,
    pub(crate) p: Payments,
    pub(crate) a: Apps,
    /// Items of each customer.
    cust_items: Csr,
    /// Payments of each customer.
    cust_payments: Csr,
    /// Applications settling each item (debits) or drawn from it (credit notes).
    item_apps: Csr,
    /// Applications drawn from each payment.
    payment_apps: Csr,
    /// While a bulk load runs, the CSR lists are left to its end.
    bulk: bool,
    /// Each customer's debits in cash-application order, kept once `auto_apply` asked
    /// for them (dropped when the customer gets a new item).
    apply_order: std::collections::HashMap<u32, Vec<u32>, foldhash::fast::RandomState>,
}

impl PartialEq for Ledger {
    fn eq(&self, other: &Self) -> bool {
        self.data() == other.data()
    }
}

impl From<Ledger> for LedgerData {
    fn from(l: Ledger) -> LedgerData {
        l.data()
    }
}

impl TryFrom<LedgerData> for Ledger {
    type Error = LedgerError;
    fn try_from(d: LedgerData) -> Result<Ledger, LedgerError> {
        Ledger::new(d.customers, d.items, d.payments, d.applications)
    }
}

pub(crate) fn invalid(
    record: &'static str,
    id: &str,
    field: &'static str,
    value: impl ToString,
    expected: impl Into<String>,
) -> LedgerError {
    LedgerError::InvalidField {
        record,
        id: id.to_owned(),
        field,
        value: value.to_string(),
        expected: expected.into(),
    }
}

/// Sum of minor units as a `Money`, or an overflow error naming the operation.
pub(crate) fn money_of(
    total: i128,
    currency: Currency,
    operation: &'static str,
) -> Result<Money, LedgerError> {
    Decimal::try_from_i128_with_scale(total, currency.minor_units())
        .map(|d| Money::new(d, currency))
        .map_err(|_| LedgerError::Money(MoneyError::Overflow { operation }))
}

impl Ledger {
    /// Build and validate a ledger from records. The records go through the same
    /// bulk import as columns ([`columns::LedgerBuilder`]).
    ///
    /// # Errors
    /// [`LedgerError::DuplicateId`], [`LedgerError::Unknown`] (customer, parent, item,
    /// payment), [`LedgerError::InvalidField`] (non-positive amount, wrong currency,
    /// sub-minor-unit amount, amount past `i64` minor units, date outside years
    /// 1–9999, application dated before its source or item, disputed amount above the
    /// item), [`LedgerError::OverApplication`], [`LedgerError::ParentCycle`].
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Item, Ledger};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    /// let err = Ledger::new(
    ///     vec![Customer::new("C1", "A", Currency::EUR)],
    ///     vec![Item::invoice("F1", "C9", day, day, Money::from_minor(100, Currency::EUR))],
    ///     vec![], vec![],
    /// ).unwrap_err();
    /// assert_eq!(err.to_string(), "unknown customer \"C9\" referenced by item \"F1\"");
    /// ```
    pub fn new(
        customers: Vec<Customer>,
        items: Vec<Item>,
        payments: Vec<Payment>,
        applications: Vec<Application>,
    ) -> Result<Ledger, LedgerError> {
        let mut b = columns::LedgerBuilder::new();
        b.customer_records(customers)?;
        b.item_records(items)?;
        b.payment_records(payments)?;
        b.application_records(applications)?;
        b.finish()
    }

    /// Build the CSR lists from the columns (end of a bulk load), and give back what
    /// batch-by-batch growth reserved beyond the rows.
    pub(crate) fn build_indexes(&mut self) {
        self.shrink();
        let nc = self.c.currency.len();
        self.cust_items = Csr::build(nc, self.i.customer.iter().copied());
        self.cust_payments = Csr::build(nc, self.p.customer.iter().copied());
        let apps = &self.a;
        let ni = self.i.customer.len();
        self.item_apps = Csr::build_pairs(
            ni,
            apps.item
                .iter()
                .zip(&apps.source)
                .zip(&apps.tag)
                .enumerate()
                .flat_map(|(aix, ((item, source), tag))| {
                    let cn = (tag & FROM_CREDIT_NOTE != 0).then_some((*source, aix as u32));
                    std::iter::once((*item, aix as u32)).chain(cn)
                }),
        );
        self.payment_apps = Csr::build_pairs(
            self.p.customer.len(),
            apps.source
                .iter()
                .zip(&apps.tag)
                .enumerate()
                .filter(|(_, (_, tag))| *tag & FROM_CREDIT_NOTE == 0)
                .map(|(aix, (source, _))| (*source, aix as u32)),
        );
        self.bulk = false;
    }

    /// Add a customer.
    ///
    /// # Errors
    /// As [`Ledger::new`] for a customer.
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Ledger};
    /// use encours_core::money::Currency;
    /// let mut l = Ledger::default();
    /// l.add_customer(Customer::new("C1", "A", Currency::EUR))?;
    /// assert!(l.add_customer(Customer::new("C1", "B", Currency::EUR)).is_err());
    /// # Ok::<(), encours_core::ledger::LedgerError>(())
    /// ```
    pub fn add_customer(&mut self, c: Customer) -> Result<(), LedgerError> {
        self.push_customer_record(c, false)
    }

    /// Add an item.
    ///
    /// # Errors
    /// As [`Ledger::new`] for an item.
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Item, Ledger};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    /// let mut l = Ledger::default();
    /// l.add_customer(Customer::new("C1", "A", Currency::EUR))?;
    /// let err = l.add_item(Item::invoice("F1", "C1", day, day, Money::from_minor(-5, Currency::EUR))).unwrap_err();
    /// assert_eq!(err.to_string(), "invalid amount of item \"F1\": -0.05 (a positive amount)");
    /// # Ok::<(), encours_core::ledger::LedgerError>(())
    /// ```
    pub fn add_item(&mut self, item: Item) -> Result<(), LedgerError> {
        self.push_item(columns::ItemRow::from_record(&item))
            .map(|_| ())
    }

    /// Add a payment (not yet applied: it is unapplied cash until applied).
    ///
    /// # Errors
    /// As [`Ledger::new`] for a payment.
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Ledger, Payment};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let mut l = Ledger::default();
    /// l.add_customer(Customer::new("C1", "A", Currency::EUR))?;
    /// let p = Payment::new("P1", "C1", NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), Money::from_minor(1, Currency::USD));
    /// assert_eq!(l.add_payment(p).unwrap_err().to_string(),
    ///     "invalid currency of payment \"P1\": USD (EUR, the customer's currency)");
    /// # Ok::<(), encours_core::ledger::LedgerError>(())
    /// ```
    pub fn add_payment(&mut self, payment: Payment) -> Result<(), LedgerError> {
        self.push_payment(columns::PaymentRow::from_record(&payment))
            .map(|_| ())
    }

    fn shrink(&mut self) {
        let i = &mut self.i;
        i.customer.shrink_to_fit();
        i.flags.shrink_to_fit();
        i.issue.shrink_to_fit();
        i.due.shrink_to_fit();
        i.amount.shrink_to_fit();
        i.applied.shrink_to_fit();
        i.last.shrink_to_fit();
        let p = &mut self.p;
        p.customer.shrink_to_fit();
        p.date.shrink_to_fit();
        p.amount.shrink_to_fit();
        p.applied.shrink_to_fit();
        p.last.shrink_to_fit();
        let a = &mut self.a;
        a.source.shrink_to_fit();
        a.item.shrink_to_fit();
        a.date.shrink_to_fit();
        a.amount.shrink_to_fit();
        a.tag.shrink_to_fit();
    }

    // ------------------------------------------------------------------ counts

    /// Number of customers.
    pub fn customer_count(&self) -> usize {
        self.c.currency.len()
    }

    /// Number of items.
    pub fn item_count(&self) -> usize {
        self.i.customer.len()
    }

    /// Number of payments.
    pub fn payment_count(&self) -> usize {
        self.p.customer.len()
    }

    /// Number of applications.
    pub fn application_count(&self) -> usize {
        self.a.item.len()
    }

    /// The latest date in the ledger (issue, payment and application dates), or
    /// `None` for an empty ledger.
    pub fn latest_date(&self) -> Option<NaiveDate> {
        let max = |v: &[i32]| v.iter().copied().max();
        [max(&self.i.issue), max(&self.p.date), max(&self.a.date)]
            .into_iter()
            .flatten()
            .max()
            .map(date)
    }

    // ------------------------------------------------------------------ records

    /// The customers, in insertion order, built as records (a new list on each call;
    /// bulk work reads [`Ledger::customer_view`]).
    pub fn customers(&self) -> Vec<Customer> {
        (0..self.customer_count())
            .filter_map(|c| self.customer_at(CustomerIx::new(c)))
            .collect()
    }

    /// The items, in insertion order, built as records (see [`Ledger::item_view`] for
    /// bulk work).
    pub fn items(&self) -> Vec<Item> {
        (0..self.item_count())
            .filter_map(|i| self.item_at(ItemIx::new(i)))
            .collect()
    }

    /// The payments, in insertion order, built as records.
    pub fn payments(&self) -> Vec<Payment> {
        (0..self.payment_count())
            .filter_map(|p| self.payment_at(PaymentIx::new(p)))
            .collect()
    }

    /// The applications, in the order they were made, built as records.
    pub fn applications(&self) -> Vec<Application> {
        (0..self.application_count())
            .filter_map(|a| self.application_at(a))
            .collect()
    }

    /// The serializable data behind the ledger (built on each call).
    pub fn data(&self) -> LedgerData {
        LedgerData {
            customers: self.customers(),
            items: self.items(),
            payments: self.payments(),
            applications: self.applications(),
        }
    }

    /// A customer by id.
    pub fn customer(&self, id: &str) -> Option<Customer> {
        self.customer_at(self.customer_index(id)?)
    }

    /// An item by id.
    pub fn item(&self, id: &str) -> Option<Item> {
        self.item_at(self.item_index(id)?)
    }

    /// A payment by id.
    pub fn payment(&self, id: &str) -> Option<Payment> {
        self.payment_at(self.payment_index(id)?)
    }

    /// Position of a customer.
    pub fn customer_index(&self, id: &str) -> Option<CustomerIx> {
        self.c.ids.find(IdRef::Str(id)).map(CustomerIx::new)
    }

    /// Position of an item.
    pub fn item_index(&self, id: &str) -> Option<ItemIx> {
        self.i.ids.find(IdRef::Str(id)).map(ItemIx::new)
    }

    /// Position of a payment.
    pub fn payment_index(&self, id: &str) -> Option<PaymentIx> {
        self.p.ids.find(IdRef::Str(id)).map(PaymentIx::new)
    }

    /// Position of a customer by an id of either type.
    pub fn customer_index_of(&self, id: IdRef<'_>) -> Option<CustomerIx> {
        self.c.ids.find(id).map(CustomerIx::new)
    }

    /// Position of an item by an id of either type.
    pub fn item_index_of(&self, id: IdRef<'_>) -> Option<ItemIx> {
        self.i.ids.find(id).map(ItemIx::new)
    }

    /// Position of a payment by an id of either type.
    pub fn payment_index_of(&self, id: IdRef<'_>) -> Option<PaymentIx> {
        self.p.ids.find(id).map(PaymentIx::new)
    }

    /// Positions of a customer's items, in insertion order.
    pub fn items_of(&self, customer: impl Into<CustomerIx>) -> Positions<'_, ItemIx> {
        let customer = customer.into();
        Positions::new(self.cust_items.get(customer.0))
    }

    /// Positions of a customer's payments, in insertion order.
    pub fn payments_of(&self, customer: impl Into<CustomerIx>) -> Positions<'_, PaymentIx> {
        let customer = customer.into();
        Positions::new(self.cust_payments.get(customer.0))
    }

    /// The customer of an item.
    pub fn customer_of_item(&self, item: impl Into<ItemIx>) -> Option<CustomerIx> {
        let item = item.into();
        self.i.customer.get(item.index()).map(|c| CustomerIx(*c))
    }

    /// The customer of a payment.
    pub fn customer_of_payment(&self, payment: impl Into<PaymentIx>) -> Option<CustomerIx> {
        let payment = payment.into();
        self.p.customer.get(payment.index()).map(|c| CustomerIx(*c))
    }

    /// The group root of a customer: itself when it has no parent.
    pub fn group_root(&self, customer: impl Into<CustomerIx>) -> CustomerIx {
        let customer = customer.into();
        self.c
            .root
            .get(customer.index())
            .map_or(customer, |r| CustomerIx(*r))
    }

    /// Positions of the applications touching an item (settling it, or drawn from it
    /// for a credit note), in the order they were made.
    pub(crate) fn app_positions_of_item(&self, item: ItemIx) -> Positions<'_, usize> {
        Positions::new(self.item_apps.get(item.0))
    }

    /// The applications touching the item (settling it, or drawn from it for a credit
    /// note), built as records.
    pub fn applications_of_item(
        &self,
        item: impl Into<ItemIx>,
    ) -> impl Iterator<Item = Application> + '_ {
        let item = item.into();
        self.app_positions_of_item(item)
            .filter_map(|a| self.application_at(a))
    }

    /// The applications drawn from a payment, built as records.
    pub fn applications_of_payment(
        &self,
        payment: impl Into<PaymentIx>,
    ) -> impl Iterator<Item = Application> + '_ {
        let payment = payment.into();
        Positions::<usize>::new(self.payment_apps.get(payment.0))
            .filter_map(|a| self.application_at(a))
    }

    // ------------------------------------------------------------------ states

    pub(crate) fn currency_of(&self, customer: u32) -> Currency {
        self.c
            .currency
            .get(customer as usize)
            .copied()
            .unwrap_or(Currency::EUR)
    }

    /// The dispute of the item at `ix`, if it has one.
    pub(crate) fn item_dispute(&self, ix: usize) -> Option<&Dispute> {
        let flags = *self.i.flags.get(ix)?;
        if flags & HAS_DISPUTE == 0 {
            return None;
        }
        self.i.dispute.get(ix as u32)
    }

    /// Settled minor units and latest settlement day of an item as of a day.
    pub(crate) fn item_settled(&self, ix: usize, as_of: i32) -> (i64, i32) {
        let (Some(&applied), Some(&last)) = (self.i.applied.get(ix), self.i.last.get(ix)) else {
            return (0, NO_DAY);
        };
        if last <= as_of {
            return (applied, last);
        }
        let mut settled = 0i64;
        let mut latest = NO_DAY;
        for a in self.app_positions_of_item(ItemIx::new(ix)) {
            if let (Some(&d), Some(&m)) = (self.a.date.get(a), self.a.amount.get(a))
                && d <= as_of
            {
                // Cannot overflow: validated applications never exceed the item amount.
                settled += m;
                latest = latest.max(d);
            }
        }
        (settled, latest)
    }

    /// Drawn minor units of a payment as of a day.
    pub(crate) fn payment_drawn(&self, ix: usize, as_of: i32) -> i64 {
        let (Some(&applied), Some(&last)) = (self.p.applied.get(ix), self.p.last.get(ix)) else {
            return 0;
        };
        if last <= as_of {
            return applied;
        }
        Positions::<usize>::new(self.payment_apps.get(ix as u32))
            .filter_map(|a| match (self.a.date.get(a), self.a.amount.get(a)) {
                (Some(&d), Some(&m)) if d <= as_of => Some(m),
                _ => None,
            })
            .sum()
    }

    /// Open minor units of an item as of a day (`None` before its issue date).
    pub(crate) fn item_open_minor(&self, ix: usize, as_of: i32) -> Option<i64> {
        let issue = *self.i.issue.get(ix)?;
        if issue > as_of {
            return None;
        }
        let amount = *self.i.amount.get(ix)?;
        Some(amount - self.item_settled(ix, as_of).0)
    }

    /// Unapplied minor units of a payment as of a day (zero before its date).
    pub(crate) fn payment_unapplied_minor(&self, ix: usize, as_of: i32) -> i64 {
        match (self.p.date.get(ix), self.p.amount.get(ix)) {
            (Some(&d), Some(&m)) if d <= as_of => m - self.payment_drawn(ix, as_of),
            _ => 0,
        }
    }

    /// The state of an item at the end of `as_of`, or `None` when the item was not
    /// issued yet (or the position is out of range).
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Item, ItemIx, Ledger, Payment};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let mut l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
    ///     vec![Item::invoice("F1", "C1", d(1, 1), d(1, 31), eur(10000))],
    ///     vec![Payment::new("P1", "C1", d(2, 10), eur(10000))], vec![])?;
    /// l.apply_payment("P1", "F1", eur(10000), d(2, 10))?;
    /// let f1 = ItemIx::new(0);
    /// let s = l.item_state(f1, d(2, 29)).unwrap();
    /// assert!(s.open.is_zero());
    /// assert_eq!(s.last_settlement, Some(d(2, 10)));
    /// assert!(l.item_state(f1, d(1, 1)).unwrap().open == eur(10000));
    /// # Ok::<(), encours_core::ledger::LedgerError>(())
    /// ```
    pub fn item_state(&self, item: impl Into<ItemIx>, as_of: NaiveDate) -> Option<ItemState> {
        let item = item.into();
        let ix = item.index();
        let as_of = day(as_of);
        let issue = *self.i.issue.get(ix)?;
        if issue > as_of {
            return None;
        }
        let amount = *self.i.amount.get(ix)?;
        let currency = self.currency_of(*self.i.customer.get(ix)?);
        let (settled, last) = self.item_settled(ix, as_of);
        Some(ItemState {
            open: Money::from_minor(amount - settled, currency),
            settled: Money::from_minor(settled, currency),
            last_settlement: (last != NO_DAY).then(|| date(last)),
        })
    }

    /// The open amount of an item at the end of `as_of` (zero before its issue date).
    ///
    /// # Errors
    /// [`LedgerError::Unknown`] for an unknown item.
    ///
    /// # Example
    /// See the [module documentation](self).
    pub fn open_amount(&self, item_id: &str, as_of: NaiveDate) -> Result<Money, LedgerError> {
        let ix = self.item_position(IdRef::Str(item_id), || "open_amount".into())?;
        let currency = self.currency_of(self.i.customer.get(ix).copied().unwrap_or(NONE));
        Ok(Money::from_minor(
            self.item_open_minor(ix, day(as_of)).unwrap_or(0),
            currency,
        ))
    }

    /// What is left unapplied of a payment at the end of `as_of` (zero before its date).
    ///
    /// # Errors
    /// [`LedgerError::Unknown`] for an unknown payment.
    ///
    /// # Example
    /// See [`Ledger::auto_apply`].
    pub fn unapplied_amount(
        &self,
        payment_id: &str,
        as_of: NaiveDate,
    ) -> Result<Money, LedgerError> {
        let pix = self
            .p
            .ids
            .find(IdRef::Str(payment_id))
            .ok_or_else(|| LedgerError::Unknown {
                kind: "payment",
                id: payment_id.to_owned(),
                referenced_by: "unapplied_amount".into(),
            })?;
        Ok(self.payment_unapplied(PaymentIx::new(pix), as_of))
    }

    /// Unapplied part of a payment at the end of `as_of`.
    pub fn payment_unapplied(&self, payment: impl Into<PaymentIx>, as_of: NaiveDate) -> Money {
        let payment = payment.into();
        let ix = payment.index();
        let Some(&c) = self.p.customer.get(ix) else {
            return Money::zero(Currency::EUR);
        };
        Money::from_minor(
            self.payment_unapplied_minor(ix, day(as_of)),
            self.currency_of(c),
        )
    }

    /// A customer's balance at the end of `as_of`: open debits less open credit notes
    /// and unapplied cash. Positive when the customer owes.
    ///
    /// # Errors
    /// [`LedgerError::Unknown`] for an unknown customer; an overflow error when the
    /// balance does not fit a decimal.
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Item, Ledger, Payment};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2024, 1, 10).unwrap();
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
    ///     vec![Item::invoice("F1", "C1", day, day, eur(10000)), Item::credit_note("A1", "C1", day, eur(1500))],
    ///     vec![Payment::new("P1", "C1", day, eur(2000))], vec![])?;
    /// assert_eq!(l.balance("C1", day)?, eur(6500));
    /// # Ok::<(), encours_core::ledger::LedgerError>(())
    /// ```
    pub fn balance(&self, customer_id: &str, as_of: NaiveDate) -> Result<Money, LedgerError> {
        let cix = self.customer_position(IdRef::Str(customer_id), || "balance".into())?;
        let total = self.balance_minor(CustomerIx::new(cix), day(as_of));
        money_of(total, self.currency_of(cix as u32), "balance")
    }

    /// A customer's balance in minor units as of a day.
    pub(crate) fn balance_minor(&self, customer: CustomerIx, as_of: i32) -> i128 {
        let mut total = 0i128;
        for ix in self.items_of(customer) {
            let i = ix.index();
            if let Some(open) = self.item_open_minor(i, as_of) {
                let debit = self.i.flags.get(i).is_some_and(|f| kind_of(*f).is_debit());
                total += if debit {
                    i128::from(open)
                } else {
                    -i128::from(open)
                };
            }
        }
        for p in self.payments_of(customer) {
            total -= i128::from(self.payment_unapplied_minor(p.index(), as_of));
        }
        total
    }

    // ------------------------------------------------------------------ lookups

    pub(crate) fn customer_position(
        &self,
        id: IdRef<'_>,
        referenced_by: impl FnOnce() -> String,
    ) -> Result<usize, LedgerError> {
        self.c.ids.find(id).ok_or_else(|| LedgerError::Unknown {
            kind: "customer",
            id: id.to_string(),
            referenced_by: referenced_by(),
        })
    }

    pub(crate) fn item_position(
        &self,
        id: IdRef<'_>,
        referenced_by: impl FnOnce() -> String,
    ) -> Result<usize, LedgerError> {
        self.i.ids.find(id).ok_or_else(|| LedgerError::Unknown {
            kind: "item",
            id: id.to_string(),
            referenced_by: referenced_by(),
        })
    }

    /// Bytes held on the heap by the ledger's columns and indexes (what
    /// `bytes per invoice` in the benchmarks divides).
    pub fn heap_bytes(&self) -> usize {
        let c = &self.c;
        let i = &self.i;
        let p = &self.p;
        let a = &self.a;
        c.ids.heap_bytes()
            + c.names.heap_bytes()
            + c.currency.capacity() * std::mem::size_of::<Currency>()
            + c.parent.capacity() * 4
            + c.root.capacity() * 4
            + c.extra.capacity() * 16
            + c.extra.len() * std::mem::size_of::<CustomerExtra>()
            + c.segment.capacity() * 4
            + i.ids.heap_bytes()
            + i.customer.capacity() * 4
            + i.flags.capacity()
            + (i.issue.capacity() + i.due.capacity() + i.last.capacity()) * 4
            + (i.amount.capacity() + i.applied.capacity()) * 8
            + i.reference.capacity() * 24
            + i.dispute.capacity() * (8 + std::mem::size_of::<Dispute>())
            + i.block.capacity() * (8 + std::mem::size_of::<Block>())
            + p.ids.heap_bytes()
            + p.customer.capacity() * 4
            + (p.date.capacity() + p.last.capacity()) * 4
            + (p.amount.capacity() + p.applied.capacity()) * 8
            + p.reference.capacity() * 24
            + a.source.capacity() * 4
            + a.item.capacity() * 4
            + a.date.capacity() * 4
            + a.amount.capacity() * 8
            + a.tag.capacity()
            + self.cust_items.heap_bytes()
            + self.cust_payments.heap_bytes()
            + self.item_apps.heap_bytes()
            + self.payment_apps.heap_bytes()
    }
}

/// An item's state at the end of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemState {
    /// Amount still open (for a credit note: still to be used).
    pub open: Money,
    /// Amount settled (or used) so far.
    pub settled: Money,
    /// Date of the latest application counted.
    pub last_settlement: Option<NaiveDate>,
}
