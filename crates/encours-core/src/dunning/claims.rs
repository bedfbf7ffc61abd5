//! What a step action claims besides the items: the flat recovery indemnity and
//! late-payment interest per item, the step's fee; and the next step it announces.
//! Whatever cannot be computed is a typed warning on the action, never a silent zero.

use chrono::NaiveDate;

use super::config::{Scenario, Step};
use super::stages::Timing;
use super::{ActionWarning, DunningError, NextStep, WarningCode};
use crate::interest::{self, InterestRule, Jurisdiction, RateTables};
use crate::money::{Currency, FxRates, Money, RoundingMode};

/// What the interest and indemnity of one customer's items are computed with.
#[derive(Debug, Clone, Copy)]
pub(super) struct Charges<'a> {
    /// The customer's statutory regime, if any.
    pub(super) jurisdiction: Option<Jurisdiction>,
    /// The interest rule: the configuration's, else the statutory one.
    pub(super) rule: Option<&'a InterestRule>,
    /// Reference-rate tables.
    pub(super) tables: &'a RateTables,
    /// The customer's country, named in warnings.
    pub(super) country: Option<&'a str>,
    /// The plan's date.
    pub(super) as_of: NaiveDate,
}

impl Charges<'_> {
    /// The flat recovery indemnity of an invoice, or the warning saying why not.
    pub(super) fn indemnity(&self, item_id: &str, amount: &Money) -> Result<Money, ActionWarning> {
        let warn = |cause: String| ActionWarning {
            code: WarningCode::NoRecoveryIndemnity,
            item_id: Some(item_id.to_owned()),
            message: format!("no recovery indemnity for item \"{item_id}\": {cause}"),
        };
        match self.jurisdiction {
            Some(j) => interest::recovery_indemnity(j, amount).map_err(|e| warn(e.to_string())),
            None => Err(warn(format!(
                "no jurisdiction for customer country {:?}; set default_jurisdiction",
                self.country
            ))),
        }
    }

    /// Late-payment interest on `claimed` since `due_date`, or the warning saying why
    /// not.
    pub(super) fn interest(
        &self,
        item_id: &str,
        claimed: &Money,
        due_date: NaiveDate,
    ) -> Result<Money, ActionWarning> {
        let warn = |cause: String| ActionWarning {
            code: WarningCode::NoInterest,
            item_id: Some(item_id.to_owned()),
            message: format!("no interest for item \"{item_id}\": {cause}"),
        };
        match self.rule {
            Some(rule) => {
                interest::compute_interest(claimed, due_date, self.as_of, rule, self.tables)
                    .map(|c| c.total)
                    .map_err(|e| warn(e.to_string()))
            }
            None => Err(warn(format!(
                "no interest rule and no jurisdiction for customer country {:?}",
                self.country
            ))),
        }
    }
}

/// The step's fee in the customer's currency: as listed in that currency; else
/// converted from the first currency listed with the caller's rate (half up to the
/// minor unit), with a warning saying so; else none, with a warning. A zero fee is
/// no fee.
pub(super) fn step_fee(
    step: &Step,
    currency: Currency,
    fx: Option<&FxRates>,
) -> (Option<Money>, Option<ActionWarning>) {
    if let Some(fee) = Step::threshold(&step.fee, currency) {
        return (fee.is_positive().then_some(fee), None);
    }
    let listed: Vec<String> = step.fee.iter().map(Money::to_string).collect();
    let Some(first) = step.fee.first() else {
        return (None, None);
    };
    let converted = fx.and_then(|fx| {
        step.fee.iter().find_map(|f| {
            fx.convert(f, currency, RoundingMode::HalfUp)
                .ok()
                .map(|c| (f, c))
        })
    });
    match converted {
        Some((from, fee)) => (
            fee.is_positive().then_some(fee),
            Some(ActionWarning {
                code: WarningCode::FeeConverted,
                item_id: None,
                message: format!("fee {from} converted to {fee} with the caller's exchange rate"),
            }),
        ),
        None if first.is_zero() && listed.len() == 1 => (None, None),
        None => (
            None,
            Some(ActionWarning {
                code: WarningCode::FeeNotInCurrency,
                item_id: None,
                message: format!(
                    "no fee: the step lists its fee as {} only and no exchange rate to {currency} was given",
                    listed.join(", ")
                ),
            }),
        ),
    }
}

