"""What the user is shown of stored interviews, built from plain rows.

The value objects (:class:`InterviewView`, :class:`Due`, :class:`HistoryEntry`) and the
functions that turn stored rows, the ledger and the held interviews into them. Both read
paths use these same functions: the tracker (SQLAlchemy, any database) and the quick reader
of ``followup list``, ``upcoming`` and ``status`` (:mod:`followup.store.reading`, the
standard library's ``sqlite3``), so their output cannot drift apart. Nothing here imports a
database library, reads the clock or prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from followup.business_days import BusinessCalendar
from followup.rules import Kind, Reminder, Showing, Status, Timing, showing

#: The ledger of open interviews: (interview id, kind) -> due instant -> shown instant
#: (aware UTC).
Ledger = Mapping[tuple[int, str], Mapping[datetime, datetime]]
#: Unconfirmed intents: (interview id, kind, due instant in aware UTC).
Intents = set[tuple[int, str, datetime]]
#: How a reminder stands in the ledger, given its interview's entries of its kind.
Placing = Callable[[Reminder, Mapping[datetime, datetime] | None], Showing]


class StoredRow(Protocol):
    """The columns of an interview a view is made of: a SQLAlchemy row or object, or the
    quick reader's row (dates as :class:`~datetime.date`, ``next_at`` aware UTC)."""

    @property
    def id(self) -> int: ...
    @property
    def company(self) -> str: ...
    @property
    def role(self) -> str | None: ...
    @property
    def contact_name(self) -> str | None: ...
    @property
    def contact_email(self) -> str | None: ...
    @property
    def interviewed_on(self) -> date | None: ...
    @property
    def reply_expected_on(self) -> date: ...
    @property
    def emailed_on(self) -> date | None: ...
    @property
    def status(self) -> str: ...
    @property
    def outcome(self) -> str | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def subdivision(self) -> str | None: ...
    @property
    def notes(self) -> str | None: ...
    @property
    def next_kind(self) -> str | None: ...
    @property
    def next_at(self) -> datetime | None: ...


class InterviewView(NamedTuple):
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
    #: Where the next reminder stands in the ledger (None: no reminder, or not looked up).
    showing: Showing | None = None

    @property
    def due_since(self) -> datetime | None:
        """When the next reminder first came due, once shown and not acted on (aware, the
        user's zone); ``None`` otherwise."""
        if self.next_reminder is None or self.showing is None or not self.showing.is_due:
            return None
        return self.next_reminder.at

    def shows(self, kind: Kind, at_utc: datetime) -> bool:
        """Whether a notification for ``kind`` due at ``at_utc`` was for this interview's
        current reminder: its planned instant or one of its repeats."""
        r = self.next_reminder
        if r is None or r.kind is not kind:
            return False
        return at_utc == r.at_utc or (self.showing is not None and at_utc in self.showing.instants)


class Due(NamedTuple):
    """A pending reminder: what ``upcoming`` lists and what the daemon schedules.

    ``at`` (aware, the user's zone) is when it is shown next: the planned instant, or the
    repeat of one shown and not acted on. Such a one has ``since``, the instant it first
    came due, and ``shown_at``, when it was last shown (aware UTC). ``again`` is false for
    one shown already that is not to be shown again (repeats off): ``at`` is then ``since``.
    """

    interview_id: int
    company: str
    kind: Kind
    at: datetime
    since: datetime | None = None
    shown_at: datetime | None = None
    again: bool = True
    #: the ledger holds an unconfirmed intent for it: a crash came between writing the
    #: intent and confirming the notification, so it may have been shown already
    maybe_shown: bool = False

    @property
    def is_due(self) -> bool:
        """Shown and not acted on."""
        return self.since is not None


class HistoryEntry(NamedTuple):
    at: datetime
    kind: str
    details: Mapping[str, Any]


class LastShown(NamedTuple):
    """The reminder entered in the ledger last (``shown_at`` aware UTC), whatever its
    state, with its interview's company: what ``followup status`` names."""

    interview_id: int
    kind: str
    shown_at: datetime
    company: str


def name_key(text: str | None) -> str:
    """One key for every spelling of a name ("Acme  Corp", "ACME corp"); a missing name
    is an empty one. Imports and statistics tell companies and roles apart by it."""
    return " ".join((text or "").casefold().split())


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
    :meth:`followup.tracker.Tracker.pending_for`)."""
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
