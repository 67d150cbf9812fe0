"""Reading the dates people type: ``DateReader(today, order, country).read(text, direction)``.

``today`` is always given, so every expectation here is a fixed date.
"""

from __future__ import annotations

from datetime import date

import pytest

from followup.dates import ORDINAL_DAY, DateReader, Direction
from followup.errors import UsageError

FORWARD, BACKWARD = Direction.FORWARD, Direction.BACKWARD


def parse_date(text: str, today: date, direction: Direction = FORWARD) -> date:
    """``text`` read day-first on ``today``, looking forward (a promised reply day)."""
    return DateReader(today, "dmy").read(text, direction).day


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
        # month and day: the nearest such day (a promised day a day past is this year's)
        ("Nov 24", date(2026, 11, 24)),  # yesterday: the nearest such day
        ("November 25", date(2026, 11, 25)),  # today
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


# -- numeric dates in the user's order ------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "text", "expected"),
    [
        # CLDR's short date pattern of the country's likely locale decides the order
        ("GB", "03/12/2026", date(2026, 12, 3)),  # en_GB dd/MM/y
        ("US", "03/12/2026", date(2026, 3, 12)),  # en_US M/d/yy
        ("DE", "05.01.2027", date(2027, 1, 5)),  # de_DE dd.MM.yy
        ("US", "05/01/2027", date(2027, 5, 1)),
        ("FR", "05/01/2027", date(2027, 1, 5)),  # fr_FR dd/MM/y
        ("IN", "5/1/27", date(2027, 1, 5)),  # hi_IN d/M/yy
        ("PH", "5/1/27", date(2027, 5, 1)),  # fil_PH M/d/yy: month first
        ("CN", "2027/1/5", date(2027, 1, 5)),  # zh_Hans_CN y/M/d
        ("JP", "27/01/05", date(2027, 1, 5)),  # ja_JP y/MM/dd, two-digit year first
        ("KR", "2027. 1. 5.", date(2027, 1, 5)),  # ko_KR yy. M. d.
        ("HU", "2027. 01. 05.", date(2027, 1, 5)),  # hu_HU y. MM. dd.
        ("SE", "27-01-05", date(2027, 1, 5)),  # sv_SE y-MM-dd
        ("CN", "13/01/2027", date(2027, 1, 13)),  # year last in a year-first country:
        ("CN", "01/13/2027", date(2027, 1, 13)),  # only one reading makes a date
        (None, "03/12/2026", date(2026, 12, 3)),  # no country: day first, as most write
    ],
)
def test_a_numeric_date_is_read_in_the_countrys_order(
    country: str | None, text: str, expected: date
) -> None:
    assert DateReader(WED_25_NOV_2026, None, country).read(text, FORWARD).day == expected


@pytest.mark.parametrize(
    ("order", "text", "expected"),
    [
        # every separator people use, and two-digit years (the century nearest today)
        ("dmy", "5/1/2027", date(2027, 1, 5)),
        ("dmy", "05.01.2027", date(2027, 1, 5)),
        ("dmy", "05-01-2027", date(2027, 1, 5)),
        ("dmy", "05 01 2027", date(2027, 1, 5)),
        ("dmy", "5. 1. 2027", date(2027, 1, 5)),
        ("dmy", "5.1.2027.", date(2027, 1, 5)),
        ("dmy", "05/01/27", date(2027, 1, 5)),
        ("dmy", "31.12.99", date(1999, 12, 31)),  # 1999 is nearer 2026 than 2099
        ("mdy", "1/5/2027", date(2027, 1, 5)),
        ("mdy", "01.05.27", date(2027, 1, 5)),
        ("mdy", "01-05-2027", date(2027, 1, 5)),
        ("mdy", "12 31 26", date(2026, 12, 31)),
        ("ymd", "2027/01/05", date(2027, 1, 5)),
        ("ymd", "27.01.05", date(2027, 1, 5)),
        ("ymd", "2027-1-5", date(2027, 1, 5)),
        # a four-digit year first is year-month-day in every order
        ("dmy", "2027/01/05", date(2027, 1, 5)),
        ("mdy", "2027.01.05", date(2027, 1, 5)),
        # ISO and month names are read the same whatever the order
        ("mdy", "2027-01-05", date(2027, 1, 5)),
        ("dmy", "5 Jan 2027", date(2027, 1, 5)),
        ("mdy", "5 Jan 2027", date(2027, 1, 5)),
        ("ymd", "January 5, 2027", date(2027, 1, 5)),
    ],
)
def test_every_separator_and_two_digit_years(order: str, text: str, expected: date) -> None:
    assert DateReader(WED_25_NOV_2026, order, "US").read(text, FORWARD).day == expected


