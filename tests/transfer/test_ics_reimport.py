"""A calendar that imports every later export keeps exactly the live reminders.

Calendar applications import an ``.ics`` file by adding or updating events by UID and never
delete one. The model calendar here does just that (RFC 5546 3.2 / RFC 5545 3.8.7.4): an
event replaces the stored one of its UID only when its SEQUENCE is higher (or equal with a
later DTSTAMP), and an event with ``STATUS:CANCELLED`` is kept as cancelled, not shown.
After each step of a sequence of changes, importing the latest export must leave exactly
the reminders ``followup upcoming`` shows, and the promised days of the interviews there
are. Every file is also parsed by a second library (vobject), which must read the same
events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import vobject
from icalendar import Calendar

from tests.support.specs import Cli, ok


@dataclass
class Stored:
    sequence: int
    stamp: datetime
    cancelled: bool
    summary: str
    start: Any


class ModelCalendar:
    """A calendar application's view: events by UID, updated, never deleted."""

    def __init__(self) -> None:
        self.events: dict[str, Stored] = {}

    def import_file(self, data: bytes) -> None:
        for event in Calendar.from_ical(data).walk("VEVENT"):
            uid = str(event["UID"])
            new = Stored(
                int(event.decoded("SEQUENCE")),
                event.decoded("DTSTAMP"),
                str(event.get("STATUS", "")) == "CANCELLED",
                str(event["SUMMARY"]),
                event.decoded("DTSTART"),
            )
            old = self.events.get(uid)
            if old is None or (new.sequence, new.stamp) > (old.sequence, old.stamp):
                self.events[uid] = new

    def reminders(self) -> list[tuple[str, datetime]]:
        """The live reminders, as (summary, start in UTC), soonest first."""
        return sorted(
            ((e.summary, e.start.astimezone(UTC)) for uid, e in self.events.items()
             if uid.startswith("reminder-") and not e.cancelled),
            key=lambda item: (item[1], item[0]),
        )  # fmt: skip

    def reply_days(self) -> list[str]:
        return sorted(
            e.start.isoformat()
            for uid, e in self.events.items()
            if uid.startswith("reply-") and not e.cancelled
        )


def second_reading(data: bytes) -> list[tuple[str, int, str]]:
    """(UID, SEQUENCE, STATUS) of every event, as vobject reads the file."""
    calendar = vobject.readOne(data.decode("utf-8"))
    return sorted(
        (
            str(e.uid.value),
            int(e.sequence.value),
            str(e.status.value) if hasattr(e, "status") else "",
        )
        for e in calendar.vevent_list
    )


def first_reading(data: bytes) -> list[tuple[str, int, str]]:
    return sorted(
        (str(e["UID"]), int(e.decoded("SEQUENCE")), str(e.get("STATUS", "")))
        for e in Calendar.from_ical(data).walk("VEVENT")
    )


def upcoming(cli: Cli) -> list[tuple[str, datetime]]:
    words = {"email": "Email {} to follow up", "move_on": "Move on from {}"}
    return sorted(
        (
            (words[d["kind"]].format(d["company"]), datetime.fromisoformat(d["at"]).astimezone(UTC))
            for d in json.loads(ok(cli("upcoming", "--json")))
        ),
        key=lambda item: (item[1], item[0]),
    )


def promised_days(cli: Cli) -> list[str]:
    return sorted(i["reply_expected_on"] for i in json.loads(ok(cli("list", "--all", "--json"))))


def step(cli: Cli, command: tuple[str, ...]) -> None:
    """Run one step; emails recorded before the promised day earn only the advice's note."""
    result = cli(*command)
    assert result.code == 0, result
    assert all(line.startswith("note: ") for line in result.err.splitlines()), result


STEPS: list[tuple[str, tuple[str, ...]]] = [
    ("add Acme", ("add", "Acme", "--expect", "2026-12-07")),
    ("add Beta", ("add", "Beta", "--expect", "2026-12-08")),
    ("add Corp", ("add", "Corp", "--expect", "2026-12-09")),
    ("add Dyno", ("add", "Dyno", "--expect", "2026-12-10")),
    ("add Echo", ("add", "Echo", "--expect", "2026-12-11")),
    ("add Fox", ("add", "Fox", "--expect", "2026-12-14")),
    ("emailed Acme", ("emailed", "1", "--on", "2026-11-27")),
    ("heard from Beta", ("heard", "2", "--outcome", "offer", "--on", "2026-11-27")),
    ("moved on from Acme", ("moved-on", "1")),
    ("withdrew from Corp", ("withdraw", "3")),
    ("deleted Dyno", ("delete", "4", "--yes")),
    ("snoozed Echo", ("snooze", "5", "--days", "3")),
    ("next round with Fox", ("heard", "6", "--outcome", "next-round", "--on", "2026-11-27",
                             "--expect", "2026-12-21")),
    ("emailed Fox", ("emailed", "6", "--on", "2026-11-28")),
    ("edited Echo's promise", ("edit", "5", "--expect", "2026-12-15")),
]  # fmt: skip


def test_reimporting_each_later_export_leaves_exactly_the_upcoming_reminders(
    cli: Cli,
) -> None:
    calendar = ModelCalendar()
    seen: list[str] = []
    for what, command in STEPS:
        step(cli, command)
        data = ok(cli("export", "--format", "ics")).encode()
        assert second_reading(data) == first_reading(data), what
        calendar.import_file(data)
        seen.append(what)
        assert calendar.reminders() == upcoming(cli), seen
        assert calendar.reply_days() == promised_days(cli), seen
    # at the end only Fox (emailed Sat 28 Nov: move on Mon 7 Dec) and Echo (snoozed, then
    # promised for Tue 15 Dec: email Fri 18 Dec) have reminders
    assert [(summary, f"{at:%a %d %b}") for summary, at in calendar.reminders()] == [
        ("Move on from Fox", "Mon 07 Dec"),
        ("Email Echo to follow up", "Fri 18 Dec"),
    ]


def test_a_calendar_that_skipped_exports_still_ends_right(cli: Cli) -> None:
    """Importing only the first and the last export gives the same as importing all."""
    calendar = ModelCalendar()
    for index, (_what, command) in enumerate(STEPS):
        step(cli, command)
        if index in (5, len(STEPS) - 1):
            calendar.import_file(ok(cli("export", "--format", "ics")).encode())
    assert calendar.reminders() == upcoming(cli)
    assert calendar.reply_days() == promised_days(cli)


def test_every_change_raises_the_sequence_of_a_uid(cli: Cli) -> None:
    sequences: dict[str, list[int]] = {}
    for _what, command in STEPS:
        step(cli, command)
        data = ok(cli("export", "--format", "ics")).encode()
        for uid, sequence, _status in first_reading(data):
            history = sequences.setdefault(uid, [])
            if not history or history[-1] != sequence:
                history.append(sequence)
    for uid, history in sequences.items():
        assert history == sorted(set(history)), uid
