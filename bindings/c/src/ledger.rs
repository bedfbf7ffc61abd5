//! The ledger handle: built from JSON or from arrays of plain C records; payments,
//! cash application, credit-note netting; open amounts and balances as of a date.

use std::ffi::c_char;

use encours_core::ledger::{
    Application, Customer, Item, ItemKind, Ledger, LedgerData, MatchRule, Payment, Source,
};
use encours_core::money::Money;

use crate::convert::{
    date_arg, json_arg, money_out, opt_str_arg, slice_arg, str_arg, text_arg, to_json, write,
    write_alloc_str, write_str_buf,
};
use crate::error::encours_status::*;
use crate::error::{Failure, encours_status};
use crate::money::encours_money;
use encours_core::money::Currency;

/// An accounts-receivable ledger (customers, items, payments, applications).
///
/// Opaque. Created by `encours_ledger_new`, `encours_ledger_from_json` or
/// `encours_ledger_from_records`; released by `encours_ledger_free`. Not synchronized:
/// use a ledger from one thread at a time (distinct ledgers on distinct threads are
/// fine).
pub struct encours_ledger {
    pub(crate) inner: Ledger,
}

/// Item kind: an invoice (a debit).
pub const ENCOURS_ITEM_INVOICE: u32 = 0;
/// Item kind: a debit note (a debit).
pub const ENCOURS_ITEM_DEBIT_NOTE: u32 = 1;
/// Item kind: a credit note (a credit, netted against debits).
pub const ENCOURS_ITEM_CREDIT_NOTE: u32 = 2;

/// Application source: a payment.
pub const ENCOURS_SOURCE_PAYMENT: u32 = 0;
/// Application source: a credit note.
pub const ENCOURS_SOURCE_CREDIT_NOTE: u32 = 1;

/// Application rule: the caller named the item.
pub const ENCOURS_MATCH_EXPLICIT: u32 = 0;
/// Application rule: the payment's reference named the item.
pub const ENCOURS_MATCH_REFERENCE: u32 = 1;
/// Application rule: the payment equalled the item's open amount.
pub const ENCOURS_MATCH_EXACT_AMOUNT: u32 = 2;
/// Application rule: oldest due date first.
pub const ENCOURS_MATCH_OLDEST_DUE: u32 = 3;

/// A customer account, for `encours_ledger_from_records` and
/// `encours_ledger_add_customer`. Strings are NUL-terminated UTF-8, copied by the
/// library; optional ones may be NULL.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct encours_customer_rec {
    /// Account id, unique in the ledger. Required.
    pub id: *const c_char,
    /// Name. Required.
    pub name: *const c_char,
    /// ISO 4217 code of the account's currency (`"EUR"`). Required.
    pub currency: *const c_char,
    /// Segment (key account, SME…), or NULL.
    pub segment: *const c_char,
    /// Parent account id (groups), or NULL.
    pub parent: *const c_char,
    /// Country, ISO 3166-1 alpha-2, or NULL.
    pub country: *const c_char,
    /// Payment terms text (`"45 days end of month"`), or NULL.
    pub payment_terms: *const c_char,
    /// Business-day calendar code (`"FR"`), or NULL.
    pub calendar: *const c_char,
    /// Non-zero when `credit_limit_minor` holds a credit limit.
    pub has_credit_limit: u8,
    /// Credit limit in minor units of the account's currency.
    pub credit_limit_minor: i64,
}

/// An open item (invoice, debit note, credit note). Amounts are positive.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct encours_item_rec {
    /// Item (document) id, unique in the ledger. Required.
    pub id: *const c_char,
    /// The customer's account id. Required.
    pub customer_id: *const c_char,
    /// `ENCOURS_ITEM_INVOICE`, `ENCOURS_ITEM_DEBIT_NOTE` or `ENCOURS_ITEM_CREDIT_NOTE`.
    pub kind: u32,
    /// Issue date, days since 1970-01-01.
    pub issue_date: i32,
    /// Due date, days since 1970-01-01.
    pub due_date: i32,
    /// Gross amount in minor units, positive.
    pub amount_minor: i64,
    /// ISO 4217 code of the amount, the customer's currency. Required.
    pub currency: *const c_char,
    /// The customer's reference (order number), or NULL.
    pub reference: *const c_char,
}

