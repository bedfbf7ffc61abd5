//! Payment plans (*échéanciers*) as JSON documents: propose, validate, track,
//! reschedule, the payer profile and eligibility. Every document is the core's serde
//! form (see the Rust documentation of `encours_core::plans`).

use std::ffi::c_char;

use encours_core::plans::{
    BouncedBill, EligibilityRules, PayerProfile, PaymentPlan, PlanPayment, PlanRequest, PlanTerms,
    PlanTracking, TrackingRules, assess, payments_from_ledger, propose, reschedule, track,
    validate_plan,
};

use crate::convert::{
    date_arg, json_arg, opt_str_arg, str_arg, text_arg, to_json, write_alloc_str,
};
use crate::dunning::opt_json;
use crate::error::Failure;
use crate::error::encours_status;
use crate::ledger::encours_ledger;

/// Clear `*out` (and `*out_len`) first, so a failed call never leaves a stale pointer.
///
/// # Safety
/// `out` is NULL or writable; `out_len` is NULL or writable.
unsafe fn clear_out(out: *mut *mut c_char, out_len: *mut usize) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable by contract.
        unsafe { out.write(std::ptr::null_mut()) };
    }
    if !out_len.is_null() {
        // SAFETY: non-NULL and writable by contract.
        unsafe { out_len.write(0) };
    }
}

/// A plan given back: JSON of the right shape (`ENCOURS_INVALID_JSON` otherwise),
/// then checked against the ledger (`ENCOURS_PLAN_INVALID` naming the field).
fn plan_arg(ledger: &encours_core::ledger::Ledger, text: &str) -> Result<PaymentPlan, Failure> {
    let plan: PaymentPlan = json_arg(text, "a payment plan")?;
    validate_plan(&plan, ledger)?;
    Ok(plan)
}

/// Propose a payment plan for the customer `customer_id` of `ledger`, agreed on
/// `agreed_on` (days since 1970-01-01), under `terms_json` (the core's `PlanTerms`:
/// selection, down payment, number and frequency of instalments, first date or custom
/// dates, rolling, rounding, remainder, interest, fees, means of payment, bounds;
/// unknown keys are refused). Instalment dates roll to business days of the
/// customer's built-in calendar (its `calendar` code), if it has one.
///
/// `*out` receives the plan as JSON (owned by the caller: `encours_string_free`); it
/// is cleared first. Statuses: `ENCOURS_INVALID_JSON` (shape, unknown key),
/// `ENCOURS_PLAN_INVALID_TERMS` (a field of the terms that cannot be used: the message
/// names it, e.g. `invalid instalments: 0 (expected at least 1)`),
/// `ENCOURS_NOT_FOUND` (unknown customer or item), `ENCOURS_PLAN_FOREIGN_ITEM` (an
/// item of another customer), `ENCOURS_PLAN_NOTHING_TO_PLAN`,
/// `ENCOURS_UNKNOWN_CALENDAR`, `ENCOURS_INVALID_DATE`. Reads the ledger only.
///
/// # Safety
/// `ledger` is a live handle; `customer_id` and `plan_id` NUL-terminated strings;
/// `terms_json` points to `terms_len` readable bytes; `out` writable; `out_len` NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_plan_propose_json(
    ledger: *const encours_ledger,
    customer_id: *const c_char,
    plan_id: *const c_char,
    agreed_on: i32,
    terms_json: *const c_char,
    terms_len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: out and out_len NULL or writable by contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        check_null!(ledger => "ledger");
        // SAFETY: live handle and readable strings by contract.
        let (l, customer, id, terms) = unsafe {
            (
                &(*ledger).inner,
                str_arg(customer_id, "customer_id")?,
                str_arg(plan_id, "plan_id")?,
                text_arg(terms_json, terms_len, "terms_json")?,
            )
        };
        let terms: PlanTerms = json_arg(terms, "payment plan terms")?;
        let plan = propose(l, customer, id, date_arg(agreed_on, "agreed_on")?, &terms, &[])?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&plan)?, out, out_len) }
    }
}

