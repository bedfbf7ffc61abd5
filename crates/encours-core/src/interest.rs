//! Late-payment interest and recovery fees: statutory rules, rate tables, day counts.
//!
//! [`compute_interest`] works out the interest on one overdue amount between its due
//! date and a payment (or *as of*) date under an [`InterestRule`]: a statutory rule of
//! a [`Jurisdiction`] or a contractual rate (fixed, or a reference rate plus a margin,
//! optionally with a floor). [`recovery_indemnity`] gives the flat recovery
//! compensation a late invoice adds.
//!
//! # Conventions
//!
//! - **Period.** Interest runs from the day after the due date up to and including
//!   `until` (the payment date, or the date the figure is wanted for). This is how the
//!   texts count: Code de commerce L441-10 (penalties are due from the day after the
//!   payment date on the invoice), §§ 286, 288 and 187 (1) BGB (the day the debt
//!   falls due does not count), and s. 4 of the UK Late Payment of Commercial Debts
//!   (Interest) Act 1998 (statutory interest runs from the day after the relevant
//!   date). A payment on or before the due date gives zero interest.
//! - **Simple interest**, `principal × annual rate × days / year basis`, never
//!   compounded; the year basis comes from the [`DayCount`] (actual/365 by default).
//! - **Half-years.** The delay is split at every 1 January and 1 July, because the
//!   statutory reference rate is fixed per half-year ([`RateFixing`]); one delay can
//!   therefore span several rates. A [`RateFixing::Daily`] contractual rate is also
//!   split at every change of its reference rate.
//! - **Rounding point.** Each sub-period's interest is computed exactly (no rounding),
//!   the exact amounts are summed, and the sum is rounded **once** to the currency's
//!   minor unit with the rule's [`RoundingMode`]; each sub-period then shows its share
//!   of that total, split with [`Money::allocate`] so the shares add up to the total to
//!   the minor unit. [`RoundingPoint::PerPeriod`] rounds each sub-period instead (the
//!   total is then the sum of the rounded sub-periods), for creditors whose statements
//!   show one rounded line per rate.
//!
//! # Rate tables are data
//!
//! Reference rates live in [`RateTable`]s that the caller supplies and keeps up to
//! date; encours never fetches a rate. Three tables are built in, with values checked
//! against public sources named on their constructors:
//! [`RateTable::ecb_main_refinancing_rate`], [`RateTable::bundesbank_base_rate`] and
//! [`RateTable::boe_bank_rate`]. Each carries a *verified through* date: asking for a
//! rate after it is an error ([`InterestError::RateNotVerified`]) rather than a figure
//! silently computed with a stale rate. **Callers must add the rates published since**
//! ([`RateTable::push`]) or confirm that none changed ([`RateTable::set_verified_through`]).
//!
//! ```
//! use chrono::NaiveDate;
//! use encours_core::interest::{compute_interest, InterestRule, Jurisdiction, RateTables};
//! use encours_core::money::{Currency, Money};
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let invoice = Money::parse("1000.00", Currency::EUR)?;
//! // Due 1 Feb 2024, paid 2 Mar 2024: 30 days at ECB 4.50 % (in force on 1 Jan 2024) + 10.
//! let rule = InterestRule::statutory(Jurisdiction::France);
//! let result = compute_interest(&invoice, d(2024, 2, 1), d(2024, 3, 2), &rule, &RateTables::builtin())?;
//! assert_eq!(result.days, 30);
//! assert_eq!(result.periods[0].rate.to_string(), "14.50");
//! assert_eq!(result.total.to_string(), "11.92 EUR");
//! # Ok::<(), encours_core::interest::InterestError>(())
//! ```

use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money, MoneyError, Remainder, RoundingMode};

/// Errors of this area. Every message names the field and the value that was refused.
///
/// ```
/// use encours_core::interest::{recovery_indemnity, InterestError, Jurisdiction};
/// use encours_core::money::{Currency, Money};
/// let err = recovery_indemnity(Jurisdiction::Germany, &Money::zero(Currency::EUR)).unwrap_err();
/// assert!(matches!(err, InterestError::InvalidDebt { .. }));
/// let any: encours_core::Error = err.into();
/// assert_eq!(any.to_string(), "invalid debt 0.00 EUR for the recovery indemnity: expected a positive amount");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InterestError {
    /// A rate table is malformed (no name, no rate, dates out of order or repeated).
    #[error("invalid rate table \"{table}\": {reason}")]
    InvalidRateTable {
        /// The table's name.
        table: String,
        /// What is wrong, naming the offending date.
        reason: String,
    },
    /// A rate was asked for a date before the table's first rate.
    #[error(
        "rate table \"{table}\" has no rate for {date}: its first rate is valid from {first}; add the earlier rates to the table"
    )]
    RateNotCovered {
        /// The table's name.
        table: String,
        /// The date a rate was needed for.
        date: NaiveDate,
        /// The table's first date.
        first: NaiveDate,
    },
    /// A rate was asked for a date after the date the table is verified through.
    #[error(
        "rate table \"{table}\" is not verified for {date}: it is verified through {verified_through}; add the rates published since (RateTable::push) or confirm none changed (RateTable::set_verified_through)"
    )]
    RateNotVerified {
        /// The table's name.
        table: String,
        /// The date a rate was needed for.
        date: NaiveDate,
        /// The last date the table is known to be right for.
        verified_through: NaiveDate,
    },
    /// A rule names a rate table the caller did not supply.
    #[error("unknown rate table \"{table}\": expected one of the tables supplied in RateTables")]
    UnknownRateTable {
        /// The name asked for.
        table: String,
    },
    /// Interest was asked on a negative amount.
    #[error("invalid principal {principal}: expected zero or a positive amount")]
    NegativePrincipal {
        /// The amount as given.
        principal: Money,
    },
    /// A recovery indemnity was asked for a debt that is not positive.
    #[error("invalid debt {debt} for the recovery indemnity: expected a positive amount")]
    InvalidDebt {
        /// The debt as given.
        debt: Money,
    },
    /// A fixed recovery indemnity was asked for a debt in another currency.
    #[error(
        "recovery indemnity under {jurisdiction} is fixed in {expected}, but the debt is in {found}: convert the debt to {expected} first (money::FxRates) and call again"
    )]
    IndemnityCurrency {
        /// The jurisdiction whose fixed sum was asked for.
        jurisdiction: Jurisdiction,
        /// The currency the sum is fixed in.
        expected: Currency,
        /// The debt's currency.
        found: Currency,
    },
    /// A contractual rule has an unusable value.
    #[error("invalid interest rule: {field} = {value}: {reason}")]
    InvalidRule {
        /// The field (`rate`, `floor`, `table`).
        field: &'static str,
        /// The value as given.
        value: String,
        /// What was expected.
        reason: &'static str,
    },
    /// A date computation left chrono's range.
    #[error("date out of range in {operation} after {date}")]
    DateOutOfRange {
        /// What was being computed.
        operation: &'static str,
        /// The last valid date reached.
        date: NaiveDate,
    },
    /// A money computation failed (decimal overflow).
    #[error(transparent)]
    Money(#[from] MoneyError),
}

// ---------------------------------------------------------------------------------
// Rate tables
// ---------------------------------------------------------------------------------

/// One change of a reference rate: from `valid_from` on (until the next change), the
/// annual rate is `rate` percent.
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::interest::RatePoint;
/// use rust_decimal::Decimal;
/// let p = RatePoint { valid_from: NaiveDate::from_ymd_opt(2025, 6, 11).unwrap(), rate: Decimal::new(215, 2) };
/// assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"valid_from":"2025-06-11","rate":"2.15"}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatePoint {
    /// First day the rate is in force.
    pub valid_from: NaiveDate,
    /// Annual rate in percent (`2.15` means 2.15 %); may be negative (the German base
    /// rate was −0.88 % from 2016 to 2022).
    #[serde(with = "crate::decimal_serde")]
    pub rate: Decimal,
}

/// A named reference rate as a list of changes ([`RatePoint`]s), sorted by date with no
/// date repeated, plus the date up to which it is known to be complete.
///
/// The rate in force on a day is the one of the latest change on or before that day.
/// A day before the first change has no rate ([`InterestError::RateNotCovered`]); a day
/// after [`RateTable::verified_through`] is refused ([`InterestError::RateNotVerified`])
/// because a change may have been published since. A table without a verified-through
/// date extends its last rate indefinitely (the caller vouches for it).
///
/// Serialized as `{"name", "source", "verified_through", "points": [...]}`;
/// deserializing validates the table.
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::interest::RateTable;
/// use rust_decimal::Decimal;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let mut table = RateTable::new("House rate", [(d(2024, 1, 1), Decimal::new(300, 2))])?
///     .with_verified_through(d(2024, 12, 31))?;
/// table.push(d(2025, 1, 1), Decimal::new(250, 2))?;
/// assert_eq!(table.rate_on(d(2024, 7, 1))?, Decimal::new(300, 2));
/// assert_eq!(table.rate_on(d(2025, 1, 1))?, Decimal::new(250, 2));
/// assert!(table.rate_on(d(2025, 1, 2)).is_err()); // not verified past the last push
/// assert!(table.rate_on(d(2023, 12, 31)).is_err()); // before the first rate
/// # Ok::<(), encours_core::interest::InterestError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RateTableData", into = "RateTableData")]
pub struct RateTable {
    name: String,
    source: String,
    verified_through: Option<NaiveDate>,
    points: Vec<RatePoint>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RateTableData {
    name: String,
    #[serde(default)]
    source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    verified_through: Option<NaiveDate>,
    points: Vec<RatePoint>,
}

impl TryFrom<RateTableData> for RateTable {
    type Error = InterestError;
    fn try_from(data: RateTableData) -> Result<Self, Self::Error> {
        let table = RateTable {
            name: data.name,
            source: data.source,
            verified_through: data.verified_through,
            points: data.points,
        };
        table.validate()?;
        Ok(table)
    }
}

impl From<RateTable> for RateTableData {
    fn from(t: RateTable) -> Self {
        RateTableData {
            name: t.name,
            source: t.source,
            verified_through: t.verified_through,
            points: t.points,
        }
    }
}

/// Name of the built-in table of the ECB main refinancing operations fixed rate.
///
/// ```
/// use encours_core::interest::{RateTable, ECB_MRO};
/// assert_eq!(RateTable::ecb_main_refinancing_rate().name(), ECB_MRO);
/// ```
pub const ECB_MRO: &str = "ECB MRO";
/// Name of the built-in table of the German base rate (§ 247 BGB).
///
/// ```
/// use encours_core::interest::{Jurisdiction, BUNDESBANK_BASE_RATE};
/// assert_eq!(Jurisdiction::Germany.reference_table(), BUNDESBANK_BASE_RATE);
/// ```
pub const BUNDESBANK_BASE_RATE: &str = "Bundesbank Basiszinssatz";
/// Name of the built-in table of the Bank of England Bank Rate.
///
/// ```
/// use encours_core::interest::{RateTables, BOE_BANK_RATE};
/// assert!(RateTables::builtin().get(BOE_BANK_RATE).is_ok());
/// ```
pub const BOE_BANK_RATE: &str = "BoE Bank Rate";

const fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        // Only reached for a mistyped built-in date, which fails the build (const eval).
        None => panic!("invalid built-in date"),
    }
}

