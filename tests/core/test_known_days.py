"""The cache of non-business days (``$XDG_CACHE_HOME/followup/business-days.json``): a
calendar answered from it says exactly what ``holidays`` says, needs no ``holidays`` object
for the years it holds, and is made again when the ``holidays`` install changes.

Days are checked over 2026 and 2027: US-CA (Thanksgiving Thu 26 and the Day After
Thanksgiving Fri 27 Nov 2026), DE-BY (Epiphany Wed 6 Jan 2027), and the United Arab
Emirates with a Saturday-Sunday weekend chosen by the user.

A place whose days are kept was checked against ``holidays`` first: it is known, and its
subdivision spelt, without asking ``holidays`` again, so that the commands that plan
(``add``, ``edit``, ``show``, ``snooze``) do not import it once the days they need are kept.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest

from followup import business_days, places
from followup.business_days import (
    CACHE_FILE,
    BusinessCalendar,
    KnownDays,
    Place,
    _holidays_for,
    check_place,
    known_places,
)
from followup.errors import ConfigError
from followup.places import canonical_place
from tests.support.modules import modules_loaded, packages_loaded

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


# -- the places kept ------------------------------------------------------------------------


def _learn(folder: Path, *kept: Place) -> None:
    for place in kept:
        cal = BusinessCalendar(place, _holidays_for(place), known=KnownDays.open(folder, place))
        cal.is_business_day(date(2026, 11, 27))


def _no_holidays(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> dict[str, list[str]]:
        raise AssertionError("holidays was asked about a place the cache keeps")

    monkeypatch.setattr(business_days, "supported_countries", refuse)
    monkeypatch.setattr(places, "supported_countries", refuse)


def test_the_places_kept_are_listed(tmp_path: Path) -> None:
    _learn(tmp_path, Place("DE", "BY"), Place("AE", weekend=frozenset({5, 6})), Place(None))
    assert known_places(tmp_path) == {("DE", "BY"), ("AE", None), (None, None)}


@pytest.mark.parametrize(
    ("country", "subdivision"),
    [("DE", "BY"), ("DE", None), ("AE", None)],
)
def test_a_place_kept_passes_its_check_without_holidays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, country: str, subdivision: str | None
) -> None:
    _learn(tmp_path, Place("DE", "BY"), Place("AE", weekend=frozenset({5, 6})))
    _no_holidays(monkeypatch)
    check_place(country, subdivision, "interview", tmp_path)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [(("de", "by"), ("DE", "BY")), (("DE", " By "), ("DE", "BY")), (("ae", None), ("AE", None))],
)
def test_a_place_kept_is_spelt_without_holidays(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    typed: tuple[str, str | None],
    stored: tuple[str, str | None],
) -> None:
    _learn(tmp_path, Place("DE", "BY"), Place("AE", weekend=frozenset({5, 6})))
    _no_holidays(monkeypatch)
    assert canonical_place(*typed, tmp_path) == stored


def test_a_place_not_kept_is_checked_by_holidays(tmp_path: Path) -> None:
    _learn(tmp_path, Place("DE", "BY"))
    with pytest.raises(ConfigError, match="unknown subdivision 'XX' for DE"):
        check_place("DE", "XX", "interview", tmp_path)
    assert canonical_place("de", "hh", tmp_path) == ("DE", "HH")


def test_a_cache_from_another_holidays_install_vouches_for_no_place(tmp_path: Path) -> None:
    _learn(tmp_path, Place("DE", "BY"))
    path = tmp_path / CACHE_FILE
    stored = json.loads(path.read_text())
    stored["stamp"][1] += 1
    path.write_text(json.dumps(stored))
    assert known_places(tmp_path) == frozenset()


#: Packages a command that plans needs not load once the days it looks at are kept.
NOT_NEEDED = {
    "holidays",
    "alembic",
    "apscheduler",
    "jeepney",
    "icalendar",
    "babel",
    "imapclient",
    "charset_normalizer",
    "dateparser",
    "iso3166_2",
    "pycountry",
    "requests",
}


@pytest.mark.system
@pytest.mark.own_store
@pytest.mark.parametrize(
    "args",
    [
        ["add", "Acme", "--expect", "tomorrow"],
        ["add", "Acme", "--expect", "tomorrow", "--country", "de", "--subdivision", "by"],
        ["add", "Acme", "--expect", "2026-12-11"],
        ["add", "Acme", "--expect", "end of next week", "--country", "de", "--subdivision", "by"],
        ["add", "Acme", "--interviewed", "2026-11-27"],
        ["add", "Acme", "--expect", "by the 11th"],
        ["add", "Acme", "--expect", "EOD Friday", "--country", "de", "--subdivision", "by"],
        ["show", "2"],
        ["edit", "2", "--role", "Engineer"],
        ["snooze", "2", "--days", "2"],
    ],
    ids=" ".join,
)
def test_a_command_run_again_loads_no_holidays(args: list[str], config_file: Path) -> None:
    """In a calendar of US-CA, with interview 1 planned there and interview 2 in DE-BY: the
    first run of the command keeps the days it needs (it may look at a year not kept yet,
    as a snooze across New Year does); run again, it loads none of these packages."""
    config_file.write_text('[calendar]\ncountry = "US"\nsubdivision = "ca"\n')
    modules_loaded(["add", "Home Co", "--expect", "tomorrow"])
    modules_loaded(
        ["add", "Bayern GmbH", "--expect", "tomorrow", "--country", "de", "--subdivision", "by"]
    )
    modules_loaded(args)
    assert packages_loaded(args, NOT_NEEDED) == set()


@pytest.mark.system
@pytest.mark.own_store
def test_a_numeric_promise_loads_no_library_for_words(config_file: Path) -> None:
    """A numeric day without a year needs the country's day-month order (Babel, as
    before), never the reader of words."""
    config_file.write_text('[calendar]\ncountry = "US"\nsubdivision = "ca"\n')
    modules_loaded(["add", "Home Co", "--expect", "tomorrow"])
    args = ["add", "Acme", "--expect", "12/11"]
    assert packages_loaded(args, NOT_NEEDED - {"babel"}) == set()
