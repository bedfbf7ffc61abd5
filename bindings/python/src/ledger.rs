//! `Ledger`: the accounts-receivable ledger, built from Python objects, from JSON or
//! from Arrow tables (the bulk path), with the core's as-of views.

use std::collections::HashMap;

use chrono::NaiveDate;
use encours_core::ledger::{
    Application, Customer, Dispute, Item, ItemKind, Ledger, LedgerData, LedgerError, MatchRule,
    Payment, Source,
};
use encours_core::money::Currency;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use encours_core::{aging, metrics};

use crate::arrow_in::{
    CellErr, InTable, IntegerAmounts, amount_getter, bool_getter, cell_err, currency_cell,
    date_getter, null_err, read_table, str_getter,
};
use crate::convert::{date_from_py, enum_from_str, enum_to_str, json_text, to_json};
use crate::errors::{CoreResult, Kind, core_err, new_err};
use crate::money::PyMoney;
use crate::records::{PyApplication, PyCustomer, PyItem, PyPayment, money_arg};
use crate::reports;
use crate::table::{Col, PyTable, TableBuilder};

/// The accounts-receivable ledger: customers, items (invoices, debit and credit
/// notes), payments and the applications of payments and credit notes to items.
/// It keeps history, not balances: every figure can be taken as of any date.
#[pyclass(name = "Ledger", module = "encours")]
pub struct PyLedger {
    pub inner: Ledger,
}

