"""What a tick on the phone records, in-process on a real SQLite store filled through the
CLI (no server: the ticks are handed over as the task list would hand them): "emailed" on
the day ticked in the user's zone for an email task, "moved on" on that day for a move-on
task, however much later the tick is learnt, and nothing for a tick on a reminder already
acted on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import pytest

from followup.channels import todo
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
from tests.channels.conftest import Phone, settings_for
from tests.support.caldav_servers import CalDAVServer
from tests.support.specs import Cli, ok

#: Thu 3 Dec 2026, 12:00 UTC (07:00 in New York, the tests' zone).
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@contextmanager
def make_part(cli: Cli, settings: CalDAVSettings) -> Iterator[TaskSync]:
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
    part = TaskSync(context, Screen(context), "caldav", TaskList(settings), 300.0)
    yield part
    part.task_list.close()
    db.close()


@pytest.fixture
def part(cli: Cli) -> Iterator[TaskSync]:
    """The part with no server: ticks are handed to it."""
    with make_part(cli, CalDAVSettings()) as found:
        yield found


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


def recorded_day(part: TaskSync, kind: Kind) -> date:
    """The day the tick of ``kind`` was recorded on: Acme's email day, or the day in Beta's
    move-on entry of the history."""
    if kind is Kind.EMAIL:
        view = part.tracker.get(1)
        assert view.status is Status.EMAILED and view.emailed_on is not None
        return view.emailed_on
    assert part.tracker.get(2).status is Status.MOVED_ON
    last = part.tracker.history(2)[-1]
    assert last.kind == "moved_on"
    return date.fromisoformat(last.details["on"])


#: Mon 11 Jan 2027, 09:00 in New York: the laptop wakes after a long weekend asleep.
LEARNT = datetime(2027, 1, 11, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind", [Kind.EMAIL, Kind.MOVE_ON], ids=["email", "move-on"])
@pytest.mark.parametrize(
    ("completed", "day"),
    [
        # Fri 8 Jan, 10:00 in New York.
        (datetime(2027, 1, 8, 15, 0, tzinfo=UTC), date(2027, 1, 8)),
        # Fri 8 Jan, 22:30 in New York: Saturday already in UTC.
        (datetime(2027, 1, 9, 3, 30, tzinfo=UTC), date(2027, 1, 8)),
        # No COMPLETED instant on the task: the moment it is learnt, Mon 11 Jan.
        (None, date(2027, 1, 11)),
        # A phone whose clock is a day ahead (Tue 12 Jan): never after today, Mon 11 Jan.
        (datetime(2027, 1, 12, 15, 0, tzinfo=UTC), date(2027, 1, 11)),
    ],
    ids=["ticked Fri, learnt Mon", "ticked Fri evening", "no instant", "phone ahead"],
)
def test_a_tick_learnt_days_later_is_recorded_on_the_day_it_was_ticked(
    part: TaskSync, kind: Kind, completed: datetime | None, day: date
) -> None:
    interview_id = 1 if kind is Kind.EMAIL else 2
    part.record([Tick(interview_id, kind, completed)], LEARNT)
    assert recorded_day(part, kind) == day


def test_a_tick_on_a_reminder_already_acted_on_records_nothing(part: TaskSync) -> None:
    before = part.tracker.history(2)
    part.record([Tick(2, Kind.EMAIL, datetime(2026, 12, 2, 15, 0, tzinfo=UTC))], NOW)
    assert (part.tracker.get(2).status, part.tracker.history(2)) == (Status.EMAILED, before)


@pytest.mark.system
@pytest.mark.parametrize("kind", [Kind.EMAIL, Kind.MOVE_ON], ids=["email", "move-on"])
@pytest.mark.parametrize(
    ("completed", "day"),
    [(datetime(2027, 1, 8, 15, 0, tzinfo=UTC), date(2027, 1, 8)), (None, date(2027, 1, 11))],
    ids=["ticked Fri, learnt Mon", "no instant"],
)
def test_a_tick_on_radicale_learnt_days_later_is_recorded_on_the_day_it_was_ticked(
    cli: Cli,
    radicale: CalDAVServer,
    clients: list[Any],
    kind: Kind,
    completed: datetime | None,
    day: date,
) -> None:
    """The phone (a second CalDAV client) ticks the task on Fri 8 Jan 2027; the laptop,
    asleep all weekend, syncs on Mon 11 Jan and records the tick on the Friday."""
    with make_part(cli, settings_for(radicale)) as part:
        part.task_list.sync(part.tasks(), LEARNT)
        phone = Phone(radicale)
        clients.append(phone)
        interview_id = 1 if kind is Kind.EMAIL else 2
        phone.tick(todo.task_uid(interview_id, kind), completed)
        ticks = part.task_list.sync(part.tasks(), LEARNT)
        assert ticks == [Tick(interview_id, kind, completed)]
        part.record(ticks, LEARNT)
        assert recorded_day(part, kind) == day
