//! The daily dunning plan and its history, as JSON documents.

use std::ffi::c_char;

use encours_core::dunning::{DunningConfig, DunningPlan, History, PlanContext, plan};
use encours_core::promises::PromiseToPay;

use crate::convert::{date_arg, json_arg, text_arg, to_json, write_alloc_str};
use crate::error::{Failure, encours_status};
use crate::ledger::encours_ledger;

/// An optional JSON argument: NULL gives the default value.
///
/// # Safety
/// `p` is NULL or points to `len` readable bytes.
unsafe fn opt_json<T: serde::de::DeserializeOwned + Default>(
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
/// calendars are the built-in ones; interest uses the built-in rate tables.
/// `*out` receives the plan as JSON in the core's form (`{"as_of":..., "actions":
/// [...], "left_out": [...], "assignments": [...]}`, each action and each item left
/// out with its reasons), owned by the caller (release with `encours_string_free`).
///
/// Statuses: `ENCOURS_INVALID_JSON` for malformed JSON or a configuration that breaks
/// a rule (the message says which), `ENCOURS_NOT_FOUND` for a customer forced onto an
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
            let config: DunningConfig =
                json_arg(text_arg(config_json, config_len, "config_json")?, "a dunning configuration")?;
            let history: History = opt_json(history_json, history_len, "history_json", "a dunning history")?;
            let promises: Vec<PromiseToPay> =
                opt_json(promises_json, promises_len, "promises_json", "promises to pay")?;
            (&(*ledger).inner, config, history, promises)
        };
        let mut ctx = PlanContext::new(l, &config);
        ctx.promises = &promises;
        let today = plan(&ctx, &history, date_arg(as_of, "as_of")?)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&today)?, out, out_len) }
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
