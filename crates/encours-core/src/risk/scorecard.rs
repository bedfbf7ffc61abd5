//! The scorecard: behavioural features (and external inputs) turned into a 0–100
//! score, a risk class and the contribution of each factor.
//!
//! A scorecard is data (serde, JSON or TOML): a list of factors, each with a weight,
//! a way to give points (bins or a linear scale, 0–100 points) and the points a
//! missing value gets, said explicitly; and the risk classes with the lowest score of
//! each. Weights are exact decimals of at most 4 places that add up to exactly 1.
//!
//! A factor's contribution is `weight × points` rounded half up to 2 decimals; the
//! score is the sum of the contributions, so the reasons add up to the score exactly.
//! Contributions come ordered by the points they cost (`weight × 100 −
//! contribution`), largest first: the first reason is the one that held the score
//! down the most.
//!
//! # The default scorecard ([`Scorecard::default_card`])
//!
//! | factor | weight | points | missing |
//! |---|---|---|---|
//! | payment index | 0.20 | linear, 30 → 0 to 80 → 100 | 60 |
//! | days beyond terms, 12 months | 0.15 | ≤ 0: 100; 0–7: 85; 7–15: 70; 15–30: 50; 30–60: 25; ≥ 60: 0 | 70 |
//! | trend (3 m − 12 m) | 0.10 | < −5: 100; −5–5: 70; 5–15: 40; ≥ 15: 0 | 70 |
//! | overdue share | 0.15 | < 5 %: 100; 5–20 %: 75; 20–40 %: 45; 40–60 %: 20; ≥ 60 %: 0 | 100 |
//! | over-90 share | 0.10 | < 1 %: 100; 1–10 %: 50; ≥ 10 %: 0 | 100 |
//! | limit utilisation | 0.10 | < 80 %: 100; 80–100 %: 60; 100–120 %: 25; ≥ 120 %: 0 | 50 |
//! | dispute ratio | 0.05 | < 2 %: 100; 2–10 %: 50; ≥ 10 %: 0 | 100 |
//! | broken-promise ratio | 0.05 | < 1 %: 100; 1–34 %: 40; ≥ 34 %: 0 | 80 |
//! | relationship days | 0.05 | < 180: 30; 180–730: 70; ≥ 730: 100 | 30 |
//! | external score | 0.05 | linear, 0 → 0 to 100 → 100 | 50 |
//!
//! Bins include their lower bound and exclude their upper bound. Classes: A ≥ 80,
//! B ≥ 65, C ≥ 50, D ≥ 35, E below. A missing value is one the ledger cannot give
//! (no invoice paid in the window, no limit, no balance): a new customer with nothing
//! paid yet scores the missing points, not zero.
//!
//! ```
//! use encours_core::risk::scorecard::Scorecard;
//! let card: Scorecard = serde_json::from_str(r#"{
//!   "factors": [
//!     {"factor": "overdue_share", "weight": "0.6", "missing": "100",
//!      "bins": [{"to": "0.1", "points": "100"}, {"from": "0.1", "points": "0"}]},
//!     {"factor": "payment_index", "weight": "0.4", "missing": "50",
//!      "linear": {"from": "20", "from_points": "0", "to": "80", "to_points": "100"}}
//!   ],
//!   "classes": [{"name": "low", "min_score": "60"}, {"name": "high", "min_score": "0"}]
//! }"#).unwrap();
//! assert_eq!(card.classes.len(), 2);
//! let bad = serde_json::from_str::<Scorecard>(r#"{"factors": [{"factor": "overdue_share",
//!   "weight": "0.5", "missing": "0", "bins": [{"points": "1"}]}]}"#).unwrap_err();
//! assert!(bad.to_string().contains("weights add up to 0.5"), "{bad}");
//! ```

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::features::{BehaviouralFeatures, FeatureTable};
use super::{RiskError, invalid};
use crate::money::RoundingMode;

