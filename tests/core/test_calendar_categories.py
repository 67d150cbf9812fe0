"""Specification: one list of holiday categories for every place, each calendar keeping
the ones its country has (``followup.business_days``). Austria has no ``catholic``
category; Germany has one. Dates in 2026: Immaculate Conception Tue 8 Dec (a public
holiday in Austria), Assumption Day Sat 15 Aug."""

from __future__ import annotations

from datetime import date

import pytest

from followup.business_days import Place, calendar_for, ignored_categories


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
