"""The calendar feed: every pending reminder and every promised reply day, as iCalendar.

A calendar application imports the file (``followup export --format ics``) or subscribes to
the one the daemon keeps current (``[export] ics_path``). It adds and updates events by
UID and never deletes one, so every event the feed ever held stays in it as long as a
calendar may hold it:

- each interview has two UIDs, made from its id, its creation time and what the event is
  (``reply-...``: the promised reply day; ``reminder-...``: its one reminder, to email or
  to move on); they never change;
- ``SEQUENCE`` is the number of changes in the interview's history, so every change
  outranks the versions sent before (RFC 5545 3.8.7.4): an email reminder becomes the
  move-on reminder under the same UID, a snoozed reminder moves;
- a reminder that ended (the interview was closed) stays as ``STATUS:CANCELLED``;
- a deleted interview's two events stay as ``STATUS:CANCELLED`` for
  :data:`~followup.lifecycle.service.TOMBSTONE_DAYS` after the deletion (the store keeps a
  tombstone: its id, creation time and a SEQUENCE one higher than any sent).

Nothing here reads the clock: the same store and config give the same bytes, so an
unchanged feed is never rewritten.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone

from followup.lifecycle.service import Tracker
from followup.notify.messages import reminder_body, reminder_title
from followup.records import Record, Tombstone
from followup.rules import Kind, Reminder, RuleSettings, Status, long_day
from followup.values import InterviewView

PRODID = "-//followup//followup//EN"
CALENDAR_NAME = "Interview follow-ups"
#: How long a reminder's event lasts: time enough to write a short email.
REMINDER_LENGTH = timedelta(minutes=15)
_UTC_ZONES = frozenset({"UTC", "Etc/UTC"})


def render_feed(tracker: Tracker) -> bytes:
    """The whole ``.ics`` file for the store ``tracker`` reads, in its config's time zone.

    Open interviews give their next reminder (shown already or not, so that it does not
    leave the calendar when it pops up) as a 15-minute event with an alarm at its start,
    closed ones the same UID cancelled; every interview, open or closed, gives its
    promised reply day as an all-day event; deleted ones give both UIDs cancelled.
    """
    return Feed().render(tracker)


class Feed:
    """The feed of one store, kept between renders so that a change re-serialises only the
    interviews it touched: serialising is most of the cost, and the daemon renders the feed
    after every change (bench/bench_feed.py)."""

    def __init__(self) -> None:
        self._events: dict[int, tuple[Hashable, bytes]] = {}

    def render(self, tracker: Tracker) -> bytes:
        zone, rules = tracker.config.calendar.zone, tracker.config.rules
        utc = zone.key in _UTC_ZONES
        views = {v.id: v for v in tracker.interviews(include_closed=True)}
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-calname", CALENDAR_NAME)
        years: list[int] = []
        events: dict[int, tuple[Hashable, bytes]] = {}
        records = tracker.records()
        for record in records:
            view = views.get(record.columns["id"])
            if view is None:  # added between the two reads: the next render has it
                continue
            reminder = view.next_reminder if view.status.is_open else None
            at = None
            if reminder is not None:
                at = reminder.at_utc if utc else reminder.at
                years += [at.year, (at + REMINDER_LENGTH).year]
            key = (record.columns["updated_at"], len(record.events), tracker.config.plan_key, at)
            cached = self._events.get(view.id)
            if cached is None or cached[0] != key:
                text = _reply_event(view, record).to_ical()
                if reminder is not None and at is not None:
                    text += _reminder_event(view, reminder, at, record, rules).to_ical()
                else:
                    text += _ended_reminder(view, record).to_ical()
                cached = (key, bytes(text))
            events[view.id] = cached
        self._events = events
        # An id freed by a deletion and taken again within the same second makes the same
        # UIDs: the live interview's events win.
        live = {uid("reply", r.columns["id"], r.columns["created_at"]) for r in records}
        gone = b"".join(
            _cancelled(t)
            for t in tracker.tombstones()
            if uid("reply", t.interview_id, t.created_at) not in live
        )
        if years and not utc:
            cal.add_component(_vtimezone(zone, min(years), max(years)))
        head, end = bytes(cal.to_ical()).rsplit(b"END:VCALENDAR", 1)
        return b"".join(
            [head, *(text for _key, text in events.values()), gone, b"END:VCALENDAR", end]
        )


def uid(what: str, interview_id: int, created: datetime) -> str:
    """The UID of an interview's event ``what`` ("reply" or "reminder"): it never changes."""
    return f"{what}-{interview_id}-{created.astimezone(UTC):%Y%m%dT%H%M%S}Z@followup"


