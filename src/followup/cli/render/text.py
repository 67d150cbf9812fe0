"""What every piece of the CLI's text is made of: days and times as shown, the reminder's
words, terminal widths, and tables whose user data cannot fake a row or an escape."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo

from followup.lifecycle.validation import visible
from followup.rules import Kind, Reminder, long_day, short_day
from followup.values import InterviewView


def when(at: datetime) -> str:
    """An instant as the reminders show it, in its own zone: "Tue 1 Dec 2026 09:00 EST"."""
    return f"{at:%a} {at.day} {at:%b %Y %H:%M %Z}"


def _instant(at: datetime | str, zone: tzinfo) -> datetime | None:
    """``at`` (an aware datetime, or ISO 8601 text as the daemon's state file keeps it, in
    UTC) in ``zone``, to the second; None for text that is not an instant."""
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(zone).replace(microsecond=0)


def instant_json(at: datetime | str | None, zone: tzinfo) -> str | None:
    """An instant as ``--json`` prints it: ISO 8601 in the user's ``zone``, to the second,
    with its offset ("2026-12-06T14:16:40-08:00"); None stays None, and text that is not
    an instant is kept as it is."""
    if at is None:
        return None
    local = _instant(at, zone)
    return local.isoformat() if local else str(at)


def instant_text(at: datetime | str, zone: tzinfo) -> str:
    """An instant as the other lines show it, in the user's ``zone``: "Sun 6 Dec 2026
    14:16 PST" (:func:`when`); text that is not an instant is kept as it is."""
    local = _instant(at, zone)
    return when(local) if local else str(at)


def reminder_text(reminder: Reminder | None) -> str:
    """A reminder as shown: "email, Tue 1 Dec 2026 09:00 EST"; "-" for none."""
    if reminder is None:
        return "-"
    return f"{Kind(reminder.kind).label}, {when(reminder.at)}"


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
                c if text_width(c) <= widths.get(i, text_width(c)) else cut(c, widths[i])
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


def cut(text: str, width: int) -> str:
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


def due_since(at: datetime, now: datetime) -> str:
    """A reminder shown and not acted on: "due since Tue 1 Dec", with the year when that
    day is not in ``now``'s year ("due since Mon 6 Jan 2025")."""
    day = at.date()
    return f"due since {short_day(day) if day.year == now.year else long_day(day)}"


def short_when(at: datetime) -> str:
    """An instant without the year and zone: "Tue 1 Dec 09:00"."""
    return f"{at:%a} {at.day} {at:%b %H:%M}"


def to_do(kind: Kind | str, company: str) -> str:
    """What a reminder asks: "email Acme", "move on from Acme"."""
    return f"email {company}" if Kind(kind) is Kind.EMAIL else f"move on from {company}"


def labelled(text: str, label: str = "warning") -> str:
    """A warning or a note as printed on standard error: "warning: ..." or "note: ..."."""
    return f"{label}: {visible(text)}"


def no_such_file(source: str) -> str:
    """A file named on the command line that does not exist."""
    return f"no such file: {source!r}"


def cannot_read(source: str, reason: object) -> str:
    """A file named on the command line that could not be read, or decoded."""
    return f"cannot read {source!r}: {reason}"


def cannot_write_output(reason: object) -> str:
    """Standard output refused what was printed (a full disk behind ``> file``)."""
    return f"cannot write to standard output: {reason}"


def interrupted(saved: bool | str) -> str:
    """What Ctrl-C says: whether the command's change was saved before it (``saved``
    true), not (false: nothing was changed), or cannot be known (``"maybe"``: the
    interruption came while the store was saving it)."""
    if saved == "maybe":
        return (
            "interrupted while the change was being saved: it may or may not be saved; "
            "'followup list' shows which"
        )
    if saved:
        return "interrupted: the change was already saved"
    return "interrupted: nothing was changed"


def store_folder_missing(url: str, folder: object) -> str:
    return f"store.url {url!r}: the folder {folder} does not exist; nothing was created"


def store_file_missing(path: object) -> str:
    return (
        f"the store {path} (store.url) does not exist yet, so it holds nothing; "
        "'followup add' or 'followup import' creates it"
    )


def store_file_missing_for_change(path: object) -> str:
    return (
        f"the store {path} (store.url) does not exist; nothing was changed; "
        "'followup add' or 'followup import' creates it"
    )
