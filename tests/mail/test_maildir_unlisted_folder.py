"""A Maildir folder that cannot be listed (mode 000, or another user's) is named as one that
cannot be read, never as missing, and the other folders are still read: Acme's reply in
the inbox is found while the configured folder ``Locked`` is refused.

The tests run as root, whom no mode stops, so the refusal the kernel gives anyone else
(``Permission denied`` when the folder is listed) is given at ``os.scandir`` and
``os.listdir`` for that folder. Acme: interviewed Fri 2026-10-30, reply expected Wed
2026-11-04, Dana's reply dated Thu 2026-11-12.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

ACME = ("Acme", "--interviewed", "2026-10-30", "--expect", "2026-11-04")
REPLY = (
    b"From: Dana Chen <dana@acme.example>\r\nTo: jo@jo.example\r\n"
    b"Subject: Re: Following up\r\nMessage-ID: <reply@acme.example>\r\n"
    b"Date: Thu, 12 Nov 2026 16:05:00 -0500\r\n\r\nThe body is never read.\r\n"
)


@pytest.fixture
def locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Maildir with Dana's reply in its inbox, a Sent folder, and a folder ``.Locked``
    that the user may not list; returns the root."""
    root = tmp_path / "Mail"
    for folder in (root, root / ".Sent", root / ".Locked"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    (root / "cur" / "1763000000.reply:2,").write_bytes(REPLY)
    refused = root / ".Locked"
    real_scandir, real_listdir = os.scandir, os.listdir

    def refuse(path: Any) -> None:
        if Path(os.fspath(path)).is_relative_to(refused):
            raise PermissionError(13, "Permission denied", os.fspath(path))

    def scandir(path: Any = ".") -> Any:
        refuse(path)
        return real_scandir(path)

    def listdir(path: Any = ".") -> list[Any]:
        refuse(path)
        return real_listdir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "listdir", listdir)
    return root


def test_a_folder_that_cannot_be_listed_is_named_and_the_others_still_read(
    cli, config_file: Path, locked: Path, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    config_file.write_text(f'[mail]\nmaildir = "{locked}"\nreply_folders = ["INBOX", "Locked"]\n')
    assert cli("add", *ACME, "--email", "dana@acme.example").code == 0
    done = cli("mail", "check", "--json")
    assert [f["from"] for f in json.loads(done.out)] == ["dana@acme.example"]
    said = done.err.splitlines() + [r.getMessage() for r in caplog.records]
    assert not [line for line in said if "no folder" in line]
    [line] = [line for line in said if "'Locked'" in line]
    assert "Permission denied" in line
