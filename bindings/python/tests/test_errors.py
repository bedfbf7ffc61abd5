"""The exception hierarchy, and bad input fed to every entry point: each call either
succeeds or raises an ordinary Exception. pyo3's PanicException derives from
BaseException and would escape `except Exception`; none may ever surface."""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from conftest import d, eur, generated_tables

import encours
from encours import (
    Application,
    Block,
    Currency,
    Customer,
    Dispute,
    EncoursError,
    ExternalScore,
    FxRates,
    Item,
    Ledger,
    Money,
    Payment,
)

AREAS = ["MoneyError", "CalendarError", "TermsError", "LedgerError", "ReportError", "InterestError",
         "DunningError", "InputError"]


def test_hierarchy() -> None:
    assert issubclass(EncoursError, Exception) and not issubclass(EncoursError, ValueError)
    for name in AREAS:
        cls = getattr(encours, name)
        assert issubclass(cls, EncoursError) and issubclass(cls, ValueError), name
        assert cls.__module__ == "encours" and cls.__doc__
    assert issubclass(encours.CurrencyMismatchError, encours.MoneyError)
    assert issubclass(encours.TableError, encours.InputError)


def test_every_public_name_is_documented() -> None:
    for name in encours.__all__:
        obj = getattr(encours, name)
        if name.startswith("__"):
            continue
        assert obj.__doc__, name
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or not callable(member) and not isinstance(member, property) \
                        and type(member).__name__ != "getset_descriptor":
                    continue
                assert getattr(member, "__doc__", None), f"{name}.{attr}"


BAD: list[Any] = [
    None, 0.5, float("nan"), Decimal("NaN"), Decimal("-Infinity"), True, -1, 2**70, -(2**70), "", "\x00",
    "ÉUR", "9" * 40, "1e400", b"bytes", [], [1.5], {}, object(),
    datetime.date(1, 1, 1), datetime.date(9999, 12, 31), datetime.datetime(2024, 1, 1, 8),
    Money("1", "EUR"), Money("79228162514264337593543950335", "EUR"), Currency.custom("XQQ", 8),
]


def call_safely(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    try:
        fn(*args, **kwargs)
    except Exception:  # noqa: BLE001 - every ordinary error is fine
        pass
    except BaseException as e:  # pragma: no cover - the failure this test exists for
        pytest.fail(f"{fn!r}{args}{kwargs} raised {type(e).__name__}: {e}")


def fuzz(fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any] | None = None) -> None:
    """Call `fn` with each argument replaced in turn by each bad value."""
    kwargs = kwargs or {}
    call_safely(fn, *args, **kwargs)
    for i in range(len(args)):
        for bad in BAD:
            call_safely(fn, *args[:i], bad, *args[i + 1:], **kwargs)
    for key in kwargs:
        for bad in BAD:
            call_safely(fn, *args, **{**kwargs, key: bad})


@pytest.fixture
def ledger() -> Ledger:
    lg = Ledger.from_arrow(*generated_tables(20, 200, seed=3))
    lg.add_customer(Customer("X", "X", "EUR"))
    lg.add_item(Item("XF", "X", issue_date=d("2024-01-01"), due_date=d("2024-01-31"), amount=eur("10.00")))
    lg.add_item(Item("XA", "X", kind="credit_note", issue_date=d("2024-01-02"), amount=eur("1.00")))
    lg.add_payment(Payment("XP", "X", d("2024-02-01"), eur("5.00")))
    return lg


def test_money_entry_points_never_panic() -> None:
    m = Money("100.00", "EUR")
    fuzz(Money, ["1.00", "EUR"])
    fuzz(Money.from_minor, [100, "EUR"])
    fuzz(Money.zero, ["EUR"])
    fuzz(Money.from_json, ['{"amount": "1", "currency": "EUR"}'])
    fuzz(Currency, ["EUR"])
    fuzz(Currency.custom, ["XBT", 8])
    fuzz(Currency.from_json, ['"EUR"'])
    fuzz(m.round, ["half_up"])
    fuzz(m.allocate, [[1, 2]], {"remainder": "on_last"})
    fuzz(m.split, [3], {"remainder": "on_first"})
    for op in ("__add__", "__sub__", "__mul__", "__rmul__", "__radd__", "__lt__", "__eq__"):
        fuzz(getattr(m, op), [m])
    fx = FxRates()
    fuzz(fx.insert, ["USD", "EUR", "0.9"])
    fuzz(fx.rate, ["USD", "EUR"])
    fuzz(fx.convert, [m, "USD"], {"mode": "half_up"})
    fuzz(FxRates.from_json, ['{"rates": []}'])


