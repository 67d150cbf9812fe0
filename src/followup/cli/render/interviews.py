"""What the commands about interviews say: the tables of ``list`` and ``upcoming``, one
interview as ``show`` prints it, its history, and what each change records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from followup.cli.render.text import (
    due_since,
    reminder_text,
    short_when,
    status_words,
    table,
    when,
)
from followup.lifecycle.validation import visible
from followup.rules import Kind, Reminder, RuleSettings, Status, long_day
from followup.values import Due, HistoryEntry, InterviewView


def interview_table(
    views: Sequence[InterviewView],
    now: datetime,
    *,
    colour: bool = False,
    filtered: bool = False,
) -> str:
    """Interviews whose reminder is due at ``now`` first (shown or not; marked, and
    highlighted with ``colour``), then the others in id order."""
    if not views:
        return "No interviews match." if filtered else "No interviews."
    ordered = sorted(views, key=lambda v: v.due_since_by(now) is None)
    rows = []
    for v in ordered:
        since = v.due_since_by(now)
        reminder = reminder_text(v.next_reminder)
        if since is not None and v.next_reminder is not None:
            reminder = f"{due_since(since, now)}: {Kind(v.next_reminder.kind).label}"
        rows.append((str(v.id), v.company, v.role or "-", status_words(v), reminder))
    marked = [i for i, v in enumerate(ordered) if v.due_since_by(now) is not None] if colour else []
    return table(("ID", "COMPANY", "ROLE", "STATUS", "NEXT REMINDER"), rows, {1: 28, 2: 28}, marked)


def id_candidates(views: Sequence[InterviewView]) -> str:
    """What shell completion offers for an interview's id, a line each, value and
    description split by a tab: every id with its company, then every company name once,
    with its id or ids (commands take either). Tabs and line breaks in a name become
    spaces."""
    lines = []
    ids_of: dict[str, list[int]] = {}
    for v in views:
        name = " ".join(v.company.split())
        lines.append(f"{v.id}\t{name}")
        ids_of.setdefault(name, []).append(v.id)
    for name, ids in ids_of.items():
        which = f"interview {ids[0]}" if len(ids) == 1 else f"interviews {', '.join(map(str, ids))}"
        lines.append(f"{name}\t{which}")
    return "".join(f"{line}\n" for line in lines)


def upcoming_table(due: Sequence[Due], now: datetime, *, colour: bool = False) -> str:
    """Reminders due at ``now`` first (shown or not: ``Tracker.upcoming``'s order, those
    never shown moved up after those shown), marked, and highlighted with ``colour``; each
    with when it is shown (again)."""
    if not due:
        return "No reminders pending."
    due = sorted(due, key=lambda d: not d.due_by(now))
    rows = []
    for d in due:
        what = Kind(d.kind).label
        if d.due_by(now):
            first = due_since(d.first_due, now)
            what += f"; shown again {short_when(d.at)}" if d.is_due and d.again else ""
            rows.append((first, str(d.interview_id), d.company, what))
        else:
            rows.append((when(d.at), str(d.interview_id), d.company, what))
    marked = [i for i, d in enumerate(due) if d.due_by(now)] if colour else []
    return table(("WHEN", "ID", "COMPANY", "REMINDER"), rows, {2: 40}, marked)


def interview_text(
    v: InterviewView,
    zone: ZoneInfo,
    now: datetime,
    promise: str | None = None,
    ignored: tuple[str, str | None, tuple[str, ...]] | None = None,
) -> str:
    """One interview as ``show`` and ``edit`` print it: its fields, how the words of its
    promise were read (``promise``, a line of :mod:`followup.cli.render.promises`), the next
    reminder (in ``zone``, and what to do when an email is due at ``now``), and how its
    date was reached. ``ignored``: the place's country, subdivision and the holiday
    categories left out of its calendar because the country does not have them."""
    title = visible(f"#{v.id}  {v.company}" + (f" - {v.role}" if v.role else ""))
    contact = v.contact_name or ""
    if v.contact_email:
        contact = f"{contact} <{v.contact_email}>".strip()
    status = Status(v.status).label + (f" ({v.outcome})" if v.outcome else "")
    lines = [title, ""]
    for label, value in (
        ("Status", status),
        ("Contact", contact or None),
        ("Interviewed", long_day(v.interviewed_on) if v.interviewed_on else None),
        ("Reply expected", long_day(v.reply_expected_on)),
        ("Promised as", promise),
        ("Emailed", long_day(v.emailed_on) if v.emailed_on else None),
        (
            "Calendar",
            (v.country + (f"-{v.subdivision}" if v.subdivision else "")) if v.country else None,
        ),
        ("Categories", ignored_categories_text(*ignored) if ignored and ignored[2] else None),
        ("Notes", v.notes),
    ):
        if value:
            lines.append(f"{label + ':':<16}{visible(value, keep_newlines=label == 'Notes')}")
    if v.next_reminder is not None:
        state = f" (shown {when(v.shown_at.astimezone(zone))})" if v.shown_at else ""
        lines.append(f"{'Next reminder:':<16}{reminder_text(v.next_reminder)}{state}")
        if v.next_reminder.kind is Kind.EMAIL and v.next_reminder.at <= now:
            lines.append(f"{'':<16}It is time to email them; a polite draft: followup draft {v.id}")
    if v.explanation:
        lines += ["", "How this date was reached:"] + [f"  {line}" for line in v.explanation]
    return "\n".join(lines)


def ignored_categories_text(country: str, subdivision: str | None, ignored: tuple[str, ...]) -> str:
    """The line naming the holiday categories a place's country does not have (see
    :func:`followup.business_days.left_out_text`)."""
    from followup.business_days import left_out_text

    return left_out_text(country, subdivision, ignored)


_DATE_LABELS = {
    "expected": "Reply expected on",
    "interviewed": "Interviewed on",
    "emailed": "Emailed on",
    "replied": "Replied on",
    "moved on": "Moved on",
    "withdrew": "Withdrew on",
}


def year_assumed(what: str, day: date) -> str:
    """The line saying which year a date typed without one was given ("expected",
    "interviewed", "emailed", "replied", "moved on", "withdrew")."""
    return f"{_DATE_LABELS[what]} {long_day(day)} (year assumed)"


def long_past_promise(day: date, today: date) -> str:
    """The warning for a promised reply day long past: allowed, but its reminder is due."""
    return (
        f"the reply was promised for {long_day(day)}, {(today - day).days} days ago: "
        "its reminder is already due"
    )


def added_text(v: InterviewView, now: datetime) -> str:
    """What ``add`` says: when the reminder comes, or that it is due now when its day has
    passed (an interview recorded late)."""
    lines = [f"Added interview {v.id}: {v.company}."]
    r = v.next_reminder
    if r is not None and r.at <= now:
        lines.append(
            f"If you have not heard back, it is time to email them: the reminder is due now "
            f"(since {when(r.at)}). A polite draft: followup draft {v.id}"
        )
    elif r is not None:
        lines.append(f"If you have not heard back, you will be reminded to email on {when(r.at)}.")
    return "\n".join(lines)


def reopened_text(v: InterviewView, now: datetime) -> str:
    """What ``reopen`` says: the status the interview is back to, and its next reminder."""
    lines = [f"Reopened interview {v.id}: {v.company} is {status_words(v)} again."]
    r = v.next_reminder
    if r is not None:
        due = " (due now)" if r.at <= now else ""
        lines.append(f"Next reminder: {reminder_text(r)}{due}.")
    return "\n".join(lines)


def emailed_early(on: date, expected: date, rules: RuleSettings) -> str:
    """The one-line note for an email sent on or before the promised reply day."""
    return (
        f"recorded, but that is not after the promised reply day ({long_day(expected)}): "
        f"the advice is to wait until more than {rules.email_after_business_days} business "
        "days have passed after it before emailing"
    )


def history_text(entries: Sequence[HistoryEntry], zone: ZoneInfo) -> str:
    """One line per change, oldest first: its time in ``zone`` to the minute, its kind and
    its details as ``key=value``."""
    lines = []
    for e in entries:
        details = ", ".join(f"{k}={v}" for k, v in e.details.items())
        stamp = e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        lines.append(f"{stamp}  {e.kind:<11} {details}".rstrip())
    return "\n".join(lines)


def emailed_text(
    v: InterviewView, on: date, now: datetime, replaced: date | None = None, *, again: bool = False
) -> str:
    """What ``emailed`` says: the day recorded (and the one it ``replaced``, for a second
    ``emailed``; that nothing changed when the same email was recorded ``again``), and
    when moving on comes without a reply: in the past tense when that is before ``now``
    (an email recorded late)."""
    lines = [f"Recorded: emailed {v.company} on {long_day(on)}."]
    if again:
        lines[0] = f"Already recorded: emailed {v.company} on {long_day(on)}; nothing changed."
    elif replaced is not None:
        lines[0] = (
            f"Recorded: emailed {v.company} on {long_day(on)}, replacing the email "
            f"recorded on {long_day(replaced)}."
        )
    r = v.next_reminder
    if r is not None and r.at <= now:
        lines.append(
            f"With no reply since, it was time to move on from {when(r.at)}: "
            f"followup moved-on {v.id}, or snooze it."
        )
    elif r is not None:
        lines.append(f"If there is no reply, you will be told on {when(r.at)} to move on.")
    return "\n".join(lines)


def heard_text(v: InterviewView, now: datetime) -> str:
    """What ``heard`` says: the next round's reminder (due now when its day has passed: a
    next round recorded late), or that reminders end."""
    r = v.next_reminder
    if r is not None and r.at <= now:
        return (
            f"Recorded: next round with {v.company}. With no reply since, it is time to email "
            f"them: the reminder is due now (since {when(r.at)}). A polite draft: "
            f"followup draft {v.id}"
        )
    if r is not None:
        return (
            f"Recorded: next round with {v.company}. Reminder to email if no reply: {when(r.at)}."
        )
    return f"Recorded: heard back from {v.company} ({v.outcome}). No more reminders."


def moved_on_text(v: InterviewView) -> str:
    """What ``moved-on`` says."""
    return f"Recorded: moved on from {v.company}. No more reminders."


def withdrawn_text(v: InterviewView) -> str:
    """What ``withdraw`` says."""
    return f"Recorded: withdrew from {v.company}. No more reminders."


def snoozed_text(company: str, reminder: Reminder) -> str:
    """What ``snooze`` says: the company's reminder as pushed back."""
    return f"Snoozed {company}: {reminder_text(reminder)}."


def no_company(text: str) -> str:
    """The error for a company name no interview's starts with."""
    return f"no interview with id or company {visible(repr(text))} (see: followup list --all)"


def ambiguous_company(text: str, candidates: Sequence[tuple[int, str]]) -> str:
    """The error for a company name several interviews' start with, naming them."""
    listed = ", ".join(f"{number} ({visible(company)})" for number, company in candidates)
    return f"{visible(repr(text))} names several interviews: {listed}; give the id"


def duplicate_warning(company: str, ids: Sequence[int]) -> str:
    """The warning ``add`` gives for an interview like one stored already."""
    listed = ", ".join(str(i) for i in ids)
    which = "interviews" if len(ids) > 1 else "interview"
    return (
        f"{visible(company)} with the same role and promised day is stored already as "
        f"{which} {listed}; added anyway (followup delete ID --yes to undo)"
    )


def delete_needs_yes(interview_id: int) -> str:
    """Why ``delete`` without ``--yes`` did nothing."""
    return f"deleting interview {interview_id} cannot be undone: add --yes"


def deleted_text(interview_id: int) -> str:
    """What ``delete`` says once the interview and its history are gone."""
    return f"Deleted interview {interview_id}."
