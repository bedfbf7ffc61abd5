//! # encours-sample
//!
//! Deterministic synthetic accounts-receivable ledgers for tests, benchmarks and the
//! demo. The same [`SampleConfig`] (seed included) always gives the same [`Ledger`],
//! record for record.
//!
//! The shape mirrors the analysts' yardstick generator (`shared/perf/gen_ledger.py`),
//! so figures computed by encours can be set beside the pandas and polars baselines:
//!
//! - segments A/B/C (15/45/40 % of customers); A customers buy more often and bigger;
//! - the currency is a customer attribute: EUR 85 %, USD 10 %, GBP 5 %; countries
//!   follow it (EUR → FR or DE, USD → US, GBP → GB);
//! - invoice activity per customer is log-normal (a few very active customers, some
//!   with no invoice at all); issue dates are uniform over the `history_days` ending
//!   at `as_of`, and invoice numbers follow issue dates;
//! - terms 30/45/60 days, the customer's preferred terms on 90 % of its invoices;
//!   the terms are written as ERPs hold them ("net 30", "45 jours fin de mois",
//!   "2/10 net 30"…) and due dates are computed from that text by
//!   [`encours_core::terms`];
//! - amounts log-normal by segment, clipped to 50..500 000, in whole cents;
//! - each customer has a payment habit (early payers, on time, late, very late) with
//!   per-invoice noise and a 5 % heavy tail; about 10 % of invoices are paid in 2–3
//!   instalments, 1.5 % are stuck (never paid), 2 % are short-paid (a small deduction
//!   stays open); disputes (1/2/4 % by segment) are paid much later or never;
//!
//! and adds what an ERP ledger has beyond the yardstick: partial credit notes (about
//! 3 % of invoices) netted against their invoice, a few payments on account left
//! unapplied, groups (customers with a parent), dunning blocks, credit limits,
//! payment terms text, plausible company names, remittance references. Nothing is
//! dated after `as_of`: payments, credit notes and disputes that would come later do
//! not exist yet, so recent invoices are open.
//!
//! Money never goes through floating point: amounts are drawn as integer cents
//! (the log-normal draw is rounded to the cent once), and every split (instalments,
//! credit notes, deductions, disputed parts) is integer arithmetic on cents.
//!
//! ```
//! use encours_sample::{generate, SampleConfig};
//! let config = SampleConfig { customers: 50, invoices: 400, ..SampleConfig::default() };
//! let ledger = generate(&config)?;
//! assert_eq!(ledger.customer_count(), 50);
//! assert!(ledger.item_count() >= 400); // invoices plus credit notes
//! assert_eq!(ledger, generate(&config)?); // deterministic
//! # Ok::<(), encours_core::Error>(())
//! ```
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod names;

use std::f64::consts::TAU;

use chrono::{Datelike, NaiveDate};
use encours_core::Error;
use encours_core::ledger::{
    Application, Block, Customer, Dispute, Item, Ledger, LedgerError, MatchRule, Payment, Source,
};
use encours_core::money::{Currency, Money};
use encours_core::terms::{ParseOptions, PaymentTerms};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use names::Country;

/// The as-of date of the yardstick generator and of the built-in sample.
pub const SAMPLE_AS_OF: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 22) {
    Some(d) => d,
    None => panic!("2026-11-22 is a valid date"),
};

/// What to generate. [`Default`] is the yardstick's scale: 100,000 customers,
/// 1,000,000 invoices, seed 42, as of 2026-11-22, two years of history.
///
/// ```
/// use encours_sample::SampleConfig;
/// let c = SampleConfig::default();
/// assert_eq!((c.customers, c.invoices, c.seed), (100_000, 1_000_000, 42));
/// assert_eq!(SampleConfig::builtin().invoices, 6_000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SampleConfig {
    /// Seed of the ChaCha8 generator: the same seed gives the same ledger.
    pub seed: u64,
    /// Number of customer accounts.
    pub customers: usize,
    /// Number of invoices (credit notes come on top).
    pub invoices: usize,
    /// The day the ledger is extracted: nothing is dated after it.
    pub as_of: NaiveDate,
    /// Issue dates are uniform over this many days ending at `as_of`.
    pub history_days: u32,
}