def test_record_entry_points_never_panic() -> None:
    fuzz(Customer, ["C", "N", "EUR"], {"segment": "S", "tags": ["a"], "credit_limit": eur("1"),
                                       "dunning_block": Block(), "external_scores": [ExternalScore("X", 1)]})
    fuzz(Item, ["F", "C"], {"issue_date": d("2024-01-01"), "due_date": d("2024-01-31"), "amount": eur("1"),
                            "kind": "invoice", "dispute": Dispute(eur("1"), d("2024-01-01")),
                            "dunning_block": Block()})
    fuzz(Payment, ["P", "C", d("2024-01-01"), eur("1")], {"reference": "R"})
    fuzz(Application, ["P", "F", d("2024-01-01"), eur("1")], {"source_kind": "payment", "rule": "explicit"})
    fuzz(Dispute, [eur("1"), d("2024-01-01")], {"resolved_on": d("2024-02-01"), "reason": "r"})
    fuzz(Block, [], {"reason": "r", "since": d("2024-01-01"), "until": d("2024-02-01")})
    fuzz(ExternalScore, ["P", 5], {"as_of": d("2024-01-01")})
    for cls in (Customer, Item, Payment, Application, Dispute, Block, ExternalScore):
        fuzz(cls.from_json, ["{}"])  # type: ignore[attr-defined]


def test_ledger_entry_points_never_panic(ledger: Ledger) -> None:
    day = d("2026-11-22")
    fuzz(Ledger, [[Customer("C", "N", "EUR")], [], [], []])
    fuzz(Ledger.from_json, ['{"customers": []}'])
    fuzz(ledger.to_json, [], {"indent": 2})
    fuzz(ledger.apply_payment, ["XP", "XF", eur("1.00"), d("2024-02-01")])
    fuzz(ledger.apply_credit_note, ["XA", "XF", eur("0.10"), d("2024-01-02")])
    fuzz(ledger.record_application, [Application("XP", "XF", d("2024-02-01"), eur("0.01"))])
    fuzz(ledger.auto_apply, ["XP"])
    fuzz(ledger.net_credit_notes, ["X"])
    fuzz(ledger.add_customer, [Customer("Y", "Y", "EUR", parent="X")])
    fuzz(ledger.add_item, [Item("YF", "X", issue_date=d("2024-01-01"), due_date=d("2024-01-01"), amount=eur("1"))])
    fuzz(ledger.add_payment, [Payment("YP", "X", d("2024-01-01"), eur("1"))])
    for name in ("open_amount", "unapplied_amount", "balance"):
        fuzz(getattr(ledger, name), ["X", day])
    fuzz(ledger.item_states, [day])
    fuzz(ledger.balances, [day])
    fuzz(ledger.customer, ["X"])


def test_report_entry_points_never_panic(ledger: Ledger) -> None:
    day = d("2026-11-22")
    fuzz(ledger.aging, [day], {"buckets": [0, 30], "group_by": "segment"})
    fuzz(ledger.dso, [day], {"days": 30, "group_by": "group"})
    fuzz(ledger.dso_count_back, [day], {"group_by": "portfolio"})
    fuzz(ledger.collection_effectiveness, [d("2026-10-01"), day], {"sales_divisor": 2, "group_by": "customer"})
    fuzz(ledger.payment_behaviour, [day], {"window_days": 100, "scale": [(0, 80), (30, 50)]})
    fuzz(ledger.pareto, [day], {"unit": "customers", "share": "0.5", "group_by": "segment"})
    fx = FxRates()
    fx.insert("USD", "EUR", "0.9")
    fx.insert("GBP", "EUR", "1.2")
    fuzz(ledger.pareto, [day], {"fx": fx, "base": "EUR", "mode": "up"})
    fuzz(ledger.summary, [day], {"group_by": "segment", "buckets": [0, 10], "dso_days": 30,
                                 "cei_from": d("2026-10-01"), "cei_sales_divisor": 1,
                                 "payment_window_days": 30, "payment_index": [(0, 80), (10, 0)],
                                 "pareto_share": "0.8"})
    fuzz(ledger.aging(day).converted, [fx, "EUR"], {"mode": "half_even"})
    fuzz(ledger.dso(day).converted, [fx, "EUR"])
    fuzz(ledger.summary(day).converted, [fx, "EUR"])
    for cls in (encours.AgingReport, encours.MetricReport, encours.PortfolioSummary):
        fuzz(cls.from_json, ["{}"])


def test_extreme_dates_are_errors_not_panics(ledger: Ledger) -> None:
    for day in (datetime.date.min, datetime.date(1, 1, 31), datetime.date.max, datetime.date(9999, 12, 1)):
        for call in (lambda: ledger.aging(day), lambda: ledger.dso(day, days=3660),
                     lambda: ledger.dso_count_back(day), lambda: ledger.payment_behaviour(day, window_days=3660),
                     lambda: ledger.summary(day), lambda: ledger.collection_effectiveness(datetime.date.min, day),
                     lambda: ledger.item_states(day), lambda: ledger.balances(day)):
            call_safely(call)


