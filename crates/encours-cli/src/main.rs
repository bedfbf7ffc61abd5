//! `encours`: the command-line face of the engine.
//!
//! The command holds no domain logic: it loads a ledger, asks `encours-core` for the
//! figures and formats them (as text tables, or as JSON with `--json`).
//!
//! ```text
//! encours report --sample
//! encours report --ledger ledger.json [--as-of 2026-11-22] [--base EUR --fx USD:EUR=0.92 ...] [--json]
//! encours dunning --sample [--as-of DATE] [--config dunning.json|.toml] [--history FILE [--record]] [--letters en|fr] [--json]
//! encours risk --sample [--as-of DATE] [--scorecard FILE] [--customer ID] [--json]
//! encours check-order --sample --customer ID --amount 1234.56 [--limits FILE] [--records FILE] [--options FILE] [--horizon-days N] [--json]
//! encours plan --sample --customer C000265 [--terms terms.json] [--track-as-of DATE --payments payments.json] [--json]
//! encours sample [--seed 42 --customers 300 --invoices 6000 --as-of 2026-11-22] [--out ledger.json]
//! ```

mod dunning;
mod files;
mod input;
mod plans;
mod report;
mod risk;
mod text;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use input::{FxArg, LedgerSource};

/// Credit management and collections: reports on an accounts-receivable ledger.
#[derive(Debug, Parser)]
#[command(name = "encours", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Portfolio summary: ledger overview, aging by currency, DSO and collection
    /// metrics, top overdue customers, Pareto.
    Report(ReportArgs),
    /// Today's dunning plan: the actions to take, with their reasons, and what is
    /// left out and why.
    Dunning(DunningArgs),
    /// Propose a payment plan for a customer, and track it against payments.
    Plan(plans::PlanCommand),
    /// Write a deterministic synthetic ledger as JSON (the form `report --ledger` reads).
    Sample(SampleArgs),
    /// Risk scores and classes with the factors behind them, and limit utilisation.
    Risk(risk::RiskArgs),
    /// The order credit check: approve, warn or block, with every reason.
    CheckOrder(risk::CheckArgs),
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["sample", "ledger"]))]
struct DunningArgs {
    /// Use the built-in sample ledger.
    #[arg(long)]
    sample: bool,
    /// Read the ledger from a JSON file (`-` for standard input).
    #[arg(long, value_name = "FILE.json")]
    ledger: Option<PathBuf>,
    /// Plan for this day (YYYY-MM-DD); defaults as for `report`.
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// Dunning configuration (scenarios, rules, policies) as JSON or TOML; defaults to
    /// the built-in one.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// History of actions already taken (JSON); a missing file is an empty history.
    #[arg(long, value_name = "FILE.json")]
    history: Option<PathBuf>,
    /// Record today's actions into the history file (as if they were executed).
    #[arg(long, requires = "history")]
    record: bool,
    /// How many actions to show in detail (at most 100000).
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(0..=MAX_SHOWN))]
    detail: u64,
    /// Also render the letters of the first actions, in this language.
    #[arg(long, value_name = "LANG", value_parser = ["en", "fr"])]
    letters: Option<String>,
    /// Before planning, replay this many days: plan each day and record its actions,
    /// as if the plan had been run and executed daily (shows a steady state rather
    /// than a first run). At most 3660 (ten years): each day is a whole plan.
    #[arg(long, value_name = "DAYS", default_value_t = 0,
          value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_REPLAY_DAYS)))]
    replay_days: u32,
    /// Promises to pay (a JSON array): their items are held back until the promised
    /// date plus the configured grace days.
    #[arg(long, value_name = "FILE.json")]
    promises: Option<PathBuf>,
    /// Reference-rate tables for late-payment interest (a JSON array of tables, the
    /// form of `RateTables`), replacing the built-in ECB, Bundesbank and BoE tables:
    /// keep them current as rates are published.
    #[arg(long, value_name = "FILE.json")]
    rate_tables: Option<PathBuf>,
    /// Business-day calendars of your own (a JSON array of calendar specs), found by
    /// name before the built-in codes (FR, DE, GB-EAW, US).
    #[arg(long, value_name = "FILE.json")]
    calendars: Option<PathBuf>,
    /// Letter templates replacing or adding to the defaults: DIR/en/KEY.txt and
    /// DIR/fr/KEY.txt (minijinja; a first line `Subject: ...` gives the subject).
    #[arg(long, value_name = "DIR", requires = "letters")]
    templates: Option<PathBuf>,
    /// Signature of the letters.
    #[arg(
        long,
        value_name = "TEXT",
        default_value = "Credit management department"
    )]
    sender: String,
    /// Payment instructions printed in the letters (bank details, portal link).
    #[arg(long, value_name = "TEXT", default_value = "[payment instructions]")]
    payment_instructions: String,
    /// Print the plan as JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["sample", "ledger"]))]
