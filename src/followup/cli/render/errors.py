"""A failure in the command line's words: the core's typed errors name fields and states,
and are worded here with the options and commands a user types; and the one JSON object a
failure prints with ``--json``.
"""

from __future__ import annotations

from followup.errors import (
    ColumnsMissing,
    FieldNotAllowed,
    FieldRequired,
    FollowupError,
    NoEmailToCorrect,
    NothingToChange,
    OutOfRange,
    UnknownFormat,
)
from followup.lifecycle.validation import UnknownSubdivision

#: The option that gives each field or argument the core names, as its help shows it.
OPTIONS = {"reply_expected_on": "--expect DATE", "outcome": "--outcome", "days": "--days"}


def _option(field: str, *, metavar: bool = True) -> str:
    option = OPTIONS.get(field, field)
    return option if metavar else option.split(" ")[0]


def words(exc: FollowupError) -> str:
    """``exc``'s message as the command line says it (the text after ``error:``)."""
    if isinstance(exc, FieldRequired):
        if exc.condition is None:
            return f"{_option(exc.field)} {exc.message.split(' ', 1)[1]}"
        field, value = exc.condition
        return f"{_option(exc.field)} is required with {_option(field, metavar=False)} {value}"
    if isinstance(exc, FieldNotAllowed):
        field, value = exc.condition
        return (
            f"{_option(exc.field, metavar=False)} goes only with "
            f"{_option(field, metavar=False)} {value}, not {exc.actual!r}"
        )
    if isinstance(exc, OutOfRange):
        return f"{_option(exc.field)} {exc.value}: must be between {exc.low} and {exc.high}"
    if isinstance(exc, NothingToChange):
        return "nothing to change: give at least one option, e.g. --role"
    if isinstance(exc, NoEmailToCorrect):
        return f"{exc.message}; record one with: followup emailed {exc.interview_id} --on DATE"
    if isinstance(exc, UnknownFormat):
        return f"{exc.message.rsplit(', ', 1)[0]} or .{exc.formats[-1]}, or give --format"
    if isinstance(exc, UnknownSubdivision):
        return f"{exc.message}; see 'followup countries {exc.country}'"
    if isinstance(exc, ColumnsMissing) and exc.unsure:
        return f"{exc.message[:-1]}: see 'followup import --dry-run')"
    return exc.message


def error_json(code: str, message: str) -> str:
    """``{"error": {"code": CODE, "message": TEXT}}`` on one line: what a failure prints
    on standard error with ``--json`` (the codes: :class:`followup.errors.Code`)."""
    import json

    return json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