def test_arrow_entry_point_never_panics() -> None:
    customers, invoices, payments = generated_tables(5, 20, seed=5)
    fuzz(Ledger.from_arrow, [customers, invoices, payments], {"integer_amounts": "minor"})
    # Column-level bad input: each column of each table replaced by bad arrays.
    bad_columns = [
        pa.array([None] * 20, pa.null()), pa.array([1.5] * 20), pa.array(["x"] * 20), pa.array([-(2**63)] * 20),
        pa.array([2**64 - 1] * 20, pa.uint64()), pa.array([Decimal("9" * 38)] * 20, pa.decimal128(38, 0)),
        pa.array([Decimal("1e-30")] * 20, pa.decimal128(38, 37)), pa.array([None] * 20, pa.string()),
        pa.array([2**31 - 1] * 20, pa.int32()).cast(pa.date32()), pa.array([True] * 20),
        pa.array([[1]] * 20), pa.array(["2024-02-30"] * 20), pa.array([10**18] * 20, pa.timestamp("ns")),
    ]
    tables = [customers, invoices, payments]
    for t_ix, table in enumerate(tables):
        for c_ix, name in enumerate(table.column_names):
            for bad in bad_columns:
                col = bad.slice(0, table.num_rows) if len(bad) >= table.num_rows else pa.concat_arrays(
                    [bad] * (table.num_rows // len(bad) + 1)).slice(0, table.num_rows)
                changed = list(tables)
                changed[t_ix] = table.set_column(c_ix, name, col)
                for mode in (None, "minor", "major"):
                    call_safely(Ledger.from_arrow, *changed, integer_amounts=mode)  # type: ignore[arg-type]


def test_calendar_terms_interest_entry_points_never_panic() -> None:
    day = d("2025-06-30")
    fr = encours.Calendar.builtin("FR")
    fuzz(encours.Calendar.builtin, ["FR"])
    fuzz(encours.Calendar.weekends_only, ["x"], {"weekend": ["saturday"]})
    fuzz(encours.Calendar.from_json, ['{"name": "x"}'])
    fuzz(fr.with_holidays, [[(day, "x")]])
    for name in ("is_holiday", "is_business_day", "day_kind", "next_business_day", "previous_business_day"):
        fuzz(getattr(fr, name), [day])
    fuzz(fr.roll, [day], {"roll": "preceding"})
    fuzz(fr.add_business_days, [day, 3])
    fuzz(fr.business_days_between, [day, d("2025-07-31")])
    fuzz(fr.holidays_in_year, [2025])
    fuzz(fr.holidays_between, [day, d("2025-12-31")])
    terms = encours.PaymentTerms.parse("2/10 net 30")
    fuzz(encours.PaymentTerms.parse, ["45 jours fin de mois"], {"end_of_month_convention": "end_of_month_then_days"})
    fuzz(encours.PaymentTerms.net, [30])
    fuzz(encours.PaymentTerms.from_json, ['{"lines": []}'])
    fuzz(terms.due_date, [day])
    fuzz(terms.due_schedule, [day, eur("10.00")], {"order_date": day})
    fuzz(terms.early_payment_discount, [day, eur("10.00")])
    fuzz(terms.lme_check, [day])
    for text in ("", "net", "net 99999999999", "30% net 30", "0/0 net 0", "fin de mois le 99", "1" * 500):
        call_safely(encours.PaymentTerms.parse, text)
    rule = encours.InterestRule.statutory("germany")
    fuzz(encours.compute_interest, [eur("100.00"), d("2024-01-01"), d("2024-06-30"), rule, encours.RateTables.builtin()])
    fuzz(encours.recovery_indemnity, ["france", eur("100.00")])
    fuzz(encours.InterestRule.statutory, ["france"])
    fuzz(encours.InterestRule.fixed, ["8"])
    fuzz(encours.InterestRule.reference_plus_margin, ["ECB MRO", "8"])
    fuzz(rule.with_floor, ["1"])
    fuzz(rule.with_fixing, ["daily"])
    fuzz(rule.with_day_count, ["actual360"])
    fuzz(rule.with_rounding, ["down"], {"point": "per_period"})
    fuzz(encours.RateTable, ["x", [(day, "1")]], {"source": "s", "verified_through": day})
    table = encours.RateTable("x", [(d("2024-01-01"), "1")])
    fuzz(table.rate_on, [day])
    fuzz(table.push, [d("2026-01-01"), "2"])
    fuzz(table.set_verified_through, [d("2026-12-31")])
    fuzz(encours.RateTables, [[table]])
    fuzz(encours.RateTable.from_json, ['{"name": "x", "points": []}'])
    fuzz(encours.InterestRule.from_json, ["{}"])
    for far in (datetime.date.min, datetime.date.max):
        call_safely(encours.compute_interest, eur("100.00"), datetime.date.min, far, encours.InterestRule.fixed(8))


def test_the_panic_guard_itself_fails_on_a_base_exception() -> None:
    """call_safely must fail the test for anything `except Exception` lets through,
    as pyo3's PanicException (a BaseException) would be."""

    class FakePanic(BaseException):
        pass

    def boom() -> None:
        raise FakePanic("simulated panic")

    with pytest.raises(pytest.fail.Exception, match="FakePanic"):
        call_safely(boom)
