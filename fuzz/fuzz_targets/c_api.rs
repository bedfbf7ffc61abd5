//! The C entry points, called as a C program would: arbitrary bytes through the JSON
//! arguments (with their lengths), arbitrary numbers, and NULL wherever a pointer may
//! be given, through the JSON and the plain-record APIs. The library keeps its
//! contract whatever the values: no panic reaches the boundary (`ENCOURS_PANIC` is a
//! crash here), no memory error (this target runs under AddressSanitizer), a status on
//! every call, a handle or string on every success and a message on every failure.
//! Only the caller's side of the contract is honoured: a non-NULL pointer is valid for
//! the length given with it.
#![no_main]

use std::ffi::{CString, c_char};
use std::ptr;

use arbitrary::Arbitrary;
use encours_c::*;
use libfuzzer_sys::fuzz_target;

// Exported by the C layer from a private module (not re-exported to Rust): declared
// here as a C program's header declares it.
unsafe extern "C" {
    fn encours_string_free(s: *mut c_char);
}

const LEDGER: &str = include_str!("../../crates/encours-core/tests/data/ledger/small.json");
const CONFIG: &str = include_str!("../../crates/encours-cli/config/dunning.json");

/// A C string argument: absent (NULL) or bytes up to the first NUL.
#[derive(Debug, Arbitrary)]
struct CStrArg(Option<Vec<u8>>);

impl CStrArg {
    fn owned(&self) -> Option<CString> {
        self.0.as_ref().map(|b| {
            let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
            CString::new(&b[..end]).unwrap_or_default()
        })
    }
}

/// A pointer/length JSON argument: NULL with any length, or bytes.
#[derive(Debug, Arbitrary)]
enum Text {
    Null(usize),
    Bytes(Vec<u8>),
    /// A known-good document (the tests' ledger, the default configuration), so the
    /// calls behind the parsing are reached too.
    Known,
}

impl Text {
    fn parts<'a>(&'a self, known: &'a str) -> (*const c_char, usize) {
        match self {
            Text::Null(n) => (ptr::null(), *n),
            Text::Bytes(b) => (b.as_ptr().cast(), b.len()),
            Text::Known => (known.as_ptr().cast(), known.len()),
        }
    }
}

#[derive(Debug, Arbitrary)]
struct CustomerRec {
    id: CStrArg,
    name: CStrArg,
    currency: CStrArg,
    parent: CStrArg,
    terms: CStrArg,
    calendar: CStrArg,
    has_limit: u8,
    limit: i64,
}

#[derive(Debug, Arbitrary)]
struct ItemRec {
    id: CStrArg,
    customer: CStrArg,
    kind: u32,
    issue: i32,
    due: i32,
    amount: i64,
    currency: CStrArg,
    reference: CStrArg,
}

#[derive(Debug, Arbitrary)]
struct AppRec {
    source_kind: u32,
    source: CStrArg,
    item: CStrArg,
    date: i32,
    amount: i64,
    currency: CStrArg,
    rule: u32,
}

#[derive(Debug, Arbitrary)]
enum Call {
    LedgerJson {
        json: Text,
        null_out: bool,
        ops: Vec<LedgerOp>,
    },
    LedgerRecords {
        customers: Vec<CustomerRec>,
        items: Vec<ItemRec>,
        apps: Vec<AppRec>,
        null_arrays: bool,
    },
    Terms {
        text: CStrArg,
        eom: u32,
        json: Text,
        date: i32,
        order: Option<i32>,
        amount: i64,
        currency: CStrArg,
    },
    Calendar {
        code: CStrArg,
        json: Text,
        date: i32,
        n: i32,
        roll: u32,
        to: i32,
    },
    Dunning {
        config: Text,
        history: Option<Text>,
        promises: Option<Text>,
        tables: Option<Text>,
        as_of: i32,
    },
    Interest {
        jurisdiction: u32,
        principal: i64,
        currency: CStrArg,
        due: i32,
        until: i32,
        rule: Text,
        tables: Option<Text>,
    },
    Money {
        text: CStrArg,
        currency: CStrArg,
        mode: u32,
        total: i64,
        weights: Vec<u64>,
        null_weights: bool,
        parts: u16,
        remainder: u32,
        out_len: u8,
    },
    Date {
        year: i32,
        month: u32,
        day: u32,
        days: i32,
        iso: CStrArg,
        buf_len: u8,
    },
    Letters {
        template: Text,
        key: CStrArg,
        language: u32,
        action: Text,
        sender: CStrArg,
    },
}

#[derive(Debug, Arbitrary)]
enum LedgerOp {
    Apply {
        payment: CStrArg,
        item: CStrArg,
        amount: i64,
        currency: CStrArg,
        date: i32,
        credit_note: bool,
    },
    Auto {
        payment: CStrArg,
        want_json: bool,
    },
    Net {
        customer: CStrArg,
    },
    Figure {
        id: CStrArg,
        as_of: i32,
        which: u8,
        buf_len: u8,
    },
    Index {
        index: usize,
        item: bool,
        buf_len: u8,
    },
    Aging {
        as_of: i32,
        edges: Vec<i64>,
        group_by: u32,
    },
    Metrics {
        as_of: i32,
        days: u32,
        group_by: u32,
    },
    AddItem(ItemRec),
    Record(AppRec),
}

fn p(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |c| c.as_ptr())
}

/// Check one call's status: never a caught panic, and a message on every failure.
fn ok(status: encours_status) -> bool {
    let code = status as u32;
    assert_ne!(
        code,
        encours_status::ENCOURS_PANIC as u32,
        "a panic reached the C boundary: {:?}",
        last_error()
    );
    if code != 0 {
        assert!(!last_error().is_empty(), "status {code} without a message");
    }
    code == 0
}

fn last_error() -> String {
    let mut len = 0usize;
    // SAFETY: the (NULL, 0) size query, then a buffer of the size given.
    unsafe {
        let _ = encours_last_error_copy(ptr::null_mut(), 0, &mut len);
        let mut buf = vec![0u8; len + 1];
        let _ = encours_last_error_copy(buf.as_mut_ptr().cast(), buf.len(), &mut len);
        String::from_utf8_lossy(&buf[..len.min(buf.len())]).into_owned()
    }
}

/// Take a string the library allocated, check it, free it.
fn take(s: *mut c_char, len: usize) {
    assert!(!s.is_null(), "success without the string");
    // SAFETY: a string from the library, NUL-terminated at len.
    unsafe {
        assert_eq!(
            std::ffi::CStr::from_ptr(s).to_bytes().len(),
            len,
            "out_len differs from the string"
        );
        encours_string_free(s);
    }
}

fuzz_target!(|call: Call| {
    // SAFETY (all the calls): every non-NULL pointer given is valid for the length
    // given with it, as the C contract asks of a caller.
    unsafe { run(call) }
});

