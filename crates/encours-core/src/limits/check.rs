//! The order credit check: approve, warn or block an order for a customer on a date,
//! with every reason as data.
//!
//! The check reads the [`CreditIndex`] (exposure, limits, hold, overdue items, risk
//! class) and never the ledger, so it can run on every order line. A **static** check
//! counts today's exposure; a **dynamic** one ([`CheckOptions::horizon_days`]) counts
//! only the open orders expected within the horizon (orders planned beyond it do not
//! use the limit yet), as SAP's dynamic credit check does.
//!
//! Reasons ([`Reason`]): no limit, a zero limit, a limit expired, over the own limit,
//! over the group limit, account on hold, overdue amount or days beyond the
//! configured maximum, a risk class worse than the minimum, exposure above the
//! insurer's cover, insurer cover lapsed, utilisation above a warning threshold. Each
//! reason's severity (block, warn or ignore) is an option; the decision is the
//! gravest. A blocked or warned order can be let through with an [`Override`], which
//! the result records with the decision it replaced.
//!
//! ```
//! use encours_core::limits::check::{CheckOptions, Decision, OrderRequest, Reason};
//! use encours_core::limits::index::{CreditIndex, IndexInputs};
//! use encours_core::ledger::{Customer, Item, Ledger};
//! use encours_core::money::{Currency, Money};
//! use chrono::NaiveDate;
//! let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
//! let eur = |c| Money::from_minor(c, Currency::EUR);
//! let mut c = Customer::new("C1", "Dupont", Currency::EUR);
//! c.credit_limit = Some(eur(10_000_00));
//! let ledger = Ledger::new(vec![c], vec![Item::invoice("F1", "C1", d(1, 2), d(2, 1), eur(8_000_00))], vec![], vec![])?;
//! let index = CreditIndex::build(&ledger, &IndexInputs::default(), d(1, 10))?;
//! let options = CheckOptions::default();
//! let ok = index.check(&options, &OrderRequest::new("C1", eur(2_000_00), d(1, 10)))?;
//! assert_eq!(ok.decision, Decision::Approve); // exactly at the limit passes
//! let over = index.check(&options, &OrderRequest::new("C1", eur(2_000_01), d(1, 10)))?;
//! assert_eq!(over.decision, Decision::Block);
//! assert!(matches!(over.reasons[0].reason, Reason::OverLimit { .. }));
//! # Ok::<(), encours_core::Error>(())
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::exposure::Categories;
use super::in_force::LimitInForce;
use super::index::{CreditIndex, OrderHold, horizon_end};
use super::{LimitError, invalid, overflow};
use crate::dunning::{ActionKind, DunningConfig, Effect, History};
use crate::money::{Currency, Money, RoundingMode};

/// What a reason does to the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Listed, without effect.
    Ignore,
    /// The order passes with a warning.
    Warn,
    /// The order is blocked.
    Block,
}

/// The answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Let the order through.
    Approve,
    /// Let it through, tell someone.
    Warn,
    /// Hold it for the credit manager.
    Block,
}

/// What a missing (or zero) limit means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoLimitMeans {
    /// No credit at all: any exposure is a reason ([`Reason::NoLimit`] /
    /// [`Reason::ZeroLimit`]).
    NoCredit,
    /// The limit is not checked.
    NotChecked,
}

/// The severity of each reason. Serde refuses unknown keys; defaults shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Severities {
    /// No limit in force (default block).
    pub no_limit: Severity,
    /// A zero limit (default block).
    pub zero_limit: Severity,
    /// The manual limit expired (default block).
    pub limit_expired: Severity,
    /// Over the own limit (default block).
    pub over_limit: Severity,
    /// Over the group limit (default block).
    pub over_group_limit: Severity,
    /// Account on hold (default block).
    pub on_hold: Severity,
    /// Overdue amount above the maximum (default block).
    pub overdue_amount: Severity,
    /// Oldest overdue item older than the maximum (default warn).
    pub overdue_days: Severity,
    /// Risk class worse than the minimum (default warn).
    pub risk_class: Severity,
    /// Exposure above the insurer's cover (default warn).
    pub insurer_cover_exceeded: Severity,
    /// Insurer cover lapsed (default warn).
    pub insurer_cover_expired: Severity,
    /// Utilisation above the warning threshold (default warn).
    pub high_utilisation: Severity,
}

