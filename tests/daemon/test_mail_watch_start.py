"""Specification of the mail watch's start and of its retry line: the modules its threads
run are loaded before any thread starts (two threads importing imapclient at once can
fail with Python's ``_DeadlockError``), and the line logged when a look fails says when
the next one comes, never sooner than the check period."""

from __future__ import annotations

import logging
import os
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from followup.config import load
from followup.daemon.loop import Daemon
from followup.notify.base import Note
from tests.support.inprocess import discard, mail_watch_of

#: Monday 30 November 2026, 15:00 UTC.
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)

#: The modules the reading and IDLE threads import when they first run.
THREAD_MODULES = ("followup.mail.check", "followup.mail.imap", "followup.mail.idle", "imapclient")


class Silent:
    """A notifier that is never asked to show anything here."""

    def show(self, note: Note) -> int | None:
        raise AssertionError(f"nothing is shown here: {note!r}")

    def capabilities(self) -> frozenset[str]:
        return frozenset()

    def close_notification(self, notification_id: int) -> None:
        raise AssertionError("nothing is closed here")


def imap_config(config_file: Path, every_minutes: int) -> None:
    config_file.write_text(
        "\n".join(
            [
                "[mail]",
                'imap_host = "127.0.0.1"',
                "imap_port = 9",
                'security = "none"',
                'username = "jo"',
                'password_command = ["printf", "%s\\n", "unused"]',
                f"check_every_minutes = {every_minutes}",
                "",
            ]
        )
    )


def test_the_modules_the_mail_threads_run_are_loaded_before_any_thread_starts(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imap_config(config_file, every_minutes=10)
    made = Daemon(load(), env=dict(os.environ), notifier=Silent(), clock=lambda: NOW)
    for name in [m for m in sys.modules if m.startswith(THREAD_MODULES)]:
        monkeypatch.delitem(sys.modules, name)
    loaded_at_start: list[list[str]] = []
    real_start = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        loaded_at_start.append([m for m in THREAD_MODULES if m not in sys.modules])
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    watch = mail_watch_of(made)
    try:
        watch.start()
    finally:
        watch.stop()
        discard(made)
    assert loaded_at_start == [[], []]


@pytest.mark.parametrize(
    ("every_minutes", "failures", "logged"),
    [
        (10, 1, "trying again in 600 s, then less and less often (down to once every 30 minutes)"),
        (1, 1, "trying again in 60 s, then less and less often (down to once every 30 minutes)"),
        (1, 9, "trying again every 30 minutes"),
        (1440, 1, "trying again every 1440 minutes"),
    ],
    ids=["10-minute period", "1-minute period", "after 9 failures", "daily period"],
)
def test_a_failed_look_says_when_the_next_one_comes(
    config_file: Path,
    caplog: pytest.LogCaptureFixture,
    every_minutes: int,
    failures: int,
    logged: str,
) -> None:
    imap_config(config_file, every_minutes=every_minutes)
    made = Daemon(load(), env=dict(os.environ), notifier=Silent(), clock=lambda: NOW)
    try:
        watch = mail_watch_of(made)
        watch._failures = failures - 1
        with caplog.at_level(logging.ERROR, logger="followup.daemon.mail"):
            watch._check_failed("cannot reach 127.0.0.1:9: refused", NOW)
    finally:
        discard(made)
    assert caplog.messages == [
        f"cannot check the mailbox: cannot reach 127.0.0.1:9: refused; {logged}"
    ]