/// Most factors a scorecard may have.
pub const MAX_FACTORS: usize = 64;
/// Most bins a factor may have.
pub const MAX_BINS: usize = 64;
/// Most classes.
pub const MAX_CLASSES: usize = 26;
/// Decimals of contributions and scores.
pub const SCORE_DECIMALS: u32 = 2;
/// Most decimals of a weight (so that `weight × 100` is exact to the cent of a point).
pub const WEIGHT_DECIMALS: u32 = 4;

/// A feature a scorecard can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Factor {
    /// [`BehaviouralFeatures::days_beyond_terms_short`].
    DaysBeyondTermsShort,
    /// [`BehaviouralFeatures::days_beyond_terms_long`].
    DaysBeyondTermsLong,
    /// [`BehaviouralFeatures::trend`].
    Trend,
    /// [`BehaviouralFeatures::payment_index`].
    PaymentIndex,
    /// [`BehaviouralFeatures::late_share`].
    LateShare,
    /// [`BehaviouralFeatures::worst_delay_days`].
    WorstDelayDays,
    /// [`BehaviouralFeatures::overdue_share`].
    OverdueShare,
    /// [`BehaviouralFeatures::over_90_share`].
    Over90Share,
    /// [`BehaviouralFeatures::dunning_level`].
    DunningLevel,
    /// [`BehaviouralFeatures::broken_promise_ratio`].
    BrokenPromiseRatio,
    /// [`BehaviouralFeatures::dispute_ratio`].
    DisputeRatio,
    /// [`BehaviouralFeatures::limit_utilisation`].
    LimitUtilisation,
    /// [`BehaviouralFeatures::relationship_days`].
    RelationshipDays,
    /// [`BehaviouralFeatures::portfolio_share`].
    PortfolioShare,
    /// [`BehaviouralFeatures::external_score`].
    ExternalScore,
    /// [`BehaviouralFeatures::altman_score`].
    AltmanScore,
}

impl Factor {
    /// The factor's value in a feature row (`None`: missing).
    pub fn value(self, f: &BehaviouralFeatures) -> Option<Decimal> {
        match self {
            Factor::DaysBeyondTermsShort => f.days_beyond_terms_short,
            Factor::DaysBeyondTermsLong => f.days_beyond_terms_long,
            Factor::Trend => f.trend,
            Factor::PaymentIndex => f.payment_index,
            Factor::LateShare => f.late_share,
            Factor::WorstDelayDays => f.worst_delay_days.map(Decimal::from),
            Factor::OverdueShare => f.overdue_share,
            Factor::Over90Share => f.over_90_share,
            Factor::DunningLevel => f.dunning_level.map(Decimal::from),
            Factor::BrokenPromiseRatio => f.broken_promise_ratio,
            Factor::DisputeRatio => f.dispute_ratio,
            Factor::LimitUtilisation => f.limit_utilisation,
            Factor::RelationshipDays => f.relationship_days.map(Decimal::from),
            Factor::PortfolioShare => f.portfolio_share,
            Factor::ExternalScore => f.external_score,
            Factor::AltmanScore => f.altman_score,
        }
    }
}

/// A bin: values from `from` (inclusive; unbounded when absent) to `to` (exclusive;
/// unbounded when absent) get `points`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bin {
    /// Lowest value (inclusive); the first bin has none.
    #[serde(
        default,
        with = "super::statements::optional_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub from: Option<Decimal>,
    /// Upper bound (exclusive); the last bin has none.
    #[serde(
        default,
        with = "super::statements::optional_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub to: Option<Decimal>,
    /// Points, 0–100.
    #[serde(with = "crate::decimal_serde")]
    pub points: Decimal,
}

