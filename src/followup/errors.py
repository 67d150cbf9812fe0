"""The one error hierarchy: every failure a user can cause carries its message and its code.

The core raises these; only the CLI turns them into an ``error:`` line (or, with
``--json``, one JSON object) and an exit status, so no layer below it prints or exits. A
message names fields and states (``reply_expected_on``, "closed"), never a command's
options or the commands themselves: the errors that need the command line's words carry
what they are about as attributes, and :mod:`followup.cli.render.errors` words them.

:class:`Code` is the documented set of codes a script reads (``{"error": {"code": ...}}``)
and :data:`EXIT_STATUS` the one table of the exit status of each.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """What kind of failure it was, as ``--json`` names it: one word a script can test."""

    #: A defect: an exception no one foresaw (the message names its type).
    INTERNAL = "internal"
    #: The command line, or a value given on it or in a file read, is wrong.
    USAGE = "usage"
    #: No interview (or mail finding) has the id given.
    NOT_FOUND = "not_found"
    #: The change contradicts the interview's state (emailing a closed one).
    INVALID_CHANGE = "invalid_change"
    #: The config file cannot be read or holds a bad value.
    CONFIG = "config"
    #: The store cannot be opened, created, upgraded, read or written.
    STORE = "store"
    #: Another program holds the store's write lock: trying again later may work.
    STORE_LOCKED = "store_locked"
    #: A notification could not be shown.
    DELIVERY = "delivery"
    #: The mailbox cannot be read.
    MAIL = "mail"
    #: Something of the system around the store refused: followup's own files beside it
    #: (this machine's id, the daemon's state and lock) or the service manager.
    SYSTEM = "system"
    #: The user interrupted the command (Ctrl-C).
    INTERRUPTED = "interrupted"

    @property
    def exit_status(self) -> int:
        """This code's exit status, from :data:`EXIT_STATUS`."""
        return EXIT_STATUS[self]


#: The exit status of each code, the one table (0 is success). 1 and 2 keep the meaning
#: they have always had (any failure; a usage mistake), 130 is the shell's for SIGINT
#: (128 + 2); the codes between name the failure for a script. Without ``--json`` a
#: failure exits 2 for ``usage`` and 1 for every other code, as before the codes existed.
EXIT_STATUS: dict[Code, int] = {
    Code.INTERNAL: 1,
    Code.USAGE: 2,
    Code.NOT_FOUND: 3,
    Code.INVALID_CHANGE: 4,
    Code.CONFIG: 5,
    Code.STORE: 6,
    Code.STORE_LOCKED: 7,
    Code.DELIVERY: 8,
    Code.MAIL: 9,
    Code.SYSTEM: 10,
    Code.INTERRUPTED: 130,
}


class FollowupError(Exception):
    """A failure with a message fit to show the user as it is.

    ``code`` is the class's :class:`Code` (``system`` for this class itself: its own files
    and the service manager); ``exit_code`` the status a command exits with when it
    prints the plain ``error:`` line (2 for usage, else 1)."""

    code = Code.SYSTEM
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OutputError(FollowupError):
    """Standard output refused what a command printed (a full disk behind ``> file``, a
    device error); a reader that closed a pipe is not this (that is success)."""


class UsageError(FollowupError):
    """The command line itself is wrong (bad date, bad option value)."""

    code = Code.USAGE
    exit_code = 2


class FieldRequired(UsageError):
    """``field`` (a :class:`~followup.records.Details` field, or a change's argument such
    as ``outcome``) must be given; ``condition`` names the other value that makes it so
    (``("outcome", "next-round")``), None when it is always required."""

    def __init__(self, field: str, condition: tuple[str, str] | None = None) -> None:
        if condition is None:
            because = "the day they said they would reply" if field == "reply_expected_on" else ""
            message = f"{field} is required" + (f": {because}" if because else "")
        else:
            message = f"{field} is required when {condition[0]} is {condition[1]}"
        super().__init__(message)
        self.field = field
        self.condition = condition