impl Default for Severities {
    fn default() -> Self {
        use Severity::{Block, Warn};
        Severities {
            no_limit: Block,
            zero_limit: Block,
            limit_expired: Block,
            over_limit: Block,
            over_group_limit: Block,
            on_hold: Block,
            overdue_amount: Block,
            overdue_days: Warn,
            risk_class: Warn,
            insurer_cover_exceeded: Warn,
            insurer_cover_expired: Warn,
            high_utilisation: Warn,
        }
    }
}

/// The conventions of the check, each with its default. Serde refuses unknown keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckOptions {
    /// What a missing limit means (default: no credit).
    pub missing_limit: NoLimitMeans,
    /// What a zero limit means (default: no credit).
    pub zero_limit: NoLimitMeans,
    /// Whether exposure exactly equal to the limit passes (default true, as in every
    /// system we know).
    pub equal_passes: bool,
    /// Severity of each reason.
    pub severities: Severities,
    /// Most overdue amount, in the account's currency, before [`Reason::OverdueAmount`]
    /// (default none: not checked).
    #[serde(
        default,
        with = "crate::risk::statements::optional_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_overdue_amount: Option<Decimal>,
    /// Most days the oldest overdue item may be past due before
    /// [`Reason::OverdueDays`] (default 30).
    pub max_overdue_days: Option<u32>,
    /// The worst acceptable risk class (default none: not checked).
    pub minimum_class: Option<String>,
    /// The classes, best first, to rank a customer's class (default A to E).
    pub class_order: Vec<String>,
    /// Utilisation (exposure after ÷ own limit) from which [`Reason::HighUtilisation`]
    /// warns (default none).
    #[serde(
        default,
        with = "crate::risk::statements::optional_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub warn_utilisation: Option<Decimal>,
    /// Which exposure categories count (default all).
    pub categories: Categories,
    /// Categories for some customers, by id, replacing `categories` for them.
    pub customer_categories: BTreeMap<String, Categories>,
    /// A dynamic check: only orders expected within this many days count (default
    /// none: a static check).
    pub horizon_days: Option<u32>,
    /// When the order checked is already recorded among the open orders (same id,
    /// same customer), its recorded amount is left out of the exposure before, so it
    /// is not counted twice (default true).
    pub exclude_recorded_order: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            missing_limit: NoLimitMeans::NoCredit,
            zero_limit: NoLimitMeans::NoCredit,
            equal_passes: true,
            severities: Severities::default(),
            max_overdue_amount: None,
            max_overdue_days: Some(30),
            minimum_class: None,
            class_order: ["A", "B", "C", "D", "E"]
                .into_iter()
                .map(String::from)
                .collect(),
            warn_utilisation: None,
            categories: Categories::default(),
            customer_categories: BTreeMap::new(),
            horizon_days: None,
            exclude_recorded_order: true,
        }
    }
}

/// Longest dynamic horizon, in days.
pub const MAX_HORIZON_DAYS: u32 = 3_660;

