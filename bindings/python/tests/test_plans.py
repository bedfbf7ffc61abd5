"""Payment plans from Python: the worked example, annuities against numpy-financial,
tracking, breach and dunning, rescheduling, profile and eligibility, bad input."""

from __future__ import annotations

import json
import pickle
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy_financial as npf
import pytest

import encours
from encours import Customer, DunningConfig, Item, Ledger, Money, PaymentPlan, PlanError

from conftest import d, eur


def worked_ledger() -> Ledger:
    """C1 owes 21,771.07 EUR in three invoices; G-1 is another customer's."""
    return Ledger(
        customers=[Customer("C1", "Dupont SA", "EUR"), Customer("C2", "Martin SARL", "EUR")],
        items=[
            Item("F-1", "C1", issue_date=d("2024-09-15"), due_date=d("2024-10-15"), amount=eur("8000.00")),
            Item("F-2", "C1", issue_date=d("2024-10-16"), due_date=d("2024-11-15"), amount=eur("6500.50")),
            Item("F-3", "C1", issue_date=d("2024-11-15"), due_date=d("2024-12-15"), amount=eur("7270.57")),
            Item("G-1", "C2", issue_date=d("2024-09-01"), due_date=d("2024-10-01"), amount=eur("500.00")),
        ],
    )


TERMS: dict[str, Any] = {
    "down_payment": {"percent": Decimal("25")},
    "instalments": 6,
    "frequency": "monthly",
    "first_date": d("2025-01-31"),
    "means": "bill_of_exchange",
}

PAID = [
    {"date": d("2025-01-15"), "amount": eur("5442.77")},
    {"date": d("2025-01-31"), "amount": eur("2721.38")},
]


def worked_plan(ledger: Ledger | None = None) -> PaymentPlan:
    return encours.propose_plan(ledger or worked_ledger(), "C1", "PL-1", d("2025-01-15"), TERMS)


def test_worked_example_21771_07_eur_25_percent_down_six_monthly() -> None:
    # 25 % of 21,771.07 = 5,442.7675 -> 5,442.77 half up; 16,328.30 / 6 = 2,721.383...
    plan = worked_plan()
    assert plan.total == eur("21771.07")
    assert [i.amount for i in plan.instalments] == [
        eur("5442.77"),
        *[eur("2721.38")] * 5,
        eur("2721.40"),
    ]
    # Stepped from 31 January: clamped to 28 February, back to the 31st in March.
    assert [i.due_date for i in plan.instalments] == [
        d("2025-01-15"),
        d("2025-01-31"),
        d("2025-02-28"),
        d("2025-03-31"),
        d("2025-04-30"),
        d("2025-05-31"),
        d("2025-06-30"),
    ]
    assert plan.instalments[0].kind == "down_payment"
    assert {i.means for i in plan.instalments} == {"bill_of_exchange"}
    assert [(a.item_id, a.amount) for a in plan.instalments[1].allocations] == [
        ("F-1", eur("2557.23")),
        ("F-2", eur("164.15")),
    ]
    assert plan.rounding == "half_up" and plan.remainder == "last"


def test_plan_round_trips_and_is_checked_when_given_back() -> None:
    ledger = worked_ledger()
    plan = worked_plan(ledger)
    again = PaymentPlan.from_json(plan.to_json())
    assert again == plan
    assert pickle.loads(pickle.dumps(plan)) == plan
    encours.validate_plan(ledger, again)
    data = json.loads(plan.to_json())
    data["instalments"][3]["amount"]["amount"] = "2721.39"
    with pytest.raises(PlanError) as e:
        encours.validate_plan(ledger, PaymentPlan.from_json(json.dumps(data)))
    assert str(e.value) == (
        'invalid payment plan "PL-1": instalments[3].amount 2721.39 EUR is not principal + interest + fees = 2721.38 EUR'
    )
    assert e.value.code == "invalid_plan"


