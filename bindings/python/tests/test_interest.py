"""encours.compute_interest, recovery_indemnity and rate tables (core module: interest)."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest
from conftest import d, eur

from encours import (
    InputError,
    InterestError,
    InterestRule,
    Money,
    MoneyError,
    RateTable,
    RateTables,
    compute_interest,
    recovery_indemnity,
)


def test_statutory_france_core_example() -> None:
    # Due 1 Feb 2024, paid 2 Mar 2024: 30 days at ECB 4.50 % (in force on 1 Jan 2024)
    # + 10 points: 1000 x 14.50 % x 30 / 365 = 11.92 (the core's module example).
    r = compute_interest(eur("1000.00"), d("2024-02-01"), d("2024-03-02"), InterestRule.statutory("france"))
    assert (r.days, r.total, r.principal) == (30, eur("11.92"), eur("1000.00"))
    (p,) = r.periods
    assert (p.from_, p.to, p.days, p.year_basis, p.rate) == (d("2024-02-02"), d("2024-03-02"), 30, 365, Decimal("14.50"))
    assert p.reference == {"table": "ECB MRO", "fixed_on": "2024-01-01", "rate": "4.50", "margin": "10"}
    assert r.reasons[0]["kind"] == "statutory"
    assert r.reasons[0]["citation"].startswith("Code de commerce")
    assert r.rule == InterestRule.statutory("france")


def test_a_delay_across_half_years_splits_the_rate() -> None:
    r = compute_interest(eur("10000.00"), d("2023-11-30"), d("2024-08-31"), InterestRule.statutory("france"))
    assert [p.from_ for p in r.periods] == [d("2023-12-01"), d("2024-01-01"), d("2024-07-01")]
    # The rounded shares add up to the total to the cent.
    assert sum(p.rounded for p in r.periods) == r.total
    assert r.total == r.exact_total.round()


def test_contractual_rules() -> None:
    rule = InterestRule.fixed("12").with_day_count("actual360").with_rounding("down")
    r = compute_interest(eur("3600.00"), d("2024-01-31"), d("2024-03-01"), rule)
    # 3600 x 12 % x 30 / 360 = 36.00.
    assert r.total == eur("36.00") and r.periods[0].year_basis == 360
    own = RateTable("House rate", [(d("2024-01-01"), "3"), (d("2024-03-01"), "5")],
                    source="treasury", verified_through=d("2024-12-31"))
    tables = RateTables([own])
    ref = InterestRule.reference_plus_margin("House rate", 2).with_fixing("daily").with_floor("6")
    r2 = compute_interest(eur("1000.00"), d("2024-02-20"), d("2024-03-10"), ref, tables)
    assert [p.rate for p in r2.periods] == [Decimal(6), Decimal(7)]
    assert r2.periods[0].adjustment == {"kind": "raised_to_floor", "unadjusted": "5", "floor": "6"}
    assert InterestRule.from_json(ref.to_json()) == ref
    assert pickle.loads(pickle.dumps(ref)) == ref


def test_rate_tables() -> None:
    ecb = RateTable.ecb_main_refinancing_rate()
    assert ecb.name == "ECB MRO" and ecb.verified_through is not None
    assert ecb.rate_on(d("2024-01-01")) == Decimal("4.50")
    with pytest.raises(InterestError) as e:
        ecb.rate_on(d("2099-01-01"))
    assert e.value.code == "rate_not_verified"
    t = RateTable("x", [(d("2025-01-02"), "2.5")])
    assert repr(t) == "RateTable(name='x', points=1, verified_through=None)"
    t.push(d("2025-06-01"), "2.25")
    t.set_verified_through(d("2025-12-31"))
    assert t.points == [(d("2025-01-02"), Decimal("2.5")), (d("2025-06-01"), Decimal("2.25"))]
    assert RateTable.from_json(t.to_json()) == t and pickle.loads(pickle.dumps(t)) == t
    with pytest.raises(InterestError, match='invalid rate table "x": date 2025-01-02 appears twice'):
        RateTable("x", [(d("2025-01-02"), 1), (d("2025-01-02"), 2)])
    builtin = RateTables.builtin()
    assert len(builtin) == 3 and "BoE Bank Rate" in builtin.names
    assert repr(builtin) == "RateTables(['ECB MRO', 'Bundesbank Basiszinssatz', 'BoE Bank Rate'])"
    assert builtin.insert(t) is None and len(builtin) == 4
    assert builtin.get("x") == t
    with pytest.raises(InterestError) as e:
        builtin.get("nope")
    assert e.value.code == "unknown_rate_table"
    with pytest.raises(InterestError):
        RateTables([t, t])


def test_recovery_indemnity() -> None:
    fr = recovery_indemnity("france", eur("120.00"))
    assert (fr.amount, fr.tier) == (eur("40.00"), "flat")
    uk = recovery_indemnity("united_kingdom", Money("5000.00", "GBP"))
    assert uk.amount == Money("70.00", "GBP") and "1998" in uk.citation
    assert recovery_indemnity("united_kingdom", Money("10000.00", "GBP")).amount == Money("100.00", "GBP")
    with pytest.raises(InterestError) as e:
        recovery_indemnity("france", eur("-1.00"))
    assert e.value.code == "invalid_debt"
    with pytest.raises(InputError, match='invalid jurisdiction "mars"'):
        recovery_indemnity("mars", eur("1.00"))  # type: ignore[arg-type]


def test_errors() -> None:
    with pytest.raises(InterestError) as e:
        compute_interest(eur("-1.00"), d("2024-01-01"), d("2024-02-01"), InterestRule.statutory("germany"))
    assert e.value.code == "negative_principal"
    with pytest.raises(TypeError):
        InterestRule.fixed(12.5)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        InterestRule.fixed(1).with_day_count("30/360")  # type: ignore[arg-type]
    with pytest.raises((InterestError, MoneyError)):
        compute_interest(eur("1.00"), d("2024-01-01"), d("2024-02-01"),
                         InterestRule.reference_plus_margin("missing", 1))