impl CheckOptions {
    /// Refuse a negative overdue maximum or utilisation, an unknown minimum class, an
    /// empty or repeated class name, a horizon past [`MAX_HORIZON_DAYS`].
    ///
    /// # Errors
    /// [`LimitError::Invalid`] naming the option.
    ///
    /// # Example
    /// ```
    /// use encours_core::limits::check::CheckOptions;
    /// let o = CheckOptions { minimum_class: Some("Z".into()), ..CheckOptions::default() };
    /// assert_eq!(o.validate().unwrap_err().to_string(),
    ///     "invalid minimum_class: \"Z\" (one of class_order: A, B, C, D, E)");
    /// ```
    pub fn validate(&self) -> Result<(), LimitError> {
        if let Some(m) = self.max_overdue_amount
            && m < Decimal::ZERO
        {
            return Err(invalid("max_overdue_amount", m, "zero or more"));
        }
        if let Some(u) = self.warn_utilisation
            && u <= Decimal::ZERO
        {
            return Err(invalid("warn_utilisation", u, "more than zero"));
        }
        if let Some(h) = self.horizon_days
            && h > MAX_HORIZON_DAYS
        {
            return Err(invalid(
                "horizon_days",
                h,
                format!("at most {MAX_HORIZON_DAYS}"),
            ));
        }
        for (i, c) in self.class_order.iter().enumerate() {
            if c.trim().is_empty() || self.class_order.iter().take(i).any(|o| o == c) {
                return Err(invalid(
                    format!("class_order[{i}]"),
                    format!("\"{c}\""),
                    "a distinct, non-empty class name",
                ));
            }
        }
        if let Some(m) = &self.minimum_class
            && !self.class_order.contains(m)
        {
            return Err(invalid(
                "minimum_class",
                format!("\"{m}\""),
                format!("one of class_order: {}", self.class_order.join(", ")),
            ));
        }
        Ok(())
    }
}

/// Who let a blocked or warned order through, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Who (a user id).
    pub by: String,
    /// Why.
    pub reason: String,
}

/// An order to check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    /// The customer.
    pub customer_id: String,
    /// The order's amount (in the account's currency, or converted with the index's
    /// rates).
    pub amount: Money,
    /// The day of the check.
    pub date: NaiveDate,
    /// The order's id, when it is already recorded (see
    /// [`CheckOptions::exclude_recorded_order`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// An override: the order passes whatever the reasons, and the result says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_by: Option<Override>,
}

impl OrderRequest {
    /// A request with no order id and no override.
    pub fn new(customer_id: impl Into<String>, amount: Money, date: NaiveDate) -> OrderRequest {
        OrderRequest {
            customer_id: customer_id.into(),
            amount,
            date,
            order_id: None,
            override_by: None,
        }
    }
}

/// Why an order is not simply approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// No limit in force, and a missing limit means no credit.
    NoLimit,
    /// A zero limit, meaning no credit.
    ZeroLimit,
    /// The manual limit ended; none in force.
    LimitExpired {
        /// Its last day.
        expired_on: NaiveDate,
    },
    /// Exposure after the order above the own limit.
    OverLimit {
        /// Exposure with the order.
        exposure_after: Money,
        /// The limit.
        limit: Money,
        /// By how much.
        excess: Money,
    },
    /// The group's exposure after the order above the group limit.
    OverGroupLimit {
        /// The group's top customer.
        group_id: String,
        /// The group's exposure with the order.
        exposure_after: Money,
        /// The group limit.
        limit: Money,
        /// By how much.
        excess: Money,
    },
    /// The account is on hold.
    OnHold {
        /// Since when.
        since: NaiveDate,
        /// Why, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<String>,
    },
    /// Overdue amount above the maximum.
    OverdueAmount {
        /// Overdue.
        overdue: Money,
        /// The maximum.
        maximum: Money,
    },
    /// The oldest overdue item is past due longer than the maximum.
    OverdueDays {
        /// Days past due of the oldest overdue item.
        days: i64,
        /// The maximum.
        maximum: u32,
    },
    /// The customer's risk class is worse than the minimum (or not in the class order).
    RiskClass {
        /// The customer's class (`None`: no class).
        class: Option<String>,
        /// The minimum.
        minimum: String,
    },
    /// Exposure after the order above the insurer's cover: the rest is uninsured.
    InsurerCoverExceeded {
        /// Exposure with the order.
        exposure_after: Money,
        /// The cover.
        cover: Money,
        /// Uninsured part.
        uninsured: Money,
    },
    /// The insurer cover lapsed.
    InsurerCoverExpired {
        /// Its last day.
        expired_on: NaiveDate,
    },
    /// Utilisation after the order at or above the warning threshold.
    HighUtilisation {
        /// Exposure after ÷ limit, 4 decimals.
        utilisation: Decimal,
        /// The threshold.
        threshold: Decimal,
    },
}

