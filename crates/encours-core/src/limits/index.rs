//! The credit index: every customer's exposure, limits, hold and overdue items kept in
//! memory and updated on each event, so that an order check reads a handful of
//! numbers instead of the ledger.
//!
//! Build it once from the ledger and the caller's records ([`CreditIndex::build`]),
//! then feed it the events as they happen ([`CreditIndex::apply`]): an invoice, debit
//! note or credit note issued, a payment received, cash or a credit note applied, an
//! order placed or closed, a delivery made or invoiced, a bill accepted or settled, a
//! plan balance, a limit, a hold or a risk class changed. Each event touches one
//! customer and its group, never the portfolio. A property test checks that the index
//! after any sequence of events equals the index rebuilt from scratch.
//!
//! The index describes the present: it holds open items only (an item fully settled
//! leaves it), orders until they are closed, deliveries until invoiced, bills until
//! settled. The date given to a check decides what depends on the calendar: which
//! items are overdue, which limits, increases and covers are in force, which orders
//! fall within a dynamic horizon. Customers are those of the ledger it was built from.
//!
//! ```
//! use encours_core::limits::index::{CreditEvent, CreditIndex, IndexInputs};
//! use encours_core::limits::exposure::Order;
//! use encours_core::ledger::{Customer, Item, Ledger};
//! use encours_core::money::{Currency, Money};
//! use chrono::NaiveDate;
//! let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
//! let eur = |c| Money::from_minor(c, Currency::EUR);
//! let ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)], vec![], vec![], vec![])?;
//! let mut index = CreditIndex::build(&ledger, &IndexInputs::default(), d(1, 1))?;
//! index.apply(&CreditEvent::ItemIssued(Item::invoice("F1", "C1", d(1, 2), d(2, 1), eur(500_00))))?;
//! index.apply(&CreditEvent::OrderPlaced(Order { id: "O1".into(), customer_id: "C1".into(),
//!     amount: eur(200_00), order_date: d(1, 3), expected_on: None }))?;
//! let e = index.exposure("C1", d(1, 3), None, None)?;
//! assert_eq!((e.receivables, e.orders, e.total), (eur(500_00), eur(200_00), eur(700_00)));
//! # Ok::<(), encours_core::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::exposure::{
    BillOfExchange, Categories, Delivery, Exposure, ExposureRecords, Figures, Order, PlanBalance,
    check_record,
};
use super::in_force::{
    CreditLimits, Entries, GroupLimit, InsurerCover, LimitInForce, ManualLimit, TemporaryIncrease,
    evaluate,
};
use super::{LimitError, invalid, overflow};
use crate::ledger::{Application, Item, Ledger, Payment, Source};
use crate::money::{Currency, FxRates, Money};
use crate::risk::ledger_view as lv;

type Map<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// An account on hold: new orders blocked (a dunning escalation's `block_orders`
/// effect, or the credit manager's decision).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderHold {
    /// The customer.
    pub customer_id: String,
    /// Day the hold started.
    pub since: NaiveDate,
    /// Why (the dunning step, a decision…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What the index is built from besides the ledger.
#[derive(Debug, Clone, Copy)]
pub struct IndexInputs<'a> {
    /// Orders, deliveries, bills, plan balances.
    pub records: &'a ExposureRecords,
    /// Limits.
    pub limits: &'a CreditLimits,
    /// Accounts on hold.
    pub holds: &'a [OrderHold],
    /// Rates for limits and group roll-ups across currencies.
    pub fx: &'a FxRates,
}

static NO_RECORDS: ExposureRecords = ExposureRecords {
    orders: Vec::new(),
    deliveries: Vec::new(),
    bills: Vec::new(),
    plans: Vec::new(),
};
static NO_LIMITS: CreditLimits = CreditLimits {
    manual: Vec::new(),
    temporary: Vec::new(),
    insurer: Vec::new(),
    group: Vec::new(),
    use_ledger_limits: true,
};
static NO_FX: std::sync::LazyLock<FxRates> = std::sync::LazyLock::new(FxRates::new);

impl Default for IndexInputs<'_> {
    fn default() -> Self {
        IndexInputs {
            records: &NO_RECORDS,
            limits: &NO_LIMITS,
            holds: &[],
            fx: &NO_FX,
        }
    }
}