/// A rate given in hundredths of a percent point (`215` is 2.15 %).
const fn pct(hundredths: i32) -> Decimal {
    Decimal::from_parts(hundredths.unsigned_abs(), 0, 0, hundredths < 0, 2)
}

const fn point(year: i32, month: u32, day: u32, hundredths: i32) -> RatePoint {
    RatePoint {
        valid_from: ymd(year, month, day),
        rate: pct(hundredths),
    }
}

/// ECB main refinancing operations, fixed rate tenders, by date of effect.
const ECB_MRO_POINTS: &[RatePoint] = &[
    point(2008, 10, 15, 375),
    point(2008, 11, 12, 325),
    point(2008, 12, 10, 250),
    point(2009, 1, 21, 200),
    point(2009, 3, 11, 150),
    point(2009, 4, 8, 125),
    point(2009, 5, 13, 100),
    point(2011, 4, 13, 125),
    point(2011, 7, 13, 150),
    point(2011, 11, 9, 125),
    point(2011, 12, 14, 100),
    point(2012, 7, 11, 75),
    point(2013, 5, 8, 50),
    point(2013, 11, 13, 25),
    point(2014, 6, 11, 15),
    point(2014, 9, 10, 5),
    point(2016, 3, 16, 0),
    point(2022, 7, 27, 50),
    point(2022, 9, 14, 125),
    point(2022, 11, 2, 200),
    point(2022, 12, 21, 250),
    point(2023, 2, 8, 300),
    point(2023, 3, 22, 350),
    point(2023, 5, 10, 375),
    point(2023, 6, 21, 400),
    point(2023, 8, 2, 425),
    point(2023, 9, 20, 450),
    point(2024, 6, 12, 425),
    point(2024, 9, 18, 365),
    point(2024, 10, 23, 340),
    point(2024, 12, 18, 315),
    point(2025, 2, 5, 290),
    point(2025, 3, 12, 265),
    point(2025, 4, 23, 240),
    point(2025, 6, 11, 215),
];

/// German base rate (Basiszinssatz, § 247 BGB), half-yearly since its start.
const BUNDESBANK_POINTS: &[RatePoint] = &[
    point(2002, 1, 1, 257),
    point(2002, 7, 1, 247),
    point(2003, 1, 1, 197),
    point(2003, 7, 1, 122),
    point(2004, 1, 1, 114),
    point(2004, 7, 1, 113),
    point(2005, 1, 1, 121),
    point(2005, 7, 1, 117),
    point(2006, 1, 1, 137),
    point(2006, 7, 1, 195),
    point(2007, 1, 1, 270),
    point(2007, 7, 1, 319),
    point(2008, 1, 1, 332),
    point(2008, 7, 1, 319),
    point(2009, 1, 1, 162),
    point(2009, 7, 1, 12),
    point(2011, 7, 1, 37),
    point(2012, 1, 1, 12),
    point(2013, 1, 1, -13),
    point(2013, 7, 1, -38),
    point(2014, 1, 1, -63),
    point(2014, 7, 1, -73),
    point(2015, 1, 1, -83),
    point(2016, 7, 1, -88),
    point(2023, 1, 1, 162),
    point(2023, 7, 1, 312),
    point(2024, 1, 1, 362),
    point(2024, 7, 1, 337),
    point(2025, 1, 1, 227),
    point(2025, 7, 1, 127),
];

/// Bank of England Bank Rate (official dealing rate), by date of the MPC announcement.
const BOE_POINTS: &[RatePoint] = &[
    point(2007, 12, 6, 550),
    point(2008, 2, 7, 525),
    point(2008, 4, 10, 500),
    point(2008, 10, 8, 450),
    point(2008, 11, 6, 300),
    point(2008, 12, 4, 200),
    point(2009, 1, 8, 150),
    point(2009, 2, 5, 100),
    point(2009, 3, 5, 50),
    point(2016, 8, 4, 25),
    point(2017, 11, 2, 50),
    point(2018, 8, 2, 75),
    point(2020, 3, 11, 25),
    point(2020, 3, 19, 10),
    point(2021, 12, 16, 25),
    point(2022, 2, 3, 50),
    point(2022, 3, 17, 75),
    point(2022, 5, 5, 100),
    point(2022, 6, 16, 125),
    point(2022, 8, 4, 175),
    point(2022, 9, 22, 225),
    point(2022, 11, 3, 300),
    point(2022, 12, 15, 350),
    point(2023, 2, 2, 400),
    point(2023, 3, 23, 425),
    point(2023, 5, 11, 450),
    point(2023, 6, 22, 500),
    point(2023, 8, 3, 525),
    point(2024, 8, 1, 500),
    point(2024, 11, 7, 475),
    point(2025, 2, 6, 450),
    point(2025, 5, 8, 425),
    point(2025, 8, 7, 400),
    point(2025, 12, 18, 375),
];

impl RateTable {
    /// A table from `(valid_from, annual rate in percent)` pairs, which must be sorted
    /// by date with no date repeated. It has no verified-through date: its last rate
    /// extends indefinitely until one is set.
    ///
    /// # Errors
    /// [`InterestError::InvalidRateTable`] for an empty name, no rate, or dates out of
    /// order or repeated (the message names the date).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::interest::RateTable;
    /// use rust_decimal::Decimal;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let t = RateTable::new("Riksbank policy rate", [(d(2025, 1, 2), Decimal::new(250, 2))])?;
    /// assert_eq!(t.points().len(), 1);
    /// let err = RateTable::new("x", [(d(2025, 1, 2), Decimal::ONE), (d(2025, 1, 2), Decimal::TWO)]).unwrap_err();
    /// assert_eq!(err.to_string(), "invalid rate table \"x\": date 2025-01-02 appears twice");
    /// # Ok::<(), encours_core::interest::InterestError>(())
    /// ```
    pub fn new(
        name: impl Into<String>,
        points: impl IntoIterator<Item = (NaiveDate, Decimal)>,
    ) -> Result<RateTable, InterestError> {
        let table = RateTable {
            name: name.into(),
            source: String::new(),
            verified_through: None,
            points: points
                .into_iter()
                .map(|(valid_from, rate)| RatePoint { valid_from, rate })
                .collect(),
        };
        table.validate()?;
        Ok(table)
    }

    fn builtin(
        name: &str,
        source: &str,
        verified_through: NaiveDate,
        points: &[RatePoint],
    ) -> Self {
        RateTable {
            name: name.to_owned(),
            source: source.to_owned(),
            verified_through: Some(verified_through),
            points: points.to_vec(),
        }
    }

    /// The ECB's fixed rate on its main refinancing operations (MRO), by date of
    /// effect, from the first fixed-rate tender (15 October 2008) on. This is the
    /// reference of Code de commerce L441-10 (France) and of directive 2011/7/EU for the
    /// euro area, and the *Bezugsgröße* of § 247 BGB.
    ///
    /// **Verified through 10 June 2026**: the changes up to the 11 June 2025 cut to
    /// 2.15 %, and the holds through the Governing Council decision of 30 April 2026;
    /// the next decision was due on 11 June 2026. Callers must add later changes.
    ///
    /// Before 15 October 2008 the MROs were variable-rate tenders, whose statutory
    /// reference is the *marginal* rate of each tender, not the minimum bid rate; those
    /// rates are not shipped, so asking for them is an error, not a wrong figure.
    ///
    /// Sources: Banque de France, "Key ECB interest rates" (table of fixed rate tenders
    /// by date of effect, 15 October 2008 to 23 October 2024); ECB monetary policy
    /// decisions of 12 December 2024, 30 January, 6 March, 17 April and 5 June 2025
    /// (effective 18 December 2024, 5 February, 12 March, 23 April and 11 June 2025);
    /// Deutsche Bundesbank, "Basiszinssatz bleibt ab 1. Januar 2026 bei 1,27 %" (MRO
    /// 2.15 % on 22 December 2025, unchanged since July 2025); ECB decisions of
    /// 5 February and 30 April 2026 (rates unchanged, MRO 2.15 %).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::interest::RateTable;
    /// let ecb = RateTable::ecb_main_refinancing_rate();
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// assert_eq!(ecb.rate_on(d(2024, 1, 1))?.to_string(), "4.50");
    /// assert_eq!(ecb.rate_on(d(2026, 1, 1))?.to_string(), "2.15");
    /// assert_eq!(ecb.verified_through(), Some(d(2026, 6, 10)));
    /// # Ok::<(), encours_core::interest::InterestError>(())
    /// ```
    pub fn ecb_main_refinancing_rate() -> RateTable {
        RateTable::builtin(
            ECB_MRO,
            "ECB main refinancing operations fixed rate by date of effect (Banque de France \
             'Key ECB interest rates'; ECB monetary policy decisions); verified through 2026-06-10",
            ymd(2026, 6, 10),
            ECB_MRO_POINTS,
        )
    }

    /// The German base rate (*Basiszinssatz*, § 247 BGB), published by the Deutsche
    /// Bundesbank for each half-year since 1 January 2002. It is the reference of
    /// § 288 BGB.
    ///
    /// **Verified through 30 June 2026** (the rate of 1.27 % announced for 1 January
    /// 2026). Callers must add the rate of 1 July 2026 and later.
    ///
    /// Sources: Deutsche Bundesbank announcements in the Bundesanzeiger (2.57 % on
    /// 1 January 2002 … 1.27 % unchanged on 1 January 2026, announced 24 December 2025);
    /// the history in Prütting/Wegen/Weinreich, BGB, § 247 Rn 3 (values 2002–2023).
    /// The values since 2009 are also checked in the tests against the § 247 formula
    /// applied to [`RateTable::ecb_main_refinancing_rate`].
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::interest::RateTable;
    /// let base = RateTable::bundesbank_base_rate();
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// assert_eq!(base.rate_on(d(2020, 3, 1))?.to_string(), "-0.88");
    /// assert_eq!(base.rate_on(d(2026, 1, 1))?.to_string(), "1.27");
    /// # Ok::<(), encours_core::interest::InterestError>(())
    /// ```
    pub fn bundesbank_base_rate() -> RateTable {
        RateTable::builtin(
            BUNDESBANK_BASE_RATE,
            "Deutsche Bundesbank, Basiszinssatz nach § 247 BGB (Bundesanzeiger); verified through 2026-06-30",
            ymd(2026, 6, 30),
            BUNDESBANK_POINTS,
        )
    }

    /// The Bank of England's Bank Rate (the "official dealing rate" of the Late Payment
    /// of Commercial Debts (Rate of Interest) (No. 3) Order 2002), by date of the
    /// Monetary Policy Committee announcement, from 6 December 2007 (5.50 %) on.
    ///
    /// **Verified through 30 June 2026**: the MPC held Bank Rate at 3.75 % on
    /// 5 February, 19 March, 30 April and 18 June 2026, and its next scheduled decision
    /// was 30 July 2026, so the reference date of 30 June 2026 is covered. Callers must
    /// add later changes.
    ///
    /// Sources: Bank of England, Official Bank Rate history and MPC announcements
    /// (2008–2009 cuts as listed by the BBC "Economy tracker: interest rates"); the
    /// half-yearly reference rates published by the Better Payment Practice Campaign
    /// (payontime.co.uk) for 2011–2024, checked in the tests; MPC decisions of
    /// 1 August 2024 to 18 December 2025 (cut to 3.75 %) and the 2026 holds above.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::interest::RateTable;
    /// let boe = RateTable::boe_bank_rate();
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// assert_eq!(boe.rate_on(d(2023, 6, 30))?.to_string(), "5.00");
    /// assert_eq!(boe.rate_on(d(2026, 6, 30))?.to_string(), "3.75");
    /// # Ok::<(), encours_core::interest::InterestError>(())
    /// ```
    pub fn boe_bank_rate() -> RateTable {
        RateTable::builtin(
            BOE_BANK_RATE,
            "Bank of England Official Bank Rate history (MPC announcements); verified through 2026-06-30",
            ymd(2026, 6, 30),
            BOE_POINTS,
        )
    }

    /// The same table with a description of where its values come from.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::interest::RateTable;
    /// use rust_decimal::Decimal;
    /// let t = RateTable::new("House", [(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), Decimal::ONE)])?
    ///     .with_source("board minutes of 2024-12-12");
    /// assert_eq!(t.source(), "board minutes of 2024-12-12");
    /// # Ok::<(), encours_core::interest::InterestError>(())
    /// ```
    pub fn with_source(mut self, source: impl Into<String>) -> RateTable {
        self.source = source.into();
        self
    }

    /// The same table, known to be complete through `date` (no rate after it).
    ///
    /// # Errors
    /// [`InterestError::InvalidRateTable`] when `date` is before the last change (the
    /// table would contradict itself).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::interest::RateTable;
    /// use rust_decimal::Decimal;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let t = RateTable::new("House", [(d(2025, 1, 1), Decimal::ONE)])?;
    /// assert!(t.clone().with_verified_through(d(2024, 12, 31)).is_err());
    /// assert_eq!(t.with_verified_through(d(2025, 6, 30))?.verified_through(), Some(d(2025, 6, 30)));
    /// # Ok::<(), encours_core::interest::InterestError>(())
    /// ```
    pub fn with_verified_through(mut self, date: NaiveDate) -> Result<RateTable, InterestError> {
        self.set_verified_through(date)?;
        Ok(self)
    }

    /// Record that the table is complete through `date`: no change was published
    /// between the last one and `date`.
    ///
    /// # Errors
    /// [`InterestError::InvalidRateTable`] when `date` is before the last change.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::interest::RateTable;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let mut ecb = RateTable::ecb_main_refinancing_rate();
    /// assert!(ecb.rate_on(d(2026, 7, 1)).is_err());
    /// // The caller checked that the ECB published no change up to 1 July 2026:
    /// ecb.set_verified_through(d(2026, 7, 1))?;
    /// assert_eq!(ecb.rate_on(d(2026, 7, 1))?.to_string(), "2.15");
    /// # Ok::<(), encours_core::interest::InterestError>(())
    /// ```
    pub fn set_verified_through(&mut self, date: NaiveDate) -> Result<(), InterestError> {
        if let Some(last) = self.points.last() {
            if date < last.valid_from {
                return Err(self.invalid(format!(
                    "verified_through {date} is before the last change on {}",
                    last.valid_from
                )));
            }
        }
        self.verified_through = Some(date);
        Ok(())
    }

    /// Append a change after the last one. A verified-through date earlier than the
    /// new change moves to it (the caller knows the rate on that day).
    ///
    /// # Errors
    /// [`InterestError::InvalidRateTable`] when `valid_from` is not after the last change.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::interest::RateTable;
    /// use rust_decimal::Decimal;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let mut base = RateTable::bundesbank_base_rate();
    /// // A hypothetical rate for 1 July 2026, as a caller would add it once published:
    /// base.push(d(2026, 7, 1), Decimal::new(152, 2))?;
    /// assert_eq!(base.rate_on(d(2026, 7, 1))?, Decimal::new(152, 2));
    /// assert!(base.push(d(2026, 1, 1), Decimal::ONE).is_err());
    /// # Ok::<(), encours_core::interest::InterestError>(())
    /// ```
    pub fn push(&mut self, valid_from: NaiveDate, rate: Decimal) -> Result<(), InterestError> {
        if let Some(last) = self.points.last() {
            if valid_from <= last.valid_from {
                return Err(self.invalid(format!(
                    "new change on {valid_from} is not after the last change on {}",
                    last.valid_from
                )));
            }
        }
        self.points.push(RatePoint { valid_from, rate });
        if let Some(v) = self.verified_through {
            if v < valid_from {
                self.verified_through = Some(valid_from);
            }
        }
        Ok(())
    }

    /// The table's name, as rules refer to it.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::RateTable;
    /// assert_eq!(RateTable::boe_bank_rate().name(), "BoE Bank Rate");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the values come from (free text, may be empty).
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::RateTable;
    /// assert!(RateTable::bundesbank_base_rate().source().contains("Bundesbank"));
    /// ```
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The last date the table is known to be complete for, if set.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::interest::RateTable;
    /// assert_eq!(RateTable::boe_bank_rate().verified_through(), NaiveDate::from_ymd_opt(2026, 6, 30));
    /// ```
    pub fn verified_through(&self) -> Option<NaiveDate> {
        self.verified_through
    }

    /// The changes, in date order.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::RateTable;
    /// let ecb = RateTable::ecb_main_refinancing_rate();
    /// let last = ecb.points().last().unwrap();
    /// assert_eq!((last.valid_from.to_string(), last.rate.to_string()), ("2025-06-11".into(), "2.15".into()));
    /// ```
    pub fn points(&self) -> &[RatePoint] {
        &self.points
    }

    /// The annual rate (percent) in force on `date`.
    ///
    /// # Errors
    /// [`InterestError::RateNotCovered`] before the first change,
    /// [`InterestError::RateNotVerified`] after the verified-through date.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::interest::RateTable;
    /// let boe = RateTable::boe_bank_rate();
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// assert_eq!(boe.rate_on(d(2020, 3, 18))?.to_string(), "0.25");
    /// assert_eq!(boe.rate_on(d(2020, 3, 19))?.to_string(), "0.10");
    /// assert!(boe.rate_on(d(2000, 1, 1)).is_err());
    /// # Ok::<(), encours_core::interest::InterestError>(())
    /// ```
    pub fn rate_on(&self, date: NaiveDate) -> Result<Decimal, InterestError> {
        self.ensure_known(date)?;
        let after = self.points.partition_point(|p| p.valid_from <= date);
        after
            .checked_sub(1)
            .and_then(|i| self.points.get(i))
            .map(|p| p.rate)
            .ok_or_else(|| self.not_covered(date))
    }

