//! The calendar handle: built-in or JSON-defined business-day calendars, rolls,
//! business-day arithmetic, holiday lists.

use std::ffi::c_char;

use encours_core::calendar::{Calendar, CalendarSpec, Roll};

use crate::convert::{
    date_arg, date_out, json_arg, str_arg, text_arg, to_json, write, write_alloc_str,
};
use crate::error::encours_status::*;
use crate::error::{Failure, encours_status};

/// A business-day calendar (weekend days and holidays), immutable once built.
///
/// Opaque. Created by `encours_calendar_builtin` or `encours_calendar_from_json`,
/// released by `encours_calendar_free`. A calendar is never modified after creation,
/// so one handle may be read from several threads at once; freeing it must wait
/// until no thread uses it.
pub struct encours_calendar {
    pub(crate) inner: Calendar,
}

/// Roll: the first business day on or after the date.
pub const ENCOURS_ROLL_FOLLOWING: u32 = 0;
/// Roll: following, unless that leaves the month; then preceding.
pub const ENCOURS_ROLL_MODIFIED_FOLLOWING: u32 = 1;
/// Roll: the last business day on or before the date.
pub const ENCOURS_ROLL_PRECEDING: u32 = 2;
/// Roll: preceding, unless that leaves the month; then following.
pub const ENCOURS_ROLL_MODIFIED_PRECEDING: u32 = 3;
/// Roll: the date unchanged.
pub const ENCOURS_ROLL_NONE: u32 = 4;

fn roll_arg(roll: u32) -> Result<Roll, Failure> {
    match roll {
        ENCOURS_ROLL_FOLLOWING => Ok(Roll::Following),
        ENCOURS_ROLL_MODIFIED_FOLLOWING => Ok(Roll::ModifiedFollowing),
        ENCOURS_ROLL_PRECEDING => Ok(Roll::Preceding),
        ENCOURS_ROLL_MODIFIED_PRECEDING => Ok(Roll::ModifiedPreceding),
        ENCOURS_ROLL_NONE => Ok(Roll::None),
        other => Err(Failure::new(
            ENCOURS_INVALID_ARGUMENT,
            format!(
                "invalid roll {other}: expected 0 (following), 1 (modified following), 2 (preceding), 3 (modified preceding) or 4 (none)"
            ),
        )),
    }
}

/// # Safety
/// `c` is NULL or a live handle.
unsafe fn cal<'a>(c: *const encours_calendar) -> Result<&'a Calendar, Failure> {
    check_null!(c => "calendar");
    // SAFETY: non-NULL live handle by contract.
    Ok(unsafe { &(*c).inner })
}

/// # Safety
/// `out` is non-NULL and writable.
unsafe fn hand_out(c: Calendar, out: *mut *mut encours_calendar) {
    let boxed = Box::into_raw(Box::new(encours_calendar { inner: c }));
    // SAFETY: forwarded contract.
    unsafe { write(out, boxed) };
}

/// A built-in calendar by code: `"FR"` (France), `"DE"` (Germany), `"GB-EAW"` (or
/// `"UK"`, `"GB"`: England and Wales), `"US"` (federal); case is ignored.
/// `ENCOURS_UNKNOWN_CALENDAR` for another code (the message lists the known ones).
/// On success `*out` owns a new handle (release with `encours_calendar_free`).
/// Thread-safe.
///
/// # Safety
/// `code` is NUL-terminated; `out` points to a writable `encours_calendar*`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_calendar_builtin(
    code: *const c_char,
    out: *mut *mut encours_calendar,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: NUL-terminated by contract.
        let code = unsafe { str_arg(code, "code") }?;
        let c = Calendar::builtin(code)?;
        // SAFETY: checked non-NULL.
        unsafe { hand_out(c, out) };
        Ok(())
    }
}

/// A calendar from its JSON definition (`json_len` bytes): `{"name": "Acme",
/// "weekend": ["saturday", "sunday"], "rules": [{"name": "New Year", "date": {"kind":
/// "fixed", "month": 1, "day": 1}}], "extra_holidays": [{"date": "2025-08-16", "name":
/// "Inventory"}]}`, the core's `CalendarSpec` form. `ENCOURS_INVALID_JSON` for bad
/// JSON, `ENCOURS_CALENDAR_INVALID` for a rule that breaks the calendar's checks.
/// On success `*out` owns a new handle. Thread-safe.
///
/// # Safety
/// `json` points to `json_len` readable bytes; `out` to a writable `encours_calendar*`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_calendar_from_json(
    json: *const c_char,
    json_len: usize,
    out: *mut *mut encours_calendar,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: json_len readable bytes by contract.
        let text = unsafe { text_arg(json, json_len, "json") }?;
        let spec: CalendarSpec = json_arg(text, "a calendar")?;
        let c = Calendar::from_spec(spec)?;
        // SAFETY: checked non-NULL.
        unsafe { hand_out(c, out) };
        Ok(())
    }
}

