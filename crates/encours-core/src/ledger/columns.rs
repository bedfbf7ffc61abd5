//! The bulk import: typed columns in, one ledger out.
//!
//! Every door into a ledger comes through here: [`Ledger::new`] (records), the JSON
//! form (records), the Python and C bulk doors (columns). Rows are checked by the same
//! functions whatever their door, and the rules that turn loader conveniences into
//! ledger facts live here, so every door gets them:
//! - a payment that names its invoice (and no explicit application list is given) is
//!   applied to that invoice, in full, on its date ([`PaymentColumns::apply_to_invoice`]);
//! - a bare `disputed` flag is a dispute of the whole item since its issue date;
//! - a row without its own currency is in its customer's currency; a row with one is
//!   checked against it.
//!
//! ```
//! use encours_core::ledger::columns::{Amounts, Ids, ItemColumns, LedgerBuilder, CustomerColumns, Currencies};
//! use encours_core::money::Currency;
//! let mut b = LedgerBuilder::new();
//! b.customers(&CustomerColumns::new(Ids::Int(&[10, 11]), Currencies::One(Currency::EUR)))?;
//! // 2024-01-01 and 2024-01-31 as days since 1970-01-01.
//! b.items(&ItemColumns::new(Ids::Int(&[1, 2]), Ids::Int(&[10, 11]), &[19723, 19723],
//!     Some(&[19753, 19753]), Amounts::Minor(&[120000, 5000])))?;
//! let ledger = b.finish()?;
//! assert_eq!(ledger.item("2").unwrap().amount.to_string(), "50.00 EUR");
//! # Ok::<(), encours_core::ledger::LedgerError>(())
//! ```

use rust_decimal::Decimal;

use super::store::{FIRST_DAY, LAST_DAY, NO_DAY, date, day};
use super::{
    Application, Block, Customer, CustomerExtra, Dispute, HAS_BLOCK, HAS_DISPUTE, HAS_REFERENCE,
    IdRef, Item, ItemKind, Ledger, LedgerError, MatchRule, NONE, Payment, Source, invalid,
    kind_bits,
};
use crate::money::{Currency, Money};

/// A null day in a column of days.
pub const NULL_DAY: i32 = NO_DAY;

/// A column of optional text (nulls are `None`).
pub trait TextColumn: Sync {
    /// Number of rows.
    fn len(&self) -> usize;
    /// Whether there is no row.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The text of a row, `None` for a null.
    fn get(&self, row: usize) -> Option<&str>;
}

impl TextColumn for Vec<String> {
    fn len(&self) -> usize {
        <[String]>::len(self)
    }
    fn get(&self, row: usize) -> Option<&str> {
        <[String]>::get(self, row).map(String::as_str)
    }
}

impl TextColumn for Vec<&str> {
    fn len(&self) -> usize {
        <[&str]>::len(self)
    }
    fn get(&self, row: usize) -> Option<&str> {
        <[&str]>::get(self, row).copied()
    }
}

impl TextColumn for Vec<Option<String>> {
    fn len(&self) -> usize {
        <[Option<String>]>::len(self)
    }
    fn get(&self, row: usize) -> Option<&str> {
        <[Option<String>]>::get(self, row).and_then(|s| s.as_deref())
    }
}

/// A column of ids: integers (kept as integers) or text.
#[derive(Clone, Copy)]
pub enum Ids<'a> {
    /// Integer ids.
    Int(&'a [i64]),
    /// Text ids.
    Text(&'a dyn TextColumn),
}

impl<'a> Ids<'a> {
    fn len(&self) -> usize {
        match self {
            Ids::Int(v) => v.len(),
            Ids::Text(t) => t.len(),
        }
    }
    fn get(&self, row: usize) -> Option<IdRef<'a>> {
        match self {
            Ids::Int(v) => v.get(row).map(|n| IdRef::Int(*n)),
            Ids::Text(t) => t.get(row).map(IdRef::Str),
        }
    }
}

/// A column of amounts.
#[derive(Clone, Copy)]
pub enum Amounts<'a> {
    /// Integers in the minor units of each row's currency (cents for EUR).
    Minor(&'a [i64]),
    /// Scaled integers (Arrow `decimal128(p, scale)`): the amount is
    /// `value × 10^-scale`. Digits below the currency's minor unit are refused.
    Scaled {
        /// The unscaled values.
        values: &'a [i128],
        /// The scale.
        scale: i8,
    },
    /// Exact decimal text.
    Text(&'a dyn TextColumn),
}

impl<'a> Amounts<'a> {
    fn len(&self) -> usize {
        match self {
            Amounts::Minor(v) => v.len(),
            Amounts::Scaled { values, .. } => values.len(),
            Amounts::Text(t) => t.len(),
        }
    }
    fn get(&self, row: usize) -> Option<AmountIn<'a>> {
        match self {
            Amounts::Minor(v) => v.get(row).map(|m| AmountIn::Minor(*m)),
            Amounts::Scaled { values, scale } => {
                values.get(row).map(|v| AmountIn::Scaled(*v, *scale))
            }
            Amounts::Text(t) => t.get(row).map(AmountIn::Text),
        }
    }
}

