"""The daemon's log lines cannot be forged, flooded or made to show a password by what a
server, a file or a program says."""

from __future__ import annotations

import logging

from followup.cleaning import MAX_LINE
from followup.daemon.logs import CleanFormatter


def formatted(message: str, *args: object) -> str:
    record = logging.LogRecord("followup.daemon", logging.ERROR, __file__, 1, message, args, None)
    return CleanFormatter("%(levelname)s %(name)s: %(message)s").format(record)


def test_escape_sequences_from_a_server_are_shown_not_acted_on() -> None:
    line = formatted("cannot check the mailbox: %s", "NO \x1b]0;owned\x07\x1b[2J\u202eok")
    assert line == "ERROR followup.daemon: cannot check the mailbox: NO ␛]0;owned␇␛[2J\\u202eok"


def test_a_url_password_never_reaches_the_log() -> None:
    line = formatted("cannot reach %s", "postgresql://db/x?password=s3cret")
    assert line == "ERROR followup.daemon: cannot reach postgresql://db/x?password=***"


def test_a_huge_message_is_cut_to_one_bounded_line() -> None:
    line = formatted("failed: %s", "x" * 50_000_000)
    assert len(line) == MAX_LINE
    assert "\n" not in line
