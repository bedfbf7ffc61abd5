//! The data form of a plan: a [`PaymentPlan`] serializes as JSON; one given back to
//! the engine (from storage, from an ERP, edited by hand) is checked here before it is
//! tracked or dunned against.

use std::collections::HashMap;

use super::proposal::{InstalmentKind, PaymentPlan};
use super::selection::check_item;
use super::{MAX_INSTALMENTS, MAX_PLAN_ITEMS, PlanError, ledger_view};
use crate::ledger::Ledger;
use crate::money::Money;

/// Check a plan holds together against the ledger: the customer and every item exist
/// and are the customer's, every amount is in the customer's currency and in minor
/// units, the instalments are numbered in order with strictly increasing due dates,
/// each instalment's amount is its principal + interest + fees, the totals add up, and
/// the allocations cover each item's amount exactly.
///
/// # Errors
/// [`PlanError::InvalidPlan`] naming the field (`instalments[2].due_date`…);
/// [`PlanError::UnknownCustomer`], [`PlanError::UnknownItem`],
/// [`PlanError::ItemOfAnotherCustomer`].
///
/// # Example
/// ```
/// use encours_core::ledger::{Customer, Item, Ledger};
/// use encours_core::money::{Currency, Money};
/// use encours_core::plans::{propose, validate_plan, PlanTerms};
/// use chrono::NaiveDate;
/// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
/// let ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
///     vec![Item::invoice("F1", "C1", d(1, 2), d(2, 1), Money::from_minor(900_00, Currency::EUR))], vec![], vec![])?;
/// let mut plan = propose(&ledger, "C1", "PL-1", d(3, 1), &PlanTerms::monthly(3, d(3, 31)), &[])?;
/// validate_plan(&plan, &ledger)?;
/// plan.instalments[1].due_date = d(3, 20);
/// assert_eq!(validate_plan(&plan, &ledger).unwrap_err().to_string(),
///     "invalid payment plan \"PL-1\": instalments[1].due_date 2025-03-20 is not after the previous due date 2025-03-31");
/// # Ok::<(), encours_core::Error>(())
/// ```
pub fn validate_plan(plan: &PaymentPlan, ledger: &Ledger) -> Result<(), PlanError> {
    let bad = |field: String, message: String| PlanError::InvalidPlan {
        plan: plan.id.clone(),
        field,
        message,
    };
    if plan.id.trim().is_empty() {
        return Err(bad("id".into(), "is empty; expected an id".into()));
    }
    let customer = ledger_view::customer(ledger, &plan.customer_id).ok_or_else(|| {
        PlanError::UnknownCustomer {
            field: "customer_id".into(),
            id: plan.customer_id.clone(),
        }
    })?;
    if plan.currency != customer.currency {
        return Err(bad(
            "currency".into(),
            format!(
                "{} is not the customer's currency {}",
                plan.currency, customer.currency
            ),
        ));
    }
    let money = |field: String, m: &Money| -> Result<(), PlanError> {
        if m.currency() != plan.currency {
            return Err(bad(
                field,
                format!("{m} is not in the plan's currency {}", plan.currency),
            ));
        }
        if m.is_negative() || !m.is_in_minor_units() {
            return Err(bad(
                field,
                format!("{m} is not zero or more in minor units"),
            ));
        }
        Ok(())
    };
    if plan.items.is_empty() || plan.items.len() > MAX_PLAN_ITEMS {
        return Err(bad(
            "items".into(),
            format!(
                "has {} items; expected 1 to {MAX_PLAN_ITEMS}",
                plan.items.len()
            ),
        ));
    }
    let mut owed: HashMap<&str, Money> = HashMap::new();
    let mut principal = Money::zero(plan.currency);
    for (i, item) in plan.items.iter().enumerate() {
        let field = format!("items[{i}]");
        check_item(
            ledger,
            &customer,
            &item.item_id,
            &format!("{field}.item_id"),
        )?;
        money(format!("{field}.amount"), &item.amount)?;
        if owed.insert(item.item_id.as_str(), item.amount).is_some() {
            return Err(bad(
                format!("{field}.item_id"),
                format!("\"{}\" is listed twice", item.item_id),
            ));
        }
        principal = principal.checked_add(&item.amount)?;
    }
    let equal = |field: &str, stated: &Money, computed: &Money| -> Result<(), PlanError> {
        if stated != computed {
            return Err(bad(
                field.into(),
                format!("{stated} does not add up: expected {computed}"),
            ));
        }
        Ok(())
    };
    equal("principal", &plan.principal, &principal)?;
    for (f, m) in [("interest", &plan.interest), ("fees", &plan.fees)] {
        money(f.into(), m)?;
    }
    let total = plan
        .principal
        .checked_add(&plan.interest)?
        .checked_add(&plan.fees)?;
    equal("total", &plan.total, &total)?;
    check_instalments(plan, &mut owed, &bad, &money)?;
    if let Some((id, left)) = owed.iter().find(|(_, m)| !m.is_zero()) {
        return Err(bad(
            "instalments".into(),
            format!("allocations leave {left} of item \"{id}\" uncovered (or over-covered)"),
        ));
    }
    Ok(())
}

