//! Status codes, the thread-local last error, and the two macros every function uses:
//! the panic boundary and the NULL check.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};

use encours_core::Error;
use encours_core::calendar::CalendarError;
use encours_core::config::ConfigError;
use encours_core::dunning::DunningError;
use encours_core::interest::InterestError;
use encours_core::ledger::LedgerError;
#[cfg(feature = "letters")]
use encours_core::letters::LetterError;
use encours_core::metrics::ReportError;
use encours_core::money::MoneyError;
use encours_core::plans::PlanError;
use encours_core::terms::TermsError;
// Risk scoring and credit limits (issue 12).
use encours_core::limits::LimitError;
use encours_core::risk::RiskError;

/// The result of every fallible function: `ENCOURS_OK` (0) or the kind of failure.
///
/// In C this is `typedef uint32_t encours_status`. The numbers are part of the ABI:
/// once published a number keeps its meaning and is never reused; new kinds get new
/// numbers. `encours_last_error()` gives the message of the failure.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum encours_status {
    /// Success.
    ENCOURS_OK = 0,
    /// A required pointer argument was NULL (the message names it).
    ENCOURS_NULL_ARGUMENT = 1,
    /// A string argument is not valid UTF-8.
    ENCOURS_INVALID_UTF8 = 2,
    /// A JSON document is malformed or does not have the expected shape or values.
    ENCOURS_INVALID_JSON = 3,
    /// A date is impossible or outside the supported range (argument or result).
    ENCOURS_INVALID_DATE = 4,
    /// A well-formed currency code that is not a known ISO 4217 currency.
    ENCOURS_UNKNOWN_CURRENCY = 5,
    /// A currency code that is not three ASCII letters, or bad minor units.
    ENCOURS_INVALID_CURRENCY = 6,
    /// An amount that is not an exact decimal, not positive where it must be, or has
    /// digits below the currency's minor unit where none are allowed.
    ENCOURS_INVALID_AMOUNT = 7,
    /// Two amounts in different currencies were combined.
    ENCOURS_CURRENCY_MISMATCH = 8,
    /// A result does not fit (decimal overflow, or not representable as int64 minor units).
    ENCOURS_OVERFLOW = 9,
    /// A caller buffer or array is too small (the message gives the size needed).
    ENCOURS_INSUFFICIENT_SIZE = 10,
    /// A customer, item, payment, scenario or other id that does not exist.
    ENCOURS_NOT_FOUND = 11,
    /// An argument outside its allowed values (an unknown enumeration value, zero parts…).
    ENCOURS_INVALID_ARGUMENT = 12,
    /// Ledger data that breaks a ledger rule (duplicate id, wrong currency, application
    /// before its payment, parent cycle…).
    ENCOURS_LEDGER_INVALID = 13,
    /// Text that could not be parsed (payment terms, a date string).
    ENCOURS_PARSE_ERROR = 14,
    /// An internal error (a Rust panic) was caught; please report it with the message.
    ENCOURS_PANIC = 15,
    /// An application of more than is open on the item or left on the payment.
    ENCOURS_OVER_APPLICATION = 16,
    /// A calendar code that is not a built-in calendar.
    ENCOURS_UNKNOWN_CALENDAR = 17,
    /// A calendar definition that breaks a rule (bad month, empty name, no working day…).
    ENCOURS_CALENDAR_INVALID = 18,
    /// A business-day search met ten years without a business day.
    ENCOURS_NO_BUSINESS_DAY = 19,
    /// A needed rate is not available: no exchange rate for a pair, no reference rate
    /// for a date, a rate table not verified for the date, an unknown rate table.
    ENCOURS_RATE_UNAVAILABLE = 20,
    /// An interest rule or rate table with an unusable value.
    ENCOURS_INTEREST_INVALID = 21,
    /// A dunning configuration that breaks a rule.
    ENCOURS_DUNNING_INVALID = 22,
    /// Payment terms or a due schedule that cannot be built.
    ENCOURS_TERMS_INVALID = 23,
    /// An aging or metrics computation that cannot be made from its inputs.
    ENCOURS_REPORT_INVALID = 24,
    /// An error kind added to the core after this version of the C layer; the message
    /// says what it is.
    ENCOURS_OTHER_ERROR = 25,
    /// A letter template that does not compile (the message names its key and language
    /// and gives the template engine's reason).
    ENCOURS_TEMPLATE_INVALID = 26,
    /// No letter template for an action: neither its step's key nor its channel's
    /// default key has one in the language asked for.
    ENCOURS_TEMPLATE_MISSING = 27,
    /// A letter template compiled but failed while rendering (an unknown filter, a bad
    /// value given to one…).
    ENCOURS_TEMPLATE_RENDER_FAILED = 28,
    /// The function belongs to a part of the library left out of this build (letters
    /// without the `letters` cargo feature).
    ENCOURS_UNSUPPORTED = 29,
    /// A configuration document (dunning configuration, promises, rate tables,
    /// calendar, history…) names a key or a value the engine does not know; the
    /// message gives the path and the closest known key.
    ENCOURS_UNKNOWN_KEY = 45,
    // Risk scoring and credit limits (issue 12): numbers 50–59.
    /// A risk configuration, provider scale, financial statement or score that breaks a
    /// rule (weights not adding up to 1, overlapping bins, negative total assets…).
    ENCOURS_RISK_INVALID = 50,
    /// A credit limit, exposure record, check option or credit event that breaks a rule
    /// (negative limit, validity ending before it starts, repeated id, over-application).
    ENCOURS_LIMIT_INVALID = 51,
    /// Payment-plan terms, rules or payments with a field that cannot be used (zero
    /// instalments, a down payment above the balance, a day of month above 31, custom
    /// dates not increasing, a schedule past its maximum length…): the message names
    /// the field and the value.
    ENCOURS_PLAN_INVALID_TERMS = 60,
    /// A payment plan given back that does not hold together (amounts not adding up,
    /// dates not increasing, allocations not covering the items): the message names the
    /// field.
    ENCOURS_PLAN_INVALID = 61,
    /// Nothing to put in a payment plan (no open debit, everything disputed).
    ENCOURS_PLAN_NOTHING_TO_PLAN = 62,
    /// An item of another customer than the plan's.
    ENCOURS_PLAN_FOREIGN_ITEM = 63,
}