/// One event the index follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CreditEvent {
    /// An invoice, debit note or credit note issued.
    ItemIssued(Item),
    /// A payment received (unapplied until applied).
    PaymentReceived(Payment),
    /// A payment or credit note applied to a debit item.
    Applied(Application),
    /// An order placed, or changed (same id: its amount and dates are replaced).
    OrderPlaced(Order),
    /// An order closed (delivered in full, or cancelled).
    OrderClosed {
        /// The order.
        order_id: String,
    },
    /// A delivery not yet invoiced.
    Delivered(Delivery),
    /// A delivery invoiced (the invoice comes as its own event).
    DeliveryInvoiced {
        /// The delivery.
        delivery_id: String,
    },
    /// A bill of exchange accepted.
    BillAccepted(BillOfExchange),
    /// A bill paid at maturity (or returned unpaid: then its invoice reopens).
    BillSettled {
        /// The bill.
        bill_id: String,
    },
    /// A plan balance set (zero removes the plan).
    PlanBalanceSet(PlanBalance),
    /// A customer's manual limits, temporary increases and insurer cover replaced.
    LimitsSet {
        /// The customer.
        customer_id: String,
        /// Its manual limits.
        #[serde(default)]
        manual: Vec<ManualLimit>,
        /// Its temporary increases.
        #[serde(default)]
        temporary: Vec<TemporaryIncrease>,
        /// Its insurer cover.
        #[serde(default)]
        insurer: Vec<InsurerCover>,
    },
    /// A group's limits replaced.
    GroupLimitsSet {
        /// The group's top customer.
        group_id: String,
        /// Its limits.
        limits: Vec<GroupLimit>,
    },
    /// An account put on hold.
    HoldSet(OrderHold),
    /// A hold lifted.
    HoldReleased {
        /// The customer.
        customer_id: String,
    },
    /// A risk class set (by the scorecard or the credit manager); `None` clears it.
    RiskClassSet {
        /// The customer.
        customer_id: String,
        /// The class.
        class: Option<String>,
    },
}

/// An open item as the index keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OpenItem {
    customer: usize,
    debit: bool,
    due: NaiveDate,
    open: Decimal,
}

/// One customer in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Position {
    pub id: String,
    pub currency: Currency,
    pub root: usize,
    pub figures: Figures,
    /// Open debits by due date (zero entries removed).
    pub open_by_due: BTreeMap<NaiveDate, Decimal>,
    /// Open orders by expected date (zero entries removed).
    pub orders_by_date: BTreeMap<NaiveDate, Decimal>,
    pub ledger_limit: Option<Money>,
    pub manual: Vec<ManualLimit>,
    pub temporary: Vec<TemporaryIncrease>,
    pub insurer: Vec<InsurerCover>,
    pub hold: Option<OrderHold>,
    pub risk_class: Option<String>,
}

/// A group's sums, per member currency, and its limits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Group {
    pub members: usize,
    pub by_currency: Vec<(Currency, Figures)>,
    pub orders_by_date: BTreeMap<(NaiveDate, Currency), Decimal>,
    pub limits: Vec<GroupLimit>,
}

/// Which figure an update changes.
#[derive(Debug, Clone, Copy)]
enum Field {
    Receivables,
    Orders,
    Deliveries,
    Plans,
    Bills,
    Unapplied,
    CreditNotes,
}

fn field(f: &mut Figures, which: Field) -> &mut Decimal {
    match which {
        Field::Receivables => &mut f.receivables,
        Field::Orders => &mut f.orders,
        Field::Deliveries => &mut f.deliveries,
        Field::Plans => &mut f.plans,
        Field::Bills => &mut f.bills,
        Field::Unapplied => &mut f.unapplied,
        Field::CreditNotes => &mut f.credit_notes,
    }
}

fn bump_map<K: Ord + Copy>(
    m: &mut BTreeMap<K, Decimal>,
    key: K,
    delta: Decimal,
) -> Result<(), LimitError> {
    let v = m.entry(key).or_default();
    *v = v.checked_add(delta).ok_or_else(|| overflow("index"))?;
    if v.is_zero() {
        // Zero entries go, so an index after events equals one rebuilt from scratch.
        m.remove(&key);
    }
    Ok(())
}

/// The credit index. See the [module documentation](self).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditIndex {
    pub(crate) fx: FxRates,
    pub(crate) use_ledger_limits: bool,
    pub(crate) customers: Vec<Position>,
    pub(crate) ids: Map<usize>,
    pub(crate) groups: Vec<Group>,
    items: Map<OpenItem>,
    payments: Map<(usize, Decimal)>,
    pub(crate) orders: Map<Order>,
    deliveries: Map<Delivery>,
    bills: Map<BillOfExchange>,
    plans: Map<PlanBalance>,
}

