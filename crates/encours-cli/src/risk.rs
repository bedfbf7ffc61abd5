//! `encours risk` and `encours check-order`, and the risk section of the main job's
//! report. The command formats what `encours_core::risk` and `encours_core::limits`
//! compute; it decides nothing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Args;
use encours_core::limits::check::{CheckOptions, CheckResult, Decision, OrderRequest, Reason};
use encours_core::limits::exposure::ExposureRecords;
use encours_core::limits::in_force::CreditLimits;
use encours_core::limits::index::{CreditEvent, CreditIndex, IndexInputs};
use encours_core::money::Money;
use encours_core::risk::features::{FeatureConfig, FeatureInputs, FeatureTable, feature_table};
use encours_core::risk::scorecard::{Score, Scorecard};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::input::{self, CliError, LedgerSource, Loaded, core_error};
use crate::text::amount;

/// `encours risk`: scores, classes and limit utilisation.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["sample", "ledger"]))]
pub struct RiskArgs {
    /// Use the built-in sample ledger.
    #[arg(long)]
    sample: bool,
    /// Read the ledger from a JSON file (`-` for standard input).
    #[arg(long, value_name = "FILE.json")]
    ledger: Option<PathBuf>,
    /// Score as of the end of this day; defaults as for `report`.
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// A scorecard (JSON or TOML); defaults to the built-in one.
    #[arg(long, value_name = "FILE")]
    scorecard: Option<PathBuf>,
    /// Feature settings (JSON or TOML: windows, tolerances, maximum ages).
    #[arg(long, value_name = "FILE")]
    features: Option<PathBuf>,
    /// Only this customer, with every reason.
    #[arg(long, value_name = "ID")]
    customer: Option<String>,
    /// How many of the worst scores to list.
    #[arg(long, value_name = "N", default_value_t = 10)]
    top: usize,
    /// Print the scores as JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// `encours check-order`: approve, warn or block an order.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["sample", "ledger"]))]
pub struct CheckArgs {
    /// Use the built-in sample ledger.
    #[arg(long)]
    sample: bool,
    /// Read the ledger from a JSON file (`-` for standard input).
    #[arg(long, value_name = "FILE.json")]
    ledger: Option<PathBuf>,
    /// The day of the check; defaults as for `report`.
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// The customer ordering.
    #[arg(long, value_name = "ID")]
    customer: String,
    /// The order's amount, in the account's currency.
    #[arg(long, value_name = "AMOUNT")]
    amount: String,
    /// The order's id, when it is already among the open orders.
    #[arg(long, value_name = "ID")]
    order_id: Option<String>,
    /// Limits (JSON or TOML, the form of `CreditLimits`); by default the ledger's.
    #[arg(long, value_name = "FILE")]
    limits: Option<PathBuf>,
    /// Orders, deliveries, bills and plan balances (JSON or TOML, `ExposureRecords`).
    #[arg(long, value_name = "FILE")]
    records: Option<PathBuf>,
    /// Check options (JSON or TOML, `CheckOptions`).
    #[arg(long, value_name = "FILE")]
    options: Option<PathBuf>,
    /// A dynamic check over this many days (replaces the options' horizon).
    #[arg(long, value_name = "DAYS")]
    horizon_days: Option<u32>,
    /// An exchange rate, `FROM:TO=RATE` (repeatable), for limits and groups across
    /// currencies.
    #[arg(long, value_name = "FROM:TO=RATE")]
    fx: Vec<input::FxArg>,
    /// Print the result as JSON instead of text.
    #[arg(long)]
    json: bool,
}

fn source(sample: bool, ledger: &Option<PathBuf>) -> LedgerSource {
    match (ledger, sample) {
        (Some(p), _) => LedgerSource::File(p.clone()),
        (None, _) => LedgerSource::Sample,
    }
}

/// Read a configuration file, JSON or TOML by its extension; unknown keys are refused
/// by the types themselves.
fn load<T: DeserializeOwned + Default>(path: Option<&Path>) -> Result<T, CliError> {
    let Some(path) = path else {
        return Ok(T::default());
    };
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Io {
        path: path.to_owned(),
        source,
    })?;
    let toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let parsed = if toml {
        toml::from_str(&text).map_err(|e| e.to_string())
    } else {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    };
    parsed.map_err(|message| CliError::Config {
        path: path.to_owned(),
        message,
    })
}

/// Newtype so `load` can default the scorecard to the built-in one.
#[derive(serde::Deserialize)]
#[serde(transparent)]
struct Card(Scorecard);

impl Default for Card {
    fn default() -> Self {
        Card(Scorecard::default_card())
    }
}

/// Scores of the whole ledger.
fn scores(
    loaded: &Loaded,
    as_of: NaiveDate,
    card: &Scorecard,
    config: &FeatureConfig,
) -> Result<(FeatureTable, Vec<Score>), CliError> {
    let table = feature_table(&loaded.ledger, config, &FeatureInputs::default(), as_of)
        .map_err(core_error)?;
    let scores = card.score_table(&table).map_err(core_error)?;
    Ok((table, scores))
}

#[derive(Serialize)]
struct RiskReport<'a> {
    as_of: NaiveDate,
    scorecard: &'a str,
    classes: Vec<(String, usize)>,
    scores: &'a [Score],
}

/// `encours risk`.
pub fn run_risk(args: RiskArgs) -> Result<String, CliError> {
    let loaded = input::load(&source(args.sample, &args.ledger))?;
    let as_of = args.as_of.unwrap_or_else(|| loaded.default_as_of().0);
    let card = load::<Card>(args.scorecard.as_deref())?.0;
    let config: FeatureConfig = load(args.features.as_deref())?;
    let (table, mut all) = scores(&loaded, as_of, &card, &config)?;
    if let Some(id) = &args.customer {
        all.retain(|s| &s.customer_id == id);
        if all.is_empty() {
            return Err(core_error(encours_core::risk::RiskError::UnknownCustomer {
                id: id.clone(),
                referenced_by: "--customer".into(),
            }));
        }
    }
    let classes = class_counts(&card, &all);
    if args.json {
        let r = RiskReport {
            as_of,
            scorecard: &card.name,
            classes,
            scores: &all,
        };
        return serde_json::to_string_pretty(&r)
            .map(|s| s + "\n")
            .map_err(|e| {
                CliError::Core(encours_core::Error::from(
                    encours_core::risk::RiskError::InvalidConfig {
                        field: "json".into(),
                        value: e.to_string(),
                        expected: "serializable".into(),
                    },
                ))
            });
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Risk as of {as_of} ({} scorecard, {} customers)",
        card.name,
        all.len()
    );
    classes_line(&classes, &mut out);
    all.sort_by(|a, b| {
        a.score
            .cmp(&b.score)
            .then(a.customer_id.cmp(&b.customer_id))
    });
    let shown = if args.customer.is_some() { 1 } else { args.top };
    let _ = writeln!(out, "\nLowest scores, with the factors that cost the most:");
    for s in all.iter().take(shown) {
        let f = table.rows.iter().find(|f| f.customer_id == s.customer_id);
        let util = f
            .and_then(|f| f.limit_utilisation)
            .map_or("no limit".into(), |u| {
                format!("{:.1} % of limit", u * Decimal::ONE_HUNDRED)
            });
        let _ = writeln!(
            out,
            "  {:<9} {:>6} {:<3} {util}",
            s.customer_id, s.score, s.class
        );
        let n = if args.customer.is_some() {
            s.contributions.len()
        } else {
            3
        };
        for c in s.contributions.iter().take(n) {
            let v = c.value.map_or("missing".into(), |v| v.to_string());
            let _ = writeln!(
                out,
                "      {:?}: value {v}, {} points × {} = {} (cost {})",
                c.factor, c.points, c.weight, c.contribution, c.shortfall
            );
        }
    }
    Ok(out)
}

fn class_counts(card: &Scorecard, scores: &[Score]) -> Vec<(String, usize)> {
    card.classes
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                scores.iter().filter(|s| s.class == c.name).count(),
            )
        })
        .collect()
}

fn classes_line(classes: &[(String, usize)], out: &mut String) {
    let parts: Vec<String> = classes.iter().map(|(c, n)| format!("{c}: {n}")).collect();
    let _ = writeln!(out, "Risk classes: {}", parts.join(", "));
}

