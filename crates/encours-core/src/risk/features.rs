//! Behavioural features of a customer as of a date, read from the ledger: how it
//! pays, how much of what it owes is late, how it keeps its word.
//!
//! [`feature_table`] computes them for every customer in one pass over the ledger
//! (each item and payment read once); [`customer_features`] for one customer alone.
//! Every feature that cannot be computed (no paid invoice, no balance, no limit) is
//! `None`: missing, never a made-up zero. The scorecard decides what a missing value
//! is worth.
//!
//! The type is the payer profile other modules read (payment plans use it for
//! eligibility): public, documented field by field, and serde-able.
//!
//! Definitions (windows end on the as-of date `D`):
//! - *days beyond terms* (short and long window): amount-weighted average of (date of
//!   last settlement − due date) over the debit items fully settled in the window,
//!   signed (early payment counts negative); the windows are 90 and 365 days by
//!   default ([`FeatureConfig`]);
//! - *trend*: short − long; positive means the customer pays later than it used to;
//! - *payment index*: the amount-weighted 0–100 PAYDEX-like index of the same items
//!   over the long window ([`crate::metrics::PaymentIndexScale`]);
//! - *late share*: of the items settled in the long window, the share (by count)
//!   settled more than `late_tolerance_days` after their due date;
//! - *worst delay*: the most days beyond terms over the items settled in the long
//!   window and the items still open past their due date;
//! - *overdue share*, *over-90 share*: open debits past due (more than 90 days past
//!   due) ÷ open debits;
//! - *dunning level*: the highest level reached in the long window by the dunning
//!   history given (absent without a history);
//! - *broken-promise ratio*: of the promises whose date (plus grace) has passed in the
//!   long window, the share not kept — a promise is kept when the customer's payments
//!   dated from the day it was made to its date plus grace reach its amount (absent
//!   without promises);
//! - *dispute ratio*: disputed amount of the open debits ÷ open debits;
//! - *limit utilisation*: balance ÷ the customer's credit limit (absent without a
//!   positive limit in the account's currency);
//! - *relationship days*: days since the customer's first item or payment;
//! - *portfolio share*: the customer's positive balance ÷ the sum of the positive
//!   balances of the portfolio in the same currency;
//! - *external score*: the most recent external score of a provider with a scale,
//!   normalised to 0–100 ([`super::external`]);
//! - *Altman*: the most recent statement's Altman score, for the model configured.
//!
//! Ratios are rounded half up to 4 decimals, days to 2.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::external::{ProviderScale, scale_for};
use super::ledger_view as lv;
use super::ledger_view::CustomerRead;
use super::statements::{AltmanModel, FinancialStatement, Zone};
use super::{RiskError, invalid, overflow, ratio};
use crate::dunning::History;
use crate::ledger::Ledger;
use crate::metrics::PaymentIndexScale;
use crate::money::{Currency, Money, MoneyError, RoundingMode};
use crate::promises::PromiseToPay;

/// Decimals of ratios.
pub const RATIO_DECIMALS: u32 = 4;
/// Decimals of days.
pub const DAY_DECIMALS: u32 = 2;
/// Longest window, in days.
pub const MAX_WINDOW_DAYS: u32 = 3_660;

/// Settings of the features. Serde refuses unknown keys; every key has the default
/// shown.
///
/// ```
/// use encours_core::risk::features::FeatureConfig;
/// let c: FeatureConfig = serde_json::from_str(r#"{"short_window_days": 60}"#).unwrap();
/// assert_eq!((c.short_window_days, c.long_window_days), (60, 365));
/// assert!(serde_json::from_str::<FeatureConfig>(r#"{"short_windows": 60}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeatureConfig {
    /// Short window, in days (default 90: three months).
    pub short_window_days: u32,
    /// Long window, in days (default 365: twelve months).
    pub long_window_days: u32,
    /// Days beyond terms still counted as on time for the late share (default 0).
    pub late_tolerance_days: u32,
    /// Grace days after a promise's date before it counts as broken (default 0).
    pub promise_grace_days: u32,
    /// The payment-index scale (default: the PAYDEX key).
    pub payment_index_scale: PaymentIndexScale,
    /// Statements older than this on the as-of date (days after their period end) are
    /// flagged and not used (default 548: eighteen months, a year's accounts filed
    /// within six months).
    pub statement_max_age_days: u32,
    /// External scores older than this are flagged and not used (default 365).
    pub score_max_age_days: u32,
    /// The Altman model read from statements (default Z', private firms: most trade
    /// customers are not listed).
    pub altman_model: AltmanModel,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            short_window_days: 90,
            long_window_days: 365,
            late_tolerance_days: 0,
            promise_grace_days: 0,
            payment_index_scale: PaymentIndexScale::paydex(),
            statement_max_age_days: 548,
            score_max_age_days: 365,
            altman_model: AltmanModel::ZPrimePrivate,
        }
    }
}

