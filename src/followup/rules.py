"""When each reminder is due: pure functions of dates, settings and a calendar.

The advice encoded here:
1. don't chase on the expected day; once more than N business days have passed since it
   (N = ``email_after_business_days``), email;
2. if M business days (``move_on_after_business_days``) pass after that email with no
   reply, move on.
"The business day that follows N full business days after a date" is the (N+1)-th business
day after it; the reminder is shown at ``notify.at`` on that day, in the user's zone.
Nothing here reads the clock, the config file or the database.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from typing import NamedTuple
from zoneinfo import ZoneInfo

from followup.business_days import BusinessCalendar, SkippedDay


class Status(enum.StrEnum):
    """Where an interview stands. The value is what the store, the history and JSON hold;
    :attr:`label` is what people read; :data:`OPEN_STATUSES` are those still waiting for a
    reply, the only ones with reminders."""

    WAITING = "waiting"
    EMAILED = "emailed"
    HEARD_BACK = "heard_back"
    MOVED_ON = "moved_on"
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES

    @property
    def label(self) -> str:
        """The status as people say it: "heard back", "moved on"."""
        return self.value.replace("_", " ")

    @classmethod
    def from_words(cls, text: str) -> Status | None:
        """The status named by ``text`` in any case, with a space, ``-`` or ``_`` between
        words ("heard back", "moved-on", "WAITING"); ``None`` when it names none."""
        key = "_".join(text.strip().casefold().replace("-", " ").replace("_", " ").split())
        return next((s for s in cls if s.value == key), None)


class Kind(enum.StrEnum):
    """What a reminder asks: to email the company, or to move on. The value is what the
    store, the ledger and JSON hold; :attr:`label` is what people read."""

    EMAIL = "email"
    MOVE_ON = "move_on"

    @property
    def label(self) -> str:
        """The reminder as people say it: "email", "move on"."""
        return self.value.replace("_", " ")


class Outcome(enum.StrEnum):
    """What their reply said, as ``followup heard --outcome`` takes it: a closed interview
    keeps it as its outcome, except ``next-round``, which waits for the next reply. The
    value is what the store, the history, JSON and the option hold; :attr:`label` is what
    people write in a sheet."""

    OFFER = "offer"
    REJECTED = "rejected"
    NEXT_ROUND = "next-round"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The outcome as people say it: "offer", "next round"."""
        return self.value.replace("-", " ")


#: The statuses of interviews still waiting for a reply: the only ones with reminders.
OPEN_STATUSES = (Status.WAITING, Status.EMAILED)
#: The statuses that close an interview; each is also the history's kind of event that
#: closes it.
CLOSED_STATUSES = (Status.HEARD_BACK, Status.MOVED_ON, Status.WITHDRAWN)
#: The outcomes a closed interview keeps, in the order they are shown.
CLOSING_OUTCOMES = (Outcome.OFFER, Outcome.REJECTED, Outcome.OTHER)


class RuleSettings(NamedTuple):
    email_after_business_days: int = 2
    move_on_after_business_days: int = 5
    #: The wait assumed when no reply day was promised: the promise becomes this many
    #: business days after the interview (the usual advice when no date was given).
    default_wait_business_days: int = 5


class Timing(NamedTuple):
    """Where and when reminders are shown: the user's zone and time of day."""

    zone: ZoneInfo
    at: time = time(9, 0)


class Stage(NamedTuple):
    """The facts about one interview that decide its next reminder."""

    status: Status
    reply_expected_on: date
    emailed_on: date | None = None
    snoozed_to: date | None = None


class Reminder(NamedTuple):
    """A planned reminder: shown at ``at`` (aware, the user's zone) on ``day``.

    ``counted_from`` is the date the business days were counted from (the expected reply
    date, or the email's date) and ``due`` the day the rules gave before any snooze.
    """

    kind: Kind
    day: date
    at: datetime
    counted_from: date
    due: date

    @property
    def at_utc(self) -> datetime:
        return self.at.astimezone(UTC)


class Showing(NamedTuple):
    """Where a planned reminder stands in the ledger of reminders shown.

    ``shown`` holds, first to last, each time it was shown: the instant it was due at (the
    ledger's key: the planned instant, then each repeat's) and the instant it was shown,
    both aware UTC. ``next_at`` is the instant it is to be shown next (aware UTC): the
    planned one while never shown, else a repeat; ``None`` once shown when repeats are off.
    """

    next_at: datetime | None
    shown: tuple[tuple[datetime, datetime], ...] = ()

    @property
    def is_due(self) -> bool:
        """Shown and not acted on: the reminder stays due until the user acts or snoozes."""
        return bool(self.shown)

    @property
    def last_shown_at(self) -> datetime | None:
        return self.shown[-1][1] if self.shown else None

    @property
    def instants(self) -> frozenset[datetime]:
        """Every instant this reminder was or is to be shown at (aware UTC)."""
        keys = {due for due, _shown in self.shown}
        return frozenset(keys | ({self.next_at} if self.next_at is not None else set()))


