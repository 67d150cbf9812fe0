"""Specification of ``--expect`` as interviewers say it, through the real command line at
an injected instant: the words are read from the interview day (else today) in the
interview's place, said how they were read in ``add`` and ``show``, and kept.

The instants are noon in New York: Sun 6 Dec 2026, Mon 7 Dec 2026 and Mon 14 Dec 2026.
DE-BY's Christmas Day is Fri 25 Dec 2026.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

SUN_6_DEC = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)
MON_7_DEC = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)
MON_14_DEC = datetime(2026, 12, 14, 17, 0, tzinfo=UTC)


def expected(cli, interview_id: str = "1") -> str:  # type: ignore[no-untyped-def]
    return str(
        json.loads(cli("show", interview_id, "--json", at=MON_7_DEC).out)["reply_expected_on"]
    )


@pytest.mark.parametrize(
    ("args", "day"),
    [
        (["--expect", "end of next week", "--interviewed", "2026-12-04"], "2026-12-11"),
        (["--expect", "end of next week"], "2026-12-18"),
        (["--expect", "friday", "--interviewed", "2026-12-04"], "2026-12-11"),
        (["--expect", "next Friday"], "2026-12-18"),
        (["--expect", "early next week", "--interviewed", "2026-12-04"], "2026-12-08"),
        (["--expect", "in 5 business days", "--interviewed", "2026-12-04"], "2026-12-11"),
        (["--expect", "tomorrow", "--interviewed", "2026-12-04"], "2026-12-05"),
        (["--expect", "in 3 days"], "2026-12-10"),
        (["--expect", "end of next week", "--country", "IL"], "2026-12-17"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else v,
)
def test_words_are_read_from_the_interview_day_in_its_place(cli, args: list[str], day: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("add", "Acme", *args, at=MON_7_DEC)
    assert result.code == 0, result.err
    assert expected(cli) == day


def test_add_and_show_say_how_the_words_were_read(cli) -> None:  # type: ignore[no-untyped-def]
    added = cli(
        "add",
        "Bayern GmbH",
        "--country",
        "DE",
        "--subdivision",
        "by",
        "--interviewed",
        "2026-12-14",
        "--expect",
        "end of next week",
        at=MON_14_DEC,
    )
    line = (
        "'end of next week' read as Thu 24 Dec 2026, the last business day of next week "
        "in DE-BY (Fri 25 Dec: Christmas Day)"
    )
    assert line in added.out.splitlines()
    shown = cli("show", "1", at=MON_14_DEC).out
    assert f"Promised as:    {line}" in shown
    assert json.loads(cli("show", "1", "--json", at=MON_14_DEC).out)["reply_expected_words"] == (
        "end of next week"
    )


def test_a_date_typed_as_a_date_keeps_no_words(cli) -> None:  # type: ignore[no-untyped-def]
    cli("add", "Acme", "--expect", "2026-12-11", at=MON_7_DEC)
    shown = cli("show", "1", at=MON_7_DEC).out
    assert "Promised as" not in shown
    assert json.loads(cli("show", "1", "--json", at=MON_7_DEC).out)["reply_expected_words"] is None


def test_edit_reads_words_from_the_stored_interview_day(cli) -> None:  # type: ignore[no-untyped-def]
    cli("add", "Acme", "--expect", "2026-12-31", "--interviewed", "2026-12-04", at=MON_7_DEC)
    result = cli("edit", "1", "--expect", "end of next week", at=MON_7_DEC)
    assert result.code == 0, result.err
    assert expected(cli) == "2026-12-11"


@pytest.mark.parametrize("words", ["", "   "])
def test_edit_to_no_words_is_refused_and_the_promised_day_kept(cli, words: str) -> None:  # type: ignore[no-untyped-def]
    cli("add", "Acme", "--expect", "end of next week", at=MON_7_DEC)
    result = cli("edit", "1", "--expect", words, at=MON_7_DEC)
    assert (result.code, result.err) == (
        2,
        f"error: unreadable date {words.strip()!r}"
        " (try 2026-11-24, 'friday', 'end of next week', 'in 5 business days';"
        " see: followup help dates)\n",
    )
    assert expected(cli) == "2026-12-18"


@pytest.mark.parametrize("words", ["gibberish", "in 99 business days", "3pm", "", "   "])
def test_words_naming_no_day_are_refused_and_nothing_is_stored(cli, words: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("add", "Acme", "--expect", words, at=MON_7_DEC)
    assert result.code != 0
    assert result.err.startswith(f"error: unreadable date {words.strip()!r}")
    assert "Traceback" not in result.err
    assert cli("list", at=MON_7_DEC).out.strip() == "No interviews."


@pytest.mark.parametrize(
    ("country", "typed", "day"),
    [
        ("SE", "5/1", "Tue 5 Jan 2027"),
        ("SE", "13/1", "Wed 13 Jan 2027"),
        ("US", "1/5", "Tue 5 Jan 2027"),
        ("DE", "5.1.", "Tue 5 Jan 2027"),
        ("US", "1 Dec", "Tue 1 Dec 2026"),
        ("GB", "12/1", "Tue 12 Jan 2027"),
        ("GB", "5 Jan", "Tue 5 Jan 2027"),
    ],
)
def test_a_day_without_a_year_is_the_nearest_in_the_countrys_day_month_order(
    cli,
    config_file: Path,
    country: str,
    typed: str,
    day: str,  # type: ignore[no-untyped-def]
) -> None:
    config_file.write_text(f'[calendar]\ncountry = "{country}"\n')
    result = cli("add", "Acme", "--expect", typed, at=SUN_6_DEC)
    assert result.code == 0, result.err
    assert f"Reply expected on {day} (year assumed)" in result.out


def test_no_promised_day_waits_the_default_business_days_after_the_interview(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("add", "Acme", "--interviewed", "2026-11-25", at=SUN_6_DEC)
    assert result.code == 0, result.err
    assert (
        "No reply day given: waiting 5 business days after the interview on Wed 25 Nov in US "
        "(rules.default_wait_business_days): Thu 3 Dec 2026"
    ) in result.out
    assert (
        "Promised as:    'within 5 business days' read as Thu 3 Dec 2026"
        in cli("show", "1", at=SUN_6_DEC).out
    )


def test_the_default_wait_is_configurable(cli, config_file: Path) -> None:  # type: ignore[no-untyped-def]
    config_file.write_text('[calendar]\ncountry = "US"\n[rules]\ndefault_wait_business_days = 2\n')
    cli("add", "Acme", "--interviewed", "2026-12-04", at=SUN_6_DEC)
    assert expected(cli) == "2026-12-08"


def test_neither_a_promised_day_nor_an_interview_day_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("add", "Acme", at=SUN_6_DEC)
    assert result.code != 0
    assert result.err.startswith("error:")
    assert "--expect" in result.err


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("germany", "    Augsburg  Augsburg"),
        ("germany", "    BY        Bavaria (also Bayern)"),
        ("malaysia", "    01  Johor (also JHR)"),
    ],
)
def test_countries_lists_every_subdivision_with_its_code_and_names(
    cli,
    text: str,
    line: str,  # type: ignore[no-untyped-def]
) -> None:
    assert line in cli("countries", text, at=SUN_6_DEC).out.splitlines()


@pytest.mark.parametrize(
    "line",
    [
        "  end of next week           the last business day of the following week (also",
        "  early next week            the second business day of next week",
        "  next Friday                the Friday of the week after the week said in (on a",
        '  in 5 business days         the 5th business day after the day said (also "within",',
    ],
)
def test_help_dates_gives_the_phrases_and_their_meanings(cli, line: str) -> None:  # type: ignore[no-untyped-def]
    assert line in cli("help", "dates", at=SUN_6_DEC).out.splitlines()


@pytest.mark.parametrize(
    ("words", "line"),
    [
        ("EOW", "'EOW' read as Fri 11 Dec 2026, the last business day of this week in US"),
        (
            "by end of day friday",
            "'by end of day friday' read as Fri 11 Dec 2026, the first Friday after Mon 7 Dec",
        ),
        (
            "nächste Woche",
            "'nächste Woche' read as Fri 18 Dec 2026, the last business day of next week in US",
        ),
        (
            "a week from today",
            "'a week from today' read as Mon 14 Dec 2026, counted from Mon 7 Dec",
        ),
        ("by the 1st", "Reply expected on Tue 1 Dec 2026 (year assumed)"),
        ("1. Dezember", "'1. Dezember' read as Tue 1 Dec 2026, counted from Mon 7 Dec"),
        (
            "by Friday 5pm",
            "'by Friday 5pm' read as Fri 11 Dec 2026, the first Friday after Mon 7 Dec",
        ),
        ("the 28th", "Reply expected on Mon 28 Dec 2026 (year assumed)"),
    ],
)
def test_what_people_also_say_is_read_and_the_reading_shown(cli, words: str, line: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("add", "Acme", "--country", "US", "--expect", words, at=MON_7_DEC)
    assert result.code == 0, result.err
    assert line in result.out.splitlines()


@pytest.mark.parametrize(
    "words",
    [
        "last week",
        "letzte Woche",
        "a week from tomorrow",
        "tomorrow week",
        "after the holidays",
        "in -3 days",
    ],
)
def test_words_dateparser_would_misread_are_refused_naming_them(cli, words: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("add", "Acme", "--expect", words, at=MON_7_DEC)
    assert result.code == 2
    assert result.err.splitlines() == [
        f"error: unreadable date '{words}' (try 2026-11-24, 'friday', 'end of next week', "
        "'in 5 business days'; see: followup help dates)"
    ]
    assert cli("list", "--json", at=MON_7_DEC).out.strip() == "[]"


def _phrases_in_help(out: str) -> list[str]:
    """The phrases in the first column of the words table of ``help dates``."""
    table = out[out.index("  today, tomorrow") : out.index("\n\n", out.index("  today, tomorrow"))]
    column = [line[2:27].strip() for line in table.splitlines() if line[2:27].strip()]
    return [p for cell in column for p in cell.split(", ") if p != "..."]


def test_every_phrase_help_dates_shows_is_read(cli) -> None:  # type: ignore[no-untyped-def]
    phrases = _phrases_in_help(cli("help", "dates", at=SUN_6_DEC).out)
    assert len(phrases) >= 20
    for number, words in enumerate(phrases):
        result = cli("add", f"Co{number}", "--expect", words, at=MON_7_DEC)
        assert (result.code, words) == (0, words), result.err
        assert f"{words!r} read as " in result.out


@pytest.mark.parametrize(
    ("interviewed", "line"),
    [
        ("2026-12-04", "Reply expected on Fri 1 Jan 2027 (year assumed)"),
        (None, "Reply expected on Tue 1 Dec 2026 (year assumed)"),
    ],
)
def test_a_day_of_the_month_counts_from_the_interview_day(  # type: ignore[no-untyped-def]
    cli, interviewed: str | None, line: str
) -> None:
    when = ["--interviewed", interviewed] if interviewed else []
    result = cli("add", "Acme", "--expect", "by the 1st", *when, at=MON_7_DEC)
    assert result.code == 0, result.err
    assert line in result.out.splitlines()


@pytest.mark.parametrize(
    ("on", "day"),
    [
        ([], "2027-01-01"),  # the reply came today, 7 Dec: the next 1st
        (["--on", "2026-12-04"], "2027-01-01"),
    ],
)
def test_a_next_rounds_day_of_the_month_counts_from_the_reply(  # type: ignore[no-untyped-def]
    cli, on: list[str], day: str
) -> None:
    cli("add", "Acme", "--interviewed", "2026-11-27", "--expect", "2026-12-03", at=MON_7_DEC)
    result = cli("heard", "1", "--outcome", "next-round", "--expect", "the 1st", *on, at=MON_7_DEC)
    assert result.code == 0, result.err
    assert expected(cli) == day