/// A payment received.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct encours_payment_rec {
    /// Payment id, unique in the ledger. Required.
    pub id: *const c_char,
    /// The paying customer's account id. Required.
    pub customer_id: *const c_char,
    /// Value date, days since 1970-01-01.
    pub date: i32,
    /// Amount in minor units, positive.
    pub amount_minor: i64,
    /// ISO 4217 code of the amount, the customer's currency. Required.
    pub currency: *const c_char,
    /// Remittance reference (an item id or reference), or NULL.
    pub reference: *const c_char,
}

/// An amount applied from a payment or credit note to a debit item.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct encours_application_rec {
    /// `ENCOURS_SOURCE_PAYMENT` or `ENCOURS_SOURCE_CREDIT_NOTE`.
    pub source_kind: u32,
    /// The payment id or credit-note item id. Required.
    pub source_id: *const c_char,
    /// The debit item settled. Required.
    pub item_id: *const c_char,
    /// Day the application takes effect, days since 1970-01-01.
    pub date: i32,
    /// Amount applied in minor units, positive.
    pub amount_minor: i64,
    /// ISO 4217 code of the amount. Required.
    pub currency: *const c_char,
    /// `ENCOURS_MATCH_*`: how the item was chosen.
    pub rule: u32,
}

fn kind_arg(kind: u32, field: &str) -> Result<ItemKind, Failure> {
    match kind {
        ENCOURS_ITEM_INVOICE => Ok(ItemKind::Invoice),
        ENCOURS_ITEM_DEBIT_NOTE => Ok(ItemKind::DebitNote),
        ENCOURS_ITEM_CREDIT_NOTE => Ok(ItemKind::CreditNote),
        other => Err(Failure::new(
            ENCOURS_INVALID_ARGUMENT,
            format!(
                "invalid {field} {other}: expected 0 (invoice), 1 (debit note) or 2 (credit note)"
            ),
        )),
    }
}

fn rule_arg(rule: u32, field: &str) -> Result<MatchRule, Failure> {
    match rule {
        ENCOURS_MATCH_EXPLICIT => Ok(MatchRule::Explicit),
        ENCOURS_MATCH_REFERENCE => Ok(MatchRule::Reference),
        ENCOURS_MATCH_EXACT_AMOUNT => Ok(MatchRule::ExactAmount),
        ENCOURS_MATCH_OLDEST_DUE => Ok(MatchRule::OldestDue),
        other => Err(Failure::new(
            ENCOURS_INVALID_ARGUMENT,
            format!(
                "invalid {field} {other}: expected 0 (explicit), 1 (reference), 2 (exact amount) or 3 (oldest due)"
            ),
        )),
    }
}

/// Reads the string fields of one record, naming them `what.field` in errors.
struct Fields<'w> {
    what: &'w str,
}

impl Fields<'_> {
    fn name(&self, field: &str) -> String {
        format!("{}.{field}", self.what)
    }

    /// # Safety
    /// `p` is NULL or NUL-terminated.
    unsafe fn req(&self, p: *const c_char, field: &str) -> Result<String, Failure> {
        // SAFETY: forwarded contract.
        unsafe { str_arg(p, &self.name(field)) }.map(str::to_owned)
    }

    /// # Safety
    /// `p` is NULL or NUL-terminated.
    unsafe fn opt(&self, p: *const c_char, field: &str) -> Result<Option<String>, Failure> {
        // SAFETY: forwarded contract.
        Ok(unsafe { opt_str_arg(p, &self.name(field)) }?.map(str::to_owned))
    }

    fn date(&self, days: i32, field: &str) -> Result<chrono::NaiveDate, Failure> {
        date_arg(days, &self.name(field))
    }

    /// # Safety
    /// `currency` is NULL or NUL-terminated.
    unsafe fn money(&self, minor: i64, currency: *const c_char) -> Result<Money, Failure> {
        // SAFETY: forwarded contract.
        let code = unsafe { self.req(currency, "currency") }?;
        let c = Currency::from_code(&code)
            .map_err(|e| Failure::from(e).context(self.name("currency")))?;
        Ok(Money::from_minor(minor, c))
    }
}

