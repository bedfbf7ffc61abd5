//! The daily dunning plan and its history, as JSON documents, and the options a plan
//! can take (caller rate tables, caller calendars, promises to pay).

use std::ffi::c_char;

use encours_core::calendar::Calendar;
use encours_core::dunning::{
    DunningConfig, DunningConfigData, DunningPlan, History, PlanContext, plan,
};
use encours_core::interest::RateTables;
use encours_core::money::FxRates;
use encours_core::plans::PlanTracking;
use encours_core::promises::PromiseToPay;

use crate::calendar::encours_calendar;
use crate::convert::{date_arg, json_arg, text_arg, to_json, write, write_alloc_str};
use crate::error::{Failure, encours_status};
use crate::ledger::encours_ledger;

/// What a dunning plan takes besides the ledger, the configuration, the history and
/// the date: reference-rate tables for interest, business-day calendars defined by the
/// caller, and promises to pay.
///
/// Opaque. Created by `encours_dunning_options_new` (built-in rate tables, no caller
/// calendar, no promise), changed by the `encours_dunning_options_set_*` and `_add_*`
/// functions, read by `encours_dunning_plan_with_options_json`, released by
/// `encours_dunning_options_free`. It holds copies: nothing given to it needs to
/// outlive the call that gave it. Not synchronized: no thread may plan with it while
/// another changes it; once set up, several threads may plan with it at once.
pub struct encours_dunning_options {
    /// `None`: the built-in tables.
    rate_tables: Option<RateTables>,
    /// Distinct names; searched by name before the built-in codes.
    calendars: Vec<Calendar>,
    promises: Vec<PromiseToPay>,
    /// Rates for fees listed only in another currency than the customer's.
    fx_rates: Option<FxRates>,
    /// Payment plans, each tracked as of the dunning plan's date.
    payment_plans: Vec<PlanTracking>,
}

/// # Safety
/// `o` is NULL or a live handle.
unsafe fn options_mut<'a>(
    o: *mut encours_dunning_options,
) -> Result<&'a mut encours_dunning_options, Failure> {
    check_null!(o => "options");
    // SAFETY: non-NULL live handle, not used by another thread meanwhile, by contract.
    Ok(unsafe { &mut *o })
}

/// The plan itself, shared by both entry points.
#[allow(clippy::too_many_arguments)]
fn plan_json(
    ledger: &encours_core::ledger::Ledger,
    config: &DunningConfig,
    history: &History,
    promises: &[PromiseToPay],
    rate_tables: Option<&RateTables>,
    calendars: &[Calendar],
    fx_rates: Option<&FxRates>,
    payment_plans: &[PlanTracking],
    as_of: i32,
) -> Result<String, Failure> {
    let mut ctx = PlanContext::new(ledger, config);
    ctx.promises = promises;
    ctx.rate_tables = rate_tables;
    ctx.calendars = calendars;
    ctx.fx_rates = fx_rates;
    ctx.payment_plans = payment_plans;
    let today = plan(&ctx, history, date_arg(as_of, "as_of")?)?;
    to_json(&today)
}

/// A dunning configuration: JSON of the wrong shape is `ENCOURS_INVALID_JSON`; a
/// configuration that breaks a rule (steps out of order, unknown channel, negative
/// amount) is `ENCOURS_DUNNING_INVALID`, naming the scenario and the step.
fn config_arg(text: &str) -> Result<DunningConfig, Failure> {
    let data: DunningConfigData = json_arg(text, "a dunning configuration")?;
    Ok(DunningConfig::try_from(data)?)
}

/// An optional JSON argument: NULL gives the default value.
///
/// # Safety
/// `p` is NULL or points to `len` readable bytes.
pub(crate) unsafe fn opt_json<T: serde::de::DeserializeOwned + Default>(
    p: *const c_char,
    len: usize,
    name: &str,
    what: &str,
) -> Result<T, Failure> {
    if p.is_null() {
        return Ok(T::default());
    }
    // SAFETY: forwarded contract.
    json_arg(unsafe { text_arg(p, len, name) }?, what)
}