impl FeatureConfig {
    /// Check the windows.
    ///
    /// # Errors
    /// [`RiskError::InvalidConfig`] for a zero window, a short window longer than the
    /// long one, or one past [`MAX_WINDOW_DAYS`].
    ///
    /// # Example
    /// ```
    /// use encours_core::risk::features::FeatureConfig;
    /// let c = FeatureConfig { short_window_days: 400, ..FeatureConfig::default() };
    /// assert_eq!(c.validate().unwrap_err().to_string(),
    ///     "invalid short_window_days: 400 (between 1 and long_window_days 365)");
    /// ```
    pub fn validate(&self) -> Result<(), RiskError> {
        if self.long_window_days == 0 || self.long_window_days > MAX_WINDOW_DAYS {
            return Err(invalid(
                "long_window_days",
                self.long_window_days,
                format!("between 1 and {MAX_WINDOW_DAYS}"),
            ));
        }
        if self.short_window_days == 0 || self.short_window_days > self.long_window_days {
            return Err(invalid(
                "short_window_days",
                self.short_window_days,
                format!("between 1 and long_window_days {}", self.long_window_days),
            ));
        }
        if self.late_tolerance_days > MAX_WINDOW_DAYS || self.promise_grace_days > MAX_WINDOW_DAYS {
            return Err(invalid(
                "late_tolerance_days/promise_grace_days",
                self.late_tolerance_days.max(self.promise_grace_days),
                format!("at most {MAX_WINDOW_DAYS}"),
            ));
        }
        Ok(())
    }
}

/// What the features may read besides the ledger. Everything is optional: a feature
/// whose input is not given is `None`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FeatureInputs<'a> {
    /// The dunning history (for the dunning level reached).
    pub history: Option<&'a History>,
    /// Promises to pay (for the broken-promise ratio).
    pub promises: Option<&'a [PromiseToPay]>,
    /// Scales of the external score providers; scores of other providers are flagged.
    pub scales: &'a [ProviderScale],
    /// Financial statements (for the Altman score).
    pub statements: &'a [FinancialStatement],
}

/// Something the features noticed and did not use, so nothing is dropped silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FeatureFlag {
    /// The latest statement is older than `statement_max_age_days`.
    StaleStatement {
        /// Its period end.
        period_end: NaiveDate,
        /// Its age in days.
        age_days: i64,
    },
    /// The latest external score is older than `score_max_age_days`.
    StaleExternalScore {
        /// The provider.
        provider: String,
        /// Its age in days.
        age_days: i64,
    },
    /// An external score from a provider without a scale.
    UnknownProvider {
        /// The provider.
        provider: String,
    },
    /// An external score outside its provider's scale.
    ScoreOutOfScale {
        /// The provider.
        provider: String,
        /// The score.
        #[serde(with = "crate::decimal_serde")]
        value: Decimal,
    },
    /// A statement in another currency than the account (ratios are still used: they
    /// have no unit).
    StatementCurrency {
        /// The statement's currency.
        currency: Currency,
    },
}

