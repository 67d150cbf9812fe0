"""Putting a backup back as the store, safely whether the daemon runs or not.

A backup must never be moved over the store file: the daemon's connections stay on the
file they opened, and the old file's ``-wal`` beside the path would be read as if it were
the new file's (undoing the restore). The backup is copied *into* the store instead, with
SQLite's online backup API (https://sqlite.org/backup.html), which takes the store's write
lock and writes through its WAL like any commit: the daemon sees one more commit (its
``data_version`` moves) and plans again from what it now reads.

Before anything is copied, the backup is checked (an SQLite file, ``PRAGMA quick_check``,
followup's schema, not newer than this version) and the current store is saved beside it
as ``NAME.YYYYmmddTHHMMSSZ.bak`` (UTC), so that a restore can itself be undone.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from followup.errors import StoreError
from followup.store.database import BUSY_TIMEOUT_S, HEAD_REVISION, Database

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


def check_backup(path: Path) -> str:
    """The schema revision of the SQLite backup ``path``, read without writing to it.
    Raises StoreError naming the file when it is damaged, not followup's, or newer than
    this version."""
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise StoreError(f"the backup {path} is damaged; nothing was restored")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        raise StoreError(
            f"{path} is not a followup database backup; nothing was restored"
        ) from None
    if row is None:
        raise StoreError(f"{path} is not a followup database backup; nothing was restored")
    revision = str(row[0])
    from followup.store import migrate

    if revision != HEAD_REVISION and revision not in migrate.known_revisions():
        raise StoreError(
            f"the backup {path} has schema {revision!r}, newer than this followup knows; "
            "upgrade followup; nothing was restored"
        )
    return revision


def restore(url: str, backup: Path, now: datetime) -> Restored:
    """Replace the content of the SQLite store at ``url`` with the SQLite ``backup``, after
    saving the current store beside it; an older backup's schema is then upgraded. Raises
    StoreError (nothing changed) when the backup is refused, the store is not an SQLite
    file, or the current store cannot be saved first."""
    check_backup(backup)
    db = Database(url, clock=lambda: now)
    try:
        if db.path is None:
            raise StoreError(
                f"the store {db.where} is not an SQLite file; restoring copies a file into "
                "it; nothing was restored"
            )
        if db.path.resolve() == backup.resolve():
            raise StoreError(f"{backup} is the store itself; nothing was restored")
        saved = db.backup(now, why="the restore") if _count(db.path) else None
        _copy_into(backup, db)
    finally:
        db.close()
    db = Database(url, clock=lambda: now)  # an older backup's schema is upgraded here
    try:
        assert db.path is not None
        return Restored(db.path, backup, saved, _count(db.path))
    finally:
        db.close()


def _copy_into(backup: Path, db: Database) -> None:
    assert db.path is not None
    try:
        source = sqlite3.connect(f"file:{quote(str(backup))}?mode=ro", uri=True)
        target = sqlite3.connect(db.path, timeout=BUSY_TIMEOUT_S)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    except sqlite3.Error as exc:
        raise db.fault(exc) from None


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
