"""The lifecycle service: every change to an interview, its history, and its planned
reminder.

The CLI and the daemon both act through :class:`Tracker`; it validates (:mod:`validation`),
writes one short transaction through the store's query functions, appends to the history
and keeps each interview's planned reminder (:mod:`planning`) current. Time comes in as
``now`` (aware); nothing here prints or exits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from followup.errors import (
    FieldNotAllowed,
    FieldRequired,
    InvalidChange,
    NoEmailToCorrect,
    NothingToChange,
    OutOfRange,
    UsageError,
)
from followup.lifecycle import validation
from followup.lifecycle.planning import Columns, snooze_before_close
from followup.lifecycle.reading import Reader, stored_row
from followup.records import Batch, Details
from followup.rules import Kind, Outcome, Status, snooze_day
from followup.store import findings, interviews
from followup.values import OUTCOMES, InterviewView

if TYPE_CHECKING:
    from followup.store.database import Transaction
    from followup.store.models import Interview

#: The fields ``edit`` may empty: every optional one.
CLEARABLE = frozenset(
    {"role", "contact_name", "contact_email", "interviewed_on", "country", "subdivision", "notes"}
)
#: How long a deleted interview's events stay in the calendar feed as cancelled, for
#: calendars that import the file only now and then to learn of it.
TOMBSTONE_DAYS = 400


class Tracker(Reader):
    """Reads (see :class:`~followup.lifecycle.reading.Reader`) and changes interviews.

    Each change raises NotFound for an unknown id, InvalidChange for one its interview's
    state forbids, UsageError (FieldError for a field's value) for bad input, and
    StoreError when the store cannot be written; nothing is changed then."""

    def refresh_plans(self) -> int:
        """Re-plan every open interview planned with other settings; returns how many."""
        with self.db.writing() as s:
            rows = interviews.stale(s, self.config.plan_key)
            for row in rows:
                self._store_plan(s, row)
            return len(rows)

    # -- changes -----------------------------------------------------------------------

    def add(self, details: Details, now: datetime) -> InterviewView:
        """A new interview, waiting for their reply by ``details.reply_expected_on``, with
        its first reminder planned. Without that day, the reply is expected
        ``rules.default_wait_business_days`` business days after the interview in its place
        (FieldRequired when the interview day is not given either)."""
        if details.reply_expected_on is None and details.interviewed_on is None:
            raise FieldRequired("reply_expected_on")
        details = self.pin_country(details)
        validation.interview_not_in_future(details.interviewed_on, self._today(now))
        if details.reply_expected_on is None:
            details = default_wait(details, self)
        self.validate(details)
        with self.db.writing() as s:
            row = interviews.add(
                s,
                {k: (v.strip() if isinstance(v, str) else v) for k, v in details.given().items()}
                | {"status": Status.WAITING.value, "created_at": now, "updated_at": now},
            )
            self._store_plan(s, row)
            interviews.record(s, row.id, "created", now, _jsonable(details.given()))
        return self.get(row.id)

    def edit(
        self,
        interview_id: int,
        details: Details,
        now: datetime,
        *,
        emailed_on: date | None = None,
        clear: frozenset[str] = frozenset(),
    ) -> InterviewView:
        """Change what was given; ``clear`` names optional fields to empty (any of
        :data:`CLEARABLE`); ``emailed_on`` corrects the day of an email already recorded
        (NoEmailToCorrect when none is; UsageError for a day in the future or before the
        interview); a new email day plans the move-on reminder again. A subdivision given
        alone is one of the interview's own country (the config's when it has none); a new
        country given without a subdivision empties the old one, which belonged to the old
        country."""
        _check_clear(clear)
        if not details.given() and emailed_on is None and not clear:
            raise NothingToChange()
        if emailed_on is not None:
            self.check_day("email", emailed_on, None, now)
            with self.db.reading() as s:
                stored = stored_row(s, interview_id)
                if stored.emailed_on is None:
                    raise NoEmailToCorrect(interview_id, stored.company)
        with self.db.writing() as s:
            row = stored_row(s, interview_id)
            home = row.country or self.config.calendar.place.country
            changes = validation.pin_country(details, home, self.config.cache_dir).given()
            changes = _with_cleared(changes, clear, row.subdivision)
            merged = Details(**{name: getattr(row, name) for name in Details._fields} | changes)
            self.validate(merged, now if "interviewed_on" in changes else None)
            if emailed_on is not None:
                validation.not_before_interview("email", emailed_on, merged.interviewed_on)
                changes["emailed_on"] = emailed_on
                if row.status == Status.EMAILED:
                    row.snoozed_to = None
            for key, value in changes.items():
                setattr(row, key, value.strip() if isinstance(value, str) else value)
            if "reply_expected_on" in changes and row.status == Status.WAITING:
                row.snoozed_to = None
            row.updated_at = now
            self._store_plan(s, row)
            interviews.record(s, row.id, "edited", now, _jsonable(changes))
        return self.get(interview_id)

    def emailed(self, interview_id: int, on: date, now: datetime) -> InterviewView:
        """Record the follow-up email sent ``on``: the move-on reminder is planned next, and
        pending mail findings of a sent email are answered; the same day again changes nothing."""
        self.check_day("email", on, None, now)
        with self.db.writing() as s:
            row = _open_row(s, interview_id, "record an email for")
            if (row.status, row.emailed_on) != (Status.EMAILED.value, on):
                validation.not_before_interview("email", on, row.interviewed_on)
                row.status, row.emailed_on, row.snoozed_to = Status.EMAILED.value, on, None
                row.updated_at = now
                findings.resolve(s, row.id, ["sent"], on, now)
                self._store_plan(s, row)
                interviews.record(s, row.id, "emailed", now, {"on": on.isoformat()})
        return self.get(interview_id)

    def heard(
        self,
        interview_id: int,
        outcome: str,
        expect: date | None,
        now: datetime,
        on: date | None = None,
        words: str | None = None,
    ) -> InterviewView:
        """Record their reply, received ``on`` (default: today); the day is kept in the
        history because how long companies take is measured from it. A next round's
        promise replaces the old one with its ``words`` (None: given as a date)."""
        on = on or self._today(now)
        self.check_day("reply", on, None, now)
        if outcome not in OUTCOMES:
            raise UsageError(f"unknown outcome {outcome!r} (choose from {', '.join(OUTCOMES)})")
        if outcome == Outcome.NEXT_ROUND and expect is None:
            raise FieldRequired("reply_expected_on", ("outcome", Outcome.NEXT_ROUND.value))
        if outcome != Outcome.NEXT_ROUND and expect is not None:
            raise FieldNotAllowed(
                "reply_expected_on", ("outcome", Outcome.NEXT_ROUND.value), outcome
            )
        with self.db.writing() as s:
            row = _open_row(s, interview_id, "record a reply for")
            validation.not_before_interview("reply", on, row.interviewed_on)
            details = {"outcome": outcome, "on": on.isoformat()}
            if expect is not None:
                validation.check_day("expected date", expect)
                validation.not_before_interview("expected", expect, row.interviewed_on)
                row.status, row.reply_expected_on = Status.WAITING.value, expect
                row.reply_expected_words = words.strip() if words else None
                row.emailed_on, row.snoozed_to, row.outcome = None, None, None
                details["expect"] = expect.isoformat()
                kind = "next_round"
            else:
                row.status, row.outcome, row.snoozed_to = Status.HEARD_BACK.value, outcome, None
                kind = "heard_back"
            row.updated_at = now
            findings.resolve(s, row.id, ["sent", "reply"], on, now)
            self._store_plan(s, row)
            interviews.record(s, row.id, kind, now, details)
        return self.get(interview_id)

    def close(
        self, interview_id: int, status: Status, now: datetime, on: date | None = None
    ) -> InterviewView:
        """Move on from, or withdraw from, an open interview ``on`` a day in the user's zone
        (default: today; kept in the history, for a close learnt days later, as a tick on
        the phone): no more reminders. UsageError for a day in the future or before it."""
        moving_on = status is Status.MOVED_ON
        verb = "move on from" if moving_on else "withdraw from"
        what = "move-on" if moving_on else "withdrawal"
        on = on or self._today(now)
        self.check_day(what, on, None, now)
        with self.db.writing() as s:
            row = _open_row(s, interview_id, verb)
            validation.not_before_interview(what, on, row.interviewed_on)
            row.status, row.snoozed_to, row.updated_at = status.value, None, now
            self._store_plan(s, row)
            interviews.record(s, row.id, status.value, now, {"on": on.isoformat()})
        return self.get(interview_id)

    def reopen(self, interview_id: int, now: datetime) -> InterviewView:
        """Take back a mistaken ``heard`` (heard back), ``moved-on`` or ``withdraw``: the
        interview returns to the state it had (emailed when an email was recorded, else
        waiting), its outcome is cleared, a snooze it had is restored from the history, its
        reminder is planned again, and the history records the reopen with what it undid.
        Raises NotFound, and InvalidChange for an open interview."""
        with self.db.writing() as s:
            row = stored_row(s, interview_id)
            closed = Status(row.status)
            if closed.is_open:
                raise InvalidChange(
                    f"cannot reopen interview {interview_id} ({row.company}): it is open "
                    f"({closed.label})"
                )
            events = interviews.history(s, row.id)
            status = Status.EMAILED if row.emailed_on is not None else Status.WAITING
            details: dict[str, Any] = {"from": closed.value, "to": status.value}
            if row.outcome is not None:
                details["outcome"] = row.outcome
            row.status, row.outcome = status.value, None
            row.snoozed_to = snooze_before_close(events, status)
            if row.snoozed_to is not None:
                details["snoozed_to"] = row.snoozed_to.isoformat()
            row.updated_at = now
            self._store_plan(s, row)
            interviews.record(s, row.id, "reopened", now, details)
        return self.get(interview_id)

    def snooze(self, interview_id: int, days: int, now: datetime) -> InterviewView:
        """Put the next reminder off by ``days`` business days (1 to 60, else OutOfRange)
        from its day or today, whichever is later."""
        if not 1 <= days <= 60:
            raise OutOfRange("days", days, 1, 60)
        with self.db.writing() as s:
            row = _open_row(s, interview_id, "snooze")
            reminder = self.plan(row)
            assert reminder is not None
            row.snoozed_to = snooze_day(reminder.day, self._today(now), days, self.calendar(row))
            row.updated_at = now
            self._store_plan(s, row)
            interviews.record(
                s,
                row.id,
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
            row = stored_row(s, interview_id)
            interviews.delete_with_tombstone(s, row, now, TOMBSTONE_DAYS)

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
        with self.db.writing() if write else self.db.reading() as s:
            stored = interviews.stored_columns(s)
            batch = prepare(stored)
            if write:
                by_id = {row["id"]: row for row in stored}
                plan = self.planner.plan_columns
                interviews.write(s, batch, by_id, lambda values: plan(Columns(values)))
            return batch

    # -- mail findings -------------------------------------------------------------------

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

    def dismiss_finding(self, finding_id: int, now: datetime) -> findings.Finding:
        """The user says a finding is not what it seemed; a held reminder comes back."""
        with self.db.writing() as s:
            found = findings.dismiss(s, finding_id, now)
            self._replan(s, {found.interview_id}, now)
            return found

    # -- the daemon's ledger (see followup.store.ledger.MachineLedger) -----------------------

    def record_shown(self, reminders: Iterable[tuple[int, Kind, datetime]], now: datetime) -> None:
        """Enter reminders in the ledger as shown; ones already there are left as they are."""
        self.ledger.record_shown(reminders, now)

    def record_intent(self, reminders: Iterable[tuple[int, Kind, datetime]], now: datetime) -> None:
        """Enter reminders in the ledger as about to be shown, just before ``Notify``."""
        self.ledger.record_intent(reminders, now)

    def confirm_shown(self, reminders: Iterable[tuple[int, Kind, datetime]], now: datetime) -> None:
        """The notification server accepted these reminders: their rows become ``shown``."""
        self.ledger.confirm_shown(reminders, now)

    def forget_intent(self, reminders: Iterable[tuple[int, Kind, datetime]]) -> None:
        """The server certainly did not show these: their intents are removed."""
        self.ledger.forget_intent(reminders)

    # -- helpers -----------------------------------------------------------------------

    def _store_plan(self, s: Transaction, row: Interview) -> None:
        """The row's plan cache under today's settings; none while a reply finding holds it."""
        columns = self.plan_columns(row)
        if row.id is not None and findings.held(s, [row.id]):
            columns |= {"next_kind": None, "next_at": None}
        for key, value in columns.items():
            setattr(row, key, value)

    def _replan(self, s: Transaction, ids: set[int], now: datetime) -> None:
        for interview_id in sorted(ids):
            row = interviews.get(s, interview_id)
            if row is not None:
                row.updated_at = now
                self._store_plan(s, row)


def _open_row(s: Transaction, interview_id: int, action: str) -> Interview:
    """The interview's row, to ``action`` ("record an email for"); InvalidChange when it
    is closed."""
    row = stored_row(s, interview_id)
    if not Status(row.status).is_open:
        raise InvalidChange(
            f"cannot {action} interview {interview_id} ({row.company}): it is closed "
            f"({row.status.replace('_', ' ')})"
        )
    return row


def default_wait(details: Details, tracker: Tracker) -> Details:
    """``details`` (with ``interviewed_on`` and its place pinned, and no promised day)
    expecting the reply ``rules.default_wait_business_days`` business days after the
    interview in its place; its words say so ("within 5 business days"). The usual advice
    when an interviewer named no day (docs/reference/dates.md)."""
    assert details.interviewed_on is not None
    wait = tracker.config.rules.default_wait_business_days
    day = tracker.calendar(details).nth_business_day_after(details.interviewed_on, wait)
    return details._replace(
        reply_expected_on=day, reply_expected_words=f"within {wait} business days"
    )


def _check_clear(clear: frozenset[str]) -> None:
    unknown = sorted(clear - CLEARABLE)
    if unknown:
        raise UsageError(f"{unknown[0]} cannot be emptied: it is required")


def _with_cleared(
    changes: dict[str, Any], clear: frozenset[str], subdivision: str | None
) -> dict[str, Any]:
    """``changes`` with the fields in ``clear`` emptied; a new (or emptied) country empties
    the stored ``subdivision`` unless one is given, and a new promised day drops the words
    of the old one unless words come with it."""
    changes = changes | dict.fromkeys(clear)
    if "country" in changes and "subdivision" not in changes and subdivision:
        changes["subdivision"] = None
    if "reply_expected_on" in changes and "reply_expected_words" not in changes:
        changes["reply_expected_words"] = None
    return changes


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
