"""Noticing that another process changed the store, without polling it.

On Linux the database's folder is watched with inotify, so a commit by the CLI wakes the
daemon at once and an idle daemon makes no system calls at all; SQLite's
``PRAGMA data_version`` then tells whether the change came from another connection. Where
inotify is not available (another OS) the daemon asks ``data_version`` on every wake
instead; a database that is not a SQLite file is compared in full on every wake. Either way
the CLI's SIGUSR1 makes the daemon look at once.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sqlite3
import struct
from pathlib import Path

_IN_MODIFY = 0x002
_IN_MOVED_TO = 0x080
_IN_CREATE = 0x100
_EVENT = struct.Struct("iIII")


class StoreWatch:
    """Tells whether the SQLite file was changed by another connection since the last look."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._conn = sqlite3.connect(path, isolation_level=None) if path else None
        self._version = self._read_version()
        self._names = {path.name, f"{path.name}-wal"} if path else set()
        self._fd = _inotify(path.parent) if path else None

    def fileno(self) -> int | None:
        """A descriptor that becomes readable when the files change, or None (then poll)."""
        return self._fd

    def changed(self) -> bool:
        """Whether another connection committed since the last call (cheap: no query when
        inotify says nothing was written)."""
        if self._conn is None:
            return True
        if self._fd is not None and not self._drain():
            return False
        version = self._read_version()
        changed, self._version = version != self._version, version
        return changed

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
