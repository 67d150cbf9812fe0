"""The ``followup`` command line, as a user meets it: every command's output, its JSON, and
what happens on every kind of bad input.

The user lives in America/New_York with an en_US locale (see conftest), so interviews count
US business days unless they name a place of their own. Dates are fixed and chosen so that
today does not matter; where it does (``emailed`` without ``--on``, ``snooze``), the
expectation is computed from the real today with the same calendar.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from followup import __version__
from followup.business_days import Place, calendar_for
from followup.cli import config_docs
from tests.conftest import CLI_NOW
from tests.support.specs import Cli, Outcome, ok, snapshot

NEW_YORK = ZoneInfo("America/New_York")
US = calendar_for(Place("US"))

INTERVIEW_KEYS = {
    "id",
    "company",
    "role",
    "contact_name",
    "contact_email",
    "interviewed_on",
    "reply_expected_on",
    "reply_expected_words",
    "emailed_on",
    "status",
    "outcome",
    "country",
    "subdivision",
    "notes",
    "next_reminder",
    "explanation",
}


def as_json(result: Outcome) -> Any:
    return json.loads(ok(result))


def add(cli: Cli, company: str, expect: str, *more: str) -> dict[str, Any]:
    return as_json(cli("add", company, "--expect", expect, *more, "--json"))


def real_today() -> date:
    """The day the ``cli`` fixture runs commands on, in New York."""
    return CLI_NOW.astimezone(NEW_YORK).date()


def nine_am(day: date) -> str:
    return datetime(day.year, day.month, day.day, 9, tzinfo=NEW_YORK).isoformat()


# -- add ------------------------------------------------------------------------------------


def test_add_says_when_the_email_reminder_will_come(cli: Cli) -> None:
    # Mon 2026-11-23 expected; Tue 24, Wed 25 pass; Thu 26 is Thanksgiving -> Fri 27;
    # recorded on Fri 20 Nov, before it
    result = cli("add", "Acme", "--expect", "2026-11-23", at=datetime(2026, 11, 20, 17, tzinfo=UTC))
    assert ok(result) == (
        "Added interview 1: Acme.\n"
        "If you have not heard back, you will be reminded to email on "
        "Fri 27 Nov 2026 09:00 EST.\n"
    )


def test_add_json_is_the_whole_interview(cli: Cli) -> None:
    data = add(
        cli,
        "Acme",
        "2026-11-23",
        "--role",
        "Backend Engineer",
        "--contact",
        "Ann Lee",
        "--email",
        "ann@acme.example",
        "--interviewed",
        "2026-11-20",
        "--note",
        "liked Rust",
    )
    assert set(data) == INTERVIEW_KEYS
    assert data == {
        "id": 1,
        "company": "Acme",
        "role": "Backend Engineer",
        "contact_name": "Ann Lee",
        "contact_email": "ann@acme.example",
        "interviewed_on": "2026-11-20",
        "reply_expected_on": "2026-11-23",
        "reply_expected_words": None,
        "emailed_on": None,
        "status": "waiting",
        "outcome": None,
        "country": None,
        "subdivision": None,
        "notes": "liked Rust",
        "next_reminder": {"kind": "email", "at": "2026-11-27T09:00:00-05:00"},
        "explanation": [
            "Reply expected on Mon 23 Nov 2026.",
            "Business days counted (US), 2 must pass: Tue 24 Nov, Wed 25 Nov.",
            "Thu 26 Nov: Thanksgiving Day",
            "Email reminder: Fri 27 Nov 2026 at 09:00 (America/New_York).",
        ],
    }


def test_add_json_leaves_unset_fields_null(cli: Cli) -> None:
    data = add(cli, "Acme", "2026-11-23")
    assert set(data) == INTERVIEW_KEYS
    unset = (
        "role",
        "contact_name",
        "contact_email",
        "interviewed_on",
        "emailed_on",
        "outcome",
        "country",
        "subdivision",
        "notes",
    )
    assert {key: data[key] for key in unset} == dict.fromkeys(unset)


@pytest.mark.parametrize(
    ("options", "at"),
    [
        pytest.param((), "2026-11-27T09:00:00-05:00", id="US: Thu 26 Thanksgiving -> Fri 27"),
        pytest.param(
            ("--subdivision", "CA"),
            "2026-11-30T09:00:00-05:00",
            id="US-CA: Fri 27 is a CA holiday too -> Mon 30",
        ),
        pytest.param(
            ("--country", "de"),
            "2026-11-26T09:00:00-05:00",
            id="DE: no Thanksgiving -> Thu 26, still 09:00 New York",
        ),
    ],
)
def test_the_reminder_counts_the_interviewers_business_days(
    cli: Cli, options: tuple[str, ...], at: str
) -> None:
    # expected Mon 2026-11-23 everywhere; the time is always the user's 09:00
    data = add(cli, "Acme", "2026-11-23", *options)
    assert data["next_reminder"] == {"kind": "email", "at": at}


@pytest.mark.parametrize(
    ("expect", "at"),
    [
        pytest.param("2026-10-26", "2026-10-29T09:00:00-04:00", id="Mon 26 Oct -> Thu 29 EDT"),
        pytest.param(
            "2026-10-28",
            "2026-11-02T09:00:00-05:00",
            id="Wed 28 Oct -> Mon 2 Nov EST, after the clocks went back",
        ),
    ],
)
@pytest.mark.parametrize("cli_now", [datetime(2026, 10, 20, 16, tzinfo=UTC)], ids=["Tue 20 Oct"])
def test_the_reminder_is_at_nine_local_time_with_its_utc_offset(
    cli: Cli, expect: str, at: str
) -> None:
    assert add(cli, "Acme", expect)["next_reminder"] == {"kind": "email", "at": at}


def test_a_subdivision_keeps_the_country_it_was_given_in(cli: Cli, config_file: Path) -> None:
    # added as US-CA (the US from the locale); the user then moves to a German config
    add(cli, "Acme", "2026-11-23", "--subdivision", "CA")
    config_file.write_text('[calendar]\ncountry = "DE"\n')
    [item] = as_json(cli("list", "--json"))
    assert item["next_reminder"] == {"kind": "email", "at": "2026-11-30T09:00:00-05:00"}


def test_add_stores_country_in_upper_case(cli: Cli) -> None:
    data = add(cli, "Acme", "2026-11-23", "--country", "de")
    assert (data["country"], data["subdivision"]) == ("DE", None)


# -- edit -----------------------------------------------------------------------------------


def test_edit_changes_the_fields_given_and_replans(cli: Cli) -> None:
    add(cli, "Acme", "2026-11-23", "--role", "Engineer", "--contact", "Ann Lee")
    data = as_json(cli("edit", "1", "--role", "Staff Engineer", "--expect", "2026-11-30", "--json"))
    assert set(data) == INTERVIEW_KEYS
    assert (data["role"], data["contact_name"], data["reply_expected_on"]) == (
        "Staff Engineer",
        "Ann Lee",
        "2026-11-30",
    )
    # Mon 30 Nov; Tue 1, Wed 2 Dec pass -> Thu 3 Dec
    assert data["next_reminder"] == {"kind": "email", "at": "2026-12-03T09:00:00-05:00"}


def test_edit_prints_the_interview_as_show_does(cli: Cli) -> None:
    add(cli, "Acme", "2026-11-23")
    edited = ok(cli("edit", "1", "--company", "Acme Corp"))
    assert edited == ok(cli("show", "1"))
    assert edited.startswith("#1  Acme Corp\n")


def test_editing_the_expected_date_drops_a_snooze(cli: Cli) -> None:
    add(cli, "Acme", "2036-11-24")
    ok(cli("snooze", "1", "--days", "3"))
    data = as_json(cli("edit", "1", "--expect", "2036-12-01", "--json"))
    # Mon 1 Dec 2036; Tue 2, Wed 3 pass -> Thu 4 Dec, not snoozed any more
    assert data["next_reminder"] == {"kind": "email", "at": "2036-12-04T09:00:00-05:00"}


# -- show -----------------------------------------------------------------------------------


def test_show_names_every_skipped_day_and_why(cli: Cli) -> None:
    add(
        cli,
        "Acme",
        "2026-11-23",
        "--role",
        "Backend Engineer",
        "--contact",
        "Ann Lee",
        "--email",
        "ann@acme.example",
        "--interviewed",
        "2026-11-20",
        "--country",
        "US",
        "--subdivision",
        "CA",
        "--note",
        "liked Rust",
    )
    assert ok(cli("show", "1")) == (
        "#1  Acme - Backend Engineer\n"
        "\n"
        "Status:         waiting\n"
        "Contact:        Ann Lee <ann@acme.example>\n"
        "Interviewed:    Fri 20 Nov 2026\n"
        "Reply expected: Mon 23 Nov 2026\n"
        "Calendar:       US-CA\n"
        "Notes:          liked Rust\n"
        "Next reminder:  email, Mon 30 Nov 2026 09:00 EST\n"
        "\n"
        "How this date was reached:\n"
        "  Reply expected on Mon 23 Nov 2026.\n"
        "  Business days counted (US-CA), 2 must pass: Tue 24 Nov, Wed 25 Nov.\n"
        "  Thu 26 Nov: Thanksgiving Day\n"
        "  Fri 27 Nov: Day After Thanksgiving\n"
        "  Sat 28, Sun 29 Nov: weekend\n"
        "  Email reminder: Mon 30 Nov 2026 at 09:00 (America/New_York).\n"
    )


def test_show_json_carries_the_explanation(cli: Cli) -> None:
    add(cli, "Acme", "2026-11-23", "--subdivision", "CA")
    data = as_json(cli("show", "1", "--json"))
    assert set(data) == INTERVIEW_KEYS
    assert data["explanation"] == [
        "Reply expected on Mon 23 Nov 2026.",
        "Business days counted (US-CA), 2 must pass: Tue 24 Nov, Wed 25 Nov.",
        "Thu 26 Nov: Thanksgiving Day",
        "Fri 27 Nov: Day After Thanksgiving",
        "Sat 28, Sun 29 Nov: weekend",
        "Email reminder: Mon 30 Nov 2026 at 09:00 (America/New_York).",
    ]


def test_show_of_a_closed_interview_has_no_reminder(cli: Cli) -> None:
    add(cli, "Acme", "2026-11-23")
    ok(cli("heard", "1", "--outcome", "offer"))
    assert ok(cli("show", "1")) == (
        "#1  Acme\n\nStatus:         heard back (offer)\nReply expected: Mon 23 Nov 2026\n"
    )
    data = as_json(cli("show", "1", "--json"))
    assert (data["next_reminder"], data["explanation"]) == (None, [])


# -- list -----------------------------------------------------------------------------------


@pytest.fixture
def three(cli: Cli) -> None:
    """Acme (open), Beta (withdrawn), Corp (emailed Wed 2026-11-25)."""
    add(cli, "Acme", "2026-11-23", "--role", "Engineer")
    add(cli, "Beta", "2026-11-24")
    add(cli, "Corp", "2026-11-20")
    ok(cli("withdraw", "2"))
    ok(cli("emailed", "3", "--on", "2026-11-25"))


@pytest.mark.usefixtures("three")
def test_list_shows_open_interviews_only(cli: Cli) -> None:
    """Acme's reminder came due Fri 27 Nov, two days before the clock: due, though no
    daemon showed it."""
    assert ok(cli("list")) == (
        "ID  COMPANY  ROLE      STATUS   NEXT REMINDER\n"
        "1   Acme     Engineer  waiting  due since Fri 27 Nov: email\n"
        "3   Corp     -         emailed  move on, Fri 4 Dec 2026 09:00 EST\n"
    )


@pytest.mark.usefixtures("three")
def test_list_all_includes_closed_interviews(cli: Cli) -> None:
    assert ok(cli("list", "--all")) == (
        "ID  COMPANY  ROLE      STATUS     NEXT REMINDER\n"
        "1   Acme     Engineer  waiting    due since Fri 27 Nov: email\n"
        "2   Beta     -         withdrawn  -\n"
        "3   Corp     -         emailed    move on, Fri 4 Dec 2026 09:00 EST\n"
    )


@pytest.mark.usefixtures("three")
@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ((), [(1, "waiting"), (3, "emailed")]),
        (("--all",), [(1, "waiting"), (2, "withdrawn"), (3, "emailed")]),
    ],
)
def test_list_json_is_an_array_of_interviews(
    cli: Cli, options: tuple[str, ...], expected: list[tuple[int, str]]
) -> None:
    data = as_json(cli("list", *options, "--json"))
    assert isinstance(data, list)
    assert all(set(item) == INTERVIEW_KEYS for item in data)
    assert [(item["id"], item["status"]) for item in data] == expected
    assert data[0]["next_reminder"] == {"kind": "email", "at": "2026-11-27T09:00:00-05:00"}


def test_list_with_no_interviews_says_so(cli: Cli) -> None:
    assert ok(cli("list")) == "No interviews.\n"
    assert as_json(cli("list", "--json")) == []


# -- upcoming -------------------------------------------------------------------------------


@pytest.fixture
def pending(cli: Cli) -> None:
    """Added in an order that is not the reminders' order; Dead is closed."""
    add(cli, "Later", "2026-12-07")  # Mon 7 Dec -> Thu 10 Dec
    add(cli, "Soon", "2026-11-23")  # Mon 23 Nov -> Fri 27 Nov (Thanksgiving skipped)
    add(cli, "Dead", "2026-11-16")
    add(cli, "Mailed", "2026-11-16")
    ok(cli("moved-on", "3"))
    ok(cli("emailed", "4", "--on", "2026-11-25"))  # Wed 25 Nov -> move on Fri 4 Dec


