//! Money helpers: currencies, exact parsing and formatting, rounding, allocation.

use std::ffi::c_char;

use encours_core::money::{Money, Remainder, RoundingMode};
use rust_decimal::Decimal;

use crate::convert::{
    currency_arg, money_arg, money_out, slice_arg, str_arg, write, write_str_buf,
};
use crate::error::encours_status::*;
use crate::error::{Failure, encours_status};

/// An amount as an integer count of minor units of its currency.
///
/// `minor` is in units of 10^-`minor_units` of `currency`: `{123456, 2, "EUR"}` is
/// 1234.56 EUR, `{1500, 0, "JPY"}` is 1500 JPY. `currency` is the NUL-terminated
/// three-letter code.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct encours_money {
    /// The amount in minor units (cents for EUR).
    pub minor: i64,
    /// Decimals of the currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD).
    pub minor_units: u32,
    /// The currency code, NUL-terminated (`"EUR"`).
    pub currency: [c_char; 4],
}

/// Half away from zero (the commercial rule): 0.125 → 0.13.
pub const ENCOURS_ROUNDING_HALF_UP: u32 = 0;
/// Half to even (banker's rounding): 0.125 → 0.12.
pub const ENCOURS_ROUNDING_HALF_EVEN: u32 = 1;
/// Toward zero (truncate).
pub const ENCOURS_ROUNDING_DOWN: u32 = 2;
/// Away from zero.
pub const ENCOURS_ROUNDING_UP: u32 = 3;

/// Largest-remainder split: leftover minor units go to the largest fractional parts.
pub const ENCOURS_REMAINDER_LARGEST: u32 = 0;
/// Every part but the last is rounded down; the last takes the rest.
pub const ENCOURS_REMAINDER_ON_LAST: u32 = 1;
/// Every part but the first is rounded down; the first takes the rest.
pub const ENCOURS_REMAINDER_ON_FIRST: u32 = 2;

/// A buffer of this many bytes holds any amount `encours` formats (28 digits, a sign,
/// a decimal point and the NUL), so callers can size buffers once.
pub const ENCOURS_AMOUNT_BUFFER_SIZE: usize = 40;

pub(crate) fn rounding_arg(mode: u32) -> Result<RoundingMode, Failure> {
    match mode {
        ENCOURS_ROUNDING_HALF_UP => Ok(RoundingMode::HalfUp),
        ENCOURS_ROUNDING_HALF_EVEN => Ok(RoundingMode::HalfEven),
        ENCOURS_ROUNDING_DOWN => Ok(RoundingMode::Down),
        ENCOURS_ROUNDING_UP => Ok(RoundingMode::Up),
        other => Err(Failure::new(
            ENCOURS_INVALID_ARGUMENT,
            format!(
                "invalid rounding mode {other}: expected 0 (half up), 1 (half even), 2 (down) or 3 (up)"
            ),
        )),
    }
}

fn remainder_arg(remainder: u32) -> Result<Remainder, Failure> {
    match remainder {
        ENCOURS_REMAINDER_LARGEST => Ok(Remainder::LargestRemainder),
        ENCOURS_REMAINDER_ON_LAST => Ok(Remainder::OnLast),
        ENCOURS_REMAINDER_ON_FIRST => Ok(Remainder::OnFirst),
        other => Err(Failure::new(
            ENCOURS_INVALID_ARGUMENT,
            format!(
                "invalid remainder rule {other}: expected 0 (largest remainder), 1 (on last) or 2 (on first)"
            ),
        )),
    }
}

/// Copy the parts into the caller's array of `out_len` money structs.
///
/// # Safety
/// `out` points to `out_len` writable structs (checked non-NULL by the caller).
unsafe fn write_parts(
    parts: &[Money],
    out: *mut encours_money,
    out_len: usize,
) -> Result<(), Failure> {
    if out_len < parts.len() {
        return Err(Failure::new(
            ENCOURS_INSUFFICIENT_SIZE,
            format!(
                "output array of {out_len} elements is too small: {} needed",
                parts.len()
            ),
        ));
    }
    let converted = parts.iter().map(money_out).collect::<Result<Vec<_>, _>>()?;
    for (i, m) in converted.into_iter().enumerate() {
        // SAFETY: i < parts.len() <= out_len writable elements.
        unsafe { write(out.add(i), m) };
    }
    Ok(())
}

/// The number of decimals of an ISO 4217 currency (2 for `"EUR"`, 0 for `"JPY"`, 3
/// for `"KWD"`; the code is case-insensitive). `ENCOURS_INVALID_CURRENCY` for a code
/// that is not three letters, `ENCOURS_UNKNOWN_CURRENCY` for one encours does not
/// know. Thread-safe.
///
/// # Safety
/// `code` is a NUL-terminated string; `out_minor_units` points to a writable `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_currency_minor_units(
    code: *const c_char,
    out_minor_units: *mut u32,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out_minor_units);
        // SAFETY: NUL-terminated by contract.
        let c = unsafe { currency_arg(code, "code") }?;
        // SAFETY: checked non-NULL.
        unsafe { write(out_minor_units, c.minor_units()) };
        Ok(())
    }
}

