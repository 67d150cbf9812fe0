"""Spreadsheets (CSV): the interviews as a sheet people keep, and sheets people kept, read in.

Writing gives one row per interview under fixed headers, ISO dates and status words.
Reading is forgiving about the sheet's shape (header names loosely matched, with common
synonyms; comma, semicolon or tab; a byte-order mark) and strict about its values: every
row is checked here, before anything is stored, and an error names the file, the line (as
a text editor numbers it: the header is line 1) and the column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from followup.dates import parse_date
from followup.errors import UsageError
from followup.rules import Status
from followup.stats import last_reply_day
from followup.tracker import Details, FieldError, Record, Tracker
from followup.validation import LONGEST

#: The columns written, in order; reading knows each by these names too.
HEADERS = (
    "company",
    "role",
    "contact",
    "email",
    "interviewed",
    "expected",
    "emailed",
    "replied",
    "status",
    "outcome",
    "country",
    "subdivision",
    "notes",
)

STATUS_WORDS = {
    Status.WAITING: "waiting",
    Status.EMAILED: "emailed",
    Status.HEARD_BACK: "heard back",
    Status.MOVED_ON: "moved on",
    Status.WITHDRAWN: "withdrawn",
}

#: Header names as people write them, compared without case, spaces or punctuation.
_SYNONYMS = {
    "company": ("Company", "Company Name", "Employer", "Organization", "Organisation"),
    "role": ("Role", "Position", "Job Title", "Title", "Job"),
    "contact": (
        "Contact",
        "Contact Name",
        "Recruiter",
        "Recruiter Name",
        "Interviewer",
        "Hiring Manager",
    ),
    "email": ("Email", "E-mail", "Contact Email", "Recruiter Email", "Email Address"),
    "interviewed": (
        "Interviewed",
        "Interviewed On",
        "Interview Date",
        "Date Interviewed",
        "Date Applied",
        "Applied",
    ),
    "expected": (
        "Expected",
        "Reply Expected On",
        "Expected Reply",
        "Reply By",
        "Follow Up Date",
        "Response Expected",
        "Decision Date",
    ),
    "emailed": ("Emailed", "Emailed On", "Followed Up", "Follow-up Sent", "Date Emailed"),
    "replied": ("Replied", "Replied On", "Reply Date", "Response Date", "Heard Back On"),
    "status": ("Status", "Stage", "State"),
    "outcome": ("Outcome", "Result"),
    "country": ("Country",),
    "subdivision": ("Subdivision", "State/Province", "Region", "Province"),
    "notes": ("Notes", "Note", "Comments", "Comment"),
}

#: Each sheet column's field among an interview's (:class:`Details`) and the other columns.
_FIELDS = {
    "company": "company",
    "role": "role",
    "contact": "contact_name",
    "email": "contact_email",
    "interviewed": "interviewed_on",
    "expected": "reply_expected_on",
    "emailed": "emailed_on",
    "replied": "replied_on",
    "status": "status",
    "outcome": "outcome",
    "country": "country",
    "subdivision": "subdivision",
    "notes": "notes",
}
COLUMN_OF = {v: k for k, v in _FIELDS.items()}

#: Status words as people write them: the status, the outcome the word implies, and
#: whether the word is one of "still waiting" (an emailed date then makes it emailed).
_OPEN_WORDS = ("", "waiting", "pending", "interviewed", "interviewing", "in progress", "applied")
_STATUSES: dict[str, tuple[Status, str | None]] = {
    **dict.fromkeys(_OPEN_WORDS, (Status.WAITING, None)),
    "next round": (Status.WAITING, "next-round"),
    "emailed": (Status.EMAILED, None),
    "followed up": (Status.EMAILED, None),
    "heard back": (Status.HEARD_BACK, None),
    "replied": (Status.HEARD_BACK, None),
    "responded": (Status.HEARD_BACK, None),
    "offer": (Status.HEARD_BACK, "offer"),
    "rejected": (Status.HEARD_BACK, "rejected"),
    "declined": (Status.HEARD_BACK, "rejected"),
    "moved on": (Status.MOVED_ON, None),
    "ghosted": (Status.MOVED_ON, None),
    "no response": (Status.MOVED_ON, None),
    "no reply": (Status.MOVED_ON, None),
    "withdrawn": (Status.WITHDRAWN, None),
    "withdrew": (Status.WITHDRAWN, None),
}
_OUTCOMES = {
    "": None,
    "offer": "offer",
    "rejected": "rejected",
    "declined": "rejected",
    "next round": "next-round",
    "other": "other",
}
_DELIMITERS = (",", ";", "\t")


def _normal(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.casefold())


def _words(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


_COLUMNS = {_normal(name): column for column, names in _SYNONYMS.items() for name in names}


# -- writing --------------------------------------------------------------------------------


def render_csv(records: Sequence[Record], zone: ZoneInfo) -> bytes:
    """Every interview, open and closed, one row each; the reply day is read from the
    history as the statistics read it (``zone`` dates replies recorded before the reply
    day was kept)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for record in records:
        c = record.columns
        replied = last_reply_day(record.events, zone) if c["status"] == Status.HEARD_BACK else None
        writer.writerow(
            [
                c["company"],
                c["role"],
                c["contact_name"],
                c["contact_email"],
                _iso(c["interviewed_on"]),
                _iso(c["reply_expected_on"]),
                _iso(c["emailed_on"]),
                _iso(replied),
                STATUS_WORDS[Status(c["status"])],
                c["outcome"],
                c["country"],
                c["subdivision"],
                c["notes"],
            ]
        )
    return out.getvalue().encode()


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# -- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    """One row as an interview, every value checked; ``line`` is where it starts."""

    line: int
    details: Details
    status: Status
    outcome: str | None
    emailed_on: date | None = None
    replied_on: date | None = None
    #: The status as the sheet wrote it ("" when it says none).
    said: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    #: (header, column) for each header read, in the sheet's order.
    columns: tuple[tuple[str, str], ...]
    ignored: tuple[str, ...]
    rows: tuple[SheetRow, ...] = ()

    def header(self, column: str) -> str | None:
        """The sheet's header for ``column`` (``"email"``), or None without one."""
        return next((h for h, c in self.columns if c == column), None)

    def fail(self, line: int, column: str | None, reason: str) -> UsageError:
        header = self.header(column) if column else None
        where = f"{self.name} line {line}" + (f", column {header!r}" if header else "")
        return UsageError(f"{where}: {reason}")


