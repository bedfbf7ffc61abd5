//! Tracking a plan: payments applied to instalments in order, each instalment's state
//! as of a date, the plan's state, early-warning alerts, breach, and rescheduling.
//!
//! Payments go to the oldest instalment first (the down payment, then 1, 2…); within
//! an instalment, to its interest and fees first, then to its allocations in order, so
//! what is left unpaid of each item is known (the dunning planner claims it).
//! Nothing is lost: the instalments' paid amounts plus the overpayment equal the
//! payments counted.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ledger_view;
use super::proposal::{Allocation, CarriedOver, PaymentPlan, PlanTerms, build, customer_calendar};
use super::selection::SelectedItem;
use super::{MAX_PLAN_EVENTS, PlanError, add_days, validate_plan};
use crate::calendar::Calendar;
use crate::ledger::Ledger;
use crate::money::Money;

/// A payment received against a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanPayment {
    /// The payment's id in the caller's books, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Value date.
    pub date: NaiveDate,
    /// Amount, positive, in the plan's currency.
    pub amount: Money,
}

/// A bill of exchange (or direct debit) that came back unpaid, as recorded by the
/// caller. It raises an alert; the caller reverses any payment it had recorded for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BouncedBill {
    /// The instalment's number.
    pub instalment: u32,
    /// The day the bank returned it.
    pub date: NaiveDate,
    /// The bank's reason, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn default_warn() -> u32 {
    3
}
fn default_missed() -> u32 {
    15
}
fn default_breach_days() -> u32 {
    30
}
fn default_breach_count() -> u32 {
    2
}

/// When an instalment is late, missed, and when the plan is breached.
///
/// ```
/// use encours_core::plans::TrackingRules;
/// let r: TrackingRules = serde_json::from_str("{}").unwrap();
/// assert_eq!((r.warn_after_days, r.missed_after_days, r.breach_after_days, r.breach_missed_count), (3, 15, 30, 2));
/// assert!(serde_json::from_str::<TrackingRules>(r#"{"warn_days": 3}"#).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackingRules {
    /// An instalment this many days late raises an alert (3).
    #[serde(default = "default_warn")]
    pub warn_after_days: u32,
    /// An instalment unpaid more than this many days after its due date is missed (15).
    #[serde(default = "default_missed")]
    pub missed_after_days: u32,
    /// An instalment unpaid more than this many days after its due date breaches the
    /// plan (30).
    #[serde(default = "default_breach_days")]
    pub breach_after_days: u32,
    /// This many missed instalments breach the plan (2; at least 1).
    #[serde(default = "default_breach_count")]
    pub breach_missed_count: u32,
}

impl Default for TrackingRules {
    fn default() -> TrackingRules {
        TrackingRules {
            warn_after_days: default_warn(),
            missed_after_days: default_missed(),
            breach_after_days: default_breach_days(),
            breach_missed_count: default_breach_count(),
        }
    }
}

/// An instalment's state as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstalmentStatus {
    /// Not due yet, nothing paid.
    Upcoming,
    /// Not due yet (or due today), partly paid.
    PartlyPaid,
    /// Paid in full (see `days_late` for when).
    Paid,
    /// Past due, not paid in full, within the missed delay.
    Late,
    /// Past due beyond the missed delay, not paid in full.
    Missed,
}

/// A plan's state as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Every instalment due so far is paid.
    OnTrack,
    /// An instalment is late or missed, short of a breach.
    InArrears,
    /// The plan was breached; it stays breached (its unpaid items go back to dunning).
    Breached,
    /// Every instalment is paid.
    Completed,
}

/// Why a plan was breached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum BreachReason {
    /// An instalment stayed unpaid more than `breach_after_days`.
    LateBeyondDelay {
        /// The instalment.
        instalment: u32,
        /// The delay allowed.
        breach_after_days: u32,
    },
    /// `breach_missed_count` instalments were missed.
    MissedInstalments {
        /// The instalments missed by the breach date.
        instalments: Vec<u32>,
    },
}