/// `encours check-order`.
pub fn run_check(args: CheckArgs) -> Result<String, CliError> {
    let loaded = input::load(&source(args.sample, &args.ledger))?;
    let as_of = args.as_of.unwrap_or_else(|| loaded.default_as_of().0);
    let limits: CreditLimits = load(args.limits.as_deref())?;
    let records: ExposureRecords = load(args.records.as_deref())?;
    let mut options: CheckOptions = load(args.options.as_deref())?;
    if args.horizon_days.is_some() {
        options.horizon_days = args.horizon_days;
    }
    let fx = input::rates(&args.fx)?;
    let index = CreditIndex::build(
        &loaded.ledger,
        &IndexInputs {
            records: &records,
            limits: &limits,
            fx: &fx,
            ..IndexInputs::default()
        },
        as_of,
    )
    .map_err(core_error)?;
    let customer = loaded.ledger.customer(&args.customer).ok_or_else(|| {
        core_error(encours_core::limits::LimitError::Unknown {
            kind: "customer",
            id: args.customer.clone(),
            referenced_by: "--customer".into(),
        })
    })?;
    let money =
        Money::parse(&args.amount, customer.currency).map_err(|source| CliError::Argument {
            argument: "--amount",
            source,
        })?;
    let mut request = OrderRequest::new(args.customer.clone(), money, as_of);
    request.order_id = args.order_id.clone();
    let result = index.check(&options, &request).map_err(core_error)?;
    if args.json {
        return serde_json::to_string_pretty(&result)
            .map(|s| s + "\n")
            .map_err(|e| CliError::Config {
                path: PathBuf::from("<stdout>"),
                message: e.to_string(),
            });
    }
    let mut out = String::new();
    check_text(&result, &mut out);
    Ok(out)
}

fn decision_word(d: Decision) -> &'static str {
    match d {
        Decision::Approve => "APPROVE",
        Decision::Warn => "WARN",
        Decision::Block => "BLOCK",
    }
}

/// A reason in words, from its data.
fn reason_text(r: &Reason) -> String {
    match r {
        Reason::NoLimit => "no credit limit in force".into(),
        Reason::ZeroLimit => "credit limit is zero".into(),
        Reason::LimitExpired { expired_on } => format!("credit limit expired on {expired_on}"),
        Reason::OverLimit {
            exposure_after,
            limit,
            excess,
        } => format!(
            "exposure {} over the limit {} by {}",
            amount(exposure_after),
            amount(limit),
            amount(excess)
        ),
        Reason::OverGroupLimit {
            group_id,
            exposure_after,
            limit,
            excess,
        } => format!(
            "group {group_id} exposure {} over its limit {} by {}",
            amount(exposure_after),
            amount(limit),
            amount(excess)
        ),
        Reason::OnHold { since, why } => format!(
            "account on hold since {since}{}",
            why.as_ref().map_or(String::new(), |w| format!(" ({w})"))
        ),
        Reason::OverdueAmount { overdue, maximum } => format!(
            "overdue {} above the maximum {}",
            amount(overdue),
            amount(maximum)
        ),
        Reason::OverdueDays { days, maximum } => {
            format!("oldest overdue item {days} days past due (maximum {maximum})")
        }
        Reason::RiskClass { class, minimum } => format!(
            "risk class {} worse than {minimum}",
            class.as_deref().unwrap_or("none")
        ),
        Reason::InsurerCoverExceeded {
            cover, uninsured, ..
        } => format!(
            "insurer cover {} exceeded: {} uninsured",
            amount(cover),
            amount(uninsured)
        ),
        Reason::InsurerCoverExpired { expired_on } => {
            format!("insurer cover lapsed on {expired_on}")
        }
        Reason::HighUtilisation {
            utilisation,
            threshold,
        } => format!("utilisation {utilisation} at or above {threshold}"),
        _ => format!("{r:?}"),
    }
}

