"""The words of statuses, reminder kinds and outcomes: each enum's value is what the store,
the history and JSON hold, and its label is what people read and write. Every module that
shows, reads or queries by one of them takes it from the enums in :mod:`followup.rules`."""

from __future__ import annotations

import pytest

from followup import stats, values
from followup.rules import (
    CLOSED_STATUSES,
    CLOSING_OUTCOMES,
    OPEN_STATUSES,
    Kind,
    Outcome,
    Status,
)
from followup.transfer.spreadsheet.columns import STATUS_WORDS


@pytest.mark.parametrize(
    ("status", "value", "label", "is_open"),
    [
        (Status.WAITING, "waiting", "waiting", True),
        (Status.EMAILED, "emailed", "emailed", True),
        (Status.HEARD_BACK, "heard_back", "heard back", False),
        (Status.MOVED_ON, "moved_on", "moved on", False),
        (Status.WITHDRAWN, "withdrawn", "withdrawn", False),
    ],
)
def test_a_status_is_stored_by_its_value_and_read_by_its_label(
    status: Status, value: str, label: str, is_open: bool
) -> None:
    assert (status.value, status.label, status.is_open) == (value, label, is_open)
    assert (status in OPEN_STATUSES, status in CLOSED_STATUSES) == (is_open, not is_open)


@pytest.mark.parametrize(
    ("words", "status"),
    [
        ("waiting", Status.WAITING),
        ("WAITING", Status.WAITING),
        ("heard back", Status.HEARD_BACK),
        ("heard_back", Status.HEARD_BACK),
        ("Moved-On", Status.MOVED_ON),
        ("  moved   on ", Status.MOVED_ON),
        ("withdrawn", Status.WITHDRAWN),
        ("ghosted", None),
        ("", None),
    ],
)
def test_a_status_is_named_by_its_words_in_any_case_and_spacing(
    words: str, status: Status | None
) -> None:
    assert Status.from_words(words) is status


@pytest.mark.parametrize(
    ("kind", "value", "label"),
    [(Kind.EMAIL, "email", "email"), (Kind.MOVE_ON, "move_on", "move on")],
)
def test_a_reminder_kind_is_stored_by_its_value_and_read_by_its_label(
    kind: Kind, value: str, label: str
) -> None:
    assert (kind.value, kind.label) == (value, label)


@pytest.mark.parametrize(
    ("outcome", "value", "label", "closes"),
    [
        (Outcome.OFFER, "offer", "offer", True),
        (Outcome.REJECTED, "rejected", "rejected", True),
        (Outcome.NEXT_ROUND, "next-round", "next round", False),
        (Outcome.OTHER, "other", "other", True),
    ],
)
def test_an_outcome_is_stored_by_its_value_and_read_by_its_label(
    outcome: Outcome, value: str, label: str, closes: bool
) -> None:
    assert (outcome.value, outcome.label, outcome in CLOSING_OUTCOMES) == (value, label, closes)


def test_the_lists_of_outcomes_keep_their_order() -> None:
    """``followup heard --outcome`` lists every outcome; the statistics count the closing
    ones, in this order, as JSON keys."""
    assert values.OUTCOMES == ("offer", "rejected", "next-round", "other")
    assert stats.OUTCOMES == ("offer", "rejected", "other")


def test_the_spreadsheet_writes_each_status_as_its_label() -> None:
    assert STATUS_WORDS == {
        Status.WAITING: "waiting",
        Status.EMAILED: "emailed",
        Status.HEARD_BACK: "heard back",
        Status.MOVED_ON: "moved on",
        Status.WITHDRAWN: "withdrawn",
    }
