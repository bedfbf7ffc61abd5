"""Shared fixtures: a small ledger built from Python objects."""

from __future__ import annotations

import datetime

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


__all__ = ["d", "eur", "encours"]
