//! The daily plan: for each customer, a short pipeline of the stages in `stages`
//! (which step each item is due for, what holds it back, how items group into
//! actions) and the claims of each action (`claims`).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::claims::{self, Charges};
use super::config::{AssignedBy, Assignment, Scenario, Step};
use super::history::{CustomerTrack, Tracks};
use super::stages::{self, Candidate, Due, Group, Holds, Timing};
use super::{
    Action, ActionItem, ActionKind, ActionReason, Channel, DunningError, DunningPlan, History,
    LeftOut, LeftOutReason, PlanContext, ReasonCode, jurisdiction_for,
};
use crate::calendar::Calendar;
use crate::interest::{InterestRule, RateTables};
use crate::ledger::{Customer, CustomerIx, ItemIx, ItemKind, Ledger};
use crate::money::Money;
use crate::plans::dunning_hold::PlanHolds;
use crate::promises::PromiseToPay;

/// Plan the dunning actions of `as_of`.
///
/// For each customer (in ledger order), with its assigned scenario, each open debit
/// reaches the next step after the last one recorded in the history once the step's
/// trigger has arrived: the due date plus the step's offset, and at least
/// `max(min_days_since_previous, min_days_between_steps, 1)` days after the item's
/// previous step, rolled to a business day. Items are left out, with the reason, when
/// disputed in full, blocked, under a running promise, under the item or customer
/// minimum, covered by the customer's credits, or when the customer was reminded
/// too recently. Pre-due steps apply only before the due date. Items still unpaid
/// `escalate_after_days` after the last step get one escalation action; dunned items
/// paid in full get one thank-you.
///
/// # Errors
/// [`DunningError::UnknownScenario`] for a customer override naming no scenario;
/// [`DunningError::InvalidPromise`] for a promise that fails its checks;
/// arithmetic, calendar or date-range errors.
///
/// # Example
/// See the [module documentation](super).
pub fn plan(
    ctx: &PlanContext<'_>,
    history: &History,
    as_of: NaiveDate,
) -> Result<DunningPlan, DunningError> {
    let tracks = Tracks::new(history, ctx.config, as_of);
    let promises = promises_by_customer(ctx)?;
    let plan_holds =
        PlanHolds::new(ctx.payment_plans, as_of).map_err(|e| DunningError::InvalidConfig {
            location: "payment plans".into(),
            message: e.to_string(),
        })?;
    check_calendar_names(ctx.calendars)?;
    // Built once per plan: the built-in rate tables (unless the caller gives its own)
    // and the built-in calendars in use.
    let builtin_tables;
    let tables = match ctx.rate_tables {
        Some(t) => t,
        None => {
            builtin_tables = RateTables::builtin();
            &builtin_tables
        }
    };
    let mut out = DunningPlan {
        as_of,
        actions: Vec::new(),
        left_out: Vec::new(),
        assignments: Vec::new(),
    };
    let mut builtins: HashMap<String, Calendar> = HashMap::new();
    for (cix, customer) in ctx.ledger.customers().iter().enumerate() {
        let calendar = customer_calendar(ctx, customer, &mut builtins)?;
        let run = CustomerRun::new(
            ctx,
            tables,
            customer,
            calendar,
            &tracks,
            promises
                .get(customer.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default(),
            &plan_holds,
            as_of,
        )?;
        run.plan(cix, &mut out)?;
    }
    Ok(out)
}

/// Promises by customer, each checked: a promise for a customer the ledger does not
/// hold is stale data that holds nothing back; one in another currency than its
/// customer's is a mistake.
fn promises_by_customer<'a>(
    ctx: &PlanContext<'a>,
) -> Result<HashMap<&'a str, Vec<&'a PromiseToPay>>, DunningError> {
    let mut promises: HashMap<&str, Vec<&PromiseToPay>> = HashMap::new();
    for p in ctx.promises {
        p.validate()?;
        if let Some(c) = ctx.ledger.customer(&p.customer_id)
            && p.amount.currency() != c.currency
        {
            return Err(DunningError::InvalidPromise {
                id: p.id.clone(),
                message: format!(
                    "amount {} is not in the currency of customer \"{}\" ({})",
                    p.amount, c.id, c.currency
                ),
            });
        }
        promises.entry(p.customer_id.as_str()).or_default().push(p);
    }
    Ok(promises)
}