class FieldNotAllowed(UsageError):
    """``field`` may be given only when ``condition`` (field, value) holds, and ``actual``
    is the value that field has instead."""

    def __init__(self, field: str, condition: tuple[str, str], actual: str) -> None:
        super().__init__(f"{field} goes only with {condition[0]} {condition[1]}, not {actual!r}")
        self.field = field
        self.condition = condition
        self.actual = actual


class OutOfRange(UsageError):
    """``field`` is ``value``, outside ``low`` to ``high`` (both included)."""

    def __init__(self, field: str, value: int, low: int, high: int) -> None:
        super().__init__(f"{field} {value}: must be between {low} and {high}")
        self.field, self.value, self.low, self.high = field, value, low, high


class NothingToChange(UsageError):
    """An edit that names no field to change."""

    def __init__(self) -> None:
        super().__init__("nothing to change: no field given")


class UnknownFormat(UsageError):
    """A file's format cannot be told from its ``suffix`` ("" for none); ``path`` as given."""

    def __init__(self, path: str, suffix: str, formats: tuple[str, ...]) -> None:
        which = f"its suffix '.{suffix}'" if suffix else "a name without a suffix"
        named = ", ".join(f".{f}" for f in formats)
        super().__init__(f"cannot tell the format of {path!r} from {which}: name it {named}")
        self.path, self.suffix, self.formats = path, suffix, formats


class ColumnsMissing(UsageError):
    """A sheet lacks a column for a required field; ``unsure`` are the headers that might
    have been one but could not be read as one (empty when none might)."""

    def __init__(self, message: str, unsure: list[str]) -> None:
        if unsure:
            message += f" ({', '.join(repr(h) for h in unsure)} could not be read as one)"
        super().__init__(message)
        self.unsure = unsure


class ConfigError(FollowupError):
    """The config file cannot be read or holds a bad value."""

    code = Code.CONFIG


class NotFound(FollowupError):
    """No interview has the id given."""

    code = Code.NOT_FOUND


class InvalidChange(FollowupError):
    """The change asked for contradicts the interview's state (e.g. emailing a closed one)."""

    code = Code.INVALID_CHANGE


class NoEmailToCorrect(InvalidChange):
    """The day of an email was to be corrected, but interview ``interview_id`` (at
    ``company``) has no email recorded."""

    def __init__(self, interview_id: int, company: str) -> None:
        super().__init__(f"interview {interview_id} ({company}) has no email recorded to correct")
        self.interview_id = interview_id
        self.company = company


class StoreError(FollowupError):
    """The database cannot be opened, created, upgraded, read or written.

    ``transient``: waiting may cure it (a lock held by another program, a server down);
    ``damaged``: the file failed an integrity check and must not be written to.
    """

    code = Code.STORE

    def __init__(self, message: str, *, transient: bool = False, damaged: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
        self.damaged = damaged


class StoreReplaced(StoreError):
    """The store's file was replaced (a backup moved over it, ``followup restore``) or
    deleted since it was opened: open it again rather than write to the old file; code
    ``store``, always ``transient``."""

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=True)


class StoreLocked(StoreError):
    """Another program holds the store's write lock (SQLite's SQLITE_BUSY or SQLITE_LOCKED,
    PostgreSQL's lock_not_available or deadlock_detected) longer than the wait allowed;
    always ``transient``."""

    code = Code.STORE_LOCKED

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=True)


class DeliveryError(FollowupError):
    """A notification could not be shown; the message names the cause and the fix.

    ``maybe_shown``: the request may have reached the server (no answer came), so the
    notification may be on screen all the same.
    """

    code = Code.DELIVERY

    def __init__(self, message: str, *, maybe_shown: bool = False) -> None:
        super().__init__(message)
        self.maybe_shown = maybe_shown


class MailError(FollowupError):
    """The mailbox cannot be read: a login refused, a server unreachable, a certificate
    refused, a folder missing, a password command failing. Never carries the password."""

    code = Code.MAIL