/// A reason and its severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReason {
    /// Block, warn or ignore, per [`CheckOptions::severities`].
    pub severity: Severity,
    /// The reason and its figures.
    #[serde(flatten)]
    pub reason: Reason,
}

/// An override applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideRecord {
    /// Who and why.
    pub by: Override,
    /// The decision it replaced.
    pub replaced: Decision,
}

/// The answer to a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The customer.
    pub customer_id: String,
    /// The day.
    pub date: NaiveDate,
    /// The order's amount, in the account's currency.
    pub amount: Money,
    /// The last day of the dynamic horizon (none for a static check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_end: Option<NaiveDate>,
    /// The decision.
    pub decision: Decision,
    /// Every reason, gravest first.
    pub reasons: Vec<CheckReason>,
    /// Exposure before the order.
    pub exposure_before: Money,
    /// Exposure with the order.
    pub exposure_after: Money,
    /// The own limit in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<Money>,
    /// Limit − exposure before (negative when already over).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<Money>,
    /// The group's top customer, when a group limit applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// The group's exposure with the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_exposure_after: Option<Money>,
    /// The group limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_limit: Option<Money>,
    /// The override applied, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overridden: Option<OverrideRecord>,
}

/// The figures a check decides on, gathered from the index (borrowed: the decision
/// alone allocates nothing it can avoid).
struct Facts<'a> {
    currency: Currency,
    amount: Decimal,
    before: Decimal,
    limits: LimitInForce,
    group: Option<(String, Currency, Decimal, Decimal)>,
    hold: Option<&'a OrderHold>,
    overdue: Decimal,
    oldest_days: Option<i64>,
    class: Option<&'a str>,
}

impl CreditIndex {
    /// Check an order. See the [module documentation](self).
    ///
    /// # Errors
    /// [`LimitError::Unknown`] for an unknown customer, [`LimitError::Invalid`] for bad
    /// options or an amount not positive, [`LimitError::Money`] for an amount in another
    /// currency (or a limit, or a group member) without a rate.
    ///
    /// # Example
    /// See the [module documentation](self).
    pub fn check(
        &self,
        options: &CheckOptions,
        request: &OrderRequest,
    ) -> Result<CheckResult, LimitError> {
        options.validate()?;
        let facts = self.facts(options, request, true)?;
        let reasons = reasons(options, &facts)?;
        let decided = decide(&reasons);
        let m = |d: Decimal| Money::new(d, facts.currency).round(RoundingMode::HalfUp);
        let after = facts.before + facts.amount;
        let mut result = CheckResult {
            customer_id: request.customer_id.clone(),
            date: request.date,
            amount: m(facts.amount),
            horizon_end: horizon_end(request.date, options.horizon_days),
            decision: decided,
            reasons,
            exposure_before: m(facts.before),
            exposure_after: m(after),
            limit: facts.limits.own,
            available: facts.limits.own.map(|l| m(l.amount() - facts.before)),
            group_id: None,
            group_exposure_after: None,
            group_limit: None,
            overridden: None,
        };
        if let Some((gid, gcur, gafter, glimit)) = facts.group {
            result.group_id = Some(gid);
            result.group_exposure_after = Some(Money::new(gafter, gcur));
            result.group_limit = Some(Money::new(glimit, gcur));
        }
        if let Some(o) = &request.override_by
            && decided != Decision::Approve
        {
            result.overridden = Some(OverrideRecord {
                by: o.clone(),
                replaced: decided,
            });
            result.decision = Decision::Approve;
        }
        Ok(result)
    }

