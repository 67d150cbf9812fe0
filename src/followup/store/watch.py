"""Noticing that another process changed the store, without polling it.

On Linux the database's folder is watched with inotify, so a commit by the CLI wakes the
daemon at once; SQLite's ``PRAGMA data_version`` then tells whether the change came from
another connection. The version is read on every wake of the daemon, not only when inotify
speaks: a write to the log can be seen before its commit is (the commit becomes visible in
the shared-memory index, which inotify does not report), so after a write that is not yet
a change the watch asks to be looked at again shortly, for a while. Where inotify is not
available (another OS) the version read on every wake is all there is; a database that is
not a SQLite file is compared in full on every wake. Either way the CLI's SIGUSR1 makes the
daemon look at once.

A PostgreSQL store may be written from another machine, where no signal and no inotify can
reach: every write transaction there sends ``NOTIFY`` on a channel (see
:mod:`followup.store.database`), and :class:`NoticeWatch` holds one connection that
listens on it, whose socket wakes the daemon when a notice arrives.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import sqlite3
import struct
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from followup.store.database import Database

log = logging.getLogger("followup.daemon")

_IN_MODIFY = 0x002
_IN_MOVED_TO = 0x080
_IN_CREATE = 0x100
_IN_DELETE = 0x200
_EVENT = struct.Struct("iIII")
#: How often, and for how long, to look again after a write whose commit was not visible.
RECHECK_S = 0.2
SETTLE_S = 3.0


#: How long to wait before connecting again when a PostgreSQL notice connection is lost, at
#: first and at most (doubling in between).
RECONNECT_FIRST_S = 1.0
RECONNECT_MAX_S = 60.0
#: How long the start's ``NOTIFY`` round trip may take, and how often the store is compared
#: in full when notices do not come through (a pooler in transaction mode).
PROBE_S = 3.0
POLL_S = 30.0


class Watch(Protocol):
    """What the daemon's loop asks of a watch; see :class:`StoreWatch`."""

    def fileno(self) -> int | None: ...
    def changed(self) -> bool: ...
    def recheck_in(self) -> float | None: ...
    def close(self) -> None: ...


def watch_store(db: Database) -> Watch:
    """The watch for ``db``: inotify and ``data_version`` for a SQLite file, ``LISTEN`` for
    PostgreSQL, and "always changed" (compare in full on every wake) for anything else."""
    if db.path is None and db.engine.dialect.name == "postgresql":
        return NoticeWatch(db)
    return StoreWatch(db.path)


