"""A sheet's bytes read as interviews: forgiving about the sheet's shape, strict about its
values.

- the encoding is detected with charset-normalizer among those spreadsheet programs write
  (UTF-8 with or without a byte-order mark, UTF-16 with one, Windows-1252);
- the headers are matched to fields by :mod:`.headers`;
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
from dataclasses import replace
from datetime import date, datetime

from followup.dates import DateReader, Direction, column_order, long_past
from followup.errors import UsageError
from followup.lifecycle.service import Tracker, default_wait
from followup.lifecycle.validation import LONGEST, FieldError
from followup.records import Details
from followup.rules import Outcome, Status
from followup.transfer.spreadsheet.columns import COLUMN_OF, unneutralise
from followup.transfer.spreadsheet.headers import as_words, map_headers
from followup.transfer.spreadsheet.sheet import ColumnOrder, Sheet, SheetRow

#: Status words as people write them: the status, the outcome the word implies, and
#: whether the word is one of "still waiting" (an emailed date then makes it emailed).
_OPEN_WORDS = (
    "",
    Status.WAITING.label,
    "pending",
    "interviewed",
    "interviewing",
    "in progress",
    "applied",
)
_STATUSES: dict[str, tuple[Status, str | None]] = {
    **dict.fromkeys(_OPEN_WORDS, (Status.WAITING, None)),
    Outcome.NEXT_ROUND.label: (Status.WAITING, Outcome.NEXT_ROUND.value),
    Status.EMAILED.label: (Status.EMAILED, None),
    "followed up": (Status.EMAILED, None),
    Status.HEARD_BACK.label: (Status.HEARD_BACK, None),
    "replied": (Status.HEARD_BACK, None),
    "responded": (Status.HEARD_BACK, None),
    Outcome.OFFER.label: (Status.HEARD_BACK, Outcome.OFFER.value),
    Outcome.REJECTED.label: (Status.HEARD_BACK, Outcome.REJECTED.value),
    "declined": (Status.HEARD_BACK, Outcome.REJECTED.value),
    Status.MOVED_ON.label: (Status.MOVED_ON, None),
    "ghosted": (Status.MOVED_ON, None),
    "no response": (Status.MOVED_ON, None),
    "no reply": (Status.MOVED_ON, None),
    Status.WITHDRAWN.label: (Status.WITHDRAWN, None),
    "withdrew": (Status.WITHDRAWN, None),
}
_OUTCOMES = {
    "": None,
    Outcome.OFFER.label: Outcome.OFFER.value,
    Outcome.REJECTED.label: Outcome.REJECTED.value,
    "declined": Outcome.REJECTED.value,
    Outcome.NEXT_ROUND.label: Outcome.NEXT_ROUND.value,
    Outcome.OTHER.label: Outcome.OTHER.value,
}
_DELIMITERS = (",", ";", "\t")
#: Each date column's direction: a promised day looks forward, the others back.
_DIRECTIONS = {
    "expected": Direction.FORWARD,
    "interviewed": Direction.BACKWARD,
    "emailed": Direction.BACKWARD,
    "replied": Direction.BACKWARD,
}
#: Encodings spreadsheet programs write CSV in; charset-normalizer picks among them.
_ENCODINGS = ["utf_8", "utf_16", "cp1252"]


def read_sheet(data: bytes, name: str, tracker: Tracker, now: datetime) -> Sheet:
    """The rows of the CSV ``data`` (read from ``name``), every value checked as the
    Tracker would check it; dates are read as the command line reads them, "today" being
    ``now``'s day in the config's zone, each date column in one order. Raises UsageError
    naming the line and column."""
    text, encoding, bom = _decode(data, name)
    # No cell followup writes is longer than its longest field: the reader accepts exactly
    # what an export can hold (a process-wide setting, set again for every read).
    csv.field_size_limit(LONGEST)
    sep = _SEP_LINE.match(text)
    delimiter = sep[1] if sep else _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    calendar = tracker.config.calendar
    today = now.astimezone(calendar.zone).date()
    try:
        if sep:
            next(reader)
        headers = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if headers is None:
            raise UsageError(f"{name}: no header row: the file is empty")
        sheet = map_headers(headers, name)
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
                c: _line_breaks(unneutralise(cells[i].strip())) if i < len(cells) else ""
                for i, c in places
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


#: Excel's first line naming the separator (``sep=;``), which it writes and reads.
_SEP_LINE = re.compile(r"sep=([^\r\n\"])\r?(?:\n|$)", re.IGNORECASE)


def _line_breaks(cell: str) -> str:
    """A cell's line breaks as ``\\n`` whatever the sheet used inside quotes (``\\r\\n``
    from Windows, ``\\r`` from old Macs), so that a note keeps them as line breaks."""
    return cell.replace("\r\n", "\n").replace("\r", "\n")


def _promised(
    values: Mapping[str, str], interviewed: date | None, tracker: Tracker, now: datetime
) -> tuple[date | None, str | None]:
    """The promised day of a row given in words ("end of next week"), read as ``add``
    reads them (:mod:`followup.promises`: from the interview day, else today, in the
    row's place), with the words; (None, None) for a date written as one, or words that
    name no day (which the date reader then reports)."""
    from followup.dates import MONTH_WORD, ORDINAL_DAY, is_plain
    from followup.errors import ConfigError

    words = values.get("expected", "")
    if not words or is_plain(words) or ORDINAL_DAY.fullmatch(words):
        return None, None
    from followup.promises import read_generic, read_promise

    said = interviewed or now.astimezone(tracker.config.calendar.zone).date()
    place = tracker.pin_country(
        Details(
            country=values.get("country") or None, subdivision=values.get("subdivision") or None
        )
    )
    try:
        promise = read_promise(words, said, tracker.calendar(place))
    except (ValueError, ConfigError):
        return None, None
    if promise is None and MONTH_WORD.search(words):  # "Dec 15": the date reader's
        return None, None
    if promise is None:
        promise = read_generic(words, said, tracker.calendar(place))
    return (promise.day, words) if promise is not None else (None, None)


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


def _row(
    sheet: Sheet,
    line: int,
    values: dict[str, str],
    tracker: Tracker,
    readers: Mapping[str, DateReader],
    assumed: list[tuple[int, str, date]],
    now: datetime,
) -> SheetRow:
    def day(column: str, said: date | None = None) -> date | None:
        """The date in ``column``; a promised day of the month alone is counted from
        the interview day ``said`` when there is one."""
        text = values.get(column, "")
        if not text:
            return None
        try:
            read = readers[column].read(text, _DIRECTIONS[column], said)
        except UsageError as exc:
            raise sheet.fail(line, column, exc.message) from None
        if read.year_assumed:
            assumed.append((line, sheet.header(column) or column, read.day))
        return read.day

    def text(column: str) -> str | None:
        return values.get(column) or None

    interviewed = day("interviewed")
    expected, words = _promised(values, interviewed, tracker, now)
    if expected is None:
        expected = day("expected", said=interviewed)
    if expected is None and interviewed is None:
        raise sheet.fail(
            line,
            "expected",
            "empty: every interview needs the day they said they would reply, or the interview day",
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
            country=country,
            subdivision=text("subdivision"),
            notes=text("notes"),
            reply_expected_words=words,
        )
    )
    if details.reply_expected_on is None:
        details = default_wait(details, tracker)
    try:
        tracker.validate(details, now)
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
    if as_words(said) not in _STATUSES:
        accepted = ", ".join(w for w in _STATUSES if w)
        raise sheet.fail(
            line, "status", f"unknown status {said!r} (accepted: {accepted}, or blank)"
        )
    if as_words(result) not in _OUTCOMES:
        accepted = ", ".join(w for w in _OUTCOMES if w)
        raise sheet.fail(
            line, "outcome", f"unknown outcome {result!r} (accepted: {accepted}, or blank)"
        )
    status, implied = _STATUSES[as_words(said)]
    outcome = _OUTCOMES[as_words(result)]
    if status is Status.EMAILED and emailed is None:
        where = "the emailed column" if sheet.header("emailed") else "an emailed column"
        raise sheet.fail(line, "status", f"status {said!r} needs the day of the email in {where}")
    if implied and outcome and implied != outcome:
        raise sheet.fail(line, "outcome", f"outcome {result!r} contradicts status {said!r}")
    if Outcome.NEXT_ROUND in (implied, outcome) and status in (
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
