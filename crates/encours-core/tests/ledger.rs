//! What the ledger promises: every invariant refused with a pinned message, cash
//! application by explicit choice, reference, exact amount and oldest due date,
//! balances and *as of* views, and (as properties) conservation of money, as-of
//! consistency and an exact JSON round trip. The JSON form is pinned by a golden file
//! and by the examples of `docs/json-format.md`.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{Days, NaiveDate};
use encours_core::ledger::{
    Application, Block, Customer, Dispute, ExternalScore, Item, ItemKind, ItemState, Ledger,
    LedgerData, LedgerError, MatchRule, Payment, Source,
};
use encours_core::money::{Currency, Money, MultiCurrency};
use proptest::prelude::*;
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn eur(s: &str) -> Money {
    Money::parse(s, Currency::EUR).unwrap()
}

fn xpt3() -> Currency {
    Currency::custom("XPT", 3).unwrap()
}

fn err<T: std::fmt::Debug>(r: Result<T, LedgerError>) -> String {
    r.unwrap_err().to_string()
}

fn customer(id: &str) -> Customer {
    Customer::new(id, format!("Customer {id}"), Currency::EUR)
}

fn invoice(id: &str, customer: &str, issue: &str, due: &str, amount: &str) -> Item {
    Item::invoice(id, customer, d(issue), d(due), eur(amount))
}

fn payment(id: &str, customer: &str, date: &str, amount: &str) -> Payment {
    Payment::new(id, customer, d(date), eur(amount))
}

fn app(source: Source, item: &str, date: &str, amount: &str) -> Application {
    Application {
        source,
        item_id: item.into(),
        date: d(date),
        amount: eur(amount),
        rule: MatchRule::Explicit,
    }
}

fn pay(id: &str) -> Source {
    Source::Payment(id.into())
}

fn credit(id: &str) -> Source {
    Source::CreditNote(id.into())
}