    /// The first change strictly after `date`, if any.
    fn next_change_after(&self, date: NaiveDate) -> Option<NaiveDate> {
        let after = self.points.partition_point(|p| p.valid_from <= date);
        self.points.get(after).map(|p| p.valid_from)
    }

    /// Check that the rate on `date` is known: on or after the first change and not
    /// past the verified-through date.
    fn ensure_known(&self, date: NaiveDate) -> Result<(), InterestError> {
        match self.points.first() {
            Some(first) if date >= first.valid_from => {}
            _ => return Err(self.not_covered(date)),
        }
        if let Some(verified_through) = self.verified_through {
            if date > verified_through {
                return Err(InterestError::RateNotVerified {
                    table: self.name.clone(),
                    date,
                    verified_through,
                });
            }
        }
        Ok(())
    }

    fn not_covered(&self, date: NaiveDate) -> InterestError {
        match self.points.first() {
            Some(first) => InterestError::RateNotCovered {
                table: self.name.clone(),
                date,
                first: first.valid_from,
            },
            None => self.invalid("expected at least one rate".to_owned()),
        }
    }

    fn invalid(&self, reason: String) -> InterestError {
        InterestError::InvalidRateTable {
            table: self.name.clone(),
            reason,
        }
    }

    fn validate(&self) -> Result<(), InterestError> {
        if self.name.trim().is_empty() {
            return Err(self.invalid("expected a non-empty name".to_owned()));
        }
        if self.points.is_empty() {
            return Err(self.invalid("expected at least one rate".to_owned()));
        }
        for pair in self.points.windows(2) {
            if let [a, b] = pair {
                if a.valid_from == b.valid_from {
                    return Err(self.invalid(format!("date {} appears twice", a.valid_from)));
                }
                if b.valid_from < a.valid_from {
                    return Err(self.invalid(format!(
                        "dates out of order: {} comes after {}; expected ascending dates",
                        b.valid_from, a.valid_from
                    )));
                }
            }
        }
        if let (Some(v), Some(last)) = (self.verified_through, self.points.last()) {
            if v < last.valid_from {
                return Err(self.invalid(format!(
                    "verified_through {v} is before the last change on {}",
                    last.valid_from
                )));
            }
        }
        Ok(())
    }
}

/// The rate tables a computation may use, by name (names are unique).
///
/// Serialized as a list of [`RateTable`]s; deserializing refuses a repeated name.
///
/// ```
/// use encours_core::interest::{RateTables, ECB_MRO, BOE_BANK_RATE};
/// let tables = RateTables::builtin();
/// assert_eq!(tables.len(), 3);
/// assert!(tables.get(ECB_MRO).is_ok());
/// assert!(tables.get(BOE_BANK_RATE).is_ok());
/// assert!(tables.get("Fed funds").is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<RateTable>", into = "Vec<RateTable>")]
pub struct RateTables {
    tables: Vec<RateTable>,
}

impl TryFrom<Vec<RateTable>> for RateTables {
    type Error = InterestError;
    fn try_from(tables: Vec<RateTable>) -> Result<Self, Self::Error> {
        for (i, t) in tables.iter().enumerate() {
            if tables.iter().skip(i + 1).any(|o| o.name == t.name) {
                return Err(InterestError::InvalidRateTable {
                    table: t.name.clone(),
                    reason: "the name appears twice in the list of tables".to_owned(),
                });
            }
        }
        Ok(RateTables { tables })
    }
}

impl From<RateTables> for Vec<RateTable> {
    fn from(t: RateTables) -> Self {
        t.tables
    }
}

impl RateTables {
    /// No table.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::RateTables;
    /// assert!(RateTables::new().is_empty());
    /// ```
    pub fn new() -> RateTables {
        RateTables::default()
    }

    /// The three built-in tables: [`RateTable::ecb_main_refinancing_rate`],
    /// [`RateTable::bundesbank_base_rate`] and [`RateTable::boe_bank_rate`].
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::RateTables;
    /// let tables = RateTables::builtin();
    /// let names: Vec<&str> = tables.iter().map(|t| t.name()).collect();
    /// assert_eq!(names, ["ECB MRO", "Bundesbank Basiszinssatz", "BoE Bank Rate"]);
    /// ```
    pub fn builtin() -> RateTables {
        RateTables {
            tables: vec![
                RateTable::ecb_main_refinancing_rate(),
                RateTable::bundesbank_base_rate(),
                RateTable::boe_bank_rate(),
            ],
        }
    }

    /// Add a table, replacing (and returning) any table of the same name.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::interest::{RateTable, RateTables, ECB_MRO};
    /// use rust_decimal::Decimal;
    /// let mut tables = RateTables::builtin();
    /// let mut ecb = RateTable::ecb_main_refinancing_rate();
    /// ecb.push(NaiveDate::from_ymd_opt(2026, 6, 17).unwrap(), Decimal::new(240, 2)).unwrap();
    /// let old = tables.insert(ecb);
    /// assert!(old.is_some());
    /// assert_eq!(tables.len(), 3);
    /// ```
    pub fn insert(&mut self, table: RateTable) -> Option<RateTable> {
        match self.tables.iter_mut().find(|t| t.name == table.name) {
            Some(slot) => Some(std::mem::replace(slot, table)),
            None => {
                self.tables.push(table);
                None
            }
        }
    }

    /// The table of that name.
    ///
    /// # Errors
    /// [`InterestError::UnknownRateTable`] when no table has that name.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::{RateTables, BUNDESBANK_BASE_RATE};
    /// let tables = RateTables::builtin();
    /// assert_eq!(tables.get(BUNDESBANK_BASE_RATE)?.name(), "Bundesbank Basiszinssatz");
    /// # Ok::<(), encours_core::interest::InterestError>(())
    /// ```
    pub fn get(&self, name: &str) -> Result<&RateTable, InterestError> {
        self.tables
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| InterestError::UnknownRateTable {
                table: name.to_owned(),
            })
    }

    /// The table of that name, to update it in place.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::interest::{RateTables, BOE_BANK_RATE};
    /// let mut tables = RateTables::builtin();
    /// // The caller checked that Bank Rate did not change up to 31 December 2026:
    /// tables.get_mut(BOE_BANK_RATE).unwrap().set_verified_through(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap())?;
    /// assert!(tables.get_mut("Fed funds").is_none());
    /// # Ok::<(), encours_core::interest::InterestError>(())
    /// ```
    pub fn get_mut(&mut self, name: &str) -> Option<&mut RateTable> {
        self.tables.iter_mut().find(|t| t.name == name)
    }

    /// The tables, in insertion order.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::RateTables;
    /// assert!(RateTables::builtin().iter().all(|t| t.verified_through().is_some()));
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &RateTable> {
        self.tables.iter()
    }

    /// Number of tables.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::RateTables;
    /// assert_eq!(RateTables::builtin().len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.tables.len()
    }

    /// Whether there is no table.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::RateTables;
    /// assert!(!RateTables::builtin().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }
}

// ---------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------

/// A statutory late-payment regime for business-to-business debts.
///
/// | jurisdiction | rate | reference fixing | flat recovery sum |
/// |---|---|---|---|
/// | [`France`](Jurisdiction::France) | ECB MRO + 10 points | rate in force on 1 Jan / 1 Jul, per half-year | 40 EUR |
/// | [`EuDirective`](Jurisdiction::EuDirective) | ECB MRO + 8 points | rate in force on 1 Jan / 1 Jul, per half-year | 40 EUR (minimum) |
/// | [`Germany`](Jurisdiction::Germany) | base rate + 9 points | base rate of each half-year | 40 EUR |
/// | [`UnitedKingdom`](Jurisdiction::UnitedKingdom) | BoE Bank Rate + 8 points | rate on 31 Dec / 30 Jun before interest starts, for the whole debt | 40 / 70 / 100 GBP |
///
/// ```
/// use encours_core::interest::{Jurisdiction, RateFixing};
/// assert_eq!(Jurisdiction::Germany.margin().to_string(), "9");
/// assert_eq!(Jurisdiction::UnitedKingdom.fixing(), RateFixing::FixedForDebt);
/// assert_eq!(serde_json::to_string(&Jurisdiction::EuDirective).unwrap(), "\"eu_directive\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Jurisdiction {
    /// France, Code de commerce L441-10 II: unless the contract says otherwise, the ECB
    /// rate of its most recent refinancing operation plus 10 percentage points, the
    /// rate in force on 1 January applying to the first half-year and the one in force
    /// on 1 July to the second; D441-5: a 40 EUR flat recovery indemnity per invoice.
    France,
    /// Directive 2011/7/EU (art. 2 (6)-(7), 3 (2) and 6): reference rate plus at least 8
    /// percentage points, the reference of 1 January for the first half-year and of
    /// 1 July for the second; the euro-area reference is the ECB MRO rate; a flat sum of
    /// at least 40 EUR. Non-euro member states use their central bank's rate: model
    /// them with [`RateBasis::ReferencePlusMargin`].
    EuDirective,
    /// Germany, § 288 (2) BGB: 9 percentage points over the base rate (§ 247 BGB,
    /// changed on 1 January and 1 July) for payment claims between businesses arising
    /// after 28 July 2014 (8 points before: use [`RateBasis::ReferencePlusMargin`]);
    /// § 288 (5): a 40 EUR flat sum.
    Germany,
    /// United Kingdom, Late Payment of Commercial Debts (Interest) Act 1998 and Late
    /// Payment of Commercial Debts (Rate of Interest) (No. 3) Order 2002: 8 percent per
    /// annum over the Bank of England official dealing rate in force on 30 June (for
    /// interest that starts to run between 1 July and 31 December) or 31 December (for
    /// interest that starts to run between 1 January and 30 June) immediately before
    /// the day interest starts to run; that rate applies for the whole debt. Section
    /// 5A (Late Payment of Commercial Debts Regulations 2002): fixed sums of 40, 70 or
    /// 100 GBP by debt size.
    UnitedKingdom,
}

