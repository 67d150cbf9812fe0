"""What ``export`` and ``import`` say: the file written, and for a file read, its encoding
and columns, what was read another way or assumed, one line per interview, and the sum."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from followup.cleaning import visible
from followup.cli.render.text import cut
from followup.rules import Status, long_day

if TYPE_CHECKING:
    from followup.store.restore import Restored
    from followup.transfer.exporter import Export
    from followup.transfer.importer import ImportReport, RowReport
    from followup.transfer.spreadsheet.sheet import Sheet


def exported_text(export: Export, path: str, written: bool) -> str:
    """What ``export -o FILE`` says: what was written where, or that the file was
    already up to date (``written`` false: nothing changed)."""
    what = f"{export.count} {export.noun if export.count != 1 else export.noun[:-1]}"
    if not written:
        return f"{path} is already up to date: {what} ({export.format})."
    return f"Wrote {what} to {path} ({export.format})."


def restored_text(done: Restored) -> str:
    """What ``restore`` says: what the store holds now, and where the store as it was went
    (or that it was empty)."""
    count = f"{done.interviews} interview{'s' if done.interviews != 1 else ''}"
    before = (
        f"the store as it was is saved as {done.saved}; 'followup restore {done.saved}' "
        "puts it back"
        if done.saved
        else "the store was empty, so no copy of it was kept"
    )
    return visible(f"Restored {count} from {done.backup} into {done.store}; {before}.")


def restore_needs_backup(name: str) -> str:
    """``restore`` given a sheet (or anything neither JSON nor SQLite)."""
    return (
        f"{name} is not a backup (neither a JSON backup nor a copy of the store); "
        f"to add the interviews of a sheet, use: followup import {name}"
    )


def restore_needs_file() -> str:
    """``restore`` with a store on a database server."""
    return (
        "restore replaces an SQLite store file; with a database server, import the JSON "
        "backup into an empty database instead: followup import FILE"
    )


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
        kept = f"; status stays {Status(stored).label} (the sheet says {sheet!r})"
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
    if r.expected_words is not None:
        text += f" ({r.expected_words!r})"
    if r.status != Status.WAITING:
        text += f", {Status(r.status).label}" + (f" ({r.outcome})" if r.outcome else "")
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
        return Status(value).label
    text = repr(value)
    return text if len(text) <= 40 else cut(text, 39) + text[-1]


def import_json(report: ImportReport) -> dict[str, Any]:
    """``import --json``: the file, its format and columns (a sheet: its encoding and what
    was read another way), the counts, and one object per row."""
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
