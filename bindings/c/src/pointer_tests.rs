//! The pointer paths of the boundary, called as C calls them, for Miri
//! (`scripts/miri.sh`): arguments read through raw pointers and lengths, outputs
//! written into caller buffers and arrays of every size around the one needed, strings
//! handed out and freed. Miri reports any read or write out of bounds, any use after
//! free and any leak; the C tests check the same paths under valgrind and ASan.

use std::ffi::{CStr, c_char};
use std::ptr;

use crate::convert::encours_string_free;
use crate::error::encours_status::{self, *};
use crate::*;

const LEDGER: &str = r#"{"customers":[{"id":"C1","name":"A","currency":"EUR"}],
"items":[{"id":"F1","customer_id":"C1","kind":"invoice","issue_date":"2024-01-10",
"due_date":"2024-02-09","amount":{"amount":"100.00","currency":"EUR"}}],
"payments":[{"id":"P1","customer_id":"C1","date":"2024-02-01",
"amount":{"amount":"40.00","currency":"EUR"}}]}"#;

/// 2024-02-01 as days since 1970-01-01.
const FEB_1: i32 = 19_754;

fn last_error() -> String {
    let mut buf = [0 as c_char; 512];
    let mut len = 0;
    // SAFETY: a buffer of its length, a writable length.
    let status = unsafe { encours_last_error_copy(buf.as_mut_ptr(), buf.len(), &mut len) };
    assert_eq!(status, ENCOURS_OK);
    // SAFETY: NUL-terminated by the call.
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

fn ledger() -> *mut encours_ledger {
    let mut l = ptr::null_mut();
    // SAFETY: the text and its length; a writable handle.
    let status = unsafe { encours_ledger_from_json(LEDGER.as_ptr().cast(), LEDGER.len(), &mut l) };
    assert_eq!(status, ENCOURS_OK, "{}", last_error());
    l
}

#[test]
fn json_arguments_are_read_within_their_length() {
    // Only the first `len` bytes count: the rest of the buffer is not read.
    let mut padded = LEDGER.as_bytes().to_vec();
    padded.extend_from_slice(b"}}} not JSON");
    let mut l = ptr::null_mut();
    // SAFETY: the buffer holds at least LEDGER.len() bytes.
    let status = unsafe { encours_ledger_from_json(padded.as_ptr().cast(), LEDGER.len(), &mut l) };
    assert_eq!(status, ENCOURS_OK, "{}", last_error());
    // SAFETY: a live handle, freed once.
    unsafe { encours_ledger_free(l) };

    let mut l = ptr::null_mut();
    // SAFETY: NULL with a length is refused before any read.
    let status = unsafe { encours_ledger_from_json(ptr::null(), 10, &mut l) };
    assert_eq!(status, ENCOURS_NULL_ARGUMENT);
    assert!(l.is_null());
    let bad = [b'{', 0xff, b'}'];
    // SAFETY: three readable bytes.
    let status = unsafe { encours_ledger_from_json(bad.as_ptr().cast(), bad.len(), &mut l) };
    assert_eq!(status, ENCOURS_INVALID_UTF8);
    assert!(l.is_null());
}

#[test]
fn strings_handed_out_are_freed_whole() {
    let l = ledger();
    let (mut s, mut n) = (ptr::null_mut(), 0usize);
    // SAFETY: a live handle, writable outputs.
    assert_eq!(
        unsafe { encours_ledger_to_json(l, &mut s, &mut n) },
        ENCOURS_OK
    );
    // SAFETY: a NUL-terminated string from the library.
    let text = unsafe { CStr::from_ptr(s) }.to_str().map(str::to_owned);
    assert_eq!(text.as_ref().map(String::len), Ok(n));
    assert!(text.is_ok_and(|t| t.starts_with("{\"customers\":[{\"id\":\"C1\"")));
    // SAFETY: the library's string and handle, freed once; NULL is a no-op.
    unsafe {
        encours_string_free(s);
        encours_string_free(ptr::null_mut());
        encours_ledger_free(l);
        encours_ledger_free(ptr::null_mut());
    }
}

#[test]
fn caller_buffers_are_written_only_within_their_size() {
    let l = ledger();
    // "C1" needs 3 bytes with its NUL: 2 is too small, 3 fits.
    for (size, expected) in [
        (0, ENCOURS_INSUFFICIENT_SIZE),
        (2, ENCOURS_INSUFFICIENT_SIZE),
        (3, ENCOURS_OK),
    ] {
        // Exactly `size` bytes, so Miri sees any write past them.
        let mut buf = vec![b'#' as c_char; size];
        let mut len = 0;
        let ptr_ = if size == 0 {
            ptr::NonNull::dangling().as_ptr()
        } else {
            buf.as_mut_ptr()
        };
        // SAFETY: `size` writable bytes (none for 0: the pointer is never written).
        let status = unsafe { encours_ledger_customer_id(l, 0, ptr_, size, &mut len) };
        assert_eq!(status, expected, "buffer of {size}");
        assert_eq!(len, 2, "the length needed, whatever the buffer");
        if status == ENCOURS_OK {
            assert_eq!(buf, [b'C' as c_char, b'1' as c_char, 0]);
        } else {
            assert!(
                buf.iter().all(|&c| c == b'#' as c_char),
                "a too-small buffer was written"
            );
        }
    }
    // SAFETY: a live handle, freed once.
    unsafe { encours_ledger_free(l) };
}

#[test]
fn output_arrays_are_written_only_within_their_length() {
    let eur = c"EUR";
    let weights = [1u64, 1, 1];
    for (len, expected) in [(2usize, ENCOURS_INSUFFICIENT_SIZE), (3, ENCOURS_OK)] {
        // SAFETY: a zeroed struct of integers is valid.
        let mut out = vec![unsafe { std::mem::zeroed::<encours_money>() }; len];
        // SAFETY: three weights, `len` writable structs.
        let status = unsafe {
            encours_money_allocate(
                100,
                eur.as_ptr(),
                weights.as_ptr(),
                weights.len(),
                ENCOURS_REMAINDER_LARGEST,
                out.as_mut_ptr(),
                len,
            )
        };
        assert_eq!(status, expected);
        let minors: Vec<i64> = out.iter().map(|m| m.minor).collect();
        if status == ENCOURS_OK {
            assert_eq!(minors.iter().sum::<i64>(), 100);
        } else {
            assert_eq!(minors, [0, 0], "a too-short array was written");
        }
    }
    // NULL weights with a count are refused before any read.
    // SAFETY: NULL is checked.
    let mut out = [unsafe { std::mem::zeroed::<encours_money>() }; 1];
    let status = unsafe {
        encours_money_allocate(
            100,
            eur.as_ptr(),
            ptr::null(),
            3,
            ENCOURS_REMAINDER_LARGEST,
            out.as_mut_ptr(),
            1,
        )
    };
    assert_eq!(status, ENCOURS_NULL_ARGUMENT);
}

#[test]
fn records_are_read_through_their_pointers() {
    let (id, name, eur, f1, p1) = (c"C1", c"A", c"EUR", c"F1", c"P1");
    let customers = [encours_customer_rec {
        id: id.as_ptr(),
        name: name.as_ptr(),
        currency: eur.as_ptr(),
        segment: ptr::null(),
        parent: ptr::null(),
        country: ptr::null(),
        payment_terms: ptr::null(),
        calendar: ptr::null(),
        has_credit_limit: 0,
        credit_limit_minor: 0,
    }];
    let items = [encours_item_rec {
        id: f1.as_ptr(),
        customer_id: id.as_ptr(),
        kind: ENCOURS_ITEM_INVOICE,
        issue_date: FEB_1 - 20,
        due_date: FEB_1 + 10,
        amount_minor: 10_000,
        currency: eur.as_ptr(),
        reference: ptr::null(),
    }];
    let payments = [encours_payment_rec {
        id: p1.as_ptr(),
        customer_id: id.as_ptr(),
        date: FEB_1,
        amount_minor: 4_000,
        currency: eur.as_ptr(),
        reference: ptr::null(),
    }];
    let mut l = ptr::null_mut();
    // SAFETY: arrays of their counts, NUL-terminated strings; no applications.
    let status = unsafe {
        encours_ledger_from_records(
            customers.as_ptr(),
            1,
            items.as_ptr(),
            1,
            payments.as_ptr(),
            1,
            ptr::null(),
            0,
            &mut l,
        )
    };
    assert_eq!(status, ENCOURS_OK, "{}", last_error());
    // SAFETY: a live handle; NUL-terminated ids; writable outputs.
    unsafe {
        assert_eq!(
            encours_ledger_apply_payment(l, p1.as_ptr(), f1.as_ptr(), 4_000, eur.as_ptr(), FEB_1),
            ENCOURS_OK
        );
        let mut open = std::mem::zeroed::<encours_money>();
        assert_eq!(
            encours_ledger_open_amount(l, f1.as_ptr(), FEB_1, &mut open),
            ENCOURS_OK
        );
        assert_eq!((open.minor, open.minor_units), (6_000, 2));
        encours_ledger_free(l);
    }
    // A NULL array with a count is refused.
    let mut l = ptr::null_mut();
    // SAFETY: NULL is checked.
    let status: encours_status = unsafe {
        encours_ledger_from_records(
            customers.as_ptr(),
            1,
            ptr::null(),
            1,
            ptr::null(),
            0,
            ptr::null(),
            0,
            &mut l,
        )
    };
    assert_eq!(status, ENCOURS_NULL_ARGUMENT);
    assert!(l.is_null());
}
