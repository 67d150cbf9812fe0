"""Putting a backup back as the store, safely whether the daemon runs or not.

A backup must never be moved over the store file: the daemon's connections stay on the
file they opened, and the old file's ``-wal`` beside the path would be read as if it were
the new file's (undoing the restore). The backup is copied *into* the store instead, in one
write transaction (``BEGIN IMMEDIATE``, the store's write lock) that empties every table
and fills it from the backup, through the WAL like any commit: the daemon sees one more
commit (its ``data_version`` moves) and plans again from what it now reads. A damaged
store (the case a restore is most needed for, and one no daemon writes to) is overwritten
page by page with SQLite's backup API instead.

Before anything is copied, the backup's file is copied byte for byte to a scratch folder
(SQLite never opens the backup itself: nothing is left beside it, and its folder may be
read-only), that copy is checked (an SQLite file, ``PRAGMA quick_check``, followup's
schema, not newer than this version) and brought to the newest schema, and the current
store is saved beside it as ``NAME.YYYYmmddTHHMMSSZ.bak`` (UTC), so that a restore can
itself be undone.

The ledger of reminders shown is not taken back in time: a reminder shown since the backup
was made must not be shown again. In the same transaction, every ledger row of the store
as it was (every machine's, every channel's) whose interview the backup holds too is kept:
the same interview is the same id *and* the same creation instant (an id freed by a delete
may be given to a newer interview; the calendar feed's tombstones tell interviews apart the
same way). A reminder is the same when its kind and due instant are (what the ledger's
unique key names, :class:`followup.store.models.ShownReminder`); a row for an instant the
restored plan no longer has is kept and ignored, as any row of a plan since changed is
(:func:`followup.rules.showing`). A row the backup has stays; an ``intent`` there that the
store had confirmed becomes ``shown``. A reminder the backup brings back that was never
shown has no row, and is shown.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from followup.errors import StoreError
from followup.store import interrupt
from followup.store.database import BUSY_TIMEOUT_S, HEAD_REVISION, Database
from followup.store.faults import cause

#: The first 16 bytes of every SQLite database file (https://sqlite.org/fileformat.html).
SQLITE_HEADER = b"SQLite format 3\0"


class Restored(NamedTuple):
    """What a restore did: the store written, the backup it was given, the copy of the
    store as it was before (None for an empty store), and how many interviews it holds
    now."""

    store: Path
    backup: Path
    saved: Path | None
    interviews: int


def is_sqlite(path: Path) -> bool:
    """Whether ``path`` starts like an SQLite database file. Raises OSError."""
    with open(path, "rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def check_backup(path: Path, name: Path | None = None) -> str:
    """The schema revision of the SQLite backup ``path``, read without writing to it.
    Raises StoreError naming the file (or ``name``, the backup ``path`` is a copy of) when
    it is damaged, not followup's, or newer than this version."""
    shown = path if name is None else name
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise StoreError(f"the backup {shown} is damaged; nothing was restored")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        raise StoreError(
            f"{shown} is not a followup database backup; nothing was restored"
        ) from None
    if row is None:
        raise StoreError(f"{shown} is not a followup database backup; nothing was restored")
    revision = str(row[0])
    from followup.store import migrate

    if revision != HEAD_REVISION and revision not in migrate.known_revisions():
        raise StoreError(
            f"the backup {shown} has schema {revision!r}, newer than this followup knows; "
            "upgrade followup; nothing was restored"
        )
    return revision


def restore(db: Database, backup: Path, now: datetime) -> Restored:
    """Replace the content of the SQLite store ``db`` (left open) with the SQLite
    ``backup`` (a private copy of it, checked and brought to the newest schema first), after
    saving the current store beside it; the ledger rows of the reminders shown that the
    backup's interviews share with the store are kept (see the module's text). The commit
    is counted in ``db.commits`` as any other (a Ctrl-C during it is raised once it is
    done). Raises StoreError (nothing changed) when the backup is refused, the store is not
    an SQLite file, or the current store cannot be saved first."""
    if db.path is None:
        raise StoreError(
            f"the store {db.where} is not an SQLite file; restoring copies a file into it; "
            "nothing was restored"
        )
    if db.path.resolve() == backup.resolve():
        raise StoreError(f"{backup} is the store itself; nothing was restored")
    with tempfile.TemporaryDirectory(prefix="followup-restore-") as scratch:
        copy = _private_copy(backup, Path(scratch) / "restored.db")
        check_backup(copy, backup)
        Database(f"sqlite:///{copy}", clock=lambda: now).close()  # upgrades its schema
        saved = db.backup(now, why="the restore") if _count(db.path) else None
        _copy_into(copy, db)
        return Restored(db.path, backup, saved, _count(db.path))


