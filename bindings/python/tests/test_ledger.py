"""encours.Ledger and its records, built from Python objects and JSON (core module: ledger)."""

from __future__ import annotations

import copy
import datetime
import json
import pickle
from decimal import Decimal

import pytest
from conftest import d, eur
from hypothesis import given, settings
from hypothesis import strategies as st

from encours import (
    Application,
    Block,
    Customer,
    Dispute,
    ExternalScore,
    InputError,
    Item,
    Ledger,
    LedgerError,
    Money,
    Payment,
)

# ------------------------------------------------------------------ records


def test_record_reprs_are_exact() -> None:
    c = Customer("C1", "Dupont SA", "EUR", segment="SME", tags=["key", "fr"], parent="G1",
                 credit_limit=eur("50000.00"))
    assert repr(c) == (
        "Customer(id='C1', name='Dupont SA', currency='EUR', segment='SME', tags=['key', 'fr'], "
        "parent='G1', credit_limit=Money('50000.00', 'EUR'))"
    )
    assert repr(Customer("C2", "L'Atelier", "JPY")) == "Customer(id='C2', name=\"L'Atelier\", currency='JPY')"
    i = Item("F-1", "C1", issue_date=d("2024-09-01"), due_date=d("2024-10-01"), amount=eur("1200.00"),
             reference="PO-7")
    assert repr(i) == (
        "Item(id='F-1', customer_id='C1', kind='invoice', issue_date=datetime.date(2024, 9, 1), "
        "due_date=datetime.date(2024, 10, 1), amount=Money('1200.00', 'EUR'), reference='PO-7')"
    )
    cn = Item("A-1", "C1", kind="credit_note", issue_date=d("2024-10-05"), amount=eur("50.00"))
    assert repr(cn) == (
        "Item(id='A-1', customer_id='C1', kind='credit_note', issue_date=datetime.date(2024, 10, 5), "
        "due_date=datetime.date(2024, 10, 5), amount=Money('50.00', 'EUR'))"
    )
    p = Payment("P-1", "C1", d("2024-10-10"), eur("1200.00"), reference="F-1")
    assert repr(p) == (
        "Payment(id='P-1', customer_id='C1', date=datetime.date(2024, 10, 10), "
        "amount=Money('1200.00', 'EUR'), reference='F-1')"
    )
    a = Application("A-1", "F-1", d("2024-10-05"), eur("50.00"), source_kind="credit_note", rule="oldest_due")
    assert repr(a) == (
        "Application(source_id='A-1', item_id='F-1', date=datetime.date(2024, 10, 5), "
        "amount=Money('50.00', 'EUR'), source_kind='credit_note', rule='oldest_due')"
    )
    disputed = Item("F-2", "C1", issue_date=d("2024-01-01"), due_date=d("2024-01-31"), amount=eur("10.00"),
                    dispute=Dispute(eur("4.00"), d("2024-02-01"), reason="quality"),
                    dunning_block=Block(reason="awaiting PO", until=d("2024-05-31")))
    assert repr(disputed).endswith(
        "dispute=Dispute(amount=Money('4.00', 'EUR'), opened_on=datetime.date(2024, 2, 1), reason='quality'), "
        "dunning_block=Block(reason='awaiting PO', until=datetime.date(2024, 5, 31)))"
    )
    assert repr(ExternalScore("Creditsafe", "71", as_of=d("2024-01-01"))) == (
        "ExternalScore(provider='Creditsafe', value=Decimal('71'), as_of=datetime.date(2024, 1, 1))"
    )


def test_reprs_evaluate_back_to_equal_records() -> None:
    env = {"datetime": datetime, "Decimal": Decimal, "Money": Money, "Customer": Customer, "Item": Item,
           "Payment": Payment, "Application": Application, "Dispute": Dispute, "Block": Block,
           "ExternalScore": ExternalScore}
    records = [
        Customer("C1", "Dupont", "EUR", tags=["a"], external_scores=[ExternalScore("X", 5)],
                 dunning_block=Block(since=d("2024-01-01"))),
        Item("F", "C1", issue_date=d("2024-01-01"), due_date=d("2024-01-31"), amount=eur("1.00"),
             dispute=Dispute(eur("1.00"), d("2024-01-02"), resolved_on=d("2024-01-03"))),
        Payment("P", "C1", d("2024-01-01"), eur("1.00")),
        Application("P", "F", d("2024-01-01"), eur("1.00")),
    ]
    for r in records:
        assert eval(repr(r), env) == r  # noqa: S307