fn check_text(r: &CheckResult, out: &mut String) {
    let limit = r.limit.map_or("none".into(), |l| amount(&l));
    let _ = writeln!(
        out,
        "  {:<7} {} order of {} {}: exposure {} → {}, limit {limit}",
        decision_word(r.decision),
        r.customer_id,
        amount(&r.amount),
        r.amount.currency(),
        amount(&r.exposure_before),
        amount(&r.exposure_after),
    );
    for reason in &r.reasons {
        let _ = writeln!(
            out,
            "          {:?}: {}",
            reason.severity,
            reason_text(&reason.reason)
        );
    }
    if let Some(o) = &r.overridden {
        let _ = writeln!(
            out,
            "          overridden by {} ({}), was {}",
            o.by.by,
            o.by.reason,
            decision_word(o.replaced)
        );
    }
}

/// The main job's risk section: risk classes, limit utilisation, and one approved, one
/// warned and one blocked order with their reasons, for the ledger as it stands.
pub fn report_section(loaded: &Loaded, as_of: NaiveDate, out: &mut String) -> Result<(), CliError> {
    let card = Scorecard::default_card();
    let (table, scores) = scores(loaded, as_of, &card, &FeatureConfig::default())?;
    let _ = writeln!(
        out,
        "\nRisk and credit limits as of {as_of} ({} scorecard)",
        card.name
    );
    classes_line(&class_counts(&card, &scores), out);
    let mut utilisation: Vec<Decimal> = table
        .rows
        .iter()
        .filter_map(|f| f.limit_utilisation)
        .collect();
    utilisation.sort();
    let over = utilisation.iter().filter(|u| **u > Decimal::ONE).count();
    let high = utilisation
        .iter()
        .filter(|u| **u > Decimal::new(8, 1) && **u <= Decimal::ONE)
        .count();
    let median = utilisation
        .get(utilisation.len() / 2)
        .copied()
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "Limit utilisation: {} customers with a limit, median {:.1} %, {high} between 80 and 100 %, {over} over their limit",
        utilisation.len(),
        median * Decimal::ONE_HUNDRED
    );
    let mut index =
        CreditIndex::build(&loaded.ledger, &IndexInputs::default(), as_of).map_err(core_error)?;
    for s in &scores {
        index
            .apply(&CreditEvent::RiskClassSet {
                customer_id: s.customer_id.clone(),
                class: Some(s.class.clone()),
            })
            .map_err(core_error)?;
    }
    let options = CheckOptions::default();
    let _ = writeln!(
        out,
        "Order checks (default options: over the limit blocks, an item over {} days past due warns):",
        options.max_overdue_days.unwrap_or_default()
    );
    for decision in [Decision::Approve, Decision::Warn, Decision::Block] {
        match example_order(&index, &options, &table, decision, as_of)? {
            Some(r) => check_text(&r, out),
            None => {
                let _ = writeln!(
                    out,
                    "  (no customer of the ledger gives a {} example)",
                    decision_word(decision)
                );
            }
        }
    }
    Ok(())
}

/// The first customer (in ledger order) whose order of a tenth of its room (or its
/// room plus a tenth of its limit, for a block) gets `want`.
fn example_order(
    index: &CreditIndex,
    options: &CheckOptions,
    table: &FeatureTable,
    want: Decision,
    as_of: NaiveDate,
) -> Result<Option<CheckResult>, CliError> {
    for f in &table.rows {
        let Some(limit) = index
            .limits(&f.customer_id, as_of)
            .map_err(core_error)?
            .own
            .filter(|l| l.is_positive())
        else {
            continue;
        };
        let exposure = index
            .exposure(&f.customer_id, as_of, None, None)
            .map_err(core_error)?
            .total;
        let room = limit.amount() - exposure.amount();
        let amount = match want {
            Decision::Block => room.max(Decimal::ZERO) + limit.amount() / Decimal::TEN,
            _ if room > Decimal::ZERO => room / Decimal::TEN,
            _ => continue,
        };
        let money =
            Money::new(amount, limit.currency()).round(encours_core::money::RoundingMode::HalfUp);
        if !money.is_positive() {
            continue;
        }
        let r = index
            .check(
                options,
                &OrderRequest::new(f.customer_id.clone(), money, as_of),
            )
            .map_err(core_error)?;
        if r.decision == want {
            return Ok(Some(r));
        }
    }
    Ok(None)
}