unsafe fn run(call: Call) {
    unsafe {
        match call {
            Call::LedgerJson {
                json,
                null_out,
                ops,
            } => {
                let (ptr_, len) = json.parts(LEDGER);
                let mut ledger: *mut encours_ledger = ptr::null_mut();
                let out = if null_out {
                    ptr::null_mut()
                } else {
                    &mut ledger as *mut _
                };
                if ok(encours_ledger_from_json(ptr_, len, out)) {
                    assert!(!ledger.is_null());
                    for op in ops.iter().take(16) {
                        ledger_op(ledger, op);
                    }
                    let (mut s, mut n) = (ptr::null_mut(), 0usize);
                    if ok(encours_ledger_to_json(ledger, &mut s, &mut n)) {
                        // What it writes, it reads back.
                        let text = std::ffi::CStr::from_ptr(s).to_bytes().to_vec();
                        take(s, n);
                        let mut again: *mut encours_ledger = ptr::null_mut();
                        assert!(
                            ok(encours_ledger_from_json(
                                text.as_ptr().cast(),
                                text.len(),
                                &mut again
                            )),
                            "the ledger's own JSON is refused"
                        );
                        encours_ledger_free(again);
                    }
                }
                encours_ledger_free(ledger);
            }
            Call::LedgerRecords {
                customers,
                items,
                apps,
                null_arrays,
            } => {
                let c_strings: Vec<_> = customers
                    .iter()
                    .map(|c| {
                        [
                            c.id.owned(),
                            c.name.owned(),
                            c.currency.owned(),
                            c.parent.owned(),
                            c.terms.owned(),
                            c.calendar.owned(),
                        ]
                    })
                    .collect();
                let c_recs: Vec<encours_customer_rec> = customers
                    .iter()
                    .zip(&c_strings)
                    .map(|(c, s)| encours_customer_rec {
                        id: p(&s[0]),
                        name: p(&s[1]),
                        currency: p(&s[2]),
                        segment: ptr::null(),
                        parent: p(&s[3]),
                        country: ptr::null(),
                        payment_terms: p(&s[4]),
                        calendar: p(&s[5]),
                        has_credit_limit: c.has_limit,
                        credit_limit_minor: c.limit,
                    })
                    .collect();
                let i_strings: Vec<_> = items.iter().map(item_strings).collect();
                let i_recs: Vec<encours_item_rec> = items
                    .iter()
                    .zip(&i_strings)
                    .map(|(i, s)| item_rec(i, s))
                    .collect();
                let a_strings: Vec<_> = apps.iter().map(app_strings).collect();
                let a_recs: Vec<encours_application_rec> = apps
                    .iter()
                    .zip(&a_strings)
                    .map(|(a, s)| app_rec(a, s))
                    .collect();
                let arr = |v: *const u8| if null_arrays { ptr::null() } else { v };
                let mut ledger = ptr::null_mut();
                if ok(encours_ledger_from_records(
                    arr(c_recs.as_ptr().cast()).cast(),
                    c_recs.len(),
                    arr(i_recs.as_ptr().cast()).cast(),
                    i_recs.len(),
                    ptr::null(),
                    0,
                    arr(a_recs.as_ptr().cast()).cast(),
                    a_recs.len(),
                    &mut ledger,
                )) {
                    let (mut nc, mut ni) = (0usize, 0usize);
                    assert!(ok(encours_ledger_counts(
                        ledger,
                        &mut nc,
                        &mut ni,
                        ptr::null_mut(),
                        ptr::null_mut()
                    )));
                    assert_eq!((nc, ni), (c_recs.len(), i_recs.len()));
                }
                encours_ledger_free(ledger);
            }
            Call::Terms {
                text,
                eom,
                json,
                date,
                order,
                amount,
                currency,
            } => {
                let text = text.owned();
                let currency = currency.owned();
                for terms_of in [0, 1] {
                    let mut terms = ptr::null_mut();
                    let made = if terms_of == 0 {
                        encours_terms_parse(p(&text), eom, &mut terms)
                    } else {
                        let (j, n) = json
                            .parts(r#"{"lines":[{"share":"100","due":{"rule":"net","days":30}}]}"#);
                        encours_terms_from_json(j, n, &mut terms)
                    };
                    if !ok(made) {
                        continue;
                    }
                    let (mut s, mut n) = (ptr::null_mut(), 0usize);
                    if ok(encours_terms_to_string(terms, &mut s, &mut n)) {
                        take(s, n);
                    }
                    if ok(encours_terms_to_json(terms, &mut s, &mut n)) {
                        take(s, n);
                    }
                    let mut due = 0i32;
                    let _ = ok(encours_terms_due_date(terms, date, &mut due));
                    let order_ptr = order.as_ref().map_or(ptr::null(), |o| o as *const i32);
                    if ok(encours_terms_due_schedule_json(
                        terms,
                        date,
                        order_ptr,
                        amount,
                        p(&currency),
                        &mut s,
                        &mut n,
                    )) {
                        take(s, n);
                    }
                    if ok(encours_terms_early_payment_discount_json(
                        terms,
                        date,
                        amount,
                        p(&currency),
                        &mut s,
                        &mut n,
                    )) {
                        take(s, n);
                    }
                    if ok(encours_terms_lme_check_json(terms, date, &mut s, &mut n)) {
                        take(s, n);
                    }
                    encours_terms_free(terms);
                }
            }
            Call::Calendar {
                code,
                json,
                date,
                n,
                roll,
                to,
            } => {
                let code = code.owned();
                let mut cals = [ptr::null_mut(), ptr::null_mut()];
                let _ = ok(encours_calendar_builtin(p(&code), &mut cals[0]));
                let (j, len) = json.parts(r#"{"name":"X","weekend":["sat","sun"]}"#);
                let _ = ok(encours_calendar_from_json(j, len, &mut cals[1]));
                for cal in cals {
                    if cal.is_null() {
                        continue;
                    }
                    let (mut b, mut d) = (false, 0i32);
                    let _ = ok(encours_calendar_is_business_day(cal, date, &mut b));
                    let _ = ok(encours_calendar_is_holiday(cal, date, &mut b));
                    let _ = ok(encours_calendar_roll(cal, date, roll, &mut d));
                    let _ = ok(encours_calendar_add_business_days(cal, date, n, &mut d));
                    let _ = ok(encours_calendar_business_days_between(
                        cal, date, to, &mut d,
                    ));
                    let (mut s, mut sl) = (ptr::null_mut(), 0usize);
                    if ok(encours_calendar_holidays_json(
                        cal, date, to, &mut s, &mut sl,
                    )) {
                        take(s, sl);
                    }
                    if ok(encours_calendar_day_kind_json(cal, date, &mut s, &mut sl)) {
                        take(s, sl);
                    }
                    if ok(encours_calendar_to_json(cal, &mut s, &mut sl)) {
                        take(s, sl);
                    }
                    encours_calendar_free(cal);
                }
            }
            Call::Dunning {
                config,
                history,
                promises,
                tables,
                as_of,
            } => {
                let mut ledger = ptr::null_mut();
                assert!(ok(encours_ledger_from_json(
                    LEDGER.as_ptr().cast(),
                    LEDGER.len(),
                    &mut ledger
                )));
                let (c, cl) = config.parts(CONFIG);
                let (h, hl) = history
                    .as_ref()
                    .map_or((ptr::null(), 0), |t| t.parts(r#"{"entries":[]}"#));
                let (pr, pl) = promises
                    .as_ref()
                    .map_or((ptr::null(), 0), |t| t.parts("[]"));
                let (mut s, mut n) = (ptr::null_mut(), 0usize);
                if ok(encours_dunning_plan_json(
                    ledger, c, cl, h, hl, pr, pl, as_of, &mut s, &mut n,
                )) {
                    // Recording the plan into the history it was planned with.
                    let plan = std::ffi::CStr::from_ptr(s).to_bytes().to_vec();
                    take(s, n);
                    if ok(encours_dunning_history_record_json(
                        h,
                        hl,
                        plan.as_ptr().cast(),
                        plan.len(),
                        &mut s,
                        &mut n,
                    )) {
                        take(s, n);
                    }
                }
                let mut options = ptr::null_mut();
                assert!(ok(encours_dunning_options_new(&mut options)));
                if let Some(t) = &tables {
                    let (tp, tl) = t.parts("[]");
                    let _ = ok(encours_dunning_options_set_rate_tables_json(
                        options, tp, tl,
                    ));
                }
                let _ = ok(encours_dunning_options_set_promises_json(options, pr, pl));
                if ok(encours_dunning_plan_with_options_json(
                    ledger, c, cl, h, hl, options, as_of, &mut s, &mut n,
                )) {
                    take(s, n);
                }
                encours_dunning_options_free(options);
                encours_ledger_free(ledger);
            }
            Call::Interest {
                jurisdiction,
                principal,
                currency,
                due,
                until,
                rule,
                tables,
            } => {
                let currency = currency.owned();
                let (r, rl) =
                    rule.parts(r#"{"rate":{"kind":"statutory","jurisdiction":"france"}}"#);
                let (t, tl) = tables.as_ref().map_or((ptr::null(), 0), |t| t.parts("[]"));
                let (mut s, mut n) = (ptr::null_mut(), 0usize);
                if ok(encours_interest_compute_json(
                    principal,
                    p(&currency),
                    due,
                    until,
                    r,
                    rl,
                    t,
                    tl,
                    &mut s,
                    &mut n,
                )) {
                    take(s, n);
                }
                if ok(encours_interest_statutory_json(
                    jurisdiction,
                    principal,
                    p(&currency),
                    due,
                    until,
                    &mut s,
                    &mut n,
                )) {
                    take(s, n);
                }
                let mut m = std::mem::zeroed::<encours_money>();
                let _ = ok(encours_interest_recovery_indemnity(
                    jurisdiction,
                    principal,
                    p(&currency),
                    &mut m,
                ));
            }
            Call::Money {
                text,
                currency,
                mode,
                total,
                weights,
                null_weights,
                parts,
                remainder,
                out_len,
            } => {
                let (text, currency) = (text.owned(), currency.owned());
                let mut m = std::mem::zeroed::<encours_money>();
                let mut units = 0u32;
                let _ = ok(encours_currency_minor_units(p(&currency), &mut units));
                if ok(encours_money_parse(p(&text), p(&currency), &mut m)) {
                    let mut buf = vec![0u8; usize::from(out_len)];
                    let mut n = 0usize;
                    let _ = ok(encours_money_format(
                        &m,
                        buf.as_mut_ptr().cast(),
                        buf.len(),
                        &mut n,
                    ));
                }
                let _ = ok(encours_money_round(p(&text), p(&currency), mode, &mut m));
                let mut out = vec![std::mem::zeroed::<encours_money>(); usize::from(out_len)];
                let w = if null_weights {
                    ptr::null()
                } else {
                    weights.as_ptr()
                };
                if ok(encours_money_allocate(
                    total,
                    p(&currency),
                    w,
                    weights.len(),
                    remainder,
                    out.as_mut_ptr(),
                    out.len(),
                )) {
                    let sum: i128 = out
                        .iter()
                        .take(weights.len())
                        .map(|m| i128::from(m.minor))
                        .sum();
                    assert_eq!(sum, i128::from(total), "allocation does not add back");
                }
                if ok(encours_money_split(
                    total,
                    p(&currency),
                    usize::from(parts),
                    remainder,
                    out.as_mut_ptr(),
                    out.len(),
                )) {
                    let sum: i128 = out
                        .iter()
                        .take(usize::from(parts))
                        .map(|m| i128::from(m.minor))
                        .sum();
                    assert_eq!(sum, i128::from(total), "split does not add back");
                }
            }
            Call::Date {
                year,
                month,
                day,
                days,
                iso,
                buf_len,
            } => {
                let mut d = 0i32;
                if ok(encours_date_from_ymd(year, month, day, &mut d)) {
                    let (mut y, mut mo, mut da) = (0i32, 0u32, 0u32);
                    assert!(ok(encours_date_to_ymd(d, &mut y, &mut mo, &mut da)));
                    assert_eq!((y, mo, da), (year, month, day));
                }
                let (mut y, mut mo, mut da) = (0i32, 0u32, 0u32);
                let _ = ok(encours_date_to_ymd(days, &mut y, &mut mo, &mut da));
                let iso = iso.owned();
                let _ = ok(encours_date_parse(p(&iso), &mut d));
                let mut buf = vec![0u8; usize::from(buf_len)];
                let mut n = 0usize;
                let _ = ok(encours_date_format(
                    days,
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    &mut n,
                ));
                let _ = ok(encours_date_format(days, ptr::null_mut(), 0, &mut n));
            }
            Call::Letters {
                template,
                key,
                language,
                action,
                sender,
            } => {
                let (key, sender) = (key.owned(), sender.owned());
                let mut letters = ptr::null_mut();
                assert!(ok(encours_letters_new_default(&mut letters)));
                let (t, tl) =
                    template.parts("Subject: {{ customer_name }}\n{{ total_due | money }}");
                // Small templates only: their limits are another issue's.
                if tl <= 384 {
                    let _ = ok(encours_letters_set_template(
                        letters,
                        language,
                        p(&key),
                        t,
                        tl,
                    ));
                }
                let (a, al) = action.parts("{}");
                let (mut s, mut n) = (ptr::null_mut(), 0usize);
                if ok(encours_letters_render_json(
                    letters,
                    a,
                    al,
                    language,
                    p(&sender),
                    ptr::null(),
                    &mut s,
                    &mut n,
                )) {
                    take(s, n);
                }
                if ok(encours_letters_template_source(
                    letters,
                    language,
                    p(&key),
                    &mut s,
                    &mut n,
                )) {
                    take(s, n);
                }
                encours_letters_free(letters);
            }
        }
    }
}

fn item_strings(i: &ItemRec) -> [Option<CString>; 4] {
    [
        i.id.owned(),
        i.customer.owned(),
        i.currency.owned(),
        i.reference.owned(),
    ]
}

fn item_rec(i: &ItemRec, s: &[Option<CString>; 4]) -> encours_item_rec {
    encours_item_rec {
        id: p(&s[0]),
        customer_id: p(&s[1]),
        kind: i.kind,
        issue_date: i.issue,
        due_date: i.due,
        amount_minor: i.amount,
        currency: p(&s[2]),
        reference: p(&s[3]),
    }
}

fn app_strings(a: &AppRec) -> [Option<CString>; 3] {
    [a.source.owned(), a.item.owned(), a.currency.owned()]
}

fn app_rec(a: &AppRec, s: &[Option<CString>; 3]) -> encours_application_rec {
    encours_application_rec {
        source_kind: a.source_kind,
        source_id: p(&s[0]),
        item_id: p(&s[1]),
        date: a.date,
        amount_minor: a.amount,
        currency: p(&s[2]),
        rule: a.rule,
    }
}

unsafe fn ledger_op(ledger: *mut encours_ledger, op: &LedgerOp) {
    unsafe {
        let (mut s, mut n) = (ptr::null_mut(), 0usize);
        match op {
            LedgerOp::Apply {
                payment,
                item,
                amount,
                currency,
                date,
                credit_note,
            } => {
                let (a, b, c) = (payment.owned(), item.owned(), currency.owned());
                let f = if *credit_note {
                    encours_ledger_apply_credit_note
                } else {
                    encours_ledger_apply_payment
                };
                let _ = ok(f(ledger, p(&a), p(&b), *amount, p(&c), *date));
            }
            LedgerOp::Auto { payment, want_json } => {
                let a = payment.owned();
                let out = if *want_json {
                    &mut s as *mut _
                } else {
                    ptr::null_mut()
                };
                if ok(encours_ledger_auto_apply(ledger, p(&a), out, &mut n)) && *want_json {
                    take(s, n);
                }
            }
            LedgerOp::Net { customer } => {
                let a = customer.owned();
                if ok(encours_ledger_net_credit_notes(
                    ledger,
                    p(&a),
                    &mut s,
                    &mut n,
                )) {
                    take(s, n);
                }
            }
            LedgerOp::Figure {
                id,
                as_of,
                which,
                buf_len,
            } => {
                let a = id.owned();
                let mut m = std::mem::zeroed::<encours_money>();
                let mut buf = vec![0u8; usize::from(*buf_len)];
                let _ = match which % 5 {
                    0 => ok(encours_ledger_open_amount(ledger, p(&a), *as_of, &mut m)),
                    1 => ok(encours_ledger_unapplied_amount(
                        ledger,
                        p(&a),
                        *as_of,
                        &mut m,
                    )),
                    2 => ok(encours_ledger_balance(ledger, p(&a), *as_of, &mut m)),
                    3 => ok(encours_ledger_open_amount_str(
                        ledger,
                        p(&a),
                        *as_of,
                        buf.as_mut_ptr().cast(),
                        buf.len(),
                        &mut n,
                    )),
                    _ => ok(encours_ledger_balance_str(
                        ledger,
                        p(&a),
                        *as_of,
                        buf.as_mut_ptr().cast(),
                        buf.len(),
                        &mut n,
                    )),
                };
            }
            LedgerOp::Index {
                index,
                item,
                buf_len,
            } => {
                let mut buf = vec![0u8; usize::from(*buf_len)];
                let f = if *item {
                    encours_ledger_item_id
                } else {
                    encours_ledger_customer_id
                };
                let _ = ok(f(
                    ledger,
                    *index,
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    &mut n,
                ));
            }
            LedgerOp::Aging {
                as_of,
                edges,
                group_by,
            } => {
                let e = if edges.is_empty() {
                    ptr::null()
                } else {
                    edges.as_ptr()
                };
                if ok(encours_aging_json(
                    ledger,
                    *as_of,
                    e,
                    edges.len(),
                    *group_by,
                    &mut s,
                    &mut n,
                )) {
                    take(s, n);
                }
            }
            LedgerOp::Metrics {
                as_of,
                days,
                group_by,
            } => {
                if ok(encours_dso_simple_json(
                    ledger, *as_of, *days, *group_by, &mut s, &mut n,
                )) {
                    take(s, n);
                }
                if ok(encours_dso_count_back_json(
                    ledger, *as_of, *group_by, &mut s, &mut n,
                )) {
                    take(s, n);
                }
                if ok(encours_payment_behaviour_json(
                    ledger, *as_of, *days, *group_by, &mut s, &mut n,
                )) {
                    take(s, n);
                }
                let mut summary = ptr::null_mut();
                if ok(encours_summary_new(
                    ledger,
                    *as_of,
                    ptr::null(),
                    0,
                    *group_by,
                    ptr::null(),
                    0,
                    ptr::null(),
                    0,
                    &mut summary,
                )) {
                    if ok(encours_summary_to_json(summary, &mut s, &mut n)) {
                        take(s, n);
                    }
                }
                encours_summary_free(summary);
            }
            LedgerOp::AddItem(i) => {
                let strings = item_strings(i);
                let rec = item_rec(i, &strings);
                let _ = ok(encours_ledger_add_item(ledger, &rec));
            }
            LedgerOp::Record(a) => {
                let strings = app_strings(a);
                let rec = app_rec(a, &strings);
                let _ = ok(encours_ledger_record_application(ledger, &rec));
            }
        }
    }
}