/// Two EUR customers: C1 with invoices F1 (100.00, issued 2024-01-10) and F2 (50.00),
/// a credit note A1 (30.00, 2024-01-20) and a payment P1 (80.00, 2024-01-15); C2 with
/// invoice G1 and payment P2.
fn base() -> Ledger {
    Ledger::new(
        vec![customer("C1"), customer("C2")],
        vec![
            invoice("F1", "C1", "2024-01-10", "2024-02-09", "100.00"),
            invoice("F2", "C1", "2024-01-12", "2024-02-11", "50.00"),
            Item::credit_note("A1", "C1", d("2024-01-20"), eur("30.00")),
            invoice("G1", "C2", "2024-01-10", "2024-02-09", "70.00"),
        ],
        vec![
            payment("P1", "C1", "2024-01-15", "80.00"),
            payment("P2", "C2", "2024-01-15", "70.00"),
        ],
        vec![],
    )
    .unwrap()
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------
// Validation: every invariant, each message pinned
// ---------------------------------------------------------------------------------

#[test]
fn duplicate_ids_are_refused() {
    assert_eq!(
        err(Ledger::new(
            vec![customer("C1"), customer("C1")],
            vec![],
            vec![],
            vec![]
        )),
        "duplicate customer id \"C1\""
    );
    let mut l = base();
    assert_eq!(
        err(l.add_item(invoice("F1", "C1", "2024-01-10", "2024-01-10", "1.00"))),
        "duplicate item id \"F1\""
    );
    // A credit note shares the item namespace.
    assert_eq!(
        err(l.add_item(Item::credit_note("F2", "C1", d("2024-01-10"), eur("1.00")))),
        "duplicate item id \"F2\""
    );
    assert_eq!(
        err(l.add_payment(payment("P1", "C2", "2024-01-10", "1.00"))),
        "duplicate payment id \"P1\""
    );
    assert_eq!(
        err(l.add_customer(customer("C2"))),
        "duplicate customer id \"C2\""
    );
    // Items and payments are separate namespaces.
    l.add_payment(payment("F1", "C1", "2024-01-10", "1.00"))
        .unwrap();
}

#[test]
fn unknown_references_are_refused() {
    let mut l = base();
    assert_eq!(
        err(l.add_item(invoice("F9", "C9", "2024-01-10", "2024-01-10", "1.00"))),
        "unknown customer \"C9\" referenced by item \"F9\""
    );
    assert_eq!(
        err(l.add_payment(payment("P9", "C9", "2024-01-10", "1.00"))),
        "unknown customer \"C9\" referenced by payment \"P9\""
    );
    assert_eq!(
        err(l.apply_payment("P1", "F9", eur("1.00"), d("2024-01-15"))),
        "unknown item \"F9\" referenced by application from payment \"P1\""
    );
    assert_eq!(
        err(l.apply_credit_note("A1", "F9", eur("1.00"), d("2024-01-20"))),
        "unknown item \"F9\" referenced by application from credit note \"A1\""
    );
    assert_eq!(
        err(l.apply_payment("P9", "F1", eur("1.00"), d("2024-01-15"))),
        "unknown payment \"P9\" referenced by application to item \"F1\""
    );
    assert_eq!(
        err(l.apply_credit_note("A9", "F1", eur("1.00"), d("2024-01-20"))),
        "unknown item \"A9\" referenced by application to item \"F1\""
    );
    assert_eq!(
        err(l.auto_apply("P9")),
        "unknown payment \"P9\" referenced by auto_apply"
    );
    assert_eq!(
        err(l.net_credit_notes("C9")),
        "unknown customer \"C9\" referenced by net_credit_notes"
    );
    assert_eq!(
        err(l.balance("C9", d("2024-01-01"))),
        "unknown customer \"C9\" referenced by balance"
    );
    assert_eq!(
        err(l.open_amount("F9", d("2024-01-01"))),
        "unknown item \"F9\" referenced by open_amount"
    );
    assert_eq!(
        err(l.unapplied_amount("P9", d("2024-01-01"))),
        "unknown payment \"P9\" referenced by unapplied_amount"
    );
    let mut child = customer("C3");
    child.parent = Some("G9".into());
    assert_eq!(
        err(l.add_customer(child.clone())),
        "unknown customer \"G9\" referenced by parent of customer \"C3\""
    );
    assert_eq!(
        err(Ledger::new(vec![child], vec![], vec![], vec![])),
        "unknown customer \"G9\" referenced by parent of customer \"C3\""
    );
}

#[test]
fn non_positive_amounts_are_refused() {
    let mut l = base();
    assert_eq!(
        err(l.add_item(invoice("F9", "C1", "2024-01-10", "2024-01-10", "0.00"))),
        "invalid amount of item \"F9\": 0.00 (a positive amount)"
    );
    assert_eq!(
        err(l.add_item(Item::credit_note("A9", "C1", d("2024-01-10"), eur("-5.00")))),
        "invalid amount of item \"A9\": -5.00 (a positive amount)"
    );
    assert_eq!(
        err(l.add_payment(payment("P9", "C1", "2024-01-10", "-0.01"))),
        "invalid amount of payment \"P9\": -0.01 (a positive amount)"
    );
    assert_eq!(
        err(l.apply_payment("P1", "F1", eur("0"), d("2024-01-15"))),
        "invalid amount of application \"P1 to F1\": 0 (a positive amount)"
    );
    assert_eq!(
        err(l.apply_credit_note("A1", "F1", eur("-1.00"), d("2024-01-20"))),
        "invalid amount of application \"A1 to F1\": -1.00 (a positive amount)"
    );
    let mut c = customer("C3");
    c.credit_limit = Some(eur("-1.00"));
    assert_eq!(
        err(l.add_customer(c)),
        "invalid credit_limit of customer \"C3\": -1.00 EUR (a non-negative amount in EUR with at most 2 decimals)"
    );
    // A zero credit limit is a real decision (cash in advance), not an error.
    let mut c = customer("C4");
    c.credit_limit = Some(eur("0.00"));
    l.add_customer(c).unwrap();
}

#[test]
fn wrong_currencies_are_refused() {
    let mut l = base();
    let usd = Money::parse("10.00", Currency::USD).unwrap();
    assert_eq!(
        err(l.add_item(Item::invoice(
            "F9",
            "C1",
            d("2024-01-10"),
            d("2024-01-10"),
            usd
        ))),
        "invalid currency of item \"F9\": USD (EUR, the customer's currency)"
    );
    assert_eq!(
        err(l.add_payment(Payment::new("P9", "C1", d("2024-01-10"), usd))),
        "invalid currency of payment \"P9\": USD (EUR, the customer's currency)"
    );
    assert_eq!(
        err(l.apply_payment("P1", "F1", usd, d("2024-01-15"))),
        "invalid currency of application \"P1 to F1\": USD (EUR, the customer's currency)"
    );
    let mut c = customer("C3");
    c.credit_limit = Some(eur("5000.001"));
    assert_eq!(
        err(l.add_customer(c.clone())),
        "invalid credit_limit of customer \"C3\": 5000.001 EUR (a non-negative amount in EUR with at most 2 decimals)"
    );
    c.credit_limit = Some(usd);
    assert_eq!(
        err(l.add_customer(c)),
        "invalid credit_limit of customer \"C3\": 10.00 USD (a non-negative amount in EUR with at most 2 decimals)"
    );
    // Two custom currencies sharing a code are told apart (regression: the message
    // used to read "XPT (XPT, the customer's currency)").
    let xpt2 = Currency::custom("XPT", 2).unwrap();
    l.add_customer(Customer::new("X", "Points", xpt2)).unwrap();
    assert_eq!(
        err(l.add_item(Item::invoice(
            "X1",
            "X",
            d("2024-01-10"),
            d("2024-01-10"),
            Money::from_minor(5, xpt3())
        ))),
        "invalid currency of item \"X1\": XPT/3 (XPT/2, the customer's currency)"
    );
}

#[test]
fn amounts_below_the_minor_unit_are_refused() {
    let mut l = base();
    assert_eq!(
        err(l.add_item(invoice("F9", "C1", "2024-01-10", "2024-01-10", "10.005"))),
        "invalid amount of item \"F9\": 10.005 (at most 2 decimals for EUR)"
    );
    assert_eq!(
        err(l.add_payment(payment("P9", "C1", "2024-01-10", "0.001"))),
        "invalid amount of payment \"P9\": 0.001 (at most 2 decimals for EUR)"
    );
    assert_eq!(
        err(l.apply_payment("P1", "F1", eur("1.011"), d("2024-01-15"))),
        "invalid amount of application \"P1 to F1\": 1.011 (at most 2 decimals for EUR)"
    );
    l.add_customer(Customer::new("J", "Yamada KK", Currency::JPY))
        .unwrap();
    assert_eq!(
        err(l.add_payment(Payment::new(
            "PJ",
            "J",
            d("2024-01-10"),
            Money::parse("100.5", Currency::JPY).unwrap()
        ))),
        "invalid amount of payment \"PJ\": 100.5 (at most 0 decimals for JPY)"
    );
    // Trailing zeros are not digits below the minor unit.
    l.add_payment(Payment::new(
        "PJ",
        "J",
        d("2024-01-10"),
        Money::parse("100.000", Currency::JPY).unwrap(),
    ))
    .unwrap();
    l.add_customer(Customer::new("X", "Points", xpt3()))
        .unwrap();
    assert_eq!(
        err(l.add_item(Item::invoice(
            "X1",
            "X",
            d("2024-01-10"),
            d("2024-01-10"),
            Money::parse("1.0001", xpt3()).unwrap()
        ))),
        "invalid amount of item \"X1\": 1.0001 (at most 3 decimals for XPT)"
    );
}

#[test]
fn applications_cannot_predate_their_source_or_item() {
    let mut l = base();
    assert_eq!(
        err(l.apply_payment("P1", "F1", eur("10.00"), d("2024-01-14"))),
        "invalid date of application \"P1 to F1\": 2024-01-14 (on or after the payment date 2024-01-15)"
    );
    assert_eq!(
        err(l.apply_credit_note("A1", "F1", eur("10.00"), d("2024-01-19"))),
        "invalid date of application \"A1 to F1\": 2024-01-19 (on or after the credit note date 2024-01-20)"
    );
    l.add_item(invoice("F3", "C1", "2024-02-01", "2024-03-01", "10.00"))
        .unwrap();
    assert_eq!(
        err(l.apply_payment("P1", "F3", eur("10.00"), d("2024-01-31"))),
        "invalid date of application \"P1 to F3\": 2024-01-31 (on or after the item's issue date 2024-02-01)"
    );
    // On the later of the two dates it is fine.
    l.apply_payment("P1", "F3", eur("10.00"), d("2024-02-01"))
        .unwrap();
}

#[test]
fn over_application_is_refused_on_item_and_on_source() {
    let mut l = base();
    assert_eq!(
        err(l.apply_payment("P1", "F2", eur("60.00"), d("2024-01-15"))),
        "cannot apply 60.00 EUR from payment \"P1\" to item \"F2\": only 50.00 EUR is open on the item"
    );
    assert_eq!(
        err(l.apply_payment("P1", "F1", eur("80.01"), d("2024-01-15"))),
        "cannot apply 80.01 EUR from payment \"P1\" to item \"F1\": only 80.00 EUR is left to apply"
    );
    l.apply_payment("P1", "F1", eur("70.00"), d("2024-01-15"))
        .unwrap();
    // Later-dated applications count too: cash cannot be applied twice.
    assert_eq!(
        err(l.apply_payment("P1", "F2", eur("10.01"), d("2024-03-01"))),
        "cannot apply 10.01 EUR from payment \"P1\" to item \"F2\": only 10.00 EUR is left to apply"
    );
    l.apply_payment("P1", "F1", eur("10.00"), d("2024-03-01"))
        .unwrap();
    assert_eq!(
        err(l.apply_credit_note("A1", "F1", eur("20.01"), d("2024-01-20"))),
        "cannot apply 20.01 EUR from credit note \"A1\" to item \"F1\": only 20.00 EUR is open on the item"
    );
    l.apply_credit_note("A1", "F1", eur("20.00"), d("2024-01-20"))
        .unwrap();
    assert_eq!(
        err(l.apply_credit_note("A1", "F2", eur("10.01"), d("2024-01-20"))),
        "cannot apply 10.01 EUR from credit note \"A1\" to item \"F2\": only 10.00 EUR is left to apply"
    );
    l.apply_credit_note("A1", "F2", eur("10.00"), d("2024-01-20"))
        .unwrap();
    assert_eq!(
        err(l.apply_credit_note("A1", "F2", eur("0.01"), d("2024-01-20"))),
        "cannot apply 0.01 EUR from credit note \"A1\" to item \"F2\": only 0.00 EUR is left to apply"
    );
}

#[test]
fn credit_notes_are_applied_from_never_to() {
    let mut l = base();
    assert_eq!(
        err(l.apply_payment("P1", "A1", eur("10.00"), d("2024-01-20"))),
        "invalid item_id of application \"P1 to A1\": A1 (an invoice or debit note; credit notes are applied from, not to)"
    );
    assert_eq!(
        err(l.apply_credit_note("F2", "F1", eur("10.00"), d("2024-01-20"))),
        "invalid source of application \"F2 to F1\": F2 (a credit note, not an invoice)"
    );
    let mut note = invoice("N1", "C1", "2024-01-10", "2024-01-10", "5.00");
    note.kind = ItemKind::DebitNote;
    l.add_item(note).unwrap();
    assert_eq!(
        err(l.apply_credit_note("N1", "F1", eur("1.00"), d("2024-01-20"))),
        "invalid source of application \"N1 to F1\": N1 (a credit note, not a debit note)"
    );
    // A debit note is settled like an invoice.
    l.apply_payment("P1", "N1", eur("5.00"), d("2024-01-15"))
        .unwrap();
}

#[test]
fn cross_customer_applications_are_refused() {
    let mut l = base();
    assert_eq!(
        err(l.apply_payment("P2", "F1", eur("10.00"), d("2024-01-15"))),
        "invalid source of application \"P2 to F1\": payment \"P2\" of customer \"C2\" (a payment or credit note of customer \"C1\", the item's customer)"
    );
    assert_eq!(
        err(l.apply_credit_note("A1", "G1", eur("10.00"), d("2024-01-20"))),
        "invalid source of application \"A1 to G1\": credit note \"A1\" of customer \"C1\" (a payment or credit note of customer \"C2\", the item's customer)"
    );
}

#[test]
fn parent_cycles_are_refused_naming_a_customer_on_the_cycle() {
    let with_parent = |id: &str, parent: &str| {
        let mut c = customer(id);
        c.parent = Some(parent.into());
        c
    };
    assert_eq!(
        err(Ledger::new(
            vec![with_parent("A", "A")],
            vec![],
            vec![],
            vec![]
        )),
        "customer \"A\" is its own ancestor through parent links"
    );
    // A only leads into the cycle B -> C -> B (regression: A used to be named).
    let e = Ledger::new(
        vec![
            with_parent("A", "B"),
            with_parent("B", "C"),
            with_parent("C", "B"),
        ],
        vec![],
        vec![],
        vec![],
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "customer \"B\" is its own ancestor through parent links"
    );
    assert!(matches!(e, LedgerError::ParentCycle { ref id } if id == "B" || id == "C"));
    // add_customer cannot close a cycle (parents must already exist), but a
    // self-parent is caught, and the ledger is left as it was.
    let mut l = base();
    let before = l.data().clone();
    assert_eq!(
        err(l.add_customer(with_parent("S", "S"))),
        "customer \"S\" is its own ancestor through parent links"
    );
    assert_eq!(l.data(), before);
    assert!(l.customer("S").is_none());
    l.add_customer(with_parent("S", "C1")).unwrap();
    assert_eq!(l.customer_index("S").unwrap(), 2);
}

#[test]
fn long_parent_chains_are_checked_in_linear_time() {
    // A group 50,000 levels deep (each customer the parent of the next): walking every
    // customer to its root would take 1.25e9 steps; each is walked once and its root
    // kept. Then the same chain grown one add_customer at a time reads its parent's.
    let n = 50_000;
    let chain: Vec<Customer> = (0..n)
        .map(|i| {
            let mut c = customer(&format!("G{i}"));
            if i > 0 {
                c.parent = Some(format!("G{}", i - 1));
            }
            c
        })
        .collect();
    let l = Ledger::new(chain.clone(), vec![], vec![], vec![]).unwrap();
    assert_eq!(l.group_root(n - 1), 0);
    assert_eq!(l.group_root(0), 0);
    let mut grown = Ledger::default();
    for c in chain {
        grown.add_customer(c).unwrap();
    }
    assert_eq!(grown.customers().len(), n);
    assert_eq!(grown.group_root(n - 1), 0);
    // The last one closing a cycle onto itself is still refused.
    let mut c = customer("G-last");
    c.parent = Some("G-last".into());
    assert_eq!(
        err(grown.add_customer(c)),
        "customer \"G-last\" is its own ancestor through parent links"
    );
}

#[test]
fn disputes_are_checked() {
    let mut l = base();
    let mut item = invoice("F9", "C1", "2024-01-10", "2024-02-09", "100.00");
    item.dispute = Some(Dispute::new(eur("100.01"), d("2024-02-01")));
    assert_eq!(
        err(l.add_item(item.clone())),
        "invalid dispute.amount of item \"F9\": 100.01 EUR (between 0 and the item amount 100.00 EUR, with at most 2 decimals)"
    );
    item.dispute = Some(Dispute::new(eur("-1.00"), d("2024-02-01")));
    assert_eq!(
        err(l.add_item(item.clone())),
        "invalid dispute.amount of item \"F9\": -1.00 EUR (between 0 and the item amount 100.00 EUR, with at most 2 decimals)"
    );
    // Less than a cent cannot be disputed: the item itself is in cents.
    item.dispute = Some(Dispute::new(eur("10.005"), d("2024-02-01")));
    assert_eq!(
        err(l.add_item(item.clone())),
        "invalid dispute.amount of item \"F9\": 10.005 EUR (between 0 and the item amount 100.00 EUR, with at most 2 decimals)"
    );
    item.dispute = Some(Dispute::new(
        Money::parse("10.00", Currency::USD).unwrap(),
        d("2024-02-01"),
    ));
    assert_eq!(
        err(l.add_item(item.clone())),
        "invalid dispute.amount of item \"F9\": 10.00 USD (between 0 and the item amount 100.00 EUR, with at most 2 decimals)"
    );
    let mut dispute = Dispute::new(eur("40.00"), d("2024-03-01"));
    dispute.resolved_on = Some(d("2024-02-01"));
    item.dispute = Some(dispute.clone());
    // Regression: the value used to be written "Some(2024-02-01)".
    assert_eq!(
        err(l.add_item(item.clone())),
        "invalid dispute.resolved_on of item \"F9\": 2024-02-01 (a date on or after opened_on 2024-03-01)"
    );
    dispute.resolved_on = Some(d("2024-03-01"));
    item.dispute = Some(dispute);
    l.add_item(item).unwrap();
    let item = l.item("F9").unwrap();
    assert_eq!(item.disputed_amount(d("2024-02-29")), eur("0"));
    // Resolved on 1 March: no longer active that day.
    assert!(item.disputed_amount(d("2024-03-01")).is_zero());
    // The whole amount may be disputed.
    let mut whole = invoice("F10", "C1", "2024-01-10", "2024-02-09", "100.00");
    whole.dispute = Some(Dispute::new(eur("100.00"), d("2024-02-01")));
    l.add_item(whole).unwrap();
    assert_eq!(
        l.item("F10").unwrap().disputed_amount(d("2024-02-01")),
        eur("100.00")
    );
}

#[test]
fn refused_changes_leave_the_ledger_as_it_was() {
    let mut l = base();
    l.apply_payment("P1", "F1", eur("30.00"), d("2024-01-15"))
        .unwrap();
    let before = l.clone();
    assert!(
        l.apply_payment("P1", "F2", eur("50.01"), d("2024-01-15"))
            .is_err()
    );
    assert!(
        l.add_item(invoice("F1", "C1", "2024-01-10", "2024-01-10", "1.00"))
            .is_err()
    );
    assert!(
        l.add_payment(payment("P3", "C1", "2024-01-10", "0"))
            .is_err()
    );
    assert_eq!(l, before);
    assert_eq!(l.applications().len(), 1);
    assert_eq!(
        l.unapplied_amount("P1", d("2024-12-31")).unwrap(),
        eur("50.00")
    );
    assert_eq!(l.open_amount("F2", d("2024-12-31")).unwrap(), eur("50.00"));
}

#[test]
fn new_validates_applications_in_order_like_the_mutators() {
    let l = base();
    let data = l.data().clone();
    let apps = vec![
        app(pay("P1"), "F1", "2024-01-15", "60.00"),
        app(pay("P1"), "F2", "2024-01-16", "30.00"),
    ];
    assert_eq!(
        err(Ledger::new(
            data.customers.clone(),
            data.items.clone(),
            data.payments.clone(),
            apps
        )),
        "cannot apply 30.00 EUR from payment \"P1\" to item \"F2\": only 20.00 EUR is left to apply"
    );
    let ok = Ledger::new(
        data.customers,
        data.items,
        data.payments,
        vec![
            app(pay("P1"), "F1", "2024-01-15", "60.00"),
            app(credit("A1"), "F1", "2024-01-20", "30.00"),
        ],
    )
    .unwrap();
    assert_eq!(ok.open_amount("F1", d("2024-01-20")).unwrap(), eur("10.00"));
}

#[test]
fn loading_json_validates_with_the_same_messages() {
    let json = r#"{
        "customers": [{"id": "C1", "name": "A", "currency": "EUR"}],
        "items": [{"id": "F1", "customer_id": "C1", "kind": "invoice",
                   "issue_date": "2024-01-10", "due_date": "2024-02-09",
                   "amount": {"amount": "10.005", "currency": "EUR"}}]
    }"#;
    let e = serde_json::from_str::<Ledger>(json)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "invalid amount of item \"F1\": 10.005 (at most 2 decimals for EUR)"
    );
    // LedgerData alone is not validated: it is the raw form.
    let raw: LedgerData = serde_json::from_str(json).unwrap();
    assert_eq!(raw.items.len(), 1);
    assert_eq!(
        err(Ledger::try_from(raw)),
        "invalid amount of item \"F1\": 10.005 (at most 2 decimals for EUR)"
    );
    let e = serde_json::from_str::<Ledger>(
        r#"{"customers": [{"id": "C1", "name": "A", "currency": "EUX"}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("unknown currency code \"EUX\": not an ISO 4217 code known to encours"),
        "{e}"
    );
    // A float amount would lose precision: refused.
    assert!(serde_json::from_str::<Money>(r#"{"amount": 10.5, "currency": "EUR"}"#).is_err());
}

// ---------------------------------------------------------------------------------
// Cash application
// ---------------------------------------------------------------------------------

fn rules(apps: &[Application]) -> Vec<(&str, &str, MatchRule)> {
    apps.iter()
        .map(|a| {
            let source = match &a.source {
                Source::Payment(p) | Source::CreditNote(p) => p.as_str(),
            };
            (source, a.item_id.as_str(), a.rule)
        })
        .collect()
}

fn amounts(apps: &[Application]) -> Vec<String> {
    apps.iter().map(|a| a.amount.to_string()).collect()
}

/// One customer with three invoices due in a scrambled order and one payment.
fn three_invoices(payment_amount: &str, reference: Option<&str>) -> Ledger {
    let mut f2 = invoice("F2", "C1", "2024-01-05", "2024-02-04", "200.00");
    f2.reference = Some("PO-2".into());
    let mut p = payment("P1", "C1", "2024-03-01", payment_amount);
    p.reference = reference.map(Into::into);
    Ledger::new(
        vec![customer("C1")],
        vec![
            invoice("F3", "C1", "2024-01-20", "2024-02-19", "300.00"),
            f2,
            invoice("F1", "C1", "2024-01-01", "2024-01-31", "100.00"),
        ],
        vec![p],
        vec![],
    )
    .unwrap()
}

#[test]
fn explicit_application_settles_partially_then_fully() {
    let mut l = three_invoices("250.00", None);
    l.apply_payment("P1", "F3", eur("120.00"), d("2024-03-01"))
        .unwrap();
    assert_eq!(l.open_amount("F3", d("2024-03-01")).unwrap(), eur("180.00"));
    assert_eq!(
        l.unapplied_amount("P1", d("2024-03-01")).unwrap(),
        eur("130.00")
    );
    l.apply_payment("P1", "F3", eur("130.00"), d("2024-03-05"))
        .unwrap();
    // As of 3 March only the first part counts.
    assert_eq!(l.open_amount("F3", d("2024-03-04")).unwrap(), eur("180.00"));
    assert_eq!(l.open_amount("F3", d("2024-03-05")).unwrap(), eur("50.00"));
    assert_eq!(
        l.unapplied_amount("P1", d("2024-03-04")).unwrap(),
        eur("130.00")
    );
    assert!(l.unapplied_amount("P1", d("2024-03-05")).unwrap().is_zero());
    assert!(
        l.applications()
            .iter()
            .all(|a| a.rule == MatchRule::Explicit)
    );
    // Nothing is left for auto_apply.
    assert!(l.auto_apply("P1").unwrap().is_empty());
}

#[test]
fn auto_apply_by_item_id_reference() {
    let mut l = three_invoices("300.00", Some("F3"));
    let apps = l.auto_apply("P1").unwrap();
    assert_eq!(rules(&apps), [("P1", "F3", MatchRule::Reference)]);
    assert_eq!(amounts(&apps), ["300.00 EUR"]);
    assert!(apps.iter().all(|a| a.date == d("2024-03-01")));
}

#[test]
fn auto_apply_by_item_reference_then_oldest_due_for_the_rest() {
    // PO-2 is F2's reference; the 50.00 over goes to the oldest due (F1).
    let mut l = three_invoices("250.00", Some("PO-2"));
    let apps = l.auto_apply("P1").unwrap();
    assert_eq!(
        rules(&apps),
        [
            ("P1", "F2", MatchRule::Reference),
            ("P1", "F1", MatchRule::OldestDue)
        ]
    );
    assert_eq!(amounts(&apps), ["200.00 EUR", "50.00 EUR"]);
}

#[test]
fn auto_apply_reference_smaller_than_the_item_is_partial() {
    let mut l = three_invoices("120.00", Some("F3"));
    let apps = l.auto_apply("P1").unwrap();
    assert_eq!(rules(&apps), [("P1", "F3", MatchRule::Reference)]);
    assert_eq!(l.open_amount("F3", d("2024-03-01")).unwrap(), eur("180.00"));
    assert_eq!(l.open_amount("F1", d("2024-03-01")).unwrap(), eur("100.00"));
}

#[test]
fn auto_apply_falls_back_when_the_reference_matches_nothing_open() {
    let mut l = three_invoices("100.00", Some("PO-404"));
    // Exact amount wins over oldest due… and F1 is both here.
    assert_eq!(
        rules(&l.auto_apply("P1").unwrap()),
        [("P1", "F1", MatchRule::ExactAmount)]
    );
    // A reference to a settled item is ignored too.
    let mut p = payment("P2", "C1", "2024-03-02", "10.00");
    p.reference = Some("F1".into());
    l.add_payment(p).unwrap();
    assert_eq!(
        rules(&l.auto_apply("P2").unwrap()),
        [("P2", "F2", MatchRule::OldestDue)]
    );
}

#[test]
fn auto_apply_on_a_fully_applied_referenced_payment_is_a_no_op() {
    // Regression: with a reference naming an open item, a payment already fully
    // applied elsewhere made auto_apply try a 0.00 application and fail.
    let mut l = three_invoices("100.00", Some("F3"));
    l.apply_payment("P1", "F1", eur("100.00"), d("2024-03-01"))
        .unwrap();
    let before = l.clone();
    assert_eq!(l.auto_apply("P1").unwrap(), Vec::<Application>::new());
    assert_eq!(l, before);
    // And running it twice never applies twice.
    let mut l = three_invoices("250.00", Some("PO-2"));
    assert_eq!(l.auto_apply("P1").unwrap().len(), 2);
    assert!(l.auto_apply("P1").unwrap().is_empty());
    assert_eq!(l.applications().len(), 2);
}

#[test]
fn auto_apply_exact_amount_prefers_the_oldest_due_among_equals() {
    let mut l = Ledger::new(
        vec![customer("C1")],
        vec![
            invoice("F1", "C1", "2024-01-01", "2024-01-31", "100.00"),
            invoice("F2", "C1", "2024-01-02", "2024-03-01", "60.00"),
            invoice("F3", "C1", "2024-01-03", "2024-02-15", "60.00"),
        ],
        vec![payment("P1", "C1", "2024-03-05", "60.00")],
        vec![],
    )
    .unwrap();
    assert_eq!(
        rules(&l.auto_apply("P1").unwrap()),
        [("P1", "F3", MatchRule::ExactAmount)]
    );
}

#[test]
fn auto_apply_oldest_due_first_with_ties_by_issue_date_then_id() {
    let mut l = Ledger::new(
        vec![customer("C1")],
        vec![
            invoice("F-B", "C1", "2024-01-05", "2024-02-29", "10.00"),
            invoice("F-A", "C1", "2024-01-05", "2024-02-29", "10.00"),
            invoice("F-0", "C1", "2024-01-04", "2024-02-29", "10.00"),
            invoice("F-LATE", "C1", "2024-01-01", "2024-03-31", "10.00"),
            invoice("F-EARLY", "C1", "2024-01-20", "2024-02-01", "10.00"),
        ],
        vec![payment("P1", "C1", "2024-04-01", "45.00")],
        vec![],
    )
    .unwrap();
    let apps = l.auto_apply("P1").unwrap();
    assert_eq!(
        rules(&apps),
        [
            ("P1", "F-EARLY", MatchRule::OldestDue),
            ("P1", "F-0", MatchRule::OldestDue),
            ("P1", "F-A", MatchRule::OldestDue),
            ("P1", "F-B", MatchRule::OldestDue),
            ("P1", "F-LATE", MatchRule::OldestDue),
        ]
    );
    assert_eq!(
        amounts(&apps),
        [
            "10.00 EUR",
            "10.00 EUR",
            "10.00 EUR",
            "10.00 EUR",
            "5.00 EUR"
        ]
    );
}

#[test]
fn auto_apply_keeps_unapplied_cash_as_a_credit() {
    let mut l = three_invoices("700.00", None);
    let apps = l.auto_apply("P1").unwrap();
    assert_eq!(
        rules(&apps),
        [
            ("P1", "F1", MatchRule::OldestDue),
            ("P1", "F2", MatchRule::OldestDue),
            ("P1", "F3", MatchRule::OldestDue)
        ]
    );
    assert_eq!(
        l.unapplied_amount("P1", d("2024-03-01")).unwrap(),
        eur("100.00")
    );
    assert_eq!(l.balance("C1", d("2024-03-01")).unwrap(), eur("-100.00"));
    // A later invoice is not paid by an earlier payment automatically…
    l.add_item(invoice("F4", "C1", "2024-03-10", "2024-04-09", "40.00"))
        .unwrap();
    assert!(l.auto_apply("P1").unwrap().is_empty());
    assert_eq!(l.balance("C1", d("2024-03-10")).unwrap(), eur("-60.00"));
    // …but the caller may apply the credit to it, dated on the invoice.
    l.apply_payment("P1", "F4", eur("40.00"), d("2024-03-10"))
        .unwrap();
    assert_eq!(l.balance("C1", d("2024-03-10")).unwrap(), eur("-60.00"));
    assert_eq!(
        l.unapplied_amount("P1", d("2024-03-10")).unwrap(),
        eur("60.00")
    );
}

#[test]
fn auto_apply_only_touches_the_payers_items() {
    let mut l = base();
    let apps = l.auto_apply("P2").unwrap();
    assert_eq!(rules(&apps), [("P2", "G1", MatchRule::ExactAmount)]);
    assert_eq!(l.open_amount("F1", d("2024-12-31")).unwrap(), eur("100.00"));
}

#[test]
fn net_credit_notes_oldest_due_first_on_the_later_date() {
    let mut l = Ledger::new(
        vec![customer("C1")],
        vec![
            invoice("F1", "C1", "2024-01-01", "2024-01-31", "100.00"),
            invoice("F2", "C1", "2024-02-01", "2024-03-02", "80.00"),
            Item::credit_note("A1", "C1", d("2024-01-15"), eur("150.00")),
            Item::credit_note("A2", "C1", d("2024-01-20"), eur("50.00")),
        ],
        vec![],
        vec![],
    )
    .unwrap();
    let apps = l.net_credit_notes("C1").unwrap();
    assert_eq!(
        rules(&apps),
        [
            ("A1", "F1", MatchRule::OldestDue),
            ("A1", "F2", MatchRule::OldestDue),
            ("A2", "F2", MatchRule::OldestDue)
        ]
    );
    assert_eq!(amounts(&apps), ["100.00 EUR", "50.00 EUR", "30.00 EUR"]);
    let dates: Vec<NaiveDate> = apps.iter().map(|a| a.date).collect();
    // A1 (15 Jan) against F1 (1 Jan): 15 Jan; against F2 (1 Feb): 1 Feb.
    assert_eq!(dates, [d("2024-01-15"), d("2024-02-01"), d("2024-02-01")]);
    assert_eq!(l.open_amount("A2", d("2024-02-01")).unwrap(), eur("20.00"));
    assert_eq!(l.balance("C1", d("2024-02-01")).unwrap(), eur("-20.00"));
    // As of 31 January F2 does not exist; A1 has 50.00 left and A2 50.00.
    assert_eq!(l.balance("C1", d("2024-01-31")).unwrap(), eur("-100.00"));
    // Nothing is left to net.
    assert!(l.net_credit_notes("C1").unwrap().is_empty());
}

#[test]
fn explicit_credit_note_application_and_netting_agree_on_balance() {
    let mut l = base();
    let before = l.balance("C1", d("2024-01-31")).unwrap();
    assert_eq!(before, eur("40.00")); // 100 + 50 - 30 - 80
    l.apply_credit_note("A1", "F2", eur("30.00"), d("2024-01-20"))
        .unwrap();
    l.auto_apply("P1").unwrap();
    // Applying moves money between items; it never changes what is owed.
    assert_eq!(l.balance("C1", d("2024-01-31")).unwrap(), before);
    assert_eq!(l.open_amount("F1", d("2024-01-31")).unwrap(), eur("20.00"));
    assert_eq!(l.open_amount("F2", d("2024-01-31")).unwrap(), eur("20.00"));
}

// ---------------------------------------------------------------------------------
// Balances and as-of views
// ---------------------------------------------------------------------------------

#[test]
fn an_invoice_paid_on_15_october_was_open_on_30_september() {
    let mut l = Ledger::new(
        vec![customer("C1")],
        vec![invoice("F1", "C1", "2024-09-01", "2024-10-01", "1200.00")],
        vec![payment("P1", "C1", "2024-10-15", "1200.00")],
        vec![],
    )
    .unwrap();
    l.auto_apply("P1").unwrap();
    assert_eq!(
        l.open_amount("F1", d("2024-09-30")).unwrap(),
        eur("1200.00")
    );
    assert_eq!(
        l.open_amount("F1", d("2024-10-14")).unwrap(),
        eur("1200.00")
    );
    assert!(l.open_amount("F1", d("2024-10-15")).unwrap().is_zero());
    assert_eq!(
        l.item_state(0, d("2024-10-15")),
        Some(ItemState {
            open: eur("0.00"),
            settled: eur("1200.00"),
            last_settlement: Some(d("2024-10-15")),
        })
    );
    assert_eq!(
        l.item_state(0, d("2024-10-14")),
        Some(ItemState {
            open: eur("1200.00"),
            settled: eur("0"),
            last_settlement: None,
        })
    );
    // The payment does not exist before its date: no unapplied cash on 30 September.
    assert!(l.unapplied_amount("P1", d("2024-09-30")).unwrap().is_zero());
    assert_eq!(l.balance("C1", d("2024-09-30")).unwrap(), eur("1200.00"));
    assert_eq!(
        l.balance("C1", d("2024-10-15")).unwrap().to_string(),
        "0.00 EUR"
    );
    // Nor does the invoice before it is issued.
    assert_eq!(l.item_state(0, d("2024-08-31")), None);
    // Zeros are written in the currency's minor units.
    assert_eq!(
        l.open_amount("F1", d("2024-08-31")).unwrap().to_string(),
        "0.00 EUR"
    );
    assert_eq!(
        l.unapplied_amount("P1", d("2024-09-30"))
            .unwrap()
            .to_string(),
        "0.00 EUR"
    );
    assert_eq!(
        l.item_state(0, d("2024-10-14"))
            .unwrap()
            .settled
            .to_string(),
        "0.00 EUR"
    );
    assert_eq!(
        l.item("F1")
            .unwrap()
            .disputed_amount(d("2024-10-01"))
            .to_string(),
        "0.00 EUR"
    );
    assert!(l.open_amount("F1", d("2024-08-31")).unwrap().is_zero());
    assert_eq!(
        l.balance("C1", d("2024-08-31")).unwrap().to_string(),
        "0.00 EUR"
    );
}

#[test]
fn a_payment_dated_after_as_of_does_not_exist_yet() {
    let mut l = base();
    l.add_payment(payment("P3", "C1", "2024-02-20", "25.00"))
        .unwrap();
    assert_eq!(l.balance("C1", d("2024-02-19")).unwrap(), eur("40.00"));
    assert_eq!(l.balance("C1", d("2024-02-20")).unwrap(), eur("15.00"));
    assert!(l.unapplied_amount("P3", d("2024-02-19")).unwrap().is_zero());
    assert_eq!(
        l.unapplied_amount("P3", d("2024-02-20")).unwrap(),
        eur("25.00")
    );
    // An application dated later than its payment leaves the cash unapplied until then.
    l.apply_payment("P3", "F1", eur("25.00"), d("2024-03-01"))
        .unwrap();
    assert_eq!(
        l.unapplied_amount("P3", d("2024-02-29")).unwrap(),
        eur("25.00")
    );
    assert_eq!(l.open_amount("F1", d("2024-02-29")).unwrap(), eur("100.00"));
    assert_eq!(l.balance("C1", d("2024-02-29")).unwrap(), eur("15.00"));
    assert_eq!(l.balance("C1", d("2024-03-01")).unwrap(), eur("15.00"));
    assert_eq!(l.open_amount("F1", d("2024-03-01")).unwrap(), eur("75.00"));
}

#[test]
fn nil_balances_are_written_without_a_sign() {
    // Regression: a credit note used up exactly gave a balance of "-0.00 EUR".
    let mut l = Ledger::new(
        vec![customer("C1")],
        vec![
            invoice("F1", "C1", "2024-01-01", "2024-01-31", "100.00"),
            Item::credit_note("A1", "C1", d("2024-01-01"), eur("100.00")),
        ],
        vec![],
        vec![],
    )
    .unwrap();
    l.net_credit_notes("C1").unwrap();
    let b = l.balance("C1", d("2024-02-01")).unwrap();
    assert_eq!(b.to_string(), "0.00 EUR");
    assert_eq!(
        serde_json::to_string(&b).unwrap(),
        r#"{"amount":"0.00","currency":"EUR"}"#
    );
    assert!(!b.is_negative());
    // A customer with nothing at all owes 0 in its own minor units.
    let mut l = Ledger::default();
    l.add_customer(Customer::new("K", "KWD account", Currency::KWD))
        .unwrap();
    assert_eq!(
        l.balance("K", d("2024-01-01")).unwrap().to_string(),
        "0.000 KWD"
    );
}

#[test]
fn balances_in_custom_currencies() {
    let mut l = Ledger::default();
    l.add_customer(Customer::new("X", "Points", xpt3()))
        .unwrap();
    let xpt = |s: &str| Money::parse(s, xpt3()).unwrap();
    l.add_item(Item::invoice(
        "X1",
        "X",
        d("2024-01-01"),
        d("2024-01-31"),
        xpt("12.345"),
    ))
    .unwrap();
    l.add_payment(Payment::new("XP", "X", d("2024-01-10"), xpt("10.001")))
        .unwrap();
    l.auto_apply("XP").unwrap();
    assert_eq!(
        l.balance("X", d("2024-01-10")).unwrap().to_string(),
        "2.344 XPT"
    );
    assert_eq!(l.open_amount("X1", d("2024-01-09")).unwrap(), xpt("12.345"));
}

#[test]
fn group_root_walks_parent_links() {
    let with_parent = |id: &str, parent: Option<&str>| {
        let mut c = customer(id);
        c.parent = parent.map(Into::into);
        c
    };
    let l = Ledger::new(
        vec![
            with_parent("SUB-1", Some("MID")),
            with_parent("MID", Some("TOP")),
            with_parent("TOP", None),
            with_parent("SUB-2", Some("TOP")),
            with_parent("ALONE", None),
        ],
        vec![],
        vec![],
        vec![],
    )
    .unwrap();
    let ix = |id: &str| l.customer_index(id).unwrap();
    let top = ix("TOP");
    assert_eq!(l.group_root(ix("SUB-1")), top);
    assert_eq!(l.group_root(ix("MID")), top);
    assert_eq!(l.group_root(ix("SUB-2")), top);
    assert_eq!(l.group_root(top), top);
    assert_eq!(l.group_root(ix("ALONE")), ix("ALONE"));
    // An out-of-range position is returned as is rather than panicking.
    assert_eq!(l.group_root(99), 99);
}

#[test]
fn indexes_and_accessors_agree() {
    let mut l = base();
    l.auto_apply("P1").unwrap();
    l.net_credit_notes("C1").unwrap();
    let c1 = l.customer_index("C1").unwrap();
    let items: Vec<String> = l
        .items_of(c1)
        .map(|i| l.item_id(i).unwrap().to_string())
        .collect();
    assert_eq!(items, ["F1", "F2", "A1"]);
    let pays: Vec<String> = l
        .payments_of(c1)
        .map(|i| l.payment_id(i).unwrap().to_string())
        .collect();
    assert_eq!(pays, ["P1"]);
    assert_eq!(l.customer_of_item(3), l.customer_index("C2"));
    assert_eq!(l.customer_of_item(99), None);
    assert_eq!(l.items_of(99).len(), 0);
    // F1: 80.00 from P1, 20.00 from A1; A1: drawn 30.00 (20.00 to F1, 10.00 to F2).
    let f1: Vec<String> = l
        .applications_of_item(0)
        .map(|a| a.amount.to_string())
        .collect();
    assert_eq!(f1, ["80.00 EUR", "20.00 EUR"]);
    let a1: Vec<String> = l.applications_of_item(2).map(|a| a.item_id).collect();
    assert_eq!(a1, ["F1", "F2"]);
    assert_eq!(l.applications_of_payment(0).count(), 1);
    assert_eq!(l.payment("P2").unwrap().amount, eur("70.00"));
    assert_eq!(l.item("A1").unwrap().kind, ItemKind::CreditNote);
    assert!(l.customer("C9").is_none());
    assert_eq!(l.item_state(99, d("2024-12-31")), None);
}

// ---------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------

const BASE: &str = "2024-01-01";

fn day(offset: u16) -> NaiveDate {
    d(BASE)
        .checked_add_days(Days::new(u64::from(offset)))
        .unwrap()
}

/// Far enough after every generated date to see everything.
fn far() -> NaiveDate {
    day(1000)
}

fn currencies() -> [Currency; 4] {
    [Currency::EUR, Currency::JPY, Currency::KWD, xpt3()]
}

fn text() -> impl Strategy<Value = String> {
    // Unicode, quotes, backslashes and control characters: JSON must escape them all.
    prop_oneof!["\\PC{0,6}", "[\\x00-\\x1f\"\\\\/ a-z]{0,4}"]
}

#[derive(Debug, Clone)]
struct RawCustomer {
    currency: usize,
    parent: Option<prop::sample::Index>,
    strings: [Option<String>; 6],
    tags: Vec<String>,
    scores: Vec<(String, Decimal, Option<u16>)>,
    limit: Option<u32>,
    block: Option<(Option<String>, Option<u16>, Option<u16>)>,
}

prop_compose! {
    fn raw_customer()(
        currency in 0..4usize,
        parent in proptest::option::weighted(0.3, any::<prop::sample::Index>()),
        s0 in proptest::option::of(text()), s1 in proptest::option::of(text()),
        s2 in proptest::option::of(text()), s3 in proptest::option::of(text()),
        s4 in proptest::option::of(text()), s5 in proptest::option::of(text()),
        tags in prop::collection::vec(text(), 0..3),
        scores in prop::collection::vec((text(), any::<Decimal>(), proptest::option::of(0..400u16)), 0..3),
        limit in proptest::option::of(0..10_000_000u32),
        block in proptest::option::of((proptest::option::of(text()), proptest::option::of(0..200u16), proptest::option::of(0..200u16))),
    ) -> RawCustomer {
        RawCustomer { currency, parent, strings: [s0, s1, s2, s3, s4, s5], tags, scores, limit, block }
    }
}

#[derive(Debug, Clone)]
struct RawItem {
    customer: prop::sample::Index,
    kind: u8,
    issue: u16,
    due_after: u16,
    minor: i64,
    reference: Option<String>,
    dispute: Option<(u8, u16, Option<u16>, Option<String>)>,
    block: Option<(Option<String>, Option<u16>, Option<u16>)>,
}

prop_compose! {
    fn raw_item()(
        customer in any::<prop::sample::Index>(),
        kind in 0..10u8,
        issue in 0..60u16,
        due_after in 0..60u16,
        minor in 1..50_000i64,
        reference in proptest::option::of(text()),
        dispute in proptest::option::weighted(0.2, (0..=100u8, 0..200u16, proptest::option::of(0..60u16), proptest::option::of(text()))),
        block in proptest::option::weighted(0.2, (proptest::option::of(text()), proptest::option::of(0..200u16), proptest::option::of(0..200u16))),
    ) -> RawItem {
        RawItem { customer, kind, issue, due_after, minor, reference, dispute, block }
    }
}

#[derive(Debug, Clone)]
struct RawPayment {
    customer: prop::sample::Index,
    date: u16,
    minor: i64,
    /// Reference: none, an item's id, an item's reference or free text.
    reference: (u8, prop::sample::Index, String),
}

prop_compose! {
    fn raw_payment()(
        customer in any::<prop::sample::Index>(),
        date in 0..90u16,
        minor in 1..80_000i64,
        reference in (0..4u8, any::<prop::sample::Index>(), text()),
    ) -> RawPayment {
        RawPayment { customer, date, minor, reference }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Auto(prop::sample::Index),
    Net(prop::sample::Index),
    Explicit {
        from_credit_note: bool,
        source: prop::sample::Index,
        item: prop::sample::Index,
        minor: i64,
        date: u16,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<prop::sample::Index>().prop_map(Op::Auto),
        1 => any::<prop::sample::Index>().prop_map(Op::Net),
        3 => (any::<bool>(), any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0..60_000i64, 0..150u16)
            .prop_map(|(from_credit_note, source, item, minor, date)| Op::Explicit { from_credit_note, source, item, minor, date }),
    ]
}

fn block_of(raw: &Option<(Option<String>, Option<u16>, Option<u16>)>) -> Option<Block> {
    raw.as_ref().map(|(reason, since, until)| Block {
        reason: reason.clone(),
        since: since.map(day),
        until: until.map(day),
    })
}

/// A valid ledger (no applications yet) from raw parts: every id unique, every
/// amount positive and in its customer's currency, parents acyclic (a customer's
/// parent comes before it).
fn build(raw_c: &[RawCustomer], raw_i: &[RawItem], raw_p: &[RawPayment]) -> LedgerData {
    let customers: Vec<Customer> = raw_c
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let currency = currencies()[r.currency];
            let mut c = Customer::new(format!("C{i}"), format!("Customer {i}"), currency);
            c.parent = match (i, &r.parent) {
                (0, _) | (_, None) => None,
                (_, Some(p)) => Some(format!("C{}", p.index(i))),
            };
            let [segment, country, terms, calendar, scenario, risk] = r.strings.clone();
            c.segment = segment;
            c.country = country;
            c.payment_terms = terms;
            c.calendar = calendar;
            c.dunning_scenario = scenario;
            c.risk_class = risk;
            c.tags = r.tags.clone();
            c.external_scores = r
                .scores
                .iter()
                .map(|(provider, value, as_of)| ExternalScore {
                    provider: provider.clone(),
                    value: *value,
                    as_of: as_of.map(day),
                })
                .collect();
            c.credit_limit = r.limit.map(|l| Money::from_minor(i64::from(l), currency));
            c.dunning_block = block_of(&r.block);
            c
        })
        .collect();
    let items: Vec<Item> = raw_i
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let cix = r.customer.index(customers.len());
            let currency = customers[cix].currency;
            let amount = Money::from_minor(r.minor, currency);
            let mut item = Item::invoice(
                format!("I{k}"),
                format!("C{cix}"),
                day(r.issue),
                day(r.issue + r.due_after),
                amount,
            );
            item.kind = match r.kind {
                0..=5 => ItemKind::Invoice,
                6 => ItemKind::DebitNote,
                _ => ItemKind::CreditNote,
            };
            item.reference = r.reference.clone();
            item.dispute = r.dispute.as_ref().map(|(pct, opened, lasted, reason)| {
                let disputed = Money::from_minor(r.minor * i64::from(*pct) / 100, currency);
                Dispute {
                    amount: disputed,
                    opened_on: day(*opened),
                    resolved_on: lasted.map(|n| day(*opened + n)),
                    reason: reason.clone(),
                }
            });
            item.dunning_block = block_of(&r.block);
            item
        })
        .collect();
    let payments: Vec<Payment> = raw_p
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let cix = r.customer.index(customers.len());
            let mut p = Payment::new(
                format!("P{k}"),
                format!("C{cix}"),
                day(r.date),
                Money::from_minor(r.minor, customers[cix].currency),
            );
            let (how, which, free) = &r.reference;
            p.reference = match (how, items.is_empty()) {
                (1, false) => Some(items[which.index(items.len())].id.clone()),
                (2, false) => items[which.index(items.len())].reference.clone(),
                (3, _) => Some(free.clone()),
                _ => None,
            };
            p
        })
        .collect();
    LedgerData {
        customers,
        items,
        payments,
        applications: vec![],
    }
}

fn scenario() -> impl Strategy<Value = (LedgerData, Vec<Op>)> {
    (
        prop::collection::vec(raw_customer(), 1..4),
        prop::collection::vec(raw_item(), 0..12),
        prop::collection::vec(raw_payment(), 0..8),
        prop::collection::vec(op(), 0..24),
    )
        .prop_map(|(c, i, p, ops)| (build(&c, &i, &p), ops))
}

fn sum(values: impl Iterator<Item = Decimal>) -> Decimal {
    values.fold(Decimal::ZERO, |a, b| a + b)
}

/// Σ of the applications drawn from `source`, dated up to `as_of`, by scanning the
/// list (independently of the ledger's indexes).
fn drawn(l: &Ledger, source: &Source, as_of: NaiveDate) -> Decimal {
    sum(l
        .applications()
        .iter()
        .filter(|a| &a.source == source && a.date <= as_of)
        .map(|a| a.amount.amount()))
}

/// Σ of the applications settling item `id`, dated up to `as_of`.
fn settled(l: &Ledger, id: &str, as_of: NaiveDate) -> Decimal {
    sum(l
        .applications()
        .iter()
        .filter(|a| a.item_id == id && a.date <= as_of)
        .map(|a| a.amount.amount()))
}

/// The open amount of an item as of a date, computed from the data alone.
fn model_open(l: &Ledger, item: &Item, as_of: NaiveDate) -> Decimal {
    let used = if item.kind.is_debit() {
        settled(l, &item.id, as_of)
    } else {
        drawn(l, &Source::CreditNote(item.id.clone()), as_of)
    };
    item.amount.amount() - used
}

