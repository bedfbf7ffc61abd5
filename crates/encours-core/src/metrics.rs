//! Collection metrics, *as of* any date, per customer, segment, group and portfolio:
//! DSO (simple and count-back), best possible DSO, average days delinquent, collection
//! effectiveness index, amount-weighted average days beyond terms, a 0–100 payment
//! index on the D&B PAYDEX scale, and Pareto (ABC) sets.
//!
//! Every result carries the inputs that produced it (AR, sales, days, amounts), so a
//! reader can redo the arithmetic. A figure that cannot be computed (no sales, nothing
//! paid) is [`MetricValue::Undefined`] with its reason, never a made-up number.
//! Computed days, percentages and index values are rounded half away from zero to
//! [`METRIC_DECIMALS`] decimals; shares to [`SHARE_DECIMALS`].
//!
//! # Definitions
//! - **AR** (accounts receivable) is the open amount of the debits (invoices and debit
//!   notes) at the end of the day: credit notes and unapplied cash are not netted
//!   (they are the aging report's `credits`). **Current AR** is the part not yet due
//!   (days overdue ≤ 0).
//! - **Credit sales** are the amounts of the debits *issued* in the period.
//! - A period "of the last N days" is `(as_of − N days, as_of]`.
//!
//! Amounts of different currencies are never added: each row is one key in one
//! currency. [`rows_in_base`] (and the `converted` methods) turn rows into one base
//! currency with caller-given rates, merging the rows of a key and recomputing the
//! ratios from the converted inputs.
//!
//! [`portfolio_summary`] computes the aging and every metric in one pass over each
//! customer's items, for reporting on large ledgers.
//!
//! ```
//! use encours_core::aging::GroupBy;
//! use encours_core::ledger::{Customer, Item, Ledger};
//! use encours_core::metrics::dso_simple;
//! use encours_core::money::{Currency, Money};
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//! let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
//! let eur = |c| Money::from_minor(c, Currency::EUR);
//! let ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
//!     vec![Item::invoice("F1", "C1", d(3, 1), d(3, 31), eur(900_00)),
//!          Item::invoice("F2", "C1", d(5, 1), d(5, 31), eur(300_00))], vec![], vec![])?;
//! let rows = dso_simple(&ledger, d(5, 20), 90, GroupBy::Customer)?;
//! // AR 1 200 against 1 200 of sales in 90 days: DSO = 90 days.
//! assert_eq!(rows[0].figures.dso.value(), Some(Decimal::from(90)));
//! // Only F2 (300) is not due yet: best possible DSO = 300 / 1 200 × 90 = 22.5.
//! assert_eq!(rows[0].figures.best_possible_dso.value(), Some(Decimal::new(225, 1)));
//! # Ok::<(), encours_core::Error>(())
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::aging::{AgingBuckets, AgingFigures, AgingReport, GroupBy};
use crate::ledger::Ledger;
use crate::money::{Currency, FxRate, FxRates, Money, MoneyError, RoundingMode};

/// Errors of this area. Every message names the field and the value that was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A configuration value was refused.
    #[error("invalid {field}: {value} ({expected})")]
    InvalidConfig {
        /// The field, e.g. `dso days` or `aging bucket edge at position 2`.
        field: String,
        /// The value refused, as text.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// A period reaches past the dates the calendar can represent.
    #[error("date out of range: {field} is {days_or_months} before {date}")]
    DateOutOfRange {
        /// The period being computed.
        field: &'static str,
        /// The anchor date.
        date: NaiveDate,
        /// How far back, as text (`90 days`, `12 months`).
        days_or_months: String,
    },
    /// A money error: a missing exchange rate (naming the pair), a currency mismatch or
    /// an overflow.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// Decimals kept on computed days, percentages and index values (half away from zero).
pub const METRIC_DECIMALS: u32 = 2;
/// Decimals kept on shares (fractions of 1) in Pareto results.
pub const SHARE_DECIMALS: u32 = 4;
/// Decimals kept on the per-day payment-index score before weighting.
pub const SCORE_DECIMALS: u32 = 4;
/// Months walked back by the count-back DSO (12: the DSO is capped at one year).
pub const COUNT_BACK_MONTHS: usize = 12;
/// Default period of the simple DSO and best possible DSO, in days.
pub const DEFAULT_DSO_DAYS: u32 = 90;
/// Default window of paid items for days beyond terms and the payment index, in days.
pub const DEFAULT_PAYMENT_WINDOW_DAYS: u32 = 365;
/// Longest period accepted for any window (ten years), in days.
pub const MAX_WINDOW_DAYS: u32 = 3660;

pub(crate) fn overflow(operation: &'static str) -> ReportError {
    ReportError::Money(MoneyError::Overflow { operation })
}

#[inline]
fn dadd(a: Decimal, b: Decimal) -> Result<Decimal, ReportError> {
    a.checked_add(b).ok_or_else(|| overflow("add"))
}

#[inline]
fn dsub(a: Decimal, b: Decimal) -> Result<Decimal, ReportError> {
    a.checked_sub(b).ok_or_else(|| overflow("subtract"))
}

#[inline]
fn dmul(a: Decimal, b: Decimal) -> Result<Decimal, ReportError> {
    a.checked_mul(b).ok_or_else(|| overflow("multiply"))
}

#[inline]
fn ddiv(a: Decimal, b: Decimal) -> Result<Decimal, ReportError> {
    a.checked_div(b).ok_or_else(|| overflow("divide"))
}

fn round_metric(d: Decimal) -> Decimal {
    RoundingMode::HalfUp.round(d, METRIC_DECIMALS)
}

/// `a + b` for two amounts of one currency, as a report error.
pub(crate) fn add_money(a: &Money, b: &Money) -> Result<Money, ReportError> {
    Ok(a.checked_add(b)?)
}

fn same_currency(a: &Money, b: &Money, operation: &'static str) -> Result<(), ReportError> {
    if a.currency() == b.currency() {
        Ok(())
    } else {
        Err(MoneyError::CurrencyMismatch {
            operation,
            left: a.currency(),
            right: b.currency(),
        }
        .into())
    }
}

fn check_days(field: &str, days: u32) -> Result<(), ReportError> {
    if days == 0 || days > MAX_WINDOW_DAYS {
        return Err(ReportError::InvalidConfig {
            field: field.to_owned(),
            value: days.to_string(),
            expected: format!("1 to {MAX_WINDOW_DAYS} days"),
        });
    }
    Ok(())
}

fn days_back(field: &'static str, date: NaiveDate, days: u32) -> Result<NaiveDate, ReportError> {
    date.checked_sub_days(chrono::Days::new(u64::from(days)))
        .ok_or_else(|| ReportError::DateOutOfRange {
            field,
            date,
            days_or_months: format!("{days} days"),
        })
}

/// A computed figure, or why it could not be computed.
///
/// Serializes as `{"value": "45.5"}` or `{"undefined": "no_sales"}`.
///
/// ```
/// use encours_core::metrics::{MetricValue, Undefined};
/// use rust_decimal::Decimal;
/// assert_eq!(MetricValue::Value(Decimal::TEN).value(), Some(Decimal::TEN));
/// let none = MetricValue::Undefined(Undefined::NoSales);
/// assert_eq!(none.value(), None);
/// assert_eq!(serde_json::to_string(&none)?, r#"{"undefined":"no_sales"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricValue {
    /// The value.
    Value(#[serde(with = "crate::decimal_serde")] Decimal),
    /// No value, and why.
    Undefined(Undefined),
}

impl MetricValue {
    /// The value, if there is one.
    pub fn value(&self) -> Option<Decimal> {
        match self {
            MetricValue::Value(v) => Some(*v),
            MetricValue::Undefined(_) => None,
        }
    }
}

/// Why a figure has no value.
///
/// ```
/// use encours_core::metrics::Undefined;
/// assert_eq!(serde_json::to_string(&Undefined::NothingToCollect)?, "\"nothing_to_collect\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Undefined {
    /// No credit sales in the period: a ratio to sales has no meaning.
    NoSales,
    /// No credit sales in the period and no receivables.
    NoSalesNoReceivables,
    /// No item was fully paid in the window.
    NoPaidItems,
    /// The CEI denominator (beginning AR + sales − ending current AR) is not positive.
    NothingToCollect,
}

/// `num × factor / den`, rounded, or `Undefined(reason)` when `den` is not positive.
fn ratio(
    num: Decimal,
    den: Decimal,
    factor: Decimal,
    reason: Undefined,
) -> Result<MetricValue, ReportError> {
    if den <= Decimal::ZERO {
        return Ok(MetricValue::Undefined(reason));
    }
    Ok(MetricValue::Value(round_metric(ddiv(
        dmul(num, factor)?,
        den,
    )?)))
}

// ---------------------------------------------------------------------------------
// Rows and conversion
// ---------------------------------------------------------------------------------

/// One row of a report: a key (customer, segment, group or the portfolio) in one
/// currency, and its figures.
///
/// ```
/// use encours_core::metrics::Row;
/// use encours_core::money::Currency;
/// let r = Row { key: Some("C1".to_owned()), name: Some("Dupont SA".to_owned()),
///     currency: Currency::EUR, customers: 1, figures: 42u32 };
/// assert_eq!(r.figures, 42);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row<T> {
    /// Customer id, segment, group root id, or `None` (portfolio, or customers
    /// without a segment).
    pub key: Option<String>,
    /// Customer name (customer rows), group root's name (group rows), else `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Currency of every amount in the row.
    pub currency: Currency,
    /// Number of customers that contributed to the row.
    pub customers: u64,
    /// The figures.
    pub figures: T,
}

/// Figures that can be converted to another currency and merged with the figures of
/// the same key in another currency. Ratios are recomputed from the converted inputs,
/// never averaged.
///
/// ```
/// use encours_core::metrics::{Figures, SimpleDso};
/// use encours_core::money::{Currency, FxRates, Money, RoundingMode};
/// use rust_decimal::Decimal;
/// let eur = |c| Money::from_minor(c, Currency::EUR);
/// let mut a = SimpleDso::compute(eur(100_00), eur(0), eur(100_00), 90)?;
/// let b = SimpleDso::compute(eur(100_00), eur(0), eur(300_00), 90)?;
/// a.merge(&b)?;
/// assert_eq!(a.dso.value(), Some(Decimal::from(45))); // 200 / 400 × 90
/// let same = a.in_currency(&FxRates::new(), Currency::EUR, RoundingMode::HalfUp)?;
/// assert_eq!(same, a);
/// # Ok::<(), encours_core::metrics::ReportError>(())
/// ```
pub trait Figures: Sized {
    /// The figures with every amount converted to `base` (each rounded to its minor
    /// unit with `mode`) and the ratios recomputed.
    ///
    /// # Errors
    /// [`ReportError::Money`] for a missing rate (naming the pair) or an overflow.
    fn in_currency(
        &self,
        fx: &FxRates,
        base: Currency,
        mode: RoundingMode,
    ) -> Result<Self, ReportError>;

    /// Add `other`'s inputs to these (same currency) and recompute the ratios.
    ///
    /// # Errors
    /// [`ReportError::Money`] for a currency mismatch or an overflow;
    /// [`ReportError::InvalidConfig`] when the two were computed with different
    /// settings (period, buckets).
    fn merge(&mut self, other: &Self) -> Result<(), ReportError>;
}

/// Rows converted to `base` and merged per key: one row per key, in key order.
///
/// # Errors
/// [`ReportError::Money`] naming the currency pair when a rate is missing; overflow;
/// [`ReportError::InvalidConfig`] when rows of one key have different settings.
///
/// # Example
/// ```
/// use encours_core::metrics::{rows_in_base, Row, SimpleDso};
/// use encours_core::money::{Currency, FxRates, Money, RoundingMode};
/// use rust_decimal::Decimal;
/// let row = |c: Currency, ar, sales| Row { key: Some("SME".to_owned()), name: None,
///     currency: c, customers: 1,
///     figures: SimpleDso::compute(Money::from_minor(ar, c), Money::zero(c),
///         Money::from_minor(sales, c), 30).unwrap() };
/// let rows = [row(Currency::EUR, 100_00, 100_00), row(Currency::USD, 200_00, 600_00)];
/// let mut fx = FxRates::new();
/// fx.insert(Currency::USD, Currency::EUR, Decimal::new(5, 1))?;
/// let eur = rows_in_base(&rows, &fx, Currency::EUR, RoundingMode::HalfUp)?;
/// assert_eq!(eur.len(), 1);
/// assert_eq!(eur[0].customers, 2);
/// // (100 + 100) / (100 + 300) × 30 = 15 days.
/// assert_eq!(eur[0].figures.dso.value(), Some(Decimal::from(15)));
/// # Ok::<(), encours_core::metrics::ReportError>(())
/// ```
pub fn rows_in_base<T: Figures + Clone>(
    rows: &[Row<T>],
    fx: &FxRates,
    base: Currency,
    mode: RoundingMode,
) -> Result<Vec<Row<T>>, ReportError> {
    let mut merged: BTreeMap<Option<String>, Row<T>> = BTreeMap::new();
    for row in rows {
        let figures = row.figures.in_currency(fx, base, mode)?;
        match merged.get_mut(&row.key) {
            Some(existing) => {
                existing.figures.merge(&figures)?;
                existing.customers = existing.customers.saturating_add(row.customers);
            }
            None => {
                merged.insert(
                    row.key.clone(),
                    Row {
                        key: row.key.clone(),
                        name: row.name.clone(),
                        currency: base,
                        customers: row.customers,
                        figures,
                    },
                );
            }
        }
    }
    Ok(merged.into_values().collect())
}