def _private_copy(backup: Path, target: Path) -> Path:
    """The backup's file, and its ``-wal`` when there is one, copied byte for byte to
    ``target`` (0600). SQLite then opens the copy only: a file in WAL mode (every copy of a
    store) opened in place, even read-only, leaves ``-wal`` and ``-shm`` files beside it,
    and cannot be opened at all in a folder the user may not write to (a read-only disk, a
    snapshot). Raises StoreError naming the backup."""
    for suffix in ("", "-wal"):
        source = Path(f"{backup}{suffix}")
        if suffix and not source.is_file():
            continue
        try:
            with open(source, "rb") as src:
                fd = os.open(f"{target}{suffix}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with open(fd, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        except OSError as exc:
            raise StoreError(
                f"cannot copy the backup {backup} ({cause(exc)}); nothing was restored"
            ) from None
    return target


def _copy_into(source: Path, db: Database) -> None:
    """Put ``source`` (same schema) into the store, keeping the store's ledger rows of the
    interviews both hold: row by row in one write transaction, or, when the store is
    damaged (which is when a restore is most needed), page by page with SQLite's backup
    API (https://sqlite.org/backup.html), keeping what can still be read of its ledger (no
    daemon writes to a damaged store). Raises StoreError (nothing changed)."""
    try:
        if not _copy_rows(source, db):
            _copy_pages(source, db)
    except sqlite3.Error as exc:
        raise db.fault(exc) from None


def _copy_rows(source: Path, db: Database) -> bool:
    """Empty every table of the store and fill it from ``source``, keeping the ledger rows
    (:func:`_keep_showings`), in one write transaction; False (nothing changed) when the
    store is damaged (``PRAGMA quick_check``, or SQLite's word while reading it). Raises
    sqlite3.Error."""
    assert db.path is not None
    conn = sqlite3.connect(db.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")  # every table is emptied, then filled
        conn.execute("ATTACH DATABASE ? AS restored", (str(source),))
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("PRAGMA main.quick_check").fetchone() != ("ok",):
                conn.execute("ROLLBACK")
                return False
            shown = conn.execute(_SHOWINGS).fetchall()
            machines = conn.execute("SELECT id, name FROM main.machines").fetchall()
            for table, columns in _tables(conn):
                conn.execute(f"DELETE FROM main.{table}")
                conn.execute(
                    f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM restored.{table}"
                )
            _keep_showings(conn, shown, machines)
        except BaseException as exc:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError) and _damaged(exc):
                return False
            raise
        with interrupt.held():
            db.committing = True
            conn.execute("COMMIT")
            db.committing = False
            db.commits += 1
        return True
    finally:
        conn.close()


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite found the file damaged (https://sqlite.org/rescode.html)."""
    name = str(getattr(exc, "sqlite_errorname", ""))
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


def _copy_pages(source: Path, db: Database) -> None:
    """Copy ``source`` over the damaged store page by page, after putting into it what can
    still be read of the store's ledger. Raises sqlite3.Error."""
    assert db.path is not None
    shown: list[tuple[object, ...]] = []
    machines: list[tuple[str, str]] = []
    store = f"file:{quote(str(db.path))}?mode=ro"
    with contextlib.suppress(sqlite3.Error), closing(sqlite3.connect(store, uri=True)) as old:
        shown = old.execute(_SHOWINGS).fetchall()
        machines = old.execute("SELECT id, name FROM main.machines").fetchall()
    with closing(sqlite3.connect(source)) as copy:
        with copy:
            _keep_showings(copy, shown, machines)
        target = sqlite3.connect(db.path, timeout=BUSY_TIMEOUT_S)
        try:
            with interrupt.held():
                db.committing = True
                copy.backup(target)
                db.committing = False
                db.commits += 1
        finally:
            target.close()


#: Every ledger row of the store with its interview's creation instant, the stored text of
#: both instants compared as they are (both files were written by followup's one format).
_SHOWINGS = """
    SELECT s.interview_id, i.created_at, s.kind, s.due_at, s.shown_at, s.state,
           s.machine_id, s.channel
    FROM main.shown_reminders AS s JOIN main.interviews AS i ON i.id = s.interview_id
"""


def _tables(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Each table of the store with its columns as a quoted list; raises StoreError when
    the scratch copy's tables or columns are not the same."""

    def listed(schema: str) -> dict[str, list[str]]:
        names = conn.execute(
            f"SELECT name FROM {schema}.sqlite_master "
            "WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        ).fetchall()
        return {
            name: [row[1] for row in conn.execute(f"PRAGMA {schema}.table_info({_q(name)})")]
            for (name,) in names
        }

    store, backup = listed("main"), listed("restored")
    if {t: set(c) for t, c in store.items()} != {t: set(c) for t, c in backup.items()}:
        raise StoreError("the backup's tables are not the store's; nothing was restored")
    return [(_q(t), ", ".join(_q(c) for c in columns)) for t, columns in store.items()]


def _keep_showings(
    conn: sqlite3.Connection,
    shown: list[tuple[object, ...]],
    machines: list[tuple[str, str]],
) -> None:
    """Put back the store's ledger rows ``shown`` (as :data:`_SHOWINGS` reads them) whose
    interview the restored tables hold (same id, same creation instant), with the machines
    they name (``machines``: (id, name) of the store as it was)."""
    names: dict[object, str] = dict(machines)
    for interview_id, created_at, kind, due_at, shown_at, state, machine_id, channel in shown:
        same = conn.execute(
            "SELECT 1 FROM main.interviews WHERE id = ? AND created_at = ?",
            (interview_id, created_at),
        ).fetchone()
        if same is None:
            continue
        there = conn.execute(
            "SELECT id, state FROM main.shown_reminders WHERE interview_id = ? AND kind = ? "
            "AND due_at = ? AND machine_id IS ? AND channel = ?",
            (interview_id, kind, due_at, machine_id, channel),
        ).fetchone()
        if there is None:
            if machine_id is not None:
                conn.execute(
                    "INSERT OR IGNORE INTO main.machines (id, name) VALUES (?, ?)",
                    (machine_id, names.get(machine_id, str(machine_id)[:8])),
                )
            conn.execute(
                "INSERT INTO main.shown_reminders (interview_id, kind, due_at, shown_at, "
                "state, machine_id, channel) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (interview_id, kind, due_at, shown_at, state, machine_id, channel),
            )
        elif there[1] == "intent" and state == "shown":
            conn.execute(
                "UPDATE main.shown_reminders SET state = 'shown', shown_at = ? WHERE id = ?",
                (shown_at, there[0]),
            )


def _q(name: str) -> str:
    """``name`` as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _count(path: Path) -> int:
    """How many interviews the store file holds (0 for a new, empty one)."""
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
        try:
            return int(conn.execute("SELECT count(*) FROM interviews").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0
