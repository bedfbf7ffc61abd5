//! May this customer have a payment plan? A payer profile, the risk class and the
//! rules give a decision with every refusal as data.
//!
//! [`PayerProfile`] is deliberately small and plain: [`PayerProfile::from_ledger`]
//! fills it from the customer's own items; a risk module (or the caller) can fill the
//! same fields from its behavioural features instead. The risk class is the caller's
//! input, on whatever scale the caller's risk module uses.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::proposal::{InstalmentKind, PaymentPlan};
use super::{PlanError, ledger_view};
use crate::ledger::Ledger;
use crate::money::Money;

/// A plan of the customer's that was breached, for the "no recent broken plan" rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrokenPlan {
    /// The plan.
    pub plan_id: String,
    /// The day it was breached.
    pub breached_on: NaiveDate,
}

/// What eligibility looks at in the customer's payment behaviour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayerProfile {
    /// The customer.
    pub customer_id: String,
    /// The day the profile was taken at the end of.
    pub as_of: NaiveDate,
    /// Open debits (before credits and unapplied cash).
    pub open_debits: Money,
    /// Open debits past their due date.
    pub overdue: Money,
    /// Days past due of the oldest overdue item (0 when none).
    pub oldest_overdue_days: i64,
    /// Items fully paid in the window.
    pub paid_items: u64,
    /// Amount-weighted average days beyond terms of the items fully paid in the
    /// window (`None` when none was paid).
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub days_beyond_terms: Option<Decimal>,
    /// Plans the customer broke, with their dates (the caller's record).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broken_plans: Vec<BrokenPlan>,
}

impl PayerProfile {
    /// The profile of `customer_id` from the ledger, as of `as_of`, with payment
    /// behaviour over the `window_days` before it. Broken plans are the caller's to add.
    ///
    /// # Errors
    /// [`PlanError::UnknownCustomer`]; [`PlanError::Money`] on overflow.
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Item, Ledger, Payment};
    /// use encours_core::money::{Currency, Money};
    /// use encours_core::plans::PayerProfile;
    /// use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let mut l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)], vec![
    ///     Item::invoice("F1", "C1", d(1, 1), d(1, 31), eur(100_00)),
    ///     Item::invoice("F2", "C1", d(2, 1), d(3, 3), eur(300_00)),
    /// ], vec![Payment::new("P1", "C1", d(2, 10), eur(100_00))], vec![])?;
    /// l.apply_payment("P1", "F1", eur(100_00), d(2, 10))?;
    /// let p = PayerProfile::from_ledger(&l, "C1", d(3, 13), 365)?;
    /// assert_eq!((p.overdue, p.oldest_overdue_days), (eur(300_00), 10));
    /// assert_eq!(p.days_beyond_terms.unwrap().to_string(), "10"); // F1 paid 10 days late
    /// # Ok::<(), encours_core::Error>(())
    /// ```
    pub fn from_ledger(
        ledger: &Ledger,
        customer_id: &str,
        as_of: NaiveDate,
        window_days: u32,
    ) -> Result<PayerProfile, PlanError> {
        let customer = ledger_view::customer(ledger, customer_id).ok_or_else(|| {
            PlanError::UnknownCustomer {
                field: "customer_id".into(),
                id: customer_id.to_owned(),
            }
        })?;
        let zero = Money::zero(customer.currency);
        let (mut open, mut overdue, mut oldest) = (zero, zero, 0_i64);
        let (mut paid_items, mut paid_amount, mut weighted) = (0_u64, Decimal::ZERO, Decimal::ZERO);
        let window_start = super::add_days(as_of, -i64::from(window_days), "window_days")?;
        for v in ledger_view::items_of(ledger, &customer, as_of)
            .iter()
            .filter(|v| v.is_debit)
        {
            if v.open.is_positive() {
                open = open.checked_add(&v.open)?;
                if v.due_date < as_of {
                    overdue = overdue.checked_add(&v.open)?;
                    oldest = oldest.max((as_of - v.due_date).num_days());
                }
            } else if let Some(paid) = v.last_settlement.filter(|d| *d > window_start) {
                let late = (paid - v.due_date).num_days().max(0);
                paid_items += 1;
                paid_amount += v.amount.amount();
                weighted += v.amount.amount() * Decimal::from(late);
            }
        }
        Ok(PayerProfile {
            customer_id: customer_id.to_owned(),
            as_of,
            open_debits: open,
            overdue,
            oldest_overdue_days: oldest,
            paid_items,
            days_beyond_terms: (!paid_amount.is_zero())
                .then(|| (weighted / paid_amount).round_dp(2).normalize()),
            broken_plans: Vec::new(),
        })
    }
}

fn default_duration() -> u32 {
    365
}
fn default_min_down() -> Decimal {
    Decimal::from(20)
}
fn default_lookback() -> u32 {
    365
}
fn default_true() -> bool {
    true
}

/// The rules a plan must meet.
///
/// ```
/// use encours_core::plans::EligibilityRules;
/// let r: EligibilityRules = serde_json::from_str(r#"{"max_amount": "50000", "refused_risk_classes": ["E"]}"#).unwrap();
/// assert_eq!((r.max_duration_days, r.min_down_payment_percent.to_string().as_str()), (365, "20"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibilityRules {
    /// The largest plan principal, in the customer's currency (none when absent).
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_amount: Option<Decimal>,
    /// The longest plan, in days from agreement to the last instalment (365).
    #[serde(default = "default_duration")]
    pub max_duration_days: u32,
    /// The smallest down payment, in percent of the principal (20).
    #[serde(default = "default_min_down", with = "crate::decimal_serde")]
    pub min_down_payment_percent: Decimal,
    /// A plan broken within this many days refuses a new one (365).
    #[serde(default = "default_lookback")]
    pub broken_plan_lookback_days: u32,
    /// Risk classes refused outright (compared ignoring ASCII case).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused_risk_classes: Vec<String>,
    /// The most days beyond terms the customer may average (none when absent).
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_days_beyond_terms: Option<Decimal>,
    /// A plan answers a real cash difficulty: something must be overdue (true).
    #[serde(default = "default_true")]
    pub require_overdue: bool,
}

impl Default for EligibilityRules {
    fn default() -> EligibilityRules {
        EligibilityRules {
            max_amount: None,
            max_duration_days: default_duration(),
            min_down_payment_percent: default_min_down(),
            broken_plan_lookback_days: default_lookback(),
            refused_risk_classes: Vec::new(),
            max_days_beyond_terms: None,
            require_overdue: true,
        }
    }
}

/// What a plan asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// The principal.
    pub amount: Money,
    /// Days from agreement to the last instalment.
    pub duration_days: i64,
    /// The down payment, in percent of the principal.
    #[serde(with = "crate::decimal_serde")]
    pub down_payment_percent: Decimal,
}

impl PlanRequest {
    /// What a proposed plan asks for.
    pub fn of(plan: &PaymentPlan) -> PlanRequest {
        let last = plan
            .instalments
            .last()
            .map_or(plan.agreed_on, |i| i.due_date);
        let down = plan
            .instalments
            .iter()
            .find(|i| i.kind == InstalmentKind::DownPayment)
            .map_or(Decimal::ZERO, |i| i.principal.amount());
        let percent = if plan.principal.is_zero() {
            Decimal::ZERO
        } else {
            (down * Decimal::ONE_HUNDRED / plan.principal.amount())
                .round_dp(2)
                .normalize()
        };
        PlanRequest {
            amount: plan.principal,
            duration_days: (last - plan.agreed_on).num_days(),
            down_payment_percent: percent,
        }
    }
}

/// The checks eligibility makes, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckCode {
    /// Something is overdue.
    CashDifficulty,
    /// The risk class is not refused.
    RiskClass,
    /// No plan broken within the look-back period.
    NoRecentBrokenPlan,
    /// Days beyond terms within the maximum.
    PaymentBehaviour,
    /// Principal within the maximum.
    MaxAmount,
    /// Duration within the maximum.
    MaxDuration,
    /// Down payment at least the minimum.
    MinDownPayment,
}

/// Why a plan is refused, with the figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Refusal {
    /// Nothing is overdue: no cash difficulty to answer.
    NothingOverdue,
    /// The risk class is one the rules refuse.
    RiskClassRefused {
        /// The class.
        risk_class: String,
    },
    /// A plan was broken within the look-back period.
    RecentBrokenPlan {
        /// The plan.
        plan_id: String,
        /// When.
        breached_on: NaiveDate,
        /// The look-back, in days.
        lookback_days: u32,
    },
    /// The customer pays later than the rules allow.
    PaysTooLate {
        /// Average days beyond terms.
        #[serde(with = "crate::decimal_serde")]
        days_beyond_terms: Decimal,
        /// The maximum.
        #[serde(with = "crate::decimal_serde")]
        maximum: Decimal,
    },
    /// The principal is above the maximum.
    AmountAboveMaximum {
        /// The principal.
        amount: Money,
        /// The maximum.
        maximum: Money,
    },
    /// The plan runs longer than the maximum.
    DurationAboveMaximum {
        /// Days asked for.
        days: i64,
        /// The maximum.
        maximum: u32,
    },
    /// The down payment is below the minimum.
    DownPaymentBelowMinimum {
        /// Percent asked for.
        #[serde(with = "crate::decimal_serde")]
        percent: Decimal,
        /// The minimum.
        #[serde(with = "crate::decimal_serde")]
        minimum: Decimal,
    },
}

/// The decision: eligible when nothing refuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    /// Whether a plan may be offered.
    pub eligible: bool,
    /// Every check made, in order.
    pub checked: Vec<CheckCode>,
    /// Every refusal, in the order of the checks.
    pub refusals: Vec<Refusal>,
}

