"""One look at the user's mailbox: from the ``[mail]`` settings to stored findings.

The CLI's ``followup mail check`` and the daemon's mail watch both call :func:`check`. The
mailbox is only read (see :mod:`followup.mail.imap` and :mod:`followup.mail.maildir`);
what is found is stored as pending suggestions through the tracker, never recorded as an
email or a reply until the user says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from followup.config import Config, MailSettings
from followup.errors import MailError
from followup.lifecycle.service import Tracker
from followup.mail.folders import FolderUse
from followup.mail.headers import MessageHeaders, normal_address
from followup.mail.matching import (
    Candidate,
    OpenInterview,
    Wanted,
    match_replies,
    match_sent,
    wanted,
)
from followup.store.findings import Finding, NewFinding


class Source(Protocol):
    """A read-only mailbox: the Sent folder and the reply folders, searched for what
    :class:`Wanted` names (a superset is fine: matching decides precisely)."""

    #: What a look could not do without ending (no Sent folder, a contact the server
    #: cannot search for, a header block missing), one line each.
    problems: list[str]

    def sent(self, want: Wanted) -> list[MessageHeaders]: ...
    def replies(self, want: Wanted, thread_ids: Sequence[str]) -> list[MessageHeaders]: ...
    def folders(self) -> list[FolderUse]: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class CheckResult:
    """``new``: findings stored by this look; ``pending``: every finding still unanswered;
    ``problems``: what the look could not do, one line each."""

    new: list[Finding]
    pending: list[Finding]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Seen:
    """What one look read: its candidates and its problems (one line each)."""

    candidates: list[Candidate]
    problems: tuple[str, ...] = ()


def open_source(settings: MailSettings) -> Source:
    """A logged-in IMAP source, or the Maildir; raises MailError naming what failed."""
    if settings.maildir is not None:
        from followup.mail.maildir import MaildirSource

        return MaildirSource(settings.maildir, settings.reply_folders, settings.sent_folder)
    from followup.mail.imap import DEADLINE_S, ImapSource
    from followup.mail.password import read_password

    return ImapSource(settings, read_password(settings.password_command), deadline=DEADLINE_S)


def settings_of(config: Config) -> MailSettings:
    """The ``[mail]`` settings; raises MailError when none are configured."""
    if config.mail is None:
        raise MailError(
            f"no mailbox is configured: set mail.imap_host (or mail.maildir) in {config.path}"
        )
    return config.mail


def own_addresses(settings: MailSettings | None) -> frozenset[str]:
    """The user's own addresses the settings know: ``mail.addresses`` and the login name
    when it is an address (canonical form)."""
    if settings is None:
        return frozenset()
    mine = list(settings.addresses)
    if settings.username and "@" in settings.username:
        mine.append(settings.username)
    return frozenset(normal_address(a) for a in mine)


def look(
    source: Source,
    interviews: Sequence[OpenInterview],
    zone: ZoneInfo,
    own: frozenset[str] = frozenset(),
) -> list[Candidate]:
    """What the mailbox says about ``interviews``: sent and reply candidates, by day.

    ``own`` are the user's addresses; the senders of the user's follow-ups join them, so
    that no message of the user's is taken for a reply."""
    if not interviews:
        return []
    want = wanted(interviews)
    sent = source.sent(want)
    to_contacts = [m for m in sent if want.contacts.intersection(m.recipients)]
    mine = own | {m.sender for m in to_contacts if m.sender and m.sender not in want.contacts}
    thread_ids = sorted({m.message_id for m in to_contacts if m.message_id})
    replies = source.replies(want, thread_ids)
    return match_sent(interviews, to_contacts, zone) + match_replies(
        interviews, replies, to_contacts, zone, mine
    )


def read(settings: MailSettings, interviews: Sequence[OpenInterview], zone: ZoneInfo) -> Seen:
    """Open the configured mailbox, look for ``interviews`` and close it again.

    Touches neither the store nor the screen, so the daemon runs it in a thread of its own
    while its loop goes on. Raises MailError naming what failed.
    """
    source = open_source(settings)
    try:
        found = look(source, interviews, zone, own_addresses(settings))
        return Seen(found, tuple(source.problems))
    finally:
        source.close()


def folders(settings: MailSettings) -> tuple[list[FolderUse], tuple[str, ...]]:
    """What a look reads and why, and what it could not find (no Sent folder), one line
    each. Raises MailError naming a configured folder that does not exist."""
    source = open_source(settings)
    try:
        return source.folders(), tuple(source.problems)
    finally:
        source.close()


def record(tracker: Tracker, candidates: Sequence[Candidate], now: datetime) -> list[Finding]:
    """Store what a look found (each message once per interview and kind); returns the
    findings new to the store. Raises the store's errors."""
    return tracker.record_findings([_new(c) for c in candidates], now)


def check(tracker: Tracker, now: datetime, source: Source | None = None) -> CheckResult:
    """Look now, store new findings and return them with every pending one.

    ``source`` defaults to the configured mailbox, opened and closed here. Raises MailError
    (the mailbox cannot be read) and the store's errors; nothing is stored on failure.
    """
    opened = source is None
    if source is None:
        source = open_source(settings_of(tracker.config))
    try:
        candidates = look(
            source,
            tracker.mail_interviews(),
            tracker.config.calendar.zone,
            own_addresses(tracker.config.mail),
        )
        problems = tuple(source.problems)
    finally:
        if opened:
            source.close()
    new = record(tracker, candidates, now)
    return CheckResult(new, tracker.pending_findings(), problems)


def _new(c: Candidate) -> NewFinding:
    m = c.message
    return NewFinding(
        interview_id=c.interview_id,
        kind=c.kind.value,
        message_key=m.key,
        folder=m.folder,
        on=c.on,
        sender=m.sender,
        recipients=m.recipients,
        subject=m.subject,
    )