/// One amount as it came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountIn<'a> {
    /// Minor units of the row's currency.
    Minor(i64),
    /// `value × 10^-scale`.
    Scaled(i128, i8),
    /// An amount with its currency (a record).
    Money(Money),
    /// Exact decimal text.
    Text(&'a str),
}

/// Currencies of customers.
#[derive(Clone, Copy)]
pub enum Currencies<'a> {
    /// Every customer in the same currency.
    One(Currency),
    /// One currency per row.
    Each(&'a [Currency]),
}

/// A batch of customers as columns. Fields left `None` are absent.
#[derive(Clone, Copy)]
pub struct CustomerColumns<'a> {
    /// Account ids.
    pub id: Ids<'a>,
    /// Names (the id when absent or null).
    pub name: Option<&'a dyn TextColumn>,
    /// Currencies.
    pub currency: Currencies<'a>,
    /// Parent accounts.
    pub parent: Option<Ids<'a>>,
    /// Segments.
    pub segment: Option<&'a dyn TextColumn>,
    /// Countries.
    pub country: Option<&'a dyn TextColumn>,
    /// Payment terms.
    pub payment_terms: Option<&'a dyn TextColumn>,
    /// Calendar codes.
    pub calendar: Option<&'a dyn TextColumn>,
    /// Forced dunning scenarios.
    pub dunning_scenario: Option<&'a dyn TextColumn>,
    /// Risk classes.
    pub risk_class: Option<&'a dyn TextColumn>,
    /// Credit limits (zero allowed).
    pub credit_limit: Option<Amounts<'a>>,
}

impl<'a> CustomerColumns<'a> {
    /// Ids and currencies only.
    pub fn new(id: Ids<'a>, currency: Currencies<'a>) -> Self {
        CustomerColumns {
            id,
            name: None,
            currency,
            parent: None,
            segment: None,
            country: None,
            payment_terms: None,
            calendar: None,
            dunning_scenario: None,
            risk_class: None,
            credit_limit: None,
        }
    }
}

/// A batch of items as columns. Days count from 1970-01-01 ([`NULL_DAY`] for null).
#[derive(Clone, Copy)]
pub struct ItemColumns<'a> {
    /// Item ids.
    pub id: Ids<'a>,
    /// Customer ids.
    pub customer: Ids<'a>,
    /// Kinds (invoices when absent).
    pub kind: Option<&'a [ItemKind]>,
    /// Issue days.
    pub issue_date: &'a [i32],
    /// Due days; a null due day is the issue day for a credit note, an error for a
    /// debit.
    pub due_date: Option<&'a [i32]>,
    /// Amounts.
    pub amount: Amounts<'a>,
    /// Each row's own currency, checked against its customer's (`None`: the
    /// customer's).
    pub currency: Option<&'a [Option<Currency>]>,
    /// Customer references.
    pub reference: Option<&'a dyn TextColumn>,
    /// A `true` flag is a dispute of the whole item since its issue date.
    pub disputed: Option<&'a [bool]>,
}

impl<'a> ItemColumns<'a> {
    /// The required columns only.
    pub fn new(
        id: Ids<'a>,
        customer: Ids<'a>,
        issue_date: &'a [i32],
        due_date: Option<&'a [i32]>,
        amount: Amounts<'a>,
    ) -> Self {
        ItemColumns {
            id,
            customer,
            kind: None,
            issue_date,
            due_date,
            amount,
            currency: None,
            reference: None,
            disputed: None,
        }
    }
}

/// A batch of payments as columns.
#[derive(Clone, Copy)]
pub struct PaymentColumns<'a> {
    /// Payment ids.
    pub id: Ids<'a>,
    /// Paying customers (from the invoice when absent or null).
    pub customer: Option<Ids<'a>>,
    /// The invoice each payment settles, when known.
    pub invoice: Option<Ids<'a>>,
    /// Value days.
    pub date: &'a [i32],
    /// Amounts.
    pub amount: Amounts<'a>,
    /// Each row's own currency, checked against its customer's.
    pub currency: Option<&'a [Option<Currency>]>,
    /// Remittance references.
    pub reference: Option<&'a dyn TextColumn>,
    /// Apply each payment that names an invoice to it, in full, on its date.
    pub apply_to_invoice: bool,
}

impl<'a> PaymentColumns<'a> {
    /// The required columns only (`customer` or `invoice` must be set too).
    pub fn new(id: Ids<'a>, date: &'a [i32], amount: Amounts<'a>) -> Self {
        PaymentColumns {
            id,
            customer: None,
            invoice: None,
            date,
            amount,
            currency: None,
            reference: None,
            apply_to_invoice: false,
        }
    }
}

