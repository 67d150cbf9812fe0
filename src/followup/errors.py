"""The one error hierarchy: every failure a user can cause carries its message and exit code.

The core raises these; only the CLI turns them into an ``error:`` line and an exit status,
so no layer below it prints or exits.
"""

from __future__ import annotations


class FollowupError(Exception):
    """A failure with a message fit to show the user as it is."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(FollowupError):
    """The command line itself is wrong (bad date, bad option value)."""

    exit_code = 2


class ConfigError(FollowupError):
    """The config file cannot be read or holds a bad value."""


class NotFound(FollowupError):
    """No interview has the id given."""


class InvalidChange(FollowupError):
    """The change asked for contradicts the interview's state (e.g. emailing a closed one)."""


class StoreError(FollowupError):
    """The database cannot be opened, created, upgraded, read or written.

    ``transient``: waiting may cure it (a lock held by another program, a server down);
    ``damaged``: the file failed an integrity check and must not be written to.
    """

    def __init__(self, message: str, *, transient: bool = False, damaged: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
        self.damaged = damaged


class StoreReplaced(StoreError):
    """The store's file was replaced (a backup moved over it, ``followup restore``) or
    deleted since it was opened: open it again rather than write to the old file."""

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=True)


class DeliveryError(FollowupError):
    """A notification could not be shown; the message names the cause and the fix.

    ``maybe_shown``: the request may have reached the server (no answer came), so the
    notification may be on screen all the same.
    """

    def __init__(self, message: str, *, maybe_shown: bool = False) -> None:
        super().__init__(message)
        self.maybe_shown = maybe_shown


class MailError(FollowupError):
    """The mailbox cannot be read: a login refused, a server unreachable, a certificate
    refused, a folder missing, a password command failing. Never carries the password."""
