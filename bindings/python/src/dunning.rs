//! Dunning from `encours_core::dunning`, `promises` and `letters`: the configuration
//! (scenarios, assignment rules, policies), promises to pay, the daily plan with the
//! reasons of every action and of every item left out, the history the caller
//! persists, and letters rendered from templates. `Ledger.dunning_plan` calls
//! [`plan_for`].

use encours_core::calendar::Calendar;
use encours_core::dunning::{
    self, Action, ActionItem, ActionKind, ActionReason, ActionWarning, AssignedBy, Assignment,
    Channel, DunningConfig, DunningConfigData, DunningPlan, Effect, History, LeftOut,
    LeftOutReason, NextStep, PlanContext,
};
use encours_core::ledger::{ItemKind, Ledger};
use encours_core::letters::{Language, Letter, LetterSettings, Letters};
use encours_core::money::Money;
use encours_core::promises::PromiseToPay;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

use crate::calendar::PyCalendar;
use crate::convert::{
    config_err, date_from_py, enum_from_str, enum_to_str, from_json, json_text, py_to_json,
    str_repr, to_json, type_name,
};
use crate::errors::CoreResult;
use crate::interest::{PyRateTables, json_value_to_py};
use crate::ledger::collect;
use crate::money::{PyMoney, money_repr};
use crate::records::{PyCustomer, money_arg, strings};
use crate::table::{Col, PyTable, TableBuilder};
use crate::values::{ToPy, reduce_json};

macro_rules! enum_as_str {
    ($($t:ty),*) => {$(
        impl ToPy for $t {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                enum_to_str(self).to_py(py)
            }
        }
    )*};
}
enum_as_str!(Channel, ActionKind, Effect, ItemKind, Language);

// ---------------------------------------------------------------------- configuration

/// A configuration from its data form: JSON of the wrong shape is an InputError, a
/// broken rule the DunningError it is (naming the scenario and the step).
fn config_from(
    data: Result<DunningConfigData, encours_core::config::ConfigError>,
) -> PyResult<DunningConfig> {
    DunningConfig::try_from(data.map_err(config_err)?).py()
}

/// The dunning configuration: scenarios of steps, assignment rules (first match wins,
/// else the default scenario) and policies (promise grace, grouping, catch-up,
/// spacing, thank-yous, interest rule, default jurisdiction and calendar). It is
/// validated on load: steps out of order, negative amounts and unknown channels raise
/// `DunningError` naming the scenario and the step.
#[pyclass(name = "DunningConfig", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyDunningConfig(pub DunningConfig);

#[pymethods]
impl PyDunningConfig {
    /// A configuration from its JSON form (str or bytes), as an ERP administrator
    /// writes it.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        config_from(encours_core::config::from_json(
            &json_text(data)?,
            "dunning configuration",
        ))
        .map(PyDunningConfig)
    }
    /// A configuration from Python data: the JSON form as dicts and lists (for example
    /// what `tomllib.load` or `json.load` return). Amounts and rates as `Decimal` or
    /// str, never float.
    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        if !data.is_instance_of::<PyDict>() {
            return Err(PyTypeError::new_err(format!(
                "from_dict expects a dict, not {}",
                type_name(data)
            )));
        }
        let value = py_to_json(data, "")?;
        config_from(encours_core::config::from_value(
            value,
            "dunning configuration",
        ))
        .map(PyDunningConfig)
    }
    /// The JSON form, compact or indented by `indent` spaces.
    #[pyo3(signature = (indent = None))]
    fn to_json(&self, indent: Option<usize>) -> PyResult<String> {
        to_json(&self.0, indent)
    }
    /// The JSON form as Python data (dicts, lists, str).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_value_to_py(py, &self.0)
    }
    /// The scenario ids, in order.
    #[getter]
    fn scenario_ids(&self) -> Vec<String> {
        self.0.scenarios.iter().map(|s| s.id.clone()).collect()
    }
    /// The assignment rule ids, in the order they are tried.
    #[getter]
    fn rule_ids(&self) -> Vec<String> {
        self.0.rules.iter().map(|r| r.id.clone()).collect()
    }
    /// The scenario of customers no rule matches.
    #[getter]
    fn default_scenario(&self) -> String {
        self.0.default_scenario.clone()
    }
    /// The scenario a customer gets, and why (override, rule, default).
    fn assign(&self, customer: PyRef<'_, PyCustomer>) -> PyResult<PyAssignment> {
        self.0.assign(&customer.0).py().map(PyAssignment)
    }
    /// The statutory regime for the customer's late-payment interest and indemnity:
    /// "france", "germany", "united_kingdom", "eu_directive" (other EU members), or
    /// the configured default (None when there is none).
    fn jurisdiction_for(&self, customer: PyRef<'_, PyCustomer>) -> Option<String> {
        dunning::jurisdiction_for(&self.0, &customer.0).map(|j| enum_to_str(&j))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce_json(slf, slf.get().to_json(None)?)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let list = |v: Vec<String>| -> PyResult<String> {
            let parts: PyResult<Vec<String>> = v.iter().map(|s| str_repr(py, s)).collect();
            Ok(format!("[{}]", parts?.join(", ")))
        };
        Ok(format!(
            "DunningConfig(scenarios={}, rules={}, default_scenario={})",
            list(self.scenario_ids())?,
            list(self.rule_ids())?,
            str_repr(py, &self.0.default_scenario)?
        ))
    }
}

