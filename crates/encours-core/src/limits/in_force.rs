//! Limits in force: what a customer may owe on a date.
//!
//! - A **manual limit** is the credit manager's decision, with optional validity
//!   dates; when several hold on a date the one that started last wins. The ledger's
//!   [`Customer::credit_limit`](crate::ledger::Customer::credit_limit) counts as a
//!   manual limit without dates when the customer has no manual limit of its own
//!   ([`CreditLimits::use_ledger_limits`], on by default).
//! - A **temporary increase** adds to the manual limit from `valid_from` to
//!   `valid_until` and then expires by itself.
//! - **Insurer cover** is the amount a credit insurer covers on the buyer, with its
//!   own currency and expiry; it is checked separately (exposure above cover is
//!   uninsured).
//! - A **group limit** is shared by a parent and all its subsidiaries (the group is
//!   the ledger's parent tree, keyed by its top customer); a subsidiary's own manual
//!   limit is then its sub-limit.
//!
//! A limit in another currency than the account is converted with the caller's rates
//! (rounded half up to the account's minor unit); without a rate it is an error,
//! never a silently missing limit.
//!
//! ```
//! use encours_core::limits::in_force::{CreditLimits, ManualLimit, TemporaryIncrease};
//! use encours_core::money::{Currency, FxRates, Money};
//! use chrono::NaiveDate;
//! let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
//! let eur = |c| Money::from_minor(c, Currency::EUR);
//! let limits = CreditLimits {
//!     manual: vec![ManualLimit { customer_id: "C1".into(), amount: eur(10_000_00), valid_from: None, valid_until: None }],
//!     temporary: vec![TemporaryIncrease { customer_id: "C1".into(), amount: eur(5_000_00), valid_from: d(3, 1), valid_until: d(3, 31) }],
//!     ..CreditLimits::default()
//! };
//! let fx = FxRates::new();
//! let in_march = limits.for_customer("C1", None, Currency::EUR, None, d(3, 15), &fx)?;
//! assert_eq!(in_march.own, Some(eur(15_000_00)));
//! let in_april = limits.for_customer("C1", None, Currency::EUR, None, d(4, 1), &fx)?;
//! assert_eq!(in_april.own, Some(eur(10_000_00))); // the increase expired
//! # Ok::<(), encours_core::limits::LimitError>(())
//! ```

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{LimitError, MAX_RECORDS, check_window, in_window, invalid};
use crate::money::{Currency, FxRates, Money, RoundingMode};

/// A manual limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualLimit {
    /// The customer.
    pub customer_id: String,
    /// The limit (zero or more).
    pub amount: Money,
    /// First day in force; always before `valid_until` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last day in force; for good when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
}

/// A temporary increase of a customer's manual limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemporaryIncrease {
    /// The customer.
    pub customer_id: String,
    /// The increase (more than zero).
    pub amount: Money,
    /// First day.
    pub valid_from: NaiveDate,
    /// Last day: it expires the day after.
    pub valid_until: NaiveDate,
}

/// A credit insurer's cover on a buyer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsurerCover {
    /// The customer (the buyer).
    pub customer_id: String,
    /// The insurer (Allianz Trade, Atradius, Coface…).
    pub insurer: String,
    /// The amount covered, in the insurer's currency.
    pub amount: Money,
    /// First day covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last day covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<NaiveDate>,
}

/// A limit shared by a group: the top customer and all its subsidiaries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupLimit {
    /// The top customer of the group (the one without a parent).
    pub group_id: String,
    /// The limit of the whole group.
    pub amount: Money,
    /// First day in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last day in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
}

/// All the limits the caller holds. Serde refuses unknown keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CreditLimits {
    /// Manual limits.
    pub manual: Vec<ManualLimit>,
    /// Temporary increases.
    pub temporary: Vec<TemporaryIncrease>,
    /// Insurer cover.
    pub insurer: Vec<InsurerCover>,
    /// Group limits.
    pub group: Vec<GroupLimit>,
    /// Whether the ledger's `credit_limit` of a customer counts as a manual limit
    /// without dates when the customer has no manual limit here (default true).
    pub use_ledger_limits: bool,
}

impl Default for CreditLimits {
    fn default() -> Self {
        CreditLimits {
            manual: Vec::new(),
            temporary: Vec::new(),
            insurer: Vec::new(),
            group: Vec::new(),
            use_ledger_limits: true,
        }
    }
}

/// One part of a limit in force, as it was read and converted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitPart {
    /// `manual`, `ledger`, `temporary`, `insurer` or `group`.
    pub source: LimitSource,
    /// The amount as given.
    pub given: Money,
    /// The amount in the currency it is compared in (the account's, or the group top's).
    pub converted: Money,
    /// The rate used (1 for the same currency).
    pub rate: Decimal,
    /// Last day in force, if it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
}

