"""``followup mail check`` on Maildir trees written by the real ``mbsync`` (each of its
``SubFolders`` styles) and ``offlineimap`` (its ``.`` separator, a ``nametrans``, folder
names kept in IMAP's UTF-7) from a real Dovecot set up as Gmail, Outlook or a French
server. The user names only the tree's root, and the folders as their mail client shows
them when they are not the defaults.

Each tree holds Jo's follow-up to Acme (Tue 10 Nov 2026) in the Sent folder and Acme's
reply (Thu 12 Nov) in the inbox; in the Gmail trees All Mail also holds both, and Jo's
second follow-up (Tue 17 Nov), which answers the first: it must never be taken for Acme's
reply. Each test checks the findings, their days, and that no file of the tree was renamed
or moved (a Maildir keeps a message's flags in its file name) nor a flag changed on the
server.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.mail.messages import FOLLOW_UP, SECOND_FOLLOW_UP, THEIR_REPLY
from tests.support.dovecot import Dovecot
from tests.support.specs import Cli, ok
from tests.support.sync_tools import mbsync_tree, offlineimap_tree

pytestmark = pytest.mark.system

ACME = ("Acme", "--interviewed", "2026-10-30", "--expect", "2026-11-04")
GMAIL = {"[Gmail]/Sent Mail": "\\Sent", "[Gmail]/All Mail": "\\All"}
OUTLOOK = {"Sent Items": None, "Deleted Items": None}
FRENCH = {"Éléments envoyés": None}
FOUND = [
    (1, "sent", "2026-11-10", "jo@jo.example"),
    (1, "reply", "2026-11-12", "dana@acme.example"),
]
GMAIL_FOUND = [*FOUND, (1, "sent", "2026-11-17", "jo@jo.example")]


def mbsync(style: str) -> Callable[[Dovecot, Path], Path]:
    return lambda server, folder: mbsync_tree(server, folder, style)


def offlineimap(**options: str) -> Callable[[Dovecot, Path], Path]:
    return lambda server, folder: offlineimap_tree(server, folder, **options)


# (the server's folders, its Sent folder, how the tree is made, the config besides
# mail.maildir, the Sent folder `mail folders` names, the findings)
TREES = {
    "mbsync Verbatim, Gmail, All Mail as reply folder": (
        GMAIL,
        "[Gmail]/Sent Mail",
        mbsync("Verbatim"),
        'reply_folders = ["[Gmail]/All Mail"]',
        "[Gmail]/Sent Mail",
        GMAIL_FOUND,
    ),
    "mbsync Maildir++, Gmail": (
        GMAIL,
        "[Gmail]/Sent Mail",
        mbsync("Maildir++"),
        "",
        "[Gmail]/Sent Mail",
        GMAIL_FOUND,
    ),
    "mbsync Legacy, Gmail, All Mail as reply folder": (
        GMAIL,
        "[Gmail]/Sent Mail",
        mbsync("Legacy"),
        'reply_folders = ["[Gmail]/All Mail"]',
        "[Gmail]/Sent Mail",
        GMAIL_FOUND,
    ),
    "mbsync Verbatim, Outlook": (
        OUTLOOK,
        "Sent Items",
        mbsync("Verbatim"),
        "",
        "Sent Items",
        FOUND,
    ),
    "mbsync Verbatim, French server": (
        FRENCH,
        "Éléments envoyés",
        mbsync("Verbatim"),
        "",
        "Éléments envoyés",
        FOUND,
    ),
    "offlineimap, Gmail, All Mail as reply folder": (
        GMAIL,
        "[Gmail]/Sent Mail",
        offlineimap(),
        'reply_folders = ["[Gmail]/All Mail"]',
        "[Gmail]/Sent Mail",
        GMAIL_FOUND,
    ),
    "offlineimap, Gmail, nametrans dropping [Gmail]/": (
        GMAIL,
        "[Gmail]/Sent Mail",
        offlineimap(nametrans="lambda f: f.replace('[Gmail]/', '')"),
        'reply_folders = ["All Mail"]',
        "Sent Mail",
        GMAIL_FOUND,
    ),
    "offlineimap, Outlook": (
        OUTLOOK,
        "Sent Items",
        offlineimap(),
        "",
        "Sent Items",
        FOUND,
    ),
    "offlineimap, French server": (
        FRENCH,
        "Éléments envoyés",
        offlineimap(),
        "",
        "Éléments envoyés",
        FOUND,
    ),
}


@pytest.fixture
def servers() -> Iterator[list[Dovecot]]:
    started: list[Dovecot] = []
    yield started
    for server in started:
        server.remove()


def files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("tree", list(TREES))
def test_a_synced_tree_gives_the_findings_from_its_root(
    cli: Cli, config_file: Path, tmp_path: Path, servers: list[Dovecot], tree: str
) -> None:
    folders, sent, make, extra, sent_shown, expected = TREES[tree]
    server = Dovecot.start(folders=folders)
    servers.append(server)
    server.deliver(FOLLOW_UP, sent)
    server.deliver(THEIR_REPLY)
    if folders is GMAIL:
        server.deliver(SECOND_FOLLOW_UP, sent)
        for mail in (FOLLOW_UP, THEIR_REPLY, SECOND_FOLLOW_UP):
            server.deliver(mail, "[Gmail]/All Mail")
    root = make(server, tmp_path / "sync")
    config_file.write_text(f'[mail]\nmaildir = "{root}"\n{extra}\n')
    ok(cli("add", *ACME, "--email", "dana@acme.example"))
    on_disk, on_server = files(root), server.flags()

    result = cli("mail", "check", "--json")

    assert (result.code, result.err) == (0, "")
    assert [
        (f["interview_id"], f["kind"], f["on"], f["from"]) for f in json.loads(result.out)
    ] == expected
    assert files(root) == on_disk
    assert server.flags() == on_server
    said = ok(cli("mail", "folders")).splitlines()[1]
    assert said.startswith(f"  Sent folder: {sent_shown} (")
    assert said.endswith("a name mail clients use for sent mail")