/// Parse an exact decimal amount (`"1234.56"`, `"-3"`, surrounding spaces allowed; no
/// thousands separators, no exponent) in an ISO currency into minor units.
///
/// `ENCOURS_INVALID_AMOUNT` when the text is not an exact decimal or has digits below
/// the currency's minor unit (`"1.005"` in EUR: round it with `encours_money_round`);
/// `ENCOURS_OVERFLOW` when it does not fit in int64 minor units. Thread-safe.
///
/// # Safety
/// `text` and `currency` are NUL-terminated strings; `out` points to a writable struct.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_money_parse(
    text: *const c_char,
    currency: *const c_char,
    out: *mut encours_money,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: NUL-terminated by contract.
        let (text, c) = unsafe { (str_arg(text, "text")?, currency_arg(currency, "currency")?) };
        let m = money_out(&Money::parse(text, c)?)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, m) };
        Ok(())
    }
}

/// Write the exact decimal form of an amount (`"1234.56"`, `"-0.05"`, `"1500"`) into
/// `buf` (`buf_len` bytes, NUL-terminated), its length into `*out_len`.
/// `ENCOURS_AMOUNT_BUFFER_SIZE` bytes are always enough. `ENCOURS_INSUFFICIENT_SIZE`
/// writes only `*out_len` (the length needed). `ENCOURS_INVALID_CURRENCY` when
/// `minor_units` is above 8. The currency code is not read. Thread-safe.
///
/// # Safety
/// `money` points to a readable struct; `buf` to `buf_len` writable bytes; `out_len`
/// to a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_money_format(
    money: *const encours_money,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(money, buf, out_len);
        // SAFETY: non-NULL, readable by contract.
        let m = unsafe { &*money };
        if m.minor_units > 8 {
            return Err(Failure::new(
                ENCOURS_INVALID_CURRENCY,
                format!("invalid money.minor_units {}: expected 0 to 8", m.minor_units),
            ));
        }
        let text = Decimal::new(m.minor, m.minor_units).to_string();
        // SAFETY: checked non-NULL; sizes by contract.
        unsafe { write_str_buf(&text, buf, buf_len, out_len) }
    }
}

/// Round an exact decimal amount (`"0.125"`) to the minor unit of an ISO currency
/// with a rounding mode (`ENCOURS_ROUNDING_*`). `ENCOURS_INVALID_ARGUMENT` for an
/// unknown mode, `ENCOURS_INVALID_AMOUNT` for text that is not an exact decimal,
/// `ENCOURS_OVERFLOW` when the result does not fit in int64 minor units. Thread-safe.
///
/// # Safety
/// `text` and `currency` are NUL-terminated strings; `out` points to a writable struct.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_money_round(
    text: *const c_char,
    currency: *const c_char,
    mode: u32,
    out: *mut encours_money,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        let mode = rounding_arg(mode)?;
        // SAFETY: NUL-terminated by contract.
        let (text, c) = unsafe { (str_arg(text, "text")?, currency_arg(currency, "currency")?) };
        let m = money_out(&Money::parse(text, c)?.round(mode))?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, m) };
        Ok(())
    }
}

/// Split `total_minor` (minor units of `currency`) into `n_weights` parts proportional
/// to `weights`, written to `out[0..n_weights]`. The parts add back to the total to the
/// minor unit; `remainder` (`ENCOURS_REMAINDER_*`) says where leftover units go.
///
/// `ENCOURS_INVALID_ARGUMENT` for no weights, weights summing to zero, or an unknown
/// remainder rule; `ENCOURS_INSUFFICIENT_SIZE` when `out_len < n_weights` (nothing is
/// written). Thread-safe.
///
/// # Safety
/// `weights` points to `n_weights` readable `uint64_t`; `currency` is NUL-terminated;
/// `out` points to `out_len` writable structs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_money_allocate(
    total_minor: i64,
    currency: *const c_char,
    weights: *const u64,
    n_weights: usize,
    remainder: u32,
    out: *mut encours_money,
    out_len: usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(weights, out);
        let remainder = remainder_arg(remainder)?;
        // SAFETY: NUL-terminated / n_weights readable elements by contract.
        let (total, weights) = unsafe {
            (money_arg(total_minor, currency, "total")?, slice_arg(weights, n_weights, "weights")?)
        };
        let ratios: Vec<Decimal> = weights.iter().map(|w| Decimal::from(*w)).collect();
        let parts = total.allocate(&ratios, remainder)?;
        // SAFETY: out checked non-NULL, out_len writable elements by contract.
        unsafe { write_parts(&parts, out, out_len) }
    }
}

/// Split `total_minor` (minor units of `currency`) into `parts` near-equal parts
/// written to `out[0..parts]`, adding back to the total; `remainder`
/// (`ENCOURS_REMAINDER_*`) says where leftover units go. `ENCOURS_INVALID_ARGUMENT`
/// for zero parts or an unknown rule; `ENCOURS_INSUFFICIENT_SIZE` when
/// `out_len < parts`. Thread-safe.
///
/// # Safety
/// `currency` is NUL-terminated; `out` points to `out_len` writable structs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_money_split(
    total_minor: i64,
    currency: *const c_char,
    parts: usize,
    remainder: u32,
    out: *mut encours_money,
    out_len: usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        let remainder = remainder_arg(remainder)?;
        // SAFETY: NUL-terminated by contract.
        let total = unsafe { money_arg(total_minor, currency, "total")? };
        if out_len < parts {
            return Err(Failure::new(
                ENCOURS_INSUFFICIENT_SIZE,
                format!("output array of {out_len} elements is too small: {parts} needed"),
            ));
        }
        let split = total.split(parts, remainder)?;
        // SAFETY: out non-NULL with out_len >= parts writable elements.
        unsafe { write_parts(&split, out, out_len) }
    }
}
