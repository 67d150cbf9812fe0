"""Every way the CLI shows data: readable tables and text, and the JSON shapes tools rely on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from followup.lifecycle.validation import visible
from followup.rules import Kind, Reminder, RuleSettings, long_day

if TYPE_CHECKING:
    from followup.config import Config
    from followup.daemon.state import DaemonState
    from followup.mail.check import CheckResult
    from followup.mail.drafting import Draft
    from followup.mail.lint import Finding
    from followup.places import CountryEntry
    from followup.stats import Figures, Stats
    from followup.store.findings import Finding as MailFinding
    from followup.transfer.exporter import Export
    from followup.transfer.importer import ImportReport, RowReport
    from followup.transfer.spreadsheet.sheet import Sheet
from followup.values import Due, HistoryEntry, InterviewView, LastShown, MachineShown

KIND_WORDS = {Kind.EMAIL: "email", Kind.MOVE_ON: "move on"}


def to_json(value: Any) -> str:
    import json

    return json.dumps(value, indent=2, ensure_ascii=False)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def reminder_json(reminder: Reminder | None) -> dict[str, str] | None:
    if reminder is None:
        return None
    return {"kind": reminder.kind.value, "at": reminder.at.isoformat()}


def interview_json(v: InterviewView) -> dict[str, Any]:
    return {
        "id": v.id,
        "company": v.company,
        "role": v.role,
        "contact_name": v.contact_name,
        "contact_email": v.contact_email,
        "interviewed_on": _iso(v.interviewed_on),
        "reply_expected_on": _iso(v.reply_expected_on),
        "emailed_on": _iso(v.emailed_on),
        "status": v.status.value,
        "outcome": v.outcome,
        "country": v.country,
        "subdivision": v.subdivision,
        "notes": v.notes,
        "next_reminder": reminder_json(v.next_reminder),
        "explanation": list(v.explanation),
    }


def draft_json(draft: Draft) -> dict[str, Any]:
    return {"to": draft.to, "subject": draft.subject, "body": draft.body}


def finding_json(f: Finding) -> dict[str, Any]:
    return {
        "line": f.line,
        "column": f.column,
        "category": f.category,
        "phrase": f.phrase,
        "suggestion": f.suggestion,
    }


def due_json(d: Due) -> dict[str, Any]:
    """``{"interview_id", "company", "kind", "at", "due", "shown_at"}``: ``at`` is when it
    is shown next (for one shown and not to be shown again, when it first came due);
    ``due`` is true for one shown and not acted on, and ``shown_at`` when it was last shown
    (else null)."""
    return {
        "interview_id": d.interview_id,
        "company": d.company,
        "kind": d.kind.value,
        "at": d.at.isoformat(),
        "due": d.is_due,
        "shown_at": d.shown_at.astimezone(d.at.tzinfo).isoformat() if d.shown_at else None,
    }


def when(at: datetime) -> str:
    return f"{at:%a} {at.day} {at:%b %Y %H:%M %Z}"


def reminder_text(reminder: Reminder | None) -> str:
    if reminder is None:
        return "-"
    return f"{KIND_WORDS[reminder.kind]}, {when(reminder.at)}"


#: Highlight for reminders due since shown (bold yellow), and the reset after it.
HIGHLIGHT, RESET = "\x1b[1;33m", "\x1b[0m"


class Safe(str):
    """Terminal text whose user data was already made :func:`visible` cell by cell, so
    that the only escape sequences left in it are render's own (the highlight): printed as
    it is, where any other text is made visible whole."""


def text_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: two for a wide (CJK) character, none for a
    combining mark (``wcwidth``, from the Unicode tables); a control character counts one.
    Printable ASCII is one column a character, which ``wcwidth`` is not loaded to say."""
    if text.isascii() and text.isprintable():
        return len(text)
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text)


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths: Mapping[int, int],
    highlight: Iterable[int] = (),
) -> str:
    """Left-aligned columns, measured in terminal columns (wide characters count two);
    columns named in ``widths`` are cut to that many columns. Rows whose index (from 0,
    headers not counted) is in ``highlight`` are wrapped in :data:`HIGHLIGHT`."""
    cells = [list(headers)]
    for row in rows:
        shown = [visible(c) for c in row]  # a stored line break must not fake a row
        cells.append(
            [
                c if text_width(c) <= widths.get(i, text_width(c)) else _cut(c, widths[i])
                for i, c in enumerate(shown)
            ]
        )
    sizes = [max(text_width(r[i]) for r in cells) for i in range(len(headers))]
    marked = {i + 1 for i in highlight}
    lines = []
    for n, r in enumerate(cells):
        line = "  ".join(c + " " * (size - text_width(c)) for c, size in zip(r, sizes, strict=True))
        line = line.rstrip()
        lines.append(f"{HIGHLIGHT}{line}{RESET}" if n in marked else line)
    return Safe("\n".join(lines))


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns, its last one an ellipsis."""
    out = ""
    for char in text:
        if text_width(out + char) > width - 1:
            break
        out += char
    return out + "…"


def status_words(v: InterviewView) -> str:
    """The status as people say it, with the outcome: "heard back (offer)"."""
    return v.status.label + (f" ({v.outcome})" if v.outcome else "")


def due_since(at: datetime) -> str:
    return f"due since {at:%a} {at.day} {at:%b}"


def interview_table(
    views: Sequence[InterviewView], *, colour: bool = False, filtered: bool = False
) -> str:
    """Interviews whose reminder is due since shown first (marked, and highlighted with
    ``colour``), then the others in id order."""
    if not views:
        return "No interviews match." if filtered else "No interviews."
    ordered = sorted(views, key=lambda v: v.due_since is None)
    rows = []
    for v in ordered:
        since = v.due_since
        reminder = reminder_text(v.next_reminder)
        if since is not None and v.next_reminder is not None:
            reminder = f"{due_since(since)}: {KIND_WORDS[v.next_reminder.kind]}"
        rows.append((str(v.id), v.company, v.role or "-", status_words(v), reminder))
    marked = [i for i, v in enumerate(ordered) if v.due_since is not None] if colour else []
    return table(("ID", "COMPANY", "ROLE", "STATUS", "NEXT REMINDER"), rows, {1: 28, 2: 28}, marked)


def upcoming_table(due: Sequence[Due], *, colour: bool = False) -> str:
    """Reminders due since shown first (``Tracker.upcoming``'s order), marked, and
    highlighted with ``colour``; each with when it is shown (again)."""
    if not due:
        return "No reminders pending."
    rows = []
    for d in due:
        what = KIND_WORDS[d.kind]
        if d.since is not None:
            first = due_since(d.since)
            what += f"; shown again {_short_when(d.at)}" if d.again else ""
            rows.append((first, str(d.interview_id), d.company, what))
        else:
            rows.append((when(d.at), str(d.interview_id), d.company, what))
    marked = [i for i, d in enumerate(due) if d.is_due] if colour else []
    return table(("WHEN", "ID", "COMPANY", "REMINDER"), rows, {2: 40}, marked)


def _short_when(at: datetime) -> str:
    return f"{at:%a} {at.day} {at:%b %H:%M}"


def interview_text(v: InterviewView, zone: ZoneInfo, now: datetime) -> str:
    title = visible(f"#{v.id}  {v.company}" + (f" - {v.role}" if v.role else ""))
    contact = v.contact_name or ""
    if v.contact_email:
        contact = f"{contact} <{v.contact_email}>".strip()
    status = v.status.value.replace("_", " ") + (f" ({v.outcome})" if v.outcome else "")
    lines = [title, ""]
    for label, value in (
        ("Status", status),
        ("Contact", contact or None),
        ("Interviewed", long_day(v.interviewed_on) if v.interviewed_on else None),
        ("Reply expected", long_day(v.reply_expected_on)),
        ("Emailed", long_day(v.emailed_on) if v.emailed_on else None),
        (
            "Calendar",
            (v.country + (f"-{v.subdivision}" if v.subdivision else "")) if v.country else None,
        ),
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


_DATE_LABELS = {
    "expected": "Reply expected on",
    "interviewed": "Interviewed on",
    "emailed": "Emailed on",
    "replied": "Replied on",
}


def year_assumed(what: str, day: date) -> str:
    """The line saying which year a date typed without one was given ("expected",
    "interviewed", "emailed", "replied")."""
    return f"{_DATE_LABELS[what]} {long_day(day)} (year assumed)"


def long_past_promise(day: date, today: date) -> str:
    """The warning for a promised reply day long past: allowed, but its reminder is due."""
    return (
        f"the reply was promised for {long_day(day)}, {(today - day).days} days ago: "
        "its reminder is already due"
    )


def long_past_rows(lines: Sequence[int]) -> str:
    """The one warning for an imported sheet's rows promising a reply day long past."""
    from followup.dates import PAST_PROMISE_WARNING_DAYS

    shown = ", ".join(str(n) for n in lines[:10]) + (", ..." if len(lines) > 10 else "")
    rows = "row promises" if len(lines) == 1 else "rows promise"
    return (
        f"{len(lines)} {rows} a reply day more than {PAST_PROMISE_WARNING_DAYS} days ago "
        f"(line {shown}): "
        "their reminders are already due"
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


def unsigned_draft(path: Path) -> str:
    return (
        "the draft ends with [your name]: set your name with followup init --name NAME, "
        f"or [you] name in {path}"
    )


#: What ``lint`` says on a terminal before it waits for the email's text.
LINT_WAITING = (
    "Paste or type the email, then press Ctrl-D on a line of its own "
    "(or give a file: followup lint FILE)."
)


def next_steps(country: str | None, name: str | None, *, service: bool) -> str:
    """What ``init`` prints after writing the config: the commands that come next, and
    only a way of running the daemon that can work on this machine."""
    lines = ["Next steps:"]
    if country is None:
        lines.append("  set your country for its holidays: calendar.country in the file")
    if name is None:
        lines.append("  set your name for drafted emails: you.name in the file")
    lines += [
        "  followup add COMPANY --expect DATE   record an interview (dates: followup help dates)",
        "  followup list                        your interviews",
    ]
    if service:
        lines.append("  followup install-service             reminders as desktop notifications")
    else:
        lines += [
            "  followup install-service --autostart reminders as desktop notifications from "
            "your next login",
            "  followup daemon                      the same, now (no systemd user manager here)",
        ]
    return "\n".join(lines)


def overview(path: Path, exists: bool) -> str:
    """``followup`` with no command."""
    where = str(path) if exists else f"{path} (not written yet: followup init)"
    return "\n".join(
        [
            "followup tells you when to email after a job interview, and when to move on.",
            "",
            "Start with:",
            "  followup init --country CC --name NAME   write your config",
            "  followup add COMPANY --expect DATE       record an interview",
            "  followup list                            your open interviews",
            "  followup upcoming                        reminders due and to come",
            "  followup emailed ID                      you sent the follow-up email",
            "",
            f"Config: {where}",
            "More: followup --help (every command), followup COMMAND --help, followup help dates",
        ]
    )


#: ``followup help dates``: every form :mod:`followup.dates` reads.
DATE_FORMS = """\
How dates may be written (DATE in --expect, --interviewed, --on, --emailed):

  2026-11-24                 ISO: always year, month, day
  today, yesterday, tomorrow
  friday, fri                a weekday: the next one for --expect, the last one otherwise
  Nov 24, 24 November 2026   month names (English), with or without a year
  24/11/2026, 24.11.26       numeric dates in your order (calendar.date_order; by
  11-24-2026, 2026/11/24     default your country's: GB day first, US month first,
                             CN/JP/KR/HU year first), with / . - or spaces between

A numeric date that makes no day in your order is refused, naming the day it would be
the other way round; it is never read the other way silently. A year written first with
four digits is always year, month, day. A two-digit year is the one nearest today.
Without a year, --expect takes the next such day from today, and --interviewed, --on and
--emailed the most recent one; the output says which year it took."""


def history_text(entries: Sequence[HistoryEntry], zone: ZoneInfo) -> str:
    lines = []
    for e in entries:
        details = ", ".join(f"{k}={v}" for k, v in e.details.items())
        stamp = e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        lines.append(f"{stamp}  {e.kind:<11} {details}".rstrip())
    return "\n".join(lines)


def history_json(entries: Sequence[HistoryEntry]) -> list[dict[str, Any]]:
    return [{"at": e.at.isoformat(), "kind": e.kind, "details": dict(e.details)} for e in entries]


def to_do(kind: Kind | str, company: str) -> str:
    """What a reminder asks: "email Acme", "move on from Acme"."""
    return f"email {company}" if Kind(kind) is Kind.EMAIL else f"move on from {company}"


def status_json(
    state: DaemonState | None,
    due: Sequence[Due],
    last: LastShown | None,
    shown_on: Sequence[MachineShown] = (),
    here: str | None = None,
) -> dict[str, Any]:
    """``status --json``; ``shown_on`` is each machine's last showing, newest first, and
    ``here`` this machine's id (None when it never showed a reminder)."""
    return {
        "running": state is not None,
        "pid": state["pid"] if state else None,
        "since": state["started_at"] if state else None,
        "next_reminder": due_json(due[0]) if due else None,
        "last_shown": {
            "interview_id": last.interview_id,
            "company": last.company,
            "kind": last.kind,
            "shown_at": last.shown_at.isoformat(),
        }
        if last
        else None,
        "shown_on": [
            {
                "machine_id": m.machine_id,
                "machine": m.machine_name,
                "this_machine": m.machine_id == here,
                "interview_id": m.interview_id,
                "company": m.company,
                "kind": m.kind,
                "shown_at": m.shown_at.isoformat(),
            }
            for m in shown_on
        ],
        "last_error": state["last_error"] if state else None,
        "last_error_at": state["last_error_at"] if state else None,
        "reload_error": state["reload_error"] if state else None,
        "reload_error_at": state["reload_error_at"] if state else None,
        "store_error": state["store_error"] if state else None,
        "mail_checked_at": state["mail_checked_at"] if state else None,
        "mail_error": state["mail_error"] if state else None,
        "mail_error_at": state["mail_error_at"] if state else None,
    }


def status_text(
    state: DaemonState | None,
    due: Sequence[Due],
    last: LastShown | None,
    config: Config,
    now: datetime,
    *,
    service: bool = True,
    shown_on: Sequence[MachineShown] = (),
    here: str | None = None,
) -> str:
    """The daemon, the next reminder and the last one shown, then the machines that showed
    reminders (``shown_on``, each with its last one; ``here`` is this machine's id, marked).
    A daemon not running is offered the way to start it that can work here: the user
    service when a systemd user manager runs (``service``), else the XDG autostart entry or
    ``followup daemon``."""
    zone = config.calendar.zone
    if due:
        d = due[0]
        upcoming = f"{to_do(d.kind, d.company)} (interview {d.interview_id}), {when(d.at)}"
        if d.since is not None:
            upcoming = f"{to_do(d.kind, d.company)} (interview {d.interview_id}), " + due_since(
                d.since
            )
        elif d.at <= now:
            window = f"{config.notify.at:%H:%M}-{config.notify.until:%H:%M}"
            upcoming += f"; due, shown within the {window} window"
    else:
        upcoming = "none pending"
    if last:
        shown_at = when(last.shown_at.astimezone(zone))
        recent = f"{to_do(last.kind, last.company)} (interview {last.interview_id}), {shown_at}"
    else:
        recent = "none yet"
    running, *problems = daemon_lines(state, service=service)
    lines = [running, f"next reminder:  {upcoming}", f"last shown:     {recent}"]
    lines += shown_on_lines(shown_on, here, zone)
    lines += problems
    if state and state["store_error"]:
        lines.append(f"store:          {state['store_error']}; retrying with backoff")
    if state and config.mail is not None:
        lines.append(f"mailbox:        {mail_status(state)}")
    return "\n".join(lines)


def shown_on_lines(shown_on: Sequence[MachineShown], here: str | None, zone: ZoneInfo) -> list[str]:
    """``shown on:`` and one line per machine: its name, short id (marked when it is this
    machine) and the reminder it showed last, with when; nothing when none showed any."""
    from followup.machine import SHORT_ID

    lines = []
    for i, m in enumerate(shown_on):
        label = "shown on:" if i == 0 else ""
        mark = ", this machine" if m.machine_id == here else ""
        machine = f"{m.machine_name} ({m.machine_id[:SHORT_ID]}{mark})"
        what = f"{to_do(m.kind, m.company)} (interview {m.interview_id})"
        lines.append(f"{label:<16}{machine}: {what}, {when(m.shown_at.astimezone(zone))}")
    return lines


def daemon_lines(state: DaemonState | None, *, service: bool) -> list[str]:
    """Whether the daemon runs, then its last delivery error and a failed reload: what
    ``followup status`` can say without the config (which may be the thing that is broken)."""
    if state is None and service:
        return ["daemon:         not running (start it: followup install-service)"]
    if state is None:
        return [
            "daemon:         not running (no systemd user manager here: followup "
            "install-service --autostart starts it at login, followup daemon now)"
        ]
    lines = [f"daemon:         running (pid {state['pid']}, since {state['started_at']})"]
    if state["last_error"]:
        lines.append(f"last error:     {state['last_error']} ({state['last_error_at']})")
    if state["reload_error"]:
        lines.append(
            f"reload failed:  {state['reload_error']} ({state['reload_error_at']}); "
            "running with the previous config"
        )
    return lines


def mail_status(state: DaemonState) -> str:
    """The daemon's mailbox checks, for ``followup status``."""
    if state["mail_error"]:
        tries = f"{state['mail_failures']} tr{'y' if state['mail_failures'] == 1 else 'ies'}"
        return (
            f"{state['mail_error']} (since {state['mail_error_at']}); retrying with backoff "
            f"({tries} so far)"
        )
    if state["mail_checked_at"] is None:
        return "not checked yet"
    idle = (
        f"; new mail in {state['mail_idle']} noticed at once (IDLE)" if state["mail_idle"] else ""
    )
    return f"checked {state['mail_checked_at']}{idle}"


# -- export and import ---------------------------------------------------------------------


def exported_text(export: Export, path: str, written: bool) -> str:
    what = f"{export.count} {export.noun if export.count != 1 else export.noun[:-1]}"
    if not written:
        return f"{path} is already up to date: {what} ({export.format})."
    return f"Wrote {what} to {path} ({export.format})."


_STATUS_WORDS = {
    "waiting": "waiting",
    "emailed": "emailed",
    "heard_back": "heard back",
    "moved_on": "moved on",
    "withdrawn": "withdrawn",
}


_ENCODING_NAMES = {
    "utf_8": "UTF-8",
    "utf_16_le": "UTF-16LE",
    "utf_16_be": "UTF-16BE",
    "cp1252": "Windows-1252 (cp1252)",
}


def encoding_name(encoding: str, bom: bool) -> str:
    """ "UTF-8 with a byte-order mark" for ("utf_8", True)."""
    name = _ENCODING_NAMES.get(encoding, encoding)
    return name + (" with a byte-order mark" if bom else "")


def import_text(report: ImportReport) -> str:
    """The encoding and column mapping (a spreadsheet), what was read another way or
    assumed, one line per interview of the file, and the sum."""
    from followup.dates import ORDER_WORDS

    lines = []
    sheet = report.sheet
    if sheet is not None:
        lines.append(f"Encoding: {encoding_name(sheet.encoding, sheet.bom)}")
    if report.columns is not None:
        mapped = ", ".join(f"{header!r} -> {column}" for header, column in report.columns)
        ignored = ", ".join(repr(h) for h in report.ignored)
        lines.append(f"Columns: {mapped}" + (f"; ignored: {ignored}" if ignored else ""))
    if sheet is not None:
        for header, fields in sheet.unclear:
            if len(fields) > 1:
                lines.append(f"Not read: {header!r} is ambiguous: {' or '.join(fields)}")
            elif sheet.header(fields[0]) is not None:
                lines.append(
                    f"Not read: {header!r} looks like {fields[0]}, "
                    f"which {sheet.header(fields[0])!r} gives"
                )
            else:
                lines.append(
                    f"Not read: {header!r} looks like {fields[0]}, but names something else too"
                )
        for o in sheet.reordered:
            examples = ", ".join(o.decided_by)
            lines.append(
                f"Dates: column {o.header!r} read {ORDER_WORDS[o.order]} ({o.order}), not "
                f"{ORDER_WORDS[sheet.order]}: only that fits {examples}"
            )
        for line, header, day in sheet.assumed:
            lines.append(f"line {line}, column {header!r}: {long_day(day)} (year assumed)")
    lines += [f"{r.where}: {_import_row_text(r)}" for r in report.rows]
    added, changed, present = report.count("add"), report.count("change"), report.count("present")
    if report.dry_run:
        total = f"Would add {added}, change {changed}; {present} already present"
    else:
        total = f"Imported: added {added}, changed {changed}; {present} already present"
    duplicates = report.count("duplicate")
    if duplicates:
        total += f"; {duplicates} duplicate row{'s' if duplicates != 1 else ''} skipped"
    lines.append(total + ".")
    return "\n".join(lines)


def _import_row_text(r: RowReport) -> str:
    if r.action == "duplicate":
        return f"duplicate of line {r.duplicate_of}, skipped"
    name = r.company + (f" ({r.role})" if r.role else "")
    kept = ""
    if r.kept_status is not None:
        stored, sheet = r.kept_status
        kept = f"; status stays {_STATUS_WORDS[stored]} (the sheet says {sheet!r})"
    if r.action == "present":
        return f"already present as id {r.interview_id}{kept}"
    if r.action == "change":
        changes = ", ".join(
            f"{_field_label(k)} {_import_value(k, new)}"
            + (f" (was {_import_value(k, old)})" if old is not None else "")
            for k, (old, new) in r.changes.items()
        )
        return f"change {name}, id {r.interview_id}: {changes}{kept}"
    text = f"add {name}, expected {r.expected.isoformat()}"
    if r.status != "waiting":
        text += f", {_STATUS_WORDS[r.status]}" + (f" ({r.outcome})" if r.outcome else "")
    if r.backup_id is not None:
        text += f", as id {r.interview_id} (id {r.backup_id} is taken)"
    return text


def _field_label(name: str) -> str:
    from followup.transfer.spreadsheet.columns import COLUMN_OF

    return COLUMN_OF.get(name, name)


def _import_value(name: str, value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if name == "status":
        return _STATUS_WORDS[value]
    text = repr(value)
    return text if len(text) <= 40 else _cut(text, 39) + text[-1]


def import_json(report: ImportReport) -> dict[str, Any]:
    return {
        "file": report.name,
        "format": report.format,
        "dry_run": report.dry_run,
        "columns": None
        if report.columns is None
        else [{"header": h, "field": c} for h, c in report.columns],
        "ignored": list(report.ignored),
        **({} if report.sheet is None else _sheet_json(report.sheet)),
        "added": report.count("add"),
        "changed": report.count("change"),
        "present": report.count("present"),
        "duplicates": report.count("duplicate"),
        "rows": [_import_row_json(r) for r in report.rows],
    }


def _sheet_json(sheet: Sheet) -> dict[str, Any]:
    return {
        "encoding": sheet.encoding,
        "bom": sheet.bom,
        "unclear": [{"header": h, "fields": list(f)} for h, f in sheet.unclear],
        "date_order": sheet.order or None,
        "reordered": [
            {"header": o.header, "order": o.order, "decided_by": list(o.decided_by)}
            for o in sheet.reordered
        ],
        "year_assumed": [
            {"line": line, "header": h, "day": d.isoformat()} for line, h, d in sheet.assumed
        ],
        "long_past": list(sheet.long_past),
    }


def _import_row_json(r: RowReport) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value

    return {
        "line": r.line,
        "index": r.index,
        "action": r.action,
        "id": r.interview_id,
        "company": r.company,
        "role": r.role,
        "reply_expected_on": r.expected.isoformat(),
        "status": r.status,
        "outcome": r.outcome,
        "changes": {
            k: {"from": plain(old), "to": plain(new)} for k, (old, new) in r.changes.items()
        },
        "kept_status": None
        if r.kept_status is None
        else {"stored": r.kept_status[0], "sheet": r.kept_status[1]},
        "duplicate_of": r.duplicate_of,
        "backup_id": r.backup_id,
    }


# -- stats ----------------------------------------------------------------------------------

#: By :class:`followup.stats.Timing` value (the module is imported only when stats are shown).
_TIMING_WORDS = {
    "by_promised_day": "by the promised day",
    "after_without_follow_up": "after it, without a follow-up",
    "only_after_follow_up": "only after the follow-up email",
    "never": "never (moved on)",
}
_UNKNOWN_DAY_WORDS = "replied on a day not recorded"


def stats_text(stats: Stats) -> str:
    """The figures of every interview, then those of each company met more than once."""
    if not stats.overall.interviews:
        return (
            "No interviews yet: the figures start with your first one "
            "(followup add COMPANY --expect DATE)."
        )
    lines = _figures_lines(stats.overall)
    if stats.companies:
        lines += ["", "By company (more than one interview):"]
        for c in stats.companies:
            lines += ["", c.company] + [f"  {line}" for line in _figures_lines(c.figures)]
    return "\n".join(lines)


def _figures_lines(f: Figures) -> list[str]:
    statuses = ", ".join(f"{s.value.replace('_', ' ')} {n}" for s, n in f.by_status.items() if n)
    lines = [f"Interviews: {f.interviews} ({statuses})"]
    outcomes = [", ".join(f"{o} {n}" for o, n in f.by_outcome.items() if n)]
    if f.next_rounds:
        outcomes.append(f"next rounds reached: {f.next_rounds}")
    if any(outcomes):
        lines.append("Outcomes: " + "; ".join(o for o in outcomes if o))
    left_out = _plural(f.open_rounds, "round still open", "rounds still open")
    if f.withdrawn_rounds:
        left_out += ("; " if left_out else "") + f"{f.withdrawn_rounds} withdrawn before a reply"
    if f.early_move_ons:
        left_out += ("; " if left_out else "") + (
            f"{f.early_move_ons} moved on from before the promised day had passed"
        )
    if not f.settled:
        lines.append(
            "No replies recorded yet, nor any interview moved on from: nothing to measure."
        )
        return lines + ([f"Not counted: {left_out}."] if left_out else [])
    rounds = _plural(f.settled, "settled round", "settled rounds")
    if not f.timed:
        lines.append(f"Replies ({rounds}): none with a recorded reply day, so no timing to show.")
        return lines + ([f"Not counted: {left_out}."] if left_out else [])
    if f.reply_day_unknown:
        rounds += f"; shares of the {f.timed} whose timing is known"
    lines.append(f"Replies ({rounds}):")
    rows = [(_TIMING_WORDS[t], str(n), f"{n / f.timed:.0%}") for t, n in f.by_timing.items()]
    if f.reply_day_unknown:
        rows.append((_UNKNOWN_DAY_WORDS, str(f.reply_day_unknown), ""))
    label = max(len(r[0]) for r in rows)
    count = max(len(r[1]) for r in rows)
    lines += [f"  {w:<{label}}  {n:>{count}}  {p:>4}".rstrip() for w, n, p in rows]
    if left_out:
        lines.append(f"Not counted: {left_out}.")
    d = f.business_days
    if d is not None:
        figures = f"median {_number(d.median)}"
        if d.q1 is not None and d.q3 is not None:
            figures += (
                f", middle half {_number(d.q1)} to {_number(d.q3)}, range {d.low} to {d.high}"
            )
        lines += [
            "Business days from the promised day to the reply "
            f"({_plural(d.n, 'reply', 'replies')}; negative: early):",
            f"  {figures}",
        ]
    return lines


def _plural(n: int, one: str, many: str) -> str:
    if not n:
        return ""
    return f"{n} {one if n == 1 else many}"


def _number(value: float) -> str:
    """1.0 -> "1", 1.5 -> "1.5", 0.25 -> "0.25"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _json_number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value.is_integer() else round(value, 2)


def _fraction(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def stats_json(stats: Stats) -> dict[str, Any]:
    """The overall figures, and a ``companies`` list of the same figures with a name::

        {"interviews": 3,
         "by_status": {"waiting": 1, "emailed": 0, "heard_back": 1, "moved_on": 1,
                       "withdrawn": 0},
         "by_outcome": {"offer": 0, "rejected": 1, "other": 0}, "next_rounds": 0,
         "rounds": {"settled": 2, "reply_day_unknown": 0, "open": 1, "withdrawn": 0,
                    "moved_on_early": 0},
         "replies": {"by_promised_day": {"count": 1, "share": 0.5}, ...,
                     "never": {"count": 1, "share": 0.5}},
         "business_days": {"n": 1, "median": 0, "q1": null, "q3": null, "min": 0, "max": 0},
         "companies": [{"company": "Acme", "interviews": 2, ...}]}

    ``share`` is a fraction of the settled rounds whose timing is known (``null`` when
    there are none); ``business_days`` is ``null`` without a reply on a known day.
    """
    return _figures_json(stats.overall) | {
        "companies": [{"company": c.company} | _figures_json(c.figures) for c in stats.companies]
    }


def _figures_json(f: Figures) -> dict[str, Any]:
    d = f.business_days
    return {
        "interviews": f.interviews,
        "by_status": {s.value: n for s, n in f.by_status.items()},
        "by_outcome": dict(f.by_outcome),
        "next_rounds": f.next_rounds,
        "rounds": {
            "settled": f.settled,
            "reply_day_unknown": f.reply_day_unknown,
            "open": f.open_rounds,
            "withdrawn": f.withdrawn_rounds,
            "moved_on_early": f.early_move_ons,
        },
        "replies": {
            t.value: {"count": n, "share": _fraction(f.share(t))} for t, n in f.by_timing.items()
        },
        "business_days": None
        if d is None
        else {
            "n": d.n,
            "median": _json_number(d.median),
            "q1": _json_number(d.q1),
            "q3": _json_number(d.q3),
            "min": d.low,
            "max": d.high,
        },
    }


# -- mail findings ---------------------------------------------------------------------------


def mail_finding_json(f: MailFinding) -> dict[str, Any]:
    """The shape ``followup mail check --json`` prints, one object per finding."""
    return {
        "id": f.id,
        "interview_id": f.interview_id,
        "company": f.company,
        "kind": f.kind,
        "on": f.on.isoformat(),
        "from": f.sender,
        "to": ", ".join(f.recipients),
        "subject": f.subject,
    }


def mail_question(f: MailFinding) -> str:
    """The question a finding asks: "You emailed Acme on Tue 1 Dec?" or "Acme replied on
    Thu 3 Dec: 'Re: ...'"."""
    from followup.rules import short_day

    if f.kind == "sent":
        return f"You emailed {f.company} on {short_day(f.on)}?"
    return f"{f.company} replied on {short_day(f.on)}: {f.subject!r}"


def mail_finding_text(f: MailFinding) -> str:
    """A finding, with the commands that accept or dismiss it."""
    if f.kind == "sent":
        about = f"to {', '.join(f.recipients)}: {f.subject!r}"
        accept = f"followup emailed {f.interview_id} --on {f.on.isoformat()}"
    else:
        about = f"from {f.sender}"
        accept = (
            f"followup heard {f.interview_id} --on {f.on.isoformat()} "
            "--outcome offer|rejected|next-round|other"
        )
    return (
        f"[{f.id}] {mail_question(f)} ({about})\n"
        f"      yes: {accept}\n"
        f"      no:  followup mail dismiss {f.id}"
    )


def mail_check_text(result: CheckResult) -> str:
    new = len(result.new)
    lines = [f"Mailbox checked: {new} new finding{'' if new == 1 else 's'}."]
    if result.pending:
        lines += ["Waiting for your answer:"] + [mail_finding_text(f) for f in result.pending]
    else:
        lines.append("Nothing waits for your answer.")
    return "\n".join(lines)


def mail_findings_section(found: Sequence[MailFinding]) -> str:
    """What ``followup show`` adds for an interview with pending findings."""
    if not found:
        return ""
    lines = ["From your mailbox (reminders wait while a reply is unanswered):"]
    return "\n\n" + "\n".join(lines + [mail_finding_text(f) for f in found])


# -- countries -------------------------------------------------------------------------------


def countries_text(found: Sequence[CountryEntry], *, subdivisions: bool) -> str:
    """One line per country, code and name; with ``subdivisions`` (a filter was given),
    each subdivision under it, code and name; else their codes on the country's line."""
    lines = []
    for c in found:
        if subdivisions:
            lines.append(f"{c.code}  {c.name}")
            sizes = max((text_width(code) for code, _name in c.subdivisions), default=0)
            lines += [
                f"    {code}{' ' * (sizes - text_width(code))}  {name}".rstrip()
                for code, name in c.subdivisions
            ]
        else:
            codes = ", ".join(code for code, _name in c.subdivisions)
            lines.append(f"{c.code}  {c.name}" + (f": {codes}" if codes else ""))
    return "\n".join(lines)


def countries_json(found: Sequence[CountryEntry]) -> list[dict[str, Any]]:
    """``[{"code", "name", "subdivisions": [{"code", "name"}]}]``."""
    return [
        {
            "code": c.code,
            "name": c.name,
            "subdivisions": [{"code": code, "name": name} for code, name in c.subdivisions],
        }
        for c in found
    ]