fn model_unapplied(l: &Ledger, p: &Payment, as_of: NaiveDate) -> Decimal {
    p.amount.amount() - drawn(l, &Source::Payment(p.id.clone()), as_of)
}

/// Σ debits open − credit notes open − unapplied cash, from the data alone.
fn model_balance(l: &Ledger, customer_id: &str, as_of: NaiveDate) -> Decimal {
    let items = sum(l
        .items()
        .iter()
        .filter(|i| i.customer_id == customer_id && i.issue_date <= as_of)
        .map(|i| {
            let open = model_open(l, i, as_of);
            if i.kind.is_debit() { open } else { -open }
        }));
    let cash = sum(l
        .payments()
        .iter()
        .filter(|p| p.customer_id == customer_id && p.date <= as_of)
        .map(|p| model_unapplied(l, p, as_of)));
    items - cash
}

/// Whether an explicit application is valid, decided from the rules alone.
fn model_valid(l: &Ledger, source: &Source, target: &Item, amount: Money, date: NaiveDate) -> bool {
    let (src_customer, src_date, src_amount) = match source {
        Source::Payment(id) => {
            let p = l.payment(id).unwrap();
            (p.customer_id, p.date, p.amount)
        }
        Source::CreditNote(id) => {
            let c = l.item(id).unwrap();
            if c.kind != ItemKind::CreditNote {
                return false;
            }
            (c.customer_id, c.issue_date, c.amount)
        }
    };
    target.kind.is_debit()
        && amount.is_positive()
        && amount.currency() == target.amount.currency()
        && date >= target.issue_date
        && *src_customer == target.customer_id
        && date >= src_date
        && amount.amount() <= src_amount.amount() - drawn(l, source, far())
        && amount.amount() <= target.amount.amount() - settled(l, &target.id, far())
}