use encours_status::*;

/// Every status with its C name, in number order (the source of `encours_status_name`).
const STATUS_NAMES: &[(encours_status, &CStr)] = &[
    (ENCOURS_OK, c"ENCOURS_OK"),
    (ENCOURS_NULL_ARGUMENT, c"ENCOURS_NULL_ARGUMENT"),
    (ENCOURS_INVALID_UTF8, c"ENCOURS_INVALID_UTF8"),
    (ENCOURS_INVALID_JSON, c"ENCOURS_INVALID_JSON"),
    (ENCOURS_INVALID_DATE, c"ENCOURS_INVALID_DATE"),
    (ENCOURS_UNKNOWN_CURRENCY, c"ENCOURS_UNKNOWN_CURRENCY"),
    (ENCOURS_INVALID_CURRENCY, c"ENCOURS_INVALID_CURRENCY"),
    (ENCOURS_INVALID_AMOUNT, c"ENCOURS_INVALID_AMOUNT"),
    (ENCOURS_CURRENCY_MISMATCH, c"ENCOURS_CURRENCY_MISMATCH"),
    (ENCOURS_OVERFLOW, c"ENCOURS_OVERFLOW"),
    (ENCOURS_INSUFFICIENT_SIZE, c"ENCOURS_INSUFFICIENT_SIZE"),
    (ENCOURS_NOT_FOUND, c"ENCOURS_NOT_FOUND"),
    (ENCOURS_INVALID_ARGUMENT, c"ENCOURS_INVALID_ARGUMENT"),
    (ENCOURS_LEDGER_INVALID, c"ENCOURS_LEDGER_INVALID"),
    (ENCOURS_PARSE_ERROR, c"ENCOURS_PARSE_ERROR"),
    (ENCOURS_PANIC, c"ENCOURS_PANIC"),
    (ENCOURS_OVER_APPLICATION, c"ENCOURS_OVER_APPLICATION"),
    (ENCOURS_UNKNOWN_CALENDAR, c"ENCOURS_UNKNOWN_CALENDAR"),
    (ENCOURS_CALENDAR_INVALID, c"ENCOURS_CALENDAR_INVALID"),
    (ENCOURS_NO_BUSINESS_DAY, c"ENCOURS_NO_BUSINESS_DAY"),
    (ENCOURS_RATE_UNAVAILABLE, c"ENCOURS_RATE_UNAVAILABLE"),
    (ENCOURS_INTEREST_INVALID, c"ENCOURS_INTEREST_INVALID"),
    (ENCOURS_DUNNING_INVALID, c"ENCOURS_DUNNING_INVALID"),
    (ENCOURS_TERMS_INVALID, c"ENCOURS_TERMS_INVALID"),
    (ENCOURS_REPORT_INVALID, c"ENCOURS_REPORT_INVALID"),
    (ENCOURS_OTHER_ERROR, c"ENCOURS_OTHER_ERROR"),
    (ENCOURS_TEMPLATE_INVALID, c"ENCOURS_TEMPLATE_INVALID"),
    (ENCOURS_TEMPLATE_MISSING, c"ENCOURS_TEMPLATE_MISSING"),
    (
        ENCOURS_TEMPLATE_RENDER_FAILED,
        c"ENCOURS_TEMPLATE_RENDER_FAILED",
    ),
    (ENCOURS_UNSUPPORTED, c"ENCOURS_UNSUPPORTED"),
    (ENCOURS_UNKNOWN_KEY, c"ENCOURS_UNKNOWN_KEY"),
    // Risk scoring and credit limits (issue 12).
    (ENCOURS_RISK_INVALID, c"ENCOURS_RISK_INVALID"),
    (ENCOURS_LIMIT_INVALID, c"ENCOURS_LIMIT_INVALID"),
    (ENCOURS_PLAN_INVALID_TERMS, c"ENCOURS_PLAN_INVALID_TERMS"),
    (ENCOURS_PLAN_INVALID, c"ENCOURS_PLAN_INVALID"),
    (
        ENCOURS_PLAN_NOTHING_TO_PLAN,
        c"ENCOURS_PLAN_NOTHING_TO_PLAN",
    ),
    (ENCOURS_PLAN_FOREIGN_ITEM, c"ENCOURS_PLAN_FOREIGN_ITEM"),
];

/// The status of a core error: the one place core errors meet C status numbers.
///
/// The core's error enums are `#[non_exhaustive]`, so each match needs a fallback arm;
/// every variant that exists today is listed by name above its fallback, and the
/// `status_of_covers_every_variant` test builds one of each.
pub(crate) fn status_of(err: &Error) -> encours_status {
    match err {
        Error::Money(e) => money_status(e),
        Error::Calendar(e) => calendar_status(e),
        Error::Terms(e) => terms_status(e),
        Error::Ledger(e) => ledger_status(e),
        Error::Report(e) => report_status(e),
        Error::Interest(e) => interest_status(e),
        Error::Dunning(e) => dunning_status(e),
        Error::Config(e) => config_status(e.as_ref()),
        Error::Risk(e) => risk_status(e),
        Error::Limit(e) => limit_status(e),
        Error::Plan(e) => plan_status(e),
        // The variant exists only when the core is built with letters.
        #[cfg(feature = "letters")]
        Error::Letter(e) => letter_status(e),
        _ => ENCOURS_OTHER_ERROR,
    }
}

