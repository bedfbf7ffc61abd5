//! A plan proposal: the selected items, a down payment, the balance in dated
//! instalments with optional interest and fees, each instalment allocated to the items
//! it settles, oldest first.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::interest::{self, InterestBase, InterestMethod, InterestTerms};
use super::rounding::{InstalmentRemainder, check_mode, split};
use super::schedule::{self, Frequency};
use super::selection::{SelectedItem, Selection, select};
use super::{MAX_INSTALMENTS, PlanError, ledger_view};
use crate::calendar::{Calendar, Roll};
use crate::ledger::Ledger;
use crate::money::{Currency, Money, RoundingMode};

/// How an instalment is to be paid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeansOfPayment {
    /// A bill of exchange (*lettre de change*, LCR): accepted in advance, collected at
    /// its due date without a reminder.
    BillOfExchange,
    /// A direct debit (SEPA mandate).
    DirectDebit,
    /// A bank transfer initiated by the customer (the default).
    #[default]
    Transfer,
    /// A card payment.
    Card,
    /// A cheque.
    Cheque,
}

/// Where fees are charged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeOn {
    /// On the first instalment after the down payment (the default).
    #[default]
    FirstInstalment,
    /// On the down payment (on the first instalment when there is none).
    DownPayment,
    /// Spread over the instalments with the plan's remainder rule.
    Spread,
}

/// The down payment (*acompte*): a percentage of the selected total or an amount, due
/// at once or on a date.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DownPayment {
    /// Percentage of the selected total (0 to 100), rounded with the plan's mode.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub percent: Option<Decimal>,
    /// Or an amount in the customer's currency.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
    /// Due date; the day the plan is agreed when absent (due at once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// How it is paid; the plan's means when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub means: Option<MeansOfPayment>,
}

fn default_roll() -> Roll {
    Roll::Following
}
fn default_max_instalments() -> u32 {
    60
}
fn default_max_duration() -> u32 {
    730
}

/// The terms of a proposal, as a credit manager writes them.
///
/// ```
/// use encours_core::plans::PlanTerms;
/// let t: PlanTerms = serde_json::from_str(r#"{"instalments": 3, "frequency": "weekly", "first_date": "2025-03-03"}"#).unwrap();
/// assert_eq!(t.max_instalments, 60);
/// let e = serde_json::from_str::<PlanTerms>(r#"{"instalments": 3, "frequncy": "weekly"}"#).unwrap_err();
/// assert!(e.to_string().contains("unknown field `frequncy`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanTerms {
    /// Which items (every open debit, disputes left out, when absent).
    #[serde(default)]
    pub selection: Selection,
    /// The down payment, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub down_payment: Option<DownPayment>,
    /// Number of instalments after the down payment (1 to `max_instalments`; may be 0
    /// with custom dates: one per date).
    pub instalments: u32,
    /// How often instalments fall due (monthly when absent).
    #[serde(default)]
    pub frequency: Frequency,
    /// The first instalment's contractual date (all frequencies but custom).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_date: Option<NaiveDate>,
    /// Day of the month (1 to 31) for monthly instalments; the first date's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_of_month: Option<u32>,
    /// The dates of custom instalments, strictly increasing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_dates: Vec<NaiveDate>,
    /// How a date on a non-business day of the customer's calendar moves (following
    /// when absent; `none` keeps contractual dates).
    #[serde(default = "default_roll")]
    pub roll: Roll,
    /// Rounding to the minor unit: `half_up` (default) or `half_even`.
    #[serde(default)]
    pub rounding: RoundingMode,
    /// Which instalment takes the remainder (the last when absent).
    #[serde(default)]
    pub remainder: InstalmentRemainder,
    /// Interest, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interest: Option<InterestTerms>,
    /// Fees charged for the plan, in the customer's currency.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub fees: Option<Decimal>,
    /// Where the fees are charged.
    #[serde(default)]
    pub fee_on: FeeOn,
    /// How instalments are paid (transfer when absent).
    #[serde(default)]
    pub means: MeansOfPayment,
    /// A means per instalment (one per instalment), overriding `means`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub means_per_instalment: Vec<MeansOfPayment>,
    /// The most instalments allowed (60 when absent; at most [`MAX_INSTALMENTS`]).
    #[serde(default = "default_max_instalments")]
    pub max_instalments: u32,
    /// The most days from the plan's date to the last instalment (730 when absent).
    #[serde(default = "default_max_duration")]
    pub max_duration_days: u32,
}