// ---------------------------------------------------------------------- assignment

/// How a customer's scenario was chosen: `kind` is "customer_override", "rule" (then
/// `rule` is the matching rule's id) or "default".
#[pyclass(name = "AssignedBy", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyAssignedBy(pub AssignedBy);

#[pymethods]
impl PyAssignedBy {
    /// "customer_override", "rule" or "default".
    #[getter]
    fn kind(&self) -> &'static str {
        match &self.0 {
            AssignedBy::CustomerOverride => "customer_override",
            AssignedBy::Rule(_) => "rule",
            AssignedBy::Default => "default",
        }
    }
    /// The matching rule's id, for `kind == "rule"`.
    #[getter]
    fn rule(&self) -> Option<String> {
        match &self.0 {
            AssignedBy::Rule(r) => Some(r.clone()),
            _ => None,
        }
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(match self.rule() {
            Some(r) => format!("AssignedBy(kind='rule', rule={})", str_repr(py, &r)?),
            None => format!("AssignedBy(kind='{}')", self.kind()),
        })
    }
}

impl ToPy for AssignedBy {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyAssignedBy(self.clone()).into_pyobject(py)?.into_any())
    }
}

figures_class!(
    /// The scenario chosen for a customer, and why.
    PyAssignment, "Assignment", Assignment,
    fields: [
        /// The customer.
        customer_id,
        /// The scenario.
        scenario_id,
        /// How it was chosen.
        by,
    ]
);

// ---------------------------------------------------------------------- promises

/// A promise to pay (*promesse de règlement*): the customer commits to pay `amount`
/// by `promised_date`. Until that date plus the configuration's grace days, the items
/// it covers (all the customer's items when `item_ids` is empty) are not dunned.
#[pyclass(name = "PromiseToPay", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyPromiseToPay(pub PromiseToPay);

#[pymethods]
impl PyPromiseToPay {
    /// `PromiseToPay(id, customer_id, amount, promised_date, made_on, *, item_ids=())`.
    #[new]
    #[pyo3(signature = (id, customer_id, amount, promised_date, made_on, *, item_ids = None))]
    fn new(
        id: String,
        customer_id: String,
        amount: &Bound<'_, PyAny>,
        promised_date: &Bound<'_, PyAny>,
        made_on: &Bound<'_, PyAny>,
        item_ids: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let amount = money_arg(amount, "amount")?;
        let promised_date = date_from_py(promised_date, "promised_date")?;
        let made_on = date_from_py(made_on, "made_on")?;
        let mut p = PromiseToPay::new(id, customer_id, amount, promised_date, made_on).py()?;
        p.item_ids = strings(item_ids, "item_ids")?;
        Ok(PyPromiseToPay(p))
    }
    /// Promise id.
    #[getter]
    fn id(&self) -> String {
        self.0.id.clone()
    }
    /// The customer who promised.
    #[getter]
    fn customer_id(&self) -> String {
        self.0.customer_id.clone()
    }
    /// Items covered; empty means all the customer's items.
    #[getter]
    fn item_ids(&self) -> Vec<String> {
        self.0.item_ids.clone()
    }
    /// Amount promised.
    #[getter]
    fn amount(&self) -> PyMoney {
        PyMoney(self.0.amount)
    }
    /// Day the customer promised to pay by.
    #[getter]
    fn promised_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.0.promised_date.to_py(py)
    }
    /// Day the promise was made.
    #[getter]
    fn made_on<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.0.made_on.to_py(py)
    }
    /// Whether the promise covers the item.
    fn covers(&self, item_id: &str) -> bool {
        self.0.covers(item_id)
    }
    /// Whether the promise holds dunning back on `date`: made on or before it, and
    /// `date` no later than the promised date plus `grace_days`.
    #[pyo3(signature = (date, grace_days = 0))]
    fn is_running(&self, date: &Bound<'_, PyAny>, grace_days: u32) -> PyResult<bool> {
        Ok(self.0.is_running(date_from_py(date, "date")?, grace_days))
    }
    /// The JSON form (the core's serde form).
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }
    /// A value from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json::<PromiseToPay>(data, "promise to pay").map(PyPromiseToPay)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce_json(slf, slf.get().to_json()?)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let p = &self.0;
        let ids: PyResult<Vec<String>> = p.item_ids.iter().map(|s| str_repr(py, s)).collect();
        Ok(format!(
            "PromiseToPay(id={}, customer_id={}, amount={}, promised_date=datetime.date({}), made_on=datetime.date({}), item_ids=[{}])",
            str_repr(py, &p.id)?,
            str_repr(py, &p.customer_id)?,
            money_repr(&p.amount),
            p.promised_date.format("%Y, %-m, %-d"),
            p.made_on.format("%Y, %-m, %-d"),
            ids?.join(", ")
        ))
    }
}