def test_record_attributes() -> None:
    i = Item("F-1", "C1", issue_date=d("2024-09-01"), due_date=d("2024-10-01"), amount=eur("1200.00"))
    assert (i.id, i.customer_id, i.kind, i.issue_date, i.due_date, i.amount) == (
        "F-1", "C1", "invoice", d("2024-09-01"), d("2024-10-01"), eur("1200.00"))
    assert i.is_debit() and i.reference is None and i.dispute is None
    c = Customer("C1", "Dupont", "EUR")
    assert (c.segment, c.tags, c.credit_limit, c.currency.code) == (None, [], None, "EUR")
    b = Block(until=d("2024-05-31"))
    assert b.is_active(d("2024-05-31")) and not b.is_active(d("2024-06-01"))
    dispute = Dispute(eur("50.00"), d("2024-03-01"))
    assert dispute.is_active(d("2024-03-01")) and not dispute.is_active(d("2024-02-29"))
    a = Application("P-1", "F-1", d("2024-10-10"), eur("1.00"))
    assert (a.source_kind, a.source_id, a.rule) == ("payment", "P-1", "explicit")


def test_records_are_frozen_values() -> None:
    c = Customer("C1", "Dupont", "EUR")
    with pytest.raises(AttributeError):
        c.name = "Other"  # type: ignore[misc]
    assert c == Customer("C1", "Dupont", "EUR")
    assert c != Customer("C1", "Dupont", "USD")