@pytest.mark.usefixtures("pending")
def test_upcoming_lists_pending_reminders_soonest_first(cli: Cli) -> None:
    """Soon's came due Fri 27 Nov, never shown: due."""
    assert ok(cli("upcoming")) == (
        "WHEN                       ID  COMPANY  REMINDER\n"
        "due since Fri 27 Nov       2   Soon     email\n"
        "Fri 4 Dec 2026 09:00 EST   4   Mailed   move on\n"
        "Thu 10 Dec 2026 09:00 EST  1   Later    email\n"
    )


@pytest.mark.usefixtures("pending")
def test_upcoming_json_is_an_array_soonest_first(cli: Cli) -> None:
    assert as_json(cli("upcoming", "--json")) == [
        {
            "interview_id": 2,
            "company": "Soon",
            "kind": "email",
            "at": "2026-11-27T09:00:00-05:00",
            "due": True,
            "shown_at": None,
        },
        {
            "interview_id": 4,
            "company": "Mailed",
            "kind": "move_on",
            "at": "2026-12-04T09:00:00-05:00",
            "due": False,
            "shown_at": None,
        },
        {
            "interview_id": 1,
            "company": "Later",
            "kind": "email",
            "at": "2026-12-10T09:00:00-05:00",
            "due": False,
            "shown_at": None,
        },
    ]


def test_upcoming_with_nothing_pending_says_so(cli: Cli) -> None:
    assert ok(cli("upcoming")) == "No reminders pending.\n"
    assert as_json(cli("upcoming", "--json")) == []


# -- emailed --------------------------------------------------------------------------------


def test_emailed_replaces_the_email_reminder_with_the_move_on_one(cli: Cli) -> None:
    add(cli, "Acme", "2026-11-23")
    # emailed Wed 25 Nov; Thu 26 Thanksgiving; Fri 27, Mon 30, Tue 1, Wed 2, Thu 3 pass
    assert ok(cli("emailed", "1", "--on", "2026-11-25")) == (
        "Recorded: emailed Acme on Wed 25 Nov 2026.\n"
        "If there is no reply, you will be told on Fri 4 Dec 2026 09:00 EST to move on.\n"
    )
    data = as_json(cli("show", "1", "--json"))
    assert (data["status"], data["emailed_on"]) == ("emailed", "2026-11-25")
    assert data["next_reminder"] == {"kind": "move_on", "at": "2026-12-04T09:00:00-05:00"}


def test_emailed_on_accepts_the_forms_of_dates_people_type(cli: Cli) -> None:
    add(cli, "Acme", "2026-11-23")
    data = as_json(cli("emailed", "1", "--on", "25 November 2026", "--json"))
    assert data["emailed_on"] == "2026-11-25"


LONG_PAST_WARNING = (
    "warning: the reply was promised for Mon 5 Jan 2026, 328 days ago: "
    "its reminder is already due\n"
)


def add_long_past(cli: Cli) -> None:
    """Acme, promised for Mon 5 Jan 2026: allowed, with a warning (today is 29 Nov 2026)."""
    result = cli("add", "Acme", "--expect", "2026-01-05")
    assert (result.code, result.err) == (0, LONG_PAST_WARNING)


def test_emailed_without_on_means_today(cli: Cli) -> None:
    add_long_past(cli)
    data = as_json(cli("emailed", "1", "--json"))
    today = real_today()
    assert data["emailed_on"] == today.isoformat()
    move_on = US.nth_business_day_after(today, 5 + 1)
    assert data["next_reminder"] == {"kind": "move_on", "at": nine_am(move_on)}


# -- heard ----------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["offer", "rejected", "other"])
@pytest.mark.parametrize("emailed_first", [False, True], ids=["waiting", "emailed"])
def test_heard_closes_the_interview_with_its_outcome(
    cli: Cli, outcome: str, emailed_first: bool
) -> None:
    add(cli, "Acme", "2026-11-23")
    if emailed_first:
        ok(cli("emailed", "1", "--on", "2026-11-27"))
    result = cli("heard", "1", "--outcome", outcome)
    assert ok(result) == f"Recorded: heard back from Acme ({outcome}). No more reminders.\n"
    data = as_json(cli("show", "1", "--json"))
    assert (data["status"], data["outcome"], data["next_reminder"]) == ("heard_back", outcome, None)