/// A batch of applications as columns.
#[derive(Clone, Copy)]
pub struct ApplicationColumns<'a> {
    /// Source payments (null where the source is a credit note).
    pub payment: Option<Ids<'a>>,
    /// Source credit notes.
    pub credit_note: Option<Ids<'a>>,
    /// Items settled.
    pub item: Ids<'a>,
    /// Days the applications take effect.
    pub date: &'a [i32],
    /// Amounts.
    pub amount: Amounts<'a>,
    /// Rules (explicit when absent).
    pub rule: Option<&'a [MatchRule]>,
}

// ---------------------------------------------------------------- rows

/// One customer, as every door gives it.
pub(crate) struct CustomerRow<'a> {
    pub(crate) id: IdRef<'a>,
    pub(crate) name: &'a str,
    pub(crate) currency: Currency,
    pub(crate) parent: Option<IdRef<'a>>,
    pub(crate) extra: CustomerExtra,
}

/// One item, as every door gives it.
pub(crate) struct ItemRow<'a> {
    pub(crate) id: IdRef<'a>,
    pub(crate) customer: IdRef<'a>,
    pub(crate) kind: ItemKind,
    pub(crate) issue: i32,
    pub(crate) due: i32,
    pub(crate) amount: AmountIn<'a>,
    pub(crate) currency: Option<Currency>,
    pub(crate) reference: Option<&'a str>,
    pub(crate) dispute: Option<Dispute>,
    pub(crate) disputed: bool,
    pub(crate) block: Option<Block>,
}

impl<'a> ItemRow<'a> {
    pub(crate) fn from_record(i: &'a Item) -> ItemRow<'a> {
        ItemRow {
            id: IdRef::Str(&i.id),
            customer: IdRef::Str(&i.customer_id),
            kind: i.kind,
            issue: day(i.issue_date),
            due: day(i.due_date),
            amount: AmountIn::Money(i.amount),
            currency: None,
            reference: i.reference.as_deref(),
            dispute: i.dispute.clone(),
            disputed: false,
            block: i.dunning_block.clone(),
        }
    }
}

/// One payment, as every door gives it.
pub(crate) struct PaymentRow<'a> {
    pub(crate) id: IdRef<'a>,
    pub(crate) customer: IdRef<'a>,
    pub(crate) date: i32,
    pub(crate) amount: AmountIn<'a>,
    pub(crate) currency: Option<Currency>,
    pub(crate) reference: Option<&'a str>,
}

impl<'a> PaymentRow<'a> {
    pub(crate) fn from_record(p: &'a Payment) -> PaymentRow<'a> {
        PaymentRow {
            id: IdRef::Str(&p.id),
            customer: IdRef::Str(&p.customer_id),
            date: day(p.date),
            amount: AmountIn::Money(p.amount),
            currency: None,
            reference: p.reference.as_deref(),
        }
    }
}

/// One application, as every door gives it.
pub(crate) struct AppRow<'a> {
    /// The source's id, and whether it is a credit note.
    pub(crate) source: IdRef<'a>,
    pub(crate) from_credit_note: bool,
    pub(crate) item: IdRef<'a>,
    pub(crate) date: i32,
    pub(crate) amount: AmountIn<'a>,
    pub(crate) rule: MatchRule,
}

