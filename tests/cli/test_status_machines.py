"""``followup status`` names the machines that showed reminders: each one's name, short id and
the reminder it showed last, with when, this machine marked; ``--json`` the same.

Commands run at ``CLI_NOW`` (Sun 29 Nov 2026, 12:00 in New York), US calendar. Acme (promised
Mon 23 Nov) has its email reminder on Fri 27 Nov 09:00 EST; Globex (promised Fri 20 Nov) on
Wed 25 Nov 09:00 EST. This machine is "desktop"; "laptop" is another machine on the store.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from followup.config import load
from followup.lifecycle.service import Tracker
from followup.machine import Machine
from followup.paths import machine_file
from followup.rules import Kind
from followup.store import Database
from tests.support.specs import Cli

NY = ZoneInfo("America/New_York")
DESKTOP = Machine("2b7e1516-28ae-4d2a-abf7-158809cf4f3c", "desktop")
LAPTOP = Machine("6bc1bee2-2e40-49f9-96e9-3d7e117393c1", "laptop")
WED_25_0900 = datetime(2026, 11, 25, 9, 0, tzinfo=NY)
FRI_27_0900 = datetime(2026, 11, 27, 9, 0, tzinfo=NY)


def ok(result: object) -> str:
    assert (result.code, result.err) == (0, ""), result  # type: ignore[attr-defined]
    return result.out  # type: ignore[attr-defined,no-any-return]


def shown(machine: Machine | None, interview_id: int, due: datetime, second: int) -> None:
    """``machine`` showed the interview's email reminder due at ``due``, ``second`` seconds
    after it came due (None: a version from before machines were told apart)."""
    config = load()
    db = Database(config.store_url)
    try:
        at = due.replace(second=second)
        entry = [(interview_id, Kind.EMAIL, due)]
        tracker = Tracker(config, db, machine)
        tracker.record_intent(entry, at)
        tracker.confirm_shown(entry, at)
    finally:
        db.close()


@pytest.fixture
def two_interviews(cli: Cli) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    ok(cli("add", "Globex", "--expect", "2026-11-20"))


@pytest.fixture
def this_is_the_desktop() -> None:
    path = machine_file(os.environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"id": DESKTOP.id, "name": DESKTOP.name}))


@pytest.fixture
def shown_on_both(two_interviews: None, this_is_the_desktop: None) -> None:
    shown(LAPTOP, 2, WED_25_0900, 2)
    shown(DESKTOP, 1, FRI_27_0900, 5)
    shown(LAPTOP, 1, FRI_27_0900, 7)


def status_lines(cli: Cli) -> list[str]:
    """``followup status`` without its first line (whether the daemon runs, which depends
    on this machine's service manager)."""
    return ok(cli("status")).splitlines()[1:]


@pytest.mark.usefixtures("shown_on_both")
def test_status_lists_each_machine_with_the_reminder_it_showed_last(cli: Cli) -> None:
    assert status_lines(cli) == [
        "next reminder:  email Acme (interview 1), due since Fri 27 Nov",
        "last shown:     email Acme (interview 1), Fri 27 Nov 2026 09:00 EST",
        "shown on:       laptop (6bc1bee2): email Acme (interview 1), Fri 27 Nov 2026 09:00 EST",
        "                desktop (2b7e1516, this machine): email Acme (interview 1), "
        "Fri 27 Nov 2026 09:00 EST",
    ]


@pytest.mark.usefixtures("shown_on_both")
def test_status_json_lists_the_machines_with_their_full_ids(cli: Cli) -> None:
    assert json.loads(ok(cli("status", "--json")))["shown_on"] == [
        {
            "machine_id": LAPTOP.id,
            "machine": "laptop",
            "this_machine": False,
            "interview_id": 1,
            "company": "Acme",
            "kind": "email",
            "shown_at": "2026-11-27T09:00:07-05:00",
        },
        {
            "machine_id": DESKTOP.id,
            "machine": "desktop",
            "this_machine": True,
            "interview_id": 1,
            "company": "Acme",
            "kind": "email",
            "shown_at": "2026-11-27T09:00:05-05:00",
        },
    ]


@pytest.mark.usefixtures("two_interviews")
def test_a_machine_that_never_showed_a_reminder_is_marked_nowhere_and_gets_no_id(
    cli: Cli,
) -> None:
    shown(LAPTOP, 2, WED_25_0900, 2)

    assert status_lines(cli)[2:] == [
        "shown on:       laptop (6bc1bee2): email Globex (interview 2), Wed 25 Nov 2026 09:00 EST"
    ]
    assert [m["this_machine"] for m in json.loads(ok(cli("status", "--json")))["shown_on"]] == [
        False
    ]
    assert not machine_file(os.environ).exists()


@pytest.mark.usefixtures("two_interviews")
def test_reminders_shown_before_machines_were_told_apart_are_shown_as_before(
    cli: Cli,
) -> None:
    shown(None, 2, WED_25_0900, 2)

    assert status_lines(cli) == [
        "next reminder:  email Globex (interview 2), due since Wed 25 Nov",
        "last shown:     email Globex (interview 2), Wed 25 Nov 2026 09:00 EST",
    ]
    assert json.loads(ok(cli("status", "--json")))["shown_on"] == []


@pytest.mark.usefixtures("two_interviews", "this_is_the_desktop")
def test_with_nothing_shown_anywhere_status_is_as_it_was(cli: Cli) -> None:
    assert status_lines(cli) == [
        "next reminder:  email Globex (interview 2), Wed 25 Nov 2026 09:00 EST; due, shown "
        "within the 09:00-20:00 window",
        "last shown:     none yet",
    ]


@pytest.mark.usefixtures("shown_on_both")
def test_a_reminder_shown_on_another_machine_only_is_still_to_come_here(cli: Cli) -> None:
    """Globex was shown on the laptop: on the desktop it is still to be shown (its daemon
    shows it: never shown here), and due, since its instant has passed."""
    upcoming = {d["interview_id"]: d for d in json.loads(ok(cli("upcoming", "--json")))}
    assert (upcoming[1]["due"], upcoming[2]["due"]) == (True, True)
    assert (upcoming[2]["at"], upcoming[2]["shown_at"]) == ("2026-11-25T09:00:00-05:00", None)


def test_a_damaged_machine_file_is_one_error_line(cli: Cli) -> None:
    path = machine_file(os.environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{")
    result = cli("status")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"error: the machine file {path} is damaged: not JSON; remove it to give this "
        "machine a new id (its due reminders are then shown again)\n"
    )