impl Jurisdiction {
    /// Name of the built-in reference rate table the regime uses.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::Jurisdiction;
    /// assert_eq!(Jurisdiction::France.reference_table(), "ECB MRO");
    /// assert_eq!(Jurisdiction::UnitedKingdom.reference_table(), "BoE Bank Rate");
    /// ```
    pub fn reference_table(self) -> &'static str {
        match self {
            Jurisdiction::France | Jurisdiction::EuDirective => ECB_MRO,
            Jurisdiction::Germany => BUNDESBANK_BASE_RATE,
            Jurisdiction::UnitedKingdom => BOE_BANK_RATE,
        }
    }

    /// Statutory margin over the reference rate, in percentage points.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::Jurisdiction;
    /// assert_eq!(Jurisdiction::France.margin().to_string(), "10");
    /// ```
    pub fn margin(self) -> Decimal {
        match self {
            Jurisdiction::France => Decimal::TEN,
            Jurisdiction::EuDirective | Jurisdiction::UnitedKingdom => Decimal::from(8),
            Jurisdiction::Germany => Decimal::from(9),
        }
    }

    /// How the reference rate is fixed over the delay.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::{Jurisdiction, RateFixing};
    /// assert_eq!(Jurisdiction::France.fixing(), RateFixing::HalfYearly);
    /// ```
    pub fn fixing(self) -> RateFixing {
        match self {
            Jurisdiction::UnitedKingdom => RateFixing::FixedForDebt,
            _ => RateFixing::HalfYearly,
        }
    }

    /// The texts the interest rule comes from.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::Jurisdiction;
    /// assert!(Jurisdiction::Germany.citation().contains("§ 288"));
    /// ```
    pub fn citation(self) -> &'static str {
        match self {
            Jurisdiction::France => "Code de commerce, art. L441-10 II and D441-5",
            Jurisdiction::EuDirective => "Directive 2011/7/EU, art. 2 (6)-(7), 3 (2) and 6",
            Jurisdiction::Germany => "BGB § 288 (2) and (5), § 247",
            Jurisdiction::UnitedKingdom => {
                "Late Payment of Commercial Debts (Interest) Act 1998 ss. 4-6 and 5A; \
                 Late Payment of Commercial Debts (Rate of Interest) (No. 3) Order 2002"
            }
        }
    }

    /// The currency the flat recovery sum is fixed in.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::Jurisdiction;
    /// use encours_core::money::Currency;
    /// assert_eq!(Jurisdiction::UnitedKingdom.indemnity_currency(), Currency::GBP);
    /// ```
    pub fn indemnity_currency(self) -> Currency {
        match self {
            Jurisdiction::UnitedKingdom => Currency::GBP,
            _ => Currency::EUR,
        }
    }
}

impl fmt::Display for Jurisdiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Jurisdiction::France => "France",
            Jurisdiction::EuDirective => "directive 2011/7/EU",
            Jurisdiction::Germany => "Germany",
            Jurisdiction::UnitedKingdom => "the United Kingdom",
        })
    }
}

/// How a reference rate is fixed over a delay.
///
/// ```
/// use encours_core::interest::RateFixing;
/// assert_eq!(RateFixing::default(), RateFixing::HalfYearly);
/// assert_eq!(serde_json::to_string(&RateFixing::FixedForDebt).unwrap(), "\"fixed_for_debt\"");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateFixing {
    /// The rate in force on the first day of each half-year (1 January, 1 July) applies
    /// to every day of that half-year (France, directive 2011/7/EU, Germany).
    #[default]
    HalfYearly,
    /// The rate in force on the day before the half-year in which interest starts to
    /// run (31 December or 30 June) applies to the whole delay (United Kingdom).
    FixedForDebt,
    /// The rate in force on each day applies to that day; the delay is split at every
    /// change of the reference rate (a contractual choice).
    Daily,
}

/// Days-per-year convention for the year fraction.
///
/// ```
/// use encours_core::interest::DayCount;
/// assert_eq!(DayCount::default(), DayCount::Actual365);
/// assert_eq!(DayCount::ActualActual.year_basis(2024), 366);
/// assert_eq!(DayCount::Actual360.year_basis(2024), 360);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    /// Actual days / 365, leap years included (the statutory practice in France,
    /// Germany and the United Kingdom, where daily interest is the annual interest
    /// divided by 365).
    #[default]
    Actual365,
    /// Actual days / 360 (some contracts and banking practice).
    Actual360,
    /// Actual days / actual days of the calendar year (365 or 366); sub-periods never
    /// cross a year end, so each uses the length of its own year.
    ActualActual,
}

impl DayCount {
    /// The denominator of the year fraction for days falling in `year`.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::DayCount;
    /// assert_eq!(DayCount::Actual365.year_basis(2024), 365);
    /// assert_eq!(DayCount::ActualActual.year_basis(2100), 365); // not a leap year
    /// ```
    pub fn year_basis(self, year: i32) -> u32 {
        match self {
            DayCount::Actual365 => 365,
            DayCount::Actual360 => 360,
            DayCount::ActualActual => {
                if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
                    366
                } else {
                    365
                }
            }
        }
    }
}

/// Where the interest is rounded to the currency's minor unit.
///
/// ```
/// use encours_core::interest::RoundingPoint;
/// assert_eq!(RoundingPoint::default(), RoundingPoint::Total);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingPoint {
    /// Sub-periods exact, summed, the sum rounded once; the sub-periods show their
    /// largest-remainder share of the rounded total.
    #[default]
    Total,
    /// Each sub-period rounded; the total is the sum of the rounded sub-periods.
    PerPeriod,
}

/// Where the annual rate comes from.
///
/// Serialized with a `kind` tag: `{"kind": "statutory", "jurisdiction": "france"}`,
/// `{"kind": "fixed", "rate": "12"}`, `{"kind": "reference_plus_margin", "table":
/// "ECB MRO", "margin": "3", "fixing": "half_yearly", "floor": "14.76"}`.
///
/// ```
/// use encours_core::interest::RateBasis;
/// use rust_decimal::Decimal;
/// let basis = RateBasis::Fixed { rate: Decimal::new(12, 0), floor: None };
/// let json = serde_json::to_string(&basis).unwrap();
/// assert_eq!(json, r#"{"kind":"fixed","rate":"12"}"#);
/// assert_eq!(serde_json::from_str::<RateBasis>(&json).unwrap(), basis);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RateBasis {
    /// The statutory rule of a jurisdiction (reference table, margin and fixing set by
    /// law).
    Statutory {
        /// The regime.
        jurisdiction: Jurisdiction,
    },
    /// A contractual fixed annual rate (percent), optionally raised to a floor.
    Fixed {
        /// Annual rate in percent.
        #[serde(with = "crate::decimal_serde")]
        rate: Decimal,
        /// Minimum annual rate in percent, if any.
        #[serde(
            default,
            with = "crate::decimal_serde::option",
            skip_serializing_if = "Option::is_none"
        )]
        floor: Option<Decimal>,
    },
    /// A contractual reference rate plus a margin, optionally raised to a floor — for
    /// example France's minimum of three times the legal interest rate (L441-10 II),
    /// which the caller sets as the floor for the half-year concerned.
    ReferencePlusMargin {
        /// Name of the reference rate table.
        table: String,
        /// Margin in percentage points (may be negative).
        #[serde(with = "crate::decimal_serde")]
        margin: Decimal,
        /// How the reference is fixed over the delay.
        #[serde(default)]
        fixing: RateFixing,
        /// Minimum annual rate in percent, if any.
        #[serde(
            default,
            with = "crate::decimal_serde::option",
            skip_serializing_if = "Option::is_none"
        )]
        floor: Option<Decimal>,
    },
}

/// How late-payment interest is computed: the rate basis, the day count and the
/// rounding.
///
/// Missing `day_count`, `rounding` and `rounding_point` deserialize to their defaults
/// (actual/365, half up, rounded once on the total).
///
/// ```
/// use encours_core::interest::{DayCount, InterestRule, Jurisdiction, RoundingPoint};
/// use encours_core::money::RoundingMode;
/// let rule = InterestRule::statutory(Jurisdiction::Germany)
///     .with_day_count(DayCount::ActualActual)
///     .with_rounding(RoundingMode::HalfEven, RoundingPoint::PerPeriod);
/// let json = serde_json::to_string(&rule).unwrap();
/// assert_eq!(
///     json,
///     r#"{"rate":{"kind":"statutory","jurisdiction":"germany"},"day_count":"actual_actual","rounding":"half_even","rounding_point":"per_period"}"#
/// );
/// assert_eq!(serde_json::from_str::<InterestRule>(&json).unwrap(), rule);
/// let short: InterestRule = serde_json::from_str(r#"{"rate":{"kind":"fixed","rate":"9.5"}}"#).unwrap();
/// assert_eq!(short.day_count, DayCount::Actual365);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterestRule {
    /// Where the annual rate comes from.
    pub rate: RateBasis,
    /// Days-per-year convention.
    #[serde(default)]
    pub day_count: DayCount,
    /// Rounding mode to the currency's minor unit.
    #[serde(default)]
    pub rounding: RoundingMode,
    /// Where the rounding happens.
    #[serde(default)]
    pub rounding_point: RoundingPoint,
}

impl InterestRule {
    /// The statutory rule of a jurisdiction, actual/365, rounded half up once.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::{InterestRule, Jurisdiction, RateBasis};
    /// let rule = InterestRule::statutory(Jurisdiction::France);
    /// assert_eq!(rule.rate, RateBasis::Statutory { jurisdiction: Jurisdiction::France });
    /// ```
    pub fn statutory(jurisdiction: Jurisdiction) -> InterestRule {
        InterestRule::with_basis(RateBasis::Statutory { jurisdiction })
    }

