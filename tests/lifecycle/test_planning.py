"""Planning without a store: an interview's next reminder under the default settings (US
calendar, New York, 09:00, email after 2 business days, move on after 5), its plan cache,
the snooze a reopen brings back, and the order of ``followup upcoming``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from followup.config import load
from followup.lifecycle.planning import Columns, Planner, snooze_before_close, upcoming_order
from followup.rules import Kind, Status
from followup.values import Due, HistoryEntry

NY = ZoneInfo("America/New_York")
MON_23 = date(2026, 11, 23)
FRI_27 = date(2026, 11, 27)


def row(status: str = "waiting", **columns: Any) -> Columns:
    """An interview's planned columns: waiting, expected Mon 2026-11-23, in the user's place."""
    base = {
        "status": status,
        "reply_expected_on": MON_23,
        "emailed_on": None,
        "snoozed_to": None,
        "country": None,
        "subdivision": None,
    }
    return Columns(base | columns)


@pytest.fixture
def planner() -> Planner:
    return Planner(load())


@pytest.mark.parametrize(
    ("interview", "kind", "at"),
    [
        # Tue 24 and Wed 25 pass, Thu 26 is Thanksgiving (US): Fri 27.
        (row(), Kind.EMAIL, datetime(2026, 11, 27, 9, 0, tzinfo=NY)),
        # Germany keeps no Thanksgiving: Thu 26.
        (row(country="DE"), Kind.EMAIL, datetime(2026, 11, 26, 9, 0, tzinfo=NY)),
        # Snoozed to Wed 2026-12-02: shown then, whatever the rules gave.
        (row(snoozed_to=date(2026, 12, 2)), Kind.EMAIL, datetime(2026, 12, 2, 9, 0, tzinfo=NY)),
        # Emailed Fri 27: Mon 30 to Fri 4 pass, Mon 2026-12-07.
        (
            row("emailed", emailed_on=FRI_27),
            Kind.MOVE_ON,
            datetime(2026, 12, 7, 9, 0, tzinfo=NY),
        ),
    ],
)
def test_an_open_interview_plans_its_next_reminder(
    planner: Planner, interview: Columns, kind: Kind, at: datetime
) -> None:
    reminder = planner.plan(interview)
    assert reminder is not None
    assert (reminder.kind, reminder.at) == (kind, at)


@pytest.mark.parametrize("status", [s for s in Status if not s.is_open])
def test_a_closed_interview_plans_nothing_and_never_looks_up_its_place(
    planner: Planner, status: Status
) -> None:
    assert planner.plan(row(status.value, country="ZZ")) is None


def test_the_plan_cache_holds_the_kind_and_the_utc_instant_under_the_settings_key(
    planner: Planner,
) -> None:
    assert planner.plan_columns(row()) == {
        "plan_key": load().plan_key,
        "next_kind": "email",
        "next_at": datetime(2026, 11, 27, 14, 0, tzinfo=UTC),
    }


def test_a_current_plan_cache_is_read_back_and_a_stale_one_is_planned_again(
    planner: Planner,
) -> None:
    cached: dict[str, Any] = {
        "next_kind": "email",
        "next_at": datetime(2026, 12, 1, 14, 0, tzinfo=UTC),
    }
    current = planner.cached_plan(row(plan_key=load().plan_key, **cached))
    stale = planner.cached_plan(row(plan_key="other settings", **cached))
    assert current is not None and stale is not None
    assert current.at == datetime(2026, 12, 1, 9, 0, tzinfo=NY)
    assert stale.at == datetime(2026, 11, 27, 9, 0, tzinfo=NY)


def entry(what: str, **details: Any) -> HistoryEntry:
    return HistoryEntry(datetime(2026, 11, 20, 15, 0, tzinfo=UTC), what, details)


SNOOZED_EMAIL = entry("snoozed", kind="email", to="2026-12-01")
SNOOZED_MOVE_ON = entry("snoozed", kind="move_on", to="2026-12-09")


@pytest.mark.parametrize(
    ("events", "status", "restored"),
    [
        ([SNOOZED_EMAIL, entry("heard_back")], Status.WAITING, date(2026, 12, 1)),
        ([SNOOZED_MOVE_ON, entry("withdrawn")], Status.EMAILED, date(2026, 12, 9)),
        # A snooze of the other reminder is not brought back.
        ([SNOOZED_MOVE_ON, entry("heard_back")], Status.WAITING, None),
        # An email, a new expected day or an earlier reopen ends a snooze.
        ([SNOOZED_EMAIL, entry("emailed"), entry("moved_on")], Status.EMAILED, None),
        (
            [SNOOZED_EMAIL, entry("edited", reply_expected_on="2026-11-30"), entry("heard_back")],
            Status.WAITING,
            None,
        ),
        (
            [SNOOZED_EMAIL, entry("heard_back"), entry("reopened"), entry("moved_on")],
            Status.WAITING,
            None,
        ),
        # Only what came before the last close counts.
        ([entry("heard_back"), SNOOZED_EMAIL], Status.WAITING, None),
    ],
)
def test_a_reopen_brings_back_the_snooze_of_the_reminder_it_waits_for(
    events: list[HistoryEntry], status: Status, restored: date | None
) -> None:
    assert snooze_before_close(events, status) == restored


def test_upcoming_lists_the_reminders_due_since_shown_first_longest_due_first() -> None:
    def due(i: int, day: int, since_day: int | None = None) -> Due:
        since = datetime(2026, 11, since_day, 9, 0, tzinfo=NY) if since_day else None
        return Due(i, f"Company {i}", Kind.EMAIL, datetime(2026, 11, day, 9, 0, tzinfo=NY), since)

    later, sooner = due(1, 30), due(2, 27)
    due_since_25, due_since_24 = due(3, 30, 25), due(4, 30, 24)
    assert upcoming_order([later, due_since_25, sooner, due_since_24]) == [
        due_since_24,
        due_since_25,
        sooner,
        later,
    ]
