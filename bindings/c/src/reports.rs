//! Aging and collection metrics: each report as JSON in the core's form, and the
//! portfolio summary as a handle with plain C rows (no JSON parser needed).

use std::ffi::{CString, c_char};

use encours_core::aging::{AgingBuckets, GroupBy, aging};
use encours_core::metrics::{
    MetricValue, ParetoUnit, PaymentIndexScale, PortfolioSummary, Row, Summary, SummaryConfig,
    collection_effectiveness, dso_count_back, dso_simple, pareto, payment_behaviour,
    portfolio_summary,
};
use encours_core::money::{FxRates, Money, RoundingMode};
use rust_decimal::Decimal;

use crate::convert::{
    currency_arg, date_arg, json_arg, money_out, slice_arg, str_arg, text_arg, to_json, write,
    write_alloc_str,
};
use crate::error::encours_status::*;
use crate::error::{Failure, encours_status};
use crate::ledger::encours_ledger;
use crate::money::{encours_money, rounding_arg};

/// Rows per customer account.
pub const ENCOURS_GROUP_BY_CUSTOMER: u32 = 0;
/// Rows per customer segment.
pub const ENCOURS_GROUP_BY_SEGMENT: u32 = 1;
/// Rows per group (the top of each customer's parent chain).
pub const ENCOURS_GROUP_BY_GROUP: u32 = 2;
/// One row for the whole portfolio (per currency).
pub const ENCOURS_GROUP_BY_PORTFOLIO: u32 = 3;

/// Pareto set of open items.
pub const ENCOURS_PARETO_ITEMS: u32 = 0;
/// Pareto set of customers by open debits.
pub const ENCOURS_PARETO_CUSTOMERS: u32 = 1;

fn group_by_arg(g: u32) -> Result<GroupBy, Failure> {
    match g {
        ENCOURS_GROUP_BY_CUSTOMER => Ok(GroupBy::Customer),
        ENCOURS_GROUP_BY_SEGMENT => Ok(GroupBy::Segment),
        ENCOURS_GROUP_BY_GROUP => Ok(GroupBy::Group),
        ENCOURS_GROUP_BY_PORTFOLIO => Ok(GroupBy::Portfolio),
        other => Err(Failure::new(
            ENCOURS_INVALID_ARGUMENT,
            format!(
                "invalid group_by {other}: expected 0 (customer), 1 (segment), 2 (group) or 3 (portfolio)"
            ),
        )),
    }
}

fn unit_arg(u: u32) -> Result<ParetoUnit, Failure> {
    match u {
        ENCOURS_PARETO_ITEMS => Ok(ParetoUnit::Items),
        ENCOURS_PARETO_CUSTOMERS => Ok(ParetoUnit::Customers),
        other => Err(Failure::new(
            ENCOURS_INVALID_ARGUMENT,
            format!("invalid pareto unit {other}: expected 0 (items) or 1 (customers)"),
        )),
    }
}

/// # Safety
/// `l` is NULL or a live handle.
unsafe fn ledger_of<'a>(
    l: *const encours_ledger,
) -> Result<&'a encours_core::ledger::Ledger, Failure> {
    check_null!(l => "ledger");
    // SAFETY: non-NULL live handle by contract.
    Ok(unsafe { &(*l).inner })
}

/// Aging buckets from C edges: NULL (with 0) for the standard ones.
///
/// # Safety
/// `edges` is NULL or points to `n` readable values.
unsafe fn buckets_arg(edges: *const i64, n: usize) -> Result<AgingBuckets, Failure> {
    if edges.is_null() && n == 0 {
        return Ok(AgingBuckets::standard());
    }
    // SAFETY: forwarded contract.
    let e = unsafe { slice_arg(edges, n, "edges") }?;
    Ok(AgingBuckets::new(e.to_vec())?)
}

