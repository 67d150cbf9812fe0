"""What a tick on the phone records, in-process on a real SQLite store filled through the
CLI (no server: the ticks are handed over as the task list would hand them): "emailed" on
the day ticked in the user's zone for an email task, "moved on" for a move-on task, and
nothing for a tick on a reminder already acted on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from followup.channels.caldav import CalDAVSettings
from followup.channels.tasklist import TaskList, Tick
from followup.config import load
from followup.daemon.context import Context
from followup.daemon.screen import Screen
from followup.daemon.state import new_state
from followup.daemon.tasks import TaskSync
from followup.lifecycle.service import Tracker
from followup.machine import this_machine
from followup.notify.choose import make_notifier
from followup.rules import Kind, Status
from followup.store import Database
from tests.support.specs import Cli, ok

#: Thu 3 Dec 2026, 12:00 UTC (07:00 in New York, the tests' zone).
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def part(cli: Cli) -> Iterator[TaskSync]:
    """The CalDAV channel's part of the daemon on the test's store: Acme (waiting, its
    email reminder due) and Beta (emailed on Mon 23 Nov, its move-on reminder next)."""
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    ok(cli("add", "Beta", "--expect", "2026-11-16"))
    ok(cli("emailed", "2", "--on", "2026-11-23"))
    config = load()
    db = Database(config.store_url)
    tracker = Tracker(config, db, this_machine(os.environ))
    env = dict(os.environ)
    state = new_state(os.getpid(), "2026-12-03T12:00:00+00:00")
    context = Context(
        config, tracker, make_notifier("plyer", env), state, env, lambda: None, lambda: None
    )
    yield TaskSync(context, Screen(context), "caldav", TaskList(CalDAVSettings()), 300.0)
    db.close()


@pytest.mark.parametrize(
    ("ticked", "day"),
    [
        (datetime(2026, 12, 2, 15, 0, tzinfo=UTC), date(2026, 12, 2)),
        # 22:30 on Wed 2 Dec in New York is already Thursday in UTC.
        (datetime(2026, 12, 3, 3, 30, tzinfo=UTC), date(2026, 12, 2)),
        (datetime(2026, 12, 3, 11, 0, tzinfo=UTC), date(2026, 12, 3)),
    ],
    ids=["afternoon", "late evening", "this morning"],
)
def test_an_email_task_ticked_records_the_email_on_the_day_ticked_in_the_users_zone(
    part: TaskSync, ticked: datetime, day: date
) -> None:
    part.record([Tick(1, Kind.EMAIL, ticked)], NOW)
    view = part.tracker.get(1)
    assert (view.status, view.emailed_on) == (Status.EMAILED, day)
    assert view.next_reminder is not None and view.next_reminder.kind is Kind.MOVE_ON


def test_a_move_on_task_ticked_records_moving_on(part: TaskSync) -> None:
    part.record([Tick(2, Kind.MOVE_ON, datetime(2026, 12, 2, 15, 0, tzinfo=UTC))], NOW)
    assert part.tracker.get(2).status is Status.MOVED_ON


def test_a_tick_on_a_reminder_already_acted_on_records_nothing(part: TaskSync) -> None:
    before = part.tracker.history(2)
    part.record([Tick(2, Kind.EMAIL, datetime(2026, 12, 2, 15, 0, tzinfo=UTC))], NOW)
    assert (part.tracker.get(2).status, part.tracker.history(2)) == (Status.EMAILED, before)