/// # Safety
/// The record's pointers are NULL or NUL-terminated.
unsafe fn customer_of(r: &encours_customer_rec, what: &str) -> Result<Customer, Failure> {
    let f = Fields { what };
    // SAFETY: forwarded contract for every field.
    unsafe {
        let currency_code = f.req(r.currency, "currency")?;
        let currency = Currency::from_code(&currency_code)
            .map_err(|e| Failure::from(e).context(f.name("currency")))?;
        let mut c = Customer::new(f.req(r.id, "id")?, f.req(r.name, "name")?, currency);
        c.segment = f.opt(r.segment, "segment")?;
        c.parent = f.opt(r.parent, "parent")?;
        c.country = f.opt(r.country, "country")?;
        c.payment_terms = f.opt(r.payment_terms, "payment_terms")?;
        c.calendar = f.opt(r.calendar, "calendar")?;
        if r.has_credit_limit != 0 {
            c.credit_limit = Some(Money::from_minor(r.credit_limit_minor, currency));
        }
        Ok(c)
    }
}

/// # Safety
/// The record's pointers are NULL or NUL-terminated.
unsafe fn item_of(r: &encours_item_rec, what: &str) -> Result<Item, Failure> {
    let f = Fields { what };
    // SAFETY: forwarded contract for every field.
    unsafe {
        let mut item = Item::invoice(
            f.req(r.id, "id")?,
            f.req(r.customer_id, "customer_id")?,
            f.date(r.issue_date, "issue_date")?,
            f.date(r.due_date, "due_date")?,
            f.money(r.amount_minor, r.currency)?,
        );
        item.kind = kind_arg(r.kind, &f.name("kind"))?;
        item.reference = f.opt(r.reference, "reference")?;
        Ok(item)
    }
}

/// # Safety
/// The record's pointers are NULL or NUL-terminated.
unsafe fn payment_of(r: &encours_payment_rec, what: &str) -> Result<Payment, Failure> {
    let f = Fields { what };
    // SAFETY: forwarded contract for every field.
    unsafe {
        let mut p = Payment::new(
            f.req(r.id, "id")?,
            f.req(r.customer_id, "customer_id")?,
            f.date(r.date, "date")?,
            f.money(r.amount_minor, r.currency)?,
        );
        p.reference = f.opt(r.reference, "reference")?;
        Ok(p)
    }
}

/// # Safety
/// The record's pointers are NULL or NUL-terminated.
unsafe fn application_of(r: &encours_application_rec, what: &str) -> Result<Application, Failure> {
    let f = Fields { what };
    // SAFETY: forwarded contract for every field.
    unsafe {
        let source_id = f.req(r.source_id, "source_id")?;
        let source = match r.source_kind {
            ENCOURS_SOURCE_PAYMENT => Source::Payment(source_id),
            ENCOURS_SOURCE_CREDIT_NOTE => Source::CreditNote(source_id),
            other => {
                return Err(Failure::new(
                    ENCOURS_INVALID_ARGUMENT,
                    format!(
                        "invalid {} {other}: expected 0 (payment) or 1 (credit note)",
                        f.name("source_kind")
                    ),
                ));
            }
        };
        Ok(Application {
            source,
            item_id: f.req(r.item_id, "item_id")?,
            date: f.date(r.date, "date")?,
            amount: f.money(r.amount_minor, r.currency)?,
            rule: rule_arg(r.rule, &f.name("rule"))?,
        })
    }
}

/// Convert a C array of records, naming each `name[i]` in errors.
///
/// # Safety
/// `p` is NULL (with `n == 0`) or points to `n` records whose strings are valid.
unsafe fn records<R, T>(
    p: *const R,
    n: usize,
    name: &str,
    convert: unsafe fn(&R, &str) -> Result<T, Failure>,
) -> Result<Vec<T>, Failure> {
    // SAFETY: forwarded contract.
    let recs = unsafe { slice_arg(p, n, name) }?;
    recs.iter()
        .enumerate()
        // SAFETY: forwarded contract.
        .map(|(i, r)| unsafe { convert(r, &format!("{name}[{i}]")) })
        .collect()
}

