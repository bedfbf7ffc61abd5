//! External scores (*scores externes*) from data providers, each on its provider's
//! own scale, normalised to 0–100 where 100 is the best risk.
//!
//! Providers disagree on everything: Creditsafe scores 0–100 (higher is better),
//! Ellisphere's Ellipro 0–10, some rate 1–20, and probability-of-default ratings run
//! the other way (1 best, 10 worst). A [`ProviderScale`] says which: its range, which
//! end is better and, optionally, the probability of default the provider publishes
//! per band. Normalising is linear over the range:
//! `100 × (value − worst) ÷ (best − worst)`, rounded half up to 2 decimals.
//!
//! ```
//! use encours_core::risk::external::ProviderScale;
//! use rust_decimal::Decimal;
//! // A 1–10 rating where 1 is the best.
//! let scale = ProviderScale::new("Acme Ratings", Decimal::ONE, Decimal::TEN, false)?;
//! assert_eq!(scale.normalise(Decimal::ONE)?, Decimal::ONE_HUNDRED);
//! assert_eq!(scale.normalise(Decimal::TEN)?, Decimal::ZERO);
//! assert_eq!(scale.normalise(Decimal::from(4))?.to_string(), "66.67");
//! assert!(scale.normalise(Decimal::from(11)).is_err());
//! # Ok::<(), encours_core::risk::RiskError>(())
//! ```

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{RiskError, invalid};
use crate::ledger::ExternalScore;
use crate::money::RoundingMode;

/// Most bands a scale may carry.
pub const MAX_BANDS: usize = 100;

/// A probability of default the provider publishes for a band of its scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PdBand {
    /// Lowest score of the band (inclusive), on the provider's scale.
    #[serde(with = "crate::decimal_serde")]
    pub from: Decimal,
    /// Highest score of the band (inclusive).
    #[serde(with = "crate::decimal_serde")]
    pub to: Decimal,
    /// Probability of default over the provider's horizon, 0 to 1.
    #[serde(with = "crate::decimal_serde")]
    pub probability_of_default: Decimal,
}

/// The scale of one provider's scores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderScale {
    /// The provider, as written on [`ExternalScore::provider`] (compared ignoring case).
    pub provider: String,
    /// Lowest score of the scale.
    #[serde(with = "crate::decimal_serde")]
    pub min: Decimal,
    /// Highest score of the scale.
    #[serde(with = "crate::decimal_serde")]
    pub max: Decimal,
    /// Whether a higher score is a better risk.
    pub higher_is_better: bool,
    /// Published probabilities of default per band, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bands: Vec<PdBand>,
}

/// An external score read on its scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalisedScore {
    /// The provider.
    pub provider: String,
    /// The score as given.
    #[serde(with = "crate::decimal_serde")]
    pub value: Decimal,
    /// 0–100, 100 the best risk.
    #[serde(with = "crate::decimal_serde")]
    pub normalised: Decimal,
    /// The provider's probability of default for the score's band, if it publishes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability_of_default: Option<Decimal>,
    /// Day the score was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<NaiveDate>,
    /// Age of the score in days on the day asked for, when it is dated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_days: Option<i64>,
}

impl ProviderScale {
    /// A scale without bands, checked as [`ProviderScale::validate`] does.
    ///
    /// # Errors
    /// [`RiskError::InvalidConfig`] when `min` is not below `max` or the name is empty.
    ///
    /// # Example
    /// See the [module documentation](self).
    pub fn new(
        provider: impl Into<String>,
        min: Decimal,
        max: Decimal,
        higher_is_better: bool,
    ) -> Result<ProviderScale, RiskError> {
        let s = ProviderScale {
            provider: provider.into(),
            min,
            max,
            higher_is_better,
            bands: Vec::new(),
        };
        s.validate()?;
        Ok(s)
    }

