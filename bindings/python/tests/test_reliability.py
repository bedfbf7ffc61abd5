"""Reliability findings of issue #9, found from Python: a segfault on cyclic or deep
configuration data, aborts on huge sizes, exact splits and sums, huge exponents,
caller numbers at the ends of their types, and one ledger used from two threads.
Each test here failed (or crashed the interpreter) before its fix."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from decimal import Decimal, localcontext
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import encours
from conftest import d, eur, generated_tables
from encours import (
    Customer,
    DunningConfig,
    History,
    InputError,
    Item,
    Ledger,
    Money,
    MoneyError,
    PaymentTerms,
    ReportError,
)

DAY = d("2026-11-22")
SCENARIO = {"id": "s", "steps": [{"id": "r", "offset_days": 5, "channel": "email", "template": "reminder"}]}


def config_with(scenarios: Any) -> dict[str, Any]:
    return {"scenarios": scenarios, "default_scenario": "s"}


# ---------------------------------------------------------------- 1. cycles and depth


def test_from_dict_refuses_a_list_that_contains_itself() -> None:
    # Issue #9: `x = []; x.append(x)` as `scenarios` killed the interpreter (SIGSEGV).
    x: list[Any] = []
    x.append(x)
    with pytest.raises(InputError) as e:
        DunningConfig.from_dict(config_with(x))
    assert e.value.code == "cycle"
    assert str(e.value) == "scenarios[0]: the list contains itself (a cycle): expected a tree of dicts and lists"


def test_from_dict_refuses_a_dict_that_contains_itself() -> None:
    data: dict[str, Any] = config_with([copy.deepcopy(SCENARIO)])
    data["scenarios"][0]["steps"][0]["template"] = data
    with pytest.raises(InputError) as e:
        DunningConfig.from_dict(data)
    assert e.value.code == "cycle"
    assert str(e.value).startswith("scenarios[0].steps[0].template: the dict contains itself")


def test_from_dict_refuses_nesting_1500_deep() -> None:
    # Issue #9: a list nested 1,500 deep overflowed the stack (SIGSEGV).
    deep: list[Any] = []
    for _ in range(1500):
        deep = [deep]
    with pytest.raises(InputError) as e:
        DunningConfig.from_dict(config_with(deep))
    assert e.value.code == "too_deep"
    assert str(e.value).endswith(": nested deeper than 64 levels")


def test_shared_but_acyclic_data_is_not_a_cycle() -> None:
    # The same step dict twice is a DAG, not a cycle: accepted.
    step = {"id": "r", "offset_days": 5, "channel": "email", "template": "reminder"}
    other = {**step, "id": "n", "offset_days": 30}
    c = DunningConfig.from_dict(config_with([{"id": "s", "steps": [step, other]}, {"id": "t", "steps": [step]}]))
    assert c.to_dict()["scenarios"][1]["steps"][0]["id"] == "r"


# ---------------------------------------------------------------- 2. sizes, no PanicException


def plan_and_history() -> tuple[Any, History]:
    ledger = Ledger(customers=[Customer("C1", "Dupont SA", "EUR")],
                    items=[Item("F-1", "C1", issue_date=d("2024-01-02"), due_date=d("2024-02-01"),
                                amount=eur("1234.50"))])
    cfg = DunningConfig.from_dict(config_with([SCENARIO]))
    plan = ledger.dunning_plan(cfg, d("2024-02-10"))
    history = History()
    history.record(plan)
    return plan, history


def objects_with_indent() -> list[Any]:
    plan, history = plan_and_history()
    cfg = DunningConfig.from_dict(config_with([SCENARIO]))
    return [Ledger(customers=[Customer("C1", "N", "EUR")]), cfg, plan, history]


@pytest.mark.parametrize("indent", [10**11, 2**64 - 1, 65])
def test_to_json_refuses_an_indent_past_64(indent: int) -> None:
    # Issue #9: indent=10**11 aborted the process; 2**64-1 raised PanicException.
    for obj in objects_with_indent():
        with pytest.raises(InputError) as e:
            obj.to_json(indent=indent)
        assert e.value.code == "invalid_indent"
        assert str(e.value) == f"invalid indent {indent}: expected 0 to 64 spaces, or None"


def test_to_json_accepts_indents_up_to_64() -> None:
    for obj in objects_with_indent():
        assert obj.to_json(indent=64).startswith("{\n" + " " * 64 + '"')
        assert obj.to_json(indent=0).startswith("{\n\"")


EXTREME_INTS = [-(2**63) - 1, -(2**63), -1, 0, 2**31, 2**32, 10**11, 2**63 - 1, 2**64 - 1, 2**64, 10**30]


def never_panics(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    try:
        fn(*args, **kwargs)
    except Exception:  # noqa: BLE001 - an ordinary, catchable error is the promise
        pass
    except BaseException as e:  # pragma: no cover - the failure this test exists for
        pytest.fail(f"{fn!r}{args}{kwargs} raised {type(e).__name__}: {e}")


def test_no_public_call_panics_on_extreme_integers() -> None:
    ledger = Ledger.from_arrow(*generated_tables(5, 40, seed=9))
    plan, history = plan_and_history()
    cfg = DunningConfig.from_dict(config_with([SCENARIO]))
    fr = encours.Calendar.builtin("FR")
    promise = encours.PromiseToPay("P1", "C1", eur("10.00"), d("2024-03-01"), d("2024-02-01"))
    m = Money("100.00", "EUR")
    for n in EXTREME_INTS:
        calls: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = [
            (m.split, (n,), {}),
            (Money.from_minor, (n, "EUR"), {}),
            (encours.Currency.custom, ("XBT", n), {}),
            (fr.holidays_in_year, (n,), {}),
            (fr.add_business_days, (DAY, n), {}),
            (PaymentTerms.net, (n,), {}),
            (promise.is_running, (DAY,), {"grace_days": n}),
            (encours.ExternalScore, ("X", n), {}),
            (ledger.dso, (DAY,), {"days": n}),
            (ledger.collection_effectiveness, (d("2026-01-01"), DAY), {"sales_divisor": n}),
            (ledger.payment_behaviour, (DAY,), {"window_days": n}),
            (ledger.payment_behaviour, (DAY,), {"scale": [(n, 100), (n + 10, 0)]}),
            (ledger.payment_behaviour, (DAY,), {"scale": [(-n, 100), (n, 0)]}),
            (ledger.aging, (DAY,), {"buckets": [0, n]}),
            (ledger.summary, (DAY,), {"dso_days": n}),
            (ledger.summary, (DAY,), {"cei_sales_divisor": n}),
            (ledger.summary, (DAY,), {"payment_window_days": n}),
            (ledger.summary, (DAY,), {"payment_index": [(-n, 100), (n, 0)]}),
            (ledger.to_json, (), {"indent": n}),
            (cfg.to_json, (), {"indent": n}),
            (plan.to_json, (), {"indent": n}),
            (history.to_json, (), {"indent": n}),
        ]
        for fn, args, kwargs in calls:
            never_panics(fn, *args, **kwargs)


# ---------------------------------------------------------------- 3. payment-index anchors


def test_payment_index_anchors_at_the_limits_of_i64_are_a_report_error() -> None:
    # Issue #9: the span between the anchors overflowed (a panic in debug; in release
    # the summary then allocated until the process was killed).
    ledger = Ledger.from_arrow(*generated_tables(5, 40, seed=9))
    for scale in ([(-(2**63), 100), (2**63 - 1, 0)], [(-1, 100), (2**63 - 1, 0)]):
        with pytest.raises(ReportError, match=r"a span of at most 3660 days"):
            ledger.payment_behaviour(DAY, scale=scale)
        with pytest.raises(ReportError, match=r"a span of at most 3660 days"):
            ledger.summary(DAY, payment_index=scale)


# ---------------------------------------------------------------- 5. exact splits


def test_a_tiny_ratio_takes_the_whole_amount() -> None:
    # Issue #9: gave 82.41.
    assert Money("82.44", "EUR").allocate([Decimal("1E-27")]) == [Money("82.44", "EUR")]


def test_two_equal_tiny_ratios_create_no_cent() -> None:
    # Issue #9: created 5 cents.
    parts = Money("527387.95", "EUR").allocate([Decimal("3E-28"), Decimal("3E-28")])
    assert parts == [Money("263693.98", "EUR"), Money("263693.97", "EUR")]


def test_ratios_with_more_than_28_decimals_are_rescaled_not_refused() -> None:
    # Decimal(1) / 67 has 29 decimals in Python's default context (28 digits).
    r = Decimal(1) / 67
    assert r.as_tuple().exponent == -29
    parts = Money("100.00", "EUR").allocate([r, r, r])
    assert parts == [Money("33.34", "EUR"), Money("33.33", "EUR"), Money("33.33", "EUR")]
    parts = Money("100.00", "EUR").allocate([r, 2 * r, Decimal(0)])
    assert parts == [Money("33.33", "EUR"), Money("66.67", "EUR"), Money("0.00", "EUR")]
    # A lone ratio of any size takes everything.
    assert Money("5.00", "EUR").allocate([Decimal("1E-999999999")]) == [Money("5.00", "EUR")]
    # Rescaled by 10^12, 1E-40 and 1 are 1E-28 and 1E+12: still exact.
    assert Money("5.00", "EUR").allocate([Decimal("1E-40"), Decimal(1)]) == [Money("0.00", "EUR"),
                                                                            Money("5.00", "EUR")]
    # 1E-40 and 1E+20 cannot be written exactly together (1E+32 past 96 bits).
    with pytest.raises(MoneyError, match=r"the ratios span more digits than an exact decimal holds"):
        Money("5.00", "EUR").allocate([Decimal("1E-40"), Decimal("1E+20")])


@settings(max_examples=300, deadline=None)
@given(
    total=st.decimals(min_value=Decimal("-1E20"), max_value=Decimal("1E20"), places=2),
    ratios=st.lists(
        st.one_of(
            st.integers(0, 10**6),
            st.decimals(min_value=Decimal("1E-40"), max_value=Decimal("1E-10"), allow_nan=False, allow_infinity=False),
            st.integers(1, 10**6).map(lambda n: Decimal(1) / n),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_allocations_add_back_to_the_cent(total: Decimal, ratios: list[Any]) -> None:
    if all(Decimal(r) == 0 for r in ratios):
        return
    m = Money(total, "EUR")
    try:
        parts = m.allocate(ratios)
    except MoneyError as e:
        # Only a set spanning more than 28 orders of magnitude may be refused.
        assert "span more digits" in str(e)
        return
    assert sum((p.amount for p in parts), Decimal(0)) == total
    assert all(p.amount.as_tuple().exponent == -2 for p in parts)


# ---------------------------------------------------------------- 6. sums never round


def test_adding_near_4e26_eur_is_an_error_not_two_lost_cents() -> None:
    a = Money("400000000000000000000000000.01", "EUR")
    b = Money("400000000000000000000000000.02", "EUR")
    with pytest.raises(MoneyError, match=r"decimal overflow in add"):
        a + b
    # The columnar ledger keeps amounts as i64 minor units: such an amount is refused
    # on load, naming the item, so no report can show a rounded figure.
    with pytest.raises(encours.EncoursError, match=r"F-0"):
        Ledger(
            customers=[Customer("C1", "N", "EUR")],
            items=[Item(f"F-{i}", "C1", issue_date=d("2026-01-01"), due_date=d("2026-02-01"), amount=x)
                   for i, x in enumerate((a, b))],
        )


# ---------------------------------------------------------------- 7. huge exponents


@pytest.mark.parametrize("text", ["1E+1000000000", "1E-999999999", "-7E+999999999", "1E+29"])
def test_huge_exponents_are_refused_with_a_short_message(text: str) -> None:
    # Issue #9: took 15 s and 3.9 GB and returned a 1 GB message.
    with pytest.raises(MoneyError) as e:
        Money(Decimal(text), "EUR")
    assert len(str(e.value)) < 200
    assert f'"{text}"' in str(e.value)


def test_long_coefficients_are_refused_with_a_short_message() -> None:
    with localcontext() as ctx:
        ctx.prec = 100_000
        long = Decimal(1) / Decimal(3)
    with pytest.raises(MoneyError) as e:
        Money(long, "EUR")
    assert len(str(e.value)) < 250
    assert "(100002 characters)" in str(e.value)


def test_exact_decimals_keep_converting_as_before() -> None:
    assert Money(Decimal("12.30"), "EUR").amount.as_tuple() == Decimal("12.30").as_tuple()
    assert Money(Decimal("1.2E+3"), "EUR").amount == Decimal(1200)
    assert Money(Decimal("1." + "0" * 40), "EUR").amount == 1
    assert Money(Decimal("0E+1000000000"), "EUR").amount == 0
    assert Money(Decimal("79228162514264337593543950335"), "EUR").amount == Decimal("79228162514264337593543950335")
    with pytest.raises(MoneyError):
        Money(Decimal("79228162514264337593543950336"), "EUR")
    assert Money(Decimal("-0.0000000000000000000000000001"), "EUR").amount == Decimal("-1E-28")
    with pytest.raises(MoneyError):
        Money(Decimal("1E-29"), "EUR")


# ---------------------------------------------------------------- 10. one ledger, two threads


def reader_and_writer(read: Callable[[], object], write: Callable[[], None]) -> list[BaseException]:
    """Run `read` in a loop in one thread while `write` runs once in another; the
    errors either raised."""
    errors: list[BaseException] = []
    reading = threading.Event()
    done = threading.Event()

    def reader() -> None:
        try:
            while not done.is_set():
                reading.set()
                read()
        except BaseException as e:  # noqa: BLE001 - collected for the assertion
            errors.append(e)
        finally:
            reading.set()

    def writer() -> None:
        try:
            reading.wait(5)
            write()
        except BaseException as e:  # noqa: BLE001 - collected for the assertion
            errors.append(e)
        finally:
            done.set()

    threads = [threading.Thread(target=reader), threading.Thread(target=writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def test_two_threads_using_one_ledger_wait_for_each_other() -> None:
    # Issue #9: a reader releases the GIL during a report; a writer in another thread
    # got `RuntimeError: Already borrowed`. Writers now wait.
    ledger = Ledger.from_arrow(*generated_tables(50, 4000, seed=11))
    ledger.add_customer(Customer("T", "Threads", "EUR"))

    def write() -> None:
        for i in range(200):
            ledger.add_item(Item(f"T-{i}", "T", issue_date=d("2026-01-01"), due_date=d("2026-02-01"),
                                 amount=eur("1.00")))

    assert reader_and_writer(lambda: ledger.summary(DAY), write) == []
    assert ledger.balance("T", DAY) == Money("200.00", "EUR")


def test_a_history_recorded_while_another_thread_plans_waits() -> None:
    ledger = Ledger.from_arrow(*generated_tables(50, 4000, seed=12))
    cfg = DunningConfig.from_dict(config_with([SCENARIO]))
    history = History()
    plan = ledger.dunning_plan(cfg, DAY)
    assert len(plan.actions) > 0

    def write() -> None:
        for _ in range(50):
            history.record(plan)

    assert reader_and_writer(lambda: ledger.dunning_plan(cfg, DAY, history=history), write) == []
    assert len(history) == 50 * len(plan.actions)


# ---------------------------------------------------------------- 10. byte-order mark


def test_a_utf8_byte_order_mark_is_accepted_in_every_json_input() -> None:
    # Windows editors and Excel write one; the command and the C library skip it too.
    ledger = Ledger(customers=[Customer("C1", "N", "EUR")],
                    items=[Item("F-1", "C1", issue_date=d("2024-01-02"), due_date=d("2024-02-01"),
                                amount=eur("10.00"))])
    text = ledger.to_json()
    for data in ("\ufeff" + text, b"\xef\xbb\xbf" + text.encode()):
        assert Ledger.from_json(data).to_json() == text
    cfg = DunningConfig.from_dict(config_with([SCENARIO]))
    assert DunningConfig.from_json("\ufeff" + cfg.to_json()) == cfg
    _, history = plan_and_history()
    assert History.from_json(b"\xef\xbb\xbf" + history.to_json().encode()) == history
    assert Money.from_json('\ufeff{"amount": "1.50", "currency": "EUR"}') == eur("1.50")
    # Only one mark, at the start: anything else is still malformed JSON.
    with pytest.raises(InputError, match=r"invalid ledger JSON"):
        Ledger.from_json("\ufeff\ufeff" + text)
