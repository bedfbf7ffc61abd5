//! Payment plans from `encours_core::plans`: propose, validate, track, reschedule,
//! the payer profile and eligibility. Terms, rules, payments and bounced bills are
//! read as dicts (Decimal, date and Money values; floats refused) or JSON text, in the
//! core's data form; results are frozen classes with a getter per field.

use encours_core::calendar::Calendar;
use encours_core::money::RoundingMode;
use encours_core::plans::{
    self, Alert, Allocation, BouncedBill, BreachReason, BrokenPlan, CheckCode, Eligibility,
    EligibilityRules, Instalment, InstalmentKind, InstalmentRemainder, InstalmentStatus,
    InstalmentTracking, InterestTerms, MeansOfPayment, PayerProfile, PaymentPlan, PlanItem,
    PlanPayment, PlanRequest, PlanStatus, PlanTerms, PlanTracking, Refusal, TrackingRules,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use serde::de::DeserializeOwned;

use crate::calendar::PyCalendar;
use crate::convert::{date_from_py, enum_to_str, from_json};
use crate::errors::{CoreResult, Kind, new_err};
use crate::interest::json_value_to_py;
use crate::ledger::{PyLedger, collect};
use crate::values::ToPy;

macro_rules! plan_enum_as_str {
    ($($t:ty),*) => {$(
        impl ToPy for $t {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                enum_to_str(self).to_py(py)
            }
        }
    )*};
}
plan_enum_as_str!(
    InstalmentKind,
    MeansOfPayment,
    InstalmentStatus,
    PlanStatus,
    RoundingMode,
    InstalmentRemainder,
    CheckCode
);

macro_rules! plan_as_dict {
    ($($t:ty),*) => {$(
        impl ToPy for $t {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                json_value_to_py(py, self)
            }
        }
    )*};
}
plan_as_dict!(InterestTerms, BreachReason, Alert, Refusal, BrokenPlan);

figures_class!(
    /// An item of a plan and the amount the plan settles of it.
    PyPlanItem, "PlanItem", PlanItem,
    fields: [
        /// The item.
        item_id,
        /// The amount settled (Money).
        amount,
    ]
);

figures_class!(
    /// The part of an instalment's principal that settles an item.
    PyAllocation, "Allocation", Allocation,
    fields: [
        /// The item settled.
        item_id,
        /// The amount (Money).
        amount,
    ]
);

figures_class!(
    /// One dated payment of a plan: the down payment (number 0) or an instalment.
    PyInstalment, "Instalment", Instalment,
    fields: [
        /// 0 for the down payment, then 1, 2…
        number,
        /// "down_payment" or "instalment".
        kind,
        /// The contractual date (before business-day rolling).
        scheduled_date,
        /// The date it is due (rolled to a business day of the customer's calendar).
        due_date,
        /// Principal (Money).
        principal,
        /// Interest (Money).
        interest,
        /// Fees (Money).
        fees,
        /// principal + interest + fees (Money).
        amount,
        /// "bill_of_exchange", "direct_debit", "transfer", "card" or "cheque".
        means,
        /// The items its principal settles, oldest first (list of Allocation).
        allocations,
    ]
);

figures_class!(
    /// A payment plan (*échéancier*): its items, the down payment and instalments, the
    /// conventions used. `to_json()`/`PaymentPlan.from_json()` give its data form; a
    /// plan read back is checked with `encours.validate_plan`.
    PyPaymentPlan, "PaymentPlan", PaymentPlan,
    fields: [
        /// Plan id.
        id,
        /// The customer.
        customer_id,
        /// The customer's currency.
        currency,
        /// The day the plan was agreed.
        agreed_on,
        /// The plan this one reschedules, or None.
        rescheduled_from,
        /// The items and amounts settled, oldest first (list of PlanItem).
        items,
        /// The items' amounts added up (Money).
        principal,
        /// Interest over the plan (Money).
        interest,
        /// Fees over the plan (Money).
        fees,
        /// principal + interest + fees (Money).
        total,
        /// The interest terms as a dict, or None.
        interest_terms,
        /// "half_up" or "half_even".
        rounding,
        /// "last", "first" or "each_rounded".
        remainder,
        /// The down payment then the instalments, by date (list of Instalment).
        instalments,
    ]
);

