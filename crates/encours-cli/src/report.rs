//! The portfolio report: what encours-core computes, gathered in one serializable
//! document that the text renderer and `--json` both use.
//!
//! Every figure comes from the core: the counts from the ledger's as-of views, the
//! aging and every metric from [`portfolio_summary`] (one pass over the ledger), the
//! conversions from [`PortfolioSummary::converted`] and [`pareto_in_base`]. The
//! report only chooses what to show and ranks the customers by overdue amount.

use chrono::NaiveDate;
use encours_core::aging::GroupBy;
use encours_core::ledger::ItemKind;
use encours_core::metrics::{
    Conversion, Pareto, ParetoUnit, PortfolioSummary, Row, Summary, SummaryConfig, pareto_in_base,
    portfolio_summary,
};
use encours_core::money::{Currency, FxRates, Money, RoundingMode};
use serde::Serialize;

use crate::input::{AsOfOrigin, CliError, Loaded, core_error};

/// Converted amounts are rounded half up to the base currency's minor unit.
const ROUNDING: RoundingMode = RoundingMode::HalfUp;

/// What the caller asked for.
pub struct Options {
    pub as_of: (NaiveDate, AsOfOrigin),
    pub base: Option<Currency>,
    pub fx: FxRates,
    pub top: usize,
}

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report {
    pub as_of: NaiveDate,
    pub as_of_origin: AsOfOrigin,
    pub source: String,
    pub overview: Overview,
    /// The settings of the summary (periods, buckets, Pareto share).
    pub config: SummaryConfig,
    /// Aging bucket labels, in the order of every `buckets` list.
    pub labels: Vec<String>,
    /// Aging and metrics of the whole portfolio, one row per currency.
    pub portfolio: Vec<Row<Summary>>,
    /// The same, converted into the base currency (`--base`), with the rates used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_base: Option<InBase>,
    /// The customers with the largest overdue amounts: one list per currency, or one
    /// list in the base currency.
    pub top_overdue: Vec<TopOverdue>,
    /// The fewest customers holding the Pareto share of the open debits, per currency
    /// (or in the base currency).
    pub pareto_customers: Vec<Row<Pareto>>,
    /// The fewest open items holding that share.
    pub pareto_items: Vec<Row<Pareto>>,
}

/// Counts from the ledger's as-of views.
#[derive(Debug, Default, Serialize)]
pub struct Overview {
    pub customers: usize,
    pub customers_blocked: usize,
    pub customers_in_groups: usize,
    pub invoices: usize,
    pub debit_notes: usize,
    pub credit_notes: usize,
    pub payments: usize,
}

/// The portfolio in the base currency.
#[derive(Debug, Serialize)]
pub struct InBase {
    pub portfolio: Row<Summary>,
    pub conversion: Conversion,
}

/// One ranking of overdue customers.
#[derive(Debug, Serialize)]
pub struct TopOverdue {
    /// The currency of every amount in the list.
    pub currency: Currency,
    /// Customers with an overdue amount in that currency.
    pub customers_overdue: usize,
    pub customers: Vec<OverdueCustomer>,
}

/// A customer and why it ranks: its overdue amount (the open debits past their due
/// date), with its full summary row.
#[derive(Debug, Serialize)]
pub struct OverdueCustomer {
    pub rank: usize,
    pub overdue: Money,
    pub row: Row<Summary>,
}

