//! Exposure (*encours*): what a customer owes and is about to owe, by category.
//!
//! | category | counts | sign |
//! |---|---|---|
//! | open receivables | open invoices and debit notes (due or not) | + |
//! | open orders | orders taken, not yet delivered ([`Order`]) | + |
//! | delivered not invoiced | deliveries not yet invoiced ([`Delivery`]) | + |
//! | payment-plan balances | balances of plans kept outside the ledger ([`PlanBalance`]) | + |
//! | bills not due | bills of exchange accepted, not yet paid at maturity ([`BillOfExchange`]) | + |
//! | unapplied cash | payments not yet applied | − |
//! | open credit notes | credit notes not yet used | − |
//!
//! Orders, deliveries, bills and plan balances are records the caller supplies
//! ([`ExposureRecords`]); the ledger gives the rest. Which categories count is an
//! option ([`Categories`], all by default). A customer's exposure rolls up to its
//! group (the parent tree, keyed by its top customer), converted into the top's
//! currency with the caller's rates.
//!
//! Payment-plan balances are for plans that replace the invoices they cover (the
//! invoices are closed in the ledger); a plan whose invoices stay open is already
//! counted in open receivables and must not be given here.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{LimitError, MAX_RECORDS, invalid};
use crate::money::{Currency, Money};

/// An order taken and not yet delivered (its open amount: lower it as it is
/// delivered, close it when done).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// Order id, unique.
    pub id: String,
    /// The customer.
    pub customer_id: String,
    /// Open amount (more than zero), in the account's currency.
    pub amount: Money,
    /// Day the order was taken.
    pub order_date: NaiveDate,
    /// Expected delivery (or invoicing) day; the order date when absent. The dynamic
    /// check counts only orders expected within its horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_on: Option<NaiveDate>,
}

impl Order {
    /// The day the order is expected to become a receivable.
    pub fn expected(&self) -> NaiveDate {
        self.expected_on.unwrap_or(self.order_date)
    }
}

/// A delivery not yet invoiced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    /// Delivery id, unique.
    pub id: String,
    /// The customer.
    pub customer_id: String,
    /// Amount delivered and not invoiced (more than zero).
    pub amount: Money,
    /// Day delivered.
    pub delivered_on: NaiveDate,
}

/// A bill of exchange (*effet, LCR*) accepted by the customer and not yet paid at
/// maturity: the invoice it settled is closed in the ledger, the risk is not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillOfExchange {
    /// Bill id, unique.
    pub id: String,
    /// The customer (the drawee).
    pub customer_id: String,
    /// Amount (more than zero).
    pub amount: Money,
    /// Maturity: counted up to and including this day.
    pub due_date: NaiveDate,
}

/// The balance of a payment plan kept outside the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanBalance {
    /// Plan id, unique.
    pub plan_id: String,
    /// The customer.
    pub customer_id: String,
    /// Balance still to be paid (zero or more).
    pub amount: Money,
}

/// The records the caller adds to the ledger for exposure. Serde refuses unknown keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExposureRecords {
    /// Open orders.
    pub orders: Vec<Order>,
    /// Deliveries not invoiced.
    pub deliveries: Vec<Delivery>,
    /// Bills of exchange.
    pub bills: Vec<BillOfExchange>,
    /// Payment-plan balances.
    pub plans: Vec<PlanBalance>,
}

