"""The interviews written as a sheet: one row per interview under fixed headers, ISO dates
and status words, every text cell kept from running as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from followup.rules import Status
from followup.stats import last_reply_day
from followup.transfer.spreadsheet.columns import HEADERS, STATUS_WORDS, neutralise

if TYPE_CHECKING:
    from followup.records import Record


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