/// An early warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "alert", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Alert {
    /// An instalment is `warn_after_days` or more late.
    InstalmentLate {
        /// The instalment.
        instalment: u32,
        /// Its due date.
        due_date: NaiveDate,
        /// Days late.
        days_late: i64,
        /// What is still owed on it.
        outstanding: Money,
    },
    /// A bill of exchange came back unpaid.
    BouncedBill {
        /// The instalment.
        instalment: u32,
        /// When.
        date: NaiveDate,
        /// The bank's reason.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The plan was breached.
    Breached {
        /// When.
        on: NaiveDate,
        /// Why.
        #[serde(flatten)]
        reason: BreachReason,
    },
}

/// One instalment, tracked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalmentTracking {
    /// The instalment's number.
    pub number: u32,
    /// Its due date.
    pub due_date: NaiveDate,
    /// Its amount.
    pub amount: Money,
    /// Paid so far.
    pub paid: Money,
    /// Still owed.
    pub outstanding: Money,
    /// Its state.
    pub status: InstalmentStatus,
    /// Days late: until paid in full, or until the tracking date (0 when on time).
    pub days_late: i64,
    /// The day it was paid in full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_on: Option<NaiveDate>,
    /// The part of each item still unpaid in it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unpaid_allocations: Vec<Allocation>,
}

/// A plan tracked as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTracking {
    /// The plan.
    pub plan_id: String,
    /// The customer.
    pub customer_id: String,
    /// The plan's items (held out of dunning while the plan runs).
    pub item_ids: Vec<String>,
    /// The day the tracking is taken at the end of.
    pub as_of: NaiveDate,
    /// The plan's state.
    pub status: PlanStatus,
    /// The day the plan was breached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breached_on: Option<NaiveDate>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breach_reason: Option<BreachReason>,
    /// Applied to instalments.
    pub paid: Money,
    /// Still owed on the plan.
    pub outstanding: Money,
    /// Owed on instalments past their due date.
    pub overdue: Money,
    /// Paid beyond the plan's total.
    pub overpaid: Money,
    /// Each instalment.
    pub instalments: Vec<InstalmentTracking>,
    /// Early warnings, by instalment.
    pub alerts: Vec<Alert>,
}