impl PlanTerms {
    /// `count` monthly instalments from `first_date`, no down payment, no interest.
    pub fn monthly(count: u32, first_date: NaiveDate) -> PlanTerms {
        PlanTerms {
            selection: Selection::default(),
            down_payment: None,
            instalments: count,
            frequency: Frequency::Monthly,
            first_date: Some(first_date),
            day_of_month: None,
            custom_dates: Vec::new(),
            roll: default_roll(),
            rounding: RoundingMode::HalfUp,
            remainder: InstalmentRemainder::Last,
            interest: None,
            fees: None,
            fee_on: FeeOn::FirstInstalment,
            means: MeansOfPayment::Transfer,
            means_per_instalment: Vec::new(),
            max_instalments: default_max_instalments(),
            max_duration_days: default_max_duration(),
        }
    }
}

/// Down payment or regular instalment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstalmentKind {
    /// The down payment (number 0).
    DownPayment,
    /// A regular instalment (numbers from 1).
    Instalment,
}

/// A part of an instalment's principal that settles an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    /// The item settled.
    pub item_id: String,
    /// The amount of it.
    pub amount: Money,
}

/// One dated payment of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instalment {
    /// 0 for the down payment, then 1, 2…
    pub number: u32,
    /// Down payment or instalment.
    pub kind: InstalmentKind,
    /// The contractual date (before business-day rolling).
    pub scheduled_date: NaiveDate,
    /// The date it is due (rolled to a business day of the customer's calendar).
    pub due_date: NaiveDate,
    /// Principal settled.
    pub principal: Money,
    /// Interest.
    pub interest: Money,
    /// Fees.
    pub fees: Money,
    /// Amount due: principal + interest + fees.
    pub amount: Money,
    /// How it is to be paid.
    pub means: MeansOfPayment,
    /// The items its principal settles, oldest first; adds up to the principal.
    pub allocations: Vec<Allocation>,
}

/// An item of a plan and the amount the plan settles of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanItem {
    /// The item.
    pub item_id: String,
    /// The amount settled by the plan.
    pub amount: Money,
}

/// A payment plan: its items, instalments and conventions. Serializes as JSON; a plan
/// read back is checked with [`super::validate_plan`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentPlan {
    /// Plan id, chosen by the caller.
    pub id: String,
    /// The customer.
    pub customer_id: String,
    /// The customer's currency: every amount is in it.
    pub currency: Currency,
    /// The day the plan was agreed.
    pub agreed_on: NaiveDate,
    /// The plan this one reschedules, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rescheduled_from: Option<String>,
    /// The items and the amounts settled, oldest first.
    pub items: Vec<PlanItem>,
    /// Principal: the items' amounts added up.
    pub principal: Money,
    /// Interest over the plan.
    pub interest: Money,
    /// Fees over the plan.
    pub fees: Money,
    /// Total to pay: principal + interest + fees.
    pub total: Money,
    /// The interest terms, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interest_terms: Option<InterestTerms>,
    /// The rounding mode used.
    pub rounding: RoundingMode,
    /// The remainder rule used (annuities: the last instalment always absorbs).
    pub remainder: InstalmentRemainder,
    /// The down payment (number 0, when there is one) then the instalments, by date.
    pub instalments: Vec<Instalment>,
}