def _stamped(record: Record, what: str) -> Event:
    """An event with what identifies and versions it: the UID never changes, the stamps and
    the sequence move with each change to the interview."""
    created: datetime = record.columns["created_at"].astimezone(UTC)
    updated: datetime = record.columns["updated_at"].astimezone(UTC)
    event = Event()
    event.add("uid", uid(what, record.columns["id"], created))
    event.add("dtstamp", updated.replace(microsecond=0))
    event.add("created", created.replace(microsecond=0))
    event.add("last-modified", updated.replace(microsecond=0))
    event.add("sequence", len(record.events))
    return event


def _reply_event(v: InterviewView, record: Record) -> Event:
    day = v.reply_expected_on
    said = f"{v.company} said they would reply by {long_day(day)}."
    event = _stamped(record, "reply")
    event.add("summary", f"{v.company} said they would reply" + _role(v))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("description", "\n".join([said, f"Status: {_status(v)}", *_about(v)]))
    event.add("transp", "TRANSPARENT")
    return event


def _reminder_event(
    v: InterviewView, r: Reminder, at: datetime, record: Record, rules: RuleSettings
) -> Event:
    if r.kind is Kind.EMAIL:
        summary = f"Email {v.company} to follow up"
    else:
        summary = f"Move on from {v.company}"
    body = reminder_body(v, r.kind, rules, markup=False)
    event = _stamped(record, "reminder")
    event.add("summary", summary + _role(v))
    event.add("status", "CONFIRMED")
    event.add("dtstart", at)
    event.add("dtend", at + REMINDER_LENGTH)
    event.add("description", "\n".join([body, "", *_about(v)]))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", reminder_title(r.kind, v.company))
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    return event


def _ended_reminder(v: InterviewView, record: Record) -> Event:
    """The reminder of an interview that has none any more, cancelled: a calendar that
    imported it while it was pending drops it (or shows it struck through). It is dated
    when the interview last changed."""
    updated: datetime = record.columns["updated_at"].astimezone(UTC).replace(microsecond=0)
    event = _stamped(record, "reminder")
    event.add("summary", f"No more reminders: {v.company}" + _role(v))
    event.add("status", "CANCELLED")
    event.add("dtstart", updated)
    event.add("dtend", updated + REMINDER_LENGTH)
    event.add("description", f"Status: {_status(v)}")
    event.add("transp", "TRANSPARENT")
    return event


def _cancelled(t: Tombstone) -> bytes:
    """Both events of a deleted interview, cancelled; dated at the deletion, and naming
    nothing of what was deleted."""
    deleted = t.deleted_at.astimezone(UTC).replace(microsecond=0)
    out = b""
    for what in ("reply", "reminder"):
        event = Event()
        event.add("uid", uid(what, t.interview_id, t.created_at))
        event.add("dtstamp", deleted)
        event.add("last-modified", deleted)
        event.add("sequence", t.sequence)
        event.add("status", "CANCELLED")
        event.add("summary", "Deleted interview")
        event.add("dtstart", deleted)
        event.add("dtend", deleted + REMINDER_LENGTH)
        event.add("transp", "TRANSPARENT")
        out += event.to_ical()
    return out


def _role(v: InterviewView) -> str:
    return f" ({v.role})" if v.role else ""


def _status(v: InterviewView) -> str:
    r = v.next_reminder
    if v.status is Status.WAITING:
        text = "waiting for their reply"
    elif v.status is Status.EMAILED:
        emailed = long_day(v.emailed_on) if v.emailed_on else "-"
        text = f"emailed them on {emailed}, waiting for their reply"
    else:
        return v.status.value.replace("_", " ") + (f" ({v.outcome})" if v.outcome else "")
    if r is None:
        return text
    what = "email" if r.kind is Kind.EMAIL else "move-on"
    return f"{text} ({what} reminder on {long_day(r.day)})"


def _about(v: InterviewView) -> Iterator[str]:
    if v.role:
        yield f"Role: {v.role}"
    contact = v.contact_name or ""
    if v.contact_email:
        contact = f"{contact} <{v.contact_email}>".strip()
    if contact:
        yield f"Contact: {contact}"
    if v.notes:
        yield f"Notes: {v.notes}"
    yield f"Details: followup show {v.id}"


@lru_cache(maxsize=8)
def _vtimezone(zone: ZoneInfo, first_year: int, last_year: int) -> Timezone:
    """The zone's rules over the years the reminders fall in (building it takes a while,
    and the daemon writes the feed after every change)."""
    return Timezone.from_tzinfo(
        zone, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )
