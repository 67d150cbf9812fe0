"""The read side of the lifecycle service: interviews as the user sees them, with their
next reminders, their history, the reminders pending, and whole records for exports; and
the checks of what comes in under the config's settings, which an import makes before it
writes anything.

Each call reads in one transaction of its own; the plans come from :mod:`planning` (pure),
the rows from :mod:`followup.store.interviews` and the ledger from
:mod:`followup.store.ledger`. Nothing here changes the store, prints or reads the clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from followup.business_days import BusinessCalendar
from followup.config import Config
from followup.errors import NotFound
from followup.lifecycle import validation
from followup.lifecycle.planning import (
    Planner,
    listed_views,
    pending_dues,
    pending_only,
    upcoming_order,
    view_of,
)
from followup.records import Details, Record, Tombstone
from followup.rules import Kind, Reminder, Showing, Status, explain
from followup.store import findings, interviews
from followup.store import ledger as ledger_rows
from followup.store.database import Database
from followup.store.ledger import MachineLedger
from followup.values import (
    Due,
    HistoryEntry,
    Intents,
    InterviewView,
    LastShown,
    Ledger,
    MachineShown,
)

if TYPE_CHECKING:
    from followup.machine import Machine
    from followup.mail.matching import OpenInterview
    from followup.store.database import Transaction
    from followup.store.models import Interview
    from followup.values import Placed, Plannable


class Reader:
    """Reads interviews from ``db``, and checks new values, under ``config``'s settings;
    the ledger as ``machine`` sees it (see :class:`followup.store.ledger.MachineLedger`;
    ``None``: a machine that has shown nothing under an id). Every call raises StoreError
    when the store cannot be read, and ConfigError when a calendar cannot be made; the
    checks raise UsageError (FieldError for a field's value)."""

    def __init__(self, config: Config, db: Database, machine: Machine | None = None) -> None:
        self.config = config
        self.db = db
        self.machine = machine
        self._machine_id = machine.id if machine is not None else None
        self.planner = Planner(config)
        self.ledger = MachineLedger(db, machine)

    # -- planning ----------------------------------------------------------------------

    def calendar(self, row: Placed) -> BusinessCalendar:
        """The business calendar of ``row``'s place (see :meth:`Planner.calendar`)."""
        return self.planner.calendar(row)

    def plan(self, row: Plannable) -> Reminder | None:
        """The next reminder of ``row`` under today's settings (see :meth:`Planner.plan`)."""
        return self.planner.plan(row)

    def showing(self, reminder: Reminder, shown: Mapping[datetime, datetime] | None) -> Showing:
        """Where ``reminder`` stands in the ledger (see :meth:`Planner.showing`)."""
        return self.planner.showing(reminder, shown)

    def plan_columns(self, row: Plannable) -> dict[str, Any]:
        """The plan cache's columns for ``row`` under today's settings."""
        return self.planner.plan_columns(row)

    # -- reading -----------------------------------------------------------------------

    def get(self, interview_id: int, *, with_explanation: bool = True) -> InterviewView:
        """One interview with its next reminder, where that stands in this machine's ledger
        and (``with_explanation``) how it was counted; raises NotFound."""
        with self.db.reading() as s:
            row = stored_row(s, interview_id)
            reminder = None if findings.held(s, [row.id]) else self.plan(row)
            shown = None
            lines: tuple[str, ...] = ()
            place = None
            if reminder is not None:
                mine = self._machine_id
                shown = ledger_rows.shown_at(s, mine, row.id, reminder.kind, reminder.at_utc)
                if with_explanation:
                    lines = tuple(
                        explain(reminder, self.config.rules, self.calendar(row), self.config.timing)
                    )
                ledger = ledger_rows.confirmed(s, mine, [row.id])
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
            held = findings.held(s)
            ledger = ledger_rows.confirmed(s, self._machine_id)
            rows = interviews.listed(
                s, include_closed=include_closed, status=status.value if status else None
            )
        plan = self.planner.cached_plan
        return listed_views(rows, held, ledger, plan, self.showing, company)

    def upcoming(self) -> list[Due]:
        """Every reminder not acted on: those shown already and still due first (longest
        due first), then the others, soonest first."""
        return upcoming_order([d for d, _view in self.pending_for(include_done=True)])

    def history(self, interview_id: int) -> list[HistoryEntry]:
        """The interview's history, oldest first; raises NotFound."""
        with self.db.reading() as s:
            stored_row(s, interview_id)
            return interviews.history(s, interview_id)

    def next_round_day(self, interview_id: int) -> date | None:
        """The day of the interview's last next round (the reply day ``heard`` recorded),
        None when there was none: a promise in words given since is counted from it.
        Raises NotFound."""
        rounds = [e for e in self.history(interview_id) if e.kind == "next_round"]
        return date.fromisoformat(rounds[-1].details["on"]) if rounds else None

    def records(self) -> list[Record]:
        """Every interview with its history and ledger, in id order (three queries in all)."""
        with self.db.reading() as s:
            return interviews.records(s)

    def tombstones(self) -> list[Tombstone]:
        """The deleted interviews the calendar feed still cancels, oldest first."""
        with self.db.reading() as s:
            return interviews.tombstones(s)

    def fingerprints(self) -> dict[int, str]:
        """Each interview's last change time, as stored: how the daemon tells which ones to
        re-plan (read raw, unparsed, since all that matters is whether it changed)."""
        with self.db.reading() as s:
            return interviews.fingerprints(s)

    def was_shown(self, interview_id: int, kind: Kind, due_at: datetime) -> bool:
        """Whether this machine's ledger holds the showing (see :class:`MachineLedger`)."""
        return self.ledger.was_shown(interview_id, kind, due_at)

    def last_shown(self) -> LastShown | None:
        """The reminder entered in the ledger last (an intent too), or None."""
        return self.ledger.last_shown()

    def machines_shown(self) -> list[MachineShown]:
        """Each machine that showed a reminder, with the one it showed last, newest first."""
        return self.ledger.machines_shown()

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
            self.planner.cached_plan,
            self.showing,
            self.config.calendar.zone,
            until,
            include_done=include_done,
        )

    def pending(self, ids: Sequence[int] | None = None) -> list[Due]:
        """:meth:`pending_for` without the interviews' views: what the daemon plans from."""
        rows, held, ledger, intents = self._pending_rows(ids, None)
        plan, zone = self.planner.cached_plan, self.config.calendar.zone
        return pending_only(rows, held, ledger, intents, plan, self.showing, zone)

    def _pending_rows(
        self, ids: Sequence[int] | None, until: datetime | None
    ) -> tuple[Sequence[Any], set[int], Ledger, Intents]:
        with self.db.reading() as s:
            rows = interviews.open_rows(s, ids, until, self.config.plan_key)
            mine = self._machine_id
            return (
                rows,
                findings.held(s, ids),
                ledger_rows.confirmed(s, mine, ids),
                ledger_rows.intents(s, mine, ids),
            )

    # -- checks (see followup.lifecycle.validation) ----------------------------------------

    def pin_country(self, details: Details) -> Details:
        """Place codes in their stored spelling, a lone subdivision with the config's country
        (see :func:`followup.lifecycle.validation.pin_country`)."""
        return validation.pin_country(
            details, self.config.calendar.place.country, self.config.cache_dir
        )

    def validate(self, d: Details, now: datetime | None = None) -> None:
        """The checks every stored interview passes; raises FieldError (see
        :func:`followup.lifecycle.validation.validate`). With ``now`` (a new interview day
        given by the user), that day must not be in the future either."""
        if now is not None:
            validation.interview_not_in_future(d.interviewed_on, self._today(now))
        validation.validate(d, self.config.calendar.place.country, self.config.cache_dir)

    def check_day(self, what: str, day: date, interviewed: date | None, now: datetime) -> None:
        """A day something happened (an ``email``, a ``reply``) is neither in the future
        nor before the interview, nor outside the years followup accepts; raises
        UsageError naming the day."""
        validation.check_event_day(what, day, interviewed, self._today(now))

    def _today(self, now: datetime) -> date:
        return now.astimezone(self.config.calendar.zone).date()

    # -- mail findings -------------------------------------------------------------------

    def mail_interviews(self) -> list[OpenInterview]:
        """Open interviews with a contact address, as mail matching needs them; the
        interview day is the one recorded, else the day the interview was added (and the
        instant it was added, from which a reply counts on that day too)."""
        from followup.mail.matching import OpenInterview

        zone = self.config.calendar.zone
        with self.db.reading() as s:
            rows = interviews.contacts(s)
        return [
            OpenInterview(
                id=r.id,
                company=r.company,
                contact_email=r.contact_email.strip().lower(),
                since=r.interviewed_on or r.created_at.astimezone(zone).date(),
                awaiting_email=r.status == Status.WAITING.value,
                recorded=None if r.interviewed_on else r.created_at.astimezone(zone),
            )
            for r in rows
        ]

    def pending_findings(self, interview_id: int | None = None) -> list[findings.Finding]:
        """Pending findings of open interviews, or of one (NotFound for an unknown id)."""
        with self.db.reading() as s:
            if interview_id is not None:
                stored_row(s, interview_id)
            return findings.pending(s, interview_id)


def stored_row(s: Transaction, interview_id: int) -> Interview:
    """The stored interview with this id, to read or change; raises NotFound (also for an
    id outside what any store holds)."""
    row = interviews.get(s, interview_id) if 1 <= interview_id <= validation.MAX_ID else None
    if row is None:
        raise NotFound(f"no interview with id {interview_id}")
    return row