def test_next_round_starts_over_with_a_new_expected_date(cli: Cli) -> None:
    add(cli, "Acme", "2026-11-23")
    ok(cli("emailed", "1", "--on", "2026-11-27"))
    ok(cli("snooze", "1", "--days", "2"))
    # Mon 7 Dec; Tue 8, Wed 9 pass -> Thu 10 Dec, an email reminder again, no snooze
    assert ok(cli("heard", "1", "--outcome", "next-round", "--expect", "2026-12-07")) == (
        "Recorded: next round with Acme. Reminder to email if no reply: "
        "Thu 10 Dec 2026 09:00 EST.\n"
    )
    data = as_json(cli("show", "1", "--json"))
    assert {k: data[k] for k in ("status", "reply_expected_on", "emailed_on", "outcome")} == {
        "status": "waiting",
        "reply_expected_on": "2026-12-07",
        "emailed_on": None,
        "outcome": None,
    }
    assert data["next_reminder"] == {"kind": "email", "at": "2026-12-10T09:00:00-05:00"}


@pytest.mark.parametrize(
    ("args", "kind", "details"),
    [
        (
            ("--outcome", "offer", "--on", "2026-11-25"),
            "heard_back",
            {"outcome": "offer", "on": "2026-11-25"},
        ),
        (
            ("--outcome", "rejected", "--on", "24 November 2026"),
            "heard_back",
            {"outcome": "rejected", "on": "2026-11-24"},
        ),
        (
            ("--outcome", "next-round", "--on", "2026-11-25", "--expect", "2026-12-07"),
            "next_round",
            {"outcome": "next-round", "on": "2026-11-25", "expect": "2026-12-07"},
        ),
    ],
)
def test_heard_on_keeps_the_reply_day_in_the_history(
    cli: Cli, args: tuple[str, ...], kind: str, details: dict[str, str]
) -> None:
    add(cli, "Acme", "2026-11-23", "--interviewed", "2026-11-20")
    ok(cli("heard", "1", *args))
    last = as_json(cli("history", "1", "--json"))[-1]
    assert (last["kind"], last["details"]) == (kind, details)


def test_heard_on_the_day_of_the_interview_is_accepted(cli: Cli) -> None:
    add(cli, "Acme", "2026-11-23", "--interviewed", "2026-11-20")
    ok(cli("heard", "1", "--outcome", "rejected", "--on", "2026-11-20"))
    assert as_json(cli("history", "1", "--json"))[-1]["details"]["on"] == "2026-11-20"


# -- moved-on, withdraw ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "status", "text"),
    [
        ("moved-on", "moved_on", "Recorded: moved on from Acme. No more reminders.\n"),
        ("withdraw", "withdrawn", "Recorded: withdrew from Acme. No more reminders.\n"),
    ],
)
def test_closing_an_interview_ends_its_reminders(
    cli: Cli, command: str, status: str, text: str
) -> None:
    add(cli, "Acme", "2026-11-23")
    assert ok(cli(command, "1")) == text
    data = as_json(cli("show", "1", "--json"))
    assert (data["status"], data["next_reminder"]) == (status, None)
    assert as_json(cli("list", "--json")) == []


def test_closing_json_is_the_interview(cli: Cli) -> None:
    add(cli, "Acme", "2026-11-23")
    data = as_json(cli("moved-on", "1", "--json"))
    assert set(data) == INTERVIEW_KEYS
    assert (data["status"], data["next_reminder"]) == ("moved_on", None)


# -- snooze ---------------------------------------------------------------------------------


def test_snooze_counts_business_days_after_a_future_reminder(cli: Cli) -> None:
    # Mon 2036-11-24 expected; Thu 27 Thanksgiving -> email Fri 28 Nov 2036;
    # 3 business days later: Mon 1, Tue 2, Wed 3 Dec
    add(cli, "Acme", "2036-11-24")
    assert ok(cli("snooze", "1", "--days", "3")) == (
        "Snoozed Acme: email, Wed 3 Dec 2036 09:00 EST.\n"
    )
    data = as_json(cli("show", "1", "--json"))
    assert data["next_reminder"] == {"kind": "email", "at": "2036-12-03T09:00:00-05:00"}
    assert data["explanation"][-3:] == [
        "Email reminder was due Fri 28 Nov 2036.",
        "Snoozed to Wed 3 Dec 2036.",
        "Email reminder: Wed 3 Dec 2036 at 09:00 (America/New_York).",
    ]


def test_snooze_of_an_overdue_reminder_counts_from_today(cli: Cli) -> None:
    add_long_past(cli)  # email reminder Thu 8 Jan 2026, long past
    data = as_json(cli("snooze", "1", "--days", "2", "--json"))
    expected = US.nth_business_day_after(real_today(), 2)
    assert data["next_reminder"] == {"kind": "email", "at": nine_am(expected)}


def test_snooze_moves_the_move_on_reminder_once_emailed(cli: Cli) -> None:
    add(cli, "Acme", "2026-11-23")
    ok(cli("emailed", "1", "--on", "2026-11-25"))  # move on Fri 4 Dec 2026
    data = as_json(cli("snooze", "1", "--days", "1", "--json"))
    expected = US.nth_business_day_after(max(date(2026, 12, 4), real_today()), 1)
    assert data["next_reminder"] == {"kind": "move_on", "at": nine_am(expected)}


# -- delete ---------------------------------------------------------------------------------


def test_delete_with_yes_removes_the_interview_and_its_history(cli: Cli) -> None:
    add(cli, "Acme", "2026-11-23")
    add(cli, "Beta", "2026-11-23")
    assert ok(cli("delete", "1", "--yes")) == "Deleted interview 1.\n"
    assert [item["id"] for item in as_json(cli("list", "--all", "--json"))] == [2]
    for command in ("show", "history"):
        result = cli(command, "1")
        assert (result.code, result.err) == (1, "error: no interview with id 1\n")


# -- history --------------------------------------------------------------------------------