/// Track `plan` as of `as_of` with the `payments` received (those dated after `as_of`
/// are not counted) and the `bounced` bills recorded.
///
/// # Errors
/// [`PlanError::InvalidField`] naming `payments[i]` (wrong currency, not positive,
/// below the minor unit), `bounced[i].instalment` (no such instalment), a rule
/// (`breach_missed_count` of 0) or a list over [`MAX_PLAN_EVENTS`].
///
/// # Example
/// ```
/// use encours_core::ledger::{Customer, Item, Ledger};
/// use encours_core::money::{Currency, Money};
/// use encours_core::plans::{propose, track, InstalmentStatus, PlanPayment, PlanStatus, PlanTerms, TrackingRules};
/// use chrono::NaiveDate;
/// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
/// let eur = |c| Money::from_minor(c, Currency::EUR);
/// let ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
///     vec![Item::invoice("F1", "C1", d(1, 2), d(2, 1), eur(900_00))], vec![], vec![])?;
/// let plan = propose(&ledger, "C1", "PL-1", d(3, 1), &PlanTerms::monthly(3, d(3, 31)), &[])?;
/// let paid = [PlanPayment { id: None, date: d(3, 31), amount: eur(300_00) }];
/// let t = track(&plan, &paid, &[], &TrackingRules::default(), d(5, 5))?;
/// assert_eq!(t.instalments[1].status, InstalmentStatus::Late); // due 30 April, 5 days late
/// assert_eq!(t.status, PlanStatus::InArrears);
/// assert_eq!(t.alerts.len(), 1);
/// # Ok::<(), encours_core::Error>(())
/// ```
pub fn track(
    plan: &PaymentPlan,
    payments: &[PlanPayment],
    bounced: &[BouncedBill],
    rules: &TrackingRules,
    as_of: NaiveDate,
) -> Result<PlanTracking, PlanError> {
    check_inputs(plan, payments, bounced, rules)?;
    let (paid, paid_on, overpaid) = waterfall(plan, payments, as_of)?;
    let mut instalments = Vec::with_capacity(plan.instalments.len());
    let zero = Money::zero(plan.currency);
    let (mut total_paid, mut outstanding, mut overdue) = (zero, zero, zero);
    for (k, inst) in plan.instalments.iter().enumerate() {
        let p = paid.get(k).copied().unwrap_or(zero);
        let on = paid_on.get(k).copied().flatten();
        let owed = inst.amount.checked_sub(&p)?;
        let late_until = on.unwrap_or(as_of);
        let days_late = (late_until - inst.due_date).num_days().max(0);
        let status = if owed.is_zero() {
            InstalmentStatus::Paid
        } else if as_of <= inst.due_date {
            if p.is_zero() {
                InstalmentStatus::Upcoming
            } else {
                InstalmentStatus::PartlyPaid
            }
        } else if days_late > i64::from(rules.missed_after_days) {
            InstalmentStatus::Missed
        } else {
            InstalmentStatus::Late
        };
        total_paid = total_paid.checked_add(&p)?;
        outstanding = outstanding.checked_add(&owed)?;
        if as_of > inst.due_date {
            overdue = overdue.checked_add(&owed)?;
        }
        instalments.push(InstalmentTracking {
            number: inst.number,
            due_date: inst.due_date,
            amount: inst.amount,
            paid: p,
            outstanding: owed,
            status,
            days_late,
            paid_on: on,
            unpaid_allocations: unpaid_allocations(inst, p)?,
        });
    }
    let breach = breach(plan, &paid_on, rules, as_of)?;
    let status = match (&breach, outstanding.is_zero()) {
        (Some(_), _) => PlanStatus::Breached,
        (None, true) => PlanStatus::Completed,
        (None, false)
            if instalments
                .iter()
                .any(|i| matches!(i.status, InstalmentStatus::Late | InstalmentStatus::Missed)) =>
        {
            PlanStatus::InArrears
        }
        (None, false) => PlanStatus::OnTrack,
    };
    let alerts = alerts(&instalments, bounced, breach.as_ref(), rules, as_of);
    Ok(PlanTracking {
        plan_id: plan.id.clone(),
        customer_id: plan.customer_id.clone(),
        item_ids: plan.items.iter().map(|i| i.item_id.clone()).collect(),
        as_of,
        status,
        breached_on: breach.as_ref().map(|b| b.0),
        breach_reason: breach.map(|b| b.1),
        paid: total_paid,
        outstanding,
        overdue,
        overpaid,
        instalments,
        alerts,
    })
}

fn check_inputs(
    plan: &PaymentPlan,
    payments: &[PlanPayment],
    bounced: &[BouncedBill],
    rules: &TrackingRules,
) -> Result<(), PlanError> {
    if rules.breach_missed_count == 0 {
        return Err(PlanError::field(
            "breach_missed_count",
            0,
            "expected at least 1",
        ));
    }
    for (name, len) in [("payments", payments.len()), ("bounced", bounced.len())] {
        if len > MAX_PLAN_EVENTS {
            return Err(PlanError::field(
                name,
                format!("{len} entries"),
                format!("expected at most {MAX_PLAN_EVENTS}"),
            ));
        }
    }
    for (i, p) in payments.iter().enumerate() {
        if p.amount.currency() != plan.currency {
            return Err(PlanError::field(
                format!("payments[{i}].amount"),
                p.amount,
                format!(
                    "expected an amount in the plan's currency {}",
                    plan.currency
                ),
            ));
        }
        if !p.amount.is_positive() || !p.amount.is_in_minor_units() {
            return Err(PlanError::field(
                format!("payments[{i}].amount"),
                p.amount,
                "expected a positive amount in minor units",
            ));
        }
    }
    for (i, b) in bounced.iter().enumerate() {
        if !plan.instalments.iter().any(|x| x.number == b.instalment) {
            return Err(PlanError::field(
                format!("bounced[{i}].instalment"),
                b.instalment,
                format!("expected an instalment number of plan \"{}\"", plan.id),
            ));
        }
    }
    Ok(())
}

type Waterfall = (Vec<Money>, Vec<Option<NaiveDate>>, Money);