/// The behavioural features of one customer as of a date (the *payer profile*).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BehaviouralFeatures {
    /// The customer.
    pub customer_id: String,
    /// The day the features describe (end of day).
    pub as_of: NaiveDate,
    /// Balance: open debits − open credit notes − unapplied cash.
    pub balance: Money,
    /// Open debits (invoices and debit notes).
    pub open_debits: Money,
    /// Open debits past their due date.
    pub overdue: Money,
    /// Open debits more than 90 days past their due date.
    pub over_90: Money,
    /// Amount-weighted days beyond terms, short window.
    pub days_beyond_terms_short: Option<Decimal>,
    /// Amount-weighted days beyond terms, long window.
    pub days_beyond_terms_long: Option<Decimal>,
    /// Short − long (positive: paying later than before).
    pub trend: Option<Decimal>,
    /// PAYDEX-like 0–100 payment index, long window.
    pub payment_index: Option<Decimal>,
    /// Share of the items settled in the long window that were settled late (0–1).
    pub late_share: Option<Decimal>,
    /// Items settled in the long window.
    pub items_settled: u64,
    /// Worst delay in days (settled in the long window, or open and overdue).
    pub worst_delay_days: Option<i64>,
    /// Overdue ÷ open debits.
    pub overdue_share: Option<Decimal>,
    /// Over 90 days ÷ open debits.
    pub over_90_share: Option<Decimal>,
    /// Highest dunning level reached in the long window (0: none), with a history.
    pub dunning_level: Option<u32>,
    /// Broken promises ÷ promises due in the long window.
    pub broken_promise_ratio: Option<Decimal>,
    /// Disputed part of the open debits ÷ open debits.
    pub dispute_ratio: Option<Decimal>,
    /// Balance ÷ credit limit.
    pub limit_utilisation: Option<Decimal>,
    /// Days since the first item or payment.
    pub relationship_days: Option<i64>,
    /// Positive balance ÷ the portfolio's positive balances in the currency.
    pub portfolio_share: Option<Decimal>,
    /// The latest usable external score, 0–100.
    pub external_score: Option<Decimal>,
    /// The provider of that score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_provider: Option<String>,
    /// The latest usable statement's Altman score (model in [`FeatureConfig`]).
    pub altman_score: Option<Decimal>,
    /// Its zone.
    pub altman_zone: Option<Zone>,
    /// What was seen and not used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<FeatureFlag>,
}

/// The features of every customer, in ledger order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureTable {
    /// The as-of date.
    pub as_of: NaiveDate,
    /// One row per customer.
    pub rows: Vec<BehaviouralFeatures>,
}

/// Running sums of one customer, filled by one pass over its items and payments.
#[derive(Debug, Clone)]
struct Sums {
    currency: Currency,
    open_debits: Decimal,
    open_credits: Decimal,
    unapplied: Decimal,
    overdue: Decimal,
    over_90: Decimal,
    disputed: Decimal,
    // Short and long windows: Σ amount, Σ amount × days, Σ amount × score.
    short_amount: Decimal,
    short_days: Decimal,
    long_amount: Decimal,
    long_days: Decimal,
    long_score: Decimal,
    settled: u64,
    late: u64,
    worst: Option<i64>,
    first: Option<NaiveDate>,
}

impl Sums {
    fn new(currency: Currency) -> Sums {
        Sums {
            currency,
            open_debits: Decimal::ZERO,
            open_credits: Decimal::ZERO,
            unapplied: Decimal::ZERO,
            overdue: Decimal::ZERO,
            over_90: Decimal::ZERO,
            disputed: Decimal::ZERO,
            short_amount: Decimal::ZERO,
            short_days: Decimal::ZERO,
            long_amount: Decimal::ZERO,
            long_days: Decimal::ZERO,
            long_score: Decimal::ZERO,
            settled: 0,
            late: 0,
            worst: None,
            first: None,
        }
    }

    fn balance(&self) -> Result<Decimal, MoneyError> {
        self.open_debits
            .checked_sub(self.open_credits)
            .and_then(|b| b.checked_sub(self.unapplied))
            .ok_or_else(|| overflow("balance"))
    }
}

fn add(a: &mut Decimal, b: Decimal) -> Result<(), MoneyError> {
    *a = a.checked_add(b).ok_or_else(|| overflow("feature sums"))?;
    Ok(())
}

/// The dates the windows start after.
struct Windows {
    as_of: NaiveDate,
    short_start: NaiveDate,
    long_start: NaiveDate,
}

fn windows(config: &FeatureConfig, as_of: NaiveDate) -> Windows {
    let back = |days: u32| as_of - chrono::Duration::days(i64::from(days));
    Windows {
        as_of,
        short_start: back(config.short_window_days),
        long_start: back(config.long_window_days),
    }
}

/// One pass over a customer's items and payments.
fn customer_sums(
    ledger: &Ledger,
    cix: usize,
    customer: &CustomerRead<'_>,
    config: &FeatureConfig,
    w: &Windows,
) -> Result<Sums, RiskError> {
    let mut s = Sums::new(customer.currency);
    for ix in lv::items_of(ledger, cix) {
        let (Some(item), Some(state)) =
            (lv::item_at(ledger, ix), lv::item_state(ledger, ix, w.as_of))
        else {
            continue;
        };
        s.first = s.first.min(Some(item.issue_date)).or(Some(item.issue_date));
        let open = state.open.amount();
        if !item.kind.is_debit() {
            add(&mut s.open_credits, open)?;
            continue;
        }
        if open > Decimal::ZERO {
            add(&mut s.open_debits, open)?;
            add(
                &mut s.disputed,
                item.disputed_amount(w.as_of).amount().min(open),
            )?;
            let past_due = (w.as_of - item.due_date).num_days();
            if past_due > 0 {
                add(&mut s.overdue, open)?;
                s.worst = s.worst.max(Some(past_due));
                if past_due > 90 {
                    add(&mut s.over_90, open)?;
                }
            }
        } else if let Some(last) = state.last_settlement
            && last > w.long_start
        {
            settled_item(
                &mut s,
                item.amount.amount(),
                (last - item.due_date).num_days(),
                last > w.short_start,
                config,
            )?;
        }
    }
    for pix in lv::payments_of(ledger, cix) {
        let Some(p) = lv::payment_at(ledger, pix) else {
            continue;
        };
        if p.date > w.as_of {
            continue;
        }
        s.first = s.first.min(Some(p.date)).or(Some(p.date));
        add(
            &mut s.unapplied,
            lv::payment_unapplied(ledger, pix, w.as_of).amount(),
        )?;
    }
    Ok(s)
}

fn settled_item(
    s: &mut Sums,
    amount: Decimal,
    days: i64,
    in_short: bool,
    config: &FeatureConfig,
) -> Result<(), RiskError> {
    let d = Decimal::from(days);
    let weighted = amount
        .checked_mul(d)
        .ok_or_else(|| overflow("days beyond terms"))?;
    add(&mut s.long_amount, amount)?;
    add(&mut s.long_days, weighted)?;
    let score = config.payment_index_scale.score(days);
    add(
        &mut s.long_score,
        amount
            .checked_mul(score)
            .ok_or_else(|| overflow("payment index"))?,
    )?;
    if in_short {
        add(&mut s.short_amount, amount)?;
        add(&mut s.short_days, weighted)?;
    }
    s.settled += 1;
    if days > i64::from(config.late_tolerance_days) {
        s.late += 1;
    }
    s.worst = s.worst.max(Some(days));
    Ok(())
}

/// Per-customer dunning level and promise counts, from the inputs, keyed by id.
struct Side {
    levels: Option<HashMap<String, u32>>,
    promises: Option<HashMap<String, Vec<PromiseToPay>>>,
}

fn side_inputs(inputs: &FeatureInputs<'_>, w: &Windows) -> Side {
    let levels = inputs.history.map(|h| {
        let mut m: HashMap<String, u32> = HashMap::new();
        for e in h
            .entries
            .iter()
            .filter(|e| e.date > w.long_start && e.date <= w.as_of)
        {
            let level = e.items.iter().map(|i| i.level).max().unwrap_or(0);
            let slot = m.entry(e.customer_id.clone()).or_default();
            *slot = (*slot).max(level);
        }
        m
    });
    let promises = inputs.promises.map(|ps| {
        let mut m: HashMap<String, Vec<PromiseToPay>> = HashMap::new();
        for p in ps {
            m.entry(p.customer_id.clone()).or_default().push(p.clone());
        }
        m
    });
    Side { levels, promises }
}

/// Broken ÷ due promises of a customer; `None` when none fell due in the window.
fn broken_ratio(
    ledger: &Ledger,
    cix: usize,
    promises: &[PromiseToPay],
    grace: u32,
    w: &Windows,
) -> Result<Option<Decimal>, RiskError> {
    let mut due = 0u32;
    let mut broken = 0u32;
    for p in promises {
        let deadline = p.promised_date + chrono::Duration::days(i64::from(grace));
        if deadline >= w.as_of || deadline <= w.long_start {
            continue;
        }
        due += 1;
        let mut paid = Decimal::ZERO;
        for pix in lv::payments_of(ledger, cix) {
            if let Some(pay) = lv::payment_at(ledger, pix)
                && pay.date >= p.made_on
                && pay.date <= deadline
            {
                add(&mut paid, pay.amount.amount())?;
            }
        }
        if paid < p.amount.amount() {
            broken += 1;
        }
    }
    Ok(ratio(
        Decimal::from(broken),
        Decimal::from(due),
        RATIO_DECIMALS,
    ))
}

