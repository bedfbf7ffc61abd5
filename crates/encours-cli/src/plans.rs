//! Payment plans in the command: the report's demo section (a plan proposed for one
//! customer of the sample, tracked with one late instalment, and what dunning then
//! does) and `encours plan` (propose, and track, a plan on any ledger).
//!
//! Every figure comes from `encours_core::plans` and `encours_core::dunning`; this
//! file chooses the demo's customer and terms and formats.

use std::fmt::Write;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use encours_core::dunning::{ActionKind, History, LeftOutReason, PlanContext};
use encours_core::money::Money;
use encours_core::plans::{
    Alert, BouncedBill, DownPayment, EligibilityRules, InstalmentStatus, InterestMethod,
    InterestTerms, MeansOfPayment, PayerProfile, PaymentPlan, PlanPayment, PlanRequest, PlanTerms,
    PlanTracking, Refusal, Selection, TrackingRules, assess, propose, track,
};
use rust_decimal::Decimal;

use crate::input::{CliError, Loaded};
use crate::text::{Align, Table, amount};

/// The report's payment-plan section: for the sample's customer with the largest
/// overdue amount among those whose overdue is at least half their open debits (a real
/// cash difficulty), a plan of its overdue items (disputed parts left out): 25 % down
/// at once, six monthly instalments at the month's end backed by bills of exchange,
/// 4 % a year as an annuity. Then the plan tracked with the down payment and the first
/// instalment paid and the second unpaid eight days after its due date, and the
/// dunning plan of that day for the customer.
pub fn render_demo(loaded: &Loaded, as_of: NaiveDate, out: &mut String) -> Result<(), CliError> {
    let ledger = &loaded.ledger;
    let Some(profile) = demo_customer(loaded, as_of)? else {
        out.push_str(
            "\nPayment plan: no customer of the sample has an overdue half of its debits\n",
        );
        return Ok(());
    };
    let customer = ledger
        .customer(&profile.customer_id)
        .map(|c| format!("{} ({})", c.name, c.id))
        .unwrap_or_else(|| profile.customer_id.clone());
    let terms = demo_terms(as_of)?;
    let plan = propose(
        ledger,
        &profile.customer_id,
        "PLAN-DEMO-1",
        as_of,
        &terms,
        &[],
    )
    .map_err(encours_core::Error::from)?;
    let eligibility = assess(
        &profile,
        None,
        &PlanRequest::of(&plan),
        &EligibilityRules::default(),
    )
    .map_err(encours_core::Error::from)?;
    let _ = writeln!(
        out,
        "\nPayment plan proposed to {customer} on {as_of}\n  overdue {} of {} open debits, oldest {} days past due; eligible: {}",
        amount(&profile.overdue),
        amount(&profile.open_debits),
        profile.oldest_overdue_days,
        if eligibility.eligible {
            "yes".to_owned()
        } else {
            refusals(&eligibility.refusals)
        },
    );
    let disputed: Money = selected_disputes(loaded, &plan, as_of)?;
    let _ = writeln!(
        out,
        "  selection: the overdue items, {} disputed left out; 25 % down, six monthly bills of exchange",
        amount(&disputed)
    );
    render_plan(&plan, out);

    // The tracked plan: down payment and first instalment paid on their due dates, the
    // second unpaid eight days after its due date.
    let payments: Vec<PlanPayment> = plan
        .instalments
        .iter()
        .take(2)
        .map(|i| PlanPayment {
            id: Some(format!("payment of instalment {}", i.number)),
            date: i.due_date,
            amount: i.amount,
        })
        .collect();
    let Some(late) = plan.instalments.get(2) else {
        return Ok(());
    };
    let day = late.due_date + chrono::Days::new(8);
    let tracking = track(&plan, &payments, &[], &TrackingRules::default(), day)
        .map_err(encours_core::Error::from)?;
    render_tracking(&tracking, out);
    render_dunning(loaded, &tracking, out)
}

/// The disputed parts the demo's selection left out.
fn selected_disputes(
    loaded: &Loaded,
    plan: &PaymentPlan,
    as_of: NaiveDate,
) -> Result<Money, CliError> {
    let items = encours_core::plans::select(
        &loaded.ledger,
        &plan.customer_id,
        as_of,
        &Selection {
            overdue_only: true,
            ..Selection::default()
        },
    )
    .map_err(encours_core::Error::from)?;
    let mut total = Money::zero(plan.currency);
    for i in &items {
        total = total
            .checked_add(&i.disputed_left_out)
            .map_err(encours_core::Error::from)?;
    }
    Ok(total)
}

