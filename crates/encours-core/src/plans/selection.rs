//! Which of the customer's open items a plan settles: named items, the largest items
//! holding a share of the balance (Pareto), or every open debit. Disputed amounts are
//! left out unless asked for: a plan is an agreement on what is owed.

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::ledger_view::{self, CustomerView, ItemView};
use super::{MAX_PLAN_ITEMS, PlanError};
use crate::ledger::Ledger;
use crate::money::Money;

/// How the items of a plan are chosen.
///
/// ```
/// use encours_core::plans::Selection;
/// let s: Selection = serde_json::from_str(r#"{"pareto_share": "0.8"}"#).unwrap();
/// assert!(s.item_ids.is_empty() && !s.include_disputed);
/// assert!(serde_json::from_str::<Selection>(r#"{"pareto": "0.8"}"#).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Items named by the caller; when empty, the Pareto share or every open debit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item_ids: Vec<String>,
    /// Take the largest open amounts first until this share (0 < share ≤ 1) of the
    /// customer's selectable balance is reached.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub pareto_share: Option<Decimal>,
    /// Include the disputed part of items (left out by default).
    #[serde(default)]
    pub include_disputed: bool,
    /// Without named items, take only the items past their due date (the plan covers
    /// what is overdue; false by default: every open debit).
    #[serde(default)]
    pub overdue_only: bool,
}

/// An item chosen for a plan, with the amount the plan settles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectedItem {
    /// The item.
    pub item_id: String,
    /// Its issue date.
    pub issue_date: NaiveDate,
    /// Its due date.
    pub due_date: NaiveDate,
    /// Its open amount on the plan's date.
    pub open: Money,
    /// The disputed part left out (zero when none, or when disputes are included).
    pub disputed_left_out: Money,
    /// The amount the plan settles: open less the part left out.
    pub amount: Money,
}

fn selected(v: &ItemView, include_disputed: bool) -> Result<SelectedItem, PlanError> {
    let left_out = if include_disputed {
        Money::zero(v.open.currency())
    } else {
        v.disputed.checked_min(&v.open)?
    };
    let left_out = if left_out.is_negative() {
        Money::zero(v.open.currency())
    } else {
        left_out
    };
    Ok(SelectedItem {
        item_id: v.id.clone(),
        issue_date: v.issue_date,
        due_date: v.due_date,
        open: v.open,
        disputed_left_out: left_out,
        amount: v.open.checked_sub(&left_out)?,
    })
}

/// The items of `customer_id` the plan settles, oldest first (due date, issue date,
/// id): the order instalments are allocated in.
///
/// # Errors
/// [`PlanError::UnknownCustomer`]; for named items [`PlanError::UnknownItem`],
/// [`PlanError::ItemOfAnotherCustomer`], or [`PlanError::InvalidField`] naming
/// `selection.item_ids[i]` (a credit note, a duplicate, nothing open to settle);
/// [`PlanError::InvalidField`] for a Pareto share outside (0, 1] or both a list and a
/// share, or `overdue_only` with named items; [`PlanError::NothingToPlan`] when nothing
/// is selectable.
///
/// # Example
/// ```
/// use encours_core::ledger::{Customer, Item, Ledger};
/// use encours_core::money::{Currency, Money};
/// use encours_core::plans::{select, Selection};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
/// let eur = |c| Money::from_minor(c, Currency::EUR);
/// let ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)], vec![
///     Item::invoice("F1", "C1", d(1, 2), d(2, 1), eur(800_00)),
///     Item::invoice("F2", "C1", d(1, 9), d(2, 8), eur(150_00)),
///     Item::invoice("F3", "C1", d(1, 3), d(2, 2), eur(50_00)),
/// ], vec![], vec![])?;
/// let pareto = Selection { pareto_share: Some(Decimal::new(8, 1)), ..Selection::default() };
/// let items = select(&ledger, "C1", d(3, 1), &pareto)?;
/// assert_eq!(items.iter().map(|i| i.item_id.as_str()).collect::<Vec<_>>(), ["F1"]);
/// # Ok::<(), encours_core::Error>(())
/// ```
pub fn select(
    ledger: &Ledger,
    customer_id: &str,
    as_of: NaiveDate,
    selection: &Selection,
) -> Result<Vec<SelectedItem>, PlanError> {
    let customer =
        ledger_view::customer(ledger, customer_id).ok_or_else(|| PlanError::UnknownCustomer {
            field: "customer_id".into(),
            id: customer_id.to_owned(),
        })?;
    let items = ledger_view::items_of(ledger, &customer, as_of);
    let mut chosen = if selection.item_ids.is_empty() {
        let mut open = open_debits(&items, selection.include_disputed)?;
        if selection.overdue_only {
            open.retain(|s| s.due_date < as_of);
        }
        match selection.pareto_share {
            Some(share) => pareto(open, share)?,
            None => open,
        }
    } else {
        if selection.overdue_only {
            return Err(PlanError::field(
                "selection.overdue_only",
                true,
                "expected false when item_ids are given",
            ));
        }
        if selection.pareto_share.is_some() {
            return Err(PlanError::field(
                "selection.pareto_share",
                selection.pareto_share.unwrap_or_default(),
                "expected no share when item_ids are given",
            ));
        }
        explicit(ledger, &customer, &items, selection)?
    };
    if chosen.is_empty() {
        return Err(PlanError::NothingToPlan {
            customer: customer_id.to_owned(),
            reason: format!("no open debit to settle on {as_of}"),
        });
    }
    chosen.sort_by(|a, b| {
        (a.due_date, a.issue_date, &a.item_id).cmp(&(b.due_date, b.issue_date, &b.item_id))
    });
    Ok(chosen)
}