/// The latest usable external score, normalised, with flags for what was not used.
fn external(
    customer: &CustomerRead<'_>,
    scales: &[ProviderScale],
    max_age: u32,
    as_of: NaiveDate,
    flags: &mut Vec<FeatureFlag>,
) -> Option<(Decimal, String)> {
    let mut best: Option<(Option<NaiveDate>, Decimal, String)> = None;
    for s in customer
        .external_scores
        .iter()
        .filter(|s| s.as_of.is_none_or(|d| d <= as_of))
    {
        let Some(scale) = scale_for(scales, &s.provider) else {
            flags.push(FeatureFlag::UnknownProvider {
                provider: s.provider.clone(),
            });
            continue;
        };
        let Ok(n) = scale.normalise(s.value) else {
            flags.push(FeatureFlag::ScoreOutOfScale {
                provider: s.provider.clone(),
                value: s.value,
            });
            continue;
        };
        if let Some(d) = s.as_of {
            let age = (as_of - d).num_days();
            if age > i64::from(max_age) {
                flags.push(FeatureFlag::StaleExternalScore {
                    provider: s.provider.clone(),
                    age_days: age,
                });
                continue;
            }
        }
        if best.as_ref().is_none_or(|(d, _, _)| s.as_of >= *d) {
            best = Some((s.as_of, n, s.provider.clone()));
        }
    }
    best.map(|(_, n, p)| (n, p))
}

/// The latest statement's Altman score, unless it is too old.
fn altman(
    customer: &CustomerRead<'_>,
    statements: &[&FinancialStatement],
    config: &FeatureConfig,
    as_of: NaiveDate,
    flags: &mut Vec<FeatureFlag>,
) -> Result<Option<(Decimal, Zone)>, RiskError> {
    let latest = statements
        .iter()
        .filter(|s| s.period_end <= as_of)
        .max_by_key(|s| s.period_end);
    let Some(st) = latest else { return Ok(None) };
    let age = st.age_days(as_of);
    if age > i64::from(config.statement_max_age_days) {
        flags.push(FeatureFlag::StaleStatement {
            period_end: st.period_end,
            age_days: age,
        });
        return Ok(None);
    }
    if st.currency != customer.currency {
        flags.push(FeatureFlag::StatementCurrency {
            currency: st.currency,
        });
    }
    Ok(st.altman(config.altman_model)?.map(|z| (z.score, z.zone)))
}

fn days(weighted: Decimal, amount: Decimal) -> Option<Decimal> {
    ratio(weighted, amount, DAY_DECIMALS).map(|d| d.normalize())
}

fn share(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole <= Decimal::ZERO {
        return None;
    }
    ratio(part, whole, RATIO_DECIMALS).map(|d| d.normalize())
}

/// Everything one row needs besides the sums.
struct RowContext<'a> {
    ledger: &'a Ledger,
    config: &'a FeatureConfig,
    inputs: &'a FeatureInputs<'a>,
    side: &'a Side,
    statements: &'a HashMap<&'a str, Vec<&'a FinancialStatement>>,
    w: &'a Windows,
}