def read_sheet(data: bytes, name: str, tracker: Tracker, now: datetime) -> Sheet:
    """The rows of the CSV ``data`` (read from ``name``), every value checked as the
    Tracker would check it; dates are read as the command line reads them, "today" being
    ``now``'s day in the config's zone. Raises UsageError naming the line and column."""
    text = _decode(data, name)
    # No cell followup writes is longer than its longest field: the reader accepts exactly
    # what an export can hold (a process-wide setting, set again for every read).
    csv.field_size_limit(LONGEST)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    today = now.astimezone(tracker.config.calendar.zone).date()
    try:
        headers = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if headers is None:
            raise UsageError(f"{name}: no header row: the file is empty")
        sheet = _map(headers, name)
        places = [(i, c) for i, (_h, c) in enumerate(_pairs(headers)) if c is not None]
        rows = []
        end = reader.line_num
        for cells in reader:
            line, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if any(cell.strip() for cell in cells[len(headers) :]):
                raise sheet.fail(
                    line, None, f"{len(cells)} cells, but the header names {len(headers)} columns"
                )
            values = {c: cells[i].strip() if i < len(cells) else "" for i, c in places}
            rows.append(_row(sheet, line, values, tracker, today, now))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UsageError(
                f"{name} line {reader.line_num}: a cell is longer than {LONGEST:,} characters, "
                "the longest value followup keeps"
            ) from None
        raise UsageError(f"{name} line {reader.line_num}: unreadable CSV: {exc}") from None
    return Sheet(sheet.name, sheet.columns, sheet.ignored, tuple(rows))


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{name}: not UTF-8 text (byte {exc.object[exc.start]:#x} at offset {exc.start}); "
            "save the sheet as UTF-8 CSV"
        ) from None


def _delimiter(text: str) -> str:
    """The separator the header line uses most, outside quotes (a comma when in doubt)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _pairs(headers: Sequence[str]) -> list[tuple[str, str | None]]:
    return [(h.strip(), _COLUMNS.get(_normal(h))) for h in headers]


def _map(headers: Sequence[str], name: str) -> Sheet:
    columns: list[tuple[str, str]] = []
    ignored: list[str] = []
    for header, column in _pairs(headers):
        if column is None:
            if header:
                ignored.append(header)
            continue
        taken = next((h for h, c in columns if c == column), None)
        if taken is not None:
            raise UsageError(
                f"{name}: the columns {taken!r} and {header!r} both mean {column}; "
                "rename or remove one"
            )
        columns.append((header, column))
    found = {c for _h, c in columns}
    missing = [
        what
        for column, what in (
            ("company", "company (e.g. 'Company', 'Employer')"),
            ("expected", "expected reply date (e.g. 'Expected', 'Reply By', 'Decision Date')"),
        )
        if column not in found
    ]
    if missing:
        listed = ", ".join(repr(h.strip()) for h in headers if h.strip()) or "none"
        raise UsageError(
            f"{name}: no column for the {' nor for the '.join(missing)}; the headers are: {listed}"
        )
    return Sheet(name, tuple(columns), tuple(ignored))


def _row(
    sheet: Sheet, line: int, values: dict[str, str], tracker: Tracker, today: date, now: datetime
) -> SheetRow:
    def day(column: str) -> date | None:
        text = values.get(column, "")
        if not text:
            return None
        try:
            return parse_date(text, today)
        except UsageError as exc:
            raise sheet.fail(line, column, exc.message) from None

    def text(column: str) -> str | None:
        return values.get(column) or None

    interviewed, expected = day("interviewed"), day("expected")
    if expected is None:
        raise sheet.fail(
            line, "expected", "empty: every interview needs the day they said they would reply"
        )
    country = text("country")
    details = tracker.pin_country(
        Details(
            company=text("company"),
            role=text("role"),
            contact_name=text("contact"),
            contact_email=text("email"),
            interviewed_on=interviewed,
            reply_expected_on=expected,
            country=country.upper() if country else None,
            subdivision=text("subdivision"),
            notes=text("notes"),
        )
    )
    try:
        tracker.validate(details)
    except FieldError as exc:
        raise sheet.fail(line, COLUMN_OF[exc.field], exc.message) from None
    emailed, replied = day("emailed"), day("replied")
    for column, what, on in (("emailed", "email", emailed), ("replied", "reply", replied)):
        if on is not None:
            try:
                tracker.check_day(what, on, interviewed, now)
            except UsageError as exc:
                raise sheet.fail(line, column, exc.message) from None
    status, outcome = _status(sheet, line, values, emailed, replied)
    return SheetRow(line, details, status, outcome, emailed, replied, values.get("status", ""))


def _status(
    sheet: Sheet, line: int, values: dict[str, str], emailed: date | None, replied: date | None
) -> tuple[Status, str | None]:
    """The status and outcome a row's words and dates say, as a user would read them:

    - waiting, pending, interviewed, applied, blank: waiting (emailed with an emailed date);
    - emailed, followed up: emailed (an emailed date is required);
    - heard back, replied, responded: heard back, the outcome from the outcome column;
      offer, rejected, declined: heard back with that outcome (declined: rejected);
    - moved on, ghosted, no response, no reply: moved on; withdrawn, withdrew: withdrawn.

    An open status with an outcome or a reply date means they replied (heard back); the
    outcome "next round" means waiting again, for the date the row expects (a reply date
    then is the day they invited to it, kept in the history only).
    """
    said, result = values.get("status", ""), values.get("outcome", "")
    if _words(said) not in _STATUSES:
        accepted = ", ".join(w for w in _STATUSES if w)
        raise sheet.fail(
            line, "status", f"unknown status {said!r} (accepted: {accepted}, or blank)"
        )
    if _words(result) not in _OUTCOMES:
        accepted = ", ".join(w for w in _OUTCOMES if w)
        raise sheet.fail(
            line, "outcome", f"unknown outcome {result!r} (accepted: {accepted}, or blank)"
        )
    status, implied = _STATUSES[_words(said)]
    outcome = _OUTCOMES[_words(result)]
    if status is Status.EMAILED and emailed is None:
        where = "the emailed column" if sheet.header("emailed") else "an emailed column"
        raise sheet.fail(line, "status", f"status {said!r} needs the day of the email in {where}")
    if implied and outcome and implied != outcome:
        raise sheet.fail(line, "outcome", f"outcome {result!r} contradicts status {said!r}")
    if "next-round" in (implied, outcome) and status in (
        Status.WAITING,
        Status.EMAILED,
        Status.HEARD_BACK,
    ):
        return (Status.EMAILED if emailed else Status.WAITING), None
    if status.is_open and (outcome is not None or replied is not None):
        status = Status.HEARD_BACK
    if status is Status.HEARD_BACK:
        return status, implied or outcome
    if status is Status.WAITING and emailed is not None:
        return Status.EMAILED, None
    if outcome is not None:
        raise sheet.fail(line, "outcome", f"outcome {result!r} does not go with status {said!r}")
    if replied is not None and not status.is_open:
        raise sheet.fail(line, "replied", f"a reply date does not go with status {said!r}")
    return status, None


def row_fields(row: SheetRow) -> dict[str, Any]:
    """What a row sets, by the interview's field names (the ``imported`` event's details)."""
    values: dict[str, Any] = dict(row.details.given())
    values["status"] = row.status.value
    if row.status is Status.HEARD_BACK:
        values["outcome"] = row.outcome or "other"
    if row.replied_on:
        values["replied_on"] = row.replied_on
    if row.emailed_on:
        values["emailed_on"] = row.emailed_on
    return values