/// The aging report as of `as_of` (open debits by bucket of days overdue, disputed
/// part, credits, net; per key and currency, with totals per currency) as JSON in the
/// core's form. `edges` are the buckets' upper edges in days overdue, strictly
/// increasing: `{0, 30, 60, 90, 180}` gives the buckets not due, 1-30, 31-60, 61-90,
/// 91-180 and over 180 days; NULL with `n_edges` 0 gives those standard buckets.
/// `group_by` is an `ENCOURS_GROUP_BY_*`. `*out` owns the JSON (release with
/// `encours_string_free`). `ENCOURS_REPORT_INVALID` for bad edges;
/// `ENCOURS_INVALID_ARGUMENT` for an unknown `group_by`.
///
/// # Safety
/// `ledger` is a live handle; `edges` is NULL or points to `n_edges` readable values;
/// `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_aging_json(
    ledger: *const encours_ledger,
    as_of: i32,
    edges: *const i64,
    n_edges: usize,
    group_by: u32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle, readable edges by contract.
        let (l, buckets) = unsafe { (ledger_of(ledger)?, buckets_arg(edges, n_edges)?) };
        let report = aging(l, date_arg(as_of, "as_of")?, &buckets, group_by_arg(group_by)?)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&report)?, out, out_len) }
    }
}

/// Simple DSO over the last `days` days (AR / credit sales × days), best possible DSO
/// and average days delinquent, per row, as a JSON array of rows in the core's form;
/// a figure that cannot be computed is `{"undefined": "no_sales"}` (with its reason),
/// never a made-up number. `ENCOURS_REPORT_INVALID` for `days` outside 1 to 3660.
/// `*out` owns the JSON.
///
/// # Safety
/// `ledger` is a live handle; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_dso_simple_json(
    ledger: *const encours_ledger,
    as_of: i32,
    days: u32,
    group_by: u32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let l = unsafe { ledger_of(ledger) }?;
        let rows = dso_simple(l, date_arg(as_of, "as_of")?, days, group_by_arg(group_by)?)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&rows)?, out, out_len) }
    }
}

/// Count-back DSO (AR exhausted against the sales of the months walked back, at most
/// 12) per row, as a JSON array of rows in the core's form. `*out` owns the JSON.
///
/// # Safety
/// `ledger` is a live handle; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_dso_count_back_json(
    ledger: *const encours_ledger,
    as_of: i32,
    group_by: u32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let l = unsafe { ledger_of(ledger) }?;
        let rows = dso_count_back(l, date_arg(as_of, "as_of")?, group_by_arg(group_by)?)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&rows)?, out, out_len) }
    }
}

/// Collection effectiveness index for the period `from` to `to` (inclusive), with
/// sales divided by `sales_divisor` (1: the period's whole sales), per row, as a JSON
/// array of rows in the core's form. `ENCOURS_REPORT_INVALID` for a bad period or
/// divisor. `*out` owns the JSON.
///
/// # Safety
/// `ledger` is a live handle; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_cei_json(
    ledger: *const encours_ledger,
    from: i32,
    to: i32,
    sales_divisor: u32,
    group_by: u32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let l = unsafe { ledger_of(ledger) }?;
        let rows = collection_effectiveness(
            l,
            date_arg(from, "from")?,
            date_arg(to, "to")?,
            sales_divisor,
            group_by_arg(group_by)?,
        )?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&rows)?, out, out_len) }
    }
}

/// Amount-weighted days beyond terms and the 0–100 payment index (PAYDEX scale: 80 =
/// pays on time) of the items paid in the last `window_days` days, per row, as a JSON
/// array of rows in the core's form. `*out` owns the JSON.
///
/// # Safety
/// `ledger` is a live handle; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_payment_behaviour_json(
    ledger: *const encours_ledger,
    as_of: i32,
    window_days: u32,
    group_by: u32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let l = unsafe { ledger_of(ledger) }?;
        let rows = payment_behaviour(
            l,
            date_arg(as_of, "as_of")?,
            window_days,
            &PaymentIndexScale::paydex(),
            group_by_arg(group_by)?,
        )?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&rows)?, out, out_len) }
    }
}

