"""The cache of non-business days (``$XDG_CACHE_HOME/followup/business-days.json``): a
calendar answered from it says exactly what ``holidays`` says, needs no ``holidays`` object
for the years it holds, and is made again when the ``holidays`` install changes.

Days are checked over 2026 and 2027: US-CA (Thanksgiving Thu 26 and the Day After
Thanksgiving Fri 27 Nov 2026), DE-BY (Epiphany Wed 6 Jan 2027), and the United Arab
Emirates with a Saturday-Sunday weekend chosen by the user.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest

from followup.business_days import (
    CACHE_FILE,
    BusinessCalendar,
    KnownDays,
    Place,
    _holidays_for,
)

PLACES = [
    Place("US", "CA"),
    Place("DE", "BY"),
    Place("AE", weekend=frozenset({5, 6})),
    Place(None),
]
DAYS = [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 730, 3)]


def _refuse() -> holidays.HolidayBase:
    raise AssertionError("holidays was asked although the cache holds the year")


def _answers(cal: BusinessCalendar) -> list[object]:
    return [
        (d, cal.is_business_day(d), cal.why_not(d), cal.nth_business_day_after(d, d.day % 7))
        for d in DAYS
    ]


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.describe())
def test_a_cached_calendar_answers_as_holidays_does(place: Place, tmp_path: Path) -> None:
    direct = BusinessCalendar(place, _holidays_for(place))
    filling = BusinessCalendar(place, _holidays_for(place), known=KnownDays.open(tmp_path, place))
    assert _answers(filling) == _answers(direct)
    known = KnownDays.open(tmp_path, place)
    assert known is not None and set(known.years) >= {2026, 2027}
    cached = BusinessCalendar(place, known=known, load=_refuse)
    assert _answers(cached) == _answers(direct)


def test_a_year_not_cached_is_filled_from_holidays_and_kept(tmp_path: Path) -> None:
    place = Place("US", "CA")
    cal = BusinessCalendar(
        place, load=lambda: _holidays_for(place), known=KnownDays.open(tmp_path, place)
    )
    assert cal.why_not(date(2026, 11, 26)) == "Thanksgiving Day"
    stored = json.loads((tmp_path / CACHE_FILE).read_text())
    assert stored["holidays"] == holidays.__version__  # type: ignore[attr-defined]
    assert stored["places"]["US|CA|-|public"]["2026"]["2026-11-27"] == "Day After Thanksgiving"
    assert list(stored["places"]["US|CA|-|public"]) == ["2026"]


def test_places_are_kept_apart_in_one_file(tmp_path: Path) -> None:
    for place in (Place("US", "CA"), Place("US")):
        cal = BusinessCalendar(place, _holidays_for(place), known=KnownDays.open(tmp_path, place))
        cal.is_business_day(date(2026, 11, 27))
    ca, us = KnownDays.open(tmp_path, Place("US", "CA")), KnownDays.open(tmp_path, Place("US"))
    assert ca is not None and us is not None
    assert date(2026, 11, 27) in ca.years[2026]
    assert date(2026, 11, 27) not in us.years[2026]  # a California holiday only


@pytest.mark.parametrize("change", ["version file", "stamp"])
def test_a_cache_from_another_holidays_install_is_not_used(tmp_path: Path, change: str) -> None:
    place = Place("US", "CA")
    cal = BusinessCalendar(place, _holidays_for(place), known=KnownDays.open(tmp_path, place))
    cal.is_business_day(date(2026, 11, 27))
    path = tmp_path / CACHE_FILE
    stored = json.loads(path.read_text())
    if change == "stamp":
        stored["stamp"][1] += 1  # another size of holidays/version.py
    else:
        stored["stamp"][0] = "/elsewhere/holidays/version.py"
    path.write_text(json.dumps(stored))
    known = KnownDays.open(tmp_path, place)
    assert known is not None and known.years == {}
    BusinessCalendar(place, _holidays_for(place), known=known).is_business_day(date(2026, 1, 2))
    assert json.loads(path.read_text())["stamp"] != stored["stamp"]  # made again


def test_an_unreadable_cache_only_costs_the_import(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_text("{not json")
    place = Place("US", "CA")
    known = KnownDays.open(tmp_path, place)
    assert known is not None and known.years == {}
    cal = BusinessCalendar(place, load=lambda: _holidays_for(place), known=known)
    assert cal.nth_business_day_after(date(2026, 11, 23), 3) == date(2026, 11, 30)
