"""Shared fixtures: a small ledger built from Python objects."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest

import encours
from encours import Customer, Item, Ledger, Money, Payment


def d(text: str) -> datetime.date:
    """A date from ISO text, to keep test data readable."""
    return datetime.date.fromisoformat(text)


def eur(text: str) -> Money:
    """An amount in euros."""
    return Money(text, "EUR")


@pytest.fixture
def small_ledger() -> Ledger:
    """Two customers, three invoices, a credit note and two payments (one applied)."""
    ledger = Ledger(
        customers=[
            Customer("C1", "Dupont SA", "EUR", segment="SME"),
            Customer("C2", "Martin SARL", "EUR"),
        ],
        items=[
            Item("F-1", "C1", issue_date=d("2024-09-01"), due_date=d("2024-10-01"), amount=eur("1200.00")),
            Item("F-2", "C1", issue_date=d("2024-09-15"), due_date=d("2024-10-15"), amount=eur("300.00")),
            Item("F-3", "C2", issue_date=d("2024-10-01"), due_date=d("2024-10-31"), amount=eur("99.99")),
            Item("A-1", "C1", kind="credit_note", issue_date=d("2024-10-05"), amount=eur("50.00")),
        ],
        payments=[
            Payment("P-1", "C1", d("2024-10-10"), eur("1200.00")),
            Payment("P-2", "C2", d("2024-11-02"), eur("40.00")),
        ],
    )
    ledger.apply_payment("P-1", "F-1", eur("1200.00"), d("2024-10-10"))
    return ledger


def generated_tables(n_customers: int = 200, n_invoices: int = 2000, seed: int = 7) -> tuple[Any, Any, Any]:
    """Tables with the schema of shared/perf/gen_ledger.py (int ids, decimal128(12, 2)
    amounts, date32 dates, a `disputed` flag), from a seeded pure-Python generator:
    three currencies, instalments, short payments and unpaid invoices."""
    import pyarrow as pa

    rng = random.Random(seed)
    as_of = datetime.date(2026, 11, 22)
    currencies = [rng.choices(["EUR", "USD", "GBP"], [85, 10, 5])[0] for _ in range(n_customers)]
    customers = pa.table({
        "customer_id": pa.array(range(1, n_customers + 1), pa.int64()),
        "segment": [rng.choice("ABC") for _ in range(n_customers)],
        "currency": currencies,
    })
    inv: dict[str, list[Any]] = {k: [] for k in ("invoice_id", "customer_id", "currency", "issue_date",
                                                 "due_date", "amount", "disputed")}
    pay: dict[str, list[Any]] = {k: [] for k in ("invoice_id", "pay_date", "amount")}
    for i in range(1, n_invoices + 1):
        c = rng.randrange(n_customers)
        issue = as_of - datetime.timedelta(days=rng.randrange(730))
        due = issue + datetime.timedelta(days=rng.choice([30, 45, 60]))
        cents = rng.randrange(5_000, 5_000_000)
        inv["invoice_id"].append(i)
        inv["customer_id"].append(c + 1)
        inv["currency"].append(currencies[c])
        inv["issue_date"].append(issue)
        inv["due_date"].append(due)
        inv["amount"].append(Decimal(cents).scaleb(-2))
        inv["disputed"].append(rng.random() < 0.03)
        roll = rng.random()
        if roll < 0.05:
            continue  # never paid
        parts = [cents] if roll < 0.85 else [cents // 3, cents - cents // 3]
        if rng.random() < 0.05:
            parts[-1] -= rng.randrange(1, max(2, parts[-1] // 10))  # short payment
        day = max(issue, due + datetime.timedelta(days=rng.randrange(-20, 60)))
        for k, part in enumerate(parts):
            when = day + datetime.timedelta(days=10 * k)
            if when <= as_of and part > 0:
                pay["invoice_id"].append(i)
                pay["pay_date"].append(when)
                pay["amount"].append(Decimal(part).scaleb(-2))
    invoices = pa.table({
        "invoice_id": pa.array(inv["invoice_id"], pa.int64()),
        "customer_id": pa.array(inv["customer_id"], pa.int64()),
        "currency": inv["currency"],
        "issue_date": pa.array(inv["issue_date"], pa.date32()),
        "due_date": pa.array(inv["due_date"], pa.date32()),
        "amount": pa.array(inv["amount"], pa.decimal128(12, 2)),
        "disputed": inv["disputed"],
    })
    payments = pa.table({
        "payment_id": pa.array(range(1, len(pay["invoice_id"]) + 1), pa.int64()),
        "invoice_id": pa.array(pay["invoice_id"], pa.int64()),
        "pay_date": pa.array(pay["pay_date"], pa.date32()),
        "amount": pa.array(pay["amount"], pa.decimal128(12, 2)),
    })
    return customers, invoices, payments


@pytest.fixture(scope="session")
def big_ledger() -> Ledger:
    """A 2 000-invoice ledger from `generated_tables`."""
    return Ledger.from_arrow(*generated_tables())


__all__ = ["d", "eur", "encours", "generated_tables"]
