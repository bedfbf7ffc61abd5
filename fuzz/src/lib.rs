//! What the fuzz targets share: dates from fuzz bytes, and the checks every target
//! makes on what it gets back (a value that round-trips through its JSON form).
//!
//! The targets use only the public API of `encours-core` (and the C layer's exported
//! functions), so a change of internals, such as the ledger's storage, does not
//! break them.

use chrono::{Days, NaiveDate};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A day in a window that starts on 2020-01-01: fuzz inputs spend their bytes on
/// shapes, not on finding valid dates.
pub fn day(offset: u16) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or(NaiveDate::MIN);
    start
        .checked_add_days(Days::new(u64::from(offset % 4000)))
        .unwrap_or(start)
}

/// A date anywhere chrono can represent, extremes included (year -262143 to 262142),
/// from an arbitrary number of days since 1970-01-01.
pub fn any_day(days: i32) -> NaiveDate {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
    let d = i64::from(days);
    let moved = if d >= 0 {
        epoch.checked_add_days(Days::new(d.unsigned_abs()))
    } else {
        epoch.checked_sub_days(Days::new(d.unsigned_abs()))
    };
    moved.unwrap_or(if d >= 0 {
        NaiveDate::MAX
    } else {
        NaiveDate::MIN
    })
}

/// Serialize `value`, read it back, and check the result is equal: every type the
/// engine writes must read back to itself (the C layer, the Python pickles and the
/// command's files all rely on it).
pub fn assert_json_round_trip<T>(value: &T, what: &str)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = match serde_json::to_string(value) {
        Ok(j) => j,
        Err(e) => panic!("{what} does not serialize: {e}\nvalue: {value:?}"),
    };
    let back: T = match serde_json::from_str(&json) {
        Ok(b) => b,
        Err(e) => panic!("{what} does not read back its own JSON: {e}\njson: {json}"),
    };
    assert_eq!(&back, value, "{what} changed through JSON: {json}");
}