// ---------------------------------------------------------------------- the plan

figures_class!(
    /// An item listed in an action, with everything a letter needs.
    PyActionItem, "ActionItem", ActionItem,
    fields: [
        /// The item.
        item_id,
        /// "invoice", "debit_note" or "credit_note".
        kind,
        /// Issue date.
        issue_date,
        /// Due date.
        due_date,
        /// Days overdue on the plan's date (negative before the due date).
        days_overdue,
        /// Gross amount.
        amount,
        /// Open amount.
        open,
        /// Amount claimed: open less any disputed part.
        claimed,
        /// The step level (1-based) the item reaches; 0 for thank-yous.
        level,
        /// Its step id.
        step_id,
        /// Steps passed over when catching up to the highest step reached.
        skipped_steps,
        /// Flat recovery indemnity claimed for it, or None.
        recovery_indemnity,
        /// Late-payment interest claimed for it, or None.
        interest,
        /// Day of the latest payment or credit applied to it (the day it was paid in
        /// full, for a thank-you), or None.
        last_settlement,
    ]
);

figures_class!(
    /// The next step a customer gets if nothing changes.
    PyNextStep, "NextStep", NextStep,
    fields: [
        /// Step id.
        step_id,
        /// Its channel.
        channel,
        /// Earliest day it can be taken.
        date,
    ]
);

figures_class!(
    /// One dunning action for one customer: a reminder, letter, call or task at one
    /// step (or an escalation, or a thank-you), with the items concerned, the fees,
    /// interest and totals, the side effects, the next step, and why.
    PyAction, "Action", Action,
    fields: [
        /// Stable id: `date/customer/kind[/step]`.
        id,
        /// The plan's date.
        date,
        /// "step", "escalation" or "thank_you".
        kind,
        /// The customer.
        customer_id,
        /// The customer's name.
        customer_name,
        /// The scenario.
        scenario_id,
        /// How the scenario was chosen.
        assigned_by,
        /// The step, for step actions.
        step_id,
        /// The level (1-based step index; 0 for thank-yous and escalations).
        level,
        /// "email", "letter", "sms", "phone_call", "collector_task", "formal_notice",
        /// "litigation", "collection_agency" or "internal_escalation".
        channel,
        /// Template key.
        template,
        /// The items concerned.
        items,
        /// Total open of the items.
        total_open,
        /// Total claimed (open less disputed parts).
        total_claimed,
        /// Fixed fee of the step, or None.
        fee,
        /// The step's percentage fee (after its floor and cap), or None.
        percent_fee,
        /// Total of the recovery indemnities.
        total_indemnities,
        /// Total interest.
        total_interest,
        /// Total due: claimed + fee + percent fee + indemnities + interest.
        total_due,
        /// Side effects: "block_orders", "mark_for_provision", "stop_pre_due".
        effects,
        /// The next step if nothing changes, or None.
        next_step,
        /// Why this action, in words built from data.
        reasons,
        /// What could not be computed (the action stands without that part).
        warnings,
    ]
);

/// The reason code of a left-out reason: its serde tag (`"disputed"`…).
fn reason_code(r: &LeftOutReason) -> String {
    match serde_json::to_value(r) {
        Ok(Value::Object(m)) => m
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_owned(),
        _ => "unknown".to_owned(),
    }
}