/// Points linear between two values, clamped beyond them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Linear {
    /// First value.
    #[serde(with = "crate::decimal_serde")]
    pub from: Decimal,
    /// Points at `from` (and below, clamped), 0–100.
    #[serde(with = "crate::decimal_serde")]
    pub from_points: Decimal,
    /// Second value, above `from`.
    #[serde(with = "crate::decimal_serde")]
    pub to: Decimal,
    /// Points at `to` (and above), 0–100.
    #[serde(with = "crate::decimal_serde")]
    pub to_points: Decimal,
}

/// How a factor gives points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Points {
    /// Contiguous bins covering every value, in increasing order.
    Bins(Vec<Bin>),
    /// A linear scale.
    Linear(Linear),
}

/// One factor of a scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FactorData", into = "FactorData")]
pub struct FactorRule {
    /// The feature read.
    pub factor: Factor,
    /// Its weight, more than 0, at most 4 decimals.
    pub weight: Decimal,
    /// How it gives points.
    pub points: Points,
    /// The points of a missing value, 0–100.
    pub missing: Decimal,
}

/// The serialized form of a factor: `bins` or `linear` as a key beside the others.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FactorData {
    factor: Factor,
    #[serde(with = "crate::decimal_serde")]
    weight: Decimal,
    #[serde(with = "crate::decimal_serde")]
    missing: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bins: Option<Vec<Bin>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    linear: Option<Linear>,
}

impl TryFrom<FactorData> for FactorRule {
    type Error = RiskError;
    fn try_from(d: FactorData) -> Result<FactorRule, RiskError> {
        let points = match (d.bins, d.linear) {
            (Some(b), None) => Points::Bins(b),
            (None, Some(l)) => Points::Linear(l),
            _ => {
                return Err(invalid(
                    format!("factor {:?}", d.factor),
                    "bins and linear",
                    "exactly one of `bins` or `linear`",
                ));
            }
        };
        Ok(FactorRule {
            factor: d.factor,
            weight: d.weight,
            points,
            missing: d.missing,
        })
    }
}

impl From<FactorRule> for FactorData {
    fn from(r: FactorRule) -> FactorData {
        let (bins, linear) = match r.points {
            Points::Bins(b) => (Some(b), None),
            Points::Linear(l) => (None, Some(l)),
        };
        FactorData {
            factor: r.factor,
            weight: r.weight,
            missing: r.missing,
            bins,
            linear,
        }
    }
}

/// A risk class and the lowest score in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskClass {
    /// Its name (`A`, `low risk`…).
    pub name: String,
    /// Lowest score of the class; classes are listed best first, the last at 0.
    #[serde(with = "crate::decimal_serde")]
    pub min_score: Decimal,
}

/// A validated scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ScorecardData", into = "ScorecardData")]
pub struct Scorecard {
    /// Name (for reports).
    pub name: String,
    /// The factors.
    pub factors: Vec<FactorRule>,
    /// The classes, best first.
    pub classes: Vec<RiskClass>,
}

/// The serialized form of a scorecard, before the checks of [`Scorecard::new`]: read
/// this, then `Scorecard::try_from`, to tell malformed data from a scorecard that
/// breaks a rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorecardData {
    /// Name (default `custom`).
    #[serde(default = "default_name")]
    pub name: String,
    /// The factors.
    pub factors: Vec<FactorRule>,
    /// The classes, best first (default A ≥ 80, B ≥ 65, C ≥ 50, D ≥ 35, E).
    #[serde(default = "default_classes")]
    pub classes: Vec<RiskClass>,
}

fn default_name() -> String {
    "custom".into()
}

fn default_classes() -> Vec<RiskClass> {
    [("A", 80), ("B", 65), ("C", 50), ("D", 35), ("E", 0)]
        .into_iter()
        .map(|(n, s)| RiskClass {
            name: n.into(),
            min_score: Decimal::from(s),
        })
        .collect()
}

impl TryFrom<ScorecardData> for Scorecard {
    type Error = RiskError;
    fn try_from(d: ScorecardData) -> Result<Scorecard, RiskError> {
        Scorecard::new(d.name, d.factors, d.classes)
    }
}

