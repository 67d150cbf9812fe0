"""Reading the dates people type: ISO dates, numeric dates in the user's order, month names,
today/yesterday/tomorrow and weekday names.

``today`` is always passed in, so that "tomorrow" means the same in a test as on the day.

Three things decide what a date means besides its text:

- **The order of a numeric date** (``03/12/2026``): ``dmy``, ``mdy`` or ``ymd``, from the
  ``calendar.date_order`` key, else from the calendar country's convention as the Unicode
  CLDR records it (the short date pattern of the country's likely locale, read through
  Babel). A day and month without a year are read in the order of the country's ``Md``
  skeleton instead (:func:`day_month_order`). Babel is imported only when a numeric date
  has to be read.
- **The direction** of the input: a promised reply day looks forward (a date without a year
  is the nearest such day, a few days past included), an interview, an email or a reply
  looks back (the most recent such day). Weekday names follow the same direction.
- A four-digit year first (``2027/01/05``, ``2027.1.5.``) always reads year-month-day; ISO
  ``YYYY-MM-DD`` and month names ("5 Jan 2027", "Jan 5") are never ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import lru_cache

from followup.errors import UsageError

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = {"today": 0, "yesterday": -1, "tomorrow": 1}

#: The orders a numeric date can be written in, as ``calendar.date_order`` names them.
DATE_ORDERS = ("dmy", "mdy", "ymd")
ORDER_WORDS = {"dmy": "day first", "mdy": "month first", "ymd": "year first"}
#: A promised day of the month written without its month ("by the 1st"), with no
#: interview day to count from, may be up to this many days past.
DAY_OF_MONTH_PAST_DAYS = 7
#: A promised reply day further back than this many days earns a warning: it is allowed
#: (back-filling an old interview), but its reminder then comes at once.
PAST_PROMISE_WARNING_DAYS = 30

# Two or three runs of digits, separated by one of / . - or blanks (a dot may be followed
# by blanks, as Korean and Hungarian dates are written: "2027. 1. 5."); a final dot is
# allowed ("5.1.2027.", "5.1.").
_NUMERIC = re.compile(
    r"(\d{1,4})(?:\s*[/.\-]\s*|\s+)(\d{1,2})(?:(?:\s*[/.\-]\s*|\s+)(\d{1,4}))?\.?"
)


class Direction(Enum):
    """Which way an input looks from today, to complete a date written without a year."""

    #: A promised reply day: the next such day from today (today included).
    FORWARD = "forward"
    #: An interview, an email, a reply: the most recent such day (today included).
    BACKWARD = "backward"


@dataclass(frozen=True)
class ReadDay:
    """A date read from text; ``year_assumed`` when the text named no year and the year
    came from the direction (the output says so)."""

    day: date
    year_assumed: bool = False


@dataclass(frozen=True)
class NumericDate:
    """A numeric date split into its numbers, before an order is applied: ``year_first``
    when it starts with a four-digit year; ``third`` is None when it has no year."""

    first: int
    second: int
    third: int | None
    year_first: bool
    third_digits: int = 0


def numeric_parts(text: str) -> NumericDate | None:
    """The numbers of ``text`` when it is a numeric date ("03/12/2026", "5.1.27",
    "2027/01/05", "12/01"), else None (an ISO date is not one: it is read as ISO)."""
    match = _NUMERIC.fullmatch(text.strip())
    if match is None:
        return None
    a, b, c = match[1], match[2], match[3]
    if len(a) == 4:
        if c is None:
            return None
        return NumericDate(int(a), int(b), int(c), True, len(c))
    if len(a) == 3 or (c is not None and len(c) == 3):
        return None
    return NumericDate(int(a), int(b), int(c) if c else None, False, len(c) if c else 0)


def order_for_country(country: str | None) -> str:
    """The order (``dmy``/``mdy``/``ymd``) numeric dates are written in in ``country``:
    the order of the year, month and day fields of the short date pattern of the
    country's likely locale in the Unicode CLDR (via Babel: ``und_GB`` -> ``en_GB``,
    ``dd/MM/y`` -> ``dmy``). Without a country, or one CLDR does not know, ``dmy``: the
    order most of the world writes.
    """
    return _order_for_country(country.upper() if country else None)


@lru_cache(maxsize=64)
def _order_for_country(country: str | None) -> str:
    if not country:
        return "dmy"
    from babel import Locale, UnknownLocaleError

    try:
        pattern = Locale.parse(f"und_{country}").date_formats["short"].pattern
    except (UnknownLocaleError, ValueError, KeyError):
        return "dmy"
    return order_of_pattern(pattern)


def day_month_order(country: str | None) -> str:
    """The order (``dmy`` or ``mdy``) a day and month written without a year are in in
    ``country``: the order of the fields of the ``Md`` skeleton of the country's likely
    locale in the Unicode CLDR (via Babel: Swedish ``d/M``, though its full short date is
    ``y-MM-dd``; US ``M/d``; Hungarian ``M. d.``). Without a country, or one CLDR does
    not know, ``dmy``."""
    return _day_month_order(country.upper() if country else None)


@lru_cache(maxsize=64)
def _day_month_order(country: str | None) -> str:
    if not country:
        return "dmy"
    from babel import Locale, UnknownLocaleError

    try:
        pattern = Locale.parse(f"und_{country}").datetime_skeletons["Md"].pattern
    except (UnknownLocaleError, ValueError, KeyError, AttributeError):
        return "dmy"
    return "mdy" if order_of_pattern(pattern + "y") in ("mdy", "ymd") else "dmy"


def order_of_pattern(pattern: str) -> str:
    """The order of the y, M and d fields of an LDML date pattern ("dd.MM.yy" -> "dmy"),
    skipping quoted literals."""
    plain = re.sub(r"'[^']*'", "", pattern)
    seen: list[str] = []
    for char in plain:
        field = {"y": "y", "M": "m", "L": "m", "d": "d"}.get(char)
        if field and field not in seen:
            seen.append(field)
    order = "".join(seen)
    return order if order in DATE_ORDERS else "dmy"


@dataclass(frozen=True)
class DateReader:
    """Reads the dates of one command or one file: ``today`` in the user's zone, the
    configured ``order`` (None: the ``country``'s convention, looked up only when a
    numeric date is read)."""

    today: date
    order: str | None = None
    country: str | None = None

    def effective_order(self) -> str:
        return self.order or order_for_country(self.country)

    def read(self, text: str, direction: Direction, said: date | None = None) -> ReadDay:
        """The date ``text`` names, read as described in the module docstring; a promised
        day of the month alone is counted from ``said``, the day the promise was made,
        None when not known (:func:`_promised_of_month`).

        Raises UsageError naming the text when it reads as no date, or as a numeric date
        that fits only the other order (it is never read the other way silently).
        """
        word = " ".join(text.strip().lower().split())
        last = re.fullmatch(r"last ([a-z]{3,})", word)
        if last and any(name.startswith(last[1]) for name in _WEEKDAYS):
            word, direction = last[1], Direction.BACKWARD  # the most recent before today
        if word in _RELATIVE:
            return ReadDay(self.today + timedelta(days=_RELATIVE[word]))
        for number, name in enumerate(_WEEKDAYS):
            if len(word) >= 3 and name.startswith(word):
                if direction is Direction.FORWARD:
                    ahead = (number - self.today.weekday() - 1) % 7 + 1
                    return ReadDay(self.today + timedelta(days=ahead))
                back = (self.today.weekday() - number - 1) % 7 + 1
                return ReadDay(self.today - timedelta(days=back))
        ordinal = ORDINAL_DAY.fullmatch(word)
        if ordinal and direction is Direction.FORWARD:
            return _promised_of_month(text, int(ordinal[1]), said, self.today)
        if ordinal:
            return _of_month(text, int(ordinal[1]), self.today, direction)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
            try:
                return ReadDay(date.fromisoformat(word))
            except ValueError:
                raise UsageError(f"unreadable date {text!r}: no such day") from None
        parts = numeric_parts(word)
        if parts is not None:
            if parts.third is None and not self.order:
                order = day_month_order(self.country)
            else:
                order = self.effective_order()
            found = numeric_date(parts, order, self.today, direction)
            if found is None:
                raise UsageError(_misfit(text, parts, order))
            return found
        return self._words(text, direction)

    def _words(self, text: str, direction: Direction) -> ReadDay:
        from datetime import datetime

        from dateutil import parser

        hint = f"unreadable date {text!r} (try 2026-11-24, 'tomorrow' or 'Nov 24')"
        if not re.search(r"[^\W\d_]", text):  # digits only, and not a numeric date
            raise UsageError(hint)
        try:
            # Parsed against defaults that differ only in the day (and then the year): if the
            # days differ the text named no day ("3pm", "Nov"), which is not a date; if the
            # years differ it named no year, which the direction then gives.
            first = parser.parse(text, default=datetime(2000, self.today.month, 1))
            second = parser.parse(text, default=datetime(2000, self.today.month, 2))
            other = parser.parse(text, default=datetime(2004, 1, 1))
        except (ValueError, OverflowError):
            raise UsageError(hint) from None
        if first.day != second.day:
            raise UsageError(hint)
        if first.year != other.year:
            found = complete_year(first.month, first.day, self.today, direction)
            if found is None:
                raise UsageError(hint)
            return ReadDay(found, year_assumed=True)
        return ReadDay(first.date())


def numeric_date(
    parts: NumericDate, order: str, today: date, direction: Direction
) -> ReadDay | None:
    """``parts`` read in ``order``, or None when they make no date that way. A year-first
    date is year-month-day whatever the order; a date with its year last, in a ``ymd``
    country, is read day-first or month-first only where just one of them makes a date.
    A two-digit year is the one of the century nearest today's year."""
    if parts.year_first:
        assert parts.third is not None
        return _make(parts.first, parts.second, parts.third)
    if parts.third is None:
        month, day_ = (parts.first, parts.second) if order in ("mdy", "ymd") else _swap(parts)
        found = complete_year(month, day_, today, direction) if 1 <= month <= 12 else None
        return None if found is None else ReadDay(found, year_assumed=True)
    year = _full_year(parts.third, parts.third_digits, today)
    if order == "ymd":
        if parts.third_digits != 4:  # "27/01/05", "27/1/5": a short year, written first
            return _make(_full_year(parts.first, 2, today), parts.second, parts.third)
        dmy = _make(year, parts.second, parts.first)
        mdy = _make(year, parts.first, parts.second)
        if dmy is not None and mdy is not None and dmy != mdy:
            return None
        return dmy or mdy
    if order == "mdy":
        return _make(year, parts.first, parts.second)
    return _make(year, parts.second, parts.first)


