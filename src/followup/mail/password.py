"""The mail password, from the user's own password manager, never from a file of ours.

``mail.password_command`` is a list of strings run without a shell (``["pass", "show",
"mail"]``, ``["secret-tool", "lookup", "service", "followup"]``); the first line of its
output is the password. It is kept in memory for one login only: never stored, logged or
printed, and no error message quotes the command's output.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

from followup.errors import MailError
from followup.running import communicate_within

TIMEOUT_S = 120


def read_password(command: Sequence[str], key: str = "mail.password_command") -> str:
    """Run ``command`` and return the first line of its standard output.

    ``key`` is the setting the command came from, as the messages name it (the CalDAV
    channel's ``caldav.password_command`` is run the same way).

    Raises MailError naming the program when it cannot be run, fails (with the first line
    of its standard error, which a password manager uses for its complaint), times out, or
    prints nothing.

    The time limit is kept as :mod:`followup.running` keeps it: the daemon reads the
    password too, under the tests' libfaketime clock.
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
        raise MailError(f"{key}: no program {program!r}") from None
    except PermissionError:
        raise MailError(f"{key}: {program!r} is not executable") from None
    done = communicate_within(proc, TIMEOUT_S)
    if done is None:
        raise MailError(f"{key}: {program!r} gave no password in {TIMEOUT_S} s")
    out, err = done[0] or b"", done[1] or b""
    if proc.returncode != 0:
        complaint = err.decode("utf-8", "replace").strip().splitlines()
        why = f": {complaint[0]}" if complaint else ""
        raise MailError(f"{key}: {program!r} failed with exit status {proc.returncode}{why}")
    lines = out.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise MailError(f"{key}: {program!r} printed no password")
    return lines[0]
