//! The decisions of a customer's plan, in the order the planner takes them, each a
//! small pure function tested on its own:
//!
//! 1. [`Timing::trigger`]: the day a step falls due for an item. It is the one
//!    trigger-date rule, used for today's plan, for the catch-up and for the next
//!    step an action announces, so the announced day is the day the plan takes it.
//! 2. [`due_steps`]: which steps an item has reached today.
//! 3. [`Holds::check`]: what holds an item back (blocks, a dispute on the whole open
//!    amount, a running promise). A new reason to hold an item back (a payment
//!    plan) is one more small function called from there, and one more
//!    [`LeftOutReason`].
//! 4. [`pick_step`]: among the steps reached, the highest whose item conditions are
//!    met.
//! 5. [`credits_cover`] and [`customer_spacing`]: what holds a whole customer back.
//! 6. [`group`]: how the items due group into actions, each step's customer minimum
//!    applied to the items due for that step only.
//!
//! What each action claims (indemnities, interest, the fee) is in `claims`.

use chrono::{Days, NaiveDate};

use super::config::{CatchUp, Grouping, Scenario, Step};
use super::{DunningError, LeftOutReason};
use crate::calendar::{Calendar, Roll};
use crate::ledger::{Block, Item};
use crate::money::{Currency, Money};
use crate::plans::dunning_hold::PlanHolds;
use crate::promises::PromiseToPay;

/// `date` plus (or minus) `days`, as a dunning error naming the item.
pub(super) fn add_days(
    date: NaiveDate,
    days: i64,
    item: &str,
    what: &'static str,
) -> Result<NaiveDate, DunningError> {
    let out = if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    out.ok_or_else(|| DunningError::DateOutOfRange {
        what,
        item: item.to_owned(),
    })
}

/// When steps fall due for one customer: its calendar and the item spacing.
#[derive(Debug, Clone, Copy)]
pub(super) struct Timing<'a> {
    /// The customer's calendar; triggers on other days roll to the next business day.
    pub(super) calendar: Option<&'a Calendar>,
    /// The customer, named in calendar errors.
    pub(super) customer_id: &'a str,
    /// [`super::DunningConfig::min_days_between_steps`].
    pub(super) min_days_between_steps: u32,
}

impl Timing<'_> {
    /// A date moved to the next business day of the customer's calendar.
    pub(super) fn roll(&self, date: NaiveDate) -> Result<NaiveDate, DunningError> {
        match self.calendar {
            Some(c) => c
                .roll(date, Roll::Following)
                .map_err(|source| DunningError::Calendar {
                    customer: self.customer_id.to_owned(),
                    source,
                }),
            None => Ok(date),
        }
    }

    /// The day `step` falls due for an item due on `due_date` whose previous step was
    /// taken on `previous`: the due date plus the step's offset, and at least
    /// `max(step.min_days_since_previous, min_days_between_steps, 1)` days after the
    /// previous step (never two steps of one item the same day), rolled to the next
    /// business day.
    pub(super) fn trigger(
        &self,
        item_id: &str,
        due_date: NaiveDate,
        step: &Step,
        previous: Option<NaiveDate>,
    ) -> Result<NaiveDate, DunningError> {
        let by_offset = add_days(
            due_date,
            i64::from(step.offset_days),
            item_id,
            "step trigger",
        )?;
        let date = match previous {
            Some(last) => {
                let wait = step
                    .min_days_since_previous
                    .max(self.min_days_between_steps)
                    .max(1);
                by_offset.max(add_days(last, i64::from(wait), item_id, "step spacing")?)
            }
            None => by_offset,
        };
        self.roll(date)
    }

    /// The day of the escalation after the last step, taken on `last`: at least one
    /// day later, so it never comes with the last step.
    pub(super) fn escalation(
        &self,
        item_id: &str,
        last: NaiveDate,
        days: u32,
    ) -> Result<NaiveDate, DunningError> {
        self.roll(add_days(
            last,
            i64::from(days.max(1)),
            item_id,
            "escalation date",
        )?)
    }
}

/// Where an item stands in its scenario today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Due {
    /// The next step's trigger has not come.
    NotYet,
    /// Steps `first..=highest` have been reached (`first == highest` unless catching
    /// up to the highest reached).
    Reached {
        /// The next step in order.
        first: usize,
        /// The highest step reached.
        highest: usize,
    },
    /// Every step was taken.
    PastLast,
}