def _swap(parts: NumericDate) -> tuple[int, int]:
    return parts.second, parts.first


def _make(year: int, month: int, day_: int) -> ReadDay | None:
    try:
        return ReadDay(date(year, month, day_))
    except ValueError:
        return None


def _full_year(value: int, digits: int, today: date) -> int:
    if digits > 2:
        return value
    century = today.year - today.year % 100
    return min(
        (century - 100 + value, century + value, century + 100 + value),
        key=lambda y: abs(y - today.year),
    )


def complete_year(month: int, day_: int, today: date, direction: Direction) -> date | None:
    """The day ``month``/``day_`` of the year that makes it a date written without a year.

    Looking back (an interview, an email, a reply): the most recent such day, today
    included. Looking forward (a promised reply day): the nearest such day, before or
    after today, the later on a tie ("1 Dec" on 6 December 2026 is five days past, not a
    year ahead; "5 Jan" in late November is next year's). A 29 February is the nearest
    leap year's (the next or last one looking back). None when no year has that day."""
    if direction is Direction.FORWARD:
        candidates = []
        for year in range(today.year - 4, today.year + 5):
            try:
                candidates.append(date(year, month, day_))
            except ValueError:
                continue
        if not candidates:
            return None
        return min(candidates, key=lambda d: (abs((d - today).days), d < today))
    step = -1
    for offset in range(9):
        try:
            found = date(today.year + step * offset, month, day_)
        except ValueError:
            continue
        if (found >= today) if step == 1 else (found <= today):
            return found
    return None


