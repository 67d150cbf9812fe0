"""The daemon that runs outside systemd (started at login by the XDG autostart entry, or by
hand): stopping it, and starting a new one in its place, so that an upgrade runs the new code
and an uninstall leaves nothing running.

A daemon is only ever signalled when it is really followup's: the pid in the state file
must be a process whose command line names followup's daemon and that holds the daemon lock
(:func:`followup.daemon.state.running_daemon`), so that a pid reused by another program is
never signalled. The user unit's daemon (its log is the journal) is left to systemctl.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Mapping

from followup.daemon.state import DaemonState, running_daemon
from followup.errors import FollowupError

#: How long a daemon is given to stop after SIGTERM (it stops in well under a second; the
#: user unit gives it 10 s, ``TimeoutStopSec``).
STOP_BOUND_S = 10.0
#: How long a new daemon is given to take the daemon lock (about half a second here).
START_BOUND_S = 15.0
#: How often the state is looked at meanwhile.
POLL_S = 0.05


def running_outside_systemd(env: Mapping[str, str]) -> DaemonState | None:
    """The state of the daemon that runs now, unless none runs or it is the user unit's."""
    state = running_daemon(env)
    if state is None or (state["log"] or "").startswith("journalctl"):
        return None
    return state


def stop(env: Mapping[str, str], state: DaemonState) -> None:
    """SIGTERM to the daemon ``state`` describes, then wait until it has let go of the
    daemon lock. Raises FollowupError when it is still running after :data:`STOP_BOUND_S`."""
    pid = state["pid"]
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    except OSError as exc:
        raise FollowupError(
            f"cannot stop the followup daemon (pid {pid}): {exc.strerror}"
        ) from None
    if not _within(STOP_BOUND_S, lambda: running_daemon(env) is None):
        raise FollowupError(
            f"the followup daemon (pid {pid}) is still running {STOP_BOUND_S:g} s after "
            f"SIGTERM; stop it with: kill {pid}"
        )


def start(executable: str, env: Mapping[str, str]) -> int:
    """Start ``executable daemon`` in a session of its own, with ``env`` and no terminal (it
    writes its own log file), and wait until it holds the daemon lock; its pid. Raises
    FollowupError when it ends first or does not get there within :data:`START_BOUND_S`."""
    import subprocess

    from followup.daemon.state import log_place

    process = subprocess.Popen(
        [executable, "daemon"],
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

    def started() -> bool:
        state = running_daemon(env)
        return (state is not None and state["pid"] == process.pid) or process.poll() is not None

    if _within(START_BOUND_S, started) and process.poll() is None:
        return process.pid
    ended = process.poll()
    why = f"ended with status {ended}" if ended is not None else "did not start"
    raise FollowupError(
        f"the new followup daemon {why}; its log: {log_place(env)}; start it by hand: "
        f"{executable} daemon"
    )


def _within(bound_s: float, done: Callable[[], bool]) -> bool:
    """Whether ``done()`` turns true within ``bound_s`` seconds (looked at every
    :data:`POLL_S`; an Event's wait, which libfaketime leaves working)."""
    import time

    deadline = time.monotonic() + bound_s
    pause = threading.Event()
    while not done():
        if time.monotonic() >= deadline:
            return False
        pause.wait(POLL_S)
    return True
