"""An interview added without an interview day, on the day its reply comes: the reply
written after it was added is found, and a message of that day written before it (an
invitation, a confirmation) is not taken for the reply.

Acme is added on Sun 29 Nov 2026 at 12:00 in New York (17:00 UTC, the ``cli`` fixture's
instant), its reply promised for Fri 27 Nov; Dana writes at 09:00 and at 15:30 that day.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

ADDED = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 29, 21, 0, tzinfo=UTC)


def message(mid: str, written: str) -> bytes:
    return (
        f"From: Dana Chen <dana@acme.example>\r\nTo: jo@jo.example\r\n"
        f"Subject: Re: Your interview\r\nMessage-ID: <{mid}@acme.example>\r\n"
        f"Date: {written}\r\n\r\nThe body is never read.\r\n"
    ).encode()


def maildir(root: Path) -> Path:
    """A Maildir++ tree (inbox at the root, ``.Sent`` beside it) with Dana's two messages."""
    for folder in (root, root / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    (root / "cur" / "1764424800.before:2,S").write_bytes(
        message("before", "Sun, 29 Nov 2026 09:00:00 -0500")
    )
    (root / "new" / "1764448200.after").write_bytes(
        message("after", "Sun, 29 Nov 2026 15:30:00 -0500")
    )
    return root


def test_the_reply_written_after_the_interview_was_added_that_day_is_found(
    cli, config_file: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    root = maildir(tmp_path / "Mail")
    config_file.write_text(
        f'[calendar]\ncountry = "US"\ntimezone = "America/New_York"\n\n[mail]\nmaildir = "{root}"\n'
    )
    added = cli("add", "Acme", "--expect", "2026-11-27", "--email", "dana@acme.example", at=ADDED)
    assert added.code == 0, added.err
    done = cli("mail", "check", "--json", at=LATER)
    assert done.code == 0, done.err
    found = json.loads(done.out)
    assert [(f["from"], f["on"]) for f in found] == [("dana@acme.example", "2026-11-29")]
    assert sorted(p.name for p in (root / "new").iterdir()) == ["1764448200.after"]
