"""Where a running daemon can be found: its lock, its state file, and how the CLI wakes it.

The daemon holds an exclusive lock for its whole life (so two daemons never show the same
reminder) and keeps a small JSON state file current: pid, start time, next reminder, last
delivery error. ``followup status`` reads it; every CLI write sends the daemon SIGUSR1 so
it re-plans at once (it would notice within seconds anyway).

A part of the daemon that fails unexpectedly is logged with its traceback and named in the
state file (:func:`note_failure`), with where the log is (:func:`log_place`); a daemon whose
loop died leaves its state file behind, so that ``followup status`` still names the
failure, and the next daemon carries it on.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, NotRequired, TypedDict

from followup.errors import FollowupError
from followup.ownfiles import make_folder, write_file
from followup.paths import state_dir


class ChannelState(TypedDict):
    """One channel besides the desktop as ``followup status`` shows it: "ok", "starting"
    or "failing", the last sync that worked (for an ``outbound`` channel, the last send),
    and the failure of the last try (retried with backoff) since when."""

    state: str
    synced_at: str | None
    error: str | None
    error_at: str | None
    outbound: NotRequired[bool]


class DaemonState(TypedDict):
    """What the daemon tells ``followup status`` about itself: the JSON of its state file.

    Instants are ISO 8601 text (UTC, to the second); the other strings are shown as they
    are.
    """

    pid: int
    started_at: str
    next_reminder: str | None
    last_shown: str | None
    last_error: str | None
    last_error_at: str | None
    #: the last reload that failed (the daemon kept its previous config), or None
    reload_error: str | None
    reload_error_at: str | None
    #: the store could not be used at the last try (it is retried with backoff), or None
    store_error: str | None
    #: the mailbox (``[mail]``): the last look that worked, the failure of the last try
    #: (retried with backoff) and since when it fails and how many tries in a row, and the
    #: folder the server announces new mail of (IDLE), when it does
    mail_checked_at: str | None
    mail_error: str | None
    mail_error_at: str | None
    mail_failures: int
    mail_idle: str | None
    #: the calendar feed (``export.ics_path``) could not be written at the last try, and
    #: since when; None once it is written again
    feed_error: str | None
    feed_error_at: str | None
    #: the last unexpected failure of a part (``"mail watch"``, ``"delivery"``, ``"loop"``,
    #: ...): which part, when, and the exception's line ("ValueError: ..."), or None
    failure: str | None
    failure_part: str | None
    failure_at: str | None
    #: where the daemon's log (with each failure's traceback) is: a command to read the
    #: journal, or a file's path
    log: str | None
    #: each task channel of ``notify.channels`` (the desktop's failures are ``last_error``)
    channels: dict[str, ChannelState]


#: The part whose failure ends the daemon: its loop (the service manager starts it again).
LOOP = "loop"
#: The log file of a daemon not started by systemd (the autostart entry's, or by hand).
LOG_FILE = "daemon.log"


def log_place(env: Mapping[str, str]) -> str:
    """Where this daemon's standard error and log go: the journal for the user unit
    (systemd sets ``INVOCATION_ID`` for a unit's processes, see systemd.exec(5)), else the
    log file in the state folder, which :func:`followup.daemon.loop.run` writes too."""
    if env.get("INVOCATION_ID"):
        from followup.paths import UNIT_NAME

        return f"journalctl --user -u {UNIT_NAME.removesuffix('.service')}"
    return str(state_dir(env) / LOG_FILE)


def log_of(env: Mapping[str, str], state: DaemonState | None) -> str:
    """Where the log of the daemon that ``state`` describes is (its own word for it), or,
    with no state, of the daemon this environment would start: the journal when the user
    unit is installed, else the log file."""
    if state is not None and state["log"]:
        return state["log"]
    from followup.paths import unit_path

    if unit_path(env).exists():
        return log_place({**env, "INVOCATION_ID": "unit"})
    return log_place({k: v for k, v in env.items() if k != "INVOCATION_ID"})


def last_state(env: Mapping[str, str]) -> DaemonState | None:
    """The state file as the last daemon left it, running or not: a daemon whose loop
    died leaves it behind with its failure."""
    return read_state(state_dir(env))


def first_state(env: Mapping[str, str], folder: Path, started_at: str) -> DaemonState:
    """The state of a daemon starting now (``started_at``, ISO 8601 UTC) in this process:
    where its log goes, and the failure the state file in ``folder`` names from the daemon
    before it (:func:`carry_failure`)."""
    state = new_state(os.getpid(), started_at)
    state["log"] = log_place(env)
    carry_failure(state, read_state(folder))
    return state


def carry_failure(state: DaemonState, previous: DaemonState | None) -> None:
    """Keep the failure the ``previous`` daemon's state file names (the one that ended it,
    when its loop died) in a new daemon's ``state``, until a newer one replaces it."""
    if previous is not None and previous["failure"]:
        state["failure"] = previous["failure"]
        state["failure_part"] = previous["failure_part"]
        state["failure_at"] = previous["failure_at"]


