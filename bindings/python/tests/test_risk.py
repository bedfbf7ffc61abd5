"""Risk scoring from Python: features (table and one customer), scorecards (default,
custom, refused naming the field), contributions adding up to the score, migrations,
financial statements with the Altman scores (published worked examples), and provider
scales. Decimal in and out, floats refused."""

from __future__ import annotations

import datetime
import pickle
from decimal import Decimal

import pytest

import encours
from encours import Customer, History, Item, Ledger, Money, Payment, PromiseToPay


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def eur(text: str) -> Money:
    return Money(text, "EUR")


@pytest.fixture
def ledger() -> Ledger:
    """C1: F1 (100, due 01-31) paid 10 days late, F3 (200, due 10-31) open; C2 owes 1,000 not due."""
    lg = Ledger(
        customers=[Customer("C1", "Dupont", "EUR"), Customer("C2", "Martin", "EUR")],
        items=[
            Item("F1", "C1", issue_date=d("2024-01-01"), due_date=d("2024-01-31"), amount=eur("100")),
            Item("F3", "C1", issue_date=d("2024-10-01"), due_date=d("2024-10-31"), amount=eur("200")),
            Item("G1", "C2", issue_date=d("2024-12-15"), due_date=d("2025-01-14"), amount=eur("1000")),
        ],
        payments=[Payment("P1", "C1", d("2024-02-10"), eur("100"))],
    )
    lg.apply_payment("P1", "F1", eur("100"), d("2024-02-10"))
    return lg


def test_feature_table_and_one_customer(ledger: Ledger) -> None:
    t = encours.feature_table(ledger, d("2024-12-31"))
    assert len(t) == 2
    assert t.as_of == d("2024-12-31")
    row = t.row("C1")
    assert row is not None
    # F1 paid 10 days late: amount-weighted days beyond terms 10 over 12 months.
    assert row["days_beyond_terms_long"] == Decimal("10")
    assert row["overdue_share"] == Decimal("1")
    assert row["worst_delay_days"] == 61
    assert row["open_debits"] == eur("200.00")
    assert row["dunning_level"] is None  # no history given
    # 200 of a portfolio of 1,200.
    assert row["portfolio_share"] == Decimal("0.1667")
    alone = encours.customer_features(ledger, "C1", d("2024-12-31"))
    assert alone == row
    with pytest.raises(encours.RiskError, match='unknown customer "C9"'):
        encours.customer_features(ledger, "C9", d("2024-12-31"))


def test_inputs_history_promises_scales_statements(ledger: Ledger) -> None:
    promise = PromiseToPay("PR1", "C1", eur("200"), d("2024-11-30"), d("2024-11-20"))
    scales = [{"provider": "creditsafe", "min": Decimal("0"), "max": Decimal("100"), "higher_is_better": True}]
    statement = {
        "customer_id": "C1",
        "period_end": d("2024-06-30"),
        "currency": "EUR",
        "total_assets": Decimal("1000"),
        "current_assets": Decimal("400"),
        "current_liabilities": Decimal("200"),
        "total_liabilities": Decimal("500"),
        "retained_earnings": Decimal("200"),
        "ebit": Decimal("100"),
        "sales": Decimal("1500"),
        "book_equity": Decimal("500"),
    }
    f = encours.customer_features(
        ledger,
        "C1",
        d("2024-12-31"),
        history=History(),
        promises=[promise],
        scales=scales,
        statements=[statement],
    )
    assert f["dunning_level"] == 0
    assert f["broken_promise_ratio"] == Decimal("1")
    # Z' = 0.717x0.2 + 0.847x0.2 + 3.107x0.1 + 0.420x1 + 0.998x1.5 = 2.5405, grey.
    assert f["altman_score"] == Decimal("2.5405")
    assert f["altman_zone"] == "grey"
    with pytest.raises(TypeError, match="float"):
        encours.customer_features(ledger, "C1", d("2024-12-31"), scales=[{**scales[0], "max": 100.0}])
    with pytest.raises(encours.InputError, match="unknown field `short_windows`"):
        encours.feature_table(ledger, d("2024-12-31"), config={"short_windows": 3})
    with pytest.raises(encours.RiskError, match="invalid short_window_days: 400"):
        encours.feature_table(ledger, d("2024-12-31"), config={"short_window_days": 400})


