"""Credit limits and the order check from Python: a recommended limit, the credit
index with group limits across currencies, approve/warn/block with reasons, the fast
decision, events, options both ways, an override recorded, exposure, limits in force,
alerts, and holds from dunning."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

import encours
from encours import Customer, DunningConfig, FxRates, History, Item, Ledger, Money


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def eur(text: str) -> Money:
    return Money(text, "EUR")


@pytest.fixture
def ledger() -> Ledger:
    """G (EUR) heads S1 (USD); A owes 800 EUR 38 days past due on 2024-03-10."""
    return Ledger(
        customers=[
            Customer("G", "Group", "EUR"),
            Customer("S1", "Sub", "USD", parent="G"),
            Customer("A", "Alone", "EUR", credit_limit=eur("1000.00")),
        ],
        items=[
            Item("FA", "A", issue_date=d("2024-01-02"), due_date=d("2024-02-01"), amount=eur("800.00")),
            Item("FG", "G", issue_date=d("2024-03-01"), due_date=d("2024-04-01"), amount=eur("1000.00")),
            Item("FS", "S1", issue_date=d("2024-03-01"), due_date=d("2024-04-01"), amount=Money("500.00", "USD")),
        ],
    )


LIMITS = {
    "manual": [
        {"customer_id": "G", "amount": eur("5000.00")},
        {"customer_id": "S1", "amount": Money("5000.00", "USD"), "valid_until": d("2024-03-20")},
    ],
    "group": [{"group_id": "G", "amount": eur("2000.00")}],
}
RECORDS = {
    "orders": [
        {
            "id": "O1",
            "customer_id": "G",
            "amount": eur("300.00"),
            "order_date": d("2024-03-05"),
            "expected_on": d("2024-06-01"),
        }
    ]
}


def index(ledger: Ledger, **kw: object) -> encours.CreditIndex:
    fx = FxRates()
    fx.insert("USD", "EUR", Decimal("0.9"))
    return encours.CreditIndex(ledger, d("2024-03-10"), records=RECORDS, limits=LIMITS, fx=fx, **kw)  # type: ignore[arg-type]


def test_recommended_limit() -> None:
    rules = {
        "rules": [{"share_of_tangible_net_worth": {"share": "0.1"}}, "sales_over_period"],
        "combine": "min",
        "rounding_step": "1000",
    }
    inputs = {
        "currency": "EUR",
        "tangible_net_worth": Decimal("800000"),
        "expected_monthly_sales": eur("30000.00"),
        "terms_days": 45,
        "average_delay_days": Decimal("10"),
    }
    # 10 % of 800,000 = 80,000; 30,000 x (45 + 10) / 30 = 55,000: the minimum.
    r = encours.recommend_limit(rules, inputs)
    assert (r["limit"], r["set_by"]) == (eur("55000.00"), 1)
    assert r["rules"][0]["amount"] == eur("80000.00")
    with pytest.raises(encours.LimitError, match=r"invalid rules\[0\].share: 2 \(between 0 and 1\)"):
        encours.recommend_limit(dict(rules, rules=[{"share_of_working_capital": {"share": "2"}}]), inputs)


def test_checks_with_reasons(ledger: Ledger) -> None:
    ix = index(ledger)
    assert len(ix) == 3
    r = ix.check("A", eur("150.00"), d("2024-03-10"))
    assert r["decision"] == "warn"
    assert r["reasons"] == [{"severity": "warn", "code": "overdue_days", "days": 38, "maximum": 30}]
    assert (r["exposure_before"], r["exposure_after"], r["limit"]) == (eur("800.00"), eur("950.00"), eur("1000.00"))
    # Exactly at the limit passes; a cent more blocks.
    assert ix.decide("A", Decimal("200"), d("2024-03-10")) == "warn"
    assert ix.decide("A", "200.01", d("2024-03-10")) == "block"
    g = ix.check("G", eur("300.00"), d("2024-03-10"))
    assert g["decision"] == "block"
    reason = g["reasons"][0]
    assert (reason["code"], reason["group_id"], reason["exposure_after"]) == ("over_group_limit", "G", eur("2050.00"))
    forced = ix.check("G", eur("300.00"), d("2024-03-10"), override_by={"by": "jdupont", "reason": "prepaid"})
    assert forced["decision"] == "approve"
    assert forced["overridden"] == {"by": {"by": "jdupont", "reason": "prepaid"}, "replaced": "block"}
    with pytest.raises(encours.LimitError, match='unknown customer "ZZ"'):
        ix.decide("ZZ", 1, d("2024-03-10"))
    with pytest.raises(TypeError, match="float"):
        ix.decide("A", 1.5, d("2024-03-10"))


def test_options_both_ways(ledger: Ledger) -> None:
    ix = index(ledger, options={"horizon_days": 30})
    # The June order is beyond a 30-day horizon.
    assert ix.decide("G", "300", d("2024-03-10")) == "approve"
    ix.set_options({"severities": {"over_group_limit": "warn"}})
    assert ix.decide("G", "300", d("2024-03-10")) == "warn"
    ix.set_options({"equal_passes": False, "max_overdue_days": None})
    assert ix.decide("A", "200", d("2024-03-10")) == "block"
    ix.set_options({"max_overdue_days": None})
    assert ix.decide("A", "200", d("2024-03-10")) == "approve"
    ix.set_options({"missing_limit": "not_checked"})
    # S1's limit expired on 2024-03-20: expired blocks whatever a missing limit means.
    assert ix.decide("S1", "1", d("2024-03-21")) == "block"
    with pytest.raises(encours.LimitError, match=r'invalid minimum_class: "Z" \(one of class_order: A, B, C, D, E\)'):
        ix.set_options({"minimum_class": "Z"})
    with pytest.raises(encours.InputError, match="unknown field `equal_pases`"):
        ix.set_options({"equal_pases": True})


def test_events_exposure_limits_alerts(ledger: Ledger) -> None:
    ix = index(ledger)
    ix.apply({"event": "payment_received", "id": "P1", "customer_id": "A", "date": d("2024-03-10"), "amount": eur("800")})
    ix.apply(
        {
            "event": "applied",
            "source": {"payment": "P1"},
            "item_id": "FA",
            "date": d("2024-03-10"),
            "amount": eur("800"),
            "rule": "explicit",
        }
    )
    assert ix.decide("A", "1000", d("2024-03-10")) == "approve"
    with pytest.raises(encours.LimitError, match='unknown open item "FA"'):
        ix.apply(
            {
                "event": "applied",
                "source": {"payment": "P1"},
                "item_id": "FA",
                "date": d("2024-03-10"),
                "amount": eur("1"),
                "rule": "explicit",
            }
        )
    ix.apply({"event": "order_closed", "order_id": "O1"})
    grp = ix.exposure("S1", d("2024-03-10"), group=True)
    assert (grp["customer_id"], grp["total"]) == ("G", eur("1450.00"))
    assert ix.exposure("S1", d("2024-03-10"))["total"] == Money("500.00", "USD")
    limits = ix.limits("A", d("2024-03-10"))
    assert limits["own"] == eur("1000.00")
    assert limits["parts"][0]["source"] == "ledger"
    alerts = ix.alerts(d("2024-03-10"))
    assert {"customer_id": "S1", "alert": "limit_expiring", "source": "manual", "amount": Money("5000.00", "USD"), "valid_until": d("2024-03-20")} in alerts


def test_holds_from_dunning(ledger: Ledger) -> None:
    config = DunningConfig.from_dict(
        {
            "scenarios": [
                {
                    "id": "s",
                    "steps": [
                        {
                            "id": "notice",
                            "offset_days": 30,
                            "channel": "formal_notice",
                            "template": "formal_notice",
                            "effects": ["block_orders"],
                        }
                    ],
                }
            ],
            "default_scenario": "s",
        }
    )
    history = History.from_json(
        '{"entries":[{"action_id":"x","date":"2024-03-02","customer_id":"A","kind":"step",'
        '"scenario_id":"s","step_id":"notice","items":[]}]}'
    )
    holds = encours.holds_from_dunning_history(history, config)
    assert holds[0]["customer_id"] == "A" and holds[0]["since"] == d("2024-03-02")
    ix = encours.CreditIndex(ledger, d("2024-03-10"), holds=holds)
    r = ix.check("A", eur("1"), d("2024-03-10"))
    assert r["decision"] == "block"
    assert r["reasons"][0]["code"] == "on_hold"
    with pytest.raises(encours.LimitError, match=r"invalid manual\[0\].amount: -5.00 EUR \(zero or more\)"):
        encours.CreditIndex(
            ledger, d("2024-03-10"), limits={"manual": [{"customer_id": "A", "amount": eur("-5.00")}]}
        )