def note_failure(state: DaemonState, part: str, failure: BaseException | str, at: str) -> None:
    """Name ``failure``, an exception raised in ``part`` at ``at`` (ISO 8601, UTC), or its
    line ("ValueError: ..."), as the daemon's last failure; only its first line is kept."""
    if isinstance(failure, BaseException):
        failure = f"{type(failure).__name__}: {failure}"
    line = (failure.strip().splitlines() or [""])[0]
    state["failure"], state["failure_part"], state["failure_at"] = line, part, at


def new_state(pid: int, started_at: str) -> DaemonState:
    """The state of a daemon that has just started: nothing shown, failed or checked yet."""
    return DaemonState(
        pid=pid,
        started_at=started_at,
        next_reminder=None,
        last_shown=None,
        last_error=None,
        last_error_at=None,
        reload_error=None,
        reload_error_at=None,
        store_error=None,
        mail_checked_at=None,
        mail_error=None,
        mail_error_at=None,
        mail_failures=0,
        mail_idle=None,
        feed_error=None,
        feed_error_at=None,
        failure=None,
        failure_part=None,
        failure_at=None,
        log=None,
        channels={},
    )


class DaemonLock:
    """Held by the one running daemon; a second one is refused with the first one's pid."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.folder = state_dir(env)
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock; raises FollowupError when another daemon holds it or the state
        folder cannot be used."""
        try:
            make_folder(self.folder)
            lock = self.folder / "daemon.lock"
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            os.fchmod(fd, 0o600)
            handle = open(fd, "a+")  # noqa: SIM115 - held for life
        except OSError as exc:
            raise FollowupError(
                f"cannot use the state folder {self.folder}: {exc.strerror or exc}"
            ) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            state = read_state(self.folder)
            pid = f" (pid {state['pid']})" if state else ""
            raise FollowupError(f"another followup daemon is already running{pid}") from None
        self._file = handle

    def check(self) -> None:
        """Raise as :meth:`acquire` does when another daemon holds the lock, holding
        nothing: a second daemon is refused before it says anything else."""
        self.acquire()
        if self._file is not None:
            self._file.close()
            self._file = None

    def write(self, state: DaemonState) -> None:
        write_file(self.folder / "daemon.json", json.dumps(state).encode("utf-8"), sync=False)

    def release(self, last: DaemonState | None = None) -> None:
        """Let go of the lock; the state file is removed, or with ``last`` (a daemon whose
        loop died) written as ``last`` and left for ``followup status`` and the next
        daemon to read."""
        if self._file is not None:
            if last is None:
                (self.folder / "daemon.json").unlink(missing_ok=True)
            else:
                with contextlib.suppress(OSError):
                    self.write(last)
            self._file.close()
            self._file = None


def read_state(folder: Path) -> DaemonState | None:
    """The state file in ``folder``; None when there is none, or it is not one (keys a
    daemon of an older version did not write yet take their starting values)."""
    try:
        data: Any = json.loads((folder / "daemon.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("pid"), int):
        return None
    state = new_state(data["pid"], "")
    if not isinstance(data.get("started_at"), str) or not data.keys() <= state.keys():
        return None
    state.update(data)  # type: ignore[typeddict-item]
    return state


def running_daemon(env: Mapping[str, str]) -> DaemonState | None:
    """The state of the daemon that runs now, or None (a stale file does not count)."""
    folder = state_dir(env)
    state = read_state(folder)
    if state is None or not _is_daemon(state["pid"]):
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
    if state is not None and _is_daemon(state["pid"]):
        import signal

        with contextlib.suppress(OSError):
            os.kill(state["pid"], signal.SIGUSR1)


def _is_daemon(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"followup" in cmdline and b"daemon" in cmdline
