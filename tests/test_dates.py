"""Reading the dates people type: ``parse_date(text, today)``.

``today`` is always given, so every expectation here is a fixed date.
"""

from __future__ import annotations

from datetime import date

import pytest

from followup.dates import parse_date
from followup.errors import UsageError

WED_25_NOV_2026 = date(2026, 11, 25)
MON_23_NOV_2026 = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ISO dates
        ("2026-11-24", date(2026, 11, 24)),
        ("2027-01-04", date(2027, 1, 4)),
        ("2024-02-29", date(2024, 2, 29)),  # a leap day
        ("  2026-11-24  ", date(2026, 11, 24)),  # surrounding blanks are ignored
        # relative words, from Wed 2026-11-25
        ("today", date(2026, 11, 25)),
        ("yesterday", date(2026, 11, 24)),
        ("tomorrow", date(2026, 11, 26)),
        ("Tomorrow", date(2026, 11, 26)),
        ("TODAY", date(2026, 11, 25)),
        # month and day, in the year of today
        ("Nov 24", date(2026, 11, 24)),
        ("November 24", date(2026, 11, 24)),
        ("Dec 1", date(2026, 12, 1)),
        # day, month and year
        ("24 November 2026", date(2026, 11, 24)),
        ("November 24, 2027", date(2027, 11, 24)),
        ("24 Nov 2026", date(2026, 11, 24)),
    ],
)
def test_a_date_is_read_from_the_forms_people_type(text: str, expected: date) -> None:
    assert parse_date(text, WED_25_NOV_2026) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # today is Wed 2026-11-25: a weekday name is the next such day, strictly after today
        ("thursday", date(2026, 11, 26)),  # tomorrow
        ("friday", date(2026, 11, 27)),
        ("saturday", date(2026, 11, 28)),
        ("sunday", date(2026, 11, 29)),
        ("monday", date(2026, 11, 30)),
        ("tuesday", date(2026, 12, 1)),
        ("wednesday", date(2026, 12, 2)),  # today's name means a week from today
        # abbreviations of three letters or more, any case
        ("Thu", date(2026, 11, 26)),
        ("fri", date(2026, 11, 27)),
        ("MON", date(2026, 11, 30)),
        ("wed", date(2026, 12, 2)),
        ("Satur", date(2026, 11, 28)),
    ],
)
def test_a_weekday_name_is_the_next_such_day_after_today(text: str, expected: date) -> None:
    assert parse_date(text, WED_25_NOV_2026) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 22), date(2026, 11, 23)),  # Sun -> Mon 23
        (date(2026, 11, 23), date(2026, 11, 30)),  # Mon -> Mon 30, not today
        (date(2026, 11, 28), date(2026, 11, 30)),  # Sat -> Mon 30
        (date(2026, 12, 31), date(2027, 1, 4)),  # Thu 31 Dec -> Mon 4 Jan, over a new year
    ],
)
def test_monday_depends_only_on_the_today_given(today: date, expected: date) -> None:
    assert parse_date("monday", today) == expected


def test_relative_words_count_from_the_today_given() -> None:
    assert parse_date("tomorrow", date(2026, 12, 31)) == date(2027, 1, 1)
    assert parse_date("yesterday", date(2027, 1, 1)) == date(2026, 12, 31)
    assert parse_date("today", MON_23_NOV_2026) == MON_23_NOV_2026


HINT = "(try 2026-11-24, 'tomorrow' or 'Nov 24')"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3pm", f"unreadable date '3pm' {HINT}"),  # a time, no day
        ("blah", f"unreadable date 'blah' {HINT}"),
        ("", f"unreadable date '' {HINT}"),
        ("   ", f"unreadable date '   ' {HINT}"),
        ("Nov", f"unreadable date 'Nov' {HINT}"),  # a month, no day
        ("next friday", f"unreadable date 'next friday' {HINT}"),
        ("mo", f"unreadable date 'mo' {HINT}"),  # too short to be a weekday
        ("Nov 31", f"unreadable date 'Nov 31' {HINT}"),
        ("2026-02-30", "unreadable date '2026-02-30': no such day"),
        ("2026-13-01", "unreadable date '2026-13-01': no such day"),
        ("2026-11-00", "unreadable date '2026-11-00': no such day"),
    ],
)
def test_text_that_names_no_day_is_refused_naming_it(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_date(text, WED_25_NOV_2026)
    assert caught.value.message == message
    assert caught.value.exit_code == 2
