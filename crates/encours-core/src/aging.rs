//! Aging (*balance âgée*): open amounts by bucket of days overdue, per customer, segment,
//! group and portfolio, *as of* any date.
//!
//! Open debits (invoices, debit notes) are aged by due date: days overdue = as-of − due
//! date, in right-closed buckets (the default is not due (≤ 0), 1–30, 31–60, 61–90,
//! 91–180, > 180). Open credit notes and unapplied cash are not aged: they are shown
//! as `credits`, and `net = total − credits`. The disputed part of the open debits is
//! shown in its own column; it is *included* in the buckets.
//!
//! Amounts are never added across currencies: a row is one key in one currency, and
//! the totals are one row per currency. [`AgingReport::converted`] turns a report into
//! one currency with caller-given rates.
//!
//! ```
//! use encours_core::aging::{aging, AgingBuckets, GroupBy};
//! use encours_core::ledger::{Customer, Item, Ledger};
//! use encours_core::money::{Currency, Money};
//! use chrono::NaiveDate;
//! let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
//! let eur = |c| Money::from_minor(c, Currency::EUR);
//! let ledger = Ledger::new(
//!     vec![Customer::new("C1", "Dupont SA", Currency::EUR)],
//!     vec![Item::invoice("F1", "C1", d(1, 1), d(1, 31), eur(100_00)),
//!          Item::invoice("F2", "C1", d(3, 1), d(3, 31), eur(50_00))],
//!     vec![], vec![],
//! )?;
//! let report = aging(&ledger, d(3, 15), &AgingBuckets::standard(), GroupBy::Customer)?;
//! assert_eq!(report.labels, ["not_due", "1-30", "31-60", "61-90", "91-180", ">180"]);
//! let row = &report.rows[0];
//! // F1 is 44 days overdue on 15 March; F2 is not due yet.
//! assert_eq!(row.figures.buckets[0], eur(50_00));
//! assert_eq!(row.figures.buckets[2], eur(100_00));
//! assert_eq!(row.figures.total, eur(150_00));
//! # Ok::<(), encours_core::Error>(())
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ledger::Ledger;
use crate::metrics::{
    self, Conversion, Figures, ReportError, Row, SummaryConfig, add_money, rows_in_base,
};
use crate::money::{Currency, FxRates, Money, RoundingMode};

/// How rows are keyed.
///
/// ```
/// use encours_core::aging::GroupBy;
/// assert_eq!(serde_json::to_string(&GroupBy::Segment)?, "\"segment\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// One row per customer account: key = customer id, name = customer name.
    #[default]
    Customer,
    /// One row per segment: key = the customer's segment, `None` for customers
    /// without one.
    Segment,
    /// One row per group: key = the id of the top of the customer's parent chain
    /// ([`Ledger::group_root`]), name = that customer's name. A customer without a
    /// parent is its own group.
    Group,
    /// One row for the whole portfolio: key `None`.
    Portfolio,
}

/// Upper edges of the aging buckets, in days overdue, right-closed.
///
/// Edges `[e0, e1, …, en]` make `n + 2` buckets: `(−∞, e0]`, `(e0, e1]`, …,
/// `(en, +∞)`. The default `[0, 30, 60, 90, 180]` gives not due (≤ 0), 1–30, 31–60,
/// 61–90, 91–180 and > 180. Edges must be strictly increasing; serde reads and writes
/// `{"edges": [...]}` and validates on read.
///
/// ```
/// use encours_core::aging::AgingBuckets;
/// let b = AgingBuckets::new(vec![0, 15, 45])?;
/// assert_eq!(b.labels(), ["not_due", "1-15", "16-45", ">45"]);
/// assert_eq!((b.bucket_of(-3), b.bucket_of(0), b.bucket_of(1), b.bucket_of(46)), (0, 0, 1, 3));
/// assert!(AgingBuckets::new(vec![0, 60, 30]).is_err());
/// # Ok::<(), encours_core::metrics::ReportError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "BucketsRepr", into = "BucketsRepr")]
pub struct AgingBuckets {
    edges: Vec<i64>,
}

#[derive(Serialize, Deserialize)]
struct BucketsRepr {
    edges: Vec<i64>,
}

impl TryFrom<BucketsRepr> for AgingBuckets {
    type Error = ReportError;
    fn try_from(r: BucketsRepr) -> Result<Self, Self::Error> {
        AgingBuckets::new(r.edges)
    }
}

