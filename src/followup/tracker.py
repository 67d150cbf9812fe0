"""The core: every change to an interview, its history, and its planned reminder.

The CLI and the daemon both act through :class:`Tracker`; it validates, writes one short
transaction, appends to the history and keeps each interview's planned reminder current.
Time comes in as ``now`` (aware); nothing here prints or exits.
"""

from __future__ import annotations

import functools
import heapq
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from operator import itemgetter
from typing import Any, Protocol, cast

from sqlalchemy import Row, Table, delete, insert, select, text, update
from sqlalchemy.orm import Session

from followup.business_days import BusinessCalendar, calendar_for, check_place
from followup.config import Config
from followup.errors import ConfigError, InvalidChange, NotFound, UsageError
from followup.rules import Kind, Reminder, Stage, Status, explain, next_reminder, snooze_day
from followup.store import Database, Event, Interview, ShownReminder
from followup.store.database import move_id_sequence
from followup.store.models import as_dict

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
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


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
class InterviewView:
    """An interview as the user sees it, with its next reminder."""

    id: int
    company: str
    role: str | None
    contact_name: str | None
    contact_email: str | None
    interviewed_on: date | None
    reply_expected_on: date
    emailed_on: date | None
    status: Status
    outcome: str | None
    country: str | None
    subdivision: str | None
    notes: str | None
    next_reminder: Reminder | None
    explanation: tuple[str, ...] = ()
    shown_at: datetime | None = None


@dataclass(frozen=True)
class Due:
    """A pending reminder: what ``upcoming`` lists and what the daemon schedules."""

    interview_id: int
    company: str
    kind: Kind
    at: datetime


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str
    details: Mapping[str, Any] = field(default_factory=dict)


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


