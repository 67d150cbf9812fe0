"""Specification: one list of holiday categories for every place, each calendar keeping
the ones its country has (``followup.business_days``). Austria has no ``catholic``
category; Germany has one. Dates in 2026: Immaculate Conception Tue 8 Dec (a public
holiday in Austria), Assumption Day Sat 15 Aug."""

from __future__ import annotations

from datetime import date

import pytest

from followup.business_days import (
    Place,
    calendar_for,
    categories_left_out,
    ignored_categories,
    left_out_text,
)
from followup.errors import ConfigError


@pytest.mark.parametrize(
    ("place", "ignored"),
    [
        (Place("AT", None, None, ("public", "catholic")), ("catholic",)),
        (Place("DE", "BY", None, ("public", "catholic")), ()),
        (Place("AT", None, None, ("public", "bank", "catholic", "school")), ("catholic",)),
        (Place("AT", None, None, ("public",)), ()),
        (Place(None, None, None, ("public", "catholic")), ()),
    ],
)
def test_the_categories_a_country_lacks_are_named(place: Place, ignored: tuple[str, ...]) -> None:
    assert ignored_categories(place) == ignored


def test_a_calendar_leaves_out_a_category_its_country_lacks() -> None:
    calendar = calendar_for(Place("AT", None, None, ("public", "catholic")))
    assert calendar.why_not(date(2026, 12, 8)) == "Immaculate Conception"
    assert calendar.is_business_day(date(2026, 12, 9))


CATHOLIC = ("public", "catholic")


@pytest.mark.parametrize(
    ("places", "left_out"),
    [
        (
            [Place("DE", "BY", None, CATHOLIC), Place("AT", None, None, CATHOLIC)],
            [("AT", ("catholic",))],
        ),
        (
            [Place("AT", None, None, CATHOLIC), Place("AT", "9", None, CATHOLIC)],
            [("AT", ("catholic",))],
        ),
        ([Place("DE", "BY", None, CATHOLIC)], []),
        ([Place(None, None, None, CATHOLIC)], []),
    ],
)
def test_a_country_lacking_a_category_is_named_once(
    places: list[Place], left_out: list[tuple[str, tuple[str, ...]]]
) -> None:
    assert categories_left_out(places) == left_out


@pytest.mark.parametrize(
    ("country", "subdivision", "ignored", "line"),
    [
        ("AT", None, ("catholic",), "catholic: no such holiday category in AT; left out"),
        (
            "AT",
            "9",
            ("catholic", "school"),
            "catholic, school: no such holiday categories in AT-9; left out",
        ),
    ],
)
def test_the_line_naming_the_categories_left_out(
    country: str, subdivision: str | None, ignored: tuple[str, ...], line: str
) -> None:
    assert left_out_text(country, subdivision, ignored) == line


@pytest.mark.parametrize("category", ["catolic", "Catholic", "holidays"])
def test_a_category_no_country_has_is_refused_naming_it(category: str) -> None:
    with pytest.raises(ConfigError, match=f"calendar.categories: '{category}' is no holiday"):
        ignored_categories(Place("DE", "BY", None, ("public", category)))
