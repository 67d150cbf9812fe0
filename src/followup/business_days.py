"""Business days: weekends and public holidays of one country and subdivision.

The ``holidays`` package is the authority on what a business day is; this module only
adds what the rules need on top of it: a cached calendar per place, a thread-safe
year fill, memoised "n-th business day" look-ups (planning 100,000 interviews touches
only a few hundred distinct dates) and a plain-words reason for every skipped day.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from followup.errors import ConfigError

if TYPE_CHECKING:
    from holidays import HolidayBase

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Place:
    """Where business days are counted: the key that identifies one calendar.

    ``weekend`` is ``None`` for the country's own weekend, else weekday numbers (Mon=0).
    """

    country: str | None
    subdivision: str | None = None
    weekend: frozenset[int] | None = None
    categories: tuple[str, ...] = ("public",)

    def describe(self) -> str:
        where = "weekends only" if self.country is None else self.country
        if self.subdivision:
            where += f"-{self.subdivision}"
        if self.weekend is not None:
            days = "+".join(DAY_NAMES[d][:3].title() for d in sorted(self.weekend)) or "none"
            where += f", weekend {days}"
        return where


@dataclass(frozen=True)
class SkippedDay:
    """A day that did not count, and why (a holiday's name, or ``weekend``)."""

    day: date
    reason: str


class BusinessCalendar:
    """Answers which days are business days in one place.

    ``holidays`` fills a year's holidays on the first look-up of a date in it, which is not
    safe while another thread reads the same object; every look-up here holds a lock.
    """

    def __init__(self, place: Place, holidays_obj: HolidayBase) -> None:
        self.place = place
        self._holidays = holidays_obj
        self._lock = threading.Lock()
        self._nth = functools.lru_cache(maxsize=65536)(self._nth_uncached)

    def is_business_day(self, day: date) -> bool:
        with self._lock:
            return bool(self._holidays.is_working_day(day))

    def weekend_days(self) -> set[int]:
        return set(self._holidays.weekend)

    def why_not(self, day: date) -> str | None:
        """Why ``day`` is not a business day, or ``None`` when it is one."""
        with self._lock:
            if self._holidays.is_working_day(day):
                return None
            name = self._holidays.get(day)
        return str(name) if name else "weekend"

    def nth_business_day_after(self, start: date, n: int) -> date:
        """The ``n``-th business day after ``start`` (``start`` itself never counts).

        With ``n == 0`` this is ``start`` when it is a business day, else the next one.
        """
        if n < 0:
            raise ValueError(f"n must not be negative: {n}")
        return self._nth(start, n)

    def _nth_uncached(self, start: date, n: int) -> date:
        with self._lock:
            return self._holidays.get_nth_working_day(start, n)

    def skipped_between(self, start: date, end: date) -> list[SkippedDay]:
        """Every day strictly after ``start`` and before ``end`` that was not a business day."""
        skipped = []
        day = start + timedelta(days=1)
        while day < end:
            reason = self.why_not(day)
            if reason is not None:
                skipped.append(SkippedDay(day, reason))
            day += timedelta(days=1)
        return skipped


def parse_weekend(names: Iterable[str]) -> frozenset[int]:
    """Weekday numbers from day names ("saturday", "Sun", ...); raises ConfigError on others."""
    days = set()
    for name in names:
        key = name.strip().lower()
        matches = [i for i, full in enumerate(DAY_NAMES) if len(key) >= 3 and full.startswith(key)]
        if len(matches) != 1:
            raise ConfigError(f"calendar.weekend: {name!r} is not a day name (e.g. 'saturday')")
        days.add(matches[0])
    if len(days) == len(DAY_NAMES):
        raise ConfigError("calendar.weekend: all seven days leaves no business day to count")
    return frozenset(days)


def supported_countries() -> dict[str, list[str]]:
    """Country code -> its subdivision codes, as the ``holidays`` package knows them."""
    import holidays

    return {code: sorted(subs) for code, subs in holidays.list_supported_countries().items()}


def check_place(country: str | None, subdivision: str | None, where: str) -> None:
    """Raise ConfigError naming the bad value when the country or subdivision is unknown,
    with the countries a mistyped one probably meant (:func:`followup.places.suggest_country`)
    and how to give a subdivision its country. Codes are compared as given: callers pass
    them through :func:`followup.places.canonical_place` first."""
    if country is None:
        if subdivision is not None:
            raise ConfigError(
                f"{where}: subdivision {subdivision!r} given without a country: add --country "
                "CC, or set the country once with: followup init --country CC"
            )
        return
    known = supported_countries()
    if country not in known:
        from followup.places import suggest_country

        close = suggest_country(country)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise ConfigError(
            f"{where}: unknown country {country!r} ({hint}see 'followup countries' for the codes)"
        )
    if subdivision is not None and subdivision not in known[country]:
        raise ConfigError(
            f"{where}: unknown subdivision {subdivision!r} for {country} "
            f"(known: {', '.join(known[country]) or 'none'})"
        )


def calendar_for(place: Place, years: Sequence[int] = ()) -> BusinessCalendar:
    """The shared calendar of ``place``, built once per process and reused; ``years`` are
    filled up front (a year is otherwise filled on its first look-up)."""
    cal = _calendar_for(place)
    for year in years:
        cal.is_business_day(date(year, 6, 1))
    return cal


@functools.lru_cache(maxsize=64)
def _calendar_for(place: Place) -> BusinessCalendar:
    import holidays

    check_place(place.country, place.subdivision, "calendar")
    if place.country is None:
        obj = holidays.HolidayBase()
    else:
        try:
            obj = holidays.country_holidays(
                place.country, subdiv=place.subdivision, categories=place.categories
            )
        except (NotImplementedError, ValueError) as exc:
            raise ConfigError(f"calendar: {place.describe()}: {exc}") from exc
    if place.weekend is not None:
        weekend = set(place.weekend)
        obj.weekend = weekend
        # Some countries' weekends changed over the years and are looked up per date; a
        # weekend chosen by the user replaces that history too.
        obj._get_weekend = lambda dt: weekend  # type: ignore[method-assign]
    return BusinessCalendar(place, obj)