impl From<Scorecard> for ScorecardData {
    fn from(s: Scorecard) -> ScorecardData {
        ScorecardData {
            name: s.name,
            factors: s.factors,
            classes: s.classes,
        }
    }
}

/// Why a factor gave what it gave: the reason code of a score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    /// The factor.
    pub factor: Factor,
    /// Its value; `None` when missing.
    pub value: Option<Decimal>,
    /// Position of the bin that gave the points (bins only, not for a missing value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bin: Option<usize>,
    /// Points, 0–100.
    pub points: Decimal,
    /// The factor's weight.
    pub weight: Decimal,
    /// `weight × points`, rounded to 2 decimals; the contributions add up to the score.
    pub contribution: Decimal,
    /// Points the factor cost: `weight × 100 − contribution`.
    pub shortfall: Decimal,
}

/// A customer's score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    /// The customer.
    pub customer_id: String,
    /// The day scored.
    pub as_of: NaiveDate,
    /// 0–100, 2 decimals.
    pub score: Decimal,
    /// Its risk class.
    pub class: String,
    /// Position of the class (0: the best).
    pub class_rank: usize,
    /// Each factor's contribution, largest shortfall first.
    pub contributions: Vec<Contribution>,
}

/// Which way a customer moved between two scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// A better class.
    Upgrade,
    /// A worse class.
    Downgrade,
    /// The same class.
    Unchanged,
}

/// A factor whose contribution changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorMove {
    /// The factor.
    pub factor: Factor,
    /// Value before and after.
    pub value_before: Option<Decimal>,
    /// Value after.
    pub value_after: Option<Decimal>,
    /// Contribution after − before.
    pub delta: Decimal,
}

/// A customer's score at two dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Migration {
    /// The customer.
    pub customer_id: String,
    /// The earlier score's date and class.
    pub before: (NaiveDate, String),
    /// The later score's date and class.
    pub after: (NaiveDate, String),
    /// Score after − before.
    pub score_delta: Decimal,
    /// Upgrade, downgrade or unchanged (by class).
    pub direction: Direction,
    /// The factors that moved, largest change first.
    pub moved: Vec<FactorMove>,
}

fn check_points(field: &str, p: Decimal) -> Result<(), RiskError> {
    if p < Decimal::ZERO || p > Decimal::ONE_HUNDRED {
        return Err(invalid(field, p, "points between 0 and 100"));
    }
    Ok(())
}

fn check_bins(at: &str, bins: &[Bin]) -> Result<(), RiskError> {
    if bins.is_empty() || bins.len() > MAX_BINS {
        return Err(invalid(
            format!("{at}.bins"),
            format!("{} bins", bins.len()),
            format!("1 to {MAX_BINS} bins"),
        ));
    }
    for (i, b) in bins.iter().enumerate() {
        let f = format!("{at}.bins[{i}]");
        check_points(&format!("{f}.points"), b.points)?;
        if i == 0 && b.from.is_some() {
            return Err(invalid(
                format!("{f}.from"),
                b.from.unwrap_or_default(),
                "no lower bound on the first bin, so every value has a bin",
            ));
        }
        if i + 1 == bins.len() && b.to.is_some() {
            return Err(invalid(
                format!("{f}.to"),
                b.to.unwrap_or_default(),
                "no upper bound on the last bin, so every value has a bin",
            ));
        }
        if let (Some(from), Some(to)) = (b.from, b.to)
            && from >= to
        {
            return Err(invalid(
                format!("{f}.to"),
                to,
                format!("more than from {from}"),
            ));
        }
        if let Some(prev) = i.checked_sub(1).and_then(|p| bins.get(p))
            && prev.to != b.from
        {
            let show = |v: Option<Decimal>| v.map_or("none".to_owned(), |d| d.to_string());
            return Err(invalid(
                format!("{f}.from"),
                show(b.from),
                format!(
                    "the previous bin's upper bound {} (bins ordered, contiguous, not overlapping)",
                    show(prev.to)
                ),
            ));
        }
    }
    Ok(())
}