    /// A contractual fixed annual rate in percent.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::{InterestRule, RateBasis};
    /// use rust_decimal::Decimal;
    /// let rule = InterestRule::fixed(Decimal::new(15, 0));
    /// assert!(matches!(rule.rate, RateBasis::Fixed { floor: None, .. }));
    /// ```
    pub fn fixed(rate: Decimal) -> InterestRule {
        InterestRule::with_basis(RateBasis::Fixed { rate, floor: None })
    }

    /// A contractual reference rate (a table name) plus a margin in percentage points,
    /// fixed half-yearly.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::{InterestRule, RateFixing, ECB_MRO};
    /// use rust_decimal::Decimal;
    /// let rule = InterestRule::reference_plus_margin(ECB_MRO, Decimal::new(7, 0))
    ///     .with_fixing(RateFixing::Daily);
    /// assert!(serde_json::to_string(&rule).unwrap().contains(r#""fixing":"daily""#));
    /// ```
    pub fn reference_plus_margin(table: impl Into<String>, margin: Decimal) -> InterestRule {
        InterestRule::with_basis(RateBasis::ReferencePlusMargin {
            table: table.into(),
            margin,
            fixing: RateFixing::HalfYearly,
            floor: None,
        })
    }

    fn with_basis(rate: RateBasis) -> InterestRule {
        InterestRule {
            rate,
            day_count: DayCount::default(),
            rounding: RoundingMode::default(),
            rounding_point: RoundingPoint::default(),
        }
    }

    /// The same rule with a minimum annual rate (percent); no effect on a statutory
    /// rule, whose rate the law sets.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::{InterestRule, RateBasis};
    /// use rust_decimal::Decimal;
    /// // France, second half of 2024: at least 3 × the legal rate of 4.92 % = 14.76 %.
    /// let rule = InterestRule::fixed(Decimal::new(12, 0)).with_floor(Decimal::new(1476, 2));
    /// assert!(matches!(rule.rate, RateBasis::Fixed { floor: Some(_), .. }));
    /// ```
    pub fn with_floor(mut self, floor: Decimal) -> InterestRule {
        match &mut self.rate {
            RateBasis::Fixed { floor: f, .. } | RateBasis::ReferencePlusMargin { floor: f, .. } => {
                *f = Some(floor);
            }
            RateBasis::Statutory { .. } => {}
        }
        self
    }

    /// The same rule with another fixing; no effect except on a reference-plus-margin
    /// rule.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::{InterestRule, RateBasis, RateFixing, ECB_MRO};
    /// use rust_decimal::Decimal;
    /// let rule = InterestRule::reference_plus_margin(ECB_MRO, Decimal::TWO).with_fixing(RateFixing::Daily);
    /// assert!(matches!(rule.rate, RateBasis::ReferencePlusMargin { fixing: RateFixing::Daily, .. }));
    /// ```
    pub fn with_fixing(mut self, fixing: RateFixing) -> InterestRule {
        if let RateBasis::ReferencePlusMargin { fixing: f, .. } = &mut self.rate {
            *f = fixing;
        }
        self
    }

    /// The same rule with another day count.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::{DayCount, InterestRule};
    /// use rust_decimal::Decimal;
    /// let rule = InterestRule::fixed(Decimal::TEN).with_day_count(DayCount::Actual360);
    /// assert_eq!(rule.day_count, DayCount::Actual360);
    /// ```
    pub fn with_day_count(mut self, day_count: DayCount) -> InterestRule {
        self.day_count = day_count;
        self
    }

    /// The same rule with another rounding mode and point.
    ///
    /// # Example
    /// ```
    /// use encours_core::interest::{InterestRule, RoundingPoint};
    /// use encours_core::money::RoundingMode;
    /// use rust_decimal::Decimal;
    /// let rule = InterestRule::fixed(Decimal::TEN).with_rounding(RoundingMode::Down, RoundingPoint::PerPeriod);
    /// assert_eq!((rule.rounding, rule.rounding_point), (RoundingMode::Down, RoundingPoint::PerPeriod));
    /// ```
    pub fn with_rounding(mut self, mode: RoundingMode, point: RoundingPoint) -> InterestRule {
        self.rounding = mode;
        self.rounding_point = point;
        self
    }
}

// ---------------------------------------------------------------------------------
// Computation
// ---------------------------------------------------------------------------------

/// The reference rate a sub-period used.
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::interest::ReferenceRate;
/// use rust_decimal::Decimal;
/// let r = ReferenceRate {
///     table: "ECB MRO".into(),
///     fixed_on: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
///     rate: Decimal::new(450, 2),
///     margin: Decimal::TEN,
/// };
/// assert!(serde_json::to_string(&r).unwrap().contains(r#""fixed_on":"2024-01-01""#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceRate {
    /// The table's name.
    pub table: String,
    /// The date whose rate was taken (1 Jan / 1 Jul, 31 Dec / 30 Jun, or the day).
    pub fixed_on: NaiveDate,
    /// The reference rate in percent.
    #[serde(with = "crate::decimal_serde")]
    pub rate: Decimal,
    /// The margin added, in percentage points.
    #[serde(with = "crate::decimal_serde")]
    pub margin: Decimal,
}

/// Why a sub-period's rate differs from its reference (or fixed) rate plus margin.
///
/// ```
/// use encours_core::interest::RateAdjustment;
/// use rust_decimal::Decimal;
/// let a = RateAdjustment::RaisedToFloor { unadjusted: Decimal::new(12, 0), floor: Decimal::new(1476, 2) };
/// assert_eq!(serde_json::to_string(&a).unwrap(), r#"{"kind":"raised_to_floor","unadjusted":"12","floor":"14.76"}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RateAdjustment {
    /// The computed rate was below the contractual floor, which applies instead.
    RaisedToFloor {
        /// The rate before the floor, percent.
        #[serde(with = "crate::decimal_serde")]
        unadjusted: Decimal,
        /// The floor, percent.
        #[serde(with = "crate::decimal_serde")]
        floor: Decimal,
    },
    /// The computed rate was negative; late-payment interest is never owed by the
    /// creditor, so zero applies.
    NegativeToZero {
        /// The rate before the adjustment, percent.
        #[serde(with = "crate::decimal_serde")]
        unadjusted: Decimal,
    },
}

/// One sub-period of a delay with a single rate (within one half-year).
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::interest::{compute_interest, InterestRule, Jurisdiction, RateTables};
/// use encours_core::money::{Currency, Money};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let c = compute_interest(&Money::from_minor(100_000, Currency::GBP), d(2024, 12, 31), d(2025, 1, 30),
///     &InterestRule::statutory(Jurisdiction::UnitedKingdom), &RateTables::builtin())?;
/// let p = &c.periods[0];
/// assert_eq!((p.from, p.to, p.days, p.year_basis), (d(2025, 1, 1), d(2025, 1, 30), 30, 365));
/// // Bank Rate on 31 December 2024 (4.75 %) + 8 points.
/// assert_eq!(p.rate.to_string(), "12.75");
/// assert_eq!(p.rounded.to_string(), "10.48 GBP");
/// # Ok::<(), encours_core::interest::InterestError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestPeriod {
    /// First day, inclusive.
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
    /// Number of days, `to - from + 1`.
    pub days: u32,
    /// Denominator of the year fraction (365, 366 or 360).
    pub year_basis: u32,
    /// The reference rate used, when the rate is not a fixed contractual rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<ReferenceRate>,
    /// The applicable annual rate in percent.
    #[serde(with = "crate::decimal_serde")]
    pub rate: Decimal,
    /// Why the rate differs from reference + margin (or the fixed rate), if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjustment: Option<RateAdjustment>,
    /// `principal × rate / 100 × days / year_basis`, unrounded.
    pub exact: Money,
    /// The rounded amount: with [`RoundingPoint::Total`] this period's share of the
    /// rounded total, with [`RoundingPoint::PerPeriod`] `exact` rounded.
    pub rounded: Money,
}

/// A fact about how the interest was computed, for programs and people.
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::interest::InterestReason;
/// let d = NaiveDate::from_ymd_opt(2025, 3, 31).unwrap();
/// let r = InterestReason::NotOverdue { due_date: d, until: d };
/// assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"kind":"not_overdue","due_date":"2025-03-31","until":"2025-03-31"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InterestReason {
    /// No day of delay: paid (or looked at) on or before the due date.
    NotOverdue {
        /// The due date.
        due_date: NaiveDate,
        /// The payment or as-of date.
        until: NaiveDate,
    },
    /// The statutory rule of a jurisdiction applied.
    Statutory {
        /// The regime.
        jurisdiction: Jurisdiction,
        /// The texts it comes from.
        citation: String,
        /// The reference table.
        table: String,
        /// The statutory margin, percentage points.
        #[serde(with = "crate::decimal_serde")]
        margin: Decimal,
        /// How the reference was fixed.
        fixing: RateFixing,
    },
    /// A contractual fixed rate applied.
    ContractualFixed {
        /// The annual rate, percent.
        #[serde(with = "crate::decimal_serde")]
        rate: Decimal,
        /// The floor, if any.
        #[serde(
            default,
            with = "crate::decimal_serde::option",
            skip_serializing_if = "Option::is_none"
        )]
        floor: Option<Decimal>,
    },
    /// A contractual reference rate plus margin applied.
    ContractualReference {
        /// The reference table.
        table: String,
        /// The margin, percentage points.
        #[serde(with = "crate::decimal_serde")]
        margin: Decimal,
        /// How the reference was fixed.
        fixing: RateFixing,
        /// The floor, if any.
        #[serde(
            default,
            with = "crate::decimal_serde::option",
            skip_serializing_if = "Option::is_none"
        )]
        floor: Option<Decimal>,
    },
    /// The day count used.
    DayCount {
        /// The convention.
        day_count: DayCount,
    },
    /// How the result was rounded.
    Rounded {
        /// The rounding mode.
        mode: RoundingMode,
        /// Where the rounding happened.
        point: RoundingPoint,
    },
}

