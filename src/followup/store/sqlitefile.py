"""The SQLite file as a file: which file the store is (its identity), how full its disk is,
and how to read it when nothing beside it can be written.

**Identity.** A store is the file at its path *now*: a backup moved over it, or the file
deleted, makes a new file there. The daemon keeps connections open for days, and a
connection stays on the file it opened; so a :class:`~followup.store.database.Database`
remembers the file's ``(st_dev, st_ino)`` when it opens it and compares it before every
write (inside the write lock) and on every wake of the daemon. The content is never
compared: a restore may put back the very same bytes.

**A full disk.** SQLite in WAL mode needs two files beside the database to read it (the
``-wal`` and the ``-shm`` index, both made on the first connection and removed by the last
one): on a full disk the first read fails ("disk I/O error", ``SQLITE_IOERR_SHMSIZE``).
When the ``-wal`` is missing or empty, the database file alone holds every commit, and it
is read with the ``immutable=1`` URI parameter (https://sqlite.org/uri.html), which makes
no file and takes no lock; a write through it fails, and is reported as the disk being
full.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

#: Free space below which a failed write is blamed on a full disk (bytes): SQLite needs at
#: least a page and its 32 KiB shared-memory index to write.
FULL_BELOW_BYTES = 256 << 10

Identity = tuple[int, int]


def identity(path: Path) -> Identity | None:
    """``(st_dev, st_ino)`` of the file at ``path`` now; None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def disk_full(path: Path) -> bool:
    """Whether the file system holding ``path`` has less than :data:`FULL_BELOW_BYTES`
    available to this user."""
    try:
        st = os.statvfs(path.parent)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < FULL_BELOW_BYTES


def wal_is_empty(path: Path) -> bool:
    """Whether every commit is in the database file itself: no ``-wal`` beside it, or an
    empty one."""
    try:
        return os.stat(path.with_name(path.name + "-wal")).st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


def open_immutable(path: Path) -> sqlite3.Connection:
    """A connection that reads ``path`` as it is, making no file and taking no lock (see
    the module's docstring); it refuses every write."""
    uri = f"file:{quote(str(path))}?immutable=1"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn
