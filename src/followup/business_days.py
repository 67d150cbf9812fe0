"""Business days: weekends and public holidays of one country and subdivision.

The ``holidays`` package is the authority on what a business day is; this module only
adds what the rules need on top of it: a cached calendar per place, a thread-safe
year fill, memoised "n-th business day" look-ups (planning 100,000 interviews touches
only a few hundred distinct dates) and a plain-words reason for every skipped day.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from followup.errors import ConfigError

if TYPE_CHECKING:
    from holidays import HolidayBase

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Place(NamedTuple):
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


class SkippedDay(NamedTuple):
    """A day that did not count, and why (a holiday's name, or ``weekend``)."""

    day: date
    reason: str


class BusinessCalendar:
    """Answers which days are business days in one place.

    ``holidays`` fills a year's holidays on the first look-up of a date in it, which is not
    safe while another thread reads the same object; every look-up here holds a lock.

    With ``known`` (the place's non-business days cached by :class:`KnownDays`), a year the
    cache holds is answered from it and ``holidays`` is not even imported; a year it lacks
    is filled from ``holidays`` (``load`` makes the object when none was given) and added
    to the cache.
    """

    def __init__(
        self,
        place: Place,
        holidays_obj: HolidayBase | None = None,
        *,
        known: KnownDays | None = None,
        load: Callable[[], HolidayBase] | None = None,
    ) -> None:
        if holidays_obj is None and load is None:
            raise ValueError("a calendar needs a holidays object or a way to load one")
        import threading  # here: a listing that needs no calendar needs no threads either

        self.place = place
        self._obj = holidays_obj
        self._load = load
        self._known = known
        self._lock = threading.Lock()
        self._nth = functools.lru_cache(maxsize=65536)(self._nth_uncached)

    @property
    def _holidays(self) -> HolidayBase:
        """The ``holidays`` object, made on first need (call with the lock held)."""
        if self._obj is None:
            assert self._load is not None
            self._obj = self._load()
        return self._obj

    def _off(self, year: int) -> Mapping[date, str] | None:
        """The cached non-business days of ``year`` (filled from ``holidays`` when the
        cache lacks it), or None without a cache. Call with the lock held."""
        known = self._known
        if known is None:
            return None
        off = known.year(year)
        if off is None:
            off = known.learn(year, _non_business_days(self._holidays, year))
        return off

    def _is_working(self, day: date) -> bool:
        off = self._off(day.year)
        if off is None:
            return bool(self._holidays.is_working_day(day))
        return day not in off

    def is_business_day(self, day: date) -> bool:
        with self._lock:
            return self._is_working(day)

    def weekend_days(self) -> set[int]:
        """The place's weekend as weekday numbers (Mon=0): the one chosen, else the days of
        the week that are off in every week of a year the cache holds (without importing
        ``holidays``), else the ``holidays`` object's."""
        if self.place.weekend is not None:
            return set(self.place.weekend)
        with self._lock:
            if self._known is not None and self._known.years:
                year, off = min(self._known.years.items())
                day, every = date(year, 1, 1), [True] * 7
                while day.year == year:
                    every[day.weekday()] &= day in off
                    day += timedelta(days=1)
                return {d for d in range(7) if every[d]}
            return set(self._holidays.weekend)

    def why_not(self, day: date) -> str | None:
        """Why ``day`` is not a business day, or ``None`` when it is one."""
        with self._lock:
            off = self._off(day.year)
            if off is not None:
                return off.get(day)
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
            if self._known is None:
                return self._holidays.get_nth_working_day(start, n)
            # holidays' own walk (HolidayBase.get_nth_working_day), over the cached days
            day = start
            for _ in range(n or 1):
                if n:
                    day += timedelta(days=1)
                while not self._is_working(day):
                    day += timedelta(days=1)
            return day

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


def check_place(
    country: str | None, subdivision: str | None, where: str, cache: Path | None = None
) -> None:
    """Raise ConfigError naming the bad value when the country or subdivision is unknown,
    with the countries a mistyped one probably meant
    (:func:`followup.country_names.suggest_country`) and how to give a subdivision its
    country. Codes are compared as given: callers pass them through
    :func:`followup.places.canonical_place` first. With ``cache`` (the folder of
    :class:`KnownDays`), a place whose days are kept there is known without importing
    ``holidays``."""
    if country is None:
        if subdivision is not None:
            raise ConfigError(
                f"{where}: subdivision {subdivision!r} given without a country: add --country "
                "CC, or set the country once with: followup init --country CC"
            )
        return
    if cache is not None:
        places = known_places(cache)
        if (country, subdivision) in places or (
            subdivision is None and any(c == country for c, _s in places)
        ):
            return
    known = supported_countries()
    if country not in known:
        from followup.country_names import suggest_country

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


def calendar_for(
    place: Place, years: Sequence[int] = (), cache: Path | None = None
) -> BusinessCalendar:
    """The shared calendar of ``place``, built once per process and reused; ``years`` are
    filled up front (a year is otherwise filled on its first look-up). With ``cache`` (a
    folder), the place's non-business days are kept there by year (:class:`KnownDays`):
    a place whose years are cached is answered without importing ``holidays``."""
    cal = _calendar_for(place, cache)
    for year in years:
        cal.is_business_day(date(year, 6, 1))
    return cal


#: The language holiday names are given in, whatever the environment's locale: followup
#: speaks English, and without it ``holidays`` follows LANGUAGE, LC_ALL, LC_MESSAGES or LANG,
#: so a name would change between a terminal and the daemon and stay in the known-days cache
#: in whichever language came first. A country without an English translation keeps its
#: own names (the ``holidays`` package's rule for an unsupported language).
HOLIDAY_LANGUAGE = "en_US"


@functools.lru_cache(maxsize=64)
def _calendar_for(place: Place, cache: Path | None) -> BusinessCalendar:
    known = KnownDays.open(cache, place) if cache is not None else None
    if known is not None and known.years:
        # a place is cached only after it was checked and made once
        return BusinessCalendar(place, known=known, load=lambda: _holidays_for(place))
    return BusinessCalendar(place, _holidays_for(place), known=known)


def _holidays_for(place: Place) -> HolidayBase:
    import holidays

    check_place(place.country, place.subdivision, "calendar")
    if place.country is None:
        obj = holidays.HolidayBase()
    else:
        try:
            kept = tuple(c for c in place.categories if c not in ignored_categories(place))
            obj = holidays.country_holidays(
                place.country,
                subdiv=place.subdivision,
                categories=kept or ("public",),
                language=HOLIDAY_LANGUAGE,
            )
        except (NotImplementedError, ValueError) as exc:
            raise ConfigError(f"calendar: {place.describe()}: {exc}") from exc
    if place.weekend is not None:
        weekend = set(place.weekend)
        obj.weekend = weekend
        # Some countries' weekends changed over the years and are looked up per date; a
        # weekend chosen by the user replaces that history too.
        obj._get_weekend = lambda dt: weekend  # type: ignore[method-assign]
    return obj


@functools.cache
def holiday_categories() -> frozenset[str]:
    """Every holiday category the ``holidays`` package declares (the string constants of
    ``holidays.constants`` under "Supported holiday categories": public, bank, catholic,
    ...), whichever countries have them. Imports ``holidays``."""
    from holidays import constants

    return frozenset(
        value
        for name, value in vars(constants).items()
        if name.isupper() and isinstance(value, str) and name != "HOLIDAY_NAME_DELIMITER"
    )


def ignored_categories(place: Place) -> tuple[str, ...]:
    """The holiday categories of ``place`` (``calendar.categories``, the same for every
    place) that its country does not have, so that they are left out of its calendar
    rather than stopping it: a Munich user's ``catholic`` applies in Germany and not in
    Austria, which has no such category. Imports ``holidays``; empty without a country or
    with only ``public``. Raises ConfigError for a category no country has (a typo such
    as ``catolic``), naming it."""
    if place.country is None or place.categories == ("public",):
        return ()
    import holidays

    known = holiday_categories()
    for category in place.categories:
        if category not in known:
            raise ConfigError(
                f"calendar.categories: {category!r} is no holiday category "
                f"(known: {', '.join(sorted(known))})"
            )
    try:
        supported = holidays.country_holidays(place.country).supported_categories
    except NotImplementedError:
        return ()
    return tuple(c for c in place.categories if c not in supported)


def categories_left_out(places: Iterable[Place]) -> list[tuple[str, tuple[str, ...]]]:
    """(country, the categories it lacks) once per country among ``places``, in country
    order, for the countries that lack any (see :func:`ignored_categories`): what
    ``config`` and the daemon name once each, whatever the number of interviews there.
    Imports ``holidays`` when a place has a country and categories other than ``public``."""
    found: dict[str, tuple[str, ...]] = {}
    for place in places:
        if place.country is not None and place.country not in found:
            found[place.country] = ignored_categories(place)
    return [(country, lacked) for country, lacked in sorted(found.items()) if lacked]


def left_out_text(country: str, subdivision: str | None, ignored: tuple[str, ...]) -> str:
    """The one line naming the holiday categories a place's country does not have, the
    same in ``show``, ``config`` and the daemon's log: "catholic: no such holiday category
    in AT; left out"."""
    where = country + (f"-{subdivision}" if subdivision else "")
    plural = "ies" if len(ignored) > 1 else "y"
    return f"{', '.join(ignored)}: no such holiday categor{plural} in {where}; left out"


def _non_business_days(obj: HolidayBase, year: int) -> dict[date, str]:
    """Every day of ``year`` that is not a business day, with why (a holiday's name, or
    "weekend"), as ``holidays`` says."""
    off = {}
    day = date(year, 1, 1)
    while day.year == year:
        if not obj.is_working_day(day):
            name = obj.get(day)
            off[day] = str(name) if name else "weekend"
        day += timedelta(days=1)
    return off


#: The cache file, in the cache folder (``$XDG_CACHE_HOME/followup``).
CACHE_FILE = "business-days.json"


class KnownDays:
    """One place's non-business days, by year, kept in a JSON file in the user's cache
    folder so that a command need not import ``holidays`` (which loads every country's
    module) for years it has seen.

    The file is keyed by place and year, and stamped with the ``holidays`` version that
    made it and the identity (path, size, modification time) of that version's
    ``holidays/version.py``: a file from another version, or from another install, is not
    used and is made again. The stamp is checked without importing ``holidays``
    (``importlib.util.find_spec`` locates it). A cache that cannot be read or written only
    costs the import; nothing else depends on it.
    """

    def __init__(
        self, path: Path, place_key: str, stamp: list[Any], years: dict[int, dict[date, str]]
    ) -> None:
        self.path = path
        self.place_key = place_key
        self.stamp = stamp
        self.years = years

    @classmethod
    def open(cls, folder: Path, place: Place) -> KnownDays | None:
        """The place's cached years (none when the file is missing, unreadable or from
        another ``holidays``); None when ``holidays`` cannot be located."""
        import json

        stamp = holidays_stamp()
        if stamp is None:
            return None
        path = folder / CACHE_FILE
        key = _place_key(place)
        years: dict[int, dict[date, str]] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("stamp") == stamp:
                for year, days in data["places"].get(key, {}).items():
                    years[int(year)] = {date.fromisoformat(d): str(r) for d, r in days.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            years = {}
        return cls(path, key, stamp, years)

    def year(self, year: int) -> Mapping[date, str] | None:
        return self.years.get(year)

    def learn(self, year: int, off: dict[date, str]) -> dict[date, str]:
        """Keep ``year``'s non-business days and write the file again (atomically; other
        places' years are kept while the stamp is the same). Returns ``off``."""
        import json

        from holidays.version import __version__ as holidays_version

        self.years[year] = off
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("stamp") != self.stamp:
                raise ValueError("another holidays")
        except (OSError, ValueError):
            data = {}
        data = {
            "holidays": holidays_version,
            "stamp": self.stamp,
            "places": data.get("places", {}) if isinstance(data.get("places"), dict) else {},
        }
        data["places"][self.place_key] = {
            str(y): {d.isoformat(): r for d, r in sorted(days.items())}
            for y, days in sorted(self.years.items())
        }
        with contextlib.suppress(OSError):
            from followup.ownfiles import write_file

            write_file(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"), sync=False)
        return off


@functools.lru_cache(maxsize=8)
def known_places(folder: Path) -> frozenset[tuple[str | None, str | None]]:
    """(country, subdivision) of every place whose days the cache in ``folder`` keeps for
    the installed ``holidays``: each was checked against ``holidays`` before its days were
    kept (:func:`_calendar_for`). Empty when the file is missing, unreadable or from
    another ``holidays``. Read once per process: a place learnt since is only asked of
    ``holidays`` again."""
    import json

    stamp = holidays_stamp()
    try:
        data = json.loads((folder / CACHE_FILE).read_text(encoding="utf-8"))
        if stamp is None or data.get("stamp") != stamp:
            return frozenset()
        keys = [str(key).split("|") for key in data["places"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return frozenset()
    return frozenset(
        (None if c == "-" else c, None if s == "-" else s) for c, s, *_rest in keys if _rest
    )


def _place_key(place: Place) -> str:
    weekend = ",".join(str(d) for d in sorted(place.weekend)) if place.weekend is not None else "-"
    return "|".join((place.country or "-", place.subdivision or "-", weekend, *place.categories))


def holidays_stamp() -> list[Any] | None:
    """[path, size, mtime_ns] of the installed ``holidays/version.py``, found without
    importing ``holidays``, and the language of the names kept (:data:`HOLIDAY_LANGUAGE`);
    None when it cannot be found."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("holidays")
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    version = Path(spec.origin).with_name("version.py")
    try:
        st = version.stat()
    except OSError:
        return None
    return [str(version), st.st_size, st.st_mtime_ns, HOLIDAY_LANGUAGE]