    /// Check the scale: a name, `min < max`, bands inside the range, ordered and not
    /// overlapping, probabilities between 0 and 1.
    ///
    /// # Errors
    /// [`RiskError::InvalidConfig`] naming the scale and the field.
    ///
    /// # Example
    /// ```
    /// use encours_core::risk::external::ProviderScale;
    /// use rust_decimal::Decimal;
    /// let err = ProviderScale::new("X", Decimal::TEN, Decimal::ONE, true).unwrap_err();
    /// assert_eq!(err.to_string(), "invalid scale \"X\".max: 1 (more than min 10)");
    /// ```
    pub fn validate(&self) -> Result<(), RiskError> {
        let at = |f: &str| format!("scale \"{}\".{f}", self.provider);
        if self.provider.trim().is_empty() {
            return Err(invalid("scale.provider", "\"\"", "a provider name"));
        }
        if self.max <= self.min {
            return Err(invalid(
                at("max"),
                self.max,
                format!("more than min {}", self.min),
            ));
        }
        if self.bands.len() > MAX_BANDS {
            return Err(invalid(
                at("bands"),
                self.bands.len(),
                format!("at most {MAX_BANDS} bands"),
            ));
        }
        let mut prev: Option<&PdBand> = None;
        for (i, b) in self.bands.iter().enumerate() {
            let f = |x: &str| at(&format!("bands[{i}].{x}"));
            if b.from < self.min || b.to > self.max || b.from > b.to {
                return Err(invalid(
                    f("from"),
                    format!("{} to {}", b.from, b.to),
                    format!("an ordered band within {} to {}", self.min, self.max),
                ));
            }
            if let Some(p) = prev
                && b.from <= p.to
            {
                return Err(invalid(
                    f("from"),
                    b.from,
                    format!("above the previous band's end {}", p.to),
                ));
            }
            if b.probability_of_default < Decimal::ZERO || b.probability_of_default > Decimal::ONE {
                return Err(invalid(
                    f("probability_of_default"),
                    b.probability_of_default,
                    "between 0 and 1",
                ));
            }
            prev = Some(b);
        }
        Ok(())
    }

    /// The score on 0–100 (100 the best risk), rounded half up to 2 decimals.
    ///
    /// # Errors
    /// [`RiskError::InvalidScore`] for a score outside the scale.
    ///
    /// # Example
    /// See the [module documentation](self).
    pub fn normalise(&self, value: Decimal) -> Result<Decimal, RiskError> {
        if value < self.min || value > self.max {
            return Err(RiskError::InvalidScore {
                provider: self.provider.clone(),
                value: value.to_string(),
                expected: format!("a score between {} and {}", self.min, self.max),
            });
        }
        let from_worst = if self.higher_is_better {
            value - self.min
        } else {
            self.max - value
        };
        let span = self.max - self.min;
        let n = Decimal::ONE_HUNDRED
            .checked_mul(from_worst)
            .and_then(|x| x.checked_div(span))
            .ok_or_else(|| super::overflow("normalise score"))?;
        Ok(RoundingMode::HalfUp.round(n, 2).normalize())
    }

    /// The provider's probability of default for a score, when a band holds it.
    pub fn probability_of_default(&self, value: Decimal) -> Option<Decimal> {
        self.bands
            .iter()
            .find(|b| b.from <= value && value <= b.to)
            .map(|b| b.probability_of_default)
    }

    /// A score from the ledger read on this scale, with its age on `as_of`.
    ///
    /// # Errors
    /// [`RiskError::InvalidScore`] for a score outside the scale.
    pub fn read(
        &self,
        score: &ExternalScore,
        as_of: NaiveDate,
    ) -> Result<NormalisedScore, RiskError> {
        Ok(NormalisedScore {
            provider: score.provider.clone(),
            value: score.value,
            normalised: self.normalise(score.value)?,
            probability_of_default: self.probability_of_default(score.value),
            as_of: score.as_of,
            age_days: score.as_of.map(|d| (as_of - d).num_days()),
        })
    }
}

/// Find the scale of a provider (ignoring case).
pub fn scale_for<'a>(scales: &'a [ProviderScale], provider: &str) -> Option<&'a ProviderScale> {
    scales
        .iter()
        .find(|s| s.provider.eq_ignore_ascii_case(provider))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_is_better_and_bands() {
        let mut s =
            ProviderScale::new("Creditsafe", Decimal::ZERO, Decimal::ONE_HUNDRED, true).unwrap();
        s.bands = vec![
            PdBand {
                from: Decimal::ZERO,
                to: Decimal::from(20),
                probability_of_default: Decimal::new(2, 1),
            },
            PdBand {
                from: Decimal::from(21),
                to: Decimal::ONE_HUNDRED,
                probability_of_default: Decimal::new(1, 2),
            },
        ];
        s.validate().unwrap();
        assert_eq!(s.normalise(Decimal::from(73)).unwrap(), Decimal::from(73));
        assert_eq!(
            s.probability_of_default(Decimal::from(10)),
            Some(Decimal::new(2, 1))
        );
        s.bands[1].from = Decimal::from(20);
        assert_eq!(
            s.validate().unwrap_err().to_string(),
            "invalid scale \"Creditsafe\".bands[1].from: 20 (above the previous band's end 20)"
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let e = serde_json::from_str::<ProviderScale>(
            r#"{"provider":"X","min":"0","max":"10","higher_is_better":true,"maximum":"3"}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("unknown field `maximum`"), "{e}");
    }
}
