"""The question the daemon asks about a reply found in the mailbox carries none of the
control or bidirectional characters its subject and sender's name were encoded with (ESC,
BEL, NUL, U+009B, U+202E): a notification server shows them raw, so they are removed at
the door, before the finding is stored (the in-process daemon's mail watch and its
reading thread, on a Maildir in the test's home).

Acme: interviewed Fri 2026-10-30, reply expected Wed 2026-11-04; Dana's reply is dated Thu
2026-11-12; the daemon runs on Sun 2026-11-29 at 12:00 in New York (17:00 UTC), inside the
default notification window (09:00-20:00).
"""

from __future__ import annotations

import os
import time
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from followup.config import load
from followup.daemon.loop import Daemon
from tests.support.inprocess import RecordingNotifier, discard, mail_watch_of

NOW = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)
ACME = ("Acme", "--interviewed", "2026-10-30", "--expect", "2026-11-04")
#: "\x1b]0;owned\x07 Re: offer \x9b31m \u202eexe.pdf\u202c \x00done", base64 in UTF-8
SUBJECT = b"=?utf-8?b?G10wO293bmVkByBSZTogb2ZmZXIgwpszMW0g4oCuZXhlLnBkZuKArCAAZG9uZQ==?="
#: "Dana \x1b[2J\u202e Chen"
NAME = b"=?utf-8?b?RGFuYSAbWzJK4oCuIENoZW4=?="
BOUND_S = 15.0


def test_the_question_about_a_reply_shows_no_control_or_bidi_character(
    cli, config_file: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "Mail"
    for folder in (root, root / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    (root / "cur" / "1763000000.reply:2,").write_bytes(
        b"From: " + NAME + b" <dana@acme.example>\r\nTo: jo@jo.example\r\n"
        b"Subject: " + SUBJECT + b"\r\nMessage-ID: <reply@acme.example>\r\n"
        b"Date: Thu, 12 Nov 2026 16:05:00 -0500\r\n\r\nbody\r\n"
    )
    config_file.write_text(f'[mail]\nmaildir = "{root}"\n')
    assert cli("add", *ACME, "--email", "dana@acme.example").code == 0
    notifier = RecordingNotifier()
    made = Daemon(load(), env=dict(os.environ), notifier=notifier, clock=lambda: NOW)
    watch = mail_watch_of(made)
    try:
        watch.start()
        started = time.monotonic()
        while not notifier.notes and time.monotonic() - started < BOUND_S:
            watch.work(NOW)
            time.sleep(0.1)
    finally:
        watch.stop()
        discard(made)
    [question] = notifier.notes
    shown = question.title + question.body
    assert "Re: offer" in shown
    assert "exe.pdf" in shown
    assert [c for c in shown if unicodedata.category(c) in ("Cc", "Cf") and c != "\n"] == []