/// A ledger handle as a shared reference.
///
/// # Safety
/// `l` is NULL or a live handle not used mutably elsewhere.
pub(crate) unsafe fn ledger_ref<'a>(l: *const encours_ledger) -> Result<&'a Ledger, Failure> {
    check_null!(l => "ledger");
    // SAFETY: non-NULL live handle by contract.
    Ok(unsafe { &(*l).inner })
}

/// A ledger handle as an exclusive reference.
///
/// # Safety
/// `l` is NULL or a live handle used by no one else during the call.
unsafe fn ledger_mut<'a>(l: *mut encours_ledger) -> Result<&'a mut Ledger, Failure> {
    check_null!(l => "ledger");
    // SAFETY: non-NULL live handle, exclusive by contract.
    Ok(unsafe { &mut (*l).inner })
}

/// Box a ledger and hand it to C.
///
/// # Safety
/// `out` is non-NULL and writable.
unsafe fn hand_out(ledger: Ledger, out: *mut *mut encours_ledger) {
    let boxed = Box::into_raw(Box::new(encours_ledger { inner: ledger }));
    // SAFETY: forwarded contract.
    unsafe { write(out, boxed) };
}

/// Create an empty ledger. On success `*out` owns a new handle: release it with
/// `encours_ledger_free`. Thread-safe.
///
/// # Safety
/// `out` points to a writable `encours_ledger*`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_new(out: *mut *mut encours_ledger) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: checked non-NULL.
        unsafe { hand_out(Ledger::default(), out) };
        Ok(())
    }
}

/// Build and validate a ledger from its JSON form (`json_len` bytes of UTF-8, no NUL
/// needed): `{"customers": [...], "items": [...], "payments": [...], "applications":
/// [...]}` exactly as the core serializes it (see `encours_ledger_to_json`).
///
/// `ENCOURS_INVALID_UTF8`; `ENCOURS_INVALID_JSON` for malformed JSON or a bad field
/// value (an unknown currency, an impossible date: the message gives line and column);
/// then the ledger's own checks: `ENCOURS_LEDGER_INVALID`, `ENCOURS_NOT_FOUND`,
/// `ENCOURS_OVER_APPLICATION`. On success `*out` owns a new handle (release with
/// `encours_ledger_free`). The JSON is not kept. Thread-safe.
///
/// # Safety
/// `json` points to `json_len` readable bytes; `out` to a writable `encours_ledger*`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_from_json(
    json: *const c_char,
    json_len: usize,
    out: *mut *mut encours_ledger,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: json_len readable bytes by contract.
        let text = unsafe { text_arg(json, json_len, "json") }?;
        // Shape first (INVALID_JSON), then the ledger rules (their own statuses).
        let data: LedgerData = json_arg(text, "a ledger")?;
        let ledger = Ledger::new(data.customers, data.items, data.payments, data.applications)?;
        // SAFETY: checked non-NULL.
        unsafe { hand_out(ledger, out) };
        Ok(())
    }
}

