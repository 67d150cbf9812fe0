"""Where a running daemon can be found: its lock, its state file, and how the CLI wakes it.

The daemon holds an exclusive lock for its whole life (so two daemons never show the same
reminder) and keeps a small JSON state file current: pid, start time, next reminder, last
delivery error. ``followup status`` reads it; every CLI write sends the daemon SIGUSR1 so
it re-plans at once (it would notice within seconds anyway).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from followup.config import xdg_dir
from followup.errors import FollowupError


def state_dir(env: Mapping[str, str]) -> Path:
    return xdg_dir("XDG_STATE_HOME", ".local/state", env) / "followup"


@dataclass
class DaemonState:
    pid: int
    started_at: str
    next_reminder: str | None = None
    last_shown: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    #: the last reload that failed (the daemon kept its previous config), or None
    reload_error: str | None = None
    reload_error_at: str | None = None
    #: the store could not be used at the last try (it is retried with backoff), or None
    store_error: str | None = None
    #: the mailbox (``[mail]``): the last look that worked, the failure of the last try
    #: (retried with backoff) and since when it fails and how many tries in a row, and the
    #: folder the server announces new mail of (IDLE), when it does
    mail_checked_at: str | None = None
    mail_error: str | None = None
    mail_error_at: str | None = None
    mail_failures: int = 0
    mail_idle: str | None = None


class DaemonLock:
    """Held by the one running daemon; a second one is refused with the first one's pid."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.folder = state_dir(env)
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock; raises FollowupError when another daemon holds it or the state
        folder cannot be used."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle = open(self.folder / "daemon.lock", "a+")  # noqa: SIM115 - held for life
        except OSError as exc:
            raise FollowupError(
                f"cannot use the state folder {self.folder}: {exc.strerror or exc}"
            ) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            state = read_state(self.folder)
            pid = f" (pid {state.pid})" if state else ""
            raise FollowupError(f"another followup daemon is already running{pid}") from None
        self._file = handle

    def write(self, state: DaemonState) -> None:
        tmp = self.folder / "daemon.json.tmp"
        tmp.write_text(json.dumps(asdict(state)), encoding="utf-8")
        tmp.replace(self.folder / "daemon.json")

    def release(self) -> None:
        if self._file is not None:
            (self.folder / "daemon.json").unlink(missing_ok=True)
            self._file.close()
            self._file = None


def read_state(folder: Path) -> DaemonState | None:
    try:
        data: dict[str, Any] = json.loads((folder / "daemon.json").read_text(encoding="utf-8"))
        return DaemonState(**data)
    except (OSError, ValueError, TypeError):
        return None


def running_daemon(env: Mapping[str, str]) -> DaemonState | None:
    """The state of the daemon that runs now, or None (a stale file does not count)."""
    folder = state_dir(env)
    state = read_state(folder)
    if state is None or not _is_daemon(state.pid):
        return None
    try:
        with open(folder / "daemon.lock") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(handle, fcntl.LOCK_UN)
            return None  # nobody holds the lock: the file is left over from a crash
    except BlockingIOError:
        return state
    except OSError:
        return None


def poke(env: Mapping[str, str]) -> None:
    """Tell a running daemon that the store changed; silent when none runs."""
    state = read_state(state_dir(env))
    if state is not None and _is_daemon(state.pid):
        with contextlib.suppress(OSError):
            os.kill(state.pid, signal.SIGUSR1)


def _is_daemon(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"followup" in cmdline and b"daemon" in cmdline
