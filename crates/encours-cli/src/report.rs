//! The portfolio report: what encours-core computes, gathered in one serializable
//! document that the text renderer and `--json` both use.

use chrono::NaiveDate;
use encours_core::ledger::ItemKind;
use encours_core::money::{Currency, FxRates, Money, MultiCurrency, RoundingMode};
use serde::Serialize;

use crate::input::{AsOfOrigin, CliError, Loaded, core_error};

/// What the caller asked for.
pub struct Options {
    pub as_of: (NaiveDate, AsOfOrigin),
    pub base: Option<Currency>,
    pub fx: FxRates,
    #[expect(
        dead_code,
        reason = "the top overdue customers come with the aging module"
    )]
    pub top: usize,
}

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report {
    pub as_of: NaiveDate,
    pub as_of_origin: AsOfOrigin,
    pub source: String,
    pub overview: Overview,
    /// The overview's totals converted into the base currency, when `--base` is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_base: Option<BaseTotals>,
}

/// Counts and open totals straight from the ledger's as-of views.
#[derive(Debug, Default, Serialize)]
pub struct Overview {
    pub customers: usize,
    pub customers_with_open_items: usize,
    pub customers_blocked: usize,
    pub customers_in_groups: usize,
    pub invoices: usize,
    pub debit_notes: usize,
    pub credit_notes: usize,
    pub payments: usize,
    pub open_debits: usize,
    pub overdue_debits: usize,
    pub disputed_open_debits: usize,
    pub unapplied_payments: usize,
    /// Open invoices and debit notes, per currency.
    pub open: MultiCurrency,
    /// The overdue part of `open` (due before the as-of date).
    pub overdue: MultiCurrency,
    /// Open credit notes and unapplied cash, per currency.
    pub credits: MultiCurrency,
}

/// Totals in the base currency.
#[derive(Debug, Serialize)]
pub struct BaseTotals {
    pub currency: Currency,
    pub open: Money,
    pub overdue: Money,
    pub credits: Money,
    pub rates: FxRates,
}

pub fn build(loaded: &Loaded, options: &Options) -> Result<Report, CliError> {
    let (as_of, as_of_origin) = options.as_of;
    let overview = overview(loaded, as_of)?;
    let in_base = match options.base {
        Some(base) => {
            let convert = |m: &MultiCurrency| {
                m.convert_total(&options.fx, base, RoundingMode::HalfUp)
                    .map_err(core_error)
            };
            Some(BaseTotals {
                currency: base,
                open: convert(&overview.open)?,
                overdue: convert(&overview.overdue)?,
                credits: convert(&overview.credits)?,
                rates: options.fx.clone(),
            })
        }
        None => None,
    };
    Ok(Report {
        as_of,
        as_of_origin,
        source: loaded.description.clone(),
        overview,
        in_base,
    })
}

fn overview(loaded: &Loaded, as_of: NaiveDate) -> Result<Overview, CliError> {
    let ledger = &loaded.ledger;
    let money = |e: encours_core::money::MoneyError| CliError::Core(e.into());
    let mut o = Overview {
        customers: ledger.customers().len(),
        ..Overview::default()
    };
    for (cix, customer) in ledger.customers().iter().enumerate() {
        if customer
            .dunning_block
            .as_ref()
            .is_some_and(|b| b.is_active(as_of))
        {
            o.customers_blocked += 1;
        }
        if customer.parent.is_some() {
            o.customers_in_groups += 1;
        }
        let mut has_open = false;
        for &ix in ledger.items_of(cix) {
            let (Some(item), Some(state)) = (ledger.items().get(ix), ledger.item_state(ix, as_of))
            else {
                continue;
            };
            match item.kind {
                ItemKind::Invoice => o.invoices += 1,
                ItemKind::DebitNote => o.debit_notes += 1,
                ItemKind::CreditNote => o.credit_notes += 1,
            }
            if !state.open.is_positive() {
                continue;
            }
            has_open = true;
            if item.kind.is_debit() {
                o.open_debits += 1;
                o.open.add(&state.open).map_err(money)?;
                if item.due_date < as_of {
                    o.overdue_debits += 1;
                    o.overdue.add(&state.open).map_err(money)?;
                }
                if item.disputed_amount(as_of).is_positive() {
                    o.disputed_open_debits += 1;
                }
            } else {
                o.credits.add(&state.open).map_err(money)?;
            }
        }
        for &pix in ledger.payments_of(cix) {
            if ledger.payments().get(pix).is_some_and(|p| p.date <= as_of) {
                o.payments += 1;
            }
            let unapplied = ledger.payment_unapplied(pix, as_of);
            if unapplied.is_positive() {
                has_open = true;
                o.unapplied_payments += 1;
                o.credits.add(&unapplied).map_err(money)?;
            }
        }
        if has_open {
            o.customers_with_open_items += 1;
        }
    }
    Ok(o)
}
