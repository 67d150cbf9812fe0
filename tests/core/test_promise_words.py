"""Specification of promises said in words, read in the employer's calendar from the day
they were said (:mod:`followup.promises`): weeks start after the place's weekend, the end
of a week or month is its last business day, holidays included.

Places: DE-BY (Christmas Day Fri 25 Dec 2026, Second Day of Christmas Sat 26 Dec), the US
(Thanksgiving Thu 26 Nov 2026, Memorial Day Mon 31 May 2027) and Israel, whose weekend is
Friday and Saturday (its weeks start on Sunday).
"""

from __future__ import annotations

from datetime import date

import pytest

from followup.business_days import BusinessCalendar, Place, SkippedDay, calendar_for
from followup.promises import Promise, Rule, read_generic, read_promise, week_start


def cal(code: str) -> BusinessCalendar:
    country, _, subdivision = code.partition("-")
    return calendar_for(Place(country, subdivision or None))


@pytest.mark.parametrize(
    ("place", "said", "words", "day", "rule"),
    [
        # end of this week / next week
        ("US", date(2026, 12, 7), "end of this week", date(2026, 12, 11), Rule.END_OF_WEEK),
        ("US", date(2026, 11, 23), "by the end of the week", date(2026, 11, 27), Rule.END_OF_WEEK),
        ("US", date(2026, 12, 6), "end of next week", date(2026, 12, 11), Rule.END_OF_WEEK),
        ("US", date(2026, 12, 4), "End of next week", date(2026, 12, 11), Rule.END_OF_WEEK),
        ("US", date(2026, 12, 9), "next week", date(2026, 12, 18), Rule.END_OF_WEEK),
        ("DE-BY", date(2026, 12, 14), "end of next week", date(2026, 12, 24), Rule.END_OF_WEEK),
        ("IL", date(2026, 12, 6), "end of this week", date(2026, 12, 10), Rule.END_OF_WEEK),
        ("IL", date(2026, 12, 5), "end of next week", date(2026, 12, 10), Rule.END_OF_WEEK),
        ("US", date(2026, 12, 12), "end of this week", date(2026, 12, 18), Rule.END_OF_WEEK),
        # early / start of next week
        ("US", date(2026, 12, 4), "early next week", date(2026, 12, 8), Rule.EARLY_WEEK),
        ("US", date(2026, 12, 6), "early next week", date(2026, 12, 8), Rule.EARLY_WEEK),
        ("IL", date(2026, 12, 3), "early next week", date(2026, 12, 7), Rule.EARLY_WEEK),
        ("DE-BY", date(2026, 12, 21), "early next week", date(2026, 12, 29), Rule.EARLY_WEEK),
        ("US", date(2026, 12, 4), "start of next week", date(2026, 12, 7), Rule.START_OF_WEEK),
        ("US", date(2026, 12, 4), "mid next week", date(2026, 12, 9), Rule.MID_WEEK),
        ("IL", date(2026, 12, 3), "middle of next week", date(2026, 12, 8), Rule.MID_WEEK),
        # end of the month
        ("DE-BY", date(2026, 12, 1), "end of the month", date(2026, 12, 31), Rule.END_OF_MONTH),
        ("US", date(2027, 5, 3), "by end of month", date(2027, 5, 28), Rule.END_OF_MONTH),
        ("US", date(2026, 12, 4), "end of next month", date(2027, 1, 29), Rule.END_OF_MONTH),
        # the end of a month by its name: the one nearest the day said
        ("DE-BY", date(2026, 12, 6), "end of January", date(2027, 1, 29), Rule.END_OF_NAMED_MONTH),
        (
            "DE-BY",
            date(2026, 12, 6),
            "by the end of Feb",
            date(2027, 2, 26),
            Rule.END_OF_NAMED_MONTH,
        ),
        (
            "DE-BY",
            date(2026, 12, 6),
            "end of November",
            date(2026, 11, 30),
            Rule.END_OF_NAMED_MONTH,
        ),
        (
            "DE-BY",
            date(2026, 12, 6),
            "end of December",
            date(2026, 12, 31),
            Rule.END_OF_NAMED_MONTH,
        ),
        ("US", date(2027, 5, 3), "end of May", date(2027, 5, 28), Rule.END_OF_NAMED_MONTH),
        # business days, counted from the day said
        ("DE-BY", date(2026, 12, 21), "in 5 business days", date(2026, 12, 29), Rule.BUSINESS_DAYS),
        ("US", date(2026, 12, 4), "within 5 business days", date(2026, 12, 11), Rule.BUSINESS_DAYS),
        (
            "US",
            date(2026, 11, 25),
            "within three working days",
            date(2026, 12, 1),
            Rule.BUSINESS_DAYS,
        ),
        ("IL", date(2026, 12, 3), "in 2 business days", date(2026, 12, 7), Rule.BUSINESS_DAYS),
        # the day said
        ("US", date(2026, 12, 4), "today", date(2026, 12, 4), Rule.DAY_SAID),
        ("US", date(2026, 12, 4), "tomorrow", date(2026, 12, 5), Rule.DAY_SAID),
        # weekday names: the next such day after the day said
        ("US", date(2026, 12, 6), "friday", date(2026, 12, 11), Rule.WEEKDAY),
        ("US", date(2026, 12, 4), "by Friday", date(2026, 12, 11), Rule.WEEKDAY),
        ("US", date(2026, 12, 9), "this fri", date(2026, 12, 11), Rule.WEEKDAY),
        ("US", date(2026, 12, 9), "Thurs", date(2026, 12, 10), Rule.WEEKDAY),
        # "next Friday": that day of the week after the week of the day said
        ("US", date(2026, 12, 9), "next Friday", date(2026, 12, 18), Rule.NEXT_WEEKDAY),
        ("US", date(2026, 12, 6), "next Friday", date(2026, 12, 11), Rule.NEXT_WEEKDAY),
        ("US", date(2026, 12, 7), "next monday", date(2026, 12, 14), Rule.NEXT_WEEKDAY),
        ("IL", date(2026, 12, 5), "next Thursday", date(2026, 12, 10), Rule.NEXT_WEEKDAY),
        ("IL", date(2026, 12, 6), "next Thursday", date(2026, 12, 17), Rule.NEXT_WEEKDAY),
    ],
)
def test_words_name_a_day_in_the_places_calendar(
    place: str, said: date, words: str, day: date, rule: Rule
) -> None:
    promise = read_promise(words, said, cal(place))
    assert promise is not None
    assert (promise.day, promise.rule) == (day, rule)