figures_class!(
    /// A payment received against a plan.
    PyPlanPayment, "PlanPayment", PlanPayment,
    fields: [
        /// The payment's id in the caller's books, or None.
        id,
        /// Value date.
        date,
        /// Amount (Money).
        amount,
    ]
);

figures_class!(
    /// One instalment, tracked as of a date.
    PyInstalmentTracking, "InstalmentTracking", InstalmentTracking,
    fields: [
        /// The instalment's number.
        number,
        /// Its due date.
        due_date,
        /// Its amount (Money).
        amount,
        /// Paid so far (Money).
        paid,
        /// Still owed (Money).
        outstanding,
        /// "upcoming", "partly_paid", "paid", "late" or "missed".
        status,
        /// Days late, until paid in full or until the tracking date.
        days_late,
        /// The day it was paid in full, or None.
        paid_on,
        /// The part of each item still unpaid in it (list of Allocation).
        unpaid_allocations,
    ]
);

figures_class!(
    /// A plan tracked as of a date: each instalment's state, the plan's state
    /// ("on_track", "in_arrears", "breached", "completed"), the breach and the alerts.
    PyPlanTracking, "PlanTracking", PlanTracking,
    fields: [
        /// The plan.
        plan_id,
        /// The customer.
        customer_id,
        /// The plan's items.
        item_ids,
        /// The day the tracking is taken at the end of.
        as_of,
        /// The plan's state.
        status,
        /// The day the plan was breached, or None.
        breached_on,
        /// Why, as a dict (`{"reason": "late_beyond_delay", ...}`), or None.
        breach_reason,
        /// Applied to instalments (Money).
        paid,
        /// Still owed on the plan (Money).
        outstanding,
        /// Owed on instalments past their due date (Money).
        overdue,
        /// Paid beyond the plan's total (Money).
        overpaid,
        /// Each instalment (list of InstalmentTracking).
        instalments,
        /// Early warnings, as dicts (`{"alert": "instalment_late", ...}`).
        alerts,
    ]
);

figures_class!(
    /// What eligibility looks at in a customer's payment behaviour.
    PyPayerProfile, "PayerProfile", PayerProfile,
    fields: [
        /// The customer.
        customer_id,
        /// The day the profile was taken at the end of.
        as_of,
        /// Open debits (Money).
        open_debits,
        /// Open debits past their due date (Money).
        overdue,
        /// Days past due of the oldest overdue item.
        oldest_overdue_days,
        /// Items fully paid in the window.
        paid_items,
        /// Amount-weighted days beyond terms of those items (Decimal), or None.
        days_beyond_terms,
        /// Plans the customer broke (dicts with plan_id and breached_on).
        broken_plans,
    ]
);

figures_class!(
    /// Whether a plan may be granted, every check made and every refusal with its
    /// figures (`{"code": "down_payment_below_minimum", "percent": "10", ...}`).
    PyEligibility, "Eligibility", Eligibility,
    fields: [
        /// True when nothing refuses.
        eligible,
        /// The checks made, in order.
        checked,
        /// The refusals, as dicts with their code and figures.
        refusals,
    ]
);

/// A data-form argument: JSON text (str or bytes) or Python data (dicts, lists, str,
/// int, bool, None, Decimal, date, Money; floats refused) in the core's form.
fn data_arg<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return from_json(obj, what);
    }
    let value = crate::convert::py_to_json(obj, "")?;
    serde_json::from_value(value)
        .map_err(|e| new_err(Kind::Input, "json", format!("invalid {what}: {e}")))
}