/// Today's dunning plan: the reminders, letters and tasks due on `as_of` for the
/// ledger, under `config_json` (the core's dunning configuration: scenarios, steps,
/// assignment rules, policies), given `history_json` (the actions already taken, as
/// `encours_dunning_history_record_json` builds it; NULL for none) and
/// `promises_json` (a JSON array of promises to pay; NULL for none).
///
/// The plan is a pure function of its inputs: run again on the same day with the
/// plan's actions recorded in the history, it proposes nothing new. Customers'
/// calendars are the built-in ones; interest uses the built-in rate tables (see
/// `encours_dunning_plan_with_options_json` for the caller's own).
/// `*out` receives the plan as JSON in the core's form (`{"as_of":..., "actions":
/// [...], "left_out": [...], "assignments": [...]}`, each action and each item left
/// out with its reasons), owned by the caller (release with `encours_string_free`).
///
/// Statuses: `ENCOURS_INVALID_JSON` for malformed JSON or JSON of the wrong shape,
/// `ENCOURS_DUNNING_INVALID` for a configuration that breaks a rule (steps out of
/// order, an unknown channel, a negative amount: the message names the scenario and
/// the step), `ENCOURS_NOT_FOUND` for a customer forced onto an
/// unknown scenario, `ENCOURS_UNKNOWN_CALENDAR`, `ENCOURS_RATE_UNAVAILABLE`,
/// `ENCOURS_INVALID_DATE`. Reads the ledger only (see `encours_ledger` on threads).
///
/// # Safety
/// `ledger` is a live handle; `config_json` points to `config_len` readable bytes;
/// `history_json` and `promises_json` are NULL or point to their length of readable
/// bytes; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_dunning_plan_json(
    ledger: *const encours_ledger,
    config_json: *const c_char,
    config_len: usize,
    history_json: *const c_char,
    history_len: usize,
    promises_json: *const c_char,
    promises_len: usize,
    as_of: i32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        check_null!(ledger => "ledger");
        // SAFETY: live handle and readable buffers by contract.
        let (l, config, history, promises) = unsafe {
            let config = config_arg(text_arg(config_json, config_len, "config_json")?)?;
            let history: History = opt_json(history_json, history_len, "history_json", "a dunning history")?;
            let promises: Vec<PromiseToPay> =
                opt_json(promises_json, promises_len, "promises_json", "promises to pay")?;
            (&(*ledger).inner, config, history, promises)
        };
        let json = plan_json(l, &config, &history, &promises, None, &[], None, &[], as_of)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(json, out, out_len) }
    }
}

/// Today's dunning plan, as `encours_dunning_plan_json`, with the rate tables,
/// calendars and promises to pay of `options` (NULL: the built-in rate tables, the
/// built-in calendars, no promise).
///
/// A customer's calendar (its own `calendar`, else the configuration's
/// `default_calendar`) is looked up among the options' calendars by name (ignoring
/// ASCII case) first,
/// then among the built-in codes; a step whose trigger falls on a non-business day of
/// that calendar moves to the next business day. Interest on steps that charge it uses
/// the options' rate tables when set, instead of the built-in ones: a
/// `reference_plus_margin` rule may then name a table of the caller's, and a statutory
/// rule reads its reference ("ECB MRO", "Bundesbank Basiszinssatz", "BoE Bank Rate")
/// from them. An item whose interest cannot be computed (unknown table, a date the
/// table does not cover) keeps its action, without interest, with a warning.
///
/// `*out` receives the plan as JSON, owned by the caller (release with
/// `encours_string_free`). Statuses as `encours_dunning_plan_json`;
/// `ENCOURS_UNKNOWN_CALENDAR` names a calendar neither in the options nor built in.
/// Reads the ledger and the options only (see `encours_ledger` and
/// `encours_dunning_options` on threads).
///
/// # Safety
/// `ledger` is a live handle; `config_json` points to `config_len` readable bytes;
/// `history_json` is NULL or points to `history_len` readable bytes; `options` is NULL
/// or a live handle; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_dunning_plan_with_options_json(
    ledger: *const encours_ledger,
    config_json: *const c_char,
    config_len: usize,
    history_json: *const c_char,
    history_len: usize,
    options: *const encours_dunning_options,
    as_of: i32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        check_null!(ledger => "ledger");
        // SAFETY: live handles and readable buffers by contract.
        let (l, config, history, opts) = unsafe {
            let config = config_arg(text_arg(config_json, config_len, "config_json")?)?;
            let history: History = opt_json(history_json, history_len, "history_json", "a dunning history")?;
            (&(*ledger).inner, config, history, options.as_ref())
        };
        let json = match opts {
            Some(o) => plan_json(
                l, &config, &history, &o.promises, o.rate_tables.as_ref(), &o.calendars, o.fx_rates.as_ref(),
                &o.payment_plans, as_of,
            )?,
            None => plan_json(l, &config, &history, &[], None, &[], None, &[], as_of)?,
        };
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(json, out, out_len) }
    }
}

