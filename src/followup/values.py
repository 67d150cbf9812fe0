"""The plain values every layer reads: interviews as the user sees them, pending reminders,
history entries and the ledger (what goes into the store whole and comes out whole is in
:mod:`followup.records`).

This is the package's leaf: the store builds these from its rows, the lifecycle service and
the quick reader of ``followup list`` return them, the command line, the daemon, the
notifications and the exports read them. It sits at the top of the package, not inside
``store/``, because the readers of these values (rendering, statistics, the calendar feed)
must not depend on the store, and the store (which builds some of them) must not depend on
the lifecycle service. Nothing here imports a database library, reads the clock or prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from followup.rules import Kind, Reminder, Showing, Status
from followup.rules import Outcome as Outcome

#: The outcomes' values, in the order help texts and errors list them.
OUTCOMES = tuple(o.value for o in Outcome)
#: The plan cache: derived from the other columns and the config, never part of the data.
PLAN_COLUMNS = ("plan_key", "next_kind", "next_at")

#: The ledger of open interviews: (interview id, kind) -> due instant -> shown instant
#: (aware UTC).
Ledger = Mapping[tuple[int, str], Mapping[datetime, datetime]]
#: Unconfirmed intents: (interview id, kind, due instant in aware UTC).
Intents = set[tuple[int, str, datetime]]
#: The channel whose ledger rows say what was shown on screen (the listing's "shown", the
#: repeats, "maybe shown"); every other channel keeps rows of its own beside them.
DESKTOP = "desktop"


if TYPE_CHECKING:
    # Structural types for annotations only: defining Protocol classes costs the listing
    # path more than the rest of this module.

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
        def reply_expected_words(self) -> str | None: ...
        @property
        def next_kind(self) -> str | None: ...
        @property
        def next_at(self) -> datetime | None: ...

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
    #: The words the promised day was given in, when it was.
    reply_expected_words: str | None = None
    #: When the interview was recorded (aware UTC; None on the quick read path): the day
    #: words were said when no interview day is known.
    recorded_at: datetime | None = None

    @property
    def due_since(self) -> datetime | None:
        """When the next reminder first came due, once shown and not acted on (aware, the
        user's zone); ``None`` otherwise."""
        if self.next_reminder is None or self.showing is None or not self.showing.is_due:
            return None
        return self.next_reminder.at

    def due_since_by(self, now: datetime) -> datetime | None:
        """When the next reminder came due, when it is due at ``now`` (aware): shown and
        not acted on, or its instant passed whether or not it was shown."""
        if self.due_since is not None:
            return self.due_since
        r = self.next_reminder
        return r.at if r is not None and r.at <= now else None

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

    def due_by(self, now: datetime) -> bool:
        """Due at ``now`` (aware): shown and not acted on, or its instant has passed
        whether or not it was shown (the daemon may have been off)."""
        return self.since is not None or self.at <= now

    @property
    def first_due(self) -> datetime:
        """When it first came due (or comes due): ``since``, else ``at``."""
        return self.since or self.at


class HistoryEntry(NamedTuple):
    """One change to an interview, as its history keeps it: when (aware UTC), what kind
    (``created``, ``emailed``, ``snoozed``...) and its details (plain JSON values)."""

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


class MachineShown(NamedTuple):
    """A machine that showed reminders (see :mod:`followup.machine`) and the reminder it
    entered in the ledger last, whatever its state (``shown_at`` aware UTC), with that
    interview's company: a line of ``followup status``."""

    machine_id: str
    machine_name: str
    interview_id: int
    kind: str
    shown_at: datetime
    company: str


def name_key(text: str | None) -> str:
    """One key for every spelling of a name ("Acme  Corp", "ACME corp"); a missing name
    is an empty one. Imports and statistics tell companies and roles apart by it."""
    return " ".join((text or "").casefold().split())
