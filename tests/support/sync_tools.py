"""Maildir trees written by the real syncing programs people use, from a test's Dovecot:
``mbsync`` (Debian ``isync``) in each of its ``SubFolders`` styles, and ``offlineimap``
(Debian ``offlineimap3``) with its ``sep`` and an optional ``nametrans``.

Each program gets a configuration of its own in the tree's folder and ``HOME`` pointed
there, so nothing of the machine's is read; it only pulls (mbsync ``Sync Pull``,
offlineimap ``readonly``), so the server's messages are not changed by it beyond what a
real sync does. A failure raises with the program's output.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.support.dovecot import Dovecot

SYNC_TIMEOUT_S = 120

_MBSYNC = """\
IMAPAccount test
Host 127.0.0.1
Port {port}
User {user}
Pass "{password}"
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account test

MaildirStore local
{path}Inbox {inbox}
SubFolders {style}

Channel sync
Far :remote:
Near :local:
Patterns *
Create Near
Sync Pull
SyncState *
"""

_OFFLINEIMAP = """\
[general]
accounts = test
metadata = {folder}/offlineimap-state

[Account test]
localrepository = local
remoterepository = remote

[Repository local]
type = Maildir
localfolders = {root}
sep = {sep}

[Repository remote]
type = IMAP
remotehost = 127.0.0.1
remoteport = {port}
remoteuser = {user}
remotepass = {password}
ssl = no
starttls = no
readonly = True
{nametrans}
"""


def _run(args: list[str], home: Path) -> None:
    env = {"HOME": str(home), "PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=SYNC_TIMEOUT_S)
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stdout}{done.stderr}")


def mbsync_tree(server: Dovecot, folder: Path, style: str) -> Path:
    """Sync every folder of ``server`` into ``folder/mail`` with mbsync's ``SubFolders``
    ``style`` (``Verbatim``, ``Maildir++`` or ``Legacy``); returns the root a user would
    name in ``mail.maildir`` (for Maildir++, the inbox: its folders are inside it)."""
    root = folder / "mail"
    root.mkdir(parents=True)
    if style == "Maildir++":
        path, inbox = "", root  # mbsync rejects Path in this style
    else:
        path, inbox = f"Path {root}/\n", root / "INBOX"
    rc = folder / "mbsyncrc"
    rc.write_text(
        _MBSYNC.format(
            port=server.port,
            user=server.user,
            password=server.password,
            path=path,
            inbox=inbox,
            style=style,
        )
    )
    _run(["mbsync", "-q", "-c", str(rc), "-a"], folder)
    return root


def offlineimap_tree(server: Dovecot, folder: Path, *, sep: str = ".", nametrans: str = "") -> Path:
    """Sync every folder of ``server`` into ``folder/mail`` with offlineimap, its local
    hierarchy separator ``sep`` and the remote repository's ``nametrans`` (a Python
    expression, as in its config) when given; returns the root."""
    root = folder / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    rc = folder / "offlineimaprc"
    rc.write_text(
        _OFFLINEIMAP.format(
            folder=folder,
            root=root,
            sep=sep,
            port=server.port,
            user=server.user,
            password=server.password,
            nametrans=f"nametrans = {nametrans}" if nametrans else "",
        )
    )
    _run(["offlineimap", "-c", str(rc), "-o", "-u", "quiet"], folder)
    return root