fn money_status(e: &MoneyError) -> encours_status {
    match e {
        MoneyError::InvalidCurrencyCode { .. } => ENCOURS_INVALID_CURRENCY,
        MoneyError::UnknownCurrency { .. } => ENCOURS_UNKNOWN_CURRENCY,
        MoneyError::InvalidMinorUnits { .. } => ENCOURS_INVALID_CURRENCY,
        MoneyError::CurrencyMismatch { .. } => ENCOURS_CURRENCY_MISMATCH,
        MoneyError::Overflow { .. } => ENCOURS_OVERFLOW,
        MoneyError::InvalidAmount { .. } => ENCOURS_INVALID_AMOUNT,
        MoneyError::InvalidRatios { .. } => ENCOURS_INVALID_ARGUMENT,
        MoneyError::InvalidParts { .. } => ENCOURS_INVALID_ARGUMENT,
        MoneyError::MissingRate { .. } => ENCOURS_RATE_UNAVAILABLE,
        MoneyError::InvalidRate { .. } => ENCOURS_INVALID_ARGUMENT,
        _ => ENCOURS_OTHER_ERROR,
    }
}

fn calendar_status(e: &CalendarError) -> encours_status {
    match e {
        CalendarError::UnknownCalendar { .. } => ENCOURS_UNKNOWN_CALENDAR,
        CalendarError::InvalidMonth { .. }
        | CalendarError::InvalidDay { .. }
        | CalendarError::InvalidNth { .. }
        | CalendarError::InvalidEasterOffset { .. }
        | CalendarError::InvalidValidity { .. }
        | CalendarError::EmptyName { .. }
        | CalendarError::NoWorkingWeekday { .. } => ENCOURS_CALENDAR_INVALID,
        CalendarError::NoBusinessDay { .. } => ENCOURS_NO_BUSINESS_DAY,
        CalendarError::DateOutOfRange { .. } | CalendarError::YearOutOfRange { .. } => {
            ENCOURS_INVALID_DATE
        }
        _ => ENCOURS_OTHER_ERROR,
    }
}

fn terms_status(e: &TermsError) -> encours_status {
    match e {
        TermsError::UnexpectedToken { .. } | TermsError::UnexpectedEnd { .. } => {
            ENCOURS_PARSE_ERROR
        }
        TermsError::NoLines
        | TermsError::InvalidShare { .. }
        | TermsError::SharesNotHundred { .. }
        | TermsError::NoBalanceLeft { .. }
        | TermsError::InvalidDiscount { .. }
        | TermsError::InvalidDayOfMonth { .. } => ENCOURS_TERMS_INVALID,
        TermsError::DateOutOfRange { .. } => ENCOURS_INVALID_DATE,
        TermsError::AmountNotInMinorUnits { .. } => ENCOURS_INVALID_AMOUNT,
        TermsError::Money(m) => money_status(m),
        _ => ENCOURS_OTHER_ERROR,
    }
}

fn ledger_status(e: &LedgerError) -> encours_status {
    match e {
        LedgerError::DuplicateId { .. } => ENCOURS_LEDGER_INVALID,
        LedgerError::Unknown { .. } => ENCOURS_NOT_FOUND,
        LedgerError::InvalidField { .. } => ENCOURS_LEDGER_INVALID,
        LedgerError::OverApplication { .. } => ENCOURS_OVER_APPLICATION,
        LedgerError::ParentCycle { .. } => ENCOURS_LEDGER_INVALID,
        LedgerError::Money(m) => money_status(m),
        _ => ENCOURS_OTHER_ERROR,
    }
}

fn report_status(e: &ReportError) -> encours_status {
    match e {
        ReportError::InvalidConfig { .. } => ENCOURS_REPORT_INVALID,
        ReportError::DateOutOfRange { .. } => ENCOURS_INVALID_DATE,
        ReportError::Money(m) => money_status(m),
        _ => ENCOURS_OTHER_ERROR,
    }
}

fn interest_status(e: &InterestError) -> encours_status {
    match e {
        InterestError::InvalidRateTable { .. } => ENCOURS_INTEREST_INVALID,
        InterestError::RateNotCovered { .. }
        | InterestError::RateNotVerified { .. }
        | InterestError::UnknownRateTable { .. } => ENCOURS_RATE_UNAVAILABLE,
        InterestError::NegativePrincipal { .. } | InterestError::InvalidDebt { .. } => {
            ENCOURS_INVALID_AMOUNT
        }
        InterestError::IndemnityCurrency { .. } => ENCOURS_CURRENCY_MISMATCH,
        InterestError::InvalidRule { .. } => ENCOURS_INTEREST_INVALID,
        InterestError::DateOutOfRange { .. } => ENCOURS_INVALID_DATE,
        InterestError::Money(m) => money_status(m),
        _ => ENCOURS_OTHER_ERROR,
    }
}

fn dunning_status(e: &DunningError) -> encours_status {
    match e {
        DunningError::InvalidConfig { .. } | DunningError::InvalidPromise { .. } => {
            ENCOURS_DUNNING_INVALID
        }
        DunningError::UnknownScenario { .. } => ENCOURS_NOT_FOUND,
        DunningError::DateOutOfRange { .. } => ENCOURS_INVALID_DATE,
        DunningError::Calendar { source, .. } => calendar_status(source),
        DunningError::Money(m) => money_status(m),
        _ => ENCOURS_OTHER_ERROR,
    }
}