/// Build and validate a ledger from arrays of plain records (the bulk path: no JSON).
/// Any array may be NULL when its count is 0. Records are validated in order
/// (customers, items, payments, applications); the first error is returned, its
/// message naming the record (`items[3].currency: unknown currency code "EUX"...`).
/// Statuses: `ENCOURS_NULL_ARGUMENT` (a required field), `ENCOURS_INVALID_UTF8`,
/// `ENCOURS_INVALID_DATE`, `ENCOURS_UNKNOWN_CURRENCY`/`ENCOURS_INVALID_CURRENCY`,
/// `ENCOURS_INVALID_ARGUMENT` (an unknown kind/rule number), then the ledger's own
/// checks. Strings are copied. On success `*out` owns a new handle. Thread-safe.
///
/// # Safety
/// Each array points to its count of readable records whose strings are
/// NUL-terminated or NULL; `out` points to a writable `encours_ledger*`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_from_records(
    customers: *const encours_customer_rec,
    n_customers: usize,
    items: *const encours_item_rec,
    n_items: usize,
    payments: *const encours_payment_rec,
    n_payments: usize,
    applications: *const encours_application_rec,
    n_applications: usize,
    out: *mut *mut encours_ledger,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: arrays and strings valid by contract.
        let (c, i, p, a) = unsafe {
            (
                records(customers, n_customers, "customers", customer_of)?,
                records(items, n_items, "items", item_of)?,
                records(payments, n_payments, "payments", payment_of)?,
                records(applications, n_applications, "applications", application_of)?,
            )
        };
        let ledger = Ledger::new(c, i, p, a)?;
        // SAFETY: checked non-NULL.
        unsafe { hand_out(ledger, out) };
        Ok(())
    }
}

/// Release a ledger. `NULL` is a no-op. The handle must not be used afterwards.
///
/// # Safety
/// `ledger` is NULL or a handle from this library not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_free(ledger: *mut encours_ledger) {
    ffi_boundary! { value;
        if !ledger.is_null() {
            // SAFETY: the pointer came from Box::into_raw in hand_out.
            drop(unsafe { Box::from_raw(ledger) });
        }
    }
}

/// The ledger in its JSON form (what `encours_ledger_from_json` reads back to an equal
/// ledger). On success `*out` owns the NUL-terminated string (release with
/// `encours_string_free`) and `*out_len` (if not NULL) gets its length.
///
/// # Safety
/// `ledger` is a live handle; `out` points to a writable `char*`; `out_len` is NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_to_json(
    ledger: *const encours_ledger,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: live handle by contract.
        let l = unsafe { ledger_ref(ledger) }?;
        let json = to_json(l)?;
        // SAFETY: out checked non-NULL.
        unsafe { write_alloc_str(json, out, out_len) }
    }
}

/// The number of customers, items, payments and applications. Any out-pointer may be
/// NULL when not wanted.
///
/// # Safety
/// `ledger` is a live handle; non-NULL out-pointers are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_counts(
    ledger: *const encours_ledger,
    out_customers: *mut usize,
    out_items: *mut usize,
    out_payments: *mut usize,
    out_applications: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: live handle by contract.
        let l = unsafe { ledger_ref(ledger) }?;
        for (out, n) in [
            (out_customers, l.customer_count()),
            (out_items, l.item_count()),
            (out_payments, l.payment_count()),
            (out_applications, l.application_count()),
        ] {
            if !out.is_null() {
                // SAFETY: non-NULL out-pointers are writable by contract.
                unsafe { write(out, n) };
            }
        }
        Ok(())
    }
}

/// The id of the customer at `index` (0 to count - 1, in insertion order), written
/// into `buf` (`buf_len` bytes, NUL-terminated) with its length in `*out_len`.
/// `ENCOURS_NOT_FOUND` for an index past the end; `ENCOURS_INSUFFICIENT_SIZE` writes
/// only `*out_len` (the length needed).
///
/// # Safety
/// `ledger` is a live handle; `buf` has `buf_len` writable bytes; `out_len` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_customer_id(
    ledger: *const encours_ledger,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(buf, out_len);
        // SAFETY: live handle by contract.
        let l = unsafe { ledger_ref(ledger) }?;
        let c = l.customer_id(index).ok_or_else(|| {
            Failure::new(
                ENCOURS_NOT_FOUND,
                format!("no customer at index {index}: the ledger has {}", l.customer_count()),
            )
        })?;
        // SAFETY: checked non-NULL; sizes by contract.
        unsafe { write_str_buf(c, buf, buf_len, out_len) }
    }
}

