"""encours.Calendar (core module: calendar)."""

from __future__ import annotations

import datetime
import json
import pickle

import pytest
from conftest import d

from encours import CalendarError, Calendar, InputError


def test_france_2025() -> None:
    fr = Calendar.builtin("fr")
    # Jours fériés 2025 (service-public.fr): 1 Jan, Easter Monday 21 Apr, 1 May, 8 May,
    # Ascension 29 May, Whit Monday 9 Jun, 14 Jul, 15 Aug, 1 Nov, 11 Nov, 25 Dec.
    assert [h[0] for h in fr.holidays_in_year(2025)] == [
        d("2025-01-01"), d("2025-04-21"), d("2025-05-01"), d("2025-05-08"), d("2025-05-29"), d("2025-06-09"),
        d("2025-07-14"), d("2025-08-15"), d("2025-11-01"), d("2025-11-11"), d("2025-12-25")]
    assert fr.is_holiday(d("2025-07-14")) and not fr.is_business_day(d("2025-07-14"))
    assert fr.is_business_day(d("2025-07-15"))
    assert fr.day_kind(d("2025-12-25")) == {"kind": "holiday", "name": "Christmas Day"}
    assert fr.day_kind(d("2025-12-27")) == {"kind": "weekend", "weekday": "saturday"}
    assert fr.day_kind(d("2025-12-26")) == {"kind": "business_day"}
    assert fr.holidays_between(d("2025-12-01"), d("2025-12-31")) == [(d("2025-12-25"), "Christmas Day")]


def test_rolls_and_business_day_arithmetic() -> None:
    fr = Calendar.builtin("FR")
    assert fr.roll(d("2025-12-25")) == d("2025-12-26")
    assert fr.roll(d("2025-12-25"), "preceding") == d("2025-12-24")
    # 31 May 2025 is a Saturday: modified following stays in May.
    assert fr.roll(d("2025-05-31"), "modified_following") == d("2025-05-30")
    assert fr.roll(d("2025-12-25"), "none") == d("2025-12-25")
    assert fr.next_business_day(d("2025-12-24")) == d("2025-12-26")
    assert fr.previous_business_day(d("2025-12-29")) == d("2025-12-26")
    assert fr.add_business_days(d("2025-12-24"), 2) == d("2025-12-29")
    assert fr.add_business_days(d("2025-12-29"), -2) == d("2025-12-24")
    assert fr.business_days_between(d("2025-12-01"), d("2025-12-31")) == 21
    assert fr.business_days_between(d("2025-12-31"), d("2025-12-01")) == -21
    with pytest.raises(InputError, match='invalid roll "sideways"'):
        fr.roll(d("2025-12-25"), "sideways")  # type: ignore[arg-type]


def test_custom_calendars() -> None:
    gulf = Calendar.weekends_only("gulf", ["friday", "saturday"])
    assert gulf.weekend == ["friday", "saturday"]
    assert gulf.is_business_day(d("2025-12-28"))  # a Sunday
    assert Calendar.weekends_only("plain").weekend == ["saturday", "sunday"]
    closed = gulf.with_holidays([(d("2025-12-28"), "Company day")])
    assert closed.day_kind(d("2025-12-28")) == {"kind": "holiday", "name": "Company day"}
    assert repr(closed) == "Calendar(name='gulf', weekend=['friday', 'saturday'], rules=0, extra_holidays=1)"
    with pytest.raises(CalendarError) as e:
        Calendar.weekends_only("never", ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
    assert e.value.code == "no_working_weekday"
    with pytest.raises(InputError, match="invalid weekend"):
        Calendar.weekends_only("x", ["caturday"])
    with pytest.raises(CalendarError) as e:
        Calendar.builtin("XX")
    assert e.value.code == "unknown_calendar"
    assert set(Calendar.builtin_codes()) >= {"FR", "DE", "US"}


def test_json_spec_and_pickle() -> None:
    de = Calendar.builtin("DE")
    spec = json.loads(de.to_json())
    assert spec["name"] == "DE" and spec["weekend"] == ["saturday", "sunday"]
    assert Calendar.from_json(de.to_json()) == de
    assert pickle.loads(pickle.dumps(de)) == de
    custom = Calendar.from_json(json.dumps({"name": "x", "rules": [], "extra_holidays": [
        {"date": "2026-03-02", "name": "Inventory"}]}))
    assert custom.is_holiday(d("2026-03-02"))
    with pytest.raises(InputError):
        Calendar.from_json('{"name": "x", "surprise": 1}')


def test_dates_must_be_dates() -> None:
    fr = Calendar.builtin("FR")
    with pytest.raises(TypeError, match="datetime.datetime"):
        fr.is_holiday(datetime.datetime(2025, 12, 25, 9))  # type: ignore[arg-type]
    # Past the ends of datetime.date: an error (CalendarError, or InputError when the
    # core's answer is a date Python cannot hold), never a wrong date.
    for far in (datetime.date.min, datetime.date.max):
        with pytest.raises((CalendarError, InputError)):
            fr.add_business_days(far, -5 if far == datetime.date.min else 5)
