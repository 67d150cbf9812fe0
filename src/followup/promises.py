"""A promised reply day as interviewers say it ("by the end of next week", "early next
week", "within 5 business days"), read in the employer's calendar from the day it was said.

These are this project's own rules, applied to a :class:`~followup.business_days.BusinessCalendar`
(the interview's country, subdivision, weekend and holidays):

- **A week** starts on the first day after the place's weekend: Monday where the weekend is
  Saturday-Sunday, Sunday where it is Friday-Saturday. A weekend day belongs to the week it
  ends, so "next week" said on a US Sunday is the week that starts the next day.
- **"end of this week"** (also "end of the week", "this week"): the last business day of the
  week of the day said; when that is already past, the next week's.
- **"end of next week"** ("next week"): the last business day of the following week;
  **"week after next"**: of the week after it.
- **"early next week"**: the second business day of next week; **"start of next week"**
  ("beginning of next week"): its first; **"mid next week"** ("middle of next week"): its
  third (Wednesday in a Monday-Friday week).
- **"end of the month"** ("end of this month"): the month's last business day (the next
  month's when it is past); **"end of next month"**: the next month's.
- **"end of January"** (any month's English name): that month's last business day, in
  the year that puts it nearest the day said, as a day without a year.
- **"end of the year"** ("end of this year"): the year's last business day (the next
  year's when it is past).
- **"in N business days"**, **"within N business days"** (also "working days"): the N-th
  business day after the day said (N in digits or as a word up to twelve).
- **"today"**, **"tomorrow"**: the day said, the day after it.
- **Office shorthand** (:func:`normalise`): "EOD", "COB", "EOB" alone are the day said,
  before a day that day ("EOD Friday"); "EOW", "by the weekend" the end of this week; a
  time of day after the day is left out ("Friday 5pm").
- **A weekday** ("friday", "fri", "by Friday", "this Friday", "on Friday"): the next such
  day after the day said (a week later when said on that very weekday).
- **"next Friday"**: that weekday in the week after the week of the day said. Said on a
  Wednesday it is nine days on; said on a weekend day it is the same as "Friday", because
  the next week starts the next day.

Anything else (other languages, "in 3 days", "in 2 weeks", "within 2 weeks" as "in 2
weeks", "day after tomorrow") is left to ``dateparser`` (:func:`read_generic`), imported
only then. Nothing here reads the clock: the day said comes in.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import Enum
from typing import NamedTuple

from followup.business_days import DAY_NAMES, BusinessCalendar, SkippedDay


class Rule(Enum):
    """Which rule gave the day (the CLI words each for ``add`` and ``show``)."""

    END_OF_WEEK = "end of week"
    START_OF_WEEK = "start of week"
    EARLY_WEEK = "early week"
    MID_WEEK = "mid week"
    END_OF_MONTH = "end of month"
    END_OF_NAMED_MONTH = "end of a named month"
    END_OF_YEAR = "end of year"
    BUSINESS_DAYS = "business days"
    DAY_SAID = "day said"
    WEEKDAY = "weekday"
    NEXT_WEEKDAY = "next weekday"
    GENERIC = "generic"


class Promise(NamedTuple):
    """How words were read: the ``day``, the ``rule`` that gave it, the day they were
    ``said`` on, ``offset`` (the offset from the day said of the week or month ``day`` is
    in: 0 this, 1 next, more when the ones before were past or had no business day; the
    number of business days for BUSINESS_DAYS; the days after for DAY_SAID) and
    the holidays passed over (``skipped``: for an end of a week or month, the days after
    ``day`` in that week or month that are holidays and not weekend days; for a count of
    business days, those counted past)."""

    day: date
    rule: Rule
    said: date
    offset: int = 0
    skipped: tuple[SkippedDay, ...] = ()


_NUMBERS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
#: The most business days a phrase may count: about three months.
MAX_BUSINESS_DAYS = 60
_LEAD = re.compile(r"^(?:by|before|on|until|till|at|around|in)\s+(?=the\b|this\b|next\b|end\b)")
_BUSINESS = re.compile(
    r"(?:(?:with)?in\s+|after\s+)?(\d{1,3}|" + "|".join(_NUMBERS) + r")\s+"
    r"(?:business|working|work)\s+days?"
)


#: Office shorthand for the end of a day or week: "EOD Friday", "by close of business
#: tomorrow" name that day; "EOW" the end of this week.
_END_OF_DAY = re.compile(
    r"^(?:end of (?:the )?(?:business )?day|end of business|eod|eob|cob|close of business"
    r"|first thing)(?:\s+on)?\b\s*"
)
#: A time of day after the day ("Friday 5pm", "tomorrow afternoon", "Monday EOD"): the
#: promise is for the day.
_TIME_OF_DAY = re.compile(
    r"(?<=[a-z])\s+(?:at\s+|by\s+)?(?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)|\d{1,2}[:.]\d{2}|noon"
    r"|midday|(?:in the )?(?:morning|afternoon|evening)|eod|eob|cob|end of (?:the )?day"
    r"|close of business)$"
)
_SHORTHAND = {
    "eow": "end of this week",
    "end of the work week": "end of this week",
    "by the weekend": "end of this week",
    "before the weekend": "end of this week",
    "within the week": "end of this week",
    "later this week": "end of this week",
    "week after next": "end of the week after next",
    "the week after next": "end of the week after next",
}


def normalise(text: str) -> str:
    """Lower case, single spaces, no trailing punctuation, no leading "by"/"the", office
    shorthand spelled out ("EOD friday" is "friday", "EOD" alone "today", "EOW" "end of
    this week", "by the weekend" "end of this week"), no time of day ("Friday 5pm" is
    "friday"), "friday next week" as "next friday"."""
    words = " ".join(text.strip().lower().replace(",", " ").split()).rstrip(".!")
    words = _TIME_OF_DAY.sub("", words)
    words = _SHORTHAND.get(words, words)
    words = re.sub(r"^(?:by|before|on|until|till)\s+", "", words)
    words = _END_OF_DAY.sub("", words) or ("today" if words else "")
    words = re.sub(r"^(?:this )?coming\s+", "", words)
    day_next_week = re.fullmatch(r"([a-z]+) next week", words)
    if day_next_week and _weekday(day_next_week[1]) is not None:
        words = f"next {day_next_week[1]}"
    words = _SHORTHAND.get(words, words)
    words = _LEAD.sub("", words)
    return re.sub(r"^the\s+", "", words)


def week_start(calendar: BusinessCalendar) -> int:
    """The weekday (Mon=0) a week starts on in ``calendar``'s place: the first day after
    its weekend (Monday with no weekend or a weekend that is not one run of days)."""
    weekend = calendar.weekend_days()
    starts = [d for d in range(7) if d not in weekend and (d - 1) % 7 in weekend]
    return starts[0] if len(starts) == 1 else 0


def week_of(day: date, calendar: BusinessCalendar) -> date:
    """The first day of the week ``day`` is in."""
    return day - timedelta(days=(day.weekday() - week_start(calendar)) % 7)


def read_promise(text: str, said: date, calendar: BusinessCalendar) -> Promise | None:
    """The day ``text`` names by the rules of the module docstring, said on ``said``; None
    when it is none of those phrases. Raises ValueError for a count of business days over
    :data:`MAX_BUSINESS_DAYS` or of none."""
    words = normalise(text)
    if words in ("today", "tomorrow"):
        return Promise(
            said + timedelta(days=words == "tomorrow"),
            Rule.DAY_SAID,
            said,
            int(words == "tomorrow"),
        )
    if words in ("end of this week", "end of the week", "end of week", "this week"):
        return _end_of_week(said, 0, calendar)
    if words in ("end of next week", "next week"):
        return _end_of_week(said, 1, calendar)
    if words in ("end of the week after next", "end of week after next"):
        return _end_of_week(said, 2, calendar)
    if words in ("early next week", "early in next week"):
        return _nth_of_week(said, 1, 2, Rule.EARLY_WEEK, calendar)
    if words in ("start of next week", "beginning of next week"):
        return _nth_of_week(said, 1, 1, Rule.START_OF_WEEK, calendar)
    if words in ("mid next week", "middle of next week", "midweek next week"):
        return _nth_of_week(said, 1, 3, Rule.MID_WEEK, calendar)
    if words in ("end of the month", "end of this month", "end of month", "this month"):
        return _end_of_month(said, 0, calendar)
    if words in ("end of next month", "next month"):
        return _end_of_month(said, 1, calendar)
    named = re.fullmatch(r"end of ([a-z]{3,})", words)
    month = _month(named[1]) if named else None
    if month is not None:
        return _end_of_named_month(said, month, calendar)
    if words in ("end of the year", "end of this year", "end of year", "this year"):
        return _end_of_year(said, calendar)
    business = _BUSINESS.fullmatch(words)
    if business:
        count = int(business[1]) if business[1].isdigit() else _NUMBERS[business[1]]
        if not 1 <= count <= MAX_BUSINESS_DAYS:
            raise ValueError(f"between 1 and {MAX_BUSINESS_DAYS} business days")
        day = calendar.nth_business_day_after(said, count)
        holidays = _holidays(calendar.skipped_between(said, day), calendar)
        return Promise(day, Rule.BUSINESS_DAYS, said, count, holidays)
    weekday = re.fullmatch(r"(next|this|coming|the coming)?\s*([a-z]+)", words)
    if weekday:
        number = _weekday(weekday[2])
        if number is not None:
            if weekday[1] == "next":
                start = week_of(said, calendar) + timedelta(days=7)
                offset = (number - start.weekday()) % 7
                return Promise(start + timedelta(days=offset), Rule.NEXT_WEEKDAY, said, 1)
            ahead = (number - said.weekday() - 1) % 7 + 1
            return Promise(said + timedelta(days=ahead), Rule.WEEKDAY, said)
    return None


def _weekday(word: str) -> int | None:
    found = [i for i, name in enumerate(DAY_NAMES) if len(word) >= 3 and name.startswith(word)]
    if word == "thurs":
        return 3
    return found[0] if len(found) == 1 else None


_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


def _month(word: str) -> int | None:
    """The month (1-12) ``word`` names: its English name or a start of it ("jan", "sept")."""
    found = [i for i, name in enumerate(_MONTHS, 1) if name.startswith(word)]
    return found[0] if len(found) == 1 else None


def _business_days(first: date, last: date, calendar: BusinessCalendar) -> list[date]:
    days = []
    day = first
    while day <= last:
        if calendar.is_business_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _holidays(skipped: list[SkippedDay], calendar: BusinessCalendar) -> tuple[SkippedDay, ...]:
    """The skipped days that would have been business days but for a holiday."""
    weekend = calendar.weekend_days()
    return tuple(s for s in skipped if s.day.weekday() not in weekend)


def _holidays_after(day: date, last: date, calendar: BusinessCalendar) -> tuple[SkippedDay, ...]:
    return _holidays(calendar.skipped_between(day, last + timedelta(days=1)), calendar)


def _end_of_week(said: date, offset: int, calendar: BusinessCalendar) -> Promise:
    start = week_of(said, calendar) + timedelta(days=7 * offset)
    for extra in range(8):  # a week of holidays only is passed for the next one
        first = start + timedelta(days=7 * extra)
        last = first + timedelta(days=6)
        days = [d for d in _business_days(first, last, calendar) if d >= said]
        if days:
            day = days[-1]
            return Promise(
                day, Rule.END_OF_WEEK, said, offset + extra, _holidays_after(day, last, calendar)
            )
    raise ValueError("no business day in eight weeks")


def _nth_of_week(said: date, offset: int, nth: int, rule: Rule, cal: BusinessCalendar) -> Promise:
    start = week_of(said, cal) + timedelta(days=7 * offset)
    days = _business_days(start, start + timedelta(days=6), cal)
    if not days:
        return _end_of_week(said, offset + 1, cal)._replace(rule=rule, offset=offset)
    return Promise(days[min(nth, len(days)) - 1], rule, said, offset)


def _end_of_month(said: date, offset: int, calendar: BusinessCalendar) -> Promise:
    for extra in range(offset, offset + 3):
        year, month = divmod(said.month - 1 + extra, 12)
        first = date(said.year + year, month + 1, 1)
        year2, month2 = divmod(month + 1, 12)
        last = date(said.year + year + year2, month2 + 1, 1) - timedelta(days=1)
        days = [d for d in _business_days(first, last, calendar) if d >= said]
        if days:
            day = days[-1]
            return Promise(
                day, Rule.END_OF_MONTH, said, extra, _holidays_after(day, last, calendar)
            )
    raise ValueError("no business day in three months")


def _end_of_named_month(said: date, month: int, calendar: BusinessCalendar) -> Promise:
    """The last business day of ``month`` nearest the day said (the later on a tie), as
    a day without a year is: "end of November" said on 6 December 2026 is 30 November
    2026, six days past; "end of January" is January 2027's."""
    ends = []
    for year in (said.year - 1, said.year, said.year + 1):
        first = date(year, month, 1)
        last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        days = _business_days(first, last, calendar)
        if days:
            skipped = _holidays_after(days[-1], last, calendar)
            ends.append(Promise(days[-1], Rule.END_OF_NAMED_MONTH, said, 0, skipped))
    if not ends:
        raise ValueError("no business day in that month")
    return min(ends, key=lambda p: (abs((p.day - said).days), p.day < said))