/// Payments up to `as_of`, by date, poured into the instalments in order: what each
/// got, the day it was paid in full, and what was left over.
fn waterfall(
    plan: &PaymentPlan,
    payments: &[PlanPayment],
    as_of: NaiveDate,
) -> Result<Waterfall, PlanError> {
    let zero = Money::zero(plan.currency);
    let mut paid = vec![zero; plan.instalments.len()];
    let mut paid_on = vec![None; plan.instalments.len()];
    let mut overpaid = zero;
    let mut counted: Vec<&PlanPayment> = payments.iter().filter(|p| p.date <= as_of).collect();
    counted.sort_by_key(|p| p.date);
    let mut k = 0;
    for p in counted {
        let mut left = p.amount;
        while left.is_positive() {
            let (Some(inst), Some(got), Some(on)) =
                (plan.instalments.get(k), paid.get_mut(k), paid_on.get_mut(k))
            else {
                overpaid = overpaid.checked_add(&left)?;
                break;
            };
            let owed = inst.amount.checked_sub(got)?;
            let take = left.checked_min(&owed)?;
            *got = got.checked_add(&take)?;
            left = left.checked_sub(&take)?;
            if *got == inst.amount {
                *on = Some(p.date);
                k += 1;
            }
        }
    }
    Ok((paid, paid_on, overpaid))
}

/// What is unpaid of each allocation when `paid` went to interest and fees first.
fn unpaid_allocations(inst: &super::Instalment, paid: Money) -> Result<Vec<Allocation>, PlanError> {
    let charges = inst.interest.checked_add(&inst.fees)?;
    let mut left = paid.checked_sub(&charges.checked_min(&paid)?)?;
    let mut out = Vec::new();
    for a in &inst.allocations {
        let covered = left.checked_min(&a.amount)?;
        left = left.checked_sub(&covered)?;
        let unpaid = a.amount.checked_sub(&covered)?;
        if unpaid.is_positive() {
            out.push(Allocation {
                item_id: a.item_id.clone(),
                amount: unpaid,
            });
        }
    }
    Ok(out)
}

/// The day the plan was breached, if it was by `as_of`, and why: the earliest of an
/// instalment unpaid beyond `breach_after_days` and the `breach_missed_count`-th
/// instalment missed. A breach stays a breach, whatever is paid afterwards.
fn breach(
    plan: &PaymentPlan,
    paid_on: &[Option<NaiveDate>],
    rules: &TrackingRules,
    as_of: NaiveDate,
) -> Result<Option<(NaiveDate, BreachReason)>, PlanError> {
    let mut found: Option<(NaiveDate, BreachReason)> = None;
    let mut missed: Vec<(NaiveDate, u32)> = Vec::new();
    for (k, inst) in plan.instalments.iter().enumerate() {
        let on = paid_on.get(k).copied().flatten();
        let unpaid_by = |d: NaiveDate| d <= as_of && on.is_none_or(|p| p >= d);
        let late = add_days(
            inst.due_date,
            i64::from(rules.breach_after_days) + 1,
            "breach_after_days",
        )?;
        if unpaid_by(late) && found.as_ref().is_none_or(|(d, _)| late < *d) {
            found = Some((
                late,
                BreachReason::LateBeyondDelay {
                    instalment: inst.number,
                    breach_after_days: rules.breach_after_days,
                },
            ));
        }
        let m = add_days(
            inst.due_date,
            i64::from(rules.missed_after_days) + 1,
            "missed_after_days",
        )?;
        if unpaid_by(m) {
            missed.push((m, inst.number));
        }
    }
    missed.sort();
    let count = usize::try_from(rules.breach_missed_count).unwrap_or(usize::MAX);
    if let Some((day, _)) = missed.get(count.saturating_sub(1))
        && found.as_ref().is_none_or(|(d, _)| day < d)
    {
        let instalments = missed
            .iter()
            .filter(|(d, _)| d <= day)
            .map(|(_, n)| *n)
            .collect();
        found = Some((*day, BreachReason::MissedInstalments { instalments }));
    }
    Ok(found)
}