/// The customer of the demo, with its profile.
fn demo_customer(loaded: &Loaded, as_of: NaiveDate) -> Result<Option<PayerProfile>, CliError> {
    let mut best: Option<PayerProfile> = None;
    for c in loaded.ledger.customers() {
        if c.currency.code() != "EUR" {
            continue;
        }
        let p = PayerProfile::from_ledger(&loaded.ledger, &c.id, as_of, 365)
            .map_err(encours_core::Error::from)?;
        let half = p
            .open_debits
            .checked_mul(Decimal::new(5, 1))
            .map_err(encours_core::Error::from)?;
        if p.overdue.amount() >= half.amount()
            && p.overdue.is_positive()
            && best
                .as_ref()
                .is_none_or(|b| p.overdue.amount() > b.overdue.amount())
        {
            best = Some(p);
        }
    }
    Ok(best)
}

fn demo_terms(as_of: NaiveDate) -> Result<PlanTerms, CliError> {
    // The last day of the month after the plan's date.
    let next = NaiveDate::from_ymd_opt(as_of.year(), as_of.month(), 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(2)))
        .and_then(|d| d.pred_opt())
        .ok_or_else(|| {
            encours_core::Error::from(encours_core::plans::PlanError::NothingToPlan {
                customer: String::new(),
                reason: format!("no month after {as_of}"),
            })
        })?;
    Ok(PlanTerms {
        selection: Selection {
            overdue_only: true,
            ..Selection::default()
        },
        down_payment: Some(DownPayment {
            percent: Some(Decimal::from(25)),
            ..DownPayment::default()
        }),
        day_of_month: Some(31),
        interest: Some(InterestTerms {
            method: InterestMethod::Annuity,
            annual_rate_percent: Decimal::from(4),
            day_count: Default::default(),
            base: Default::default(),
        }),
        means: MeansOfPayment::BillOfExchange,
        ..PlanTerms::monthly(6, next)
    })
}

/// An enum by its data-form name (`annuity`, `per_period`, `in_arrears`).
fn name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        _ => String::new(),
    }
}

fn refusals(r: &[Refusal]) -> String {
    let words: Vec<String> = r.iter().map(|x| format!("{x:?}")).collect();
    format!("no ({})", words.join("; "))
}

fn means(m: MeansOfPayment) -> &'static str {
    match m {
        MeansOfPayment::BillOfExchange => "bill of exchange",
        MeansOfPayment::DirectDebit => "direct debit",
        MeansOfPayment::Transfer => "transfer",
        MeansOfPayment::Card => "card",
        MeansOfPayment::Cheque => "cheque",
    }
}

/// The schedule as a table.
pub fn render_plan(plan: &PaymentPlan, out: &mut String) {
    let _ = writeln!(
        out,
        "  plan {}: {} items, principal {} {}, interest {}, fees {}, total {}",
        plan.id,
        plan.items.len(),
        amount(&plan.principal),
        plan.currency,
        amount(&plan.interest),
        amount(&plan.fees),
        amount(&plan.total),
    );
    if let Some(i) = &plan.interest_terms {
        let _ = writeln!(
            out,
            "  interest: {} at {} % a year, rate per period {}; rounding {}, remainder {}",
            name(&i.method),
            i.annual_rate_percent,
            name(&i.day_count),
            name(&plan.rounding),
            name(&plan.remainder)
        );
    }
    let mut t = Table::new(
        &[
            "#",
            "due",
            "scheduled",
            "principal",
            "interest",
            "fees",
            "amount",
            "means",
            "settles",
        ],
        &[
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Left,
            Align::Left,
        ],
    );
    for i in &plan.instalments {
        let mut settles: Vec<String> = i
            .allocations
            .iter()
            .take(3)
            .map(|a| format!("{} {}", a.item_id, amount(&a.amount)))
            .collect();
        if i.allocations.len() > 3 {
            settles.push(format!("{} more", i.allocations.len() - 3));
        }
        t.row(vec![
            if i.number == 0 {
                "down".to_owned()
            } else {
                i.number.to_string()
            },
            i.due_date.to_string(),
            if i.scheduled_date == i.due_date {
                String::new()
            } else {
                i.scheduled_date.to_string()
            },
            amount(&i.principal),
            amount(&i.interest),
            amount(&i.fees),
            amount(&i.amount),
            means(i.means).to_owned(),
            settles.join(", "),
        ]);
    }
    t.render(2, out);
}