/// The Pareto set per row: the fewest open items (or customers, `ENCOURS_PARETO_*`)
/// holding at least `share` of the open amount (an exact decimal string, `"0.8"` for
/// 80 %), with their ids, as a JSON array of rows in the core's form.
/// `ENCOURS_INVALID_AMOUNT` for a share that is not a decimal, `ENCOURS_REPORT_INVALID`
/// for one outside (0, 1]. `*out` owns the JSON.
///
/// # Safety
/// `ledger` is a live handle; `share` is NUL-terminated; `out` is writable; `out_len`
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_pareto_json(
    ledger: *const encours_ledger,
    as_of: i32,
    unit: u32,
    share: *const c_char,
    group_by: u32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle, NUL-terminated share by contract.
        let (l, share_text) = unsafe { (ledger_of(ledger)?, str_arg(share, "share")?) };
        let share = parse_share(share_text)?;
        let rows = pareto(l, date_arg(as_of, "as_of")?, unit_arg(unit)?, share, group_by_arg(group_by)?)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&rows)?, out, out_len) }
    }
}

fn parse_share(text: &str) -> Result<Decimal, Failure> {
    // Through the core's exact parser (a share is a plain decimal, not money).
    Money::parse(text, encours_core::money::Currency::EUR)
        .map(|m| m.amount())
        .map_err(|e| Failure::from(e).context("argument share"))
}

/// The portfolio summary: aging and every metric per row, plus portfolio rows and
/// Pareto sets, computed in one pass.
///
/// Opaque. Created by `encours_summary_new`, released by `encours_summary_free`.
/// Immutable: may be read from several threads at once. Strings it hands out (row
/// keys, names, labels) stay valid until it is freed.
pub struct encours_summary {
    inner: PortfolioSummary,
    labels: Vec<CString>,
    rows: Vec<RowStrings>,
    portfolio: Vec<RowStrings>,
}

/// C copies of a row's key and name, kept with the summary.
struct RowStrings {
    key: Option<CString>,
    name: Option<CString>,
}

fn c_string(s: &str) -> CString {
    // Ids come from validated ledger text; a NUL would only come from JSON "\u0000".
    CString::new(s.replace('\0', "\\0")).unwrap_or_default()
}

fn row_strings(rows: &[Row<Summary>]) -> Vec<RowStrings> {
    rows.iter()
        .map(|r| RowStrings {
            key: r.key.as_deref().map(c_string),
            name: r.name.as_deref().map(c_string),
        })
        .collect()
}

/// A metric: its value in hundredths (`4550` is 45.50 days), or undefined.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct encours_metric {
    /// Non-zero when the metric has a value; zero when it is undefined (no sales,
    /// nothing paid…: the JSON form says why).
    pub defined: u8,
    /// The value × 100 (metrics are rounded to 2 decimals), when defined; 0 otherwise.
    pub hundredths: i64,
}

/// One row of a portfolio summary, in one currency. Amounts are minor units of
/// `currency`; strings are borrowed from the summary (valid until
/// `encours_summary_free`), NULL when absent.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct encours_summary_row {
    /// Customer id, segment, group root id, or NULL (portfolio rows, customers without
    /// a segment).
    pub key: *const c_char,
    /// Customer or group name, or NULL.
    pub name: *const c_char,
    /// ISO code of every amount in the row, NUL-terminated.
    pub currency: [c_char; 4],
    /// Decimals of the currency.
    pub minor_units: u32,
    /// Customers that contributed to the row.
    pub customers: u64,
    /// Open debits (sum of the aging buckets).
    pub total_minor: i64,
    /// Part of the open debits in active dispute.
    pub disputed_minor: i64,
    /// Open credit notes and unapplied cash (not aged).
    pub credits_minor: i64,
    /// `total - credits`.
    pub net_minor: i64,
    /// Open debit items.
    pub items: u64,
    /// Simple DSO (over the configured days, 90 by default).
    pub dso: encours_metric,
    /// Best possible DSO.
    pub best_possible_dso: encours_metric,
    /// Average days delinquent.
    pub average_days_delinquent: encours_metric,
    /// Count-back DSO.
    pub count_back_dso: encours_metric,
    /// Collection effectiveness index, percent.
    pub cei: encours_metric,
    /// Amount-weighted days beyond terms of the items paid in the window.
    pub days_beyond_terms: encours_metric,
    /// Payment index, 0–100 (PAYDEX scale).
    pub payment_index: encours_metric,
}