impl<'a> AppRow<'a> {
    pub(crate) fn from_record(a: &'a Application) -> AppRow<'a> {
        let (source, from_credit_note) = match &a.source {
            Source::Payment(p) => (IdRef::Str(p.as_str()), false),
            Source::CreditNote(c) => (IdRef::Str(c.as_str()), true),
        };
        AppRow {
            source,
            from_credit_note,
            item: IdRef::Str(&a.item_id),
            date: day(a.date),
            amount: AmountIn::Money(a.amount),
            rule: a.rule,
        }
    }
}

fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

/// An amount in minor units of `currency`, positive, checked as every door checks it;
/// `id` names the record in messages (built only on failure).
pub(crate) fn to_minor(
    record: &'static str,
    id: &dyn Fn() -> String,
    amount: AmountIn<'_>,
    currency: Currency,
    own_currency: Option<Currency>,
) -> Result<i64, LedgerError> {
    let units = currency.minor_units();
    let given = match amount {
        AmountIn::Money(m) => Some(m.currency()),
        _ => own_currency,
    };
    if let Some(c) = given
        && c != currency
    {
        // Debug form: a custom currency shows its minor units (`XPT/3`), so two
        // currencies sharing a code are told apart in the message.
        return Err(invalid(
            record,
            &id(),
            "currency",
            format!("{c:?}"),
            format!("{currency:?}, the customer's currency"),
        ));
    }
    let (value, scale): (i128, u32) = match amount {
        AmountIn::Minor(m) => (i128::from(m), units),
        AmountIn::Scaled(v, s) if s >= 0 => (v, u32::from(s.unsigned_abs())),
        AmountIn::Scaled(v, s) => {
            let v = pow10(u32::from(s.unsigned_abs()))
                .and_then(|p| v.checked_mul(p))
                .ok_or_else(|| too_big(record, id, &format!("{v}E{}", -s), currency))?;
            (v, 0)
        }
        AmountIn::Money(m) => (m.amount().mantissa(), m.amount().scale()),
        AmountIn::Text(t) => {
            let d = Money::parse(t, currency)
                .map_err(|_| invalid(record, &id(), "amount", t, "an exact decimal number"))?
                .amount();
            (d.mantissa(), d.scale())
        }
    };
    let shown = || {
        Decimal::try_from_i128_with_scale(value, scale)
            .map_or_else(|_| format!("{value}E-{scale}"), |d| d.to_string())
    };
    if value <= 0 {
        return Err(invalid(
            record,
            &id(),
            "amount",
            shown(),
            "a positive amount",
        ));
    }
    let minor = if scale <= units {
        pow10(units - scale).and_then(|p| value.checked_mul(p))
    } else {
        let p = pow10(scale - units).unwrap_or(i128::MAX);
        if value % p != 0 {
            return Err(invalid(
                record,
                &id(),
                "amount",
                shown(),
                format!("at most {units} decimals for {currency}"),
            ));
        }
        Some(value / p)
    };
    minor
        .and_then(|m| i64::try_from(m).ok())
        .ok_or_else(|| too_big(record, id, &shown(), currency))
}

fn too_big(record: &'static str, id: &dyn Fn() -> String, shown: &str, c: Currency) -> LedgerError {
    invalid(
        record,
        &id(),
        "amount",
        shown,
        format!(
            "at most {} {c} (2^63 - 1 minor units)",
            Money::from_minor(i64::MAX, c).amount()
        ),
    )
}

/// A day inside years 1–9999.
fn check_day(
    record: &'static str,
    id: &dyn Fn() -> String,
    field: &'static str,
    d: i32,
) -> Result<(), LedgerError> {
    if (FIRST_DAY..=LAST_DAY).contains(&d) {
        return Ok(());
    }
    Err(invalid(
        record,
        &id(),
        field,
        date(d),
        "a date in the years 1 to 9999",
    ))
}

fn full(record: &'static str, id: &str) -> LedgerError {
    invalid(
        record,
        id,
        "id",
        id,
        "room for it: at most 4,294,967,294 records of a kind and 4 GiB of their ids",
    )
}

impl Ledger {
    /// Check and append a customer. `defer_parent` leaves its parent to
    /// [`Ledger::resolve_parents`] (a bulk load, where a parent may come later).
    pub(crate) fn push_customer_row(
        &mut self,
        row: CustomerRow<'_>,
        defer_parent: bool,
    ) -> Result<(), LedgerError> {
        let c = &self.c;
        if c.ids.find(row.id).is_some() {
            return Err(LedgerError::DuplicateId {
                kind: "customer",
                id: row.id.to_string(),
            });
        }
        if let Some(limit) = &row.extra.credit_limit
            && (limit.currency() != row.currency
                || limit.is_negative()
                || !limit.is_in_minor_units())
        {
            return Err(invalid(
                "customer",
                &row.id.to_string(),
                "credit_limit",
                limit,
                format!(
                    "a non-negative amount in {} with at most {} decimals",
                    row.currency,
                    row.currency.minor_units()
                ),
            ));
        }
        let pos = c.currency.len() as u32;
        let (parent, root) = match row.parent {
            None => (NONE, pos),
            Some(_) if defer_parent => (NONE, pos),
            Some(p) => {
                if p.to_string() == row.id.to_string() {
                    return Err(LedgerError::ParentCycle {
                        id: row.id.to_string(),
                    });
                }
                let pix = self
                    .customer_position(p, || format!("parent of customer \"{}\"", row.id))?
                    as u32;
                (pix, self.c.root.get(pix as usize).copied().unwrap_or(pix))
            }
        };
        let c = &mut self.c;
        if c.ids.push_new(row.id).is_none() || !c.names.push(row.name) {
            return Err(full("customer", &row.id.to_string()));
        }
        let mut extra = row.extra;
        let segment = match extra.segment.take() {
            None => NONE,
            Some(name) => c.segment_position(name),
        };
        c.segment.push(segment);
        c.currency.push(row.currency);
        c.parent.push(parent);
        c.root.push(root);
        if defer_parent && let Some(p) = row.parent {
            c.pending_parents.push((pos, p.to_string()));
        }
        if !extra.is_empty() {
            c.extra.push(pos, Box::new(extra));
        }
        Ok(())
    }

    /// Check and append a customer record.
    pub(crate) fn push_customer_record(
        &mut self,
        c: Customer,
        defer_parent: bool,
    ) -> Result<(), LedgerError> {
        let extra = CustomerExtra {
            segment: c.segment,
            tags: c.tags,
            country: c.country,
            payment_terms: c.payment_terms,
            calendar: c.calendar,
            dunning_scenario: c.dunning_scenario,
            risk_class: c.risk_class,
            external_scores: c.external_scores,
            credit_limit: c.credit_limit,
            dunning_block: c.dunning_block,
        };
        self.push_customer_row(
            CustomerRow {
                id: IdRef::Str(&c.id),
                name: &c.name,
                currency: c.currency,
                parent: c.parent.as_deref().map(IdRef::Str),
                extra,
            },
            defer_parent,
        )
    }

    /// Resolve the parents named during a bulk load: every parent exists and no
    /// customer is its own ancestor; gives each customer's group root. Each customer
    /// is walked once (a walk stops at a customer whose root is known), so a long
    /// chain of parents costs its length, not its square.
    pub(crate) fn resolve_parents(&mut self) -> Result<(), LedgerError> {
        let pending = std::mem::take(&mut self.c.pending_parents);
        for (pos, parent) in &pending {
            let pix = self.customer_position(IdRef::Str(parent), || {
                format!(
                    "parent of customer \"{}\"",
                    self.c.ids.text(*pos as usize).unwrap_or_default()
                )
            })?;
            if let Some(p) = self.c.parent.get_mut(*pos as usize) {
                *p = pix as u32;
            }
        }
        if pending.is_empty() {
            return Ok(());
        }
        const ON_WALK: u32 = u32::MAX;
        const NEW: u32 = u32::MAX - 1;
        let parents = &self.c.parent;
        let mut roots = vec![NEW; parents.len()];
        let mut walk: Vec<u32> = Vec::new();
        for start in 0..parents.len() as u32 {
            let mut ix = start;
            let root = loop {
                match roots.get(ix as usize).copied() {
                    None => break ix,
                    Some(ON_WALK) => {
                        return Err(LedgerError::ParentCycle {
                            id: self.c.ids.text(ix as usize).unwrap_or_default().to_owned(),
                        });
                    }
                    Some(NEW) => {}
                    Some(known) => break known,
                }
                if let Some(r) = roots.get_mut(ix as usize) {
                    *r = ON_WALK;
                }
                walk.push(ix);
                match parents.get(ix as usize).copied() {
                    Some(p) if p != NONE => ix = p,
                    _ => break ix,
                }
            };
            for w in walk.drain(..) {
                if let Some(r) = roots.get_mut(w as usize) {
                    *r = root;
                }
            }
        }
        self.c.root = roots;
        Ok(())
    }

    /// Check and append an item; the single place items are checked.
    pub(crate) fn push_item(&mut self, row: ItemRow<'_>) -> Result<u32, LedgerError> {
        let id = || row.id.to_string();
        if self.i.ids.find(row.id).is_some() {
            return Err(LedgerError::DuplicateId {
                kind: "item",
                id: id(),
            });
        }
        let cix = self.customer_position(row.customer, || format!("item \"{}\"", row.id))? as u32;
        let currency = self.currency_of(cix);
        let amount = to_minor("item", &id, row.amount, currency, row.currency)?;
        check_day("item", &id, "issue_date", row.issue)?;
        check_day("item", &id, "due_date", row.due)?;
        let full_amount = Money::from_minor(amount, currency);
        let dispute = match row.dispute {
            Some(d) => Some(d),
            None if row.disputed => Some(Dispute::new(full_amount, date(row.issue))),
            None => None,
        };
        if let Some(d) = &dispute {
            if d.amount.currency() != currency
                || d.amount.is_negative()
                || !d.amount.is_in_minor_units()
                || d.amount.checked_cmp(&full_amount)?.is_gt()
            {
                return Err(invalid(
                    "item",
                    &id(),
                    "dispute.amount",
                    d.amount,
                    format!(
                        "between 0 and the item amount {}, with at most {} decimals",
                        full_amount,
                        currency.minor_units()
                    ),
                ));
            }
            if let Some(resolved) = d.resolved_on.filter(|r| *r < d.opened_on) {
                return Err(invalid(
                    "item",
                    &id(),
                    "dispute.resolved_on",
                    resolved,
                    format!("a date on or after opened_on {}", d.opened_on),
                ));
            }
        }
        let Some(pos) = self.i.ids.push_new(row.id) else {
            return Err(full("item", &id()));
        };
        let pos = pos as u32;
        let i = &mut self.i;
        let mut flags = kind_bits(row.kind);
        if let Some(r) = row.reference {
            flags |= HAS_REFERENCE;
            i.reference.push(pos, r.into());
        }
        if let Some(d) = dispute {
            flags |= HAS_DISPUTE;
            i.dispute.push(pos, d);
        }
        if let Some(b) = row.block {
            flags |= HAS_BLOCK;
            i.block.push(pos, b);
        }
        i.customer.push(cix);
        i.flags.push(flags);
        i.issue.push(row.issue);
        i.due.push(row.due);
        i.amount.push(amount);
        i.applied.push(0);
        i.last.push(NO_DAY);
        if !self.bulk {
            self.cust_items.push(cix, pos);
            self.apply_order.remove(&cix);
        }
        Ok(pos)
    }