impl From<AgingBuckets> for BucketsRepr {
    fn from(b: AgingBuckets) -> Self {
        BucketsRepr { edges: b.edges }
    }
}

impl Default for AgingBuckets {
    fn default() -> Self {
        AgingBuckets::standard()
    }
}

/// Most edges accepted: a report with more columns than this is a configuration error.
const MAX_EDGES: usize = 64;

impl AgingBuckets {
    /// Buckets from their upper edges (days overdue, strictly increasing, 1 to 64 of
    /// them).
    ///
    /// # Errors
    /// [`ReportError::InvalidConfig`] naming the first edge that is not above the one
    /// before it, or the count when there are no edges or more than 64.
    ///
    /// # Example
    /// ```
    /// use encours_core::aging::AgingBuckets;
    /// let err = AgingBuckets::new(vec![0, 30, 30]).unwrap_err();
    /// assert_eq!(err.to_string(),
    ///     "invalid aging bucket edge at position 2: 30 (greater than the previous edge 30)");
    /// # Ok::<(), encours_core::metrics::ReportError>(())
    /// ```
    pub fn new(edges: Vec<i64>) -> Result<AgingBuckets, ReportError> {
        if edges.is_empty() || edges.len() > MAX_EDGES {
            return Err(ReportError::InvalidConfig {
                field: "aging bucket edges".into(),
                value: format!("{} edges", edges.len()),
                expected: format!("1 to {MAX_EDGES} edges"),
            });
        }
        for (i, pair) in edges.windows(2).enumerate() {
            if let [prev, next] = pair
                && next <= prev
            {
                return Err(ReportError::InvalidConfig {
                    field: format!("aging bucket edge at position {}", i + 1),
                    value: next.to_string(),
                    expected: format!("greater than the previous edge {prev}"),
                });
            }
        }
        Ok(AgingBuckets { edges })
    }

    /// Not due (≤ 0), 1–30, 31–60, 61–90, 91–180, > 180.
    pub fn standard() -> AgingBuckets {
        AgingBuckets {
            edges: vec![0, 30, 60, 90, 180],
        }
    }

    /// The upper edges.
    pub fn edges(&self) -> &[i64] {
        &self.edges
    }

    /// Number of buckets (edges + 1).
    pub fn count(&self) -> usize {
        self.edges.len() + 1
    }

    /// Index of the bucket holding an item `days_overdue` days past its due date.
    pub fn bucket_of(&self, days_overdue: i64) -> usize {
        self.edges.partition_point(|e| *e < days_overdue)
    }

    /// Column labels: `"not_due"` for a first bucket ending at 0 (`"<=e0"` otherwise),
    /// `"a-b"` for the days `a` to `b` (`"a to b"` when `a` is negative, `"b"` for a
    /// one-day bucket), `">en"` for the last.
    pub fn labels(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.count());
        let mut prev: Option<i64> = None;
        for &e in &self.edges {
            out.push(match prev {
                None if e == 0 => "not_due".to_owned(),
                None => format!("<={e}"),
                Some(p) if p + 1 == e => e.to_string(),
                Some(p) if p + 1 < 0 => format!("{} to {e}", p + 1),
                Some(p) => format!("{}-{e}", p + 1),
            });
            prev = Some(e);
        }
        if let Some(last) = self.edges.last() {
            out.push(format!(">{last}"));
        }
        out
    }
}

/// The aging figures of one row, all in the row's currency.
///
/// ```
/// use encours_core::aging::AgingFigures;
/// use encours_core::money::{Currency, Money};
/// let f = AgingFigures::empty(Currency::EUR, 6);
/// assert_eq!(f.buckets.len(), 6);
/// assert!(f.total.is_zero());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgingFigures {
    /// Open debits per bucket, in the order of [`AgingReport::labels`].
    pub buckets: Vec<Money>,
    /// Sum of the buckets: all open debits.
    pub total: Money,
    /// The part of `total` in active dispute (already inside the buckets).
    pub disputed: Money,
    /// Open credit notes plus unapplied cash, not aged.
    pub credits: Money,
    /// `total − credits`: what the row owes on balance.
    pub net: Money,
    /// Number of open debit items.
    pub items: u64,
    /// Number of open credit notes and payments with unapplied cash.
    pub credit_items: u64,
}

impl AgingFigures {
    /// All zero, with `buckets` buckets.
    pub fn empty(currency: Currency, buckets: usize) -> AgingFigures {
        let zero = Money::zero(currency);
        AgingFigures {
            buckets: vec![zero; buckets],
            total: zero,
            disputed: zero,
            credits: zero,
            net: zero,
            items: 0,
            credit_items: 0,
        }
    }

    fn recompute(&mut self) -> Result<(), ReportError> {
        let currency = self.total.currency();
        let mut total = Money::zero(currency);
        for b in &self.buckets {
            total = add_money(&total, b)?;
        }
        self.total = total;
        self.net = total.checked_sub(&self.credits)?;
        Ok(())
    }
}

impl Figures for AgingFigures {
    /// Each bucket, `disputed` and `credits` converted and rounded on its own; `total`
    /// is the sum of the converted buckets, so the columns still add up.
    fn in_currency(
        &self,
        fx: &FxRates,
        base: Currency,
        mode: RoundingMode,
    ) -> Result<Self, ReportError> {
        let mut out = AgingFigures {
            buckets: self
                .buckets
                .iter()
                .map(|m| fx.convert(m, base, mode))
                .collect::<Result<_, _>>()?,
            total: Money::zero(base),
            disputed: fx.convert(&self.disputed, base, mode)?,
            credits: fx.convert(&self.credits, base, mode)?,
            net: Money::zero(base),
            items: self.items,
            credit_items: self.credit_items,
        };
        out.recompute()?;
        Ok(out)
    }

    fn merge(&mut self, other: &Self) -> Result<(), ReportError> {
        if self.buckets.len() != other.buckets.len() {
            return Err(ReportError::InvalidConfig {
                field: "aging buckets".into(),
                value: format!("{} and {} buckets", self.buckets.len(), other.buckets.len()),
                expected: "rows with the same buckets".into(),
            });
        }
        for (a, b) in self.buckets.iter_mut().zip(&other.buckets) {
            *a = add_money(a, b)?;
        }
        self.disputed = add_money(&self.disputed, &other.disputed)?;
        self.credits = add_money(&self.credits, &other.credits)?;
        self.items = self.items.saturating_add(other.items);
        self.credit_items = self.credit_items.saturating_add(other.credit_items);
        self.recompute()
    }
}

/// One row of an aging report.
pub type AgingRow = Row<AgingFigures>;

/// An aging report as of a date.
///
/// Rows are the keys with something open (debits or credits), sorted by key (`None`
/// first) then currency code; `totals` has one row per currency (key `None`), or one
/// row in the base currency after [`AgingReport::converted`].
///
/// ```
/// use encours_core::aging::{aging, AgingBuckets, GroupBy};
/// use encours_core::ledger::Ledger;
/// use chrono::NaiveDate;
/// let report = aging(&Ledger::default(), NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
///     &AgingBuckets::standard(), GroupBy::Portfolio)?;
/// assert!(report.rows.is_empty() && report.totals.is_empty());
/// # Ok::<(), encours_core::metrics::ReportError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgingReport {
    /// The day the report is taken at the end of.
    pub as_of: NaiveDate,
    /// How rows are keyed.
    pub group_by: GroupBy,
    /// The buckets used.
    pub buckets: AgingBuckets,
    /// One label per bucket.
    pub labels: Vec<String>,
    /// One row per key and currency (per key after conversion).
    pub rows: Vec<AgingRow>,
    /// One row per currency (one row after conversion), key `None`.
    pub totals: Vec<AgingRow>,
    /// The conversion applied, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion: Option<Conversion>,
}

