//! The recommended limit: rules the caller configures, each giving an amount from the
//! customer's figures, combined by their minimum (prudent) or maximum, capped per risk
//! class and rounded down to a step. The recommendation shows every rule's figures and
//! says which rule set the limit.
//!
//! Rules ([`LimitRule`]):
//! - a share of tangible net worth (from the latest statement);
//! - a share of working capital;
//! - expected monthly sales × (terms + average delay) ÷ 30: what the customer will
//!   owe at any time if it keeps buying and paying as it does;
//! - the insurer's cover plus an own-risk amount.
//!
//! ```
//! use encours_core::limits::recommend::{recommend, Combine, LimitRule, RecommendInputs, RecommendRules};
//! use encours_core::money::{Currency, Money};
//! use rust_decimal::Decimal;
//! let eur = |c| Money::from_minor(c, Currency::EUR);
//! let rules = RecommendRules {
//!     rules: vec![
//!         LimitRule::ShareOfTangibleNetWorth { share: Decimal::new(10, 2) },
//!         LimitRule::SalesOverPeriod,
//!     ],
//!     combine: Combine::Min,
//!     rounding_step: Decimal::from(1000),
//!     class_caps: vec![],
//! };
//! let inputs = RecommendInputs {
//!     tangible_net_worth: Some(Decimal::from(800_000)),
//!     expected_monthly_sales: Some(eur(30_000_00)),
//!     terms_days: Some(45), average_delay_days: Some(Decimal::from(10)),
//!     ..RecommendInputs::new(Currency::EUR)
//! };
//! let r = recommend(&rules, &inputs)?;
//! // 10 % of 800,000 = 80,000; 30,000 × 55 / 30 = 55,000: the minimum is 55,000.
//! assert_eq!(r.limit, Some(eur(55_000_00)));
//! assert_eq!(r.set_by, Some(1));
//! # Ok::<(), encours_core::limits::LimitError>(())
//! ```

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{LimitError, invalid, overflow};
use crate::money::{Currency, Money, RoundingMode};

/// Most rules and caps.
pub const MAX_RULES: usize = 32;

/// One rule of the recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LimitRule {
    /// `share` × tangible net worth.
    ShareOfTangibleNetWorth {
        /// Share, 0 to 1.
        #[serde(with = "crate::decimal_serde")]
        share: Decimal,
    },
    /// `share` × working capital.
    ShareOfWorkingCapital {
        /// Share, 0 to 1.
        #[serde(with = "crate::decimal_serde")]
        share: Decimal,
    },
    /// Expected monthly sales × (terms + average delay) ÷ 30.
    SalesOverPeriod,
    /// Insurer cover + `own_risk`.
    InsurerCoverPlusOwnRisk {
        /// The amount the seller takes on itself above the cover, in the account's
        /// currency.
        #[serde(with = "crate::decimal_serde")]
        own_risk: Decimal,
    },
}

/// How rule amounts combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    /// The smallest (prudent).
    Min,
    /// The largest.
    Max,
}

/// A cap for a risk class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassCap {
    /// The class.
    pub class: String,
    /// The most a customer of the class may be granted, in the account's currency.
    #[serde(with = "crate::decimal_serde")]
    pub cap: Decimal,
}

/// The configuration. Serde refuses unknown keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendRules {
    /// The rules.
    pub rules: Vec<LimitRule>,
    /// How they combine.
    pub combine: Combine,
    /// The limit is rounded down to a multiple of this (more than zero).
    #[serde(with = "crate::decimal_serde")]
    pub rounding_step: Decimal,
    /// Caps per class.
    #[serde(default)]
    pub class_caps: Vec<ClassCap>,
}

/// A customer's figures for the rules; a rule whose figures are missing gives nothing
/// (and says so).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendInputs {
    /// The account's currency.
    pub currency: Currency,
    /// Tangible net worth (from [`crate::risk::statements::Ratios`]), in the account's
    /// currency.
    #[serde(
        default,
        with = "crate::risk::statements::optional_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub tangible_net_worth: Option<Decimal>,
    /// Working capital, in the account's currency.
    #[serde(
        default,
        with = "crate::risk::statements::optional_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub working_capital: Option<Decimal>,
    /// Expected monthly sales.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_monthly_sales: Option<Money>,
    /// Payment terms, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_days: Option<u32>,
    /// Average delay beyond terms, in days (e.g. the long-window days beyond terms of
    /// the behavioural features; negative delays count as zero).
    #[serde(
        default,
        with = "crate::risk::statements::optional_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub average_delay_days: Option<Decimal>,
    /// Insurer cover in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurer_cover: Option<Money>,
    /// The customer's risk class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_class: Option<String>,
}

