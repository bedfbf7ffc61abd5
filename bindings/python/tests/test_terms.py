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


# ---------------------------------------------------------------- issue 11


def test_split_lines_round_half_up_with_the_remainder_on_the_last_line() -> None:
    terms = PaymentTerms.parse("25% net 30, 25% net 60, 25% net 90, 25% net 120")
    amounts = [line.amount for line in terms.due_schedule(d("2024-01-15"), eur("1000.03"))]
    assert amounts == [eur("250.01"), eur("250.01"), eur("250.01"), eur("250.00")]
    truncated = terms.due_schedule(d("2024-01-15"), eur("1000.03"), rounding="truncate_remainder_on_last")
    assert [line.amount for line in truncated] == [eur("250.00"), eur("250.00"), eur("250.00"), eur("250.03")]
    with pytest.raises(InputError, match="rounding"):
        terms.due_schedule(d("2024-01-15"), eur("1000.03"), rounding="bankers")  # type: ignore[arg-type]


def test_tenth_proximo_is_le_10_du_mois_suivant() -> None:
    assert PaymentTerms.parse("10th prox.") == PaymentTerms.parse("le 10 du mois suivant")
    assert PaymentTerms.parse("10th prox.").due_date(d("2024-01-31")) == d("2024-02-10")


def test_discount_for_a_payment_date_and_its_annualised_cost() -> None:
    # Brigham & Ehrhardt, nominal annual cost of trade credit: 2/98 x 365/20 = 37.24 %.
    terms = PaymentTerms.parse("2/10 net 30")
    offer = terms.discount_for_payment(d("2024-01-15"), d("2024-01-25"), eur("1234.56"))
    assert offer is not None and offer.applies
    assert (offer.amount, offer.payable) == (eur("24.69"), eur("1209.87"))
    assert offer.annualised_cost == Decimal("37.2449")
    late = terms.discount_for_payment(d("2024-01-15"), d("2024-01-26"), eur("1234.56"))
    assert late is not None and not late.applies and late.payable == eur("1234.56")
    assert PaymentTerms.net(30).discount_for_payment(d("2024-01-15"), d("2024-01-20"), eur("1.00")) is None


def test_lme_check_gives_a_verdict_per_cap() -> None:
    check = PaymentTerms.parse("45 days then end of month").lme_check(d("2024-01-15"))
    assert [(v.cap, v.cap_date, v.compliant) for v in check.verdicts] == [
        ("sixty_days_from_invoice", d("2024-03-15"), True),
        ("forty_five_days_end_of_month", d("2024-02-29"), True),
        ("forty_five_days_end_of_month", d("2024-03-16"), True),
    ]


def test_month_rules_and_payment_days_from_json() -> None:
    # 31 January 2024 + 1 month is 29 February (clamped, leap year); net 30 from
    # 15 January is 14 February, moved to the payment day 25.
    months = PaymentTerms.from_json('{"lines": [{"share": "100", "due": {"rule": "months_after", "months": 1}}]}')
    assert months.due_date(d("2024-01-31")) == d("2024-02-29")
    paid = PaymentTerms.from_json('{"lines": [{"share": "100", "due": {"rule": "net", "days": 30}}], "payment_days": [25, 10]}')
    assert paid.due_date(d("2024-01-15")) == d("2024-02-25")
    assert str(paid) == "net 30, paid on days 10, 25"
    with pytest.raises(InputError, match='unknown key "payment_day" at the top level; did you mean "payment_days"'):
        PaymentTerms.from_json('{"lines": [{"share": "100", "due": {"rule": "net", "days": 30}}], "payment_day": [25]}')