struct ReportArgs {
    /// Use the built-in sample ledger (300 customers, 6,000 invoices, as of 2026-11-22).
    #[arg(long)]
    sample: bool,
    /// Read the ledger from a JSON file (`-` for standard input).
    #[arg(long, value_name = "FILE.json")]
    ledger: Option<PathBuf>,
    /// Report as of the end of this day (YYYY-MM-DD). Defaults to the sample's date,
    /// or to the latest date found in the ledger file.
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// Also show the figures converted into this currency (needs a rate for every
    /// other currency of the ledger, with --fx).
    #[arg(long, value_name = "CUR")]
    base: Option<String>,
    /// An exchange rate, `FROM:TO=RATE` meaning 1 FROM = RATE TO (repeatable).
    #[arg(long, value_name = "FROM:TO=RATE", requires = "base")]
    fx: Vec<FxArg>,
    /// How many customers to list among the most overdue (at most 100000).
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(0..=MAX_SHOWN))]
    top: u64,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SampleArgs {
    /// Seed of the generator: the same arguments always give the same ledger.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of customers (1 to 1000000).
    #[arg(long, default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..=MAX_SAMPLE_CUSTOMERS))]
    customers: u64,
    /// Number of invoices (0 to 10000000: ten times the yardstick's million).
    #[arg(long, default_value_t = 6_000,
          value_parser = clap::value_parser!(u64).range(0..=MAX_SAMPLE_INVOICES))]
    invoices: u64,
    /// Nothing is dated after this day.
    #[arg(long, value_name = "DATE", default_value_t = encours_sample::SAMPLE_AS_OF)]
    as_of: NaiveDate,
    /// Issue dates spread over this many days ending at --as-of (1 to 36600).
    #[arg(long, value_name = "DAYS", default_value_t = 730,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_SAMPLE_HISTORY_DAYS)))]
    history_days: u32,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE.json")]
    out: Option<PathBuf>,
}

/// Most days `dunning --replay-days` replays (ten years): each day is a whole plan,
/// and 4294967295 days planned for weeks.
const MAX_REPLAY_DAYS: u32 = 3660;
/// Most actions (`--detail`) or customers (`--top`) shown.
const MAX_SHOWN: u64 = 100_000;
/// Most customers `sample` generates.
const MAX_SAMPLE_CUSTOMERS: u64 = 1_000_000;
/// Most invoices `sample` generates (each is memory; ten times the yardstick).
const MAX_SAMPLE_INVOICES: u64 = 10_000_000;
/// Longest history `sample` spreads issue dates over (a century).
const MAX_SAMPLE_HISTORY_DAYS: u32 = 36_600;

/// A count already bounded by its argument's parser, as a size.
fn count(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn main() -> ExitCode {
    files::report_file_size_limits();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Report(args) => run_report(args),
        Command::Dunning(args) => run_dunning(args),
        Command::Plan(args) => plans::run_command(args),
        Command::Sample(args) => run_sample(args),
        Command::Risk(args) => risk::run_risk(args).and_then(print),
        Command::CheckOrder(args) => risk::run_check(args).and_then(print),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("encours: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_report(args: ReportArgs) -> Result<(), input::CliError> {
    let source = match (&args.ledger, args.sample) {
        (Some(path), _) => LedgerSource::File(path.clone()),
        (None, _) => LedgerSource::Sample,
    };
    let loaded = input::load(&source)?;
    let as_of = args
        .as_of
        .map(|d| (d, input::AsOfOrigin::Given))
        .unwrap_or_else(|| loaded.default_as_of());
    let base = args
        .base
        .as_deref()
        .map(input::parse_currency)
        .transpose()?;
    let fx = input::rates(&args.fx)?;
    let options = report::Options {
        as_of,
        base,
        fx,
        top: count(args.top),
    };
    let built = report::build(&loaded, &options)?;
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &built)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        let mut text = text::render(&built);
        if !loaded.is_sample() {
            // The demo's dunning configuration is no one's real policy, and replaying
            // it daily costs a plan per day (three minutes at 1M invoices): a ledger
            // file gets its plan from `encours dunning`, with its own configuration.
            return ignore_broken_pipe(out.write_all(text.as_bytes()));
        }
        // The main job also shows today's dunning plan with the built-in configuration.
        let config = dunning::load_config(None)?;
        let ctx = encours_core::dunning::PlanContext::new(&loaded.ledger, &config);
        let mut history = encours_core::dunning::History::default();
        dunning::replay(&ctx, &mut history, as_of.0, dunning::DEMO_REPLAY_DAYS)?;
        let plan = encours_core::dunning::plan(&ctx, &history, as_of.0)
            .map_err(encours_core::Error::from)?;
        text.push_str(&format!(
            "\n(dunning replayed daily over the {} days before {}, each day's actions recorded as executed)\n",
            dunning::DEMO_REPLAY_DAYS,
            as_of.0
        ));
        dunning::render_history(&history, as_of.0, 30, &mut text);
        text.push('\n');
        dunning::render(&plan, 5, &mut text);
        risk::report_section(&loaded, as_of.0, &mut text)?;
        plans::render_demo(&loaded, as_of.0, &mut text)?;
        out.write_all(text.as_bytes())
    };
    ignore_broken_pipe(written)
}