    /// The decision alone, for the hot path of an ERP: the same rules as
    /// [`CreditIndex::check`], without building the reasons' documents. The options
    /// are not validated here (validate them once with [`CheckOptions::validate`]).
    ///
    /// # Errors
    /// As [`CreditIndex::check`].
    ///
    /// # Example
    /// ```
    /// use encours_core::limits::check::{CheckOptions, Decision, OrderRequest};
    /// use encours_core::limits::index::{CreditIndex, IndexInputs};
    /// use encours_core::ledger::{Customer, Ledger};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2024, 1, 10).unwrap();
    /// let ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)], vec![], vec![], vec![])?;
    /// let index = CreditIndex::build(&ledger, &IndexInputs::default(), day)?;
    /// let req = OrderRequest::new("C1", Money::from_minor(1, Currency::EUR), day);
    /// assert_eq!(index.decide(&CheckOptions::default(), &req)?, Decision::Block); // no limit: no credit
    /// # Ok::<(), encours_core::Error>(())
    /// ```
    pub fn decide(
        &self,
        options: &CheckOptions,
        request: &OrderRequest,
    ) -> Result<Decision, LimitError> {
        let facts = self.facts(options, request, false)?;
        let d = decide(&reasons(options, &facts)?);
        Ok(if request.override_by.is_some() {
            Decision::Approve
        } else {
            d
        })
    }

    /// A customer's position in the index.
    pub fn position(&self, customer_id: &str) -> Option<usize> {
        self.ids.get(customer_id).copied()
    }

    /// The account currency of the customer at a position.
    pub fn currency_of(&self, position: usize) -> Option<Currency> {
        self.customers.get(position).map(|p| p.currency)
    }

    fn facts<'a>(
        &'a self,
        options: &CheckOptions,
        request: &OrderRequest,
        keep_parts: bool,
    ) -> Result<Facts<'a>, LimitError> {
        let c = self.position_of(&request.customer_id, "check_order")?;
        let p = self
            .customers
            .get(c)
            .ok_or_else(|| overflow("index position"))?;
        if !request.amount.is_positive() {
            return Err(invalid("order amount", request.amount, "more than zero"));
        }
        let amount = self
            .fx
            .convert(&request.amount, p.currency, RoundingMode::HalfUp)?
            .amount();
        let horizon = horizon_end(request.date, options.horizon_days);
        let categories = if options.customer_categories.is_empty() {
            options.categories
        } else {
            options
                .customer_categories
                .get(&request.customer_id)
                .copied()
                .unwrap_or(options.categories)
        };
        let mut before = self
            .figures_at(c, horizon)?
            .rounded_total(p.currency, &categories)
            .ok_or_else(|| overflow("exposure"))?;
        let recorded = self.recorded_order(options, request, categories, horizon);
        before -= recorded;
        let limits = self.limits_at(c, request.date, keep_parts)?;
        let group = match (&limits.group, &limits.group_id) {
            (Some(gl), Some(gid)) => {
                let (gcur, gf) = self.group_figures(p.root, horizon)?;
                let gbefore = gf
                    .total(&categories)
                    .ok_or_else(|| overflow("group exposure"))?;
                let extra = self.fx.convert(
                    &Money::new(amount - recorded, p.currency),
                    gcur,
                    RoundingMode::HalfUp,
                )?;
                Some((gid.clone(), gcur, gbefore + extra.amount(), gl.amount()))
            }
            _ => None,
        };
        let (overdue, oldest) = overdue(&p.open_by_due, request.date)?;
        Ok(Facts {
            currency: p.currency,
            amount,
            before,
            limits,
            group,
            hold: p.hold.as_ref().filter(|h| h.since <= request.date),
            overdue,
            oldest_days: oldest,
            class: p.risk_class.as_deref(),
        })
    }

    /// The recorded amount of the order being checked, when it is to be left out.
    fn recorded_order(
        &self,
        options: &CheckOptions,
        request: &OrderRequest,
        categories: Categories,
        horizon: Option<NaiveDate>,
    ) -> Decimal {
        if !options.exclude_recorded_order || !categories.orders {
            return Decimal::ZERO;
        }
        match request.order_id.as_ref().and_then(|id| self.orders.get(id)) {
            Some(o)
                if o.customer_id == request.customer_id
                    && horizon.is_none_or(|h| o.expected() <= h) =>
            {
                o.amount.amount()
            }
            _ => Decimal::ZERO,
        }
    }
}

