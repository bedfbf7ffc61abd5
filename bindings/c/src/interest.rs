//! Late-payment interest and recovery indemnities.

use std::ffi::c_char;

use encours_core::interest::{
    InterestRule, Jurisdiction, RateTables, compute_interest, recovery_indemnity,
};

use crate::convert::{
    date_arg, json_arg, money_arg, money_out, text_arg, to_json, write, write_alloc_str,
};
use crate::error::encours_status::*;
use crate::error::{Failure, encours_status};
use crate::money::encours_money;

/// France: ECB MRO + 10 points (Code de commerce L441-10), 40 EUR indemnity.
pub const ENCOURS_JURISDICTION_FRANCE: u32 = 0;
/// Directive 2011/7/EU: ECB MRO + 8 points, 40 EUR indemnity.
pub const ENCOURS_JURISDICTION_EU_DIRECTIVE: u32 = 1;
/// Germany, § 288 (2) BGB: base rate + 9 points, 40 EUR.
pub const ENCOURS_JURISDICTION_GERMANY: u32 = 2;
/// United Kingdom, Late Payment of Commercial Debts (Interest) Act 1998: Bank Rate +
/// 8 points, 40/70/100 GBP.
pub const ENCOURS_JURISDICTION_UNITED_KINGDOM: u32 = 3;

fn jurisdiction_arg(j: u32) -> Result<Jurisdiction, Failure> {
    match j {
        ENCOURS_JURISDICTION_FRANCE => Ok(Jurisdiction::France),
        ENCOURS_JURISDICTION_EU_DIRECTIVE => Ok(Jurisdiction::EuDirective),
        ENCOURS_JURISDICTION_GERMANY => Ok(Jurisdiction::Germany),
        ENCOURS_JURISDICTION_UNITED_KINGDOM => Ok(Jurisdiction::UnitedKingdom),
        other => Err(Failure::new(
            ENCOURS_INVALID_ARGUMENT,
            format!(
                "invalid jurisdiction {other}: expected 0 (France), 1 (EU directive), 2 (Germany) or 3 (United Kingdom)"
            ),
        )),
    }
}

/// Late-payment interest on `principal_minor` (minor units of `currency`, zero or
/// positive) due on `due_date`, for the days after it through `until` inclusive,
/// under `rule_json` (the core's `InterestRule`, e.g. `{"rate":{"kind":"statutory",
/// "jurisdiction":"france"}}` or `{"rate":{"kind":"fixed","rate":"12"},
/// "day_count":"actual_360"}`), with the reference rates of `tables_json` (the core's
/// list of rate tables, see `encours_interest_builtin_rate_tables_json`), or the
/// built-in tables when `tables_json` is NULL.
///
/// `*out` receives the computation as JSON in the core's form (principal, days,
/// sub-periods with their rates, exact and rounded totals, reasons), owned by the
/// caller (release with `encours_string_free`). Statuses: `ENCOURS_INVALID_JSON`,
/// `ENCOURS_INVALID_AMOUNT` (negative principal), `ENCOURS_INTEREST_INVALID`,
/// `ENCOURS_RATE_UNAVAILABLE` (no rate for a date, or a table not verified that far:
/// add the rates published since). Thread-safe.
///
/// # Safety
/// `currency` is NUL-terminated; `rule_json` points to `rule_len` readable bytes;
/// `tables_json` is NULL or points to `tables_len` readable bytes; `out` is writable;
/// `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_interest_compute_json(
    principal_minor: i64,
    currency: *const c_char,
    due_date: i32,
    until: i32,
    rule_json: *const c_char,
    rule_len: usize,
    tables_json: *const c_char,
    tables_len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: strings and buffers valid by contract.
        let (principal, rule_text) = unsafe {
            (money_arg(principal_minor, currency, "principal")?, text_arg(rule_json, rule_len, "rule_json")?)
        };
        let rule: InterestRule = json_arg(rule_text, "an interest rule")?;
        let tables: RateTables = if tables_json.is_null() {
            RateTables::builtin()
        } else {
            // SAFETY: tables_len readable bytes by contract.
            json_arg(unsafe { text_arg(tables_json, tables_len, "tables_json") }?, "rate tables")?
        };
        let c = compute_interest(
            &principal,
            date_arg(due_date, "due_date")?,
            date_arg(until, "until")?,
            &rule,
            &tables,
        )?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&c)?, out, out_len) }
    }
}

/// Statutory late-payment interest of a jurisdiction (`ENCOURS_JURISDICTION_*`) with
/// the built-in rate tables: `encours_interest_compute_json` with the rule
/// `{"rate":{"kind":"statutory","jurisdiction":...}}`. `*out` owns the JSON.
///
/// # Safety
/// `currency` is NUL-terminated; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_interest_statutory_json(
    jurisdiction: u32,
    principal_minor: i64,
    currency: *const c_char,
    due_date: i32,
    until: i32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        let rule = InterestRule::statutory(jurisdiction_arg(jurisdiction)?);
        // SAFETY: NUL-terminated by contract.
        let principal = unsafe { money_arg(principal_minor, currency, "principal") }?;
        let c = compute_interest(
            &principal,
            date_arg(due_date, "due_date")?,
            date_arg(until, "until")?,
            &rule,
            &RateTables::builtin(),
        )?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&c)?, out, out_len) }
    }
}

/// The built-in reference rate tables (ECB MRO, Bundesbank base rate, BoE Bank Rate)
/// as JSON, the form `encours_interest_compute_json` reads: add the rates published
/// since their "verified_through" date and pass the result back. `*out` owns the JSON.
/// Thread-safe.
///
/// # Safety
/// `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_interest_builtin_rate_tables_json(
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&RateTables::builtin())?, out, out_len) }
    }
}

/// The flat recovery indemnity one late invoice of `debt_minor` (minor units of
/// `currency`) adds under a jurisdiction: 40 EUR (France, Germany, EU directive);
/// 40/70/100 GBP by debt size (United Kingdom). `ENCOURS_INVALID_AMOUNT` for a debt of
/// zero or less; `ENCOURS_CURRENCY_MISMATCH` for a debt not in EUR (or GBP for the
/// United Kingdom). Thread-safe.
///
/// # Safety
/// `currency` is NUL-terminated; `out` points to a writable struct.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_interest_recovery_indemnity(
    jurisdiction: u32,
    debt_minor: i64,
    currency: *const c_char,
    out: *mut encours_money,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        let j = jurisdiction_arg(jurisdiction)?;
        // SAFETY: NUL-terminated by contract.
        let debt = unsafe { money_arg(debt_minor, currency, "debt") }?;
        let m = money_out(&recovery_indemnity(j, &debt)?)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, m) };
        Ok(())
    }
}