impl RecommendInputs {
    /// Inputs with nothing known.
    pub fn new(currency: Currency) -> RecommendInputs {
        RecommendInputs {
            currency,
            tangible_net_worth: None,
            working_capital: None,
            expected_monthly_sales: None,
            terms_days: None,
            average_delay_days: None,
            insurer_cover: None,
            risk_class: None,
        }
    }
}

/// What one rule gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleFigure {
    /// The rule.
    pub rule: LimitRule,
    /// The figures it read, by name, as text (`tangible_net_worth = 800000`).
    pub figures: Vec<(String, Decimal)>,
    /// The amount, or `None` when a figure is missing (see `missing`).
    pub amount: Option<Money>,
    /// The missing figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
}

/// The recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    /// The limit recommended; `None` when no rule could give an amount.
    pub limit: Option<Money>,
    /// Position of the rule that set it (before cap and rounding).
    pub set_by: Option<usize>,
    /// Every rule's figures.
    pub rules: Vec<RuleFigure>,
    /// The combined amount before cap and rounding.
    pub combined: Option<Money>,
    /// The class cap applied, if it lowered the amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capped_by: Option<ClassCap>,
}

impl RecommendRules {
    /// Refuse shares outside 0–1, a negative own risk or cap, a step not positive,
    /// no rule, too many rules.
    ///
    /// # Errors
    /// [`LimitError::Invalid`] naming the rule and field.
    ///
    /// # Example
    /// ```
    /// use encours_core::limits::recommend::{Combine, LimitRule, RecommendRules};
    /// use rust_decimal::Decimal;
    /// let r = RecommendRules { rules: vec![LimitRule::ShareOfWorkingCapital { share: Decimal::from(2) }],
    ///     combine: Combine::Min, rounding_step: Decimal::ONE, class_caps: vec![] };
    /// assert_eq!(r.validate().unwrap_err().to_string(), "invalid rules[0].share: 2 (between 0 and 1)");
    /// ```
    pub fn validate(&self) -> Result<(), LimitError> {
        if self.rules.is_empty()
            || self.rules.len() > MAX_RULES
            || self.class_caps.len() > MAX_RULES
        {
            return Err(invalid(
                "rules",
                format!("{} rules, {} caps", self.rules.len(), self.class_caps.len()),
                format!("1 to {MAX_RULES} rules and at most {MAX_RULES} caps"),
            ));
        }
        for (i, r) in self.rules.iter().enumerate() {
            match r {
                LimitRule::ShareOfTangibleNetWorth { share }
                | LimitRule::ShareOfWorkingCapital { share }
                    if *share < Decimal::ZERO || *share > Decimal::ONE =>
                {
                    return Err(invalid(
                        format!("rules[{i}].share"),
                        share,
                        "between 0 and 1",
                    ));
                }
                LimitRule::InsurerCoverPlusOwnRisk { own_risk } if *own_risk < Decimal::ZERO => {
                    return Err(invalid(
                        format!("rules[{i}].own_risk"),
                        own_risk,
                        "zero or more",
                    ));
                }
                _ => {}
            }
        }
        if self.rounding_step <= Decimal::ZERO {
            return Err(invalid(
                "rounding_step",
                self.rounding_step,
                "more than zero",
            ));
        }
        for (i, c) in self.class_caps.iter().enumerate() {
            if c.cap < Decimal::ZERO {
                return Err(invalid(
                    format!("class_caps[{i}].cap"),
                    c.cap,
                    "zero or more",
                ));
            }
        }
        Ok(())
    }
}