/// Overdue amount on `date` (items due before it) and days past due of the oldest.
fn overdue(
    open_by_due: &BTreeMap<NaiveDate, Decimal>,
    date: NaiveDate,
) -> Result<(Decimal, Option<i64>), LimitError> {
    let mut total = Decimal::ZERO;
    let mut oldest = None;
    for (due, v) in open_by_due.range(..date) {
        oldest = oldest.or(Some((date - *due).num_days()));
        total = total.checked_add(*v).ok_or_else(|| overflow("overdue"))?;
    }
    Ok((total, oldest))
}

fn over(after: Decimal, limit: Decimal, equal_passes: bool) -> bool {
    if equal_passes {
        after > limit
    } else {
        after >= limit
    }
}

/// Every reason the facts give, gravest first.
fn reasons(o: &CheckOptions, f: &Facts) -> Result<Vec<CheckReason>, LimitError> {
    let s = &o.severities;
    let m = |d: Decimal| Money::new(d, f.currency).round(RoundingMode::HalfUp);
    let after = f
        .before
        .checked_add(f.amount)
        .ok_or_else(|| overflow("exposure after"))?;
    let mut out = Vec::new();
    let mut push = |severity: Severity, reason: Reason| out.push(CheckReason { severity, reason });
    limit_reasons(o, f, after, &mut push);
    if let Some((gid, gcur, gafter, glimit)) = &f.group
        && over(*gafter, *glimit, o.equal_passes)
    {
        let gm = |d: Decimal| Money::new(d, *gcur).round(RoundingMode::HalfUp);
        push(
            s.over_group_limit,
            Reason::OverGroupLimit {
                group_id: gid.clone(),
                exposure_after: gm(*gafter),
                limit: gm(*glimit),
                excess: gm(gafter - glimit),
            },
        );
    }
    if let Some(h) = &f.hold {
        push(
            s.on_hold,
            Reason::OnHold {
                since: h.since,
                why: h.reason.clone(),
            },
        );
    }
    if let Some(max) = o.max_overdue_amount
        && f.overdue > max
    {
        push(
            s.overdue_amount,
            Reason::OverdueAmount {
                overdue: m(f.overdue),
                maximum: m(max),
            },
        );
    }
    if let (Some(max), Some(days)) = (o.max_overdue_days, f.oldest_days)
        && days > i64::from(max)
    {
        push(s.overdue_days, Reason::OverdueDays { days, maximum: max });
    }
    if let Some(min) = &o.minimum_class {
        let rank = |c: &str| o.class_order.iter().position(|x| x == c);
        let worse = match f.class.and_then(rank) {
            Some(r) => rank(min).is_some_and(|m| r > m),
            None => true,
        };
        if worse {
            push(
                s.risk_class,
                Reason::RiskClass {
                    class: f.class.map(String::from),
                    minimum: min.clone(),
                },
            );
        }
    }
    match (f.limits.insurer, f.limits.insurer_expired_on) {
        (Some(cover), _) if after > cover.amount() => {
            push(
                s.insurer_cover_exceeded,
                Reason::InsurerCoverExceeded {
                    exposure_after: m(after),
                    cover,
                    uninsured: m(after - cover.amount()),
                },
            );
        }
        (None, Some(expired_on)) => push(
            s.insurer_cover_expired,
            Reason::InsurerCoverExpired { expired_on },
        ),
        _ => {}
    }
    // Gravest first; the order of the checks above breaks ties.
    out.sort_by_key(|r| std::cmp::Reverse(r.severity));
    Ok(out)
}