/// The figures of a left-out reason, each with its name in the core's form: both the
/// `details` of a `LeftOut` and the columns of `left_out_table` read them.
#[derive(Default)]
struct ReasonFigures {
    /// Column `block_reason`; present (maybe None) for blocks.
    block_reason: Option<Option<String>>,
    /// Column `promise_id`.
    promise_id: Option<String>,
    /// Column `amount`: the disputed, claimed, customer total or credits figure.
    amount: Option<(&'static str, Money)>,
    /// Column `limit`: the minimum or the overdue it was compared with.
    limit: Option<(&'static str, Money)>,
    /// Column `last_action`.
    last_action: Option<chrono::NaiveDate>,
    /// Column `until`: the promise's last day or the next possible reminder.
    until: Option<(&'static str, chrono::NaiveDate)>,
    /// False for a reason added to the core after this binding.
    known: bool,
}

fn reason_figures(r: &LeftOutReason) -> ReasonFigures {
    let f = ReasonFigures {
        known: true,
        ..ReasonFigures::default()
    };
    match r {
        LeftOutReason::Disputed { disputed } => ReasonFigures {
            amount: Some(("disputed", *disputed)),
            ..f
        },
        LeftOutReason::ItemBlocked { block_reason }
        | LeftOutReason::CustomerBlocked { block_reason } => ReasonFigures {
            block_reason: Some(block_reason.clone()),
            ..f
        },
        LeftOutReason::UnderPromise { promise_id, until } => ReasonFigures {
            promise_id: Some(promise_id.clone()),
            until: Some(("until", *until)),
            ..f
        },
        LeftOutReason::BelowItemMinimum { claimed, minimum } => ReasonFigures {
            amount: Some(("claimed", *claimed)),
            limit: Some(("minimum", *minimum)),
            ..f
        },
        LeftOutReason::BelowCustomerMinimum { total, minimum } => ReasonFigures {
            amount: Some(("total", *total)),
            limit: Some(("minimum", *minimum)),
            ..f
        },
        LeftOutReason::CreditsCoverOverdue { credits, overdue } => ReasonFigures {
            amount: Some(("credits", *credits)),
            limit: Some(("overdue", *overdue)),
            ..f
        },
        LeftOutReason::RecentlyReminded {
            last_action,
            next_possible,
        } => ReasonFigures {
            last_action: Some(*last_action),
            until: Some(("next_possible", *next_possible)),
            ..f
        },
        LeftOutReason::PreDueStopped => f,
        _ => ReasonFigures::default(),
    }
}

/// The figures of a left-out reason, typed: Money, dates, str.
fn reason_details<'py>(py: Python<'py>, r: &LeftOutReason) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let f = reason_figures(r);
    if !f.known {
        // A reason added to the core later: its JSON fields as they are.
        if let Ok(Value::Object(m)) = serde_json::to_value(r) {
            for (k, v) in m {
                if k != "reason" {
                    d.set_item(k, json_value_to_py(py, &v)?)?;
                }
            }
        }
        return Ok(d);
    }
    if let Some(b) = &f.block_reason {
        d.set_item("block_reason", b.to_py(py)?)?;
    }
    if let Some(p) = &f.promise_id {
        d.set_item("promise_id", p)?;
    }
    for (name, m) in [f.amount, f.limit].into_iter().flatten() {
        d.set_item(name, m.to_py(py)?)?;
    }
    if let Some(l) = f.last_action {
        d.set_item("last_action", l.to_py(py)?)?;
    }
    if let Some((name, date)) = f.until {
        d.set_item(name, date.to_py(py)?)?;
    }
    Ok(d)
}

/// An item due for a step but left out of the plan, and why: `reason` is a code
/// ("disputed", "item_blocked", "customer_blocked", "under_promise",
/// "below_item_minimum", "below_customer_minimum", "credits_cover_overdue",
/// "recently_reminded", "pre_due_stopped", "under_payment_plan") and `details` its
/// figures.
#[pyclass(name = "LeftOut", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyLeftOut(pub LeftOut);

#[pymethods]
impl PyLeftOut {
    /// The customer.
    #[getter]
    fn customer_id(&self) -> String {
        self.0.customer_id.clone()
    }
    /// The item.
    #[getter]
    fn item_id(&self) -> String {
        self.0.item_id.clone()
    }
    /// The step it would have reached.
    #[getter]
    fn step_id(&self) -> String {
        self.0.step_id.clone()
    }
    /// Why, as a code.
    #[getter]
    fn reason(&self) -> String {
        reason_code(&self.0.reason)
    }
    /// The figures behind the reason (`{"disputed": Money(...)}`,
    /// `{"promise_id": "PR-1", "until": date}`…).
    #[getter]
    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        reason_details(py, &self.0.reason)
    }
    /// The JSON form (the core's serde form).
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }
    /// A value from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json::<LeftOut>(data, "left-out item").map(PyLeftOut)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce_json(slf, slf.get().to_json()?)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "LeftOut(customer_id={}, item_id={}, step_id={}, reason={}, details={})",
            str_repr(py, &self.0.customer_id)?,
            str_repr(py, &self.0.item_id)?,
            str_repr(py, &self.0.step_id)?,
            str_repr(py, &self.reason())?,
            self.details(py)?.repr()?
        ))
    }
}