impl FactorRule {
    fn validate(&self, at: &str) -> Result<(), RiskError> {
        if self.weight <= Decimal::ZERO
            || self.weight > Decimal::ONE
            || self.weight.normalize().scale() > WEIGHT_DECIMALS
        {
            return Err(invalid(
                format!("{at}.weight"),
                self.weight,
                format!("more than 0, at most 1, with at most {WEIGHT_DECIMALS} decimals"),
            ));
        }
        check_points(&format!("{at}.missing"), self.missing)?;
        match &self.points {
            Points::Bins(b) => check_bins(at, b),
            Points::Linear(l) => {
                check_points(&format!("{at}.linear.from_points"), l.from_points)?;
                check_points(&format!("{at}.linear.to_points"), l.to_points)?;
                if l.to <= l.from {
                    return Err(invalid(
                        format!("{at}.linear.to"),
                        l.to,
                        format!("more than from {}", l.from),
                    ));
                }
                Ok(())
            }
        }
    }

    /// Points for a value, and the bin that gave them.
    fn points_of(&self, value: Decimal) -> Result<(Decimal, Option<usize>), RiskError> {
        match &self.points {
            Points::Bins(bins) => {
                let ix = bins
                    .iter()
                    .position(|b| {
                        b.from.is_none_or(|f| value >= f) && b.to.is_none_or(|t| value < t)
                    })
                    .unwrap_or(0);
                Ok((bins.get(ix).map_or(Decimal::ZERO, |b| b.points), Some(ix)))
            }
            Points::Linear(l) => {
                if value <= l.from {
                    return Ok((l.from_points, None));
                }
                if value >= l.to {
                    return Ok((l.to_points, None));
                }
                let p = (l.to_points - l.from_points)
                    .checked_mul(value - l.from)
                    .and_then(|x| x.checked_div(l.to - l.from))
                    .and_then(|x| x.checked_add(l.from_points))
                    .ok_or_else(|| super::overflow("linear points"))?;
                Ok((RoundingMode::HalfUp.round(p, 4).normalize(), None))
            }
        }
    }
}

impl Scorecard {
    /// A scorecard, checked: 1 to [`MAX_FACTORS`] factors, each feature at most once,
    /// weights of at most 4 decimals adding up to exactly 1, points within 0–100, bins
    /// ordered, contiguous and covering every value, classes with distinct names and
    /// strictly decreasing minimum scores ending at 0.
    ///
    /// # Errors
    /// [`RiskError::InvalidConfig`] naming the factor or class and the field.
    ///
    /// # Example
    /// ```
    /// use encours_core::risk::scorecard::{Bin, Factor, FactorRule, Points, RiskClass, Scorecard};
    /// use rust_decimal::Decimal;
    /// let bins = vec![
    ///     Bin { from: None, to: Some(Decimal::new(1, 1)), points: Decimal::from(100) },
    ///     Bin { from: Some(Decimal::new(2, 1)), to: None, points: Decimal::ZERO },
    /// ];
    /// let rule = FactorRule { factor: Factor::OverdueShare, weight: Decimal::ONE, points: Points::Bins(bins), missing: Decimal::from(50) };
    /// let classes = vec![RiskClass { name: "all".into(), min_score: Decimal::ZERO }];
    /// let err = Scorecard::new("x", vec![rule], classes).unwrap_err();
    /// assert_eq!(err.to_string(), "invalid factors[0].bins[1].from: 0.2 (the previous bin's upper bound 0.1 (bins ordered, contiguous, not overlapping))");
    /// ```
    pub fn new(
        name: impl Into<String>,
        factors: Vec<FactorRule>,
        classes: Vec<RiskClass>,
    ) -> Result<Scorecard, RiskError> {
        let card = Scorecard {
            name: name.into(),
            factors,
            classes,
        };
        card.validate()?;
        Ok(card)
    }