/// All rows (already in `base`) merged into one row with key `None`; no row for none.
pub(crate) fn total_row<T: Figures + Clone>(
    rows: &[Row<T>],
    base: Currency,
) -> Result<Vec<Row<T>>, ReportError> {
    let mut iter = rows.iter();
    let Some(first) = iter.next() else {
        return Ok(Vec::new());
    };
    let mut total = Row {
        key: None,
        name: None,
        currency: base,
        customers: first.customers,
        figures: first.figures.clone(),
    };
    for r in iter {
        total.figures.merge(&r.figures)?;
        total.customers = total.customers.saturating_add(r.customers);
    }
    Ok(vec![total])
}

/// A currency conversion that was applied: the base, the rounding, and the rate used
/// for each source currency (as resolved by [`FxRates::rate`], inverses included).
///
/// ```
/// use encours_core::metrics::Conversion;
/// use encours_core::money::{Currency, FxRates, RoundingMode};
/// use rust_decimal::Decimal;
/// let mut fx = FxRates::new();
/// fx.insert(Currency::EUR, Currency::USD, Decimal::new(125, 2))?;
/// let c = Conversion::new(&fx, Currency::EUR, RoundingMode::HalfUp, [Currency::USD, Currency::EUR])?;
/// assert_eq!(c.rates.len(), 1);
/// assert_eq!(c.rates[0].rate, Decimal::new(8, 1)); // 1 / 1.25
/// # Ok::<(), encours_core::metrics::ReportError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversion {
    /// The currency everything was converted to.
    pub base: Currency,
    /// How converted amounts were rounded.
    pub rounding: RoundingMode,
    /// The rate used from each other currency, by currency code.
    pub rates: Vec<FxRate>,
}

impl Conversion {
    /// Record the rates used to convert `currencies` into `base`.
    ///
    /// # Errors
    /// [`ReportError::Money`] with [`MoneyError::MissingRate`] naming the pair.
    ///
    /// # Example
    /// ```
    /// use encours_core::metrics::Conversion;
    /// use encours_core::money::{Currency, FxRates, RoundingMode};
    /// let err = Conversion::new(&FxRates::new(), Currency::EUR, RoundingMode::HalfUp, [Currency::GBP])
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "no exchange rate from GBP to EUR: supply one with FxRates::insert");
    /// ```
    pub fn new(
        fx: &FxRates,
        base: Currency,
        rounding: RoundingMode,
        currencies: impl IntoIterator<Item = Currency>,
    ) -> Result<Conversion, ReportError> {
        let mut seen: Vec<Currency> = currencies.into_iter().filter(|c| *c != base).collect();
        seen.sort();
        seen.dedup();
        let rates = seen
            .into_iter()
            .map(|from| {
                Ok(FxRate {
                    from,
                    to: base,
                    rate: fx.rate(from, base)?,
                })
            })
            .collect::<Result<_, ReportError>>()?;
        Ok(Conversion {
            base,
            rounding,
            rates,
        })
    }
}

// ---------------------------------------------------------------------------------
// DSO, best possible DSO, average days delinquent
// ---------------------------------------------------------------------------------

/// Simple DSO, best possible DSO and average days delinquent over the last `days`
/// days.
///
/// - DSO = AR ÷ credit sales of the period × days;
/// - best possible DSO = current (not yet due) AR ÷ credit sales × days: the DSO if
///   every customer paid on time;
/// - average days delinquent (ADD) = DSO − best possible DSO (from the rounded
///   values, so the three shown figures agree).
///
/// These are the standard definitions of the Credit Research Foundation (CRF),
/// *Performance Measures for Credit, Collections and Accounts Receivable*.
///
/// ```
/// use encours_core::metrics::{SimpleDso, Undefined, MetricValue};
/// use encours_core::money::{Currency, Money};
/// use rust_decimal::Decimal;
/// let usd = |c| Money::from_minor(c, Currency::USD);
/// // Oracle JD Edwards EnterpriseOne A/R manual, "Current Balance Divided by Sales":
/// // (10869 × 90) / (5538 + 4566 + 7570) = 55.35 days.
/// let s = SimpleDso::compute(usd(10869_00), usd(0), usd((5538 + 4566 + 7570) * 100), 90)?;
/// assert_eq!(s.dso.value(), Some(Decimal::new(5535, 2)));
/// let none = SimpleDso::compute(usd(100), usd(0), usd(0), 90)?;
/// assert_eq!(none.dso, MetricValue::Undefined(Undefined::NoSales));
/// # Ok::<(), encours_core::metrics::ReportError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimpleDso {
    /// Open debits at the end of the period.
    pub ar: Money,
    /// The part of `ar` not yet due.
    pub current_ar: Money,
    /// Credit sales of the period.
    pub sales: Money,
    /// Length of the period, in days.
    pub days: u32,
    /// `ar ÷ sales × days`.
    pub dso: MetricValue,
    /// `current_ar ÷ sales × days`.
    pub best_possible_dso: MetricValue,
    /// `dso − best_possible_dso`.
    pub average_days_delinquent: MetricValue,
}

impl SimpleDso {
    /// Compute the three figures from their inputs.
    ///
    /// Without sales the three are [`Undefined::NoSales`], or
    /// [`Undefined::NoSalesNoReceivables`] when AR is zero too.
    ///
    /// # Errors
    /// [`ReportError::InvalidConfig`] for 0 days or more than [`MAX_WINDOW_DAYS`];
    /// [`ReportError::Money`] for mixed currencies or overflow.
    ///
    /// # Example
    /// ```
    /// use encours_core::metrics::SimpleDso;
    /// use encours_core::money::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let s = SimpleDso::compute(eur(150_000_00), eur(100_000_00), eur(300_000_00), 90)?;
    /// assert_eq!(s.dso.value(), Some(Decimal::from(45)));
    /// assert_eq!(s.best_possible_dso.value(), Some(Decimal::from(30)));
    /// assert_eq!(s.average_days_delinquent.value(), Some(Decimal::from(15)));
    /// # Ok::<(), encours_core::metrics::ReportError>(())
    /// ```
    pub fn compute(
        ar: Money,
        current_ar: Money,
        sales: Money,
        days: u32,
    ) -> Result<SimpleDso, ReportError> {
        check_days("dso days", days)?;
        same_currency(&ar, &current_ar, "compare")?;
        same_currency(&ar, &sales, "compare")?;
        let reason = if ar.is_zero() {
            Undefined::NoSalesNoReceivables
        } else {
            Undefined::NoSales
        };
        let n = Decimal::from(days);
        let dso = ratio(ar.amount(), sales.amount(), n, reason)?;
        let best = ratio(current_ar.amount(), sales.amount(), n, reason)?;
        let add = match (dso, best) {
            (MetricValue::Value(a), MetricValue::Value(b)) => MetricValue::Value(dsub(a, b)?),
            (MetricValue::Undefined(r), _) | (_, MetricValue::Undefined(r)) => {
                MetricValue::Undefined(r)
            }
        };
        Ok(SimpleDso {
            ar,
            current_ar,
            sales,
            days,
            dso,
            best_possible_dso: best,
            average_days_delinquent: add,
        })
    }
}

impl Figures for SimpleDso {
    fn in_currency(
        &self,
        fx: &FxRates,
        base: Currency,
        mode: RoundingMode,
    ) -> Result<Self, ReportError> {
        SimpleDso::compute(
            fx.convert(&self.ar, base, mode)?,
            fx.convert(&self.current_ar, base, mode)?,
            fx.convert(&self.sales, base, mode)?,
            self.days,
        )
    }

    fn merge(&mut self, other: &Self) -> Result<(), ReportError> {
        if self.days != other.days {
            return Err(mismatch("dso days", self.days, other.days));
        }
        *self = SimpleDso::compute(
            add_money(&self.ar, &other.ar)?,
            add_money(&self.current_ar, &other.current_ar)?,
            add_money(&self.sales, &other.sales)?,
            self.days,
        )?;
        Ok(())
    }
}

fn mismatch(field: &str, a: impl std::fmt::Display, b: impl std::fmt::Display) -> ReportError {
    ReportError::InvalidConfig {
        field: field.to_owned(),
        value: format!("{a} and {b}"),
        expected: "figures computed with the same settings".into(),
    }
}

/// One month of a count-back: the credit sales of the period `(end − days, end]` and
/// the days it contributed to the DSO.
///
/// ```
/// use encours_core::metrics::CountBackMonth;
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// let m = CountBackMonth::new(NaiveDate::from_ymd_opt(2024, 3, 31).unwrap(), 31,
///     Money::from_minor(900_00, Currency::EUR));
/// assert!(m.counted_days.is_zero()); // filled in by CountBackDso::compute
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountBackMonth {
    /// Last day of the month's period (inclusive).
    pub end: NaiveDate,
    /// Length of the period in days.
    pub days: u32,
    /// Credit sales issued in the period.
    pub sales: Money,
    /// Days this month contributed to the DSO (`days`, a pro-rata share, or 0),
    /// rounded to four decimals for display.
    #[serde(with = "crate::decimal_serde")]
    pub counted_days: Decimal,
}

impl CountBackMonth {
    /// A month with nothing counted yet.
    pub fn new(end: NaiveDate, days: u32, sales: Money) -> CountBackMonth {
        CountBackMonth {
            end,
            days,
            sales,
            counted_days: Decimal::ZERO,
        }
    }
}

/// DSO by the count-back (exhaustion) method.
///
/// Starting from the ending AR, walk back month by month from the newest: while the
/// AR left exceeds (or equals) the month's credit sales, subtract them and count the
/// month's days in full; in the month where the AR runs out, count the pro-rata share
/// `AR left ÷ sales × days`; stop there. A month without sales is counted in full
/// while AR is left. When AR is left after every month, the DSO is the whole span
/// (`capped`). This is the definition (d) of the project's pandas/polars baseline
/// (`shared/perf/README.md`).
///
/// On a ledger ([`dso_count_back`]) the months are [`COUNT_BACK_MONTHS`] calendar
/// periods `(as_of − (k+1) months, as_of − k months]`, k = 0…11 (month ends clamp,
/// so 31 March − 1 month = 29 February), covering the 365 (or 366) days ending at
/// the as-of date.
///
/// The DSO is 0 when AR is zero, and [`Undefined::NoSalesNoReceivables`] when there are
/// neither sales nor AR.
///
/// ```
/// use encours_core::metrics::{CountBackDso, CountBackMonth};
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let usd = |c: i64| Money::from_minor(c * 100, Currency::USD);
/// let end = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
/// // Benji Pays, "Mastering DSO Calculation: The Count-Back Method Explained" (2024):
/// // sales 100 000, 80 000, 70 000 in three 30-day months, AR 212 000:
/// // 30 + 30 + 32 000 / 70 000 × 30 = 73.71 days.
/// let cb = CountBackDso::compute(usd(212_000), vec![
///     CountBackMonth::new(end(6, 30), 30, usd(100_000)),
///     CountBackMonth::new(end(5, 31), 30, usd(80_000)),
///     CountBackMonth::new(end(5, 1), 30, usd(70_000)),
/// ])?;
/// assert_eq!(cb.dso.value(), Some(Decimal::new(7371, 2)));
/// assert_eq!(cb.months[2].counted_days, Decimal::new(137143, 4));
/// assert!(!cb.capped);
/// # Ok::<(), encours_core::metrics::ReportError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountBackDso {
    /// Open debits at the end of the newest month.
    pub ar: Money,
    /// The months, newest first, with the days each contributed.
    pub months: Vec<CountBackMonth>,
    /// The DSO in days.
    pub dso: MetricValue,
    /// Whether AR exceeded all the months' sales (the DSO is the whole span).
    pub capped: bool,
}

impl CountBackDso {
    /// Count back `ar` through `months` (newest first). Each month's `counted_days` is
    /// recomputed.
    ///
    /// # Errors
    /// [`ReportError::Money`] when a month's currency differs from the AR's, or on
    /// overflow.
    ///
    /// # Example
    /// ```
    /// use encours_core::metrics::{CountBackDso, CountBackMonth};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let day = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    /// // AR larger than all the sales: every month counts, the DSO is capped.
    /// let cb = CountBackDso::compute(eur(500), vec![CountBackMonth::new(day, 31, eur(100))])?;
    /// assert_eq!((cb.dso.value(), cb.capped), (Some(Decimal::from(31)), true));
    /// # Ok::<(), encours_core::metrics::ReportError>(())
    /// ```
    pub fn compute(
        ar: Money,
        mut months: Vec<CountBackMonth>,
    ) -> Result<CountBackDso, ReportError> {
        let mut left = ar.amount();
        let mut total = Decimal::ZERO;
        let mut any_sales = false;
        for m in &mut months {
            same_currency(&ar, &m.sales, "count back")?;
            let sales = m.sales.amount();
            any_sales |= !sales.is_zero();
            let days = Decimal::from(m.days);
            let counted = if left <= Decimal::ZERO {
                Decimal::ZERO
            } else if left >= sales {
                left = dsub(left, sales)?;
                days
            } else {
                let share = ddiv(dmul(left, days)?, sales)?;
                left = Decimal::ZERO;
                share
            };
            total = dadd(total, counted)?;
            m.counted_days = RoundingMode::HalfUp.round(counted, 4);
        }
        let dso = if !any_sales && ar.amount() <= Decimal::ZERO {
            MetricValue::Undefined(Undefined::NoSalesNoReceivables)
        } else {
            MetricValue::Value(round_metric(total))
        };
        Ok(CountBackDso {
            ar,
            months,
            dso,
            capped: left > Decimal::ZERO,
        })
    }
}

