"""The mail password, from the user's own password manager, never from a file of ours.

``mail.password_command`` is a list of strings run without a shell (``["pass", "show",
"mail"]``, ``["secret-tool", "lookup", "service", "followup"]``); the first line of its
output is the password. It is kept in memory for one login only: never stored, logged or
printed, and no error message quotes the command's output.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Sequence

from followup.errors import MailError

TIMEOUT_S = 120


def read_password(command: Sequence[str]) -> str:
    """Run ``command`` and return the first line of its standard output.

    Raises MailError naming the program when it cannot be run, fails (with the first line
    of its standard error, which a password manager uses for its complaint), times out, or
    prints nothing.

    The time limit is a timer that kills the program, not ``subprocess.run(timeout=...)``,
    whose wait polls with ``time.sleep``: that fails (EINVAL) under libfaketime, the clock
    of the daemon's tests, and the daemon reads the password too.
    """
    program = command[0]
    try:
        proc = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError:
        raise MailError(f"mail.password_command: no program {program!r}") from None
    except PermissionError:
        raise MailError(f"mail.password_command: {program!r} is not executable") from None
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        proc.kill()

    timer = threading.Timer(TIMEOUT_S, kill)
    timer.start()
    try:
        out, err = proc.communicate()
    finally:
        timer.cancel()
    if killed.is_set():
        raise MailError(f"mail.password_command: {program!r} gave no password in {TIMEOUT_S} s")
    if proc.returncode != 0:
        complaint = err.decode("utf-8", "replace").strip().splitlines()
        why = f": {complaint[0]}" if complaint else ""
        raise MailError(
            f"mail.password_command: {program!r} failed with exit status {proc.returncode}{why}"
        )
    lines = out.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise MailError(f"mail.password_command: {program!r} printed no password")
    return lines[0]