def test_history_records_every_change_in_order(cli: Cli) -> None:
    add(cli, "Acme", "2026-11-23")
    ok(cli("edit", "1", "--role", "Engineer"))
    ok(cli("emailed", "1", "--on", "2026-11-25"))
    ok(cli("snooze", "1", "--days", "2"))
    ok(cli("heard", "1", "--outcome", "next-round", "--expect", "2026-12-07"))
    ok(cli("heard", "1", "--outcome", "offer", "--on", "2026-11-26"))
    snoozed_to = US.nth_business_day_after(max(date(2026, 12, 4), real_today()), 2)

    entries = as_json(cli("history", "1", "--json"))
    assert [(e["kind"], e["details"]) for e in entries] == [
        ("created", {"company": "Acme", "reply_expected_on": "2026-11-23"}),
        ("edited", {"role": "Engineer"}),
        ("emailed", {"on": "2026-11-25"}),
        (
            "snoozed",
            {"kind": "move_on", "from": "2026-12-04", "to": snoozed_to.isoformat(), "days": 2},
        ),
        (
            "next_round",
            {"outcome": "next-round", "expect": "2026-12-07", "on": real_today().isoformat()},
        ),
        ("heard_back", {"outcome": "offer", "on": "2026-11-26"}),
    ]
    stamps = [datetime.fromisoformat(e["at"]) for e in entries]
    assert stamps == sorted(stamps)
    assert all(stamp.utcoffset() is not None for stamp in stamps)


@pytest.mark.parametrize(("command", "kind"), [("moved-on", "moved_on"), ("withdraw", "withdrawn")])
def test_history_records_how_an_interview_was_closed(cli: Cli, command: str, kind: str) -> None:
    add(cli, "Acme", "2026-11-23")
    ok(cli(command, "1"))
    entries = as_json(cli("history", "1", "--json"))
    assert [(e["kind"], e["details"]) for e in entries] == [
        ("created", {"company": "Acme", "reply_expected_on": "2026-11-23"}),
        (kind, {"on": real_today().isoformat()}),
    ]


@pytest.mark.parametrize(
    ("command", "on", "day"),
    [
        ("moved-on", "2026-11-27", "2026-11-27"),
        # Today is Sun 29 Nov 2026: "fri" is the Friday just past.
        ("moved-on", "fri", "2026-11-27"),
        ("withdraw", "2026-11-24", "2026-11-24"),
    ],
)
def test_a_close_on_a_past_day_is_recorded_on_that_day(
    cli: Cli, command: str, on: str, day: str
) -> None:
    add(cli, "Acme", "2026-11-23", "--interviewed", "2026-11-20")
    ok(cli(command, "1", "--on", on))
    assert as_json(cli("history", "1", "--json"))[-1]["details"] == {"on": day}


def test_history_text_has_one_line_per_change(cli: Cli) -> None:
    add(cli, "Acme", "2026-11-23")
    ok(cli("emailed", "1", "--on", "2026-11-25"))
    ok(cli("withdraw", "1"))
    lines = ok(cli("history", "1")).splitlines()
    assert [re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d  ", "", line) for line in lines] == [
        "created     company=Acme, reply_expected_on=2026-11-23",
        "emailed     on=2026-11-25",
        f"withdrawn   on={real_today().isoformat()}",
    ]


# -- countries ------------------------------------------------------------------------------


def test_countries_lists_codes_and_names_with_their_subdivisions(cli: Cli, db_path: Path) -> None:
    lines = ok(cli("countries")).splitlines()
    assert lines == sorted(lines)
    by_code = {line.split()[0]: line for line in lines}
    assert by_code["US"].startswith("US  United States: AK, AL, ")
    assert ", CA, " in by_code["US"]
    assert ", BY, " in by_code["DE"]
    assert by_code["JP"] == "JP  Japan"
    assert not db_path.exists()  # no database is needed to list countries


def test_countries_json_gives_codes_names_and_subdivisions(cli: Cli) -> None:
    data = {c["code"]: c for c in as_json(cli("countries", "--json"))}
    assert data["US"]["name"] == "United States"
    assert {"code": "CA", "name": "California"} in data["US"]["subdivisions"]
    assert {"code": "BY", "name": "Bavaria (also Bayern)"} in data["DE"]["subdivisions"]


# -- config ---------------------------------------------------------------------------------


@pytest.mark.own_store
def test_config_shows_the_path_and_every_default(cli: Cli, home: Path) -> None:
    assert ok(cli("config")) == (
        f"config file: {home}/.config/followup/config.toml (not present)\n"
        'calendar.country = "US"  # default\n'
        "calendar.subdivision = (none)  # default\n"
        'calendar.weekend = ["saturday", "sunday"]  # default\n'
        'calendar.categories = ["public"]  # default\n'
        'calendar.timezone = "America/New_York"  # default\n'
        'calendar.date_order = "mdy"  # default\n'
        "rules.email_after_business_days = 2  # default\n"
        "rules.move_on_after_business_days = 5  # default\n"
        "rules.default_wait_business_days = 5  # default\n"
        'notify.at = "09:00"  # default\n'
        'notify.until = "20:00"  # default\n'
        "notify.repeat_after_business_days = 1  # default\n"
        'notify.app_name = "followup"  # default\n'
        'notify.channels = ["desktop"]  # default\n'
        'notify.backend = "auto"  # default\n'
        f'store.url = "sqlite:///{home}/.local/share/followup/followup.db"  # default\n'
        "you.name = (none)  # default\n"
        "you.signature = (none)  # default\n"
        "lint.extra_phrases = []  # default\n"
        "export.ics_path = (none)  # default\n"
        "mail.imap_host = (none)  # default\n"
        "mail.imap_port = (none)  # default\n"
        'mail.security = "tls"  # default\n'
        "mail.username = (none)  # default\n"
        "mail.password_command = (none)  # default\n"
        "mail.ca_file = (none)  # default\n"
        'mail.reply_folders = ["INBOX"]  # default\n'
        "mail.sent_folder = (none)  # default\n"
        "mail.check_every_minutes = 10  # default\n"
        "mail.maildir = (none)  # default\n"
        "mail.addresses = (none)  # default\n"
        "caldav.url = (none)  # default\n"
        "caldav.username = (none)  # default\n"
        "caldav.password_command = (none)  # default\n"
        'caldav.calendar = "followup"  # default\n'
        "caldav.ca_file = (none)  # default\n"
        "caldav.check_every_minutes = 5  # default\n"
        "apprise.urls = (none)  # default\n"
        "apprise.urls_command = (none)  # default\n"
    )