impl AgingReport {
    /// The report in one currency: every row's figures converted with `fx` (each
    /// amount rounded to the base currency's minor unit with `mode`), rows of the same
    /// key merged, and a single total row.
    ///
    /// # Errors
    /// [`ReportError::Money`] with [`crate::money::MoneyError::MissingRate`] naming the
    /// pair when a rate is missing; overflow.
    ///
    /// # Example
    /// ```
    /// use encours_core::aging::{aging, AgingBuckets, GroupBy};
    /// use encours_core::ledger::{Customer, Item, Ledger};
    /// use encours_core::money::{Currency, FxRates, Money, RoundingMode};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    /// let day = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    /// let ledger = Ledger::new(
    ///     vec![Customer::new("C1", "A", Currency::EUR), Customer::new("C2", "B", Currency::USD)],
    ///     vec![Item::invoice("F1", "C1", day, day, Money::from_minor(100_00, Currency::EUR)),
    ///          Item::invoice("F2", "C2", day, day, Money::from_minor(100_00, Currency::USD))],
    ///     vec![], vec![])?;
    /// let report = aging(&ledger, day, &AgingBuckets::standard(), GroupBy::Portfolio)?;
    /// assert_eq!(report.totals.len(), 2);
    /// let mut fx = FxRates::new();
    /// assert!(report.converted(&fx, Currency::EUR, RoundingMode::HalfUp).is_err());
    /// fx.insert(Currency::USD, Currency::EUR, Decimal::new(92, 2))?;
    /// let eur = report.converted(&fx, Currency::EUR, RoundingMode::HalfUp)?;
    /// assert_eq!(eur.totals.len(), 1);
    /// assert_eq!(eur.totals[0].figures.total, Money::from_minor(192_00, Currency::EUR));
    /// # Ok::<(), encours_core::Error>(())
    /// ```
    pub fn converted(
        &self,
        fx: &FxRates,
        base: Currency,
        mode: RoundingMode,
    ) -> Result<AgingReport, ReportError> {
        let rows = rows_in_base(&self.rows, fx, base, mode)?;
        let totals = metrics::total_row(&rows, base)?;
        let currencies = self.rows.iter().map(|r| r.currency);
        Ok(AgingReport {
            as_of: self.as_of,
            group_by: self.group_by,
            buckets: self.buckets.clone(),
            labels: self.labels.clone(),
            rows,
            totals,
            conversion: Some(Conversion::new(fx, base, mode, currencies)?),
        })
    }
}

/// Rows merged per currency (key `None`), sorted by currency.
pub(crate) fn totals_of(rows: &[AgingRow]) -> Result<Vec<AgingRow>, ReportError> {
    let mut out: Vec<AgingRow> = Vec::new();
    for r in rows {
        match out.iter_mut().find(|o| o.currency == r.currency) {
            Some(o) => {
                o.figures.merge(&r.figures)?;
                o.customers = o.customers.saturating_add(r.customers);
            }
            None => out.push(Row {
                key: None,
                name: None,
                currency: r.currency,
                customers: r.customers,
                figures: r.figures.clone(),
            }),
        }
    }
    out.sort_by_key(|r| r.currency);
    Ok(out)
}

/// Age the ledger as of the end of `as_of`: only items, payments and applications
/// dated up to that day count.
///
/// # Errors
/// [`ReportError::Money`] on overflow; [`ReportError::DateOutOfRange`] for an as-of
/// date too close to the calendar limits to look a year back.
///
/// # Example
/// ```
/// use encours_core::aging::{aging, AgingBuckets, GroupBy};
/// use encours_core::ledger::{Customer, Item, Ledger, Payment};
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
/// let eur = |c| Money::from_minor(c, Currency::EUR);
/// let mut ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
///     vec![Item::invoice("F1", "C1", d(8, 1), d(8, 31), eur(500_00))],
///     vec![Payment::new("P1", "C1", d(10, 15), eur(500_00))], vec![])?;
/// ledger.apply_payment("P1", "F1", eur(500_00), d(10, 15))?;
/// let buckets = AgingBuckets::standard();
/// // Paid on 15 October: open and 30 days overdue on 30 September…
/// let sep = aging(&ledger, d(9, 30), &buckets, GroupBy::Customer)?;
/// assert_eq!(sep.rows[0].figures.buckets[1], eur(500_00));
/// // …and gone from the report on 31 October.
/// assert!(aging(&ledger, d(10, 31), &buckets, GroupBy::Customer)?.rows.is_empty());
/// # Ok::<(), encours_core::Error>(())
/// ```
pub fn aging(
    ledger: &Ledger,
    as_of: NaiveDate,
    buckets: &AgingBuckets,
    group_by: GroupBy,
) -> Result<AgingReport, ReportError> {
    let config = SummaryConfig {
        buckets: buckets.clone(),
        ..SummaryConfig::new(as_of)
    };
    let run = metrics::engine::run(ledger, &config, group_by, metrics::engine::Want::AGING)?;
    run.aging_report(&config, group_by)
}