/// Caller calendars are found by name, ignoring case as the built-in codes do: two of
/// the same name would make the choice silent.
fn check_calendar_names(calendars: &[Calendar]) -> Result<(), DunningError> {
    for (i, c) in calendars.iter().enumerate() {
        if calendars
            .iter()
            .skip(i + 1)
            .any(|other| other.is_named(c.name()))
        {
            return Err(DunningError::InvalidConfig {
                location: format!("calendar \"{}\"", c.name()),
                message: "two calendars of this name were given; give each calendar once".into(),
            });
        }
    }
    Ok(())
}

/// The customer's calendar (its own, else the configuration's default): a caller's
/// calendar by name, else a built-in one, built once per plan.
fn customer_calendar<'a>(
    ctx: &PlanContext<'a>,
    customer: &Customer,
    builtins: &'a mut HashMap<String, Calendar>,
) -> Result<Option<&'a Calendar>, DunningError> {
    let Some(code) = customer
        .calendar
        .as_deref()
        .or(ctx.config.default_calendar.as_deref())
    else {
        return Ok(None);
    };
    if let Some(c) = ctx.calendars.iter().find(|c| c.is_named(code)) {
        return Ok(Some(c));
    }
    if !builtins.contains_key(code) {
        let built = Calendar::builtin(code).map_err(|source| DunningError::Calendar {
            customer: customer.id.clone(),
            source,
        })?;
        builtins.insert(code.to_owned(), built);
    }
    Ok(builtins.get(code))
}

/// What one item comes to today.
#[derive(Debug)]
enum Outcome {
    /// Not a debit: its open amount counts with the customer's credits.
    Credit(Money),
    /// Nothing today.
    Nothing,
    /// Paid in full after being dunned: thank the customer.
    Thank,
    /// Past the last step long enough: escalate (open, claimed).
    Escalate(Money, Money),
    /// Due for a step.
    Due(Candidate),
    /// Due for a step (by id) but held back.
    Held(String, LeftOutReason),
}

/// Everything the stages of one customer's plan read.
struct CustomerRun<'a> {
    ctx: &'a PlanContext<'a>,
    customer: &'a Customer,
    assignment: Assignment,
    scenario: &'a Scenario,
    tracks: &'a Tracks<'a>,
    track: CustomerTrack,
    timing: Timing<'a>,
    holds: Holds<'a>,
    charges: Charges<'a>,
    rule: Option<InterestRule>,
    as_of: NaiveDate,
}