/// Run the operations, checking each one as it goes; returns the ledger.
fn run_ops(data: &LedgerData, ops: &[Op]) -> Result<Ledger, TestCaseError> {
    let mut l = Ledger::try_from(data.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    for op in ops {
        let before = l.applications().len();
        let made: Vec<Application> = match op {
            Op::Auto(p) => {
                if l.payments().is_empty() {
                    continue;
                }
                let pay = l.payments()[p.index(l.payments().len())].clone();
                let made = l
                    .auto_apply(&pay.id)
                    .map_err(|e| TestCaseError::fail(format!("auto_apply: {e}")))?;
                for a in &made {
                    prop_assert_eq!(&a.source, &Source::Payment(pay.id.clone()));
                    prop_assert_eq!(a.date, pay.date);
                    prop_assert!(a.rule != MatchRule::Explicit);
                }
                // Greedy: either the cash is used up, or nothing it could pay is open.
                if model_unapplied(&l, &pay, far()).is_sign_positive()
                    && !model_unapplied(&l, &pay, far()).is_zero()
                {
                    for i in l.items() {
                        if i.customer_id == pay.customer_id
                            && i.kind.is_debit()
                            && i.issue_date <= pay.date
                        {
                            prop_assert!(model_open(&l, &i, far()).is_zero(), "{} left open", i.id);
                        }
                    }
                }
                made
            }
            Op::Net(c) => {
                let cust = l.customers()[c.index(l.customers().len())].id.clone();
                let made = l
                    .net_credit_notes(&cust)
                    .map_err(|e| TestCaseError::fail(format!("net: {e}")))?;
                for a in &made {
                    let Source::CreditNote(cn) = &a.source else {
                        return Err(TestCaseError::fail("netting from a payment"));
                    };
                    let issue = l.item(cn).unwrap().issue_date;
                    prop_assert_eq!(a.date, issue.max(l.item(&a.item_id).unwrap().issue_date));
                }
                let open_of = |debit: bool| {
                    l.items().iter().any(|i| {
                        i.customer_id == cust
                            && i.kind.is_debit() == debit
                            && !model_open(&l, i, far()).is_zero()
                    })
                };
                prop_assert!(
                    !(open_of(true) && open_of(false)),
                    "netting left both sides open"
                );
                made
            }
            Op::Explicit {
                from_credit_note,
                source,
                item,
                minor,
                date,
            } => {
                if l.items().is_empty() || (!from_credit_note && l.payments().is_empty()) {
                    continue;
                }
                let (src, currency) = if *from_credit_note {
                    let s = &l.items()[source.index(l.items().len())];
                    (Source::CreditNote(s.id.clone()), s.amount.currency())
                } else {
                    let s = &l.payments()[source.index(l.payments().len())];
                    (Source::Payment(s.id.clone()), s.amount.currency())
                };
                let target = l.items()[item.index(l.items().len())].clone();
                let amount = Money::from_minor(*minor, currency);
                let expect = model_valid(&l, &src, &target, amount, day(*date));
                let application = Application {
                    source: src,
                    item_id: target.id.clone(),
                    date: day(*date),
                    amount,
                    rule: MatchRule::Explicit,
                };
                let got = l.record_application(application.clone());
                prop_assert_eq!(got.is_ok(), expect, "{:?}: {:?}", application, got);
                if got.is_ok() {
                    vec![application]
                } else {
                    vec![]
                }
            }
        };
        // Nothing created or lost: the ledger grew by exactly what was returned.
        prop_assert_eq!(&l.applications()[before..], made.as_slice());
    }
    // The records themselves never change.
    prop_assert_eq!(l.customers(), data.customers.as_slice());
    prop_assert_eq!(l.items(), data.items.as_slice());
    prop_assert_eq!(l.payments(), data.payments.as_slice());
    Ok(l)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn money_is_conserved((data, ops) in scenario()) {
        let l = run_ops(&data, &ops)?;
        // Replay every application in order: none exceeds what was open or available.
        let mut used: HashMap<String, Decimal> = HashMap::new();
        let mut drawn_so_far: HashMap<Source, Decimal> = HashMap::new();
        for a in l.applications() {
            let item = l.item(&a.item_id).unwrap();
            prop_assert!(item.kind.is_debit());
            prop_assert!(a.amount.is_positive() && a.amount.is_in_minor_units());
            prop_assert!(a.date >= item.issue_date);
            let (src_amount, src_date, src_customer) = match &a.source {
                Source::Payment(p) => { let p = l.payment(p).unwrap(); (p.amount, p.date, p.customer_id) }
                Source::CreditNote(c) => { let c = l.item(c).unwrap(); prop_assert_eq!(c.kind, ItemKind::CreditNote); (c.amount, c.issue_date, c.customer_id) }
            };
            prop_assert_eq!(&src_customer, &item.customer_id);
            prop_assert!(a.date >= src_date);
            let u = used.entry(a.item_id.clone()).or_default();
            prop_assert!(a.amount.amount() <= item.amount.amount() - *u, "over the item");
            *u += a.amount.amount();
            let s = drawn_so_far.entry(a.source.clone()).or_default();
            prop_assert!(a.amount.amount() <= src_amount.amount() - *s, "over the source");
            *s += a.amount.amount();
        }
        // Σ payments = Σ applied from payments + Σ unapplied.
        let paid = sum(l.payments().iter().map(|p| p.amount.amount()));
        let applied = sum(l.applications().iter().filter(|a| matches!(a.source, Source::Payment(_))).map(|a| a.amount.amount()));
        let mut unapplied = Decimal::ZERO;
        for (pix, p) in l.payments().iter().enumerate() {
            let u = l.unapplied_amount(&p.id, far()).unwrap();
            prop_assert_eq!(u, l.payment_unapplied(pix, far()));
            prop_assert!(!u.is_negative());
            prop_assert_eq!(u.amount(), model_unapplied(&l, p, far()));
            unapplied += u.amount();
        }
        // Payments are in several currencies: the identity holds amount by amount,
        // and the totals are only summed as numbers to check nothing is lost.
        prop_assert_eq!(paid, applied + unapplied);
        // Σ open + settled = amount, item by item.
        for (ix, item) in l.items().iter().enumerate() {
            let s = l.item_state(ix, far()).unwrap();
            prop_assert!(!s.open.is_negative());
            prop_assert_eq!(s.open.checked_add(&s.settled).unwrap(), item.amount);
            prop_assert_eq!(s.open.amount(), model_open(&l, item, far()));
            prop_assert_eq!(s.open.currency(), item.amount.currency());
        }
        // Every balance = Σ debits open − credit notes open − unapplied, on any day.
        for c in l.customers() {
            for off in [0u16, 15, 30, 45, 60, 90, 120, 1000] {
                let b = l.balance(&c.id, day(off)).unwrap();
                prop_assert_eq!(b.currency(), c.currency);
                prop_assert_eq!(b.amount(), model_balance(&l, &c.id, day(off)));
                prop_assert!(!(b.is_zero() && b.amount().is_sign_negative()), "-0 balance");
            }
        }
    }

    #[test]
    fn as_of_views_are_consistent((data, ops) in scenario(), d1 in 0..160u16, gap in 0..160u16) {
        let l = run_ops(&data, &ops)?;
        let (d1, d2) = (day(d1), day(d1 + gap));
        for (ix, item) in l.items().iter().enumerate() {
            for as_of in [d1, d2] {
                let state = l.item_state(ix, as_of);
                prop_assert_eq!(state.is_some(), item.issue_date <= as_of);
                if let Some(s) = state {
                    prop_assert_eq!(s.open.amount(), model_open(&l, item, as_of));
                    prop_assert_eq!(l.open_amount(&item.id, as_of).unwrap(), s.open);
                } else {
                    prop_assert!(l.open_amount(&item.id, as_of).unwrap().is_zero());
                }
            }
            // What is open only ever goes down once the item exists.
            if let (Some(s1), Some(s2)) = (l.item_state(ix, d1), l.item_state(ix, d2)) {
                prop_assert!(s2.open.amount() <= s1.open.amount());
                prop_assert!(s2.last_settlement >= s1.last_settlement);
            }
        }
        for (pix, p) in l.payments().iter().enumerate() {
            if p.date <= d1 {
                prop_assert!(l.payment_unapplied(pix, d2).amount() <= l.payment_unapplied(pix, d1).amount());
            }
        }
        // The state as of d1 is the state of the ledger rebuilt from what existed by d1.
        let before = Ledger::new(
            l.customers().to_vec(),
            l.items().iter().filter(|i| i.issue_date <= d1).cloned().collect(),
            l.payments().iter().filter(|p| p.date <= d1).cloned().collect(),
            l.applications().iter().filter(|a| a.date <= d1).cloned().collect(),
        ).map_err(|e| TestCaseError::fail(format!("rebuilt ledger refused: {e}")))?;
        for (ix, item) in l.items().iter().enumerate() {
            let full = l.item_state(ix, d1);
            match before.items().iter().position(|i| i.id == item.id) {
                Some(rix) => {
                    prop_assert_eq!(full, before.item_state(rix, d1));
                    // Nothing after d1 exists in the rebuilt ledger.
                    prop_assert_eq!(full, before.item_state(rix, far()));
                    // The running totals (read when no application is later than the
                    // day) and the walk (otherwise) agree to the scale, not only the value.
                    prop_assert_eq!(
                        full.map(|s| (s.open.to_string(), s.settled.to_string())),
                        before.item_state(rix, far()).map(|s| (s.open.to_string(), s.settled.to_string()))
                    );
                }
                None => prop_assert_eq!(full, None),
            }
        }
        for p in l.payments() {
            let full = l.unapplied_amount(&p.id, d1).unwrap();
            match before.payment(&p.id) {
                Some(_) => {
                    prop_assert_eq!(full, before.unapplied_amount(&p.id, d1).unwrap());
                    prop_assert_eq!(full, before.unapplied_amount(&p.id, far()).unwrap());
                }
                None => prop_assert!(full.is_zero()),
            }
        }
        for c in l.customers() {
            let full = l.balance(&c.id, d1).unwrap();
            prop_assert_eq!(full, before.balance(&c.id, d1).unwrap());
            prop_assert_eq!(full, before.balance(&c.id, far()).unwrap());
            prop_assert_eq!(full.to_string(), before.balance(&c.id, d1).unwrap().to_string());
        }
    }

    #[test]
    fn json_round_trips_exactly((data, ops) in scenario()) {
        let l = run_ops(&data, &ops)?;
        let json = serde_json::to_string_pretty(&l).unwrap();
        let back: Ledger = serde_json::from_str(&json)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{json}")))?;
        prop_assert_eq!(&back, &l);
        prop_assert_eq!(back.data(), l.data());
        prop_assert_eq!(serde_json::to_string_pretty(&back).unwrap(), json);
        // The compact form too, and through LedgerData.
        let compact = serde_json::to_string(&l.data()).unwrap();
        let raw: LedgerData = serde_json::from_str(&compact).unwrap();
        prop_assert_eq!(&raw, &l.data());
        prop_assert_eq!(serde_json::to_string(&raw).unwrap(), compact);
    }
}

// ---------------------------------------------------------------------------------
// The JSON form: golden file and documentation
// ---------------------------------------------------------------------------------

fn golden_path() -> PathBuf {
    manifest_dir().join("tests/data/ledger/small.json")
}

#[test]
fn golden_ledger_loads_and_writes_back_byte_for_byte() {
    let text = std::fs::read_to_string(golden_path()).unwrap();
    let ledger: Ledger = serde_json::from_str(&text).unwrap();
    let written = serde_json::to_string_pretty(&ledger).unwrap() + "\n";
    assert_eq!(written, text, "the stable JSON form changed");

    // Every field is present at least once, so the file pins all of them.
    let c = ledger.customer("C-DUPONT").unwrap();
    assert!(c.segment.is_some() && c.parent.is_some() && c.country.is_some());
    assert!(c.payment_terms.is_some() && c.calendar.is_some());
    assert!(c.dunning_scenario.is_some() && c.risk_class.is_some());
    assert!(!c.tags.is_empty() && c.external_scores.iter().any(|s| s.as_of.is_some()));
    assert!(c.credit_limit.is_some());
    let block = c.dunning_block.as_ref().unwrap();
    assert!(block.reason.is_some() && block.since.is_some() && block.until.is_some());
    let f = ledger.item("F-2024-0912").unwrap();
    let dispute = f.dispute.as_ref().unwrap();
    assert!(f.reference.is_some() && f.dunning_block.is_some());
    assert!(dispute.resolved_on.is_some() && dispute.reason.is_some());
    let kinds: Vec<ItemKind> = ledger.items().iter().map(|i| i.kind).collect();
    for k in [ItemKind::Invoice, ItemKind::DebitNote, ItemKind::CreditNote] {
        assert!(kinds.contains(&k), "{k:?}");
    }
    let rules: Vec<MatchRule> = ledger.applications().iter().map(|a| a.rule).collect();
    for r in [
        MatchRule::Explicit,
        MatchRule::Reference,
        MatchRule::ExactAmount,
        MatchRule::OldestDue,
    ] {
        assert!(rules.contains(&r), "{r:?}");
    }
    assert!(ledger.payments().iter().any(|p| p.reference.is_some()));
    let points = ledger.customer("C-POINTS").unwrap().currency;
    assert_eq!(points, xpt3());
    assert!(!points.is_iso());

    // The figures the documentation quotes.
    assert_eq!(
        ledger.balance("C-DUPONT", d("2024-11-30")).unwrap(),
        eur("650.00")
    );
    assert_eq!(
        ledger.balance("C-DUPONT", d("2024-09-30")).unwrap(),
        eur("2000.00")
    );
    assert_eq!(
        ledger.balance("C-DUPONT", d("2024-10-15")).unwrap(),
        eur("890.00")
    );
    assert_eq!(
        ledger
            .unapplied_amount("P-2024-1120", d("2024-11-30"))
            .unwrap(),
        eur("40.00")
    );
    assert_eq!(
        ledger
            .balance("C-POINTS", d("2024-11-02"))
            .unwrap()
            .to_string(),
        "0.000 XPT"
    );
    assert_eq!(
        ledger.group_root(ledger.customer_index("C-DUPONT").unwrap()),
        ledger.customer_index("G-HOLDING").unwrap()
    );
    assert_eq!(f.disputed_amount(d("2024-11-04")), eur("200.00"));
    assert!(f.disputed_amount(d("2024-11-05")).is_zero());
}

/// The JSON blocks of the documentation, each with the type named in the comment
/// line above it (`<!-- type: Money -->`) and the file it must equal, if any.
fn doc_blocks() -> Vec<(String, Option<String>, String)> {
    let doc = std::fs::read_to_string(manifest_dir().join("../../docs/json-format.md")).unwrap();
    let mut blocks = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let Some(spec) = line
            .strip_prefix("<!-- type: ")
            .and_then(|s| s.strip_suffix(" -->"))
        else {
            continue;
        };
        let (ty, file) = match spec.split_once(", file: ") {
            Some((t, f)) => (t.to_owned(), Some(f.to_owned())),
            None => (spec.to_owned(), None),
        };
        assert_eq!(
            lines.next(),
            Some("```json"),
            "block for {ty} must follow its comment"
        );
        let mut body = String::new();
        for l in lines.by_ref() {
            if l == "```" {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        blocks.push((ty, file, body));
    }
    blocks
}

/// Parse `text` as `T`, write it back and check it is the same JSON value: the
/// documentation shows the canonical form, no field missing, none extra.
fn canonical<T: serde::de::DeserializeOwned + serde::Serialize>(ty: &str, text: &str) {
    let value: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("{ty}: {e}\n{text}"));
    let written = serde_json::to_value(&value).unwrap();
    let given: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(written, given, "{ty} example is not in canonical form");
}

#[test]
fn every_example_in_the_json_format_doc_parses() {
    let blocks = doc_blocks();
    let mut seen = std::collections::BTreeSet::new();
    for (ty, file, body) in &blocks {
        match ty.as_str() {
            "Currency" => canonical::<Currency>(ty, body),
            "Money" => canonical::<Money>(ty, body),
            "Customer" => canonical::<Customer>(ty, body),
            "ExternalScore" => canonical::<ExternalScore>(ty, body),
            "Block" => canonical::<Block>(ty, body),
            "Dispute" => canonical::<Dispute>(ty, body),
            "Item" => canonical::<Item>(ty, body),
            "Payment" => canonical::<Payment>(ty, body),
            "Source" => canonical::<Source>(ty, body),
            "MatchRule" => canonical::<MatchRule>(ty, body),
            "Application" => canonical::<Application>(ty, body),
            "MultiCurrency" => canonical::<MultiCurrency>(ty, body),
            "LedgerData" => {
                canonical::<LedgerData>(ty, body);
                // …and it is a valid ledger.
                canonical::<Ledger>(ty, body);
            }
            other => panic!("unknown type {other} in docs/json-format.md"),
        }
        if let Some(file) = file {
            let golden = std::fs::read_to_string(manifest_dir().join("../..").join(file)).unwrap();
            assert_eq!(body, &golden, "the full example differs from {file}");
        }
        seen.insert(ty.as_str());
    }
    let all = [
        "Application",
        "Block",
        "Currency",
        "Customer",
        "Dispute",
        "ExternalScore",
        "Item",
        "LedgerData",
        "MatchRule",
        "Money",
        "MultiCurrency",
        "Payment",
        "Source",
    ];
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), all);
    assert!(
        blocks
            .iter()
            .any(|(_, f, _)| f.as_deref()
                == Some("crates/encours-core/tests/data/ledger/small.json")),
        "the doc must embed the golden file"
    );
}

