//! What the dunning planner needs to know of payment plans: which items a running
//! plan holds out of dunning, and what of them is due under missed instalments.
//!
//! A plan on track, in arrears or completed holds its items: the dunning planner
//! leaves them out ([`crate::dunning::LeftOutReason::UnderPaymentPlan`]) except for
//! the part of them allocated to instalments past their due date and unpaid, which it
//! claims as if it fell due on the earliest such instalment's due date: the missed
//! instalments are dunned instead of the invoices. A breached plan holds nothing: its
//! items go back to dunning, on their own due dates, for their whole open amounts.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::PlanError;
use super::tracking::{PlanStatus, PlanTracking};
use crate::money::Money;

/// One item held by a running plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanHold {
    /// The plan.
    pub plan_id: String,
    /// The plan's state.
    pub status: PlanStatus,
    /// The item's part of instalments past due and unpaid (zero when none).
    pub claim: Money,
    /// The due date of the earliest such instalment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_due: Option<NaiveDate>,
}

/// The items held by running plans, by item id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanHolds {
    by_item: HashMap<String, PlanHold>,
}

impl PlanHolds {
    /// The holds of `trackings`, each taken as of `as_of` (the dunning plan's date).
    ///
    /// # Errors
    /// [`PlanError::InvalidField`] naming `payment_plans[i].as_of` for a tracking taken
    /// on another day, or `payment_plans[i].item_ids` for an item two running plans
    /// hold.
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Item, Ledger};
    /// use encours_core::money::{Currency, Money};
    /// use encours_core::plans::{propose, track, PlanTerms, TrackingRules};
    /// use encours_core::plans::dunning_hold::PlanHolds;
    /// use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let ledger = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
    ///     vec![Item::invoice("F1", "C1", d(1, 2), d(2, 1), eur(900_00))], vec![], vec![])?;
    /// let plan = propose(&ledger, "C1", "PL-1", d(3, 1), &PlanTerms::monthly(3, d(3, 31)), &[])?;
    /// let t = track(&plan, &[], &[], &TrackingRules::default(), d(4, 10))?;
    /// let holds = PlanHolds::new(&[t], d(4, 10))?;
    /// let h = holds.get("F1").unwrap();
    /// assert_eq!((h.claim, h.claim_due), (eur(300_00), Some(d(3, 31))));
    /// # Ok::<(), encours_core::Error>(())
    /// ```
    pub fn new(trackings: &[PlanTracking], as_of: NaiveDate) -> Result<PlanHolds, PlanError> {
        let mut by_item: HashMap<String, PlanHold> = HashMap::new();
        for (i, t) in trackings.iter().enumerate() {
            if t.as_of != as_of {
                return Err(PlanError::field(
                    format!("payment_plans[{i}].as_of"),
                    t.as_of,
                    format!(
                        "expected the tracking of plan \"{}\" as of the dunning date {as_of}",
                        t.plan_id
                    ),
                ));
            }
            if t.status == PlanStatus::Breached {
                continue;
            }
            for id in &t.item_ids {
                let (claim, claim_due) = claim_of(t, id)?;
                let hold = PlanHold {
                    plan_id: t.plan_id.clone(),
                    status: t.status,
                    claim,
                    claim_due,
                };
                if let Some(other) = by_item.insert(id.clone(), hold) {
                    return Err(PlanError::field(
                        format!("payment_plans[{i}].item_ids"),
                        format!("\"{id}\""),
                        format!(
                            "expected an item in one running plan; plan \"{}\" holds it too",
                            other.plan_id
                        ),
                    ));
                }
            }
        }
        Ok(PlanHolds { by_item })
    }

    /// The hold on an item, if a running plan holds it.
    pub fn get(&self, item_id: &str) -> Option<&PlanHold> {
        self.by_item.get(item_id)
    }

    /// Whether no item is held.
    pub fn is_empty(&self) -> bool {
        self.by_item.is_empty()
    }
}

/// The item's unpaid part of instalments past due, and the earliest such due date.
fn claim_of(t: &PlanTracking, item_id: &str) -> Result<(Money, Option<NaiveDate>), PlanError> {
    let mut claim = Money::zero(t.paid.currency());
    let mut due = None;
    for inst in t.instalments.iter().filter(|i| i.due_date < t.as_of) {
        for a in inst
            .unpaid_allocations
            .iter()
            .filter(|a| a.item_id == item_id)
        {
            claim = claim.checked_add(&a.amount)?;
            due = due.min(Some(inst.due_date)).or(Some(inst.due_date));
        }
    }
    Ok((claim, due))
}
