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

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money, MoneyError};

/// What can go wrong building or changing a ledger. Each message names the record and
/// the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// Two records of the same kind share an id.
    #[error("duplicate {kind} id \"{id}\"")]
    DuplicateId {
        /// `customer`, `item` or `payment`.
        kind: &'static str,
        /// The repeated id.
        id: String,
    },
    /// A record refers to a customer, item or payment that does not exist.
    #[error("unknown {kind} \"{id}\" referenced by {referenced_by}")]
    Unknown {
        /// What was looked for.
        kind: &'static str,
        /// The id given.
        id: String,
        /// Who referenced it.
        referenced_by: String,
    },
    /// A field holds a value the ledger cannot accept.
    #[error("invalid {field} of {record} \"{id}\": {value} ({expected})")]
    InvalidField {
        /// `customer`, `item`, `payment` or `application`.
        record: &'static str,
        /// The record's id; an application, which has none, is named
        /// `"<source id> to <item id>"`.
        id: String,
        /// The field.
        field: &'static str,
        /// The value refused, as text.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// An application would take more than is open on the item, or more than is left
    /// of the payment or credit note.
    #[error(
        "cannot apply {amount} from {source_kind} \"{source_id}\" to item \"{item}\": only {available} is {what}"
    )]
    OverApplication {
        /// `payment` or `credit note`.
        source_kind: &'static str,
        /// The payment or credit-note id.
        source_id: String,
        /// The item id.
        item: String,
        /// The amount asked for.
        amount: Money,
        /// What is available.
        available: Money,
        /// `open on the item` or `left to apply`.
        what: &'static str,
    },
    /// Customer parents form a cycle.
    #[error("customer \"{id}\" is its own ancestor through parent links")]
    ParentCycle {
        /// A customer on the cycle.
        id: String,
    },
    /// An amount error (currency mismatch, overflow) while computing.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// A block that stops dunning (on a customer or an item), optionally for a period.
///
/// ```
/// use encours_core::ledger::Block;
/// use chrono::NaiveDate;
/// let b = Block { reason: Some("awaiting PO".into()), since: None, until: NaiveDate::from_ymd_opt(2024, 5, 31) };
/// assert!(b.is_active(NaiveDate::from_ymd_opt(2024, 5, 31).unwrap()));
/// assert!(!b.is_active(NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Block {
    /// Why (free text from the ERP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// First day blocked; always blocked before `until` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
    /// Last day blocked (inclusive); blocked for good when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

impl Block {
    /// Whether the block applies on `date`.
    pub fn is_active(&self, date: NaiveDate) -> bool {
        self.since.is_none_or(|s| s <= date) && self.until.is_none_or(|u| date <= u)
    }
}

/// A dispute (*litige*) on all or part of an item.
///
/// ```
/// use encours_core::ledger::Dispute;
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// let d = Dispute::new(Money::from_minor(5000, Currency::EUR), NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
/// assert!(d.is_active(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()));
/// assert!(!d.is_active(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispute {
    /// The disputed part of the item (at most its amount).
    pub amount: Money,
    /// Day the dispute was opened.
    pub opened_on: NaiveDate,
    /// Day it was resolved, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_on: Option<NaiveDate>,
    /// Reason code (price, quantity, quality, delivery…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Dispute {
    /// An open dispute on `amount`, opened on `opened_on`.
    pub fn new(amount: Money, opened_on: NaiveDate) -> Dispute {
        Dispute {
            amount,
            opened_on,
            resolved_on: None,
            reason: None,
        }
    }

    /// Whether the dispute is open on `date` (opened on or before it, not yet resolved).
    pub fn is_active(&self, date: NaiveDate) -> bool {
        self.opened_on <= date && self.resolved_on.is_none_or(|r| date < r)
    }
}

/// A score from an external provider, kept on the customer for the risk module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalScore {
    /// The provider (Infolegale, Ellisphere, Creditsafe…).
    pub provider: String,
    /// The score on the provider's own scale.
    #[serde(with = "crate::decimal_serde")]
    pub value: Decimal,
    /// Day the score was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<NaiveDate>,
}

/// A customer account.
///
/// ```
/// use encours_core::ledger::Customer;
/// use encours_core::money::Currency;
/// let mut c = Customer::new("C42", "Martin SARL", Currency::EUR);
/// c.segment = Some("SME".into());
/// c.parent = Some("G1".into());
/// assert_eq!(c.id, "C42");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    /// Account id, unique in the ledger.
    pub id: String,
    /// Name.
    pub name: String,
    /// Currency of the account: all its items and payments are in it.
    pub currency: Currency,
    /// Segment (key account, SME, public sector…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Free tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Parent account for groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Country (ISO 3166-1 alpha-2), for statutory rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Payment terms as agreed (text the terms module parses, e.g. `45 days end of month`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_terms: Option<String>,
    /// Business-day calendar code (`FR`, `DE`, `GB-EAW`, `US`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Dunning scenario forced for this customer (overrides assignment rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dunning_scenario: Option<String>,
    /// Risk class, as set by the risk module or the credit manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_class: Option<String>,
    /// External scores.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_scores: Vec<ExternalScore>,
    /// Credit limit granted (*encours autorisé*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_limit: Option<Money>,
    /// Account-level dunning block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dunning_block: Option<Block>,
}

impl Customer {
    /// A customer with only its id, name and currency set.
    pub fn new(id: impl Into<String>, name: impl Into<String>, currency: Currency) -> Customer {
        Customer {
            id: id.into(),
            name: name.into(),
            currency,
            segment: None,
            tags: Vec::new(),
            parent: None,
            country: None,
            payment_terms: None,
            calendar: None,
            dunning_scenario: None,
            risk_class: None,
            external_scores: Vec::new(),
            credit_limit: None,
            dunning_block: None,
        }
    }
}

/// The kind of an open item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// An invoice: a debit on the account.
    Invoice,
    /// A debit note: a debit (fees, interest, price correction).
    DebitNote,
    /// A credit note (*avoir*): a credit, netted against invoices.
    CreditNote,
}

