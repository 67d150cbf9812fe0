"""Planning: each interview's next reminder under today's settings, where it stands in the
ledger, and the views built from stored rows.

Both read paths build their output with these same functions: the lifecycle service
(SQLAlchemy, any database) and the quick reader of ``followup list``, ``upcoming`` and
``status`` (:mod:`followup.store.reading`, the standard library's ``sqlite3``), so their
output cannot drift apart. :class:`Planner` holds what a plan depends on (the config: the
rules, the timing, the calendars); everything here is a function of its arguments, reads
neither the store nor the clock, and imports no database library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from followup.business_days import BusinessCalendar, calendar_for
from followup.config import Config
from followup.errors import ConfigError
from followup.rules import (
    CLOSED_STATUSES,
    Kind,
    Reminder,
    Showing,
    Stage,
    Status,
    Timing,
    next_reminder,
    showing,
)
from followup.values import (
    Due,
    HistoryEntry,
    Intents,
    InterviewView,
    Ledger,
    name_key,
)

if TYPE_CHECKING:
    from followup.values import Placed, Plannable, StoredRow


#: How a reminder stands in the ledger, given its interview's entries of its kind.
Placing = Callable[[Reminder, Mapping[datetime, datetime] | None], Showing]


def stored_plan(row: StoredRow, zone: ZoneInfo) -> Reminder | None:
    """The reminder a row's plan cache holds (``next_kind``, ``next_at``), in ``zone``;
    only valid while the row's ``plan_key`` is the config's. Explanations are always made
    from a fresh plan, so a cached one needs no ``due`` day: it is the reminder's own."""
    if row.next_kind is None or row.next_at is None:
        return None
    at = row.next_at.astimezone(zone)
    start = row.emailed_on if row.next_kind == Kind.MOVE_ON else row.reply_expected_on
    return Reminder(Kind(row.next_kind), at.date(), at, start or at.date(), at.date())


def view_of(
    row: StoredRow,
    reminder: Reminder | None,
    explanation: tuple[str, ...] = (),
    shown_at: datetime | None = None,
    showing: Showing | None = None,
) -> InterviewView:
    """The view of a stored row with its next reminder (``None``: closed or held) and what
    is known of it: how it was counted, when it was shown, where it stands in the ledger.
    The instant it was recorded comes with a stored interview (the quick reader's rows do
    not have it: a listing does not show it)."""
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
        showing=showing,
        reply_expected_words=row.reply_expected_words,
        recorded_at=getattr(row, "created_at", None),
    )


def listed_views(
    rows: Iterable[Any],
    held: set[int],
    ledger: Ledger,
    plan: Callable[[Any], Reminder | None],
    place: Placing,
    company: str | None = None,
) -> list[InterviewView]:
    """``followup list``: a view of each row (a :class:`StoredRow`), in the rows' order,
    whose company name contains ``company`` (any case and spacing) when given; a held
    interview has no reminder, and each reminder says where it stands in the ledger."""
    needle = name_key(company) if company is not None else None
    views = []
    for row in rows:
        if needle is not None and needle not in name_key(row.company):
            continue
        reminder = None if row.id in held else plan(row)
        showing = None
        if reminder is not None:
            showing = place(reminder, ledger.get((row.id, reminder.kind.value)))
        views.append(view_of(row, reminder, showing=showing))
    return views


def pending_dues(
    rows: Iterable[Any],
    held: set[int],
    ledger: Ledger,
    intents: Intents,
    plan: Callable[[Any], Reminder | None],
    place: Placing,
    zone: ZoneInfo,
    until: datetime | None = None,
    *,
    include_done: bool = False,
) -> list[tuple[Due, InterviewView]]:
    """The reminders of open interview rows still to be shown, with their views (see
    :meth:`followup.lifecycle.reading.Reader.pending_for`)."""
    return [
        (due, view_of(row, r, showing=showing))
        for due, row, r, showing in _pending(
            rows, held, ledger, intents, plan, place, zone, until, include_done
        )
    ]


def pending_only(
    rows: Iterable[Any],
    held: set[int],
    ledger: Ledger,
    intents: Intents,
    plan: Callable[[Any], Reminder | None],
    place: Placing,
    zone: ZoneInfo,
    until: datetime | None = None,
) -> list[Due]:
    """:func:`pending_dues` without the views: what the daemon plans from (thousands of
    views would be built for nothing)."""
    return [
        due
        for due, _row, _r, _showing in _pending(
            rows, held, ledger, intents, plan, place, zone, until, False
        )
    ]


