"""Imports: a backup (JSON) or a spreadsheet (CSV) into the store, all of it or nothing.

The file is read and checked whole first (:mod:`.backup`, :mod:`.spreadsheet.reading`);
then, in one transaction, it is matched against what is stored and written (or, in a dry
run, only matched). An interview is the same as a stored one when its company, role and
expected date are: company and role compared without case or extra spaces, a missing role
as empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from followup.errors import UsageError
from followup.lifecycle.service import Tracker
from followup.lifecycle.validation import FieldError
from followup.records import Batch, Change, Details, Record
from followup.rules import Status
from followup.transfer import backup
from followup.transfer.spreadsheet.columns import COLUMN_OF, STATUS_WORDS
from followup.transfer.spreadsheet.reading import read_sheet
from followup.transfer.spreadsheet.sheet import Sheet, SheetRow, row_fields
from followup.values import HistoryEntry, name_key

FORMATS = ("json", "csv")
STDIN = "<stdin>"
_DETAILS = Details._fields
#: Fields a spreadsheet row may bring to a stored interview (the rest make up its identity).
_UPDATABLE = ("contact_name", "contact_email", "interviewed_on", "country", "subdivision", "notes")
_RANK = {Status.WAITING: 0, Status.EMAILED: 1}


@dataclass(frozen=True)
class RowReport:
    """What became of one interview of the file."""

    #: "line 4" (a spreadsheet) or "interviews[3]" (a backup).
    where: str
    action: str  # add, change, present, duplicate
    company: str
    role: str | None
    expected: date
    interview_id: int | None = None
    line: int | None = None
    index: int | None = None
    status: str = Status.WAITING.value
    outcome: str | None = None
    #: field -> (stored value, new value)
    changes: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    #: (the stored status, the sheet's) when the sheet would have reopened a closed interview
    kept_status: tuple[str, str] | None = None
    duplicate_of: int | None = None
    #: the id the backup gave when it was taken and the interview got another
    backup_id: int | None = None
    #: the words the promised day was read from ("end of next week", "within 5 business
    #: days" when the row gave only the interview day), None for a date
    expected_words: str | None = None


@dataclass(frozen=True)
class ImportReport:
    name: str
    format: str
    dry_run: bool
    rows: tuple[RowReport, ...]
    #: (header, column) pairs read from a spreadsheet; None for a backup
    columns: tuple[tuple[str, str], ...] | None = None
    ignored: tuple[str, ...] = ()
    #: The spreadsheet read (its encoding, unclear headers, date orders); None for a backup
    sheet: Sheet | None = None

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)


def format_of(name: str, data: bytes, given: str | None) -> str:
    """The format ``given``, else the file's suffix, else a look at the content."""
    if given:
        return given
    suffix = Path(name).suffix.lower().lstrip(".")
    if name != STDIN and suffix in FORMATS:
        return suffix
    return "json" if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"


def run(
    tracker: Tracker, data: bytes, name: str, fmt: str, now: datetime, *, dry_run: bool
) -> ImportReport:
    """Import ``data`` (read from ``name``) as ``fmt``; in a dry run nothing is written.

    Raises UsageError naming the place of the first fault; nothing is then stored.
    """
    source = name if name == STDIN else Path(name).name
    if fmt == "json":
        records = backup.read(data, name, tracker)
        restored = _Restore(records)
        tracker.restore(restored.prepare, write=not dry_run)
        return ImportReport(name, fmt, dry_run, tuple(restored.rows))
    sheet = read_sheet(data, name, tracker, now)
    merged = _Merge(sheet, source, tracker, now)
    tracker.restore(merged.prepare, write=not dry_run)
    return ImportReport(name, fmt, dry_run, tuple(merged.rows), sheet.columns, sheet.ignored, sheet)


def same_key(company: str | None, role: str | None, expected: date) -> tuple[str, str, date]:
    return (name_key(company), name_key(role), expected)


def _index(stored: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str, date], Mapping[str, Any]]:
    """Stored interviews by identity; of two with the same, the first added."""
    index: dict[tuple[str, str, date], Mapping[str, Any]] = {}
    for row in stored:
        index.setdefault(same_key(row["company"], row["role"], row["reply_expected_on"]), row)
    return index


class _Restore:
    """A backup against the store: present interviews are skipped, the rest added whole,
    with their own ids where those are free."""

    def __init__(self, records: Sequence[Record]) -> None:
        self.records = records
        self.rows: list[RowReport] = []

    def prepare(self, stored: Sequence[Mapping[str, Any]]) -> Batch:
        self.rows = []
        present = _index(stored)
        taken = {row["id"] for row in stored}
        pairs = [(r, self._key(r)) for r in self.records]
        kept = {r.columns["id"] for r, key in pairs if key not in present}
        next_id = max(taken | kept, default=0) + 1
        added = []
        for i, (record, key) in enumerate(pairs):
            c = record.columns
            report = RowReport(
                f"interviews[{i}]",
                "add",
                c["company"],
                c["role"],
                c["reply_expected_on"],
                index=i,
                status=c["status"],
                outcome=c["outcome"],
            )
            if key in present:
                self.rows.append(replace(report, action="present", interview_id=present[key]["id"]))
                continue
            number, backup_id = c["id"], None
            if number in taken:
                number, backup_id, next_id = next_id, c["id"], next_id + 1
            taken.add(number)
            added.append(Record({**c, "id": number}, record.events, record.shown))
            self.rows.append(replace(report, interview_id=number, backup_id=backup_id))
        return Batch(added=added)

    @staticmethod
    def _key(record: Record) -> tuple[str, str, date]:
        c = record.columns
        return same_key(c["company"], c["role"], c["reply_expected_on"])


