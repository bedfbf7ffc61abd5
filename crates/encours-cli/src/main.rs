//! `encours`: the command-line face of the engine.
//!
//! The command holds no domain logic: it loads a ledger, asks `encours-core` for the
//! figures and formats them (as text tables, or as JSON with `--json`).
//!
//! ```text
//! encours report --sample
//! encours report --ledger ledger.json [--as-of 2026-11-22] [--base EUR --fx USD:EUR=0.92 ...] [--json]
//! encours sample [--seed 42 --customers 300 --invoices 6000 --as-of 2026-11-22] [--out ledger.json]
//! ```

mod input;
mod report;
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
    /// Write a deterministic synthetic ledger as JSON (the form `report --ledger` reads).
    Sample(SampleArgs),
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
    /// How many customers to list among the most overdue.
    #[arg(long, value_name = "N", default_value_t = 10)]
    top: usize,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SampleArgs {
    /// Seed of the generator: the same arguments always give the same ledger.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of customers.
    #[arg(long, default_value_t = 300)]
    customers: usize,
    /// Number of invoices.
    #[arg(long, default_value_t = 6_000)]
    invoices: usize,
    /// Nothing is dated after this day.
    #[arg(long, value_name = "DATE", default_value_t = encours_sample::SAMPLE_AS_OF)]
    as_of: NaiveDate,
    /// Issue dates spread over this many days ending at --as-of.
    #[arg(long, value_name = "DAYS", default_value_t = 730)]
    history_days: u32,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE.json")]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Report(args) => run_report(args),
        Command::Sample(args) => run_sample(args),
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
        top: args.top,
    };
    let built = report::build(&loaded, &options)?;
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &built)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        out.write_all(text::render(&built).as_bytes())
    };
    ignore_broken_pipe(written)
}

fn run_sample(args: SampleArgs) -> Result<(), input::CliError> {
    let config = encours_sample::SampleConfig {
        seed: args.seed,
        customers: args.customers,
        invoices: args.invoices,
        as_of: args.as_of,
        history_days: args.history_days,
    };
    let ledger = encours_sample::generate(&config)?;
    match &args.out {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(|source| input::CliError::Io {
                path: path.clone(),
                source,
            })?;
            let mut w = std::io::BufWriter::new(file);
            serde_json::to_writer(&mut w, &ledger)
                .map_err(std::io::Error::from)
                .and_then(|()| w.flush())
                .map_err(|source| input::CliError::Io {
                    path: path.clone(),
                    source,
                })
        }
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