fn config_status(e: &ConfigError) -> encours_status {
    match e {
        ConfigError::UnknownKey { .. } | ConfigError::UnknownValue { .. } => ENCOURS_UNKNOWN_KEY,
        ConfigError::Invalid { .. } => ENCOURS_INVALID_JSON,
        _ => ENCOURS_OTHER_ERROR,
    }
}

fn risk_status(e: &RiskError) -> encours_status {
    match e {
        RiskError::InvalidConfig { .. }
        | RiskError::InvalidStatement { .. }
        | RiskError::InvalidScore { .. } => ENCOURS_RISK_INVALID,
        RiskError::UnknownCustomer { .. } => ENCOURS_NOT_FOUND,
        RiskError::Money(m) => money_status(m),
        _ => ENCOURS_OTHER_ERROR,
    }
}

fn limit_status(e: &LimitError) -> encours_status {
    match e {
        LimitError::Invalid { .. } | LimitError::Duplicate { .. } => ENCOURS_LIMIT_INVALID,
        LimitError::Unknown { .. } => ENCOURS_NOT_FOUND,
        LimitError::Money(m) => money_status(m),
        LimitError::Risk(r) => risk_status(r),
        _ => ENCOURS_OTHER_ERROR,
    }
}

fn plan_status(e: &PlanError) -> encours_status {
    match e {
        PlanError::InvalidField { .. } => ENCOURS_PLAN_INVALID_TERMS,
        PlanError::InvalidPlan { .. } => ENCOURS_PLAN_INVALID,
        PlanError::NothingToPlan { .. } => ENCOURS_PLAN_NOTHING_TO_PLAN,
        PlanError::ItemOfAnotherCustomer { .. } => ENCOURS_PLAN_FOREIGN_ITEM,
        PlanError::UnknownCustomer { .. } | PlanError::UnknownItem { .. } => ENCOURS_NOT_FOUND,
        PlanError::Calendar { source, .. } => calendar_status(source),
        PlanError::Money(m) => money_status(m),
        _ => ENCOURS_OTHER_ERROR,
    }
}

#[cfg(feature = "letters")]
fn letter_status(e: &LetterError) -> encours_status {
    match e {
        LetterError::InvalidTemplate { .. } => ENCOURS_TEMPLATE_INVALID,
        LetterError::MissingTemplate { .. } => ENCOURS_TEMPLATE_MISSING,
        LetterError::Render { .. } => ENCOURS_TEMPLATE_RENDER_FAILED,
        _ => ENCOURS_OTHER_ERROR,
    }
}

/// A failed call: the status to return and the message for `encours_last_error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) status: encours_status,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(status: encours_status, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn null(argument: &str) -> Failure {
        Failure::new(
            ENCOURS_NULL_ARGUMENT,
            format!("argument {argument} is NULL: expected a valid pointer"),
        )
    }

    /// The same failure with `what: ` in front of the message (which record, which field).
    pub(crate) fn context(self, what: impl std::fmt::Display) -> Failure {
        Failure {
            status: self.status,
            message: format!("{what}: {}", self.message),
        }
    }
}

impl<E: Into<Error>> From<E> for Failure {
    fn from(e: E) -> Failure {
        let err: Error = e.into();
        Failure::new(status_of(&err), err.to_string())
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

fn set_last_error(message: &str) {
    // A message can quote caller text holding a NUL (from JSON "\u0000"): escape it so
    // the whole message survives as a C string.
    let text = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = Some(text));
}

/// Forget the previous failure: called on entry of every function returning a status.
pub(crate) fn clear_last_error() {
    LAST_ERROR.with(|e| *e.borrow_mut() = None);
}

/// Record `failure` for `encours_last_error` and give its status.
pub(crate) fn record(failure: Failure) -> encours_status {
    set_last_error(&failure.message);
    failure.status
}

/// Record a caught panic and give `ENCOURS_PANIC`.
pub(crate) fn record_panic(payload: Box<dyn Any + Send>) -> encours_status {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown payload".to_owned());
    set_last_error(&format!(
        "internal error: a panic was caught at the C boundary ({what}); please report it"
    ));
    ENCOURS_PANIC
}

/// What a value-returning function gives back when it panics.
pub(crate) trait PanicValue {
    fn panic_value() -> Self;
}

impl PanicValue for () {
    fn panic_value() -> Self {}
}

impl PanicValue for usize {
    fn panic_value() -> Self {
        0
    }
}

impl PanicValue for u32 {
    fn panic_value() -> Self {
        0
    }
}

impl PanicValue for *const c_char {
    fn panic_value() -> Self {
        c"".as_ptr()
    }
}

/// The panic boundary. Every `extern "C"` function's body is exactly one invocation:
///
/// - `ffi_boundary! { status; ... }`: the body evaluates to `Result<(), Failure>` (so
///   `?` works); the function returns `ENCOURS_OK`, the failure's status (recorded for
///   `encours_last_error`), or `ENCOURS_PANIC`. The last error is cleared on entry.
/// - `ffi_boundary! { value; ... }`: the body evaluates to the return value; a panic
///   returns the type's [`PanicValue`] and records the message.
macro_rules! ffi_boundary {
    (status; $($body:tt)*) => {{
        $crate::error::clear_last_error();
        let run = || -> ::std::result::Result<(), $crate::error::Failure> { $($body)* };
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(run)) {
            Ok(Ok(())) => $crate::error::encours_status::ENCOURS_OK,
            Ok(Err(failure)) => $crate::error::record(failure),
            Err(payload) => $crate::error::record_panic(payload),
        }
    }};
    (value; $($body:tt)*) => {{
        let run = || { $($body)* };
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(run)) {
            Ok(v) => v,
            Err(payload) => {
                $crate::error::record_panic(payload);
                $crate::error::PanicValue::panic_value()
            }
        }
    }};
}