def test_record_argument_errors() -> None:
    with pytest.raises(InputError) as e:
        Item("F", "C1", issue_date=d("2024-01-01"), amount=eur("1"))
    assert str(e.value) == 'due_date is required for invoice "F"'
    with pytest.raises(InputError, match='invalid item kind "bill"'):
        Item("F", "C1", kind="bill", issue_date=d("2024-01-01"), due_date=d("2024-01-01"), amount=eur("1"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="amount must be encours.Money, not str"):
        Item("F", "C1", issue_date=d("2024-01-01"), due_date=d("2024-01-01"), amount="1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="datetime.datetime"):
        Payment("P", "C1", datetime.datetime(2024, 1, 1, 12), eur("1"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be datetime.date, not str"):
        Payment("P", "C1", "2024-01-01", eur("1"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="tags must be a sequence of str"):
        Customer("C", "N", "EUR", tags="abc")
    with pytest.raises(InputError, match="invalid source_kind"):
        Application("P", "F", d("2024-01-01"), eur("1"), source_kind="cheque")  # type: ignore[arg-type]
    with pytest.raises(InputError, match='invalid rule "luck"'):
        Application("P", "F", d("2024-01-01"), eur("1"), rule="luck")  # type: ignore[arg-type]


def test_record_json_and_pickle() -> None:
    c = Customer("C1", "Dupont", "EUR", segment="SME")
    assert json.loads(c.to_json()) == {"id": "C1", "name": "Dupont", "currency": "EUR", "segment": "SME"}
    items = [
        c,
        Item("F", "C1", issue_date=d("2024-01-01"), due_date=d("2024-01-31"), amount=eur("1.50")),
        Payment("P", "C1", d("2024-01-01"), eur("1.50")),
        Application("P", "F", d("2024-01-01"), eur("1.50")),
        Dispute(eur("1"), d("2024-01-01")),
        Block(reason="x"),
        ExternalScore("X", "5.5"),
    ]
    for r in items:
        assert pickle.loads(pickle.dumps(r)) == r
        assert type(r).from_json(r.to_json()) == r  # type: ignore[attr-defined]
        assert copy.deepcopy(r) == r


# ------------------------------------------------------------------ ledger


def test_ledger_views(small_ledger: Ledger) -> None:
    lg = small_ledger
    assert repr(lg) == "Ledger(customers=2, items=4, payments=2, applications=1)"
    assert (lg.num_customers, lg.num_items, lg.num_payments, lg.num_applications) == (2, 4, 2, 1)
    assert lg.open_amount("F-1", d("2024-10-09")) == eur("1200.00")
    assert lg.open_amount("F-1", d("2024-10-10")) == eur("0.00")
    assert lg.open_amount("F-1", d("2024-08-01")).is_zero()
    # C1: F-2 300.00 open, credit note 50.00 open: 250.00 owed.
    assert lg.balance("C1", d("2024-10-31")) == eur("250.00")
    # C2: 99.99 owed, 40.00 unapplied cash after 2 November.
    assert lg.balance("C2", d("2024-11-01")) == eur("99.99")
    assert lg.balance("C2", d("2024-11-02")) == eur("59.99")
    assert lg.unapplied_amount("P-2", d("2024-11-02")) == eur("40.00")
    assert lg.customer("C1") == Customer("C1", "Dupont SA", "EUR", segment="SME")
    assert lg.customer("nope") is None and lg.item("nope") is None and lg.payment("nope") is None
    assert [i.id for i in lg.items] == ["F-1", "F-2", "F-3", "A-1"]
    assert [c.id for c in lg.customers] == ["C1", "C2"]
    assert [p.id for p in lg.payments] == ["P-1", "P-2"]
    assert lg.applications == [Application("P-1", "F-1", d("2024-10-10"), eur("1200.00"))]


def test_auto_apply_and_credit_notes(small_ledger: Ledger) -> None:
    lg = small_ledger
    made = lg.auto_apply("P-2")
    assert made == [Application("P-2", "F-3", d("2024-11-02"), eur("40.00"), rule="oldest_due")]
    assert lg.open_amount("F-3", d("2024-11-02")) == eur("59.99")
    netted = lg.net_credit_notes("C1")
    assert [(a.source_kind, a.source_id, a.item_id, a.amount, a.rule) for a in netted] == [
        ("credit_note", "A-1", "F-2", eur("50.00"), "oldest_due")
    ]
    assert lg.open_amount("F-2", d("2024-12-31")) == eur("250.00")


def test_adding_records(small_ledger: Ledger) -> None:
    lg = small_ledger
    lg.add_customer(Customer("C3", "New", "USD"))
    lg.add_item(Item("F-9", "C3", issue_date=d("2024-11-01"), due_date=d("2024-12-01"),
                     amount=Money("10.00", "USD"), reference="PO-9"))
    lg.add_payment(Payment("P-9", "C3", d("2024-11-20"), Money("10.00", "USD"), reference="PO-9"))
    assert [a.rule for a in lg.auto_apply("P-9")] == ["reference"]
    lg.add_payment(Payment("P-10", "C3", d("2024-11-21"), Money("5.00", "USD")))
    # F-9 is settled: nothing left to apply to.
    with pytest.raises(LedgerError) as e:
        lg.apply_payment("P-10", "F-9", Money("5.00", "USD"), d("2024-11-21"))
    assert "only 0.00 USD is open on the item" in str(e.value)
    lg.add_item(Item("F-10", "C3", issue_date=d("2024-11-01"), due_date=d("2024-12-01"),
                     amount=Money("8.00", "USD")))
    lg.record_application(Application("P-10", "F-10", d("2024-11-21"), Money("5.00", "USD"), rule="reference"))
    assert lg.open_amount("F-10", d("2024-11-21")) == Money("3.00", "USD")
    assert lg.applications[-1].rule == "reference"


def test_ledger_errors_name_the_record() -> None:
    with pytest.raises(LedgerError) as e:
        Ledger(customers=[Customer("C1", "A", "EUR")],
               items=[Item("F1", "C9", issue_date=d("2024-01-01"), due_date=d("2024-01-01"), amount=eur("1.00"))])
    assert str(e.value) == 'unknown customer "C9" referenced by item "F1"'
    assert e.value.code == "unknown"
    lg = Ledger(customers=[Customer("C1", "A", "EUR")])
    with pytest.raises(LedgerError) as e:
        lg.add_customer(Customer("C1", "B", "EUR"))
    assert e.value.code == "duplicate_id"
    with pytest.raises(LedgerError) as e:
        lg.add_item(Item("F1", "C1", issue_date=d("2024-01-01"), due_date=d("2024-01-01"), amount=eur("-0.05")))
    assert str(e.value) == 'invalid amount of item "F1": -0.05 (a positive amount)'
    with pytest.raises(LedgerError) as e:
        lg.add_payment(Payment("P1", "C1", d("2024-01-01"), Money("1", "USD")))
    assert str(e.value) == "invalid currency of payment \"P1\": USD (EUR, the customer's currency)"
    with pytest.raises(LedgerError) as e:
        lg.auto_apply("nope")
    assert e.value.code == "unknown"
    with pytest.raises(TypeError, match="customers must contain only encours.Customer"):
        Ledger(customers=["C1"])  # type: ignore[list-item]


def test_over_application_is_refused(small_ledger: Ledger) -> None:
    with pytest.raises(LedgerError) as e:
        small_ledger.apply_payment("P-2", "F-3", eur("40.01"), d("2024-11-02"))
    assert e.value.code == "over_application"
    assert "only 40.00 EUR is left to apply" in str(e.value)
    with pytest.raises(LedgerError) as e:
        small_ledger.apply_payment("P-2", "F-3", Money("1.00", "USD"), d("2024-11-02"))
    assert e.value.code == "invalid_field"


def test_ledger_json_and_pickle(small_ledger: Ledger) -> None:
    text = small_ledger.to_json()
    back = Ledger.from_json(text)
    assert back == small_ledger
    assert back.to_json() == text
    assert json.loads(small_ledger.to_json(indent=2)) == json.loads(text)
    assert small_ledger.to_json(indent=2).startswith('{\n  "customers": [')
    assert pickle.loads(pickle.dumps(small_ledger)) == small_ledger
    data = json.loads(text)
    assert data["applications"] == [{"source": {"payment": "P-1"}, "item_id": "F-1", "date": "2024-10-10",
                                     "amount": {"amount": "1200.00", "currency": "EUR"}, "rule": "explicit"}]


def test_ledger_json_errors() -> None:
    with pytest.raises(InputError) as e:
        Ledger.from_json("{not json")
    assert e.value.code == "json"
    bad = {"customers": [{"id": "C1", "name": "A", "currency": "EUR"}],
           "items": [{"id": "F1", "customer_id": "C2", "kind": "invoice", "issue_date": "2024-01-01",
                      "due_date": "2024-01-31", "amount": {"amount": "1.00", "currency": "EUR"}}]}
    with pytest.raises(LedgerError, match='unknown customer "C2"'):
        Ledger.from_json(json.dumps(bad))
    with pytest.raises(TypeError, match="JSON must be str or bytes"):
        Ledger.from_json(12)  # type: ignore[arg-type]


# ------------------------------------------------------------------ conservation


@settings(max_examples=60, deadline=None)
@given(
    invoices=st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=12),
    payments=st.lists(st.integers(min_value=1, max_value=2 * 10**7), min_size=1, max_size=8),
)
def test_auto_apply_conserves_cash(invoices: list[int], payments: list[int]) -> None:
    day = d("2024-06-01")
    lg = Ledger(
        customers=[Customer("C", "C", "EUR")],
        items=[Item(f"F{i}", "C", issue_date=day, due_date=day + datetime.timedelta(days=i),
                    amount=Money.from_minor(c, "EUR")) for i, c in enumerate(invoices)],
        payments=[Payment(f"P{i}", "C", day, Money.from_minor(c, "EUR")) for i, c in enumerate(payments)],
    )
    before = lg.balance("C", day)
    for i in range(len(payments)):
        made = lg.auto_apply(f"P{i}")
        applied = sum((a.amount for a in made), Money.zero("EUR"))
        assert applied + lg.unapplied_amount(f"P{i}", day) == Money.from_minor(payments[i], "EUR")
    # Applying moves cash from unapplied to settled: the balance does not change.
    assert lg.balance("C", day) == before
    total_open = sum((lg.open_amount(f"F{i}", day) for i in range(len(invoices))), Money.zero("EUR"))
    total_unapplied = sum((lg.unapplied_amount(f"P{i}", day) for i in range(len(payments))), Money.zero("EUR"))
    assert total_open - total_unapplied == Money.from_minor(sum(invoices) - sum(payments), "EUR")
    assert all(not lg.open_amount(f"F{i}", day).is_negative() for i in range(len(invoices)))