/// Which rows of a summary: one per key and currency.
pub const ENCOURS_SUMMARY_ROWS: u32 = 0;
/// Which rows of a summary: the portfolio, one per currency.
pub const ENCOURS_SUMMARY_PORTFOLIO: u32 = 1;

fn metric(m: &MetricValue) -> Result<encours_metric, Failure> {
    match m.value() {
        None => Ok(encours_metric {
            defined: 0,
            hundredths: 0,
        }),
        Some(v) => {
            // Metrics carry METRIC_DECIMALS (2) decimals, so this rounding is exact
            // today; the test below fails if the core ever keeps more.
            let scaled = v
                .checked_mul(Decimal::ONE_HUNDRED)
                .map(|d| RoundingMode::HalfUp.round(d, 0))
                .and_then(|d| i64::try_from(d).ok())
                .ok_or_else(|| {
                    Failure::new(
                        ENCOURS_OVERFLOW,
                        format!("metric {v} does not fit in int64 hundredths"),
                    )
                })?;
            Ok(encours_metric {
                defined: 1,
                hundredths: scaled,
            })
        }
    }
}

/// # Safety
/// `s` is NULL or a live handle.
unsafe fn summary<'a>(s: *const encours_summary) -> Result<&'a encours_summary, Failure> {
    check_null!(s => "summary");
    // SAFETY: non-NULL live handle by contract.
    Ok(unsafe { &*s })
}

fn which_rows(
    s: &encours_summary,
    which: u32,
) -> Result<(&[Row<Summary>], &[RowStrings]), Failure> {
    match which {
        ENCOURS_SUMMARY_ROWS => Ok((&s.inner.rows, &s.rows)),
        ENCOURS_SUMMARY_PORTFOLIO => Ok((&s.inner.portfolio, &s.portfolio)),
        other => Err(Failure::new(
            ENCOURS_INVALID_ARGUMENT,
            format!("invalid which {other}: expected 0 (rows) or 1 (portfolio)"),
        )),
    }
}

fn row_at(
    s: &encours_summary,
    which: u32,
    index: usize,
) -> Result<(&Row<Summary>, &RowStrings), Failure> {
    let (rows, strings) = which_rows(s, which)?;
    match (rows.get(index), strings.get(index)) {
        (Some(r), Some(st)) => Ok((r, st)),
        _ => Err(Failure::new(
            ENCOURS_NOT_FOUND,
            format!("no row at index {index}: there are {}", rows.len()),
        )),
    }
}