fn check_instalments(
    plan: &PaymentPlan,
    owed: &mut HashMap<&str, Money>,
    bad: &dyn Fn(String, String) -> PlanError,
    money: &dyn Fn(String, &Money) -> Result<(), PlanError>,
) -> Result<(), PlanError> {
    let max = usize::try_from(MAX_INSTALMENTS).unwrap_or(usize::MAX) + 1;
    if plan.instalments.is_empty() || plan.instalments.len() > max {
        return Err(bad(
            "instalments".into(),
            format!(
                "has {} entries; expected 1 to {max}",
                plan.instalments.len()
            ),
        ));
    }
    let zero = Money::zero(plan.currency);
    let (mut p, mut i, mut f) = (zero, zero, zero);
    let offset = u32::from(
        plan.instalments
            .first()
            .is_some_and(|x| x.kind == InstalmentKind::DownPayment),
    );
    let mut previous = None;
    for (k, inst) in plan.instalments.iter().enumerate() {
        let field = format!("instalments[{k}]");
        let expected_number = u32::try_from(k).unwrap_or(u32::MAX) + 1 - offset;
        let expected_kind = if k == 0 && offset == 1 {
            InstalmentKind::DownPayment
        } else {
            InstalmentKind::Instalment
        };
        if inst.number != expected_number || inst.kind != expected_kind {
            return Err(bad(
                format!("{field}.number"),
                format!(
                    "{} ({:?}) is out of order; expected {expected_number} ({expected_kind:?})",
                    inst.number, inst.kind
                ),
            ));
        }
        if let Some(prev) = previous
            && inst.due_date <= prev
        {
            return Err(bad(
                format!("{field}.due_date"),
                format!(
                    "{} is not after the previous due date {prev}",
                    inst.due_date
                ),
            ));
        }
        previous = Some(inst.due_date);
        for (name, m) in [
            ("principal", &inst.principal),
            ("interest", &inst.interest),
            ("fees", &inst.fees),
            ("amount", &inst.amount),
        ] {
            money(format!("{field}.{name}"), m)?;
        }
        let sum = inst
            .principal
            .checked_add(&inst.interest)?
            .checked_add(&inst.fees)?;
        if sum != inst.amount {
            return Err(bad(
                format!("{field}.amount"),
                format!("{} is not principal + interest + fees = {sum}", inst.amount),
            ));
        }
        let mut allocated = zero;
        for (a, alloc) in inst.allocations.iter().enumerate() {
            let af = format!("{field}.allocations[{a}]");
            money(format!("{af}.amount"), &alloc.amount)?;
            let Some(left) = owed.get_mut(alloc.item_id.as_str()) else {
                return Err(bad(
                    format!("{af}.item_id"),
                    format!("\"{}\" is not one of the plan's items", alloc.item_id),
                ));
            };
            *left = left.checked_sub(&alloc.amount)?;
            allocated = allocated.checked_add(&alloc.amount)?;
        }
        if allocated != inst.principal {
            return Err(bad(
                format!("{field}.allocations"),
                format!(
                    "add up to {allocated}; expected the principal {}",
                    inst.principal
                ),
            ));
        }
        p = p.checked_add(&inst.principal)?;
        i = i.checked_add(&inst.interest)?;
        f = f.checked_add(&inst.fees)?;
    }
    for (name, stated, sum) in [
        ("principal", &plan.principal, p),
        ("interest", &plan.interest, i),
        ("fees", &plan.fees, f),
    ] {
        if *stated != sum {
            return Err(bad(
                format!("instalments[*].{name}"),
                format!("add up to {sum}; expected the plan's {stated}"),
            ));
        }
    }
    Ok(())
}
