"""The ledger per channel, on SQLite and on PostgreSQL: each channel on a machine delivers a
reminder once, whichever other channel did; its intents are its own; only the desktop's rows
say what was shown on screen (the repeats, "maybe shown", the listing).

Acme's reply was expected Mon 2026-11-23 (US, New York): Tue 24 and Wed 25 pass, Thu 26 is
Thanksgiving, so its email reminder is due Fri 2026-11-27 09:00 EST; shown and not acted on,
it is shown again on the next business day, Mon 2026-11-30 09:00.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from followup.config import load
from followup.lifecycle.service import Tracker
from followup.machine import Machine
from followup.records import Details
from followup.rules import Kind
from followup.store import Database
from followup.store.ledger import MachineLedger
from tests.support.specs import url_rows as rows

pytestmark = pytest.mark.own_store

NY = ZoneInfo("America/New_York")
ADDED = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
FRI_27_0900 = datetime(2026, 11, 27, 9, 0, tzinfo=NY)
MON_30_0900 = datetime(2026, 11, 30, 9, 0, tzinfo=NY)
LAPTOP = Machine("6bc1bee2-2e40-49f9-96e9-3d7e117393c1", "laptop")
ACME_FRI = (1, Kind.EMAIL, FRI_27_0900)


@pytest.fixture
def tracker(store_url: str) -> Iterator[Tracker]:
    """The laptop's tracker on a store holding Acme (id 1)."""
    db = Database(store_url)
    found = Tracker(load(), db, LAPTOP)
    found.add(Details(company="Acme", reply_expected_on=date(2026, 11, 23)), ADDED)
    yield found
    db.close()


def channel(tracker: Tracker, name: str) -> MachineLedger:
    return tracker.ledger.for_channel(name)


def test_each_channel_has_a_row_of_its_own_for_one_showing(
    tracker: Tracker, store_url: str
) -> None:
    for name in ("desktop", "apprise", "apprise"):
        channel(tracker, name).record_intent([ACME_FRI], FRI_27_0900)
        channel(tracker, name).confirm_shown([ACME_FRI], FRI_27_0900)

    assert rows(store_url, "SELECT channel, state FROM shown_reminders ORDER BY id") == [
        ("desktop", "shown"),
        ("apprise", "shown"),
    ]


@pytest.mark.parametrize(
    ("written", "states"),
    [
        pytest.param("desktop", {"desktop": "shown", "apprise": None}, id="desktop"),
        pytest.param("apprise", {"desktop": None, "apprise": "shown"}, id="apprise"),
    ],
)
def test_a_showing_counts_on_the_channel_that_delivered_it_only(
    tracker: Tracker, written: str, states: dict[str, str | None]
) -> None:
    channel(tracker, written).record_shown([ACME_FRI], FRI_27_0900)

    assert {name: channel(tracker, name).state_of(*ACME_FRI) for name in states} == states


def test_a_reminder_sent_on_another_channel_is_still_due_on_the_desktop(
    tracker: Tracker,
) -> None:
    channel(tracker, "apprise").record_shown([ACME_FRI], FRI_27_0900)

    [due] = tracker.pending([1])
    assert (due.at, due.maybe_shown) == (FRI_27_0900, False)
    assert tracker.last_shown() is None


def test_the_desktops_showing_plans_the_repeat_whatever_another_channel_did(
    tracker: Tracker,
) -> None:
    channel(tracker, "apprise").record_intent([ACME_FRI], FRI_27_0900)
    tracker.record_shown([ACME_FRI], FRI_27_0900)

    [due] = tracker.pending([1])
    assert (due.at, due.since, due.maybe_shown) == (MON_30_0900, FRI_27_0900, False)


def test_forgetting_an_intent_leaves_another_channels_intent(tracker: Tracker) -> None:
    for name in ("desktop", "apprise"):
        channel(tracker, name).record_intent([ACME_FRI], FRI_27_0900)

    channel(tracker, "apprise").forget_intent([ACME_FRI])

    assert channel(tracker, "apprise").state_of(*ACME_FRI) is None
    assert channel(tracker, "desktop").state_of(*ACME_FRI) == "intent"