/// Compute the portfolio summary of a ledger (aging, simple and count-back DSO, best
/// possible DSO, ADD, CEI, days beyond terms, payment index, Pareto sets).
///
/// `config_json` is the core's summary configuration (`{"as_of": "2024-12-31",
/// "dso_days": 90, "buckets": {"edges": [0, 30, 60, 90, 180]}, ...}`, every field but
/// `as_of` optional), or NULL for the defaults as of `as_of` (`as_of` is ignored when
/// a configuration is given). With `fx_json` (the core's exchange rates: `{"rates":
/// [{"from": "USD", "to": "EUR", "rate": "0.92"}]}`) and `base_currency`, the rows are
/// converted to that currency (rounding `ENCOURS_ROUNDING_*`) and merged per key; NULL
/// `fx_json` keeps one row per currency. On success `*out` owns a new handle (release
/// with `encours_summary_free`). `ENCOURS_INVALID_JSON`, `ENCOURS_REPORT_INVALID`,
/// `ENCOURS_RATE_UNAVAILABLE` (a missing exchange rate, named).
///
/// # Safety
/// `ledger` is a live handle; `config_json` and `fx_json` are NULL or point to their
/// length of readable bytes; `base_currency` is NULL or NUL-terminated; `out` points
/// to a writable `encours_summary*`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_summary_new(
    ledger: *const encours_ledger,
    as_of: i32,
    config_json: *const c_char,
    config_len: usize,
    group_by: u32,
    fx_json: *const c_char,
    fx_len: usize,
    base_currency: *const c_char,
    rounding: u32,
    out: *mut *mut encours_summary,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let l = unsafe { ledger_of(ledger) }?;
        let config: SummaryConfig = if config_json.is_null() {
            SummaryConfig::new(date_arg(as_of, "as_of")?)
        } else {
            // SAFETY: config_len readable bytes by contract.
            json_arg(unsafe { text_arg(config_json, config_len, "config_json") }?, "a summary configuration")?
        };
        config.validate()?;
        let mut s = portfolio_summary(l, &config, group_by_arg(group_by)?)?;
        if !fx_json.is_null() {
            // SAFETY: fx_len readable bytes, NUL-terminated base currency by contract.
            let (fx, base) = unsafe {
                let fx: FxRates = json_arg(text_arg(fx_json, fx_len, "fx_json")?, "exchange rates")?;
                (fx, currency_arg(base_currency, "base_currency")?)
            };
            s = s.converted(&fx, base, rounding_arg(rounding)?)?;
        }
        let handle = encours_summary {
            labels: s.labels.iter().map(|l| c_string(l)).collect(),
            rows: row_strings(&s.rows),
            portfolio: row_strings(&s.portfolio),
            inner: s,
        };
        // SAFETY: checked non-NULL.
        unsafe { write(out, Box::into_raw(Box::new(handle))) };
        Ok(())
    }
}

/// Release a summary (and every string it handed out). `NULL` is a no-op.
///
/// # Safety
/// `summary` is NULL or a handle from this library not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_summary_free(summary: *mut encours_summary) {
    ffi_boundary! { value;
        if !summary.is_null() {
            // SAFETY: the pointer came from Box::into_raw in encours_summary_new.
            drop(unsafe { Box::from_raw(summary) });
        }
    }
}

/// The whole summary as JSON in the core's form (every input behind every figure, the
/// reasons for undefined figures, the Pareto ids). `*out` owns the JSON.
///
/// # Safety
/// `summary` is a live handle; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_summary_to_json(
    summary: *const encours_summary,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let s = unsafe { self::summary(summary) }?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&s.inner)?, out, out_len) }
    }
}

/// Counts: aging buckets, rows (`ENCOURS_SUMMARY_ROWS`) and portfolio rows. Any
/// out-pointer may be NULL.
///
/// # Safety
/// `summary` is a live handle; non-NULL out-pointers are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_summary_counts(
    summary: *const encours_summary,
    out_buckets: *mut usize,
    out_rows: *mut usize,
    out_portfolio_rows: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: live handle by contract.
        let s = unsafe { self::summary(summary) }?;
        for (out, n) in [
            (out_buckets, s.labels.len()),
            (out_rows, s.rows.len()),
            (out_portfolio_rows, s.portfolio.len()),
        ] {
            if !out.is_null() {
                // SAFETY: non-NULL out-pointers are writable by contract.
                unsafe { write(out, n) };
            }
        }
        Ok(())
    }
}

