//! Credit limits and the order check from `encours_core::limits`: the recommended
//! limit, the credit index (built once from the ledger, fed events, asked on every
//! order line), exposure by customer and group, limits in force, alerts, and holds
//! from a dunning history. Dicts in the core's serde form in, dicts out (see
//! [`crate::risk`]).

use encours_core::limits::alerts::{AlertConfig, alerts};
use encours_core::limits::check::{CheckOptions, Decision, OrderRequest, holds_from_dunning};
use encours_core::limits::exposure::ExposureRecords;
use encours_core::limits::in_force::CreditLimits;
use encours_core::limits::index::{CreditEvent, CreditIndex, IndexInputs, OrderHold};
use encours_core::limits::recommend::{RecommendInputs, RecommendRules, recommend};
use encours_core::money::{FxRates, Money};
use encours_core::risk::scorecard::Migration;
use pyo3::prelude::*;

use crate::convert::{date_from_py, decimal_from_py};
use crate::dunning::{PyDunningConfig, PyHistory};
use crate::errors::{CoreResult, Kind, new_err};
use crate::ledger::PyLedger;
use crate::risk::{arg, opt_arg, out};

/// A recommended limit from rules and the customer's figures, with every rule's
/// figures and the rule that set it.
#[pyfunction]
fn recommend_limit<'py>(
    py: Python<'py>,
    rules: &Bound<'py, PyAny>,
    inputs: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let r: RecommendRules = arg(rules, "limit rules")?;
    let i: RecommendInputs = arg(inputs, "recommendation inputs")?;
    out(py, &recommend(&r, &i).py()?)
}

/// Accounts on hold from a dunning history (steps with the `block_orders` effect,
/// escalations), as dicts `CreditIndex` takes in `holds`.
#[pyfunction]
fn holds_from_dunning_history<'py>(
    py: Python<'py>,
    history: PyRef<'py, PyHistory>,
    config: PyRef<'py, PyDunningConfig>,
) -> PyResult<Bound<'py, PyAny>> {
    out(py, &holds_from_dunning(&history.0.get(), &config.0))
}

fn decision_name(d: Decision) -> &'static str {
    match d {
        Decision::Approve => "approve",
        Decision::Warn => "warn",
        Decision::Block => "block",
    }
}

/// The credit index: exposure, limits, holds, overdue items and risk classes of every
/// customer, kept in memory and updated on each event.
#[pyclass(name = "CreditIndex", module = "encours")]
pub struct PyCreditIndex {
    inner: CreditIndex,
    options: CheckOptions,
}

