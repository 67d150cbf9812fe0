"""What a user's own history says about how companies reply.

Everything here is a pure function of the records (columns and history), each interview's
business calendar and the user's time zone: no store, no clock. The figures are rebuilt from
the history rather than read from the columns, because the columns keep only the latest
round of an interview while every round (first interview, next rounds) is a promise kept or
broken.

A *round* runs from a promised reply day to its end: a reply (``heard_back`` or
``next_round``, or an import saying heard back), no reply (``moved_on`` after the promised
day; a move-on on or before it is counted apart, since the promise was not broken yet), a
withdrawal, or nothing yet (open). A ``reopened`` entry takes back the end of the latest
round. Business days from the promise to the reply are counted signed: a reply
after the promised day counts the business days ``d`` with ``promised < d <= reply``; an
early reply counts minus those with ``reply < d <= promised``.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from followup.business_days import BusinessCalendar
from followup.rules import CLOSING_OUTCOMES, Status
from followup.values import HistoryEntry, name_key

if TYPE_CHECKING:
    from followup.records import Record
    from followup.values import Placed

#: Outcomes that close an interview, in the order they are shown.
OUTCOMES = tuple(o.value for o in CLOSING_OUTCOMES)


class End(enum.StrEnum):
    OPEN = "open"
    REPLIED = "replied"
    NEVER = "never"
    WITHDRAWN = "withdrawn"
    #: Moved on on or before the promised day: the promise was not broken yet, so this
    #: says nothing of how the company replies (not counted as "never").
    MOVED_ON_EARLY = "moved_on_early"


class Timing(enum.StrEnum):
    """When a settled round's reply came, relative to the promise and the follow-up email."""

    BY_PROMISED_DAY = "by_promised_day"
    AFTER_WITHOUT_FOLLOW_UP = "after_without_follow_up"
    ONLY_AFTER_FOLLOW_UP = "only_after_follow_up"
    NEVER = "never"


@dataclass(frozen=True)
class Round:
    """One promise and what became of it; ``replied_on`` is ``None`` when there was no
    reply or when its day is not known (a spreadsheet that said "heard back" without one)."""

    promised: date
    emailed_on: date | None = None
    end: End = End.OPEN
    replied_on: date | None = None

    @property
    def timing(self) -> Timing | None:
        """``None`` for a round that is open, withdrawn, or replied on an unknown day."""
        if self.end is End.NEVER:
            return Timing.NEVER
        if self.end is not End.REPLIED or self.replied_on is None:
            return None
        if self.replied_on <= self.promised:
            return Timing.BY_PROMISED_DAY
        if self.emailed_on is not None and self.replied_on >= self.emailed_on:
            return Timing.ONLY_AFTER_FOLLOW_UP
        return Timing.AFTER_WITHOUT_FOLLOW_UP


@dataclass(frozen=True)
class Spread:
    """Business days from the promised day to the reply over ``n`` replies; the quartiles
    (``statistics.quantiles``, inclusive) need at least two values."""

    n: int
    median: float
    q1: float | None
    q3: float | None
    low: int
    high: int


@dataclass(frozen=True)
class Figures:
    """The figures of a set of interviews (all of them, or one company's)."""

    interviews: int
    by_status: Mapping[Status, int]
    by_outcome: Mapping[str, int]
    next_rounds: int
    #: Rounds that ended with a reply or with moving on.
    settled: int
    #: Settled rounds replied on a day not recorded: in ``settled``, not in ``by_timing``.
    reply_day_unknown: int
    open_rounds: int
    withdrawn_rounds: int
    by_timing: Mapping[Timing, int]
    business_days: Spread | None
    #: Rounds moved on from on or before the promised day: not in ``settled``.
    early_move_ons: int = 0

    @property
    def timed(self) -> int:
        """The settled rounds whose timing is known: the base of the shares."""
        return self.settled - self.reply_day_unknown

    def share(self, timing: Timing) -> float | None:
        return self.by_timing[timing] / self.timed if self.timed else None


@dataclass(frozen=True)
class CompanyFigures:
    """A company's figures, under its most recent spelling."""

    company: str
    figures: Figures


@dataclass(frozen=True)
class Stats:
    overall: Figures
    #: Only companies with more than one interview, by name.
    companies: tuple[CompanyFigures, ...]


@dataclass(frozen=True)
class _Place:
    country: str | None
    subdivision: str | None


def compute(
    records: Sequence[Record], calendar_of: Callable[[Placed], BusinessCalendar], zone: ZoneInfo
) -> Stats:
    """The figures of ``records`` (as :meth:`Tracker.records` gives them); ``calendar_of``
    gives an interview's business calendar (:meth:`Tracker.calendar`) and ``zone`` dates
    replies recorded without a day of their own."""
    rebuilt = [
        (
            record,
            rounds(record.events, zone, record.columns),
            calendar_of(_Place(record.columns.get("country"), record.columns.get("subdivision"))),
        )
        for record in records
    ]
    groups: dict[str, list[tuple[Record, list[Round], BusinessCalendar]]] = {}
    for item in rebuilt:
        groups.setdefault(name_key(item[0].columns["company"]), []).append(item)
    companies = []
    for key in sorted(groups):
        items = groups[key]
        if len(items) < 2:
            continue
        latest = max(items, key=lambda i: (i[0].columns["created_at"], i[0].columns["id"]))
        companies.append(
            CompanyFigures(" ".join(latest[0].columns["company"].split()), _figures(items))
        )
    return Stats(_figures(rebuilt), tuple(companies))