    /// Check and append a payment; the single place payments are checked.
    pub(crate) fn push_payment(&mut self, row: PaymentRow<'_>) -> Result<u32, LedgerError> {
        let id = || row.id.to_string();
        if self.p.ids.find(row.id).is_some() {
            return Err(LedgerError::DuplicateId {
                kind: "payment",
                id: id(),
            });
        }
        let cix =
            self.customer_position(row.customer, || format!("payment \"{}\"", row.id))? as u32;
        let amount = to_minor(
            "payment",
            &id,
            row.amount,
            self.currency_of(cix),
            row.currency,
        )?;
        check_day("payment", &id, "date", row.date)?;
        let Some(pos) = self.p.ids.push_new(row.id) else {
            return Err(full("payment", &id()));
        };
        let pos = pos as u32;
        let p = &mut self.p;
        if let Some(r) = row.reference {
            p.reference.push(pos, r.into());
        }
        p.customer.push(cix);
        p.date.push(row.date);
        p.amount.push(amount);
        p.applied.push(0);
        p.last.push(NO_DAY);
        if !self.bulk {
            self.cust_payments.push(cix, pos);
        }
        Ok(pos)
    }
}

// ---------------------------------------------------------------- the builder

fn length(record: &'static str, field: &'static str, got: usize, rows: usize) -> LedgerError {
    invalid(
        record,
        "(batch)",
        field,
        format!("{got} values"),
        format!("{rows} values, one per id"),
    )
}

fn null(record: &'static str, row: usize, field: &'static str) -> LedgerError {
    invalid(record, &format!("(row {row})"), field, "null", "a value")
}

/// Builds a ledger from batches of columns or records, customers first.
///
/// Customers are checked as they come; their parents when the first item, payment or
/// application batch arrives (a parent may be listed after its child). The per-item
/// and per-customer lists are built once, by [`LedgerBuilder::finish`].
#[derive(Debug, Default)]
pub struct LedgerBuilder {
    ledger: Ledger,
    parents_done: bool,
}

impl LedgerBuilder {
    /// An empty builder.
    pub fn new() -> LedgerBuilder {
        let ledger = Ledger {
            bulk: true,
            ..Ledger::default()
        };
        LedgerBuilder {
            ledger,
            parents_done: false,
        }
    }

    fn close_customers(&mut self) -> Result<(), LedgerError> {
        if !self.parents_done {
            self.ledger.resolve_parents()?;
            self.parents_done = true;
        }
        Ok(())
    }

    /// Add customers from records.
    ///
    /// # Errors
    /// As [`Ledger::new`] for customers.
    pub fn customer_records(&mut self, customers: Vec<Customer>) -> Result<(), LedgerError> {
        self.ledger.c.currency.reserve(customers.len());
        for c in customers {
            self.ledger.push_customer_record(c, !self.parents_done)?;
        }
        Ok(())
    }

    /// Add a batch of customers from columns.
    ///
    /// # Errors
    /// As [`Ledger::new`] for customers; a column of the wrong length or a null id.
    pub fn customers(&mut self, cols: &CustomerColumns<'_>) -> Result<(), LedgerError> {
        let n = cols.id.len();
        let text =
            |t: Option<&dyn TextColumn>, r: usize| t.and_then(|t| t.get(r)).map(str::to_owned);
        let check = |name: &'static str, len: Option<usize>| match len {
            Some(l) if l != n => Err(length("customers", name, l, n)),
            _ => Ok(()),
        };
        check("name", cols.name.map(|t| t.len()))?;
        check("parent", cols.parent.map(|t| t.len()))?;
        check("segment", cols.segment.map(|t| t.len()))?;
        check("credit_limit", cols.credit_limit.map(|t| t.len()))?;
        if let Currencies::Each(c) = cols.currency {
            check("currency", Some(c.len()))?;
        }
        self.ledger.c.currency.reserve(n);
        self.ledger.c.ids.reserve(n);
        for r in 0..n {
            let id = cols.id.get(r).ok_or_else(|| null("customer", r, "id"))?;
            let currency = match cols.currency {
                Currencies::One(c) => c,
                Currencies::Each(c) => *c.get(r).ok_or_else(|| null("customer", r, "currency"))?,
            };
            let id_text;
            let name = match cols.name.and_then(|t| t.get(r)) {
                Some(n) => n,
                None => {
                    id_text = id.to_string();
                    id_text.as_str()
                }
            };
            let credit_limit = match cols.credit_limit.and_then(|a| a.get(r)) {
                None => None,
                Some(AmountIn::Minor(m)) => Some(Money::from_minor(m, currency)),
                Some(AmountIn::Scaled(v, s)) => Some(Money::new(
                    Decimal::try_from_i128_with_scale(v, u32::from(s.max(0).unsigned_abs()))
                        .map_err(|_| {
                            too_big("customer", &|| id.to_string(), &v.to_string(), currency)
                        })?,
                    currency,
                )),
                Some(AmountIn::Text(t)) => Some(Money::parse(t, currency).map_err(|_| {
                    invalid(
                        "customer",
                        &id.to_string(),
                        "credit_limit",
                        t,
                        "an exact decimal number",
                    )
                })?),
                Some(AmountIn::Money(m)) => Some(m),
            };
            let extra = CustomerExtra {
                segment: text(cols.segment, r),
                country: text(cols.country, r),
                payment_terms: text(cols.payment_terms, r),
                calendar: text(cols.calendar, r),
                dunning_scenario: text(cols.dunning_scenario, r),
                risk_class: text(cols.risk_class, r),
                credit_limit,
                ..CustomerExtra::default()
            };
            self.ledger.push_customer_row(
                CustomerRow {
                    id,
                    name,
                    currency,
                    parent: cols.parent.and_then(|p| p.get(r)),
                    extra,
                },
                !self.parents_done,
            )?;
        }
        Ok(())
    }

