//! `Ledger`: the accounts-receivable ledger, built from Python objects, from JSON or
//! from Arrow tables (the bulk path), with the core's as-of views.

use encours_core::ledger::{Ledger, LedgerData, LedgerError};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use encours_core::{aging, metrics};

use crate::arrow_in::{IntegerAmounts, read_table};
use crate::convert::{date_from_py, json_text, to_json};
use crate::errors::{CoreResult, Kind, new_err};
use crate::money::PyMoney;
use crate::records::{PyApplication, PyCustomer, PyItem, PyPayment, money_arg};
use crate::reports;
use crate::sharing::Shared;
use crate::table::PyTable;

/// The accounts-receivable ledger: customers, items (invoices, debit and credit
/// notes), payments and the applications of payments and credit notes to items.
/// It keeps history, not balances: every figure can be taken as of any date.
#[pyclass(name = "Ledger", module = "encours", frozen)]
pub struct PyLedger {
    /// Shared between Python threads: see `sharing::Shared`.
    pub inner: Shared<Ledger>,
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
        Ok(PyLedger {
            inner: Shared::new(inner),
        })
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
        Ok(PyLedger {
            inner: Shared::new(inner),
        })
    }

    /// The JSON form; `indent` pretty-prints.
    #[pyo3(signature = (indent = None))]
    fn to_json(&self, py: Python<'_>, indent: Option<usize>) -> PyResult<String> {
        let data = self.inner.get().data();
        py.detach(|| to_json(&data, indent))
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
        let inner = py.detach(|| {
            crate::arrow_ledger::ledger_from_tables(
                &customers,
                &invoices,
                payments.as_ref(),
                applications.as_ref(),
                ints,
            )
        })?;
        Ok(PyLedger {
            inner: Shared::new(inner),
        })
    }

    /// Add a customer.
    fn add_customer(slf: &Bound<'_, Self>, customer: PyRef<'_, PyCustomer>) -> PyResult<()> {
        slf.get()
            .inner
            .update(|l| l.add_customer(customer.0.clone()))
            .py()
    }

    /// Add an item (invoice, debit or credit note).
    fn add_item(slf: &Bound<'_, Self>, item: PyRef<'_, PyItem>) -> PyResult<()> {
        slf.get().inner.update(|l| l.add_item(item.0.clone())).py()
    }

    /// Add a payment (unapplied cash until applied).
    fn add_payment(slf: &Bound<'_, Self>, payment: PyRef<'_, PyPayment>) -> PyResult<()> {
        slf.get()
            .inner
            .update(|l| l.add_payment(payment.0.clone()))
            .py()
    }

    /// Apply part of a payment to an item, as the caller decided.
    fn apply_payment(
        slf: &Bound<'_, Self>,
        payment_id: &str,
        item_id: &str,
        amount: &Bound<'_, PyAny>,
        date: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let amount = money_arg(amount, "amount")?;
        let date = date_from_py(date, "date")?;
        slf.get()
            .inner
            .update(|l| l.apply_payment(payment_id, item_id, amount, date))
            .py()
    }

    /// Net part of a credit note against a debit item.
    fn apply_credit_note(
        slf: &Bound<'_, Self>,
        credit_note_id: &str,
        item_id: &str,
        amount: &Bound<'_, PyAny>,
        date: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let amount = money_arg(amount, "amount")?;
        let date = date_from_py(date, "date")?;
        slf.get()
            .inner
            .update(|l| l.apply_credit_note(credit_note_id, item_id, amount, date))
            .py()
    }

    /// Record an application chosen elsewhere (loaded from an ERP…), with its rule.
    fn record_application(
        slf: &Bound<'_, Self>,
        application: PyRef<'_, PyApplication>,
    ) -> PyResult<()> {
        slf.get()
            .inner
            .update(|l| l.record_application(application.0.clone()))
            .py()
    }

    /// Apply what is left of a payment automatically, on its date: to the item its
    /// reference names, then to an item whose open amount equals what is left, then
    /// oldest due first. Returns the applications made, each with its rule.
    fn auto_apply(slf: &Bound<'_, Self>, payment_id: &str) -> PyResult<Vec<PyApplication>> {
        let made = slf.get().inner.update(|l| l.auto_apply(payment_id)).py()?;
        Ok(made.into_iter().map(PyApplication).collect())
    }

    /// Net every open credit note of a customer against its open debits, oldest due
    /// first. Returns the applications made.
    fn net_credit_notes(slf: &Bound<'_, Self>, customer_id: &str) -> PyResult<Vec<PyApplication>> {
        let made = slf
            .get()
            .inner
            .update(|l| l.net_credit_notes(customer_id))
            .py()?;
        Ok(made.into_iter().map(PyApplication).collect())
    }

    /// The customers, in insertion order (a new list of objects on each call; use
    /// `item_states()` or the report tables for bulk work).
    #[getter]
    fn customers(&self) -> Vec<PyCustomer> {
        self.inner
            .get()
            .customers()
            .iter()
            .cloned()
            .map(PyCustomer)
            .collect()
    }

    /// The items, in insertion order.
    #[getter]
    fn items(&self) -> Vec<PyItem> {
        self.inner
            .get()
            .items()
            .iter()
            .cloned()
            .map(PyItem)
            .collect()
    }

    /// The payments, in insertion order.
    #[getter]
    fn payments(&self) -> Vec<PyPayment> {
        self.inner
            .get()
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
            .get()
            .applications()
            .iter()
            .cloned()
            .map(PyApplication)
            .collect()
    }

    /// Number of customers.
    #[getter]
    fn num_customers(&self) -> usize {
        self.inner.get().customer_count()
    }

    /// Number of items.
    #[getter]
    fn num_items(&self) -> usize {
        self.inner.get().item_count()
    }

    /// Number of payments.
    #[getter]
    fn num_payments(&self) -> usize {
        self.inner.get().payment_count()
    }

    /// Number of applications.
    #[getter]
    fn num_applications(&self) -> usize {
        self.inner.get().application_count()
    }

    /// Bytes the ledger's columns and indexes hold (customers, items, payments and
    /// applications), for capacity planning.
    fn memory_bytes(&self) -> usize {
        self.inner.get().heap_bytes()
    }

    /// A customer by id, or None.
    fn customer(&self, id: &str) -> Option<PyCustomer> {
        self.inner.get().customer(id).map(PyCustomer)
    }

    /// An item by id, or None.
    fn item(&self, id: &str) -> Option<PyItem> {
        self.inner.get().item(id).map(PyItem)
    }

    /// A payment by id, or None.
    fn payment(&self, id: &str) -> Option<PyPayment> {
        self.inner.get().payment(id).map(PyPayment)
    }

    /// The open amount of an item at the end of `as_of` (zero before its issue date).
    fn open_amount(&self, item_id: &str, as_of: &Bound<'_, PyAny>) -> PyResult<PyMoney> {
        let d = date_from_py(as_of, "as_of")?;
        self.inner.get().open_amount(item_id, d).py().map(PyMoney)
    }

    /// What is left unapplied of a payment at the end of `as_of`.
    fn unapplied_amount(&self, payment_id: &str, as_of: &Bound<'_, PyAny>) -> PyResult<PyMoney> {
        let d = date_from_py(as_of, "as_of")?;
        self.inner
            .get()
            .unapplied_amount(payment_id, d)
            .py()
            .map(PyMoney)
    }

    /// A customer's balance at the end of `as_of`: open debits less open credit notes
    /// and unapplied cash. Positive when the customer owes.
    fn balance(&self, customer_id: &str, as_of: &Bound<'_, PyAny>) -> PyResult<PyMoney> {
        let d = date_from_py(as_of, "as_of")?;
        self.inner.get().balance(customer_id, d).py().map(PyMoney)
    }

    /// Every item issued by `as_of` with its state at the end of that day, as a
    /// Table: item_id, customer_id, kind, issue_date, due_date, currency, amount,
    /// open, settled, last_settlement. Built as Arrow arrays straight from the
    /// ledger's columns; ids keep the type they came in (integers stay integers).
    fn item_states(&self, py: Python<'_>, as_of: &Bound<'_, PyAny>) -> PyResult<PyTable> {
        let d = date_from_py(as_of, "as_of")?;
        let ledger = &*self.inner.get();
        py.detach(|| crate::arrow_out::item_states(ledger, d))?
            .finish()
    }

    /// Every customer's balance at the end of `as_of`, as a Table: customer_id,
    /// currency, balance.
    fn balances(&self, py: Python<'_>, as_of: &Bound<'_, PyAny>) -> PyResult<PyTable> {
        let d = date_from_py(as_of, "as_of")?;
        let ledger = &*self.inner.get();
        py.detach(|| crate::arrow_out::balances(ledger, d))?
            .finish()
    }

    /// Today's dunning plan (`encours.DunningPlan`): the reminders, letters, calls and
    /// tasks due on `as_of` under `config`, given the `history` of actions already
    /// taken (None for none), `promises` to pay, reference-rate tables for interest
    /// (the built-in ones when None) and caller `calendars` (found by name before the
    /// built-in codes). Pure: recording the plan in the history and planning the
    /// same day again gives no new action. `fx_rates` convert a step's fee listed
    /// only in another currency than the customer's (without a rate the action has
    /// no fee and says so in its warnings). `payment_plans` (PlanTracking, each tracked
    /// as of `as_of`): a running plan keeps its items out of dunning
    /// ("under_payment_plan") except their part of missed instalments, dunned from the
    /// instalment's due date; a breached plan returns its items to dunning.
    #[pyo3(signature = (config, as_of, *, history = None, promises = None, rate_tables = None, calendars = None, fx_rates = None, payment_plans = None))]
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
        fx_rates: Option<PyRef<'_, crate::money::PyFxRates>>,
        payment_plans: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<crate::dunning::PyDunningPlan> {
        crate::dunning::plan_for(
            py,
            &self.inner.get(),
            &config,
            as_of,
            history.as_deref(),
            promises,
            rate_tables.as_deref(),
            calendars,
            fx_rates.as_deref(),
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
        let ledger = &*self.inner.get();
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
        let ledger = &*self.inner.get();
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
        let ledger = &*self.inner.get();
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
        let ledger = &*self.inner.get();
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
        let ledger = &*self.inner.get();
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
        let ledger = &*self.inner.get();
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
        let ledger = &*self.inner.get();
        py.detach(|| metrics::portfolio_summary(ledger, &config, g))
            .py()
            .map(reports::summary_report)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let json = slf.get().to_json(slf.py(), None)?;
        Ok((slf.get_type().getattr("from_json")?, (json,)))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyLedger>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "Ledger(customers={}, items={}, payments={}, applications={})",
            self.inner.get().customer_count(),
            self.inner.get().item_count(),
            self.inner.get().payment_count(),
            self.inner.get().application_count()
        )
    }
}

/// Register the class.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyLedger>()
}
