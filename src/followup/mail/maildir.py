"""A local Maildir tree, as mbsync or offlineimap keep it, read with the standard library's
``mailbox`` module and nothing written.

Folders use the same names as on IMAP: ``INBOX`` is the top of the tree, any other name is
a Maildir++ subfolder (``.Sent``, ``.Work.Replies`` for ``Work/Replies``, the layout Dovecot
and mbsync's ``SubFolders Maildir++`` use) or, failing that, a plain subfolder (``Sent/``,
mbsync's ``SubFolders Verbatim``). Messages are only opened for reading, and only up to the
end of their header: no flag changes, and nothing moves from ``new/`` to ``cur/``.
"""

from __future__ import annotations

import errno
import logging
import mailbox
import os
import re
import stat
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from followup.errors import MailError
from followup.mail.headers import MessageHeaders, parse
from followup.mail.matching import Wanted

log = logging.getLogger(__name__)
#: Bytes of one message's header kept at most, of one header line (a longer one, such as a
#: 10 MB subject, keeps its start and loses the rest), and of the file read at most in
#: search of the header's end (a damaged file that never ends its header).
MAX_HEADER_BYTES = 256 << 10
MAX_LINE_BYTES = 64 << 10
MAX_READ_BYTES = 64 << 20


class MaildirSource:
    """Read-only access to the Maildir tree at ``root``; raises MailError when it is not one."""

    def __init__(self, root: Path, reply_folders: Sequence[str], sent_folder: str | None) -> None:
        self.root = root
        self.reply_folders = tuple(reply_folders)
        self.sent_name = sent_folder or "Sent"
        if not (root / "cur").is_dir():
            raise MailError(f"mail.maildir {str(root)!r} is not a Maildir (no 'cur' folder)")

    def __enter__(self) -> MaildirSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release: no file stays open between reads."""

    def _folder(self, name: str) -> mailbox.Maildir:
        if name.upper() == "INBOX":
            path = self.root
        else:
            path = self.root / ("." + name.replace("/", "."))
            if not (path / "cur").is_dir():
                path = self.root / name
        if not (path / "cur").is_dir():
            raise MailError(f"no folder {name!r} in the Maildir {str(self.root)!r}")
        return mailbox.Maildir(path, factory=None, create=False)

    def _read(self, name: str, want: Wanted, terms: Iterable[str]) -> list[MessageHeaders]:
        """Messages of folder ``name`` whose header names any of ``terms`` (addresses,
        ``@domain``, Message-IDs), the way an IMAP server's SEARCH narrows them before
        anything is parsed; matching then decides precisely."""
        if want.since is None:
            return []
        wanted = re.compile(b"|".join(re.escape(t.lower().encode()) for t in sorted(terms)))
        folder = self._folder(name)
        out = []
        try:
            keys = list(folder.iterkeys())
        except OSError as exc:
            log.warning("skipped the folder %r of the Maildir: %s", name, exc.strerror or exc)
            return []
        for key in keys:
            try:
                sub = folder._lookup(key)  # type: ignore[attr-defined]  # its cur/ or new/ name
                raw = header_of(self.root, Path(folder._path) / sub)
            except (FileNotFoundError, KeyError):  # moved by the syncing program meanwhile
                continue
            except OSError as exc:
                log.warning("skipped the message %s in %r: %s", key, name, exc.strerror or exc)
                continue
            if wanted.search(raw.lower()):
                out.append(parse(raw, name, f"{name}/{key}", _delivered(key)))
        return out

    def sent(self, want: Wanted) -> list[MessageHeaders]:
        """Every message of the Sent folder; matching picks those to a contact."""
        if not want.contacts:
            return []
        return self._read(self.sent_name, want, want.contacts)

    def replies(self, want: Wanted, thread_ids: Sequence[str]) -> list[MessageHeaders]:
        """Messages of the reply folders from a contact or a company domain, or answering
        one of ``thread_ids`` (the same test the IMAP server's search makes)."""
        ids = set(thread_ids)
        terms = want.contacts | {"@" + d for d in want.domains} | ids
        if not terms:
            return []
        out = []
        for name in self.reply_folders:
            for message in self._read(name, want, terms):
                sender = message.sender or ""
                if (
                    sender in want.contacts
                    or sender.rpartition("@")[2] in want.domains
                    or message.thread_ids & ids
                ):
                    out.append(message)
        return out


def header_of(root: Path, path: Path, limit: int = MAX_HEADER_BYTES) -> bytes:
    """The header block of the message file at ``path`` (up to the blank line after it, at
    most ``limit`` bytes kept; see :data:`MAX_LINE_BYTES`, :data:`MAX_READ_BYTES`), the body
    never read. Only a regular file is read, and a symbolic
    link only when it stays inside ``root``: a link to ``/etc/shadow`` or ``/dev/zero``, a
    FIFO (opened without waiting for a writer), a device or a link loop each raise OSError
    with the reason, and the caller goes on with the next message."""
    real = os.path.realpath(path)
    top = os.path.realpath(root)
    if real != top and not real.startswith(top + os.sep):
        raise OSError(errno.EXDEV, "a link out of the Maildir, not followed")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file")
    with os.fdopen(fd, "rb") as handle:
        lines: list[bytes] = []
        kept = read = 0
        while read < MAX_READ_BYTES:
            line = handle.readline(MAX_LINE_BYTES)
            if not line:
                break
            read += len(line)
            while not line.endswith(b"\n") and read < MAX_READ_BYTES:  # drop the rest
                rest = handle.readline(MAX_LINE_BYTES)
                if not rest:
                    break
                read += len(rest)
                if rest.endswith(b"\n"):
                    line = line.rstrip(b"\r") + b"\r\n"
            if kept + len(line) > limit:
                break
            lines.append(line)
            kept += len(line)
            if line in (b"\n", b"\r\n"):
                break
        return b"".join(lines)


def _delivered(key: str) -> datetime | None:
    """The delivery time a Maildir file name starts with (seconds since the epoch)."""
    head = key.split(".", 1)[0]
    return datetime.fromtimestamp(int(head), UTC) if head.isdigit() else None