/// The id of the item at `index` (0 to count - 1, in insertion order); as
/// `encours_ledger_customer_id`.
///
/// # Safety
/// `ledger` is a live handle; `buf` has `buf_len` writable bytes; `out_len` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_item_id(
    ledger: *const encours_ledger,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(buf, out_len);
        // SAFETY: live handle by contract.
        let l = unsafe { ledger_ref(ledger) }?;
        let i = l.item_id(index).ok_or_else(|| {
            Failure::new(
                ENCOURS_NOT_FOUND,
                format!("no item at index {index}: the ledger has {}", l.item_count()),
            )
        })?;
        // SAFETY: checked non-NULL; sizes by contract.
        unsafe { write_str_buf(&i.to_string(), buf, buf_len, out_len) }
    }
}

/// Add a customer (validated as in `encours_ledger_from_records`; on failure the
/// ledger is unchanged). Not synchronized (see `encours_ledger`).
///
/// # Safety
/// `ledger` is a live handle; `customer` points to a readable record.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_add_customer(
    ledger: *mut encours_ledger,
    customer: *const encours_customer_rec,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(customer);
        // SAFETY: live handle, readable record by contract.
        let (l, c) = unsafe { (ledger_mut(ledger)?, customer_of(&*customer, "customer")?) };
        l.add_customer(c)?;
        Ok(())
    }
}

/// Add an item (on failure the ledger is unchanged).
///
/// # Safety
/// `ledger` is a live handle; `item` points to a readable record.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_add_item(
    ledger: *mut encours_ledger,
    item: *const encours_item_rec,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(item);
        // SAFETY: live handle, readable record by contract.
        let (l, i) = unsafe { (ledger_mut(ledger)?, item_of(&*item, "item")?) };
        l.add_item(i)?;
        Ok(())
    }
}

/// Add a payment, not yet applied: it is unapplied cash (a credit on the account)
/// until applied (`encours_ledger_apply_payment`, `encours_ledger_auto_apply`). On
/// failure the ledger is unchanged.
///
/// # Safety
/// `ledger` is a live handle; `payment` points to a readable record.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_add_payment(
    ledger: *mut encours_ledger,
    payment: *const encours_payment_rec,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(payment);
        // SAFETY: live handle, readable record by contract.
        let (l, p) = unsafe { (ledger_mut(ledger)?, payment_of(&*payment, "payment")?) };
        l.add_payment(p)?;
        Ok(())
    }
}

/// Record an application decided elsewhere (loaded from an ERP), with its rule. On
/// failure the ledger is unchanged.
///
/// # Safety
/// `ledger` is a live handle; `application` points to a readable record.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_record_application(
    ledger: *mut encours_ledger,
    application: *const encours_application_rec,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(application);
        // SAFETY: live handle, readable record by contract.
        let (l, a) = unsafe {
            (ledger_mut(ledger)?, application_of(&*application, "application")?)
        };
        l.record_application(a)?;
        Ok(())
    }
}

/// Apply `amount_minor` (in `currency`) of a payment to an item on `date`.
/// `ENCOURS_NOT_FOUND` for an unknown payment or item, `ENCOURS_OVER_APPLICATION`
/// when more than is open on the item or left on the payment, `ENCOURS_LEDGER_INVALID`
/// for a bad amount or date. On failure the ledger is unchanged.
///
/// # Safety
/// `ledger` is a live handle; the strings are NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_apply_payment(
    ledger: *mut encours_ledger,
    payment_id: *const c_char,
    item_id: *const c_char,
    amount_minor: i64,
    currency: *const c_char,
    date: i32,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: live handle, NUL-terminated strings by contract.
        let (l, pid, iid, amount) = unsafe {
            (
                ledger_mut(ledger)?,
                str_arg(payment_id, "payment_id")?,
                str_arg(item_id, "item_id")?,
                crate::convert::money_arg(amount_minor, currency, "amount")?,
            )
        };
        l.apply_payment(pid, iid, amount, date_arg(date, "date")?)?;
        Ok(())
    }
}