impl Default for SampleConfig {
    fn default() -> SampleConfig {
        SampleConfig {
            seed: 42,
            customers: 100_000,
            invoices: 1_000_000,
            as_of: SAMPLE_AS_OF,
            history_days: 730,
        }
    }
}

impl SampleConfig {
    /// The built-in sample of the demo: 300 customers, 6,000 invoices, seed 42, as of
    /// 2026-11-22.
    pub fn builtin() -> SampleConfig {
        SampleConfig {
            customers: 300,
            invoices: 6_000,
            ..SampleConfig::default()
        }
    }
}

/// The built-in sample ledger used by the demo (`encours report --sample`): see
/// [`SampleConfig::builtin`].
///
/// ```
/// let ledger = encours_sample::sample_ledger();
/// assert_eq!(ledger.customer_count(), 300);
/// ```
///
/// # Panics
/// Never: the built-in configuration is valid, and a test generates it.
pub fn sample_ledger() -> Ledger {
    match generate(&SampleConfig::builtin()) {
        Ok(ledger) => ledger,
        // The configuration is a constant checked by the tests: failing here is a bug
        // in this crate, not bad input.
        Err(e) => panic!("the built-in sample configuration failed: {e}"),
    }
}

// ---------------------------------------------------------------- the shape
// Figures from shared/perf/gen_ledger.py, by segment A, B, C.
const SEGMENTS: [&str; 3] = ["A", "B", "C"];
const SEGMENT_SHARES: [f64; 3] = [0.15, 0.45, 0.40];
const CURRENCY_SHARES: [(Currency, f64); 3] = [
    (Currency::EUR, 0.85),
    (Currency::USD, 0.10),
    (Currency::GBP, 0.05),
];
const TERMS: [i32; 3] = [30, 45, 60];
const PREFERRED_TERMS_SHARES: [f64; 3] = [0.5, 0.3, 0.2];
/// Mean and spread of a customer's habitual delay after the due date, in days.
const DELAY_MEAN: [f64; 3] = [-1.0, 8.0, 20.0];
const DELAY_SD: [f64; 3] = [5.0, 8.0, 14.0];
/// Nobody pays more than this many days before the due date on average.
const EARLIEST_HABIT: f64 = -25.0;
const ACTIVITY_FACTOR: [f64; 3] = [3.0, 1.0, 0.7];
const TICKET: [f64; 3] = [4000.0, 1200.0, 500.0];
const DISPUTE_RATE: [f64; 3] = [0.01, 0.02, 0.04];
const MIN_AMOUNT: f64 = 50.0;
const MAX_AMOUNT: f64 = 500_000.0;
const AMOUNT_SIGMA: f64 = 1.2;

// What the yardstick does not model.
const CREDIT_NOTE_RATE: f64 = 0.03;
/// One payment on account (never applied) per this many invoices.
const INVOICES_PER_ON_ACCOUNT: usize = 400;
const PARENT_RATE: f64 = 0.08;
/// The first customers (one in forty) head the groups; they have no parent, so
/// parent links are acyclic by construction.
const GROUP_HEADS_PER: usize = 40;
const DUNNING_BLOCK_RATE: f64 = 0.02;
const CREDIT_LIMIT_RATE: f64 = 0.8;
/// French customers on 45 days: the share with "45 jours fin de mois".
const END_OF_MONTH_RATE: f64 = 0.5;
/// American customers on 30 days: the share offered an early-payment discount.
const DISCOUNT_RATE: f64 = 0.25;

/// Payment terms as customers' records hold them; each parses with
/// [`PaymentTerms::parse`] and the default options.
const TERMS_TEXTS: [&str; 11] = [
    "net 30",
    "net 45",
    "net 60",
    "30 jours net",
    "45 jours net",
    "45 jours fin de mois",
    "60 jours date de facture",
    "net 30 days",
    "net 45 days",
    "net 60 days",
    "2/10 net 30",
];

