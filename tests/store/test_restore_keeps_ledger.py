"""``followup restore`` does not take the ledger of reminders shown back in time: a reminder
shown since the backup was made (on any machine, through any channel) is not shown again,
while a reminder of an interview the backup brings back and that was never shown still is.
The same interview is the same id and the same creation instant: an id freed by a delete
and given to a newer interview carries nothing over.

The backup: Acme, Beta and Gamma made on Sun 29 Nov 2026, Beta's email reminder about to be
shown (an intent). Then: Acme's reminder shown on the desktop (a row of no machine) and
through Apprise on the laptop, Beta's confirmed, Gamma deleted and Delta added, which is
given Gamma's freed id 3, and Delta's reminder shown.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from followup.config import load
from followup.lifecycle.service import Tracker
from followup.machine import Machine
from followup.store import HEAD_REVISION, Database, migrate
from followup.store.ledger import MachineLedger, Showing

LAPTOP = Machine("0b7f1c36-4a5e-4d3a-9d6e-2f1b8c9e0a11", "laptop")
SHOWN_AT = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
#: Each row: (interview id, kind, channel, machine id, state), as the restored store holds it.
KEPT = [
    (1, "email", "apprise", LAPTOP.id, "shown"),
    (1, "email", "desktop", None, "shown"),
    (2, "email", "desktop", None, "shown"),
]


@contextmanager
def store() -> Iterator[Database]:
    db = Database(load().store_url)
    try:
        yield db
    finally:
        db.close()


def due_now(company_id: int) -> Showing:
    """The reminder the store plans for interview ``company_id``."""
    with store() as db:
        [due] = Tracker(load(), db).pending([company_id])
    return due.interview_id, due.kind, due.at.astimezone(UTC)


def ledger(path: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT interview_id, kind, channel, machine_id, state FROM shown_reminders "
            "ORDER BY interview_id, channel"
        ).fetchall()


@pytest.fixture
def restored(cli, db_path: Path, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """The store after ``followup restore`` of the backup (see the module's text)."""
    for company in ("Acme", "Beta", "Gamma"):
        assert cli("add", company, "--expect", "2026-11-20").code == 0
    with store() as db:
        MachineLedger(db).record_intent([due_now(2)], SHOWN_AT)
    backup = tmp_path / "followup.db.20261130T120000Z.bak"
    with closing(sqlite3.connect(db_path)) as src, closing(sqlite3.connect(backup)) as dst:
        src.backup(dst)
    with store() as db:
        MachineLedger(db).record_shown([due_now(1)], SHOWN_AT)
        MachineLedger(db, LAPTOP, "apprise").record_shown([due_now(1)], SHOWN_AT)
        MachineLedger(db).confirm_shown([due_now(2)], SHOWN_AT)
    assert cli("delete", "3", "--yes").code == 0
    later = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    assert cli("add", "Delta", "--expect", "2026-11-20", at=later).out.startswith(
        "Added interview 3: Delta."
    )
    with store() as db:
        MachineLedger(db).record_shown([due_now(3)], SHOWN_AT)
    done = cli("restore", str(backup), at=later)
    assert done.code == 0, done.err
    return db_path


@pytest.mark.own_store
def test_the_ledger_rows_of_the_interviews_the_backup_holds_are_kept(
    restored: Path,
) -> None:
    assert ledger(restored) == KEPT


@pytest.mark.own_store
@pytest.mark.parametrize(
    ("company", "shown"),
    [("Acme", True), ("Beta", True), ("Gamma", False)],
    ids=["shown since the backup", "confirmed since the backup", "freed id, never shown"],
)
def test_only_the_reminder_never_shown_is_still_to_show(
    cli, restored: Path, company: str, shown: bool
) -> None:  # type: ignore[no-untyped-def]
    listed = {r["company"]: r for r in json.loads(cli("upcoming", "--json").out)}
    assert (listed[company]["shown_at"] is not None) is shown


@pytest.mark.own_store
def test_the_store_saved_before_the_restore_keeps_its_own_ledger(
    db_path: Path, restored: Path
) -> None:
    [saved] = db_path.parent.glob("followup.db.*.bak")
    assert ledger(saved) == [*KEPT, (3, "email", "desktop", None, "shown")]


@pytest.mark.own_store
@pytest.mark.migrations  # the backup's schema is the first release's
def test_a_backup_of_the_first_schema_is_upgraded_and_the_ledger_kept(
    cli, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    made = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
    assert cli("add", "Acme", "--expect", "2026-11-23", at=made).code == 0
    with store() as db:
        MachineLedger(db).record_shown([due_now(1)], SHOWN_AT)
    backup = tmp_path / "first.db"
    old = Database(f"sqlite:///{backup}", upgrade=False)
    migrate.upgrade(old, backup_first=False, target="0001")
    old.close()
    with closing(sqlite3.connect(backup)) as conn, conn:
        conn.execute(
            "INSERT INTO interviews (id, company, reply_expected_on, status, created_at, "
            "updated_at) VALUES (1, 'Acme', '2026-11-23', 'waiting', "
            "'2026-11-20 20:00:00.000000', '2026-11-20 20:00:00.000000')"
        )
    done = cli("restore", str(backup))
    assert done.code == 0, done.err
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (HEAD_REVISION,)
        ]
    assert ledger(db_path) == [(1, "email", "desktop", None, "shown")]