/// Release a calendar. `NULL` is a no-op.
///
/// # Safety
/// `calendar` is NULL or a handle from this library not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_calendar_free(calendar: *mut encours_calendar) {
    ffi_boundary! { value;
        if !calendar.is_null() {
            // SAFETY: the pointer came from Box::into_raw in hand_out.
            drop(unsafe { Box::from_raw(calendar) });
        }
    }
}

/// The calendar's definition as JSON (the form `encours_calendar_from_json` reads).
/// `*out` owns the string (release with `encours_string_free`).
///
/// # Safety
/// `calendar` is a live handle; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_calendar_to_json(
    calendar: *const encours_calendar,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let c = unsafe { cal(calendar) }?;
        let json = to_json(c)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(json, out, out_len) }
    }
}

/// Whether `date` is a business day (not a weekend day, not a holiday).
///
/// # Safety
/// `calendar` is a live handle; `out` points to a writable `bool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_calendar_is_business_day(
    calendar: *const encours_calendar,
    date: i32,
    out: *mut bool,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let c = unsafe { cal(calendar) }?;
        let b = c.is_business_day(date_arg(date, "date")?);
        // SAFETY: checked non-NULL.
        unsafe { write(out, b) };
        Ok(())
    }
}

/// Whether `date` is a holiday (weekend day or not).
///
/// # Safety
/// `calendar` is a live handle; `out` points to a writable `bool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_calendar_is_holiday(
    calendar: *const encours_calendar,
    date: i32,
    out: *mut bool,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let c = unsafe { cal(calendar) }?;
        let b = c.is_holiday(date_arg(date, "date")?);
        // SAFETY: checked non-NULL.
        unsafe { write(out, b) };
        Ok(())
    }
}

/// `date` moved to a business day by `roll` (`ENCOURS_ROLL_*`).
/// `ENCOURS_INVALID_ARGUMENT` for an unknown roll; `ENCOURS_INVALID_DATE` when the
/// search leaves the supported dates; `ENCOURS_NO_BUSINESS_DAY`.
///
/// # Safety
/// `calendar` is a live handle; `out` points to a writable `int32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_calendar_roll(
    calendar: *const encours_calendar,
    date: i32,
    roll: u32,
    out: *mut i32,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let c = unsafe { cal(calendar) }?;
        let d = c.roll(date_arg(date, "date")?, roll_arg(roll)?)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, date_out(d)) };
        Ok(())
    }
}

/// `date` moved by `n` business days (`n > 0` forward, `n < 0` backward; `n == 0`
/// rolls forward to a business day). Errors as `encours_calendar_roll`.
///
/// # Safety
/// `calendar` is a live handle; `out` points to a writable `int32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_calendar_add_business_days(
    calendar: *const encours_calendar,
    date: i32,
    n: i32,
    out: *mut i32,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let c = unsafe { cal(calendar) }?;
        let d = c.add_business_days(date_arg(date, "date")?, n)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, date_out(d)) };
        Ok(())
    }
}

/// Business days in `[from, to)` (negative when `to < from`).
///
/// # Safety
/// `calendar` is a live handle; `out` points to a writable `int32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_calendar_business_days_between(
    calendar: *const encours_calendar,
    from: i32,
    to: i32,
    out: *mut i32,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let c = unsafe { cal(calendar) }?;
        let n = c.business_days_between(date_arg(from, "from")?, date_arg(to, "to")?)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, n) };
        Ok(())
    }
}

/// The holidays from `from` to `to` inclusive as a JSON array in the core's form
/// (`[{"date":"2025-05-01","name":"Labor Day"}, ...]`, sorted, one entry per date;
/// empty when `to < from`). `*out` owns the string (release with
/// `encours_string_free`).
///
/// # Safety
/// `calendar` is a live handle; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_calendar_holidays_json(
    calendar: *const encours_calendar,
    from: i32,
    to: i32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let c = unsafe { cal(calendar) }?;
        let list = c.holidays_between(date_arg(from, "from")?, date_arg(to, "to")?);
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&list)?, out, out_len) }
    }
}

/// What `date` is, with the reason, as JSON in the core's form:
/// `{"kind":"business_day"}`, `{"kind":"weekend","weekday":"saturday"}` or
/// `{"kind":"holiday","name":"Christmas Day"}`. `*out` owns the string.
///
/// # Safety
/// `calendar` is a live handle; `out` is writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_calendar_day_kind_json(
    calendar: *const encours_calendar,
    date: i32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let c = unsafe { cal(calendar) }?;
        let kind = c.day_kind(date_arg(date, "date")?);
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&kind)?, out, out_len) }
    }
}
