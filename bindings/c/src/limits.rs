//! Credit limits, exposure and the order credit check: the recommended limit, the
//! credit index an ERP keeps in memory (built once, fed events, asked on every order
//! line), exposure by category and by group, alerts, and holds from dunning.

use std::ffi::c_char;

use encours_core::dunning::{DunningConfig, DunningConfigData, History};
use encours_core::limits::alerts::{AlertConfig, alerts};
use encours_core::limits::check::{CheckOptions, Decision, OrderRequest, holds_from_dunning};
use encours_core::limits::exposure::ExposureRecords;
use encours_core::limits::in_force::CreditLimits;
use encours_core::limits::index::{CreditEvent, CreditIndex, IndexInputs, OrderHold};
use encours_core::limits::recommend::{RecommendInputs, RecommendRules, recommend};
use encours_core::money::{FxRates, Money};
use encours_core::risk::scorecard::Migration;

use crate::convert::{date_arg, json_arg, str_arg, text_arg, to_json, write, write_alloc_str};
use crate::error::encours_status::*;
use crate::error::{Failure, encours_status};
use crate::ledger::{encours_ledger, ledger_ref};
use crate::risk::{clear_out, opt_json};

/// Decision of a check: let the order through.
pub const ENCOURS_DECISION_APPROVE: u32 = 0;
/// Decision of a check: let it through with a warning.
pub const ENCOURS_DECISION_WARN: u32 = 1;
/// Decision of a check: block it.
pub const ENCOURS_DECISION_BLOCK: u32 = 2;

/// The credit index: exposure, limits, holds, overdue items and risk classes of every
/// customer, kept in memory and updated on each event, with the check options it
/// answers `encours_credit_index_decide` with.
///
/// Opaque; built by `encours_credit_index_build`, released by
/// `encours_credit_index_free`. Not synchronized: no thread may check while another
/// applies an event; many threads may check at once.
pub struct encours_credit_index {
    inner: CreditIndex,
    options: CheckOptions,
}

/// A recommended limit: `rules_json` the rules (`{"rules": [{"share_of_tangible_net_worth":
/// {"share": "0.1"}}, "sales_over_period", ...], "combine": "min", "rounding_step":
/// "1000", "class_caps": [...]}`), `inputs_json` the customer's figures (`{"currency":
/// "EUR", "tangible_net_worth": "800000", "expected_monthly_sales": {...},
/// "terms_days": 45, ...}`). `*out` receives the recommendation with every rule's
/// figures and the rule that set it. `ENCOURS_LIMIT_INVALID` for a bad rule (share
/// outside 0–1, step not positive).
///
/// # Safety
/// The JSON pointers point to their length of readable bytes; `out` writable;
/// `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_limits_recommend_json(
    rules_json: *const c_char,
    rules_len: usize,
    inputs_json: *const c_char,
    inputs_len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: forwarded contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        // SAFETY: readable bytes.
        let (r, i) = unsafe { (text_arg(rules_json, rules_len, "rules_json")?, text_arg(inputs_json, inputs_len, "inputs_json")?) };
        let rec = recommend(&json_arg::<RecommendRules>(r, "limit rules")?, &json_arg::<RecommendInputs>(i, "recommendation inputs")?)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&rec)?, out, out_len) }
    }
}

/// Build the credit index from the ledger as of the end of `as_of`, and the caller's
/// JSON (each NULL for none): `records_json` (`{"orders": [...], "deliveries": [...],
/// "bills": [...], "plans": [...]}`), `limits_json` (`{"manual": [...], "temporary":
/// [...], "insurer": [...], "group": [...], "use_ledger_limits": true}`),
/// `holds_json` (an array of `{"customer_id", "since", "reason"}`), `fx_json`
/// (`{"rates": [{"from": "USD", "to": "EUR", "rate": "0.92"}]}`). The index answers
/// with the default check options until `encours_credit_index_set_options_json`.
///
/// Statuses: `ENCOURS_INVALID_JSON`, `ENCOURS_LIMIT_INVALID` (a negative amount, a
/// validity ending before it starts, a group limit on a subsidiary, a repeated id: the
/// message names the record and field), `ENCOURS_NOT_FOUND` (a record of an unknown
/// customer), `ENCOURS_CURRENCY_MISMATCH`, `ENCOURS_INVALID_DATE`. `*out` is set to
/// NULL first.
///
/// # Safety
/// `ledger` a live handle (read during the call only: the index keeps no reference);
/// the JSON pointers NULL or pointing to their length of readable bytes; `out`
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_credit_index_build(
    ledger: *const encours_ledger,
    records_json: *const c_char,
    records_len: usize,
    limits_json: *const c_char,
    limits_len: usize,
    holds_json: *const c_char,
    holds_len: usize,
    fx_json: *const c_char,
    fx_len: usize,
    as_of: i32,
    out: *mut *mut encours_credit_index,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: checked non-NULL.
        unsafe { write(out, std::ptr::null_mut()) };
        // SAFETY: forwarded contract.
        let (l, records, limits, holds, fx) = unsafe {
            (ledger_ref(ledger)?,
             opt_json::<ExposureRecords>(records_json, records_len, "records_json", "exposure records")?,
             opt_json::<CreditLimits>(limits_json, limits_len, "limits_json", "credit limits")?,
             opt_json::<Vec<OrderHold>>(holds_json, holds_len, "holds_json", "holds")?,
             opt_json::<FxRates>(fx_json, fx_len, "fx_json", "exchange rates")?)
        };
        let index = CreditIndex::build(l, &IndexInputs { records: &records, limits: &limits, holds: &holds, fx: &fx }, date_arg(as_of, "as_of")?)?;
        let boxed = Box::into_raw(Box::new(encours_credit_index { inner: index, options: CheckOptions::default() }));
        // SAFETY: checked non-NULL.
        unsafe { write(out, boxed) };
        Ok(())
    }
}