fn alerts(
    instalments: &[InstalmentTracking],
    bounced: &[BouncedBill],
    breach: Option<&(NaiveDate, BreachReason)>,
    rules: &TrackingRules,
    as_of: NaiveDate,
) -> Vec<Alert> {
    let mut out = Vec::new();
    for i in instalments {
        if i.outstanding.is_positive()
            && as_of > i.due_date
            && i.days_late >= i64::from(rules.warn_after_days)
        {
            out.push(Alert::InstalmentLate {
                instalment: i.number,
                due_date: i.due_date,
                days_late: i.days_late,
                outstanding: i.outstanding,
            });
        }
    }
    let mut bills: Vec<&BouncedBill> = bounced.iter().filter(|b| b.date <= as_of).collect();
    bills.sort_by_key(|b| (b.date, b.instalment));
    out.extend(bills.into_iter().map(|b| Alert::BouncedBill {
        instalment: b.instalment,
        date: b.date,
        reason: b.reason.clone(),
    }));
    if let Some((on, reason)) = breach {
        out.push(Alert::Breached {
            on: *on,
            reason: reason.clone(),
        });
    }
    out
}

/// The payments made on the plan's items since the plan was agreed, from the ledger:
/// each application of a payment or credit note to one of the items, dated from the
/// plan's date on, up to `as_of` (one [`PlanPayment`] per source and day).
///
/// # Errors
/// [`PlanError::Money`] on overflow.
///
/// # Example
/// ```
/// use encours_core::ledger::{Customer, Item, Ledger, Payment};
/// use encours_core::money::{Currency, Money};
/// use encours_core::plans::{payments_from_ledger, propose, PlanTerms};
/// use chrono::NaiveDate;
/// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
/// let eur = |c| Money::from_minor(c, Currency::EUR);
/// let mut ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
///     vec![Item::invoice("F1", "C1", d(1, 2), d(2, 1), eur(900_00))],
///     vec![Payment::new("P1", "C1", d(3, 31), eur(300_00))], vec![])?;
/// let plan = propose(&ledger, "C1", "PL-1", d(3, 1), &PlanTerms::monthly(3, d(3, 31)), &[])?;
/// ledger.apply_payment("P1", "F1", eur(300_00), d(3, 31))?;
/// let paid = payments_from_ledger(&ledger, &plan, d(4, 1))?;
/// assert_eq!((paid[0].id.as_deref(), paid[0].amount), (Some("P1"), eur(300_00)));
/// # Ok::<(), encours_core::Error>(())
/// ```
pub fn payments_from_ledger(
    ledger: &Ledger,
    plan: &PaymentPlan,
    as_of: NaiveDate,
) -> Result<Vec<PlanPayment>, PlanError> {
    let after = add_days(plan.agreed_on, -1, "agreed_on")?;
    let mut merged: HashMap<(NaiveDate, String), Money> = HashMap::new();
    for item in &plan.items {
        let mut left = item.amount;
        for (date, amount, source) in ledger_view::settlements(ledger, &item.item_id, after, as_of)
        {
            // A settlement beyond what the plan covers of the item (a disputed part
            // settled) is not a plan payment.
            let counted = amount.checked_min(&left)?;
            left = left.checked_sub(&counted)?;
            if counted.is_positive() {
                let e = merged
                    .entry((date, source))
                    .or_insert(Money::zero(plan.currency));
                *e = e.checked_add(&counted)?;
            }
        }
    }
    let mut out: Vec<PlanPayment> = merged
        .into_iter()
        .map(|((date, source), amount)| PlanPayment {
            id: Some(source),
            date,
            amount,
        })
        .collect();
    out.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    Ok(out)
}

