//! Dates: `int32_t` days since 1970-01-01 on the C side.

use std::ffi::c_char;

use chrono::NaiveDate;

use crate::convert::{date_arg, date_out, parts, str_arg, write, write_str_buf, ymd};
use crate::error::encours_status::*;
use crate::error::{Failure, encours_status};

/// The day number (days since 1970-01-01, negative before) of `year-month-day`.
///
/// Returns `ENCOURS_INVALID_DATE` for a day that does not exist (2023-02-29, month
/// 13) or a year outside about ±262,000. Writes `*out_days` only on success.
/// Thread-safe.
///
/// # Safety
/// `out_days` points to a writable `int32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_date_from_ymd(
    year: i32,
    month: u32,
    day: u32,
    out_days: *mut i32,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out_days);
        let d = ymd(year, month, day)?;
        // SAFETY: checked non-NULL; writable by contract.
        unsafe { write(out_days, date_out(d)) };
        Ok(())
    }
}

/// The year, month (1–12) and day (1–31) of a day number. `ENCOURS_INVALID_DATE` for
/// a day number outside the supported range. Thread-safe.
///
/// # Safety
/// The three out-pointers point to writable integers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_date_to_ymd(
    days: i32,
    out_year: *mut i32,
    out_month: *mut u32,
    out_day: *mut u32,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out_year, out_month, out_day);
        let (y, m, d) = parts(date_arg(days, "days")?);
        // SAFETY: checked non-NULL; writable by contract.
        unsafe {
            write(out_year, y);
            write(out_month, m);
            write(out_day, d);
        }
        Ok(())
    }
}

/// Parse an ISO 8601 calendar date (`"2024-09-30"`) into a day number.
/// `ENCOURS_PARSE_ERROR` for any other text or an impossible day. Thread-safe.
///
/// # Safety
/// `iso` is a NUL-terminated string; `out_days` points to a writable `int32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_date_parse(
    iso: *const c_char,
    out_days: *mut i32,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out_days);
        // SAFETY: NUL-terminated by contract (NULL checked inside).
        let text = unsafe { str_arg(iso, "iso") }?;
        let d = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| {
            Failure::new(
                ENCOURS_PARSE_ERROR,
                format!("invalid date \"{text}\": {e}; expected YYYY-MM-DD"),
            )
        })?;
        // SAFETY: checked non-NULL; writable by contract.
        unsafe { write(out_days, date_out(d)) };
        Ok(())
    }
}

/// Write a day number as ISO 8601 (`"2024-09-30"`) into `buf` (`buf_len` bytes,
/// NUL-terminated; 11 bytes are enough for years 0–9999), its length into `*out_len`.
/// `ENCOURS_INSUFFICIENT_SIZE` writes only `*out_len` (the length needed).
/// Thread-safe.
///
/// # Safety
/// `buf` points to `buf_len` writable bytes; `out_len` to a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_date_format(
    days: i32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(buf, out_len);
        let d = date_arg(days, "days")?;
        // SAFETY: checked non-NULL; sizes by contract.
        unsafe { write_str_buf(&d.format("%Y-%m-%d").to_string(), buf, buf_len, out_len) }
    }
}
