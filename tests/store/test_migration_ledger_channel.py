"""Migration 0008, the ledger per channel, up and down on SQLite and on PostgreSQL: an upgrade
keeps every row as the desktop's; a showing may then be in the ledger once per channel, never
twice for one; going down keeps the desktop's rows and drops the other channels'.

Acme's email reminder is due Fri 2026-11-27 09:00 EST (14:00 UTC), shown on the laptop; its
repeat on Mon 2026-11-30 09:00 EST (14:00 UTC) was left as an intent.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import IntegrityError

from followup.store import HEAD_REVISION
from tests.store.test_migration_machines import downgrade, execute, upgrade
from tests.support.specs import url_rows as rows

pytestmark = [pytest.mark.own_store, pytest.mark.migrations]

LAPTOP = "6bc1bee2-2e40-49f9-96e9-3d7e117393c1"
FRI_27_1400Z = datetime(2026, 11, 27, 14, 0)
MON_30_1400Z = datetime(2026, 11, 30, 14, 0)
LEDGER = (
    "SELECT interview_id, kind, due_at, shown_at, state, machine_id FROM shown_reminders "
    "ORDER BY id"
)
ADD = (
    "INSERT INTO shown_reminders (interview_id, kind, due_at, shown_at, state, machine_id"
    "{column}) VALUES (1, 'email', :due_at, :due_at, :state, :machine{value})"
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.system)])
def at_0007(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store at schema 0007 with Acme and its ledger: the Fri showing on the laptop and
    the Mon repeat's intent from before machines were told apart."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres").create_database()
    upgrade(url, "0007")
    execute(
        url,
        "INSERT INTO interviews (id, company, reply_expected_on, status, created_at, "
        "updated_at) VALUES (1, 'Acme', '2026-11-23', 'waiting', :at, :at)",
        [{"at": datetime(2026, 11, 20, 20, 0)}],
    )
    execute(url, "INSERT INTO machines (id, name) VALUES (:id, 'laptop')", [{"id": LAPTOP}])
    execute(
        url,
        ADD.format(column="", value=""),
        [
            {"due_at": FRI_27_1400Z, "state": "shown", "machine": LAPTOP},
            {"due_at": MON_30_1400Z, "state": "intent", "machine": None},
        ],
    )
    yield url


def add_showing(url: str, channel: str) -> None:
    """The laptop's showing of the Fri reminder, on ``channel``."""
    execute(
        url,
        ADD.format(column=", channel", value=", :channel"),
        [{"due_at": FRI_27_1400Z, "state": "shown", "machine": LAPTOP, "channel": channel}],
    )


def test_the_upgrade_keeps_every_row_as_the_desktops(at_0007: str) -> None:
    before = rows(at_0007, LEDGER)

    upgrade(at_0007)

    assert rows(at_0007, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
    assert rows(at_0007, LEDGER) == before
    assert rows(at_0007, "SELECT channel FROM shown_reminders") == [("desktop",), ("desktop",)]


def test_the_unique_key_of_a_showing_names_its_channel(at_0007: str) -> None:
    upgrade(at_0007)
    engine = create_engine(at_0007)
    try:
        unique = [
            (u["name"], u["column_names"])
            for u in inspect(engine).get_unique_constraints("shown_reminders")
        ]
    finally:
        engine.dispose()
    assert unique == [
        (
            "uq_shown_reminders_showing",
            ["interview_id", "kind", "due_at", "machine_id", "channel"],
        )
    ]


def test_a_showing_is_in_the_ledger_once_per_channel(at_0007: str) -> None:
    upgrade(at_0007)

    add_showing(at_0007, "apprise")

    assert rows(
        at_0007, f"SELECT channel FROM shown_reminders WHERE machine_id = '{LAPTOP}' ORDER BY id"
    ) == [("desktop",), ("apprise",)]
    with pytest.raises(IntegrityError):
        add_showing(at_0007, "apprise")


def test_going_down_keeps_the_desktops_rows_and_drops_the_others(at_0007: str) -> None:
    upgrade(at_0007)
    desktop = rows(at_0007, LEDGER)
    add_showing(at_0007, "apprise")

    downgrade(at_0007, "0007")

    assert rows(at_0007, "SELECT version_num FROM alembic_version") == [("0007",)]
    assert rows(at_0007, LEDGER) == desktop
    upgrade(at_0007)
    assert rows(at_0007, "SELECT channel FROM shown_reminders") == [("desktop",), ("desktop",)]
