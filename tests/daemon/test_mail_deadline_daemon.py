"""The daemon's look at the mailbox obeys the look's deadline from the TCP connect on: a
server that drips its greeting one byte at a time (never tripping the 30 s per-read
timeout) makes the look fail at the deadline, with the one line naming the server that
``followup status`` shows, and the next look waits at least the check period (a scripted
server on loopback; the in-process daemon's mail watch and its real reading thread).

Acme: interviewed Fri 2026-10-30, reply expected Wed 2026-11-04; the daemon runs on Sun
2026-11-29 at 17:00 UTC.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from followup.config import load
from followup.daemon.loop import Daemon
from followup.mail import imap
from tests.support.hostile_imap import HostileImap
from tests.support.inprocess import RecordingNotifier, discard, mail_watch_of

# The reading thread runs the password command, a process of its own.
pytestmark = pytest.mark.system

NOW = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)
ACME = ("Acme", "--interviewed", "2026-10-30", "--expect", "2026-11-04", "--email", "d@a.example")
DEADLINE_S = 3.0
#: Generous: the greeting alone would take over 25 s to arrive.
BOUND_S = 15.0
EVERY_MINUTES = 10


def test_the_daemons_look_gives_up_on_a_dripped_greeting_at_the_deadline_and_backs_off(
    cli, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(imap, "DEADLINE_S", DEADLINE_S)
    server = HostileImap({"GREETING": b"* OK " + b"x" * 100 + b"\r\n"}, drip=0.25)
    config_file.write_text(
        "[mail]\n"
        'imap_host = "127.0.0.1"\n'
        f"imap_port = {server.port}\n"
        'security = "none"\n'
        'username = "jo"\n'
        'password_command = ["echo", "pw"]\n'
        f"check_every_minutes = {EVERY_MINUTES}\n"
    )
    assert cli("add", *ACME).code == 0
    made = Daemon(load(), env=dict(os.environ), notifier=RecordingNotifier(), clock=lambda: NOW)
    watch = mail_watch_of(made)
    try:
        watch.start()
        started = time.monotonic()
        while made.state["mail_error"] is None and time.monotonic() - started < BOUND_S:
            watch.work(NOW)
            time.sleep(0.1)
        failed_after = time.monotonic() - started
        next_look_in = watch.timeout()
    finally:
        watch.stop()
        discard(made)
        server.close()
    assert made.state["mail_error"] == (
        f"127.0.0.1:{server.port} did not answer in full within 3 s; gave up"
    )
    assert failed_after < BOUND_S
    assert next_look_in is not None and next_look_in >= EVERY_MINUTES * 60 - BOUND_S