impl CreditIndex {
    /// Build the index from the ledger as of the end of `as_of` (open items and
    /// unapplied cash on that day; bills due on or after it) and the caller's records.
    ///
    /// # Errors
    /// [`LimitError::Invalid`] for bad records or limits, [`LimitError::Unknown`] for a
    /// record of an unknown customer, [`LimitError::Duplicate`] for a repeated id,
    /// [`LimitError::Money`] for an amount in another currency than its account.
    ///
    /// # Example
    /// See the [module documentation](self).
    pub fn build(
        ledger: &Ledger,
        inputs: &IndexInputs<'_>,
        as_of: NaiveDate,
    ) -> Result<CreditIndex, LimitError> {
        inputs.records.validate()?;
        inputs.limits.validate()?;
        let mut index = CreditIndex::customers_of(ledger, inputs)?;
        index.load_ledger(ledger, as_of)?;
        for o in &inputs.records.orders {
            index.place_order(o)?;
        }
        for d in &inputs.records.deliveries {
            index.deliver(d)?;
        }
        for b in inputs.records.bills.iter().filter(|b| b.due_date >= as_of) {
            index.accept_bill(b)?;
        }
        for p in &inputs.records.plans {
            index.set_plan(p)?;
        }
        index.load_limits(inputs.limits)?;
        for h in inputs.holds {
            let c = index.position_of(&h.customer_id, "holds")?;
            if let Some(p) = index.customers.get_mut(c) {
                p.hold = Some(h.clone());
            }
        }
        Ok(index)
    }

    fn customers_of(ledger: &Ledger, inputs: &IndexInputs<'_>) -> Result<CreditIndex, LimitError> {
        let n = lv::customer_count(ledger);
        let mut index = CreditIndex {
            fx: inputs.fx.clone(),
            use_ledger_limits: inputs.limits.use_ledger_limits,
            customers: Vec::with_capacity(n),
            ids: Map::default(),
            groups: vec![Group::default(); n],
            items: Map::default(),
            payments: Map::default(),
            orders: Map::default(),
            deliveries: Map::default(),
            bills: Map::default(),
            plans: Map::default(),
        };
        for cix in 0..n {
            let Some(c) = lv::customer_at(ledger, cix) else {
                continue;
            };
            let root = lv::group_root(ledger, cix);
            index.ids.insert(c.id.to_owned(), cix);
            index.customers.push(Position {
                id: c.id.to_owned(),
                currency: c.currency,
                root,
                figures: Figures::default(),
                open_by_due: BTreeMap::new(),
                orders_by_date: BTreeMap::new(),
                ledger_limit: c.credit_limit,
                manual: Vec::new(),
                temporary: Vec::new(),
                insurer: Vec::new(),
                hold: None,
                risk_class: c.risk_class.map(String::from),
            });
            if let Some(g) = index.groups.get_mut(root) {
                g.members += 1;
                if !g.by_currency.iter().any(|(cur, _)| *cur == c.currency) {
                    g.by_currency.push((c.currency, Figures::default()));
                }
            }
        }
        Ok(index)
    }

    fn load_ledger(&mut self, ledger: &Ledger, as_of: NaiveDate) -> Result<(), LimitError> {
        for cix in 0..lv::customer_count(ledger) {
            for ix in lv::items_of(ledger, cix) {
                let (Some(item), Some(state)) =
                    (lv::item_at(ledger, ix), lv::item_state(ledger, ix, as_of))
                else {
                    continue;
                };
                if state.open.is_positive() {
                    self.open_item(
                        cix,
                        &item.id.to_string(),
                        item.kind.is_debit(),
                        item.due_date,
                        state.open.amount(),
                    )?;
                }
            }
            for pix in lv::payments_of(ledger, cix) {
                let Some(p) = lv::payment_at(ledger, pix) else {
                    continue;
                };
                let left = lv::payment_unapplied(ledger, pix, as_of);
                if p.date <= as_of && left.is_positive() {
                    self.open_payment(cix, &p.id.to_string(), left.amount())?;
                }
            }
        }
        Ok(())
    }

