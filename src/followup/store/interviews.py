"""Every query on interviews, their history and their tombstones: reading them for views,
records and plans, adding and deleting them, appending to the history, and writing an
import in bulk.

The functions take the caller's session (:data:`followup.store.database.Transaction`), so
that the lifecycle service makes each change in one short transaction of its own choosing.
Rows come back as mapped :class:`~followup.store.models.Interview` objects where the caller
changes them, and as plain rows where only reading them (listing thousands must stay quick).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Row, Table, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from followup.records import Batch, Record, ShownEntry, Tombstone
from followup.rules import OPEN_STATUSES
from followup.store import machines as machine_rows
from followup.store.database import move_id_sequence
from followup.store.models import DeletedInterview, Event, Interview, ShownReminder, as_dict
from followup.values import PLAN_COLUMNS, HistoryEntry

#: The statuses of open interviews, as stored.
OPEN = tuple(s.value for s in OPEN_STATUSES)
#: The columns a view needs: listing thousands of rows skips parsing the rest.
_LISTED = [c for c in Interview.__table__.c if c.key not in ("created_at", "updated_at")]


def get(s: Session, interview_id: int) -> Interview | None:
    """The interview with this id, to read or change, or None."""
    return s.get(Interview, interview_id)


def listed(s: Session, *, include_closed: bool, status: str | None) -> Sequence[Row[Any]]:
    """Plain rows of the listed columns in id order: open interviews, or all with
    ``include_closed``, or only those of ``status`` (closed ones too) when given."""
    query = select(*_LISTED).order_by(Interview.id)
    if status is not None:
        query = query.where(Interview.status == status)
    elif not include_closed:
        query = query.where(Interview.status.in_(OPEN))
    return list(s.execute(query))


def open_rows(
    s: Session, ids: Sequence[int] | None, until: datetime | None, plan_key: str
) -> Sequence[Row[Any]]:
    """Plain rows of open interviews (all, or ``ids``); with ``until``, only those whose
    plan is stale (not made with ``plan_key``) or due by then."""
    query = select(*_LISTED).where(Interview.status.in_(OPEN))
    if ids is not None:
        query = query.where(Interview.id.in_(ids))
    if until is not None:
        # A repeat is always later than its planned instant: the plan bounds it.
        stale = (Interview.plan_key != plan_key) | Interview.plan_key.is_(None)
        query = query.where(stale | (Interview.next_at <= until))
    return s.execute(query).all()


def stale(s: Session, plan_key: str) -> Sequence[Interview]:
    """Open interviews planned with other settings than ``plan_key`` (or never)."""
    return s.scalars(
        select(Interview).where(
            Interview.status.in_(OPEN),
            (Interview.plan_key != plan_key) | Interview.plan_key.is_(None),
        )
    ).all()


def contacts(s: Session) -> Sequence[Any]:
    """(id, company, contact_email, interviewed_on, created_at, status) of open interviews
    with a contact address, in id order: what mail matching needs."""
    return s.execute(
        select(
            Interview.id,
            Interview.company,
            Interview.contact_email,
            Interview.interviewed_on,
            Interview.created_at,
            Interview.status,
        )
        .where(Interview.status.in_(OPEN), Interview.contact_email.is_not(None))
        .order_by(Interview.id)
    ).all()


def fingerprints(s: Session) -> dict[int, str]:
    """Each interview's last change time, as stored, read raw (unparsed)."""
    rows = s.execute(text("SELECT id, updated_at FROM interviews"))
    return {int(i): str(stamp) for i, stamp in rows}


def add(s: Session, columns: Mapping[str, Any]) -> Interview:
    """A new interview with these columns, its id given (flushed)."""
    row = Interview(**columns)
    s.add(row)
    s.flush()
    return row


def record(
    s: Session, interview_id: int, kind: str, now: datetime, details: Mapping[str, Any]
) -> None:
    """Append an entry to the interview's history (``details`` stored as sorted JSON)."""
    s.add(
        Event(
            interview_id=interview_id,
            kind=kind,
            at=now,
            details=json.dumps(details, sort_keys=True) if details else None,
        )
    )


def history(s: Session, interview_id: int) -> list[HistoryEntry]:
    """The interview's history, oldest first."""
    events = s.scalars(select(Event).where(Event.interview_id == interview_id).order_by(Event.id))
    return [HistoryEntry(e.at, e.kind, json.loads(e.details) if e.details else {}) for e in events]