/// Release an index; NULL is a no-op.
///
/// # Safety
/// `index` NULL or a live handle not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_credit_index_free(index: *mut encours_credit_index) {
    ffi_boundary! { value;
        if !index.is_null() {
            // SAFETY: came from Box::into_raw.
            drop(unsafe { Box::from_raw(index) });
        }
    }
}

/// # Safety
/// `p` NULL or a live handle.
unsafe fn index_ref<'a>(
    p: *const encours_credit_index,
) -> Result<&'a encours_credit_index, Failure> {
    check_null!(p => "index");
    // SAFETY: live handle by contract.
    Ok(unsafe { &*p })
}

/// Set the check options (`{"missing_limit": "no_credit", "equal_passes": true,
/// "severities": {...}, "max_overdue_days": 30, "horizon_days": null, ...}`, every key
/// optional with its documented default; unknown keys refused). `ENCOURS_LIMIT_INVALID`
/// for a bad option (the message names it); the options are unchanged on failure.
///
/// # Safety
/// `index` a live handle not used by another thread; `json` points to `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_credit_index_set_options_json(
    index: *mut encours_credit_index,
    json: *const c_char,
    len: usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(index);
        // SAFETY: readable bytes.
        let o: CheckOptions = json_arg(unsafe { text_arg(json, len, "json") }?, "check options")?;
        o.validate()?;
        // SAFETY: live, exclusive handle.
        unsafe { (*index).options = o };
        Ok(())
    }
}

/// Follow one event (`{"event": "item_issued", ...item}`, `payment_received`,
/// `applied`, `order_placed`, `order_closed`, `delivered`, `delivery_invoiced`,
/// `bill_accepted`, `bill_settled`, `plan_balance_set`, `limits_set`,
/// `group_limits_set`, `hold_set`, `hold_released`, `risk_class_set`). A refused
/// event leaves the index as it was: `ENCOURS_NOT_FOUND` (unknown customer, order,
/// open item), `ENCOURS_LIMIT_INVALID` (over-application, repeated id, bad limit),
/// `ENCOURS_CURRENCY_MISMATCH`.
///
/// # Safety
/// `index` a live handle not used by another thread; `json` points to `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_credit_index_apply_json(
    index: *mut encours_credit_index,
    json: *const c_char,
    len: usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(index);
        // SAFETY: readable bytes.
        let e: CreditEvent = json_arg(unsafe { text_arg(json, len, "json") }?, "a credit event")?;
        // SAFETY: live, exclusive handle.
        let i = unsafe { &mut (*index).inner };
        // The core checks an event in full before changing anything.
        i.apply(&e)?;
        Ok(())
    }
}

/// Check an order with every reason: `request_json` is `{"customer_id": ..., "amount":
/// {"amount": "1200.00", "currency": "EUR"}, "date": "2024-03-10", "order_id": ...,
/// "override_by": {"by": ..., "reason": ...}}`. `*out` receives the result (decision,
/// reasons with their severity and figures, exposure before and after, limit, group,
/// override). Uses the index's options.
///
/// # Safety
/// `index` a live handle; `request_json` points to `len` bytes; `out` writable;
/// `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_credit_index_check_json(
    index: *const encours_credit_index,
    request_json: *const c_char,
    len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: forwarded contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        // SAFETY: live handle; readable bytes.
        let (i, text) = unsafe { (index_ref(index)?, text_arg(request_json, len, "request_json")?) };
        let req: OrderRequest = json_arg(text, "an order request")?;
        let r = i.inner.check(&i.options, &req)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&r)?, out, out_len) }
    }
}