impl ItemKind {
    /// Whether the item is owed by the customer (invoice, debit note).
    pub fn is_debit(self) -> bool {
        !matches!(self, ItemKind::CreditNote)
    }
}

/// An open item: an invoice, debit note or credit note.
///
/// ```
/// use encours_core::ledger::{Item, ItemKind};
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// let i = Item::invoice("F-1", "C1", NaiveDate::from_ymd_opt(2024, 1, 15).unwrap(),
///     NaiveDate::from_ymd_opt(2024, 2, 14).unwrap(), Money::from_minor(100_00, Currency::EUR));
/// assert_eq!(i.kind, ItemKind::Invoice);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Item id (document number), unique in the ledger.
    pub id: String,
    /// The customer's account id.
    pub customer_id: String,
    /// Invoice, debit note or credit note.
    pub kind: ItemKind,
    /// Issue (document) date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Gross amount, positive, in the customer's currency.
    pub amount: Money,
    /// The customer's reference (order number…), used to match payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// A dispute on all or part of the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispute: Option<Dispute>,
    /// Item-level dunning block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dunning_block: Option<Block>,
}

impl Item {
    /// An invoice.
    pub fn invoice(
        id: impl Into<String>,
        customer_id: impl Into<String>,
        issue_date: NaiveDate,
        due_date: NaiveDate,
        amount: Money,
    ) -> Item {
        Item {
            id: id.into(),
            customer_id: customer_id.into(),
            kind: ItemKind::Invoice,
            issue_date,
            due_date,
            amount,
            reference: None,
            dispute: None,
            dunning_block: None,
        }
    }

    /// A credit note, due on its issue date.
    pub fn credit_note(
        id: impl Into<String>,
        customer_id: impl Into<String>,
        issue_date: NaiveDate,
        amount: Money,
    ) -> Item {
        Item {
            kind: ItemKind::CreditNote,
            ..Item::invoice(id, customer_id, issue_date, issue_date, amount)
        }
    }

    /// The disputed amount on `date` (zero without an active dispute).
    pub fn disputed_amount(&self, date: NaiveDate) -> Money {
        match &self.dispute {
            Some(d) if d.is_active(date) => d.amount,
            _ => Money::from_minor(0, self.amount.currency()),
        }
    }
}

/// A payment received from a customer.
///
/// ```
/// use encours_core::ledger::Payment;
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// let p = Payment::new("P-7", "C1", NaiveDate::from_ymd_opt(2024, 3, 4).unwrap(), Money::from_minor(50_00, Currency::EUR));
/// assert_eq!(p.reference, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// Payment id, unique in the ledger.
    pub id: String,
    /// The paying customer's account id.
    pub customer_id: String,
    /// Value date.
    pub date: NaiveDate,
    /// Amount received, positive.
    pub amount: Money,
    /// Remittance reference (an item id or an item's reference), used to match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl Payment {
    /// A payment with no reference.
    pub fn new(
        id: impl Into<String>,
        customer_id: impl Into<String>,
        date: NaiveDate,
        amount: Money,
    ) -> Payment {
        Payment {
            id: id.into(),
            customer_id: customer_id.into(),
            date,
            amount,
            reference: None,
        }
    }
}

/// Where an applied amount comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A payment, by id.
    Payment(String),
    /// A credit note netted against a debit, by item id.
    CreditNote(String),
}

/// Why cash application chose an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchRule {
    /// The caller named the item.
    Explicit,
    /// The payment's reference is the item's id or reference.
    Reference,
    /// The remaining payment equals the item's open amount exactly.
    ExactAmount,
    /// Oldest due date first (then oldest issue date, then id).
    OldestDue,
}

/// An amount applied from a payment or credit note to a debit item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// Payment or credit note the amount comes from.
    pub source: Source,
    /// The debit item settled.
    pub item_id: String,
    /// Day the application takes effect.
    pub date: NaiveDate,
    /// Amount applied, positive.
    pub amount: Money,
    /// How the item was chosen.
    pub rule: MatchRule,
}

/// Positions by id. foldhash rather than SipHash: ids are hashed several times per
/// record on load, and SipHash was a fifth of `Ledger::new`.
type IdIndex = HashMap<String, usize, foldhash::fast::RandomState>;

/// The serialized form of a ledger: four lists, validated on load.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerData {
    /// Customers.
    #[serde(default)]
    pub customers: Vec<Customer>,
    /// Items.
    #[serde(default)]
    pub items: Vec<Item>,
    /// Payments.
    #[serde(default)]
    pub payments: Vec<Payment>,
    /// Applications of payments and credit notes to items.
    #[serde(default)]
    pub applications: Vec<Application>,
}

/// The validated ledger with its indexes.
///
/// Serializes as [`LedgerData`]; deserializing validates exactly as [`Ledger::new`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(into = "LedgerData", try_from = "LedgerData")]
pub struct Ledger {
    data: LedgerData,
    customer_ix: IdIndex,
    item_ix: IdIndex,
    payment_ix: IdIndex,
    /// Items of each customer, by customer position.
    customer_items: Vec<Vec<usize>>,
    /// Payments of each customer, by customer position.
    customer_payments: Vec<Vec<usize>>,
    /// Customer position of each item.
    item_customer: Vec<usize>,
    /// Customer position of each payment.
    payment_customer: Vec<usize>,
    /// Group root of each customer (itself without a parent).
    customer_root: Vec<usize>,
    /// Applications settling each item (debits) or drawn from it (credit notes).
    item_apps: Vec<Vec<usize>>,
    /// Applications drawn from each payment.
    payment_apps: Vec<Vec<usize>>,
    /// Total and latest date of each item's applications (as in `item_apps`): an
    /// as-of view on or after that date, the usual case, reads the open amount
    /// without walking the applications.
    item_applied: Vec<Applied>,
    /// The same for each payment's applications.
    payment_applied: Vec<Applied>,
}

/// Running total of a list of applications, and the latest of their dates.
#[derive(Debug, Clone, Copy)]
struct Applied {
    /// None once the total no longer fits a Decimal: views then walk the list.
    total: Option<Decimal>,
    last: Option<NaiveDate>,
}

impl Default for Applied {
    fn default() -> Self {
        Applied {
            total: Some(Decimal::ZERO),
            last: None,
        }
    }
}

impl Applied {
    fn add(&mut self, app: &Application) {
        self.total = self.total.and_then(|t| t.checked_add(app.amount.amount()));
        self.last = self.last.max(Some(app.date));
    }

    /// The total and latest date as of a day, when no application is dated after it.
    fn total_as_of(&self, as_of: NaiveDate) -> Option<(Decimal, Option<NaiveDate>)> {
        let total = self.total?;
        self.last
            .is_none_or(|l| l <= as_of)
            .then_some((total, self.last))
    }
}

impl PartialEq for Ledger {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data
    }
}

impl From<Ledger> for LedgerData {
    fn from(l: Ledger) -> LedgerData {
        l.data
    }
}

impl TryFrom<LedgerData> for Ledger {
    type Error = LedgerError;
    fn try_from(d: LedgerData) -> Result<Ledger, LedgerError> {
        Ledger::new(d.customers, d.items, d.payments, d.applications)
    }
}

fn invalid(
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

/// `id` names the record in messages; built only on failure (an application's label
/// is formatted, and a million of them are checked on load).
fn check_amount(
    record: &'static str,
    id: &dyn Fn() -> String,
    amount: &Money,
    currency: Currency,
) -> Result<(), LedgerError> {
    if amount.currency() != currency {
        // Debug form: a custom currency shows its minor units (`XPT/3`), so two
        // currencies sharing a code are told apart in the message.
        return Err(invalid(
            record,
            &id(),
            "currency",
            format!("{:?}", amount.currency()),
            format!("{currency:?}, the customer's currency"),
        ));
    }
    if !amount.is_positive() {
        return Err(invalid(
            record,
            &id(),
            "amount",
            amount.amount(),
            "a positive amount",
        ));
    }
    if !amount.is_in_minor_units() {
        return Err(invalid(
            record,
            &id(),
            "amount",
            amount.amount(),
            format!(
                "at most {} decimals for {}",
                currency.minor_units(),
                currency
            ),
        ));
    }
    Ok(())
}

impl Ledger {
    /// Build and validate a ledger.
    ///
    /// # Errors
    /// [`LedgerError::DuplicateId`], [`LedgerError::Unknown`] (customer, parent, item,
    /// payment), [`LedgerError::InvalidField`] (non-positive amount, wrong currency,
    /// sub-minor-unit amount, application dated before its source or item, disputed
    /// amount above the item), [`LedgerError::OverApplication`],
    /// [`LedgerError::ParentCycle`].
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
        let mut ledger = Ledger {
            data: LedgerData::default(),
            customer_ix: IdIndex::with_capacity_and_hasher(customers.len(), Default::default()),
            item_ix: IdIndex::with_capacity_and_hasher(items.len(), Default::default()),
            payment_ix: IdIndex::with_capacity_and_hasher(payments.len(), Default::default()),
            customer_items: Vec::with_capacity(customers.len()),
            customer_payments: Vec::with_capacity(customers.len()),
            item_customer: Vec::with_capacity(items.len()),
            payment_customer: Vec::with_capacity(payments.len()),
            customer_root: Vec::with_capacity(customers.len()),
            item_apps: Vec::with_capacity(items.len()),
            payment_apps: Vec::with_capacity(payments.len()),
            item_applied: Vec::with_capacity(items.len()),
            payment_applied: Vec::with_capacity(payments.len()),
        };
        // A million items would otherwise be moved several times as the vectors grow.
        ledger.data.customers.reserve(customers.len());
        ledger.data.items.reserve(items.len());
        ledger.data.payments.reserve(payments.len());
        ledger.data.applications.reserve(applications.len());
        for c in customers {
            ledger.push_customer(c)?;
        }
        ledger.customer_root = ledger.check_parents()?;
        for i in items {
            ledger.add_item(i)?;
        }
        for p in payments {
            ledger.add_payment(p)?;
        }
        for a in applications {
            ledger.push_application(a)?;
        }
        Ok(ledger)
    }

    fn push_customer(&mut self, c: Customer) -> Result<(), LedgerError> {
        if self.customer_ix.contains_key(&c.id) {
            return Err(LedgerError::DuplicateId {
                kind: "customer",
                id: c.id,
            });
        }
        if let Some(limit) = &c.credit_limit
            && (limit.currency() != c.currency || limit.is_negative() || !limit.is_in_minor_units())
        {
            return Err(invalid(
                "customer",
                &c.id,
                "credit_limit",
                limit,
                format!(
                    "a non-negative amount in {} with at most {} decimals",
                    c.currency,
                    c.currency.minor_units()
                ),
            ));
        }
        self.customer_ix
            .insert(c.id.clone(), self.data.customers.len());
        self.data.customers.push(c);
        self.customer_items.push(Vec::new());
        self.customer_payments.push(Vec::new());
        Ok(())
    }

    /// Every parent exists and no customer is its own ancestor; gives each
    /// customer's group root. Each customer is walked once (a walk stops at a customer
    /// whose root is known), so a long chain of parents costs its length, not its
    /// square.
    fn check_parents(&self) -> Result<Vec<usize>, LedgerError> {
        const ON_WALK: usize = usize::MAX;
        const NEW: usize = usize::MAX - 1;
        let customers = &self.data.customers;
        // The root of each customer, or NEW, or ON_WALK while the walk is going.
        let mut roots = vec![NEW; customers.len()];
        let mut walk: Vec<usize> = Vec::new();
        for start in 0..customers.len() {
            let mut ix = start;
            let root = loop {
                match roots.get(ix).copied() {
                    None => break ix,
                    Some(ON_WALK) => {
                        // Back on this walk: `ix` is on the cycle (the customer the walk
                        // started from may only lead into it).
                        return Err(LedgerError::ParentCycle {
                            id: customers.get(ix).map_or_else(String::new, |c| c.id.clone()),
                        });
                    }
                    Some(NEW) => {}
                    Some(known) => break known,
                }
                if let Some(r) = roots.get_mut(ix) {
                    *r = ON_WALK;
                }
                walk.push(ix);
                let Some(c) = customers.get(ix) else { break ix };
                let Some(parent) = &c.parent else { break ix };
                ix =
                    self.customer_position(parent, || format!("parent of customer \"{}\"", c.id))?;
            };
            for w in walk.drain(..) {
                if let Some(r) = roots.get_mut(w) {
                    *r = root;
                }
            }
        }
        Ok(roots)
    }

    /// The group root of a customer just added to a ledger whose customers were
    /// checked: only its own link can be wrong (an unknown parent, or itself as its
    /// parent, since no existing customer can name it as an ancestor).
    fn check_new_customer(&self, ix: usize) -> Result<usize, LedgerError> {
        let Some(c) = self.data.customers.get(ix) else {
            return Ok(ix);
        };
        let Some(parent) = &c.parent else {
            return Ok(ix);
        };
        let pix = self.customer_position(parent, || format!("parent of customer \"{}\"", c.id))?;
        if pix == ix {
            return Err(LedgerError::ParentCycle { id: c.id.clone() });
        }
        Ok(self.customer_root.get(pix).copied().unwrap_or(pix))
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
        let id = c.id.clone();
        self.push_customer(c)?;
        match self.check_new_customer(self.data.customers.len().saturating_sub(1)) {
            Ok(root) => {
                self.customer_root.push(root);
                Ok(())
            }
            Err(e) => {
                // Leave the ledger as it was.
                self.customer_ix.remove(&id);
                self.data.customers.pop();
                self.customer_items.pop();
                self.customer_payments.pop();
                Err(e)
            }
        }
    }

    fn customer_position(
        &self,
        id: &str,
        referenced_by: impl FnOnce() -> String,
    ) -> Result<usize, LedgerError> {
        self.customer_ix
            .get(id)
            .copied()
            .ok_or_else(|| LedgerError::Unknown {
                kind: "customer",
                id: id.to_owned(),
                referenced_by: referenced_by(),
            })
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
        if self.item_ix.contains_key(&item.id) {
            return Err(LedgerError::DuplicateId {
                kind: "item",
                id: item.id,
            });
        }
        let cix = self.customer_position(&item.customer_id, || format!("item \"{}\"", item.id))?;
        let currency = self.customer_currency(cix);
        check_amount("item", &|| item.id.clone(), &item.amount, currency)?;
        if let Some(d) = &item.dispute {
            if d.amount.currency() != currency
                || d.amount.is_negative()
                || !d.amount.is_in_minor_units()
                || d.amount.checked_cmp(&item.amount)?.is_gt()
            {
                return Err(invalid(
                    "item",
                    &item.id,
                    "dispute.amount",
                    d.amount,
                    format!(
                        "between 0 and the item amount {}, with at most {} decimals",
                        item.amount,
                        currency.minor_units()
                    ),
                ));
            }
            if let Some(resolved) = d.resolved_on.filter(|r| *r < d.opened_on) {
                return Err(invalid(
                    "item",
                    &item.id,
                    "dispute.resolved_on",
                    resolved,
                    format!("a date on or after opened_on {}", d.opened_on),
                ));
            }
        }
        let ix = self.data.items.len();
        self.item_ix.insert(item.id.clone(), ix);
        self.data.items.push(item);
        self.item_customer.push(cix);
        self.item_apps.push(Vec::new());
        self.item_applied.push(Applied::default());
        if let Some(list) = self.customer_items.get_mut(cix) {
            list.push(ix);
        }
        Ok(())
    }

    fn customer_currency(&self, cix: usize) -> Currency {
        self.data
            .customers
            .get(cix)
            .map_or(Currency::EUR, |c| c.currency)
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
        if self.payment_ix.contains_key(&payment.id) {
            return Err(LedgerError::DuplicateId {
                kind: "payment",
                id: payment.id,
            });
        }
        let cix = self.customer_position(&payment.customer_id, || {
            format!("payment \"{}\"", payment.id)
        })?;
        check_amount(
            "payment",
            &|| payment.id.clone(),
            &payment.amount,
            self.customer_currency(cix),
        )?;
        let ix = self.data.payments.len();
        self.payment_ix.insert(payment.id.clone(), ix);
        self.data.payments.push(payment);
        self.payment_apps.push(Vec::new());
        self.payment_applied.push(Applied::default());
        self.payment_customer.push(cix);
        if let Some(list) = self.customer_payments.get_mut(cix) {
            list.push(ix);
        }
        Ok(())
    }

    fn item_position(
        &self,
        id: &str,
        referenced_by: impl FnOnce() -> String,
    ) -> Result<usize, LedgerError> {
        self.item_ix
            .get(id)
            .copied()
            .ok_or_else(|| LedgerError::Unknown {
                kind: "item",
                id: id.to_owned(),
                referenced_by: referenced_by(),
            })
    }

    /// Validate and record an application; the single place every invariant is checked.
    fn push_application(&mut self, app: Application) -> Result<(), LedgerError> {
        // Applications have no id of their own: messages name them by source and item.
        let (source_kind, source_id) = match &app.source {
            Source::Payment(pid) => ("payment", pid),
            Source::CreditNote(cid) => ("credit note", cid),
        };
        let label = || format!("{source_id} to {}", app.item_id);
        let target_ix = self.item_position(&app.item_id, || {
            format!("application from {source_kind} \"{source_id}\"")
        })?;
        let target = self
            .data
            .items
            .get(target_ix)
            .ok_or_else(|| LedgerError::Unknown {
                kind: "item",
                id: app.item_id.clone(),
                referenced_by: format!("application from {source_kind} \"{source_id}\""),
            })?;
        if !target.kind.is_debit() {
            return Err(invalid(
                "application",
                &label(),
                "item_id",
                &app.item_id,
                "an invoice or debit note; credit notes are applied from, not to",
            ));
        }
        check_amount("application", &label, &app.amount, target.amount.currency())?;
        if app.date < target.issue_date {
            return Err(invalid(
                "application",
                &label(),
                "date",
                app.date,
                format!("on or after the item's issue date {}", target.issue_date),
            ));
        }
        let target_customer = self.item_customer.get(target_ix).copied();
        let referenced_by = || format!("application to item \"{}\"", app.item_id);
        let (source_amount, source_date, source_customer, drawn) = match &app.source {
            Source::Payment(pid) => {
                let pix = *self
                    .payment_ix
                    .get(pid)
                    .ok_or_else(|| LedgerError::Unknown {
                        kind: "payment",
                        id: pid.clone(),
                        referenced_by: referenced_by(),
                    })?;
                let p = self
                    .data
                    .payments
                    .get(pix)
                    .ok_or_else(|| LedgerError::Unknown {
                        kind: "payment",
                        id: pid.clone(),
                        referenced_by: referenced_by(),
                    })?;
                let drawn = self.applied_total(&self.payment_applied, pix, &self.payment_apps)?;
                (
                    p.amount,
                    p.date,
                    self.payment_customer.get(pix).copied(),
                    drawn,
                )
            }
            Source::CreditNote(cid) => {
                let cix = self.item_position(cid, referenced_by)?;
                let c = self
                    .data
                    .items
                    .get(cix)
                    .ok_or_else(|| LedgerError::Unknown {
                        kind: "item",
                        id: cid.clone(),
                        referenced_by: referenced_by(),
                    })?;
                if c.kind != ItemKind::CreditNote {
                    let kind = match c.kind {
                        ItemKind::DebitNote => "a debit note",
                        _ => "an invoice",
                    };
                    return Err(invalid(
                        "application",
                        &label(),
                        "source",
                        cid,
                        format!("a credit note, not {kind}"),
                    ));
                }
                let drawn = self.applied_total(&self.item_applied, cix, &self.item_apps)?;
                (
                    c.amount,
                    c.issue_date,
                    self.item_customer.get(cix).copied(),
                    drawn,
                )
            }
        };
        if source_customer != target_customer {
            let name = |cix: Option<usize>| {
                cix.and_then(|i| self.data.customers.get(i))
                    .map_or_else(String::new, |c| c.id.clone())
            };
            return Err(invalid(
                "application",
                &label(),
                "source",
                format!(
                    "{source_kind} \"{source_id}\" of customer \"{}\"",
                    name(source_customer)
                ),
                format!(
                    "a payment or credit note of customer \"{}\", the item's customer",
                    name(target_customer)
                ),
            ));
        }
        if app.date < source_date {
            return Err(invalid(
                "application",
                &label(),
                "date",
                app.date,
                format!("on or after the {source_kind} date {source_date}"),
            ));
        }
        let left = source_amount.checked_sub(&Money::new(drawn, source_amount.currency()))?;
        if app.amount.checked_cmp(&left)?.is_gt() {
            return Err(LedgerError::OverApplication {
                source_kind,
                source_id: source_id.clone(),
                item: app.item_id.clone(),
                amount: app.amount,
                available: left,
                what: "left to apply",
            });
        }
        let open = target.amount.checked_sub(&Money::new(
            self.applied_total(&self.item_applied, target_ix, &self.item_apps)?,
            target.amount.currency(),
        ))?;
        if app.amount.checked_cmp(&open)?.is_gt() {
            return Err(LedgerError::OverApplication {
                source_kind,
                source_id: source_id.clone(),
                item: app.item_id.clone(),
                amount: app.amount,
                available: open,
                what: "open on the item",
            });
        }
        let aix = self.data.applications.len();
        match &app.source {
            Source::Payment(pid) => {
                if let Some(&p) = self.payment_ix.get(pid) {
                    if let Some(list) = self.payment_apps.get_mut(p) {
                        list.push(aix);
                    }
                    if let Some(sum) = self.payment_applied.get_mut(p) {
                        sum.add(&app);
                    }
                }
            }
            Source::CreditNote(cid) => {
                if let Some(&c) = self.item_ix.get(cid) {
                    if let Some(list) = self.item_apps.get_mut(c) {
                        list.push(aix);
                    }
                    if let Some(sum) = self.item_applied.get_mut(c) {
                        sum.add(&app);
                    }
                }
            }
        }
        if let Some(list) = self.item_apps.get_mut(target_ix) {
            list.push(aix);
        }
        if let Some(sum) = self.item_applied.get_mut(target_ix) {
            sum.add(&app);
        }
        self.data.applications.push(app);
        Ok(())
    }

    /// Everything applied from or to the record at `ix`: its running total, or the
    /// walk of its applications when the total overflowed.
    fn applied_total(
        &self,
        totals: &[Applied],
        ix: usize,
        lists: &[Vec<usize>],
    ) -> Result<Decimal, LedgerError> {
        match totals.get(ix).and_then(|t| t.total) {
            Some(total) => Ok(total),
            None => self.sum_apps(lists.get(ix), None),
        }
    }

    /// Sum of the applications in `list`, those dated up to `as_of` when given.
    fn sum_apps(
        &self,
        list: Option<&Vec<usize>>,
        as_of: Option<NaiveDate>,
    ) -> Result<Decimal, LedgerError> {
        let mut total = Decimal::ZERO;
        for a in list
            .into_iter()
            .flatten()
            .filter_map(|a| self.data.applications.get(*a))
        {
            if as_of.is_none_or(|d| a.date <= d) {
                total = total
                    .checked_add(a.amount.amount())
                    .ok_or(MoneyError::Overflow { operation: "add" })?;
            }
        }
        Ok(total)
    }

    /// Apply part of a payment to an item, as the caller decided.
    ///
    /// # Errors
    /// [`LedgerError::Unknown`] for an unknown payment or item,
    /// [`LedgerError::OverApplication`] when the amount exceeds what is open on the
    /// item or left on the payment, [`LedgerError::InvalidField`] for a bad amount or
    /// date.
    ///
    /// # Example
    /// See the [module documentation](self).
    pub fn apply_payment(
        &mut self,
        payment_id: &str,
        item_id: &str,
        amount: Money,
        date: NaiveDate,
    ) -> Result<(), LedgerError> {
        self.push_application(Application {
            source: Source::Payment(payment_id.to_owned()),
            item_id: item_id.to_owned(),
            date,
            amount,
            rule: MatchRule::Explicit,
        })
    }

    /// Net part of a credit note against a debit item.
    ///
    /// # Errors
    /// As [`Ledger::apply_payment`].
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Item, Ledger};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2024, 1, 10).unwrap();
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let mut l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
    ///     vec![Item::invoice("F1", "C1", day, day, eur(10000)), Item::credit_note("A1", "C1", day, eur(2500))],
    ///     vec![], vec![])?;
    /// l.apply_credit_note("A1", "F1", eur(2500), day)?;
    /// assert_eq!(l.open_amount("F1", day)?, eur(7500));
    /// assert_eq!(l.open_amount("A1", day)?, eur(0));
    /// # Ok::<(), encours_core::ledger::LedgerError>(())
    /// ```
    pub fn apply_credit_note(
        &mut self,
        credit_note_id: &str,
        item_id: &str,
        amount: Money,
        date: NaiveDate,
    ) -> Result<(), LedgerError> {
        self.push_application(Application {
            source: Source::CreditNote(credit_note_id.to_owned()),
            item_id: item_id.to_owned(),
            date,
            amount,
            rule: MatchRule::Explicit,
        })
    }

    /// Record an application chosen elsewhere (for example by [`Ledger::auto_apply`]
    /// or loaded from an ERP), with its rule.
    ///
    /// # Errors
    /// As [`Ledger::apply_payment`].
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Application, Customer, Item, Ledger, MatchRule, Payment, Source};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2024, 1, 10).unwrap();
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let mut l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
    ///     vec![Item::invoice("F1", "C1", day, day, eur(10000))],
    ///     vec![Payment::new("P1", "C1", day, eur(4000))], vec![])?;
    /// l.record_application(Application { source: Source::Payment("P1".into()), item_id: "F1".into(),
    ///     date: day, amount: eur(4000), rule: MatchRule::Reference })?;
    /// assert_eq!(l.open_amount("F1", day)?, eur(6000));
    /// # Ok::<(), encours_core::ledger::LedgerError>(())
    /// ```
    pub fn record_application(&mut self, application: Application) -> Result<(), LedgerError> {
        self.push_application(application)
    }

    /// Apply what is left of a payment automatically, on the payment's date: first to
    /// the item its reference names, then to an item whose open amount equals what is
    /// left exactly (oldest due first among several), then to the open debits oldest
    /// due first. What cannot be applied stays as unapplied cash (a credit). Returns
    /// the applications made, each with the rule that chose it.
    ///
    /// # Errors
    /// [`LedgerError::Unknown`] for an unknown payment; arithmetic errors.
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Item, Ledger, MatchRule, Payment};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let mut l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
    ///     vec![Item::invoice("F1", "C1", d(1, 1), d(1, 31), eur(10000)),
    ///          Item::invoice("F2", "C1", d(1, 5), d(2, 4), eur(5000))],
    ///     vec![Payment::new("P1", "C1", d(2, 10), eur(5000)),
    ///          Payment::new("P2", "C1", d(2, 11), eur(12000))], vec![])?;
    /// // 50.00 matches F2 exactly, although F1 is older.
    /// let apps = l.auto_apply("P1")?;
    /// assert_eq!(apps.iter().map(|a| (a.item_id.as_str(), a.rule)).collect::<Vec<_>>(),
    ///     [("F2", MatchRule::ExactAmount)]);
    /// // 120.00 settles F1 (oldest due); 20.00 stays unapplied, a credit on the account.
    /// let apps = l.auto_apply("P2")?;
    /// assert_eq!(apps.iter().map(|a| (a.item_id.as_str(), a.rule)).collect::<Vec<_>>(),
    ///     [("F1", MatchRule::OldestDue)]);
    /// assert_eq!(l.unapplied_amount("P2", d(2, 11))?, eur(2000));
    /// # Ok::<(), encours_core::ledger::LedgerError>(())
    /// ```
    pub fn auto_apply(&mut self, payment_id: &str) -> Result<Vec<Application>, LedgerError> {
        let pix = *self
            .payment_ix
            .get(payment_id)
            .ok_or_else(|| LedgerError::Unknown {
                kind: "payment",
                id: payment_id.to_owned(),
                referenced_by: "auto_apply".into(),
            })?;
        let payment = self
            .data
            .payments
            .get(pix)
            .cloned()
            .ok_or_else(|| LedgerError::Unknown {
                kind: "payment",
                id: payment_id.to_owned(),
                referenced_by: "auto_apply".into(),
            })?;
        let cix =
            self.customer_position(&payment.customer_id, || format!("payment \"{payment_id}\""))?;
        let date = payment.date;
        let currency = payment.amount.currency();
        let drawn = self.applied_total(&self.payment_applied, pix, &self.payment_apps)?;
        let mut left = payment
            .amount
            .amount()
            .checked_sub(drawn)
            .ok_or(MoneyError::Overflow {
                operation: "subtract",
            })?;
        // Open debits of the customer issued by the payment date, with their open amount
        // (counting every application, including later-dated ones: cash cannot be
        // applied twice).
        let mut candidates: Vec<(usize, Decimal)> = Vec::new();
        for &ix in self.customer_items.get(cix).into_iter().flatten() {
            let Some(item) = self.data.items.get(ix) else {
                continue;
            };
            if !item.kind.is_debit() || item.issue_date > date {
                continue;
            }
            let open = item
                .amount
                .amount()
                .checked_sub(self.applied_total(&self.item_applied, ix, &self.item_apps)?)
                .ok_or(MoneyError::Overflow {
                    operation: "subtract",
                })?;
            if open > Decimal::ZERO {
                candidates.push((ix, open));
            }
        }
        let key = |ix: usize| {
            self.data
                .items
                .get(ix)
                .map(|i| (i.due_date, i.issue_date, i.id.clone()))
        };
        candidates.sort_by_key(|(ix, _)| key(*ix));
        let mut made = Vec::new();
        let mut take = |ledger: &mut Ledger,
                        ix: usize,
                        amount: Decimal,
                        rule: MatchRule|
         -> Result<(), LedgerError> {
            let item_id = ledger
                .data
                .items
                .get(ix)
                .map(|i| i.id.clone())
                .unwrap_or_default();
            let app = Application {
                source: Source::Payment(payment_id.to_owned()),
                item_id,
                date,
                amount: Money::new(amount, currency),
                rule,
            };
            ledger.push_application(app.clone())?;
            made.push(app);
            Ok(())
        };
        if left > Decimal::ZERO
            && let Some(reference) = payment.reference.as_deref().filter(|r| !r.is_empty())
        {
            let hit = candidates.iter().position(|(ix, _)| {
                self.data
                    .items
                    .get(*ix)
                    .is_some_and(|i| i.id == reference || i.reference.as_deref() == Some(reference))
            });
            if let Some(pos) = hit
                && let Some((ix, open)) = candidates.get(pos).copied()
            {
                let amount = open.min(left);
                take(self, ix, amount, MatchRule::Reference)?;
                left -= amount;
                candidates.remove(pos);
            }
        }
        if left > Decimal::ZERO
            && let Some(pos) = candidates.iter().position(|(_, open)| *open == left)
            && let Some((ix, open)) = candidates.get(pos).copied()
        {
            take(self, ix, open, MatchRule::ExactAmount)?;
            left = Decimal::ZERO;
            candidates.remove(pos);
        }
        for (ix, open) in candidates {
            if left <= Decimal::ZERO {
                break;
            }
            let amount = open.min(left);
            take(self, ix, amount, MatchRule::OldestDue)?;
            left -= amount;
        }
        Ok(made)
    }

    /// Net every open credit note of a customer against its open debits, oldest due
    /// first, on the later of the two documents' dates. Returns the applications made.
    ///
    /// # Errors
    /// [`LedgerError::Unknown`] for an unknown customer; arithmetic errors.
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Item, Ledger};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let mut l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
    ///     vec![Item::invoice("F1", "C1", d(1, 1), d(1, 31), eur(10000)),
    ///          Item::credit_note("A1", "C1", d(1, 20), eur(3000))], vec![], vec![])?;
    /// let apps = l.net_credit_notes("C1")?;
    /// assert_eq!(apps.len(), 1);
    /// assert_eq!(l.open_amount("F1", d(1, 19))?, eur(10000));
    /// assert_eq!(l.open_amount("F1", d(1, 20))?, eur(7000));
    /// # Ok::<(), encours_core::ledger::LedgerError>(())
    /// ```
    pub fn net_credit_notes(&mut self, customer_id: &str) -> Result<Vec<Application>, LedgerError> {
        let cix = self.customer_position(customer_id, || "net_credit_notes".into())?;
        let items: Vec<usize> = self.customer_items.get(cix).cloned().unwrap_or_default();
        let mut credits = Vec::new();
        let mut debits = Vec::new();
        for ix in items {
            let Some(item) = self.data.items.get(ix) else {
                continue;
            };
            let open = item
                .amount
                .amount()
                .checked_sub(self.applied_total(&self.item_applied, ix, &self.item_apps)?)
                .ok_or(MoneyError::Overflow {
                    operation: "subtract",
                })?;
            if open <= Decimal::ZERO {
                continue;
            }
            let entry = (
                item.due_date,
                item.issue_date,
                item.id.clone(),
                open,
                item.amount.currency(),
            );
            if item.kind.is_debit() {
                debits.push(entry)
            } else {
                credits.push(entry)
            }
        }
        credits.sort();
        debits.sort();
        let mut made = Vec::new();
        for (_, credit_issue, credit_id, mut credit_left, currency) in credits {
            for debit in debits.iter_mut() {
                if credit_left <= Decimal::ZERO {
                    break;
                }
                if debit.3 <= Decimal::ZERO {
                    continue;
                }
                let amount = debit.3.min(credit_left);
                let app = Application {
                    source: Source::CreditNote(credit_id.clone()),
                    item_id: debit.2.clone(),
                    date: credit_issue.max(debit.1),
                    amount: Money::new(amount, currency),
                    rule: MatchRule::OldestDue,
                };
                self.push_application(app.clone())?;
                made.push(app);
                debit.3 -= amount;
                credit_left -= amount;
            }
        }
        Ok(made)
    }

    /// The customers, in insertion order.
    pub fn customers(&self) -> &[Customer] {
        &self.data.customers
    }

    /// The items, in insertion order.
    pub fn items(&self) -> &[Item] {
        &self.data.items
    }

    /// The payments, in insertion order.
    pub fn payments(&self) -> &[Payment] {
        &self.data.payments
    }

    /// The applications, in the order they were made.
    pub fn applications(&self) -> &[Application] {
        &self.data.applications
    }

    /// The serializable data behind the ledger.
    pub fn data(&self) -> &LedgerData {
        &self.data
    }

    /// A customer by id.
    pub fn customer(&self, id: &str) -> Option<&Customer> {
        self.customer_ix
            .get(id)
            .and_then(|ix| self.data.customers.get(*ix))
    }

    /// An item by id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.item_ix.get(id).and_then(|ix| self.data.items.get(*ix))
    }

    /// A payment by id.
    pub fn payment(&self, id: &str) -> Option<&Payment> {
        self.payment_ix
            .get(id)
            .and_then(|ix| self.data.payments.get(*ix))
    }

    /// Position of a customer in [`Ledger::customers`].
    pub fn customer_index(&self, id: &str) -> Option<usize> {
        self.customer_ix.get(id).copied()
    }

    /// Positions (in [`Ledger::items`]) of a customer's items, by customer position.
    pub fn items_of(&self, customer_index: usize) -> &[usize] {
        self.customer_items
            .get(customer_index)
            .map_or(&[], Vec::as_slice)
    }

    /// Positions (in [`Ledger::payments`]) of a customer's payments, by customer position.
    pub fn payments_of(&self, customer_index: usize) -> &[usize] {
        self.customer_payments
            .get(customer_index)
            .map_or(&[], Vec::as_slice)
    }

    /// Position of the customer of the item at `item_index`.
    pub fn customer_of_item(&self, item_index: usize) -> Option<usize> {
        self.item_customer.get(item_index).copied()
    }

    /// The applications touching the item at `item_index` (settling it, or drawn from
    /// it for a credit note).
    pub fn applications_of_item(
        &self,
        item_index: usize,
    ) -> impl Iterator<Item = &Application> + '_ {
        self.item_apps
            .get(item_index)
            .into_iter()
            .flatten()
            .filter_map(|a| self.data.applications.get(*a))
    }

    /// The applications drawn from the payment at `payment_index`.
    pub fn applications_of_payment(
        &self,
        payment_index: usize,
    ) -> impl Iterator<Item = &Application> + '_ {
        self.payment_apps
            .get(payment_index)
            .into_iter()
            .flatten()
            .filter_map(|a| self.data.applications.get(*a))
    }

    /// The state of the item at `item_index` at the end of `as_of`, or `None` when the
    /// item was not issued yet (or the position is out of range).
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Item, Ledger, Payment};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let mut l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
    ///     vec![Item::invoice("F1", "C1", d(1, 1), d(1, 31), eur(10000))],
    ///     vec![Payment::new("P1", "C1", d(2, 10), eur(10000))], vec![])?;
    /// l.apply_payment("P1", "F1", eur(10000), d(2, 10))?;
    /// let s = l.item_state(0, d(2, 29)).unwrap();
    /// assert!(s.open.is_zero());
    /// assert_eq!(s.last_settlement, Some(d(2, 10)));
    /// assert!(l.item_state(0, d(1, 1)).unwrap().open == eur(10000));
    /// # Ok::<(), encours_core::ledger::LedgerError>(())
    /// ```
    pub fn item_state(&self, item_index: usize, as_of: NaiveDate) -> Option<ItemState> {
        let item = self.data.items.get(item_index)?;
        if item.issue_date > as_of {
            return None;
        }
        // Zero in the currency's minor units, so that nothing settled reads `0.00`.
        let mut settled = Decimal::new(0, item.amount.currency().minor_units());
        let mut last = None;
        if let Some((total, latest)) = self
            .item_applied
            .get(item_index)
            .and_then(|s| s.total_as_of(as_of))
        {
            // Nothing applied keeps the zero in minor units (`0.00`, not `0`).
            if latest.is_some() {
                settled += total;
            }
            last = latest;
        } else {
            for a in self.applications_of_item(item_index) {
                if a.date <= as_of {
                    // Cannot overflow: validated applications never exceed the item amount.
                    settled += a.amount.amount();
                    last = last.max(Some(a.date));
                }
            }
        }
        Some(ItemState {
            open: Money::new(item.amount.amount() - settled, item.amount.currency()),
            settled: Money::new(settled, item.amount.currency()),
            last_settlement: last,
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
        let ix = self.item_position(item_id, || "open_amount".into())?;
        Ok(self
            .item_state(ix, as_of)
            .map(|s| s.open)
            .unwrap_or_else(|| {
                Money::from_minor(
                    0,
                    self.data
                        .items
                        .get(ix)
                        .map_or(Currency::EUR, |i| i.amount.currency()),
                )
            }))
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
        let pix = *self
            .payment_ix
            .get(payment_id)
            .ok_or_else(|| LedgerError::Unknown {
                kind: "payment",
                id: payment_id.to_owned(),
                referenced_by: "unapplied_amount".into(),
            })?;
        Ok(self.payment_unapplied(pix, as_of))
    }

    /// Unapplied part of the payment at `payment_index` at the end of `as_of`.
    pub fn payment_unapplied(&self, payment_index: usize, as_of: NaiveDate) -> Money {
        let Some(p) = self.data.payments.get(payment_index) else {
            return Money::zero(Currency::EUR);
        };
        if p.date > as_of {
            return Money::from_minor(0, p.amount.currency());
        }
        // Cannot overflow: validated applications never exceed the payment amount.
        let applied: Decimal = match self
            .payment_applied
            .get(payment_index)
            .and_then(|s| s.total_as_of(as_of))
        {
            Some((total, _)) => total,
            None => self
                .applications_of_payment(payment_index)
                .filter(|a| a.date <= as_of)
                .map(|a| a.amount.amount())
                .sum(),
        };
        Money::new(p.amount.amount() - applied, p.amount.currency())
    }

    /// A customer's balance at the end of `as_of`: open debits less open credit notes
    /// and unapplied cash. Positive when the customer owes.
    ///
    /// # Errors
    /// [`LedgerError::Unknown`] for an unknown customer.
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
        let cix = self.customer_position(customer_id, || "balance".into())?;
        let currency = self.customer_currency(cix);
        let overflow = || {
            LedgerError::Money(MoneyError::Overflow {
                operation: "balance",
            })
        };
        let mut total = Decimal::ZERO;
        for &ix in self.items_of(cix) {
            let (Some(item), Some(state)) = (self.data.items.get(ix), self.item_state(ix, as_of))
            else {
                continue;
            };
            total = if item.kind.is_debit() {
                crate::money::add_to_scale(total, state.open.amount(), currency.minor_units())
            } else {
                crate::money::sub_to_scale(total, state.open.amount(), currency.minor_units())
            }
            .ok_or_else(overflow)?;
        }
        for &pix in self.payments_of(cix) {
            let unapplied = self.payment_unapplied(pix, as_of).amount();
            total = crate::money::sub_to_scale(total, unapplied, currency.minor_units())
                .ok_or_else(overflow)?;
        }
        if total.is_zero() {
            // Decimal zero keeps a sign (`0 - 0.00` is `-0.00`) and the scale of its
            // operands (`0` with no items): a nil balance is written `0.00`.
            total = Decimal::new(0, currency.minor_units());
        }
        Ok(Money::new(total, currency))
    }

    /// The top of a customer's group: itself when it has no parent.
    pub fn group_root(&self, customer_index: usize) -> usize {
        // Computed when the customer was added (parents never change afterwards).
        self.customer_root
            .get(customer_index)
            .copied()
            .unwrap_or(customer_index)
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