class StoreWatch:
    """Tells whether the SQLite file was changed by another connection since the last look."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._conn = sqlite3.connect(path, isolation_level=None) if path else None
        self._version = self._read_version()
        self._names = {path.name, f"{path.name}-wal"} if path else set()
        self._fd = _inotify(path.parent) if path else None
        self._settle_until = 0.0

    def fileno(self) -> int | None:
        """A descriptor that becomes readable when the files change, or None (then poll)."""
        return self._fd

    def changed(self) -> bool:
        """Whether another connection committed since the last call (one cheap query)."""
        if self._conn is None:
            return True
        touched = self._fd is not None and self._drain()
        version = self._read_version()
        changed, self._version = version != self._version, version
        if changed:
            self._settle_until = 0.0
        elif touched:
            self._settle_until = time.monotonic() + SETTLE_S
        return changed

    def recheck_in(self) -> float | None:
        """Seconds until the next look when a write was seen whose commit was not yet
        visible; None when no look is owed."""
        return RECHECK_S if time.monotonic() < self._settle_until else None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _read_version(self) -> int:
        if self._conn is None:
            return 0
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _drain(self) -> bool:
        assert self._fd is not None
        touched = False
        while True:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                return touched
            offset = 0
            while offset < len(data):
                _wd, _mask, _cookie, length = _EVENT.unpack_from(data, offset)
                name = data[offset + _EVENT.size : offset + _EVENT.size + length].rstrip(b"\0")
                touched |= os.fsdecode(name) in self._names
                offset += _EVENT.size + length


class NoticeWatch:
    """Tells whether a ``NOTIFY`` on the change channel arrived since the last look.

    Holds one connection of its own (outside the pool, in autocommit) that listens.
    When it breaks (the server restarted, the network went away), :meth:`changed` says
    "changed" (notices may have been missed, so everything is compared) and connecting again
    is tried on later wakes, :meth:`recheck_in` asking for them with a doubling delay.

    At start a ``NOTIFY`` is sent on another connection and must come back within
    :data:`PROBE_S`: behind a pooler in transaction mode (pgbouncer's ``pool_mode =
    transaction``, pgbouncer#655) ``LISTEN`` holds on to nothing, and no notice ever
    arrives. Then the watch polls instead (``polling``): "changed" every :data:`POLL_S`,
    with one log line naming the cause.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._conn: Any = None
        self._retry_at = 0.0
        self._delay = RECONNECT_FIRST_S
        self.polling = False
        if self._connect() and not self._round_trip():
            self._drop()
            self.polling = True
            self._retry_at = time.monotonic() + POLL_S
            log.warning(
                "the store %s does not pass change notices on (LISTEN heard no NOTIFY within "
                "%.0f s: a connection pooler in transaction mode, such as pgbouncer, does "
                "this); comparing the store every %.0f s instead",
                db.where,
                PROBE_S,
                POLL_S,
            )

    def _round_trip(self) -> bool:
        """Whether a ``NOTIFY`` sent on another connection reaches the listening one."""
        from sqlalchemy import text

        from followup.store.database import CHANGE_CHANNEL

        try:
            with self._db.engine.connect() as other:
                other.execute(text(f"NOTIFY {CHANGE_CHANNEL}"))
                other.commit()
            deadline = time.monotonic() + PROBE_S
            while (left := deadline - time.monotonic()) > 0:
                if any(True for _ in self._conn.notifies(timeout=left, stop_after=1)):
                    return True
        except Exception:  # the probe itself failed: keep listening, as before
            return True
        return False

    def _connect(self) -> bool:
        from followup.store.database import CHANGE_CHANNEL

        try:
            raw = self._db.engine.raw_connection()
            conn: Any = raw.driver_connection
            raw.detach()
            conn.autocommit = True
            conn.execute(f"LISTEN {CHANGE_CHANNEL}")
        except Exception:  # any driver or network failure: try again later
            self._retry_at = time.monotonic() + self._delay
            self._delay = min(self._delay * 2, RECONNECT_MAX_S)
            return False
        self._conn, self._delay = conn, RECONNECT_FIRST_S
        return True

    def fileno(self) -> int | None:
        return None if self._conn is None else int(self._conn.fileno())

    def changed(self) -> bool:
        if self.polling:
            if time.monotonic() < self._retry_at:
                return False
            self._retry_at = time.monotonic() + POLL_S
            return True
        if self._conn is None:
            return time.monotonic() >= self._retry_at and self._connect()
        try:
            return any(True for _ in self._conn.notifies(timeout=0))
        except Exception:  # the connection broke: notices may be lost, so look at everything
            self._drop()
            self._connect()
            return True

    def recheck_in(self) -> float | None:
        if self._conn is not None and not self.polling:
            return None
        return max(0.0, self._retry_at - time.monotonic())

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def close(self) -> None:
        self._drop()


def _inotify(folder: Path) -> int | None:
    """An inotify descriptor watching ``folder`` for written files, or None."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        fd = int(libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC))
    except (OSError, AttributeError):
        return None
    if fd < 0:
        return None
    mask = _IN_MODIFY | _IN_MOVED_TO | _IN_CREATE | _IN_DELETE
    if libc.inotify_add_watch(fd, os.fsencode(folder), mask) < 0:
        os.close(fd)
        return None
    return fd
