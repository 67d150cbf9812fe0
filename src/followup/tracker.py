"""The core: every change to an interview, its history, and its planned reminder.

The CLI and the daemon both act through :class:`Tracker`; it validates, writes one short
transaction, appends to the history and keeps each interview's planned reminder current.
Time comes in as ``now`` (aware); nothing here prints or exits.
"""

from __future__ import annotations

import functools
import heapq
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol, cast

from sqlalchemy import Row, Table, delete, func, insert, select, text, update
from sqlalchemy.orm import Session, object_session

from followup import validation
from followup.business_days import BusinessCalendar, calendar_for, check_place
from followup.config import Config
from followup.errors import ConfigError, InvalidChange, NotFound, UsageError
from followup.places import canonical_country, canonical_place, canonical_subdivision
from followup.rules import (
    Kind,
    Reminder,
    Showing,
    Stage,
    Status,
    explain,
    next_reminder,
    snooze_day,
)
from followup.store import Database, DeletedInterview, Event, Interview, ShownReminder, findings
from followup.store.database import move_id_sequence
from followup.store.models import as_dict
from followup.views import Due as Due
from followup.views import HistoryEntry as HistoryEntry
from followup.views import (
    Intents,
    LastShown,
    Ledger,
    ledger_place,
    listed_views,
    pending_dues,
    pending_only,
    stored_plan,
    upcoming_order,
    view_of,
)
from followup.views import InterviewView as InterviewView
from followup.views import name_key as name_key

if TYPE_CHECKING:
    from pathlib import Path

    from followup.mail.matching import OpenInterview

#: How long a deleted interview's events stay in the calendar feed as cancelled, for
#: calendars that import the file only now and then to learn of it.
TOMBSTONE_DAYS = 400

#: An interview as a mapped object, or as a plain row of its columns (for quick listings).
InterviewRow = Interview | Row[Any]


class Placed(Protocol):
    """Anything that says where an interview's business days are counted."""

    @property
    def country(self) -> str | None: ...
    @property
    def subdivision(self) -> str | None: ...


class Plannable(Placed, Protocol):
    """The columns an interview's next reminder depends on."""

    @property
    def status(self) -> str: ...
    @property
    def reply_expected_on(self) -> date: ...
    @property
    def emailed_on(self) -> date | None: ...
    @property
    def snoozed_to(self) -> date | None: ...


