//! Where the ledger and the options come from: the built-in sample or a JSON file,
//! currencies and exchange rates given on the command line.

use std::io::Read;
use std::path::PathBuf;
use std::str::FromStr;

use chrono::NaiveDate;
use encours_core::ledger::Ledger;
use encours_core::money::{Currency, FxRates};
use rust_decimal::Decimal;

/// What can stop the command. Messages name the file or the argument.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The history could not be written: today's actions were not recorded.
    #[error(
        "{}: the history could not be written ({source}): the {actions} action(s) above were NOT recorded, and the previous history is left as it was",
        path.display()
    )]
    NotRecorded {
        path: PathBuf,
        actions: usize,
        source: std::io::Error,
    },
    /// The ledger file is not a valid ledger (syntax, or a check of `Ledger::new`).
    #[error("{}: not a valid ledger: {source}", path.display())]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    /// A dunning configuration or history file is not valid.
    #[error("{}: {message}", path.display())]
    Config { path: PathBuf, message: String },
    /// An argument names an unknown currency or gives a bad rate.
    #[error("{argument}: {source}")]
    Argument {
        argument: &'static str,
        source: encours_core::money::MoneyError,
    },
    /// Figures in several currencies were to be converted without a rate.
    #[error("no exchange rate from {from} to {to}: add --fx {from}:{to}=RATE")]
    MissingRate { from: Currency, to: Currency },
    /// The engine refused (bad configuration, overflow…).
    #[error(transparent)]
    Core(#[from] encours_core::Error),
}

/// Where the ledger comes from.
#[derive(Debug, Clone)]
pub enum LedgerSource {
    /// The built-in sample.
    Sample,
    /// A JSON file, `-` for standard input.
    File(PathBuf),
}

/// Why the report is as of its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AsOfOrigin {
    /// `--as-of` was given.
    Given,
    /// The built-in sample's extraction date.
    SampleDate,
    /// The latest date found in the ledger (issue, payment or application date).
    LatestInLedger,
    /// The ledger has no dated record: today is as good as any day.
    EmptyLedger,
}

/// A loaded ledger and how to describe it.
pub struct Loaded {
    pub ledger: Ledger,
    /// "built-in sample (seed 42)" or the file name.
    pub description: String,
    source: LedgerSource,
}

impl Loaded {
    /// Whether this is the built-in sample.
    pub fn is_sample(&self) -> bool {
        matches!(self.source, LedgerSource::Sample)
    }

    /// The as-of date when none is given: the sample's date, or the latest date of the
    /// ledger (a file is an extraction: nothing in it happened after it was taken).
    pub fn default_as_of(&self) -> (NaiveDate, AsOfOrigin) {
        if matches!(self.source, LedgerSource::Sample) {
            return (encours_sample::SAMPLE_AS_OF, AsOfOrigin::SampleDate);
        }
        match self.ledger.latest_date() {
            Some(d) => (d, AsOfOrigin::LatestInLedger),
            None => (encours_sample::SAMPLE_AS_OF, AsOfOrigin::EmptyLedger),
        }
    }
}

/// Load the ledger.
pub fn load(source: &LedgerSource) -> Result<Loaded, CliError> {
    match source {
        LedgerSource::Sample => {
            let config = encours_sample::SampleConfig::builtin();
            Ok(Loaded {
                ledger: encours_sample::generate(&config)?,
                description: format!(
                    "built-in sample (seed {}, {} customers, {} invoices)",
                    config.seed, config.customers, config.invoices
                ),
                source: source.clone(),
            })
        }
        LedgerSource::File(path) => {
            let io = |source| CliError::Io {
                path: path.clone(),
                source,
            };
            let mut text = String::new();
            if path.as_os_str() == "-" {
                std::io::stdin().read_to_string(&mut text).map_err(io)?;
                text = crate::files::without_bom(text);
            } else {
                text = crate::files::read_text(path)?;
            }
            // Deserializing a Ledger runs every check of Ledger::new.
            let ledger: Ledger = serde_json::from_str(&text).map_err(|source| CliError::Json {
                path: path.clone(),
                source,
            })?;
            Ok(Loaded {
                ledger,
                description: path.display().to_string(),
                source: source.clone(),
            })
        }
    }
}

/// An error of the engine, with the command-line remedy when there is one.
pub fn core_error(e: impl Into<encours_core::Error>) -> CliError {
    use encours_core::metrics::ReportError;
    use encours_core::money::MoneyError;
    match e.into() {
        encours_core::Error::Money(MoneyError::MissingRate { from, to })
        | encours_core::Error::Report(ReportError::Money(MoneyError::MissingRate { from, to })) => {
            CliError::MissingRate { from, to }
        }
        other => CliError::Core(other),
    }
}

/// A currency code from `--base`.
pub fn parse_currency(code: &str) -> Result<Currency, CliError> {
    Currency::from_code(code).map_err(|source| CliError::Argument {
        argument: "--base",
        source,
    })
}

/// One `--fx FROM:TO=RATE` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FxArg {
    pub from: Currency,
    pub to: Currency,
    pub rate: Decimal,
}

impl FromStr for FxArg {
    type Err = String;
    fn from_str(s: &str) -> Result<FxArg, String> {
        let shape = || format!("expected FROM:TO=RATE such as USD:EUR=0.92, got \"{s}\"");
        let (pair, rate) = s.split_once('=').ok_or_else(shape)?;
        let (from, to) = pair.split_once(':').ok_or_else(shape)?;
        let from = Currency::from_code(from.trim()).map_err(|e| e.to_string())?;
        let to = Currency::from_code(to.trim()).map_err(|e| e.to_string())?;
        // Exact parsing: a rate with more digits than a decimal holds is refused, not rounded.
        let rate = Decimal::from_str_exact(rate.trim())
            .map_err(|e| format!("invalid rate \"{}\": {e}", rate.trim()))?;
        if rate <= Decimal::ZERO {
            return Err(format!("invalid rate {rate}: expected a positive number"));
        }
        Ok(FxArg { from, to, rate })
    }
}

/// The exchange rates given with `--fx`.
pub fn rates(args: &[FxArg]) -> Result<FxRates, CliError> {
    let mut fx = FxRates::new();
    for a in args {
        fx.insert(a.from, a.to, a.rate)
            .map_err(|source| CliError::Argument {
                argument: "--fx",
                source,
            })?;
    }
    Ok(fx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fx_arguments_parse_exactly() {
        let a: FxArg = "usd:EUR=0.92".parse().unwrap();
        assert_eq!(
            a,
            FxArg {
                from: Currency::USD,
                to: Currency::EUR,
                rate: Decimal::new(92, 2)
            }
        );
        assert_eq!(
            "USD-EUR=0.92".parse::<FxArg>().unwrap_err(),
            "expected FROM:TO=RATE such as USD:EUR=0.92, got \"USD-EUR=0.92\""
        );
        assert!("USD:EUX=1".parse::<FxArg>().unwrap_err().contains("EUX"));
        assert_eq!(
            "USD:EUR=0".parse::<FxArg>().unwrap_err(),
            "invalid rate 0: expected a positive number"
        );
        assert!(
            "USD:EUR=0,92"
                .parse::<FxArg>()
                .unwrap_err()
                .starts_with("invalid rate \"0,92\"")
        );
    }
}