/// New plan options: the built-in rate tables, no caller calendar, no promise to pay.
/// On success `*out` owns a new handle (release with `encours_dunning_options_free`).
/// Thread-safe.
///
/// # Safety
/// `out` points to a writable `encours_dunning_options*`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_dunning_options_new(
    out: *mut *mut encours_dunning_options,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        let boxed = Box::into_raw(Box::new(encours_dunning_options {
            rate_tables: None,
            calendars: Vec::new(),
            promises: Vec::new(),
            fx_rates: None,
            payment_plans: Vec::new(),
        }));
        // SAFETY: checked non-NULL.
        unsafe { write(out, boxed) };
        Ok(())
    }
}

/// Release plan options. `NULL` is a no-op.
///
/// # Safety
/// `options` is NULL or a handle from `encours_dunning_options_new` not yet freed, and
/// no other thread uses it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_dunning_options_free(options: *mut encours_dunning_options) {
    ffi_boundary! { value;
        if !options.is_null() {
            // SAFETY: the pointer came from Box::into_raw in encours_dunning_options_new.
            drop(unsafe { Box::from_raw(options) });
        }
    }
}

/// Use these reference-rate tables for interest instead of the built-in ones:
/// `json` (`json_len` bytes) is the core's list of rate tables, the form
/// `encours_interest_compute_json` reads (`[{"name": "House rate", "verified_through":
/// "2024-12-31", "points": [{"valid_from": "2024-01-01", "rate": "8.5"}]}]`). The list
/// replaces the built-in tables as a whole: to add a table to them, start from
/// `encours_interest_builtin_rate_tables_json`. Replaces tables set before.
///
/// `ENCOURS_INVALID_JSON` for malformed JSON or a table that breaks a rule (points out
/// of order, a name given twice: the message says which); the options are then
/// unchanged. Not synchronized (see `encours_dunning_options`).
///
/// # Safety
/// `options` is a live handle; `json` points to `json_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_dunning_options_set_rate_tables_json(
    options: *mut encours_dunning_options,
    json: *const c_char,
    json_len: usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: live handle and readable buffer by contract.
        let (o, text) = unsafe { (options_mut(options)?, text_arg(json, json_len, "json")?) };
        let tables: RateTables = json_arg(text, "rate tables")?;
        o.rate_tables = Some(tables);
        Ok(())
    }
}

/// Set the exchange rates the plan converts a step's fee with, when the step lists
/// its fee only in other currencies than the customer's: `json` (`json_len` bytes)
/// is the core's exchange-rate form (`{"rates": [{"from": "GBP", "to": "EUR",
/// "rate": "1.17"}]}`). Without a rate such an action has no fee and a
/// `fee_not_in_currency` warning. Replaces rates set before.
/// `ENCOURS_INVALID_JSON` for a malformed document, `ENCOURS_UNKNOWN_KEY` for an
/// unknown key (the options are then unchanged). Not synchronized (see
/// `encours_dunning_options`).
///
/// # Safety
/// `options` is a live handle; `json` points to `json_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_dunning_options_set_fx_rates_json(
    options: *mut encours_dunning_options,
    json: *const c_char,
    json_len: usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: live handle and readable buffer by contract.
        let (o, text) = unsafe { (options_mut(options)?, text_arg(json, json_len, "json")?) };
        let rates: FxRates = json_arg(text, "exchange rates")?;
        o.fx_rates = Some(rates);
        Ok(())
    }
}

