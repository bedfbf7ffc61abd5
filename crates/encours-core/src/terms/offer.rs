//! The early-payment discount for a given payment date, and the annualised cost of
//! not taking it.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::{PaymentTerms, TermsError};
use crate::money::Money;

/// The early-payment discount as it stands for one payment date.
///
/// `annualised_cost` is the nominal annual cost of *not* taking the discount, in
/// percent: `d / (100 − d) × 365 / (net days − discount days)`, the "nominal annual
/// cost of trade credit" of Brigham & Ehrhardt, *Financial Management: Theory and
/// Practice*, ch. "Working capital management" (2/10 net 30 gives 37.24 %), rounded
/// half up to four decimals. It is `None` when the net term is not later than the
/// discount deadline (there is no credit to pay for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountOffer {
    /// The payment date assessed.
    pub payment_date: NaiveDate,
    /// Last day the discount may be taken (invoice date + the discount days).
    pub deadline: NaiveDate,
    /// Whether a payment on `payment_date` earns the discount (on or before the
    /// deadline).
    pub applies: bool,
    /// The discount, in percent.
    #[serde(with = "crate::decimal_serde")]
    pub percent: Decimal,
    /// The discount earned: the amount times the percent, half up to the minor unit,
    /// when it applies; zero otherwise.
    pub amount: Money,
    /// What to pay on `payment_date`: the invoice amount less `amount`.
    pub payable: Money,
    /// Nominal annual cost of not taking the discount, percent, 4 decimals.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub annualised_cost: Option<Decimal>,
}

impl PaymentTerms {
    /// The early-payment discount for a payment made on `payment_date`: whether it
    /// applies, how much it is, what to pay, and the annualised cost of not taking it.
    /// `None` when the terms have no discount.
    ///
    /// # Errors
    /// As [`PaymentTerms::early_payment_discount`].
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::money::{Currency, Money};
    /// use encours_core::terms::PaymentTerms;
    /// let terms: PaymentTerms = "2/10 net 30".parse()?;
    /// let d = |day| NaiveDate::from_ymd_opt(2024, 1, day).unwrap();
    /// let amount = Money::parse("1000.00", Currency::EUR)?;
    /// let on_time = terms.discount_for_payment(d(15), d(25), amount)?.unwrap();
    /// assert!(on_time.applies);
    /// assert_eq!(on_time.payable.to_string(), "980.00 EUR");
    /// assert_eq!(on_time.annualised_cost.unwrap().to_string(), "37.2449");
    /// let late = terms.discount_for_payment(d(15), d(26), amount)?.unwrap();
    /// assert!(!late.applies);
    /// assert_eq!(late.payable.to_string(), "1000.00 EUR");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn discount_for_payment(
        &self,
        invoice_date: NaiveDate,
        payment_date: NaiveDate,
        amount: Money,
    ) -> Result<Option<DiscountOffer>, TermsError> {
        let (Some(terms), Some(d)) = (
            self.discount(),
            self.early_payment_discount(invoice_date, amount)?,
        ) else {
            return Ok(None);
        };
        let applies = payment_date <= d.deadline;
        let net_days = self
            .due_date(invoice_date)?
            .signed_duration_since(invoice_date)
            .num_days();
        Ok(Some(DiscountOffer {
            payment_date,
            deadline: d.deadline,
            applies,
            percent: d.percent,
            amount: if applies {
                d.amount
            } else {
                Money::zero(amount.currency())
            },
            payable: if applies { d.net_payable } else { amount },
            annualised_cost: annualised_cost(terms.percent, net_days - i64::from(terms.days)),
        }))
    }
}

/// `percent / (100 − percent) × 365 / extra_days`, in percent, 4 decimals half up;
/// `None` without extra days.
fn annualised_cost(percent: Decimal, extra_days: i64) -> Option<Decimal> {
    if extra_days <= 0 {
        return None;
    }
    let rate = percent.checked_div(Decimal::ONE_HUNDRED.checked_sub(percent)?)?;
    rate.checked_mul(Decimal::from(365))?
        .checked_div(Decimal::from(extra_days))?
        .checked_mul(Decimal::ONE_HUNDRED)
        .map(|v| v.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cost_of_trade_credit_matches_the_textbook_figures() {
        // Brigham & Ehrhardt, "nominal annual cost of trade credit": 2/10 net 30 is
        // 2/98 x 365/20 = 37.24 %; 1/10 net 30 is 1/99 x 365/20 = 18.43 %.
        assert_eq!(
            annualised_cost(Decimal::TWO, 20),
            Some(Decimal::new(372_449, 4))
        );
        assert_eq!(
            annualised_cost(Decimal::ONE, 20),
            Some(Decimal::new(184_343, 4))
        );
        assert_eq!(annualised_cost(Decimal::TWO, 0), None);
    }
}