/// The hot path: the decision alone (`ENCOURS_DECISION_*` into `*decision`, set to
/// `ENCOURS_DECISION_BLOCK` first) for an order of `amount` (a decimal string, in the
/// account's currency) by `customer_id` on `date`. Same rules as
/// `encours_credit_index_check_json`, without building the reasons' document.
///
/// # Safety
/// `index` a live handle; `customer_id` and `amount` NUL-terminated; `decision`
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_credit_index_decide(
    index: *const encours_credit_index,
    customer_id: *const c_char,
    amount: *const c_char,
    date: i32,
    decision: *mut u32,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(decision);
        // SAFETY: checked non-NULL.
        unsafe { write(decision, ENCOURS_DECISION_BLOCK) };
        // SAFETY: live handle; NUL-terminated strings.
        let (i, id, text) = unsafe { (index_ref(index)?, str_arg(customer_id, "customer_id")?, str_arg(amount, "amount")?) };
        let c = i.inner.position(id).ok_or_else(|| Failure::new(ENCOURS_NOT_FOUND, format!("unknown customer \"{id}\" referenced by encours_credit_index_decide")))?;
        let cur = i.inner.currency_of(c).ok_or_else(|| Failure::new(ENCOURS_NOT_FOUND, format!("unknown customer \"{id}\"")))?;
        let money = Money::parse(text, cur)?;
        let req = OrderRequest::new(id, money, date_arg(date, "date")?);
        let d = match i.inner.decide(&i.options, &req)? {
            Decision::Approve => ENCOURS_DECISION_APPROVE,
            Decision::Warn => ENCOURS_DECISION_WARN,
            Decision::Block => ENCOURS_DECISION_BLOCK,
        };
        // SAFETY: checked non-NULL.
        unsafe { write(decision, d) };
        Ok(())
    }
}

/// A customer's exposure by category on `date` (`group` non-zero: its group's, in the
/// top customer's currency), orders beyond `horizon_days` left out when it is not
/// negative (-1: all orders). `*out` receives `{"receivables": ..., "orders": ...,
/// ..., "total": ...}`. `ENCOURS_RATE_UNAVAILABLE` for a group member's currency
/// without a rate.
///
/// # Safety
/// `index` a live handle; `customer_id` NUL-terminated; `out` writable; `out_len` NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_credit_index_exposure_json(
    index: *const encours_credit_index,
    customer_id: *const c_char,
    date: i32,
    group: u32,
    horizon_days: i32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: forwarded contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        // SAFETY: live handle; NUL-terminated.
        let (i, id) = unsafe { (index_ref(index)?, str_arg(customer_id, "customer_id")?) };
        let h = u32::try_from(horizon_days).ok();
        let day = date_arg(date, "date")?;
        let e = if group != 0 { i.inner.group_exposure(id, day, None, h)? } else { i.inner.exposure(id, day, None, h)? };
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&e)?, out, out_len) }
    }
}

/// A customer's limits in force on `date` (own, insurer, group, expired, with every
/// part and its conversion).
///
/// # Safety
/// As `encours_credit_index_exposure_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_credit_index_limits_json(
    index: *const encours_credit_index,
    customer_id: *const c_char,
    date: i32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: forwarded contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        // SAFETY: live handle; NUL-terminated.
        let (i, id) = unsafe { (index_ref(index)?, str_arg(customer_id, "customer_id")?) };
        let l = i.inner.limits(id, date_arg(date, "date")?)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&l)?, out, out_len) }
    }
}

/// The alerts for `date`: `config_json` (NULL: defaults, `{"limit_expiry_days": 30,
/// "utilisation_threshold": "0.9", "cover_lapse_days": 30}`), `migrations_json` (NULL
/// or an array of migrations from `encours_risk_migration_json`, for downgrades).
///
/// # Safety
/// `index` a live handle; the JSON pointers NULL or their length of readable bytes;
/// `out` writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_credit_index_alerts_json(
    index: *const encours_credit_index,
    config_json: *const c_char,
    config_len: usize,
    migrations_json: *const c_char,
    migrations_len: usize,
    date: i32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: forwarded contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        // SAFETY: forwarded contract.
        let (i, config, migrations) = unsafe {
            (index_ref(index)?, opt_json::<AlertConfig>(config_json, config_len, "config_json", "alert settings")?,
             opt_json::<Vec<Migration>>(migrations_json, migrations_len, "migrations_json", "score migrations")?)
        };
        let a = alerts(&i.inner, &config, date_arg(date, "date")?, &migrations)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&a)?, out, out_len) }
    }
}

/// Accounts on hold from a dunning history (steps with the `block_orders` effect,
/// escalations), as the JSON array `encours_credit_index_build` takes in
/// `holds_json`. `ENCOURS_DUNNING_INVALID` for a configuration that breaks a rule.
///
/// # Safety
/// The JSON pointers point to their length of readable bytes; `out` writable;
/// `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_limits_holds_from_dunning_json(
    history_json: *const c_char,
    history_len: usize,
    config_json: *const c_char,
    config_len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: forwarded contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        // SAFETY: readable bytes.
        let (h, c) = unsafe { (text_arg(history_json, history_len, "history_json")?, text_arg(config_json, config_len, "config_json")?) };
        let history: History = json_arg(h, "a dunning history")?;
        let config = DunningConfig::try_from(json_arg::<DunningConfigData>(c, "a dunning configuration")?)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&holds_from_dunning(&history, &config))?, out, out_len) }
    }
}
