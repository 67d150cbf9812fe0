"""Every query on mail findings: suggestions from the user's mailbox, kept until answered.

The functions take the caller's session, so that a finding is added, resolved or dismissed
in the same transaction as the change to its interview. A message is stored once per
interview and kind whatever becomes of it, which is what makes it suggested only once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from followup.cleaning import from_outside
from followup.errors import InvalidChange, NotFound
from followup.rules import OPEN_STATUSES
from followup.store.models import Interview, MailFinding

PENDING, ACCEPTED, DISMISSED, RESOLVED = "pending", "accepted", "dismissed", "resolved"
#: Interviews whose findings are still questions (closed ones ask nothing).
_OPEN = tuple(s.value for s in OPEN_STATUSES)
#: Longest stored message key and folder name (RFC 5322's line length; a longer
#: Message-ID is cut, which still tells messages apart in practice).
KEY_LENGTH = 998


@dataclass(frozen=True)
class Finding:
    """A stored finding with its interview's company; ``on`` is the message's day in the
    user's zone; ``sender`` and ``recipients`` are lowercase addresses."""

    id: int
    interview_id: int
    company: str
    kind: str
    state: str
    on: date
    sender: str | None
    recipients: tuple[str, ...]
    subject: str
    folder: str


@dataclass(frozen=True)
class NewFinding:
    """What a look at the mailbox found, before it is stored."""

    interview_id: int
    kind: str
    message_key: str
    folder: str
    on: date
    sender: str | None
    recipients: tuple[str, ...]
    subject: str


def known(s: Session, interview_ids: Iterable[int]) -> set[tuple[int, str, str]]:
    """(interview id, kind, message key) of every finding ever stored for these interviews."""
    ids = list(interview_ids)
    if not ids:
        return set()
    rows = s.execute(
        select(MailFinding.interview_id, MailFinding.kind, MailFinding.message_key).where(
            MailFinding.interview_id.in_(ids)
        )
    )
    return {(int(i), str(k), str(m)) for i, k, m in rows}


def add(s: Session, found: Sequence[NewFinding], now: datetime) -> list[int]:
    """Store the findings not stored before; returns the ids of the new ones."""
    seen = known(s, {f.interview_id for f in found})
    rows = []
    for f in found:
        key = from_outside(f.message_key, KEY_LENGTH)
        if (f.interview_id, f.kind, key) in seen:
            continue
        seen.add((f.interview_id, f.kind, key))
        rows.append(
            MailFinding(
                interview_id=f.interview_id,
                kind=f.kind,
                state=PENDING,
                message_key=key,
                folder=from_outside(f.folder, 500),
                message_day=f.on,
                sender=from_outside(f.sender, 320) if f.sender else None,
                recipients=from_outside(", ".join(f.recipients), 10_000),
                subject=from_outside(f.subject),
                found_at=now,
            )
        )
    s.add_all(rows)
    s.flush()
    return [r.id for r in rows]


def pending(s: Session, interview_id: int | None = None) -> list[Finding]:
    """Pending findings of open interviews (or of one interview), oldest message first."""
    query = (
        select(MailFinding, Interview.company)
        .join(Interview, Interview.id == MailFinding.interview_id)
        .where(MailFinding.state == PENDING, Interview.status.in_(_OPEN))
        .order_by(MailFinding.message_day, MailFinding.id)
    )
    if interview_id is not None:
        query = query.where(MailFinding.interview_id == interview_id)
    return [_finding(row, company) for row, company in s.execute(query)]


def by_ids(s: Session, ids: Sequence[int]) -> list[Finding]:
    query = (
        select(MailFinding, Interview.company)
        .join(Interview, Interview.id == MailFinding.interview_id)
        .where(MailFinding.id.in_(list(ids)))
        .order_by(MailFinding.message_day, MailFinding.id)
    )
    return [_finding(row, company) for row, company in s.execute(query)]


def held(s: Session, interview_ids: Iterable[int] | None = None) -> set[int]:
    """Interviews with a pending reply finding: their reminders are held, since nobody
    should be told to chase or move on from a company that may have answered."""
    query = select(MailFinding.interview_id).where(
        MailFinding.state == PENDING, MailFinding.kind == "reply"
    )
    if interview_ids is not None:
        query = query.where(MailFinding.interview_id.in_(list(interview_ids)))
    return {int(i) for i in s.scalars(query)}


def resolve(s: Session, interview_id: int, kinds: Sequence[str], on: date, now: datetime) -> None:
    """The user recorded the email or reply: the pending findings of ``kinds`` are answered,
    the one of the day recorded as accepted and the others as resolved."""
    base = update(MailFinding).where(
        MailFinding.interview_id == interview_id,
        MailFinding.kind.in_(list(kinds)),
        MailFinding.state == PENDING,
    )
    s.execute(base.where(MailFinding.message_day == on).values(state=ACCEPTED, resolved_at=now))
    s.execute(base.values(state=RESOLVED, resolved_at=now))


def dismiss(s: Session, finding_id: int, now: datetime) -> Finding:
    """Mark one pending finding as not what it seemed; raises NotFound for an unknown id and
    InvalidChange for one already answered."""
    found = s.execute(
        select(MailFinding, Interview.company)
        .join(Interview, Interview.id == MailFinding.interview_id)
        .where(MailFinding.id == finding_id)
    ).first()
    if found is None:
        raise NotFound(f"no mail finding with id {finding_id}")
    row, company = found
    if row.state != PENDING:
        raise InvalidChange(f"mail finding {finding_id} ({company}) is already {row.state}")
    row.state, row.resolved_at = DISMISSED, now
    return _finding(row, company)


def _finding(row: MailFinding, company: Any) -> Finding:
    return Finding(
        id=row.id,
        interview_id=row.interview_id,
        company=str(company),
        kind=row.kind,
        state=row.state,
        on=row.message_day,
        sender=row.sender,
        recipients=tuple(a for a in row.recipients.split(", ") if a),
        subject=row.subject,
        folder=row.folder,
    )