/// Which steps an item has reached on `as_of`, given the level and day of its last
/// step. Pre-due steps are passed over once the item is overdue.
#[allow(clippy::too_many_arguments)]
pub(super) fn due_steps(
    scenario: &Scenario,
    timing: &Timing<'_>,
    catch_up: CatchUp,
    item_id: &str,
    due_date: NaiveDate,
    level: u32,
    previous: Option<NaiveDate>,
    as_of: NaiveDate,
) -> Result<Due, DunningError> {
    let overdue = as_of > due_date;
    let mut first = usize::try_from(level).unwrap_or(usize::MAX);
    while scenario
        .steps
        .get(first)
        .is_some_and(|s| s.is_pre_due() && overdue)
    {
        first += 1;
    }
    let Some(step) = scenario.steps.get(first) else {
        return Ok(Due::PastLast);
    };
    if timing.trigger(item_id, due_date, step, previous)? > as_of {
        return Ok(Due::NotYet);
    }
    let mut highest = first;
    if catch_up == CatchUp::HighestReached {
        while let Some(further) = scenario.steps.get(highest + 1) {
            if timing.trigger(item_id, due_date, further, previous)? > as_of {
                break;
            }
            highest += 1;
        }
    }
    Ok(Due::Reached { first, highest })
}

/// Among the steps reached (`first..=highest`), the highest whose item minimum the
/// claimed amount meets, with the ids of the steps passed over below it; when none,
/// the item is left out at `first` (the step it would get in order).
pub(super) fn pick_step(
    scenario: &Scenario,
    first: usize,
    highest: usize,
    claimed: Money,
) -> Result<Result<(usize, Vec<String>), LeftOutReason>, DunningError> {
    let currency = claimed.currency();
    for index in (first..=highest).rev() {
        let Some(step) = scenario.steps.get(index) else {
            continue;
        };
        let met = match Step::threshold(&step.min_item_amount, currency) {
            Some(min) => claimed.checked_cmp(&min)?.is_ge(),
            None => true,
        };
        if met {
            let skipped = scenario
                .steps
                .get(first..index)
                .unwrap_or_default()
                .iter()
                .map(|s| s.id.clone())
                .collect();
            return Ok(Ok((index, skipped)));
        }
    }
    let minimum = scenario
        .steps
        .get(first)
        .and_then(|s| Step::threshold(&s.min_item_amount, currency))
        .unwrap_or(claimed);
    Ok(Err(LeftOutReason::BelowItemMinimum { claimed, minimum }))
}

/// What can hold an item back from any step or escalation, for one customer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Holds<'a> {
    /// The customer's dunning block, if active today.
    pub(super) customer_block: Option<&'a Block>,
    /// The customer's promises to pay.
    pub(super) promises: &'a [&'a PromiseToPay],
    /// Days a promise still holds after its date.
    pub(super) promise_grace_days: u32,
    /// Items held by running payment plans.
    pub(super) plans: &'a PlanHolds,
    /// The plan's date.
    pub(super) as_of: NaiveDate,
}

impl Holds<'_> {
    /// The amount claimable for an item with `open` still open, or why it is held
    /// back. Checks in order: the customer's block, the item's block, a dispute on the
    /// whole open amount, a running promise, a running payment plan (which lets through
    /// only the item's part of missed instalments).
    pub(super) fn check(
        &self,
        item: &Item,
        open: Money,
    ) -> Result<Result<Money, LeftOutReason>, DunningError> {
        if let Some(reason) = self.customer_blocked().or_else(|| self.item_blocked(item)) {
            return Ok(Err(reason));
        }
        let claimed = match self.undisputed(item, open)? {
            Ok(claimed) => claimed,
            Err(reason) => return Ok(Err(reason)),
        };
        if let Some(reason) = self.under_promise(item) {
            return Ok(Err(reason));
        }
        self.under_payment_plan(item, claimed)
    }

    fn under_payment_plan(
        &self,
        item: &Item,
        claimed: Money,
    ) -> Result<Result<Money, LeftOutReason>, DunningError> {
        let Some(h) = self.plans.get(&item.id) else {
            return Ok(Ok(claimed));
        };
        if !h.claim.is_positive() {
            return Ok(Err(LeftOutReason::UnderPaymentPlan {
                plan_id: h.plan_id.clone(),
                status: h.status,
            }));
        }
        Ok(Ok(claimed.checked_min(&h.claim)?))
    }

    fn customer_blocked(&self) -> Option<LeftOutReason> {
        self.customer_block.map(|b| LeftOutReason::CustomerBlocked {
            block_reason: b.reason.clone(),
        })
    }

    fn item_blocked(&self, item: &Item) -> Option<LeftOutReason> {
        item.dunning_block
            .as_ref()
            .filter(|b| b.is_active(self.as_of))
            .map(|b| LeftOutReason::ItemBlocked {
                block_reason: b.reason.clone(),
            })
    }

    /// The open amount less its disputed part, or `Disputed` when nothing is left.
    fn undisputed(
        &self,
        item: &Item,
        open: Money,
    ) -> Result<Result<Money, LeftOutReason>, DunningError> {
        let disputed = item.disputed_amount(self.as_of).checked_min(&open)?;
        let claimed = open.checked_sub(&disputed)?;
        Ok(if claimed.is_positive() {
            Ok(claimed)
        } else {
            Err(LeftOutReason::Disputed { disputed })
        })
    }

    fn under_promise(&self, item: &Item) -> Option<LeftOutReason> {
        let grace = self.promise_grace_days;
        let p = self
            .promises
            .iter()
            .find(|p| p.covers(&item.id) && p.is_running(self.as_of, grace))?;
        let until = p
            .promised_date
            .checked_add_days(Days::new(u64::from(grace)))
            .unwrap_or(p.promised_date);
        Some(LeftOutReason::UnderPromise {
            promise_id: p.id.clone(),
            until,
        })
    }
}