    fn validate(&self) -> Result<(), RiskError> {
        if self.factors.is_empty() || self.factors.len() > MAX_FACTORS {
            return Err(invalid(
                "factors",
                format!("{} factors", self.factors.len()),
                format!("1 to {MAX_FACTORS} factors"),
            ));
        }
        let mut total = Decimal::ZERO;
        for (i, f) in self.factors.iter().enumerate() {
            let at = format!("factors[{i}]");
            f.validate(&at)?;
            if self.factors.iter().take(i).any(|o| o.factor == f.factor) {
                return Err(invalid(
                    format!("{at}.factor"),
                    format!("{:?}", f.factor),
                    "each factor at most once",
                ));
            }
            total += f.weight;
        }
        if total != Decimal::ONE {
            return Err(invalid(
                "factors",
                format!("weights add up to {}", total.normalize()),
                "weights adding up to exactly 1",
            ));
        }
        self.validate_classes()
    }

    fn validate_classes(&self) -> Result<(), RiskError> {
        if self.classes.is_empty() || self.classes.len() > MAX_CLASSES {
            return Err(invalid(
                "classes",
                format!("{} classes", self.classes.len()),
                format!("1 to {MAX_CLASSES} classes"),
            ));
        }
        for (i, c) in self.classes.iter().enumerate() {
            let at = format!("classes[{i}]");
            if c.name.trim().is_empty() || self.classes.iter().take(i).any(|o| o.name == c.name) {
                return Err(invalid(
                    format!("{at}.name"),
                    format!("\"{}\"", c.name),
                    "a distinct, non-empty name",
                ));
            }
            check_points(&format!("{at}.min_score"), c.min_score)?;
            if let Some(prev) = i.checked_sub(1).and_then(|p| self.classes.get(p))
                && c.min_score >= prev.min_score
            {
                return Err(invalid(
                    format!("{at}.min_score"),
                    c.min_score,
                    format!("less than the previous class's {}", prev.min_score),
                ));
            }
        }
        if self.classes.last().is_some_and(|c| !c.min_score.is_zero()) {
            return Err(invalid(
                "classes",
                "no class from 0",
                "the last class starting at min_score 0",
            ));
        }
        Ok(())
    }

    /// The default scorecard documented in the [module](self).
    pub fn default_card() -> Scorecard {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        let bins = |edges: &[(&str, &str)]| {
            // (upper bound or "" for the last, points)
            let mut out = Vec::new();
            let mut from = None;
            for (to, points) in edges {
                let to = if to.is_empty() { None } else { Some(d(to)) };
                out.push(Bin {
                    from,
                    to,
                    points: d(points),
                });
                from = to;
            }
            Points::Bins(out)
        };
        let linear = |a: &str, pa: &str, b: &str, pb: &str| {
            Points::Linear(Linear {
                from: d(a),
                from_points: d(pa),
                to: d(b),
                to_points: d(pb),
            })
        };
        let f = |factor, weight: &str, points, missing: &str| FactorRule {
            factor,
            weight: d(weight),
            points,
            missing: d(missing),
        };
        Scorecard {
            name: "encours default".into(),
            factors: vec![
                f(
                    Factor::PaymentIndex,
                    "0.20",
                    linear("30", "0", "80", "100"),
                    "60",
                ),
                f(
                    Factor::DaysBeyondTermsLong,
                    "0.15",
                    bins(&[
                        ("0.01", "100"),
                        ("7", "85"),
                        ("15", "70"),
                        ("30", "50"),
                        ("60", "25"),
                        ("", "0"),
                    ]),
                    "70",
                ),
                f(
                    Factor::Trend,
                    "0.10",
                    bins(&[("-5", "100"), ("5", "70"), ("15", "40"), ("", "0")]),
                    "70",
                ),
                f(
                    Factor::OverdueShare,
                    "0.15",
                    bins(&[
                        ("0.05", "100"),
                        ("0.2", "75"),
                        ("0.4", "45"),
                        ("0.6", "20"),
                        ("", "0"),
                    ]),
                    "100",
                ),
                f(
                    Factor::Over90Share,
                    "0.10",
                    bins(&[("0.01", "100"), ("0.1", "50"), ("", "0")]),
                    "100",
                ),
                f(
                    Factor::LimitUtilisation,
                    "0.10",
                    bins(&[("0.8", "100"), ("1", "60"), ("1.2", "25"), ("", "0")]),
                    "50",
                ),
                f(
                    Factor::DisputeRatio,
                    "0.05",
                    bins(&[("0.02", "100"), ("0.1", "50"), ("", "0")]),
                    "100",
                ),
                f(
                    Factor::BrokenPromiseRatio,
                    "0.05",
                    bins(&[("0.01", "100"), ("0.34", "40"), ("", "0")]),
                    "80",
                ),
                f(
                    Factor::RelationshipDays,
                    "0.05",
                    bins(&[("180", "30"), ("730", "70"), ("", "100")]),
                    "30",
                ),
                f(
                    Factor::ExternalScore,
                    "0.05",
                    linear("0", "0", "100", "100"),
                    "50",
                ),
            ],
            classes: default_classes(),
        }
    }