    /// Add items from records.
    ///
    /// # Errors
    /// As [`Ledger::new`] for items.
    pub fn item_records(&mut self, items: Vec<Item>) -> Result<(), LedgerError> {
        self.close_customers()?;
        self.reserve_items(items.len());
        for i in &items {
            self.ledger.push_item(ItemRow::from_record(i))?;
        }
        Ok(())
    }

    fn reserve_items(&mut self, n: usize) {
        let i = &mut self.ledger.i;
        i.ids.reserve(n);
        i.customer.reserve(n);
        i.flags.reserve(n);
        i.issue.reserve(n);
        i.due.reserve(n);
        i.amount.reserve(n);
        i.applied.reserve(n);
        i.last.reserve(n);
    }

    /// Add a batch of items from columns.
    ///
    /// # Errors
    /// As [`Ledger::new`] for items; a column of the wrong length, a null required
    /// value, a null due date on a debit.
    pub fn items(&mut self, cols: &ItemColumns<'_>) -> Result<(), LedgerError> {
        self.close_customers()?;
        let n = cols.id.len();
        let lens = [
            ("customer_id", Some(cols.customer.len())),
            ("kind", cols.kind.map(<[_]>::len)),
            ("issue_date", Some(cols.issue_date.len())),
            ("due_date", cols.due_date.map(<[_]>::len)),
            ("amount", Some(cols.amount.len())),
            ("currency", cols.currency.map(<[_]>::len)),
            ("reference", cols.reference.map(|t| t.len())),
            ("disputed", cols.disputed.map(<[_]>::len)),
        ];
        for (name, len) in lens {
            if let Some(l) = len
                && l != n
            {
                return Err(length("items", name, l, n));
            }
        }
        self.reserve_items(n);
        for r in 0..n {
            let id = cols.id.get(r).ok_or_else(|| null("item", r, "id"))?;
            let kind = cols
                .kind
                .and_then(|k| k.get(r).copied())
                .unwrap_or(ItemKind::Invoice);
            let issue = cols.issue_date.get(r).copied().unwrap_or(NULL_DAY);
            if issue == NULL_DAY {
                return Err(null("item", r, "issue_date"));
            }
            let due = match cols.due_date.and_then(|d| d.get(r).copied()) {
                Some(d) if d != NULL_DAY => d,
                _ if kind == ItemKind::CreditNote => issue,
                _ => return Err(null("item", r, "due_date")),
            };
            let row = ItemRow {
                id,
                customer: cols
                    .customer
                    .get(r)
                    .ok_or_else(|| null("item", r, "customer_id"))?,
                kind,
                issue,
                due,
                amount: cols
                    .amount
                    .get(r)
                    .ok_or_else(|| null("item", r, "amount"))?,
                currency: cols.currency.and_then(|c| c.get(r).copied().flatten()),
                reference: cols.reference.and_then(|t| t.get(r)),
                dispute: None,
                disputed: cols.disputed.and_then(|d| d.get(r).copied()) == Some(true),
                block: None,
            };
            self.ledger.push_item(row)?;
        }
        Ok(())
    }

    /// Add payments from records.
    ///
    /// # Errors
    /// As [`Ledger::new`] for payments.
    pub fn payment_records(&mut self, payments: Vec<Payment>) -> Result<(), LedgerError> {
        self.close_customers()?;
        self.reserve_payments(payments.len());
        for p in &payments {
            self.ledger.push_payment(PaymentRow::from_record(p))?;
        }
        Ok(())
    }

    fn reserve_payments(&mut self, n: usize) {
        let p = &mut self.ledger.p;
        p.ids.reserve(n);
        p.customer.reserve(n);
        p.date.reserve(n);
        p.amount.reserve(n);
        p.applied.reserve(n);
        p.last.reserve(n);
    }