def test_config_marks_only_defaults_as_default(cli: Cli, config_file: Path) -> None:
    config_file.write_text('[rules]\nemail_after_business_days = 3\n[notify]\nat = "08:30"\n')
    lines = ok(cli("config")).splitlines()
    assert lines[0] == f"config file: {config_file}"
    assert "rules.email_after_business_days = 3" in lines
    assert 'notify.at = "08:30"' in lines
    assert "rules.move_on_after_business_days = 5  # default" in lines


def test_config_json_has_the_path_and_settings(cli: Cli, config_file: Path) -> None:
    config_file.write_text('[calendar]\ncountry = "DE"\nsubdivision = "BY"\n')
    data = as_json(cli("config", "--json"))
    assert data["path"] == str(config_file)
    assert data["settings"]["calendar.country"] == "DE"
    assert data["settings"]["calendar.subdivision"] == "BY"
    assert data["settings"]["rules.email_after_business_days"] == 2


# -- init -----------------------------------------------------------------------------------


def test_init_writes_the_commented_config(cli: Cli, home: Path) -> None:
    path = home / ".config/followup/config.toml"
    assert ok(cli("init")).startswith(f"Wrote {path}\nNext steps:\n")
    assert path.read_text() == config_docs.example()
    assert ok(cli("config")).startswith(f"config file: {path}\n")


def test_init_country_writes_it_uncommented(cli: Cli, home: Path) -> None:
    path = home / ".config/followup/config.toml"
    ok(cli("init", "--country", "de"))
    text = path.read_text()
    assert text == config_docs.example(country="DE")
    assert 'country = "DE"' in text.splitlines()
    assert as_json(cli("config", "--json"))["settings"]["calendar.country"] == "DE"


def test_init_writes_where_config_points(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "elsewhere/followup.toml"
    assert ok(cli("--config", str(path), "init")).startswith(f"Wrote {path}\nNext steps:\n")
    assert path.read_text() == config_docs.example()


def test_init_refuses_to_overwrite(cli: Cli, config_file: Path) -> None:
    config_file.write_text("# mine\n")
    result = cli("init", "--country", "DE")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"error: a config file already exists at {config_file}; edit it, or remove it first\n"
    )
    assert config_file.read_text() == "# mine\n"


def test_init_with_an_unknown_country_writes_nothing(cli: Cli, config_file: Path) -> None:
    result = cli("init", "--country", "ZZ")
    assert result.code != 0
    assert result.err == (
        "error: calendar: unknown country 'ZZ' (see 'followup countries' for the codes)\n"
    )
    assert not config_file.exists()


# -- version --------------------------------------------------------------------------------


@pytest.mark.system
def test_python_m_followup_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "followup", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, f"followup {__version__}\n", "")


# -- bad input ------------------------------------------------------------------------------


def _case(
    args: tuple[str, ...],
    code: int,
    message: str,
    *,
    config: str | None = None,
    before: tuple[tuple[str, ...], ...] = (),
    id: str,
) -> Any:
    return pytest.param(args, code, message, config, before, id=id)


BAD_INPUT = [
    # unreadable dates
    _case(
        ("add", "Beta", "--expect", "blah"),
        2,
        "unreadable date 'blah' (try 2026-11-24, 'friday', 'end of next week', "
        "'in 5 business days'; see: followup help dates)",
        id="date blah",
    ),
    _case(
        ("add", "Beta", "--expect", "3pm"),
        2,
        "unreadable date '3pm' (try 2026-11-24, 'friday', 'end of next week', "
        "'in 5 business days'; see: followup help dates)",
        id="date 3pm",
    ),
    _case(
        ("edit", "1", "--expect", "2026-02-30"),
        2,
        "unreadable date '2026-02-30': no such day",
        id="date 2026-02-30",
    ),
    _case(
        ("add", "Beta", "--expect", "2026-11-23", "--interviewed", "someday"),
        2,
        "unreadable date 'someday' (try 2026-11-24, 'tomorrow' or 'Nov 24')",
        id="interviewed someday",
    ),
    _case(
        ("emailed", "1", "--on", "soon"),
        2,
        "unreadable date 'soon' (try 2026-11-24, 'tomorrow' or 'Nov 24')",
        id="emailed on soon",
    ),
    # unknown ids
    _case(("show", "99"), 1, "no interview with id 99", id="show unknown id"),
    _case(("edit", "99", "--role", "CTO"), 1, "no interview with id 99", id="edit unknown id"),
    _case(
        ("emailed", "99", "--on", "2026-11-25"),
        1,
        "no interview with id 99",
        id="emailed unknown id",
    ),
    _case(
        ("heard", "99", "--outcome", "offer"), 1, "no interview with id 99", id="heard unknown id"
    ),
    _case(("snooze", "99", "--days", "2"), 1, "no interview with id 99", id="snooze unknown id"),
    _case(("moved-on", "99"), 1, "no interview with id 99", id="moved-on unknown id"),
    _case(("delete", "99", "--yes"), 1, "no interview with id 99", id="delete unknown id"),
    _case(("history", "99"), 1, "no interview with id 99", id="history unknown id"),
    # bad ids
    _case(
        ("show", "abc"),
        1,
        "no interview with id or company 'abc' (see: followup list --all)",
        id="company abc",
    ),
    _case(("show", "-1"), 2, "argument id: not an interview id or company name: '-1'", id="id -1"),
    _case(("withdraw", "0"), 2, "argument id: not an interview id or company name: '0'", id="id 0"),
    # places
    _case(
        ("add", "Beta", "--expect", "2026-11-23", "--country", "ZZ"),
        2,
        "unknown country 'ZZ' (see 'followup countries' for the codes)",
        id="country ZZ",
    ),
    _case(
        ("edit", "1", "--country", "zz"),
        2,
        "unknown country 'ZZ' (see 'followup countries' for the codes)",
        id="edit country zz",
    ),
    _case(
        ("add", "Beta", "--expect", "2026-11-23", "--subdivision", "ZZ"),
        2,
        "unknown subdivision 'ZZ' for US (known: AK, AL, ...); see 'followup countries US'",
        id="subdivision ZZ",
    ),
    _case(
        ("add", "Beta", "--expect", "2026-11-23", "--country", "DE", "--subdivision", "CA"),
        2,
        "unknown subdivision 'CA' for DE (known: ...); see 'followup countries DE'",
        id="subdivision CA in DE",
    ),
    # dates that contradict each other
    _case(
        ("add", "Beta", "--interviewed", "2026-11-23", "--expect", "2026-11-20"),
        2,
        "expected date 2026-11-20 is before the interview date 2026-11-23",
        id="add expect before interview",
    ),
    _case(
        ("edit", "1", "--expect", "2026-11-19"),
        2,
        "expected date 2026-11-19 is before the interview date 2026-11-20",
        id="edit expect before interview",
    ),
    _case(
        ("heard", "1", "--outcome", "next-round", "--expect", "2026-11-19"),
        2,
        "expected date 2026-11-19 is before the interview date 2026-11-20",
        id="next-round expect before interview",
    ),
    _case(
        ("emailed", "1", "--on", "2026-11-19"),
        2,
        "email date 2026-11-19 is before the interview date 2026-11-20",
        id="emailed before interview",
    ),
    _case(
        ("emailed", "1", "--on", "2099-01-05"),
        2,
        "email date 2099-01-05 is in the future",
        id="emailed in the future",
    ),
    _case(
        ("heard", "1", "--outcome", "offer", "--on", "2099-01-05"),
        2,
        "reply date 2099-01-05 is in the future",
        id="heard on a future day",
    ),
    _case(
        ("heard", "1", "--outcome", "next-round", "--expect", "2099-02-01", "--on", "2099-01-05"),
        2,
        "reply date 2099-01-05 is in the future",
        id="next round on a future day",
    ),
    _case(
        ("heard", "1", "--outcome", "rejected", "--on", "2026-11-19"),
        2,
        "reply date 2026-11-19 is before the interview date 2026-11-20",
        id="heard before the interview",
    ),
    _case(
        ("moved-on", "1", "--on", "2099-01-05"),
        2,
        "move-on date 2099-01-05 is in the future",
        id="moved-on on a future day",
    ),
    _case(
        ("withdraw", "1", "--on", "2026-11-19"),
        2,
        "withdrawal date 2026-11-19 is before the interview date 2026-11-20",
        id="withdraw before the interview",
    ),
    _case(
        ("moved-on", "1", "--on", "soon"),
        2,
        "unreadable date 'soon' (try 2026-11-24, 'tomorrow' or 'Nov 24')",
        id="moved-on on soon",
    ),
    _case(
        ("heard", "1", "--outcome", "offer", "--on", "soon"),
        2,
        "unreadable date 'soon' (try 2026-11-24, 'tomorrow' or 'Nov 24')",
        id="heard on soon",
    ),
    # other values
    _case(
        ("add", "Beta", "--expect", "2026-11-23", "--email", "nope"),
        2,
        "invalid email address 'nope'",
        id="email nope",
    ),
    _case(
        ("edit", "1", "--email", "ann@acme"),
        2,
        "invalid email address 'ann@acme'",
        id="edit email without domain",
    ),
    _case(
        ("add", "  ", "--expect", "2026-11-23"),
        2,
        "the company name must not be empty",
        id="empty company",
    ),
    _case(
        ("edit", "1", "--company", ""),
        2,
        "the company name must not be empty",
        id="edit empty company",
    ),
    _case(
        ("edit", "1"),
        2,
        "nothing to change: give at least one option, e.g. --role",
        id="edit nothing",
    ),
    _case(
        ("heard", "1", "--outcome", "next-round"),
        2,
        "--expect DATE is required with --outcome next-round",
        id="next-round without expect",
    ),
    _case(
        ("heard", "1", "--outcome", "offer", "--expect", "2026-12-07"),
        2,
        "--expect goes only with --outcome next-round, not 'offer'",
        id="offer with expect",
    ),
    _case(
        ("heard", "1", "--outcome", "maybe"),
        2,
        "argument --outcome: invalid choice: 'maybe' (choose from ...)",
        id="outcome maybe",
    ),
    _case(
        ("snooze", "1", "--days", "abc"),
        2,
        "argument --days: not a whole number: 'abc'",
        id="snooze days abc",
    ),
    _case(
        ("snooze", "1", "--days", "0"), 2, "--days 0: must be between 1 and 60", id="snooze days 0"
    ),
    _case(
        ("snooze", "1", "--days", "61"),
        2,
        "--days 61: must be between 1 and 60",
        id="snooze days 61",
    ),
    _case(
        ("delete", "1"),
        2,
        "deleting interview 1 cannot be undone: add --yes",
        id="delete without yes",
    ),
    # usage
    _case(
        ("add", "Beta"),
        2,
        "the following arguments are required: --expect DATE (the day they said they would "
        "reply), or --interviewed DATE to expect it rules.default_wait_business_days "
        "business days after the interview",
        id="add without expect",
    ),
    _case(
        ("frobnicate",),
        2,
        "unknown command 'frobnicate'; see: followup --help",
        id="unknown command",
    ),
    _case(("list", "--bogus"), 2, "unrecognized arguments: --bogus", id="unknown option"),
    # closed interviews
    _case(
        ("emailed", "1", "--on", "2026-11-25"),
        1,
        "cannot record an email for interview 1 (Acme): it is closed (moved on)",
        before=(("moved-on", "1"),),
        id="emailed after moved-on",
    ),
    _case(
        ("heard", "1", "--outcome", "rejected"),
        1,
        "cannot record a reply for interview 1 (Acme): it is closed (heard back)",
        before=(("heard", "1", "--outcome", "offer"),),
        id="heard after heard",
    ),
    _case(
        ("snooze", "1", "--days", "2"),
        1,
        "cannot snooze interview 1 (Acme): it is closed (withdrawn)",
        before=(("withdraw", "1"),),
        id="snooze after withdraw",
    ),
    _case(
        ("moved-on", "1"),
        1,
        "cannot move on from interview 1 (Acme): it is closed (withdrawn)",
        before=(("withdraw", "1"),),
        id="moved-on after withdraw",
    ),
    _case(
        ("withdraw", "1"),
        1,
        "cannot withdraw from interview 1 (Acme): it is closed (moved on)",
        before=(("moved-on", "1"),),
        id="withdraw after moved-on",
    ),
    # the config file
    _case(
        ("list",),
        1,
        "{config}: malformed TOML: ... (at line 3, column 12)",
        config='[calendar]\ncountry = "US"\nsubdivision\n',
        id="config malformed TOML",
    ),
    _case(
        ("list",),
        1,
        "{config}: unknown key calendar.countyr (did you mean 'country'?)",
        config='[calendar]\ncountyr = "US"\n',
        id="config unknown key",
    ),
    _case(
        ("list",),
        1,
        "{config}: unknown key rules.email_after_busines_days "
        "(did you mean 'email_after_business_days'?)",
        config="[rules]\nemail_after_busines_days = 3\n",
        id="config misspelt key",
    ),
    _case(
        ("list",),
        1,
        "{config}: unknown section [calender] (did you mean 'calendar'?)",
        config='[calender]\ncountry = "US"\n',
        id="config unknown section",
    ),
    _case(
        ("list",),
        1,
        "{config}: unknown section [colours]",
        config='[colours]\nred = "yes"\n',
        id="config unrelated section",
    ),
    _case(
        ("list",),
        1,
        '{config}: rules.email_after_business_days = "two": expected a whole number',
        config='[rules]\nemail_after_business_days = "two"\n',
        id="config wrong type",
    ),
    _case(
        ("list",),
        1,
        "{config}: notify.at = 9: expected a string",
        config="[notify]\nat = 9\n",
        id="config number for a time",
    ),
    _case(
        ("list",),
        1,
        "{config}: rules.email_after_business_days = 99: must be between 0 and 60",
        config="[rules]\nemail_after_business_days = 99\n",
        id="config out of range",
    ),
    _case(
        ("list",),
        1,
        "{config}: notify.until '09:00' must be later than notify.at '10:00'",
        config='[notify]\nat = "10:00"\nuntil = "09:00"\n',
        id="config until before at",
    ),
    _case(
        ("list",),
        1,
        "{config}: notify.at = \"25:00\": must be a time of day like '09:00'",
        config='[notify]\nat = "25:00"\n',
        id="config bad time",
    ),
    _case(
        ("list",),
        1,
        "{config}: notify.backend = \"kde\": must be 'auto', 'dbus' or 'plyer'",
        config='[notify]\nbackend = "kde"\n',
        id="config unknown notification backend",
    ),
    _case(
        ("list",),
        1,
        '{config}: calendar.timezone = "Mars/Base": is not an IANA time zone '
        "(e.g. 'Europe/Berlin')",
        config='[calendar]\ntimezone = "Mars/Base"\n',
        id="config bad zone",
    ),
    _case(
        ("list",),
        1,
        "{config}: calendar.weekend: 'funday' is not a day name (e.g. 'saturday')",
        config='[calendar]\nweekend = ["funday"]\n',
        id="config bad weekend",
    ),
    _case(
        ("--config", "{tmp}/missing.toml", "list"),
        1,
        "{tmp}/missing.toml: no such config file",
        id="config file missing",
    ),
    # the database
    _case(
        ("list",),
        1,
        "store.url 'sqlite:///{tmp}/blocker/followup/followup.db': the folder "
        "{tmp}/blocker/followup does not exist; nothing was created",
        config='[store]\nurl = "sqlite:///{tmp}/blocker/followup/followup.db"\n',
        id="database folder under a regular file",
    ),
]


