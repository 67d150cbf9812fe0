"""Specification: dates and the interview's lifecycle as the command line shows them.

Every command runs on Sun 6 Dec 2026 at 12:00 in New York unless a case says otherwise.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.specs import Cli

SUN_6_DEC = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("promised", "shown"),
    [
        ("2025-01-01", "due since Mon 6 Jan 2025: email"),
        ("2026-11-20", "due since Wed 25 Nov: email"),
    ],
)
def test_list_shows_the_year_of_a_due_day_in_another_year(
    cli: Cli, promised: str, shown: str
) -> None:
    assert cli("add", "Old Co", "--expect", promised, at=SUN_6_DEC).code == 0
    assert shown in cli("list", at=SUN_6_DEC).out


@pytest.mark.parametrize(
    ("first", "second", "said", "history_lines"),
    [
        ("2026-12-06", "2026-12-06", "Already recorded: emailed Acme on Sun 6 Dec 2026", 2),
        ("2026-12-04", "2026-12-06", "replacing the email recorded on Fri 4 Dec 2026", 3),
    ],
)
def test_emailed_again_on_the_same_day_changes_nothing(
    cli: Cli, first: str, second: str, said: str, history_lines: int
) -> None:
    assert cli("add", "Acme", "--expect", "2026-11-20", at=SUN_6_DEC).code == 0
    assert cli("emailed", "1", "--on", first, at=SUN_6_DEC).code == 0
    again = cli("emailed", "1", "--on", second, at=SUN_6_DEC)
    assert again.code == 0
    assert said in again.out
    assert "replacing" not in again.out or first != second
    assert len(cli("history", "1", at=SUN_6_DEC).out.splitlines()) == history_lines


@pytest.mark.parametrize(
    "command",
    [
        ("add", "B2", "--interviewed", "tomorrow"),
        ("add", "B2", "--interviewed", "2026-12-07", "--expect", "2026-12-11"),
        ("edit", "1", "--interviewed", "tomorrow"),
        ("edit", "1", "--interviewed", "2027-01-04"),
    ],
)
def test_an_interview_day_in_the_future_is_refused(cli: Cli, command: tuple[str, ...]) -> None:
    assert cli("add", "Acme", "--expect", "2026-12-10", at=SUN_6_DEC).code == 0
    before = cli("list", "--json", at=SUN_6_DEC).out
    result = cli(*command, at=SUN_6_DEC)
    assert result.code != 0
    assert result.err.startswith("error: ")
    assert "interview date 202" in result.err and "is in the future" in result.err
    assert cli("list", "--json", at=SUN_6_DEC).out == before


def test_an_interview_day_in_the_future_is_refused_on_import(cli: Cli, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Company,Interviewed,Expected\nB2,2026-12-07,2026-12-11\n")
    result = cli("import", str(sheet), at=SUN_6_DEC)
    assert result.code != 0
    assert "interview date 2026-12-07 is in the future" in result.err
    assert cli("list", at=SUN_6_DEC).out.strip() == "No interviews."


@pytest.mark.parametrize(
    ("next_round", "words", "shown"),
    [
        ("end of next week", "end of next week", "Promised as:    'end of next week'"),
        ("2026-12-11", None, None),
    ],
)
def test_a_next_round_promise_replaces_the_old_words(
    cli: Cli, next_round: str, words: str | None, shown: str | None
) -> None:
    added = cli("add", "B3", "--expect", "next Friday", "--interviewed", "2026-11-25", at=SUN_6_DEC)
    assert added.code == 0
    heard = cli("heard", "1", "--outcome", "next-round", "--expect", next_round, at=SUN_6_DEC)
    assert heard.code == 0
    view = json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)
    assert (view["reply_expected_on"], view["reply_expected_words"]) == ("2026-12-11", words)
    text = cli("show", "1", at=SUN_6_DEC).out
    assert "next Friday" not in text
    assert ("Promised as" in text) == (shown is not None)
    assert shown is None or shown in text


@pytest.mark.parametrize(
    ("history", "edit", "day", "counted_from"),
    [
        (
            [("heard", "1", "--outcome", "next-round", "--expect", "2026-12-11")],
            ("--expect", "end of the month"),
            "2026-12-31",
            "Sun 6 Dec",
        ),
        (
            [("heard", "1", "--outcome", "next-round", "--expect", "2026-12-11")],
            ("--expect", "end of the month", "--interviewed", "2026-11-25"),
            "2026-11-30",
            "Wed 25 Nov",
        ),
        ([], ("--expect", "end of the month"), "2026-11-30", "Wed 25 Nov"),
    ],
)
def test_words_in_an_edit_are_counted_from_the_day_they_were_said(
    cli: Cli, history: list[tuple[str, ...]], edit: tuple[str, ...], day: str, counted_from: str
) -> None:
    """Interview Wed 25 Nov; a next round (when there is one) Sun 6 Dec."""
    add = ("add", "B3", "--expect", "next Friday", "--interviewed", "2026-11-25")
    assert cli(*add, at=SUN_6_DEC).code == 0
    for command in history:
        assert cli(*command, at=SUN_6_DEC).code == 0
    assert cli("edit", "1", *edit, at=SUN_6_DEC).code == 0
    assert json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)["reply_expected_on"] == day
    promised = [
        line for line in cli("show", "1", at=SUN_6_DEC).out.splitlines() if "Promised" in line
    ]
    assert len(promised) == 1
    assert "'end of the month' read as" in promised[0]
    assert promised[0].endswith(f"counted from {counted_from}")


def test_an_interview_without_a_day_counts_edited_words_from_today(cli: Cli) -> None:
    assert cli("add", "Acme", "--expect", "2026-12-10", at=SUN_6_DEC).code == 0
    assert cli("edit", "1", "--expect", "end of the month", at=SUN_6_DEC).code == 0
    assert json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)["reply_expected_on"] == (
        "2026-12-31"
    )


@pytest.mark.parametrize(
    ("words", "interviewed", "read"),
    [
        (
            "end of this week",
            "2026-12-06",
            "read as Fri 11 Dec 2026, the last business day of next week in US",
        ),
        (
            "end of this week",
            "2026-12-04",
            "read as Fri 4 Dec 2026, the last business day of this week in US",
        ),
        (
            "end of the month",
            "2026-10-31",
            "read as Mon 30 Nov 2026, the last business day of next month in US",
        ),
    ],
)
def test_the_reading_names_the_week_or_month_the_day_is_in(
    cli: Cli, words: str, interviewed: str, read: str
) -> None:
    """Sun 6 Dec 2026 ends the Mon-Fri week of 30 Nov; Sat 31 Oct 2026 is past October's
    last business day."""
    added = cli("add", "Acme", "--interviewed", interviewed, "--expect", words, at=SUN_6_DEC)
    assert added.code == 0
    assert f"'{words}' {read}" in added.out


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("31/02/2027", "error: unreadable date '31/02/2027': no such day"),
        ("30/02/2027", "error: unreadable date '30/02/2027': no such day"),
        ("05/01/2027", "error: ambiguous date '05/01/2027'"),
    ],
)
def test_a_year_first_order_refuses_an_impossible_date_as_no_such_day(
    cli: Cli, config_file: Path, typed: str, error: str
) -> None:
    config_file.write_text('[calendar]\ntimezone = "Europe/Stockholm"\ncountry = "SE"\n')
    result = cli("add", "Acme", "--expect", typed, at=SUN_6_DEC)
    assert result.code != 0
    assert result.err.startswith(error)


@pytest.mark.parametrize(
    ("place", "calendar"),
    [
        (("--country", "DE", "--subdivision", "DE-BY"), "DE-BY"),
        (("--country", "de", "--subdivision", "de-by"), "DE-BY"),
        (("--country", "DE", "--subdivision", "BY"), "DE-BY"),
        (("--subdivision", "US-CA"), "US-CA"),
    ],
)
def test_a_subdivision_is_taken_as_followup_prints_it(
    cli: Cli, place: tuple[str, ...], calendar: str
) -> None:
    """The config's country is the US (the fixture's default)."""
    assert cli("add", "Acme", "--expect", "2026-12-10", *place, at=SUN_6_DEC).code == 0
    assert f"Calendar:       {calendar}\n" in cli("show", "1", at=SUN_6_DEC).out


@pytest.mark.parametrize(
    ("command", "country"),
    [
        (
            (
                "add",
                "B",
                "--expect",
                "2026-12-10",
                "--country",
                "DE",
                "--subdivision",
                "Westphalia",
            ),
            "DE",
        ),
        (("edit", "1", "--subdivision", "Westphalia"), "US"),
    ],
)
def test_an_unknown_subdivision_points_at_the_list(
    cli: Cli, command: tuple[str, ...], country: str
) -> None:
    assert cli("add", "Acme", "--expect", "2026-12-10", at=SUN_6_DEC).code == 0
    result = cli(*command, at=SUN_6_DEC)
    assert result.code != 0
    assert result.err.startswith("error: unknown subdivision 'Westphalia'")
    assert result.err.endswith(f"; see 'followup countries {country}'\n")


@pytest.mark.parametrize(
    ("args", "field", "day"),
    [
        (("--expect", "within 2 weeks"), "reply_expected_on", "2026-12-20"),
        (("--expect", "Within 3 days"), "reply_expected_on", "2026-12-09"),
        (("--expect", "end of the year"), "reply_expected_on", "2026-12-31"),
        (("--expect", "by the end of this year"), "reply_expected_on", "2026-12-31"),
        (("--interviewed", "last Thursday"), "interviewed_on", "2026-12-03"),
        (("--interviewed", "last sun", "--expect", "2026-12-10"), "interviewed_on", "2026-11-29"),
    ],
)
def test_phrases_a_job_seeker_types_are_read(
    cli: Cli, args: tuple[str, ...], field: str, day: str
) -> None:
    """Said on Sun 6 Dec 2026 (US): Thu 31 Dec is the year's last business day."""
    result = cli("add", "Acme", *args, "--json", at=SUN_6_DEC)
    assert result.code == 0, result.err
    assert json.loads(result.out)[field] == day


@pytest.mark.parametrize(
    ("interviewed", "read"),
    [
        ("2026-12-31", "read as Thu 31 Dec 2026, the last business day of this year in US"),
        ("2022-12-31", "read as Fri 29 Dec 2023, the last business day of next year in US"),
    ],
)
def test_end_of_the_year_once_its_last_business_day_is_past_is_next_years(
    cli: Cli, interviewed: str, read: str
) -> None:
    """Thu 31 Dec 2026 is a business day in the US; Sat 31 Dec 2022 is past Fri 30 Dec."""
    at = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    result = cli("add", "Acme", "--expect", "end of the year", "--interviewed", interviewed, at=at)
    assert result.code == 0, result.err
    assert f"'end of the year' {read}" in result.out