    fn load_limits(&mut self, limits: &CreditLimits) -> Result<(), LimitError> {
        for l in &limits.manual {
            let c = self.position_of(&l.customer_id, "manual limits")?;
            if let Some(p) = self.customers.get_mut(c) {
                p.manual.push(l.clone());
            }
        }
        for l in &limits.temporary {
            let c = self.position_of(&l.customer_id, "temporary increases")?;
            if let Some(p) = self.customers.get_mut(c) {
                p.temporary.push(l.clone());
            }
        }
        for l in &limits.insurer {
            let c = self.position_of(&l.customer_id, "insurer cover")?;
            if let Some(p) = self.customers.get_mut(c) {
                p.insurer.push(l.clone());
            }
        }
        for l in &limits.group {
            let root = self.root_of(&l.group_id)?;
            if let Some(g) = self.groups.get_mut(root) {
                g.limits.push(l.clone());
            }
        }
        Ok(())
    }

    /// Position of a customer by id.
    pub(crate) fn position_of(&self, id: &str, referenced_by: &str) -> Result<usize, LimitError> {
        self.ids
            .get(id)
            .copied()
            .ok_or_else(|| LimitError::Unknown {
                kind: "customer",
                id: id.to_owned(),
                referenced_by: referenced_by.to_owned(),
            })
    }

    fn root_of(&self, group_id: &str) -> Result<usize, LimitError> {
        let c = self.position_of(group_id, "group limits")?;
        match self.customers.get(c) {
            Some(p) if p.root == c => Ok(c),
            _ => Err(invalid(
                "group_id",
                format!("\"{group_id}\""),
                "the top customer of a group (one without a parent)",
            )),
        }
    }

    /// The number of customers.
    pub fn len(&self) -> usize {
        self.customers.len()
    }

