"""Specification: a reminder whose instant has passed is due in ``list`` and ``upcoming``
(first, marked "due since", ``"due": true`` in JSON) whether or not the daemon showed it.

At Sun 6 Dec 2026 noon in New York: Later Co's email reminder comes Tue 15 Dec; Probe's
(promised Fri 20 Nov) came due Wed 25 Nov 09:00, and no daemon ever showed it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

SUN_6_DEC = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)


def add_both(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("add", "Later Co", "--expect", "2026-12-10", at=SUN_6_DEC).code == 0
    assert cli("add", "Probe", "--expect", "2026-11-20", at=SUN_6_DEC).code == 0


def test_upcoming_json_says_due_for_a_reminder_never_shown(cli) -> None:  # type: ignore[no-untyped-def]
    add_both(cli)
    listed = json.loads(cli("upcoming", "--json", at=SUN_6_DEC).out)
    assert [(d["company"], d["due"], d["shown_at"]) for d in listed] == [
        ("Probe", True, None),
        ("Later Co", False, None),
    ]


def test_upcoming_lists_a_reminder_never_shown_first_as_due(cli) -> None:  # type: ignore[no-untyped-def]
    add_both(cli)
    lines = cli("upcoming", at=SUN_6_DEC).out.splitlines()
    assert lines[1].startswith("due since Wed 25 Nov")
    assert "Probe" in lines[1]
    assert "Later Co" in lines[2]


def test_list_marks_a_reminder_never_shown_as_due_and_puts_it_first(cli) -> None:  # type: ignore[no-untyped-def]
    add_both(cli)
    lines = cli("list", at=SUN_6_DEC).out.splitlines()
    assert "Probe" in lines[1]
    assert "due since Wed 25 Nov: " in lines[1]
    assert "due since" not in lines[2]


def test_status_json_says_the_next_reminder_is_due_though_never_shown(cli) -> None:  # type: ignore[no-untyped-def]
    add_both(cli)
    status = json.loads(cli("status", "--json", at=SUN_6_DEC).out)
    assert (status["next_reminder"]["company"], status["next_reminder"]["due"]) == ("Probe", True)
