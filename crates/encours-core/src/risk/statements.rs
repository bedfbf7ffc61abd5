//! Financial statements (*bilans*): the usual credit ratios and Edward Altman's
//! bankruptcy scores.
//!
//! Ratios: current (current assets ÷ current liabilities), quick ((current assets −
//! inventory) ÷ current liabilities), debt to equity (total liabilities ÷ book
//! equity), net worth (total assets − total liabilities), tangible net worth (net
//! worth − intangible assets), working capital (current assets − current liabilities),
//! interest cover (EBIT ÷ interest expense). Ratios are rounded half up to 4 decimals;
//! a ratio whose denominator is zero is absent (`None`), never a made-up figure.
//!
//! Altman scores, with X1 = working capital ÷ total assets, X2 = retained earnings ÷
//! total assets, X3 = EBIT ÷ total assets, X5 = sales ÷ total assets:
//!
//! | model | for | formula | distress | grey | safe |
//! |---|---|---|---|---|---|
//! | Z (Altman 1968) | public manufacturers | 1.2 X1 + 1.4 X2 + 3.3 X3 + 0.6 X4 + 1.0 X5, X4 = market value of equity ÷ total liabilities | < 1.81 | 1.81–2.99 | > 2.99 |
//! | Z' (Altman 1983) | private firms | 0.717 X1 + 0.847 X2 + 3.107 X3 + 0.420 X4 + 0.998 X5, X4 = book equity ÷ total liabilities | < 1.23 | 1.23–2.90 | > 2.90 |
//! | Z'' (Altman 1995) | non-manufacturers, emerging markets | 6.56 X1 + 3.26 X2 + 6.72 X3 + 1.05 X4, X4 = book equity ÷ total liabilities | < 1.10 | 1.10–2.60 | > 2.60 |
//!
//! (Coefficients and cut-offs as Altman gives them in "Predicting Financial Distress
//! of Companies: Revisiting the Z-Score and ZETA Models", 2000.) A score on a
//! cut-off falls in the grey zone. Scores are computed exactly and rounded half up to
//! 4 decimals.
//!
//! ```
//! use encours_core::risk::statements::{AltmanModel, FinancialStatement, Zone};
//! use encours_core::money::Currency;
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//! let mut s = FinancialStatement::new("C1", NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(), Currency::EUR);
//! let k = |x: i64| Some(Decimal::from(x));
//! s.total_assets = k(1_000); s.current_assets = k(400); s.current_liabilities = k(200);
//! s.total_liabilities = k(500); s.retained_earnings = k(200); s.ebit = k(100);
//! s.sales = k(1_500); s.book_equity = k(500);
//! let z = s.altman(AltmanModel::ZPrimePrivate)?.unwrap();
//! // 0.717×0.2 + 0.847×0.2 + 3.107×0.1 + 0.420×1 + 0.998×1.5 = 2.5405
//! assert_eq!(z.score.to_string(), "2.5405");
//! assert_eq!(z.zone, Zone::Grey);
//! # Ok::<(), encours_core::risk::RiskError>(())
//! ```

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{RiskError, ratio};
use crate::money::{Currency, RoundingMode};

/// Decimals of ratios and scores.
pub const RATIO_DECIMALS: u32 = 4;

/// One set of annual accounts. Figures are in `currency`, in any unit (units,
/// thousands) as long as it is the same for all of them; a missing figure is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinancialStatement {
    /// The customer.
    pub customer_id: String,
    /// Last day of the period the accounts cover.
    pub period_end: NaiveDate,
    /// Currency of the figures.
    pub currency: Currency,
    /// Total assets.
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub total_assets: Option<Decimal>,
    /// Current assets.
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub current_assets: Option<Decimal>,
    /// Inventory (stocks).
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub inventory: Option<Decimal>,
    /// Intangible assets (goodwill included).
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub intangible_assets: Option<Decimal>,
    /// Current liabilities.
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub current_liabilities: Option<Decimal>,
    /// Total liabilities (debts, excluding equity).
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub total_liabilities: Option<Decimal>,
    /// Book value of equity.
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub book_equity: Option<Decimal>,
    /// Market value of equity (listed companies).
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub market_value_equity: Option<Decimal>,
    /// Retained earnings (may be negative).
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub retained_earnings: Option<Decimal>,
    /// Earnings before interest and taxes (may be negative).
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub ebit: Option<Decimal>,
    /// Interest expense.
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub interest_expense: Option<Decimal>,
    /// Net sales (turnover).
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub sales: Option<Decimal>,
}

