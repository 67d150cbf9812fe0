"""How a promise said in words was read, as ``add``, ``edit`` and ``show`` say it:
"'end of next week' read as Thu 24 Dec 2026, the last business day of that week in DE-BY
(Fri 25 Dec: Christmas Day)"."""

from __future__ import annotations

from datetime import date

from followup.business_days import DAY_NAMES
from followup.lifecycle.validation import visible
from followup.promises import Promise, Rule
from followup.rules import long_day, short_day

_WHICH = ("this", "next")


def _which(offset: int, unit: str) -> str:
    """The week or month (``unit``) ``offset`` from the one said in: "this week", "next
    week", "the week after next", "the week 3 weeks on"."""
    if offset < 2:
        return f"{_WHICH[offset]} {unit}"
    if offset == 2:
        return f"the {unit} after next"
    return f"the {unit} {offset} {unit}s on"


def meaning(promise: Promise, where: str) -> str:
    """What the rule made of the words: "the last business day of that week in DE-BY"."""
    rule, offset = promise.rule, promise.offset
    if rule is Rule.END_OF_WEEK:
        return f"the last business day of {_which(offset, 'week')} in {where}"
    if rule is Rule.EARLY_WEEK:
        return f"the second business day of next week in {where}"
    if rule is Rule.MID_WEEK:
        return f"the third business day of next week in {where}"
    if rule is Rule.START_OF_WEEK:
        return f"the first business day of next week in {where}"
    if rule is Rule.END_OF_MONTH:
        return f"the last business day of {_which(offset, 'month')} in {where}"
    if rule is Rule.END_OF_NAMED_MONTH:
        return f"the last business day of {promise.day:%B %Y} in {where}"
    if rule is Rule.END_OF_YEAR:
        return f"the last business day of {_which(offset, 'year')} in {where}"
    if rule is Rule.BUSINESS_DAYS:
        plural = "s" if offset != 1 else ""
        return f"{offset} business day{plural} after {short_day(promise.said)} in {where}"
    if rule is Rule.DAY_SAID:
        return f"{'the day after ' if offset else ''}the day it was said, {short_day(promise.said)}"
    name = DAY_NAMES[promise.day.weekday()].title()
    if rule is Rule.NEXT_WEEKDAY:
        return f"the {name} of the week after {short_day(promise.said)} (weeks in {where})"
    if rule is Rule.WEEKDAY:
        return f"the first {name} after {short_day(promise.said)}"
    return f"counted from {short_day(promise.said)}"


def promise_read(words: str, promise: Promise, where: str) -> str:
    """The line ``add`` and ``show`` print for a promise given in words."""
    line = (
        f"{visible(repr(words.strip()))} read as {long_day(promise.day)}, {meaning(promise, where)}"
    )
    if promise.skipped:
        passed = ", ".join(f"{short_day(s.day)}: {s.reason}" for s in promise.skipped)
        line += f" ({passed})"
    return line


def said_on(line: str, said: date) -> str:
    """``line`` (see :func:`promise_read`) with the day the words were counted from, when
    it does not name it already: "..., counted from Sun 6 Dec"."""
    day = short_day(said)
    return line if day in line else f"{line}, counted from {day}"


def reread(words: str, day: date, was: date, where: str) -> str:
    """The line ``edit`` prints when a new place moves a promise given in words."""
    return (
        f"{visible(repr(words.strip()))} read again in {where}: the reply is now expected on "
        f"{long_day(day)} (was {long_day(was)})"
    )


def words_only(words: str) -> str:
    """The words kept, when they no longer read as the day stored."""
    return f"{visible(repr(words.strip()))}"


def generic_read(words: str, day: date, said: date) -> str:
    """The line for words read by ``dateparser`` ("in 3 days", "vendredi")."""
    return f"{visible(repr(words.strip()))} read as {long_day(day)}, counted from {short_day(said)}"


def reading(words: str, promise: Promise, where: str) -> str:
    """The line ``add`` prints for words read by a rule of followup's own
    (:func:`promise_read`) or by ``dateparser`` (:func:`generic_read`)."""
    if promise.rule is Rule.GENERIC:
        return generic_read(words, promise.day, promise.said)
    return promise_read(words, promise, where)


def default_wait(day: date, business_days: int, interviewed: date, where: str) -> str:
    """The line for an interview added without a promised day."""
    return (
        f"No reply day given: waiting {business_days} business days after the interview on "
        f"{short_day(interviewed)} in {where} (rules.default_wait_business_days): "
        f"{long_day(day)}"
    )


def needs_expect() -> str:
    """The error for ``add`` given neither the promised day nor the interview day."""
    return (
        "the following arguments are required: --expect DATE (the day they said they would "
        "reply), or --interviewed DATE to expect it rules.default_wait_business_days "
        "business days after the interview"
    )


def unreadable_promise(words: str) -> str:
    """The error for words that name no day."""
    return (
        f"unreadable date {visible(repr(words.strip()))} (try 2026-11-24, 'friday', "
        "'end of next week', 'in 5 business days'; see: followup help dates)"
    )
