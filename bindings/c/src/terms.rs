//! The payment-terms handle: parsed from text or JSON; due schedules, due dates,
//! early-payment discounts and the French LME check.

use std::ffi::c_char;

use encours_core::terms::{EndOfMonthConvention, ParseOptions, PaymentTerms, SplitRounding};

use crate::convert::{
    date_arg, date_out, json_arg, money_arg, str_arg, text_arg, to_json, write, write_alloc_str,
};
use crate::error::encours_status::*;
use crate::error::{Failure, encours_status};

/// Payment terms: one or more dated shares of an invoice, and an optional
/// early-payment discount.
///
/// Opaque. Created by `encours_terms_parse` or `encours_terms_from_json`, released
/// by `encours_terms_free`. Immutable: one handle may be read from several threads at
/// once; freeing it must wait until no thread uses it.
pub struct encours_terms {
    pub(crate) inner: PaymentTerms,
}

/// "N days end of month" read as invoice date + N days, then to the end of that month
/// (the usual French reading of "45 jours fin de mois").
pub const ENCOURS_EOM_DAYS_THEN_END_OF_MONTH: u32 = 0;
/// "N days end of month" read as end of the invoice month, then + N days.
pub const ENCOURS_EOM_END_OF_MONTH_THEN_DAYS: u32 = 1;

fn convention_arg(c: u32) -> Result<EndOfMonthConvention, Failure> {
    match c {
        ENCOURS_EOM_DAYS_THEN_END_OF_MONTH => Ok(EndOfMonthConvention::DaysThenEndOfMonth),
        ENCOURS_EOM_END_OF_MONTH_THEN_DAYS => Ok(EndOfMonthConvention::EndOfMonthThenDays),
        other => Err(Failure::new(
            ENCOURS_INVALID_ARGUMENT,
            format!(
                "invalid end-of-month convention {other}: expected 0 (days then end of month) or 1 (end of month then days)"
            ),
        )),
    }
}

/// # Safety
/// `t` is NULL or a live handle.
unsafe fn terms<'a>(t: *const encours_terms) -> Result<&'a PaymentTerms, Failure> {
    check_null!(t => "terms");
    // SAFETY: non-NULL live handle by contract.
    Ok(unsafe { &(*t).inner })
}

/// # Safety
/// `out` is non-NULL and writable.
unsafe fn hand_out(t: PaymentTerms, out: *mut *mut encours_terms) {
    let boxed = Box::into_raw(Box::new(encours_terms { inner: t }));
    // SAFETY: forwarded contract.
    unsafe { write(out, boxed) };
}

/// Parse payment terms as typed in ERPs, in English or French (`"net 30"`, `"45 jours
/// fin de mois"`, `"2/10 net 30"`, `"30 % à la commande, 70 % à 60 jours"`…), with
/// `end_of_month` (`ENCOURS_EOM_*`) saying how "N days end of month" is read.
///
/// `ENCOURS_PARSE_ERROR` naming the unexpected token, its column and what was
/// expected; `ENCOURS_TERMS_INVALID` when the shares do not add up to 100 % or a value
/// is out of range; `ENCOURS_INVALID_ARGUMENT` for an unknown convention. On success
/// `*out` owns a new handle (release with `encours_terms_free`). Thread-safe.
///
/// # Safety
/// `text` is NUL-terminated; `out` points to a writable `encours_terms*`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_terms_parse(
    text: *const c_char,
    end_of_month: u32,
    out: *mut *mut encours_terms,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        let options = ParseOptions::new().with_end_of_month_convention(convention_arg(end_of_month)?);
        // SAFETY: NUL-terminated by contract.
        let text = unsafe { str_arg(text, "text") }?;
        let t = PaymentTerms::parse(text, &options)?;
        // SAFETY: checked non-NULL.
        unsafe { hand_out(t, out) };
        Ok(())
    }
}

/// Payment terms from their JSON form (`json_len` bytes), the core's:
/// `{"lines":[{"share":"30","due":{"rule":"at_order"}},{"share":"70","due":{"rule":
/// "days_then_end_of_month","days":45}}],"discount":{"percent":"2","days":10}}`.
/// `ENCOURS_INVALID_JSON` for malformed JSON or invalid terms (the message says
/// which). On success `*out` owns a new handle. Thread-safe.
///
/// # Safety
/// `json` points to `json_len` readable bytes; `out` to a writable `encours_terms*`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_terms_from_json(
    json: *const c_char,
    json_len: usize,
    out: *mut *mut encours_terms,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: json_len readable bytes by contract.
        let text = unsafe { text_arg(json, json_len, "json") }?;
        let t: PaymentTerms = json_arg(text, "payment terms")?;
        // SAFETY: checked non-NULL.
        unsafe { hand_out(t, out) };
        Ok(())
    }
}

