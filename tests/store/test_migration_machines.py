"""Migration 0006, the ledger per machine, up and down on SQLite and on PostgreSQL: an upgrade
keeps every row and shows nothing again on any machine; going down keeps one row per showing;
every constraint it makes has a name.

Acme's email reminder is due Fri 2026-11-27 09:00 EST (14:00 UTC); shown and not acted on, it
is shown again on Mon 2026-11-30 09:00 EST.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from followup.config import load
from followup.lifecycle.service import Tracker
from followup.machine import Machine
from followup.rules import Kind
from followup.store import HEAD_REVISION, Database, migrate
from tests.support.specs import url_rows as rows

pytestmark = [pytest.mark.own_store, pytest.mark.migrations]

DESKTOP = Machine("2b7e1516-28ae-4d2a-abf7-158809cf4f3c", "desktop")
LAPTOP = Machine("6bc1bee2-2e40-49f9-96e9-3d7e117393c1", "laptop")
FRI_27_1400Z = datetime(2026, 11, 27, 14, 0)
MON_30_1400Z = datetime(2026, 11, 30, 14, 0)
TUE_01_1400Z = datetime(2026, 12, 1, 14, 0)


def execute(url: str, sql: str, params: list[dict[str, object]]) -> None:
    """``sql`` once for each of ``params``; instants go in as SQLAlchemy writes them in
    SQLite (naive UTC text with microseconds), which PostgreSQL reads too."""
    engine = create_engine(url)
    written = [{k: _text(v) for k, v in values.items()} for values in params]
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), written)
    finally:
        engine.dispose()


def _text(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    return value


def downgrade(url: str, target: str) -> None:
    db = Database(url, upgrade=False)
    try:
        cfg = migrate.alembic_config(url)
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, target)
    finally:
        db.close()


def upgrade(url: str, target: str = "head") -> None:
    db = Database(url, upgrade=False)
    try:
        migrate.upgrade(db, backup_first=False, target=target)
    finally:
        db.close()


TABLE = "shown_reminders"
LEDGER = "SELECT interview_id, kind, due_at, shown_at, state FROM shown_reminders ORDER BY id"
ADD_SHOWING = (
    "INSERT INTO shown_reminders (interview_id, kind, due_at, shown_at, state{machine}) "
    "VALUES (:interview_id, 'email', :due_at, :shown_at, :state{value})"
)


@pytest.fixture
def at_0005(store_url: str) -> Iterator[str]:
    """The store at schema 0005 with Acme (open) and its ledger: its email reminder shown
    Fri 27 Nov, and an intent (maybe shown) of the Mon 30 Nov repeat."""
    upgrade(store_url, "0005")
    execute(
        store_url,
        "INSERT INTO interviews (id, company, reply_expected_on, status, created_at, "
        "updated_at) VALUES (1, 'Acme', '2026-11-23', 'waiting', :at, :at)",
        [{"at": datetime(2026, 11, 20, 20, 0)}],
    )
    execute(
        store_url,
        ADD_SHOWING.format(machine="", value=""),
        [
            {"interview_id": 1, "due_at": FRI_27_1400Z, "shown_at": FRI_27_1400Z, "state": "shown"},
            {
                "interview_id": 1,
                "due_at": MON_30_1400Z,
                "shown_at": MON_30_1400Z,
                "state": "intent",
            },
        ],
    )
    yield store_url


def test_an_upgrade_keeps_every_ledger_row_with_no_machine(at_0005: str) -> None:
    before = rows(at_0005, LEDGER)

    upgrade(at_0005)

    assert rows(at_0005, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
    assert rows(at_0005, LEDGER) == before
    assert rows(at_0005, "SELECT machine_id FROM shown_reminders") == [(None,), (None,)]
    assert rows(at_0005, "SELECT * FROM machines") == []


@pytest.mark.parametrize("machine", [DESKTOP, LAPTOP, None], ids=["desktop", "laptop", "none"])
def test_after_an_upgrade_no_machine_shows_an_older_showing_again(
    at_0005: str, machine: Machine | None
) -> None:
    """The older rows count on every machine: the Fri showing is done, and the Mon repeat
    left as an intent is shown once more, marked "maybe shown", as before the upgrade."""
    upgrade(at_0005)
    db = Database(at_0005)
    try:
        tracker = Tracker(load(), db, machine)
        assert tracker.was_shown(1, Kind.EMAIL, FRI_27_1400Z.replace(tzinfo=UTC))
        [due] = tracker.pending([1])
    finally:
        db.close()
    assert (due.at.astimezone(UTC), due.maybe_shown) == (MON_30_1400Z.replace(tzinfo=UTC), True)


def test_the_upgrade_names_every_constraint_it_makes(at_0005: str) -> None:
    upgrade(at_0005, "0006")
    engine = create_engine(at_0005)
    try:
        found = inspect(engine)
        unique = [(u["name"], u["column_names"]) for u in found.get_unique_constraints(TABLE)]
        keys = {k["name"]: k["referred_table"] for k in found.get_foreign_keys(TABLE)}
        machines_key = found.get_pk_constraint("machines")
    finally:
        engine.dispose()
    assert unique == [
        ("uq_shown_reminders_showing", ["interview_id", "kind", "due_at", "machine_id"])
    ]
    assert keys["fk_shown_reminders_machine_id_machines"] == "machines"
    assert (machines_key["name"], machines_key["constrained_columns"]) == ("pk_machines", ["id"])


def test_going_down_keeps_one_row_per_showing_a_confirmed_one_first(at_0005: str) -> None:
    upgrade(at_0005)
    execute(
        at_0005,
        "INSERT INTO machines (id, name) VALUES (:id, :name)",
        [{"id": m.id, "name": m.name} for m in (DESKTOP, LAPTOP)],
    )
    desktop, laptop = (
        {"machine": ", machine_id", "value": f", '{m.id}'"} for m in (DESKTOP, LAPTOP)
    )
    tue = {"interview_id": 1, "due_at": TUE_01_1400Z}
    execute(
        at_0005,
        ADD_SHOWING.format(**desktop),
        [
            {**tue, "shown_at": TUE_01_1400Z.replace(second=1), "state": "intent"},
            {"interview_id": 1, "due_at": MON_30_1400Z, "shown_at": MON_30_1400Z, "state": "shown"},
        ],
    )
    execute(
        at_0005,
        ADD_SHOWING.format(**laptop),
        [{**tue, "shown_at": TUE_01_1400Z.replace(second=2), "state": "shown"}],
    )

    downgrade(at_0005, "0005")

    assert rows(at_0005, "SELECT version_num FROM alembic_version") == [("0005",)]
    # Fri: the older row alone; Mon: the older intent gives way to the desktop's confirmed
    # row; Tue: the laptop's confirmed row before the desktop's intent.
    assert rows(at_0005, LEDGER) == [
        (1, "email", _stored(at_0005, FRI_27_1400Z), _stored(at_0005, FRI_27_1400Z), "shown"),
        (1, "email", _stored(at_0005, MON_30_1400Z), _stored(at_0005, MON_30_1400Z), "shown"),
        (
            1,
            "email",
            _stored(at_0005, TUE_01_1400Z),
            _stored(at_0005, TUE_01_1400Z.replace(second=2)),
            "shown",
        ),
    ]
    engine = create_engine(at_0005)
    try:
        found = inspect(engine)
        assert "machines" not in found.get_table_names()
        assert [u["column_names"] for u in found.get_unique_constraints(TABLE)] == [
            ["interview_id", "kind", "due_at"]
        ]
    finally:
        engine.dispose()

    upgrade(at_0005)
    assert rows(at_0005, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
    assert len(rows(at_0005, LEDGER)) == 3


def _stored(url: str, at: datetime) -> object:
    """An instant as the store gives it back to a raw query: SQLite's text, PostgreSQL's
    naive datetime."""
    return _text(at) if url.startswith("sqlite") else at
