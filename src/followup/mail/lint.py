"""The checker: finds phrases in an email that read as pressing, accusing, anxious or
threatening, and says what to do instead.

The rules are data, in ``followup/data/lint_rules.toml``: each has a category, a suggestion
and regular expressions written over a normalised copy of the text (lower case, straight
apostrophes and quotes, every run of white space one space). Matching on that copy makes
the rules tolerate case, curly apostrophes and phrases broken across lines; a map from the
copy back to the original gives each finding's line and column. The user's own phrases
(``[lint] extra_phrases``) are matched literally, the same tolerant way.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from followup.config import LintPhrase

CATEGORIES = ("pressing", "accusing", "anxious", "threatening")

_SAME = {
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark (the curly apostrophe)
    "\u201a": "'",  # single low-9 quotation mark
    "\u201b": "'",  # single high-reversed-9 quotation mark
    "\u02bc": "'",  # modifier letter apostrophe
    "\u2032": "'",  # prime
    "\uff07": "'",  # fullwidth apostrophe
    "`": "'",
    "\u00b4": "'",  # acute accent, typed as an apostrophe
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\uff02": '"',
    "\uff01": "!",  # fullwidth exclamation mark
    "\uff1f": "?",  # fullwidth question mark
}


@dataclass(frozen=True)
class Rule:
    category: str
    patterns: tuple[re.Pattern[str], ...]
    suggestion: str


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.category for r in self.rules))


@dataclass(frozen=True)
class Finding:
    """A flagged phrase: 1-based line and column of its start in the original text; the
    phrase as written there, with line breaks folded to single spaces."""

    line: int
    column: int
    category: str
    phrase: str
    suggestion: str


class RulesError(Exception):
    """The packaged rules file is broken (a bug in the package, not the user's doing)."""


def load_rules(extra: Sequence[LintPhrase] = ()) -> Rules:
    """The built-in rules, followed by one literal rule per extra phrase."""
    own = tuple(
        Rule(p.category, (phrase_pattern(p.phrase),), p.suggestion)
        for p in extra
        if p.phrase.strip()
    )
    return Rules(_builtin_rules() + own)


@cache
def _builtin_rules() -> tuple[Rule, ...]:
    source = resources.files("followup") / "data" / "lint_rules.toml"
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    rules: list[Rule] = []
    for number, item in enumerate(data.get("rule", []), 1):
        where = f"lint_rules.toml, rule {number}"
        category, suggestion, patterns = (
            item.get("category"),
            item.get("suggestion"),
            item.get("patterns"),
        )
        if category not in CATEGORIES:
            raise RulesError(f"{where}: category {category!r} is not one of {CATEGORIES}")
        if not isinstance(suggestion, str) or not suggestion.strip():
            raise RulesError(f"{where}: no suggestion")
        if not isinstance(patterns, list) or not patterns:
            raise RulesError(f"{where}: no patterns")
        compiled = []
        for pattern in patterns:
            try:
                compiled.append(re.compile(pattern))
            except (re.error, TypeError) as exc:
                raise RulesError(f"{where}: bad pattern {pattern!r}: {exc}") from None
        rules.append(Rule(category, tuple(compiled), suggestion))
    if not rules:
        raise RulesError("lint_rules.toml holds no rules")
    return tuple(rules)


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A literal phrase as a pattern over normalised text: any case, any apostrophe, any run
    of white space between its words; whole words at its ends."""
    text, _ = normalise(phrase.strip())
    body = r"\ ".join(re.escape(word) for word in text.split(" "))
    start = r"\b" if text[:1].isalnum() or text[:1] == "_" else ""
    end = r"\b" if text[-1:].isalnum() or text[-1:] == "_" else ""
    return re.compile(start + body + end)


def normalise(text: str) -> tuple[str, list[int]]:
    """The text in lower case, with straight apostrophes and quotes, each run of white space
    one space; and for each character of that copy, the offset in ``text`` it came from."""
    out: list[str] = []
    origin: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space:
                out.append(" ")
                origin.append(i)
            in_space = True
            continue
        in_space = False
        for low in _SAME.get(ch, ch).lower():
            out.append(low)
            origin.append(i)
    return "".join(out), origin


def lint(text: str, rules: Rules) -> list[Finding]:
    """Every flagged phrase in ``text``, in the order they appear. Overlapping matches of one
    category are reported once (the earliest; the longest of those starting together)."""
    flat, origin = normalise(text)
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for rule in rules.rules:
        for pattern in rule.patterns:
            for m in pattern.finditer(flat):
                if m.end() > m.start():
                    spans.setdefault(rule.category, []).append(
                        (m.start(), m.end(), rule.suggestion)
                    )
    findings: list[tuple[int, Finding]] = []
    for category, found in spans.items():
        found.sort(key=lambda s: (s[0], -s[1]))
        reach = -1
        for start, end, suggestion in found:
            if start < reach:
                continue
            reach = end
            first, last = origin[start], origin[end - 1] + 1
            line = text.count("\n", 0, first) + 1
            column = first - (text.rfind("\n", 0, first) + 1) + 1
            phrase = " ".join(text[first:last].split())
            findings.append((first, Finding(line, column, category, phrase, suggestion)))
    order = {c: i for i, c in enumerate(rules.categories)}
    findings.sort(key=lambda f: (f[0], order[f[1].category]))
    return [f for _, f in findings]


def finding_line(f: Finding) -> str:
    """``LINE:COL  category  "the phrase"  suggestion: ...``"""
    return f'{f.line}:{f.column}  {f.category}  "{f.phrase}"  suggestion: {f.suggestion}'
