"""A pending reminder as a CalDAV task (an iCalendar ``VTODO``), and a task read back.

The alarm form. Each task carries ``DTSTART`` and ``DUE``, both at the reminder's instant,
and one ``VALARM`` (``ACTION:DISPLAY``) whose ``TRIGGER`` is that instant written absolutely
(``TRIGGER;VALUE=DATE-TIME:...Z``), rewritten whenever the reminder moves. An absolute
trigger depends on no other property, so no server or client has anything to resolve or to
lose: Synology drops ``TRIGGER;RELATED=END`` (tasks/tasks#1802), Cyrus never fires an alarm
of a task with ``DUE`` and no ``DTSTART`` (cyrus-imapd#6306), and RFC 5545 §3.6.6 leaves a
relative alarm meaningless once the property it relates to is gone (nextcloud/tasks#2743).
Tasks.org (through DAVx5 or its own CalDAV sync), Apple Reminders, Thunderbird and Evolution
all fire absolute alarms; the start and the due both being present lets every one of them
show the task at the right time even where alarms are switched off.

A task's ``UID`` is made from the interview and the reminder's kind (:func:`task_uid`): the
same reminder keeps its task when it moves (``SEQUENCE`` goes up), the email and the move-on
reminders are two tasks.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import NamedTuple

from followup.rules import Kind

PRODID = "-//followup//CalDAV reminders//EN"
_UID = re.compile(r"followup-(\d+)-(email|move_on)@followup")


class Task(NamedTuple):
    """What one pending reminder is on the task list: ``due`` is aware UTC."""

    uid: str
    interview_id: int
    kind: Kind
    summary: str
    description: str
    due: datetime


class Seen(NamedTuple):
    """A task of ours as the server holds it: ``ticked`` when it was ticked off
    (``STATUS:COMPLETED``, or a ``COMPLETED`` instant), ``completed`` (aware UTC) the
    instant its ``COMPLETED`` property gives, None when the client wrote none (then the
    moment the tick is learnt stands in for it: ``LAST-MODIFIED`` and ``DTSTAMP`` may be
    ours, from before the tick)."""

    uid: str
    interview_id: int
    kind: Kind
    summary: str
    description: str
    due: datetime | None
    sequence: int
    ticked: bool
    completed: datetime | None

    def matches(self, task: Task) -> bool:
        """Whether the server's copy already says what ``task`` says."""
        return (self.summary, self.description, self.due) == (
            task.summary,
            task.description,
            task.due,
        )


def task_uid(interview_id: int, kind: Kind) -> str:
    """The task's UID: one per interview and kind, never changing."""
    return f"followup-{interview_id}-{kind.value}@followup"


def parse_uid(uid: str) -> tuple[int, Kind] | None:
    """The interview and kind of one of our UIDs; None for any other task."""
    match = _UID.fullmatch(uid)
    return (int(match[1]), Kind(match[2])) if match else None


def short_day(day: date) -> str:
    """``Mon 23 Nov``: as a phone's list has room for."""
    return f"{day:%a} {day.day} {day:%b}"


def summary(kind: Kind, company: str, since: date | None) -> str:
    """The title the phone shows as it is: ``Email Acme: no reply since Mon 23 Nov``."""
    company = " ".join(company.split())
    when = f" since {short_day(since)}" if since is not None else ""
    if kind is Kind.EMAIL:
        return f"Email {company}: no reply{when}"
    return f"Move on from {company}: no reply{when} to your email"


def to_ical(task: Task, sequence: int, now: datetime) -> str:
    """The task as an iCalendar object (text); ``now`` (aware) stamps it."""
    from icalendar import Alarm, Calendar, Todo, vDatetime

    todo = Todo()
    todo.add("uid", task.uid)
    todo.add("dtstamp", now.astimezone(UTC))
    todo.add("summary", task.summary)
    todo.add("description", task.description)
    todo.add("dtstart", task.due)
    todo.add("due", task.due)
    todo.add("status", "NEEDS-ACTION")
    todo.add("sequence", sequence)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", task.summary)
    alarm["trigger"] = vDatetime(task.due)
    alarm["trigger"].params["VALUE"] = "DATE-TIME"
    todo.add_component(alarm)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add_component(todo)
    text: str = cal.to_ical().decode("utf-8")
    return text


def read(text: str) -> Seen | None:
    """Our task in an iCalendar object from the server; None when it holds none of ours
    (or cannot be read)."""
    from icalendar import Calendar

    try:
        cal = Calendar.from_ical(text)
    except ValueError:
        return None
    for todo in cal.walk("VTODO"):
        uid = str(todo.get("uid", ""))
        ours = parse_uid(uid)
        if ours is None:
            continue
        completed = _utc(todo.decoded("completed")) if todo.get("completed") else None
        ticked = str(todo.get("status", "")).upper() == "COMPLETED" or completed is not None
        due = _utc(todo.decoded("due")) if todo.get("due") is not None else None
        return Seen(
            uid,
            *ours,
            str(todo.get("summary", "")),
            str(todo.get("description", "")),
            due,
            int(todo.get("sequence", 0)),
            ticked,
            completed,
        )
    return None


def _utc(value: datetime | date) -> datetime:
    """An iCalendar instant as aware UTC (a floating one is read as UTC; a date as its
    midnight UTC)."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