/// The step's percentage fee on `claimed`: the percent of it, half up to the minor
/// unit, raised to the floor and lowered to the cap listed in the claimed amount's
/// currency. A floor or cap listed only in other currencies does not apply, and the
/// warning says so. `None` without a percentage fee.
pub(super) fn percent_fee(
    step: &Step,
    claimed: Money,
) -> Result<(Option<Money>, Vec<ActionWarning>), DunningError> {
    let Some(p) = &step.percent_fee else {
        return Ok((None, Vec::new()));
    };
    let currency = claimed.currency();
    let exact = claimed
        .amount()
        .checked_mul(p.percent)
        .and_then(|v| v.checked_div(rust_decimal::Decimal::ONE_HUNDRED))
        .ok_or(crate::money::MoneyError::Overflow {
            operation: "percent fee",
        })?;
    let mut fee = Money::new(exact, currency).round(RoundingMode::HalfUp);
    let mut warnings = Vec::new();
    for (name, list, raise) in [("floor", &p.floor, true), ("cap", &p.cap, false)] {
        match Step::threshold(list, currency) {
            Some(bound) if raise && fee.checked_cmp(&bound)?.is_lt() => fee = bound,
            Some(bound) if !raise && fee.checked_cmp(&bound)?.is_gt() => fee = bound,
            Some(_) => {}
            None if !list.is_empty() => warnings.push(ActionWarning {
                code: WarningCode::FeeNotInCurrency,
                item_id: None,
                message: format!(
                    "percent fee {name} listed as {} only: not applied to a fee in {currency}",
                    list.iter()
                        .map(Money::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
            None => {}
        }
    }
    // A bound given as "30" is written as the currency writes it: 30.00.
    let fee = fee.round(RoundingMode::HalfUp);
    Ok((fee.is_positive().then_some(fee), warnings))
}

/// The next step an action announces, and the day the plan will take it if nothing
/// changes: the same trigger rule as today's plan ([`Timing::trigger`]) for each item
/// at the action's step, with today as its previous step; the earliest of those, and
/// not before the customer's spacing allows. Pre-due steps the items will be past are
/// passed over, as the plan does.
pub(super) fn next_step(
    scenario: &Scenario,
    top: usize,
    due_dates: &[(&str, NaiveDate)],
    timing: &Timing<'_>,
    customer_spacing: u32,
    as_of: NaiveDate,
) -> Result<Option<NextStep>, DunningError> {
    let mut best: Option<(usize, NaiveDate)> = None;
    for &(item_id, due_date) in due_dates {
        let mut index = top + 1;
        while let Some(step) = scenario.steps.get(index) {
            let date = timing.trigger(item_id, due_date, step, Some(as_of))?;
            if step.is_pre_due() && date > due_date {
                index += 1;
                continue;
            }
            if best.is_none_or(|(_, b)| date < b) {
                best = Some((index, date));
            }
            break;
        }
    }
    let Some((index, date)) = best else {
        return Ok(None);
    };
    let date = if customer_spacing > 0 {
        date.max(super::stages::add_days(
            as_of,
            i64::from(customer_spacing),
            timing.customer_id,
            "customer spacing",
        )?)
    } else {
        date
    };
    Ok(scenario.steps.get(index).map(|s| NextStep {
        step_id: s.id.clone(),
        channel: s.channel,
        date,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dunning::Channel;
    use rust_decimal::Decimal;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, day).unwrap()
    }

    #[test]
    fn the_fee_in_the_customers_currency_then_converted_then_warned() {
        let mut step = Step::new("r", 5, Channel::Letter, "r");
        step.fee = vec![
            Money::from_minor(1_000, Currency::GBP),
            Money::from_minor(1_200, Currency::EUR),
        ];
        assert_eq!(
            step_fee(&step, Currency::EUR, None),
            (Some(Money::from_minor(1_200, Currency::EUR)), None)
        );
        let (fee, warning) = step_fee(&step, Currency::USD, None);
        assert_eq!(fee, None);
        let warning = warning.unwrap();
        assert_eq!(warning.code, WarningCode::FeeNotInCurrency);
        assert_eq!(
            warning.message,
            "no fee: the step lists its fee as 10.00 GBP, 12.00 EUR only and no exchange rate to USD was given"
        );
        // 10 GBP at 1.2712 USD = 12.712, half up: 12.71 USD.
        let mut fx = FxRates::new();
        fx.insert(Currency::GBP, Currency::USD, Decimal::new(12_712, 4))
            .unwrap();
        let (fee, warning) = step_fee(&step, Currency::USD, Some(&fx));
        assert_eq!(fee, Some(Money::from_minor(1_271, Currency::USD)));
        assert_eq!(warning.unwrap().code, WarningCode::FeeConverted);
        // No fee listed: nothing, and nothing to say.
        step.fee.clear();
        assert_eq!(step_fee(&step, Currency::EUR, None), (None, None));
    }

    #[test]
    fn the_percent_fee_has_a_floor_and_a_cap() {
        let eur = |c| Money::from_minor(c, Currency::EUR);
        let mut step = Step::new("r", 5, Channel::Letter, "r");
        step.percent_fee = Some(crate::dunning::PercentFee {
            percent: Decimal::new(15, 1),
            floor: vec![eur(1_000)],
            cap: vec![eur(50_000)],
        });
        // 1.5 % of 1,234.56 = 18.5184: 18.52.
        assert_eq!(
            percent_fee(&step, eur(123_456)).unwrap(),
            (Some(eur(1_852)), vec![])
        );
        // 1.5 % of 100.00 = 1.50, raised to the floor of 10.00.
        assert_eq!(percent_fee(&step, eur(10_000)).unwrap().0, Some(eur(1_000)));
        // 1.5 % of 100,000.00 = 1,500.00, lowered to the cap of 500.00.
        assert_eq!(
            percent_fee(&step, eur(10_000_000)).unwrap().0,
            Some(eur(50_000))
        );
        // A USD customer: the EUR bounds do not apply, and the action says so.
        let (fee, warnings) = percent_fee(&step, Money::from_minor(10_000, Currency::USD)).unwrap();
        assert_eq!(fee, Some(Money::from_minor(150, Currency::USD)));
        assert_eq!(warnings.len(), 2);
        assert_eq!(warnings[0].code, WarningCode::FeeNotInCurrency);
    }

    #[test]
    fn the_next_step_uses_the_plans_trigger_rule() {
        let scenario = Scenario::new(
            "s",
            vec![
                Step::new("reminder", 5, Channel::Email, "r"),
                Step::new("notice", 30, Channel::FormalNotice, "n"),
            ],
        );
        let timing = Timing {
            calendar: None,
            customer_id: "C1",
            min_days_between_steps: 7,
        };
        // Due 1 January, reminded 1 March: the notice's offset is past, the week is not.
        let next = next_step(&scenario, 0, &[("F", d(1, 1))], &timing, 0, d(3, 1))
            .unwrap()
            .unwrap();
        assert_eq!((next.step_id.as_str(), next.date), ("notice", d(3, 8)));
        // Due 1 March, reminded 6 March: the offset (31 March) is later.
        let next = next_step(&scenario, 0, &[("F", d(3, 1))], &timing, 0, d(3, 6))
            .unwrap()
            .unwrap();
        assert_eq!(next.date, d(3, 31));
        // A customer spacing of 30 days pushes it to 5 April.
        let next = next_step(&scenario, 0, &[("F", d(3, 1))], &timing, 30, d(3, 6))
            .unwrap()
            .unwrap();
        assert_eq!(next.date, d(4, 5));
        assert_eq!(
            next_step(&scenario, 1, &[("F", d(3, 1))], &timing, 0, d(3, 31)).unwrap(),
            None
        );
    }
}
