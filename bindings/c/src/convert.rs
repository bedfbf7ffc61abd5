//! Conversions between C arguments and Rust values, shared by every module, and the
//! one function that frees strings the library allocated.

use std::ffi::{CStr, CString, c_char};

use chrono::{Datelike, NaiveDate};
use encours_core::money::{Currency, Money};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Failure;
use crate::error::encours_status::*;
use crate::money::encours_money;

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01, the C side's day 0.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// A required NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, name: &str) -> Result<&'a str, Failure> {
    check_null!(p => name);
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    let bytes = unsafe { CStr::from_ptr(p) };
    bytes.to_str().map_err(|e| {
        Failure::new(
            ENCOURS_INVALID_UTF8,
            format!(
                "argument {name} is not valid UTF-8: invalid byte at offset {}",
                e.valid_up_to()
            ),
        )
    })
}

/// An optional NUL-terminated UTF-8 string: NULL gives `None`.
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(
    p: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Failure> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { str_arg(p, name) }.map(Some)
    }
}

/// A required text of `len` bytes (no NUL needed), for JSON documents.
///
/// # Safety
/// `p` is NULL or points to `len` readable bytes that outlive `'a`.
pub(crate) unsafe fn text_arg<'a>(
    p: *const c_char,
    len: usize,
    name: &str,
) -> Result<&'a str, Failure> {
    check_null!(p => name);
    if len > isize::MAX as usize {
        return Err(Failure::new(
            ENCOURS_INVALID_ARGUMENT,
            format!("argument {name}_len {len} is larger than any buffer can be"),
        ));
    }
    // SAFETY: p points to len readable bytes by the caller's contract.
    let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) };
    std::str::from_utf8(bytes).map_err(|e| {
        Failure::new(
            ENCOURS_INVALID_UTF8,
            format!(
                "argument {name} is not valid UTF-8: invalid byte at offset {}",
                e.valid_up_to()
            ),
        )
    })
}

/// A C array of `n` records: NULL is accepted only when `n` is 0.
///
/// # Safety
/// `p` is NULL or points to `n` valid records that outlive `'a`.
pub(crate) unsafe fn slice_arg<'a, T>(
    p: *const T,
    n: usize,
    name: &str,
) -> Result<&'a [T], Failure> {
    if n == 0 {
        return Ok(&[]);
    }
    check_null!(p => name);
    // SAFETY: non-NULL, n valid elements by the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(p, n) })
}

/// Parse a JSON document into a core type, naming what it should have been, through
/// the core's one configuration reader: an unknown key is `ENCOURS_UNKNOWN_KEY` naming
/// the path and the closest known key, anything else malformed `ENCOURS_INVALID_JSON`.
/// A leading UTF-8 byte-order mark is skipped (by the reader), as the command and
/// Python skip it.
pub(crate) fn json_arg<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, Failure> {
    encours_core::config::from_json(text, what).map_err(|e| {
        let status = crate::error::status_of(&e.clone().into());
        Failure::new(status, format!("invalid JSON for {e}"))
    })
}

/// Serialize a core value in its serde form.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|e| {
        Failure::new(
            ENCOURS_OTHER_ERROR,
            format!("cannot serialize to JSON: {e}"),
        )
    })
}

/// A date given as days since 1970-01-01.
pub(crate) fn date_arg(days: i32, name: &str) -> Result<NaiveDate, Failure> {
    days.checked_add(UNIX_EPOCH_DAYS_FROM_CE)
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or_else(|| {
            Failure::new(
                ENCOURS_INVALID_DATE,
                format!(
                    "argument {name} {days} (days since 1970-01-01) is out of range: expected {} to {}",
                    date_out_unchecked(NaiveDate::MIN),
                    date_out_unchecked(NaiveDate::MAX)
                ),
            )
        })
}

fn date_out_unchecked(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
}

/// A date as days since 1970-01-01 (every chrono date fits an `i32`).
pub(crate) fn date_out(d: NaiveDate) -> i32 {
    date_out_unchecked(d)
}

/// A date from its parts.
pub(crate) fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, Failure> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        Failure::new(
            ENCOURS_INVALID_DATE,
            format!("invalid date {year:04}-{month:02}-{day:02}: no such day in the calendar"),
        )
    })
}

/// `date.year()` etc. without importing Datelike everywhere.
pub(crate) fn parts(d: NaiveDate) -> (i32, u32, u32) {
    (d.year(), d.month(), d.day())
}