/// Serde for optional decimals written as strings, parsed exactly.
pub(crate) mod opt_dec {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        #[derive(Deserialize)]
        struct W(#[serde(with = "crate::decimal_serde")] Decimal);
        Ok(Option::<W>::deserialize(d)?.map(|w| w.0))
    }
}
pub(crate) use opt_dec as optional_decimal;

/// The three Altman models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AltmanModel {
    /// Z (1968): public manufacturers, market value of equity.
    ZPublic,
    /// Z' (1983): private firms, book equity.
    ZPrimePrivate,
    /// Z'' (1995): non-manufacturers and emerging markets, four ratios.
    ZDoublePrimeNonManufacturer,
}

/// Where a score falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Zone {
    /// Likely to fail within two years.
    Distress,
    /// Between the cut-offs.
    Grey,
    /// Unlikely to fail.
    Safe,
}

/// An Altman score with its inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AltmanScore {
    /// The model.
    pub model: AltmanModel,
    /// The ratios X1…X5 as used (X5 absent for Z''), each rounded to 4 decimals for
    /// display; the score is computed from the exact ratios.
    pub ratios: Vec<Decimal>,
    /// The score, rounded half up to 4 decimals.
    pub score: Decimal,
    /// Its zone.
    pub zone: Zone,
}

/// The usual ratios of a statement; each `None` when a figure is missing or its
/// denominator is zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratios {
    /// Current assets ÷ current liabilities.
    pub current: Option<Decimal>,
    /// (Current assets − inventory) ÷ current liabilities.
    pub quick: Option<Decimal>,
    /// Total liabilities ÷ book equity.
    pub debt_to_equity: Option<Decimal>,
    /// Total assets − total liabilities.
    pub net_worth: Option<Decimal>,
    /// Net worth − intangible assets.
    pub tangible_net_worth: Option<Decimal>,
    /// Current assets − current liabilities.
    pub working_capital: Option<Decimal>,
    /// EBIT ÷ interest expense.
    pub interest_cover: Option<Decimal>,
}

impl AltmanModel {
    /// Coefficients of X1…X5 (X5's is zero for Z'').
    fn coefficients(self) -> [Decimal; 5] {
        let d = |n: i64, s: u32| Decimal::new(n, s);
        match self {
            AltmanModel::ZPublic => [d(12, 1), d(14, 1), d(33, 1), d(6, 1), d(10, 1)],
            AltmanModel::ZPrimePrivate => [d(717, 3), d(847, 3), d(3107, 3), d(420, 3), d(998, 3)],
            AltmanModel::ZDoublePrimeNonManufacturer => {
                [d(656, 2), d(326, 2), d(672, 2), d(105, 2), Decimal::ZERO]
            }
        }
    }

    /// (distress below, safe above).
    fn cutoffs(self) -> (Decimal, Decimal) {
        let d = |n: i64| Decimal::new(n, 2);
        match self {
            AltmanModel::ZPublic => (d(181), d(299)),
            AltmanModel::ZPrimePrivate => (d(123), d(290)),
            AltmanModel::ZDoublePrimeNonManufacturer => (d(110), d(260)),
        }
    }

    /// The zone of a score; a score on a cut-off is grey.
    pub fn zone(self, score: Decimal) -> Zone {
        let (low, high) = self.cutoffs();
        if score < low {
            Zone::Distress
        } else if score > high {
            Zone::Safe
        } else {
            Zone::Grey
        }
    }