/// Return `Err(Failure)` with `ENCOURS_NULL_ARGUMENT` naming the first NULL pointer
/// (by its Rust name, which is the C parameter name, or by the name after `=>`).
/// Only usable inside a `ffi_boundary! { status; ... }` body or a function returning
/// `Result<_, Failure>`.
macro_rules! check_null {
    ($p:expr => $name:expr) => {
        if $p.is_null() {
            return Err($crate::error::Failure::null($name));
        }
    };
    ($($p:expr),+ $(,)?) => {
        $(
            if $p.is_null() {
                return Err($crate::error::Failure::null(stringify!($p)));
            }
        )+
    };
}

/// The message of the last failure on this thread, as a NUL-terminated UTF-8 string;
/// `""` when the last call returning a status succeeded (or none was made).
///
/// Ownership: the string belongs to the library; do not free it. It stays valid until
/// the next call into the library on the same thread (any function returning an
/// `encours_status` replaces or clears it); copy it to keep it. Thread-safe: each thread
/// has its own last error.
#[unsafe(no_mangle)]
pub extern "C" fn encours_last_error() -> *const c_char {
    ffi_boundary! { value;
        LAST_ERROR.with(|e| match e.borrow().as_ref() {
            // The CString lives in the thread-local until the next call replaces it.
            Some(s) => s.as_ptr(),
            None => c"".as_ptr(),
        })
    }
}

/// The length in bytes (without the terminating NUL) of `encours_last_error()`.
/// Thread-safe (per thread).
#[unsafe(no_mangle)]
pub extern "C" fn encours_last_error_length() -> usize {
    ffi_boundary! { value;
        LAST_ERROR.with(|e| e.borrow().as_ref().map_or(0, |s| s.as_bytes().len()))
    }
}

/// Copy the message of the last failure on this thread into `buf` (`buf_len` bytes,
/// NUL-terminated) and its length without the NUL into `*out_len`.
///
/// Does not change the last error. Returns `ENCOURS_INSUFFICIENT_SIZE` when
/// `buf_len < length + 1`; `*out_len` then holds the length needed (the documented
/// exception to "outputs only on success") and `buf` is untouched.
///
/// # Safety
/// `buf` must point to `buf_len` writable bytes; `out_len` to a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_last_error_copy(
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { value;
        // Not the status arm: it would clear the very message asked for.
        if buf.is_null() || out_len.is_null() {
            return ENCOURS_NULL_ARGUMENT;
        }
        let message = LAST_ERROR.with(|e| e.borrow().clone()).unwrap_or_default();
        let bytes = message.as_bytes_with_nul();
        // SAFETY: out_len is non-NULL and writable by contract.
        unsafe { *out_len = bytes.len() - 1 };
        if buf_len < bytes.len() {
            return ENCOURS_INSUFFICIENT_SIZE;
        }
        // SAFETY: buf has buf_len >= bytes.len() writable bytes by contract.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr().cast::<c_char>(), buf, bytes.len()) };
        ENCOURS_OK
    }
}

/// The C name of a status (`"ENCOURS_NOT_FOUND"`), or `"ENCOURS_UNKNOWN_STATUS"` for a
/// number this version does not know. Static string: do not free. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn encours_status_name(status: u32) -> *const c_char {
    ffi_boundary! { value;
        STATUS_NAMES
            .iter()
            .find(|(s, _)| *s as u32 == status)
            .map_or(c"ENCOURS_UNKNOWN_STATUS".as_ptr(), |(_, name)| name.as_ptr())
    }
}

