"""The sheet's columns as followup writes them, each one's field, and cells a spreadsheet
program would run as formulas, kept from it (OWASP's advice on CSV injection): writing puts
a leading ``'`` before such a cell and reading removes it, so that an export imports
losslessly.
"""

from __future__ import annotations

from followup.rules import Status

#: The columns written, in order; reading knows each by these names too.
HEADERS = (
    "company",
    "role",
    "contact",
    "email",
    "interviewed",
    "expected",
    "emailed",
    "replied",
    "status",
    "outcome",
    "country",
    "subdivision",
    "notes",
)

#: The status column's word for each status: its label.
STATUS_WORDS = {s: s.label for s in Status}

#: Each sheet column's field among an interview's (:class:`followup.values.Details`) and the
#: other columns.
_FIELDS = {
    "company": "company",
    "role": "role",
    "contact": "contact_name",
    "email": "contact_email",
    "interviewed": "interviewed_on",
    "expected": "reply_expected_on",
    "emailed": "emailed_on",
    "replied": "replied_on",
    "status": "status",
    "outcome": "outcome",
    "country": "country",
    "subdivision": "subdivision",
    "notes": "notes",
}
COLUMN_OF = {v: k for k, v in _FIELDS.items()}

#: What a cell may start with that a spreadsheet program runs as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet runs as a formula: one ``'`` put before a
    value that starts (after any ``'`` already there) with ``=``, ``+``, ``-``, ``@``, a tab
    or a carriage return; other values unchanged. :func:`unneutralise` undoes it."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def unneutralise(text: str) -> str:
    """The value :func:`neutralise` made ``text`` from: exactly one ``'`` removed where one
    was put."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text
