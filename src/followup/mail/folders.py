"""Which folders a look reads, as the user's mail client names them, and why each.

A folder is named the way a client shows it: its hierarchy joined with ``/`` whatever the
server's separator or the Maildir's layout (``[Gmail]/Sent Mail``, ``Sent Items``,
``Work/Replies``). The Sent folder is, in this order: the one ``mail.sent_folder`` names;
the one an IMAP server flags ``\\Sent`` (RFC 6154); the first whose name is one clients
know (IMAPClient's list of popular names, then the localised names of
``data/sent_folder_names.txt``). When none is found, replies are still read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources


class Why(StrEnum):
    """Why a folder is read: named in the config, flagged ``\\Sent`` by the server, a
    name clients know, or the default (``INBOX`` for replies)."""

    CONFIGURED = "configured"
    SPECIAL_USE = "special-use"
    KNOWN_NAME = "known-name"
    DEFAULT = "default"


@dataclass(frozen=True)
class FolderUse:
    """One folder a look reads: ``role`` ``sent`` or ``reply``; ``name`` as a client shows
    it; ``where`` the server's own name or the path on disk; ``why`` how it was chosen."""

    role: str
    name: str
    where: str
    why: Why


class NoSentFolder(Exception):
    """No Sent folder was found; ``folders`` are the names that exist (client's form)."""

    def __init__(self, folders: Iterable[str]) -> None:
        self.folders = sorted(folders)
        super().__init__(", ".join(self.folders))


def no_sent_folder(where: str, exc: NoSentFolder, *, server_flags: bool) -> str:
    """The one line for a mailbox without a Sent folder, naming its folders and the key.
    ``server_flags`` is whether the mailbox could have flagged one ``\\Sent`` (an IMAP
    server can; a Maildir has no such flag)."""
    tried = "none is flagged \\Sent and none" if server_flags else "none"
    return (
        f"no Sent folder found in {where} ({tried} has a name mail clients use for it); "
        f"its folders: {', '.join(exc.folders)}; set mail.sent_folder to the one your mail "
        "client keeps sent mail in (replies are still read)"
    )


@cache
def known_sent_names() -> tuple[str, ...]:
    """Sent folder names, casefolded, in the order they are tried: IMAPClient's popular
    names first, then the package's localised list."""
    from imapclient import imapclient

    popular: tuple[str, ...] = getattr(imapclient, "_POPULAR_SPECIAL_FOLDERS", {}).get(
        imapclient.SENT, ()
    )
    text = resources.files("followup").joinpath("data/sent_folder_names.txt").read_text("utf-8")
    local = [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]
    out: list[str] = []
    for name in (*popular, *local):
        if name.casefold() not in out:
            out.append(name.casefold())
    return tuple(out)


def known_sent(names: Iterable[str]) -> str | None:
    """The first of ``names`` (client's form) whose last part is a known Sent name, in the
    order of :func:`known_sent_names`; a top-level folder wins over a nested one."""
    parts = [(n, n.rsplit("/", 1)[-1].casefold(), n.count("/")) for n in names]
    for known in known_sent_names():
        hits = sorted((depth, n) for n, last, depth in parts if last == known)
        if hits:
            return hits[0][1]
    return None