def half_up(x: float) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(
    ("principal", "rate", "frequency", "per_year", "n"),
    [
        ("10000.00", "6", "monthly", 12, 12),
        ("16328.30", "8", "monthly", 12, 6),
        ("5000.00", "5", "biweekly", 26, 26),
        ("1234.56", "12", "weekly", 52, 10),
        ("250000.00", "4.25", "monthly", 12, 60),
    ],
)
def test_annuity_equals_numpy_financial(principal: str, rate: str, frequency: str, per_year: int, n: int) -> None:
    """numpy-financial 1.0.0: pmt, ipmt (and ppmt) at the annual rate / periods per year."""
    ledger = Ledger(
        customers=[Customer("C1", "A", "EUR")],
        items=[Item("F-1", "C1", issue_date=d("2024-11-01"), due_date=d("2024-12-01"), amount=eur(principal))],
    )
    terms = {
        "instalments": n,
        "frequency": frequency,
        "first_date": d("2025-02-15"),
        "interest": {"method": "annuity", "annual_rate_percent": rate},
        "max_duration_days": 3000,
    }
    plan = encours.propose_plan(ledger, "C1", "PL", d("2025-01-15"), terms)
    r = float(Decimal(rate) / 100 / per_year)
    pmt = half_up(float(npf.pmt(r, n, -float(principal))))
    for k, inst in enumerate(plan.instalments, start=1):
        assert inst.interest.amount == half_up(float(npf.ipmt(r, k, n, -float(principal)))), k
        ppmt = half_up(float(npf.ppmt(r, k, n, -float(principal))))
        if k < n:
            assert inst.amount.amount == pmt, k
            # The rounded principal is the rounded payment less the rounded interest:
            # numpy's ppmt rounded, or one cent off when pmt and ipmt round apart.
            assert abs(inst.principal.amount - ppmt) <= Decimal("0.01"), k
    assert sum((i.principal.amount for i in plan.instalments), Decimal(0)) == Decimal(principal)


def test_tracking_late_breach_and_rescheduling() -> None:
    ledger = worked_ledger()
    plan = worked_plan(ledger)
    t = encours.track_plan(plan, d("2025-03-03"), payments=PAID)
    assert t.status == "in_arrears"
    assert [i.status for i in t.instalments[:4]] == ["paid", "paid", "late", "upcoming"]
    assert t.alerts == [
        {
            "alert": "instalment_late",
            "instalment": 2,
            "due_date": "2025-02-28",
            "days_late": 3,
            "outstanding": {"amount": "2721.38", "currency": "EUR"},
        }
    ]
    assert t.paid + t.outstanding == plan.total
    t = encours.track_plan(plan, d("2025-03-31"), payments=PAID)
    assert (t.status, t.breached_on) == ("breached", d("2025-03-31"))
    assert t.breach_reason == {"reason": "late_beyond_delay", "instalment": 2, "breach_after_days": 30}
    # Rescheduling what remains.
    again = encours.reschedule_plan(
        ledger, plan, t, "PL-2", d("2025-04-01"), {"instalments": 10, "first_date": d("2025-04-30")}
    )
    assert again.rescheduled_from == "PL-1"
    assert again.principal == eur("13606.92")


def test_bounced_bill_rules_and_payments_from_ledger() -> None:
    ledger = worked_ledger()
    plan = worked_plan(ledger)
    bounced = [{"instalment": 1, "date": d("2025-02-03"), "reason": "insufficient funds"}]
    t = encours.track_plan(plan, d("2025-03-01"), payments=PAID, bounced=bounced, rules={"warn_after_days": 1})
    assert {"alert": "bounced_bill", "instalment": 1, "date": "2025-02-03", "reason": "insufficient funds"} in t.alerts
    assert encours.plan_payments_from_ledger(ledger, plan, d("2025-03-01")) == []