/// Propose a plan for `customer_id` on `agreed_on` under `terms`: select the items,
/// take the down payment, spread the rest over the instalments (with interest and
/// fees), roll dates to business days of the customer's calendar (looked up by name
/// among `calendars`, then the built-in codes; no rolling when the customer has none)
/// and allocate each instalment to the items, oldest first.
///
/// # Errors
/// [`PlanError::InvalidField`] naming the field of `terms` that cannot be used (zero
/// or too many instalments, a down payment above the balance, a day of month above 31,
/// custom dates not increasing, a schedule past `max_duration_days`…);
/// [`PlanError::UnknownCustomer`], [`PlanError::UnknownItem`],
/// [`PlanError::ItemOfAnotherCustomer`], [`PlanError::NothingToPlan`] from the
/// selection; [`PlanError::Calendar`] for an unknown calendar.
///
/// # Example
/// See the [module documentation](super).
pub fn propose(
    ledger: &Ledger,
    customer_id: &str,
    plan_id: &str,
    agreed_on: NaiveDate,
    terms: &PlanTerms,
    calendars: &[Calendar],
) -> Result<PaymentPlan, PlanError> {
    let items = select(ledger, customer_id, agreed_on, &terms.selection)?;
    let calendar = customer_calendar(ledger, customer_id, calendars)?;
    build(
        plan_id,
        customer_id,
        agreed_on,
        &items,
        terms,
        calendar.as_ref(),
        None,
    )
}

/// The customer's calendar: a caller calendar of that name, else a built-in one.
pub(crate) fn customer_calendar(
    ledger: &Ledger,
    customer_id: &str,
    calendars: &[Calendar],
) -> Result<Option<Calendar>, PlanError> {
    let customer =
        ledger_view::customer(ledger, customer_id).ok_or_else(|| PlanError::UnknownCustomer {
            field: "customer_id".into(),
            id: customer_id.to_owned(),
        })?;
    let Some(code) = customer.calendar else {
        return Ok(None);
    };
    if let Some(c) = calendars.iter().find(|c| c.is_named(&code)) {
        return Ok(Some(c.clone()));
    }
    Calendar::builtin(&code)
        .map(Some)
        .map_err(|source| PlanError::Calendar {
            customer: customer_id.to_owned(),
            source,
        })
}

/// Extra amounts a rescheduled plan carries over (unpaid interest and fees).
pub(crate) struct CarriedOver {
    pub from: String,
    pub charges: Money,
}