impl ExposureRecords {
    /// Refuse empty ids, amounts not positive (plans: negative), more than
    /// [`MAX_RECORDS`] records.
    ///
    /// # Errors
    /// [`LimitError::Invalid`] naming the record and the field.
    ///
    /// # Example
    /// ```
    /// use encours_core::limits::exposure::{ExposureRecords, Order};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let r = ExposureRecords { orders: vec![Order { id: "O1".into(), customer_id: "C1".into(),
    ///     amount: Money::from_minor(-5, Currency::EUR), order_date: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
    ///     expected_on: None }], ..ExposureRecords::default() };
    /// assert_eq!(r.validate().unwrap_err().to_string(), "invalid orders[0].amount: -0.05 EUR (more than zero)");
    /// ```
    pub fn validate(&self) -> Result<(), LimitError> {
        let n = self.orders.len() + self.deliveries.len() + self.bills.len() + self.plans.len();
        if n > MAX_RECORDS {
            return Err(invalid(
                "records",
                n,
                format!("at most {MAX_RECORDS} records"),
            ));
        }
        for (i, o) in self.orders.iter().enumerate() {
            check_record(
                &format!("orders[{i}]"),
                &o.id,
                &o.customer_id,
                &o.amount,
                true,
            )?;
        }
        for (i, d) in self.deliveries.iter().enumerate() {
            check_record(
                &format!("deliveries[{i}]"),
                &d.id,
                &d.customer_id,
                &d.amount,
                true,
            )?;
        }
        for (i, b) in self.bills.iter().enumerate() {
            check_record(
                &format!("bills[{i}]"),
                &b.id,
                &b.customer_id,
                &b.amount,
                true,
            )?;
        }
        for (i, p) in self.plans.iter().enumerate() {
            check_record(
                &format!("plans[{i}]"),
                &p.plan_id,
                &p.customer_id,
                &p.amount,
                false,
            )?;
        }
        Ok(())
    }
}

/// Check one record's id, customer and amount.
pub(crate) fn check_record(
    at: &str,
    id: &str,
    customer_id: &str,
    amount: &Money,
    strict: bool,
) -> Result<(), LimitError> {
    if id.trim().is_empty() {
        return Err(invalid(format!("{at}.id"), "\"\"", "an id"));
    }
    if customer_id.trim().is_empty() {
        return Err(invalid(
            format!("{at}.customer_id"),
            "\"\"",
            "a customer id",
        ));
    }
    if amount.is_negative() || (strict && amount.is_zero()) {
        return Err(invalid(
            format!("{at}.amount"),
            amount,
            if strict {
                "more than zero"
            } else {
                "zero or more"
            },
        ));
    }
    Ok(())
}

/// Which categories count in exposure. Serde refuses unknown keys; each defaults to
/// true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Categories {
    /// Open receivables.
    pub receivables: bool,
    /// Open orders.
    pub orders: bool,
    /// Delivered not invoiced.
    pub deliveries: bool,
    /// Payment-plan balances.
    pub plans: bool,
    /// Bills of exchange not due.
    pub bills: bool,
    /// Unapplied cash (subtracted).
    pub unapplied_cash: bool,
    /// Open credit notes (subtracted).
    pub credit_notes: bool,
}

impl Default for Categories {
    fn default() -> Self {
        Categories {
            receivables: true,
            orders: true,
            deliveries: true,
            plans: true,
            bills: true,
            unapplied_cash: true,
            credit_notes: true,
        }
    }
}

/// A customer's (or a group's) exposure by category, every amount in `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exposure {
    /// The customer, or the group's top customer.
    pub customer_id: String,
    /// The currency of every amount.
    pub currency: Currency,
    /// Open receivables.
    pub receivables: Money,
    /// Open orders (within the horizon, for a dynamic view).
    pub orders: Money,
    /// Delivered not invoiced.
    pub deliveries: Money,
    /// Payment-plan balances.
    pub plans: Money,
    /// Bills of exchange not due.
    pub bills: Money,
    /// Unapplied cash (a positive amount, subtracted).
    pub unapplied_cash: Money,
    /// Open credit notes (a positive amount, subtracted).
    pub credit_notes: Money,
    /// The categories counted.
    pub counted: Categories,
    /// Total of the counted categories.
    pub total: Money,
}

/// Raw per-category sums, in one currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Figures {
    pub receivables: Decimal,
    pub orders: Decimal,
    pub deliveries: Decimal,
    pub plans: Decimal,
    pub bills: Decimal,
    pub unapplied: Decimal,
    pub credit_notes: Decimal,
}