/// The text of a customer's preferred terms, as an index in [`TERMS_TEXTS`].
fn terms_text<R: Rng>(rng: &mut R, country: Country, days: i32) -> usize {
    let by_days = |a: usize, b: usize, c: usize| match days {
        30 => a,
        45 => b,
        _ => c,
    };
    match country {
        Country::Fr => match days {
            // LME (Code de commerce L441-10) allows 45 days end of month in France.
            45 if rng.random_bool(END_OF_MONTH_RATE) => 5,
            _ => by_days(3, 4, 6),
        },
        Country::De => by_days(7, 8, 9),
        Country::Gb => by_days(0, 1, 2),
        Country::Us => match days {
            30 if rng.random_bool(DISCOUNT_RATE) => 10,
            _ => by_days(0, 1, 2),
        },
    }
}
const REFERENCE_RATE: f64 = 0.7;
/// Days after `as_of` a due date can reach: 60 days terms, then end of month.
const MAX_DUE_AHEAD: u64 = 100;

const DISPUTE_REASONS: [&str; 4] = ["price", "quantity", "quality", "delivery"];
const BLOCK_REASONS: [&str; 4] = [
    "credit manager hold",
    "awaiting purchase order",
    "payment plan under negotiation",
    "customer in receivership",
];

/// What the generator keeps about a customer beyond the ledger record.
struct Profile {
    segment: usize,
    currency: Currency,
    /// Days of the preferred terms.
    terms: i32,
    /// The preferred terms, as an index in [`TERMS_TEXTS`].
    terms_text: usize,
    delay_mean: f64,
    delay_noise: f64,
    ticket_mu: f64,
}

/// A payment before ledger ids are assigned. `invoice` is `None` for a payment on
/// account.
struct Cash {
    day: i32,
    invoice: Option<u32>,
    part: u8,
    cents: i64,
    customer: u32,
    by_reference: bool,
}

struct CreditNote {
    day: i32,
    invoice: u32,
    cents: i64,
    customer: u32,
}

fn config_error(
    config: &SampleConfig,
    field: &'static str,
    value: String,
    expected: &str,
) -> Error {
    Error::Ledger(LedgerError::InvalidField {
        record: "sample config",
        id: format!("seed {}", config.seed),
        field,
        value,
        expected: expected.to_owned(),
    })
}

fn standard_normal<R: Rng>(rng: &mut R) -> f64 {
    // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (TAU * u2).cos()
}

fn exponential<R: Rng>(rng: &mut R, mean: f64) -> f64 {
    -mean * (1.0 - rng.random::<f64>()).ln()
}

/// Index drawn from discrete shares that sum to 1.
fn choose<R: Rng>(rng: &mut R, shares: &[f64]) -> usize {
    let u = rng.random::<f64>();
    let mut acc = 0.0;
    for (i, s) in shares.iter().enumerate() {
        acc += s;
        if u < acc {
            return i;
        }
    }
    shares.len().saturating_sub(1)
}

/// `part` thousandths of `cents`, rounded down: splits stay in integer cents.
fn per_mille(cents: i64, part: i64) -> i64 {
    cents * part / 1000
}

fn pick<'a, T, R: Rng>(rng: &mut R, items: &'a [T]) -> Option<&'a T> {
    items.get(rng.random_range(0..items.len().max(1)))
}

/// Day numbers (days from the common era) turned back into dates.
struct Days {
    config_seed: u64,
}

impl Days {
    fn out_of_range(&self, day: i32) -> Error {
        Error::Ledger(LedgerError::InvalidField {
            record: "sample config",
            id: format!("seed {}", self.config_seed),
            field: "as_of",
            value: format!("day {day} from the common era"),
            expected: "dates within chrono's range".into(),
        })
    }

    fn date(&self, day: i32) -> Result<NaiveDate, Error> {
        NaiveDate::from_num_days_from_ce_opt(day).ok_or_else(|| self.out_of_range(day))
    }
}