@pytest.mark.parametrize(
    ("order", "text", "message"),
    [
        (
            "mdy",
            "13/01/2027",
            "unreadable date '13/01/2027': calendar.date_order is 'mdy' (month first), which "
            "makes no such day; write 2027-01-13 if you mean it",
        ),
        (
            "dmy",
            "01/13/2027",
            "unreadable date '01/13/2027': calendar.date_order is 'dmy' (day first), which "
            "makes no such day; write 2027-01-13 if you mean it",
        ),
        (
            "ymd",
            "05/01/2027",
            "ambiguous date '05/01/2027': calendar.date_order is 'ymd' (year first), and it "
            "reads both day first and month first; write it as YYYY-MM-DD",
        ),
        ("dmy", "31/02/2027", "unreadable date '31/02/2027': no such day"),
        ("dmy", "13/13/2027", "unreadable date '13/13/2027': no such day"),
        ("dmy", "0/1/2027", "unreadable date '0/1/2027': no such day"),
    ],
)
def test_a_numeric_date_is_never_read_the_other_way_silently(
    order: str, text: str, message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        DateReader(WED_25_NOV_2026, order).read(text, FORWARD)
    assert caught.value.message == message


@pytest.mark.system
def test_the_order_is_looked_up_only_for_a_numeric_date() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from datetime import date; from followup.dates import DateReader, Direction;"
        "r = DateReader(date(2026, 11, 25), None, 'GB');"
        "r.read('2027-01-05', Direction.FORWARD); r.read('5 Jan', Direction.FORWARD);"
        "print('babel' in sys.modules);"
        "r.read('05/01/2027', Direction.FORWARD); print('babel' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


# -- a date without a year --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "text", "direction", "expected"),
    [
        # typed on Sun 29 Nov 2026: a promised day is the nearest such day
        (date(2026, 11, 29), "Jan 5", FORWARD, date(2027, 1, 5)),
        (date(2026, 11, 29), "5 January", FORWARD, date(2027, 1, 5)),
        (date(2026, 11, 29), "Nov 29", FORWARD, date(2026, 11, 29)),
        (date(2026, 11, 29), "Nov 28", FORWARD, date(2026, 11, 28)),  # a day past: this year
        (date(2026, 11, 29), "Dec 3", FORWARD, date(2026, 12, 3)),
        (date(2026, 11, 29), "05/01", FORWARD, date(2027, 1, 5)),  # day first, no year
        # an interview, an email, a reply: the most recent such day, today included
        (date(2026, 11, 29), "Jan 5", BACKWARD, date(2026, 1, 5)),
        (date(2026, 11, 29), "Dec 3", BACKWARD, date(2025, 12, 3)),
        (date(2026, 11, 29), "Nov 29", BACKWARD, date(2026, 11, 29)),
        (date(2027, 1, 4), "Dec 30", BACKWARD, date(2026, 12, 30)),  # over a new year
        # 29 February: the next or last leap year's
        (date(2026, 11, 29), "Feb 29", FORWARD, date(2028, 2, 29)),
        (date(2026, 11, 29), "Feb 29", BACKWARD, date(2024, 2, 29)),
        # weekday names look the same way (Sun 29 Nov 2026)
        (date(2026, 11, 29), "friday", FORWARD, date(2026, 12, 4)),
        (date(2026, 11, 29), "friday", BACKWARD, date(2026, 11, 27)),
        (date(2026, 11, 29), "sunday", BACKWARD, date(2026, 11, 22)),
    ],
)
def test_a_date_without_a_year_is_the_one_the_direction_means(
    today: date, text: str, direction: Direction, expected: date
) -> None:
    read = DateReader(today, "dmy").read(text, direction)
    weekday = text.endswith("day")  # a weekday name names no year to assume
    assert (read.day, read.year_assumed) == (expected, not weekday)