fn opt_data<T: DeserializeOwned + Default>(
    obj: Option<&Bound<'_, PyAny>>,
    what: &str,
) -> PyResult<T> {
    match obj.filter(|o| !o.is_none()) {
        Some(o) => data_arg(o, what),
        None => Ok(T::default()),
    }
}

fn calendars_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Calendar>> {
    collect::<PyCalendar, _>(obj, "calendars", "Calendar", |c| c.0.clone())
}

/// Propose a payment plan for `customer_id` of `ledger`, agreed on `agreed_on`, under
/// `terms` (a dict or JSON: `selection`, `down_payment`, `instalments`, `frequency`,
/// `first_date`, `day_of_month`, `custom_dates`, `roll`, `rounding`, `remainder`,
/// `interest`, `fees`, `fee_on`, `means`, `means_per_instalment`, `max_instalments`,
/// `max_duration_days`; unknown keys raise InputError). Dates roll to business days of
/// the customer's calendar (one of `calendars` by name, else a built-in one). Raises
/// PlanError naming the field (`invalid instalments: 0 (expected at least 1)`).
#[pyfunction]
#[pyo3(signature = (ledger, customer_id, plan_id, agreed_on, terms, *, calendars = None))]
fn propose_plan(
    ledger: PyRef<'_, PyLedger>,
    customer_id: &str,
    plan_id: &str,
    agreed_on: &Bound<'_, PyAny>,
    terms: &Bound<'_, PyAny>,
    calendars: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPaymentPlan> {
    let terms: PlanTerms = data_arg(terms, "payment plan terms")?;
    let agreed_on = date_from_py(agreed_on, "agreed_on")?;
    let calendars = calendars_arg(calendars)?;
    plans::propose(
        &ledger.inner.get(),
        customer_id,
        plan_id,
        agreed_on,
        &terms,
        &calendars,
    )
    .py()
    .map(PyPaymentPlan)
}

/// Check a plan given back against `ledger`: customer and items exist and are the
/// customer's, amounts add up, dates strictly increase, allocations cover every item.
/// Raises PlanError naming the field.
#[pyfunction]
fn validate_plan(ledger: PyRef<'_, PyLedger>, plan: PyRef<'_, PyPaymentPlan>) -> PyResult<()> {
    plans::validate_plan(&plan.0, &ledger.inner.get()).py()
}

/// Track `plan` as of `as_of` with `payments` (a list of `{"date", "amount"}` with
/// Money amounts, or JSON), `bounced` bills (`{"instalment", "date", "reason"}`) and
/// `rules` (`warn_after_days` 3, `missed_after_days` 15, `breach_after_days` 30,
/// `breach_missed_count` 2 by default).
#[pyfunction]
#[pyo3(signature = (plan, as_of, *, payments = None, bounced = None, rules = None))]
fn track_plan(
    plan: PyRef<'_, PyPaymentPlan>,
    as_of: &Bound<'_, PyAny>,
    payments: Option<&Bound<'_, PyAny>>,
    bounced: Option<&Bound<'_, PyAny>>,
    rules: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPlanTracking> {
    let payments: Vec<PlanPayment> = opt_data(payments, "plan payments")?;
    let bounced: Vec<BouncedBill> = opt_data(bounced, "bounced bills")?;
    let rules: TrackingRules = opt_data(rules, "tracking rules")?;
    let as_of = date_from_py(as_of, "as_of")?;
    plans::track(&plan.0, &payments, &bounced, &rules, as_of)
        .py()
        .map(PyPlanTracking)
}

/// The payments made on the plan's items since it was agreed, from the ledger's
/// applications up to `as_of` (list of PlanPayment).
#[pyfunction]
fn plan_payments_from_ledger(
    ledger: PyRef<'_, PyLedger>,
    plan: PyRef<'_, PyPaymentPlan>,
    as_of: &Bound<'_, PyAny>,
) -> PyResult<Vec<PyPlanPayment>> {
    let as_of = date_from_py(as_of, "as_of")?;
    Ok(
        plans::payments_from_ledger(&ledger.inner.get(), &plan.0, as_of)
            .py()?
            .into_iter()
            .map(PyPlanPayment)
            .collect(),
    )
}

/// Reschedule what remains of `plan` (as `tracking` found it) into a new plan agreed
/// on `agreed_on` under `terms` (without a selection), linked by `rescheduled_from`;
/// unpaid interest and fees are carried over as fees.
#[pyfunction]
#[pyo3(signature = (ledger, plan, tracking, new_plan_id, agreed_on, terms, *, calendars = None))]
fn reschedule_plan(
    ledger: PyRef<'_, PyLedger>,
    plan: PyRef<'_, PyPaymentPlan>,
    tracking: PyRef<'_, PyPlanTracking>,
    new_plan_id: &str,
    agreed_on: &Bound<'_, PyAny>,
    terms: &Bound<'_, PyAny>,
    calendars: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPaymentPlan> {
    let terms: PlanTerms = data_arg(terms, "payment plan terms")?;
    let agreed_on = date_from_py(agreed_on, "agreed_on")?;
    let calendars = calendars_arg(calendars)?;
    plans::reschedule(
        &ledger.inner.get(),
        &plan.0,
        &tracking.0,
        new_plan_id,
        agreed_on,
        &terms,
        &calendars,
    )
    .py()
    .map(PyPaymentPlan)
}

/// The payer profile of `customer_id` as of `as_of`, with payment behaviour over the
/// `window_days` before it, and the customer's `broken_plans` (dicts with `plan_id`
/// and `breached_on`) from the caller's records.
#[pyfunction]
#[pyo3(signature = (ledger, customer_id, as_of, *, window_days = 365, broken_plans = None))]
fn payer_profile(
    ledger: PyRef<'_, PyLedger>,
    customer_id: &str,
    as_of: &Bound<'_, PyAny>,
    window_days: u32,
    broken_plans: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPayerProfile> {
    let as_of = date_from_py(as_of, "as_of")?;
    let broken: Vec<BrokenPlan> = opt_data(broken_plans, "broken plans")?;
    let mut p =
        PayerProfile::from_ledger(&ledger.inner.get(), customer_id, as_of, window_days).py()?;
    p.broken_plans = broken;
    Ok(PyPayerProfile(p))
}

/// Whether `plan` may be granted to the customer of `profile`, of `risk_class` (the
/// caller's; None when unknown), under `rules` (EligibilityRules as a dict or JSON;
/// the defaults when None).
#[pyfunction]
#[pyo3(signature = (profile, plan, *, risk_class = None, rules = None))]
fn assess_plan(
    profile: PyRef<'_, PyPayerProfile>,
    plan: PyRef<'_, PyPaymentPlan>,
    risk_class: Option<&str>,
    rules: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyEligibility> {
    let rules: EligibilityRules = opt_data(rules, "eligibility rules")?;
    plans::assess(&profile.0, risk_class, &PlanRequest::of(&plan.0), &rules)
        .py()
        .map(PyEligibility)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPlanItem>()?;
    m.add_class::<PyAllocation>()?;
    m.add_class::<PyInstalment>()?;
    m.add_class::<PyPaymentPlan>()?;
    m.add_class::<PyPlanPayment>()?;
    m.add_class::<PyInstalmentTracking>()?;
    m.add_class::<PyPlanTracking>()?;
    m.add_class::<PyPayerProfile>()?;
    m.add_class::<PyEligibility>()?;
    m.add_function(wrap_pyfunction!(propose_plan, m)?)?;
    m.add_function(wrap_pyfunction!(validate_plan, m)?)?;
    m.add_function(wrap_pyfunction!(track_plan, m)?)?;
    m.add_function(wrap_pyfunction!(plan_payments_from_ledger, m)?)?;
    m.add_function(wrap_pyfunction!(reschedule_plan, m)?)?;
    m.add_function(wrap_pyfunction!(payer_profile, m)?)?;
    m.add_function(wrap_pyfunction!(assess_plan, m)?)?;
    Ok(())
}