/// Net `amount_minor` (in `currency`) of a credit note against a debit item on `date`.
/// Statuses as `encours_ledger_apply_payment`.
///
/// # Safety
/// `ledger` is a live handle; the strings are NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_apply_credit_note(
    ledger: *mut encours_ledger,
    credit_note_id: *const c_char,
    item_id: *const c_char,
    amount_minor: i64,
    currency: *const c_char,
    date: i32,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: live handle, NUL-terminated strings by contract.
        let (l, cid, iid, amount) = unsafe {
            (
                ledger_mut(ledger)?,
                str_arg(credit_note_id, "credit_note_id")?,
                str_arg(item_id, "item_id")?,
                crate::convert::money_arg(amount_minor, currency, "amount")?,
            )
        };
        l.apply_credit_note(cid, iid, amount, date_arg(date, "date")?)?;
        Ok(())
    }
}

/// Apply what is left of a payment automatically (its reference, then an exact
/// amount, then oldest due first; the rest stays unapplied). When `out_json` is not
/// NULL it receives the applications made as a JSON array in the core's form
/// (`[{"source":{"payment":"P1"},"item_id":"F1","date":"2024-02-10","amount":
/// {"amount":"50.00","currency":"EUR"},"rule":"exact_amount"}]`), owned by the
/// caller (release with `encours_string_free`). `ENCOURS_NOT_FOUND` for an unknown
/// payment.
///
/// # Safety
/// `ledger` is a live handle; `payment_id` is NUL-terminated; `out_json` is NULL or
/// writable, `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_auto_apply(
    ledger: *mut encours_ledger,
    payment_id: *const c_char,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: live handle, NUL-terminated string by contract.
        let (l, pid) = unsafe { (ledger_mut(ledger)?, str_arg(payment_id, "payment_id")?) };
        let made = l.auto_apply(pid)?;
        if !out_json.is_null() {
            let json = to_json(&made)?;
            // SAFETY: out_json non-NULL; out_len NULL or writable.
            unsafe { write_alloc_str(json, out_json, out_len) }?;
        }
        Ok(())
    }
}

/// Net a customer's open credit notes against its open debits, oldest due first.
/// `out_json` (if not NULL) receives the applications made, as
/// `encours_ledger_auto_apply`. `ENCOURS_NOT_FOUND` for an unknown customer.
///
/// # Safety
/// `ledger` is a live handle; `customer_id` is NUL-terminated; `out_json` is NULL or
/// writable, `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_net_credit_notes(
    ledger: *mut encours_ledger,
    customer_id: *const c_char,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: live handle, NUL-terminated string by contract.
        let (l, cid) = unsafe { (ledger_mut(ledger)?, str_arg(customer_id, "customer_id")?) };
        let made = l.net_credit_notes(cid)?;
        if !out_json.is_null() {
            let json = to_json(&made)?;
            // SAFETY: out_json non-NULL; out_len NULL or writable.
            unsafe { write_alloc_str(json, out_json, out_len) }?;
        }
        Ok(())
    }
}

/// Which figure a money query asks for.
#[derive(Clone, Copy)]
enum Figure {
    OpenAmount,
    Unapplied,
    Balance,
}

/// # Safety
/// `ledger` is NULL or live; `id` is NULL or NUL-terminated.
unsafe fn figure(
    ledger: *const encours_ledger,
    id: *const c_char,
    date: i32,
    what: Figure,
) -> Result<Money, Failure> {
    let id_name = match what {
        Figure::OpenAmount => "item_id",
        Figure::Unapplied => "payment_id",
        Figure::Balance => "customer_id",
    };
    // SAFETY: forwarded contract.
    let (l, id) = unsafe { (ledger_ref(ledger)?, str_arg(id, id_name)?) };
    let as_of = date_arg(date, "as_of")?;
    Ok(match what {
        Figure::OpenAmount => l.open_amount(id, as_of)?,
        Figure::Unapplied => l.unapplied_amount(id, as_of)?,
        Figure::Balance => l.balance(id, as_of)?,
    })
}

/// The open amount of an item at the end of `as_of` (zero before its issue date), in
/// minor units. `ENCOURS_NOT_FOUND` for an unknown item; `ENCOURS_OVERFLOW` if it does
/// not fit in int64 minor units (use `encours_ledger_open_amount_str`).
///
/// # Safety
/// `ledger` is a live handle; `item_id` is NUL-terminated; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_open_amount(
    ledger: *const encours_ledger,
    item_id: *const c_char,
    as_of: i32,
    out: *mut encours_money,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: forwarded contract.
        let m = money_out(&unsafe { figure(ledger, item_id, as_of, Figure::OpenAmount) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, m) };
        Ok(())
    }
}