/// The interest on one amount for one delay, with its breakdown.
///
/// Serializes to JSON and back exactly (amounts as strings).
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::interest::{compute_interest, InterestComputation, InterestRule, RateTables};
/// use encours_core::money::{Currency, Money};
/// use rust_decimal::Decimal;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let c = compute_interest(&Money::from_minor(100_000, Currency::EUR), d(2025, 1, 31), d(2025, 3, 2),
///     &InterestRule::fixed(Decimal::new(12, 0)), &RateTables::new())?;
/// let json = serde_json::to_string(&c).unwrap();
/// assert_eq!(serde_json::from_str::<InterestComputation>(&json).unwrap(), c);
/// # Ok::<(), encours_core::interest::InterestError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestComputation {
    /// The amount interest runs on.
    pub principal: Money,
    /// The due date (its day earns no interest).
    pub due_date: NaiveDate,
    /// The last day of interest (payment or as-of date), inclusive.
    pub until: NaiveDate,
    /// Days of delay, `until - due_date` (0 when not overdue).
    pub days: u32,
    /// The rule applied.
    pub rule: InterestRule,
    /// The sub-periods, in date order; their days add up to `days`.
    pub periods: Vec<InterestPeriod>,
    /// Sum of the exact sub-period amounts, unrounded.
    pub exact_total: Money,
    /// The interest owed, in the currency's minor unit.
    pub total: Money,
    /// How the figure was reached.
    pub reasons: Vec<InterestReason>,
}

/// The reference-rate side of a rule once its table is found.
enum Resolved<'a> {
    Fixed(Decimal),
    Reference {
        table: &'a RateTable,
        margin: Decimal,
        fixing: RateFixing,
    },
}

/// Late-payment interest on `principal`, due on `due_date`, for the days from the day
/// after `due_date` through `until` inclusive (the payment date, or the as-of date of
/// a statement), under `rule`, with reference rates from `tables`.
///
/// The delay is split at each 1 January and 1 July (and, for a daily-fixed contractual
/// rate, at each change of its reference); each sub-period is computed exactly as
/// `principal × rate / 100 × days / year basis`; the sum is rounded once (or each
/// sub-period, see [`RoundingPoint`]). A payment on or before the due date, or a zero
/// principal, gives zero interest. A rate below zero (a negative reference with a
/// small margin) counts as zero.
///
/// # Errors
/// - [`InterestError::NegativePrincipal`] for a negative principal;
/// - [`InterestError::InvalidRule`] for a negative fixed rate or floor;
/// - [`InterestError::UnknownRateTable`] when the rule's table is not in `tables`;
/// - [`InterestError::RateNotCovered`] / [`InterestError::RateNotVerified`] when a rate
///   is needed before the table starts or after it is verified through (the message
///   names the date);
/// - [`InterestError::Money`] on decimal overflow, [`InterestError::DateOutOfRange`]
///   at the ends of the calendar.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use encours_core::interest::{compute_interest, InterestRule, Jurisdiction, RateTables};
/// use encours_core::money::{Currency, Money};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// // Germany, § 288 (2) BGB: due 30 Nov 2024, paid 10 Mar 2025. December at 3.37 + 9,
/// // January to 10 March at 2.27 + 9, actual/365.
/// let claim = Money::parse("5000.00", Currency::EUR)?;
/// let c = compute_interest(&claim, d(2024, 11, 30), d(2025, 3, 10),
///     &InterestRule::statutory(Jurisdiction::Germany), &RateTables::builtin())?;
/// assert_eq!(c.days, 100);
/// let rates: Vec<String> = c.periods.iter().map(|p| format!("{} days at {}", p.days, p.rate)).collect();
/// assert_eq!(rates, ["31 days at 12.37", "69 days at 11.27"]);
/// assert_eq!(c.total.to_string(), "159.05 EUR");
/// # Ok::<(), encours_core::interest::InterestError>(())
/// ```
pub fn compute_interest(
    principal: &Money,
    due_date: NaiveDate,
    until: NaiveDate,
    rule: &InterestRule,
    tables: &RateTables,
) -> Result<InterestComputation, InterestError> {
    if principal.is_negative() {
        return Err(InterestError::NegativePrincipal {
            principal: *principal,
        });
    }
    let (resolved, floor, mut reasons) = resolve(rule, tables)?;
    reasons.push(InterestReason::DayCount {
        day_count: rule.day_count,
    });
    reasons.push(InterestReason::Rounded {
        mode: rule.rounding,
        point: rule.rounding_point,
    });
    let currency = principal.currency();
    let zero = in_minor_units(Money::zero(currency));

    let first = match due_date.succ_opt() {
        Some(first) if first <= until => first,
        _ => {
            reasons.insert(0, InterestReason::NotOverdue { due_date, until });
            return Ok(InterestComputation {
                principal: *principal,
                due_date,
                until,
                days: 0,
                rule: rule.clone(),
                periods: Vec::new(),
                exact_total: zero,
                total: zero,
                reasons,
            });
        }
    };
    let total_days = day_count_between(due_date, until)?;

    // The UK reference date: 31 Dec / 30 Jun before the half-year interest starts in.
    let onset_fixing = half_year_start(first)?.pred_opt();

    let mut periods = Vec::new();
    let mut start = first;
    loop {
        let mut end = until;
        if let Some(last) = next_half_year_start(start).and_then(|b| b.pred_opt()) {
            end = end.min(last);
        }
        let reference = match &resolved {
            Resolved::Fixed(_) => None,
            Resolved::Reference {
                table,
                margin,
                fixing,
            } => {
                let fixed_on = match fixing {
                    RateFixing::HalfYearly => half_year_start(start)?,
                    RateFixing::FixedForDebt => {
                        onset_fixing.ok_or(InterestError::DateOutOfRange {
                            operation: "reference date before the first day of interest",
                            date: first,
                        })?
                    }
                    RateFixing::Daily => {
                        if let Some(last) =
                            table.next_change_after(start).and_then(|c| c.pred_opt())
                        {
                            end = end.min(last);
                        }
                        table.ensure_known(end)?;
                        start
                    }
                };
                Some(ReferenceRate {
                    table: table.name().to_owned(),
                    fixed_on,
                    rate: table.rate_on(fixed_on)?,
                    margin: *margin,
                })
            }
        };
        let unadjusted = match (&resolved, &reference) {
            (Resolved::Fixed(rate), _) => *rate,
            (_, Some(r)) => r.rate.checked_add(r.margin).ok_or(overflow("rate"))?,
            (_, None) => Decimal::ZERO,
        };
        let (rate, adjustment) = adjust_rate(unadjusted, floor);
        let days = day_count_between(start, end)?.saturating_add(1);
        let year_basis = rule.day_count.year_basis(start.year());
        let exact = period_interest(principal, rate, days, year_basis)?;
        periods.push(InterestPeriod {
            from: start,
            to: end,
            days,
            year_basis,
            reference,
            rate,
            adjustment,
            exact,
            rounded: zero,
        });
        if end >= until {
            break;
        }
        start = end.succ_opt().ok_or(InterestError::DateOutOfRange {
            operation: "next sub-period",
            date: end,
        })?;
    }

    let exact_total = periods
        .iter()
        .try_fold(zero, |acc, p| acc.checked_add(&p.exact))?;
    let total = match rule.rounding_point {
        RoundingPoint::Total => {
            let total = in_minor_units(exact_total.round(rule.rounding));
            if !total.is_zero() && exact_total.is_positive() {
                let ratios: Vec<Decimal> = periods.iter().map(|p| p.exact.amount()).collect();
                let shares = total.allocate(&ratios, Remainder::LargestRemainder)?;
                for (p, share) in periods.iter_mut().zip(shares) {
                    p.rounded = in_minor_units(share);
                }
            }
            total
        }
        RoundingPoint::PerPeriod => {
            for p in periods.iter_mut() {
                p.rounded = in_minor_units(p.exact.round(rule.rounding));
            }
            periods
                .iter()
                .try_fold(zero, |acc, p| acc.checked_add(&p.rounded))?
        }
    };

    Ok(InterestComputation {
        principal: *principal,
        due_date,
        until,
        days: total_days,
        rule: rule.clone(),
        periods,
        exact_total,
        total,
        reasons,
    })
}

fn resolve<'a>(
    rule: &InterestRule,
    tables: &'a RateTables,
) -> Result<(Resolved<'a>, Option<Decimal>, Vec<InterestReason>), InterestError> {
    let check_non_negative = |field: &'static str, value: Decimal| {
        if value.is_sign_negative() && !value.is_zero() {
            Err(InterestError::InvalidRule {
                field,
                value: value.to_string(),
                reason: "expected an annual rate of zero or more, in percent",
            })
        } else {
            Ok(())
        }
    };
    Ok(match &rule.rate {
        RateBasis::Statutory { jurisdiction } => {
            let j = *jurisdiction;
            let table = tables.get(j.reference_table())?;
            (
                Resolved::Reference {
                    table,
                    margin: j.margin(),
                    fixing: j.fixing(),
                },
                None,
                vec![InterestReason::Statutory {
                    jurisdiction: j,
                    citation: j.citation().to_owned(),
                    table: table.name().to_owned(),
                    margin: j.margin(),
                    fixing: j.fixing(),
                }],
            )
        }
        RateBasis::Fixed { rate, floor } => {
            check_non_negative("rate", *rate)?;
            if let Some(f) = floor {
                check_non_negative("floor", *f)?;
            }
            (
                Resolved::Fixed(*rate),
                *floor,
                vec![InterestReason::ContractualFixed {
                    rate: *rate,
                    floor: *floor,
                }],
            )
        }
        RateBasis::ReferencePlusMargin {
            table,
            margin,
            fixing,
            floor,
        } => {
            if let Some(f) = floor {
                check_non_negative("floor", *f)?;
            }
            let found = tables.get(table)?;
            (
                Resolved::Reference {
                    table: found,
                    margin: *margin,
                    fixing: *fixing,
                },
                *floor,
                vec![InterestReason::ContractualReference {
                    table: table.clone(),
                    margin: *margin,
                    fixing: *fixing,
                    floor: *floor,
                }],
            )
        }
    })
}