    /// Add a batch of payments from columns; with
    /// [`PaymentColumns::apply_to_invoice`], each payment naming an invoice is
    /// applied to it.
    ///
    /// # Errors
    /// As [`Ledger::new`] for payments and applications; a column of the wrong length,
    /// a null required value, a payment with neither customer nor known invoice.
    pub fn payments(&mut self, cols: &PaymentColumns<'_>) -> Result<(), LedgerError> {
        self.close_customers()?;
        let n = cols.id.len();
        let lens = [
            ("customer_id", cols.customer.map(|c| c.len())),
            ("invoice_id", cols.invoice.map(|c| c.len())),
            ("date", Some(cols.date.len())),
            ("amount", Some(cols.amount.len())),
            ("currency", cols.currency.map(<[_]>::len)),
            ("reference", cols.reference.map(|t| t.len())),
        ];
        for (name, len) in lens {
            if let Some(l) = len
                && l != n
            {
                return Err(length("payments", name, l, n));
            }
        }
        self.reserve_payments(n);
        if cols.apply_to_invoice && cols.invoice.is_some() {
            self.reserve_apps(n);
        }
        for r in 0..n {
            let id = cols.id.get(r).ok_or_else(|| null("payment", r, "id"))?;
            let date = cols.date.get(r).copied().unwrap_or(NULL_DAY);
            if date == NULL_DAY {
                return Err(null("payment", r, "date"));
            }
            let invoice = cols.invoice.and_then(|i| i.get(r));
            let customer_text;
            let customer = match (cols.customer.and_then(|c| c.get(r)), invoice) {
                (Some(c), _) => c,
                (None, Some(inv)) => {
                    let ix = self
                        .ledger
                        .item_position(inv, || format!("payment \"{id}\""))?;
                    let c = self.ledger.i.customer.get(ix).copied().unwrap_or(NONE);
                    customer_text = self
                        .ledger
                        .c
                        .ids
                        .text(c as usize)
                        .unwrap_or_default()
                        .to_owned();
                    IdRef::Str(customer_text.as_str())
                }
                (None, None) => {
                    return Err(null(
                        "payment",
                        r,
                        if cols.customer.is_some() {
                            "customer_id"
                        } else {
                            "invoice_id"
                        },
                    ));
                }
            };
            let amount = cols
                .amount
                .get(r)
                .ok_or_else(|| null("payment", r, "amount"))?;
            let pos = self.ledger.push_payment(PaymentRow {
                id,
                customer,
                date,
                amount,
                currency: cols.currency.and_then(|c| c.get(r).copied().flatten()),
                reference: cols.reference.and_then(|t| t.get(r)),
            })?;
            if cols.apply_to_invoice
                && let Some(inv) = invoice
            {
                let minor = self.ledger.p.amount.get(pos as usize).copied().unwrap_or(0);
                self.ledger.push_application(AppRow {
                    source: id,
                    from_credit_note: false,
                    item: inv,
                    date,
                    amount: AmountIn::Minor(minor),
                    rule: MatchRule::Explicit,
                })?;
            }
        }
        Ok(())
    }

    fn reserve_apps(&mut self, n: usize) {
        let a = &mut self.ledger.a;
        a.source.reserve(n);
        a.item.reserve(n);
        a.date.reserve(n);
        a.amount.reserve(n);
        a.tag.reserve(n);
    }

    /// Add applications from records.
    ///
    /// # Errors
    /// As [`Ledger::new`] for applications.
    pub fn application_records(
        &mut self,
        applications: Vec<Application>,
    ) -> Result<(), LedgerError> {
        self.close_customers()?;
        self.reserve_apps(applications.len());
        for a in &applications {
            self.ledger.push_application(AppRow::from_record(a))?;
        }
        Ok(())
    }

    /// Add a batch of applications from columns.
    ///
    /// # Errors
    /// As [`Ledger::new`] for applications; a column of the wrong length, a null
    /// required value.
    pub fn applications(&mut self, cols: &ApplicationColumns<'_>) -> Result<(), LedgerError> {
        self.close_customers()?;
        let n = cols.item.len();
        let lens = [
            ("payment_id", cols.payment.map(|c| c.len())),
            ("credit_note_id", cols.credit_note.map(|c| c.len())),
            ("date", Some(cols.date.len())),
            ("amount", Some(cols.amount.len())),
            ("rule", cols.rule.map(<[_]>::len)),
        ];
        for (name, len) in lens {
            if let Some(l) = len
                && l != n
            {
                return Err(length("applications", name, l, n));
            }
        }
        self.reserve_apps(n);
        for r in 0..n {
            let (source, from_credit_note) = match (
                cols.payment.and_then(|p| p.get(r)),
                cols.credit_note.and_then(|c| c.get(r)),
            ) {
                (Some(p), _) => (p, false),
                (None, Some(c)) => (c, true),
                (None, None) => return Err(null("application", r, "payment_id")),
            };
            let date = cols.date.get(r).copied().unwrap_or(NULL_DAY);
            if date == NULL_DAY {
                return Err(null("application", r, "date"));
            }
            self.ledger.push_application(AppRow {
                source,
                from_credit_note,
                item: cols
                    .item
                    .get(r)
                    .ok_or_else(|| null("application", r, "item_id"))?,
                date,
                amount: cols
                    .amount
                    .get(r)
                    .ok_or_else(|| null("application", r, "amount"))?,
                rule: cols
                    .rule
                    .and_then(|x| x.get(r).copied())
                    .unwrap_or(MatchRule::Explicit),
            })?;
        }
        Ok(())
    }

    /// The ledger, with its per-customer and per-item lists built.
    ///
    /// # Errors
    /// A customer's parent unknown or a cycle of parents (when no item, payment or
    /// application batch came to check them).
    pub fn finish(mut self) -> Result<Ledger, LedgerError> {
        self.close_customers()?;
        self.ledger.build_indexes();
        Ok(self.ledger)
    }
}