/// Generate a ledger.
///
/// # Errors
/// [`Error::Ledger`] with [`LedgerError::InvalidField`] (record `sample config`) when
/// `customers` is 0 while `invoices` is not, when `history_days` is 0, or when
/// `as_of` is so close to the ends of the calendar that the history or the due dates
/// fall outside it; any error of [`Ledger::new`] (none is expected: that would be a
/// bug in the generator).
///
/// # Example
/// ```
/// use encours_sample::{generate, SampleConfig};
/// let small = SampleConfig { seed: 7, customers: 20, invoices: 100, ..SampleConfig::default() };
/// let ledger = generate(&small)?;
/// assert!(ledger.items().iter().all(|i| i.issue_date <= small.as_of));
/// assert!(generate(&SampleConfig { customers: 0, ..small }).is_err());
/// # Ok::<(), encours_core::Error>(())
/// ```
pub fn generate(config: &SampleConfig) -> Result<Ledger, Error> {
    if config.customers == 0 && config.invoices > 0 {
        return Err(config_error(
            config,
            "customers",
            "0".into(),
            "at least 1 when invoices is above 0",
        ));
    }
    if config.history_days == 0 {
        return Err(config_error(
            config,
            "history_days",
            "0".into(),
            "at least 1",
        ));
    }
    let customer_limit = u32::try_from(config.customers).ok();
    let invoice_limit = u32::try_from(config.invoices)
        .ok()
        .filter(|n| *n < u32::MAX);
    if customer_limit.is_none() {
        return Err(config_error(
            config,
            "customers",
            config.customers.to_string(),
            "at most 4294967295",
        ));
    }
    if invoice_limit.is_none() {
        return Err(config_error(
            config,
            "invoices",
            config.invoices.to_string(),
            "at most 4294967294",
        ));
    }
    let first_day = config
        .as_of
        .checked_sub_days(chrono::Days::new(u64::from(config.history_days)))
        .ok_or_else(|| {
            config_error(
                config,
                "as_of",
                config.as_of.to_string(),
                "a date with history_days of history before it",
            )
        })?
        .num_days_from_ce()
        + 1;
    if config
        .as_of
        .checked_add_days(chrono::Days::new(MAX_DUE_AHEAD))
        .is_none()
    {
        return Err(config_error(
            config,
            "as_of",
            config.as_of.to_string(),
            "a date at least 100 days before the end of the calendar",
        ));
    }
    let as_of = config.as_of.num_days_from_ce();
    let days = Days {
        config_seed: config.seed,
    };

    let catalogue = TERMS_TEXTS
        .iter()
        .map(|text| PaymentTerms::parse(text, &ParseOptions::default()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let (mut customers, profiles, cumulative) = make_customers(&mut rng, config);

    // ------------------------------------------------------------ invoices
    let mut issue_days: Vec<i32> = (0..config.invoices)
        .map(|_| rng.random_range(first_day..=as_of))
        .collect();
    issue_days.sort_unstable();
    let total_activity = cumulative.last().copied().unwrap_or(0.0);
    let last_customer = config.customers.saturating_sub(1);
    let mut items: Vec<Item> = Vec::with_capacity(config.invoices + config.invoices / 25);
    let mut cash: Vec<Cash> = Vec::with_capacity(config.invoices + config.invoices / 10);
    let mut credit_notes: Vec<CreditNote> = Vec::with_capacity(config.invoices / 25);

    for (n, &issue) in issue_days.iter().enumerate() {
        let invoice = u32::try_from(n).unwrap_or(u32::MAX);
        let u = rng.random::<f64>() * total_activity;
        let c = cumulative.partition_point(|&x| x <= u).min(last_customer);
        let (Some(p), Some(customer)) = (profiles.get(c), customers.get(c)) else {
            continue;
        };
        let customer_ix = u32::try_from(c).unwrap_or(u32::MAX);
        let preferred = rng.random_bool(0.9);
        let terms = if preferred {
            p.terms
        } else {
            *pick(&mut rng, &TERMS).unwrap_or(&30)
        };
        let due = match catalogue.get(p.terms_text) {
            Some(t) if preferred => t.due_date(days.date(issue)?)?.num_days_from_ce(),
            _ => issue + terms,
        };
        let ticket = (p.ticket_mu + AMOUNT_SIGMA * standard_normal(&mut rng)).exp();
        // The one float-to-money step: the draw is rounded to the cent, then
        // everything is integer cents.
        let amount = (ticket.clamp(MIN_AMOUNT, MAX_AMOUNT) * 100.0).round() as i64;
        let disputed = rng.random_bool(DISPUTE_RATE.get(p.segment).copied().unwrap_or(0.02));

        let mut delay = p.delay_mean + standard_normal(&mut rng) * p.delay_noise;
        if rng.random_bool(0.05) {
            delay += exponential(&mut rng, 45.0);
        }
        if disputed {
            delay += 30.0 + exponential(&mut rng, 60.0);
        }
        let final_pay = (due + delay.round() as i32).max(issue);
        let stuck = rng.random_bool(if disputed { 0.35 } else { 0.015 });
        let short_paid = !stuck && rng.random_bool(0.02);
        let u = rng.random::<f64>();
        let instalments: i64 = if u < 0.90 {
            1
        } else if u < 0.97 {
            2
        } else {
            3
        };
        let gap = rng.random_range(7..=30i32);
        let cut1 = rng.random_range(200..=600i64);
        let cut2 = rng.random_range(200..=500i64);

        // A partial credit note (price correction, return) nets part of the invoice;
        // the customer pays the rest, whether or not the note is issued yet.
        let mut payable = amount;
        if rng.random_bool(CREDIT_NOTE_RATE) {
            let credit = per_mille(amount, rng.random_range(50..=400)).max(1);
            let day = issue + rng.random_range(3..=45);
            payable -= credit;
            if day <= as_of {
                credit_notes.push(CreditNote {
                    day,
                    invoice,
                    cents: credit,
                    customer: customer_ix,
                });
            }
        }
        let deduction = if short_paid {
            per_mille(payable, rng.random_range(5..=50)).max(1)
        } else {
            0
        };
        let first = if instalments == 1 {
            payable
        } else {
            per_mille(payable, cut1).max(1)
        };
        let rest = payable - first;
        let second = match instalments {
            1 => 0,
            2 => rest,
            _ => per_mille(rest, cut2).max(1),
        };
        let parts = [first, second, payable - first - second];
        for k in 1..=instalments {
            // Stuck invoices: only the first instalment of a split payment arrives.
            let arrives = if k == 1 {
                !(stuck && instalments == 1)
            } else {
                !stuck
            };
            let day = (final_pay - (instalments - k) as i32 * gap).max(issue);
            let mut cents = parts.get((k - 1) as usize).copied().unwrap_or(0);
            if k == instalments {
                cents -= deduction;
            }
            if arrives && day <= as_of && cents > 0 {
                cash.push(Cash {
                    day,
                    invoice: Some(invoice),
                    part: k as u8,
                    cents,
                    customer: customer_ix,
                    by_reference: rng.random_bool(REFERENCE_RATE),
                });
            }
        }

        let dispute = if disputed {
            let opened = issue + rng.random_range(5..=40);
            let disputed_cents = if rng.random_bool(0.6) {
                amount
            } else {
                per_mille(amount, rng.random_range(100..=900)).max(1)
            };
            let reason = pick(&mut rng, &DISPUTE_REASONS).copied().unwrap_or("price");
            let resolved = (!stuck && final_pay <= as_of).then_some(final_pay.max(opened));
            if opened <= as_of {
                Some(Dispute {
                    amount: Money::from_minor(disputed_cents, p.currency),
                    opened_on: days.date(opened)?,
                    resolved_on: resolved.map(|d| days.date(d)).transpose()?,
                    reason: Some(reason.to_owned()),
                })
            } else {
                None
            }
        } else {
            None
        };
        let mut item = Item::invoice(
            invoice_id(invoice),
            customer.id.clone(),
            days.date(issue)?,
            days.date(due)?,
            Money::from_minor(amount, p.currency),
        );
        item.dispute = dispute;
        items.push(item);
    }

    // A few payments on account: cash received without remittance advice, left
    // unapplied (a credit on the account).
    let on_account = config.invoices / INVOICES_PER_ON_ACCOUNT;
    for _ in 0..on_account {
        let u = rng.random::<f64>() * total_activity;
        let c = cumulative.partition_point(|&x| x <= u).min(last_customer);
        let Some(p) = profiles.get(c) else { continue };
        let ticket = (p.ticket_mu + standard_normal(&mut rng) * 0.5).exp();
        cash.push(Cash {
            day: rng.random_range(first_day..=as_of),
            invoice: None,
            part: 0,
            cents: ((ticket.clamp(MIN_AMOUNT, MAX_AMOUNT) * 100.0).round() as i64).max(1),
            customer: u32::try_from(c).unwrap_or(u32::MAX),
            by_reference: false,
        });
    }

    // ------------------------------------------------------------ ids and applications
    // Documents are numbered in date order, as an ERP numbers them.
    cash.sort_by_key(|c| (c.day, c.invoice.unwrap_or(u32::MAX), c.part));
    credit_notes.sort_by_key(|c| (c.day, c.invoice));

    let customer_id = |ix: u32| {
        customers
            .get(ix as usize)
            .map(|c| (c.id.clone(), c.currency))
            .ok_or_else(|| {
                Error::Ledger(LedgerError::Unknown {
                    kind: "customer",
                    id: ix.to_string(),
                    referenced_by: "sample generator".into(),
                })
            })
    };

    // (day, order within the day, application); credit notes first on a day, as they
    // are netted when booked.
    let mut applications: Vec<(i32, u8, Application)> =
        Vec::with_capacity(cash.len() + credit_notes.len());
    let mut payments = Vec::with_capacity(cash.len());
    for (n, c) in cash.iter().enumerate() {
        let (cid, currency) = customer_id(c.customer)?;
        let id = format!("P{:07}", n + 1);
        let amount = Money::from_minor(c.cents, currency);
        let date = days.date(c.day)?;
        let mut payment = Payment::new(id.clone(), cid, date, amount);
        if let Some(inv) = c.invoice {
            let item_id = invoice_id(inv);
            if c.by_reference {
                payment.reference = Some(item_id.clone());
            }
            applications.push((
                c.day,
                1,
                Application {
                    source: Source::Payment(id),
                    item_id,
                    date,
                    amount,
                    rule: if c.by_reference {
                        MatchRule::Reference
                    } else {
                        MatchRule::Explicit
                    },
                },
            ));
        }
        payments.push(payment);
    }
    for (n, cn) in credit_notes.iter().enumerate() {
        let (cid, currency) = customer_id(cn.customer)?;
        let id = format!("AV{:07}", n + 1);
        let amount = Money::from_minor(cn.cents, currency);
        let date = days.date(cn.day)?;
        let mut note = Item::credit_note(id.clone(), cid, date, amount);
        note.reference = Some(invoice_id(cn.invoice));
        items.push(note);
        applications.push((
            cn.day,
            0,
            Application {
                source: Source::CreditNote(id),
                item_id: invoice_id(cn.invoice),
                date,
                amount,
                rule: MatchRule::Reference,
            },
        ));
    }
    applications.sort_by_key(|(day, order, _)| (*day, *order));
    let applications = applications.into_iter().map(|(_, _, a)| a).collect();

    // Blocks are drawn last so that they do not shift the invoices of a seed.
    for customer in customers.iter_mut() {
        if rng.random_bool(DUNNING_BLOCK_RATE) {
            let since = as_of - rng.random_range(0..=120);
            let until = rng
                .random_bool(0.5)
                .then(|| as_of + rng.random_range(7..=60));
            customer.dunning_block = Some(Block {
                reason: pick(&mut rng, &BLOCK_REASONS).map(|r| (*r).to_owned()),
                since: Some(days.date(since)?),
                until: until.map(|d| days.date(d)).transpose()?,
            });
        }
    }

    Ok(Ledger::new(customers, items, payments, applications)?)
}

fn invoice_id(n: u32) -> String {
    format!("F{:07}", u64::from(n) + 1)
}

/// Customers, their generation profiles, and the cumulative activity weights used to
/// draw the customer of each invoice.
fn make_customers(
    rng: &mut ChaCha8Rng,
    config: &SampleConfig,
) -> (Vec<Customer>, Vec<Profile>, Vec<f64>) {
    let n = config.customers;
    let heads = n.div_ceil(GROUP_HEADS_PER).max(1);
    let mut customers = Vec::with_capacity(n);
    let mut profiles = Vec::with_capacity(n);
    let mut cumulative = Vec::with_capacity(n);
    let mut total = 0.0;
    let invoices_per_year = config.invoices as f64 * 365.0 / f64::from(config.history_days);
    let mut weights = Vec::with_capacity(n);
    for i in 0..n {
        let segment = choose(rng, &SEGMENT_SHARES);
        let (currency, _) = CURRENCY_SHARES
            .get(choose(rng, &CURRENCY_SHARES.map(|(_, s)| s)))
            .copied()
            .unwrap_or((Currency::EUR, 1.0));
        let country = match currency {
            c if c == Currency::USD => Country::Us,
            c if c == Currency::GBP => Country::Gb,
            _ if rng.random_bool(0.6) => Country::Fr,
            _ => Country::De,
        };
        let terms = TERMS
            .get(choose(rng, &PREFERRED_TERMS_SHARES))
            .copied()
            .unwrap_or(30);
        let text = terms_text(rng, country, terms);
        let seg_f = |table: [f64; 3]| table.get(segment).copied().unwrap_or(1.0);
        let delay_mean =
            (seg_f(DELAY_MEAN) + seg_f(DELAY_SD) * standard_normal(rng)).max(EARLIEST_HABIT);
        let delay_noise = rng.random_range(2.0..9.0);
        let activity = (1.1 * standard_normal(rng)).exp() * seg_f(ACTIVITY_FACTOR);
        let ticket_mu = seg_f(TICKET).ln() + 0.5 * standard_normal(rng);
        total += activity;
        cumulative.push(total);
        weights.push(activity);

        let mut customer = Customer::new(
            format!("C{:06}", i + 1),
            names::company_name(rng, country),
            currency,
        );
        customer.segment = SEGMENTS.get(segment).map(|s| (*s).to_owned());
        customer.country = Some(country.code().to_owned());
        customer.calendar = Some(country.calendar().to_owned());
        customer.payment_terms = TERMS_TEXTS.get(text).map(|t| (*t).to_owned());
        if i >= heads && rng.random_bool(PARENT_RATE) {
            let head = rng.random_range(0..heads);
            customer.parent = Some(format!("C{:06}", head + 1));
        }
        customers.push(customer);
        profiles.push(Profile {
            segment,
            currency,
            terms,
            terms_text: text,
            delay_mean,
            delay_noise,
            ticket_mu,
        });
    }
    // Credit limits: about 1.5 times the expected balance (yearly sales over the
    // payment period), rounded to the thousand, as a credit manager would set them.
    for ((customer, profile), weight) in customers.iter_mut().zip(&profiles).zip(&weights) {
        if !rng.random_bool(CREDIT_LIMIT_RATE) || total <= 0.0 {
            continue;
        }
        let mean_ticket = (profile.ticket_mu + AMOUNT_SIGMA * AMOUNT_SIGMA / 2.0).exp();
        let yearly = weight / total * invoices_per_year * mean_ticket;
        let period = f64::from(profile.terms) + profile.delay_mean.max(0.0);
        let thousands = (yearly * period / 365.0 * 1.5 / 1000.0).round().max(1.0) as i64;
        customer.credit_limit = Some(Money::from_minor(thousands * 100_000, profile.currency));
    }
    (customers, profiles, cumulative)
}

#[cfg(test)]
mod tests;