def records(s: Session) -> list[Record]:
    """Every interview with its history and ledger, in id order (three queries in all)."""
    events: dict[int, list[HistoryEntry]] = {}
    for e in s.scalars(select(Event).order_by(Event.id)):
        events.setdefault(e.interview_id, []).append(
            HistoryEntry(e.at, e.kind, json.loads(e.details) if e.details else {})
        )
    shown = _ledger_entries(s)
    return [
        Record(
            {k: v for k, v in as_dict(row).items() if k not in PLAN_COLUMNS},
            tuple(events.get(row.id, ())),
            tuple(shown.get(row.id, ())),
        )
        for row in s.scalars(select(Interview).order_by(Interview.id))
    ]


def _ledger_entries(s: Session) -> dict[int, list[ShownEntry]]:
    shown: dict[int, list[ShownEntry]] = {}
    names = machine_rows.names(s)
    for r in s.scalars(select(ShownReminder).order_by(ShownReminder.id)):
        shown.setdefault(r.interview_id, []).append(
            ShownEntry(
                r.kind,
                r.due_at,
                r.shown_at,
                r.machine_id,
                names.get(r.machine_id or ""),
                r.channel,
            )
        )
    return shown


def delete_with_tombstone(s: Session, row: Interview, now: datetime, keep_days: int) -> None:
    """Delete an interview with its history and ledger, leaving a tombstone whose SEQUENCE
    outranks every version of its events; tombstones older than ``keep_days`` are dropped."""
    changes = s.scalar(select(func.count()).select_from(Event).where(Event.interview_id == row.id))
    s.add(
        DeletedInterview(
            interview_id=row.id,
            created_at=row.created_at,
            deleted_at=now,
            sequence=(changes or 0) + 1,
        )
    )
    s.execute(delete(Interview).where(Interview.id == row.id))
    s.execute(
        delete(DeletedInterview).where(
            DeletedInterview.deleted_at < now - timedelta(days=keep_days)
        )
    )


def tombstones(s: Session) -> list[Tombstone]:
    """The deleted interviews the calendar feed still cancels, oldest first."""
    rows = s.scalars(select(DeletedInterview).order_by(DeletedInterview.id))
    return [Tombstone(r.interview_id, r.created_at, r.deleted_at, r.sequence) for r in rows]


def stored_columns(s: Session) -> list[dict[str, Any]]:
    """Every stored interview's columns without the plan cache (one query)."""
    columns = [c for c in Interview.__table__.c if c.key not in PLAN_COLUMNS]
    return [dict(row._mapping) for row in s.execute(select(*columns))]


def write(
    s: Session,
    batch: Batch,
    stored: Mapping[int, Mapping[str, Any]],
    plan_columns: Callable[[Mapping[str, Any]], dict[str, Any]],
) -> None:
    """Write an import: bulk inserts and per-row updates, thousands of rows in well under a
    second. ``stored`` is each changed interview's columns before the change;
    ``plan_columns`` gives the plan cache of an interview's whole columns."""
    interviews = []
    histories: list[list[dict[str, Any]]] = []
    ledgers: list[list[dict[str, Any]]] = []
    for added in batch.added:
        values = dict(added.columns)
        interviews.append(values | plan_columns(values))
        histories.append([_event_row(values["id"], e) for e in added.events])
        ledgers.append(
            [
                {
                    "interview_id": values["id"],
                    "kind": r.kind,
                    "due_at": r.due_at,
                    "shown_at": r.shown_at,
                    "machine_id": r.machine_id,
                    "channel": r.channel,
                }
                for r in added.shown
            ]
        )
    # Interleaved by time, each interview's own order kept: a backup of a store restored
    # into an empty one gets its rows back in their first order, ids included.
    events = list(heapq.merge(*histories, key=itemgetter("at")))
    shown = list(heapq.merge(*ledgers, key=itemgetter("shown_at")))
    for change in batch.changed:
        merged = dict(stored[change.interview_id]) | dict(change.columns)
        s.execute(
            update(Interview)
            .where(Interview.id == change.interview_id)
            .values(**change.columns, **plan_columns(merged))
        )
        events.append(_event_row(change.interview_id, change.event))
    machine_rows.add_named(
        s,
        [
            (r.machine_id, r.machine_name)
            for added in batch.added
            for r in added.shown
            if r.machine_id is not None
        ],
    )
    for table, rows in ((Interview, interviews), (Event, events), (ShownReminder, shown)):
        if rows:
            s.execute(insert(cast(Table, table.__table__)), rows)
    if interviews:
        move_id_sequence(s, Interview.__tablename__)


def _event_row(interview_id: int, e: HistoryEntry) -> dict[str, Any]:
    return {
        "interview_id": interview_id,
        "kind": e.kind,
        "at": e.at,
        "details": json.dumps(e.details, sort_keys=True) if e.details else None,
    }