impl Figures for CountBackDso {
    fn in_currency(
        &self,
        fx: &FxRates,
        base: Currency,
        mode: RoundingMode,
    ) -> Result<Self, ReportError> {
        let months = self
            .months
            .iter()
            .map(|m| {
                Ok(CountBackMonth::new(
                    m.end,
                    m.days,
                    fx.convert(&m.sales, base, mode)?,
                ))
            })
            .collect::<Result<_, ReportError>>()?;
        CountBackDso::compute(fx.convert(&self.ar, base, mode)?, months)
    }

    fn merge(&mut self, other: &Self) -> Result<(), ReportError> {
        if self.months.len() != other.months.len()
            || self
                .months
                .iter()
                .zip(&other.months)
                .any(|(a, b)| a.end != b.end || a.days != b.days)
        {
            return Err(mismatch(
                "count-back months",
                self.months.len(),
                other.months.len(),
            ));
        }
        let months = self
            .months
            .iter()
            .zip(&other.months)
            .map(|(a, b)| {
                Ok(CountBackMonth::new(
                    a.end,
                    a.days,
                    add_money(&a.sales, &b.sales)?,
                ))
            })
            .collect::<Result<_, ReportError>>()?;
        *self = CountBackDso::compute(add_money(&self.ar, &other.ar)?, months)?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------
// Collection effectiveness index
// ---------------------------------------------------------------------------------

/// Collection Effectiveness Index over the period `[from, to]`:
///
/// ```text
///        beginning AR + sales ÷ N − ending total AR
/// CEI = ─────────────────────────────────────────── × 100
///        beginning AR + sales ÷ N − ending current AR
/// ```
///
/// what was collected out of what could have been. The formula is the Credit Research
/// Foundation's (developed with Dr. Venkat Srinivasan), where N is the number of
/// months of sales in the period, so that a multi-month CEI is an average monthly one;
/// N = 1 (the default) uses the period's whole sales. Beginning AR is the AR at the
/// end of the day before `from`; ending AR and ending current (not yet due) AR are
/// taken at the end of `to`; sales are the debits issued in `[from, to]`.
///
/// ```
/// use encours_core::metrics::Cei;
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let usd = |c: i64| Money::from_minor(c * 100, Currency::USD);
/// let (from, to) = (NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
/// // creditguru.com, "Collection Effectiveness Index (CEI)", sample ATB Jan–Mar:
/// // beginning 6 200, sales 10 890 over N = 3 months, ending 6 340, current 3 590: 55.9 %.
/// let cei = Cei::compute(from, to, usd(6200), usd(10890), 3, usd(6340), usd(3590))?;
/// assert_eq!(cei.cei.value(), Some(Decimal::new(5593, 2)));
/// # Ok::<(), encours_core::metrics::ReportError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cei {
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period.
    pub to: NaiveDate,
    /// AR at the end of the day before `from`.
    pub beginning_ar: Money,
    /// Credit sales issued in `[from, to]`.
    pub sales: Money,
    /// N: the sales are divided by it (1 = the period's whole sales).
    pub sales_divisor: u32,
    /// AR at the end of `to`.
    pub ending_ar: Money,
    /// The part of `ending_ar` not yet due at the end of `to`.
    pub ending_current_ar: Money,
    /// The index, in percent.
    pub cei: MetricValue,
}

impl Cei {
    /// Compute the index from its inputs.
    ///
    /// # Errors
    /// [`ReportError::InvalidConfig`] when `from` is after `to` or the divisor is 0;
    /// [`ReportError::Money`] for mixed currencies or overflow.
    ///
    /// # Example
    /// ```
    /// use encours_core::metrics::Cei;
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    /// let usd = |c: i64| Money::from_minor(c * 100, Currency::USD);
    /// let (from, to) = (NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
    /// // The same sample with the quarter's whole sales (N = 1):
    /// // (6 200 + 10 890 − 6 340) / (6 200 + 10 890 − 3 590) = 79.63 %.
    /// let cei = Cei::compute(from, to, usd(6200), usd(10890), 1, usd(6340), usd(3590))?;
    /// assert_eq!(cei.cei.value(), Some(Decimal::new(7963, 2)));
    /// # Ok::<(), encours_core::metrics::ReportError>(())
    /// ```
    pub fn compute(
        from: NaiveDate,
        to: NaiveDate,
        beginning_ar: Money,
        sales: Money,
        sales_divisor: u32,
        ending_ar: Money,
        ending_current_ar: Money,
    ) -> Result<Cei, ReportError> {
        check_cei_period(from, to, sales_divisor)?;
        same_currency(&beginning_ar, &sales, "compare")?;
        same_currency(&beginning_ar, &ending_ar, "compare")?;
        same_currency(&beginning_ar, &ending_current_ar, "compare")?;
        let available = dadd(
            beginning_ar.amount(),
            ddiv(sales.amount(), Decimal::from(sales_divisor))?,
        )?;
        let collected = dsub(available, ending_ar.amount())?;
        let collectible = dsub(available, ending_current_ar.amount())?;
        let cei = ratio(
            collected,
            collectible,
            Decimal::ONE_HUNDRED,
            Undefined::NothingToCollect,
        )?;
        Ok(Cei {
            from,
            to,
            beginning_ar,
            sales,
            sales_divisor,
            ending_ar,
            ending_current_ar,
            cei,
        })
    }
}

fn check_cei_period(from: NaiveDate, to: NaiveDate, divisor: u32) -> Result<(), ReportError> {
    if from > to {
        return Err(ReportError::InvalidConfig {
            field: "cei from".into(),
            value: from.to_string(),
            expected: format!("on or before the end of the period {to}"),
        });
    }
    if divisor == 0 {
        return Err(ReportError::InvalidConfig {
            field: "cei sales divisor".into(),
            value: "0".into(),
            expected: "a number of months of at least 1".into(),
        });
    }
    Ok(())
}

impl Figures for Cei {
    fn in_currency(
        &self,
        fx: &FxRates,
        base: Currency,
        mode: RoundingMode,
    ) -> Result<Self, ReportError> {
        Cei::compute(
            self.from,
            self.to,
            fx.convert(&self.beginning_ar, base, mode)?,
            fx.convert(&self.sales, base, mode)?,
            self.sales_divisor,
            fx.convert(&self.ending_ar, base, mode)?,
            fx.convert(&self.ending_current_ar, base, mode)?,
        )
    }

    fn merge(&mut self, other: &Self) -> Result<(), ReportError> {
        if (self.from, self.to, self.sales_divisor) != (other.from, other.to, other.sales_divisor) {
            return Err(mismatch("cei period", self.from, other.from));
        }
        *self = Cei::compute(
            self.from,
            self.to,
            add_money(&self.beginning_ar, &other.beginning_ar)?,
            add_money(&self.sales, &other.sales)?,
            self.sales_divisor,
            add_money(&self.ending_ar, &other.ending_ar)?,
            add_money(&self.ending_current_ar, &other.ending_current_ar)?,
        )?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------
// Days beyond terms and payment index
// ---------------------------------------------------------------------------------

/// One point of a payment-index scale: paying `days_beyond_terms` days after the due
/// date (negative: before) scores `score`.
///
/// ```
/// use encours_core::metrics::IndexAnchor;
/// use rust_decimal::Decimal;
/// let prompt = IndexAnchor { days_beyond_terms: 0, score: Decimal::from(80) };
/// assert_eq!(prompt.score, Decimal::from(80));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndexAnchor {
    /// Days between due date and settlement; negative for early payment.
    pub days_beyond_terms: i64,
    /// Score at that point, 0 to 100.
    #[serde(with = "crate::decimal_serde")]
    pub score: Decimal,
}

/// A 0–100 payment index scale: anchors linearly interpolated, clamped at both ends.
///
/// The default, [`PaymentIndexScale::paydex`], follows the Dun & Bradstreet PAYDEX
/// key as D&B publishes it: 100 = anticipates, 90 = pays within discount terms,
/// 80 = prompt (on time), 70 = 15 days beyond terms, 60 = 22, 50 = 30, 40 = 60,
/// 30 = 90, 20 = 120 days beyond terms. D&B gives the anticipation points as
/// behaviours, not days; the usual day equivalents (30 and 20 days early) are taken
/// from the commonly published version of the key (e.g. Paycron, "Your ultimate guide
/// to PAYDEX score", 2022). D&B says only that scores 1–19 mean "more than 120 days";
/// encours adds the anchor 180 days → 1 so that very late payers keep falling instead
/// of flattening at 20 (an encours choice, not D&B's). Beyond the ends the score is
/// clamped: 100 for 30 or more days early, 1 for 180 or more days late.
///
/// This is *like* a PAYDEX computed from your own ledger, not D&B's score (which
/// pools trade experiences from many suppliers).
///
/// Anchors must have strictly increasing days (spanning at most [`MAX_WINDOW_DAYS`])
/// and non-increasing scores within 0–100. Serde reads and writes
/// `{"anchors": [{"days_beyond_terms": -30, "score": "100"}, …]}` and validates.
///
/// ```
/// use encours_core::metrics::PaymentIndexScale;
/// use rust_decimal::Decimal;
/// let s = PaymentIndexScale::paydex();
/// assert_eq!(s.score(0), Decimal::from(80));
/// assert_eq!(s.score(15), Decimal::from(70));
/// assert_eq!(s.score(45), Decimal::from(45)); // halfway between 30 (50) and 60 (40)
/// assert_eq!(s.score(-90), Decimal::from(100)); // clamped
/// assert_eq!(s.score(400), Decimal::ONE);       // clamped
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ScaleRepr", into = "ScaleRepr")]
pub struct PaymentIndexScale {
    anchors: Vec<IndexAnchor>,
}

#[derive(Serialize, Deserialize)]
struct ScaleRepr {
    anchors: Vec<IndexAnchor>,
}

impl TryFrom<ScaleRepr> for PaymentIndexScale {
    type Error = ReportError;
    fn try_from(r: ScaleRepr) -> Result<Self, ReportError> {
        PaymentIndexScale::new(r.anchors)
    }
}

impl From<PaymentIndexScale> for ScaleRepr {
    fn from(s: PaymentIndexScale) -> Self {
        ScaleRepr { anchors: s.anchors }
    }
}

impl Default for PaymentIndexScale {
    fn default() -> Self {
        PaymentIndexScale::paydex()
    }
}

impl PaymentIndexScale {
    /// The D&B PAYDEX key, plus the encours anchor 180 days → 1 (see the type docs).
    pub fn paydex() -> PaymentIndexScale {
        let a = |days_beyond_terms, score| IndexAnchor {
            days_beyond_terms,
            score: Decimal::from(score),
        };
        PaymentIndexScale {
            anchors: vec![
                a(-30, 100),
                a(-20, 90),
                a(0, 80),
                a(15, 70),
                a(22, 60),
                a(30, 50),
                a(60, 40),
                a(90, 30),
                a(120, 20),
                a(180, 1),
            ],
        }
    }

    /// A scale from its anchors.
    ///
    /// # Errors
    /// [`ReportError::InvalidConfig`] naming the anchor: fewer than two, days not
    /// strictly increasing, a span above [`MAX_WINDOW_DAYS`], a score outside 0–100 or
    /// above the previous one.
    ///
    /// # Example
    /// ```
    /// use encours_core::metrics::{IndexAnchor, PaymentIndexScale};
    /// use rust_decimal::Decimal;
    /// let a = |d, s| IndexAnchor { days_beyond_terms: d, score: Decimal::from(s) };
    /// let s = PaymentIndexScale::new(vec![a(0, 100), a(100, 0)])?;
    /// assert_eq!(s.score(25), Decimal::from(75));
    /// let err = PaymentIndexScale::new(vec![a(0, 50), a(10, 60)]).unwrap_err();
    /// assert_eq!(err.to_string(),
    ///     "invalid payment index anchor at position 1: score 60 (between 0 and the previous score 50)");
    /// # Ok::<(), encours_core::metrics::ReportError>(())
    /// ```
    pub fn new(anchors: Vec<IndexAnchor>) -> Result<PaymentIndexScale, ReportError> {
        if anchors.len() < 2 {
            return Err(ReportError::InvalidConfig {
                field: "payment index anchors".into(),
                value: format!("{} anchors", anchors.len()),
                expected: "at least 2 anchors".into(),
            });
        }
        let mut prev: Option<&IndexAnchor> = None;
        for (i, a) in anchors.iter().enumerate() {
            let field = format!("payment index anchor at position {i}");
            let ceiling = prev.map_or(Decimal::ONE_HUNDRED, |p| p.score);
            if a.score < Decimal::ZERO || a.score > ceiling {
                return Err(ReportError::InvalidConfig {
                    field,
                    value: format!("score {}", a.score),
                    expected: match prev {
                        Some(p) => format!("between 0 and the previous score {}", p.score),
                        None => "between 0 and 100".into(),
                    },
                });
            }
            if let Some(p) = prev
                && a.days_beyond_terms <= p.days_beyond_terms
            {
                return Err(ReportError::InvalidConfig {
                    field,
                    value: format!("days beyond terms {}", a.days_beyond_terms),
                    expected: format!("more than the previous anchor's {}", p.days_beyond_terms),
                });
            }
            prev = Some(a);
        }
        // Checked: anchors at i64::MIN and i64::MAX wrapped to a small span in release
        // builds and passed, then the summary tabulated every day between them.
        if let (Some(first), Some(last)) = (anchors.first(), anchors.last())
            && last
                .days_beyond_terms
                .checked_sub(first.days_beyond_terms)
                .is_none_or(|span| span > i64::from(MAX_WINDOW_DAYS))
        {
            return Err(ReportError::InvalidConfig {
                field: "payment index anchors".into(),
                value: format!(
                    "days {} to {}",
                    first.days_beyond_terms, last.days_beyond_terms
                ),
                expected: format!("a span of at most {MAX_WINDOW_DAYS} days"),
            });
        }
        Ok(PaymentIndexScale { anchors })
    }

