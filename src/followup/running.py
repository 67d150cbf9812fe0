"""Running a helper program (notify-send, xdg-open, a password command) with a time limit.

The limit is a timer that kills the program, not ``subprocess.run(timeout=...)`` or
``communicate(timeout=...)``: their waits poll with ``time.sleep``, which fails (EINVAL)
under libfaketime, the wall clock of the daemon's end-to-end tests; an untimed wait never
sleeps.
"""

from __future__ import annotations

import subprocess
import threading
from typing import AnyStr


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
