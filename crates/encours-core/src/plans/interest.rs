//! Interest on a payment plan: none, flat, or an annuity on the declining balance,
//! with the rate per period given by a stated day-count convention.
//!
//! The annuity is the one numpy-financial computes: with `r` the rate of a period, the
//! equal payment is `pmt = P·r / (1 − (1 + r)^−n)`, the interest of period `k` is the
//! balance after period `k − 1` times `r` (`ipmt`), the principal is `pmt − ipmt`
//! (`ppmt`). Periods of unequal rates (actual/365 over months of different lengths)
//! use the same equal-payment rule generalised: `pmt = P / Σₖ Πⱼ≤ₖ 1/(1 + rⱼ)`.
//! Figures are computed exactly, then rounded once per instalment.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::PlanError;
use super::schedule::Frequency;
use crate::money::{Money, MoneyError, RoundingMode};

/// Flat interest or an annuity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterestMethod {
    /// Simple interest on the base for the whole duration, spread over the
    /// instalments like the principal.
    Flat,
    /// Equal instalments; interest on the declining balance (numpy-financial's
    /// `pmt`/`ipmt`/`ppmt`), the last instalment absorbing the rounding.
    Annuity,
}

/// How the rate of one period follows from the annual rate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    /// Annual rate ÷ periods per year (12 monthly, 26 every two weeks, 52 weekly),
    /// whatever the period's length. The default, and numpy-financial's convention
    /// when called with `rate / 12`. Not available for custom dates.
    #[default]
    PerPeriod,
    /// 30/360 bond basis (ISDA 2006 4.16(f)): days counted as if every month had 30
    /// days, over a 360-day year; a month is exactly 1/12.
    #[serde(rename = "30/360")]
    Thirty360,
    /// Actual days over a 365-day year (actual/365 fixed).
    #[serde(rename = "actual/365")]
    Actual365,
}

/// What the interest is computed on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterestBase {
    /// The balance left after the down payment (the default).
    #[default]
    AfterDownPayment,
    /// The full selected principal, down payment included (flat interest only).
    FullPrincipal,
}

/// Interest terms of a plan.
///
/// ```
/// use encours_core::plans::{InterestTerms, InterestMethod, DayCount};
/// let t: InterestTerms = serde_json::from_str(r#"{"method": "annuity", "annual_rate_percent": "6", "day_count": "30/360"}"#).unwrap();
/// assert_eq!((t.method, t.day_count), (InterestMethod::Annuity, DayCount::Thirty360));
/// assert!(serde_json::from_str::<InterestTerms>(r#"{"method": "flat", "annual_rate": "6"}"#).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterestTerms {
    /// Flat or annuity.
    pub method: InterestMethod,
    /// Annual rate in percent (`6` is 6 % a year), zero or more, at most 100.
    #[serde(with = "crate::decimal_serde")]
    pub annual_rate_percent: Decimal,
    /// Rate-per-period convention ([`DayCount::PerPeriod`] when absent).
    #[serde(default)]
    pub day_count: DayCount,
    /// What the interest is computed on ([`InterestBase::AfterDownPayment`] when absent).
    #[serde(default)]
    pub base: InterestBase,
}

impl InterestTerms {
    /// Check the terms make sense for the schedule's frequency.
    ///
    /// # Errors
    /// [`PlanError::InvalidField`] naming `interest.annual_rate_percent`,
    /// `interest.day_count` or `interest.base`.
    pub fn validate(&self, frequency: Frequency) -> Result<(), PlanError> {
        let rate = self.annual_rate_percent;
        if rate.is_sign_negative() && !rate.is_zero() || rate > Decimal::ONE_HUNDRED {
            return Err(PlanError::field(
                "interest.annual_rate_percent",
                rate,
                "expected 0 to 100",
            ));
        }
        if self.day_count == DayCount::PerPeriod && frequency.periods_per_year().is_none() {
            return Err(PlanError::field(
                "interest.day_count",
                "per_period",
                "custom dates have no regular period: use \"30/360\" or \"actual/365\"",
            ));
        }
        if self.method == InterestMethod::Annuity && self.base == InterestBase::FullPrincipal {
            return Err(PlanError::field(
                "interest.base",
                "full_principal",
                "an annuity runs on the balance after the down payment: use \"after_down_payment\" or flat interest",
            ));
        }
        Ok(())
    }
}

/// Days between two dates by 30/360 bond basis.
fn days_30_360(a: NaiveDate, b: NaiveDate) -> i64 {
    let d1 = a.day().min(30);
    let d2 = if d1 == 30 { b.day().min(30) } else { b.day() };
    360 * i64::from(b.year() - a.year())
        + 30 * (i64::from(b.month()) - i64::from(a.month()))
        + (i64::from(d2) - i64::from(d1))
}

/// The rate of each period (as a fraction, not a percent): from `start` to the first
/// date, then between consecutive dates.
///
/// # Errors
/// [`PlanError::InvalidField`] for [`DayCount::PerPeriod`] with custom dates.
///
/// # Example
/// ```
/// use encours_core::plans::{DayCount, Frequency};
/// use encours_core::plans::interest::period_rates;
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
/// let r = period_rates(Decimal::from(6), DayCount::PerPeriod, Frequency::Monthly, d(1, 31), &[d(2, 28), d(3, 31)])?;
/// assert_eq!(r, [Decimal::new(5, 3), Decimal::new(5, 3)]);
/// let r = period_rates(Decimal::from(6), DayCount::Thirty360, Frequency::Monthly, d(1, 31), &[d(2, 28)])?;
/// assert_eq!(r[0].normalize().to_string(), "0.0046666666666666666666666667"); // 28 days of 30/360
/// let r = period_rates(Decimal::from(365), DayCount::Actual365, Frequency::Custom, d(1, 1), &[d(1, 11)])?;
/// assert_eq!(r[0], Decimal::new(10, 2));
/// # Ok::<(), encours_core::plans::PlanError>(())
/// ```
pub fn period_rates(
    annual_rate_percent: Decimal,
    day_count: DayCount,
    frequency: Frequency,
    start: NaiveDate,
    dates: &[NaiveDate],
) -> Result<Vec<Decimal>, PlanError> {
    let annual = annual_rate_percent / Decimal::ONE_HUNDRED;
    let mut prev = start;
    let mut out = Vec::with_capacity(dates.len());
    for &d in dates {
        let rate = match day_count {
            DayCount::PerPeriod => {
                let per_year = frequency.periods_per_year().ok_or_else(|| {
                    PlanError::field(
                        "interest.day_count",
                        "per_period",
                        "expected a regular frequency",
                    )
                })?;
                annual / Decimal::from(per_year)
            }
            DayCount::Thirty360 => {
                annual * Decimal::from(days_30_360(prev, d)) / Decimal::from(360)
            }
            DayCount::Actual365 => {
                annual * Decimal::from((d - prev).num_days()) / Decimal::from(365)
            }
        };
        out.push(rate);
        prev = d;
    }
    Ok(out)
}

const OVERFLOW: MoneyError = MoneyError::Overflow {
    operation: "plan interest",
};

/// The exact (unrounded) annuity: the equal payment and, per period, the interest
/// (numpy-financial's `ipmt`) and the principal (`ppmt`).
///
/// # Errors
/// [`PlanError::Money`] on decimal overflow.
///
/// # Example
/// ```
/// use encours_core::plans::interest::annuity_exact;
/// use rust_decimal::Decimal;
/// // numpy_financial.pmt(0.005, 12, -10000) = 860.6643...
/// let (pmt, rows) = annuity_exact(Decimal::from(10000), &[Decimal::new(5, 3); 12])?;
/// assert_eq!(pmt.round_dp(4).to_string(), "860.6643");
/// assert_eq!(rows[0].0.round_dp(2).to_string(), "50.00");
/// # Ok::<(), encours_core::plans::PlanError>(())
/// ```
pub fn annuity_exact(
    principal: Decimal,
    rates: &[Decimal],
) -> Result<(Decimal, Vec<(Decimal, Decimal)>), PlanError> {
    let mut growth = Decimal::ONE;
    let mut discount_sum = Decimal::ZERO;
    for r in rates {
        growth = growth.checked_mul(Decimal::ONE + r).ok_or(OVERFLOW)?;
        discount_sum = discount_sum
            .checked_add(Decimal::ONE.checked_div(growth).ok_or(OVERFLOW)?)
            .ok_or(OVERFLOW)?;
    }
    let pmt = principal.checked_div(discount_sum).ok_or(OVERFLOW)?;
    let mut balance = principal;
    let mut rows = Vec::with_capacity(rates.len());
    for r in rates {
        let ipmt = balance.checked_mul(*r).ok_or(OVERFLOW)?;
        let ppmt = pmt - ipmt;
        balance -= ppmt;
        rows.push((ipmt, ppmt));
    }
    Ok((pmt, rows))
}

/// The rounded annuity: per instalment (principal, interest), equal payments but the
/// last, which absorbs the rounding so the principals add up to `principal` exactly.
///
/// # Errors
/// [`PlanError::Money`] on overflow.
pub(crate) fn annuity(
    principal: Money,
    rates: &[Decimal],
    mode: RoundingMode,
) -> Result<Vec<(Money, Money)>, PlanError> {
    let currency = principal.currency();
    let (pmt, rows) = annuity_exact(principal.amount(), rates)?;
    let payment = Money::new(pmt, currency).round(mode);
    let mut left = principal;
    let mut out = Vec::with_capacity(rows.len());
    let last = rows.len().saturating_sub(1);
    for (k, (ipmt, _)) in rows.iter().enumerate() {
        let interest = Money::new(*ipmt, currency).round(mode);
        let part = if k == last {
            left
        } else {
            payment.checked_sub(&interest)?.checked_min(&left)?
        };
        left = left.checked_sub(&part)?;
        out.push((part, interest));
    }
    Ok(out)
}

/// The total flat interest on `base` over the periods, rounded once.
///
/// # Errors
/// [`PlanError::Money`] on overflow.
pub(crate) fn flat_total(
    base: Money,
    rates: &[Decimal],
    mode: RoundingMode,
) -> Result<Money, PlanError> {
    let total_rate = rates
        .iter()
        .try_fold(Decimal::ZERO, |acc, r| acc.checked_add(*r))
        .ok_or(OVERFLOW)?;
    Ok(base.checked_mul(total_rate)?.round(mode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_360_counts_months_as_thirty_days() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(days_30_360(d(2025, 1, 31), d(2025, 2, 28)), 28);
        assert_eq!(days_30_360(d(2025, 2, 28), d(2025, 3, 31)), 33);
        assert_eq!(days_30_360(d(2025, 1, 15), d(2025, 2, 15)), 30);
        assert_eq!(days_30_360(d(2024, 3, 31), d(2024, 4, 30)), 30);
    }

    #[test]
    fn a_zero_rate_annuity_is_an_even_split() {
        let p = Money::from_minor(10_000, crate::money::Currency::EUR);
        let rows = annuity(p, &[Decimal::ZERO; 3], RoundingMode::HalfUp).unwrap();
        let cents: Vec<i64> = rows.iter().map(|(a, _)| a.to_minor().unwrap()).collect();
        assert_eq!(cents, [3333, 3333, 3334]);
    }
}