def test_scores_add_up_and_classes(ledger: Ledger) -> None:
    card = encours.Scorecard.default()
    assert card.classes == ["A", "B", "C", "D", "E"]
    scores = card.score(encours.feature_table(ledger, d("2024-12-31")))
    for s in scores:
        assert sum(c["contribution"] for c in s["contributions"]) == s["score"]
        assert Decimal(0) <= s["score"] <= Decimal(100)
    # The largest shortfall comes first.
    first = scores[0]["contributions"]
    assert first[0]["shortfall"] >= first[-1]["shortfall"]
    one = card.score(encours.customer_features(ledger, "C2", d("2024-12-31")))
    assert one["class"] == scores[1]["class"]
    assert pickle.loads(pickle.dumps(card)).to_dict() == card.to_dict()
    assert repr(card) == 'Scorecard(name="encours default", factors=10, classes=5)'


def test_custom_scorecard_and_refusals(ledger: Ledger) -> None:
    data = {
        "name": "mine",
        "factors": [
            {
                "factor": "overdue_share",
                "weight": Decimal("0.6"),
                "missing": Decimal("100"),
                "bins": [{"to": Decimal("0.1"), "points": Decimal("100")}, {"from": Decimal("0.1"), "points": 0}],
            },
            {
                "factor": "payment_index",
                "weight": "0.4",
                "missing": "50",
                "linear": {"from": "20", "from_points": "0", "to": "80", "to_points": "100"},
            },
        ],
        "classes": [{"name": "low", "min_score": "60"}, {"name": "high", "min_score": "0"}],
    }
    card = encours.Scorecard.from_dict(data)
    s = card.score(encours.customer_features(ledger, "C2", d("2024-12-31")))
    # Nothing overdue (100 x 0.6) and no payment yet (50 x 0.4): 80.00, "low".
    assert (s["score"], s["class"]) == (Decimal("80.00"), "low")
    bad = dict(data, factors=[dict(data["factors"][0], weight="0.5")])
    with pytest.raises(encours.RiskError, match=r"invalid factors: weights add up to 0.5 \(weights adding up to exactly 1\)"):
        encours.Scorecard.from_dict(bad)
    overlap = dict(
        data,
        factors=[
            dict(data["factors"][0], weight="1", bins=[{"to": "0.5", "points": "1"}, {"from": "0.4", "points": "0"}])
        ],
    )
    with pytest.raises(encours.RiskError, match=r"factors\[0\].bins\[1\].from: 0.4"):
        encours.Scorecard.from_dict(overlap)
    with pytest.raises(encours.InputError, match="unknown variant `shoe_size`"):
        encours.Scorecard.from_dict(dict(data, factors=[dict(data["factors"][0], factor="shoe_size")]))
    with pytest.raises(TypeError, match="float"):
        encours.Scorecard.from_dict(dict(data, factors=[dict(data["factors"][0], weight=0.6)]))


def test_migration(ledger: Ledger) -> None:
    card = encours.Scorecard.default()
    early = card.score(encours.customer_features(ledger, "C1", d("2024-02-15")))
    late = card.score(encours.customer_features(ledger, "C1", d("2024-12-31")))
    m = encours.score_migration(early, late)
    assert m["direction"] == "downgrade"
    assert sum(f["delta"] for f in m["moved"]) == m["score_delta"]
    assert encours.score_migration(late, early)["direction"] == "upgrade"


def test_statements_published_examples() -> None:
    # numerade.com (solution by Emilio Guzman): working capital 5,100, retained earnings
    # 16,900, EBIT 8,800, total assets 72,000, equity 27,000, total liabilities 66,000,
    # sales 72,000: Z = 2.062.
    st = {
        "customer_id": "C1",
        "period_end": "2023-12-31",
        "currency": "USD",
        "total_assets": "72000",
        "current_assets": "20100",
        "current_liabilities": "15000",
        "total_liabilities": "66000",
        "retained_earnings": "16900",
        "ebit": "8800",
        "market_value_equity": "27000",
        "sales": "72000",
    }
    r = encours.financial_statement(st, "z_public")
    assert r["altman"]["score"].quantize(Decimal("0.001")) == Decimal("2.062")
    assert r["altman"]["zone"] == "grey"
    assert r["ratios"]["working_capital"] == Decimal("5100")
    assert encours.financial_statement(st)["altman"] is None  # Z' needs the book equity
    with pytest.raises(encours.RiskError, match=r"invalid total_assets of the statement of \"C1\" for 2023-12-31: -1"):
        encours.financial_statement(dict(st, total_assets="-1"))
    with pytest.raises(encours.InputError, match="unknown Altman model"):
        encours.financial_statement(st, "z_triple")


def test_provider_scales() -> None:
    scale = {"provider": "Acme", "min": "1", "max": "10", "higher_is_better": False}
    assert encours.normalise_score(scale, Decimal("4")) == Decimal("66.67")
    assert encours.normalise_score(scale, 1) == Decimal("100")
    with pytest.raises(encours.RiskError, match="a score between 1 and 10"):
        encours.normalise_score(scale, "11")
    with pytest.raises(TypeError):
        encours.normalise_score(scale, 4.0)