    /// The class of a score and its position (0: the best).
    pub fn class_of(&self, score: Decimal) -> (usize, &str) {
        self.classes
            .iter()
            .enumerate()
            .find(|(_, c)| score >= c.min_score)
            .or_else(|| self.classes.iter().enumerate().next_back())
            .map_or((0, ""), |(i, c)| (i, c.name.as_str()))
    }

    /// Position of a class by name (0: the best), `None` for an unknown name.
    pub fn class_rank(&self, name: &str) -> Option<usize> {
        self.classes.iter().position(|c| c.name == name)
    }

    /// Score one customer's features.
    ///
    /// # Errors
    /// [`RiskError::Money`] on overflow (not reachable with validated points).
    ///
    /// # Example
    /// ```
    /// use encours_core::risk::features::{customer_features, FeatureConfig, FeatureInputs};
    /// use encours_core::risk::scorecard::Scorecard;
    /// use encours_core::ledger::{Customer, Item, Ledger};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
    /// let l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
    ///     vec![Item::invoice("F1", "C1", d(1, 1), d(1, 31), Money::from_minor(100_00, Currency::EUR))], vec![], vec![])?;
    /// let f = customer_features(&l, "C1", &FeatureConfig::default(), &FeatureInputs::default(), d(6, 30), None)?;
    /// let s = Scorecard::default_card().score(&f)?;
    /// // Everything is 151 days overdue: the overdue and over-90 shares cost the most;
    /// // the missing figures score their stated points (payment index 60 × 0.20 = 12…).
    /// assert_eq!(s.contributions[0].factor, encours_core::risk::scorecard::Factor::OverdueShare);
    /// assert_eq!(s.score.to_string(), "49.50");
    /// assert_eq!(s.class, "D");
    /// # Ok::<(), encours_core::Error>(())
    /// ```
    pub fn score(&self, features: &BehaviouralFeatures) -> Result<Score, RiskError> {
        let mut contributions = Vec::with_capacity(self.factors.len());
        let mut total = Decimal::ZERO;
        for rule in &self.factors {
            let value = rule.factor.value(features);
            let (points, bin) = match value {
                Some(v) => rule.points_of(v)?,
                None => (rule.missing, None),
            };
            let raw = rule
                .weight
                .checked_mul(points)
                .ok_or_else(|| super::overflow("contribution"))?;
            let contribution = two_places(raw);
            let max = two_places(rule.weight * Decimal::ONE_HUNDRED);
            total += contribution;
            contributions.push(Contribution {
                factor: rule.factor,
                value,
                bin,
                points,
                weight: rule.weight,
                contribution,
                shortfall: max - contribution,
            });
        }
        // Stable: equal shortfalls keep the scorecard's order.
        contributions.sort_by_key(|c| std::cmp::Reverse(c.shortfall));
        let score = two_places(total);
        let (rank, class) = self.class_of(score);
        Ok(Score {
            customer_id: features.customer_id.clone(),
            as_of: features.as_of,
            score,
            class: class.to_owned(),
            class_rank: rank,
            contributions,
        })
    }