@pytest.mark.parametrize("text", ["5 Jan 2027", "2027-01-05", "05/01/2027", "tomorrow"])
def test_a_year_given_is_never_called_assumed(text: str) -> None:
    assert not DateReader(WED_25_NOV_2026, "dmy").read(text, FORWARD).year_assumed


@pytest.mark.parametrize(
    ("today", "text", "direction", "expected"),
    [
        # a promised day (Sun 6 Dec 2026): one at most a week past, else the next one
        (date(2026, 12, 6), "by the 1st", FORWARD, date(2026, 12, 1)),  # five days past
        (date(2026, 12, 6), "the 5th", FORWARD, date(2026, 12, 5)),
        (date(2026, 12, 6), "6th", FORWARD, date(2026, 12, 6)),
        (date(2026, 12, 6), "15th", FORWARD, date(2026, 12, 15)),
        (date(2026, 12, 6), "By The 28th", FORWARD, date(2026, 12, 28)),  # 28 Nov: 8 days
        (date(2026, 12, 6), "the 29th", FORWARD, date(2026, 11, 29)),  # 7 days: a week
        (date(2026, 12, 20), "the 2nd", FORWARD, date(2027, 1, 2)),  # over a new year
        (date(2027, 1, 4), "the 30th", FORWARD, date(2026, 12, 30)),  # back over one
        (date(2027, 2, 10), "the 30th", FORWARD, date(2027, 3, 30)),  # February has none
        (date(2027, 3, 2), "the 30th", FORWARD, date(2027, 3, 30)),  # nor Feb 2027
        # an interview, an email, a reply: the most recent one
        (date(2026, 12, 6), "the 15th", BACKWARD, date(2026, 11, 15)),
        (date(2026, 12, 6), "6th", BACKWARD, date(2026, 12, 6)),
    ],
)
def test_a_day_without_a_month_is_the_one_the_direction_means(
    today: date, text: str, direction: Direction, expected: date
) -> None:
    read = DateReader(today, "dmy").read(text, direction)
    assert (read.day, read.year_assumed) == (expected, True)


@pytest.mark.parametrize("text", ["the 32nd", "0th", "by the 99th"])
def test_a_day_of_the_month_that_no_month_has_is_refused_naming_it(text: str) -> None:
    with pytest.raises(UsageError, match=f"unreadable date '{text}': no month has a day"):
        parse_date(text, WED_25_NOV_2026)


@pytest.mark.parametrize(
    ("said", "today", "text", "expected"),
    [
        # said on the interview day: the first such day from it
        (date(2026, 12, 31), date(2027, 1, 4), "the 28th", date(2027, 1, 28)),
        (date(2026, 11, 10), date(2026, 12, 6), "by the 5th", date(2026, 12, 5)),
        (date(2026, 12, 4), date(2026, 12, 6), "by the 1st", date(2027, 1, 1)),
        (date(2026, 12, 4), date(2026, 12, 6), "the 4th", date(2026, 12, 4)),
        (date(2027, 1, 29), date(2027, 2, 1), "the 30th", date(2027, 1, 30)),
        # said today (a reply just come): the first from today
        (date(2026, 12, 6), date(2026, 12, 6), "by the 1st", date(2027, 1, 1)),
        # when it was said is not known: up to a week past
        (None, date(2026, 12, 6), "by the 1st", date(2026, 12, 1)),
        (None, date(2026, 12, 6), "the 28th", date(2026, 12, 28)),
    ],
)
def test_a_promised_day_of_the_month_counts_from_the_day_said(
    said: date | None, today: date, text: str, expected: date
) -> None:
    read = DateReader(today, "dmy").read(text, FORWARD, said)
    assert (read.day, read.year_assumed) == (expected, True)


@pytest.mark.parametrize("text", ["15", "Dec 15", "end of next week", "15th of December"])
def test_other_words_are_no_day_of_the_month_alone(text: str) -> None:
    assert ORDINAL_DAY.fullmatch(text) is None