/// Where a limit part came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitSource {
    /// A manual limit.
    Manual,
    /// The ledger's `credit_limit`.
    Ledger,
    /// A temporary increase.
    Temporary,
    /// Insurer cover.
    Insurer,
    /// A group limit.
    Group,
}

/// A customer's limits on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitInForce {
    /// The account's currency.
    pub currency: Currency,
    /// Own limit: manual (or ledger) plus temporary increases in force; `None` when no
    /// manual limit is in force.
    pub own: Option<Money>,
    /// Insurer cover in force, in the account's currency.
    pub insurer: Option<Money>,
    /// The group limit in force, in the group top's currency.
    pub group: Option<Money>,
    /// The group's top customer, when the customer is in a group with a limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// Last day of the latest manual limit that ended before the date, when no manual
    /// limit is in force (the limit expired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_on: Option<NaiveDate>,
    /// Last day of the insurer cover that lapsed, when none is in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurer_expired_on: Option<NaiveDate>,
    /// Every part read, with its conversion.
    pub parts: Vec<LimitPart>,
}

fn convert(
    source: LimitSource,
    given: Money,
    to: Currency,
    fx: &FxRates,
    valid_until: Option<NaiveDate>,
) -> Result<LimitPart, LimitError> {
    let rate = fx.rate(given.currency(), to)?;
    let converted = fx.convert(&given, to, RoundingMode::HalfUp)?;
    Ok(LimitPart {
        source,
        given,
        converted,
        rate,
        valid_until,
    })
}

fn sum(a: Option<Money>, b: Money) -> Result<Money, LimitError> {
    Ok(match a {
        Some(a) => a.checked_add(&b)?,
        None => b,
    })
}

impl CreditLimits {
    /// Refuse negative amounts (zero or less for temporary increases), windows ending
    /// before they start, empty ids and more than [`MAX_RECORDS`] records.
    ///
    /// # Errors
    /// [`LimitError::Invalid`] naming the record and the field.
    ///
    /// # Example
    /// ```
    /// use encours_core::limits::in_force::{CreditLimits, ManualLimit};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day);
    /// let limits = CreditLimits { manual: vec![ManualLimit { customer_id: "C1".into(),
    ///     amount: Money::from_minor(100, Currency::EUR), valid_from: d(5, 1), valid_until: d(4, 1) }], ..CreditLimits::default() };
    /// assert_eq!(limits.validate().unwrap_err().to_string(),
    ///     "invalid manual[0].valid_until: 2024-04-01 (on or after valid_from 2024-05-01)");
    /// ```
    pub fn validate(&self) -> Result<(), LimitError> {
        let count =
            self.manual.len() + self.temporary.len() + self.insurer.len() + self.group.len();
        if count > MAX_RECORDS {
            return Err(invalid(
                "limits",
                count,
                format!("at most {MAX_RECORDS} records"),
            ));
        }
        let amount = |at: String, m: &Money, strict: bool| -> Result<(), LimitError> {
            if m.is_negative() || (strict && m.is_zero()) {
                return Err(invalid(
                    format!("{at}.amount"),
                    m,
                    if strict {
                        "more than zero"
                    } else {
                        "zero or more"
                    },
                ));
            }
            Ok(())
        };
        let id = |at: String, id: &str| -> Result<(), LimitError> {
            if id.trim().is_empty() {
                return Err(invalid(at, "\"\"", "a customer id"));
            }
            Ok(())
        };
        for (i, l) in self.manual.iter().enumerate() {
            let at = format!("manual[{i}]");
            id(format!("{at}.customer_id"), &l.customer_id)?;
            amount(at.clone(), &l.amount, false)?;
            check_window(&at, l.valid_from, l.valid_until)?;
        }
        for (i, l) in self.temporary.iter().enumerate() {
            let at = format!("temporary[{i}]");
            id(format!("{at}.customer_id"), &l.customer_id)?;
            amount(at.clone(), &l.amount, true)?;
            check_window(&at, Some(l.valid_from), Some(l.valid_until))?;
        }
        for (i, l) in self.insurer.iter().enumerate() {
            let at = format!("insurer[{i}]");
            id(format!("{at}.customer_id"), &l.customer_id)?;
            amount(at.clone(), &l.amount, false)?;
            if let (Some(f), Some(u)) = (l.valid_from, l.expires_on)
                && u < f
            {
                return Err(invalid(
                    format!("{at}.expires_on"),
                    u,
                    format!("on or after valid_from {f}"),
                ));
            }
        }
        for (i, l) in self.group.iter().enumerate() {
            let at = format!("group[{i}]");
            id(format!("{at}.group_id"), &l.group_id)?;
            amount(at.clone(), &l.amount, false)?;
            check_window(&at, l.valid_from, l.valid_until)?;
        }
        Ok(())
    }