impl ToPy for LeftOut {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyLeftOut(self.clone()).into_pyobject(py)?.into_any())
    }
}

fn dec(m: &Money) -> Option<rust_decimal::Decimal> {
    Some(m.amount())
}

fn joined<T: ToString>(v: &[T], sep: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.iter().map(T::to_string).collect::<Vec<_>>().join(sep))
}

/// A reason reads as its message in Python (`Action.reasons` is a list of str); its
/// code is in `to_dict()` / `to_json()` and in the actions table.
impl ToPy for ActionReason {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.message.clone().into_pyobject(py)?.into_any())
    }
}

/// A warning reads as its message in Python (`Action.warnings` is a list of str); its
/// code is in `to_dict()` / `to_json()` and in the actions table.
impl ToPy for ActionWarning {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.message.clone().into_pyobject(py)?.into_any())
    }
}

/// The serde name of a code (`"no_interest"`).
fn code_name(v: &impl serde::Serialize) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Today's dunning plan: the actions to take, the items left out and why, and the
/// scenario of every customer concerned. `len(plan)` is the number of actions.
#[pyclass(name = "DunningPlan", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyDunningPlan(pub DunningPlan);

#[pymethods]
impl PyDunningPlan {
    /// The plan's date.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.0.as_of.to_py(py)
    }
    /// The actions, by customer then level.
    #[getter]
    fn actions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.0.actions.to_py(py)
    }
    /// The items due for a step but left out, with the reason.
    #[getter]
    fn left_out<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.0.left_out.to_py(py)
    }
    /// The scenario of every customer with an action or an item left out.
    #[getter]
    fn assignments<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.0.assignments.to_py(py)
    }
    fn __len__(&self) -> usize {
        self.0.actions.len()
    }
    /// One row per action: ids, step, channel, currency, the totals as exact
    /// decimals, effects, next step, reasons and warnings (joined by "; ").
    fn actions_table(&self) -> PyResult<PyTable> {
        let a = &self.0.actions;
        let s = |f: &dyn Fn(&Action) -> Option<String>| Col::Str(a.iter().map(f).collect());
        let m = |f: &dyn Fn(&Action) -> Option<rust_decimal::Decimal>| {
            Col::Dec(a.iter().map(f).collect())
        };
        TableBuilder::new()
            .col("action_id", s(&|x| Some(x.id.clone())))
            .col("date", Col::Date(a.iter().map(|x| Some(x.date)).collect()))
            .col("kind", s(&|x| Some(enum_to_str(&x.kind))))
            .col("customer_id", s(&|x| Some(x.customer_id.clone())))
            .col("customer_name", s(&|x| Some(x.customer_name.clone())))
            .col("scenario_id", s(&|x| Some(x.scenario_id.clone())))
            .col(
                "assigned_by",
                s(&|x| Some(PyAssignedBy(x.assigned_by.clone()).kind().to_owned())),
            )
            .col("rule", s(&|x| PyAssignedBy(x.assigned_by.clone()).rule()))
            .col("step_id", s(&|x| x.step_id.clone()))
            .col(
                "level",
                Col::Int(a.iter().map(|x| Some(i64::from(x.level))).collect()),
            )
            .col("channel", s(&|x| Some(enum_to_str(&x.channel))))
            .col("template", s(&|x| Some(x.template.clone())))
            .col(
                "items",
                Col::Int(
                    a.iter()
                        .map(|x| i64::try_from(x.items.len()).ok())
                        .collect(),
                ),
            )
            .col(
                "currency",
                s(&|x| Some(x.total_due.currency().code().to_owned())),
            )
            .col("total_open", m(&|x| dec(&x.total_open)))
            .col("total_claimed", m(&|x| dec(&x.total_claimed)))
            .col("fee", m(&|x| x.fee.as_ref().and_then(dec)))
            .col("total_indemnities", m(&|x| dec(&x.total_indemnities)))
            .col("total_interest", m(&|x| dec(&x.total_interest)))
            .col("total_due", m(&|x| dec(&x.total_due)))
            .col(
                "effects",
                s(&|x| joined(&x.effects.iter().map(enum_to_str).collect::<Vec<_>>(), ",")),
            )
            .col(
                "next_step_id",
                s(&|x| x.next_step.as_ref().map(|n| n.step_id.clone())),
            )
            .col(
                "next_step_date",
                Col::Date(
                    a.iter()
                        .map(|x| x.next_step.as_ref().map(|n| n.date))
                        .collect(),
                ),
            )
            .col("reasons", s(&|x| joined(&x.reasons, "; ")))
            .col(
                "reason_codes",
                s(&|x| {
                    joined(
                        &x.reasons
                            .iter()
                            .map(|r| code_name(&r.code))
                            .collect::<Vec<_>>(),
                        "; ",
                    )
                }),
            )
            .col("warnings", s(&|x| joined(&x.warnings, "; ")))
            .col(
                "warning_codes",
                s(&|x| {
                    joined(
                        &x.warnings
                            .iter()
                            .map(|w| code_name(&w.code))
                            .collect::<Vec<_>>(),
                        "; ",
                    )
                }),
            )
            .finish()
    }
    /// One row per item of each action: the action, the item, its dates, days
    /// overdue, level, amounts, indemnity and interest as exact decimals.
    fn items_table(&self) -> PyResult<PyTable> {
        let rows: Vec<(&Action, &ActionItem)> = self
            .0
            .actions
            .iter()
            .flat_map(|a| a.items.iter().map(move |i| (a, i)))
            .collect();
        let s = |f: &dyn Fn(&Action, &ActionItem) -> Option<String>| {
            Col::Str(rows.iter().map(|(a, i)| f(a, i)).collect())
        };
        let m = |f: &dyn Fn(&ActionItem) -> Option<rust_decimal::Decimal>| {
            Col::Dec(rows.iter().map(|(_, i)| f(i)).collect())
        };
        TableBuilder::new()
            .col("action_id", s(&|a, _| Some(a.id.clone())))
            .col("customer_id", s(&|a, _| Some(a.customer_id.clone())))
            .col("action_kind", s(&|a, _| Some(enum_to_str(&a.kind))))
            .col("channel", s(&|a, _| Some(enum_to_str(&a.channel))))
            .col("item_id", s(&|_, i| Some(i.item_id.clone())))
            .col("item_kind", s(&|_, i| Some(enum_to_str(&i.kind))))
            .col(
                "issue_date",
                Col::Date(rows.iter().map(|(_, i)| Some(i.issue_date)).collect()),
            )
            .col(
                "due_date",
                Col::Date(rows.iter().map(|(_, i)| Some(i.due_date)).collect()),
            )
            .col(
                "days_overdue",
                Col::Int(rows.iter().map(|(_, i)| Some(i.days_overdue)).collect()),
            )
            .col(
                "level",
                Col::Int(rows.iter().map(|(_, i)| Some(i64::from(i.level))).collect()),
            )
            .col("step_id", s(&|_, i| i.step_id.clone()))
            .col("skipped_steps", s(&|_, i| joined(&i.skipped_steps, ",")))
            .col(
                "currency",
                s(&|_, i| Some(i.open.currency().code().to_owned())),
            )
            .col("amount", m(&|i| dec(&i.amount)))
            .col("open", m(&|i| dec(&i.open)))
            .col("claimed", m(&|i| dec(&i.claimed)))
            .col(
                "recovery_indemnity",
                m(&|i| i.recovery_indemnity.as_ref().and_then(dec)),
            )
            .col("interest", m(&|i| i.interest.as_ref().and_then(dec)))
            .finish()
    }
    /// One row per item left out: the reason code and its figures (`amount` is the
    /// disputed, claimed, customer total or credits figure; `limit` the minimum or
    /// the overdue it was compared with; `until` the promise's last day or the next
    /// possible reminder).
    fn left_out_table(&self) -> PyResult<PyTable> {
        let l = &self.0.left_out;
        let f: Vec<ReasonFigures> = l.iter().map(|x| reason_figures(&x.reason)).collect();
        let s = |g: &dyn Fn(&LeftOut) -> Option<String>| Col::Str(l.iter().map(g).collect());
        TableBuilder::new()
            .col("customer_id", s(&|x| Some(x.customer_id.clone())))
            .col("item_id", s(&|x| Some(x.item_id.clone())))
            .col("step_id", s(&|x| Some(x.step_id.clone())))
            .col("reason", s(&|x| Some(reason_code(&x.reason))))
            .col(
                "currency",
                Col::Str(
                    f.iter()
                        .map(|x| {
                            x.amount
                                .or(x.limit)
                                .map(|(_, m)| m.currency().code().to_owned())
                        })
                        .collect(),
                ),
            )
            .col(
                "amount",
                Col::Dec(
                    f.iter()
                        .map(|x| x.amount.map(|(_, m)| m.amount()))
                        .collect(),
                ),
            )
            .col(
                "limit",
                Col::Dec(f.iter().map(|x| x.limit.map(|(_, m)| m.amount())).collect()),
            )
            .col(
                "until",
                Col::Date(f.iter().map(|x| x.until.map(|(_, d)| d)).collect()),
            )
            .col(
                "last_action",
                Col::Date(f.iter().map(|x| x.last_action).collect()),
            )
            .col(
                "promise_id",
                Col::Str(f.iter().map(|x| x.promise_id.clone()).collect()),
            )
            .col(
                "block_reason",
                Col::Str(f.iter().map(|x| x.block_reason.clone().flatten()).collect()),
            )
            .finish()
    }
    /// The JSON form (the core's serde form), compact or indented.
    #[pyo3(signature = (indent = None))]
    fn to_json(&self, indent: Option<usize>) -> PyResult<String> {
        to_json(&self.0, indent)
    }
    /// A plan from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json::<DunningPlan>(data, "dunning plan").map(PyDunningPlan)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce_json(slf, slf.get().to_json(None)?)
    }
    fn __repr__(&self) -> String {
        format!(
            "DunningPlan(as_of=datetime.date({}), actions={}, left_out={}, customers={})",
            self.0.as_of.format("%Y, %-m, %-d"),
            self.0.actions.len(),
            self.0.left_out.len(),
            self.0.assignments.len()
        )
    }
}