#[test]
fn input_leniency_documented_in_the_json_format_doc() {
    // Optional fields may be null, lists may be empty, unknown fields are ignored.
    let c: Customer = serde_json::from_str(
        r#"{"id": "C1", "name": "A", "currency": "eur", "segment": null, "tags": [],
            "credit_limit": null, "comment": "not a field"}"#,
    )
    .unwrap();
    assert_eq!(c, Customer::new("C1", "A", Currency::EUR));
    assert_eq!(
        serde_json::to_string(&c).unwrap(),
        r#"{"id":"C1","name":"A","currency":"EUR"}"#
    );
    // …but a list may not be null.
    assert!(
        serde_json::from_str::<Customer>(
            r#"{"id": "C1", "name": "A", "currency": "EUR", "tags": null}"#
        )
        .is_err()
    );
    // An integer amount is accepted and written back as a string.
    let m: Money = serde_json::from_str(r#"{"amount": 1200, "currency": "EUR"}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&m).unwrap(),
        r#"{"amount":"1200","currency":"EUR"}"#
    );
    // The scale is kept as given.
    let m: Money = serde_json::from_str(r#"{"amount": "5.000", "currency": "EUR"}"#).unwrap();
    assert_eq!(m, eur("5"));
    assert_eq!(
        serde_json::to_string(&m).unwrap(),
        r#"{"amount":"5.000","currency":"EUR"}"#
    );
    // A built-in currency given in the object form is written as its code.
    let c: Currency = serde_json::from_str(r#"{"code": "eur", "minor_units": 2}"#).unwrap();
    assert_eq!(serde_json::to_string(&c).unwrap(), r#""EUR""#);
    // An ISO code with other minor units stays custom.
    let c: Currency = serde_json::from_str(r#"{"code": "JPY", "minor_units": 2}"#).unwrap();
    assert!(!c.is_iso());
    assert_eq!(
        serde_json::to_string(&c).unwrap(),
        r#"{"code":"JPY","minor_units":2}"#
    );
    // All four lists of a ledger are optional.
    let l: Ledger = serde_json::from_str("{}").unwrap();
    assert_eq!(l, Ledger::default());
    assert_eq!(
        serde_json::to_string(&l).unwrap(),
        r#"{"customers":[],"items":[],"payments":[],"applications":[]}"#
    );
    // Sources have exactly one key.
    assert!(serde_json::from_str::<Source>(r#"{"payment": "P1", "credit_note": "A1"}"#).is_err());
    assert!(serde_json::from_str::<Source>(r#"{"refund": "R1"}"#).is_err());
    assert!(serde_json::from_str::<MatchRule>(r#""ExactAmount""#).is_err());
    // Dates are ISO 8601 calendar dates.
    assert!(serde_json::from_str::<Block>(r#"{"until": "31/12/2024"}"#).is_err());
    assert!(serde_json::from_str::<Block>(r#"{"until": "2024-02-30"}"#).is_err());
}

#[test]
fn huge_amounts_are_refused_or_exact_never_panics() {
    // Amounts are stored as i64 minor units: past that, the record is refused by name.
    let max = Money::new(Decimal::MAX, Currency::EUR);
    let refused = Ledger::new(
        vec![customer("C1")],
        vec![Item::invoice(
            "F1",
            "C1",
            d("2024-01-01"),
            d("2024-01-31"),
            max,
        )],
        vec![],
        vec![],
    );
    assert_eq!(
        err(refused),
        "invalid amount of item \"F1\": 79228162514264337593543950335 (at most 92233720368547758.07 EUR (2^63 - 1 minor units))"
    );
    let top = Money::from_minor(i64::MAX, Currency::EUR);
    let mut l = Ledger::new(
        vec![customer("C1")],
        vec![
            Item::invoice("F1", "C1", d("2024-01-01"), d("2024-01-31"), top),
            Item::invoice("F2", "C1", d("2024-01-01"), d("2024-01-31"), top),
        ],
        vec![Payment::new("P1", "C1", d("2024-02-01"), top)],
        vec![],
    )
    .unwrap();
    // Sums are exact (i128): two of the largest amounts add up without overflow.
    assert_eq!(
        l.balance("C1", d("2024-01-31")).unwrap().to_string(),
        "184467440737095516.14 EUR"
    );
    let apps = l.auto_apply("P1").unwrap();
    assert_eq!(rules(&apps), [("P1", "F1", MatchRule::ExactAmount)]);
    assert_eq!(l.balance("C1", d("2024-02-01")).unwrap(), top);
    // Cash cannot be applied twice, even at the edge of the range.
    assert_eq!(
        err(l.apply_payment("P1", "F2", eur("1"), d("2024-02-01"))),
        "cannot apply 1 EUR from payment \"P1\" to item \"F2\": only 0.00 EUR is left to apply"
    );
}