class _Merge:
    """A spreadsheet against the store: new rows are added, rows already present bring
    their new values (never reopening a closed interview), and repeated rows are skipped."""

    def __init__(self, sheet: Sheet, source: str, tracker: Tracker, now: datetime) -> None:
        self.sheet = sheet
        self.source = source
        self.tracker = tracker
        self.now = now
        self.rows: list[RowReport] = []

    def prepare(self, stored: Sequence[Mapping[str, Any]]) -> Batch:
        self.rows = []
        present = _index(stored)
        next_id = max((row["id"] for row in stored), default=0) + 1
        seen: dict[tuple[str, str, date], int] = {}
        added: list[Record] = []
        changed: list[Change] = []
        for row in self.sheet.rows:
            d = row.details
            assert d.company is not None and d.reply_expected_on is not None
            key = same_key(d.company, d.role, d.reply_expected_on)
            values = row_fields(row)
            report = RowReport(
                f"line {row.line}",
                "add",
                d.company,
                d.role,
                d.reply_expected_on,
                line=row.line,
                expected_words=d.reply_expected_words,
                status=values["status"],
                outcome=values.get("outcome"),
            )
            if key in seen:
                self.rows.append(replace(report, action="duplicate", duplicate_of=seen[key]))
                continue
            seen[key] = row.line
            if key in present:
                change, report = self._change(row, present[key], report)
                if change is not None:
                    changed.append(change)
                self.rows.append(report)
                continue
            added.append(self._new(next_id, values, row))
            self.rows.append(replace(report, interview_id=next_id))
            next_id += 1
        return Batch(added, changed)

    def _new(self, number: int, values: Mapping[str, Any], row: SheetRow) -> Record:
        columns = dict.fromkeys(_DETAILS) | {k: v for k, v in values.items() if k in _DETAILS}
        columns |= {
            "id": number,
            "emailed_on": values.get("emailed_on"),
            "status": values["status"],
            "outcome": values.get("outcome"),
            "snoozed_to": None,
            "created_at": self.now,
            "updated_at": self.now,
        }
        return Record(columns, (self._event(row, values),), ())

    def _event(self, row: SheetRow, values: Mapping[str, Any]) -> HistoryEntry:
        details = {"from": self.source, "line": row.line}
        details |= {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
        return HistoryEntry(self.now, "imported", details)

    def _change(
        self, row: SheetRow, stored: Mapping[str, Any], report: RowReport
    ) -> tuple[Change | None, RowReport]:
        """What ``row`` changes in the ``stored`` interview it matches, checked as the
        Tracker checks any change; raises UsageError naming the line and column."""
        new: dict[str, Any] = {}
        for name in _UPDATABLE:
            value = getattr(row.details, name)
            if value is not None and value != stored[name]:
                new[name] = value
        if row.emailed_on is not None and row.emailed_on != stored["emailed_on"]:
            new["emailed_on"] = row.emailed_on
        was, kept = Status(stored["status"]), None
        if was.is_open and _RANK.get(row.status, 2) > _RANK[was]:
            new["status"] = row.status.value
            if row.status is Status.HEARD_BACK:
                new["outcome"] = row.outcome or "other"
        elif _RANK.get(row.status, 2) < _RANK.get(was, 2) or (
            not was.is_open
            and (
                row.status is not was
                or (row.outcome is not None and row.outcome != stored["outcome"])
            )
        ):
            kept = (was.value, row.said or STATUS_WORDS[row.status])
        self._check(row, stored, new)
        report = replace(
            report,
            company=stored["company"],
            role=stored["role"],
            action="change" if new else "present",
            interview_id=stored["id"],
            status=new.get("status", was.value),
            outcome=new.get("outcome", stored["outcome"]),
            changes={k: (stored[k], v) for k, v in new.items()},
            kept_status=kept,
        )
        if not new:
            return None, report
        recorded = dict(new)
        if new.get("status") == Status.HEARD_BACK and row.replied_on is not None:
            recorded["replied_on"] = row.replied_on
        columns = dict(new, updated_at=self.now)
        if "status" in new:
            columns["snoozed_to"] = None
        return Change(stored["id"], columns, self._event(row, recorded)), report

    def _check(self, row: SheetRow, stored: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        merged = {k: stored[k] for k in _DETAILS} | {k: v for k, v in new.items() if k in _DETAILS}
        try:
            self.tracker.validate(Details(**merged), self.now if "interviewed_on" in new else None)
        except FieldError as exc:
            raise self.sheet.fail(row.line, COLUMN_OF[exc.field], exc.message) from None
        days = (("emailed", "email", new.get("emailed_on")), ("replied", "reply", row.replied_on))
        for column, what, on in days:
            if on is not None and (column == "emailed" or "status" in new):
                try:
                    self.tracker.check_day(what, on, merged["interviewed_on"], self.now)
                except UsageError as exc:
                    raise self.sheet.fail(row.line, column, exc.message) from None