pub(crate) fn collect<'py, T: pyo3::PyClass + Clone, U>(
    obj: Option<&Bound<'py, PyAny>>,
    what: &str,
    class: &str,
    get: impl Fn(&T) -> U,
) -> PyResult<Vec<U>> {
    let mut out = Vec::new();
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(out);
    };
    for x in obj.try_iter()? {
        let x = x?;
        let r = x.cast::<T>().map_err(|_| {
            PyTypeError::new_err(format!(
                "{what} must contain only encours.{class}, not {}",
                x.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })?;
        out.push(get(&r.borrow()));
    }
    Ok(out)
}

fn integer_amounts(mode: Option<&str>) -> PyResult<IntegerAmounts> {
    match mode {
        None => Ok(IntegerAmounts::Refuse),
        Some("minor") => Ok(IntegerAmounts::Minor),
        Some("major") => Ok(IntegerAmounts::Major),
        Some(other) => Err(new_err(
            Kind::Input,
            "invalid_choice",
            format!("invalid integer_amounts \"{other}\": expected \"minor\", \"major\" or None"),
        )),
    }
}

#[pymethods]
impl PyLedger {
    /// `Ledger(customers=(), items=(), payments=(), applications=())`: build and
    /// validate a ledger from record objects. Raises LedgerError (duplicate id,
    /// unknown reference, invalid field, over-application) or MoneyError.
    #[new]
    #[pyo3(signature = (customers = None, items = None, payments = None, applications = None))]
    fn new(
        py: Python<'_>,
        customers: Option<&Bound<'_, PyAny>>,
        items: Option<&Bound<'_, PyAny>>,
        payments: Option<&Bound<'_, PyAny>>,
        applications: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let c = collect(customers, "customers", "Customer", |x: &PyCustomer| {
            x.0.clone()
        })?;
        let i = collect(items, "items", "Item", |x: &PyItem| x.0.clone())?;
        let p = collect(payments, "payments", "Payment", |x: &PyPayment| x.0.clone())?;
        let a = collect(
            applications,
            "applications",
            "Application",
            |x: &PyApplication| x.0.clone(),
        )?;
        let inner = py.detach(|| Ledger::new(c, i, p, a)).py()?;
        Ok(PyLedger { inner })
    }

    /// A ledger from its JSON form (`{"customers": [...], "items": [...],
    /// "payments": [...], "applications": [...]}`, the core's serde form), validated.
    #[staticmethod]
    fn from_json(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_text(data)?;
        let inner = py
            .detach(
                || -> Result<Result<Ledger, LedgerError>, serde_json::Error> {
                    let d: LedgerData = serde_json::from_str(&text)?;
                    Ok(Ledger::new(
                        d.customers,
                        d.items,
                        d.payments,
                        d.applications,
                    ))
                },
            )
            .map_err(|e| new_err(Kind::Input, "json", format!("invalid ledger JSON: {e}")))?
            .py()?;
        Ok(PyLedger { inner })
    }

    /// The JSON form; `indent` pretty-prints.
    #[pyo3(signature = (indent = None))]
    fn to_json(&self, py: Python<'_>, indent: Option<usize>) -> PyResult<String> {
        let data = self.inner.data();
        py.detach(|| to_json(data, indent))
    }

    /// Build a ledger from tables speaking the Arrow PyCapsule interface
    /// (`__arrow_c_stream__`): pyarrow tables, polars or pandas (>= 2.2) data frames,
    /// duckdb relations. Columns are read in Rust; no Python object is made per row.
    /// See the package README for the columns and types accepted.
    ///
    /// When `payments` has an `invoice_id` column and no `applications` table is
    /// given, each payment is applied to its invoice on its date.
    #[staticmethod]
    #[pyo3(signature = (customers, invoices, payments = None, applications = None, *, integer_amounts = None))]
    fn from_arrow(
        py: Python<'_>,
        customers: &Bound<'_, PyAny>,
        invoices: &Bound<'_, PyAny>,
        payments: Option<&Bound<'_, PyAny>>,
        applications: Option<&Bound<'_, PyAny>>,
        integer_amounts: Option<&str>,
    ) -> PyResult<Self> {
        let ints = self::integer_amounts(integer_amounts)?;
        let customers = read_table(customers, "customers")?;
        let invoices = read_table(invoices, "invoices")?;
        let payments = payments
            .filter(|p| !p.is_none())
            .map(|p| read_table(p, "payments"))
            .transpose()?;
        let applications = applications
            .filter(|a| !a.is_none())
            .map(|a| read_table(a, "applications"))
            .transpose()?;
        let c = read_customers(&customers, ints)?;
        drop(customers);
        // Indexes borrow the ids already owned by the records: no second copy of a
        // million keys.
        let idx: HashMap<&str, Currency> = c.iter().map(|c| (c.id.as_str(), c.currency)).collect();
        let i = read_items(&invoices, &idx, ints)?;
        drop(invoices);
        let item_ix: HashMap<&str, usize> = i
            .iter()
            .enumerate()
            .map(|(k, it)| (it.id.as_str(), k))
            .collect();
        let (p, mut a) = match &payments {
            Some(t) => read_payments(t, &idx, &i, &item_ix, ints, applications.is_none())?,
            None => (Vec::new(), Vec::new()),
        };
        drop(payments);
        if let Some(t) = &applications {
            a = read_applications(t, &i, &item_ix, ints)?;
        }
        drop(applications);
        drop(item_ix);
        drop(idx);
        let inner = py.detach(|| Ledger::new(c, i, p, a)).py()?;
        Ok(PyLedger { inner })
    }

    /// Add a customer.
    fn add_customer(&mut self, customer: PyRef<'_, PyCustomer>) -> PyResult<()> {
        self.inner.add_customer(customer.0.clone()).py()
    }

    /// Add an item (invoice, debit or credit note).
    fn add_item(&mut self, item: PyRef<'_, PyItem>) -> PyResult<()> {
        self.inner.add_item(item.0.clone()).py()
    }

    /// Add a payment (unapplied cash until applied).
    fn add_payment(&mut self, payment: PyRef<'_, PyPayment>) -> PyResult<()> {
        self.inner.add_payment(payment.0.clone()).py()
    }

    /// Apply part of a payment to an item, as the caller decided.
    fn apply_payment(
        &mut self,
        payment_id: &str,
        item_id: &str,
        amount: &Bound<'_, PyAny>,
        date: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let amount = money_arg(amount, "amount")?;
        let date = date_from_py(date, "date")?;
        self.inner
            .apply_payment(payment_id, item_id, amount, date)
            .py()
    }

    /// Net part of a credit note against a debit item.
    fn apply_credit_note(
        &mut self,
        credit_note_id: &str,
        item_id: &str,
        amount: &Bound<'_, PyAny>,
        date: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let amount = money_arg(amount, "amount")?;
        let date = date_from_py(date, "date")?;
        self.inner
            .apply_credit_note(credit_note_id, item_id, amount, date)
            .py()
    }

    /// Record an application chosen elsewhere (loaded from an ERP…), with its rule.
    fn record_application(&mut self, application: PyRef<'_, PyApplication>) -> PyResult<()> {
        self.inner.record_application(application.0.clone()).py()
    }

    /// Apply what is left of a payment automatically, on its date: to the item its
    /// reference names, then to an item whose open amount equals what is left, then
    /// oldest due first. Returns the applications made, each with its rule.
    fn auto_apply(&mut self, payment_id: &str) -> PyResult<Vec<PyApplication>> {
        let made = self.inner.auto_apply(payment_id).py()?;
        Ok(made.into_iter().map(PyApplication).collect())
    }

    /// Net every open credit note of a customer against its open debits, oldest due
    /// first. Returns the applications made.
    fn net_credit_notes(&mut self, customer_id: &str) -> PyResult<Vec<PyApplication>> {
        let made = self.inner.net_credit_notes(customer_id).py()?;
        Ok(made.into_iter().map(PyApplication).collect())
    }

    /// The customers, in insertion order (a new list of objects on each call; use
    /// `item_states()` or the report tables for bulk work).
    #[getter]
    fn customers(&self) -> Vec<PyCustomer> {
        self.inner
            .customers()
            .iter()
            .cloned()
            .map(PyCustomer)
            .collect()
    }

    /// The items, in insertion order.
    #[getter]
    fn items(&self) -> Vec<PyItem> {
        self.inner.items().iter().cloned().map(PyItem).collect()
    }

    /// The payments, in insertion order.
    #[getter]
    fn payments(&self) -> Vec<PyPayment> {
        self.inner
            .payments()
            .iter()
            .cloned()
            .map(PyPayment)
            .collect()
    }

    /// The applications, in the order they were made.
    #[getter]
    fn applications(&self) -> Vec<PyApplication> {
        self.inner
            .applications()
            .iter()
            .cloned()
            .map(PyApplication)
            .collect()
    }

    /// Number of customers.
    #[getter]
    fn num_customers(&self) -> usize {
        self.inner.customers().len()
    }

    /// Number of items.
    #[getter]
    fn num_items(&self) -> usize {
        self.inner.items().len()
    }

    /// Number of payments.
    #[getter]
    fn num_payments(&self) -> usize {
        self.inner.payments().len()
    }

    /// Number of applications.
    #[getter]
    fn num_applications(&self) -> usize {
        self.inner.applications().len()
    }

    /// A customer by id, or None.
    fn customer(&self, id: &str) -> Option<PyCustomer> {
        self.inner.customer(id).cloned().map(PyCustomer)
    }

    /// An item by id, or None.
    fn item(&self, id: &str) -> Option<PyItem> {
        self.inner.item(id).cloned().map(PyItem)
    }

    /// A payment by id, or None.
    fn payment(&self, id: &str) -> Option<PyPayment> {
        self.inner.payment(id).cloned().map(PyPayment)
    }

    /// The open amount of an item at the end of `as_of` (zero before its issue date).
    fn open_amount(&self, item_id: &str, as_of: &Bound<'_, PyAny>) -> PyResult<PyMoney> {
        let d = date_from_py(as_of, "as_of")?;
        self.inner.open_amount(item_id, d).py().map(PyMoney)
    }

    /// What is left unapplied of a payment at the end of `as_of`.
    fn unapplied_amount(&self, payment_id: &str, as_of: &Bound<'_, PyAny>) -> PyResult<PyMoney> {
        let d = date_from_py(as_of, "as_of")?;
        self.inner.unapplied_amount(payment_id, d).py().map(PyMoney)
    }

    /// A customer's balance at the end of `as_of`: open debits less open credit notes
    /// and unapplied cash. Positive when the customer owes.
    fn balance(&self, customer_id: &str, as_of: &Bound<'_, PyAny>) -> PyResult<PyMoney> {
        let d = date_from_py(as_of, "as_of")?;
        self.inner.balance(customer_id, d).py().map(PyMoney)
    }

    /// Every item issued by `as_of` with its state at the end of that day, as a
    /// Table: item_id, customer_id, kind, issue_date, due_date, currency, amount,
    /// open, settled, last_settlement.
    fn item_states(&self, py: Python<'_>, as_of: &Bound<'_, PyAny>) -> PyResult<PyTable> {
        let d = date_from_py(as_of, "as_of")?;
        let ledger = &self.inner;
        let cols = py.detach(|| {
            let mut id = Vec::new();
            let mut cust = Vec::new();
            let mut kind = Vec::new();
            let mut issue = Vec::new();
            let mut due = Vec::new();
            let mut cur = Vec::new();
            let mut amount = Vec::new();
            let mut open = Vec::new();
            let mut settled = Vec::new();
            let mut last = Vec::new();
            for (ix, item) in ledger.items().iter().enumerate() {
                let Some(s) = ledger.item_state(ix, d) else {
                    continue;
                };
                id.push(Some(item.id.clone()));
                cust.push(Some(item.customer_id.clone()));
                kind.push(Some(enum_to_str(&item.kind)));
                issue.push(Some(item.issue_date));
                due.push(Some(item.due_date));
                cur.push(Some(item.amount.currency().code().to_owned()));
                amount.push(Some(item.amount.amount()));
                open.push(Some(s.open.amount()));
                settled.push(Some(s.settled.amount()));
                last.push(s.last_settlement);
            }
            TableBuilder::new()
                .col("item_id", Col::Str(id))
                .col("customer_id", Col::Str(cust))
                .col("kind", Col::Str(kind))
                .col("issue_date", Col::Date(issue))
                .col("due_date", Col::Date(due))
                .col("currency", Col::Str(cur))
                .col("amount", Col::Dec(amount))
                .col("open", Col::Dec(open))
                .col("settled", Col::Dec(settled))
                .col("last_settlement", Col::Date(last))
        });
        cols.finish()
    }

    /// Every customer's balance at the end of `as_of`, as a Table: customer_id,
    /// currency, balance.
    fn balances(&self, py: Python<'_>, as_of: &Bound<'_, PyAny>) -> PyResult<PyTable> {
        let d = date_from_py(as_of, "as_of")?;
        let ledger = &self.inner;
        let built = py.detach(|| -> Result<TableBuilder, LedgerError> {
            let mut id = Vec::new();
            let mut cur = Vec::new();
            let mut bal = Vec::new();
            for c in ledger.customers() {
                let b = ledger.balance(&c.id, d)?;
                id.push(Some(c.id.clone()));
                cur.push(Some(c.currency.code().to_owned()));
                bal.push(Some(b.amount()));
            }
            Ok(TableBuilder::new()
                .col("customer_id", Col::Str(id))
                .col("currency", Col::Str(cur))
                .col("balance", Col::Dec(bal)))
        });
        built.py()?.finish()
    }

    /// Today's dunning plan (`encours.DunningPlan`): the reminders, letters, calls and
    /// tasks due on `as_of` under `config`, given the `history` of actions already
    /// taken (None for none), `promises` to pay, reference-rate tables for interest
    /// (the built-in ones when None) and caller `calendars` (found by name before the
    /// built-in codes). Pure: recording the plan in the history and planning the
    /// same day again gives no new action. `payment_plans` (PlanTracking, each tracked
    /// as of `as_of`): a running plan keeps its items out of dunning
    /// ("under_payment_plan") except their part of missed instalments, dunned from the
    /// instalment's due date; a breached plan returns its items to dunning.
    #[pyo3(signature = (config, as_of, *, history = None, promises = None, rate_tables = None, calendars = None, payment_plans = None))]
    #[allow(clippy::too_many_arguments)]
    fn dunning_plan(
        &self,
        py: Python<'_>,
        config: PyRef<'_, crate::dunning::PyDunningConfig>,
        as_of: &Bound<'_, PyAny>,
        history: Option<PyRef<'_, crate::dunning::PyHistory>>,
        promises: Option<&Bound<'_, PyAny>>,
        rate_tables: Option<PyRef<'_, crate::interest::PyRateTables>>,
        calendars: Option<&Bound<'_, PyAny>>,
        payment_plans: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<crate::dunning::PyDunningPlan> {
        crate::dunning::plan_for(
            py,
            &self.inner,
            &config,
            as_of,
            history.as_deref(),
            promises,
            rate_tables.as_deref(),
            calendars,
            payment_plans,
        )
    }

    /// Age the ledger as of the end of `as_of`: open debits by bucket of days
    /// overdue (right-closed `buckets` edges, default 0, 30, 60, 90, 180), per
    /// "customer", "segment", "group" or "portfolio"; credits and unapplied cash
    /// shown apart, never added across currencies.
    #[pyo3(signature = (as_of, *, buckets = None, group_by = "customer"))]
    fn aging(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        buckets: Option<Vec<i64>>,
        group_by: &str,
    ) -> PyResult<reports::PyAgingReport> {
        let d = date_from_py(as_of, "as_of")?;
        let b = reports::buckets_from(buckets)?;
        let g = reports::group_by_from(group_by)?;
        let ledger = &self.inner;
        py.detach(|| aging::aging(ledger, d, &b, g))
            .py()
            .map(reports::aging_report)
    }

    /// Simple DSO, best possible DSO and average days delinquent over the last
    /// `days` days (default 90).
    #[pyo3(signature = (as_of, *, days = 90, group_by = "customer"))]
    fn dso(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        days: u32,
        group_by: &str,
    ) -> PyResult<reports::PyMetricReport> {
        let d = date_from_py(as_of, "as_of")?;
        let g = reports::group_by_from(group_by)?;
        let ledger = &self.inner;
        py.detach(|| metrics::dso_simple(ledger, d, days, g))
            .py()
            .map(reports::dso_report)
    }

    /// Count-back DSO: AR walked back against the sales of the last 12 months.
    #[pyo3(signature = (as_of, *, group_by = "customer"))]
    fn dso_count_back(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        group_by: &str,
    ) -> PyResult<reports::PyMetricReport> {
        let d = date_from_py(as_of, "as_of")?;
        let g = reports::group_by_from(group_by)?;
        let ledger = &self.inner;
        py.detach(|| metrics::dso_count_back(ledger, d, g))
            .py()
            .map(reports::count_back_report)
    }

    /// Collection effectiveness index over `[from_, to]`, sales divided by
    /// `sales_divisor` (months in the period, default 1).
    #[pyo3(signature = (from_, to, *, sales_divisor = 1, group_by = "customer"))]
    fn collection_effectiveness(
        &self,
        py: Python<'_>,
        from_: &Bound<'_, PyAny>,
        to: &Bound<'_, PyAny>,
        sales_divisor: u32,
        group_by: &str,
    ) -> PyResult<reports::PyMetricReport> {
        let f = date_from_py(from_, "from_")?;
        let t = date_from_py(to, "to")?;
        let g = reports::group_by_from(group_by)?;
        let ledger = &self.inner;
        py.detach(|| metrics::collection_effectiveness(ledger, f, t, sales_divisor, g))
            .py()
            .map(reports::cei_report)
    }

    /// Days beyond terms and the payment index of the items fully paid in the last
    /// `window_days` days; `scale` is a list of (days beyond terms, score) anchors
    /// (default: the PAYDEX key).
    #[pyo3(signature = (as_of, *, window_days = 365, scale = None, group_by = "customer"))]
    fn payment_behaviour(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        window_days: u32,
        scale: Option<&Bound<'_, PyAny>>,
        group_by: &str,
    ) -> PyResult<reports::PyMetricReport> {
        let d = date_from_py(as_of, "as_of")?;
        let s = reports::scale_from(scale)?;
        let g = reports::group_by_from(group_by)?;
        let ledger = &self.inner;
        py.detach(|| metrics::payment_behaviour(ledger, d, window_days, &s, g))
            .py()
            .map(reports::payment_report)
    }

    /// Pareto sets: the fewest "items" (or "customers") holding at least `share` of
    /// the open amount. With `fx` and `base`, amounts are converted first and ranked
    /// across currencies.
    #[pyo3(signature = (as_of, *, unit = "items", share = None, group_by = "portfolio", fx = None, base = None, mode = "half_up"))]
    #[allow(clippy::too_many_arguments)]
    fn pareto(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        unit: &str,
        share: Option<&Bound<'_, PyAny>>,
        group_by: &str,
        fx: Option<PyRef<'_, crate::money::PyFxRates>>,
        base: Option<&Bound<'_, PyAny>>,
        mode: &str,
    ) -> PyResult<reports::PyMetricReport> {
        let d = date_from_py(as_of, "as_of")?;
        let u = reports::pareto_unit_from(unit)?;
        let share = match share {
            Some(s) => crate::convert::decimal_from_py(s, "share", "share")?,
            None => rust_decimal::Decimal::new(8, 1),
        };
        let g = reports::group_by_from(group_by)?;
        let mode = crate::money::rounding_from_str(mode)?;
        let ledger = &self.inner;
        let rows = match (fx, base) {
            (None, None) => py.detach(|| metrics::pareto(ledger, d, u, share, g)).py()?,
            (Some(fx), Some(base)) => {
                let base = crate::convert::currency_from_py(base)?;
                let rates = fx.0.clone();
                py.detach(|| metrics::pareto_in_base(ledger, d, u, share, g, &rates, base, mode))
                    .py()?
            }
            _ => {
                return Err(new_err(
                    Kind::Input,
                    "missing_argument",
                    "pareto needs both fx and base to rank in one currency, or neither",
                ));
            }
        };
        Ok(reports::pareto_report(rows))
    }

    /// Aging and every metric per key and for the portfolio, in one pass (the
    /// reporting path for large ledgers). Keyword settings default as in the core.
    #[pyo3(signature = (as_of, *, group_by = "customer", buckets = None, dso_days = 90, cei_from = None, cei_sales_divisor = 1, payment_window_days = 365, payment_index = None, pareto_share = None))]
    #[allow(clippy::too_many_arguments)]
    fn summary(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        group_by: &str,
        buckets: Option<Vec<i64>>,
        dso_days: u32,
        cei_from: Option<&Bound<'_, PyAny>>,
        cei_sales_divisor: u32,
        payment_window_days: u32,
        payment_index: Option<&Bound<'_, PyAny>>,
        pareto_share: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<reports::PyPortfolioSummary> {
        let d = date_from_py(as_of, "as_of")?;
        let g = reports::group_by_from(group_by)?;
        let cei_from = crate::convert::opt_date_from_py(cei_from, "cei_from")?;
        let share = match pareto_share {
            Some(s) => crate::convert::decimal_from_py(s, "pareto_share", "pareto_share")?,
            None => rust_decimal::Decimal::new(8, 1),
        };
        let config = reports::summary_config(
            d,
            buckets,
            dso_days,
            cei_from,
            cei_sales_divisor,
            payment_window_days,
            payment_index,
            share,
        )?;
        let ledger = &self.inner;
        py.detach(|| metrics::portfolio_summary(ledger, &config, g))
            .py()
            .map(reports::summary_report)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let json = slf.borrow().to_json(slf.py(), None)?;
        Ok((slf.get_type().getattr("from_json")?, (json,)))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyLedger>()
            .is_ok_and(|o| o.try_borrow().is_ok_and(|o| o.inner == self.inner))
    }

    fn __repr__(&self) -> String {
        format!(
            "Ledger(customers={}, items={}, payments={}, applications={})",
            self.inner.customers().len(),
            self.inner.items().len(),
            self.inner.payments().len(),
            self.inner.applications().len()
        )
    }
}

// ---------------------------------------------------------------------------- tables in

/// Read an optional text column of a batch.
macro_rules! opt_col {
    ($t:expr, $batch:expr, $names:expr) => {
        match $t.find($names) {
            Some(ix) => Some((ix, str_getter($t, ix, $batch.column(ix).as_ref())?)),
            None => None,
        }
    };
}

fn opt_text(col: &Option<(usize, crate::arrow_in::StrGetter<'_>)>, row: usize) -> Option<String> {
    col.as_ref()
        .and_then(|(_, g)| g(row))
        .map(|s| s.into_owned())
}

/// Customers.
fn read_customers(t: &InTable, ints: IntegerAmounts) -> PyResult<Vec<Customer>> {
    let id_ix = t.require(&["customer_id", "id"])?;
    let cur_ix = t.require(&["currency"])?;
    let mut out = Vec::with_capacity(t.num_rows());
    let mut cache = Vec::new();
    let mut base = 0;
    for batch in &t.batches {
        let id = str_getter(t, id_ix, batch.column(id_ix).as_ref())?;
        let cur = str_getter(t, cur_ix, batch.column(cur_ix).as_ref())?;
        let name = opt_col!(t, batch, &["name"]);
        let segment = opt_col!(t, batch, &["segment"]);
        let parent = opt_col!(t, batch, &["parent", "parent_id"]);
        let country = opt_col!(t, batch, &["country"]);
        let terms = opt_col!(t, batch, &["payment_terms"]);
        let calendar = opt_col!(t, batch, &["calendar"]);
        let scenario = opt_col!(t, batch, &["dunning_scenario"]);
        let risk = opt_col!(t, batch, &["risk_class"]);
        let limit = match t.find(&["credit_limit"]) {
            Some(ix) => Some((ix, amount_getter(t, ix, batch.column(ix).as_ref(), ints)?)),
            None => None,
        };
        for r in 0..batch.num_rows() {
            let row = base + r;
            let id = id(r).ok_or_else(|| null_err(t, row, id_ix))?.into_owned();
            let code = cur(r).ok_or_else(|| null_err(t, row, cur_ix))?;
            let currency =
                currency_cell(&mut cache, &code).map_err(|e| cell_err(t, row, cur_ix, e))?;
            let name = opt_text(&name, r).unwrap_or_else(|| id.clone());
            let mut c = Customer::new(id, name, currency);
            c.segment = opt_text(&segment, r);
            c.parent = opt_text(&parent, r);
            c.country = opt_text(&country, r);
            c.payment_terms = opt_text(&terms, r);
            c.calendar = opt_text(&calendar, r);
            c.dunning_scenario = opt_text(&scenario, r);
            c.risk_class = opt_text(&risk, r);
            if let Some((ix, g)) = &limit {
                c.credit_limit = g(r, currency).map_err(|e| cell_err(t, row, *ix, e))?;
            }
            out.push(c);
        }
        base += batch.num_rows();
    }
    Ok(out)
}

/// The currency of a row: its own `currency` cell, else its customer's. An unknown
/// customer gets a placeholder: the core refuses the row for the unknown customer
/// before it looks at the currency.
fn row_currency(
    own: &Option<(usize, crate::arrow_in::StrGetter<'_>)>,
    r: usize,
    customer: Option<&str>,
    idx: &HashMap<&str, Currency>,
    cache: &mut Vec<(String, Currency)>,
) -> Result<(Currency, Option<usize>), CellErr> {
    if let Some((ix, g)) = own
        && let Some(code) = g(r)
    {
        return currency_cell(cache, &code).map(|c| (c, Some(*ix)));
    }
    Ok((
        customer
            .and_then(|c| idx.get(c))
            .copied()
            .unwrap_or(Currency::EUR),
        None,
    ))
}

/// Items.
fn read_items(
    t: &InTable,
    idx: &HashMap<&str, Currency>,
    ints: IntegerAmounts,
) -> PyResult<Vec<Item>> {
    let id_ix = t.require(&["invoice_id", "item_id"])?;
    let cust_ix = t.require(&["customer_id"])?;
    let issue_ix = t.require(&["issue_date"])?;
    let amount_ix = t.require(&["amount"])?;
    let due_ix = t.find(&["due_date"]);
    let mut out = Vec::with_capacity(t.num_rows());
    let mut cache = Vec::new();
    let mut base = 0;
    for batch in &t.batches {
        let id = str_getter(t, id_ix, batch.column(id_ix).as_ref())?;
        let cust = str_getter(t, cust_ix, batch.column(cust_ix).as_ref())?;
        let issue = date_getter(t, issue_ix, batch.column(issue_ix).as_ref())?;
        let amount = amount_getter(t, amount_ix, batch.column(amount_ix).as_ref(), ints)?;
        let due = match due_ix {
            Some(ix) => Some(date_getter(t, ix, batch.column(ix).as_ref())?),
            None => None,
        };
        let currency = opt_col!(t, batch, &["currency"]);
        let kind = opt_col!(t, batch, &["kind"]);
        let reference = opt_col!(t, batch, &["reference"]);
        let disputed = match t.find(&["disputed"]) {
            Some(ix) => Some(bool_getter(t, ix, batch.column(ix).as_ref())?),
            None => None,
        };
        for r in 0..batch.num_rows() {
            let row = base + r;
            let id = id(r).ok_or_else(|| null_err(t, row, id_ix))?.into_owned();
            let customer = cust(r)
                .ok_or_else(|| null_err(t, row, cust_ix))?
                .into_owned();
            let issue_date = issue(r)
                .map_err(|e| cell_err(t, row, issue_ix, e))?
                .ok_or_else(|| null_err(t, row, issue_ix))?;
            let kind: ItemKind = match kind.as_ref().and_then(|(_, g)| g(r)) {
                None => ItemKind::Invoice,
                Some(k) => enum_from_str("item kind", &k).map_err(|e| {
                    let ix = kind.as_ref().map_or(0, |(ix, _)| *ix);
                    Python::attach(|py| {
                        cell_err(
                            t,
                            row,
                            ix,
                            CellErr::Other("invalid_choice", e.value(py).to_string()),
                        )
                    })
                })?,
            };
            let due_date = match &due {
                Some(g) => g(r).map_err(|e| cell_err(t, row, due_ix.unwrap_or(0), e))?,
                None => None,
            };
            let due_date = match (due_date, kind) {
                (Some(d), _) => d,
                (None, ItemKind::CreditNote) => issue_date,
                (None, _) => {
                    return Err(match due_ix {
                        Some(ix) => null_err(t, row, ix),
                        None => t
                            .require(&["due_date"])
                            .err()
                            .unwrap_or_else(|| null_err(t, row, 0)),
                    });
                }
            };
            let (cur, _) = row_currency(&currency, r, Some(&customer), idx, &mut cache)
                .map_err(|e| cell_err(t, row, currency.as_ref().map_or(0, |(ix, _)| *ix), e))?;
            let amount = amount(r, cur)
                .map_err(|e| cell_err(t, row, amount_ix, e))?
                .ok_or_else(|| null_err(t, row, amount_ix))?;
            let mut item = Item::invoice(id, customer, issue_date, due_date, amount);
            item.kind = kind;
            item.reference = opt_text(&reference, r);
            if disputed.as_ref().and_then(|g| g(r)) == Some(true) {
                // A bare flag says the whole item is contested, since its issue.
                item.dispute = Some(Dispute::new(amount, issue_date));
            }
            out.push(item);
        }
        base += batch.num_rows();
    }
    Ok(out)
}

/// Payments, and the applications they imply when each names its invoice.
fn read_payments(
    t: &InTable,
    idx: &HashMap<&str, Currency>,
    items: &[Item],
    item_ix: &HashMap<&str, usize>,
    ints: IntegerAmounts,
    apply_to_invoice: bool,
) -> PyResult<(Vec<Payment>, Vec<Application>)> {
    let id_ix = t.require(&["payment_id", "id"])?;
    let date_ix = t.require(&["pay_date", "date", "payment_date"])?;
    let amount_ix = t.require(&["amount"])?;
    let cust_ix = t.find(&["customer_id"]);
    let inv_ix = t.find(&["invoice_id", "item_id"]);
    if cust_ix.is_none() && inv_ix.is_none() {
        return Err(t
            .require(&["customer_id", "invoice_id"])
            .err()
            .unwrap_or_else(|| null_err(t, 0, 0)));
    }
    let mut out = Vec::with_capacity(t.num_rows());
    let mut apps = Vec::new();
    let mut cache = Vec::new();
    let mut base = 0;
    for batch in &t.batches {
        let id = str_getter(t, id_ix, batch.column(id_ix).as_ref())?;
        let date = date_getter(t, date_ix, batch.column(date_ix).as_ref())?;
        let amount = amount_getter(t, amount_ix, batch.column(amount_ix).as_ref(), ints)?;
        let cust = opt_col!(t, batch, &["customer_id"]);
        let inv = opt_col!(t, batch, &["invoice_id", "item_id"]);
        let currency = opt_col!(t, batch, &["currency"]);
        let reference = opt_col!(t, batch, &["reference"]);
        for r in 0..batch.num_rows() {
            let row = base + r;
            let id = id(r).ok_or_else(|| null_err(t, row, id_ix))?.into_owned();
            let pay_date = date(r)
                .map_err(|e| cell_err(t, row, date_ix, e))?
                .ok_or_else(|| null_err(t, row, date_ix))?;
            let invoice = opt_text(&inv, r);
            let item = invoice
                .as_ref()
                .and_then(|i| item_ix.get(i.as_str()))
                .and_then(|p| items.get(*p));
            let customer = match (opt_text(&cust, r), item, &invoice) {
                (Some(c), _, _) => c,
                (None, Some(item), _) => item.customer_id.clone(),
                (None, None, Some(inv)) => {
                    return Err(core_err(LedgerError::Unknown {
                        kind: "item",
                        id: inv.clone(),
                        referenced_by: format!("payment \"{id}\""),
                    }));
                }
                (None, None, None) => {
                    return Err(null_err(t, row, cust_ix.or(inv_ix).unwrap_or(0)));
                }
            };
            let (cur, _) = row_currency(&currency, r, Some(&customer), idx, &mut cache)
                .map_err(|e| cell_err(t, row, currency.as_ref().map_or(0, |(ix, _)| *ix), e))?;
            let amount = amount(r, cur)
                .map_err(|e| cell_err(t, row, amount_ix, e))?
                .ok_or_else(|| null_err(t, row, amount_ix))?;
            if apply_to_invoice && let Some(inv) = invoice {
                apps.push(Application {
                    source: Source::Payment(id.clone()),
                    item_id: inv,
                    date: pay_date,
                    amount,
                    rule: MatchRule::Explicit,
                });
            }
            let mut p = Payment::new(id, customer, pay_date, amount);
            p.reference = opt_text(&reference, r);
            out.push(p);
        }
        base += batch.num_rows();
    }
    Ok((out, apps))
}

/// Explicit applications: `payment_id` or `credit_note_id`, `item_id`, `date`,
/// `amount`, optional `rule`.
fn read_applications(
    t: &InTable,
    items: &[Item],
    item_ix: &HashMap<&str, usize>,
    ints: IntegerAmounts,
) -> PyResult<Vec<Application>> {
    let item_col = t.require(&["item_id", "invoice_id"])?;
    let date_ix = t.require(&["date", "applied_on"])?;
    let amount_ix = t.require(&["amount"])?;
    let pay_ix = t.find(&["payment_id"]);
    let cn_ix = t.find(&["credit_note_id"]);
    if pay_ix.is_none() && cn_ix.is_none() {
        return Err(t
            .require(&["payment_id", "credit_note_id"])
            .err()
            .unwrap_or_else(|| null_err(t, 0, 0)));
    }
    let mut out = Vec::with_capacity(t.num_rows());
    let mut base = 0;
    for batch in &t.batches {
        let item = str_getter(t, item_col, batch.column(item_col).as_ref())?;
        let date = date_getter(t, date_ix, batch.column(date_ix).as_ref())?;
        let amount = amount_getter(t, amount_ix, batch.column(amount_ix).as_ref(), ints)?;
        let pay = opt_col!(t, batch, &["payment_id"]);
        let cn = opt_col!(t, batch, &["credit_note_id"]);
        let rule = opt_col!(t, batch, &["rule"]);
        for r in 0..batch.num_rows() {
            let row = base + r;
            let item_id = item(r)
                .ok_or_else(|| null_err(t, row, item_col))?
                .into_owned();
            let source = match (opt_text(&pay, r), opt_text(&cn, r)) {
                (Some(p), _) => Source::Payment(p),
                (None, Some(c)) => Source::CreditNote(c),
                (None, None) => return Err(null_err(t, row, pay_ix.or(cn_ix).unwrap_or(0))),
            };
            let d: NaiveDate = date(r)
                .map_err(|e| cell_err(t, row, date_ix, e))?
                .ok_or_else(|| null_err(t, row, date_ix))?;
            // The item's currency; an unknown item is refused by the core first.
            let cur = item_ix
                .get(item_id.as_str())
                .and_then(|p| items.get(*p))
                .map_or(Currency::EUR, |i| i.amount.currency());
            let amount = amount(r, cur)
                .map_err(|e| cell_err(t, row, amount_ix, e))?
                .ok_or_else(|| null_err(t, row, amount_ix))?;
            let rule = match opt_text(&rule, r) {
                None => MatchRule::Explicit,
                Some(s) => enum_from_str::<MatchRule>("rule", &s).map_err(|e| {
                    let ix = rule.as_ref().map_or(0, |(ix, _)| *ix);
                    Python::attach(|py| {
                        cell_err(
                            t,
                            row,
                            ix,
                            CellErr::Other("invalid_choice", e.value(py).to_string()),
                        )
                    })
                })?,
            };
            out.push(Application {
                source,
                item_id,
                date: d,
                amount,
                rule,
            });
        }
        base += batch.num_rows();
    }
    Ok(out)
}

/// Register the class.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyLedger>()
}