    /// The anchors, by increasing days.
    pub fn anchors(&self) -> &[IndexAnchor] {
        &self.anchors
    }

    /// The score of a payment `days_beyond_terms` days after the due date: linear
    /// between the anchors around it, clamped beyond the ends, rounded to
    /// [`SCORE_DECIMALS`] decimals.
    pub fn score(&self, days_beyond_terms: i64) -> Decimal {
        let (Some(first), Some(last)) = (self.anchors.first(), self.anchors.last()) else {
            return Decimal::ZERO;
        };
        if days_beyond_terms <= first.days_beyond_terms {
            return first.score;
        }
        if days_beyond_terms >= last.days_beyond_terms {
            return last.score;
        }
        for pair in self.anchors.windows(2) {
            if let [a, b] = pair
                && days_beyond_terms <= b.days_beyond_terms
            {
                // Anchors are validated: b.days > a.days, the span fits, scores are in 0..=100.
                let span = Decimal::from(b.days_beyond_terms.saturating_sub(a.days_beyond_terms));
                let into = Decimal::from(days_beyond_terms.saturating_sub(a.days_beyond_terms));
                let exact = (b.score - a.score)
                    .checked_mul(into)
                    .and_then(|x| x.checked_div(span))
                    .and_then(|x| x.checked_add(a.score))
                    .unwrap_or(a.score);
                return RoundingMode::HalfUp.round(exact, SCORE_DECIMALS);
            }
        }
        last.score
    }
}

/// Payment behaviour of the items fully paid in a window `(window_start, as_of]` (by
/// the date of their last settlement): amount-weighted average days beyond terms and
/// a 0–100 payment index.
///
/// - days beyond terms (ADBT) = Σ(amount × (last settlement − due date)) ÷ Σ amount,
///   signed (early payment counts negative). The amount is the item's original
///   amount. This is definition (c) of the project's baseline (`shared/perf/README.md`).
/// - payment index = Σ(amount × score(days beyond terms)) ÷ Σ amount, each item's score
///   read from a [`PaymentIndexScale`] (PAYDEX-like, dollar-weighted as PAYDEX is).
///
/// Settlement by credit note counts as payment. Without paid items both are
/// [`Undefined::NoPaidItems`].
///
/// ```
/// use encours_core::metrics::{PaymentBehaviour, PaymentIndexScale};
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let day = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
/// let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
/// // 100 paid 10 days late and 300 paid on time: ADBT = 1 000 / 400 = 2.5 days;
/// // scores 73.3333 and 80: (7 333.33 + 24 000) / 400 = 78.33.
/// let scale = PaymentIndexScale::paydex();
/// let wd = Decimal::from(100 * 10);
/// let ws = Decimal::from(100) * scale.score(10) + Decimal::from(300) * scale.score(0);
/// let p = PaymentBehaviour::compute(start, day, 2, Money::from_minor(400_00, Currency::EUR), wd, ws)?;
/// assert_eq!(p.days_beyond_terms.value(), Some(Decimal::new(25, 1)));
/// assert_eq!(p.payment_index.value(), Some(Decimal::new(7833, 2)));
/// # Ok::<(), encours_core::metrics::ReportError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentBehaviour {
    /// The window starts after this day.
    pub window_start: NaiveDate,
    /// The window ends on this day (the as-of date).
    pub as_of: NaiveDate,
    /// Number of items fully paid in the window.
    pub items: u64,
    /// Their original amounts, summed.
    pub amount: Money,
    /// Σ amount × days beyond terms (money × days, in the row's currency).
    #[serde(with = "crate::decimal_serde")]
    pub weighted_days: Decimal,
    /// `weighted_days ÷ amount`, in days.
    pub days_beyond_terms: MetricValue,
    /// Σ amount × score (money × score points).
    #[serde(with = "crate::decimal_serde")]
    pub weighted_score: Decimal,
    /// `weighted_score ÷ amount`, 0–100.
    pub payment_index: MetricValue,
}

impl PaymentBehaviour {
    /// Compute both figures from the weighted sums.
    ///
    /// # Errors
    /// [`ReportError::Money`] on overflow.
    ///
    /// # Example
    /// ```
    /// use encours_core::metrics::{PaymentBehaviour, Undefined, MetricValue};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    /// let day = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
    /// let p = PaymentBehaviour::compute(day, day, 0, Money::zero(Currency::EUR), Decimal::ZERO, Decimal::ZERO)?;
    /// assert_eq!(p.payment_index, MetricValue::Undefined(Undefined::NoPaidItems));
    /// # Ok::<(), encours_core::metrics::ReportError>(())
    /// ```
    pub fn compute(
        window_start: NaiveDate,
        as_of: NaiveDate,
        items: u64,
        amount: Money,
        weighted_days: Decimal,
        weighted_score: Decimal,
    ) -> Result<PaymentBehaviour, ReportError> {
        let a = amount.amount();
        Ok(PaymentBehaviour {
            window_start,
            as_of,
            items,
            amount,
            weighted_days,
            days_beyond_terms: ratio(weighted_days, a, Decimal::ONE, Undefined::NoPaidItems)?,
            weighted_score,
            payment_index: ratio(weighted_score, a, Decimal::ONE, Undefined::NoPaidItems)?,
        })
    }
}

impl Figures for PaymentBehaviour {
    /// The amount is converted and rounded; the weighted sums are multiplied by the
    /// same rate without rounding (they are intermediate sums).
    fn in_currency(
        &self,
        fx: &FxRates,
        base: Currency,
        mode: RoundingMode,
    ) -> Result<Self, ReportError> {
        let rate = fx.rate(self.amount.currency(), base)?;
        PaymentBehaviour::compute(
            self.window_start,
            self.as_of,
            self.items,
            fx.convert(&self.amount, base, mode)?,
            dmul(self.weighted_days, rate)?,
            dmul(self.weighted_score, rate)?,
        )
    }

