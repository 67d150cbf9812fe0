"""Spreadsheets (CSV): the interviews as a sheet people keep, and sheets people kept, read in.

Writing gives one row per interview under fixed headers, ISO dates and status words; a
text cell that a spreadsheet would run as a formula gets a leading ``'`` (OWASP's advice on
CSV injection), which reading removes again, so that an export imports losslessly.

Reading is forgiving about the sheet's shape and strict about its values:

- the encoding is detected with charset-normalizer among those spreadsheet programs write
  (UTF-8 with or without a byte-order mark, UTF-16 with one, Windows-1252);
- headers are matched by their words ("Hiring Manager Email" is the email), a known name
  winning over a header that merely contains a field's word; a header that could be two
  fields, or one that another column claims more exactly, is reported and not read;
- comma, semicolon or tab separated;
- each date column is read in one order (``calendar.date_order``, or the other of
  day-first and month-first when only that fits all of the column's values, which the
  report says);

and every row is checked here, before anything is stored: an error names the file, the
line (as a text editor numbers it: the header is line 1) and the column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from followup.dates import DateReader, Direction, column_order, long_past
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

#: Words and phrases that make a header mean a field when no known name matches it whole,
#: compared as lower-case words. The date fields need a word that says which date.
_KEYWORDS = {
    "company": ("company", "employer", "organisation", "organization", "firm"),
    "role": ("role", "position", "title", "job", "vacancy", "opening"),
    "contact": ("contact", "recruiter", "interviewer", "hiring manager", "hr"),
    "email": ("email", "e mail", "mail address"),
    "interviewed": (
        "interviewed",
        "interview date",
        "date of interview",
        "interview on",
        "applied",
        "application date",
    ),
    "expected": (
        "expected",
        "reply by",
        "respond by",
        "response by",
        "answer by",
        "hear back by",
        "decision",
        "deadline",
        "response expected",
    ),
    "emailed": ("emailed", "followed up", "follow up sent", "email sent", "chased"),
    "replied": (
        "replied",
        "reply date",
        "date of reply",
        "response date",
        "responded",
        "heard back",
        "reply received",
    ),
    "status": ("status", "stage"),
    "outcome": ("outcome", "result"),
    "country": ("country",),
    "subdivision": ("subdivision", "province", "region"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
}
#: Fields that name a thing: a header naming one and also a kind of value ("Recruiter
#: Email", "Company Notes") means the value.
_ENTITIES = frozenset({"company", "role", "contact"})
#: Words that make a header something followup does not keep, whatever field word it
#: holds ("Recruiter Phone", "Company Website", "Job ID"); it is reported, not read.
_OTHER_WORDS = frozenset(
    {
        "phone",
        "telephone",
        "mobile",
        "salary",
        "pay",
        "url",
        "link",
        "website",
        "site",
        "linkedin",
        "location",
        "city",
        "id",
        "number",
        "size",
        "industry",
        "source",
    }
)
#: Score of a header that is a known name of a field, above any word match.
_EXACT = 100
#: Each date column's direction: a promised day looks forward, the others back.
_DIRECTIONS = {
    "expected": Direction.FORWARD,
    "interviewed": Direction.BACKWARD,
    "emailed": Direction.BACKWARD,
    "replied": Direction.BACKWARD,
}
#: What a cell may start with that a spreadsheet program runs as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Encodings spreadsheet programs write CSV in; charset-normalizer picks among them.
_ENCODINGS = ["utf_8", "utf_16", "cp1252"]


def _normal(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.casefold())


def _words(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


_COLUMNS = {_normal(name): column for column, names in _SYNONYMS.items() for name in names}


def neutralise(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet runs as a formula: one ``'`` put before a
    value that starts (after any ``'`` already there) with ``=``, ``+``, ``-``, ``@``, a tab
    or a carriage return; other values unchanged. :func:`unneutralise` undoes it."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def unneutralise(text: str) -> str:
    """The value :func:`neutralise` made ``text`` from: exactly one ``'`` removed where one
    was put."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


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
                _text(c["company"]),
                _text(c["role"]),
                _text(c["contact_name"]),
                _text(c["contact_email"]),
                _iso(c["interviewed_on"]),
                _iso(c["reply_expected_on"]),
                _iso(c["emailed_on"]),
                _iso(replied),
                STATUS_WORDS[Status(c["status"])],
                c["outcome"],
                _text(c["country"]),
                _text(c["subdivision"]),
                _text(c["notes"]),
            ]
        )
    return out.getvalue().encode()