/// The plan from already selected items: the pipeline shared by [`propose`] and
/// [`super::reschedule`].
pub(crate) fn build(
    plan_id: &str,
    customer_id: &str,
    agreed_on: NaiveDate,
    items: &[SelectedItem],
    terms: &PlanTerms,
    calendar: Option<&Calendar>,
    carried: Option<CarriedOver>,
) -> Result<PaymentPlan, PlanError> {
    check_terms(terms)?;
    if plan_id.trim().is_empty() {
        return Err(PlanError::field(
            "plan_id",
            "\"\"",
            "expected a non-empty id",
        ));
    }
    let Some(first) = items.first() else {
        return Err(PlanError::NothingToPlan {
            customer: customer_id.to_owned(),
            reason: "no item selected".into(),
        });
    };
    let currency = first.amount.currency();
    let mode = terms.rounding;
    let mut principal = Money::zero(currency);
    for i in items {
        principal = principal.checked_add(&i.amount)?;
    }
    let down = down_payment(terms, principal, mode)?;
    let scheduled = schedule::scheduled_dates(
        terms.frequency,
        terms.instalments,
        terms.first_date,
        terms.day_of_month,
        &terms.custom_dates,
    )?;
    check_count(terms, scheduled.len())?;
    let due = schedule::roll_dates(&scheduled, calendar, terms.roll, customer_id)?;
    let down_date = down_payment_date(terms, agreed_on, calendar, customer_id)?;
    check_dates(terms, agreed_on, down_date, &scheduled, &due)?;

    let financed = principal.checked_sub(&down)?;
    let n = scheduled.len();
    let (principals, interests) =
        principal_and_interest(terms, financed, principal, agreed_on, &scheduled, n, mode)?;
    let mut fee_total = Money::new(terms.fees.unwrap_or_default(), currency).round(mode);
    if let Some(c) = &carried {
        fee_total = fee_total.checked_add(&c.charges)?;
    }
    let has_down = down.is_positive();
    let (down_fee, fees) = fee_parts(terms, fee_total, has_down, n, mode)?;

    let down_payment = has_down.then_some(DownPart {
        principal: down,
        fees: down_fee,
        date: down_date,
    });
    let mut instalments = lay_out(
        terms,
        agreed_on,
        currency,
        down_payment,
        &Parts {
            scheduled: &scheduled,
            due: &due,
            principals: &principals,
            interests: &interests,
            fees: &fees,
        },
    )?;
    allocate(&mut instalments, items)?;
    let mut interest = Money::zero(currency);
    for i in &interests {
        interest = interest.checked_add(i)?;
    }
    Ok(PaymentPlan {
        id: plan_id.to_owned(),
        customer_id: customer_id.to_owned(),
        currency,
        agreed_on,
        rescheduled_from: carried.map(|c| c.from),
        items: items
            .iter()
            .map(|i| PlanItem {
                item_id: i.item_id.clone(),
                amount: i.amount,
            })
            .collect(),
        principal,
        interest,
        fees: fee_total,
        total: principal.checked_add(&interest)?.checked_add(&fee_total)?,
        interest_terms: terms.interest,
        rounding: mode,
        remainder: terms.remainder,
        instalments,
    })
}

/// The down payment's principal, fees and due date.
struct DownPart {
    principal: Money,
    fees: Money,
    date: NaiveDate,
}

/// The instalments' dates and amounts, one entry per instalment.
struct Parts<'a> {
    scheduled: &'a [NaiveDate],
    due: &'a [NaiveDate],
    principals: &'a [Money],
    interests: &'a [Money],
    fees: &'a [Money],
}

/// The down payment (number 0, when there is one) and the instalments, not yet
/// allocated to the items.
fn lay_out(
    terms: &PlanTerms,
    agreed_on: NaiveDate,
    currency: Currency,
    down: Option<DownPart>,
    parts: &Parts<'_>,
) -> Result<Vec<Instalment>, PlanError> {
    let zero = Money::zero(currency);
    let mut out = Vec::with_capacity(parts.due.len() + 1);
    if let Some(d) = down {
        let dp = terms.down_payment.as_ref();
        out.push(Instalment {
            number: 0,
            kind: InstalmentKind::DownPayment,
            scheduled_date: dp.and_then(|x| x.due_date).unwrap_or(agreed_on),
            due_date: d.date,
            principal: d.principal,
            interest: zero,
            fees: d.fees,
            amount: d.principal.checked_add(&d.fees)?,
            means: dp.and_then(|x| x.means).unwrap_or(terms.means),
            allocations: Vec::new(),
        });
    }
    for (k, due) in parts.due.iter().enumerate() {
        let part = parts.principals.get(k).copied().unwrap_or(zero);
        let int = parts.interests.get(k).copied().unwrap_or(zero);
        let fee = parts.fees.get(k).copied().unwrap_or(zero);
        out.push(Instalment {
            number: u32::try_from(k + 1).unwrap_or(u32::MAX),
            kind: InstalmentKind::Instalment,
            scheduled_date: parts.scheduled.get(k).copied().unwrap_or(*due),
            due_date: *due,
            principal: part,
            interest: int,
            fees: fee,
            amount: part.checked_add(&int)?.checked_add(&fee)?,
            means: terms
                .means_per_instalment
                .get(k)
                .copied()
                .unwrap_or(terms.means),
            allocations: Vec::new(),
        });
    }
    Ok(out)
}

