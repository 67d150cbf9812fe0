"""What any text, date or id must be before followup keeps it, whichever door it came in by.

The command line, the config file, spreadsheets and JSON backups all pass their values
through these checks, so that one bound holds everywhere and every store (SQLite, which
does not enforce ``VARCHAR(n)``, and PostgreSQL, which does) sees only values it can keep.
Each check raises :class:`~followup.errors.UsageError` naming the field and showing the bad
value with :func:`shown`, which never lets a control character reach the terminal.

The middle part checks a whole interview (:func:`validate`, :func:`check_event_day`,
:func:`pin_country`): the one set of checks every stored interview passes, whether it came
from a command, a spreadsheet or a backup. The last part makes text safe for where it leaves
to: a terminal (:func:`visible`) and a one-line field such as a mail header or a
notification title (:func:`one_line`). Pure functions only: nothing here reads a file, the
store or the clock ("today" comes in as an argument).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date
from typing import TYPE_CHECKING

from followup.cleaning import for_dbus as for_dbus
from followup.cleaning import one_line as one_line
from followup.cleaning import visible as visible
from followup.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from followup.records import Details

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")

#: The longest value of each text field, in characters; ``store/models.py`` declares the
#: same lengths (a test compares them), so PostgreSQL's ``VARCHAR(n)`` never refuses a
#: value this module let through. 320 is the longest address RFC 5321 allows (64 + 1 + 255).
MAX_LENGTH: dict[str, int] = {
    "company": 200,
    "role": 200,
    "contact_name": 200,
    "contact_email": 320,
    "country": 3,
    "subdivision": 10,
    "notes": 10_000,
    "reply_expected_words": 200,
}
#: Fields that may hold line breaks (and tabs); every other field is one line.
MULTILINE = frozenset({"notes"})
#: The longest of them: also the longest cell a spreadsheet may hold (the CSV reader's
#: field limit), since no cell followup writes is longer.
LONGEST = max(MAX_LENGTH.values())

#: Promised, interview, email and reply days must fall in these years. A day a person means
#: is close to today; year 1 or 9999 is a slip of the keyboard, and the business-day rules
#: would count holidays of centuries the holiday tables were never meant for. 2100 keeps
#: every date plus any count of business days far inside what Python's ``date`` and every
#: store can hold.
FIRST_YEAR, LAST_YEAR = 1990, 2100
#: Interview ids are declared ``INTEGER``: 32 bits on PostgreSQL, so that is the bound on
#: every store (SQLite's own limit is 2**63 - 1).
MAX_ID = 2**31 - 1

#: The largest config file read: a real one is a few hundred bytes.
CONFIG_MAX_BYTES = 1 << 20
#: The longest string value in the config (a signature, a path, a store URL).
CONFIG_TEXT_MAX = 2_000
#: The largest file ``import`` reads: 64 MiB holds several hundred thousand interviews.
IMPORT_MAX_BYTES = 64 << 20
#: The deepest nesting of lists and tables read from a config file or a backup (a backup
#: needs 5: document, interviews, interview, events, event details).
MAX_NESTING = 16

_LABELS = {
    "company": "company",
    "role": "role",
    "contact_name": "contact name",
    "contact_email": "email address",
    "country": "country",
    "subdivision": "subdivision",
    "notes": "note",
    "reply_expected_words": "promised day's words",
}
_SHOWN_MAX = 60


def shown(value: str) -> str:
    """``value`` quoted for an error message: every control, format or unpaired surrogate
    character escaped (``repr`` rules), long values cut to their first characters."""
    if len(value) > _SHOWN_MAX:
        return f"{value[:_SHOWN_MAX]!r}... ({len(value):,} characters)"
    return repr(value)


def bad_character(text: str, *, multiline: bool = False) -> str | None:
    """What is wrong with ``text`` as stored text, or None: a lone surrogate (bytes that
    were not UTF-8, as Python decodes them from a command line or a file name), or a
    control character (C0, DEL, C1: terminal escapes, NUL, a carriage return) other than a
    line break or tab where ``multiline`` allows them."""
    for position, char in enumerate(text, 1):
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            return f"is not valid UTF-8 text (undecodable byte at character {position})"
        if unicodedata.category(char) == "Cc" and not (multiline and char in "\n\t"):
            return f"contains the control character U+{code:04X} at character {position}"
    return None


def check_text(field: str, value: str, *, limit: int | None = None) -> str:
    """``value`` stripped, or UsageError: a bad character, or longer than the field's bound
    (``MAX_LENGTH[field]``, or ``limit``). ``field`` is a key of :data:`MAX_LENGTH` or a
    config key; its label names it in the message."""
    label = _LABELS.get(field, field)
    problem = bad_character(value, multiline=field in MULTILINE)
    if problem is not None:
        raise UsageError(f"{label} {shown(value)} {problem}")
    value = value.strip()
    bound = limit if limit is not None else MAX_LENGTH.get(field)
    if bound is not None and len(value) > bound:
        raise UsageError(f"{label} {shown(value)} is longer than {bound:,} characters")
    return value


def check_email(value: str) -> str:
    """A single plain address (``name@example.com``), checked with the standard library's
    RFC 5322 parser; raises UsageError for anything else (a display name, angle brackets, a
    second address, a control character). A local part in Unicode (``jürgen@müller-bau.de``,
    RFC 6531, which lets any non-ASCII character stand where a letter may) is checked with
    each such character read as a letter, since the parser knows RFC 5322 alone."""
    value = check_text("contact_email", value)
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    local, _at, domain = value.rpartition("@")
    spec = "".join(c if c.isascii() else "a" for c in local) + _at + domain
    try:
        address = Address(addr_spec=spec)
        plain = (
            _EMAIL.fullmatch(value) is not None
            and not any(c in value for c in '<>,;"()[]\\')
            and address.addr_spec == spec
        )
    except (HeaderParseError, ValueError, IndexError):
        plain = False
    if not plain:
        raise UsageError(f"invalid email address {shown(value)}")
    return value


def check_day(what: str, day: date) -> date:
    """``day`` when its year is within :data:`FIRST_YEAR`..:data:`LAST_YEAR`; raises
    UsageError naming ``what`` (``expected date``, ``email date``) and the day."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise UsageError(
            f"{what} {day.isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR} "
            "followup accepts"
        )
    return day