def test_profile_and_eligibility() -> None:
    ledger = worked_ledger()
    plan = worked_plan(ledger)
    profile = encours.payer_profile(
        ledger, "C1", d("2025-01-15"), broken_plans=[{"plan_id": "PL-0", "breached_on": d("2024-06-01")}]
    )
    assert (profile.overdue, profile.oldest_overdue_days) == (eur("21771.07"), 92)
    e = encours.assess_plan(profile, plan, risk_class="E", rules={"refused_risk_classes": ["E"]})
    assert not e.eligible
    assert e.refusals == [
        {"code": "risk_class_refused", "risk_class": "E"},
        {"code": "recent_broken_plan", "plan_id": "PL-0", "breached_on": "2024-06-01", "lookback_days": 365},
    ]
    assert e.checked[0] == "cash_difficulty"
    profile = encours.payer_profile(ledger, "C1", d("2025-01-15"))
    assert encours.assess_plan(profile, plan).eligible


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"instalments": 0}, "invalid instalments: 0 (expected at least 1)"),
        (
            {"down_payment": {"amount": Decimal("30000.00")}},
            "invalid down_payment: 30000.00 EUR (expected less than the selected balance 21771.07 EUR, so instalments remain)",
        ),
        ({"day_of_month": 32}, "invalid day_of_month: 32 (expected 1 to 31)"),
        ({"max_duration_days": 100}, "invalid max_duration_days: 100"),
        (
            {"frequency": "custom", "first_date": None, "instalments": 0, "custom_dates": [d("2025-03-01"), d("2025-02-01")]},
            "invalid custom_dates[1]: 2025-02-01",
        ),
        ({"selection": {"item_ids": ["F-9"]}}, 'unknown item "F-9" in selection.item_ids[0]'),
        ({"selection": {"item_ids": ["G-1"]}}, 'item "G-1" in selection.item_ids[0] belongs to customer "C2", not to "C1"'),
    ],
)
def test_bad_terms_name_the_field(change: dict[str, Any], message: str) -> None:
    terms = {**TERMS, **change}
    terms = {k: v for k, v in terms.items() if v is not None}
    with pytest.raises(PlanError) as e:
        encours.propose_plan(worked_ledger(), "C1", "PL", d("2025-01-15"), terms)
    assert str(e.value).startswith(message)
    assert isinstance(e.value, ValueError)


def test_bad_input_is_refused_before_the_core() -> None:
    ledger = worked_ledger()
    with pytest.raises(encours.InputError, match="unknown field `frequncy`"):
        encours.propose_plan(ledger, "C1", "PL", d("2025-01-15"), {"instalments": 2, "frequncy": "weekly"})
    with pytest.raises(encours.InputError, match="float"):
        encours.propose_plan(ledger, "C1", "PL", d("2025-01-15"), {**TERMS, "down_payment": {"percent": 25.0}})
    with pytest.raises(PlanError, match='unknown customer "C9"'):
        encours.propose_plan(ledger, "C9", "PL", d("2025-01-15"), TERMS)
    plan = worked_plan(ledger)
    with pytest.raises(PlanError, match=r"invalid payments\[0\].amount: 1.00 USD"):
        encours.track_plan(plan, d("2025-03-01"), payments=[{"date": d("2025-02-01"), "amount": Money("1.00", "USD")}])
    with pytest.raises(encours.InputError, match="unknown field `warn_days`"):
        encours.track_plan(plan, d("2025-03-01"), rules={"warn_days": 1})
    # JSON text is accepted as well as dicts.
    assert encours.propose_plan(ledger, "C1", "PL-1", d("2025-01-15"), json.dumps(TERMS, default=str)) == plan


def test_dunning_with_a_plan() -> None:
    ledger = worked_ledger()
    plan = worked_plan(ledger)
    config = DunningConfig.from_dict(
        {
            "scenarios": [
                {
                    "id": "s",
                    "steps": [{"id": "reminder", "offset_days": 5, "channel": "email", "template": "reminder"}],
                }
            ],
            "default_scenario": "s",
        }
    )
    # 10 March: the missed instalment (2,721.38 of F-2) is dunned; F-1 and F-3 wait.
    t = encours.track_plan(plan, d("2025-03-10"), payments=PAID)
    dunned = ledger.dunning_plan(config, d("2025-03-10"), payment_plans=[t])
    assert [(i.item_id, i.claimed) for a in dunned.actions if a.customer_id == "C1" for i in a.items] == [("F-2", eur("2721.38"))]
    assert [(lo.item_id, lo.reason) for lo in dunned.left_out] == [
        ("F-1", "under_payment_plan"),
        ("F-3", "under_payment_plan"),
    ]
    assert dunned.left_out[0].details == {"plan_id": "PL-1", "status": "in_arrears"}
    # 31 March: 31 days late, breached; every item goes back to dunning.
    t = encours.track_plan(plan, d("2025-03-31"), payments=PAID)
    assert (t.status, t.breached_on) == ("breached", d("2025-03-31"))
    assert t.breach_reason == {"reason": "late_beyond_delay", "instalment": 2, "breach_after_days": 30}
    dunned = ledger.dunning_plan(config, d("2025-03-31"), payment_plans=[t])
    assert [i.item_id for a in dunned.actions if a.customer_id == "C1" for i in a.items] == ["F-1", "F-2", "F-3"]
    with pytest.raises(encours.DunningError, match="payment_plans\\[0\\].as_of"):
        ledger.dunning_plan(config, d("2025-04-01"), payment_plans=[t])