def test_the_end_of_a_week_names_the_holiday_it_passed_over() -> None:
    promise = read_promise("end of next week", date(2026, 12, 14), cal("DE-BY"))
    assert promise == Promise(
        date(2026, 12, 24),
        Rule.END_OF_WEEK,
        date(2026, 12, 14),
        1,
        (SkippedDay(date(2026, 12, 25), "Christmas Day"),),
    )


def test_a_count_of_business_days_names_the_holidays_it_passed_over() -> None:
    promise = read_promise("in 5 business days", date(2026, 12, 21), cal("DE-BY"))
    assert promise is not None
    assert promise.skipped == (SkippedDay(date(2026, 12, 25), "Christmas Day"),)


@pytest.mark.parametrize(("place", "weekday"), [("US", 0), ("DE-BY", 0), ("IL", 6)])
def test_a_week_starts_the_day_after_the_weekend(place: str, weekday: int) -> None:
    assert week_start(cal(place)) == weekday


@pytest.mark.parametrize(
    "words",
    [
        "gibberish",
        "2026-12-11",
        "in 3 days",
        "next",
        "fr",
        "1 Dec",
        "over the weekend",
        "5pm",
        "end of ma",  # March or May
        "end of junk",
    ],
)
def test_other_words_are_not_one_of_these_phrases(words: str) -> None:
    assert read_promise(words, date(2026, 12, 6), cal("US")) is None


@pytest.mark.parametrize("words", ["in 0 business days", "within 61 business days"])
def test_a_count_of_business_days_out_of_range_is_refused(words: str) -> None:
    with pytest.raises(ValueError, match="between 1 and 60"):
        read_promise(words, date(2026, 12, 6), cal("US"))


@pytest.mark.parametrize(
    ("said", "words", "day"),
    [
        (date(2026, 12, 6), "in 3 days", date(2026, 12, 9)),
        (date(2026, 12, 4), "in 2 weeks", date(2026, 12, 18)),
        (date(2026, 12, 6), "vendredi", date(2026, 12, 11)),
        (date(2026, 12, 6), "dans 3 jours", date(2026, 12, 9)),
        (date(2026, 12, 6), "übermorgen", date(2026, 12, 8)),
        (date(2026, 12, 6), "day after tomorrow", date(2026, 12, 8)),
    ],
)
def test_dateparser_reads_the_generic_words_from_the_day_said(
    said: date, words: str, day: date
) -> None:
    found = read_generic(words, said, cal("DE-BY"))
    assert found is not None
    assert (found.day, found.rule) == (day, Rule.GENERIC)


@pytest.mark.parametrize("words", ["gibberish", "3pm", "2027"])
def test_dateparser_words_naming_no_day_are_none(words: str) -> None:
    assert read_generic(words, date(2026, 12, 6), cal("DE-BY")) is None