/// Check a plan given back (`plan_json`, the JSON of `encours_plan_propose_json`,
/// stored or edited) against `ledger`: the customer and items exist and are the
/// customer's, amounts add up, dates strictly increase, allocations cover every item.
/// `ENCOURS_OK` when it holds together; `ENCOURS_PLAN_INVALID` naming the field
/// (`instalments[2].due_date ...`), `ENCOURS_NOT_FOUND`, `ENCOURS_PLAN_FOREIGN_ITEM`,
/// `ENCOURS_INVALID_JSON` otherwise.
///
/// # Safety
/// `ledger` is a live handle; `plan_json` points to `plan_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_plan_validate_json(
    ledger: *const encours_ledger,
    plan_json: *const c_char,
    plan_len: usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(ledger => "ledger");
        // SAFETY: live handle and readable bytes by contract.
        let (l, text) = unsafe { (&(*ledger).inner, text_arg(plan_json, plan_len, "plan_json")?) };
        plan_arg(l, text)?;
        Ok(())
    }
}

/// Track a plan as of `as_of`: `payments_json` (a JSON array of `{"date", "amount"}`
/// payments received against the plan; NULL for none), `bounced_json` (a JSON array
/// of `{"instalment", "date", "reason"}` bills returned unpaid; NULL for none),
/// `rules_json` (`TrackingRules`: `warn_after_days` 3, `missed_after_days` 15,
/// `breach_after_days` 30, `breach_missed_count` 2 by default; NULL for the defaults).
/// The plan is checked against `ledger` first.
///
/// `*out` receives the tracking as JSON (each instalment paid, partly paid, late or
/// missed; the plan on track, in arrears, breached or completed; alerts), owned by the
/// caller; cleared first. Statuses: those of `encours_plan_validate_json`,
/// `ENCOURS_PLAN_INVALID_TERMS` (a payment not in the plan's currency or not positive,
/// a bounced bill of no instalment, a bad rule: the message names it).
///
/// # Safety
/// `ledger` is a live handle; `plan_json` points to `plan_len` readable bytes; the
/// optional documents are NULL or point to their length of readable bytes; `out`
/// writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_plan_track_json(
    ledger: *const encours_ledger,
    plan_json: *const c_char,
    plan_len: usize,
    payments_json: *const c_char,
    payments_len: usize,
    bounced_json: *const c_char,
    bounced_len: usize,
    rules_json: *const c_char,
    rules_len: usize,
    as_of: i32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: out and out_len NULL or writable by contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        check_null!(ledger => "ledger");
        // SAFETY: live handle and readable buffers by contract.
        let (l, plan_text, payments, bounced, rules) = unsafe {
            (
                &(*ledger).inner,
                text_arg(plan_json, plan_len, "plan_json")?,
                opt_json::<Vec<PlanPayment>>(payments_json, payments_len, "payments_json", "plan payments")?,
                opt_json::<Vec<BouncedBill>>(bounced_json, bounced_len, "bounced_json", "bounced bills")?,
                opt_json::<TrackingRules>(rules_json, rules_len, "rules_json", "tracking rules")?,
            )
        };
        let plan = plan_arg(l, plan_text)?;
        let t = track(&plan, &payments, &bounced, &rules, date_arg(as_of, "as_of")?)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&t)?, out, out_len) }
    }
}

/// The payments made on a plan's items since it was agreed, read from the ledger's
/// applications up to `as_of`, as the JSON array `encours_plan_track_json` takes.
/// `*out` cleared first, owned by the caller. Statuses as `encours_plan_validate_json`.
///
/// # Safety
/// `ledger` is a live handle; `plan_json` points to `plan_len` readable bytes; `out`
/// writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_plan_payments_from_ledger_json(
    ledger: *const encours_ledger,
    plan_json: *const c_char,
    plan_len: usize,
    as_of: i32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: out and out_len NULL or writable by contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        check_null!(ledger => "ledger");
        // SAFETY: live handle and readable bytes by contract.
        let (l, text) = unsafe { (&(*ledger).inner, text_arg(plan_json, plan_len, "plan_json")?) };
        let plan = plan_arg(l, text)?;
        let payments = payments_from_ledger(l, &plan, date_arg(as_of, "as_of")?)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&payments)?, out, out_len) }
    }
}

/// Reschedule what remains of a plan: `plan_json` (the old plan), `tracking_json`
/// (its tracking, from `encours_plan_track_json`), a new plan id, its date and
/// `terms_json` (without a selection: the new plan takes the old one's unpaid items;
/// unpaid interest and fees are carried over as fees). `*out` receives the new plan,
/// linked to the old one by `rescheduled_from`; cleared first. Statuses as
/// `encours_plan_propose_json` and `encours_plan_validate_json`.
///
/// # Safety
/// `ledger` is a live handle; the JSON arguments point to their length of readable
/// bytes; `new_plan_id` is NUL-terminated; `out` writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_plan_reschedule_json(
    ledger: *const encours_ledger,
    plan_json: *const c_char,
    plan_len: usize,
    tracking_json: *const c_char,
    tracking_len: usize,
    new_plan_id: *const c_char,
    agreed_on: i32,
    terms_json: *const c_char,
    terms_len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: out and out_len NULL or writable by contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        check_null!(ledger => "ledger");
        // SAFETY: live handle and readable buffers by contract.
        let (l, plan_text, tracking_text, id, terms_text) = unsafe {
            (
                &(*ledger).inner,
                text_arg(plan_json, plan_len, "plan_json")?,
                text_arg(tracking_json, tracking_len, "tracking_json")?,
                str_arg(new_plan_id, "new_plan_id")?,
                text_arg(terms_json, terms_len, "terms_json")?,
            )
        };
        let plan = plan_arg(l, plan_text)?;
        let tracking: PlanTracking = json_arg(tracking_text, "a plan tracking")?;
        let terms: PlanTerms = json_arg(terms_text, "payment plan terms")?;
        let again = reschedule(l, &plan, &tracking, id, date_arg(agreed_on, "agreed_on")?, &terms, &[])?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&again)?, out, out_len) }
    }
}

/// The payer profile of a customer from the ledger as of `as_of`, with payment
/// behaviour over the `window_days` before it (at most 36600): open and overdue
/// debits, the oldest overdue item's age, items paid and their amount-weighted days
/// beyond terms. Add the customer's broken plans (`broken_plans`) to the JSON before
/// giving it to `encours_plan_assess_json`. `*out` cleared first, owned by the caller.
/// Statuses: `ENCOURS_NOT_FOUND`, `ENCOURS_PLAN_INVALID_TERMS`, `ENCOURS_INVALID_DATE`.
///
/// # Safety
/// `ledger` is a live handle; `customer_id` NUL-terminated; `out` writable; `out_len`
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_plan_profile_json(
    ledger: *const encours_ledger,
    customer_id: *const c_char,
    as_of: i32,
    window_days: u32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: out and out_len NULL or writable by contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        check_null!(ledger => "ledger");
        if window_days > 36_600 {
            return Err(Failure::new(
                encours_status::ENCOURS_PLAN_INVALID_TERMS,
                format!("invalid window_days: {window_days} (expected at most 36600)"),
            ));
        }
        // SAFETY: live handle and NUL-terminated string by contract.
        let (l, customer) = unsafe { (&(*ledger).inner, str_arg(customer_id, "customer_id")?) };
        let p = PayerProfile::from_ledger(l, customer, date_arg(as_of, "as_of")?, window_days)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&p)?, out, out_len) }
    }
}

/// Eligibility of a proposed plan: `profile_json` (from `encours_plan_profile_json`,
/// with the customer's broken plans added, or filled by the caller's risk module),
/// `risk_class` (the caller's class; NULL when unknown), `plan_json` (the proposal)
/// and `rules_json` (`EligibilityRules`; NULL for the defaults: 365 days at most, 20 %
/// down at least, no plan broken in the last 365 days, something overdue). `*out`
/// receives `{"eligible": ..., "checked": [...], "refusals": [...]}`, each refusal with
/// its code and figures; cleared first. Statuses: `ENCOURS_INVALID_JSON`,
/// `ENCOURS_PLAN_INVALID_TERMS` (a negative rule), `ENCOURS_CURRENCY_MISMATCH`.
///
/// # Safety
/// The JSON arguments are NULL (the optional ones) or point to their length of
/// readable bytes; `risk_class` NULL or NUL-terminated; `out` writable; `out_len` NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_plan_assess_json(
    profile_json: *const c_char,
    profile_len: usize,
    risk_class: *const c_char,
    plan_json: *const c_char,
    plan_len: usize,
    rules_json: *const c_char,
    rules_len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: out and out_len NULL or writable by contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        // SAFETY: readable buffers by contract.
        let (profile, class, plan, rules) = unsafe {
            (
                text_arg(profile_json, profile_len, "profile_json")?,
                opt_str_arg(risk_class, "risk_class")?,
                text_arg(plan_json, plan_len, "plan_json")?,
                opt_json::<EligibilityRules>(rules_json, rules_len, "rules_json", "eligibility rules")?,
            )
        };
        let profile: PayerProfile = json_arg(profile, "a payer profile")?;
        let plan: PaymentPlan = json_arg(plan, "a payment plan")?;
        let e = assess(&profile, class, &PlanRequest::of(&plan), &rules)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&e)?, out, out_len) }
    }
}