impl PanicValue for encours_status {
    fn panic_value() -> Self {
        ENCOURS_PANIC
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use encours_core::money::{Currency, Money};

    #[test]
    fn status_numbers_are_stable() {
        // Published numbers: changing one breaks every compiled C program.
        // Numbers are given out in ranges, so the list may have gaps: it only grows.
        for (i, (status, name)) in STATUS_NAMES.iter().enumerate() {
            if i < 30 {
                assert_eq!(*status as u32 as usize, i, "{name:?}");
            }
            // Later areas have ranges of their own, always increasing.
            if let Some((before, _)) = i.checked_sub(1).and_then(|j| STATUS_NAMES.get(j)) {
                assert!((*before as u32) < (*status as u32), "{name:?}");
            }
            assert_eq!(
                unsafe { CStr::from_ptr(encours_status_name(*status as u32)) },
                *name
            );
        }
        assert_eq!(ENCOURS_PANIC as u32, 15);
        assert_eq!(ENCOURS_OTHER_ERROR as u32, 25);
        assert_eq!(ENCOURS_TEMPLATE_INVALID as u32, 26);
        assert_eq!(ENCOURS_UNSUPPORTED as u32, 29);
        assert_eq!(ENCOURS_UNKNOWN_KEY as u32, 45);
        assert_eq!(ENCOURS_PLAN_INVALID_TERMS as u32, 60);
        assert_eq!(ENCOURS_PLAN_FOREIGN_ITEM as u32, 63);
    }

    #[test]
    fn status_of_covers_every_variant() {
        let day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let eur = Money::zero(Currency::EUR);
        let cases: Vec<(Error, encours_status)> = vec![
            (
                MoneyError::InvalidCurrencyCode { code: "E".into() }.into(),
                ENCOURS_INVALID_CURRENCY,
            ),
            (
                MoneyError::UnknownCurrency { code: "EUX".into() }.into(),
                ENCOURS_UNKNOWN_CURRENCY,
            ),
            (
                MoneyError::InvalidMinorUnits {
                    code: "XBT".into(),
                    minor_units: 9,
                }
                .into(),
                ENCOURS_INVALID_CURRENCY,
            ),
            (
                MoneyError::CurrencyMismatch {
                    operation: "add",
                    left: Currency::EUR,
                    right: Currency::USD,
                }
                .into(),
                ENCOURS_CURRENCY_MISMATCH,
            ),
            (
                MoneyError::Overflow { operation: "add" }.into(),
                ENCOURS_OVERFLOW,
            ),
            (
                MoneyError::InvalidAmount {
                    field: "amount",
                    value: "x".into(),
                    reason: "r".into(),
                }
                .into(),
                ENCOURS_INVALID_AMOUNT,
            ),
            (
                MoneyError::InvalidRatios {
                    ratios: "[]".into(),
                    reason: "r",
                }
                .into(),
                ENCOURS_INVALID_ARGUMENT,
            ),
            (
                MoneyError::InvalidParts { parts: 0 }.into(),
                ENCOURS_INVALID_ARGUMENT,
            ),
            (
                MoneyError::MissingRate {
                    from: Currency::EUR,
                    to: Currency::USD,
                }
                .into(),
                ENCOURS_RATE_UNAVAILABLE,
            ),
            (
                MoneyError::InvalidRate {
                    from: Currency::EUR,
                    to: Currency::USD,
                    rate: rust_decimal::Decimal::ZERO,
                    expected: "expected a positive number",
                }
                .into(),
                ENCOURS_INVALID_ARGUMENT,
            ),
            (
                CalendarError::UnknownCalendar {
                    code: "X".into(),
                    known: String::new(),
                }
                .into(),
                ENCOURS_UNKNOWN_CALENDAR,
            ),
            (
                CalendarError::InvalidMonth {
                    rule: "r".into(),
                    month: 13,
                }
                .into(),
                ENCOURS_CALENDAR_INVALID,
            ),
            (
                CalendarError::InvalidDay {
                    rule: "r".into(),
                    month: 2,
                    day: 30,
                    max: 29,
                }
                .into(),
                ENCOURS_CALENDAR_INVALID,
            ),
            (
                CalendarError::InvalidNth {
                    rule: "r".into(),
                    n: 6,
                }
                .into(),
                ENCOURS_CALENDAR_INVALID,
            ),
            (
                CalendarError::InvalidEasterOffset {
                    rule: "r".into(),
                    offset: 999,
                }
                .into(),
                ENCOURS_CALENDAR_INVALID,
            ),
            (
                CalendarError::InvalidValidity {
                    rule: "r".into(),
                    valid_from: 2,
                    valid_to: 1,
                }
                .into(),
                ENCOURS_CALENDAR_INVALID,
            ),
            (
                CalendarError::EmptyName { what: "w".into() }.into(),
                ENCOURS_CALENDAR_INVALID,
            ),
            (
                CalendarError::NoWorkingWeekday {
                    calendar: "c".into(),
                }
                .into(),
                ENCOURS_CALENDAR_INVALID,
            ),
            (
                CalendarError::NoBusinessDay {
                    calendar: "c".into(),
                    from: day,
                    direction: "after",
                    searched_days: 1,
                }
                .into(),
                ENCOURS_NO_BUSINESS_DAY,
            ),
            (
                CalendarError::DateOutOfRange {
                    operation: "roll",
                    date: day,
                    by: 1,
                }
                .into(),
                ENCOURS_INVALID_DATE,
            ),
            (
                CalendarError::YearOutOfRange {
                    operation: "o",
                    year: 1,
                }
                .into(),
                ENCOURS_INVALID_DATE,
            ),
            (
                TermsError::UnexpectedToken {
                    text: "t".into(),
                    token: "x".into(),
                    column: 1,
                    expected: "e",
                }
                .into(),
                ENCOURS_PARSE_ERROR,
            ),
            (
                TermsError::UnexpectedEnd {
                    text: "t".into(),
                    column: 1,
                    expected: "e",
                }
                .into(),
                ENCOURS_PARSE_ERROR,
            ),
            (TermsError::NoLines.into(), ENCOURS_TERMS_INVALID),
            (
                TermsError::InvalidShare {
                    line_index: 0,
                    share: rust_decimal::Decimal::ZERO,
                }
                .into(),
                ENCOURS_TERMS_INVALID,
            ),
            (
                TermsError::SharesNotHundred {
                    total: rust_decimal::Decimal::ONE,
                }
                .into(),
                ENCOURS_TERMS_INVALID,
            ),
            (
                TermsError::NoBalanceLeft {
                    total: rust_decimal::Decimal::ONE_HUNDRED,
                }
                .into(),
                ENCOURS_TERMS_INVALID,
            ),
            (
                TermsError::InvalidDiscount {
                    percent: rust_decimal::Decimal::ZERO,
                }
                .into(),
                ENCOURS_TERMS_INVALID,
            ),
            (
                TermsError::InvalidDayOfMonth {
                    rule: "r".into(),
                    day: 32,
                }
                .into(),
                ENCOURS_TERMS_INVALID,
            ),
            (
                TermsError::DateOutOfRange {
                    operation: "o".into(),
                    date: day,
                }
                .into(),
                ENCOURS_INVALID_DATE,
            ),
            (
                TermsError::AmountNotInMinorUnits { amount: eur }.into(),
                ENCOURS_INVALID_AMOUNT,
            ),
            (
                TermsError::Money(MoneyError::Overflow { operation: "m" }).into(),
                ENCOURS_OVERFLOW,
            ),
            (
                LedgerError::DuplicateId {
                    kind: "item",
                    id: "F".into(),
                }
                .into(),
                ENCOURS_LEDGER_INVALID,
            ),
            (
                LedgerError::Unknown {
                    kind: "item",
                    id: "F".into(),
                    referenced_by: "x".into(),
                }
                .into(),
                ENCOURS_NOT_FOUND,
            ),
            (
                LedgerError::InvalidField {
                    record: "item",
                    id: "F".into(),
                    field: "amount",
                    value: "0".into(),
                    expected: "e".into(),
                }
                .into(),
                ENCOURS_LEDGER_INVALID,
            ),
            (
                LedgerError::OverApplication {
                    source_kind: "payment",
                    source_id: "P".into(),
                    item: "F".into(),
                    amount: eur,
                    available: eur,
                    what: "w",
                }
                .into(),
                ENCOURS_OVER_APPLICATION,
            ),
            (
                LedgerError::ParentCycle { id: "C".into() }.into(),
                ENCOURS_LEDGER_INVALID,
            ),
            (
                LedgerError::Money(MoneyError::Overflow { operation: "add" }).into(),
                ENCOURS_OVERFLOW,
            ),
            (
                ReportError::InvalidConfig {
                    field: "dso days".into(),
                    value: "0".into(),
                    expected: "e".into(),
                }
                .into(),
                ENCOURS_REPORT_INVALID,
            ),
            (
                ReportError::DateOutOfRange {
                    field: "f",
                    date: day,
                    days_or_months: "90 days".into(),
                }
                .into(),
                ENCOURS_INVALID_DATE,
            ),
            (
                ReportError::Money(MoneyError::MissingRate {
                    from: Currency::USD,
                    to: Currency::EUR,
                })
                .into(),
                ENCOURS_RATE_UNAVAILABLE,
            ),
            (
                InterestError::InvalidRateTable {
                    table: "t".into(),
                    reason: "r".into(),
                }
                .into(),
                ENCOURS_INTEREST_INVALID,
            ),
            (
                InterestError::RateNotCovered {
                    table: "t".into(),
                    date: day,
                    first: day,
                }
                .into(),
                ENCOURS_RATE_UNAVAILABLE,
            ),
            (
                InterestError::RateNotVerified {
                    table: "t".into(),
                    date: day,
                    verified_through: day,
                }
                .into(),
                ENCOURS_RATE_UNAVAILABLE,
            ),
            (
                InterestError::UnknownRateTable { table: "t".into() }.into(),
                ENCOURS_RATE_UNAVAILABLE,
            ),
            (
                InterestError::NegativePrincipal { principal: eur }.into(),
                ENCOURS_INVALID_AMOUNT,
            ),
            (
                InterestError::InvalidDebt { debt: eur }.into(),
                ENCOURS_INVALID_AMOUNT,
            ),
            (
                InterestError::IndemnityCurrency {
                    jurisdiction: encours_core::interest::Jurisdiction::France,
                    expected: Currency::EUR,
                    found: Currency::USD,
                }
                .into(),
                ENCOURS_CURRENCY_MISMATCH,
            ),
            (
                InterestError::InvalidRule {
                    field: "rate",
                    value: "-1".into(),
                    reason: "r",
                }
                .into(),
                ENCOURS_INTEREST_INVALID,
            ),
            (
                InterestError::DateOutOfRange {
                    operation: "o",
                    date: day,
                }
                .into(),
                ENCOURS_INVALID_DATE,
            ),
            (
                InterestError::Money(MoneyError::Overflow { operation: "m" }).into(),
                ENCOURS_OVERFLOW,
            ),
            (
                DunningError::InvalidConfig {
                    location: "l".into(),
                    message: "m".into(),
                }
                .into(),
                ENCOURS_DUNNING_INVALID,
            ),
            (
                DunningError::InvalidPromise {
                    id: "p".into(),
                    message: "m".into(),
                }
                .into(),
                ENCOURS_DUNNING_INVALID,
            ),
            (
                DunningError::UnknownScenario {
                    scenario: "s".into(),
                    customer: "c".into(),
                }
                .into(),
                ENCOURS_NOT_FOUND,
            ),
            (
                DunningError::DateOutOfRange {
                    what: "w",
                    item: "i".into(),
                }
                .into(),
                ENCOURS_INVALID_DATE,
            ),
            (
                DunningError::Calendar {
                    customer: "c".into(),
                    source: CalendarError::UnknownCalendar {
                        code: "X".into(),
                        known: String::new(),
                    },
                }
                .into(),
                ENCOURS_UNKNOWN_CALENDAR,
            ),
            (
                DunningError::Money(MoneyError::Overflow { operation: "m" }).into(),
                ENCOURS_OVERFLOW,
            ),
            (
                ConfigError::UnknownKey {
                    what: "w".into(),
                    path: String::new(),
                    key: "k".into(),
                    closest: None,
                    known: Vec::new(),
                }
                .into(),
                ENCOURS_UNKNOWN_KEY,
            ),
            (
                ConfigError::UnknownValue {
                    what: "w".into(),
                    path: String::new(),
                    value: "v".into(),
                    closest: None,
                    known: Vec::new(),
                }
                .into(),
                ENCOURS_UNKNOWN_KEY,
            ),
            (
                ConfigError::Invalid {
                    what: "w".into(),
                    path: String::new(),
                    message: "m".into(),
                }
                .into(),
                ENCOURS_INVALID_JSON,
            ),
        ];
        for (err, status) in cases
            .iter()
            .chain(&letter_cases())
            .chain(&risk_cases())
            .chain(&plan_cases())
        {
            assert_eq!(status_of(err), *status, "{err}");
            assert_ne!(status_of(err), ENCOURS_OTHER_ERROR, "{err}");
        }
    }

    /// One of each risk and limit error (issue 12).
    fn risk_cases() -> Vec<(Error, encours_status)> {
        let day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let overflow = || MoneyError::Overflow { operation: "m" };
        vec![
            (
                RiskError::InvalidConfig {
                    field: "f".into(),
                    value: "v".into(),
                    expected: "e".into(),
                }
                .into(),
                ENCOURS_RISK_INVALID,
            ),
            (
                RiskError::InvalidStatement {
                    customer_id: "C".into(),
                    period_end: day,
                    field: "f",
                    value: "v".into(),
                    expected: "e".into(),
                }
                .into(),
                ENCOURS_RISK_INVALID,
            ),
            (
                RiskError::InvalidScore {
                    provider: "p".into(),
                    value: "v".into(),
                    expected: "e".into(),
                }
                .into(),
                ENCOURS_RISK_INVALID,
            ),
            (
                RiskError::UnknownCustomer {
                    id: "C".into(),
                    referenced_by: "r".into(),
                }
                .into(),
                ENCOURS_NOT_FOUND,
            ),
            (RiskError::Money(overflow()).into(), ENCOURS_OVERFLOW),
            (
                LimitError::Invalid {
                    field: "f".into(),
                    value: "v".into(),
                    expected: "e".into(),
                }
                .into(),
                ENCOURS_LIMIT_INVALID,
            ),
            (
                LimitError::Duplicate {
                    kind: "order",
                    id: "O".into(),
                }
                .into(),
                ENCOURS_LIMIT_INVALID,
            ),
            (
                LimitError::Unknown {
                    kind: "order",
                    id: "O".into(),
                    referenced_by: "r".into(),
                }
                .into(),
                ENCOURS_NOT_FOUND,
            ),
            (LimitError::Money(overflow()).into(), ENCOURS_OVERFLOW),
            (
                LimitError::Risk(RiskError::UnknownCustomer {
                    id: "C".into(),
                    referenced_by: "r".into(),
                })
                .into(),
                ENCOURS_NOT_FOUND,
            ),
        ]
    }

    /// One of each payment-plan error.
    fn plan_cases() -> Vec<(Error, encours_status)> {
        let s = String::new;
        vec![
            (
                PlanError::InvalidField {
                    field: s(),
                    value: s(),
                    expected: s(),
                }
                .into(),
                ENCOURS_PLAN_INVALID_TERMS,
            ),
            (
                PlanError::InvalidPlan {
                    plan: s(),
                    field: s(),
                    message: s(),
                }
                .into(),
                ENCOURS_PLAN_INVALID,
            ),
            (
                PlanError::NothingToPlan {
                    customer: s(),
                    reason: s(),
                }
                .into(),
                ENCOURS_PLAN_NOTHING_TO_PLAN,
            ),
            (
                PlanError::ItemOfAnotherCustomer {
                    field: s(),
                    id: s(),
                    owner: s(),
                    customer: s(),
                }
                .into(),
                ENCOURS_PLAN_FOREIGN_ITEM,
            ),
            (
                PlanError::UnknownCustomer {
                    field: s(),
                    id: s(),
                }
                .into(),
                ENCOURS_NOT_FOUND,
            ),
            (
                PlanError::UnknownItem {
                    field: s(),
                    id: s(),
                }
                .into(),
                ENCOURS_NOT_FOUND,
            ),
            (
                PlanError::Calendar {
                    customer: s(),
                    source: CalendarError::UnknownCalendar {
                        code: s(),
                        known: s(),
                    },
                }
                .into(),
                ENCOURS_UNKNOWN_CALENDAR,
            ),
            (
                PlanError::Money(MoneyError::Overflow { operation: "m" }).into(),
                ENCOURS_OVERFLOW,
            ),
        ]
    }

    /// One of each letter error (the core has them only with the `letters` feature).
    #[cfg(feature = "letters")]
    fn letter_cases() -> Vec<(Error, encours_status)> {
        vec![
            (
                LetterError::InvalidTemplate {
                    key: "k".into(),
                    language: "fr",
                    message: "m".into(),
                }
                .into(),
                ENCOURS_TEMPLATE_INVALID,
            ),
            (
                LetterError::MissingTemplate {
                    key: "k".into(),
                    fallback: "reminder",
                    language: "en",
                }
                .into(),
                ENCOURS_TEMPLATE_MISSING,
            ),
            (
                LetterError::Render {
                    key: "k".into(),
                    language: "en",
                    message: "m".into(),
                }
                .into(),
                ENCOURS_TEMPLATE_RENDER_FAILED,
            ),
        ]
    }

    #[cfg(not(feature = "letters"))]
    fn letter_cases() -> Vec<(Error, encours_status)> {
        Vec::new()
    }

    #[test]
    fn a_panic_becomes_a_status_and_a_message() {
        fn boom() -> encours_status {
            ffi_boundary! { status;
                let v: Vec<u8> = Vec::new();
                if v.is_empty() {
                    panic!("deliberate test panic");
                }
                Ok(())
            }
        }
        assert_eq!(boom(), ENCOURS_PANIC);
        let msg = unsafe { CStr::from_ptr(encours_last_error()) }
            .to_str()
            .unwrap();
        assert!(msg.contains("deliberate test panic"), "{msg}");
        assert_eq!(encours_last_error_length(), msg.len());
    }

    #[test]
    fn last_error_copy_reports_the_size_needed() {
        record(Failure::new(ENCOURS_NOT_FOUND, "unknown item \"F9\""));
        let mut small = [0 as c_char; 4];
        let mut len = 0usize;
        let st = unsafe { encours_last_error_copy(small.as_mut_ptr(), small.len(), &mut len) };
        assert_eq!((st, len), (ENCOURS_INSUFFICIENT_SIZE, 17));
        let mut big = [0 as c_char; 32];
        let st = unsafe { encours_last_error_copy(big.as_mut_ptr(), big.len(), &mut len) };
        assert_eq!(st, ENCOURS_OK);
        let copied = unsafe { CStr::from_ptr(big.as_ptr()) }.to_str().unwrap();
        assert_eq!(copied, "unknown item \"F9\"");
    }
}