def _pattern(message: str) -> str:
    """The message as a full-line pattern; ``...`` stands for any text."""
    return ".*".join(re.escape(part) for part in message.split("..."))


@pytest.mark.parametrize(("args", "code", "message", "config", "before"), BAD_INPUT)
def test_bad_input_is_one_error_line_and_changes_nothing(
    cli: Cli,
    db_path: Path,
    config_file: Path,
    tmp_path: Path,
    args: tuple[str, ...],
    code: int,
    message: str,
    config: str | None,
    before: tuple[tuple[str, ...], ...],
) -> None:
    def fill(text: str) -> str:
        return text.replace("{config}", str(config_file)).replace("{tmp}", str(tmp_path))

    add(cli, "Acme", "2026-11-23", "--interviewed", "2026-11-20")
    for step in before:
        ok(cli(*step))
    (tmp_path / "blocker").write_text("a regular file where a folder should be\n")
    if config is not None:
        config_file.write_text(fill(config))
    unchanged = snapshot(db_path)
    assert unchanged

    result = cli(*(fill(arg) for arg in args))

    assert result.code == code
    assert result.out == ""
    assert result.err.endswith("\n")
    [line] = result.err.splitlines()
    assert re.fullmatch("error: " + _pattern(fill(message)), line), line
    assert "Traceback" not in result.err
    assert snapshot(db_path) == unchanged


@pytest.mark.parametrize(
    ("country", "subdivision", "edited", "calendar"),
    [
        ("DE", "BY", "be", "DE-BE"),  # Berlin, not a US state
        ("CA", "ON", "bc", "CA-BC"),
        ("US", "CA", "ny", "US-NY"),
    ],
)
def test_a_subdivision_edited_alone_is_one_of_the_interviews_own_country(
    cli: Cli, country: str, subdivision: str, edited: str, calendar: str
) -> None:
    ok(
        cli(
            "add",
            "Acme",
            "--expect",
            "2026-12-01",
            "--country",
            country,
            "--subdivision",
            subdivision,
        )
    )

    shown = ok(cli("edit", "1", "--subdivision", edited))

    assert f"Calendar:       {calendar}\n" in shown


def test_a_subdivision_edited_alone_that_the_interviews_country_lacks_changes_nothing(
    cli: Cli, db_path: Path
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-12-01", "--country", "DE", "--subdivision", "BY"))
    unchanged = snapshot(db_path)

    result = cli("edit", "1", "--subdivision", "ny")

    assert result.code == 2
    assert result.err.startswith("error: unknown subdivision 'ny' for DE "), result.err
    assert snapshot(db_path) == unchanged
