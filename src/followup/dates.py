"""Reading the dates people type: ISO dates, today/yesterday/tomorrow, weekday names, and
the forms python-dateutil reads ("Nov 24", "24 November 2026").

``today`` is always passed in, so that "tomorrow" means the same in a test as on the day.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from followup.errors import UsageError

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = {"today": 0, "yesterday": -1, "tomorrow": 1}


def parse_date(text: str, today: date) -> date:
    """The date ``text`` names; a weekday name means the next such day after today.

    Raises UsageError naming the text when it reads as no date.
    """
    word = text.strip().lower()
    if word in _RELATIVE:
        return today + timedelta(days=_RELATIVE[word])
    for number, name in enumerate(_WEEKDAYS):
        if len(word) >= 3 and name.startswith(word):
            ahead = (number - today.weekday() - 1) % 7 + 1
            return today + timedelta(days=ahead)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
        try:
            return date.fromisoformat(word)
        except ValueError:
            raise UsageError(f"unreadable date {text!r}: no such day") from None
    return _dateutil(text, today)


def _dateutil(text: str, today: date) -> date:
    from datetime import datetime

    from dateutil import parser

    hint = f"unreadable date {text!r} (try 2026-11-24, 'tomorrow' or 'Nov 24')"
    try:
        # Parsed against two defaults that differ only in the day: if the results differ,
        # the text named no day at all ("3pm", "Nov"), which is not a date.
        first = parser.parse(text, default=datetime(today.year, today.month, 1))
        second = parser.parse(text, default=datetime(today.year, today.month, 2))
    except (ValueError, OverflowError):
        raise UsageError(hint) from None
    if first.day != second.day:
        raise UsageError(hint)
    return first.date()