/// An item due for a step today and not held back (yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Candidate {
    /// Position of the item in the ledger.
    pub(super) item_index: usize,
    /// The step it is due for.
    pub(super) step_index: usize,
    /// Steps passed over to reach it.
    pub(super) skipped: Vec<String>,
    /// Its open amount.
    pub(super) open: Money,
    /// Its claimable amount.
    pub(super) claimed: Money,
    /// Whether an earlier action claimed its flat recovery indemnity.
    pub(super) indemnity_claimed: bool,
}

/// The customer's credits (open credit notes and unapplied cash) hold every item
/// back when they cover the overdue amount claimed (`overdue`, the claims at steps
/// after the due date).
pub(super) fn credits_cover(
    overdue: Money,
    credits: Money,
) -> Result<Option<LeftOutReason>, DunningError> {
    Ok(
        (overdue.is_positive() && credits.checked_cmp(&overdue)?.is_ge())
            .then_some(LeftOutReason::CreditsCoverOverdue { credits, overdue }),
    )
}

/// A customer reminded less than `min_days` ago waits (0: no spacing).
pub(super) fn customer_spacing(
    last_action: Option<NaiveDate>,
    min_days: u32,
    customer_id: &str,
    as_of: NaiveDate,
) -> Result<Option<LeftOutReason>, DunningError> {
    let Some(last) = last_action.filter(|_| min_days > 0) else {
        return Ok(None);
    };
    let next_possible = add_days(last, i64::from(min_days), customer_id, "customer spacing")?;
    Ok(
        (as_of < next_possible).then_some(LeftOutReason::RecentlyReminded {
            last_action: last,
            next_possible,
        }),
    )
}

/// The items of one action: the step of the action (the highest of its items) and
/// the candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Group {
    /// The action's step.
    pub(super) step_index: usize,
    /// Its items.
    pub(super) candidates: Vec<Candidate>,
}

/// A candidate held back at the grouping stage, and why.
pub(super) type HeldBack = (Candidate, LeftOutReason);