impl Figures {
    /// Total of the counted categories.
    pub(crate) fn total(&self, c: &Categories) -> Option<Decimal> {
        let mut t = Decimal::ZERO;
        let plus = [
            (c.receivables, self.receivables),
            (c.orders, self.orders),
            (c.deliveries, self.deliveries),
            (c.plans, self.plans),
            (c.bills, self.bills),
        ];
        for (on, v) in plus {
            if on {
                t = t.checked_add(v)?;
            }
        }
        if c.unapplied_cash {
            t = t.checked_sub(self.unapplied)?;
        }
        if c.credit_notes {
            t = t.checked_sub(self.credit_notes)?;
        }
        Some(t)
    }

    pub(crate) fn merge(&mut self, o: &Figures) -> Option<()> {
        self.receivables = self.receivables.checked_add(o.receivables)?;
        self.orders = self.orders.checked_add(o.orders)?;
        self.deliveries = self.deliveries.checked_add(o.deliveries)?;
        self.plans = self.plans.checked_add(o.plans)?;
        self.bills = self.bills.checked_add(o.bills)?;
        self.unapplied = self.unapplied.checked_add(o.unapplied)?;
        self.credit_notes = self.credit_notes.checked_add(o.credit_notes)?;
        Some(())
    }

    /// Each category converted (rounded half up to the target's minor unit).
    pub(crate) fn converted(
        &self,
        from: Currency,
        to: Currency,
        fx: &crate::money::FxRates,
    ) -> Result<Figures, LimitError> {
        let c = |d: Decimal| -> Result<Decimal, LimitError> {
            Ok(fx
                .convert(&Money::new(d, from), to, crate::money::RoundingMode::HalfUp)?
                .amount())
        };
        Ok(Figures {
            receivables: c(self.receivables)?,
            orders: c(self.orders)?,
            deliveries: c(self.deliveries)?,
            plans: c(self.plans)?,
            bills: c(self.bills)?,
            unapplied: c(self.unapplied)?,
            credit_notes: c(self.credit_notes)?,
        })
    }

    /// Total of the counted categories, each rounded half up to the minor unit first
    /// (the total an [`Exposure`] shows).
    pub(crate) fn rounded_total(&self, currency: Currency, c: &Categories) -> Option<Decimal> {
        let r = |d: Decimal| crate::money::RoundingMode::HalfUp.round(d, currency.minor_units());
        Figures {
            receivables: r(self.receivables),
            orders: r(self.orders),
            deliveries: r(self.deliveries),
            plans: r(self.plans),
            bills: r(self.bills),
            unapplied: r(self.unapplied),
            credit_notes: r(self.credit_notes),
        }
        .total(c)
    }

    /// The exposure document, amounts rounded half up to the currency's minor unit
    /// (the total is the sum of the rounded categories, so it adds up).
    pub(crate) fn exposure(
        &self,
        customer_id: &str,
        currency: Currency,
        counted: Categories,
    ) -> Result<Exposure, LimitError> {
        let m = |d: Decimal| Money::new(d, currency).round(crate::money::RoundingMode::HalfUp);
        let rounded = Figures {
            receivables: m(self.receivables).amount(),
            orders: m(self.orders).amount(),
            deliveries: m(self.deliveries).amount(),
            plans: m(self.plans).amount(),
            bills: m(self.bills).amount(),
            unapplied: m(self.unapplied).amount(),
            credit_notes: m(self.credit_notes).amount(),
        };
        let total = rounded
            .total(&counted)
            .ok_or_else(|| super::overflow("exposure"))?;
        Ok(Exposure {
            customer_id: customer_id.to_owned(),
            currency,
            receivables: m(rounded.receivables),
            orders: m(rounded.orders),
            deliveries: m(rounded.deliveries),
            plans: m(rounded.plans),
            bills: m(rounded.bills),
            unapplied_cash: m(rounded.unapplied),
            credit_notes: m(rounded.credit_notes),
            counted,
            total: m(total),
        })
    }
}