fn status(s: InstalmentStatus) -> &'static str {
    match s {
        InstalmentStatus::Upcoming => "upcoming",
        InstalmentStatus::PartlyPaid => "partly paid",
        InstalmentStatus::Paid => "paid",
        InstalmentStatus::Late => "late",
        InstalmentStatus::Missed => "missed",
    }
}

/// The tracking as text.
pub fn render_tracking(t: &PlanTracking, out: &mut String) {
    let _ = writeln!(
        out,
        "\n  tracked on {}: {}; paid {}, outstanding {}, overdue {}",
        t.as_of,
        name(&t.status),
        amount(&t.paid),
        amount(&t.outstanding),
        amount(&t.overdue)
    );
    let mut table = Table::new(
        &[
            "#",
            "due",
            "amount",
            "paid",
            "outstanding",
            "status",
            "days late",
        ],
        &[
            Align::Right,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Left,
            Align::Right,
        ],
    );
    for i in &t.instalments {
        table.row(vec![
            if i.number == 0 {
                "down".to_owned()
            } else {
                i.number.to_string()
            },
            i.due_date.to_string(),
            amount(&i.amount),
            amount(&i.paid),
            amount(&i.outstanding),
            status(i.status).to_owned(),
            i.days_late.to_string(),
        ]);
    }
    table.render(2, out);
    for a in &t.alerts {
        let line = match a {
            Alert::InstalmentLate {
                instalment,
                due_date,
                days_late,
                outstanding,
            } => format!(
                "instalment {instalment} due {due_date} is {days_late} days late: {} outstanding",
                amount(outstanding)
            ),
            Alert::BouncedBill {
                instalment, date, ..
            } => {
                format!("the bill of exchange of instalment {instalment} bounced on {date}")
            }
            Alert::Breached { on, .. } => format!("the plan was breached on {on}"),
            other => format!("{other:?}"),
        };
        let _ = writeln!(out, "  alert: {line}");
    }
}

/// What the dunning engine does that day for the plan's items.
fn render_dunning(loaded: &Loaded, t: &PlanTracking, out: &mut String) -> Result<(), CliError> {
    let config = crate::dunning::load_config(None)?;
    let trackings = std::slice::from_ref(t);
    let mut ctx = PlanContext::new(&loaded.ledger, &config);
    ctx.payment_plans = trackings;
    let plan = encours_core::dunning::plan(&ctx, &History::default(), t.as_of)
        .map_err(encours_core::Error::from)?;
    let _ = writeln!(
        out,
        "\n  dunning on {} (built-in configuration, no history) for the plan's items:",
        t.as_of
    );
    let in_plan = |id: &str| t.item_ids.iter().any(|i| i == id);
    for a in plan
        .actions
        .iter()
        .filter(|a| a.customer_id == t.customer_id && a.kind == ActionKind::Step)
    {
        for i in a.items.iter().filter(|i| in_plan(&i.item_id)) {
            let _ = writeln!(
                out,
                "    {} by {}: {} claimed on {} (its part of the missed instalment; {} open)",
                a.step_id.as_deref().unwrap_or("step"),
                a.channel.name(),
                amount(&i.claimed),
                i.item_id,
                amount(&i.open),
            );
        }
    }
    let held = plan
        .left_out
        .iter()
        .filter(|l| matches!(l.reason, LeftOutReason::UnderPaymentPlan { .. }))
        .count();
    let _ = writeln!(
        out,
        "    {held} items left out: under payment plan {} ({}, nothing of theirs past due)",
        t.plan_id,
        name(&t.status)
    );
    out.push_str("    (a breached plan would send its unpaid items back to dunning on their own due dates)\n");
    Ok(())
}