// ---------------------------------------------------------------------- history

/// The record of dunning actions already taken. The caller persists it (`to_json`,
/// pickling) and passes it to the next `Ledger.dunning_plan`, which then never
/// repeats an action. Record only the actions actually carried out.
#[pyclass(name = "History", module = "encours", eq, frozen)]
#[derive(Clone, PartialEq, Default)]
pub struct PyHistory(pub crate::sharing::Shared<History>);

#[pymethods]
impl PyHistory {
    /// An empty history.
    #[new]
    fn new() -> Self {
        Self::default()
    }
    /// Record every action of a plan as taken on the plan's date.
    fn record(slf: &Bound<'_, Self>, plan: PyRef<'_, PyDunningPlan>) -> PyResult<()> {
        slf.get().0.update(|h| h.record(&plan.0));
        Ok(())
    }
    /// Record one action as taken.
    fn record_action(slf: &Bound<'_, Self>, action: PyRef<'_, PyAction>) -> PyResult<()> {
        slf.get().0.update(|h| h.record_action(&action.0));
        Ok(())
    }
    /// The entries, in the order recorded, as dicts (action_id, date, customer_id,
    /// kind, scenario_id, step_id, items).
    #[getter]
    fn entries<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_value_to_py(py, &self.0.get().entries)
    }
    fn __len__(&self) -> usize {
        self.0.get().entries.len()
    }
    /// The JSON form (the core's serde form), compact or indented.
    #[pyo3(signature = (indent = None))]
    fn to_json(&self, indent: Option<usize>) -> PyResult<String> {
        to_json(&*self.0.get(), indent)
    }
    /// A history from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json::<History>(data, "dunning history")
            .map(|h| PyHistory(crate::sharing::Shared::new(h)))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let json = slf.get().to_json(None)?;
        reduce_json(slf, json)
    }
    fn __repr__(&self) -> String {
        format!("History(entries={})", self.0.get().entries.len())
    }
}