fn limit_reasons(
    o: &CheckOptions,
    f: &Facts,
    after: Decimal,
    push: &mut impl FnMut(Severity, Reason),
) {
    let s = &o.severities;
    let m = |d: Decimal| Money::new(d, f.currency).round(RoundingMode::HalfUp);
    match f.limits.own {
        None => {
            if let Some(expired_on) = f.limits.expired_on {
                push(s.limit_expired, Reason::LimitExpired { expired_on });
            } else if o.missing_limit == NoLimitMeans::NoCredit {
                push(s.no_limit, Reason::NoLimit);
            }
        }
        Some(l) if l.is_zero() => {
            if o.zero_limit == NoLimitMeans::NoCredit && after > Decimal::ZERO {
                push(s.zero_limit, Reason::ZeroLimit);
            }
        }
        Some(l) => {
            let limit = l.amount();
            if over(after, limit, o.equal_passes) {
                push(
                    s.over_limit,
                    Reason::OverLimit {
                        exposure_after: m(after),
                        limit: l,
                        excess: m(after - limit),
                    },
                );
            } else if let Some(t) = o.warn_utilisation {
                let u = RoundingMode::HalfUp.round(after / limit, 4);
                if u >= t {
                    push(
                        s.high_utilisation,
                        Reason::HighUtilisation {
                            utilisation: u.normalize(),
                            threshold: t,
                        },
                    );
                }
            }
        }
    }
}

/// The gravest severity among the reasons.
fn decide(reasons: &[CheckReason]) -> Decision {
    match reasons.iter().map(|r| r.severity).max() {
        Some(Severity::Block) => Decision::Block,
        Some(Severity::Warn) => Decision::Warn,
        _ => Decision::Approve,
    }
}

/// Accounts put on hold by the dunning history: a customer is on hold from the day of
/// the latest action whose step (in `config`) has the `block_orders` effect, or of its
/// latest escalation (hand-over to litigation blocks orders too).
///
/// # Example
/// ```
/// use encours_core::limits::check::holds_from_dunning;
/// use encours_core::dunning::{Channel, DunningConfig, Effect, History, HistoryEntry, ActionKind, Scenario, Step};
/// use chrono::NaiveDate;
/// let mut step = Step::new("notice", 30, Channel::FormalNotice, "t");
/// step.effects = vec![Effect::BlockOrders];
/// let config = DunningConfig::new(vec![Scenario::new("s", vec![Step::new("r1", 5, Channel::Email, "t"), step])], "s")?;
/// let day = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
/// let entry = |step: &str| HistoryEntry { action_id: step.into(), date: day, customer_id: "C1".into(),
///     kind: ActionKind::Step, scenario_id: "s".into(), step_id: Some(step.into()), items: vec![] };
/// let history = History { entries: vec![entry("r1"), entry("notice")] };
/// let holds = holds_from_dunning(&history, &config);
/// assert_eq!(holds.len(), 1);
/// assert_eq!(holds[0].since, day);
/// # Ok::<(), encours_core::dunning::DunningError>(())
/// ```
pub fn holds_from_dunning(history: &History, config: &DunningConfig) -> Vec<OrderHold> {
    let mut by_customer: BTreeMap<&str, OrderHold> = BTreeMap::new();
    for e in &history.entries {
        let blocks = e
            .step_id
            .as_deref()
            .and_then(|sid| {
                config
                    .scenario(&e.scenario_id)
                    .and_then(|s| s.steps.iter().find(|st| st.id == sid))
            })
            .is_some_and(|st| st.effects.contains(&Effect::BlockOrders))
            || e.kind == ActionKind::Escalation;
        if blocks {
            let h = OrderHold {
                customer_id: e.customer_id.clone(),
                since: e.date,
                reason: Some(format!(
                    "dunning step \"{}\" of scenario \"{}\"",
                    e.step_id.as_deref().unwrap_or_default(),
                    e.scenario_id
                )),
            };
            let slot = by_customer
                .entry(e.customer_id.as_str())
                .or_insert_with(|| h.clone());
            if h.since >= slot.since {
                *slot = h;
            }
        }
    }
    by_customer.into_values().collect()
}