/// Decide whether `request` may be granted to the customer of `profile`, of risk class
/// `risk_class` (the caller's; `None` when unknown), under `rules`.
///
/// # Errors
/// [`PlanError::InvalidField`] for a negative rule value or a maximum amount not in
/// the request's minor units; [`PlanError::Money`] on a currency mismatch.
///
/// # Example
/// ```
/// use encours_core::money::{Currency, Money};
/// use encours_core::plans::{assess, EligibilityRules, PayerProfile, PlanRequest, Refusal};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let day = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
/// let eur = |c| Money::from_minor(c, Currency::EUR);
/// let profile = PayerProfile { customer_id: "C1".into(), as_of: day, open_debits: eur(1000_00),
///     overdue: eur(600_00), oldest_overdue_days: 40, paid_items: 0, days_beyond_terms: None, broken_plans: vec![] };
/// let request = PlanRequest { amount: eur(1000_00), duration_days: 180, down_payment_percent: Decimal::from(10) };
/// let e = assess(&profile, Some("B"), &request, &EligibilityRules::default())?;
/// assert!(!e.eligible);
/// assert_eq!(e.refusals, [Refusal::DownPaymentBelowMinimum { percent: Decimal::from(10), minimum: Decimal::from(20) }]);
/// # Ok::<(), encours_core::plans::PlanError>(())
/// ```
pub fn assess(
    profile: &PayerProfile,
    risk_class: Option<&str>,
    request: &PlanRequest,
    rules: &EligibilityRules,
) -> Result<Eligibility, PlanError> {
    check_rules(rules)?;
    let mut checked = Vec::new();
    let mut refusals = Vec::new();
    let mut check = |code: CheckCode, refusal: Option<Refusal>| {
        checked.push(code);
        refusals.extend(refusal);
    };
    if rules.require_overdue {
        check(
            CheckCode::CashDifficulty,
            (!profile.overdue.is_positive()).then_some(Refusal::NothingOverdue),
        );
    }
    check(CheckCode::RiskClass, risk_refusal(risk_class, rules));
    check(
        CheckCode::NoRecentBrokenPlan,
        broken_refusal(profile, rules)?,
    );
    if let Some(max) = rules.max_days_beyond_terms {
        check(
            CheckCode::PaymentBehaviour,
            profile
                .days_beyond_terms
                .filter(|d| *d > max)
                .map(|d| Refusal::PaysTooLate {
                    days_beyond_terms: d,
                    maximum: max,
                }),
        );
    }
    if let Some(max) = rules.max_amount {
        let maximum = Money::new(max, request.amount.currency());
        check(
            CheckCode::MaxAmount,
            request
                .amount
                .checked_cmp(&maximum)?
                .is_gt()
                .then_some(Refusal::AmountAboveMaximum {
                    amount: request.amount,
                    maximum,
                }),
        );
    }
    check(
        CheckCode::MaxDuration,
        (request.duration_days > i64::from(rules.max_duration_days)).then_some(
            Refusal::DurationAboveMaximum {
                days: request.duration_days,
                maximum: rules.max_duration_days,
            },
        ),
    );
    check(
        CheckCode::MinDownPayment,
        (request.down_payment_percent < rules.min_down_payment_percent).then_some(
            Refusal::DownPaymentBelowMinimum {
                percent: request.down_payment_percent,
                minimum: rules.min_down_payment_percent,
            },
        ),
    );
    Ok(Eligibility {
        eligible: refusals.is_empty(),
        checked,
        refusals,
    })
}

fn check_rules(rules: &EligibilityRules) -> Result<(), PlanError> {
    let negative = |d: &Decimal| d.is_sign_negative() && !d.is_zero();
    if let Some(m) = rules.max_amount.filter(negative) {
        return Err(PlanError::field("max_amount", m, "expected zero or more"));
    }
    let p = rules.min_down_payment_percent;
    if negative(&p) || p > Decimal::ONE_HUNDRED {
        return Err(PlanError::field(
            "min_down_payment_percent",
            p,
            "expected 0 to 100",
        ));
    }
    if let Some(m) = rules.max_days_beyond_terms.filter(negative) {
        return Err(PlanError::field(
            "max_days_beyond_terms",
            m,
            "expected zero or more",
        ));
    }
    Ok(())
}

fn risk_refusal(risk_class: Option<&str>, rules: &EligibilityRules) -> Option<Refusal> {
    let class = risk_class?;
    rules
        .refused_risk_classes
        .iter()
        .any(|r| r.eq_ignore_ascii_case(class))
        .then(|| Refusal::RiskClassRefused {
            risk_class: class.to_owned(),
        })
}

fn broken_refusal(
    profile: &PayerProfile,
    rules: &EligibilityRules,
) -> Result<Option<Refusal>, PlanError> {
    let since = super::add_days(
        profile.as_of,
        -i64::from(rules.broken_plan_lookback_days),
        "broken_plan_lookback_days",
    )?;
    Ok(profile
        .broken_plans
        .iter()
        .filter(|b| b.breached_on > since && b.breached_on <= profile.as_of)
        .max_by_key(|b| b.breached_on)
        .map(|b| Refusal::RecentBrokenPlan {
            plan_id: b.plan_id.clone(),
            breached_on: b.breached_on,
            lookback_days: rules.broken_plan_lookback_days,
        }))
}