    fn merge(&mut self, other: &Self) -> Result<(), ReportError> {
        if (self.window_start, self.as_of) != (other.window_start, other.as_of) {
            return Err(mismatch(
                "payment window",
                self.window_start,
                other.window_start,
            ));
        }
        *self = PaymentBehaviour::compute(
            self.window_start,
            self.as_of,
            self.items.saturating_add(other.items),
            add_money(&self.amount, &other.amount)?,
            dadd(self.weighted_days, other.weighted_days)?,
            dadd(self.weighted_score, other.weighted_score)?,
        )?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------
// Pareto
// ---------------------------------------------------------------------------------

/// What a Pareto set is made of.
///
/// ```
/// use encours_core::metrics::ParetoUnit;
/// assert_eq!(serde_json::to_string(&ParetoUnit::Customers)?, "\"customers\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParetoUnit {
    /// Open debit items (invoices and debit notes), by open amount.
    #[default]
    Items,
    /// Customers, by open debits (the aging total; credits are not netted).
    Customers,
}

/// The smallest set of items (or customers) holding at least `target_share` of the
/// open amount: the largest first, ties by id, until the share is reached. Taking the
/// largest first makes the set minimal in count: any smaller set holds less.
///
/// ```
/// use encours_core::aging::GroupBy;
/// use encours_core::ledger::{Customer, Item, Ledger};
/// use encours_core::metrics::{pareto, ParetoUnit};
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let day = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let inv = |id: &str, c| Item::invoice(id, "C1", day, day, Money::from_minor(c, Currency::EUR));
/// let ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
///     vec![inv("F1", 10_00), inv("F2", 70_00), inv("F3", 15_00), inv("F4", 5_00)], vec![], vec![])?;
/// let rows = pareto(&ledger, day, ParetoUnit::Items, Decimal::new(8, 1), GroupBy::Portfolio)?;
/// let p = &rows[0].figures;
/// assert_eq!(p.ids, ["F2", "F3"]); // 85 of 100
/// assert_eq!((p.count, p.total_count), (2, 4));
/// assert_eq!((p.count_share, p.amount_share), (Decimal::new(5, 1), Decimal::new(85, 2)));
/// # Ok::<(), encours_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pareto {
    /// Items or customers.
    pub unit: ParetoUnit,
    /// The share of the open amount the set must hold (0 < share ≤ 1).
    #[serde(with = "crate::decimal_serde")]
    pub target_share: Decimal,
    /// Size of the set.
    pub count: u64,
    /// Number of open items (or customers with open debits) in the row.
    pub total_count: u64,
    /// `count ÷ total_count`, 0 when there is nothing open.
    #[serde(with = "crate::decimal_serde")]
    pub count_share: Decimal,
    /// Open amount held by the set.
    pub amount: Money,
    /// Open amount of the row.
    pub total_amount: Money,
    /// `amount ÷ total_amount`, 0 when there is nothing open.
    #[serde(with = "crate::decimal_serde")]
    pub amount_share: Decimal,
    /// Ids in the set, largest amount first.
    pub ids: Vec<String>,
}

fn check_share(share: Decimal) -> Result<(), ReportError> {
    if share <= Decimal::ZERO || share > Decimal::ONE {
        return Err(ReportError::InvalidConfig {
            field: "pareto share".into(),
            value: share.to_string(),
            expected: "a fraction above 0 and at most 1, such as 0.8".into(),
        });
    }
    Ok(())
}

/// Build the minimal set from `(id, open amount)` entries of one currency.
fn pareto_set(
    mut entries: Vec<(Cow<'_, str>, Decimal)>,
    unit: ParetoUnit,
    share: Decimal,
    currency: Currency,
) -> Result<Pareto, ReportError> {
    entries.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut total = Decimal::ZERO;
    for (_, amount) in &entries {
        total = dadd(total, *amount)?;
    }
    let target = dmul(total, share)?;
    let mut held = Decimal::ZERO;
    let mut ids = Vec::new();
    if total > Decimal::ZERO {
        for (id, amount) in &entries {
            if held >= target {
                break;
            }
            held = dadd(held, *amount)?;
            ids.push(id.to_string());
        }
    }
    let frac = |a: Decimal, b: Decimal| -> Result<Decimal, ReportError> {
        if b.is_zero() {
            Ok(Decimal::ZERO)
        } else {
            Ok(RoundingMode::HalfUp.round(ddiv(a, b)?, SHARE_DECIMALS))
        }
    };
    let count = ids.len() as u64;
    let total_count = entries.len() as u64;
    Ok(Pareto {
        unit,
        target_share: share,
        count,
        total_count,
        count_share: frac(Decimal::from(count), Decimal::from(total_count))?,
        amount: Money::new(held, currency),
        total_amount: Money::new(total, currency),
        amount_share: frac(held, total)?,
        ids,
    })
}

/// Pareto sets per key and currency, as of the end of `as_of`.
///
/// # Errors
/// [`ReportError::InvalidConfig`] for a share outside (0, 1]; overflow.
///
/// # Example
/// See [`Pareto`].
pub fn pareto(
    ledger: &Ledger,
    as_of: NaiveDate,
    unit: ParetoUnit,
    share: Decimal,
    group_by: GroupBy,
) -> Result<Vec<Row<Pareto>>, ReportError> {
    check_share(share)?;
    let run = engine::run(
        ledger,
        &SummaryConfig::new(as_of),
        group_by,
        engine::Want::pareto(unit),
    )?;
    run.rows
        .iter()
        .filter(|r| r.agg.items > 0)
        .map(|r| {
            Ok(Row {
                key: r.key.map(str::to_owned),
                name: r.name.map(str::to_owned),
                currency: r.currency,
                customers: r.customers,
                figures: pareto_set(run.pareto_entries(r, unit)?, unit, share, r.currency)?,
            })
        })
        .collect()
}

/// Pareto sets per key in one base currency: every open amount is converted (and
/// rounded with `mode`) before ranking, so items of all currencies compete.
///
/// # Errors
/// [`ReportError::InvalidConfig`] for a share outside (0, 1]; [`ReportError::Money`]
/// naming the pair for a missing rate; overflow.
///
/// # Example
/// ```
/// use encours_core::aging::GroupBy;
/// use encours_core::ledger::{Customer, Item, Ledger};
/// use encours_core::metrics::{pareto_in_base, ParetoUnit};
/// use encours_core::money::{Currency, FxRates, Money, RoundingMode};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let day = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let ledger = Ledger::new(
///     vec![Customer::new("C1", "A", Currency::EUR), Customer::new("C2", "B", Currency::JPY)],
///     vec![Item::invoice("F1", "C1", day, day, Money::from_minor(100_00, Currency::EUR)),
///          Item::invoice("F2", "C2", day, day, Money::from_minor(50_000, Currency::JPY))],
///     vec![], vec![])?;
/// let mut fx = FxRates::new();
/// fx.insert(Currency::EUR, Currency::JPY, Decimal::from(160))?;
/// let rows = pareto_in_base(&ledger, day, ParetoUnit::Customers, Decimal::new(5, 1),
///     GroupBy::Portfolio, &fx, Currency::EUR, RoundingMode::HalfUp)?;
/// // 50 000 JPY = 312.50 EUR: C2 alone holds more than half.
/// assert_eq!(rows[0].figures.ids, ["C2"]);
/// assert_eq!(rows[0].figures.total_amount, Money::from_minor(412_50, Currency::EUR));
/// # Ok::<(), encours_core::Error>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn pareto_in_base(
    ledger: &Ledger,
    as_of: NaiveDate,
    unit: ParetoUnit,
    share: Decimal,
    group_by: GroupBy,
    fx: &FxRates,
    base: Currency,
    mode: RoundingMode,
) -> Result<Vec<Row<Pareto>>, ReportError> {
    check_share(share)?;
    let run = engine::run(
        ledger,
        &SummaryConfig::new(as_of),
        group_by,
        engine::Want::pareto(unit),
    )?;
    type Entries<'a> = (Option<&'a str>, u64, Vec<(Cow<'a, str>, Decimal)>);
    let mut by_key: BTreeMap<Option<&str>, Entries<'_>> = BTreeMap::new();
    for r in run.rows.iter().filter(|r| r.agg.items > 0) {
        let slot = by_key
            .entry(r.key)
            .or_insert_with(|| (r.name, 0, Vec::new()));
        slot.1 = slot.1.saturating_add(r.customers);
        for (id, open) in run.pareto_entries(r, unit)? {
            let converted = fx.convert(&Money::new(open, r.currency), base, mode)?;
            slot.2.push((id, converted.amount()));
        }
    }
    by_key
        .into_iter()
        .map(|(key, (name, customers, entries))| {
            Ok(Row {
                key: key.map(str::to_owned),
                name: name.map(str::to_owned),
                currency: base,
                customers,
                figures: pareto_set(entries, unit, share, base)?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// Standalone metric functions
// ---------------------------------------------------------------------------------

/// Simple DSO, best possible DSO and average days delinquent over the last `days`
/// days, per key, as of the end of `as_of`. Rows are the keys with AR or sales.
///
/// # Errors
/// [`ReportError::InvalidConfig`] for 0 days or more than [`MAX_WINDOW_DAYS`];
/// overflow.
///
/// # Example
/// See the [module documentation](self).
pub fn dso_simple(
    ledger: &Ledger,
    as_of: NaiveDate,
    days: u32,
    group_by: GroupBy,
) -> Result<Vec<Row<SimpleDso>>, ReportError> {
    let config = SummaryConfig {
        dso_days: days,
        ..SummaryConfig::new(as_of)
    };
    let run = engine::run(ledger, &config, group_by, engine::Want::NONE)?;
    run.rows(
        |a| a.total != 0 || a.sales_window != 0,
        |a, c| run.simple_dso(a, c),
    )
}

/// Count-back DSO over the [`COUNT_BACK_MONTHS`] calendar months ending at `as_of`,
/// per key. Rows are the keys with AR or sales in those months.
///
/// # Errors
/// [`ReportError::DateOutOfRange`] when a year before `as_of` is not a date; overflow.
///
/// # Example
/// ```
/// use encours_core::aging::GroupBy;
/// use encours_core::ledger::{Customer, Item, Ledger, Payment};
/// use encours_core::metrics::dso_count_back;
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let usd = |dollars: i64| Money::from_minor(dollars * 100, Currency::USD);
/// let inv = |id: &str, issued, amount| Item::invoice(id, "C1", issued, d(2030, 1, 1), usd(amount));
/// // Anaplan Community, "Count back for turnover": AR 2 000 at the end of January,
/// // sales Jan 200, Dec 400, Nov 600, Oct 700, Sep 500: 31 + 31 + 30 + 31 + 6 = 129 days.
/// let mut ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::USD)], vec![
///     inv("SEP", d(2023, 9, 15), 500), inv("OCT", d(2023, 10, 15), 700),
///     inv("NOV", d(2023, 11, 15), 600), inv("DEC", d(2023, 12, 15), 400),
///     inv("JAN", d(2024, 1, 15), 200),
/// ], vec![Payment::new("P1", "C1", d(2023, 10, 1), usd(400))], vec![])?;
/// ledger.apply_payment("P1", "SEP", usd(400), d(2023, 10, 1))?; // AR = 2 500 − 400
/// let rows = dso_count_back(&ledger, d(2024, 1, 31), GroupBy::Customer)?;
/// let cb = &rows[0].figures;
/// assert_eq!(cb.ar, usd(2000));
/// assert_eq!(cb.dso.value(), Some(Decimal::from(129)));
/// assert_eq!(cb.months[4].counted_days, Decimal::from(6));
/// # Ok::<(), encours_core::Error>(())
/// ```
pub fn dso_count_back(
    ledger: &Ledger,
    as_of: NaiveDate,
    group_by: GroupBy,
) -> Result<Vec<Row<CountBackDso>>, ReportError> {
    let run = engine::run(
        ledger,
        &SummaryConfig::new(as_of),
        group_by,
        engine::Want::NONE,
    )?;
    run.rows(
        |a| a.total != 0 || a.months.iter().any(|m| *m != 0),
        |a, c| run.count_back(a, c),
    )
}

/// Collection Effectiveness Index over `[from, to]`, per key (see [`Cei`]). Rows are
/// the keys with beginning AR, sales in the period or ending AR.
///
/// # Errors
/// [`ReportError::InvalidConfig`] when `from` is after `to` or `sales_divisor` is 0;
/// overflow.
///
/// # Example
/// ```
/// use encours_core::aging::GroupBy;
/// use encours_core::ledger::{Customer, Item, Ledger, Payment};
/// use encours_core::metrics::collection_effectiveness;
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
/// let eur = |c: i64| Money::from_minor(c * 100, Currency::EUR);
/// let mut ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)], vec![
///     Item::invoice("F1", "C1", d(1, 10), d(2, 9), eur(1000)),   // open at the start, paid in March
///     Item::invoice("F2", "C1", d(3, 5), d(4, 4), eur(500)),     // sold in March, not due on 31 March
/// ], vec![Payment::new("P1", "C1", d(3, 20), eur(1000))], vec![])?;
/// ledger.apply_payment("P1", "F1", eur(1000), d(3, 20))?;
/// let rows = collection_effectiveness(&ledger, d(3, 1), d(3, 31), 1, GroupBy::Customer)?;
/// // (1 000 + 500 − 500) / (1 000 + 500 − 500) = 100 %: everything collectible was collected.
/// assert_eq!(rows[0].figures.cei.value(), Some(Decimal::ONE_HUNDRED));
/// # Ok::<(), encours_core::Error>(())
/// ```
pub fn collection_effectiveness(
    ledger: &Ledger,
    from: NaiveDate,
    to: NaiveDate,
    sales_divisor: u32,
    group_by: GroupBy,
) -> Result<Vec<Row<Cei>>, ReportError> {
    check_cei_period(from, to, sales_divisor)?;
    let config = SummaryConfig {
        cei_from: Some(from),
        cei_sales_divisor: sales_divisor,
        ..SummaryConfig::new(to)
    };
    let run = engine::run(ledger, &config, group_by, engine::Want::NONE)?;
    run.rows(
        |a| a.begin_ar != 0 || a.cei_sales != 0 || a.total != 0,
        |a, c| run.cei(a, c),
    )
}

/// Days beyond terms and payment index of the items fully paid in the last
/// `window_days` days, per key (see [`PaymentBehaviour`]). Rows are the keys with
/// paid items.
///
/// # Errors
/// [`ReportError::InvalidConfig`] for a window of 0 or more than [`MAX_WINDOW_DAYS`]
/// days; overflow.
///
/// # Example
/// ```
/// use encours_core::aging::GroupBy;
/// use encours_core::ledger::{Customer, Item, Ledger, Payment};
/// use encours_core::metrics::{payment_behaviour, PaymentIndexScale};
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
/// let eur = |c: i64| Money::from_minor(c * 100, Currency::EUR);
/// let mut ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)], vec![
///     Item::invoice("F1", "C1", d(1, 1), d(1, 31), eur(100)),
///     Item::invoice("F2", "C1", d(1, 1), d(1, 31), eur(300)),
/// ], vec![Payment::new("P1", "C1", d(3, 1), eur(100)), Payment::new("P2", "C1", d(1, 31), eur(300))], vec![])?;
/// ledger.apply_payment("P1", "F1", eur(100), d(3, 1))?;   // 30 days late
/// ledger.apply_payment("P2", "F2", eur(300), d(1, 31))?;  // on time
/// let rows = payment_behaviour(&ledger, d(12, 31), 365, &PaymentIndexScale::paydex(), GroupBy::Customer)?;
/// let p = &rows[0].figures;
/// assert_eq!(p.days_beyond_terms.value(), Some(Decimal::new(75, 1)));  // 100 × 30 / 400
/// assert_eq!(p.payment_index.value(), Some(Decimal::new(7250, 2)));    // (100 × 50 + 300 × 80) / 400
/// # Ok::<(), encours_core::Error>(())
/// ```
pub fn payment_behaviour(
    ledger: &Ledger,
    as_of: NaiveDate,
    window_days: u32,
    scale: &PaymentIndexScale,
    group_by: GroupBy,
) -> Result<Vec<Row<PaymentBehaviour>>, ReportError> {
    let config = SummaryConfig {
        payment_window_days: window_days,
        payment_index: scale.clone(),
        ..SummaryConfig::new(as_of)
    };
    let run = engine::run(ledger, &config, group_by, engine::Want::NONE)?;
    run.rows(|a| a.paid_items > 0, |a, c| run.payment(a, c))
}

// ---------------------------------------------------------------------------------
// Portfolio summary: everything in one pass
// ---------------------------------------------------------------------------------

/// Settings of [`portfolio_summary`] (and, field by field, of the other reports).
///
/// Only `as_of` is required in serde form; every other field has its default.
///
/// ```
/// use encours_core::metrics::SummaryConfig;
/// let c: SummaryConfig = serde_json::from_str(r#"{"as_of": "2024-06-30", "dso_days": 30}"#)?;
/// assert_eq!((c.dso_days, c.payment_window_days), (30, 365));
/// assert_eq!(c.pareto_share.to_string(), "0.8");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryConfig {
    /// The day everything is taken at the end of.
    pub as_of: NaiveDate,
    /// Aging buckets.
    #[serde(default)]
    pub buckets: AgingBuckets,
    /// Period of the simple DSO and best possible DSO, in days (default 90).
    #[serde(default = "default_dso_days")]
    pub dso_days: u32,
    /// First day of the CEI period, which ends at `as_of`. Default: the calendar month
    /// ending at `as_of` (`as_of − 1 month + 1 day`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cei_from: Option<NaiveDate>,
    /// CEI sales divisor N (default 1: the period's whole sales).
    #[serde(default = "default_divisor")]
    pub cei_sales_divisor: u32,
    /// Window of paid items for days beyond terms and the payment index (default 365).
    #[serde(default = "default_payment_window")]
    pub payment_window_days: u32,
    /// Payment index scale (default: PAYDEX).
    #[serde(default)]
    pub payment_index: PaymentIndexScale,
    /// Share the Pareto sets must hold (default 0.8).
    #[serde(default = "default_share", with = "crate::decimal_serde")]
    pub pareto_share: Decimal,
}

fn default_dso_days() -> u32 {
    DEFAULT_DSO_DAYS
}
fn default_divisor() -> u32 {
    1
}
fn default_payment_window() -> u32 {
    DEFAULT_PAYMENT_WINDOW_DAYS
}
fn default_share() -> Decimal {
    Decimal::new(8, 1)
}

impl SummaryConfig {
    /// The defaults, as of `as_of`.
    pub fn new(as_of: NaiveDate) -> SummaryConfig {
        SummaryConfig {
            as_of,
            buckets: AgingBuckets::standard(),
            dso_days: DEFAULT_DSO_DAYS,
            cei_from: None,
            cei_sales_divisor: 1,
            payment_window_days: DEFAULT_PAYMENT_WINDOW_DAYS,
            payment_index: PaymentIndexScale::paydex(),
            pareto_share: default_share(),
        }
    }

    /// The first day of the CEI period.
    ///
    /// # Errors
    /// [`ReportError::DateOutOfRange`] when `as_of − 1 month` is not a date.
    ///
    /// # Example
    /// ```
    /// use encours_core::metrics::SummaryConfig;
    /// use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
    /// // 31 March − 1 month = 29 February (month ends clamp), + 1 day.
    /// assert_eq!(SummaryConfig::new(d(3, 31)).cei_start()?, d(3, 1));
    /// let mut c = SummaryConfig::new(d(3, 31));
    /// c.cei_from = Some(d(1, 1));
    /// assert_eq!(c.cei_start()?, d(1, 1));
    /// # Ok::<(), encours_core::metrics::ReportError>(())
    /// ```
    pub fn cei_start(&self) -> Result<NaiveDate, ReportError> {
        match self.cei_from {
            Some(from) => Ok(from),
            None => self
                .as_of
                .checked_sub_months(Months::new(1))
                .and_then(|d| d.succ_opt())
                .ok_or(ReportError::DateOutOfRange {
                    field: "cei period",
                    date: self.as_of,
                    days_or_months: "1 month".into(),
                }),
        }
    }

    /// Check every setting.
    ///
    /// # Errors
    /// [`ReportError::InvalidConfig`] naming the first bad field.
    ///
    /// # Example
    /// ```
    /// use encours_core::metrics::SummaryConfig;
    /// use chrono::NaiveDate;
    /// let mut c = SummaryConfig::new(NaiveDate::from_ymd_opt(2024, 6, 30).unwrap());
    /// assert!(c.validate().is_ok());
    /// c.dso_days = 0;
    /// assert_eq!(c.validate().unwrap_err().to_string(), "invalid dso days: 0 (1 to 3660 days)");
    /// ```
    pub fn validate(&self) -> Result<(), ReportError> {
        check_days("dso days", self.dso_days)?;
        check_days("payment window days", self.payment_window_days)?;
        check_share(self.pareto_share)?;
        check_cei_period(self.cei_start()?, self.as_of, self.cei_sales_divisor)
    }
}

/// Every figure of one row of a [`PortfolioSummary`].
///
/// ```
/// use encours_core::aging::GroupBy;
/// use encours_core::metrics::{portfolio_summary, SummaryConfig};
/// use encours_core::ledger::Ledger;
/// use chrono::NaiveDate;
/// let s = portfolio_summary(&Ledger::default(),
///     &SummaryConfig::new(NaiveDate::from_ymd_opt(2024, 6, 30).unwrap()), GroupBy::Segment)?;
/// assert!(s.rows.is_empty() && s.portfolio.is_empty());
/// # Ok::<(), encours_core::metrics::ReportError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Aging.
    pub aging: AgingFigures,
    /// Simple DSO, best possible DSO, average days delinquent.
    pub dso: SimpleDso,
    /// Count-back DSO.
    pub count_back: CountBackDso,
    /// Collection effectiveness index.
    pub cei: Cei,
    /// Days beyond terms and payment index.
    pub payment: PaymentBehaviour,
}

impl Figures for Summary {
    fn in_currency(
        &self,
        fx: &FxRates,
        base: Currency,
        mode: RoundingMode,
    ) -> Result<Self, ReportError> {
        Ok(Summary {
            aging: self.aging.in_currency(fx, base, mode)?,
            dso: self.dso.in_currency(fx, base, mode)?,
            count_back: self.count_back.in_currency(fx, base, mode)?,
            cei: self.cei.in_currency(fx, base, mode)?,
            payment: self.payment.in_currency(fx, base, mode)?,
        })
    }

    fn merge(&mut self, other: &Self) -> Result<(), ReportError> {
        self.aging.merge(&other.aging)?;
        self.dso.merge(&other.dso)?;
        self.count_back.merge(&other.count_back)?;
        self.cei.merge(&other.cei)?;
        self.payment.merge(&other.payment)
    }
}

/// Aging and every metric per key and for the portfolio, from one pass over the
/// ledger.
///
/// `rows` are the keys with any activity (something open, sales in a period, AR at
/// the start of the CEI period, or items paid in the window); `portfolio` is one row
/// per currency (one row after conversion). The Pareto sets are portfolio-wide, per
/// currency; they stay per currency in a converted summary (ranking across
/// currencies needs every item: use [`pareto_in_base`]).
///
/// ```
/// use encours_core::aging::GroupBy;
/// use encours_core::ledger::{Customer, Item, Ledger};
/// use encours_core::metrics::{portfolio_summary, SummaryConfig};
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
/// let mut seg = Customer::new("C1", "A", Currency::EUR);
/// seg.segment = Some("SME".into());
/// let ledger = Ledger::new(vec![seg], vec![Item::invoice("F1", "C1", d(5, 1), d(5, 31), Money::from_minor(600_00, Currency::EUR))],
///     vec![], vec![])?;
/// let s = portfolio_summary(&ledger, &SummaryConfig::new(d(6, 30)), GroupBy::Segment)?;
/// assert_eq!(s.rows[0].key.as_deref(), Some("SME"));
/// assert_eq!(s.rows[0].figures.aging.buckets[1], Money::from_minor(600_00, Currency::EUR));
/// assert_eq!(s.portfolio[0].figures.dso.dso.value(), Some(Decimal::from(90)));
/// # Ok::<(), encours_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortfolioSummary {
    /// The settings used.
    pub config: SummaryConfig,
    /// How rows are keyed.
    pub group_by: GroupBy,
    /// Aging bucket labels.
    pub labels: Vec<String>,
    /// One row per key and currency (per key after conversion), sorted by key then
    /// currency.
    pub rows: Vec<Row<Summary>>,
    /// The whole portfolio: one row per currency (one after conversion), key `None`.
    pub portfolio: Vec<Row<Summary>>,
    /// Portfolio-wide Pareto set of open items, per currency.
    pub pareto_items: Vec<Row<Pareto>>,
    /// Portfolio-wide Pareto set of customers by open debits, per currency.
    pub pareto_customers: Vec<Row<Pareto>>,
    /// The conversion applied, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion: Option<Conversion>,
}

impl PortfolioSummary {
    /// The summary in one currency: rows converted and merged per key, one portfolio
    /// row; the Pareto sets are kept per currency.
    ///
    /// # Errors
    /// [`ReportError::Money`] naming the pair when a rate is missing; overflow.
    ///
    /// # Example
    /// ```
    /// use encours_core::aging::GroupBy;
    /// use encours_core::ledger::{Customer, Item, Ledger};
    /// use encours_core::metrics::{portfolio_summary, SummaryConfig};
    /// use encours_core::money::{Currency, FxRates, Money, RoundingMode};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    /// let day = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    /// let ledger = Ledger::new(
    ///     vec![Customer::new("C1", "A", Currency::EUR), Customer::new("C2", "B", Currency::GBP)],
    ///     vec![Item::invoice("F1", "C1", day, day, Money::from_minor(100_00, Currency::EUR)),
    ///          Item::invoice("F2", "C2", day, day, Money::from_minor(100_00, Currency::GBP))],
    ///     vec![], vec![])?;
    /// let s = portfolio_summary(&ledger, &SummaryConfig::new(day), GroupBy::Portfolio)?;
    /// let mut fx = FxRates::new();
    /// fx.insert(Currency::GBP, Currency::EUR, Decimal::new(117, 2))?;
    /// let eur = s.converted(&fx, Currency::EUR, RoundingMode::HalfUp)?;
    /// assert_eq!(eur.portfolio.len(), 1);
    /// assert_eq!(eur.portfolio[0].figures.aging.total, Money::from_minor(217_00, Currency::EUR));
    /// # Ok::<(), encours_core::Error>(())
    /// ```
    pub fn converted(
        &self,
        fx: &FxRates,
        base: Currency,
        mode: RoundingMode,
    ) -> Result<PortfolioSummary, ReportError> {
        let rows = rows_in_base(&self.rows, fx, base, mode)?;
        let portfolio_in_base = rows_in_base(&self.portfolio, fx, base, mode)?;
        let portfolio = total_row(&portfolio_in_base, base)?;
        let currencies = self.portfolio.iter().map(|r| r.currency);
        Ok(PortfolioSummary {
            config: self.config.clone(),
            group_by: self.group_by,
            labels: self.labels.clone(),
            rows,
            portfolio,
            pareto_items: self.pareto_items.clone(),
            pareto_customers: self.pareto_customers.clone(),
            conversion: Some(Conversion::new(fx, base, mode, currencies)?),
        })
    }

    /// The aging part as an [`AgingReport`]: the rows with something open, and their
    /// totals per currency.
    ///
    /// # Errors
    /// [`ReportError::Money`] on overflow.
    ///
    /// # Example
    /// ```
    /// use encours_core::aging::GroupBy;
    /// use encours_core::metrics::{portfolio_summary, SummaryConfig};
    /// use encours_core::ledger::Ledger;
    /// use chrono::NaiveDate;
    /// let s = portfolio_summary(&Ledger::default(),
    ///     &SummaryConfig::new(NaiveDate::from_ymd_opt(2024, 6, 30).unwrap()), GroupBy::Customer)?;
    /// assert_eq!(s.aging_report()?.labels.len(), 6);
    /// # Ok::<(), encours_core::metrics::ReportError>(())
    /// ```
    pub fn aging_report(&self) -> Result<AgingReport, ReportError> {
        let rows: Vec<_> = self
            .rows
            .iter()
            .filter(|r| r.figures.aging.items > 0 || r.figures.aging.credit_items > 0)
            .map(|r| Row {
                key: r.key.clone(),
                name: r.name.clone(),
                currency: r.currency,
                customers: r.customers,
                figures: r.figures.aging.clone(),
            })
            .collect();
        let totals = match &self.conversion {
            Some(c) => total_row(&rows, c.base)?,
            None => crate::aging::totals_of(&rows)?,
        };
        Ok(AgingReport {
            as_of: self.config.as_of,
            group_by: self.group_by,
            buckets: self.config.buckets.clone(),
            labels: self.labels.clone(),
            rows,
            totals,
            conversion: self.conversion.clone(),
        })
    }
}

/// Aging and every metric, per key and for the portfolio, in one pass over each
/// customer's items (per-customer figures are accumulated straight into their row;
/// the portfolio rows are the rows merged per currency).
///
/// # Errors
/// [`ReportError::InvalidConfig`] for a bad setting (see [`SummaryConfig::validate`]);
/// [`ReportError::DateOutOfRange`]; overflow.
///
/// # Example
/// See [`PortfolioSummary`].
pub fn portfolio_summary(
    ledger: &Ledger,
    config: &SummaryConfig,
    group_by: GroupBy,
) -> Result<PortfolioSummary, ReportError> {
    let run = engine::run(ledger, config, group_by, engine::Want::ALL)?;
    let rows = run.rows(|_| true, |a, c| run.summary(a, c))?;
    let merged = run.portfolio()?;
    let portfolio = merged
        .iter()
        .map(|r| run.row(r, |a, c| run.summary(a, c)))
        .collect::<Result<Vec<_>, _>>()?;
    let share = config.pareto_share;
    let pareto_rows = |unit: ParetoUnit| -> Result<Vec<Row<Pareto>>, ReportError> {
        merged
            .iter()
            .filter(|r| r.agg.items > 0)
            .map(|r| {
                Ok(Row {
                    key: None,
                    name: None,
                    currency: r.currency,
                    customers: r.customers,
                    figures: pareto_set(run.pareto_entries(r, unit)?, unit, share, r.currency)?,
                })
            })
            .collect()
    };
    Ok(PortfolioSummary {
        config: config.clone(),
        group_by,
        labels: config.buckets.labels(),
        rows,
        portfolio,
        pareto_items: pareto_rows(ParetoUnit::Items)?,
        pareto_customers: pareto_rows(ParetoUnit::Customers)?,
        conversion: None,
    })
}

// ---------------------------------------------------------------------------------
// The engine: one pass over each customer's items
// ---------------------------------------------------------------------------------

pub(crate) mod engine {
    use std::borrow::Cow;
    use std::collections::HashMap;

    use rayon::prelude::*;

    use chrono::{Datelike, Months, NaiveDate};
    use rust_decimal::Decimal;

    use super::{
        COUNT_BACK_MONTHS, Cei, CountBackDso, CountBackMonth, ParetoUnit, PaymentBehaviour,
        ReportError, Row, SCORE_DECIMALS, SimpleDso, Summary, SummaryConfig, days_back, overflow,
    };
    use crate::aging::{AgingFigures, AgingReport, GroupBy};
    use crate::ledger::{CE_TO_EPOCH, NO_DAY, ledger_kind};
    use crate::ledger::{CustomerIx, CustomerView, IdRef, ItemIx, Ledger};
    use crate::money::{Currency, Money, MoneyError};

    /// What to collect beyond the fixed-size sums.
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Want {
        pareto_items: bool,
        pareto_customers: bool,
    }

    impl Want {
        pub(crate) const NONE: Want = Want {
            pareto_items: false,
            pareto_customers: false,
        };
        pub(crate) const AGING: Want = Want::NONE;
        pub(crate) const ALL: Want = Want {
            pareto_items: true,
            pareto_customers: true,
        };
        pub(crate) fn pareto(unit: ParetoUnit) -> Want {
            Want {
                pareto_items: unit == ParetoUnit::Items,
                pareto_customers: unit == ParetoUnit::Customers,
            }
        }
    }

    /// An amount as an exact count of its currency's minor units.
    ///
    /// The ledger only holds whole minor units (it refuses anything finer), so the sums
    /// of the hot loop are plain integers: exact, and far cheaper than decimal additions.
    #[inline]
    fn minor(d: Decimal, units: u32) -> Result<i128, ReportError> {
        let (m, scale) = (d.mantissa(), d.scale());
        if scale == units {
            return Ok(m);
        }
        if scale < units {
            return 10i128
                .checked_pow(units - scale)
                .and_then(|p| m.checked_mul(p))
                .ok_or_else(|| overflow("to minor units"));
        }
        let p = 10i128
            .checked_pow(scale - units)
            .ok_or_else(|| overflow("to minor units"))?;
        if m % p != 0 {
            return Err(ReportError::Money(MoneyError::InvalidAmount {
                field: "amount",
                value: d.to_string(),
                reason: format!("has digits below the minor unit ({units} decimals)"),
            }));
        }
        Ok(m / p)
    }

    /// A count of units of `10^-scale` back to a decimal.
    fn to_decimal(v: i128, scale: u32) -> Result<Decimal, ReportError> {
        Decimal::try_from_i128_with_scale(v, scale).map_err(|_| overflow("to decimal"))
    }

    #[inline]
    fn add(slot: &mut i128, v: i128) -> Result<(), ReportError> {
        *slot = slot.checked_add(v).ok_or_else(|| overflow("add"))?;
        Ok(())
    }

    #[inline]
    fn mul(a: i128, b: i128) -> Result<i128, ReportError> {
        a.checked_mul(b).ok_or_else(|| overflow("multiply"))
    }

    /// Dates and tables derived once from the configuration.
    struct Plan {
        as_of: NaiveDate,
        /// The same dates as day numbers of the ledger's columns.
        as_of_epoch: i32,
        dso_start_epoch: i32,
        cei_from_epoch: i32,
        cei_begin_epoch: i32,
        paid_start_epoch: i32,
        oldest_month_epoch: i32,
        edges: Vec<i64>,
        /// `month_edges[k]` = as_of − k months; month k is `(edges[k+1], edges[k]]`.
        month_edges: [NaiveDate; COUNT_BACK_MONTHS + 1],
        /// Month index by `as_of − issue date` in days.
        month_of_offset: Vec<u8>,
        cei_from: NaiveDate,
        paid_start: NaiveDate,
        score_first: i64,
        /// Score per day beyond terms from `score_first`, in units of 10^-SCORE_DECIMALS.
        scores: Vec<i128>,
    }

    impl Plan {
        fn new(config: &SummaryConfig) -> Result<Plan, ReportError> {
            config.validate()?;
            let as_of = config.as_of;
            let mut month_edges = [as_of; COUNT_BACK_MONTHS + 1];
            for (k, slot) in month_edges.iter_mut().enumerate() {
                *slot = as_of
                    .checked_sub_months(Months::new(k as u32))
                    .ok_or_else(|| ReportError::DateOutOfRange {
                        field: "count-back months",
                        date: as_of,
                        days_or_months: format!("{k} months"),
                    })?;
            }
            let mut month_of_offset = Vec::with_capacity(366);
            for k in 0..COUNT_BACK_MONTHS {
                let (Some(newer), Some(older)) = (month_edges.get(k), month_edges.get(k + 1))
                else {
                    continue;
                };
                let n = newer.num_days_from_ce() - older.num_days_from_ce();
                for _ in 0..n {
                    month_of_offset.push(k as u8);
                }
            }
            let cei_from = config.cei_start()?;
            let cei_begin = cei_from.pred_opt().ok_or(ReportError::DateOutOfRange {
                field: "cei beginning",
                date: cei_from,
                days_or_months: "1 day".into(),
            })?;
            let anchors = config.payment_index.anchors();
            let score_first = anchors.first().map_or(0, |a| a.days_beyond_terms);
            let score_last = anchors.last().map_or(0, |a| a.days_beyond_terms);
            let scores = (score_first..=score_last)
                .map(|d| minor(config.payment_index.score(d), SCORE_DECIMALS))
                .collect::<Result<_, _>>()?;
            let dso_start = days_back("dso period", as_of, config.dso_days)?;
            let paid_start = days_back("payment window", as_of, config.payment_window_days)?;
            let epoch = |d: NaiveDate| d.num_days_from_ce() - CE_TO_EPOCH;
            Ok(Plan {
                as_of,
                as_of_epoch: epoch(as_of),
                dso_start_epoch: epoch(dso_start),
                cei_from_epoch: epoch(cei_from),
                cei_begin_epoch: epoch(cei_begin),
                paid_start_epoch: epoch(paid_start),
                oldest_month_epoch: epoch(month_edges.last().copied().unwrap_or(as_of)),
                edges: config.buckets.edges().to_vec(),
                month_edges,
                month_of_offset,
                cei_from,
                paid_start,
                score_first,
                scores,
            })
        }

        #[inline]
        fn score(&self, days: i64) -> i128 {
            // Clamped at both ends of the table, as the scale is.
            let ix = usize::try_from(days.saturating_sub(self.score_first)).unwrap_or(0);
            self.scores
                .get(ix)
                .or_else(|| self.scores.last())
                .copied()
                .unwrap_or_default()
        }
    }

    /// Fixed-size sums for one row, in minor units of the row's currency.
    #[derive(Debug, Clone, Default)]
    pub(crate) struct Agg {
        pub buckets: Vec<i128>,
        pub total: i128,
        pub disputed: i128,
        pub credits: i128,
        pub current: i128,
        pub items: u64,
        pub credit_items: u64,
        pub sales_window: i128,
        pub months: [i128; COUNT_BACK_MONTHS],
        pub begin_ar: i128,
        pub cei_sales: i128,
        pub paid_items: u64,
        pub paid_amount: i128,
        /// Σ amount × days beyond terms.
        pub paid_weighted_days: i128,
        /// Σ amount × score, the score in units of 10^-SCORE_DECIMALS.
        pub paid_weighted_score: i128,
    }

    impl Agg {
        fn merge(&mut self, o: &Agg) -> Result<(), ReportError> {
            for (a, b) in self.buckets.iter_mut().zip(&o.buckets) {
                add(a, *b)?;
            }
            for (a, b) in self.months.iter_mut().zip(&o.months) {
                add(a, *b)?;
            }
            add(&mut self.total, o.total)?;
            add(&mut self.disputed, o.disputed)?;
            add(&mut self.credits, o.credits)?;
            add(&mut self.current, o.current)?;
            self.items = self.items.saturating_add(o.items);
            self.credit_items = self.credit_items.saturating_add(o.credit_items);
            add(&mut self.sales_window, o.sales_window)?;
            add(&mut self.begin_ar, o.begin_ar)?;
            add(&mut self.cei_sales, o.cei_sales)?;
            self.paid_items = self.paid_items.saturating_add(o.paid_items);
            add(&mut self.paid_amount, o.paid_amount)?;
            add(&mut self.paid_weighted_days, o.paid_weighted_days)?;
            add(&mut self.paid_weighted_score, o.paid_weighted_score)?;
            Ok(())
        }
    }

    /// A row being accumulated; keys borrow from the ledger.
    pub(crate) struct RowAcc<'l> {
        pub key: Option<&'l str>,
        pub name: Option<&'l str>,
        pub currency: Currency,
        pub customers: u64,
        pub agg: Agg,
        /// (item position, open minor units) of open debits, when asked for.
        items: Vec<(usize, i128)>,
        /// (customer position, open debits in minor units), when asked for.
        customers_open: Vec<(usize, i128)>,
    }

    /// The accumulated rows, sorted by key then currency.
    pub(crate) struct Run<'l> {
        ledger: &'l Ledger,
        plan: Plan,
        config: SummaryConfig,
        pub rows: Vec<RowAcc<'l>>,
    }

    fn key_of(ledger: &Ledger, cix: usize, group_by: GroupBy) -> (Option<&str>, Option<&str>) {
        fn id_name(c: Option<CustomerView<'_>>) -> (Option<&str>, Option<&str>) {
            c.map_or((None, None), |c| (Some(c.id), Some(c.name)))
        }
        let view = |c: usize| ledger.customer_view(CustomerIx::new(c));
        match group_by {
            GroupBy::Customer => id_name(view(cix)),
            GroupBy::Segment => (view(cix).and_then(|c| c.segment()), None),
            GroupBy::Group => id_name(view(ledger.group_root(CustomerIx::new(cix)).index())),
            GroupBy::Portfolio => (None, None),
        }
    }

    /// Accumulate every row in two sequential passes: the items in storage order, then
    /// the payments in storage order.
    ///
    /// Items are stored in load order (usually issue order), not by customer; walking
    /// them customer by customer chases three pointers per item across the whole ledger
    /// (item → its application list → application), each a cache miss at scale. In
    /// storage order those reads stream, and the only random accesses are the additions
    /// into the item's row, whose address is known up front from a customer → row table.
    pub(crate) fn run<'l>(
        ledger: &'l Ledger,
        config: &SummaryConfig,
        group_by: GroupBy,
        want: Want,
    ) -> Result<Run<'l>, ReportError> {
        let plan = Plan::new(config)?;
        let nb = plan.edges.len() + 1;
        let ncust = ledger.customer_count();
        // Rows are found by a cheap key: the customer itself, the group root's position,
        // or (for the few segment and portfolio rows) the segment name.
        let mut by_index: HashMap<(usize, Currency), usize> = HashMap::new();
        let mut by_name: HashMap<(Option<&'l str>, Currency), usize> = HashMap::new();
        let mut rows: Vec<RowAcc<'l>> = Vec::with_capacity(match group_by {
            GroupBy::Customer => ncust,
            _ => 16,
        });
        let mut row_of_customer: Vec<usize> = Vec::with_capacity(ncust);
        for cix in 0..ncust {
            let (key, name) = key_of(ledger, cix, group_by);
            let currency = ledger.currency_of(cix as u32);
            let mut new_row = || {
                rows.push(RowAcc {
                    key,
                    name,
                    currency,
                    customers: 0,
                    agg: Agg::default(),
                    items: Vec::new(),
                    customers_open: Vec::new(),
                });
                rows.len() - 1
            };
            let r = match group_by {
                GroupBy::Customer => new_row(),
                GroupBy::Group => *by_index
                    .entry((ledger.group_root(CustomerIx::new(cix)).index(), currency))
                    .or_insert_with(new_row),
                GroupBy::Segment | GroupBy::Portfolio => {
                    *by_name.entry((key, currency)).or_insert_with(new_row)
                }
            };
            row_of_customer.push(r);
        }
        // Buckets live in one flat array (row × bucket) so that a row's sums need no
        // pointer of their own during the pass.
        let as_of = plan.as_of_epoch;
        // The items pass, split over threads: each part sums into its own rows, and the
        // parts are added up in order. Sums are integers (minor units), so the result
        // is the same whatever the number of threads.
        let nrows = rows.len();
        let pass = |range: std::ops::Range<usize>| -> Result<Part, ReportError> {
            let mut p = Part::new(nrows, nb, ncust, want.pareto_customers);
            for ix in range {
                if ledger.i.issue.get(ix).is_none_or(|d| *d > as_of) {
                    continue;
                }
                let Some(cix) = ledger.i.customer.get(ix).map(|c| *c as usize) else {
                    continue;
                };
                let Some(r) = row_of_customer.get(cix).copied() else {
                    continue;
                };
                let (Some(agg), Some(row_buckets)) =
                    (p.aggs.get_mut(r), p.buckets.get_mut(r * nb..(r + 1) * nb))
                else {
                    continue;
                };
                let c = accumulate_item(ledger, ix, &plan, agg, row_buckets)?;
                if c.touched
                    && let Some(t) = p.touched.get_mut(cix)
                {
                    *t = true;
                }
                if c.open > 0 {
                    if want.pareto_items {
                        p.open_items.push((r, ix, c.open));
                    }
                    if let Some(slot) = p.customer_open.get_mut(cix) {
                        add(slot, c.open)?;
                    }
                }
            }
            Ok(p)
        };
        let parts: Vec<Result<Part, ReportError>> = item_ranges(ledger.item_count())
            .into_par_iter()
            .map(pass)
            .collect();
        let mut buckets = vec![0i128; nrows * nb];
        let mut touched = vec![false; ncust];
        let mut open_items: Vec<(usize, usize, i128)> = Vec::new();
        let mut customer_open = if want.pareto_customers {
            vec![0i128; ncust]
        } else {
            Vec::new()
        };
        for part in parts {
            let part = part?;
            for (row, agg) in rows.iter_mut().zip(&part.aggs) {
                row.agg.merge(agg)?;
            }
            for (a, b) in buckets.iter_mut().zip(&part.buckets) {
                add(a, *b)?;
            }
            for (a, b) in touched.iter_mut().zip(&part.touched) {
                *a |= *b;
            }
            for (a, b) in customer_open.iter_mut().zip(&part.customer_open) {
                add(a, *b)?;
            }
            open_items.extend(part.open_items);
        }
        for pix in 0..ledger.payment_count() {
            let Some(cix) = ledger.p.customer.get(pix).map(|c| *c as usize) else {
                continue;
            };
            let Some(row) = row_of_customer.get(cix).and_then(|r| rows.get_mut(*r)) else {
                continue;
            };
            let unapplied = i128::from(ledger.payment_unapplied_minor(pix, as_of));
            if unapplied > 0 {
                add(&mut row.agg.credits, unapplied)?;
                row.agg.credit_items += 1;
                if let Some(t) = touched.get_mut(cix) {
                    *t = true;
                }
            }
        }
        for (cix, t) in touched.iter().enumerate() {
            if *t && let Some(row) = row_of_customer.get(cix).and_then(|r| rows.get_mut(*r)) {
                row.customers += 1;
            }
        }
        for (r, row) in rows.iter_mut().enumerate() {
            row.agg.buckets = buckets
                .get(r * nb..(r + 1) * nb)
                .map_or_else(|| vec![0; nb], <[i128]>::to_vec);
        }
        for (r, ix, open) in open_items {
            if let Some(row) = rows.get_mut(r) {
                row.items.push((ix, open));
            }
        }
        for (cix, open) in customer_open.iter().enumerate() {
            if *open > 0
                && let Some(row) = row_of_customer.get(cix).and_then(|r| rows.get_mut(*r))
            {
                row.customers_open.push((cix, *open));
            }
        }
        // Sort positions, not the rows: a row's sums are a few hundred bytes.
        let mut order: Vec<usize> = (0..rows.len())
            .filter(|r| rows.get(*r).is_some_and(|row| row.customers > 0))
            .collect();
        order.sort_unstable_by(|a, b| {
            let key = |r: &usize| rows.get(*r).map(|row| (row.key, row.currency));
            key(a).cmp(&key(b))
        });
        let mut slots: Vec<Option<RowAcc<'l>>> = rows.into_iter().map(Some).collect();
        let mut rows = Vec::with_capacity(order.len());
        for r in order {
            if let Some(row) = slots.get_mut(r).and_then(Option::take) {
                rows.push(row);
            }
        }
        Ok(Run {
            ledger,
            plan,
            config: config.clone(),
            rows,
        })
    }

    /// One thread's share of the items pass.
    struct Part {
        aggs: Vec<Agg>,
        buckets: Vec<i128>,
        touched: Vec<bool>,
        open_items: Vec<(usize, usize, i128)>,
        customer_open: Vec<i128>,
    }

    impl Part {
        fn new(rows: usize, nb: usize, customers: usize, pareto_customers: bool) -> Part {
            Part {
                aggs: vec![Agg::default(); rows],
                buckets: vec![0; rows * nb],
                touched: vec![false; customers],
                open_items: Vec::new(),
                customer_open: if pareto_customers {
                    vec![0; customers]
                } else {
                    Vec::new()
                },
            }
        }
    }

    /// Item ranges for the threads: one range for a small ledger (threads would cost
    /// more than they save), else one per thread: each part holds a copy of the rows.
    fn item_ranges(n: usize) -> Vec<std::ops::Range<usize>> {
        const MIN_PART: usize = 1 << 16;
        let parts = rayon::current_num_threads().min(n / MIN_PART).max(1);
        let size = n.div_ceil(parts).max(1);
        (0..parts)
            .map(|k| (k * size).min(n)..((k + 1) * size).min(n))
            .collect()
    }

    /// What one item contributed, beyond the row sums.
    #[derive(Default)]
    struct Contribution {
        touched: bool,
        open: i128,
    }

    /// Add one item to its row's sums, read from the ledger's columns (minor units and
    /// day numbers: nothing converted, nothing allocated).
    #[inline]
    fn accumulate_item(
        ledger: &Ledger,
        ix: usize,
        plan: &Plan,
        agg: &mut Agg,
        buckets: &mut [i128],
    ) -> Result<Contribution, ReportError> {
        let mut c = Contribution::default();
        let as_of = plan.as_of_epoch;
        let cols = &ledger.i;
        let (Some(&flags), Some(&amount), Some(&issue), Some(&due), Some(&last_any)) = (
            cols.flags.get(ix),
            cols.amount.get(ix),
            cols.issue.get(ix),
            cols.due.get(ix),
            cols.last.get(ix),
        ) else {
            return Ok(c);
        };
        let amount = i128::from(amount);
        let (settled, settled_begin, last) = if last_any == NO_DAY {
            (0, 0, None)
        } else if last_any <= plan.cei_begin_epoch && last_any <= as_of {
            let all = i128::from(cols.applied.get(ix).copied().unwrap_or_default());
            (all, all, Some(last_any))
        } else {
            let mut settled = 0i128;
            let mut settled_begin = 0i128;
            let mut last = None;
            for a in ledger.app_positions_of_item(ItemIx::new(ix)) {
                let (Some(&d), Some(&m)) = (ledger.a.date.get(a), ledger.a.amount.get(a)) else {
                    continue;
                };
                if d <= as_of {
                    settled += i128::from(m);
                    last = last.max(Some(d));
                    if d <= plan.cei_begin_epoch {
                        settled_begin += i128::from(m);
                    }
                }
            }
            (settled, settled_begin, last)
        };
        let open = amount - settled; // settled ≤ amount: the ledger never over-applies
        if !ledger_kind(flags).is_debit() {
            if open > 0 {
                add(&mut agg.credits, open)?;
                agg.credit_items += 1;
                c.touched = true;
            }
            return Ok(c);
        }
        if open > 0 {
            let overdue = i64::from(as_of) - i64::from(due);
            let b = plan.edges.partition_point(|e| *e < overdue);
            if let Some(slot) = buckets.get_mut(b) {
                add(slot, open)?;
            }
            add(&mut agg.total, open)?;
            agg.items += 1;
            if overdue <= 0 {
                add(&mut agg.current, open)?;
            }
            if let Some(dispute) = ledger.item_dispute(ix)
                && dispute.is_active(plan.as_of)
            {
                let units = dispute.amount.currency().minor_units();
                add(
                    &mut agg.disputed,
                    minor(dispute.amount.amount(), units)?.min(open),
                )?;
            }
            c.open = open;
            c.touched = true;
        } else if let Some(last) = last
            && last > plan.paid_start_epoch
        {
            let late = i64::from(last) - i64::from(due);
            agg.paid_items += 1;
            add(&mut agg.paid_amount, amount)?;
            add(&mut agg.paid_weighted_days, mul(amount, i128::from(late))?)?;
            add(&mut agg.paid_weighted_score, mul(amount, plan.score(late))?)?;
            c.touched = true;
        }
        if issue > plan.oldest_month_epoch {
            let offset = as_of - issue;
            if let Some(k) = usize::try_from(offset)
                .ok()
                .and_then(|o| plan.month_of_offset.get(o))
                && let Some(slot) = agg.months.get_mut(usize::from(*k))
            {
                add(slot, amount)?;
            }
            c.touched = true;
        }
        if issue > plan.dso_start_epoch {
            add(&mut agg.sales_window, amount)?;
            c.touched = true;
        }
        if issue >= plan.cei_from_epoch {
            add(&mut agg.cei_sales, amount)?;
            c.touched = true;
        } else {
            // Issued before the CEI period: part of the beginning AR if open then.
            let open_then = amount - settled_begin;
            if open_then > 0 {
                add(&mut agg.begin_ar, open_then)?;
                c.touched = true;
            }
        }
        Ok(c)
    }

    impl<'l> Run<'l> {
        /// The rows merged per currency (key `None`), with their Pareto entries.
        pub(crate) fn portfolio(&self) -> Result<Vec<RowAcc<'l>>, ReportError> {
            let mut currencies: Vec<Currency> = self.rows.iter().map(|r| r.currency).collect();
            currencies.sort_unstable();
            currencies.dedup();
            let mut out = Vec::with_capacity(currencies.len());
            for currency in currencies {
                let same = || self.rows.iter().filter(move |r| r.currency == currency);
                let mut merged = RowAcc {
                    key: None,
                    name: None,
                    currency,
                    customers: 0,
                    agg: Agg::default(),
                    items: Vec::with_capacity(same().map(|r| r.items.len()).sum()),
                    customers_open: Vec::with_capacity(
                        same().map(|r| r.customers_open.len()).sum(),
                    ),
                };
                for r in same() {
                    if merged.customers == 0 {
                        merged.agg = r.agg.clone();
                    } else {
                        merged.agg.merge(&r.agg)?;
                    }
                    merged.customers = merged.customers.saturating_add(r.customers);
                    merged.items.extend_from_slice(&r.items);
                    merged.customers_open.extend_from_slice(&r.customers_open);
                }
                out.push(merged);
            }
            Ok(out)
        }

        /// `(id, open amount)` entries of a row for a Pareto set.
        pub(crate) fn pareto_entries(
            &self,
            r: &RowAcc<'l>,
            unit: ParetoUnit,
        ) -> Result<Vec<(Cow<'l, str>, Decimal)>, ReportError> {
            let ledger = self.ledger;
            let units = r.currency.minor_units();
            let mut out = Vec::new();
            match unit {
                ParetoUnit::Items => {
                    out.reserve_exact(r.items.len());
                    for (ix, open) in &r.items {
                        let id = match ledger.item_id(ItemIx::new(*ix)) {
                            Some(IdRef::Str(s)) => Cow::Borrowed(s),
                            Some(IdRef::Int(n)) => Cow::Owned(n.to_string()),
                            None => continue,
                        };
                        out.push((id, to_decimal(*open, units)?));
                    }
                }
                // Each customer feeds exactly one row, so merged rows hold no repeats.
                ParetoUnit::Customers => {
                    out.reserve_exact(r.customers_open.len());
                    for (cix, open) in &r.customers_open {
                        if let Some(id) = ledger.customer_id(CustomerIx::new(*cix)) {
                            out.push((Cow::Borrowed(id), to_decimal(*open, units)?));
                        }
                    }
                }
            }
            Ok(out)
        }

        pub(crate) fn row<T>(
            &self,
            r: &RowAcc<'l>,
            figures: impl Fn(&Agg, Currency) -> Result<T, ReportError>,
        ) -> Result<Row<T>, ReportError> {
            Ok(Row {
                key: r.key.map(str::to_owned),
                name: r.name.map(str::to_owned),
                currency: r.currency,
                customers: r.customers,
                figures: figures(&r.agg, r.currency)?,
            })
        }

        /// Rows built with `figures`, for the rows `keep` selects.
        pub(crate) fn rows<T>(
            &self,
            keep: impl Fn(&Agg) -> bool,
            figures: impl Fn(&Agg, Currency) -> Result<T, ReportError>,
        ) -> Result<Vec<Row<T>>, ReportError> {
            let mut out = Vec::with_capacity(self.rows.len());
            for r in self.rows.iter().filter(|r| keep(&r.agg)) {
                out.push(self.row(r, &figures)?);
            }
            Ok(out)
        }

        pub(crate) fn aging(&self, a: &Agg, c: Currency) -> Result<AgingFigures, ReportError> {
            let units = c.minor_units();
            let m = |v: i128| Ok::<_, ReportError>(Money::new(to_decimal(v, units)?, c));
            Ok(AgingFigures {
                buckets: a.buckets.iter().map(|v| m(*v)).collect::<Result<_, _>>()?,
                total: m(a.total)?,
                disputed: m(a.disputed)?,
                credits: m(a.credits)?,
                net: m(a.total - a.credits)?,
                items: a.items,
                credit_items: a.credit_items,
            })
        }

        pub(crate) fn simple_dso(&self, a: &Agg, c: Currency) -> Result<SimpleDso, ReportError> {
            let units = c.minor_units();
            SimpleDso::compute(
                Money::new(to_decimal(a.total, units)?, c),
                Money::new(to_decimal(a.current, units)?, c),
                Money::new(to_decimal(a.sales_window, units)?, c),
                self.config.dso_days,
            )
        }

        pub(crate) fn count_back(&self, a: &Agg, c: Currency) -> Result<CountBackDso, ReportError> {
            let units = c.minor_units();
            let e = &self.plan.month_edges;
            let mut months = Vec::with_capacity(COUNT_BACK_MONTHS);
            for (k, sales) in a.months.iter().enumerate() {
                let end = e.get(k).copied().unwrap_or(self.plan.as_of);
                let start = e.get(k + 1).copied().unwrap_or(end);
                let days =
                    u32::try_from(end.num_days_from_ce() - start.num_days_from_ce()).unwrap_or(0);
                months.push(CountBackMonth::new(
                    end,
                    days,
                    Money::new(to_decimal(*sales, units)?, c),
                ));
            }
            CountBackDso::compute(Money::new(to_decimal(a.total, units)?, c), months)
        }

        pub(crate) fn cei(&self, a: &Agg, c: Currency) -> Result<Cei, ReportError> {
            let units = c.minor_units();
            let m = |v: i128| Ok::<_, ReportError>(Money::new(to_decimal(v, units)?, c));
            Cei::compute(
                self.plan.cei_from,
                self.plan.as_of,
                m(a.begin_ar)?,
                m(a.cei_sales)?,
                self.config.cei_sales_divisor,
                m(a.total)?,
                m(a.current)?,
            )
        }

        pub(crate) fn payment(
            &self,
            a: &Agg,
            c: Currency,
        ) -> Result<PaymentBehaviour, ReportError> {
            let units = c.minor_units();
            PaymentBehaviour::compute(
                self.plan.paid_start,
                self.plan.as_of,
                a.paid_items,
                Money::new(to_decimal(a.paid_amount, units)?, c),
                to_decimal(a.paid_weighted_days, units)?,
                to_decimal(a.paid_weighted_score, units + SCORE_DECIMALS)?,
            )
        }

        pub(crate) fn summary(&self, a: &Agg, c: Currency) -> Result<Summary, ReportError> {
            Ok(Summary {
                aging: self.aging(a, c)?,
                dso: self.simple_dso(a, c)?,
                count_back: self.count_back(a, c)?,
                cei: self.cei(a, c)?,
                payment: self.payment(a, c)?,
            })
        }

        pub(crate) fn aging_report(
            &self,
            config: &SummaryConfig,
            group_by: GroupBy,
        ) -> Result<AgingReport, ReportError> {
            let rows = self.rows(
                |a| a.items > 0 || a.credit_items > 0,
                |a, c| self.aging(a, c),
            )?;
            let totals = crate::aging::totals_of(&rows)?;
            Ok(AgingReport {
                as_of: config.as_of,
                group_by,
                buckets: config.buckets.clone(),
                labels: config.buckets.labels(),
                rows,
                totals,
                conversion: None,
            })
        }
    }
}
