"""What reading a sheet gives: its columns, the headers it did not read and why, and its
rows, each an interview with every value checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from followup.errors import UsageError
from followup.rules import Status

if TYPE_CHECKING:
    from followup.records import Details


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
    """A sheet read from the file ``name``: which of its headers were read as which
    columns, which were not and why, its rows, and how its text and dates were read."""

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
        """The error for ``line`` of the sheet, naming ``column``'s header when it has one:
        ``"FILE line N, column 'Header': reason"``."""
        header = self.header(column) if column else None
        where = f"{self.name} line {line}" + (f", column {header!r}" if header else "")
        return UsageError(f"{where}: {reason}")


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
