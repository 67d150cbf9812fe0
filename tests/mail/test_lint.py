"""Specification of the checker: every pressing, accusing, anxious or threatening sentence of
the corpus is flagged in its category, no polite one is, matching tolerates case, curly
apostrophes and line breaks, positions point into the text as written, and the user's own
phrases are flagged too.

The corpus lives in tests/corpus/: pressing.txt holds ``category<TAB>sentence`` lines,
polite.txt one polite follow-up sentence a line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from followup.config import LintPhrase
from followup.mail.lint import CATEGORIES, Finding, finding_line, lint, load_rules

CORPUS = Path(__file__).parent.parent / "corpus"
PRESSING = [
    tuple(line.split("\t"))
    for line in (CORPUS / "pressing.txt").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
POLITE = [line for line in (CORPUS / "polite.txt").read_text(encoding="utf-8").splitlines() if line]
RULES = load_rules()


def spots(text: str, rules: object = RULES) -> list[tuple[int, int, str, str]]:
    """(line, column, category, phrase) of every finding."""
    return [(f.line, f.column, f.category, f.phrase) for f in lint(text, rules)]  # type: ignore[arg-type]


# -- the corpus ----------------------------------------------------------------------------


def test_the_corpus_is_large_enough_and_covers_every_category() -> None:
    assert len(PRESSING) >= 40
    assert len(POLITE) >= 40
    for category in CATEGORIES:
        assert sum(1 for c, _ in PRESSING if c == category) >= 10, category
    assert {c for c, _ in PRESSING} == set(CATEGORIES)


@pytest.mark.parametrize(("category", "sentence"), PRESSING, ids=[s for _, s in PRESSING])
def test_every_pressing_sentence_is_flagged_in_its_category(category: str, sentence: str) -> None:
    assert category in {f.category for f in lint(sentence, RULES)}


@pytest.mark.parametrize("sentence", POLITE)
def test_no_polite_sentence_is_flagged(sentence: str) -> None:
    assert lint(sentence, RULES) == []


def test_the_polite_corpus_as_one_email_is_clean() -> None:
    assert lint("\n".join(POLITE), RULES) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "I look forward to hearing from you.",
        "I understand you have a lot on your plate.",
        "I'd appreciate knowing where you are in the process.",
        "While I have other opportunities, you remain my first choice.",
        "I wanted to follow up on my interview.",
        "Thank you again for your time.",
    ],
)
def test_the_sentences_the_issue_names_are_polite(sentence: str) -> None:
    assert sentence in POLITE
    assert lint(sentence, RULES) == []


# -- tolerant matching, exact positions -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I've been waiting to hear back.", (1, 1, "pressing", "I've been waiting")),
        ("I'VE BEEN WAITING to hear back.", (1, 1, "pressing", "I'VE BEEN WAITING")),
        ("I\u2019ve been waiting to hear back.", (1, 1, "pressing", "I\u2019ve been waiting")),
        ("I\u2018ve been waiting to hear back.", (1, 1, "pressing", "I\u2018ve been waiting")),
        ("Hello,\nI've been\nwaiting.", (2, 1, "pressing", "I've been waiting")),
        ("Hello,\r\n  I've   been\r\n\twaiting.", (2, 3, "pressing", "I've been waiting")),
        (
            "Hi,\n\nSo sorry, but it\u2019s\nbeen a WEEK.",
            (3, 15, "accusing", "it\u2019s been a WEEK"),
        ),
        ("Please reply\nasap", (2, 1, "pressing", "asap")),
        ("\u201cYou promised\u201d", (1, 2, "accusing", "You promised")),
        ("Why??\n", (1, 4, "anxious", "??")),
        ("Really\uff01\uff01", (1, 7, "anxious", "\uff01\uff01")),  # fullwidth !!
        ("\u0130stanbul. I need this job.", (1, 11, "anxious", "I need this job")),
    ],
    ids=[
        "straight",
        "upper case",
        "curly apostrophe",
        "left single quote",
        "broken across lines",
        "CRLF, tabs and runs of spaces",
        "line 3, curly, broken",
        "ASAP on its own line",
        "inside curly quotes",
        "double question mark",
        "fullwidth exclamation marks",
        "a letter that lowercases to two",
    ],
)
def test_matching_tolerates_how_it_is_written(text: str, found: tuple[int, int, str, str]) -> None:
    assert spots(text) == [found]


def test_positions_in_a_whole_email() -> None:
    email = (
        "Dear Dana,\n"
        "\n"
        "I still haven\u2019t heard anything, and you said you\n"
        "would decide by Friday. It's been two weeks!!\n"
        "If I don't hear back by Monday, I will have to accept another offer.\n"
        "\n"
        "Alex\n"
    )
    assert spots(email) == [
        (3, 3, "pressing", "still haven\u2019t heard"),
        (3, 37, "accusing", "you said you would"),
        (4, 25, "accusing", "It's been two weeks"),
        (4, 44, "anxious", "!!"),
        (5, 1, "threatening", "If I don't hear"),
        (5, 48, "threatening", "accept another offer"),
    ]


def test_overlapping_matches_of_one_category_are_reported_once() -> None:
    # "still haven't heard" and "haven't heard back" are both pressing and overlap.
    assert spots("I still haven't heard back.") == [(1, 3, "pressing", "still haven't heard")]


def test_overlapping_matches_of_two_categories_are_both_reported() -> None:
    assert spots("You still haven't gotten back to me.") == [
        (1, 1, "accusing", "You still haven't gotten back"),
        (1, 5, "pressing", "still haven't gotten"),
    ]


def test_findings_come_in_the_order_of_the_text() -> None:
    found = spots("Urgent!! You were supposed to call. ASAP.")
    assert found == [
        (1, 1, "pressing", "Urgent"),
        (1, 7, "anxious", "!!"),
        (1, 10, "accusing", "You were supposed to"),
        (1, 37, "pressing", "ASAP"),
    ]


def test_a_clean_text_and_an_empty_one() -> None:
    assert lint("", RULES) == []
    assert lint("\n\n", RULES) == []
    assert lint("Thank you again for your time.", RULES) == []


# -- the line format and the rules file -----------------------------------------------------


def test_a_finding_as_a_line() -> None:
    finding = Finding(4, 24, "accusing", "It's been two weeks", "leave the wait out")
    assert finding_line(finding) == (
        '4:24  accusing  "It\'s been two weeks"  suggestion: leave the wait out'
    )


def test_each_finding_carries_its_rule_suggestion() -> None:
    [finding] = lint("Please reply ASAP.", RULES)
    assert finding.suggestion == "drop the urgency; ask for an update whenever it suits them"


def test_the_rules_file_uses_only_the_four_categories() -> None:
    assert RULES.categories == CATEGORIES
    assert all(rule.patterns and rule.suggestion for rule in RULES.rules)


# -- the user's own phrases -------------------------------------------------------------------


TOUCHING_BASE = LintPhrase(
    "touching base again", "pressing", "ask once, politely, where they are in the process"
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Just touching base again.", (1, 6, "pressing", "touching base again")),
        ("TOUCHING BASE\n  again!", (1, 1, "pressing", "TOUCHING BASE again")),
        ("I'm not touching the database again.", None),
    ],
    ids=["as written", "case and line break", "other words"],
)
def test_an_extra_phrase_from_the_config(
    text: str, found: tuple[int, int, str, str] | None
) -> None:
    rules = load_rules([TOUCHING_BASE])
    assert spots(text, rules) == ([found] if found else [])


def test_an_extra_phrase_keeps_its_suggestion() -> None:
    [finding] = lint("Touching base again.", load_rules([TOUCHING_BASE]))
    assert finding.suggestion == "ask once, politely, where they are in the process"


def test_an_extra_phrase_without_category_is_custom() -> None:
    rules = load_rules([LintPhrase("circling back")])
    assert lint("Circling back on this.", rules) == [
        Finding(1, 1, "custom", "Circling back", "consider whether this reads as pressing")
    ]


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        (
            "I\u2019m circling back",
            "I'm circling back.",
        ),  # curly in the config, straight in the text
        ("I'm circling back", "I\u2019m circling back."),  # straight in the config, curly here
        ("chase", "Just a gentle chase."),
        ("100% sure", "I am 100% sure."),  # a phrase ending in punctuation
        ("a.b", "see a.b here"),  # regex characters are literal
    ],
)
def test_an_extra_phrase_is_matched_literally(phrase: str, text: str) -> None:
    assert [f.category for f in lint(text, load_rules([LintPhrase(phrase)]))] == ["custom"]


@pytest.mark.parametrize(
    ("phrase", "text"),
    [("chase", "I made a purchase."), ("a.b", "see axb here"), ("chase", "chasers")],
)
def test_an_extra_phrase_matches_whole_words_only(phrase: str, text: str) -> None:
    assert lint(text, load_rules([LintPhrase(phrase)])) == []


def test_the_built_in_rules_stay_with_extra_phrases() -> None:
    rules = load_rules([TOUCHING_BASE])
    assert spots("ASAP, touching base again") == [(1, 1, "pressing", "ASAP")]
    assert spots("ASAP, touching base again", rules) == [
        (1, 1, "pressing", "ASAP"),
        (1, 7, "pressing", "touching base again"),
    ]