def _pending(
    rows: Iterable[Any],
    held: set[int],
    ledger: Ledger,
    intents: Intents,
    plan: Callable[[Any], Reminder | None],
    place: Placing,
    zone: ZoneInfo,
    until: datetime | None,
    include_done: bool,
) -> Iterator[tuple[Due, Any, Reminder, Showing]]:
    for row in rows:
        r = None if row.id in held else plan(row)
        if r is None:
            continue
        showing = place(r, ledger.get((row.id, r.kind.value)))
        since = r.at if showing.is_due else None
        if showing.next_at is None:
            if not include_done:
                continue
            due = Due(row.id, row.company, r.kind, r.at, since, showing.last_shown_at, False)
        else:
            at = r.at if not showing.shown else showing.next_at.astimezone(zone)
            if until is not None and at > until:
                continue
            maybe = (row.id, r.kind.value, showing.next_at) in intents
            due = Due(
                row.id, row.company, r.kind, at, since, showing.last_shown_at, maybe_shown=maybe
            )
        yield due, row, r, showing


def upcoming_order(due: Sequence[Due]) -> list[Due]:
    """Reminders shown already and still due first (longest due first), then the others,
    soonest first: the order of ``followup upcoming``."""
    return sorted(
        due,
        key=lambda d: (not d.is_due, d.since if d.since else d.at, d.at, d.interview_id),
    )


def ledger_place(
    reminder: Reminder,
    shown: Mapping[datetime, datetime] | None,
    repeat_after_business_days: int,
    home: Callable[[], BusinessCalendar],
    timing: Timing,
) -> Showing:
    """Where ``reminder`` stands, given its interview's ledger entries of its kind (see
    :func:`followup.rules.showing`); repeats are counted in the user's own calendar,
    ``home()``, which is only asked for once the reminder was shown."""
    if not shown:
        return Showing(reminder.at_utc)
    return showing(reminder, shown, repeat_after_business_days, home(), timing)


class Columns:
    """A mapping of columns read as attributes, to plan an interview not stored yet."""

    def __init__(self, columns: Mapping[str, Any]) -> None:
        self.__dict__.update(columns)

    def __getattr__(self, name: str) -> Any:
        """Only reached for a column not given; declared so that type checkers take any
        column as an attribute."""
        raise AttributeError(name)


#: A row without a place of its own: it plans in the user's calendar.
HOME = Columns({"country": None, "subdivision": None})


class Planner:
    """The plans of interviews under one config: which reminder comes next, and where it
    stands in the ledger. Pure: no store, no clock."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def calendar(self, row: Placed) -> BusinessCalendar:
        """The business calendar of ``row``'s place, else the config's; raises ConfigError
        (naming the config file when the config's own place cannot be made)."""
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
            lambda: self.calendar(HOME),
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

    def cached_plan(self, row: Any) -> Reminder | None:
        """The stored plan when it was made with today's settings, else a fresh one."""
        if row.plan_key != self.config.plan_key:
            return self.plan(row)
        return stored_plan(row, self.config.calendar.zone)


#: History entries after which no earlier snooze applies any more.
_SNOOZE_RESETS = frozenset({"emailed", "next_round", "reopened", "imported"})
_CLOSES = frozenset(s.value for s in CLOSED_STATUSES)


def snooze_before_close(events: Sequence[HistoryEntry], status: Status) -> date | None:
    """The day the reminder was snoozed to just before the interview was last closed, when
    that snooze is of the reminder ``status`` waits for; else ``None``."""
    kind = Kind.EMAIL if status is Status.WAITING else Kind.MOVE_ON
    snoozed: tuple[str, date] | None = None
    last_close = max((i for i, e in enumerate(events) if e.kind in _CLOSES), default=None)
    for e in events[: last_close if last_close is not None else len(events)]:
        details = e.details
        if e.kind == "snoozed" and "to" in details:
            snoozed = (details.get("kind", ""), date.fromisoformat(details["to"]))
        elif e.kind in _SNOOZE_RESETS or (e.kind == "edited" and "reply_expected_on" in details):
            snoozed = None
    if snoozed is not None and snoozed[0] == kind.value:
        return snoozed[1]
    return None
