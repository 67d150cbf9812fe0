"""The ledger per machine, on SQLite and on PostgreSQL: each machine shows a reminder once,
whichever other machine showed it; its "maybe shown" intents and its repeats are its own; rows
from before machines were told apart count as shown on every machine.

Acme's reply was expected Mon 2026-11-23 (US, New York): Tue 24 and Wed 25 pass, Thu 26 is
Thanksgiving, so its email reminder is due Fri 2026-11-27 09:00 EST; shown and not acted on,
it is shown again on the next business day, Mon 2026-11-30 09:00, then Tue 2026-12-01 09:00.
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
from followup.values import Due, MachineShown
from tests.support.specs import url_rows as rows

#: Each test runs on both stores through the ``store_url`` fixture.
pytestmark = pytest.mark.own_store

NY = ZoneInfo("America/New_York")
ADDED = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
FRI_27_0900 = datetime(2026, 11, 27, 9, 0, tzinfo=NY)
MON_30_0900 = datetime(2026, 11, 30, 9, 0, tzinfo=NY)
TUE_01_0900 = datetime(2026, 12, 1, 9, 0, tzinfo=NY)

DESKTOP = Machine("2b7e1516-28ae-4d2a-abf7-158809cf4f3c", "desktop")
LAPTOP = Machine("6bc1bee2-2e40-49f9-96e9-3d7e117393c1", "laptop")


@pytest.fixture
def db(store_url: str) -> Iterator[Database]:
    database = Database(store_url)
    yield database
    database.close()


@pytest.fixture
def on(db: Database) -> dict[str, Tracker]:
    """The same store as each machine sees it; "older" is a version from before machines
    were told apart (its rows have no machine)."""
    config = load()
    return {
        "desktop": Tracker(config, db, DESKTOP),
        "laptop": Tracker(config, db, LAPTOP),
        "older": Tracker(config, db),
    }


@pytest.fixture
def acme(on: dict[str, Tracker]) -> int:
    return (
        on["desktop"].add(Details(company="Acme", reply_expected_on=date(2026, 11, 23)), ADDED).id
    )


def show(tracker: Tracker, interview_id: int, due: datetime, at: datetime) -> None:
    """What a daemon does: the intent before ``Notify``, confirmed once the server took it."""
    tracker.record_intent([(interview_id, Kind.EMAIL, due)], at)
    tracker.confirm_shown([(interview_id, Kind.EMAIL, due)], at)


def next_showing(tracker: Tracker, interview_id: int) -> tuple[datetime, datetime | None, bool]:
    """When the machine shows the reminder next, since when it is due there, and whether
    it may have been shown there already."""
    [due] = tracker.pending([interview_id])
    return due.at, due.since, due.maybe_shown


@pytest.mark.parametrize(
    ("shown_by", "seen"),
    [
        pytest.param("desktop", {"desktop": True, "laptop": False, "older": False}, id="desktop"),
        pytest.param("laptop", {"desktop": False, "laptop": True, "older": False}, id="laptop"),
        pytest.param(
            "older", {"desktop": True, "laptop": True, "older": True}, id="before machines"
        ),
    ],
)
def test_a_showing_counts_on_the_machine_that_showed_it_and_an_older_one_everywhere(
    on: dict[str, Tracker], acme: int, shown_by: str, seen: dict[str, bool]
) -> None:
    show(on[shown_by], acme, FRI_27_0900, FRI_27_0900)
    assert {name: t.was_shown(acme, Kind.EMAIL, FRI_27_0900) for name, t in on.items()} == seen


def test_a_reminder_shown_on_one_machine_is_still_due_to_be_shown_on_another(
    on: dict[str, Tracker], acme: int
) -> None:
    show(on["desktop"], acme, FRI_27_0900, FRI_27_0900)

    assert next_showing(on["desktop"], acme) == (MON_30_0900, FRI_27_0900, False)
    assert next_showing(on["laptop"], acme) == (FRI_27_0900, None, False)


def test_each_machine_that_shows_a_reminder_has_a_row_of_its_own(
    on: dict[str, Tracker], acme: int, store_url: str
) -> None:
    show(on["desktop"], acme, FRI_27_0900, FRI_27_0900)
    show(on["laptop"], acme, FRI_27_0900, datetime(2026, 11, 27, 9, 1, tzinfo=NY))
    show(on["laptop"], acme, FRI_27_0900, datetime(2026, 11, 27, 9, 2, tzinfo=NY))

    assert rows(store_url, "SELECT machine_id, state FROM shown_reminders ORDER BY id") == [
        (DESKTOP.id, "shown"),
        (LAPTOP.id, "shown"),
    ]
    assert next_showing(on["laptop"], acme) == (MON_30_0900, FRI_27_0900, False)


def test_repeats_are_counted_on_each_machine_from_its_own_showings(
    on: dict[str, Tracker], acme: int
) -> None:
    show(on["desktop"], acme, FRI_27_0900, FRI_27_0900)
    show(on["desktop"], acme, MON_30_0900, MON_30_0900)
    show(on["laptop"], acme, FRI_27_0900, FRI_27_0900)

    assert next_showing(on["desktop"], acme) == (TUE_01_0900, FRI_27_0900, False)
    assert next_showing(on["laptop"], acme) == (MON_30_0900, FRI_27_0900, False)


def test_an_unconfirmed_intent_is_maybe_shown_on_its_own_machine_only(
    on: dict[str, Tracker], acme: int
) -> None:
    on["desktop"].record_intent([(acme, Kind.EMAIL, FRI_27_0900)], FRI_27_0900)

    assert next_showing(on["desktop"], acme) == (FRI_27_0900, None, True)
    assert next_showing(on["laptop"], acme) == (FRI_27_0900, None, False)


def test_forgetting_an_intent_leaves_the_other_machine_s_intent(
    on: dict[str, Tracker], acme: int
) -> None:
    for name in ("desktop", "laptop"):
        on[name].record_intent([(acme, Kind.EMAIL, FRI_27_0900)], FRI_27_0900)

    on["laptop"].forget_intent([(acme, Kind.EMAIL, FRI_27_0900)])

    assert next_showing(on["desktop"], acme) == (FRI_27_0900, None, True)
    assert next_showing(on["laptop"], acme) == (FRI_27_0900, None, False)


def test_an_older_showing_is_never_shown_again_on_any_machine(
    on: dict[str, Tracker], acme: int
) -> None:
    """An upgrade from a version that did not tell machines apart shows nothing again: the
    next showing on every machine is the repeat."""
    show(on["older"], acme, FRI_27_0900, FRI_27_0900)

    for name in ("desktop", "laptop"):
        assert next_showing(on[name], acme) == (MON_30_0900, FRI_27_0900, False), name


def test_the_listing_commands_read_this_machine_s_ledger(on: dict[str, Tracker], acme: int) -> None:
    show(on["desktop"], acme, FRI_27_0900, datetime(2026, 11, 27, 9, 0, 2, tzinfo=NY))

    assert [(d.at, d.since) for d in on["desktop"].upcoming()] == [(MON_30_0900, FRI_27_0900)]
    assert on["laptop"].upcoming() == [Due(acme, "Acme", Kind.EMAIL, FRI_27_0900)]
    desktop_view, laptop_view = (on[name].get(acme) for name in ("desktop", "laptop"))
    assert desktop_view.due_since == FRI_27_0900
    assert laptop_view.due_since is None


def test_each_machine_is_listed_with_the_reminder_it_showed_last_newest_first(
    on: dict[str, Tracker], acme: int
) -> None:
    globex = on["laptop"].add(
        Details(company="Globex", reply_expected_on=date(2026, 11, 23)), ADDED
    )
    at = [datetime(2026, 11, 27, 9, 0, s, tzinfo=NY) for s in range(3)]
    show(on["older"], acme, TUE_01_0900, TUE_01_0900)  # newest of all, but from no machine
    show(on["desktop"], acme, FRI_27_0900, at[0])
    show(on["laptop"], acme, FRI_27_0900, at[1])
    show(on["laptop"], globex.id, FRI_27_0900, at[2])

    assert on["desktop"].machines_shown() == [
        MachineShown(LAPTOP.id, "laptop", globex.id, "email", at[2], "Globex"),
        MachineShown(DESKTOP.id, "desktop", acme, "email", at[0], "Acme"),
    ]


def test_a_renamed_machine_is_shown_under_its_new_name_from_its_next_showing(
    on: dict[str, Tracker], acme: int, db: Database, store_url: str
) -> None:
    show(on["desktop"], acme, FRI_27_0900, FRI_27_0900)
    renamed = Tracker(on["desktop"].config, db, Machine(DESKTOP.id, "workstation"))

    show(renamed, acme, MON_30_0900, MON_30_0900)

    assert rows(store_url, "SELECT id, name FROM machines") == [(DESKTOP.id, "workstation")]
    assert [m.machine_name for m in renamed.machines_shown()] == ["workstation"]