/// Group the candidates into actions. Each step's customer minimum is compared with
/// the total claimed of the items due for that step, and holds back those items only;
/// the items that pass make one action per step ([`Grouping::PerStep`]) or one action
/// at the highest of their steps ([`Grouping::HighestLevel`]).
pub(super) fn group(
    mut candidates: Vec<Candidate>,
    grouping: Grouping,
    scenario: &Scenario,
    currency: Currency,
) -> Result<(Vec<Group>, Vec<HeldBack>), DunningError> {
    candidates.sort_by_key(|c| c.step_index);
    let mut per_step: Vec<Group> = Vec::new();
    for c in candidates {
        match per_step.last_mut() {
            Some(g) if g.step_index == c.step_index => g.candidates.push(c),
            _ => per_step.push(Group {
                step_index: c.step_index,
                candidates: vec![c],
            }),
        }
    }
    let mut passed: Vec<Group> = Vec::new();
    let mut held = Vec::new();
    for g in per_step {
        let total = g
            .candidates
            .iter()
            .try_fold(Money::zero(currency), |acc, c| acc.checked_add(&c.claimed))?;
        let minimum = scenario
            .steps
            .get(g.step_index)
            .and_then(|s| Step::threshold(&s.min_customer_amount, currency));
        match minimum {
            Some(minimum) if total.checked_cmp(&minimum)?.is_lt() => held.extend(
                g.candidates
                    .into_iter()
                    .map(|c| (c, LeftOutReason::BelowCustomerMinimum { total, minimum })),
            ),
            _ => passed.push(g),
        }
    }
    if grouping == Grouping::HighestLevel
        && let Some(step_index) = passed.iter().map(|g| g.step_index).max()
    {
        let candidates = passed.into_iter().flat_map(|g| g.candidates).collect();
        passed = vec![Group {
            step_index,
            candidates,
        }];
    }
    Ok((passed, held))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dunning::Channel;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, day).unwrap()
    }
    fn eur(cents: i64) -> Money {
        Money::from_minor(cents, Currency::EUR)
    }
    fn scenario() -> Scenario {
        let mut notice = Step::new("notice", 30, Channel::FormalNotice, "n");
        notice.min_item_amount = vec![eur(50_000)];
        notice.min_customer_amount = vec![eur(100_000)];
        Scenario::new(
            "s",
            vec![
                Step::new("statement", -10, Channel::Email, "s"),
                Step::new("reminder", 5, Channel::Email, "r"),
                notice,
            ],
        )
    }
    const TIMING: Timing<'static> = Timing {
        calendar: None,
        customer_id: "C1",
        min_days_between_steps: 7,
    };
    fn candidate(item_index: usize, step_index: usize, claimed: i64) -> Candidate {
        Candidate {
            item_index,
            step_index,
            skipped: Vec::new(),
            open: eur(claimed),
            claimed: eur(claimed),
            indemnity_claimed: false,
        }
    }

    #[test]
    fn the_trigger_is_the_offset_and_the_spacing_whichever_is_later() {
        let step = Step::new("reminder", 5, Channel::Email, "r");
        // No previous step: due + 5.
        assert_eq!(TIMING.trigger("F", d(3, 1), &step, None).unwrap(), d(3, 6));
        // Previous step on 3 March: the default week wins.
        assert_eq!(
            TIMING.trigger("F", d(3, 1), &step, Some(d(3, 3))).unwrap(),
            d(3, 10)
        );
        // The step's own spacing wins when longer.
        let mut slow = step.clone();
        slow.min_days_since_previous = 10;
        assert_eq!(
            TIMING.trigger("F", d(3, 1), &slow, Some(d(3, 3))).unwrap(),
            d(3, 13)
        );
        // A spacing of zero is still one day: never two steps the same day.
        let none = Timing {
            min_days_between_steps: 0,
            ..TIMING
        };
        assert_eq!(
            none.trigger("F", d(1, 1), &step, Some(d(3, 3))).unwrap(),
            d(3, 4)
        );
        assert_eq!(none.escalation("F", d(3, 3), 0).unwrap(), d(3, 4));
    }

    #[test]
    fn the_trigger_rolls_to_a_business_day() {
        let fr = Calendar::builtin("FR").unwrap();
        let timing = Timing {
            calendar: Some(&fr),
            ..TIMING
        };
        // Due Friday 26 April 2024 + 5 = Wednesday 1 May (Fête du Travail): Thursday 2 May.
        let step = Step::new("reminder", 5, Channel::Email, "r");
        assert_eq!(timing.trigger("F", d(4, 26), &step, None).unwrap(), d(5, 2));
    }

    #[test]
    fn due_steps_pass_pre_due_steps_once_overdue_and_catch_up() {
        let s = scenario();
        let due = |level, previous, as_of, catch_up| {
            due_steps(&s, &TIMING, catch_up, "F", d(3, 1), level, previous, as_of).unwrap()
        };
        // Before the due date: the statement at -10.
        assert_eq!(
            due(0, None, d(2, 20), CatchUp::Sequential),
            Due::Reached {
                first: 0,
                highest: 0
            }
        );
        assert_eq!(due(0, None, d(2, 10), CatchUp::Sequential), Due::NotYet);
        // Overdue and never dunned: the statement is passed over.
        assert_eq!(
            due(0, None, d(4, 15), CatchUp::Sequential),
            Due::Reached {
                first: 1,
                highest: 1
            }
        );
        assert_eq!(
            due(0, None, d(4, 15), CatchUp::HighestReached),
            Due::Reached {
                first: 1,
                highest: 2
            }
        );
        assert_eq!(
            due(3, Some(d(4, 1)), d(4, 15), CatchUp::Sequential),
            Due::PastLast
        );
    }

    #[test]
    fn pick_step_takes_the_highest_step_whose_item_minimum_is_met() {
        let s = scenario();
        assert_eq!(
            pick_step(&s, 1, 2, eur(60_000)).unwrap(),
            Ok((2, vec!["reminder".to_string()]))
        );
        assert_eq!(pick_step(&s, 1, 2, eur(10_000)).unwrap(), Ok((1, vec![])));
        assert_eq!(
            pick_step(&s, 2, 2, eur(10_000)).unwrap(),
            Err(LeftOutReason::BelowItemMinimum {
                claimed: eur(10_000),
                minimum: eur(50_000)
            })
        );
    }

    #[test]
    fn holds_in_order_block_dispute_promise() {
        let mut item = Item::invoice("F1", "C1", d(1, 1), d(2, 1), eur(10_000));
        let no_plans = PlanHolds::default();
        let holds = Holds {
            customer_block: None,
            promises: &[],
            promise_grace_days: 3,
            plans: &no_plans,
            as_of: d(3, 1),
        };
        assert_eq!(holds.check(&item, eur(10_000)).unwrap(), Ok(eur(10_000)));
        let promise = PromiseToPay::new("P1", "C1", eur(10_000), d(3, 10), d(2, 20)).unwrap();
        let promises = [&promise];
        let held = Holds {
            promises: &promises,
            ..holds
        };
        assert_eq!(
            held.check(&item, eur(10_000)).unwrap(),
            Err(LeftOutReason::UnderPromise {
                promise_id: "P1".into(),
                until: d(3, 13)
            })
        );
        item.dunning_block = Some(Block {
            reason: Some("audit".into()),
            since: None,
            until: None,
        });
        assert_eq!(
            held.check(&item, eur(10_000)).unwrap(),
            Err(LeftOutReason::ItemBlocked {
                block_reason: Some("audit".into())
            })
        );
    }

    #[test]
    fn customer_holds() {
        assert_eq!(credits_cover(eur(100), eur(99)).unwrap(), None);
        assert_eq!(
            credits_cover(eur(100), eur(100)).unwrap(),
            Some(LeftOutReason::CreditsCoverOverdue {
                credits: eur(100),
                overdue: eur(100)
            })
        );
        assert_eq!(credits_cover(eur(0), eur(100)).unwrap(), None);
        assert_eq!(
            customer_spacing(Some(d(3, 1)), 0, "C1", d(3, 1)).unwrap(),
            None
        );
        assert_eq!(
            customer_spacing(Some(d(3, 1)), 7, "C1", d(3, 7)).unwrap(),
            Some(LeftOutReason::RecentlyReminded {
                last_action: d(3, 1),
                next_possible: d(3, 8)
            })
        );
        assert_eq!(
            customer_spacing(Some(d(3, 1)), 7, "C1", d(3, 8)).unwrap(),
            None
        );
    }

    #[test]
    fn each_steps_customer_minimum_holds_its_own_items_only() {
        let s = scenario();
        // Notice items total 600.00 < 1,000.00: held; the reminder item passes.
        let (groups, held) = group(
            vec![candidate(0, 2, 60_000), candidate(1, 1, 20_000)],
            Grouping::HighestLevel,
            &s,
            Currency::EUR,
        )
        .unwrap();
        assert_eq!(
            groups,
            vec![Group {
                step_index: 1,
                candidates: vec![candidate(1, 1, 20_000)]
            }]
        );
        assert_eq!(
            held,
            vec![(
                candidate(0, 2, 60_000),
                LeftOutReason::BelowCustomerMinimum {
                    total: eur(60_000),
                    minimum: eur(100_000)
                }
            )]
        );
        // Both pass: one action at the highest step, or one per step.
        let both = vec![candidate(0, 2, 120_000), candidate(1, 1, 20_000)];
        let (groups, _) = group(both.clone(), Grouping::HighestLevel, &s, Currency::EUR).unwrap();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].step_index, 2);
        assert_eq!(groups[0].candidates.len(), 2);
        let (groups, _) = group(both, Grouping::PerStep, &s, Currency::EUR).unwrap();
        assert_eq!(
            groups.iter().map(|g| g.step_index).collect::<Vec<_>>(),
            vec![1, 2]
        );
    }
}