    /// Score every row of a feature table.
    ///
    /// # Errors
    /// As [`Scorecard::score`].
    pub fn score_table(&self, table: &FeatureTable) -> Result<Vec<Score>, RiskError> {
        table.rows.iter().map(|f| self.score(f)).collect()
    }
}

/// Rounded half up to [`SCORE_DECIMALS`] and written with exactly that many (`0.00`).
fn two_places(d: Decimal) -> Decimal {
    let mut r = RoundingMode::HalfUp.round(d, SCORE_DECIMALS);
    if r.scale() < SCORE_DECIMALS {
        r.rescale(SCORE_DECIMALS);
    }
    r
}

/// Compare a customer's scores at two dates: upgrade or downgrade (by class), and the
/// factors whose contribution changed, largest change first.
///
/// # Errors
/// [`RiskError::InvalidConfig`] when the scores are of different customers.
///
/// # Example
/// ```
/// use encours_core::risk::features::{customer_features, FeatureConfig, FeatureInputs};
/// use encours_core::risk::scorecard::{migration, Direction, Scorecard};
/// use encours_core::ledger::{Customer, Item, Ledger};
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
/// let l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
///     vec![Item::invoice("F1", "C1", d(1, 1), d(1, 31), Money::from_minor(100_00, Currency::EUR))], vec![], vec![])?;
/// let card = Scorecard::default_card();
/// let at = |day| -> Result<_, encours_core::Error> {
///     let f = customer_features(&l, "C1", &FeatureConfig::default(), &FeatureInputs::default(), day, None)?;
///     Ok(card.score(&f)?)
/// };
/// let m = migration(&at(d(1, 15))?, &at(d(6, 30))?)?;
/// assert_eq!(m.direction, Direction::Downgrade);
/// assert_eq!(m.moved[0].factor, encours_core::risk::scorecard::Factor::OverdueShare);
/// # Ok::<(), encours_core::Error>(())
/// ```
pub fn migration(before: &Score, after: &Score) -> Result<Migration, RiskError> {
    if before.customer_id != after.customer_id {
        return Err(invalid(
            "after.customer_id",
            &after.customer_id,
            format!("the same customer as before, \"{}\"", before.customer_id),
        ));
    }
    let mut moved: Vec<FactorMove> = after
        .contributions
        .iter()
        .filter_map(|a| {
            let b = before.contributions.iter().find(|b| b.factor == a.factor)?;
            let delta = a.contribution - b.contribution;
            (!delta.is_zero()).then_some(FactorMove {
                factor: a.factor,
                value_before: b.value,
                value_after: a.value,
                delta,
            })
        })
        .collect();
    moved.sort_by(|x, y| {
        y.delta
            .abs()
            .cmp(&x.delta.abs())
            .then(x.factor.cmp(&y.factor))
    });
    let direction = match after.class_rank.cmp(&before.class_rank) {
        std::cmp::Ordering::Less => Direction::Upgrade,
        std::cmp::Ordering::Greater => Direction::Downgrade,
        std::cmp::Ordering::Equal => Direction::Unchanged,
    };
    Ok(Migration {
        customer_id: after.customer_id.clone(),
        before: (before.as_of, before.class.clone()),
        after: (after.as_of, after.class.clone()),
        score_delta: after.score - before.score,
        direction,
        moved,
    })
}