fn check_terms(terms: &PlanTerms) -> Result<(), PlanError> {
    check_mode(terms.rounding)?;
    if terms.max_instalments == 0 || terms.max_instalments > MAX_INSTALMENTS {
        return Err(PlanError::field(
            "max_instalments",
            terms.max_instalments,
            format!("expected 1 to {MAX_INSTALMENTS}"),
        ));
    }
    if terms.frequency != Frequency::Custom && terms.instalments == 0 {
        return Err(PlanError::field("instalments", 0, "expected at least 1"));
    }
    if terms.instalments > terms.max_instalments {
        return Err(PlanError::field(
            "instalments",
            terms.instalments,
            format!("expected at most max_instalments {}", terms.max_instalments),
        ));
    }
    if let Some(i) = &terms.interest {
        i.validate(terms.frequency)?;
    }
    if let Some(f) = terms.fees
        && (f.is_sign_negative() && !f.is_zero())
    {
        return Err(PlanError::field("fees", f, "expected zero or more"));
    }
    Ok(())
}

fn check_count(terms: &PlanTerms, n: usize) -> Result<(), PlanError> {
    if n > usize::try_from(terms.max_instalments).unwrap_or(usize::MAX) {
        return Err(PlanError::field(
            "custom_dates",
            format!("{n} dates"),
            format!("expected at most max_instalments {}", terms.max_instalments),
        ));
    }
    if !terms.means_per_instalment.is_empty() && terms.means_per_instalment.len() != n {
        return Err(PlanError::field(
            "means_per_instalment",
            format!("{} means", terms.means_per_instalment.len()),
            format!("expected one per instalment: {n}"),
        ));
    }
    Ok(())
}

/// The down payment amount, in minor units, below the principal.
fn down_payment(
    terms: &PlanTerms,
    principal: Money,
    mode: RoundingMode,
) -> Result<Money, PlanError> {
    let currency = principal.currency();
    let Some(dp) = &terms.down_payment else {
        return Ok(Money::zero(currency));
    };
    let amount = match (dp.percent, dp.amount) {
        (Some(p), None) => {
            if p.is_sign_negative() && !p.is_zero() || p > Decimal::ONE_HUNDRED {
                return Err(PlanError::field(
                    "down_payment.percent",
                    p,
                    "expected 0 to 100",
                ));
            }
            principal.checked_mul(p / Decimal::ONE_HUNDRED)?.round(mode)
        }
        (None, Some(a)) => {
            let m = Money::new(a, currency);
            if m.is_negative() || !m.is_in_minor_units() {
                return Err(PlanError::field(
                    "down_payment.amount",
                    a,
                    format!("expected zero or more, in minor units of {currency}"),
                ));
            }
            m.round(mode)
        }
        _ => {
            return Err(PlanError::field(
                "down_payment",
                "percent and amount",
                "expected exactly one of percent or amount",
            ));
        }
    };
    if amount.checked_cmp(&principal)?.is_ge() {
        return Err(PlanError::field(
            "down_payment",
            amount,
            format!("expected less than the selected balance {principal}, so instalments remain"),
        ));
    }
    Ok(amount)
}

fn down_payment_date(
    terms: &PlanTerms,
    agreed_on: NaiveDate,
    calendar: Option<&Calendar>,
    customer: &str,
) -> Result<NaiveDate, PlanError> {
    match terms.down_payment.as_ref().and_then(|d| d.due_date) {
        None => Ok(agreed_on),
        Some(d) if d < agreed_on => Err(PlanError::field(
            "down_payment.due_date",
            d,
            format!("expected the plan's date {agreed_on} or later"),
        )),
        Some(d) => Ok(schedule::roll_dates(&[d], calendar, terms.roll, customer)?
            .first()
            .copied()
            .unwrap_or(d)),
    }
}