pub fn build(loaded: &Loaded, options: &Options) -> Result<Report, CliError> {
    let (as_of, as_of_origin) = options.as_of;
    let ledger = &loaded.ledger;
    let config = SummaryConfig::new(as_of);
    let summary = portfolio_summary(ledger, &config, GroupBy::Customer).map_err(core_error)?;
    let (in_base, ranked, pareto_customers, pareto_items) = match options.base {
        Some(base) => {
            let converted = summary
                .converted(&options.fx, base, ROUNDING)
                .map_err(core_error)?;
            let pareto = |unit| {
                pareto_in_base(
                    ledger,
                    as_of,
                    unit,
                    config.pareto_share,
                    GroupBy::Portfolio,
                    &options.fx,
                    base,
                    ROUNDING,
                )
                .map_err(core_error)
            };
            let customers = pareto(ParetoUnit::Customers)?;
            let items = pareto(ParetoUnit::Items)?;
            let in_base = match (converted.portfolio.first(), &converted.conversion) {
                (Some(row), Some(conversion)) => Some(InBase {
                    portfolio: row.clone(),
                    conversion: conversion.clone(),
                }),
                _ => None,
            };
            (in_base, converted, customers, items)
        }
        None => {
            let (customers, items) = (
                summary.pareto_customers.clone(),
                summary.pareto_items.clone(),
            );
            (None, summary.clone(), customers, items)
        }
    };
    Ok(Report {
        as_of,
        as_of_origin,
        source: loaded.description.clone(),
        overview: overview(loaded, as_of),
        labels: summary.labels.clone(),
        portfolio: summary.portfolio.clone(),
        top_overdue: top_overdue(ranked, options.top)?,
        in_base,
        pareto_customers,
        pareto_items,
        config,
    })
}

/// The open debits past their due date: every bucket but the first, which holds the
/// items not yet due (the summary's buckets start at 0 days overdue).
fn overdue(row: &Row<Summary>) -> Result<Money, CliError> {
    let aging = &row.figures.aging;
    let not_due = aging
        .buckets
        .first()
        .copied()
        .unwrap_or(Money::zero(row.currency));
    aging
        .total
        .checked_sub(&not_due)
        .map_err(|e| core_error(encours_core::Error::Money(e)))
}

fn top_overdue(summary: PortfolioSummary, top: usize) -> Result<Vec<TopOverdue>, CliError> {
    let mut ranked: Vec<(Money, Row<Summary>)> = Vec::new();
    for row in summary.rows {
        let due = overdue(&row)?;
        if due.is_positive() {
            ranked.push((due, row));
        }
    }
    // Largest overdue first; ties by customer id, so the ranking is stable.
    ranked.sort_by(|(a, ra), (b, rb)| {
        (ra.currency, b.amount(), &ra.key).cmp(&(rb.currency, a.amount(), &rb.key))
    });
    let mut lists: Vec<TopOverdue> = Vec::new();
    for (due, row) in ranked {
        let list = match lists.last_mut() {
            Some(l) if l.currency == row.currency => l,
            _ => {
                lists.push(TopOverdue {
                    currency: row.currency,
                    customers_overdue: 0,
                    customers: Vec::new(),
                });
                match lists.last_mut() {
                    Some(l) => l,
                    None => continue,
                }
            }
        };
        list.customers_overdue += 1;
        if list.customers.len() < top {
            list.customers.push(OverdueCustomer {
                rank: list.customers.len() + 1,
                overdue: due,
                row,
            });
        }
    }
    Ok(lists)
}

fn overview(loaded: &Loaded, as_of: NaiveDate) -> Overview {
    let ledger = &loaded.ledger;
    let mut o = Overview {
        customers: ledger.customer_count(),
        ..Overview::default()
    };
    for c in (0..ledger.customer_count()).filter_map(|c| ledger.customer_view(c)) {
        if c.dunning_block().is_some_and(|b| b.is_active(as_of)) {
            o.customers_blocked += 1;
        }
        if c.parent.is_some() {
            o.customers_in_groups += 1;
        }
    }
    let items = (0..ledger.item_count()).filter_map(|i| ledger.item_view(i));
    for item in items.filter(|i| i.issue_date <= as_of) {
        match item.kind {
            ItemKind::Invoice => o.invoices += 1,
            ItemKind::DebitNote => o.debit_notes += 1,
            ItemKind::CreditNote => o.credit_notes += 1,
        }
    }
    o.payments = (0..ledger.payment_count())
        .filter_map(|p| ledger.payment_view(p))
        .filter(|p| p.date <= as_of)
        .count();
    o
}