def complete_month(day_: int, start: date, direction: Direction) -> date | None:
    """The day ``day_`` of the month that makes it a date written without a month ("by
    the 15th"): looking forward the first such day on or after ``start``, looking back
    the most recent one on or before it. Months without that day are passed over; None
    when ``day_`` is no day of any month."""
    if not 1 <= day_ <= 31:
        return None
    candidates = []
    for offset in range(-3, 4):
        year, month = divmod(start.month - 1 + offset, 12)
        try:
            candidates.append(date(start.year + year, month + 1, day_))
        except ValueError:
            continue
    if direction is Direction.BACKWARD:
        return max(d for d in candidates if d <= start)
    return min(d for d in candidates if d >= start)


def _promised_of_month(text: str, day_: int, said: date | None, today: date) -> ReadDay:
    """The promised day a day of the month alone names ("by the 15th", "the 1st"): the
    first such day on or after the day the promise was ``said`` (the interview day: "the
    28th" said on 31 December is 28 January); when that is not known (None), the first
    one on or after the day :data:`DAY_OF_MONTH_PAST_DAYS` days before ``today`` ("by the
    1st" typed on 6 December is 1 December, five days past; "the 28th" is 28 December,
    not 28 November). Raises UsageError naming the text when no month has that day."""
    start = said or today - timedelta(days=DAY_OF_MONTH_PAST_DAYS)
    return _of_month(text, day_, start, Direction.FORWARD)


def _of_month(text: str, day_: int, start: date, direction: Direction) -> ReadDay:
    found = complete_month(day_, start, direction)
    if found is None:
        raise UsageError(f"unreadable date {text!r}: no month has a day {day_}")
    return ReadDay(found, year_assumed=True)


def _both_orders(parts: NumericDate) -> bool:
    """Whether a date with a four-digit year last makes a day both day first and month
    first (5/1/2027 does; 31/02/2027 makes none, 13/01/2027 only one)."""
    assert parts.third is not None
    year = parts.third
    return (
        _make(year, parts.second, parts.first) is not None
        and _make(year, parts.first, parts.second) is not None
    )


def _misfit(text: str, parts: NumericDate, order: str) -> str:
    """Why a numeric date made no date in ``order``: another order fits, or none does."""
    iso = _iso_hint(parts, order)
    if iso is not None:
        return (
            f"unreadable date {text!r}: calendar.date_order is {order!r} "
            f"({ORDER_WORDS[order]}), which makes no such day; write {iso} if you mean it"
        )
    if order == "ymd" and parts.third_digits == 4 and _both_orders(parts):
        return (
            f"ambiguous date {text!r}: calendar.date_order is 'ymd' (year first), and it "
            "reads both day first and month first; write it as YYYY-MM-DD"
        )
    return f"unreadable date {text!r}: no such day"


def _iso_hint(parts: NumericDate, order: str) -> str | None:
    """The ISO date ``parts`` make in the other order, when exactly that one fits."""
    if parts.third is None or parts.year_first:
        return None
    other = {"dmy": "mdy", "mdy": "dmy"}.get(order)
    if other is None:
        return None
    found = numeric_date(parts, other, date(2000, 1, 1), Direction.FORWARD)
    return found.day.isoformat() if found else None


def column_order(values: Iterable[str], order: str) -> tuple[str, Sequence[str]]:
    """The one order to read a spreadsheet column's numeric dates in, so that a column is
    never read in two orders:

    - ``order`` when every value fits it;
    - else the other of day-first and month-first when every value fits that (returned
      with the values that fit only it, for the report);
    - in a year-first country (``ymd``), values written with the year last are read
      day-first or month-first, whichever alone fits all of them;
    - else ``order``: the values that do not fit it then fail, naming their line.

    Raises UsageError when a ``ymd`` column's year-last values fit neither order whole.
    """
    numeric = [(v, p) for v in values if (p := numeric_parts(v)) and not p.year_first]
    today = date(2000, 1, 1)

    def misfits(o: str, among: Sequence[tuple[str, NumericDate]] = numeric) -> list[str]:
        return [v for v, p in among if numeric_date(p, o, today, Direction.FORWARD) is None]

    if order == "ymd":
        year_last = [(v, p) for v, p in numeric if p.third_digits == 4]
        if not year_last:
            return order, ()
        fitting = [o for o in ("dmy", "mdy") if not misfits(o, year_last)]
        if len(fitting) == 1:
            other = "mdy" if fitting[0] == "dmy" else "dmy"
            return fitting[0], misfits(other, year_last)
        if fitting:
            return order, ()
        day_first, month_first = misfits("mdy", year_last)[0], misfits("dmy", year_last)[0]
        raise UsageError(
            f"its dates fit no one order: {day_first!r} reads only day first, "
            f"{month_first!r} only month first; write them as YYYY-MM-DD"
        )
    if not misfits(order):
        return order, ()
    other = "mdy" if order == "dmy" else "dmy"
    if not misfits(other):
        return other, misfits(order)
    return order, ()


def long_past(day: date, today: date) -> bool:
    """Whether a promised reply ``day`` is more than :data:`PAST_PROMISE_WARNING_DAYS`
    days before ``today``."""
    return (today - day).days > PAST_PROMISE_WARNING_DAYS


def is_plain(text: str) -> bool:
    """Whether ``text`` is an ISO or numeric date, read without words (and without
    loading any library for words)."""
    word = text.strip()
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", word)) or numeric_parts(word) is not None


#: A day of the month written alone as an ordinal: "15th", "the 1st", "by the 2nd".
ORDINAL_DAY = re.compile(
    r"(?:(?:by|before|on|until|till)\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\.?", re.IGNORECASE
)
#: English month names and their abbreviations, the words ``dateutil`` reads.
MONTH_WORD = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?(?:\b|$)", re.IGNORECASE
)