fn check_dates(
    terms: &PlanTerms,
    agreed_on: NaiveDate,
    down_date: NaiveDate,
    scheduled: &[NaiveDate],
    due: &[NaiveDate],
) -> Result<(), PlanError> {
    let field = if terms.frequency == Frequency::Custom {
        "custom_dates[0]"
    } else {
        "first_date"
    };
    if let Some(first) = scheduled.first()
        && *first <= agreed_on
    {
        return Err(PlanError::field(
            field,
            first,
            format!("expected a date after the plan's date {agreed_on}"),
        ));
    }
    if terms.down_payment.is_some()
        && let Some(first) = due.first()
        && *first <= down_date
    {
        return Err(PlanError::field(
            "down_payment.due_date",
            down_date,
            format!("expected a date before the first instalment's {first}"),
        ));
    }
    if let Some(last) = due.last() {
        let days = (*last - agreed_on).num_days();
        if days > i64::from(terms.max_duration_days) {
            return Err(PlanError::field(
                "max_duration_days",
                terms.max_duration_days,
                format!(
                    "the last instalment falls on {last}, {days} days after the plan's date; shorten the schedule or raise the maximum"
                ),
            ));
        }
    }
    Ok(())
}

/// Principal and interest per instalment.
#[allow(clippy::too_many_arguments)]
fn principal_and_interest(
    terms: &PlanTerms,
    financed: Money,
    principal: Money,
    agreed_on: NaiveDate,
    scheduled: &[NaiveDate],
    n: usize,
    mode: RoundingMode,
) -> Result<(Vec<Money>, Vec<Money>), PlanError> {
    let zero = Money::zero(financed.currency());
    let Some(it) = &terms.interest else {
        return Ok((
            split(financed, n, terms.remainder, mode, "instalments")?,
            vec![zero; n],
        ));
    };
    let rates = interest::period_rates(
        it.annual_rate_percent,
        it.day_count,
        terms.frequency,
        agreed_on,
        scheduled,
    )?;
    match it.method {
        InterestMethod::Annuity => {
            let rows = interest::annuity(financed, &rates, mode)?;
            Ok(rows.into_iter().unzip())
        }
        InterestMethod::Flat => {
            let base = match it.base {
                InterestBase::AfterDownPayment => financed,
                InterestBase::FullPrincipal => principal,
            };
            let total = interest::flat_total(base, &rates, mode)?;
            Ok((
                split(financed, n, terms.remainder, mode, "instalments")?,
                split(total, n, terms.remainder, mode, "interest")?,
            ))
        }
    }
}

/// Fees on the down payment and per instalment.
fn fee_parts(
    terms: &PlanTerms,
    total: Money,
    has_down: bool,
    n: usize,
    mode: RoundingMode,
) -> Result<(Money, Vec<Money>), PlanError> {
    let zero = Money::zero(total.currency());
    let mut per = vec![zero; n];
    if total.is_zero() {
        return Ok((zero, per));
    }
    match terms.fee_on {
        FeeOn::DownPayment if has_down => Ok((total, per)),
        FeeOn::Spread => Ok((zero, split(total, n, terms.remainder, mode, "fees")?)),
        _ => {
            if let Some(f) = per.first_mut() {
                *f = total;
            }
            Ok((zero, per))
        }
    }
}

/// Pour the instalments' principals, in order, into the items, oldest first.
fn allocate(instalments: &mut [Instalment], items: &[SelectedItem]) -> Result<(), PlanError> {
    let mut queue = items.iter().map(|i| (i.item_id.as_str(), i.amount));
    let mut current = queue.next();
    for inst in instalments.iter_mut() {
        let mut left = inst.principal;
        while left.is_positive() {
            let Some((id, open)) = current.as_mut() else {
                break;
            };
            let take = left.checked_min(open)?;
            if take.is_positive() {
                inst.allocations.push(Allocation {
                    item_id: (*id).to_owned(),
                    amount: take,
                });
            }
            left = left.checked_sub(&take)?;
            *open = open.checked_sub(&take)?;
            if !open.is_positive() {
                current = queue.next();
            }
        }
    }
    Ok(())
}
