"""Which messages are about which open interview: pure functions of headers and dates.

A *sent* finding is a message in the Sent folder addressed (To or Cc) to an interview's
contact, written on or after the interview day, while the interview still waits for the
follow-up email. A *reply* finding is a message in a reply folder written after the
interview day that comes from the contact's address, or from another address at the
contact's company domain (unless that domain is a public mail provider's, see
:func:`public_domains`), or whose ``In-Reply-To``/``References`` name a message the user
sent to the contact. A message from one of the user's own addresses is never a reply,
whatever folder holds it (Gmail's All Mail and Outlook's conversation views hold the
user's own follow-ups beside the company's answers). Addresses are compared in the
canonical form of :func:`followup.mail.headers.normal_address` (an IDN domain matches in
Unicode and in ``xn--`` form). Days are counted in the user's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from followup.mail.headers import MessageHeaders, domain_of, normal_address


class FindingKind(StrEnum):
    SENT = "sent"
    REPLY = "reply"


@dataclass(frozen=True)
class OpenInterview:
    """What matching needs of an open interview.

    ``since`` is the interview day (the day it was recorded when no interview day is known);
    ``awaiting_email`` is true while the follow-up email is not recorded yet. ``recorded`` is
    the instant the interview was added (aware), given only when no interview day is known:
    the interview happened by then, so a reply written from that instant on counts even on
    that same day, while earlier mail of that day (an invitation, a confirmation) does not.
    """

    id: int
    company: str
    contact_email: str
    since: date
    awaiting_email: bool
    recorded: datetime | None = None

    @property
    def contact(self) -> str:
        """The contact's address in canonical form."""
        return normal_address(self.contact_email)

    @property
    def domain(self) -> str:
        return domain_of(self.contact)


@dataclass(frozen=True)
class Candidate:
    """A message found to be about an interview, on ``on`` (the user's day)."""

    interview_id: int
    kind: FindingKind
    on: date
    message: MessageHeaders


@dataclass(frozen=True)
class Wanted:
    """What to ask a source for, for all open interviews at once: the server searches with
    these, and :func:`match` decides precisely."""

    contacts: frozenset[str]
    domains: frozenset[str]
    since: date | None


@cache
def public_domains() -> frozenset[str]:
    """Public mail providers' domains, from the package's ``data/public_mail_domains.txt``
    (its header says where the list comes from)."""
    text = resources.files("followup").joinpath("data/public_mail_domains.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def wanted(interviews: Sequence[OpenInterview]) -> Wanted:
    public = public_domains()
    return Wanted(
        contacts=frozenset(i.contact for i in interviews),
        domains=frozenset(i.domain for i in interviews if i.domain not in public),
        since=min((i.since for i in interviews), default=None),
    )


def match_sent(
    interviews: Sequence[OpenInterview], sent: Iterable[MessageHeaders], zone: ZoneInfo
) -> list[Candidate]:
    """Sent findings: the user's messages to a contact on or after the interview day."""
    by_contact = _by_contact(i for i in interviews if i.awaiting_email)
    found: list[Candidate] = []
    for message in sent:
        day = message.day(zone)
        if day is None:
            continue
        for interview in {i for a in message.recipients for i in by_contact.get(a, ())}:
            if day >= interview.since:
                found.append(Candidate(interview.id, FindingKind.SENT, day, message))
    return sorted(found, key=_order)


def match_replies(
    interviews: Sequence[OpenInterview],
    messages: Iterable[MessageHeaders],
    sent: Iterable[MessageHeaders],
    zone: ZoneInfo,
    own: frozenset[str] = frozenset(),
) -> list[Candidate]:
    """Reply findings: messages written after the interview day from the contact, from
    their company's domain (not a public provider's), or answering a message the user sent
    to the contact; never a message from one of ``own`` (the user's canonical addresses).
    """
    public = public_domains()
    by_contact = _by_contact(interviews)
    by_domain: dict[str, list[OpenInterview]] = {}
    for interview in interviews:
        if interview.domain not in public:
            by_domain.setdefault(interview.domain, []).append(interview)
    threads: dict[str, set[OpenInterview]] = {}
    for message in sent:
        if message.message_id is None:
            continue
        for address in message.recipients:
            for interview in by_contact.get(address, ()):
                threads.setdefault(message.message_id, set()).add(interview)
    found: list[Candidate] = []
    for message in messages:
        day = message.day(zone)
        if day is None or message.sender in own:
            continue
        about: set[OpenInterview] = set()
        if message.sender is not None:
            about.update(by_contact.get(message.sender, ()))
            about.update(by_domain.get(domain_of(message.sender), ()))
        for message_id in message.thread_ids:
            about.update(threads.get(message_id, ()))
        for interview in about:
            if day > interview.since or _written_since_recorded(message, interview):
                found.append(Candidate(interview.id, FindingKind.REPLY, day, message))
    return sorted(found, key=_order)


def _written_since_recorded(message: MessageHeaders, interview: OpenInterview) -> bool:
    return (
        interview.recorded is not None
        and message.written is not None
        and message.written >= interview.recorded
    )


def _by_contact(interviews: Iterable[OpenInterview]) -> dict[str, list[OpenInterview]]:
    out: dict[str, list[OpenInterview]] = {}
    for interview in interviews:
        out.setdefault(interview.contact, []).append(interview)
    return out


def _order(c: Candidate) -> tuple[date, int, str, str]:
    return (c.on, c.interview_id, c.kind.value, c.message.key)