class Tracker:
    def __init__(self, config: Config, db: Database) -> None:
        self.config = config
        self.db = db

    # -- planning --------------------------------------------------------------------

    def calendar(self, row: Placed) -> BusinessCalendar:
        place = self.config.place_for(row.country, row.subdivision)
        try:
            return calendar_for(place)
        except ConfigError as exc:
            if place == self.config.calendar.place:
                raise ConfigError(f"{self.config.path}: {exc.message}") from None
            raise

    def plan(self, row: Plannable) -> Reminder | None:
        stage = Stage(Status(row.status), row.reply_expected_on, row.emailed_on, row.snoozed_to)
        return next_reminder(stage, self.config.rules, self.calendar(row), self.config.timing)

    def plan_columns(self, row: Plannable) -> dict[str, Any]:
        """The plan cache's columns for ``row`` under today's settings."""
        reminder = self.plan(row)
        return {
            "plan_key": self.config.plan_key,
            "next_kind": reminder.kind.value if reminder else None,
            "next_at": reminder.at_utc if reminder else None,
        }

    def _store_plan(self, row: Interview) -> None:
        for key, value in self.plan_columns(row).items():
            setattr(row, key, value)

    def _cached_plan(self, row: InterviewRow) -> Reminder | None:
        """The stored plan when it was made with today's settings, else a fresh one."""
        if row.plan_key != self.config.plan_key:
            return self.plan(row)
        if row.next_kind is None or row.next_at is None:
            return None
        at = row.next_at.astimezone(self.config.calendar.zone)
        start = row.emailed_on if row.next_kind == Kind.MOVE_ON else row.reply_expected_on
        # Explanations are always made from a fresh plan; a cached one needs no ``due``.
        return Reminder(Kind(row.next_kind), at.date(), at, start or at.date(), at.date())

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
            reminder = self.plan(row)
            shown = self._shown_at(s, row.id, reminder)
            lines: tuple[str, ...] = ()
            if reminder is not None and with_explanation:
                lines = tuple(
                    explain(reminder, self.config.rules, self.calendar(row), self.config.timing)
                )
            return self._view(row, reminder, lines, shown)

    def interviews(self, *, include_closed: bool = False) -> list[InterviewView]:
        with self.db.reading() as s:
            # Plain rows, not ORM objects: a listing of thousands must stay quick.
            query = select(*_LISTED).order_by(Interview.id)
            if not include_closed:
                query = query.where(Interview.status.in_(_OPEN))
            return [self._view(row, self._cached_plan(row)) for row in s.execute(query)]

    def upcoming(self) -> list[Due]:
        """Every planned reminder not yet shown, soonest first."""
        due = [d for d, _view in self.pending_for()]
        return sorted(due, key=lambda d: (d.at, d.interview_id))

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

    def edit(self, interview_id: int, details: Details, now: datetime) -> InterviewView:
        changes = self.pin_country(details).given()
        if not changes:
            raise UsageError("nothing to change: give at least one option, e.g. --role")
        with self.db.writing() as s:
            row = self._row(s, interview_id)
            merged = Details(**{f.name: getattr(row, f.name) for f in fields(Details)} | changes)
            self.validate(merged)
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
                _not_before_interview("expected", expect, row.interviewed_on)
                row.status, row.reply_expected_on = Status.WAITING.value, expect
                row.emailed_on, row.snoozed_to, row.outcome = None, None, None
                details["expect"] = expect.isoformat()
                kind = "next_round"
            else:
                row.status, row.outcome, row.snoozed_to = Status.HEARD_BACK.value, outcome, None
                kind = "heard_back"
            row.updated_at = now
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

    def delete(self, interview_id: int) -> None:
        with self.db.writing() as s:
            row = self._row(s, interview_id)
            s.execute(delete(Interview).where(Interview.id == row.id))

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

    # -- the daemon's ledger -------------------------------------------------------------

    def was_shown(self, interview_id: int, kind: Kind, due_at: datetime) -> bool:
        with self.db.reading() as s:
            return self._shown(s, interview_id, kind, due_at) is not None

    def record_shown(self, reminders: Iterable[tuple[int, Kind, datetime]], now: datetime) -> None:
        """Enter reminders in the ledger; ones already there are left as they are."""
        with self.db.writing() as s:
            for interview_id, kind, due_at in reminders:
                if s.get(Interview, interview_id) is None:
                    continue
                if self._shown(s, interview_id, kind, due_at) is None:
                    s.add(
                        ShownReminder(
                            interview_id=interview_id, kind=kind.value, due_at=due_at, shown_at=now
                        )
                    )

    def fingerprints(self) -> dict[int, str]:
        """Each interview's last change time, as stored: how the daemon tells which ones to
        re-plan (read raw, unparsed, since all that matters is whether it changed)."""
        with self.db.reading() as s:
            rows = s.execute(text("SELECT id, updated_at FROM interviews"))
            return {int(i): str(stamp) for i, stamp in rows}

    def last_shown(self) -> tuple[ShownReminder, str] | None:
        with self.db.reading() as s:
            found = s.execute(
                select(ShownReminder, Interview.company)
                .join(Interview, Interview.id == ShownReminder.interview_id)
                .order_by(ShownReminder.shown_at.desc(), ShownReminder.id.desc())
                .limit(1)
            ).first()
            return (found[0], found[1]) if found else None

    def pending_for(
        self, ids: Sequence[int] | None = None, until: datetime | None = None
    ) -> list[tuple[Due, InterviewView]]:
        """Unshown reminders of open interviews (all, or only ``ids``; only those due by
        ``until`` when given), with their interviews."""
        key = self.config.plan_key
        with self.db.reading() as s:
            query = select(*_LISTED).where(Interview.status.in_(_OPEN))
            ledger = (
                select(ShownReminder.interview_id, ShownReminder.kind, ShownReminder.due_at)
                .join(Interview, Interview.id == ShownReminder.interview_id)
                .where(Interview.status.in_(_OPEN))
            )
            if ids is not None:
                query = query.where(Interview.id.in_(ids))
                ledger = ledger.where(Interview.id.in_(ids))
            if until is not None:
                stale = (Interview.plan_key != key) | Interview.plan_key.is_(None)
                query = query.where(stale | (Interview.next_at <= until))
            rows = s.execute(query).all()
            shown = {tuple(row) for row in s.execute(ledger)}
        pending = []
        for row in rows:
            r = self._cached_plan(row)
            if r is None or (until is not None and r.at > until):
                continue
            if (row.id, r.kind.value, r.at_utc) not in shown:
                pending.append((Due(row.id, row.company, r.kind, r.at), self._view(row, r)))
        return pending

    # -- helpers -----------------------------------------------------------------------

    def pin_country(self, details: Details) -> Details:
        """A subdivision given alone belongs to the config's country of today; store that
        country too, so that a later change of config cannot give it another meaning."""
        if details.subdivision is not None and details.country is None:
            return replace(details, country=self.config.calendar.place.country)
        return details

    def _today(self, now: datetime) -> date:
        return now.astimezone(self.config.calendar.zone).date()

    def validate(self, d: Details) -> None:
        """The checks every stored interview passes, however it came in (a command, an
        import); raises FieldError naming the field and the bad value."""
        if not d.company or not d.company.strip():
            raise FieldError("company", "the company name must not be empty")
        if d.contact_email is not None and not _EMAIL.fullmatch(d.contact_email.strip()):
            raise FieldError("contact_email", f"invalid email address {d.contact_email!r}")
        if d.reply_expected_on is not None:
            try:
                _not_before_interview("expected", d.reply_expected_on, d.interviewed_on)
            except UsageError as exc:
                raise FieldError("reply_expected_on", exc.message) from None
        if d.country is not None or d.subdivision is not None:
            country = d.country.upper() if d.country else self.config.calendar.place.country
            for name, subdivision in (("country", None), ("subdivision", d.subdivision)):
                try:
                    _check_place(country, subdivision)
                except ConfigError as exc:
                    raise FieldError(name, exc.message.removeprefix("interview: ")) from None

    def check_day(self, what: str, day: date, interviewed: date | None, now: datetime) -> None:
        """A day something happened (an ``email``, a ``reply``) is neither in the future
        nor before the interview; raises UsageError naming the day."""
        if day > self._today(now):
            raise UsageError(f"{what} date {day.isoformat()} is in the future")
        _not_before_interview(what, day, interviewed)

    @staticmethod
    def _row(s: Session, interview_id: int) -> Interview:
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

    @staticmethod
    def _view(
        row: InterviewRow,
        reminder: Reminder | None,
        explanation: tuple[str, ...] = (),
        shown_at: datetime | None = None,
    ) -> InterviewView:
        return InterviewView(
            id=row.id,
            company=row.company,
            role=row.role,
            contact_name=row.contact_name,
            contact_email=row.contact_email,
            interviewed_on=row.interviewed_on,
            reply_expected_on=row.reply_expected_on,
            emailed_on=row.emailed_on,
            status=Status(row.status),
            outcome=row.outcome,
            country=row.country,
            subdivision=row.subdivision,
            notes=row.notes,
            next_reminder=reminder,
            explanation=explanation,
            shown_at=shown_at,
        )


def name_key(text: str | None) -> str:
    """One key for every spelling of a name ("Acme  Corp", "ACME corp"); a missing name
    is an empty one. Imports and statistics tell companies and roles apart by it."""
    return " ".join((text or "").casefold().split())


def _not_before_interview(what: str, day: date, interviewed: date | None) -> None:
    if interviewed is not None and day < interviewed:
        raise UsageError(
            f"{what} date {day.isoformat()} is before the interview date {interviewed.isoformat()}"
        )


@functools.lru_cache(maxsize=256)
def _check_place(country: str | None, subdivision: str | None) -> None:
    """check_place, remembered: an import checks the same few places thousands of times."""
    check_place(country, subdivision, "interview")


def _event_row(interview_id: int, e: HistoryEntry) -> dict[str, Any]:
    return {
        "interview_id": interview_id,
        "kind": e.kind,
        "at": e.at,
        "details": json.dumps(e.details, sort_keys=True) if e.details else None,
    }


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