/// The open amount of an item as an exact decimal string (`"1200.00"`) in `buf`;
/// `ENCOURS_AMOUNT_BUFFER_SIZE` bytes are always enough. `ENCOURS_INSUFFICIENT_SIZE`
/// writes only `*out_len` (the length needed).
///
/// # Safety
/// `ledger` is a live handle; `item_id` is NUL-terminated; `buf` has `buf_len`
/// writable bytes; `out_len` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_open_amount_str(
    ledger: *const encours_ledger,
    item_id: *const c_char,
    as_of: i32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(buf, out_len);
        // SAFETY: forwarded contract.
        let m = unsafe { figure(ledger, item_id, as_of, Figure::OpenAmount) }?;
        // SAFETY: checked non-NULL; sizes by contract.
        unsafe { write_str_buf(&m.amount().to_string(), buf, buf_len, out_len) }
    }
}

/// What is left unapplied of a payment at the end of `as_of` (zero before its date),
/// in minor units. `ENCOURS_NOT_FOUND` for an unknown payment.
///
/// # Safety
/// `ledger` is a live handle; `payment_id` is NUL-terminated; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_unapplied_amount(
    ledger: *const encours_ledger,
    payment_id: *const c_char,
    as_of: i32,
    out: *mut encours_money,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: forwarded contract.
        let m = money_out(&unsafe { figure(ledger, payment_id, as_of, Figure::Unapplied) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, m) };
        Ok(())
    }
}

/// A customer's balance at the end of `as_of`: open debits less open credit notes and
/// unapplied cash, positive when the customer owes, in minor units of the customer's
/// currency. `ENCOURS_NOT_FOUND` for an unknown customer; `ENCOURS_OVERFLOW` if it does
/// not fit in int64 minor units (use `encours_ledger_balance_str`).
///
/// # Safety
/// `ledger` is a live handle; `customer_id` is NUL-terminated; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_balance(
    ledger: *const encours_ledger,
    customer_id: *const c_char,
    as_of: i32,
    out: *mut encours_money,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: forwarded contract.
        let m = money_out(&unsafe { figure(ledger, customer_id, as_of, Figure::Balance) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, m) };
        Ok(())
    }
}

/// A customer's balance as an exact decimal string (`"-20.00"`) in `buf`;
/// `ENCOURS_AMOUNT_BUFFER_SIZE` bytes are always enough. `ENCOURS_INSUFFICIENT_SIZE`
/// writes only `*out_len` (the length needed).
///
/// # Safety
/// `ledger` is a live handle; `customer_id` is NUL-terminated; `buf` has `buf_len`
/// writable bytes; `out_len` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_ledger_balance_str(
    ledger: *const encours_ledger,
    customer_id: *const c_char,
    as_of: i32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(buf, out_len);
        // SAFETY: forwarded contract.
        let m = unsafe { figure(ledger, customer_id, as_of, Figure::Balance) }?;
        // SAFETY: checked non-NULL; sizes by contract.
        unsafe { write_str_buf(&m.amount().to_string(), buf, buf_len, out_len) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_layouts_are_pinned() {
        // The ABI on 64-bit targets; tests/test_version.c checks the same sizes in C.
        // A change here must raise ENCOURS_ABI_VERSION.
        if size_of::<usize>() == 8 {
            assert_eq!(size_of::<encours_money>(), 16);
            assert_eq!(size_of::<encours_customer_rec>(), 80);
            assert_eq!(size_of::<encours_item_rec>(), 56);
            assert_eq!(size_of::<encours_payment_rec>(), 48);
            assert_eq!(size_of::<encours_application_rec>(), 56);
            assert_eq!(size_of::<crate::reports::encours_metric>(), 16);
            assert_eq!(size_of::<crate::reports::encours_summary_row>(), 184);
        }
    }
}