    /// The score from the five ratios X1…X5 (X5 ignored for Z''), rounded half up
    /// to 4 decimals, with its zone.
    ///
    /// # Errors
    /// [`RiskError::Money`] on overflow.
    ///
    /// # Example
    /// ```
    /// use encours_core::risk::statements::{AltmanModel, Zone};
    /// use rust_decimal::Decimal;
    /// let x = |s: &str| s.parse::<Decimal>().unwrap();
    /// let z = AltmanModel::ZPublic.score_of([x("0.34"), x("0.15"), x("0"), x("0.80"), x("1.6")])?;
    /// assert_eq!(z.score, x("2.698"));
    /// # Ok::<(), encours_core::risk::RiskError>(())
    /// ```
    pub fn score_of(self, x: [Decimal; 5]) -> Result<AltmanScore, RiskError> {
        let mut z = Decimal::ZERO;
        for (c, v) in self.coefficients().iter().zip(x.iter()) {
            z = c
                .checked_mul(*v)
                .and_then(|p| z.checked_add(p))
                .ok_or_else(|| super::overflow("altman score"))?;
        }
        let score = RoundingMode::HalfUp.round(z, RATIO_DECIMALS).normalize();
        let used = if self == AltmanModel::ZDoublePrimeNonManufacturer {
            4
        } else {
            5
        };
        Ok(AltmanScore {
            model: self,
            ratios: x
                .iter()
                .take(used)
                .map(|v| RoundingMode::HalfUp.round(*v, RATIO_DECIMALS).normalize())
                .collect(),
            score,
            zone: self.zone(score),
        })
    }
}

impl FinancialStatement {
    /// A statement with no figure yet.
    pub fn new(
        customer_id: impl Into<String>,
        period_end: NaiveDate,
        currency: Currency,
    ) -> FinancialStatement {
        FinancialStatement {
            customer_id: customer_id.into(),
            period_end,
            currency,
            total_assets: None,
            current_assets: None,
            inventory: None,
            intangible_assets: None,
            current_liabilities: None,
            total_liabilities: None,
            book_equity: None,
            market_value_equity: None,
            retained_earnings: None,
            ebit: None,
            interest_expense: None,
            sales: None,
        }
    }

