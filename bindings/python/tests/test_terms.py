"""encours.PaymentTerms (core module: terms)."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest
from conftest import d, eur

from encours import InputError, PaymentTerms, TermsError


def test_parse_and_due_dates() -> None:
    t = PaymentTerms.parse("45 jours fin de mois")
    assert repr(t) == "PaymentTerms('45 days then end of month')"
    assert t.lines == [(Decimal(100), "45 days then end of month")]
    # 15 Jan + 45 days = 29 Feb, end of month 29 Feb; the other reading: 31 Jan + 45 = 16 Mar.
    assert t.due_date(d("2024-01-15")) == d("2024-02-29")
    other = PaymentTerms.parse("45 jours fin de mois", end_of_month_convention="end_of_month_then_days")
    assert other.due_date(d("2024-01-15")) == d("2024-03-16")
    assert PaymentTerms.net(30).due_date(d("2024-01-31")) == d("2024-03-01")
    assert str(PaymentTerms.parse("net 30")) == "net 30"


def test_split_terms_schedule_adds_up() -> None:
    t = PaymentTerms.parse("30% à la commande, 70% à 60 jours")
    lines = t.due_schedule(d("2024-01-15"), eur("1000.01"), order_date=d("2024-01-10"))
    assert [(x.rule, x.share, x.due_date) for x in lines] == [
        ("at order", Decimal(30), d("2024-01-10")), ("net 60", Decimal(70), d("2024-03-15"))]
    assert sum(x.amount for x in lines) == eur("1000.01")
    assert repr(lines[0]) == ("DueLine(line_index=0, rule='at order', share=Decimal('30'), "
                              "due_date=datetime.date(2024, 1, 10), amount=Money('300.00', 'EUR'))")


def test_early_payment_discount() -> None:
    t = PaymentTerms.parse("2/10 net 30")
    assert t.discount == (Decimal(2), 10)
    disc = t.early_payment_discount(d("2024-01-15"), eur("1000.00"))
    assert disc is not None
    assert (disc.deadline, disc.amount, disc.net_payable) == (d("2024-01-25"), eur("20.00"), eur("980.00"))
    assert PaymentTerms.net(30).early_payment_discount(d("2024-01-15"), eur("1.00")) is None


def test_lme_check() -> None:
    ok = PaymentTerms.parse("45 jours fin de mois").lme_check(d("2024-01-15"))
    assert ok.compliant and ok.reasons[0].days_over == 0
    bad = PaymentTerms.parse("90 jours").lme_check(d("2024-01-15"))
    assert not bad.compliant
    (r,) = bad.reasons
    assert (r.rule, r.cap, r.cap_date, r.days_over) == ("net 90", "sixty_days_from_invoice", d("2024-03-15"), 30)
    assert bad.limits.sixty_days == d("2024-03-15")


def test_errors_and_serialization() -> None:
    with pytest.raises(TermsError) as e:
        PaymentTerms.parse("45 jourz")
    assert e.value.code == "unexpected_token"
    assert str(e.value).startswith('invalid payment terms "45 jourz": unexpected "jourz" at column 4')
    with pytest.raises(InputError):
        PaymentTerms.parse("net 30", end_of_month_convention="sideways")  # type: ignore[arg-type]
    t = PaymentTerms.parse("2/10 net 30")
    assert PaymentTerms.from_json(t.to_json()) == t
    assert pickle.loads(pickle.dumps(t)) == t
    with pytest.raises(InputError):
        PaymentTerms.from_json('{"lines": [{"share": "50", "due": {"rule": "net", "days": 30}}]}')
