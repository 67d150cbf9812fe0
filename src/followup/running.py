"""Running a helper program (notify-send, xdg-open, a password command) with a time limit.

The limit is a timer that kills the program, not ``subprocess.run(timeout=...)`` or
``communicate(timeout=...)``: their waits poll with ``time.sleep``, which fails (EINVAL)
under libfaketime, the wall clock of the daemon's end-to-end tests; an untimed wait never
sleeps. :func:`run_bounded` waits in ``select`` (which works there) against the monotonic
clock (which the tests leave real).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from typing import AnyStr, NamedTuple


class Ran(NamedTuple):
    """How a program run by :func:`run_bounded` ended: its exit status (None when it was
    killed), the first bytes of its standard output and error (at most the limits given),
    and why it was killed, if it was: ``"time"`` or ``"output"``."""

    returncode: int | None
    out: bytes
    err: bytes
    killed: str | None


def run_bounded(command: Sequence[str], seconds: float, *, max_out: int, max_err: int) -> Ran:
    """Run ``command`` (no shell, standard input from /dev/null) in a session of its own,
    reading at most ``max_out`` bytes of its standard output and keeping the first
    ``max_err`` of its standard error (the rest is read and dropped). At ``seconds``, or
    when its output passes ``max_out``, its whole process group is killed: a child that
    keeps the pipe open (``sh -c "sleep 1000"``, gpg waiting for a passphrase) ends with it.
    Raises OSError when it cannot be started."""
    proc = subprocess.Popen(
        list(command),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    deadline = time.monotonic() + seconds
    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    kept = {out_fd: bytearray(), err_fd: bytearray()}
    limit = {out_fd: max_out, err_fd: max_err}
    waiting = list(kept)
    killed: str | None = None
    try:
        while waiting and killed is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                killed = "time"
                break
            for fd in select.select(waiting, [], [], remaining)[0]:
                chunk = os.read(fd, 65536)
                if not chunk:
                    waiting.remove(fd)
                    continue
                room = limit[fd] - len(kept[fd])
                kept[fd] += chunk[: max(room, 0)]
                if fd == out_fd and len(chunk) > room:
                    killed = "output"
        while killed is None and proc.poll() is None:  # its pipes closed; it is ending
            if time.monotonic() >= deadline:
                killed = "time"
            select.select([], [], [], 0.01)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # the program ended: its strays go too
        proc.stdout.close()
        proc.stderr.close()
        proc.wait()
    code = None if killed else proc.returncode
    return Ran(code, bytes(kept[out_fd]), bytes(kept[err_fd]), killed)


def communicate_within(
    proc: subprocess.Popen[AnyStr], seconds: float
) -> tuple[AnyStr | None, AnyStr | None] | None:
    """``proc.communicate()``, killing ``proc`` if it has not ended after ``seconds``.

    Returns its (stdout, stderr), each None where not piped; None when it was killed.
    """
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        proc.kill()

    timer = threading.Timer(seconds, kill)
    timer.start()
    try:
        out, err = proc.communicate()
    finally:
        timer.cancel()
    return None if killed.is_set() else (out, err)
