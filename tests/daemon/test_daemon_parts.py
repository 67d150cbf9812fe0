"""Specification of the daemon's parts as functions, without a daemon process: the retry
backoffs, the heap of planned reminders under the one scheduler job (which reminders a fired
job hands over, and that a re-planned interview's old entry is skipped), and holding what
comes due outside the notification window until it opens.

The daemon's process tests (tests/daemon/) cover the same paths end to end; these pin the
tables. The store is a real SQLite file, filled through the CLI; the scheduler is
APScheduler's, never started (its job is only armed).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from followup.config import load
from followup.daemon.context import Context, key_of
from followup.daemon.delivery import Delivery, retry_delay
from followup.daemon.jobs import Held, Jobs
from followup.daemon.screen import Screen
from followup.daemon.state import new_state
from followup.daemon.storewait import store_retry_delay
from followup.lifecycle.service import Tracker
from followup.machine import this_machine
from followup.notify.choose import make_notifier
from followup.rules import Kind
from followup.store import Database
from followup.values import Due
from tests.support.specs import Cli, ok


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 15.0), (2, 30.0), (3, 60.0), (4, 120.0), (5, 240.0), (6, 300.0), (20, 300.0)],
)
def test_a_failed_notification_is_retried_after_a_doubling_delay_of_at_most_5_minutes(
    attempts: int, seconds: float
) -> None:
    assert retry_delay(attempts) == seconds


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 2.0), (1, 4.0), (2, 8.0), (4, 32.0), (5, 60.0), (30, 60.0)],
)
def test_a_store_that_cannot_be_used_is_tried_again_after_a_doubling_delay_of_at_most_a_minute(
    failures: int, seconds: float
) -> None:
    assert store_retry_delay(failures) == seconds


@pytest.fixture
def context(cli: Cli) -> Iterator[Context]:
    """The daemon's context on the test's own store, after adding three interviews whose
    reminders are due on three different days."""
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    ok(cli("add", "Beta", "--expect", "2026-11-24"))
    ok(cli("add", "Cobalt", "--expect", "2026-11-25"))
    config = load()
    db = Database(config.store_url)
    tracker = Tracker(config, db, this_machine(os.environ))
    env = dict(os.environ)
    notifier = make_notifier("plyer", env)
    state = new_state(os.getpid(), "2026-11-29T17:00:00+00:00")
    yield Context(config, tracker, notifier, state, env, lambda: None, lambda: None)
    db.close()


@pytest.fixture
def jobs(context: Context) -> Jobs:
    return Jobs(context, {}, {})


def planned(jobs: Jobs) -> list[datetime]:
    return sorted(key[2] for key in jobs.jobs.values())


def test_a_full_sync_plans_one_reminder_per_open_interview_and_arms_the_job_at_the_soonest(
    jobs: Jobs,
) -> None:
    assert jobs.sync(everything=True) == {1, 2, 3}
    first, _second, _third = planned(jobs)
    assert jobs.soonest() == jobs.jobs[1]
    assert jobs.armed == first


def test_a_sync_with_nothing_changed_replans_nothing(jobs: Jobs) -> None:
    jobs.sync(everything=True)
    assert jobs.sync(everything=False) is None


def test_a_fired_job_hands_over_every_reminder_due_by_now_and_rearms_at_the_next(
    jobs: Jobs,
) -> None:
    jobs.sync(everything=True)
    first, second, third = planned(jobs)
    jobs.fired.put(first)
    jobs.collect_fired(second)
    assert sorted(jobs.held) == [jobs_key(1, first), jobs_key(2, second)]
    assert all(held.next_attempt == second for held in jobs.held.values())
    assert list(jobs.jobs) == [3]
    assert jobs.armed == third


def test_nothing_is_handed_over_while_no_job_has_fired(jobs: Jobs) -> None:
    jobs.sync(everything=True)
    jobs.collect_fired(datetime(2030, 1, 1, tzinfo=UTC))
    assert jobs.held == {}
    assert list(jobs.jobs) == [1, 2, 3]


def test_a_replanned_reminder_leaves_its_old_heap_entry_behind_unused(jobs: Jobs) -> None:
    jobs.sync(everything=True)
    first, _second, third = planned(jobs)
    later = third + timedelta(days=7)
    jobs.schedule(Due(1, "Acme", Kind.EMAIL, later))
    jobs.rearm()
    assert jobs.soonest() == jobs.jobs[2]
    jobs.fired.put(third)
    jobs.collect_fired(third)
    assert sorted(key[0] for key in jobs.held) == [2, 3]
    assert jobs.jobs == {1: (1, Kind.EMAIL, later)}
    assert jobs.armed == later
    assert jobs_key(1, first) not in jobs.held


def jobs_key(interview_id: int, at: datetime) -> tuple[int, Kind, datetime]:
    return (interview_id, Kind.EMAIL, at)


@pytest.mark.parametrize(
    ("now", "opens"),
    [
        # 21:00 and 23:59 in New York: after the window (09:00-20:00 by default)
        (datetime(2026, 11, 30, 2, 0, tzinfo=UTC), datetime(2026, 11, 30, 14, 0, tzinfo=UTC)),
        (datetime(2026, 11, 30, 4, 59, tzinfo=UTC), datetime(2026, 11, 30, 14, 0, tzinfo=UTC)),
        # 06:00 in New York: before it, the same morning
        (datetime(2026, 11, 30, 11, 0, tzinfo=UTC), datetime(2026, 11, 30, 14, 0, tzinfo=UTC)),
    ],
)
def test_a_reminder_due_outside_the_window_is_held_until_it_opens_and_nothing_is_shown(
    context: Context, jobs: Jobs, now: datetime, opens: datetime
) -> None:
    due = Due(1, "Acme", Kind.EMAIL, now - timedelta(hours=1))
    jobs.held[key_of(due)] = Held(key_of(due), now)
    delivery = Delivery(context, jobs, Screen(context))
    delivery.deliver_ready(now)
    assert [held.next_attempt for held in jobs.held.values()] == [opens]
    assert context.state["last_shown"] is None
    assert delivery.unconfirmed == {}