    /// Refuse impossible values: negative assets, liabilities, inventory, intangibles,
    /// interest expense, sales or market value; current assets above total assets;
    /// inventory above current assets.
    ///
    /// # Errors
    /// [`RiskError::InvalidStatement`] naming the field.
    ///
    /// # Example
    /// ```
    /// use encours_core::risk::statements::FinancialStatement;
    /// use encours_core::money::Currency;
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    /// let mut s = FinancialStatement::new("C1", NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(), Currency::EUR);
    /// s.total_assets = Some(Decimal::from(-5));
    /// assert_eq!(s.validate().unwrap_err().to_string(),
    ///     "invalid total_assets of the statement of \"C1\" for 2024-12-31: -5 (zero or more)");
    /// ```
    pub fn validate(&self) -> Result<(), RiskError> {
        let bad =
            |field: &'static str, value: Decimal, expected: String| RiskError::InvalidStatement {
                customer_id: self.customer_id.clone(),
                period_end: self.period_end,
                field,
                value: value.to_string(),
                expected,
            };
        let non_negative = [
            ("total_assets", self.total_assets),
            ("current_assets", self.current_assets),
            ("inventory", self.inventory),
            ("intangible_assets", self.intangible_assets),
            ("current_liabilities", self.current_liabilities),
            ("total_liabilities", self.total_liabilities),
            ("market_value_equity", self.market_value_equity),
            ("interest_expense", self.interest_expense),
            ("sales", self.sales),
        ];
        for (field, v) in non_negative {
            if let Some(v) = v
                && v < Decimal::ZERO
            {
                return Err(bad(field, v, "zero or more".into()));
            }
        }
        if let (Some(ca), Some(ta)) = (self.current_assets, self.total_assets)
            && ca > ta
        {
            return Err(bad(
                "current_assets",
                ca,
                format!("at most total_assets {ta}"),
            ));
        }
        if let (Some(inv), Some(ca)) = (self.inventory, self.current_assets)
            && inv > ca
        {
            return Err(bad(
                "inventory",
                inv,
                format!("at most current_assets {ca}"),
            ));
        }
        if let (Some(cl), Some(tl)) = (self.current_liabilities, self.total_liabilities)
            && cl > tl
        {
            return Err(bad(
                "current_liabilities",
                cl,
                format!("at most total_liabilities {tl}"),
            ));
        }
        Ok(())
    }

    /// The usual ratios.
    ///
    /// # Errors
    /// [`RiskError::InvalidStatement`] for an impossible value.
    ///
    /// # Example
    /// ```
    /// use encours_core::risk::statements::FinancialStatement;
    /// use encours_core::money::Currency;
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    /// let mut s = FinancialStatement::new("C1", NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(), Currency::EUR);
    /// s.current_assets = Some(Decimal::from(300)); s.current_liabilities = Some(Decimal::from(200));
    /// s.inventory = Some(Decimal::from(100));
    /// let r = s.ratios()?;
    /// assert_eq!(r.current, Some(Decimal::new(15, 1)));
    /// assert_eq!(r.quick, Some(Decimal::ONE));
    /// assert_eq!(r.working_capital, Some(Decimal::from(100)));
    /// assert_eq!(r.interest_cover, None);
    /// # Ok::<(), encours_core::risk::RiskError>(())
    /// ```
    pub fn ratios(&self) -> Result<Ratios, RiskError> {
        self.validate()?;
        let r = |a: Option<Decimal>, b: Option<Decimal>| {
            a.zip(b)
                .and_then(|(a, b)| ratio(a, b, RATIO_DECIMALS))
                .map(|x| x.normalize())
        };
        let sub =
            |a: Option<Decimal>, b: Option<Decimal>| a.zip(b).and_then(|(a, b)| a.checked_sub(b));
        let net_worth = sub(self.total_assets, self.total_liabilities);
        let tangible = match self.intangible_assets {
            Some(i) => net_worth.and_then(|n| n.checked_sub(i)),
            None => net_worth,
        };
        Ok(Ratios {
            current: r(self.current_assets, self.current_liabilities),
            quick: r(
                sub(
                    self.current_assets,
                    Some(self.inventory.unwrap_or(Decimal::ZERO)),
                ),
                self.current_liabilities,
            ),
            debt_to_equity: r(self.total_liabilities, self.book_equity),
            net_worth,
            tangible_net_worth: tangible,
            working_capital: sub(self.current_assets, self.current_liabilities),
            interest_cover: r(self.ebit, self.interest_expense),
        })
    }

    /// An Altman score, or `None` when a figure it needs is missing (or total assets
    /// or total liabilities are zero).
    ///
    /// # Errors
    /// [`RiskError::InvalidStatement`] for an impossible value; [`RiskError::Money`] on
    /// overflow.
    ///
    /// # Example
    /// See the [module documentation](self).
    pub fn altman(&self, model: AltmanModel) -> Result<Option<AltmanScore>, RiskError> {
        self.validate()?;
        let (Some(ta), Some(ca), Some(cl), Some(tl), Some(re), Some(ebit)) = (
            self.total_assets,
            self.current_assets,
            self.current_liabilities,
            self.total_liabilities,
            self.retained_earnings,
            self.ebit,
        ) else {
            return Ok(None);
        };
        let equity = match model {
            AltmanModel::ZPublic => self.market_value_equity,
            _ => self.book_equity,
        };
        let sales = match model {
            AltmanModel::ZDoublePrimeNonManufacturer => Some(Decimal::ZERO),
            _ => self.sales,
        };
        let (Some(equity), Some(sales)) = (equity, sales) else {
            return Ok(None);
        };
        if ta.is_zero() || tl.is_zero() {
            return Ok(None);
        }
        let div = |a: Decimal, b: Decimal| {
            a.checked_div(b)
                .ok_or_else(|| super::overflow("altman ratio"))
        };
        let wc = ca
            .checked_sub(cl)
            .ok_or_else(|| super::overflow("working capital"))?;
        let x = [
            div(wc, ta)?,
            div(re, ta)?,
            div(ebit, ta)?,
            div(equity, tl)?,
            div(sales, ta)?,
        ];
        model.score_of(x).map(Some)
    }

    /// Age of the statement on `as_of`, in days after its period end.
    pub fn age_days(&self, as_of: NaiveDate) -> i64 {
        (as_of - self.period_end).num_days()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// Published worked example: wizedu.com, question 366502 ("Calculate the Z-score of
    /// the firm that has the following ratios": WC/TA 0.34, RE/TA 0.15, EBIT/TA 0.00,
    /// MVE/TL 0.80, S/TA 1.6; answer "Z score is 2.70", two decimals).
    #[test]
    fn altman_z_wizedu_worked_example() {
        let z = AltmanModel::ZPublic
            .score_of([x("0.34"), x("0.15"), x("0"), x("0.80"), x("1.6")])
            .unwrap();
        assert_eq!(z.score.round_dp(2), x("2.70"));
        assert_eq!(z.zone, Zone::Grey);
    }

    /// Published worked example from the statement figures: numerade.com, solution by
    /// Emilio Guzmán: working capital 5,100, retained earnings 16,900, EBIT 8,800,
    /// total assets 72,000, equity 27,000, total liabilities 66,000, sales equal to
    /// total assets; "Z-Score = 2.062" (with the Z coefficients 1.2, 1.4, 3.3, 0.6, 1.0).
    #[test]
    fn altman_z_numerade_worked_example_from_statement() {
        let mut s = FinancialStatement::new(
            "C1",
            NaiveDate::from_ymd_opt(2023, 12, 31).unwrap(),
            Currency::USD,
        );
        s.total_assets = Some(x("72000"));
        s.current_assets = Some(x("20100"));
        s.current_liabilities = Some(x("15000"));
        s.total_liabilities = Some(x("66000"));
        s.retained_earnings = Some(x("16900"));
        s.ebit = Some(x("8800"));
        s.market_value_equity = Some(x("27000"));
        s.sales = Some(x("72000"));
        let z = s.altman(AltmanModel::ZPublic).unwrap().unwrap();
        assert_eq!(z.score.round_dp(3), x("2.062"));
        assert_eq!(z.zone, Zone::Grey);
        assert_eq!(z.ratios[0], x("0.0708"));
    }

    /// Another published exercise: onlinehomeworkexperts.com, "Calculation the Altman's
    /// Z score" (NWC/TA 0.10, RE/TA 0.20, EBIT/TA 0.13, MVE/BVD 0.65, S/TA 0.95):
    /// 0.12 + 0.28 + 0.429 + 0.39 + 0.95 = 2.169.
    #[test]
    fn altman_z_homework_example() {
        let z = AltmanModel::ZPublic
            .score_of([x("0.10"), x("0.20"), x("0.13"), x("0.65"), x("0.95")])
            .unwrap();
        assert_eq!(z.score, x("2.169"));
    }

    #[test]
    fn zones_at_the_published_cutoffs() {
        assert_eq!(AltmanModel::ZPublic.zone(x("1.80")), Zone::Distress);
        assert_eq!(AltmanModel::ZPublic.zone(x("1.81")), Zone::Grey);
        assert_eq!(AltmanModel::ZPublic.zone(x("2.99")), Zone::Grey);
        assert_eq!(AltmanModel::ZPublic.zone(x("3.00")), Zone::Safe);
        assert_eq!(AltmanModel::ZPrimePrivate.zone(x("1.22")), Zone::Distress);
        assert_eq!(AltmanModel::ZPrimePrivate.zone(x("2.91")), Zone::Safe);
        assert_eq!(
            AltmanModel::ZDoublePrimeNonManufacturer.zone(x("1.09")),
            Zone::Distress
        );
        assert_eq!(
            AltmanModel::ZDoublePrimeNonManufacturer.zone(x("2.61")),
            Zone::Safe
        );
    }

    #[test]
    fn z_double_prime_ignores_sales() {
        // 6.56×0.1 + 3.26×0.2 + 6.72×0.05 + 1.05×0.5 = 0.656 + 0.652 + 0.336 + 0.525
        let z = AltmanModel::ZDoublePrimeNonManufacturer
            .score_of([x("0.1"), x("0.2"), x("0.05"), x("0.5"), x("99")])
            .unwrap();
        assert_eq!(z.score, x("2.169"));
        assert_eq!(z.ratios.len(), 4);
    }

    #[test]
    fn missing_figures_give_no_score_and_bad_ones_are_refused() {
        let mut s = FinancialStatement::new(
            "C1",
            NaiveDate::from_ymd_opt(2023, 12, 31).unwrap(),
            Currency::EUR,
        );
        assert_eq!(s.altman(AltmanModel::ZPublic).unwrap(), None);
        s.total_assets = Some(x("100"));
        s.current_assets = Some(x("150"));
        assert_eq!(
            s.validate().unwrap_err().to_string(),
            "invalid current_assets of the statement of \"C1\" for 2023-12-31: 150 (at most total_assets 100)"
        );
        let e = serde_json::from_str::<FinancialStatement>(
            r#"{"customer_id":"C1","period_end":"2023-12-31","currency":"EUR","total_asset":"1"}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("unknown field `total_asset`"), "{e}");
    }
}
