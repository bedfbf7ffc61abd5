//! The ledger as a state machine: random sequences of events (customers, invoices,
//! credit notes, payments, explicit applications, automatic cash application, credit
//! note netting) on a ledger, then its invariants:
//!
//! - a failed event leaves the ledger as it was;
//! - money is conserved: on every day, a customer's balance is what was invoiced less
//!   what was credited and paid up to that day, whatever was applied to what;
//! - every open amount is between zero and the item's amount, every unapplied amount
//!   between zero and the payment's;
//! - the view as of a day equals the ledger rebuilt from the records dated up to that
//!   day (the "as of" promise of DESIGN.md);
//! - the ledger reads back from its JSON form to an equal ledger.
//!
//! Only the ledger's public API is used, so a new storage keeps the target valid.
#![no_main]

use arbitrary::Arbitrary;
use chrono::NaiveDate;
use encours_core::ledger::{Application, Customer, Item, ItemKind, Ledger, Payment, Source};
use encours_core::money::{Currency, Money};
use encours_fuzz::day;
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

#[derive(Debug, Arbitrary)]
enum Amount {
    /// Most amounts: up to 655.35 EUR.
    Small(u16),
    /// Any count of minor units, extremes included.
    Any(i64),
}

impl Amount {
    fn money(&self, currency: Currency) -> Money {
        match *self {
            Amount::Small(m) => Money::from_minor(i64::from(m), currency),
            Amount::Any(m) => Money::from_minor(m, currency),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Event {
    Customer {
        id: u8,
        currency: u8,
        parent: Option<u8>,
    },
    Invoice {
        id: u8,
        customer: u8,
        issue: u16,
        due_in: u8,
        amount: Amount,
        reference: bool,
    },
    CreditNote {
        id: u8,
        customer: u8,
        issue: u16,
        amount: Amount,
    },
    Payment {
        id: u8,
        customer: u8,
        date: u16,
        amount: Amount,
        reference: Option<u8>,
    },
    ApplyPayment {
        payment: u8,
        item: u8,
        amount: Amount,
        date: u16,
    },
    ApplyCreditNote {
        credit_note: u8,
        item: u8,
        amount: Amount,
        date: u16,
    },
    AutoApply {
        payment: u8,
    },
    NetCreditNotes {
        customer: u8,
    },
}

fn customer_id(n: u8) -> String {
    format!("C{}", n % 3)
}
fn item_id(n: u8) -> String {
    format!("I{}", n % 10)
}
fn payment_id(n: u8) -> String {
    format!("P{}", n % 6)
}
/// Dates within ~8 months, so items, payments and applications meet.
fn date(n: u16) -> NaiveDate {
    day(n % 240)
}
fn currency(n: u8) -> Currency {
    [Currency::EUR, Currency::JPY, Currency::KWD][usize::from(n % 3)]
}

/// The currency of an existing customer, else EUR (the ledger refuses the event anyway).
fn currency_of(ledger: &Ledger, customer: &str) -> Currency {
    ledger
        .customer(customer)
        .map_or(Currency::EUR, |c| c.currency)
}

fn apply(ledger: &mut Ledger, event: &Event) -> bool {
    match event {
        Event::Customer {
            id,
            currency: c,
            parent,
        } => {
            let mut customer = Customer::new(customer_id(*id), "fuzz", currency(*c));
            customer.parent = parent.map(customer_id);
            ledger.add_customer(customer).is_ok()
        }
        Event::Invoice {
            id,
            customer,
            issue,
            due_in,
            amount,
            reference,
        } => {
            let cid = customer_id(*customer);
            let cur = currency_of(ledger, &cid);
            let issue = date(*issue);
            let due = issue + chrono::Days::new(u64::from(*due_in));
            let mut item = Item::invoice(item_id(*id), cid, issue, due, amount.money(cur));
            if *reference {
                item.reference = Some(format!("REF-{id}"));
            }
            ledger.add_item(item).is_ok()
        }
        Event::CreditNote {
            id,
            customer,
            issue,
            amount,
        } => {
            let cid = customer_id(*customer);
            let cur = currency_of(ledger, &cid);
            let item = Item::credit_note(item_id(*id), cid, date(*issue), amount.money(cur));
            ledger.add_item(item).is_ok()
        }
        Event::Payment {
            id,
            customer,
            date: d,
            amount,
            reference,
        } => {
            let cid = customer_id(*customer);
            let cur = currency_of(ledger, &cid);
            let mut p = Payment::new(payment_id(*id), cid, date(*d), amount.money(cur));
            p.reference = reference.map(|r| {
                if r % 2 == 0 {
                    item_id(r)
                } else {
                    format!("REF-{r}")
                }
            });
            ledger.add_payment(p).is_ok()
        }
        Event::ApplyPayment {
            payment,
            item,
            amount,
            date: d,
        } => {
            let pid = payment_id(*payment);
            let cur = ledger
                .payment(&pid)
                .map_or(Currency::EUR, |p| p.amount.currency());
            ledger
                .apply_payment(&pid, &item_id(*item), amount.money(cur), date(*d))
                .is_ok()
        }
        Event::ApplyCreditNote {
            credit_note,
            item,
            amount,
            date: d,
        } => {
            let cid = item_id(*credit_note);
            let cur = ledger
                .item(&cid)
                .map_or(Currency::EUR, |i| i.amount.currency());
            ledger
                .apply_credit_note(&cid, &item_id(*item), amount.money(cur), date(*d))
                .is_ok()
        }
        Event::AutoApply { payment } => {
            let pid = payment_id(*payment);
            let Some(p) = ledger.payment(&pid) else {
                assert!(
                    ledger.auto_apply(&pid).is_err(),
                    "auto_apply of an unknown payment succeeded"
                );
                return false;
            };
            let before = ledger.applications().len();
            let Ok(before_left) = ledger.unapplied_amount(&pid, p.date) else {
                panic!("unapplied_amount of a known payment failed");
            };
            let Ok(made) = ledger.auto_apply(&pid) else {
                return false;
            };
            assert_eq!(
                ledger.applications().len(),
                before + made.len(),
                "auto_apply recorded other than it returned"
            );
            let total: Decimal = made.iter().map(|a| a.amount.amount()).sum();
            let Ok(after_left) = ledger.unapplied_amount(&pid, p.date) else {
                panic!("unapplied_amount of a known payment failed");
            };
            assert_eq!(
                before_left.amount() - after_left.amount(),
                total,
                "auto_apply's applications do not match what left the payment"
            );
            for a in &made {
                assert_eq!(a.source, Source::Payment(pid.clone()));
                assert!(
                    a.amount.is_positive(),
                    "auto_apply made a non-positive application {a:?}"
                );
            }
            true
        }
        Event::NetCreditNotes { customer } => {
            let before = ledger.applications().len();
            match ledger.net_credit_notes(&customer_id(*customer)) {
                Ok(made) => {
                    assert_eq!(
                        ledger.applications().len(),
                        before + made.len(),
                        "net_credit_notes recorded other than it returned"
                    );
                    true
                }
                Err(_) => false,
            }
        }
    }
}

fuzz_target!(|events: Vec<Event>| {
    if events.len() > 64 {
        return;
    }
    let mut ledger = Ledger::default();
    for event in &events {
        let before = ledger.clone();
        if !apply(&mut ledger, event) {
            assert!(ledger == before, "a refused {event:?} changed the ledger");
        }
    }
    check(&ledger);
});

fn check(ledger: &Ledger) {
    // Round trip through JSON.
    let json = match serde_json::to_string(ledger) {
        Ok(j) => j,
        Err(e) => panic!("the ledger does not serialize: {e}"),
    };
    match serde_json::from_str::<Ledger>(&json) {
        Ok(back) => assert!(back == *ledger, "the ledger changed through JSON: {json}"),
        Err(e) => panic!("the ledger does not read back its JSON: {e}\n{json}"),
    }
    // Every day something happened, the day before, and the far ends.
    let mut days: Vec<NaiveDate> = ledger.items().iter().map(|i| i.issue_date).collect();
    days.extend(ledger.payments().iter().map(|p| p.date));
    days.extend(ledger.applications().iter().map(|a| a.date));
    days.extend(days.clone().iter().filter_map(|d| d.pred_opt()));
    days.extend([NaiveDate::MIN, NaiveDate::MAX]);
    days.sort_unstable();
    days.dedup();
    for &d in &days {
        check_day(ledger, d);
    }
}

fn check_day(ledger: &Ledger, d: NaiveDate) {
    for item in ledger.items() {
        let Ok(open) = ledger.open_amount(&item.id, d) else {
            panic!("open_amount of known item {} failed", item.id);
        };
        assert!(
            !open.is_negative() && open.amount() <= item.amount.amount(),
            "item {} open {open} on {d}, amount {}",
            item.id,
            item.amount
        );
        if d < item.issue_date {
            assert!(
                open.is_zero(),
                "item {} open {open} on {d}, before its issue date",
                item.id
            );
        }
    }
    for p in ledger.payments() {
        let Ok(left) = ledger.unapplied_amount(&p.id, d) else {
            panic!("unapplied_amount of known payment {} failed", p.id);
        };
        assert!(
            !left.is_negative() && left.amount() <= p.amount.amount(),
            "payment {} unapplied {left} on {d}, amount {}",
            p.id,
            p.amount
        );
    }
    // Conservation.
    for c in ledger.customers() {
        let mut expected = Some(Decimal::ZERO);
        for i in ledger
            .items()
            .iter()
            .filter(|i| i.customer_id == c.id && i.issue_date <= d)
        {
            expected = expected.and_then(|e| {
                if i.kind == ItemKind::CreditNote {
                    e.checked_sub(i.amount.amount())
                } else {
                    e.checked_add(i.amount.amount())
                }
            });
        }
        for p in ledger
            .payments()
            .iter()
            .filter(|p| p.customer_id == c.id && p.date <= d)
        {
            expected = expected.and_then(|e| e.checked_sub(p.amount.amount()));
        }
        match (ledger.balance(&c.id, d), expected) {
            (Ok(balance), Some(e)) => assert_eq!(
                balance.amount(),
                e,
                "balance of {} on {d} is not invoiced - credited - paid",
                c.id
            ),
            (Ok(balance), None) => panic!(
                "balance of {} on {d} is {balance} although the sum overflows",
                c.id
            ),
            (Err(_), _) => {}
        }
    }
    // As of d equals rebuilt from what is dated up to d.
    let rebuilt = Ledger::new(
        ledger.customers().to_vec(),
        ledger
            .items()
            .iter()
            .filter(|i| i.issue_date <= d)
            .cloned()
            .collect(),
        ledger
            .payments()
            .iter()
            .filter(|p| p.date <= d)
            .cloned()
            .collect(),
        ledger
            .applications()
            .iter()
            .filter(|a| a.date <= d)
            .cloned()
            .collect::<Vec<Application>>(),
    );
    let rebuilt = match rebuilt {
        Ok(r) => r,
        Err(e) => panic!("the records dated up to {d} do not rebuild a ledger: {e}"),
    };
    for item in rebuilt.items() {
        assert_eq!(
            rebuilt.open_amount(&item.id, d).ok(),
            ledger.open_amount(&item.id, d).ok(),
            "open amount of {} on {d}: rebuilt vs as of",
            item.id
        );
    }
    for p in rebuilt.payments() {
        assert_eq!(
            rebuilt.unapplied_amount(&p.id, d).ok(),
            ledger.unapplied_amount(&p.id, d).ok(),
            "unapplied of {} on {d}: rebuilt vs as of",
            p.id
        );
    }
    for c in ledger.customers() {
        assert_eq!(
            rebuilt.balance(&c.id, d).ok(),
            ledger.balance(&c.id, d).ok(),
            "balance of {} on {d}: rebuilt vs as of",
            c.id
        );
    }
}