def check_id(value: int, what: str = "interview id") -> int:
    """An id from 1 to :data:`MAX_ID`, else UsageError."""
    if not 1 <= value <= MAX_ID:
        raise UsageError(f"{what} {value} is outside 1-{MAX_ID}")
    return value


def too_large(name: str, limit: int) -> UsageError:
    """The one message for a file over its size limit."""
    return UsageError(f"{name}: larger than {limit >> 20} MiB, the most followup reads")


def nesting(value: object, limit: int = MAX_NESTING) -> int:
    """How deeply lists and dicts nest in ``value`` (a scalar: 0), counting at most to
    ``limit + 1`` so that a hostile document costs no more than a legal one."""
    depth, level = 0, [value]
    while level and depth <= limit:
        children: list[object] = []
        for item in level:
            if isinstance(item, dict):
                children.extend(item.values())
            elif isinstance(item, list):
                children.extend(item)
        if not children and not any(isinstance(i, (dict, list)) for i in level):
            break
        depth += 1
        level = children
    return depth


# -- a whole interview -------------------------------------------------------------------


class FieldError(UsageError):
    """A value no interview may hold; ``field`` names the :class:`Details` field, so that an
    import can point at the column or key it came from."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UnknownSubdivision(FieldError):
    """A subdivision ``country`` has not: the command line points at the list of those it
    has."""

    def __init__(self, message: str, country: str) -> None:
        super().__init__("subdivision", message)
        self.country = country


def pin_country(details: Details, home_country: str | None, cache: Path | None = None) -> Details:
    """Codes in their stored spelling whatever the case typed (``us`` -> ``US``, ``ca``
    -> ``CA``); a subdivision given alone belongs to the config's country of today
    (``home_country``): store that country too, so that a later change of config cannot
    give it another meaning. ``cache`` is the known-days cache folder, which answers for the
    places it holds without importing ``holidays``."""
    from followup.places import canonical_place, canonical_subdivision

    country, subdivision = canonical_place(details.country, details.subdivision, cache)
    if subdivision is not None and country is None:
        country = home_country
        subdivision = canonical_subdivision(country, subdivision, cache)
    if (country, subdivision) == (details.country, details.subdivision):
        return details
    return details._replace(country=country, subdivision=subdivision)


def validate(d: Details, home_country: str | None, cache: Path | None = None) -> None:
    """The checks every stored interview passes, however it came in (a command, an
    import); raises FieldError naming the field and the bad value. A subdivision without a
    country is one of ``home_country``, the config's."""
    if not d.company or not d.company.strip():
        raise FieldError("company", "the company name must not be empty")
    if all(_plain_name(v) for v in (d.country, d.subdivision)):
        _check_interview_place(
            d, home_country, cache
        )  # a mistyped name ("Germnay") gets its suggestion
    for name in MAX_LENGTH:
        value = getattr(d, name)
        if value is None:
            continue
        try:
            if name == "contact_email":
                check_email(value)
            else:
                check_text(name, value)
        except UsageError as exc:
            raise FieldError(name, exc.message) from None
    for name, what in (
        ("interviewed_on", "interview date"),
        ("reply_expected_on", "expected date"),
    ):
        day = getattr(d, name)
        if day is not None:
            try:
                check_day(what, day)
            except UsageError as exc:
                raise FieldError(name, exc.message) from None
    if d.reply_expected_on is not None:
        try:
            not_before_interview("expected", d.reply_expected_on, d.interviewed_on)
        except UsageError as exc:
            raise FieldError("reply_expected_on", exc.message) from None
    _check_interview_place(d, home_country, cache)


