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
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sqlite3
import struct
import time
from pathlib import Path

_IN_MODIFY = 0x002
_IN_MOVED_TO = 0x080
_IN_CREATE = 0x100
_EVENT = struct.Struct("iIII")
#: How often, and for how long, to look again after a write whose commit was not visible.
RECHECK_S = 0.2
SETTLE_S = 3.0


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
    mask = _IN_MODIFY | _IN_MOVED_TO | _IN_CREATE
    if libc.inotify_add_watch(fd, os.fsencode(folder), mask) < 0:
        os.close(fd)
        return None
    return fd