fn row(
    ctx: &RowContext<'_>,
    cix: usize,
    customer: &CustomerRead<'_>,
    s: &Sums,
    portfolio: Decimal,
) -> Result<BehaviouralFeatures, RiskError> {
    let w = ctx.w;
    let balance = s.balance()?;
    let money = |d: Decimal| Money::new(d, s.currency).round(RoundingMode::HalfUp);
    let short = days(s.short_days, s.short_amount);
    let long = days(s.long_days, s.long_amount);
    let broken = match ctx.side.promises.as_ref() {
        None => None,
        Some(m) => match m.get(customer.id) {
            Some(ps) => broken_ratio(ctx.ledger, cix, ps, ctx.config.promise_grace_days, w)?,
            None => None,
        },
    };
    let limit = customer
        .credit_limit
        .filter(|l| l.currency() == s.currency && l.is_positive())
        .and_then(|l| ratio(balance.max(Decimal::ZERO), l.amount(), RATIO_DECIMALS))
        .map(|d| d.normalize());
    let mut flags = Vec::new();
    let ext = external(
        customer,
        ctx.inputs.scales,
        ctx.config.score_max_age_days,
        w.as_of,
        &mut flags,
    );
    let no_statements = Vec::new();
    let sts = ctx.statements.get(customer.id).unwrap_or(&no_statements);
    let z = altman(customer, sts, ctx.config, w.as_of, &mut flags)?;
    Ok(BehaviouralFeatures {
        customer_id: customer.id.to_owned(),
        as_of: w.as_of,
        balance: money(balance),
        open_debits: money(s.open_debits),
        overdue: money(s.overdue),
        over_90: money(s.over_90),
        days_beyond_terms_short: short,
        days_beyond_terms_long: long,
        trend: short.zip(long).map(|(a, b)| a - b),
        payment_index: ratio(s.long_score, s.long_amount, DAY_DECIMALS).map(|d| d.normalize()),
        late_share: ratio(
            Decimal::from(s.late),
            Decimal::from(s.settled),
            RATIO_DECIMALS,
        )
        .map(|d| d.normalize()),
        items_settled: s.settled,
        worst_delay_days: s.worst,
        overdue_share: share(s.overdue, s.open_debits),
        over_90_share: share(s.over_90, s.open_debits),
        dunning_level: ctx
            .side
            .levels
            .as_ref()
            .map(|m| m.get(customer.id).copied().unwrap_or(0)),
        broken_promise_ratio: broken,
        dispute_ratio: share(s.disputed, s.open_debits),
        limit_utilisation: limit,
        relationship_days: s.first.map(|f| (w.as_of - f).num_days()),
        portfolio_share: if balance > Decimal::ZERO {
            share(balance, portfolio)
        } else {
            None
        },
        external_score: ext.as_ref().map(|(n, _)| *n),
        external_provider: ext.map(|(_, p)| p),
        altman_score: z.map(|(s, _)| s),
        altman_zone: z.map(|(_, zone)| zone),
        flags,
    })
}

fn validate_inputs(config: &FeatureConfig, inputs: &FeatureInputs<'_>) -> Result<(), RiskError> {
    config.validate()?;
    for s in inputs.scales {
        s.validate()?;
    }
    for st in inputs.statements {
        st.validate()?;
    }
    Ok(())
}

fn statements_by_customer<'a>(
    inputs: &FeatureInputs<'a>,
) -> HashMap<&'a str, Vec<&'a FinancialStatement>> {
    let mut m: HashMap<&str, Vec<&FinancialStatement>> = HashMap::new();
    for st in inputs.statements {
        m.entry(st.customer_id.as_str()).or_default().push(st);
    }
    m
}

/// The features of every customer as of the end of `as_of`, in one pass over the
/// ledger.
///
/// # Errors
/// [`RiskError::InvalidConfig`] for a bad configuration or scale,
/// [`RiskError::InvalidStatement`] for an impossible statement, [`RiskError::Money`]
/// on overflow.
///
/// # Example
/// ```
/// use encours_core::risk::features::{feature_table, FeatureConfig, FeatureInputs};
/// use encours_core::ledger::{Customer, Item, Ledger, Payment};
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
/// let eur = |c| Money::from_minor(c, Currency::EUR);
/// let mut l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
///     vec![Item::invoice("F1", "C1", d(1, 1), d(1, 31), eur(100_00)),
///          Item::invoice("F2", "C1", d(2, 1), d(3, 2), eur(300_00))],
///     vec![Payment::new("P1", "C1", d(2, 10), eur(100_00))], vec![])?;
/// l.apply_payment("P1", "F1", eur(100_00), d(2, 10))?;
/// let t = feature_table(&l, &FeatureConfig::default(), &FeatureInputs::default(), d(4, 1))?;
/// let f = &t.rows[0];
/// assert_eq!(f.days_beyond_terms_long, Some(Decimal::from(10))); // paid 10 days late
/// assert_eq!(f.overdue_share, Some(Decimal::ONE));               // F2 is 30 days overdue
/// assert_eq!(f.worst_delay_days, Some(30));
/// assert_eq!(f.dunning_level, None);                              // no history given
/// # Ok::<(), encours_core::Error>(())
/// ```
pub fn feature_table(
    ledger: &Ledger,
    config: &FeatureConfig,
    inputs: &FeatureInputs<'_>,
    as_of: NaiveDate,
) -> Result<FeatureTable, RiskError> {
    validate_inputs(config, inputs)?;
    let w = windows(config, as_of);
    let n = lv::customer_count(ledger);
    let mut sums = Vec::with_capacity(n);
    let mut portfolio: HashMap<Currency, Decimal> = HashMap::new();
    for cix in 0..n {
        let Some(c) = lv::customer_at(ledger, cix) else {
            continue;
        };
        let s = customer_sums(ledger, cix, &c, config, &w)?;
        let b = s.balance()?;
        if b > Decimal::ZERO {
            add(portfolio.entry(s.currency).or_default(), b)?;
        }
        sums.push((cix, s));
    }
    let side = side_inputs(inputs, &w);
    let statements = statements_by_customer(inputs);
    let ctx = RowContext {
        ledger,
        config,
        inputs,
        side: &side,
        statements: &statements,
        w: &w,
    };
    let mut rows = Vec::with_capacity(n);
    for (cix, s) in &sums {
        let Some(c) = lv::customer_at(ledger, *cix) else {
            continue;
        };
        let total = portfolio.get(&s.currency).copied().unwrap_or_default();
        rows.push(row(&ctx, *cix, &c, s, total)?);
    }
    Ok(FeatureTable { as_of, rows })
}

