"""Specification of what ``followup status`` says of the daemon's last unexpected failure:
the part, when, the exception's line, and where the log with its traceback is. A daemon
whose loop died left its state file behind (``tests/daemon/test_part_failures.py``); here
that file is written as it leaves it, and the in-process CLI reads it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from followup.cli.render.status import daemon_lines
from followup.daemon.state import new_state
from followup.paths import state_dir, unit_path
from tests.support.specs import Cli, ok


def left_behind(log: str | None) -> None:
    """The state file of a daemon (long gone: pid 999999) whose loop died."""
    state = new_state(999_999, "2026-11-29T08:00:00+00:00")
    state["failure"] = "ValueError: the loop broke"
    state["failure_part"] = "loop"
    state["failure_at"] = "2026-11-29T16:30:00+00:00"
    state["log"] = log
    folder = state_dir(os.environ)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "daemon.json").write_text(json.dumps(state))


@pytest.mark.parametrize(
    ("log", "unit", "shown"),
    [
        ("journalctl --user -u followup", False, "journalctl --user -u followup"),
        ("/home/jo/.local/state/followup/daemon.log", False,
         "/home/jo/.local/state/followup/daemon.log"),
        (None, True, "journalctl --user -u followup"),
        (None, False, "{state}/daemon.log"),
    ],
    ids=[
        "the unit's daemon said: the journal",
        "the autostart entry's daemon said: its log file",
        "an older daemon said nothing, the unit is installed: the journal",
        "an older daemon said nothing, no unit: the log file",
    ],
)  # fmt: skip
def test_status_names_the_last_failure_and_where_the_log_is(
    cli: Cli, log: str | None, unit: bool, shown: str
) -> None:
    left_behind(log)
    if unit:
        path = unit_path(os.environ)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("[Service]\n")
    place = shown.format(state=state_dir(os.environ))
    text = ok(cli("status")).splitlines()
    assert text[-2:] == [
        "last failure:   ValueError: the loop broke, in the loop (Sun 29 Nov 2026 11:30 EST)",
        f"log:            {place}",
    ]
    assert json.loads(ok(cli("status", "--json")))["failure"] == {
        "part": "loop",
        "at": "2026-11-29T11:30:00-05:00",
        "error": "ValueError: the loop broke",
        "log": place,
    }


def test_status_without_a_failure_says_nothing_of_one(cli: Cli, config_file: Path) -> None:
    text = ok(cli("status"))
    assert "last failure" not in text and "log:" not in text
    assert json.loads(ok(cli("status", "--json")))["failure"] is None


def test_status_names_a_calendar_feed_not_written_until_it_is_written_again() -> None:
    state = new_state(999_999, "2030-01-07T08:00:00+00:00")
    state["feed_error"] = "cannot write /f/followup.ics: there is no folder '/f'"
    state["feed_error_at"] = "2030-01-07T10:00:00+00:00"
    assert daemon_lines(state, service=True)[1:] == [
        "calendar feed:  not written: cannot write /f/followup.ics: there is no folder '/f' "
        "(since Mon 7 Jan 2030 10:00 UTC); tried again at each change"
    ]
    state["feed_error"] = state["feed_error_at"] = None
    assert daemon_lines(state, service=True)[1:] == []