/// Add a copy of `calendar` to the options. A customer whose calendar (or the
/// configuration's `default_calendar`) is the calendar's name, ignoring ASCII case,
/// uses it, ahead of a built-in calendar with that code: a calendar named `"FR"`
/// replaces the built-in French one. A calendar with the same name (ignoring case) as
/// one added before replaces it.
/// `calendar` stays owned by the caller and may be freed at once. Not synchronized
/// (see `encours_dunning_options`).
///
/// # Safety
/// `options` and `calendar` are live handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_dunning_options_add_calendar(
    options: *mut encours_dunning_options,
    calendar: *const encours_calendar,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(calendar => "calendar");
        // SAFETY: live handles by contract.
        let (o, c) = unsafe { (options_mut(options)?, (*calendar).inner.clone()) };
        match o.calendars.iter_mut().find(|known| known.is_named(c.name())) {
            Some(known) => *known = c,
            None => o.calendars.push(c),
        }
        Ok(())
    }
}

/// Set the promises to pay the plan honours: `json` (`json_len` bytes) is a JSON array
/// of promises in the core's form, as `encours_dunning_plan_json` takes them
/// (`[{"id": "PR-1", "customer_id": "C1", "amount": {"amount": "1200.00", "currency":
/// "EUR"}, "promised_date": "2024-03-10", "made_on": "2024-03-01"}]`). Replaces the
/// promises set before; `[]` clears them. `ENCOURS_INVALID_JSON` for a malformed
/// document (the options are then unchanged). Not synchronized (see
/// `encours_dunning_options`).
///
/// # Safety
/// `options` is a live handle; `json` points to `json_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_dunning_options_set_promises_json(
    options: *mut encours_dunning_options,
    json: *const c_char,
    json_len: usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: live handle and readable buffer by contract.
        let (o, text) = unsafe { (options_mut(options)?, text_arg(json, json_len, "json")?) };
        let promises: Vec<PromiseToPay> = json_arg(text, "promises to pay")?;
        o.promises = promises;
        Ok(())
    }
}

/// Set the payment plans the dunning plan honours: `json` (`json_len` bytes) is a JSON
/// array of plan trackings, each from `encours_plan_track_json` as of the day the
/// dunning plan is made. A running plan (on track, in arrears, completed) keeps its
/// items out of dunning (left out with reason `under_payment_plan`) except their part
/// of instalments past due and unpaid, which is dunned from the earliest such
/// instalment's due date; a breached plan holds nothing. Replaces the plans set
/// before; `[]` clears them. `ENCOURS_INVALID_JSON` for a malformed document (the
/// options are then unchanged); a tracking of another day than the dunning plan's is
/// `ENCOURS_DUNNING_INVALID` when planning. Not synchronized (see
/// `encours_dunning_options`).
///
/// # Safety
/// `options` is a live handle; `json` points to `json_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_dunning_options_set_payment_plans_json(
    options: *mut encours_dunning_options,
    json: *const c_char,
    json_len: usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: live handle and readable buffer by contract.
        let (o, text) = unsafe { (options_mut(options)?, text_arg(json, json_len, "json")?) };
        let plans: Vec<PlanTracking> = json_arg(text, "payment plan trackings")?;
        o.payment_plans = plans;
        Ok(())
    }
}

/// Record every action of a plan (from `encours_dunning_plan_json`) as taken on the
/// plan's date, in a history (`history_json`, NULL for an empty one). `*out` receives
/// the new history as JSON, owned by the caller (release with `encours_string_free`);
/// persist it and pass it to the next `encours_dunning_plan_json`. To record only the
/// actions actually carried out, remove the others from the plan's `actions` first.
/// `ENCOURS_INVALID_JSON` for malformed documents. Thread-safe.
///
/// # Safety
/// `history_json` is NULL or points to `history_len` readable bytes; `plan_json`
/// points to `plan_len` readable bytes; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_dunning_history_record_json(
    history_json: *const c_char,
    history_len: usize,
    plan_json: *const c_char,
    plan_len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: readable buffers by contract.
        let (mut history, today) = unsafe {
            let history: History = opt_json(history_json, history_len, "history_json", "a dunning history")?;
            let today: DunningPlan = json_arg(text_arg(plan_json, plan_len, "plan_json")?, "a dunning plan")?;
            (history, today)
        };
        history.record(&today);
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&history)?, out, out_len) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_may_be_read_from_several_threads() {
        // The header promises concurrent plans with one options handle.
        fn sync_and_send<T: Sync + Send>() {}
        sync_and_send::<encours_dunning_options>();
    }
}