/// Every open debit with something left to settle.
fn open_debits(items: &[ItemView], include_disputed: bool) -> Result<Vec<SelectedItem>, PlanError> {
    let mut out = Vec::new();
    for v in items.iter().filter(|v| v.is_debit && v.open.is_positive()) {
        let s = selected(v, include_disputed)?;
        if s.amount.is_positive() {
            out.push(s);
        }
    }
    Ok(out)
}

/// The largest amounts first until `share` of their total is reached.
fn pareto(mut open: Vec<SelectedItem>, share: Decimal) -> Result<Vec<SelectedItem>, PlanError> {
    if share <= Decimal::ZERO || share > Decimal::ONE {
        return Err(PlanError::field(
            "selection.pareto_share",
            share,
            "expected a share above 0 and at most 1",
        ));
    }
    let Some(first) = open.first() else {
        return Ok(open);
    };
    let mut total = Money::zero(first.amount.currency());
    for s in &open {
        total = total.checked_add(&s.amount)?;
    }
    let target = total.checked_mul(share)?;
    open.sort_by(|a, b| {
        (b.amount.amount(), a.due_date, &a.item_id).cmp(&(
            a.amount.amount(),
            b.due_date,
            &b.item_id,
        ))
    });
    let mut reached = Money::zero(total.currency());
    let mut out = Vec::new();
    for s in open {
        if reached.checked_cmp(&target)?.is_ge() {
            break;
        }
        reached = reached.checked_add(&s.amount)?;
        out.push(s);
    }
    Ok(out)
}

fn explicit(
    ledger: &Ledger,
    customer: &CustomerView,
    items: &[ItemView],
    selection: &Selection,
) -> Result<Vec<SelectedItem>, PlanError> {
    if selection.item_ids.len() > MAX_PLAN_ITEMS {
        return Err(PlanError::field(
            "selection.item_ids",
            format!("{} ids", selection.item_ids.len()),
            format!("expected at most {MAX_PLAN_ITEMS}"),
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, id) in selection.item_ids.iter().enumerate() {
        let field = format!("selection.item_ids[{i}]");
        check_item(ledger, customer, id, &field)?;
        if !seen.insert(id.as_str()) {
            return Err(PlanError::field(
                field,
                format!("\"{id}\""),
                "expected each item once",
            ));
        }
        let Some(v) = items.iter().find(|v| v.id == *id) else {
            return Err(PlanError::field(
                field,
                format!("\"{id}\""),
                "expected an item issued by the plan's date",
            ));
        };
        if !v.is_debit {
            return Err(PlanError::field(
                field,
                format!("\"{id}\""),
                "expected an invoice or debit note, not a credit note",
            ));
        }
        let s = selected(v, selection.include_disputed)?;
        if !s.amount.is_positive() {
            return Err(PlanError::field(
                field,
                format!("\"{id}\""),
                format!(
                    "nothing to settle: open {}, disputed part left out {}",
                    s.open, s.disputed_left_out
                ),
            ));
        }
        out.push(s);
    }
    Ok(out)
}

/// Check `id` is an item of the ledger and of the customer.
pub(crate) fn check_item(
    ledger: &Ledger,
    customer: &CustomerView,
    id: &str,
    field: &str,
) -> Result<(), PlanError> {
    let Some((owner, _, _)) = ledger_view::item_owner(ledger, id) else {
        return Err(PlanError::UnknownItem {
            field: field.to_owned(),
            id: id.to_owned(),
        });
    };
    if owner != customer.id {
        return Err(PlanError::ItemOfAnotherCustomer {
            field: field.to_owned(),
            id: id.to_owned(),
            owner,
            customer: customer.id.clone(),
        });
    }
    Ok(())
}