/// `Ledger.dunning_plan`: the GIL is released while planning.
#[allow(clippy::too_many_arguments)]
pub fn plan_for(
    py: Python<'_>,
    ledger: &Ledger,
    config: &PyDunningConfig,
    as_of: &Bound<'_, PyAny>,
    history: Option<&PyHistory>,
    promises: Option<&Bound<'_, PyAny>>,
    rate_tables: Option<&PyRateTables>,
    calendars: Option<&Bound<'_, PyAny>>,
    fx_rates: Option<&crate::money::PyFxRates>,
    payment_plans: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyDunningPlan> {
    let as_of = date_from_py(as_of, "as_of")?;
    let promises: Vec<PromiseToPay> =
        collect::<PyPromiseToPay, _>(promises, "promises", "PromiseToPay", |p| p.0.clone())?;
    let calendars: Vec<Calendar> =
        collect::<PyCalendar, _>(calendars, "calendars", "Calendar", |c| c.0.clone())?;
    let payment_plans = collect::<crate::plans::PyPlanTracking, _>(
        payment_plans,
        "payment_plans",
        "PlanTracking",
        |t| t.0.clone(),
    )?;
    let empty = History::default();
    let snapshot = history.map(|h| h.0.get());
    let history = snapshot.as_deref().unwrap_or(&empty);
    let mut ctx = PlanContext::new(ledger, &config.0);
    ctx.promises = &promises;
    ctx.calendars = &calendars;
    ctx.rate_tables = rate_tables.map(|t| &t.0);
    ctx.fx_rates = fx_rates.map(|f| &f.0);
    ctx.payment_plans = &payment_plans;
    py.detach(|| dunning::plan(&ctx, history, as_of))
        .py()
        .map(PyDunningPlan)
}

// ---------------------------------------------------------------------- letters

figures_class!(
    /// A rendered letter or message.
    PyLetter, "Letter", Letter,
    fields: [
        /// The action rendered.
        action_id,
        /// Its channel.
        channel,
        /// "en" or "fr".
        language,
        /// The template key used (the step's, or the channel's default).
        template,
        /// Subject, when the template's first line gives one (`Subject: ...`).
        subject,
        /// Body.
        body,
    ]
);

fn language_arg(language: &str) -> PyResult<Language> {
    enum_from_str::<Language>("language", language)
}

/// Letter templates (minijinja): the default English and French templates per
/// channel, which you replace or extend with `set_template`. A template sees every
/// field of the action (`items`, `total_claimed`, `fee`, `next_step`…), `sender`,
/// `payment_instructions`, `lang`, and the filters `money` (an amount formatted for
/// the language) and `channel` (a channel's name in the language).
#[pyclass(name = "Letters", module = "encours")]
pub struct PyLetters(pub Letters);

#[pymethods]
impl PyLetters {
    /// The default English and French templates.
    #[new]
    fn new() -> Self {
        PyLetters(Letters::with_defaults())
    }
    /// No templates at all.
    #[staticmethod]
    fn empty() -> Self {
        PyLetters(Letters::empty())
    }
    /// Add or replace the template `key` for `language` ("en" or "fr"). A first line
    /// `Subject: ...` gives the subject. Raises `LetterError` when it does not
    /// compile; an unknown filter or variable shows only when rendering, so render a
    /// sample action after replacing a template.
    fn set_template(&mut self, language: &str, key: &str, source: &str) -> PyResult<()> {
        self.0
            .set_template(language_arg(language)?, key, source)
            .py()
    }
    /// The source of the template `key` in `language`, to start your own from a
    /// default; None when there is none.
    fn template_source(&self, language: &str, key: &str) -> PyResult<Option<String>> {
        Ok(self.0.template_source(language_arg(language)?, key))
    }
    /// The template keys for `language`, sorted.
    fn template_keys(&self, language: &str) -> PyResult<Vec<String>> {
        Ok(self.0.template_keys(language_arg(language)?))
    }
    /// Render one action: the step's template in `language`, else the channel's
    /// default. Raises `LetterError` when neither exists or rendering fails.
    #[pyo3(signature = (action, language = "en", *, sender = "", payment_instructions = ""))]
    fn render(
        &self,
        action: PyRef<'_, PyAction>,
        language: &str,
        sender: &str,
        payment_instructions: &str,
    ) -> PyResult<PyLetter> {
        let settings = LetterSettings {
            sender: sender.to_owned(),
            payment_instructions: payment_instructions.to_owned(),
        };
        self.0
            .render(&action.0, language_arg(language)?, &settings)
            .py()
            .map(PyLetter)
    }
    /// Render every action of a plan, in order.
    #[pyo3(signature = (plan, language = "en", *, sender = "", payment_instructions = ""))]
    fn render_plan(
        &self,
        plan: PyRef<'_, PyDunningPlan>,
        language: &str,
        sender: &str,
        payment_instructions: &str,
    ) -> PyResult<Vec<PyLetter>> {
        let language = language_arg(language)?;
        let settings = LetterSettings {
            sender: sender.to_owned(),
            payment_instructions: payment_instructions.to_owned(),
        };
        plan.0
            .actions
            .iter()
            .map(|a| self.0.render(a, language, &settings).py().map(PyLetter))
            .collect()
    }
    fn __repr__(&self) -> &'static str {
        "Letters(...)"
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDunningConfig>()?;
    m.add_class::<PyAssignedBy>()?;
    m.add_class::<PyAssignment>()?;
    m.add_class::<PyPromiseToPay>()?;
    m.add_class::<PyActionItem>()?;
    m.add_class::<PyNextStep>()?;
    m.add_class::<PyAction>()?;
    m.add_class::<PyLeftOut>()?;
    m.add_class::<PyDunningPlan>()?;
    m.add_class::<PyHistory>()?;
    m.add_class::<PyLetter>()?;
    m.add_class::<PyLetters>()?;
    Ok(())
}