/// Reschedule what remains of `old` (as `tracking` found it) into a new plan agreed on
/// `agreed_on` under `terms`, linked to the old one: its items are the unpaid parts of
/// the old plan's items; unpaid interest and fees are carried over as fees.
///
/// # Errors
/// [`PlanError::InvalidField`] when `tracking` is not the old plan's, or `terms`
/// carries its own selection; [`PlanError::NothingToPlan`] when nothing remains; the
/// errors of [`super::propose`] otherwise.
///
/// # Example
/// ```
/// use encours_core::ledger::{Customer, Item, Ledger};
/// use encours_core::money::{Currency, Money};
/// use encours_core::plans::{propose, reschedule, track, PlanPayment, PlanTerms, TrackingRules};
/// use chrono::NaiveDate;
/// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
/// let eur = |c| Money::from_minor(c, Currency::EUR);
/// let ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
///     vec![Item::invoice("F1", "C1", d(1, 2), d(2, 1), eur(900_00))], vec![], vec![])?;
/// let plan = propose(&ledger, "C1", "PL-1", d(3, 1), &PlanTerms::monthly(3, d(3, 31)), &[])?;
/// let paid = [PlanPayment { id: None, date: d(3, 31), amount: eur(300_00) }];
/// let t = track(&plan, &paid, &[], &TrackingRules::default(), d(5, 15))?;
/// let again = reschedule(&ledger, &plan, &t, "PL-2", d(5, 15), &PlanTerms::monthly(4, d(6, 15)), &[])?;
/// assert_eq!(again.rescheduled_from.as_deref(), Some("PL-1"));
/// assert_eq!(again.principal, eur(600_00));
/// # Ok::<(), encours_core::Error>(())
/// ```
pub fn reschedule(
    ledger: &Ledger,
    old: &PaymentPlan,
    tracking: &PlanTracking,
    new_id: &str,
    agreed_on: NaiveDate,
    terms: &PlanTerms,
    calendars: &[Calendar],
) -> Result<PaymentPlan, PlanError> {
    validate_plan(old, ledger)?;
    if tracking.plan_id != old.id {
        return Err(PlanError::field(
            "tracking.plan_id",
            &tracking.plan_id,
            format!("expected the tracking of plan \"{}\"", old.id),
        ));
    }
    if terms.selection != super::Selection::default() {
        return Err(PlanError::field(
            "selection",
            "given",
            "expected none: a rescheduled plan takes what remains of the old one",
        ));
    }
    let zero = Money::zero(old.currency);
    let mut remaining: Vec<(String, Money)> = Vec::new();
    let mut charges = zero;
    for t in &tracking.instalments {
        let mut unpaid_principal = zero;
        for a in &t.unpaid_allocations {
            unpaid_principal = unpaid_principal.checked_add(&a.amount)?;
            match remaining.iter_mut().find(|(id, _)| *id == a.item_id) {
                Some((_, m)) => *m = m.checked_add(&a.amount)?,
                None => remaining.push((a.item_id.clone(), a.amount)),
            }
        }
        charges = charges.checked_add(&t.outstanding.checked_sub(&unpaid_principal)?)?;
    }
    let customer = ledger_view::customer(ledger, &old.customer_id).ok_or_else(|| {
        PlanError::UnknownCustomer {
            field: "customer_id".into(),
            id: old.customer_id.clone(),
        }
    })?;
    let views = ledger_view::items_of(ledger, &customer, agreed_on);
    let mut items: Vec<SelectedItem> = Vec::new();
    for (id, amount) in remaining {
        let Some(v) = views.iter().find(|v| v.id == id) else {
            return Err(PlanError::UnknownItem {
                field: "items".into(),
                id,
            });
        };
        items.push(SelectedItem {
            item_id: id,
            issue_date: v.issue_date,
            due_date: v.due_date,
            open: v.open,
            disputed_left_out: zero,
            amount,
        });
    }
    if items.is_empty() {
        return Err(PlanError::NothingToPlan {
            customer: old.customer_id.clone(),
            reason: format!("plan \"{}\" has no unpaid principal left", old.id),
        });
    }
    items.sort_by(|a, b| {
        (a.due_date, a.issue_date, &a.item_id).cmp(&(b.due_date, b.issue_date, &b.item_id))
    });
    let calendar = customer_calendar(ledger, &old.customer_id, calendars)?;
    build(
        new_id,
        &old.customer_id,
        agreed_on,
        &items,
        terms,
        calendar.as_ref(),
        Some(CarriedOver {
            from: old.id.clone(),
            charges,
        }),
    )
}