/// The features of one customer. The portfolio share needs the portfolio's balance
/// in the customer's currency: give it as `portfolio_balance` when known (from a
/// previous table), or `None` to have it computed (a pass over every balance).
///
/// # Errors
/// [`RiskError::UnknownCustomer`], and as [`feature_table`].
///
/// # Example
/// ```
/// use encours_core::risk::features::{customer_features, FeatureConfig, FeatureInputs};
/// use encours_core::ledger::{Customer, Item, Ledger};
/// use encours_core::money::{Currency, Money};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
/// let eur = |c| Money::from_minor(c, Currency::EUR);
/// let l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR), Customer::new("C2", "B", Currency::EUR)],
///     vec![Item::invoice("F1", "C1", d(1, 1), d(1, 31), eur(100_00)),
///          Item::invoice("F2", "C2", d(1, 1), d(1, 31), eur(300_00))], vec![], vec![])?;
/// let f = customer_features(&l, "C1", &FeatureConfig::default(), &FeatureInputs::default(), d(1, 15), None)?;
/// assert_eq!(f.portfolio_share, Some(Decimal::new(25, 2)));
/// assert!(customer_features(&l, "C9", &FeatureConfig::default(), &FeatureInputs::default(), d(1, 15), None).is_err());
/// # Ok::<(), encours_core::Error>(())
/// ```
pub fn customer_features(
    ledger: &Ledger,
    customer_id: &str,
    config: &FeatureConfig,
    inputs: &FeatureInputs<'_>,
    as_of: NaiveDate,
    portfolio_balance: Option<Decimal>,
) -> Result<BehaviouralFeatures, RiskError> {
    validate_inputs(config, inputs)?;
    let unknown = || RiskError::UnknownCustomer {
        id: customer_id.to_owned(),
        referenced_by: "customer_features".into(),
    };
    let cix = lv::customer_index(ledger, customer_id).ok_or_else(unknown)?;
    let c = lv::customer_at(ledger, cix).ok_or_else(unknown)?;
    let w = windows(config, as_of);
    let s = customer_sums(ledger, cix, &c, config, &w)?;
    let portfolio = match portfolio_balance {
        Some(p) => p,
        None => {
            let mut total = Decimal::ZERO;
            for other in 0..lv::customer_count(ledger) {
                let Some(oc) = lv::customer_at(ledger, other) else {
                    continue;
                };
                if oc.currency != c.currency {
                    continue;
                }
                let b = customer_sums(ledger, other, &oc, config, &w)?.balance()?;
                if b > Decimal::ZERO {
                    add(&mut total, b)?;
                }
            }
            total
        }
    };
    let side = side_inputs(inputs, &w);
    let statements = statements_by_customer(inputs);
    let ctx = RowContext {
        ledger,
        config,
        inputs,
        side: &side,
        statements: &statements,
        w: &w,
    };
    row(&ctx, cix, &c, &s, portfolio)
}