def _text(value: str | None) -> str | None:
    return None if value is None else neutralise(value)


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
class ColumnOrder:
    """A date column read in another order than the configured one: its header, the order
    read, and the values that fit only that order."""

    header: str
    order: str
    decided_by: tuple[str, ...]


@dataclass(frozen=True)
class Sheet:
    name: str
    #: (header, column) for each header read, in the sheet's order.
    columns: tuple[tuple[str, str], ...]
    ignored: tuple[str, ...]
    rows: tuple[SheetRow, ...] = ()
    #: Headers not read though they look like fields: (header, the fields they look like);
    #: one field: another column claims it more exactly, or the header also names
    #: something followup does not keep; several: the header is ambiguous.
    unclear: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: The text encoding read, as Python names it ("utf_8", "utf_16_le", "cp1252"), and
    #: whether a byte-order mark began the file.
    encoding: str = "utf_8"
    bom: bool = False
    #: The date order used for the sheet's numeric dates (``calendar.date_order``).
    order: str = "dmy"
    #: Date columns read in the other order, because only that fits all their values.
    reordered: tuple[ColumnOrder, ...] = ()
    #: (line, header, day) for each date written without a year.
    assumed: tuple[tuple[int, str, date], ...] = ()
    #: Lines of open interviews whose promised reply day is long past (their reminders
    #: are due at once; see :func:`followup.dates.long_past`).
    long_past: tuple[int, ...] = ()

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
    ``now``'s day in the config's zone, each date column in one order. Raises UsageError
    naming the line and column."""
    text, encoding, bom = _decode(data, name)
    # No cell followup writes is longer than its longest field: the reader accepts exactly
    # what an export can hold (a process-wide setting, set again for every read).
    csv.field_size_limit(LONGEST)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    calendar = tracker.config.calendar
    today = now.astimezone(calendar.zone).date()
    try:
        headers = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if headers is None:
            raise UsageError(f"{name}: no header row: the file is empty")
        sheet = _map(headers, name)
        read = dict(sheet.columns)
        places = [(i, read[h.strip()]) for i, h in enumerate(headers) if h.strip() in read]
        raw: list[tuple[int, dict[str, str]]] = []
        end = reader.line_num
        for cells in reader:
            line, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if any(cell.strip() for cell in cells[len(headers) :]):
                raise sheet.fail(
                    line, None, f"{len(cells)} cells, but the header names {len(headers)} columns"
                )
            values = {
                c: unneutralise(cells[i].strip()) if i < len(cells) else "" for i, c in places
            }
            raw.append((line, values))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UsageError(
                f"{name} line {reader.line_num}: a cell is longer than {LONGEST:,} characters, "
                "the longest value followup keeps"
            ) from None
        raise UsageError(f"{name} line {reader.line_num}: unreadable CSV: {exc}") from None
    base = DateReader(today, calendar.date_order, calendar.place.country)
    order = base.effective_order() if _has_numeric_dates(raw) else (base.order or "")
    readers: dict[str, DateReader] = {}
    reordered: list[ColumnOrder] = []
    for column in _DIRECTIONS:
        header = sheet.header(column)
        if header is None:
            continue
        try:
            used, decided = (
                column_order((v.get(column, "") for _l, v in raw), order) if order else ("", ())
            )
        except UsageError as exc:
            raise UsageError(f"{name}, column {header!r}: {exc.message}") from None
        readers[column] = DateReader(today, used or None, calendar.place.country)
        if decided:
            reordered.append(ColumnOrder(header, used, tuple(decided[:3])))
    assumed: list[tuple[int, str, date]] = []
    rows = [_row(sheet, line, v, tracker, readers, assumed, now) for line, v in raw]
    late = tuple(r.line for r in rows if r.status.is_open and long_past(_expected(r), today))
    return replace(
        sheet,
        rows=tuple(rows),
        encoding=encoding,
        bom=bom,
        order=order,
        reordered=tuple(reordered),
        assumed=tuple(assumed),
        long_past=late,
    )


def _expected(row: SheetRow) -> date:
    assert row.details.reply_expected_on is not None
    return row.details.reply_expected_on


def _has_numeric_dates(raw: Sequence[tuple[int, Mapping[str, str]]]) -> bool:
    """Whether any date needs the order (year-first and ISO dates do not)."""
    from followup.dates import numeric_parts

    for _line, values in raw:
        for column in _DIRECTIONS:
            parts = numeric_parts(values.get(column, ""))
            if parts is not None and not parts.year_first:
                return True
    return False


def _decode(data: bytes, name: str) -> tuple[str, str, bool]:
    """The text of ``data``, the encoding read and whether a byte-order mark began it.

    charset-normalizer chooses among the encodings spreadsheet programs write (left free,
    it takes short Windows-1252 files for Central European code pages)."""
    from charset_normalizer import from_bytes

    if not data:
        return "", "utf_8", False
    best = from_bytes(data, cp_isolation=_ENCODINGS).best()
    if best is None:
        raise UsageError(
            f"{name}: not text in UTF-8, UTF-16 or Windows-1252; save the sheet as UTF-8 CSV"
        )
    encoding = best.encoding
    codec = {"utf_8": "utf-8-sig", "utf_16": "utf-16"}.get(encoding, encoding)
    if encoding == "utf_16":  # the byte-order mark says which
        encoding = "utf_16_le" if data.startswith(b"\xff\xfe") else "utf_16_be"
    try:
        return data.decode(codec), encoding, bool(best.bom)
    except UnicodeDecodeError as exc:  # the detector's choice did not hold for every byte
        raise UsageError(
            f"{name}: not {encoding} text (byte {exc.object[exc.start]:#x} at offset "
            f"{exc.start}); save the sheet as UTF-8 CSV"
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


@dataclass(frozen=True)
class _Claim:
    """What one header could mean: its fields with their scores (a known name scores
    :data:`_EXACT`, a word match the number of words matched)."""

    header: str
    scores: dict[str, int]
    #: The header also names something followup does not keep.
    other: bool = False

    def best(self) -> tuple[str, ...]:
        top = max(self.scores.values(), default=0)
        return tuple(f for f, score in self.scores.items() if score == top)


def _claim(header: str) -> _Claim:
    exact = _COLUMNS.get(_normal(header))
    if exact is not None:
        return _Claim(header, {exact: _EXACT})
    words = f" {_words(header.replace('-', ' '))} "
    scores: dict[str, int] = {}
    for column, phrases in _KEYWORDS.items():
        for phrase in phrases:
            if f" {phrase} " in words:
                scores[column] = max(scores.get(column, 0), len(phrase.split()))
    if any(column not in _ENTITIES for column in scores):
        scores = {c: n for c, n in scores.items() if c not in _ENTITIES}
    return _Claim(header, scores, other=bool(scores) and bool(set(words.split()) & _OTHER_WORDS))


def _map(headers: Sequence[str], name: str) -> Sheet:
    """The columns read: each field from the header that claims it most exactly; two
    headers claiming one field equally are refused (which one is meant is not guessed)."""
    claims = [_claim(h.strip()) for h in headers]
    ignored = [c.header for c in claims if c.header and not c.scores]
    unclear: list[tuple[str, tuple[str, ...]]] = []
    bids: dict[str, list[tuple[int, str]]] = {}
    for claim in claims:
        best = claim.best()
        if not best:
            continue
        if claim.other or len(best) > 1:
            unclear.append((claim.header, best))
            continue
        bids.setdefault(best[0], []).append((claim.scores[best[0]], claim.header))
    chosen: dict[str, str] = {}
    for column, offers in bids.items():
        top = max(score for score, _h in offers)
        winners = [h for score, h in offers if score == top]
        if len(winners) > 1:
            raise UsageError(
                f"{name}: the columns {winners[0]!r} and {winners[1]!r} both mean {column}; "
                "rename or remove one"
            )
        chosen[winners[0]] = column
        unclear += [(h, (column,)) for score, h in offers if score != top]
    columns = [(c.header, chosen[c.header]) for c in claims if c.header in chosen]
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
        unsure = [h for h, fields in unclear if set(fields) & {"company", "expected"}]
        because = (
            f" ({', '.join(repr(h) for h in unsure)} could not be read as one: see "
            "'followup import --dry-run')"
            if unsure
            else ""
        )
        raise UsageError(
            f"{name}: no column for the {' nor for the '.join(missing)}; the headers are: "
            f"{listed}{because}"
        )
    order = {h.strip(): i for i, h in enumerate(headers)}
    unclear.sort(key=lambda item: order[item[0]])
    return Sheet(name, tuple(columns), tuple(ignored), unclear=tuple(unclear))


def _row(
    sheet: Sheet,
    line: int,
    values: dict[str, str],
    tracker: Tracker,
    readers: Mapping[str, DateReader],
    assumed: list[tuple[int, str, date]],
    now: datetime,
) -> SheetRow:
    def day(column: str) -> date | None:
        text = values.get(column, "")
        if not text:
            return None
        try:
            read = readers[column].read(text, _DIRECTIONS[column])
        except UsageError as exc:
            raise sheet.fail(line, column, exc.message) from None
        if read.year_assumed:
            assumed.append((line, sheet.header(column) or column, read.day))
        return read.day

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
