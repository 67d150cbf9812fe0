"""Exports: which format a user asked for, and the file's bytes in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from followup.errors import UnknownFormat
from followup.lifecycle.service import Tracker

FORMATS = ("ics", "json", "csv")


@dataclass(frozen=True)
class Export:
    data: bytes
    format: str
    #: How many things it holds, and what they are ("interviews", "events"), to say so.
    count: int
    noun: str


def format_for(path: Path | None, given: str | None) -> str:
    """The format ``given``, else the one ``path``'s suffix names, else JSON (the backup)."""
    if given:
        return given
    if path is None:
        return "json"
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise UnknownFormat(str(path), suffix, FORMATS)
    return suffix


def export(tracker: Tracker, fmt: str, now: datetime) -> Export:
    """Every interview in ``fmt``; ``now`` stamps a backup (the other formats hold no
    stamp, so that an unchanged store gives an unchanged file)."""
    if fmt == "ics":
        from followup.transfer.ics import render_feed

        data = render_feed(tracker)
        return Export(data, fmt, data.count(b"BEGIN:VEVENT"), "events")
    records = tracker.records()
    if fmt == "json":
        from followup.transfer.backup import dump

        return Export(dump(records, now), fmt, len(records), "interviews")
    from followup.transfer.spreadsheet.writing import render_csv

    return Export(
        render_csv(records, tracker.config.calendar.zone), fmt, len(records), "interviews"
    )