fn rule_figure(rule: &LimitRule, i: &RecommendInputs) -> Result<RuleFigure, LimitError> {
    let mul = |a: Decimal, b: Decimal| {
        a.checked_mul(b)
            .ok_or_else(|| overflow("recommended limit"))
    };
    let mut figures = Vec::new();
    let (amount, missing): (Option<Decimal>, Option<&str>) = match rule {
        LimitRule::ShareOfTangibleNetWorth { share } => match i.tangible_net_worth {
            Some(t) => {
                figures.push(("tangible_net_worth".into(), t));
                (Some(mul(t.max(Decimal::ZERO), *share)?), None)
            }
            None => (None, Some("tangible_net_worth")),
        },
        LimitRule::ShareOfWorkingCapital { share } => match i.working_capital {
            Some(w) => {
                figures.push(("working_capital".into(), w));
                (Some(mul(w.max(Decimal::ZERO), *share)?), None)
            }
            None => (None, Some("working_capital")),
        },
        LimitRule::SalesOverPeriod => match (i.expected_monthly_sales, i.terms_days) {
            (Some(s), Some(t)) => {
                let delay = i.average_delay_days.unwrap_or_default().max(Decimal::ZERO);
                let period = Decimal::from(t) + delay;
                figures.push(("expected_monthly_sales".into(), s.amount()));
                figures.push(("terms_days".into(), Decimal::from(t)));
                figures.push(("average_delay_days".into(), delay));
                let a = mul(s.amount(), period)?
                    .checked_div(Decimal::from(30))
                    .ok_or_else(|| overflow("recommended limit"))?;
                (Some(a), None)
            }
            (None, _) => (None, Some("expected_monthly_sales")),
            (_, None) => (None, Some("terms_days")),
        },
        LimitRule::InsurerCoverPlusOwnRisk { own_risk } => match i.insurer_cover {
            Some(c) => {
                figures.push(("insurer_cover".into(), c.amount()));
                figures.push(("own_risk".into(), *own_risk));
                (
                    Some(
                        c.amount()
                            .checked_add(*own_risk)
                            .ok_or_else(|| overflow("recommended limit"))?,
                    ),
                    None,
                )
            }
            None => (None, Some("insurer_cover")),
        },
    };
    Ok(RuleFigure {
        rule: rule.clone(),
        figures,
        amount: amount.map(|a| Money::new(a, i.currency).round(RoundingMode::HalfUp)),
        missing: missing.map(String::from),
    })
}

/// The recommended limit.
///
/// # Errors
/// [`LimitError::Invalid`] for bad rules; [`LimitError::Money`] for sales or cover in
/// another currency than the account.
///
/// # Example
/// See the [module documentation](self).
pub fn recommend(
    rules: &RecommendRules,
    inputs: &RecommendInputs,
) -> Result<Recommendation, LimitError> {
    rules.validate()?;
    for (name, m) in [
        ("expected_monthly_sales", inputs.expected_monthly_sales),
        ("insurer_cover", inputs.insurer_cover),
    ] {
        if let Some(m) = m
            && m.currency() != inputs.currency
        {
            return Err(invalid(
                name,
                m,
                format!("an amount in the account's currency {:?}", inputs.currency),
            ));
        }
    }
    let figures: Vec<RuleFigure> = rules
        .rules
        .iter()
        .map(|r| rule_figure(r, inputs))
        .collect::<Result<_, _>>()?;
    let mut best: Option<(usize, Decimal)> = None;
    for (ix, f) in figures.iter().enumerate() {
        let Some(a) = f.amount.map(|m| m.amount()) else {
            continue;
        };
        let better = match (best, rules.combine) {
            (None, _) => true,
            (Some((_, b)), Combine::Min) => a < b,
            (Some((_, b)), Combine::Max) => a > b,
        };
        if better {
            best = Some((ix, a));
        }
    }
    let combined = best.map(|(_, a)| Money::new(a, inputs.currency));
    let cap = inputs
        .risk_class
        .as_ref()
        .and_then(|c| rules.class_caps.iter().find(|x| &x.class == c));
    let mut capped_by = None;
    let limit = best.map(|(_, a)| {
        let mut a = a;
        if let Some(c) = cap
            && c.cap < a
        {
            a = c.cap;
            capped_by = Some(c.clone());
        }
        // Rounded down: a limit is never rounded above what the rules allow.
        let steps = (a / rules.rounding_step).floor();
        Money::new(steps * rules.rounding_step, inputs.currency).round(RoundingMode::HalfUp)
    });
    Ok(Recommendation {
        limit,
        set_by: best.map(|(i, _)| i),
        rules: figures,
        combined,
        capped_by,
    })
}
