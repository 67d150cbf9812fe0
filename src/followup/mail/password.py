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

TIMEOUT_S = 120


def read_password(command: Sequence[str]) -> str:
    """Run ``command`` and return the first line of its standard output.

    Raises MailError naming the program when it cannot be run, fails (with the first line
    of its standard error, which a password manager uses for its complaint), times out, or
    prints nothing.
    """
    program = command[0]
    try:
        result = subprocess.run(
            list(command),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError:
        raise MailError(f"mail.password_command: no program {program!r}") from None
    except PermissionError:
        raise MailError(f"mail.password_command: {program!r} is not executable") from None
    except subprocess.TimeoutExpired:
        raise MailError(
            f"mail.password_command: {program!r} gave no password in {TIMEOUT_S} s"
        ) from None
    if result.returncode != 0:
        complaint = result.stderr.decode("utf-8", "replace").strip().splitlines()
        why = f": {complaint[0]}" if complaint else ""
        raise MailError(
            f"mail.password_command: {program!r} failed with exit status {result.returncode}{why}"
        )
    lines = result.stdout.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise MailError(f"mail.password_command: {program!r} printed no password")
    return lines[0]
