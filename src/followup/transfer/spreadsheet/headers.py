"""Which field each of a sheet's headers means, by its words.

A header that is a known name of a field ("Hiring Manager", "Reply By") means it; else a
header means the field whose words it holds, a known name winning over a header that merely
contains a field's word. A header that could be two fields, one that another column claims
more exactly, or one that also names something followup does not keep ("Recruiter Phone")
is reported and not read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from followup.errors import ColumnsMissing, UsageError
from followup.transfer.spreadsheet.sheet import Sheet

#: Header names as people write them, compared without case, spaces or punctuation.
_SYNONYMS = {
    "company": ("Company", "Company Name", "Employer", "Organization", "Organisation"),
    "role": ("Role", "Position", "Job Title", "Title", "Job"),
    "contact": (
        "Contact",
        "Contact Name",
        "Recruiter",
        "Recruiter Name",
        "Interviewer",
        "Hiring Manager",
    ),
    "email": ("Email", "E-mail", "Contact Email", "Recruiter Email", "Email Address"),
    "interviewed": (
        "Interviewed",
        "Interviewed On",
        "Interview Date",
        "Date Interviewed",
        "Date Applied",
        "Applied",
    ),
    "expected": (
        "Expected",
        "Reply Expected On",
        "Expected Reply",
        "Reply By",
        "Follow Up Date",
        "Response Expected",
        "Decision Date",
        "Promised",
        "Promised Reply",
        "Reply Promised",
    ),
    "emailed": ("Emailed", "Emailed On", "Followed Up", "Follow-up Sent", "Date Emailed"),
    "replied": ("Replied", "Replied On", "Reply Date", "Response Date", "Heard Back On"),
    "status": ("Status", "Stage", "State"),
    "outcome": ("Outcome", "Result"),
    "country": ("Country",),
    "subdivision": ("Subdivision", "State/Province", "Region", "Province"),
    "notes": ("Notes", "Note", "Comments", "Comment"),
}
#: Words and phrases that make a header mean a field when no known name matches it whole,
#: compared as lower-case words. The date fields need a word that says which date.
_KEYWORDS = {
    "company": ("company", "employer", "organisation", "organization", "firm"),
    "role": ("role", "position", "title", "job", "vacancy", "opening"),
    "contact": ("contact", "recruiter", "interviewer", "hiring manager", "hr"),
    "email": ("email", "e mail", "mail address"),
    "interviewed": (
        "interviewed",
        "interview date",
        "date of interview",
        "interview on",
        "applied",
        "application date",
    ),
    "expected": (
        "expected",
        "reply by",
        "respond by",
        "response by",
        "answer by",
        "hear back by",
        "decision",
        "deadline",
        "response expected",
        "promised",
    ),
    "emailed": ("emailed", "followed up", "follow up sent", "email sent", "chased"),
    "replied": (
        "replied",
        "reply date",
        "date of reply",
        "response date",
        "responded",
        "heard back",
        "reply received",
    ),
    "status": ("status", "stage"),
    "outcome": ("outcome", "result"),
    "country": ("country",),
    "subdivision": ("subdivision", "province", "region"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
}
#: Fields that name a thing: a header naming one and also a kind of value ("Recruiter
#: Email", "Company Notes") means the value.
_ENTITIES = frozenset({"company", "role", "contact"})
#: Words that make a header something followup does not keep, whatever field word it
#: holds ("Recruiter Phone", "Company Website", "Job ID"); it is reported, not read.
_OTHER_WORDS = frozenset(
    {
        "phone",
        "telephone",
        "mobile",
        "salary",
        "pay",
        "url",
        "link",
        "website",
        "site",
        "linkedin",
        "location",
        "city",
        "id",
        "number",
        "size",
        "industry",
        "source",
    }
)
#: Score of a header that is a known name of a field, above any word match.
_EXACT = 100


def _normal(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.casefold())


def as_words(text: str) -> str:
    """``text`` as lower-case words: punctuation and underscores become spaces, and runs of
    spaces one (``"Follow-up_Sent!"`` is ``"follow up sent"``)."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


_COLUMNS = {_normal(name): column for column, names in _SYNONYMS.items() for name in names}


@dataclass(frozen=True)
class _Claim:
    """What one header could mean: its fields with their scores (a known name scores
    :data:`_EXACT`, a word match the number of words matched)."""

    header: str
    scores: dict[str, int]
    #: The header also names something followup does not keep.
    other: bool = False

    def best(self) -> tuple[str, ...]:
        top = max(self.scores.values(), default=0)
        return tuple(f for f, score in self.scores.items() if score == top)


def _claim(header: str) -> _Claim:
    exact = _COLUMNS.get(_normal(header))
    if exact is not None:
        return _Claim(header, {exact: _EXACT})
    words = f" {as_words(header.replace('-', ' '))} "
    scores: dict[str, int] = {}
    for column, phrases in _KEYWORDS.items():
        for phrase in phrases:
            if f" {phrase} " in words:
                scores[column] = max(scores.get(column, 0), len(phrase.split()))
    if any(column not in _ENTITIES for column in scores):
        scores = {c: n for c, n in scores.items() if c not in _ENTITIES}
    return _Claim(header, scores, other=bool(scores) and bool(set(words.split()) & _OTHER_WORDS))


def map_headers(headers: Sequence[str], name: str) -> Sheet:
    """The columns of the file ``name`` read from its ``headers`` (a :class:`Sheet` with no
    rows yet): each field from the header that claims it most exactly.

    Raises UsageError naming the file when two headers claim one field equally (which one
    is meant is not guessed), or when no header is read as the company or the expected
    reply date."""
    claims = [_claim(h.strip()) for h in headers]
    ignored = [c.header for c in claims if c.header and not c.scores]
    unclear: list[tuple[str, tuple[str, ...]]] = []
    bids: dict[str, list[tuple[int, str]]] = {}
    for claim in claims:
        best = claim.best()
        if not best:
            continue
        if claim.other or len(best) > 1:
            unclear.append((claim.header, best))
            continue
        bids.setdefault(best[0], []).append((claim.scores[best[0]], claim.header))
    chosen: dict[str, str] = {}
    for column, offers in bids.items():
        top = max(score for score, _h in offers)
        winners = [h for score, h in offers if score == top]
        if len(winners) > 1:
            raise UsageError(
                f"{name}: the columns {winners[0]!r} and {winners[1]!r} both mean {column}; "
                "rename or remove one"
            )
        chosen[winners[0]] = column
        unclear += [(h, (column,)) for score, h in offers if score != top]
    columns = [(c.header, chosen[c.header]) for c in claims if c.header in chosen]
    found = {c for _h, c in columns}
    missing = [
        what
        for column, what in (
            ("company", "company (e.g. 'Company', 'Employer')"),
            ("expected", "expected reply date (e.g. 'Expected', 'Reply By', 'Decision Date')"),
        )
        if column not in found
    ]
    if missing:
        listed = ", ".join(repr(h.strip()) for h in headers if h.strip()) or "none"
        unsure = [h for h, fields in unclear if set(fields) & {"company", "expected"}]
        raise ColumnsMissing(
            f"{name}: no column for the {' nor for the '.join(missing)}; the headers are: {listed}",
            unsure,
        )
    order = {h.strip(): i for i, h in enumerate(headers)}
    unclear.sort(key=lambda item: order[item[0]])
    return Sheet(name, tuple(columns), tuple(ignored), unclear=tuple(unclear))