fn run_dunning(args: DunningArgs) -> Result<(), input::CliError> {
    let source = match &args.ledger {
        Some(path) => LedgerSource::File(path.clone()),
        None => LedgerSource::Sample,
    };
    let loaded = input::load(&source)?;
    let as_of = args.as_of.unwrap_or_else(|| loaded.default_as_of().0);
    let config = dunning::load_config(args.config.as_deref())?;
    let mut history = dunning::load_history(args.history.as_deref())?;
    let promises: Vec<encours_core::promises::PromiseToPay> =
        dunning::load_json_list(args.promises.as_deref(), "promises to pay")?;
    let rate_tables = match &args.rate_tables {
        Some(path) => Some(dunning::load_rate_tables(path)?),
        None => None,
    };
    let calendars = dunning::load_calendars(args.calendars.as_deref())?;
    let mut ctx = encours_core::dunning::PlanContext::new(&loaded.ledger, &config);
    ctx.promises = &promises;
    ctx.rate_tables = rate_tables.as_ref();
    ctx.calendars = &calendars;
    dunning::replay(&ctx, &mut history, as_of, args.replay_days)?;
    let plan =
        encours_core::dunning::plan(&ctx, &history, as_of).map_err(encours_core::Error::from)?;
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &plan)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        let mut text = String::new();
        dunning::render(&plan, count(args.detail), &mut text);
        if let Some(lang) = &args.letters {
            let language = if lang == "fr" {
                encours_core::letters::Language::Fr
            } else {
                encours_core::letters::Language::En
            };
            let templates = dunning::load_templates(args.templates.as_deref())?;
            let settings = encours_core::letters::LetterSettings {
                sender: args.sender.clone(),
                payment_instructions: args.payment_instructions.clone(),
            };
            dunning::letters(
                &plan,
                &templates,
                language,
                &settings,
                count(args.detail).min(3),
                &mut text,
            )?;
        }
        out.write_all(text.as_bytes())
    };
    ignore_broken_pipe(written)?;
    if args.record
        && let Some(path) = &args.history
    {
        history.record(&plan);
        dunning::save_history(path, &history, plan.actions.len())?;
    }
    Ok(())
}

fn run_sample(args: SampleArgs) -> Result<(), input::CliError> {
    let config = encours_sample::SampleConfig {
        seed: args.seed,
        customers: count(args.customers),
        invoices: count(args.invoices),
        as_of: args.as_of,
        history_days: args.history_days,
    };
    let ledger = encours_sample::generate(&config)?;
    match &args.out {
        Some(path) => files::write_atomically(path, |w| {
            serde_json::to_writer(&mut *w, &ledger)?;
            Ok(())
        })
        .map_err(|source| input::CliError::Io {
            path: path.clone(),
            source,
        }),
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            ignore_broken_pipe(
                serde_json::to_writer(&mut out, &ledger)
                    .map_err(std::io::Error::from)
                    .and_then(|()| writeln!(out))
                    .and_then(|()| out.flush()),
            )
        }
    }
}

/// Print a command's text.
fn print(text: String) -> Result<(), input::CliError> {
    ignore_broken_pipe(std::io::stdout().lock().write_all(text.as_bytes()))
}

/// `encours report | head` is not an error.
fn ignore_broken_pipe(result: std::io::Result<()>) -> Result<(), input::CliError> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|source| input::CliError::Io {
            path: PathBuf::from("<stdout>"),
            source,
        }),
    }
}