/// Release payment terms. `NULL` is a no-op.
///
/// # Safety
/// `terms` is NULL or a handle from this library not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_terms_free(terms: *mut encours_terms) {
    ffi_boundary! { value;
        if !terms.is_null() {
            // SAFETY: the pointer came from Box::into_raw in hand_out.
            drop(unsafe { Box::from_raw(terms) });
        }
    }
}

/// The terms as JSON (the form `encours_terms_from_json` reads). `*out` owns the
/// string (release with `encours_string_free`).
///
/// # Safety
/// `terms` is a live handle; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_terms_to_json(
    terms: *const encours_terms,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let t = unsafe { self::terms(terms) }?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(t)?, out, out_len) }
    }
}

/// The canonical English text of the terms (`"30% at order, 70% net 60"`), which
/// `encours_terms_parse` reads back to equal terms. `*out` owns the string (release
/// with `encours_string_free`).
///
/// # Safety
/// `terms` is a live handle; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_terms_to_string(
    terms: *const encours_terms,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let t = unsafe { self::terms(terms) }?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(t.to_string(), out, out_len) }
    }
}

/// The due date of an invoice dated `invoice_date` (the last-due line's date for split
/// terms; at-order lines on the invoice date). Contractual: never rolled to a business
/// day. `ENCOURS_INVALID_DATE` when out of range.
///
/// # Safety
/// `terms` is a live handle; `out` points to a writable `int32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_terms_due_date(
    terms: *const encours_terms,
    invoice_date: i32,
    out: *mut i32,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let t = unsafe { self::terms(terms) }?;
        let d = t.due_date(date_arg(invoice_date, "invoice_date")?)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, date_out(d)) };
        Ok(())
    }
}

/// The due schedule of an invoice of `amount_minor` (minor units of `currency`) dated
/// `invoice_date`, as a JSON array in the core's form, sorted by due date:
/// `[{"line_index":0,"rule":{"rule":"at_order"},"share":"30","due_date":"2024-01-02",
/// "amount":{"amount":"300.00","currency":"EUR"}}, ...]`. The amounts add up to the
/// invoice amount to the cent. `order_date` points to the order's day number, or is
/// NULL (at-order lines then fall due on the invoice date). `*out` owns the JSON.
///
/// # Safety
/// `terms` is a live handle; `order_date` is NULL or readable; `currency` is
/// NUL-terminated; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_terms_due_schedule_json(
    terms: *const encours_terms,
    invoice_date: i32,
    order_date: *const i32,
    amount_minor: i64,
    currency: *const c_char,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle, NUL-terminated currency by contract.
        let (t, amount) = unsafe { (self::terms(terms)?, money_arg(amount_minor, currency, "amount")?) };
        let order = if order_date.is_null() {
            None
        } else {
            // SAFETY: non-NULL and readable by contract.
            Some(date_arg(unsafe { *order_date }, "order_date")?)
        };
        let schedule = t.due_schedule(date_arg(invoice_date, "invoice_date")?, order, amount)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&schedule)?, out, out_len) }
    }
}

/// Split-terms rounding: each line half up to the minor unit, the last due takes the
/// rest (1,000.03 EUR in quarters: 250.01, 250.01, 250.01, 250.00). The default.
pub const ENCOURS_SPLIT_HALF_UP_REMAINDER_ON_LAST: u32 = 0;
/// Split-terms rounding: each line truncated, the last due takes the rest (250.00,
/// 250.00, 250.00, 250.03).
pub const ENCOURS_SPLIT_TRUNCATE_REMAINDER_ON_LAST: u32 = 1;

/// `encours_terms_due_schedule_json` with the rounding of split lines chosen:
/// `ENCOURS_SPLIT_HALF_UP_REMAINDER_ON_LAST` (what the other function does) or
/// `ENCOURS_SPLIT_TRUNCATE_REMAINDER_ON_LAST`; any other value is
/// `ENCOURS_INVALID_ARGUMENT`.
///
/// # Safety
/// As `encours_terms_due_schedule_json`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn encours_terms_due_schedule_with_json(
    terms: *const encours_terms,
    invoice_date: i32,
    order_date: *const i32,
    amount_minor: i64,
    currency: *const c_char,
    rounding: u32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        let rounding = match rounding {
            ENCOURS_SPLIT_HALF_UP_REMAINDER_ON_LAST => SplitRounding::HalfUpRemainderOnLast,
            ENCOURS_SPLIT_TRUNCATE_REMAINDER_ON_LAST => SplitRounding::TruncateRemainderOnLast,
            other => {
                return Err(Failure::new(
                    ENCOURS_INVALID_ARGUMENT,
                    format!(
                        "argument rounding {other} is not a split rounding: expected ENCOURS_SPLIT_HALF_UP_REMAINDER_ON_LAST (0) or ENCOURS_SPLIT_TRUNCATE_REMAINDER_ON_LAST (1)"
                    ),
                ));
            }
        };
        // SAFETY: live handle, NUL-terminated currency by contract.
        let (t, amount) = unsafe { (self::terms(terms)?, money_arg(amount_minor, currency, "amount")?) };
        let order = if order_date.is_null() {
            None
        } else {
            // SAFETY: non-NULL and readable by contract.
            Some(date_arg(unsafe { *order_date }, "order_date")?)
        };
        let schedule =
            t.due_schedule_with(date_arg(invoice_date, "invoice_date")?, order, amount, rounding)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&schedule)?, out, out_len) }
    }
}

/// The early-payment discount for a payment made on `payment_date`, as JSON in the
/// core's form (`{"payment_date":"2024-01-25","deadline":"2024-01-25","applies":true,
/// "percent":"2","amount":{...},"payable":{...},"annualised_cost":"37.2449"}`), or
/// `null` when the terms have no discount. `annualised_cost` is the nominal annual
/// cost of not taking the discount, percent (Brigham & Ehrhardt's cost of trade
/// credit). `*out` owns the JSON.
///
/// # Safety
/// `terms` is a live handle; `currency` is NUL-terminated; `out` is writable;
/// `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_terms_discount_for_payment_json(
    terms: *const encours_terms,
    invoice_date: i32,
    payment_date: i32,
    amount_minor: i64,
    currency: *const c_char,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle, NUL-terminated currency by contract.
        let (t, amount) = unsafe { (self::terms(terms)?, money_arg(amount_minor, currency, "amount")?) };
        let offer = t.discount_for_payment(
            date_arg(invoice_date, "invoice_date")?,
            date_arg(payment_date, "payment_date")?,
            amount,
        )?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&offer)?, out, out_len) }
    }
}

/// The early-payment discount of an invoice, as JSON in the core's form
/// (`{"deadline":"2024-01-25","percent":"2","amount":{"amount":"20.00","currency":
/// "EUR"},"net_payable":{"amount":"980.00","currency":"EUR"}}`), or `null` when the
/// terms have no discount. `*out` owns the JSON.
///
/// # Safety
/// `terms` is a live handle; `currency` is NUL-terminated; `out` is writable;
/// `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_terms_early_payment_discount_json(
    terms: *const encours_terms,
    invoice_date: i32,
    amount_minor: i64,
    currency: *const c_char,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle, NUL-terminated currency by contract.
        let (t, amount) = unsafe { (self::terms(terms)?, money_arg(amount_minor, currency, "amount")?) };
        let d = t.early_payment_discount(date_arg(invoice_date, "invoice_date")?, amount)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&d)?, out, out_len) }
    }
}

/// The French LME check (Code de commerce L441-10 I: 60 days from the invoice, or 45
/// days end of month when stipulated) of the terms for an invoice date, as JSON in the
/// core's form: `{"invoice_date":..., "compliant":true, "limits":{...}, "reasons":
/// [{"line_index":0, "cap":{"cap":"sixty_days_from_invoice"}, "days_over":0, ...}],
/// "verdicts": [...]}`, `verdicts` giving each line's verdict under every cap that
/// applies to it.
/// `*out` owns the JSON.
///
/// # Safety
/// `terms` is a live handle; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_terms_lme_check_json(
    terms: *const encours_terms,
    invoice_date: i32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let t = unsafe { self::terms(terms) }?;
        let check = t.lme_check(date_arg(invoice_date, "invoice_date")?)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&check)?, out, out_len) }
    }
}