fn adjust_rate(unadjusted: Decimal, floor: Option<Decimal>) -> (Decimal, Option<RateAdjustment>) {
    if let Some(floor) = floor {
        if unadjusted < floor {
            return (
                floor,
                Some(RateAdjustment::RaisedToFloor { unadjusted, floor }),
            );
        }
    }
    if unadjusted.is_sign_negative() && !unadjusted.is_zero() {
        return (
            Decimal::ZERO,
            Some(RateAdjustment::NegativeToZero { unadjusted }),
        );
    }
    (unadjusted, None)
}

fn period_interest(
    principal: &Money,
    rate: Decimal,
    days: u32,
    year_basis: u32,
) -> Result<Money, InterestError> {
    // Multiply first, divide once: the only rounding is the division's 28th digit.
    let numerator = principal
        .amount()
        .checked_mul(rate)
        .and_then(|v| v.checked_mul(Decimal::from(days)))
        .ok_or(overflow("interest"))?;
    let denominator = Decimal::from(year_basis)
        .checked_mul(Decimal::ONE_HUNDRED)
        .ok_or(overflow("interest"))?;
    let amount = numerator
        .checked_div(denominator)
        .ok_or(overflow("interest"))?;
    Ok(Money::new(amount.normalize(), principal.currency()))
}

/// The same amount written with exactly the currency's decimals (`40.00`, not `40`);
/// only called on amounts already rounded to the minor unit, so the value is unchanged.
fn in_minor_units(money: Money) -> Money {
    let mut amount = money.amount();
    amount.rescale(money.currency().minor_units());
    Money::new(amount, money.currency())
}

fn overflow(operation: &'static str) -> InterestError {
    InterestError::Money(MoneyError::Overflow { operation })
}

fn day_count_between(from: NaiveDate, to: NaiveDate) -> Result<u32, InterestError> {
    let days = to.signed_duration_since(from).num_days();
    u32::try_from(days).map_err(|_| InterestError::DateOutOfRange {
        operation: "count of days",
        date: from,
    })
}

/// 1 January or 1 July of the half-year containing `date`.
fn half_year_start(date: NaiveDate) -> Result<NaiveDate, InterestError> {
    let month = if date.month() <= 6 { 1 } else { 7 };
    NaiveDate::from_ymd_opt(date.year(), month, 1).ok_or(InterestError::DateOutOfRange {
        operation: "start of half-year",
        date,
    })
}

/// 1 July or 1 January after `date`; none past the end of chrono's calendar.
fn next_half_year_start(date: NaiveDate) -> Option<NaiveDate> {
    if date.month() <= 6 {
        NaiveDate::from_ymd_opt(date.year(), 7, 1)
    } else {
        date.year()
            .checked_add(1)
            .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
    }
}

// ---------------------------------------------------------------------------------
// Recovery indemnity
// ---------------------------------------------------------------------------------

/// Which fixed sum applies, and why.
///
/// ```
/// use encours_core::interest::{recovery_indemnity_explained, IndemnityTier, Jurisdiction};
/// use encours_core::money::{Currency, Money};
/// let r = recovery_indemnity_explained(Jurisdiction::UnitedKingdom, &Money::from_minor(99_999, Currency::GBP))?;
/// assert_eq!(r.tier, IndemnityTier::UkUnder1000);
/// # Ok::<(), encours_core::interest::InterestError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndemnityTier {
    /// One flat sum per invoice whatever its amount (40 EUR in France, Germany and
    /// under directive 2011/7/EU, where 40 EUR is the minimum the directive sets).
    Flat,
    /// United Kingdom, debt less than 1,000 GBP: 40 GBP.
    UkUnder1000,
    /// United Kingdom, debt of 1,000 GBP up to 9,999.99 GBP: 70 GBP.
    Uk1000To9999,
    /// United Kingdom, debt of 10,000 GBP or more: 100 GBP.
    Uk10000OrMore,
}

/// A recovery indemnity with its reasons.
///
/// ```
/// use encours_core::interest::{recovery_indemnity_explained, Jurisdiction};
/// use encours_core::money::{Currency, Money};
/// let r = recovery_indemnity_explained(Jurisdiction::France, &Money::from_minor(1, Currency::EUR))?;
/// assert_eq!(r.amount.to_string(), "40.00 EUR");
/// assert!(r.citation.contains("D441-5"));
/// # Ok::<(), encours_core::interest::InterestError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryIndemnity {
    /// The sum owed per late invoice.
    pub amount: Money,
    /// The regime.
    pub jurisdiction: Jurisdiction,
    /// Which sum applied.
    pub tier: IndemnityTier,
    /// The text it comes from.
    pub citation: String,
}

/// The flat recovery compensation one late invoice adds under a jurisdiction: 40 EUR
/// in France (D441-5), Germany (§ 288 (5) BGB) and under directive 2011/7/EU (art. 6,
/// a minimum of 40 EUR); in the United Kingdom (s. 5A of the 1998 Act) 40 GBP for a
/// debt under 1,000 GBP, 70 GBP from 1,000 to 9,999.99 GBP and 100 GBP from 10,000 GBP.
///
/// `debt` is the amount of the late invoice. The sums are fixed in EUR or GBP: a debt
/// in another currency is refused, not converted; convert it first with
/// [`crate::money::FxRates`] if the contract allows.
///
/// # Errors
/// [`InterestError::InvalidDebt`] for a debt of zero or less;
/// [`InterestError::IndemnityCurrency`] for a debt not in the sum's currency.
///
/// # Example
/// ```
/// use encours_core::interest::{recovery_indemnity, Jurisdiction};
/// use encours_core::money::{Currency, Money};
/// let gbp = |minor| Money::from_minor(minor, Currency::GBP);
/// assert_eq!(recovery_indemnity(Jurisdiction::UnitedKingdom, &gbp(99_999))?.to_string(), "40.00 GBP");
/// assert_eq!(recovery_indemnity(Jurisdiction::UnitedKingdom, &gbp(100_000))?.to_string(), "70.00 GBP");
/// assert_eq!(recovery_indemnity(Jurisdiction::UnitedKingdom, &gbp(1_000_000))?.to_string(), "100.00 GBP");
/// assert_eq!(recovery_indemnity(Jurisdiction::Germany, &Money::from_minor(5, Currency::EUR))?.to_string(), "40.00 EUR");
/// let err = recovery_indemnity(Jurisdiction::France, &Money::from_minor(100, Currency::USD)).unwrap_err();
/// assert!(err.to_string().contains("the debt is in USD"));
/// # Ok::<(), encours_core::interest::InterestError>(())
/// ```
pub fn recovery_indemnity(
    jurisdiction: Jurisdiction,
    debt: &Money,
) -> Result<Money, InterestError> {
    recovery_indemnity_explained(jurisdiction, debt).map(|r| r.amount)
}

/// [`recovery_indemnity`] with the tier and citation that explain it.
///
/// # Errors
/// As [`recovery_indemnity`].
///
/// # Example
/// ```
/// use encours_core::interest::{recovery_indemnity_explained, IndemnityTier, Jurisdiction};
/// use encours_core::money::{Currency, Money};
/// let r = recovery_indemnity_explained(Jurisdiction::UnitedKingdom, &Money::from_minor(1_000_000, Currency::GBP))?;
/// assert_eq!((r.tier, r.amount.to_string()), (IndemnityTier::Uk10000OrMore, "100.00 GBP".to_owned()));
/// # Ok::<(), encours_core::interest::InterestError>(())
/// ```
pub fn recovery_indemnity_explained(
    jurisdiction: Jurisdiction,
    debt: &Money,
) -> Result<RecoveryIndemnity, InterestError> {
    if !debt.is_positive() {
        return Err(InterestError::InvalidDebt { debt: *debt });
    }
    let expected = jurisdiction.indemnity_currency();
    if debt.currency() != expected {
        return Err(InterestError::IndemnityCurrency {
            jurisdiction,
            expected,
            found: debt.currency(),
        });
    }
    let (tier, units, citation) = match jurisdiction {
        Jurisdiction::France => (
            IndemnityTier::Flat,
            40,
            "Code de commerce, art. L441-10 II and D441-5",
        ),
        Jurisdiction::EuDirective => (IndemnityTier::Flat, 40, "Directive 2011/7/EU, art. 6 (1)"),
        Jurisdiction::Germany => (IndemnityTier::Flat, 40, "BGB § 288 (5)"),
        Jurisdiction::UnitedKingdom => {
            let citation = "Late Payment of Commercial Debts (Interest) Act 1998, s. 5A";
            if debt.amount() < Decimal::from(1_000) {
                (IndemnityTier::UkUnder1000, 40, citation)
            } else if debt.amount() < Decimal::from(10_000) {
                (IndemnityTier::Uk1000To9999, 70, citation)
            } else {
                (IndemnityTier::Uk10000OrMore, 100, citation)
            }
        }
    };
    Ok(RecoveryIndemnity {
        amount: in_minor_units(Money::new(Decimal::from(units), expected)),
        jurisdiction,
        tier,
        citation: citation.to_owned(),
    })
}