def rounds(
    events: Sequence[HistoryEntry], zone: ZoneInfo, columns: Mapping[str, Any] | None = None
) -> list[Round]:
    """An interview's rounds, rebuilt from its history in order.

    A change of the expected day (``edited``, an import) corrects the promise of the latest
    round, open or not. An interview whose history starts no round (a backup without
    history) gets one from its ``columns``, its reply day unknown.
    """
    done: list[Round] = []
    current: Round | None = None

    def promise(day: date) -> None:
        nonlocal current
        if current is not None:
            current = replace(current, promised=day)
        elif done:
            done[-1] = replace(done[-1], promised=day)
        else:
            current = Round(day)

    def close(end: End, replied_on: date | None = None) -> None:
        nonlocal current
        if current is not None:
            done.append(replace(current, end=end, replied_on=replied_on))
            current = None

    for event in events:
        details = event.details
        if event.kind in ("created", "edited", "imported"):
            promised = _day(details.get("reply_expected_on"))
            if promised is not None:
                promise(promised)
        if event.kind in ("emailed", "imported", "edited"):
            emailed = _day(details.get("on" if event.kind == "emailed" else "emailed_on"))
            if emailed is not None and current is not None:
                current = replace(current, emailed_on=emailed)
        if event.kind == "reopened" and current is None and done:
            current = replace(done.pop(), end=End.OPEN, replied_on=None)
        if event.kind in ("heard_back", "next_round"):
            close(End.REPLIED, _day(details.get("on")) or event.at.astimezone(zone).date())
            expect = _day(details.get("expect")) if event.kind == "next_round" else None
            if expect is not None:
                current = Round(expect)
        elif event.kind == "moved_on":
            day = _day(details.get("on")) or event.at.astimezone(zone).date()
            early = current is not None and day <= current.promised
            close(End.MOVED_ON_EARLY if early else End.NEVER)
        elif event.kind == "withdrawn":
            close(End.WITHDRAWN)
        elif event.kind == "imported":
            status = details.get("status")
            if status == Status.HEARD_BACK:
                close(End.REPLIED, _day(details.get("replied_on")))
            elif status == Status.MOVED_ON:
                close(End.NEVER)
            elif status == Status.WITHDRAWN:
                close(End.WITHDRAWN)
    if current is not None:
        done.append(current)
    if not done and columns is not None:
        done.append(_from_columns(columns))
    return done


def last_reply_day(events: Sequence[HistoryEntry], zone: ZoneInfo) -> date | None:
    """The day of the reply that ended the latest round, when it ended in one and the day
    is known: what a spreadsheet's "replied" column holds."""
    done = rounds(events, zone)
    return done[-1].replied_on if done and done[-1].end is End.REPLIED else None


def business_days(promised: date, replied: date, calendar: BusinessCalendar) -> int:
    """Signed business days from the promised day to the reply (see the module's text)."""
    low, high, sign = (promised, replied, 1) if replied >= promised else (replied, promised, -1)
    return sign * sum(
        1
        for n in range(1, (high - low).days + 1)
        if calendar.is_business_day(low + timedelta(days=n))
    )


def spread(values: Sequence[int]) -> Spread | None:
    if not values:
        return None
    q1 = q3 = None
    if len(values) >= 2:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return Spread(
        len(values),
        float(statistics.median(values)),
        None if q1 is None else float(q1),
        None if q3 is None else float(q3),
        min(values),
        max(values),
    )


def _figures(items: Sequence[tuple[Record, list[Round], BusinessCalendar]]) -> Figures:
    by_status = dict.fromkeys(Status, 0)
    by_outcome = dict.fromkeys(OUTCOMES, 0)
    by_timing = dict.fromkeys(Timing, 0)
    next_rounds = settled = unknown = still_open = withdrawn = early = 0
    days: list[int] = []
    for record, its_rounds, calendar in items:
        by_status[Status(record.columns["status"])] += 1
        if record.columns["outcome"] in by_outcome:
            by_outcome[record.columns["outcome"]] += 1
        next_rounds += sum(1 for e in record.events if e.kind == "next_round")
        for r in its_rounds:
            if r.end is End.OPEN:
                still_open += 1
            elif r.end is End.WITHDRAWN:
                withdrawn += 1
            elif r.end is End.MOVED_ON_EARLY:
                early += 1
            else:
                settled += 1
                timing = r.timing
                if timing is None:
                    unknown += 1
                else:
                    by_timing[timing] += 1
                if r.replied_on is not None:
                    days.append(business_days(r.promised, r.replied_on, calendar))
    return Figures(
        interviews=len(items),
        by_status=by_status,
        by_outcome=by_outcome,
        next_rounds=next_rounds,
        settled=settled,
        reply_day_unknown=unknown,
        open_rounds=still_open,
        withdrawn_rounds=withdrawn,
        by_timing=by_timing,
        business_days=spread(days),
        early_move_ons=early,
    )


def _from_columns(columns: Mapping[str, Any]) -> Round:
    status = Status(columns["status"])
    end = {
        Status.HEARD_BACK: End.REPLIED,
        Status.MOVED_ON: End.NEVER,
        Status.WITHDRAWN: End.WITHDRAWN,
    }.get(status, End.OPEN)
    return Round(columns["reply_expected_on"], columns.get("emailed_on"), end)


def _day(value: Any) -> date | None:
    """A day written in the history; anything but an ISO date counts as not written."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