#[pymethods]
impl PyCreditIndex {
    /// Build from the ledger as of the end of `as_of` and the caller's records,
    /// limits, holds and exchange rates (dicts in the core's form); `options` are the
    /// check options `check` and `decide` use.
    #[new]
    #[pyo3(signature = (ledger, as_of, *, records = None, limits = None, holds = None, fx = None, options = None))]
    fn new(
        ledger: PyRef<'_, PyLedger>,
        as_of: &Bound<'_, PyAny>,
        records: Option<&Bound<'_, PyAny>>,
        limits: Option<&Bound<'_, PyAny>>,
        holds: Option<&Bound<'_, PyAny>>,
        fx: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let records: ExposureRecords = opt_arg(records, "exposure records")?;
        let limits: CreditLimits = opt_arg(limits, "credit limits")?;
        let holds: Vec<OrderHold> = opt_arg(holds, "holds")?;
        let fx: FxRates = match fx {
            Some(f) if !f.is_none() => match f.extract::<PyRef<'_, crate::money::PyFxRates>>() {
                Ok(r) => r.0.clone(),
                Err(_) => arg(f, "exchange rates")?,
            },
            _ => FxRates::new(),
        };
        let options: CheckOptions = opt_arg(options, "check options")?;
        options.validate().py()?;
        let inner = CreditIndex::build(
            &ledger.inner.get(),
            &IndexInputs {
                records: &records,
                limits: &limits,
                holds: &holds,
                fx: &fx,
            },
            date_from_py(as_of, "as_of")?,
        )
        .py()?;
        Ok(PyCreditIndex { inner, options })
    }

    /// Replace the check options (a dict; unknown keys refused).
    fn set_options(&mut self, options: &Bound<'_, PyAny>) -> PyResult<()> {
        let o: CheckOptions = arg(options, "check options")?;
        o.validate().py()?;
        self.options = o;
        Ok(())
    }

    /// Follow one event (`{"event": "item_issued", ...}`, `payment_received`,
    /// `applied`, `order_placed`, `order_closed`, `delivered`, `delivery_invoiced`,
    /// `bill_accepted`, `bill_settled`, `plan_balance_set`, `limits_set`,
    /// `group_limits_set`, `hold_set`, `hold_released`, `risk_class_set`).
    fn apply(&mut self, event: &Bound<'_, PyAny>) -> PyResult<()> {
        let e: CreditEvent = arg(event, "credit event")?;
        self.inner.apply(&e).py()
    }

    /// Check an order with every reason: `customer_id`, `amount` (Money), `date`,
    /// optional `order_id` and `override_by` ({"by", "reason"}).
    #[pyo3(signature = (customer_id, amount, date, *, order_id = None, override_by = None))]
    fn check<'py>(
        &self,
        py: Python<'py>,
        customer_id: &str,
        amount: PyRef<'py, crate::money::PyMoney>,
        date: &Bound<'py, PyAny>,
        order_id: Option<String>,
        override_by: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut req = OrderRequest::new(customer_id, amount.0, date_from_py(date, "date")?);
        req.order_id = order_id;
        if let Some(o) = override_by {
            req.override_by = Some(arg(o, "override")?);
        }
        out(py, &self.inner.check(&self.options, &req).py()?)
    }

    /// The decision alone ("approve", "warn" or "block"): the hot path. `amount` is a
    /// Decimal, str or int in the account's currency.
    fn decide(
        &self,
        customer_id: &str,
        amount: &Bound<'_, PyAny>,
        date: &Bound<'_, PyAny>,
    ) -> PyResult<&'static str> {
        let c = self.inner.position(customer_id).ok_or_else(|| {
            new_err(
                Kind::Limit,
                "unknown",
                format!("unknown customer \"{customer_id}\" referenced by decide"),
            )
        })?;
        let currency = self.inner.currency_of(c).ok_or_else(|| {
            new_err(
                Kind::Limit,
                "unknown",
                format!("unknown customer \"{customer_id}\""),
            )
        })?;
        let money = Money::new(decimal_from_py(amount, "amount", "amount")?, currency);
        let req = OrderRequest::new(customer_id, money, date_from_py(date, "date")?);
        Ok(decision_name(self.inner.decide(&self.options, &req).py()?))
    }

    /// Exposure by category on `date` (`group=True`: the group's, in its top
    /// customer's currency); `horizon_days` leaves out orders expected later.
    #[pyo3(signature = (customer_id, date, *, group = false, horizon_days = None))]
    fn exposure<'py>(
        &self,
        py: Python<'py>,
        customer_id: &str,
        date: &Bound<'py, PyAny>,
        group: bool,
        horizon_days: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let d = date_from_py(date, "date")?;
        let e = if group {
            self.inner
                .group_exposure(customer_id, d, None, horizon_days)
        } else {
            self.inner.exposure(customer_id, d, None, horizon_days)
        };
        out(py, &e.py()?)
    }

    /// The limits in force on `date`, with every part and its conversion.
    fn limits<'py>(
        &self,
        py: Python<'py>,
        customer_id: &str,
        date: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        out(
            py,
            &self
                .inner
                .limits(customer_id, date_from_py(date, "date")?)
                .py()?,
        )
    }

    /// The alerts for `date`; `migrations` (from `score_migration`) adds downgrades.
    #[pyo3(signature = (date, *, config = None, migrations = None))]
    fn alerts<'py>(
        &self,
        py: Python<'py>,
        date: &Bound<'py, PyAny>,
        config: Option<&Bound<'py, PyAny>>,
        migrations: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let c: AlertConfig = opt_arg(config, "alert settings")?;
        let m: Vec<Migration> = opt_arg(migrations, "score migrations")?;
        out(
            py,
            &alerts(&self.inner, &c, date_from_py(date, "date")?, &m).py()?,
        )
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("CreditIndex(customers={})", self.inner.len())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCreditIndex>()?;
    m.add_function(wrap_pyfunction!(recommend_limit, m)?)?;
    m.add_function(wrap_pyfunction!(holds_from_dunning_history, m)?)?;
    Ok(())
}