/// `encours plan`: propose a plan for a customer of a ledger under terms read from a
/// JSON file (the demo's terms when absent), and track it with payments and bounced
/// bills read from JSON.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["sample", "ledger"]))]
pub struct PlanCommand {
    /// Use the built-in sample ledger.
    #[arg(long)]
    sample: bool,
    /// Read the ledger from a JSON file (`-` for standard input).
    #[arg(long, value_name = "FILE.json")]
    ledger: Option<std::path::PathBuf>,
    /// The customer's account id.
    #[arg(long, value_name = "ID")]
    customer: String,
    /// The new plan's id.
    #[arg(long, value_name = "ID", default_value = "PLAN-1")]
    plan_id: String,
    /// The day the plan is agreed (YYYY-MM-DD); defaults as for `report`.
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// The plan's terms (JSON, the form of `PlanTerms`); the demo's terms when absent.
    #[arg(long, value_name = "FILE.json")]
    terms: Option<std::path::PathBuf>,
    /// Track the plan as of this day.
    #[arg(long, value_name = "DATE")]
    track_as_of: Option<NaiveDate>,
    /// Payments received against the plan (a JSON array of `PlanPayment`).
    #[arg(long, value_name = "FILE.json", requires = "track_as_of")]
    payments: Option<std::path::PathBuf>,
    /// Bills of exchange returned unpaid (a JSON array of `BouncedBill`).
    #[arg(long, value_name = "FILE.json", requires = "track_as_of")]
    bounced: Option<std::path::PathBuf>,
    /// Print the plan (and its tracking) as JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Run `encours plan`.
pub fn run_command(args: PlanCommand) -> Result<(), CliError> {
    let source = match &args.ledger {
        Some(path) => crate::input::LedgerSource::File(path.clone()),
        None => crate::input::LedgerSource::Sample,
    };
    let loaded = crate::input::load(&source)?;
    let as_of = args.as_of.unwrap_or_else(|| loaded.default_as_of().0);
    let text = run(&loaded, &args, as_of)?;
    let mut out = std::io::stdout().lock();
    crate::ignore_broken_pipe(std::io::Write::write_all(&mut out, text.as_bytes()))
}

/// What `encours plan` prints as JSON.
#[derive(serde::Serialize)]
struct PlanOutput {
    plan: PaymentPlan,
    eligibility: encours_core::plans::Eligibility,
    #[serde(skip_serializing_if = "Option::is_none")]
    tracking: Option<PlanTracking>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Io {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| CliError::Config {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// The text (or JSON) `encours plan` prints.
fn run(loaded: &Loaded, args: &PlanCommand, as_of: NaiveDate) -> Result<String, CliError> {
    let terms: PlanTerms = match &args.terms {
        Some(p) => read_json(p)?,
        None => demo_terms(as_of)?,
    };
    let ledger = &loaded.ledger;
    let plan = propose(ledger, &args.customer, &args.plan_id, as_of, &terms, &[])
        .map_err(encours_core::Error::from)?;
    let profile = PayerProfile::from_ledger(ledger, &args.customer, as_of, 365)
        .map_err(encours_core::Error::from)?;
    let eligibility = assess(
        &profile,
        None,
        &PlanRequest::of(&plan),
        &EligibilityRules::default(),
    )
    .map_err(encours_core::Error::from)?;
    let tracking = match args.track_as_of {
        None => None,
        Some(day) => {
            let payments: Vec<PlanPayment> = match &args.payments {
                Some(p) => read_json(p)?,
                None => Vec::new(),
            };
            let bounced: Vec<BouncedBill> = match &args.bounced {
                Some(p) => read_json(p)?,
                None => Vec::new(),
            };
            Some(
                track(&plan, &payments, &bounced, &TrackingRules::default(), day)
                    .map_err(encours_core::Error::from)?,
            )
        }
    };
    if args.json {
        let o = PlanOutput {
            plan,
            eligibility,
            tracking,
        };
        return serde_json::to_string_pretty(&o)
            .map(|s| s + "\n")
            .map_err(|e| CliError::Config {
                path: "<output>".into(),
                message: e.to_string(),
            });
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Payment plan for {} on {}; eligible: {}",
        args.customer,
        as_of,
        if eligibility.eligible {
            "yes".to_owned()
        } else {
            refusals(&eligibility.refusals)
        }
    );
    render_plan(&plan, &mut out);
    if let Some(t) = &tracking {
        render_tracking(t, &mut out);
    }
    Ok(out)
}