    /// Whether the index has no customer.
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
    }

    /// Add `delta` to one figure of a customer and of its group.
    fn bump(&mut self, c: usize, which: Field, delta: Decimal) -> Result<(), LimitError> {
        let p = self
            .customers
            .get_mut(c)
            .ok_or_else(|| overflow("index position"))?;
        let slot = field(&mut p.figures, which);
        *slot = slot.checked_add(delta).ok_or_else(|| overflow("index"))?;
        let (root, cur) = (p.root, p.currency);
        if let Some(g) = self.groups.get_mut(root)
            && let Some((_, f)) = g.by_currency.iter_mut().find(|(x, _)| *x == cur)
        {
            let slot = field(f, which);
            *slot = slot.checked_add(delta).ok_or_else(|| overflow("index"))?;
        }
        Ok(())
    }

    fn bump_order_date(
        &mut self,
        c: usize,
        date: NaiveDate,
        delta: Decimal,
    ) -> Result<(), LimitError> {
        let p = self
            .customers
            .get_mut(c)
            .ok_or_else(|| overflow("index position"))?;
        bump_map(&mut p.orders_by_date, date, delta)?;
        let (root, cur) = (p.root, p.currency);
        if let Some(g) = self.groups.get_mut(root) {
            bump_map(&mut g.orders_by_date, (date, cur), delta)?;
        }
        Ok(())
    }

    /// The customer of a record, with its amount checked against the account.
    fn account(&self, customer_id: &str, amount: &Money, what: &str) -> Result<usize, LimitError> {
        let c = self.position_of(customer_id, what)?;
        let cur = self.customers.get(c).map(|p| p.currency);
        if cur != Some(amount.currency()) {
            return Err(LimitError::Money(
                crate::money::MoneyError::CurrencyMismatch {
                    operation: "exposure record",
                    left: cur.unwrap_or(amount.currency()),
                    right: amount.currency(),
                },
            ));
        }
        Ok(c)
    }

    fn open_item(
        &mut self,
        c: usize,
        id: &str,
        debit: bool,
        due: NaiveDate,
        open: Decimal,
    ) -> Result<(), LimitError> {
        if self.items.contains_key(id) {
            return Err(LimitError::Duplicate {
                kind: "item",
                id: id.to_owned(),
            });
        }
        self.items.insert(
            id.to_owned(),
            OpenItem {
                customer: c,
                debit,
                due,
                open,
            },
        );
        if debit {
            self.bump(c, Field::Receivables, open)?;
            if let Some(p) = self.customers.get_mut(c) {
                bump_map(&mut p.open_by_due, due, open)?;
            }
        } else {
            self.bump(c, Field::CreditNotes, open)?;
        }
        Ok(())
    }

    fn open_payment(&mut self, c: usize, id: &str, amount: Decimal) -> Result<(), LimitError> {
        if self.payments.contains_key(id) {
            return Err(LimitError::Duplicate {
                kind: "payment",
                id: id.to_owned(),
            });
        }
        self.payments.insert(id.to_owned(), (c, amount));
        self.bump(c, Field::Unapplied, amount)
    }

    fn place_order(&mut self, o: &Order) -> Result<(), LimitError> {
        check_record("order", &o.id, &o.customer_id, &o.amount, true)?;
        let c = self.account(&o.customer_id, &o.amount, "order")?;
        if let Some(old) = self.orders.get(&o.id) {
            if old.customer_id != o.customer_id {
                return Err(LimitError::Duplicate {
                    kind: "order",
                    id: o.id.clone(),
                });
            }
            self.close_order(&o.id.clone())?;
        }
        self.bump(c, Field::Orders, o.amount.amount())?;
        self.bump_order_date(c, o.expected(), o.amount.amount())?;
        self.orders.insert(o.id.clone(), o.clone());
        Ok(())
    }

    fn close_order(&mut self, id: &str) -> Result<(), LimitError> {
        let o = self.orders.remove(id).ok_or_else(|| LimitError::Unknown {
            kind: "order",
            id: id.to_owned(),
            referenced_by: "order_closed".into(),
        })?;
        let c = self.position_of(&o.customer_id, "order")?;
        self.bump(c, Field::Orders, -o.amount.amount())?;
        self.bump_order_date(c, o.expected(), -o.amount.amount())
    }

    fn deliver(&mut self, d: &Delivery) -> Result<(), LimitError> {
        check_record("delivery", &d.id, &d.customer_id, &d.amount, true)?;
        let c = self.account(&d.customer_id, &d.amount, "delivery")?;
        if self.deliveries.contains_key(&d.id) {
            return Err(LimitError::Duplicate {
                kind: "delivery",
                id: d.id.clone(),
            });
        }
        self.bump(c, Field::Deliveries, d.amount.amount())?;
        self.deliveries.insert(d.id.clone(), d.clone());
        Ok(())
    }

    fn accept_bill(&mut self, b: &BillOfExchange) -> Result<(), LimitError> {
        check_record("bill", &b.id, &b.customer_id, &b.amount, true)?;
        let c = self.account(&b.customer_id, &b.amount, "bill")?;
        if self.bills.contains_key(&b.id) {
            return Err(LimitError::Duplicate {
                kind: "bill",
                id: b.id.clone(),
            });
        }
        self.bump(c, Field::Bills, b.amount.amount())?;
        self.bills.insert(b.id.clone(), b.clone());
        Ok(())
    }

    fn set_plan(&mut self, p: &PlanBalance) -> Result<(), LimitError> {
        check_record("plan", &p.plan_id, &p.customer_id, &p.amount, false)?;
        let c = self.account(&p.customer_id, &p.amount, "plan")?;
        if let Some(old) = self.plans.remove(&p.plan_id) {
            let oc = self.position_of(&old.customer_id, "plan")?;
            self.bump(oc, Field::Plans, -old.amount.amount())?;
        }
        if p.amount.is_positive() {
            self.bump(c, Field::Plans, p.amount.amount())?;
            self.plans.insert(p.plan_id.clone(), p.clone());
        }
        Ok(())
    }

    fn apply_cash(&mut self, a: &Application) -> Result<(), LimitError> {
        let amount = a.amount.amount();
        if amount <= Decimal::ZERO {
            return Err(invalid("application.amount", a.amount, "more than zero"));
        }
        let unknown = |kind: &'static str, id: &str| LimitError::Unknown {
            kind,
            id: id.to_owned(),
            referenced_by: "application".into(),
        };
        let item = *self
            .items
            .get(&a.item_id)
            .ok_or_else(|| unknown("open item", &a.item_id))?;
        if !item.debit {
            return Err(invalid(
                "application.item_id",
                format!("\"{}\"", a.item_id),
                "an invoice or debit note",
            ));
        }
        let (src_customer, available) = match &a.source {
            Source::Payment(id) => *self
                .payments
                .get(id)
                .ok_or_else(|| unknown("payment with cash left", id))?,
            Source::CreditNote(id) => {
                let cn = self
                    .items
                    .get(id)
                    .filter(|i| !i.debit)
                    .ok_or_else(|| unknown("open credit note", id))?;
                (cn.customer, cn.open)
            }
        };
        if src_customer != item.customer {
            return Err(invalid(
                "application.source",
                format!("{:?}", a.source),
                "a payment or credit note of the item's customer",
            ));
        }
        if amount > item.open || amount > available {
            return Err(invalid(
                "application.amount",
                a.amount,
                format!(
                    "at most the item's open {} and the source's {}",
                    item.open, available
                ),
            ));
        }
        self.reduce_item(&a.item_id, item, amount)?;
        match &a.source {
            Source::Payment(id) => {
                let left = available - amount;
                if left.is_zero() {
                    self.payments.remove(id);
                } else if let Some(p) = self.payments.get_mut(id) {
                    p.1 = left;
                }
                self.bump(item.customer, Field::Unapplied, -amount)
            }
            Source::CreditNote(id) => {
                let cn = *self
                    .items
                    .get(id)
                    .ok_or_else(|| unknown("open credit note", id))?;
                self.reduce_item(id, cn, amount)
            }
        }
    }

    fn reduce_item(&mut self, id: &str, item: OpenItem, amount: Decimal) -> Result<(), LimitError> {
        let left = item.open - amount;
        if left.is_zero() {
            self.items.remove(id);
        } else if let Some(i) = self.items.get_mut(id) {
            i.open = left;
        }
        if item.debit {
            self.bump(item.customer, Field::Receivables, -amount)?;
            if let Some(p) = self.customers.get_mut(item.customer) {
                bump_map(&mut p.open_by_due, item.due, -amount)?;
            }
            Ok(())
        } else {
            self.bump(item.customer, Field::CreditNotes, -amount)
        }
    }

    /// Follow one event.
    ///
    /// # Errors
    /// The event is refused, and the index left as it was, for an unknown customer,
    /// order, delivery, bill or open item; a repeated id; an amount not positive or in
    /// another currency than the account; an application of more than is open on the
    /// item or left on the payment or credit note; a limit that breaks a rule.
    ///
    /// # Example
    /// See the [module documentation](self).
    pub fn apply(&mut self, event: &CreditEvent) -> Result<(), LimitError> {
        match event {
            CreditEvent::ItemIssued(item) => {
                check_record("item", &item.id, &item.customer_id, &item.amount, true)?;
                let c = self.account(&item.customer_id, &item.amount, "item")?;
                self.open_item(
                    c,
                    &item.id,
                    item.kind.is_debit(),
                    item.due_date,
                    item.amount.amount(),
                )
            }
            CreditEvent::PaymentReceived(p) => {
                check_record("payment", &p.id, &p.customer_id, &p.amount, true)?;
                let c = self.account(&p.customer_id, &p.amount, "payment")?;
                self.open_payment(c, &p.id, p.amount.amount())
            }
            CreditEvent::Applied(a) => self.apply_cash(a),
            CreditEvent::OrderPlaced(o) => self.place_order(o),
            CreditEvent::OrderClosed { order_id } => self.close_order(order_id),
            CreditEvent::Delivered(d) => self.deliver(d),
            CreditEvent::DeliveryInvoiced { delivery_id } => {
                let d = self
                    .deliveries
                    .remove(delivery_id)
                    .ok_or_else(|| LimitError::Unknown {
                        kind: "delivery",
                        id: delivery_id.clone(),
                        referenced_by: "delivery_invoiced".into(),
                    })?;
                let c = self.position_of(&d.customer_id, "delivery")?;
                self.bump(c, Field::Deliveries, -d.amount.amount())
            }
            CreditEvent::BillAccepted(b) => self.accept_bill(b),
            CreditEvent::BillSettled { bill_id } => {
                let b = self
                    .bills
                    .remove(bill_id)
                    .ok_or_else(|| LimitError::Unknown {
                        kind: "bill",
                        id: bill_id.clone(),
                        referenced_by: "bill_settled".into(),
                    })?;
                let c = self.position_of(&b.customer_id, "bill")?;
                self.bump(c, Field::Bills, -b.amount.amount())
            }
            CreditEvent::PlanBalanceSet(p) => self.set_plan(p),
            CreditEvent::LimitsSet {
                customer_id,
                manual,
                temporary,
                insurer,
            } => self.set_limits(customer_id, manual, temporary, insurer),
            CreditEvent::GroupLimitsSet { group_id, limits } => {
                let check = CreditLimits {
                    group: limits.clone(),
                    ..CreditLimits::default()
                };
                check.validate()?;
                if let Some(l) = limits.iter().find(|l| l.group_id != *group_id) {
                    return Err(invalid(
                        "group_limits_set.limits.group_id",
                        format!("\"{}\"", l.group_id),
                        format!("the event's group \"{group_id}\""),
                    ));
                }
                let root = self.root_of(group_id)?;
                if let Some(g) = self.groups.get_mut(root) {
                    g.limits = limits.clone();
                }
                Ok(())
            }
            CreditEvent::HoldSet(h) => {
                let c = self.position_of(&h.customer_id, "hold_set")?;
                if let Some(p) = self.customers.get_mut(c) {
                    p.hold = Some(h.clone());
                }
                Ok(())
            }
            CreditEvent::HoldReleased { customer_id } => {
                let c = self.position_of(customer_id, "hold_released")?;
                if let Some(p) = self.customers.get_mut(c) {
                    p.hold = None;
                }
                Ok(())
            }
            CreditEvent::RiskClassSet { customer_id, class } => {
                let c = self.position_of(customer_id, "risk_class_set")?;
                if let Some(p) = self.customers.get_mut(c) {
                    p.risk_class = class.clone();
                }
                Ok(())
            }
        }
    }

    fn set_limits(
        &mut self,
        customer_id: &str,
        manual: &[ManualLimit],
        temporary: &[TemporaryIncrease],
        insurer: &[InsurerCover],
    ) -> Result<(), LimitError> {
        let check = CreditLimits {
            manual: manual.to_vec(),
            temporary: temporary.to_vec(),
            insurer: insurer.to_vec(),
            ..CreditLimits::default()
        };
        check.validate()?;
        let other = manual
            .iter()
            .map(|l| &l.customer_id)
            .chain(temporary.iter().map(|l| &l.customer_id))
            .chain(insurer.iter().map(|l| &l.customer_id))
            .find(|id| *id != customer_id);
        if let Some(id) = other {
            return Err(invalid(
                "limits_set.customer_id",
                format!("\"{id}\""),
                format!("the event's customer \"{customer_id}\""),
            ));
        }
        let c = self.position_of(customer_id, "limits_set")?;
        if let Some(p) = self.customers.get_mut(c) {
            p.manual = manual.to_vec();
            p.temporary = temporary.to_vec();
            p.insurer = insurer.to_vec();
        }
        Ok(())
    }

    /// The limits in force for a customer on a date.
    ///
    /// # Errors
    /// [`LimitError::Unknown`] for an unknown customer, [`LimitError::Money`] for a
    /// limit in another currency without a rate.
    pub fn limits(&self, customer_id: &str, date: NaiveDate) -> Result<LimitInForce, LimitError> {
        let c = self.position_of(customer_id, "limits")?;
        self.limits_at(c, date, true)
    }

    pub(crate) fn limits_at(
        &self,
        c: usize,
        date: NaiveDate,
        keep_parts: bool,
    ) -> Result<LimitInForce, LimitError> {
        let p = self
            .customers
            .get(c)
            .ok_or_else(|| overflow("index position"))?;
        let root = self.customers.get(p.root);
        let group = self.groups.get(p.root);
        let no_group: &[GroupLimit] = &[];
        let group_limits = group.map_or(no_group, |g| g.limits.as_slice());
        let entries = Entries {
            manual: &p.manual,
            temporary: &p.temporary,
            insurer: &p.insurer,
            group: group_limits,
        };
        let g = if group_limits.is_empty() {
            None
        } else {
            root.map(|r| (r.id.as_str(), r.currency))
        };
        evaluate(
            &entries,
            if self.use_ledger_limits {
                p.ledger_limit
            } else {
                None
            },
            p.currency,
            g,
            date,
            &self.fx,
            keep_parts,
        )
    }

    /// Figures of a customer, orders beyond `horizon_end` left out.
    pub(crate) fn figures_at(
        &self,
        c: usize,
        horizon_end: Option<NaiveDate>,
    ) -> Result<Figures, LimitError> {
        let p = self
            .customers
            .get(c)
            .ok_or_else(|| overflow("index position"))?;
        let mut f = p.figures;
        if let Some(h) = horizon_end
            && let Some(next) = h.succ_opt()
        {
            for (_, v) in p.orders_by_date.range(next..) {
                f.orders = f
                    .orders
                    .checked_sub(*v)
                    .ok_or_else(|| overflow("horizon"))?;
            }
        }
        Ok(f)
    }

    /// A group's figures in the top's currency: each member currency's figures
    /// converted category by category (rounded half up to the minor unit, dividing by
    /// reverse quotes as [`FxRates::convert`] does), orders beyond `horizon_end` left
    /// out. The one place groups roll up.
    pub(crate) fn group_figures(
        &self,
        root: usize,
        horizon_end: Option<NaiveDate>,
    ) -> Result<(Currency, Figures), LimitError> {
        let g = self
            .groups
            .get(root)
            .ok_or_else(|| overflow("index group"))?;
        let to = self
            .customers
            .get(root)
            .map(|p| p.currency)
            .ok_or_else(|| overflow("index group"))?;
        let mut sum = Figures::default();
        for (cur, f) in &g.by_currency {
            let mut f = *f;
            if let Some(h) = horizon_end
                && let Some(next) = h.succ_opt()
            {
                for ((_, c), v) in g.orders_by_date.range((next, Currency::EUR)..) {
                    if c == cur {
                        f.orders = f
                            .orders
                            .checked_sub(*v)
                            .ok_or_else(|| overflow("horizon"))?;
                    }
                }
            }
            sum.merge(&f.converted(*cur, to, &self.fx)?)
                .ok_or_else(|| overflow("group exposure"))?;
        }
        Ok((to, sum))
    }

    /// A customer's exposure on a date by category. `categories` defaults to all;
    /// `horizon_days` counts only the orders expected within that many days (a
    /// dynamic view).
    ///
    /// # Errors
    /// [`LimitError::Unknown`] for an unknown customer.
    ///
    /// # Example
    /// See the [module documentation](self).
    pub fn exposure(
        &self,
        customer_id: &str,
        date: NaiveDate,
        categories: Option<Categories>,
        horizon_days: Option<u32>,
    ) -> Result<Exposure, LimitError> {
        let c = self.position_of(customer_id, "exposure")?;
        let f = self.figures_at(c, horizon_end(date, horizon_days))?;
        let cur = self.customers.get(c).map_or(Currency::EUR, |p| p.currency);
        f.exposure(customer_id, cur, categories.unwrap_or_default())
    }

    /// A group's exposure by category, in the top customer's currency (each member
    /// currency's figures converted with the index's rates). `group_id` may name any
    /// member: the group is its top's.
    ///
    /// # Errors
    /// [`LimitError::Unknown`] for an unknown customer, [`LimitError::Money`] without a
    /// rate for a member's currency.
    ///
    /// # Example
    /// ```
    /// use encours_core::limits::index::{CreditIndex, IndexInputs};
    /// use encours_core::ledger::{Customer, Item, Ledger};
    /// use encours_core::money::{Currency, FxRates, Money};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    /// let day = NaiveDate::from_ymd_opt(2024, 1, 10).unwrap();
    /// let mut sub = Customer::new("S1", "Sub", Currency::USD);
    /// sub.parent = Some("G".into());
    /// let ledger = Ledger::new(vec![Customer::new("G", "Group", Currency::EUR), sub],
    ///     vec![Item::invoice("F1", "G", day, day, Money::from_minor(100_00, Currency::EUR)),
    ///          Item::invoice("F2", "S1", day, day, Money::from_minor(50_00, Currency::USD))], vec![], vec![])?;
    /// let mut fx = FxRates::new();
    /// fx.insert(Currency::USD, Currency::EUR, Decimal::new(9, 1))?;
    /// let index = CreditIndex::build(&ledger, &IndexInputs { fx: &fx, ..IndexInputs::default() }, day)?;
    /// let g = index.group_exposure("S1", day, None, None)?;
    /// assert_eq!(g.total, Money::from_minor(145_00, Currency::EUR));
    /// # Ok::<(), encours_core::Error>(())
    /// ```
    pub fn group_exposure(
        &self,
        group_id: &str,
        date: NaiveDate,
        categories: Option<Categories>,
        horizon_days: Option<u32>,
    ) -> Result<Exposure, LimitError> {
        let c = self.position_of(group_id, "group_exposure")?;
        let root = self.customers.get(c).map_or(c, |p| p.root);
        let top = self
            .customers
            .get(root)
            .ok_or_else(|| overflow("index group"))?;
        let (cur, f) = self.group_figures(root, horizon_end(date, horizon_days))?;
        f.exposure(&top.id, cur, categories.unwrap_or_default())
    }
}

/// The last day of a horizon starting on `date`.
pub(crate) fn horizon_end(date: NaiveDate, horizon_days: Option<u32>) -> Option<NaiveDate> {
    horizon_days.and_then(|h| date.checked_add_days(chrono::Days::new(u64::from(h))))
}