/// An ISO 4217 currency from a code argument.
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn currency_arg(p: *const c_char, name: &str) -> Result<Currency, Failure> {
    // SAFETY: forwarded contract.
    let code = unsafe { str_arg(p, name) }?;
    Currency::from_code(code).map_err(|e| Failure::from(e).context(format!("argument {name}")))
}

/// An amount given as minor units and a currency code.
///
/// # Safety
/// As [`str_arg`] for `currency`.
pub(crate) unsafe fn money_arg(
    minor: i64,
    currency: *const c_char,
    name: &str,
) -> Result<Money, Failure> {
    // SAFETY: forwarded contract.
    let c = unsafe { currency_arg(currency, &format!("{name}_currency")) }?;
    Ok(Money::from_minor(minor, c))
}

/// A core amount as the C struct (minor units, the currency's decimals, its code).
pub(crate) fn money_out(m: &Money) -> Result<encours_money, Failure> {
    let minor = m.to_minor()?;
    let mut currency = [0 as c_char; 4];
    for (slot, b) in currency.iter_mut().zip(m.currency().code().bytes()) {
        *slot = b as c_char;
    }
    Ok(encours_money {
        minor,
        minor_units: m.currency().minor_units(),
        currency,
    })
}

/// Write a value through an out-pointer already checked non-NULL.
///
/// # Safety
/// `out` is non-NULL, aligned and writable.
pub(crate) unsafe fn write<T>(out: *mut T, value: T) {
    // SAFETY: forwarded contract.
    unsafe { out.write(value) }
}

/// Copy `text` and a NUL into a caller buffer of `buf_len` bytes, its length into
/// `*out_len`. On `ENCOURS_INSUFFICIENT_SIZE` only `*out_len` is written (the length
/// needed), the documented exception to "outputs only on success".
///
/// # Safety
/// `buf` points to `buf_len` writable bytes, `out_len` to a writable `size_t`; both
/// non-NULL (checked by the caller with `check_null!`).
pub(crate) unsafe fn write_str_buf(
    text: &str,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> Result<(), Failure> {
    check_null!(buf, out_len);
    let needed = text.len();
    // SAFETY: out_len non-NULL and writable by contract.
    unsafe { write(out_len, needed) };
    if buf_len <= needed {
        return Err(Failure::new(
            ENCOURS_INSUFFICIENT_SIZE,
            format!(
                "buffer of {buf_len} bytes is too small: {} bytes needed ({needed} and the terminating NUL)",
                needed + 1
            ),
        ));
    }
    // SAFETY: buf has at least needed + 1 writable bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr().cast::<c_char>(), buf, needed);
        buf.add(needed).write(0);
    }
    Ok(())
}

/// Hand an allocated string to C: `*out` owns it (free with `encours_string_free`),
/// `*out_len` (when not NULL) gets its length without the NUL.
///
/// # Safety
/// `out` non-NULL and writable; `out_len` NULL or writable.
pub(crate) unsafe fn write_alloc_str(
    text: String,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> Result<(), Failure> {
    check_null!(out);
    let len = text.len();
    let c = CString::new(text).map_err(|e| {
        Failure::new(
            ENCOURS_OTHER_ERROR,
            format!("output holds a NUL byte at offset {}", e.nul_position()),
        )
    })?;
    // SAFETY: out is non-NULL and writable by contract; out_len checked below.
    unsafe {
        write(out, c.into_raw());
        if !out_len.is_null() {
            write(out_len, len);
        }
    }
    Ok(())
}

/// Free a string the library allocated (a JSON document from a `*_json` function,
/// `encours_ledger_to_json`…). `NULL` is a no-op. Passing any other pointer (one from
/// `malloc`, or a library string shortened by writing a NUL into it), or freeing
/// twice, is undefined behaviour. Thread-safe.
///
/// # Safety
/// `s` is NULL or a string returned by this library and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_string_free(s: *mut c_char) {
    ffi_boundary! { value;
        if !s.is_null() {
            // SAFETY: s came from CString::into_raw in write_alloc_str.
            drop(unsafe { CString::from_raw(s) });
        }
    }
}

#[cfg(test)]
mod bom_tests {
    use super::*;

    #[test]
    fn a_leading_byte_order_mark_is_skipped() {
        let t: Vec<u32> = json_arg("\u{feff}[1, 2]", "a list").unwrap();
        assert_eq!(t, [1, 2]);
        let e = json_arg::<Vec<u32>>("\u{feff}\u{feff}[1]", "a list").unwrap_err();
        assert!(
            e.message
                .starts_with("invalid JSON for a list: expected value"),
            "{}",
            e.message
        );
    }
}
