"""JSON backups: every interview whole (its columns, its history and its reminder ledger), so
that a restore into an empty store gives back exactly the same data.

A ledger row names the machine that showed the reminder (``machine_id`` and ``machine``,
its name) when it has one; a row without them counts as shown on every machine. A row of a
channel other than the desktop names it (``channel``: ``"apprise"``); one without is the
desktop's.

The file is one object: ``{"followup_backup": 2, "schema": ..., "exported_at": ...,
"interviews": [...]}``. ``followup_backup`` is the version of this layout, which a reader
must know; ``schema`` names the database revision it came from, for the curious. The plan
cache is left out: it follows from the data and the config of whoever restores it.

Reading checks the whole file before anything is stored, and every error names its place
in the file (``backup.json: interviews[3].reply_expected_on: unreadable date ...``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from followup.errors import UsageError
from followup.lifecycle import validation
from followup.lifecycle.service import Tracker
from followup.lifecycle.validation import MAX_NESTING, FieldError, nesting
from followup.machine import MAX_NAME
from followup.records import Details, Record, ShownEntry
from followup.rules import Kind, Status
from followup.store import HEAD_REVISION
from followup.values import DESKTOP, OUTCOMES, PLAN_COLUMNS, HistoryEntry

MARKER = "followup_backup"
#: 2 adds ``reply_expected_words`` (the words a promise was given in); a version 1 file
#: (without it) reads as before.
VERSION = 2

#: The interview's keys in the file, in the order written; the plan cache is not among them.
_TEXT = (
    "company",
    "role",
    "contact_name",
    "contact_email",
    "country",
    "subdivision",
    "notes",
    "reply_expected_words",
)
_DAYS = ("interviewed_on", "reply_expected_on", "emailed_on", "snoozed_to")
_STAMPS = ("created_at", "updated_at")
_REQUIRED = frozenset({"id", "company", "reply_expected_on", "status", *_STAMPS})
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A channel's name as the registry spells them (``followup.channels.registry``).
_CHANNEL = re.compile(r"[a-z][a-z0-9_]{0,19}")
_MACHINE_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def dump(records: Sequence[Record], now: datetime) -> bytes:
    """The backup of ``records`` (from :meth:`Tracker.records`), stamped ``now``."""
    document = {
        MARKER: VERSION,
        "schema": HEAD_REVISION,
        "exported_at": stamp(now),
        "interviews": [_interview(r) for r in records],
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def stamp(at: datetime) -> str:
    """An instant in full: UTC, microseconds and offset, so that it reads back equal."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _interview(record: Record) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.columns.items():
        if key in PLAN_COLUMNS:
            continue
        if isinstance(value, datetime):
            out[key] = stamp(value)
        elif isinstance(value, date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    out["events"] = [
        {"at": stamp(e.at), "kind": e.kind, "details": dict(e.details)} for e in record.events
    ]
    out["shown_reminders"] = [_showing(r) for r in record.shown]
    return out


def _showing(entry: ShownEntry) -> dict[str, Any]:
    """A ledger row; the machine that showed it only when there is one (a row without one
    counts on every machine, and reads back so)."""
    out = {"kind": entry.kind, "due_at": stamp(entry.due_at), "shown_at": stamp(entry.shown_at)}
    if entry.machine_id is not None:
        out["machine_id"] = entry.machine_id
        out["machine"] = entry.machine_name or entry.machine_id[:8]
    if entry.channel != DESKTOP:
        out["channel"] = entry.channel
    return out


def read(data: bytes, name: str, tracker: Tracker) -> list[Record]:
    """Every interview of the backup ``data`` (read from ``name``), checked through and
    through: the layout and its version, every value's type and form, and the checks the
    Tracker makes of any interview. Raises UsageError naming the place of the first fault.
    """
    try:
        document = json.loads(data)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{name}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except RecursionError:
        raise UsageError(f"{name}: nested more than {MAX_NESTING} levels deep") from None
    if nesting(document) > MAX_NESTING:
        raise UsageError(f"{name}: nested more than {MAX_NESTING} levels deep")
    if not isinstance(document, dict) or MARKER not in document:
        raise UsageError(f"{name}: not a followup backup (no {MARKER!r} key at the top)")
    version = document[MARKER]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise UsageError(f"{name}: {MARKER}: unreadable version {version!r}")
    if version > VERSION:
        raise UsageError(
            f"{name}: backup version {version} is newer than this followup reads "
            f"({VERSION}); upgrade followup"
        )
    unknown = sorted(set(document) - {MARKER, "schema", "exported_at", "interviews"})
    if unknown:
        raise UsageError(f"{name}: unknown key {unknown[0]!r}")
    interviews = document.get("interviews")
    if not isinstance(interviews, list):
        raise UsageError(f"{name}: interviews: must be a list, not {_kind(interviews)}")
    reader = _Reader(name, tracker)
    records = [reader.interview(item, f"interviews[{i}]") for i, item in enumerate(interviews)]
    first: dict[int, int] = {}
    for i, record in enumerate(records):
        number = record.columns["id"]
        if number in first:
            raise UsageError(
                f"{name}: interviews[{i}].id: {number} is also the id of "
                f"interviews[{first[number]}]"
            )
        first[number] = i
    return records


class _Reader:
    """Reads one value at a time, each error prefixed with the file and the value's path."""

    def __init__(self, name: str, tracker: Tracker) -> None:
        self.name = name
        self.tracker = tracker

    def fail(self, where: str, reason: str) -> UsageError:
        return UsageError(f"{self.name}: {where}: {reason}")

    def object(self, value: Any, where: str, known: Sequence[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"must be an object, not {_kind(value)}")
        unknown = [key for key in value if key not in known]
        if unknown:
            raise self.fail(where, f"unknown key {unknown[0]!r}")
        return value

    def interview(self, value: Any, where: str) -> Record:
        keys = ("id", *_TEXT, *_DAYS, "status", "outcome", *_STAMPS)
        item = self.object(value, where, (*keys, "events", "shown_reminders"))
        missing = [key for key in keys if key in _REQUIRED and key not in item]
        if missing:
            raise self.fail(where, f"no {missing[0]!r}")
        number = item["id"]
        if (
            not isinstance(number, int)
            or isinstance(number, bool)
            or not 1 <= number <= validation.MAX_ID
        ):
            raise self.fail(
                f"{where}.id",
                f"must be a whole number from 1 to {validation.MAX_ID}, not {number!r}",
            )
        columns: dict[str, Any] = {"id": number}
        for key in keys[1:]:
            raw = item.get(key)
            at = f"{where}.{key}"
            if key in _TEXT:
                columns[key] = self.text(raw, at)
            elif key in _DAYS:
                columns[key] = None if raw is None else self.day(raw, at)
            elif key in _STAMPS:
                columns[key] = self.stamp(raw, at)
            elif key == "status":
                columns[key] = self.choice(raw, at, [s.value for s in Status])
            else:
                columns[key] = None if raw is None else self.choice(raw, at, OUTCOMES)
        if columns["reply_expected_on"] is None:
            raise self.fail(f"{where}.reply_expected_on", "must be a date, not null")
        if columns["status"] == Status.EMAILED and columns["emailed_on"] is None:
            raise self.fail(f"{where}.emailed_on", "status 'emailed' needs the day of the email")
        details = Details(**{k: columns[k] for k in Details._fields})
        try:
            self.tracker.validate(details)
        except FieldError as exc:
            raise self.fail(f"{where}.{exc.field}", exc.message) from None
        events = self.list(item.get("events", []), f"{where}.events")
        shown = self.list(item.get("shown_reminders", []), f"{where}.shown_reminders")
        return Record(
            columns,
            tuple(self.event(e, f"{where}.events[{i}]") for i, e in enumerate(events)),
            self.ledger(shown, f"{where}.shown_reminders"),
        )

    def event(self, value: Any, where: str) -> HistoryEntry:
        item = self.object(value, where, ("at", "kind", "details"))
        kind = item.get("kind")
        if (
            not isinstance(kind, str)
            or not kind
            or len(kind) > 20
            or validation.bad_character(kind) is not None
        ):
            raise self.fail(f"{where}.kind", f"must be a word, not {kind!r}")
        details = item.get("details") or {}
        if not isinstance(details, dict):
            raise self.fail(f"{where}.details", f"must be an object, not {_kind(details)}")
        return HistoryEntry(self.stamp(item.get("at"), f"{where}.at"), kind, details)

    def ledger(self, values: list[Any], where: str) -> tuple[ShownEntry, ...]:
        entries: list[ShownEntry] = []
        for i, value in enumerate(values):
            at = f"{where}[{i}]"
            item = self.object(
                value, at, ("kind", "due_at", "shown_at", "machine_id", "machine", "channel")
            )
            machine_id, name = self.machine(item, at)
            channel = item.get("channel", DESKTOP)
            if not isinstance(channel, str) or not _CHANNEL.fullmatch(channel):
                raise self.fail(f"{at}.channel", f"must be a channel's name, not {channel!r}")
            entry = ShownEntry(
                self.choice(item.get("kind"), f"{at}.kind", [k.value for k in Kind]),
                self.stamp(item.get("due_at"), f"{at}.due_at"),
                self.stamp(item.get("shown_at"), f"{at}.shown_at"),
                machine_id,
                name,
                channel,
            )
            same = (entry.kind, entry.due_at, entry.machine_id, entry.channel)
            if any((e.kind, e.due_at, e.machine_id, e.channel) == same for e in entries):
                raise self.fail(at, "the same reminder is in the ledger twice")
            entries.append(entry)
        return tuple(entries)

    def machine(self, item: Mapping[str, Any], where: str) -> tuple[str | None, str | None]:
        """The machine of a ledger row, (id, name), or (None, None) for a row without one;
        a name needs an id."""
        machine_id, name = item.get("machine_id"), item.get("machine")
        if machine_id is None:
            if name is not None:
                raise self.fail(f"{where}.machine", "a machine's name needs its machine_id")
            return None, None
        if not isinstance(machine_id, str) or not _MACHINE_ID.fullmatch(machine_id):
            raise self.fail(f"{where}.machine_id", f"must be a machine's uuid, not {machine_id!r}")
        if name is None:
            return machine_id, None
        if (
            not isinstance(name, str)
            or not name.strip()
            or len(name) > MAX_NAME
            or validation.bad_character(name) is not None
        ):
            raise self.fail(
                f"{where}.machine",
                f"must be a machine's name (1 to {MAX_NAME} characters), not {name!r}",
            )
        return machine_id, name.strip()

    def list(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, f"must be a list, not {_kind(value)}")
        return value

    def text(self, value: Any, where: str) -> str | None:
        if value is not None and not isinstance(value, str):
            raise self.fail(where, f"must be text, not {_kind(value)}")
        return value

    def choice(self, value: Any, where: str, allowed: Sequence[str]) -> str:
        if value not in allowed:
            raise self.fail(where, f"unknown value {value!r} (one of: {', '.join(allowed)})")
        assert isinstance(value, str)
        return value

    def day(self, value: Any, where: str) -> date:
        if isinstance(value, str) and _ISO_DAY.fullmatch(value):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                pass
            else:
                try:
                    return validation.check_day("date", day)
                except UsageError as exc:
                    raise self.fail(where, exc.message) from None
        raise self.fail(where, f"unreadable date {value!r} (a date like 2026-11-23)")

    def stamp(self, value: Any, where: str) -> datetime:
        if isinstance(value, str):
            try:
                at = datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                if at.tzinfo is not None:
                    if not validation.FIRST_YEAR <= at.year <= validation.LAST_YEAR:
                        raise self.fail(
                            where,
                            f"{value!r} is outside the years {validation.FIRST_YEAR}-"
                            f"{validation.LAST_YEAR} followup accepts",
                        )
                    return at.astimezone(UTC)
        raise self.fail(
            where, f"unreadable time {value!r} (a time with its UTC offset, as exported)"
        )


def _kind(value: Any) -> str:
    names: Mapping[type, str] = {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)
