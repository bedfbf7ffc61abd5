//! The record types: the data form of the ledger at its edges (construction, serde,
//! single lookups). The ledger itself stores columns (see [`super`]).

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