class FieldError(UsageError):
    """A value no interview may hold; ``field`` names the :class:`Details` field, so that an
    import can point at the column or key it came from."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


_OPEN = (Status.WAITING.value, Status.EMAILED.value)
#: The columns a view needs: listing thousands of rows skips parsing the rest.
_LISTED = [c for c in Interview.__table__.c if c.key not in ("created_at", "updated_at")]
OUTCOMES = ("offer", "rejected", "next-round", "other")


@dataclass(frozen=True)
class Details:
    """What a user can set on an interview; ``None`` means "not given"."""

    company: str | None = None
    role: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    interviewed_on: date | None = None
    reply_expected_on: date | None = None
    country: str | None = None
    subdivision: str | None = None
    notes: str | None = None

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


@dataclass(frozen=True)
class ShownEntry:
    """One reminder in the ledger: shown once, never again."""

    kind: str
    due_at: datetime
    shown_at: datetime


@dataclass(frozen=True)
class Record:
    """An interview whole, as backups and statistics need it: every stored column except
    the plan cache (which is derived from them and the config), its history and its ledger."""

    columns: Mapping[str, Any]
    events: tuple[HistoryEntry, ...]
    shown: tuple[ShownEntry, ...]


#: The plan cache: derived from the other columns and the config, never part of the data.
PLAN_COLUMNS = ("plan_key", "next_kind", "next_at")


@dataclass(frozen=True)
class Tombstone:
    """A deleted interview, as the calendar feed needs it: what its events' UIDs were made
    of (``interview_id``, ``created_at``, aware UTC), when it was deleted, and the SEQUENCE
    of the cancellation (one more than its number of history entries)."""

    interview_id: int
    created_at: datetime
    deleted_at: datetime
    sequence: int


@dataclass(frozen=True)
class Change:
    """New values for some columns of a stored interview, and the history entry saying so."""

    interview_id: int
    columns: Mapping[str, Any]
    event: HistoryEntry


@dataclass(frozen=True)
class Batch:
    """What one import writes: whole interviews (ids chosen, plan cache left out) and
    changes to stored ones."""

    added: Sequence[Record] = ()
    changed: Sequence[Change] = ()


class _Columns:
    """A mapping of columns read as attributes, to plan an interview not stored yet."""

    def __init__(self, columns: Mapping[str, Any]) -> None:
        self.__dict__.update(columns)

    def __getattr__(self, name: str) -> Any:
        """Only reached for a column not given; declared so that type checkers take any
        column as an attribute."""
        raise AttributeError(name)


#: A row without a place of its own: it plans in the user's calendar.
_HOME = _Columns({"country": None, "subdivision": None})


class Tracker:
    def __init__(self, config: Config, db: Database) -> None:
        self.config = config
        self.db = db

    # -- planning --------------------------------------------------------------------

    def calendar(self, row: Placed) -> BusinessCalendar:
        place = self.config.place_for(row.country, row.subdivision)
        try:
            return calendar_for(place, cache=self.config.cache_dir)
        except ConfigError as exc:
            if place == self.config.calendar.place:
                raise ConfigError(f"{self.config.path}: {exc.message}") from None
            raise

    def plan(self, row: Plannable) -> Reminder | None:
        """The next reminder of ``row`` under today's settings; ``None`` for a closed
        interview (whose place is then never looked up)."""
        if not Status(row.status).is_open:
            return None
        stage = Stage(Status(row.status), row.reply_expected_on, row.emailed_on, row.snoozed_to)
        return next_reminder(stage, self.config.rules, self.calendar(row), self.config.timing)

    def showing(self, reminder: Reminder, shown: Mapping[datetime, datetime] | None) -> Showing:
        """Where ``reminder`` stands, given its interview's ledger entries of its kind (see
        :func:`followup.rules.showing`); repeats are counted in the user's own calendar."""
        return ledger_place(
            reminder,
            shown,
            self.config.notify.repeat_after_business_days,
            lambda: self.calendar(_HOME),
            self.config.timing,
        )

    def plan_columns(self, row: Plannable) -> dict[str, Any]:
        """The plan cache's columns for ``row`` under today's settings."""
        reminder = self.plan(row)
        return {
            "plan_key": self.config.plan_key,
            "next_kind": reminder.kind.value if reminder else None,
            "next_at": reminder.at_utc if reminder else None,
        }

    def _store_plan(self, row: Interview) -> None:
        columns = self.plan_columns(row)
        session = object_session(row)
        if session is not None and row.id is not None and findings.held(session, [row.id]):
            columns |= {"next_kind": None, "next_at": None}
        for key, value in columns.items():
            setattr(row, key, value)

    def _cached_plan(self, row: InterviewRow) -> Reminder | None:
        """The stored plan when it was made with today's settings, else a fresh one."""
        if row.plan_key != self.config.plan_key:
            return self.plan(row)
        return stored_plan(row, self.config.calendar.zone)

    def refresh_plans(self) -> int:
        """Re-plan every open interview planned with other settings; returns how many."""
        with self.db.writing() as s:
            rows = s.scalars(
                select(Interview).where(
                    Interview.status.in_(_OPEN),
                    (Interview.plan_key != self.config.plan_key) | Interview.plan_key.is_(None),
                )
            ).all()
            for row in rows:
                self._store_plan(row)
            return len(rows)

    # -- reading -----------------------------------------------------------------------

    def get(self, interview_id: int, *, with_explanation: bool = True) -> InterviewView:
        with self.db.reading() as s:
            row = self._row(s, interview_id)
            reminder = None if findings.held(s, [row.id]) else self.plan(row)
            shown = self._shown_at(s, row.id, reminder)
            lines: tuple[str, ...] = ()
            if reminder is not None and with_explanation:
                lines = tuple(
                    explain(reminder, self.config.rules, self.calendar(row), self.config.timing)
                )
            place = None
            if reminder is not None:
                ledger = _ledger(s, [row.id])
                place = self.showing(reminder, ledger.get((row.id, reminder.kind.value)))
            return view_of(row, reminder, lines, shown, place)

    def interviews(
        self,
        *,
        include_closed: bool = False,
        status: Status | None = None,
        company: str | None = None,
    ) -> list[InterviewView]:
        """Interviews in id order: open ones, or all with ``include_closed``; only those in
        ``status`` when given (closed ones too), and only those whose company name contains
        ``company`` (any case and spacing) when given. Each view's ``showing`` says whether
        its reminder is due since it was shown."""
        with self.db.reading() as s:
            # Plain rows, not ORM objects: a listing of thousands must stay quick.
            query = select(*_LISTED).order_by(Interview.id)
            if status is not None:
                query = query.where(Interview.status == status.value)
            elif not include_closed:
                query = query.where(Interview.status.in_(_OPEN))
            held = findings.held(s)
            ledger = _ledger(s)
            rows = list(s.execute(query))
        return listed_views(rows, held, ledger, self._cached_plan, self.showing, company)

    def upcoming(self) -> list[Due]:
        """Every reminder not acted on: those shown already and still due first (longest
        due first), then the others, soonest first."""
        return upcoming_order([d for d, _view in self.pending_for(include_done=True)])

    def history(self, interview_id: int) -> list[HistoryEntry]:
        with self.db.reading() as s:
            self._row(s, interview_id)
            events = s.scalars(
                select(Event).where(Event.interview_id == interview_id).order_by(Event.id)
            )
            return [
                HistoryEntry(e.at, e.kind, json.loads(e.details) if e.details else {})
                for e in events
            ]

    def records(self) -> list[Record]:
        """Every interview with its history and ledger, in id order (three queries in all)."""
        with self.db.reading() as s:
            events: dict[int, list[HistoryEntry]] = {}
            for e in s.scalars(select(Event).order_by(Event.id)):
                events.setdefault(e.interview_id, []).append(
                    HistoryEntry(e.at, e.kind, json.loads(e.details) if e.details else {})
                )
            shown: dict[int, list[ShownEntry]] = {}
            for r in s.scalars(select(ShownReminder).order_by(ShownReminder.id)):
                shown.setdefault(r.interview_id, []).append(
                    ShownEntry(r.kind, r.due_at, r.shown_at)
                )
            return [
                Record(
                    {k: v for k, v in as_dict(row).items() if k not in PLAN_COLUMNS},
                    tuple(events.get(row.id, ())),
                    tuple(shown.get(row.id, ())),
                )
                for row in s.scalars(select(Interview).order_by(Interview.id))
            ]

    # -- changes -----------------------------------------------------------------------

    def add(self, details: Details, now: datetime) -> InterviewView:
        if details.reply_expected_on is None:
            raise UsageError("--expect DATE is required: the day they said they would reply")
        details = self.pin_country(details)
        self.validate(details)
        with self.db.writing() as s:
            row = Interview(
                **{k: (v.strip() if isinstance(v, str) else v) for k, v in details.given().items()},
                status=Status.WAITING.value,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            self._store_plan(row)
            self._record(s, row, "created", now, _jsonable(details.given()))
        return self.get(row.id)

    def edit(
        self,
        interview_id: int,
        details: Details,
        now: datetime,
        *,
        emailed_on: date | None = None,
    ) -> InterviewView:
        """Change what was given; ``emailed_on`` corrects the day of an email already
        recorded (UsageError when none is, or for a day in the future or before the
        interview); a new email day plans the move-on reminder again."""
        changes = self.pin_country(details).given()
        if not changes and emailed_on is None:
            raise UsageError("nothing to change: give at least one option, e.g. --role")
        if emailed_on is not None:
            self.check_day("email", emailed_on, None, now)
            with self.db.reading() as s:
                stored = self._row(s, interview_id)
                if stored.emailed_on is None:
                    raise InvalidChange(
                        f"interview {interview_id} ({stored.company}) has no email recorded to "
                        f"correct; record one with: followup emailed {interview_id} --on DATE"
                    )
        with self.db.writing() as s:
            row = self._row(s, interview_id)
            merged = Details(**{f.name: getattr(row, f.name) for f in fields(Details)} | changes)
            self.validate(merged)
            if emailed_on is not None:
                _not_before_interview("email", emailed_on, merged.interviewed_on)
                changes["emailed_on"] = emailed_on
                if row.status == Status.EMAILED:
                    row.snoozed_to = None
            for key, value in changes.items():
                setattr(row, key, value.strip() if isinstance(value, str) else value)
            if "reply_expected_on" in changes and row.status == Status.WAITING:
                row.snoozed_to = None
            row.updated_at = now
            self._store_plan(row)
            self._record(s, row, "edited", now, _jsonable(changes))
        return self.get(interview_id)

    def emailed(self, interview_id: int, on: date, now: datetime) -> InterviewView:
        self.check_day("email", on, None, now)
        with self.db.writing() as s:
            row = self._open_row(s, interview_id, "record an email for")
            _not_before_interview("email", on, row.interviewed_on)
            row.status, row.emailed_on, row.snoozed_to = Status.EMAILED.value, on, None
            row.updated_at = now
            findings.resolve(s, row.id, ["sent"], on, now)
            self._store_plan(row)
            self._record(s, row, "emailed", now, {"on": on.isoformat()})
        return self.get(interview_id)

    def heard(
        self,
        interview_id: int,
        outcome: str,
        expect: date | None,
        now: datetime,
        on: date | None = None,
    ) -> InterviewView:
        """Record their reply, received ``on`` (default: today); the day is kept in the
        history because how long companies take is measured from it."""
        on = on or self._today(now)
        self.check_day("reply", on, None, now)
        if outcome not in OUTCOMES:
            raise UsageError(f"unknown outcome {outcome!r} (choose from {', '.join(OUTCOMES)})")
        if outcome == "next-round" and expect is None:
            raise UsageError("--expect DATE is required with --outcome next-round")
        if outcome != "next-round" and expect is not None:
            raise UsageError(f"--expect goes only with --outcome next-round, not {outcome!r}")
        with self.db.writing() as s:
            row = self._open_row(s, interview_id, "record a reply for")
            _not_before_interview("reply", on, row.interviewed_on)
            details = {"outcome": outcome, "on": on.isoformat()}
            if expect is not None:
                validation.check_day("expected date", expect)
                _not_before_interview("expected", expect, row.interviewed_on)
                row.status, row.reply_expected_on = Status.WAITING.value, expect
                row.emailed_on, row.snoozed_to, row.outcome = None, None, None
                details["expect"] = expect.isoformat()
                kind = "next_round"
            else:
                row.status, row.outcome, row.snoozed_to = Status.HEARD_BACK.value, outcome, None
                kind = "heard_back"
            row.updated_at = now
            findings.resolve(s, row.id, ["sent", "reply"], on, now)
            self._store_plan(row)
            self._record(s, row, kind, now, details)
        return self.get(interview_id)

    def close(self, interview_id: int, status: Status, now: datetime) -> InterviewView:
        """Move on from, or withdraw from, an open interview: no more reminders."""
        verb = "move on from" if status is Status.MOVED_ON else "withdraw from"
        with self.db.writing() as s:
            row = self._open_row(s, interview_id, verb)
            row.status, row.snoozed_to, row.updated_at = status.value, None, now
            self._store_plan(row)
            self._record(s, row, status.value, now, {})
        return self.get(interview_id)

    def reopen(self, interview_id: int, now: datetime) -> InterviewView:
        """Take back a mistaken ``heard`` (heard back), ``moved-on`` or ``withdraw``: the
        interview returns to the state it had (emailed when an email was recorded, else
        waiting), its outcome is cleared, a snooze it had is restored from the history, its
        reminder is planned again, and the history records the reopen with what it undid.
        Raises NotFound, and InvalidChange for an open interview."""
        with self.db.writing() as s:
            row = self._row(s, interview_id)
            closed = Status(row.status)
            if closed.is_open:
                raise InvalidChange(
                    f"cannot reopen interview {interview_id} ({row.company}): it is open "
                    f"({closed.label})"
                )
            events = s.scalars(
                select(Event).where(Event.interview_id == row.id).order_by(Event.id)
            ).all()
            status = Status.EMAILED if row.emailed_on is not None else Status.WAITING
            details: dict[str, Any] = {"from": closed.value, "to": status.value}
            if row.outcome is not None:
                details["outcome"] = row.outcome
            row.status, row.outcome = status.value, None
            row.snoozed_to = _snooze_before_close(events, status)
            if row.snoozed_to is not None:
                details["snoozed_to"] = row.snoozed_to.isoformat()
            row.updated_at = now
            self._store_plan(row)
            self._record(s, row, "reopened", now, details)
        return self.get(interview_id)

    def snooze(self, interview_id: int, days: int, now: datetime) -> InterviewView:
        if not 1 <= days <= 60:
            raise UsageError(f"--days {days}: must be between 1 and 60")
        with self.db.writing() as s:
            row = self._open_row(s, interview_id, "snooze")
            reminder = self.plan(row)
            assert reminder is not None
            row.snoozed_to = snooze_day(reminder.day, self._today(now), days, self.calendar(row))
            row.updated_at = now
            self._store_plan(row)
            self._record(
                s,
                row,
                "snoozed",
                now,
                {
                    "kind": reminder.kind.value,
                    "from": reminder.day.isoformat(),
                    "to": row.snoozed_to.isoformat(),
                    "days": days,
                },
            )
        return self.get(interview_id)

    def delete(self, interview_id: int, now: datetime) -> None:
        """Delete an interview with its history and ledger, leaving a tombstone for the
        calendar feed (:class:`~followup.store.models.DeletedInterview`) whose SEQUENCE
        outranks every version of its events; tombstones older than
        :data:`TOMBSTONE_DAYS` are dropped. Raises NotFound for an unknown id."""
        with self.db.writing() as s:
            row = self._row(s, interview_id)
            changes = s.scalar(
                select(func.count()).select_from(Event).where(Event.interview_id == row.id)
            )
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
                    DeletedInterview.deleted_at < now - timedelta(days=TOMBSTONE_DAYS)
                )
            )

    def tombstones(self) -> list[Tombstone]:
        """The deleted interviews the calendar feed still cancels, oldest first."""
        with self.db.reading() as s:
            rows = s.scalars(select(DeletedInterview).order_by(DeletedInterview.id))
            return [Tombstone(r.interview_id, r.created_at, r.deleted_at, r.sequence) for r in rows]

    def restore(
        self, prepare: Callable[[Sequence[Mapping[str, Any]]], Batch], *, write: bool = True
    ) -> Batch:
        """One import, in one transaction: ``prepare`` is shown every stored interview (its
        columns without the plan cache, one query) and says what to add and change; that is
        written in the same transaction (unless ``write`` is false: a dry run), so nothing can
        change in between, and an error raised by ``prepare`` leaves the store as it was.

        ``prepare`` gives values already checked with :meth:`validate` and :meth:`check_day`,
        and free ids for the interviews it adds; their plan cache is computed here.
        """
        columns = [c for c in Interview.__table__.c if c.key not in PLAN_COLUMNS]
        with self.db.writing() if write else self.db.reading() as s:
            stored = [dict(row._mapping) for row in s.execute(select(*columns))]
            batch = prepare(stored)
            if write:
                self._write(s, batch, {row["id"]: row for row in stored})
            return batch

    def _write(self, s: Session, batch: Batch, stored: Mapping[int, Mapping[str, Any]]) -> None:
        """Bulk inserts and per-row updates: thousands of rows in well under a second."""
        interviews = []
        histories: list[list[dict[str, Any]]] = []
        ledgers: list[list[dict[str, Any]]] = []
        for record in batch.added:
            values = dict(record.columns)
            interviews.append(values | self.plan_columns(_Columns(values)))
            histories.append([_event_row(values["id"], e) for e in record.events])
            ledgers.append(
                [
                    {
                        "interview_id": values["id"],
                        "kind": r.kind,
                        "due_at": r.due_at,
                        "shown_at": r.shown_at,
                    }
                    for r in record.shown
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
                .values(**change.columns, **self.plan_columns(_Columns(merged)))
            )
            events.append(_event_row(change.interview_id, change.event))
        for table, rows in ((Interview, interviews), (Event, events), (ShownReminder, shown)):
            if rows:
                s.execute(insert(cast(Table, table.__table__)), rows)
        if interviews:
            move_id_sequence(s, Interview.__tablename__)

    # -- mail findings -------------------------------------------------------------------

    def mail_interviews(self) -> list[OpenInterview]:
        """Open interviews with a contact address, as mail matching needs them; the
        interview day is the one recorded, else the day the interview was added."""
        from followup.mail.matching import OpenInterview

        zone = self.config.calendar.zone
        with self.db.reading() as s:
            rows = s.execute(
                select(
                    Interview.id,
                    Interview.company,
                    Interview.contact_email,
                    Interview.interviewed_on,
                    Interview.created_at,
                    Interview.status,
                )
                .where(Interview.status.in_(_OPEN), Interview.contact_email.is_not(None))
                .order_by(Interview.id)
            ).all()
        return [
            OpenInterview(
                id=r.id,
                company=r.company,
                contact_email=r.contact_email.strip().lower(),
                since=r.interviewed_on or r.created_at.astimezone(zone).date(),
                awaiting_email=r.status == Status.WAITING.value,
            )
            for r in rows
        ]

    def record_findings(
        self, found: Sequence[findings.NewFinding], now: datetime
    ) -> list[findings.Finding]:
        """Store findings not suggested before; an interview that gets a reply finding has
        its reminder held (re-planned, and marked changed so the daemon looks again).
        Returns the new findings."""
        with self.db.writing() as s:
            ids = findings.add(s, found, now)
            new = findings.by_ids(s, ids)
            self._replan(s, {f.interview_id for f in new if f.kind == "reply"}, now)
            return new

    def pending_findings(self, interview_id: int | None = None) -> list[findings.Finding]:
        """Pending findings of open interviews, or of one (NotFound for an unknown id)."""
        with self.db.reading() as s:
            if interview_id is not None:
                self._row(s, interview_id)
            return findings.pending(s, interview_id)

    def dismiss_finding(self, finding_id: int, now: datetime) -> findings.Finding:
        """The user says a finding is not what it seemed; a held reminder comes back."""
        with self.db.writing() as s:
            found = findings.dismiss(s, finding_id, now)
            self._replan(s, {found.interview_id}, now)
            return found

    def _replan(self, s: Session, ids: set[int], now: datetime) -> None:
        for interview_id in sorted(ids):
            row = s.get(Interview, interview_id)
            if row is not None:
                row.updated_at = now
                self._store_plan(row)

    # -- the daemon's ledger -------------------------------------------------------------

    def was_shown(self, interview_id: int, kind: Kind, due_at: datetime) -> bool:
        with self.db.reading() as s:
            return self._shown(s, interview_id, kind, due_at) is not None

    def record_shown(self, reminders: Iterable[tuple[int, Kind, datetime]], now: datetime) -> None:
        """Enter reminders in the ledger as shown; ones already there are left as they are."""
        self._enter(reminders, now, "shown")

    def record_intent(self, reminders: Iterable[tuple[int, Kind, datetime]], now: datetime) -> None:
        """Enter reminders in the ledger as about to be shown (``intent``), just before
        ``Notify``; rows already there are left as they are. Raises StoreError."""
        self._enter(reminders, now, "intent")

    def confirm_shown(self, reminders: Iterable[tuple[int, Kind, datetime]], now: datetime) -> None:
        """The notification server accepted these reminders: their ledger rows become
        ``shown`` (rows that are missing are entered so). Raises StoreError."""
        with self.db.writing() as s:
            for interview_id, kind, due_at in reminders:
                row = self._shown(s, interview_id, kind, due_at)
                if row is not None:
                    row.state, row.shown_at = "shown", now
                elif s.get(Interview, interview_id) is not None:
                    s.add(self._ledger_row(interview_id, kind, due_at, now, "shown"))

    def forget_intent(self, reminders: Iterable[tuple[int, Kind, datetime]]) -> None:
        """The server certainly did not show these (it answered with an error): their
        intents are removed, so they are retried as never shown. Raises StoreError."""
        with self.db.writing() as s:
            for interview_id, kind, due_at in reminders:
                s.execute(
                    delete(ShownReminder).where(
                        ShownReminder.interview_id == interview_id,
                        ShownReminder.kind == kind.value,
                        ShownReminder.due_at == due_at,
                        ShownReminder.state == "intent",
                    )
                )

    def _enter(
        self, reminders: Iterable[tuple[int, Kind, datetime]], now: datetime, state: str
    ) -> None:
        with self.db.writing() as s:
            for interview_id, kind, due_at in reminders:
                if s.get(Interview, interview_id) is None:
                    continue
                if self._shown(s, interview_id, kind, due_at) is None:
                    s.add(self._ledger_row(interview_id, kind, due_at, now, state))

    @staticmethod
    def _ledger_row(
        interview_id: int, kind: Kind, due_at: datetime, now: datetime, state: str
    ) -> ShownReminder:
        return ShownReminder(
            interview_id=interview_id, kind=kind.value, due_at=due_at, shown_at=now, state=state
        )

    def fingerprints(self) -> dict[int, str]:
        """Each interview's last change time, as stored: how the daemon tells which ones to
        re-plan (read raw, unparsed, since all that matters is whether it changed)."""
        with self.db.reading() as s:
            rows = s.execute(text("SELECT id, updated_at FROM interviews"))
            return {int(i): str(stamp) for i, stamp in rows}

    def last_shown(self) -> LastShown | None:
        """The reminder entered in the ledger last (an intent too), or None."""
        with self.db.reading() as s:
            found = s.execute(
                select(
                    ShownReminder.interview_id,
                    ShownReminder.kind,
                    ShownReminder.shown_at,
                    Interview.company,
                )
                .join(Interview, Interview.id == ShownReminder.interview_id)
                .order_by(ShownReminder.shown_at.desc(), ShownReminder.id.desc())
                .limit(1)
            ).first()
            return LastShown(found[0], found[1], found[2], found[3]) if found else None

    def pending_for(
        self,
        ids: Sequence[int] | None = None,
        until: datetime | None = None,
        *,
        include_done: bool = False,
    ) -> list[tuple[Due, InterviewView]]:
        """Reminders of open interviews still to be shown (all, or only ``ids``; only those
        to be shown by ``until`` when given), with their interviews: each at its planned
        instant, or, once shown and not acted on, at its next repeat. ``include_done`` adds
        the ones shown and not to be shown again (repeats off), which stay due. A showing
        whose ledger row is an unconfirmed intent is pending too, marked ``maybe_shown``."""
        rows, held, ledger, intents = self._pending_rows(ids, until)
        return pending_dues(
            rows,
            held,
            ledger,
            intents,
            self._cached_plan,
            self.showing,
            self.config.calendar.zone,
            until,
            include_done=include_done,
        )

    def pending(self, ids: Sequence[int] | None = None) -> list[Due]:
        """:meth:`pending_for` without the interviews' views: what the daemon plans from."""
        rows, held, ledger, intents = self._pending_rows(ids, None)
        return pending_only(
            rows, held, ledger, intents, self._cached_plan, self.showing, self.config.calendar.zone
        )

    def _pending_rows(
        self, ids: Sequence[int] | None, until: datetime | None
    ) -> tuple[Sequence[Row[Any]], set[int], Ledger, Intents]:
        key = self.config.plan_key
        with self.db.reading() as s:
            query = select(*_LISTED).where(Interview.status.in_(_OPEN))
            if ids is not None:
                query = query.where(Interview.id.in_(ids))
            if until is not None:
                # A repeat is always later than its planned instant: the plan bounds it.
                stale = (Interview.plan_key != key) | Interview.plan_key.is_(None)
                query = query.where(stale | (Interview.next_at <= until))
            rows = s.execute(query).all()
            return rows, findings.held(s, ids), _ledger(s, ids), _intents(s, ids)

    # -- helpers -----------------------------------------------------------------------

    def pin_country(self, details: Details) -> Details:
        """Codes in their stored spelling whatever the case typed (``us`` -> ``US``, ``ca``
        -> ``CA``); a subdivision given alone belongs to the config's country of today:
        store that country too, so that a later change of config cannot give it another
        meaning."""
        cache = self.config.cache_dir
        country, subdivision = canonical_place(details.country, details.subdivision, cache)
        if subdivision is not None and country is None:
            country = self.config.calendar.place.country
            subdivision = canonical_subdivision(country, subdivision, cache)
        if (country, subdivision) == (details.country, details.subdivision):
            return details
        return replace(details, country=country, subdivision=subdivision)

    def _today(self, now: datetime) -> date:
        return now.astimezone(self.config.calendar.zone).date()

    def validate(self, d: Details) -> None:
        """The checks every stored interview passes, however it came in (a command, an
        import); raises FieldError naming the field and the bad value."""
        if not d.company or not d.company.strip():
            raise FieldError("company", "the company name must not be empty")
        if all(_plain_name(v) for v in (d.country, d.subdivision)):
            self._check_place(d)  # a mistyped name ("Germnay") gets its suggestion
        for name in validation.MAX_LENGTH:
            value = getattr(d, name)
            if value is None:
                continue
            try:
                if name == "contact_email":
                    validation.check_email(value)
                else:
                    validation.check_text(name, value)
            except UsageError as exc:
                raise FieldError(name, exc.message) from None
        for name, what in (
            ("interviewed_on", "interview date"),
            ("reply_expected_on", "expected date"),
        ):
            day = getattr(d, name)
            if day is not None:
                try:
                    validation.check_day(what, day)
                except UsageError as exc:
                    raise FieldError(name, exc.message) from None
        if d.reply_expected_on is not None:
            try:
                _not_before_interview("expected", d.reply_expected_on, d.interviewed_on)
            except UsageError as exc:
                raise FieldError("reply_expected_on", exc.message) from None
        self._check_place(d)

    def _check_place(self, d: Details) -> None:
        if d.country is not None or d.subdivision is not None:
            country = canonical_country(d.country) or self.config.calendar.place.country
            for name, subdivision in (("country", None), ("subdivision", d.subdivision)):
                try:
                    _check_place(country, subdivision, self.config.cache_dir)
                except ConfigError as exc:
                    raise FieldError(name, exc.message.removeprefix("interview: ")) from None

    def check_day(self, what: str, day: date, interviewed: date | None, now: datetime) -> None:
        """A day something happened (an ``email``, a ``reply``) is neither in the future
        nor before the interview, nor outside the years followup accepts; raises
        UsageError naming the day."""
        validation.check_day(f"{what} date", day)
        if day > self._today(now):
            raise UsageError(f"{what} date {day.isoformat()} is in the future")
        _not_before_interview(what, day, interviewed)

    @staticmethod
    def _row(s: Session, interview_id: int) -> Interview:
        if not 1 <= interview_id <= validation.MAX_ID:
            raise NotFound(f"no interview with id {interview_id}")
        row = s.get(Interview, interview_id)
        if row is None:
            raise NotFound(f"no interview with id {interview_id}")
        return row

    def _open_row(self, s: Session, interview_id: int, action: str) -> Interview:
        row = self._row(s, interview_id)
        if not Status(row.status).is_open:
            raise InvalidChange(
                f"cannot {action} interview {interview_id} ({row.company}): it is closed "
                f"({row.status.replace('_', ' ')})"
            )
        return row

    @staticmethod
    def _record(
        s: Session, row: Interview, kind: str, now: datetime, details: Mapping[str, Any]
    ) -> None:
        s.add(
            Event(
                interview_id=row.id,
                kind=kind,
                at=now,
                details=json.dumps(details, sort_keys=True) if details else None,
            )
        )

    @staticmethod
    def _shown(s: Session, interview_id: int, kind: Kind, due_at: datetime) -> ShownReminder | None:
        return s.scalars(
            select(ShownReminder).where(
                ShownReminder.interview_id == interview_id,
                ShownReminder.kind == kind.value,
                ShownReminder.due_at == due_at,
            )
        ).first()

    def _shown_at(
        self, s: Session, interview_id: int, reminder: Reminder | None
    ) -> datetime | None:
        if reminder is None:
            return None
        found = self._shown(s, interview_id, reminder.kind, reminder.at_utc)
        return found.shown_at if found else None


def _ledger(
    s: Session, ids: Sequence[int] | None = None
) -> dict[tuple[int, str], dict[datetime, datetime]]:
    """The confirmed ledger of open interviews (all, or ``ids``): (interview id, kind) ->
    due instant -> shown instant (aware UTC)."""
    ledger: dict[tuple[int, str], dict[datetime, datetime]] = {}
    for interview_id, kind, due_at, shown_at in _ledger_rows(s, ids, "shown"):
        ledger.setdefault((interview_id, kind), {})[due_at] = shown_at
    return ledger


def _intents(s: Session, ids: Sequence[int] | None = None) -> set[tuple[int, str, datetime]]:
    """The unconfirmed intents of open interviews (all, or ``ids``): (interview id, kind,
    due instant in aware UTC) of each showing that may or may not have reached the screen."""
    return {(i, kind, due) for i, kind, due, _shown in _ledger_rows(s, ids, "intent")}


def _ledger_rows(
    s: Session, ids: Sequence[int] | None, state: str
) -> list[tuple[int, str, datetime, datetime]]:
    """(interview id, kind, due instant, shown instant) of the ledger rows in ``state`` of
    open interviews (all, or ``ids``)."""
    query = (
        select(
            ShownReminder.interview_id,
            ShownReminder.kind,
            ShownReminder.due_at,
            ShownReminder.shown_at,
        )
        .join(Interview, Interview.id == ShownReminder.interview_id)
        .where(Interview.status.in_(_OPEN), ShownReminder.state == state)
    )
    if ids is not None:
        query = query.where(Interview.id.in_(ids))
    return [(i, kind, due, shown) for i, kind, due, shown in s.execute(query)]


#: History entries after which no earlier snooze applies any more.
_SNOOZE_RESETS = frozenset({"emailed", "next_round", "reopened", "imported"})
_CLOSES = frozenset({"heard_back", "moved_on", "withdrawn"})


def _snooze_before_close(events: Sequence[Event], status: Status) -> date | None:
    """The day the reminder was snoozed to just before the interview was last closed, when
    that snooze is of the reminder ``status`` waits for; else ``None``."""
    kind = Kind.EMAIL if status is Status.WAITING else Kind.MOVE_ON
    snoozed: tuple[str, date] | None = None
    last_close = max((i for i, e in enumerate(events) if e.kind in _CLOSES), default=None)
    for e in events[: last_close if last_close is not None else len(events)]:
        details = json.loads(e.details) if e.details else {}
        if e.kind == "snoozed" and "to" in details:
            snoozed = (details.get("kind", ""), date.fromisoformat(details["to"]))
        elif e.kind in _SNOOZE_RESETS or (e.kind == "edited" and "reply_expected_on" in details):
            snoozed = None
    if snoozed is not None and snoozed[0] == kind.value:
        return snoozed[1]
    return None


def _plain_name(value: str | None) -> bool:
    """Whether ``value`` is absent or short plain text: a place code or a place's name,
    which the place check answers better than a length check ("did you mean DE")."""
    return value is None or (len(value) <= 64 and validation.bad_character(value) is None)


def _not_before_interview(what: str, day: date, interviewed: date | None) -> None:
    if interviewed is not None and day < interviewed:
        raise UsageError(
            f"{what} date {day.isoformat()} is before the interview date {interviewed.isoformat()}"
        )


@functools.lru_cache(maxsize=256)
def _check_place(country: str | None, subdivision: str | None, cache: Path | None) -> None:
    """check_place, remembered: an import checks the same few places thousands of times."""
    check_place(country, subdivision, "interview", cache)


def _event_row(interview_id: int, e: HistoryEntry) -> dict[str, Any]:
    return {
        "interview_id": interview_id,
        "kind": e.kind,
        "at": e.at,
        "details": json.dumps(e.details, sort_keys=True) if e.details else None,
    }


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