def showing(
    reminder: Reminder,
    shown: Mapping[datetime, datetime],
    repeat_after_business_days: int,
    cal: BusinessCalendar,
    timing: Timing,
) -> Showing:
    """Where ``reminder`` stands given the ledger entries ``shown`` of its interview and
    kind (due instant -> shown instant, aware UTC).

    A reminder shown and not acted on stays due, and is shown again at ``timing.at`` on the
    ``repeat_after_business_days``-th business day (of ``cal``: the user's own calendar,
    since it is the user who is to act) after the day it was last shown, in the user's zone;
    0 turns repeats off. Each repeat is its own instant, so the ledger tells them apart and
    shows each at most once. Entries for other instants (a plan since changed) are ignored.
    """
    at = reminder.at_utc
    chain: list[tuple[datetime, datetime]] = []
    while at in shown and len(chain) < 10_000:
        chain.append((at, shown[at]))
        if repeat_after_business_days == 0:
            return Showing(None, tuple(chain))
        last_day = shown[at].astimezone(timing.zone).date()
        day = cal.nth_business_day_after(last_day, repeat_after_business_days)
        at = local_instant(day, timing.at, timing.zone).astimezone(UTC)
    return Showing(at, tuple(chain))


def email_day(expected: date, settings: RuleSettings, cal: BusinessCalendar) -> date:
    return cal.nth_business_day_after(expected, settings.email_after_business_days + 1)


def move_on_day(emailed: date, settings: RuleSettings, cal: BusinessCalendar) -> date:
    return cal.nth_business_day_after(emailed, settings.move_on_after_business_days + 1)


def snooze_day(due: date, today: date, days: int, cal: BusinessCalendar) -> date:
    """The ``days``-th business day after the later of the reminder's day and today."""
    return cal.nth_business_day_after(max(due, today), days)


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """``at`` on ``day`` in ``zone``.

    A time that a DST change skips (02:30 on a spring-forward night) is moved forward by
    the length of the gap (03:30); a time that happens twice takes its first occurrence.
    """
    naive_wall = datetime.combine(day, at, tzinfo=zone)
    return naive_wall.astimezone(UTC).astimezone(zone)


def in_window(now: datetime, at: time, until: time, zone: ZoneInfo) -> bool:
    """Whether a notification may be shown at ``now`` (aware): the wall-clock time in
    ``zone`` is at or after ``at`` and before ``until`` (``notify.at``..``notify.until``)."""
    local = now.astimezone(zone).time()
    return at <= local < until


def next_window(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """When notifications may next be shown after ``now`` (aware), in UTC: ``at`` today in
    ``zone`` when that is still to come, else ``at`` tomorrow (a time that a DST change skips
    is moved as :func:`local_instant` says)."""
    local = now.astimezone(zone)
    day = local.date() if local.time() < at else local.date() + timedelta(1)
    return local_instant(day, at, zone).astimezone(UTC)


def next_reminder(
    stage: Stage, settings: RuleSettings, cal: BusinessCalendar, timing: Timing
) -> Reminder | None:
    """The reminder the interview is waiting for, or ``None`` once it is closed."""
    if stage.status is Status.WAITING:
        kind, start = Kind.EMAIL, stage.reply_expected_on
        due = email_day(start, settings, cal)
    elif stage.status is Status.EMAILED and stage.emailed_on is not None:
        kind, start = Kind.MOVE_ON, stage.emailed_on
        due = move_on_day(start, settings, cal)
    else:
        return None
    day = stage.snoozed_to or due
    return Reminder(kind, day, local_instant(day, timing.at, timing.zone), start, due)


def explain(
    reminder: Reminder, settings: RuleSettings, cal: BusinessCalendar, timing: Timing
) -> list[str]:
    """How the reminder's date was reached, naming every skipped day and why.

    Kept apart from :func:`next_reminder` because planning thousands of interviews needs
    only the instants, while a person checking one date needs every step.
    """
    if reminder.kind is Kind.EMAIL:
        lead = f"Reply expected on {long_day(reminder.counted_from)}."
        wait, what = settings.email_after_business_days, "Email"
    else:
        lead = f"Follow-up email sent on {long_day(reminder.counted_from)}."
        wait, what = settings.move_on_after_business_days, "Move-on"
    counted = _counted_days(reminder.counted_from, reminder.due, cal)[:wait]
    if counted:
        names = ", ".join(short_day(d) for d in counted)
        lines = [
            lead,
            f"Business days counted ({cal.place.describe()}), {wait} must pass: {names}.",
        ]
    else:
        lines = [lead, f"Business days counted ({cal.place.describe()}): none need to pass."]
    lines += describe_skipped(cal.skipped_between(reminder.counted_from, reminder.due))
    if reminder.day != reminder.due:
        lines.append(f"{what} reminder was due {long_day(reminder.due)}.")
        lines.append(f"Snoozed to {long_day(reminder.day)}.")
    lines.append(
        f"{what} reminder: {long_day(reminder.day)} at {reminder.at:%H:%M} ({timing.zone.key})."
    )
    return lines


def _counted_days(start: date, due: date, cal: BusinessCalendar) -> list[date]:
    days = []
    for n in range(1, 366):
        day = cal.nth_business_day_after(start, n)
        if day >= due:
            break
        days.append(day)
    return days


def describe_skipped(skipped: list[SkippedDay]) -> list[str]:
    """One line per run of consecutive days skipped for the same reason.

    e.g. ``Thu 26 Nov: Thanksgiving Day`` and ``Sat 28, Sun 29 Nov: weekend``.
    """
    lines = []
    runs: list[list[SkippedDay]] = []
    for s in skipped:
        if runs and runs[-1][-1].reason == s.reason and (s.day - runs[-1][-1].day).days == 1:
            runs[-1].append(s)
        else:
            runs.append([s])
    for run in runs:
        parts = []
        for _month, group in groupby(run, key=lambda s: (s.day.year, s.day.month)):
            days = [s.day for s in group]
            parts.append(", ".join(f"{d:%a} {d.day}" for d in days) + f" {days[-1]:%b}")
        lines.append(f"{', '.join(parts)}: {run[0].reason}")
    return lines


def short_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def long_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b} {day.year}"