def _end_of_year(said: date, calendar: BusinessCalendar) -> Promise:
    for extra in range(2):
        last = date(said.year + extra, 12, 31)
        days = [d for d in _business_days(last - timedelta(days=30), last, calendar) if d >= said]
        if days:
            day = days[-1]
            skipped = _holidays_after(day, last, calendar)
            return Promise(day, Rule.END_OF_YEAR, said, extra, skipped)
    raise ValueError("no business day in December")


#: What dateparser's fixed phrases for a whole week, month or year stand for, by the
#: English key of its locale data ("nächste Woche", "la semaine prochaine": "in 1 week"):
#: the business-week rules above, as for the English words. A past one ("letzte Woche")
#: names no promised day.
_NAMED_PERIODS = {
    "0 week ago": "end of this week",
    "in 1 week": "end of next week",
    "0 month ago": "end of this month",
    "in 1 month": "end of next month",
    "0 year ago": "end of this year",
    "1 week ago": None,
    "1 month ago": None,
    "1 year ago": None,
    "in 1 year": None,
}
_UNITS = re.compile(r"\b(?:second|minute|hour|day|week|fortnight|month|year)s?\b")


def read_generic(text: str, said: date, calendar: BusinessCalendar) -> Promise | None:
    """The day ``text`` names as ``dateparser`` reads it (any language it knows: "in 3
    days", "in 2 weeks", "vendredi", "übermorgen"), relative to ``said`` and preferring
    the future, as a GENERIC promise; None when it names no day (only a time, a month or
    a year is not a day; "in 2 weeks" is the day two weeks on).

    Two kinds of words are not taken as dateparser reads them, since it would read them
    wrong:

    - a whole week, month or year named in another language ("nächste Woche", "la
      semaine prochaine", "diese Woche") is read by the rules above as its English words
      ("end of next week"), not as seven days on; a past one ("letzte Woche") is None;
    - a day and month without a year ("1. Dezember") is the nearest such day to the
      day said, as for English month names (dateparser would take next year's);
    - words that count from two points ("a week from tomorrow", "3 days after
      tomorrow", "tomorrow week") are None: dateparser adds or drops one of the counts
      ("3 days from today" would be today). "X from today" and "X from now" are "in X";
    - a negative count ("in -3 days", "-2 weeks") is None: "in" names a day to come, and a
      minus sign is more likely a slip than a promise already past.
    """
    from datetime import datetime

    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": datetime(said.year, said.month, said.day),
        "PREFER_DATES_FROM": "future",
        "RETURN_TIME_AS_PERIOD": True,
    }
    if _NEGATIVE_COUNT.search(text):
        return None
    text = re.sub(r"^\s*within\s+", "in ", text, flags=re.IGNORECASE)  # "within 2 weeks"
    text = re.sub(r"^\s*(.+?)\s+from\s+(?:today|now)\s*$", r"in \1", text, flags=re.IGNORECASE)
    found = DateDataParser(settings=settings).get_date_data(text)
    if found.date_obj is None or found.locale is None:
        return None
    key = _translated(text, found.locale)
    if key is not None and len(_UNITS.findall(key)) > 1:
        return None
    named = _named_period(text, found.locale)
    if named is not None:
        english = _NAMED_PERIODS[named]
        return None if english is None else read_promise(english, said, calendar)
    if found.period not in ("day", "week"):
        return None
    day: date = found.date_obj.date()
    settings["PREFER_DATES_FROM"] = "past"
    past = DateDataParser(settings=settings).get_date_data(text).date_obj
    if past is not None and (day - past.date()).days > 300:  # a day and month, no year
        day = min((day, past.date()), key=lambda d: (abs((d - said).days), d < said))
    return Promise(day, Rule.GENERIC, said)


#: A count with a minus sign ("in -3 days"), not part of a word or a date ("Dec-15").
_NEGATIVE_COUNT = re.compile(r"(?<![\w-])-\s*\d")


def _translated(text: str, locale: str) -> str | None:
    """dateparser's English rendering of ``text`` in ``locale`` ("a week from today" ->
    "1 week 0 day ago"), the form its relative reading works on."""
    from dateparser.conf import settings
    from dateparser.languages.loader import default_loader

    try:
        translated: str = default_loader.get_locale(locale).translate(
            text.lower(), settings=settings
        )
    except (KeyError, ValueError, AttributeError):
        return None
    return translated


def _named_period(text: str, locale: str) -> str | None:
    """The key of :data:`_NAMED_PERIODS` whose fixed phrase in ``locale``'s dateparser
    data ``text`` is, else None."""
    from dateparser.languages.loader import default_loader

    try:
        phrases = default_loader.get_locale(locale).info.get("relative-type", {})
    except (KeyError, ValueError, AttributeError):
        return None
    words = " ".join(text.strip().lower().split()).rstrip(".!")
    for key in _NAMED_PERIODS:
        if words in phrases.get(key, ()):
            return key
    return None