impl<'a> CustomerRun<'a> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        ctx: &'a PlanContext<'a>,
        tables: &'a RateTables,
        customer: &'a Customer,
        calendar: Option<&'a Calendar>,
        tracks: &'a Tracks<'a>,
        promises: &'a [&'a PromiseToPay],
        plans: &'a PlanHolds,
        as_of: NaiveDate,
    ) -> Result<CustomerRun<'a>, DunningError> {
        let config = ctx.config;
        let assignment = config.assign(customer)?;
        let Some(scenario) = config.scenario(&assignment.scenario_id) else {
            return Err(DunningError::UnknownScenario {
                scenario: assignment.scenario_id,
                customer: customer.id.clone(),
            });
        };
        let jurisdiction = jurisdiction_for(config, customer);
        Ok(CustomerRun {
            ctx,
            customer,
            scenario,
            tracks,
            track: tracks.customer(&customer.id),
            timing: Timing {
                calendar,
                customer_id: &customer.id,
                min_days_between_steps: config.min_days_between_steps,
            },
            holds: Holds {
                customer_block: customer
                    .dunning_block
                    .as_ref()
                    .filter(|b| b.is_active(as_of)),
                promises,
                promise_grace_days: config.promise_grace_days,
                plans,
                as_of,
            },
            charges: Charges {
                jurisdiction,
                rule: None,
                tables,
                country: customer.country.as_deref(),
                as_of,
            },
            rule: config
                .interest_rule
                .clone()
                .or_else(|| jurisdiction.map(InterestRule::statutory)),
            assignment,
            as_of,
        })
    }

    fn ledger(&self) -> &'a Ledger {
        self.ctx.ledger
    }

    /// The pipeline: each item's outcome; the customer-level holds; the groups; the
    /// actions with their claims.
    fn plan(self, cix: usize, out: &mut DunningPlan) -> Result<(), DunningError> {
        let currency = self.customer.currency;
        let mut left_out = Vec::new();
        let mut candidates = Vec::new();
        let mut escalations = Vec::new();
        let mut thanks = Vec::new();
        let mut credits = Money::zero(currency);
        for ix in self
            .ledger()
            .items_of(CustomerIx::new(cix))
            .map(ItemIx::index)
        {
            match self.item_outcome(ix)? {
                Outcome::Credit(open) => credits = credits.checked_add(&open)?,
                Outcome::Nothing => {}
                Outcome::Thank => thanks.push(ix),
                Outcome::Escalate(open, claimed) => escalations.push((ix, open, claimed)),
                Outcome::Due(c) => candidates.push(c),
                Outcome::Held(step_id, reason) => left_out.push(self.left_out(ix, step_id, reason)),
            }
        }
        if !candidates.is_empty()
            && let Some(reason) = self.customer_hold(&candidates, credits, cix)?
        {
            for c in candidates.drain(..) {
                left_out.push(self.left_out_at(&c, reason.clone()));
            }
        }
        let (groups, held) = stages::group(
            candidates,
            self.ctx.config.grouping,
            self.scenario,
            currency,
        )?;
        for (c, reason) in held {
            left_out.push(self.left_out_at(&c, reason));
        }
        let mut actions = Vec::new();
        for g in groups {
            actions.push(self.step_action(g)?);
        }
        if !escalations.is_empty() {
            actions.push(self.special_action(ActionKind::Escalation, &escalations)?);
        }
        if !thanks.is_empty() {
            let list: Vec<(usize, Money, Money)> = thanks
                .iter()
                .map(|&ix| (ix, Money::zero(currency), Money::zero(currency)))
                .collect();
            actions.push(self.special_action(ActionKind::ThankYou, &list)?);
        }
        if !actions.is_empty() || !left_out.is_empty() {
            out.assignments.push(self.assignment.clone());
        }
        out.actions.extend(actions);
        out.left_out.extend(left_out);
        Ok(())
    }

    fn left_out(&self, ix: usize, step_id: String, reason: LeftOutReason) -> LeftOut {
        LeftOut {
            customer_id: self.customer.id.clone(),
            item_id: self
                .ledger()
                .items()
                .get(ix)
                .map(|i| i.id.clone())
                .unwrap_or_default(),
            step_id,
            reason,
        }
    }

    fn left_out_at(&self, c: &Candidate, reason: LeftOutReason) -> LeftOut {
        let step_id = self
            .step(c.step_index)
            .map(|s| s.id.clone())
            .unwrap_or_default();
        self.left_out(c.item_index, step_id, reason)
    }

    fn step(&self, index: usize) -> Option<&'a Step> {
        self.scenario.steps.get(index)
    }

    /// Stages 1 to 4 for one item: which steps it reached, what holds it back, which
    /// step it gets.
    fn item_outcome(&self, ix: usize) -> Result<Outcome, DunningError> {
        let ledger = self.ledger();
        let (Some(item), Some(state)) = (
            ledger.item_at(ItemIx::new(ix)),
            ledger.item_state(ItemIx::new(ix), self.as_of),
        ) else {
            return Ok(Outcome::Nothing);
        };
        if !item.kind.is_debit() {
            return Ok(Outcome::Credit(state.open));
        }
        let config = self.ctx.config;
        let t = self.tracks.item(&item.id);
        if state.open.is_zero() {
            let recent = state.last_settlement.is_some_and(|d| {
                (self.as_of - d).num_days() <= i64::from(config.thank_you_within_days)
            });
            let thank = config.thank_you && t.level > 0 && !t.thanked && recent;
            return Ok(if thank {
                Outcome::Thank
            } else {
                Outcome::Nothing
            });
        }
        // An item under a running plan falls due with its earliest missed instalment.
        let due_date = self
            .holds
            .plans
            .get(&item.id)
            .and_then(|h| h.claim_due)
            .unwrap_or(item.due_date);
        let due = stages::due_steps(
            self.scenario,
            &self.timing,
            config.catch_up,
            &item.id,
            due_date,
            t.level,
            t.last_date,
            self.as_of,
        )?;
        let (first, highest) = match due {
            Due::NotYet => return Ok(Outcome::Nothing),
            Due::PastLast => {
                return self.escalation_outcome(&item, state.open, t.last_date, t.escalated);
            }
            Due::Reached { first, highest } => (first, highest),
        };
        let step_id = |i: usize| self.step(i).map(|s| s.id.clone()).unwrap_or_default();
        if self.step(first).is_some_and(Step::is_pre_due) && self.track.stop_pre_due {
            return Ok(Outcome::Held(step_id(first), LeftOutReason::PreDueStopped));
        }
        let claimed = match self.holds.check(&item, state.open)? {
            Ok(claimed) => claimed,
            Err(reason) => return Ok(Outcome::Held(step_id(first), reason)),
        };
        Ok(
            match stages::pick_step(self.scenario, first, highest, claimed)? {
                Ok((step_index, skipped)) => Outcome::Due(Candidate {
                    item_index: ix,
                    step_index,
                    skipped,
                    open: state.open,
                    claimed,
                    indemnity_claimed: t.indemnity_claimed,
                }),
                Err(reason) => Outcome::Held(step_id(first), reason),
            },
        )
    }

    /// Past the last step: escalate once, after the configured delay.
    fn escalation_outcome(
        &self,
        item: &crate::ledger::Item,
        open: Money,
        last: Option<NaiveDate>,
        escalated: bool,
    ) -> Result<Outcome, DunningError> {
        let (Some(days), Some(last), false) = (self.scenario.escalate_after_days, last, escalated)
        else {
            return Ok(Outcome::Nothing);
        };
        if self.as_of < self.timing.escalation(&item.id, last, days)? {
            return Ok(Outcome::Nothing);
        }
        Ok(match self.holds.check(item, open)? {
            Ok(claimed) => Outcome::Escalate(open, claimed),
            Err(reason) => Outcome::Held("escalation".into(), reason),
        })
    }

    /// Stage 5: what holds the whole customer back, once some items are due.
    fn customer_hold(
        &self,
        candidates: &[Candidate],
        mut credits: Money,
        cix: usize,
    ) -> Result<Option<LeftOutReason>, DunningError> {
        let currency = self.customer.currency;
        // Unapplied cash counts with the open credit notes; only read when needed, as
        // most customers of a large ledger have nothing due today.
        for pix in self.ledger().payments_of(CustomerIx::new(cix)) {
            let unapplied = Money::new(
                self.ledger().payment_unapplied(pix, self.as_of).amount(),
                currency,
            );
            credits = credits.checked_add(&unapplied)?;
        }
        let overdue = candidates
            .iter()
            .filter(|c| self.step(c.step_index).is_some_and(|s| !s.is_pre_due()))
            .try_fold(Money::zero(currency), |acc, c| acc.checked_add(&c.claimed))?;
        if let Some(reason) = stages::credits_cover(overdue, credits)? {
            return Ok(Some(reason));
        }
        stages::customer_spacing(
            self.track.last_action,
            self.ctx.config.min_days_between_actions,
            &self.customer.id,
            self.as_of,
        )
    }

    fn action_item(&self, ix: usize, open: Money, claimed: Money) -> Option<ActionItem> {
        let ledger = self.ledger();
        let item = ledger.item_at(ItemIx::new(ix))?;
        Some(ActionItem {
            item_id: item.id.clone(),
            kind: item.kind,
            issue_date: item.issue_date,
            due_date: item.due_date,
            days_overdue: (self.as_of - item.due_date).num_days(),
            amount: item.amount,
            open,
            claimed,
            level: 0,
            step_id: None,
            skipped_steps: Vec::new(),
            recovery_indemnity: None,
            interest: None,
            last_settlement: ledger
                .item_state(ItemIx::new(ix), self.as_of)
                .and_then(|state| state.last_settlement),
        })
    }

    /// Stage 6: one step action and what it claims.
    fn step_action(&self, group: Group) -> Result<Action, DunningError> {
        let currency = self.customer.currency;
        let top = group.step_index;
        let step = self.step(top).ok_or_else(|| DunningError::InvalidConfig {
            location: format!("scenario \"{}\"", self.scenario.id),
            message: "step index out of range".into(),
        })?;
        let charges = Charges {
            rule: self.rule.as_ref(),
            ..self.charges
        };
        let mut items = Vec::with_capacity(group.candidates.len());
        let mut warnings = Vec::new();
        let mut total_open = Money::zero(currency);
        let mut total_claimed = Money::zero(currency);
        let mut total_indemnities = Money::zero(currency);
        let mut total_interest = Money::zero(currency);
        for c in group.candidates {
            let Some(mut ai) = self.action_item(c.item_index, c.open, c.claimed) else {
                continue;
            };
            let own = self.step(c.step_index).unwrap_or(step);
            ai.level = u32::try_from(c.step_index + 1).unwrap_or(u32::MAX);
            ai.step_id = Some(own.id.clone());
            ai.skipped_steps = c.skipped;
            let late = ai.days_overdue > 0;
            if step.recovery_indemnity
                && !c.indemnity_claimed
                && ai.kind == ItemKind::Invoice
                && late
            {
                match charges.indemnity(&ai.item_id, &ai.amount) {
                    Ok(fee) => {
                        total_indemnities = total_indemnities.checked_add(&fee)?;
                        ai.recovery_indemnity = Some(fee);
                    }
                    Err(w) => warnings.push(w),
                }
            }
            if step.charge_interest && late {
                match charges.interest(&ai.item_id, &c.claimed, ai.due_date) {
                    Ok(interest) => {
                        total_interest = total_interest.checked_add(&interest)?;
                        ai.interest = Some(interest);
                    }
                    Err(w) => warnings.push(w),
                }
            }
            total_open = total_open.checked_add(&c.open)?;
            total_claimed = total_claimed.checked_add(&c.claimed)?;
            items.push(ai);
        }
        items.sort_by(|a, b| (a.due_date, &a.item_id).cmp(&(b.due_date, &b.item_id)));
        let (fee, fee_warning) = claims::step_fee(step, currency, self.ctx.fx_rates);
        warnings.extend(fee_warning);
        let (percent_fee, percent_warnings) = claims::percent_fee(step, total_claimed)?;
        warnings.extend(percent_warnings);
        let mut total_due = total_claimed
            .checked_add(&total_indemnities)?
            .checked_add(&total_interest)?;
        for f in fee.iter().chain(&percent_fee) {
            total_due = total_due.checked_add(f)?;
        }
        let level = u32::try_from(top + 1).unwrap_or(u32::MAX);
        let at_top: Vec<(&str, NaiveDate)> = items
            .iter()
            .filter(|i| i.level == level)
            .map(|i| (i.item_id.as_str(), i.due_date))
            .collect();
        let next_step = claims::next_step(
            self.scenario,
            top,
            &at_top,
            &self.timing,
            self.ctx.config.min_days_between_actions,
            self.as_of,
        )?;
        let reasons = vec![ActionReason {
            code: ReasonCode::StepReached,
            message: format!(
                "scenario \"{}\" ({}), step {} \"{}\" reached: {} item(s), {} claimed",
                self.scenario.id,
                match &self.assignment.by {
                    AssignedBy::CustomerOverride => "customer override".to_owned(),
                    AssignedBy::Rule(r) => format!("rule \"{r}\""),
                    AssignedBy::Default => "default scenario".to_owned(),
                },
                level,
                step.id,
                items.len(),
                total_claimed
            ),
        }];
        Ok(Action {
            id: format!("{}/{}/step/{}", self.as_of, self.customer.id, step.id),
            date: self.as_of,
            kind: ActionKind::Step,
            customer_id: self.customer.id.clone(),
            customer_name: self.customer.name.clone(),
            scenario_id: self.scenario.id.clone(),
            assigned_by: self.assignment.by.clone(),
            step_id: Some(step.id.clone()),
            level,
            channel: step.channel,
            template: step.template.clone(),
            items,
            total_open,
            total_claimed,
            fee,
            percent_fee,
            total_indemnities,
            total_interest,
            total_due,
            effects: step.effects.clone(),
            next_step,
            reasons,
            warnings,
        })
    }

    /// An escalation or a thank-you.
    fn special_action(
        &self,
        kind: ActionKind,
        list: &[(usize, Money, Money)],
    ) -> Result<Action, DunningError> {
        let currency = self.customer.currency;
        let mut items = Vec::with_capacity(list.len());
        let mut total_open = Money::zero(currency);
        let mut total_claimed = Money::zero(currency);
        for &(ix, open, claimed) in list {
            if let Some(ai) = self.action_item(ix, open, claimed) {
                total_open = total_open.checked_add(&open)?;
                total_claimed = total_claimed.checked_add(&claimed)?;
                items.push(ai);
            }
        }
        items.sort_by(|a, b| (a.due_date, &a.item_id).cmp(&(b.due_date, &b.item_id)));
        let (label, channel, reason) = match kind {
            ActionKind::Escalation => (
                "escalation",
                self.scenario.escalation_channel,
                ActionReason {
                    code: ReasonCode::ScenarioFinished,
                    message: format!(
                        "scenario \"{}\" finished {} days ago or more and {} item(s) are still unpaid",
                        self.scenario.id,
                        self.scenario.escalate_after_days.unwrap_or(0),
                        items.len()
                    ),
                },
            ),
            _ => (
                "thank_you",
                Channel::Email,
                ActionReason {
                    code: ReasonCode::PaidInFull,
                    message: format!("{} dunned item(s) paid in full", items.len()),
                },
            ),
        };
        Ok(Action {
            id: format!("{}/{}/{label}", self.as_of, self.customer.id),
            date: self.as_of,
            kind,
            customer_id: self.customer.id.clone(),
            customer_name: self.customer.name.clone(),
            scenario_id: self.scenario.id.clone(),
            assigned_by: self.assignment.by.clone(),
            step_id: None,
            level: 0,
            channel,
            template: label.to_owned(),
            items,
            total_open,
            total_claimed,
            fee: None,
            percent_fee: None,
            total_indemnities: Money::zero(currency),
            total_interest: Money::zero(currency),
            total_due: total_claimed,
            effects: Vec::new(),
            next_step: None,
            reasons: vec![reason],
            warnings: Vec::new(),
        })
    }
}
