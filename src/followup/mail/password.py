"""The mail password, from the user's own password manager, never from a file of ours.

``mail.password_command`` is a list of strings run without a shell (``["pass", "show",
"mail"]``, ``["secret-tool", "lookup", "service", "followup"]``); the first line of its
output is the password. It is kept in memory for one login only: never stored, logged or
printed, and no error message quotes the command's output.
"""

from __future__ import annotations

from collections.abc import Sequence

from followup.cleaning import from_outside
from followup.errors import MailError
from followup.running import run_bounded

#: How long the command may take (seconds); then its whole process group is killed.
TIMEOUT_S = 120
#: Standard output read at most (bytes): a password is one short line.
MAX_OUTPUT = 64 << 10
#: Standard error kept (bytes): enough for a password manager's complaint.
MAX_ERROR = 4 << 10


def read_password(command: Sequence[str], key: str = "mail.password_command") -> str:
    """Run ``command`` and return the first line of its standard output.

    ``key`` is the setting the command came from, as the messages name it (the CalDAV
    channel's ``caldav.password_command`` is run the same way).

    Raises MailError naming the program when it cannot be run, fails (with the first line
    of its standard error, cleaned and cut: a password manager's complaint), takes longer
    than :data:`TIMEOUT_S` (its whole process group is killed, children holding the pipe
    included), prints more than :data:`MAX_OUTPUT` bytes, or prints nothing.
    """
    return read_lines(command, key, "password")[0]


def read_lines(command: Sequence[str], key: str, what: str) -> list[str]:
    """Run ``command`` and return the lines of its standard output, at least one, the first
    not empty (``apprise.urls_command`` prints one address a line). ``what`` names what it
    prints in the messages ("password"). Raises MailError as :func:`read_password` does."""
    program = command[0]
    try:
        ran = run_bounded(command, TIMEOUT_S, max_out=MAX_OUTPUT, max_err=MAX_ERROR)
    except FileNotFoundError:
        raise MailError(f"{key}: no program {program!r}") from None
    except PermissionError:
        raise MailError(f"{key}: {program!r} is not executable") from None
    except OSError as exc:
        raise MailError(f"{key}: {program!r} cannot be run: {exc}") from None
    if ran.killed == "time":
        raise MailError(
            f"{key}: {program!r} gave no {what} in {TIMEOUT_S} s "
            "(stopped, with every program it started)"
        )
    if ran.killed == "output":
        raise MailError(
            f"{key}: {program!r} printed more than {MAX_OUTPUT >> 10} KiB; "
            f"a {what} is one line (stopped)"
        )
    if ran.returncode != 0:
        complaint = ran.err.decode("utf-8", "replace").strip().splitlines()
        why = f": {from_outside(complaint[0], 300)}" if complaint else ""
        raise MailError(f"{key}: {program!r} failed with exit status {ran.returncode}{why}")
    lines = ran.out.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise MailError(f"{key}: {program!r} printed no {what}")
    return lines