@pytest.mark.parametrize(
    ("said", "words", "day", "rule"),
    [
        # office shorthand (Sun 6 Dec 2026, DE-BY)
        (date(2026, 12, 6), "EOW", date(2026, 12, 11), Rule.END_OF_WEEK),
        (date(2026, 12, 7), "eow", date(2026, 12, 11), Rule.END_OF_WEEK),
        (date(2026, 12, 7), "by end of day Friday", date(2026, 12, 11), Rule.WEEKDAY),
        (date(2026, 12, 7), "EOD Friday", date(2026, 12, 11), Rule.WEEKDAY),
        (date(2026, 12, 7), "by close of business tomorrow", date(2026, 12, 8), Rule.DAY_SAID),
        (date(2026, 12, 7), "COB", date(2026, 12, 7), Rule.DAY_SAID),
        (date(2026, 12, 7), "end of the day", date(2026, 12, 7), Rule.DAY_SAID),
        (date(2026, 12, 7), "EOB", date(2026, 12, 7), Rule.DAY_SAID),
        (date(2026, 12, 7), "end of business Friday", date(2026, 12, 11), Rule.WEEKDAY),
        (date(2026, 12, 7), "first thing Monday", date(2026, 12, 14), Rule.WEEKDAY),
        # a time of day after the day: the day
        (date(2026, 12, 7), "by Friday 5pm", date(2026, 12, 11), Rule.WEEKDAY),
        (date(2026, 12, 7), "Friday at noon", date(2026, 12, 11), Rule.WEEKDAY),
        (date(2026, 12, 7), "friday EOD", date(2026, 12, 11), Rule.WEEKDAY),
        (date(2026, 12, 7), "tomorrow afternoon", date(2026, 12, 8), Rule.DAY_SAID),
        (date(2026, 12, 7), "tomorrow 9:30", date(2026, 12, 8), Rule.DAY_SAID),
        # other ways of naming a week or its day
        (date(2026, 12, 7), "by the weekend", date(2026, 12, 11), Rule.END_OF_WEEK),
        (date(2026, 12, 7), "later this week", date(2026, 12, 11), Rule.END_OF_WEEK),
        (date(2026, 12, 7), "within the week", date(2026, 12, 11), Rule.END_OF_WEEK),
        (date(2026, 12, 7), "this coming Friday", date(2026, 12, 11), Rule.WEEKDAY),
        (date(2026, 12, 7), "Friday next week", date(2026, 12, 18), Rule.NEXT_WEEKDAY),
        (date(2026, 12, 7), "week after next", date(2026, 12, 24), Rule.END_OF_WEEK),
        (
            date(2026, 12, 7),
            "by the end of the week after next",
            date(2026, 12, 24),
            Rule.END_OF_WEEK,
        ),
    ],
)
def test_office_shorthand_names_the_day_it_stands_for(
    said: date, words: str, day: date, rule: Rule
) -> None:
    found = read_promise(words, said, cal("DE-BY"))
    assert found is not None
    assert (found.day, found.rule) == (day, rule)


@pytest.mark.parametrize(
    ("place", "said", "words", "day", "rule"),
    [
        # a week or month named in another language follows the rules for the English words
        ("DE-BY", date(2026, 12, 7), "nächste Woche", date(2026, 12, 18), Rule.END_OF_WEEK),
        ("DE-BY", date(2026, 12, 14), "nächste Woche", date(2026, 12, 24), Rule.END_OF_WEEK),
        ("DE-BY", date(2026, 12, 7), "diese Woche", date(2026, 12, 11), Rule.END_OF_WEEK),
        ("IL", date(2026, 12, 6), "la semaine prochaine", date(2026, 12, 17), Rule.END_OF_WEEK),
        ("US", date(2026, 12, 7), "la próxima semana", date(2026, 12, 18), Rule.END_OF_WEEK),
        ("DE-BY", date(2026, 12, 7), "nächsten Monat", date(2027, 1, 29), Rule.END_OF_MONTH),
        # a day and month without a year: the nearest such day, as in English
        ("DE-BY", date(2026, 12, 6), "1. Dezember", date(2026, 12, 1), Rule.GENERIC),
        ("DE-BY", date(2026, 12, 6), "1er décembre", date(2026, 12, 1), Rule.GENERIC),
        ("DE-BY", date(2026, 12, 6), "5. Januar", date(2027, 1, 5), Rule.GENERIC),
        ("DE-BY", date(2026, 11, 25), "15 de diciembre", date(2026, 12, 15), Rule.GENERIC),
        ("DE-BY", date(2026, 12, 6), "15. Dezember 2027", date(2027, 12, 15), Rule.GENERIC),
        ("DE-BY", date(2026, 12, 6), "Freitag", date(2026, 12, 11), Rule.GENERIC),
        # "X from today", "X from now": X on from the day said
        ("US", date(2026, 12, 6), "a week from today", date(2026, 12, 13), Rule.GENERIC),
        ("US", date(2026, 12, 6), "3 days from today", date(2026, 12, 9), Rule.GENERIC),
        ("US", date(2026, 12, 6), "two weeks from now", date(2026, 12, 20), Rule.GENERIC),
    ],
)
def test_generic_words_are_not_read_as_dateparser_misreads_them(
    place: str, said: date, words: str, day: date, rule: Rule
) -> None:
    found = read_generic(words, said, cal(place))
    assert found is not None
    assert (found.day, found.rule) == (day, rule)


@pytest.mark.parametrize(
    "words",
    [
        "last week",  # a past week names no promised day
        "letzte Woche",
        "la semaine dernière",
        "a week from tomorrow",  # counted from two points: dateparser drops one
        "3 days after tomorrow",
        "tomorrow week",
        "a week today",
        "next year",
        "in -3 days",  # a count to come cannot be negative
        "-2 weeks",
    ],
)
def test_generic_words_dateparser_would_misread_are_none(words: str) -> None:
    assert read_generic(words, date(2026, 12, 6), cal("US")) is None