def check_event_day(what: str, day: date, interviewed: date | None, today: date) -> None:
    """A day something happened (an ``email``, a ``reply``) is neither after ``today``
    (the user's) nor before the interview, nor outside the years followup accepts; raises
    UsageError naming the day."""
    check_day(f"{what} date", day)
    if day > today:
        raise UsageError(f"{what} date {day.isoformat()} is in the future")
    not_before_interview(what, day, interviewed)


def interview_not_in_future(day: date | None, today: date) -> None:
    """An interview day is one that has come (``today`` is the user's): a day still to
    come cannot be counted from, and a reply before it could not be recorded; raises
    FieldError naming ``interviewed_on`` and the day."""
    if day is not None and day > today:
        raise FieldError("interviewed_on", f"interview date {day.isoformat()} is in the future")


def not_before_interview(what: str, day: date, interviewed: date | None) -> None:
    """UsageError when ``day`` (``what``: "email", "expected") is before the interview."""
    if interviewed is not None and day < interviewed:
        raise UsageError(
            f"{what} date {day.isoformat()} is before the interview date {interviewed.isoformat()}"
        )


def _check_interview_place(d: Details, home_country: str | None, cache: Path | None) -> None:
    if d.country is not None or d.subdivision is not None:
        from followup.places import canonical_country

        country = canonical_country(d.country) or home_country
        for name, subdivision in (("country", None), ("subdivision", d.subdivision)):
            try:
                _check_place(country, subdivision, cache)
            except ConfigError as exc:
                message = exc.message.removeprefix("interview: ")
                if subdivision is not None and country and message.startswith("unknown subd"):
                    raise UnknownSubdivision(message, country) from None
                raise FieldError(name, message) from None


def _plain_name(value: str | None) -> bool:
    """Whether ``value`` is absent or short plain text: a place code or a place's name,
    which the place check answers better than a length check ("did you mean DE")."""
    return value is None or (len(value) <= 64 and bad_character(value) is None)


@functools.lru_cache(maxsize=256)
def _check_place(country: str | None, subdivision: str | None, cache: Path | None) -> None:
    """check_place, remembered: an import checks the same few places thousands of times."""
    from followup.business_days import check_place

    check_place(country, subdivision, "interview", cache)


# -- leaving -----------------------------------------------------------------------------
