"""encours.Money, Currency and FxRates (core module: money)."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encours import (
    Currency,
    CurrencyMismatchError,
    EncoursError,
    FxRates,
    InputError,
    Money,
    MoneyError,
)

# ------------------------------------------------------------------ construction


def test_amount_is_kept_exactly_as_given() -> None:
    m = Money("1200.00", "EUR")
    assert m.amount == Decimal("1200.00")
    assert str(m.amount) == "1200.00"
    assert m.currency == Currency("EUR")
    assert Money(Decimal("19.90"), "eur").amount == Decimal("19.90")
    assert Money(42, "JPY").amount == Decimal(42)


def test_float_is_refused_with_a_clear_type_error() -> None:
    with pytest.raises(TypeError) as e:
        Money(0.1, "EUR")  # type: ignore[arg-type]
    assert str(e.value) == "money must be decimal.Decimal, str or int, not float"
    with pytest.raises(TypeError, match="not bool"):
        Money(True, "EUR")
    with pytest.raises(TypeError, match="not NoneType"):
        Money(None, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(value: str) -> None:
    with pytest.raises(MoneyError) as e:
        Money(Decimal(value), "EUR")
    assert e.value.code == "invalid_amount"
    assert "not a finite number" in str(e.value)
    assert isinstance(e.value, ValueError)


def test_text_must_be_an_exact_decimal() -> None:
    with pytest.raises(MoneyError, match='invalid amount "19,90"'):
        Money("19,90", "EUR")
    # 29 decimals would be rounded by a lenient parser: refused, never rounded.
    with pytest.raises(MoneyError):
        Money("1.00000000000000000000000000001", "EUR")
    with pytest.raises(MoneyError):
        Money(Decimal("1.00000000000000000000000000001"), "EUR")
    with pytest.raises(MoneyError):
        Money("79228162514264337593543950336", "EUR")  # 2**96
    with pytest.raises(MoneyError):
        Money(10**40, "EUR")


def test_exponent_and_excess_trailing_zeros_are_exact() -> None:
    assert Money(Decimal("1E+3"), "EUR").amount == Decimal(1000)
    assert Money(Decimal("1." + "0" * 40), "EUR").amount == Decimal(1)
    assert Money(Decimal("-0.50"), "EUR").amount == Decimal("-0.50")


def test_numpy_integers_are_accepted_but_not_numpy_floats() -> None:
    np = pytest.importorskip("numpy")
    assert Money(np.int64(1234), "EUR").amount == Decimal(1234)
    with pytest.raises(TypeError, match="not float64"):
        Money(np.float64(1.5), "EUR")


def test_from_minor_and_to_minor() -> None:
    assert Money.from_minor(123456, "EUR") == Money("1234.56", "EUR")
    assert Money.from_minor(1500, "JPY").amount == Decimal(1500)
    assert Money("12.30", "EUR").to_minor() == 1230
    with pytest.raises(MoneyError, match="below the minor unit"):
        Money("12.305", "EUR").to_minor()


# ------------------------------------------------------------------ currency


def test_currency() -> None:
    assert Currency("kwd").minor_units == 3
    assert Currency("JPY").minor_unit == Decimal(1)
    assert Currency("EUR").minor_unit == Decimal("0.01")
    xbt = Currency.custom("xbt", 8)
    assert (xbt.code, xbt.minor_units, xbt.is_iso) == ("XBT", 8, False)
    assert Currency("EUR").is_iso
    codes = [c.code for c in Currency.iso_currencies()]
    assert codes == sorted(codes) and "EUR" in codes and "XOF" in codes
    assert {Currency("EUR"), Currency("eur")} == {Currency("EUR")}


def test_currency_errors() -> None:
    with pytest.raises(MoneyError) as e:
        Currency("EUX")
    assert e.value.code == "unknown_currency"
    assert str(e.value).startswith('unknown currency code "EUX"')
    with pytest.raises(MoneyError) as e:
        Currency("EURO")
    assert e.value.code == "invalid_currency_code"
    with pytest.raises(MoneyError) as e:
        Currency.custom("XBT", 9)
    assert e.value.code == "invalid_minor_units"
    with pytest.raises(MoneyError):
        Currency.custom("XBT", -1)
    with pytest.raises(TypeError, match="currency must be"):
        Money("1", 978)  # type: ignore[arg-type]


def test_reprs_are_exact() -> None:
    assert repr(Currency("EUR")) == "Currency('EUR')"
    assert repr(Currency.custom("XBT", 8)) == "Currency.custom('XBT', 8)"
    assert str(Currency("usd")) == "USD"
    assert repr(Money("1200.00", "EUR")) == "Money('1200.00', 'EUR')"
    assert repr(Money("-3", "JPY")) == "Money('-3', 'JPY')"
    assert repr(Money("0.1", Currency.custom("XBT", 8))) == "Money('0.1', Currency.custom('XBT', 8))"
    assert str(Money("1234.56", "EUR")) == "1234.56 EUR"


# ------------------------------------------------------------------ arithmetic


def test_arithmetic() -> None:
    invoice = Money("1200.00", "EUR")
    paid = Money("450.10", "EUR")
    assert invoice - paid == Money("749.90", "EUR")
    assert invoice + paid == Money("1650.10", "EUR")
    assert -paid == Money("-450.10", "EUR")
    assert abs(-paid) == paid
    assert +paid == paid
    assert invoice * Decimal("0.5") == Money("600.000", "EUR")
    assert 2 * paid == Money("900.20", "EUR")
    assert sum([paid, paid, paid]) == Money("1350.30", "EUR")
    assert not Money.zero("EUR")
    assert Money("0.01", "EUR")
    assert Money("-1", "EUR").is_negative() and Money("1", "EUR").is_positive()
    assert Money("0.00", "EUR").is_zero()


def test_comparisons() -> None:
    a, b = Money("1.00", "EUR"), Money("2", "EUR")
    assert a < b and a <= b and b > a and b >= a
    # Equal values with different scales are equal, and hash alike.
    assert Money("1.0", "EUR") == Money("1.00", "EUR")
    assert hash(Money("1.0", "EUR")) == hash(Money("1.00", "EUR"))
    # == across currencies is simply False; ordering is an error.
    assert Money("1", "EUR") != Money("1", "USD")
    assert Money("1", "EUR") != "1 EUR"
    with pytest.raises(CurrencyMismatchError) as e:
        _ = Money("1", "EUR") < Money("1", "USD")
    assert e.value.code == "currency_mismatch"


def test_currency_mismatch_is_a_money_error_and_a_value_error() -> None:
    with pytest.raises(CurrencyMismatchError) as e:
        Money("1", "EUR") + Money("1", "USD")
    assert isinstance(e.value, MoneyError)
    assert isinstance(e.value, EncoursError)
    assert isinstance(e.value, ValueError)
    assert str(e.value) == "currency mismatch in add: EUR and USD cannot be combined without an exchange rate"


def test_mixing_money_with_numbers_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Money("1", "EUR") + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        1 - Money("1", "EUR")  # type: ignore[operator]
    with pytest.raises(TypeError, match="factor must be decimal.Decimal, str or int, not float"):
        Money("1", "EUR") * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money("1", "EUR") * Money("1", "EUR")  # type: ignore[operator]


def test_overflow_is_an_error() -> None:
    big = Money("79228162514264337593543950335", "EUR")
    with pytest.raises(MoneyError) as e:
        big + big
    assert e.value.code == "overflow"


# ------------------------------------------------------------------ rounding and splits


def test_round() -> None:
    m = Money("2.345", "EUR")
    assert m.round() == Money("2.35", "EUR")
    assert m.round("half_even") == Money("2.34", "EUR")
    assert m.round("down") == Money("2.34", "EUR")
    assert m.round("up") == Money("2.35", "EUR")
    assert Money("2.5", "JPY").round() == Money("3", "JPY")
    with pytest.raises(InputError) as e:
        m.round("banker")  # type: ignore[arg-type]
    assert "invalid rounding mode \"banker\"" in str(e.value)


def test_split_and_allocate() -> None:
    assert [str(p) for p in Money("100.00", "EUR").split(3)] == ["33.34 EUR", "33.33 EUR", "33.33 EUR"]
    assert [p.to_minor() for p in Money.from_minor(1000, "JPY").split(3, "on_last")] == [333, 333, 334]
    assert [p.to_minor() for p in Money.from_minor(1000, "JPY").split(3, "on_first")] == [334, 333, 333]
    parts = Money("1000.00", "EUR").allocate([30, 70], "on_last")
    assert parts == [Money("300.00", "EUR"), Money("700.00", "EUR")]
    thirds = Money("0.10", "EUR").allocate(["1", Decimal(1), 1])
    assert [t.to_minor() for t in thirds] == [4, 3, 3]


def test_split_errors() -> None:
    m = Money("1", "EUR")
    with pytest.raises(MoneyError) as e:
        m.split(0)
    assert e.value.code == "invalid_parts"
    with pytest.raises(MoneyError, match="between 1 and 10000000"):
        m.split(-2)
    with pytest.raises(MoneyError, match="between 1 and 10000000"):
        m.split(10**12)
    with pytest.raises(MoneyError) as e:
        m.allocate([])
    assert e.value.code == "invalid_ratios"
    with pytest.raises(MoneyError, match="negative"):
        m.allocate([1, -1])
    with pytest.raises(TypeError, match="ratio must be"):
        m.allocate([0.5, 0.5])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="not str"):
        m.allocate("12")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        m.split(2, "fair")  # type: ignore[arg-type]


amounts = st.decimals(
    min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=2, allow_nan=False, allow_infinity=False
)
currencies = st.sampled_from(["EUR", "JPY", "KWD", "USD"])


@settings(max_examples=300, deadline=None)
@given(amount=amounts, code=currencies, parts=st.integers(min_value=1, max_value=40),
       remainder=st.sampled_from(["largest_remainder", "on_last", "on_first"]))
def test_split_adds_back_to_the_total(amount: Decimal, code: str, parts: int, remainder: str) -> None:
    total = Money(amount, code).round()
    pieces = total.split(parts, remainder)  # type: ignore[arg-type]
    assert len(pieces) == parts
    assert sum(pieces) == total
    assert all(p.is_in_minor_units() for p in pieces)
    # Near-equal: parts differ by at most the leftover, at most one minor unit each
    # for the largest-remainder method.
    if remainder == "largest_remainder":
        units = [p.to_minor() for p in pieces]
        assert max(units) - min(units) <= 1


@settings(max_examples=300, deadline=None)
@given(amount=amounts, code=currencies,
       ratios=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=20).filter(lambda r: sum(r) > 0))
def test_allocate_adds_back_to_the_total(amount: Decimal, code: str, ratios: list[int]) -> None:
    total = Money(amount, code)
    pieces = total.allocate(ratios)
    assert len(pieces) == len(ratios)
    assert sum(pieces) == total.round()
    # A zero ratio gets nothing.
    assert all(p.is_zero() for p, r in zip(pieces, ratios) if r == 0)


# ------------------------------------------------------------------ FX


def test_fx_rates() -> None:
    fx = FxRates()
    fx.insert("USD", "EUR", Decimal("0.92"))
    assert fx.convert(Money.from_minor(10000, "USD"), "EUR") == Money("92.00", "EUR")
    assert fx.convert(Money("92.00", "EUR"), Currency("USD")) == Money("100.00", "USD")
    assert fx.rate("EUR", "EUR") == Decimal(1)
    assert repr(fx) == "FxRates([USD/EUR 0.92])"
    assert len(fx) == 1
    assert fx.rates() == [(Currency("USD"), Currency("EUR"), Decimal("0.92"))]
    with pytest.raises(MoneyError) as e:
        fx.rate("EUR", "GBP")
    assert e.value.code == "missing_rate"
    with pytest.raises(MoneyError) as e:
        fx.insert("GBP", "EUR", 0)
    assert e.value.code == "invalid_rate"
    with pytest.raises(TypeError):
        fx.insert("GBP", "EUR", 1.17)  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(fx)).rates() == fx.rates()


# ------------------------------------------------------------------ serialization


def test_json_and_pickle_round_trip() -> None:
    m = Money("1234.50", "EUR")
    assert m.to_json() == '{"amount":"1234.50","currency":"EUR"}'
    assert Money.from_json(m.to_json()) == m
    assert str(Money.from_json(b'{"amount": "0.10", "currency": "EUR"}').amount) == "0.10"
    for value in (m, Money("0.1", Currency.custom("XBT", 8)), Currency("JPY"), Currency.custom("XPT", 2)):
        back = pickle.loads(pickle.dumps(value))
        assert back == value and repr(back) == repr(value)
    assert str(pickle.loads(pickle.dumps(m)).amount) == "1234.50"
    with pytest.raises(InputError) as e:
        Money.from_json('{"amount": 1.5, "currency": "EUR"}')
    assert e.value.code == "json"