/// The label of aging bucket `index` (`"not_due"`, `"1-30"`, …, `">180"`), borrowed
/// from the summary (valid until `encours_summary_free`). `ENCOURS_NOT_FOUND` past
/// the last bucket.
///
/// # Safety
/// `summary` is a live handle; `out` points to a writable `const char*`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_summary_label(
    summary: *const encours_summary,
    index: usize,
    out: *mut *const c_char,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let s = unsafe { self::summary(summary) }?;
        let label = s.labels.get(index).ok_or_else(|| {
            Failure::new(ENCOURS_NOT_FOUND, format!("no bucket at index {index}: there are {}", s.labels.len()))
        })?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, label.as_ptr()) };
        Ok(())
    }
}

/// Row `index` of the rows (`ENCOURS_SUMMARY_ROWS`) or of the portfolio rows
/// (`ENCOURS_SUMMARY_PORTFOLIO`) as a plain struct. `ENCOURS_NOT_FOUND` past the last
/// row; `ENCOURS_OVERFLOW` when an amount does not fit in int64 minor units (use
/// `encours_summary_to_json`).
///
/// # Safety
/// `summary` is a live handle; `out` points to a writable struct.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_summary_row_get(
    summary: *const encours_summary,
    which: u32,
    index: usize,
    out: *mut encours_summary_row,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let s = unsafe { self::summary(summary) }?;
        let (row, strings) = row_at(s, which, index)?;
        let f = &row.figures;
        let total = money_out(&f.aging.total)?;
        let c_row = encours_summary_row {
            key: strings.key.as_ref().map_or(std::ptr::null(), |k| k.as_ptr()),
            name: strings.name.as_ref().map_or(std::ptr::null(), |n| n.as_ptr()),
            currency: total.currency,
            minor_units: total.minor_units,
            customers: row.customers,
            total_minor: total.minor,
            disputed_minor: money_out(&f.aging.disputed)?.minor,
            credits_minor: money_out(&f.aging.credits)?.minor,
            net_minor: money_out(&f.aging.net)?.minor,
            items: f.aging.items,
            dso: metric(&f.dso.dso)?,
            best_possible_dso: metric(&f.dso.best_possible_dso)?,
            average_days_delinquent: metric(&f.dso.average_days_delinquent)?,
            count_back_dso: metric(&f.count_back.dso)?,
            cei: metric(&f.cei.cei)?,
            days_beyond_terms: metric(&f.payment.days_beyond_terms)?,
            payment_index: metric(&f.payment.payment_index)?,
        };
        // SAFETY: checked non-NULL.
        unsafe { write(out, c_row) };
        Ok(())
    }
}

/// The aging buckets of a row (as `encours_summary_row_get`), in label order, into
/// `out[0..buckets]`. `ENCOURS_INSUFFICIENT_SIZE` when `out_len` is below the number
/// of buckets (nothing written).
///
/// # Safety
/// `summary` is a live handle; `out` points to `out_len` writable structs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_summary_row_buckets(
    summary: *const encours_summary,
    which: u32,
    index: usize,
    out: *mut encours_money,
    out_len: usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let s = unsafe { self::summary(summary) }?;
        let (row, _) = row_at(s, which, index)?;
        let buckets = &row.figures.aging.buckets;
        if out_len < buckets.len() {
            return Err(Failure::new(
                ENCOURS_INSUFFICIENT_SIZE,
                format!("output array of {out_len} elements is too small: {} needed", buckets.len()),
            ));
        }
        let converted = buckets.iter().map(money_out).collect::<Result<Vec<_>, _>>()?;
        for (i, m) in converted.into_iter().enumerate() {
            // SAFETY: i < buckets.len() <= out_len writable elements.
            unsafe { write(out.add(i), m) };
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundredths_hold_every_metric_exactly() {
        assert_eq!(encours_core::metrics::METRIC_DECIMALS, 2);
        let m = metric(&MetricValue::Value(Decimal::new(4555, 2))).unwrap();
        assert_eq!((m.defined, m.hundredths), (1, 4555));
        let u = metric(&MetricValue::Undefined(
            encours_core::metrics::Undefined::NoSales,
        ))
        .unwrap();
        assert_eq!((u.defined, u.hundredths), (0, 0));
    }
}