    /// The limits of one customer on a date. `ledger_limit` is the ledger's
    /// `credit_limit` of the customer; `group` the top customer of its group (with the
    /// top's currency) when it has a parent or is a top; `fx` converts limits in other
    /// currencies.
    ///
    /// # Errors
    /// [`LimitError::Money`] when a rate is missing.
    ///
    /// # Example
    /// See the [module documentation](self).
    pub fn for_customer(
        &self,
        customer_id: &str,
        ledger_limit: Option<Money>,
        currency: Currency,
        group: Option<(&str, Currency)>,
        date: NaiveDate,
        fx: &FxRates,
    ) -> Result<LimitInForce, LimitError> {
        let of = |id: &str| id == customer_id;
        let manual: Vec<ManualLimit> = self
            .manual
            .iter()
            .filter(|l| of(&l.customer_id))
            .cloned()
            .collect();
        let temporary: Vec<TemporaryIncrease> = self
            .temporary
            .iter()
            .filter(|l| of(&l.customer_id))
            .cloned()
            .collect();
        let insurer: Vec<InsurerCover> = self
            .insurer
            .iter()
            .filter(|l| of(&l.customer_id))
            .cloned()
            .collect();
        let groups: Vec<GroupLimit> = match group {
            Some((g, _)) => self
                .group
                .iter()
                .filter(|l| l.group_id == g)
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        evaluate(
            &Entries {
                manual: &manual,
                temporary: &temporary,
                insurer: &insurer,
                group: &groups,
            },
            self.use_ledger_limits.then_some(ledger_limit).flatten(),
            currency,
            group,
            date,
            fx,
            true,
        )
    }
}

/// The limit records of one customer (and of its group).
pub(crate) struct Entries<'a> {
    pub manual: &'a [ManualLimit],
    pub temporary: &'a [TemporaryIncrease],
    pub insurer: &'a [InsurerCover],
    pub group: &'a [GroupLimit],
}

/// The limits in force from one customer's records: the one place the rules of
/// [`CreditLimits`] are applied (the index calls it too).
pub(crate) fn evaluate(
    e: &Entries<'_>,
    ledger_limit: Option<Money>,
    currency: Currency,
    group: Option<(&str, Currency)>,
    date: NaiveDate,
    fx: &FxRates,
    keep_parts: bool,
) -> Result<LimitInForce, LimitError> {
    // The hot path (a decision alone) does not need the parts: no allocation then.
    let mut parts = Vec::new();
    let mut own = None;
    let mut expired_on = None;
    let current = e
        .manual
        .iter()
        .filter(|l| in_window(l.valid_from, l.valid_until, date))
        .max_by_key(|l| l.valid_from);
    match current {
        Some(l) => {
            let p = convert(LimitSource::Manual, l.amount, currency, fx, l.valid_until)?;
            own = Some(p.converted);
            if keep_parts {
                parts.push(p);
            }
        }
        None => {
            expired_on = e
                .manual
                .iter()
                .filter_map(|l| l.valid_until.filter(|u| *u < date))
                .max();
            if e.manual.is_empty()
                && let Some(l) = ledger_limit
            {
                let p = convert(LimitSource::Ledger, l, currency, fx, None)?;
                own = Some(p.converted);
                if keep_parts {
                    parts.push(p);
                }
            }
        }
    }
    if own.is_some() {
        for t in e
            .temporary
            .iter()
            .filter(|t| in_window(Some(t.valid_from), Some(t.valid_until), date))
        {
            let p = convert(
                LimitSource::Temporary,
                t.amount,
                currency,
                fx,
                Some(t.valid_until),
            )?;
            own = Some(sum(own, p.converted)?);
            if keep_parts {
                parts.push(p);
            }
        }
    }
    let mut insurer = None;
    for c in e
        .insurer
        .iter()
        .filter(|c| in_window(c.valid_from, c.expires_on, date))
    {
        let p = convert(LimitSource::Insurer, c.amount, currency, fx, c.expires_on)?;
        insurer = Some(sum(insurer, p.converted)?);
        if keep_parts {
            parts.push(p);
        }
    }
    let insurer_expired_on = if insurer.is_none() {
        e.insurer
            .iter()
            .filter_map(|c| c.expires_on.filter(|u| *u < date))
            .max()
    } else {
        None
    };
    let mut group_limit = None;
    let mut group_id = None;
    if let Some((gid, gcur)) = group
        && let Some(g) = e
            .group
            .iter()
            .filter(|g| in_window(g.valid_from, g.valid_until, date))
            .max_by_key(|g| g.valid_from)
    {
        let p = convert(LimitSource::Group, g.amount, gcur, fx, g.valid_until)?;
        group_limit = Some(p.converted);
        group_id = Some(gid.to_owned());
        if keep_parts {
            parts.push(p);
        }
    }
    Ok(LimitInForce {
        currency,
        own,
        insurer,
        group: group_limit,
        group_id,
        expired_on,
        insurer_expired_on,
        parts,
    })
}
