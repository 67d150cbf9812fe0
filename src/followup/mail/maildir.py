"""A local Maildir tree, as mbsync, offlineimap, Dovecot or a mutt/notmuch set-up keep it,
read with the standard library's ``mailbox`` module and nothing written.

The tree is named by its root (``mail.maildir``) and its folders are found the way the
tools lay them out, each named as the user's mail client shows it (``INBOX``, ``Sent``,
``[Gmail]/Sent Mail``, ``Work/Replies``):

- Maildir++ (Dovecot, Courier, mbsync ``SubFolders Maildir++``): the root is INBOX,
  ``.Sent`` is ``Sent``, ``.Work.Replies`` is ``Work/Replies``;
- mbsync ``SubFolders Verbatim``: ``ROOT/INBOX/``, ``ROOT/Sent/``, ``ROOT/[Gmail]/Sent Mail/``;
- mbsync ``SubFolders Legacy``: ``ROOT/top/.sub/.subsub`` is ``top/sub/subsub``;
- offlineimap: ``ROOT/INBOX/``, ``ROOT/[Gmail].Sent Mail/`` (its ``sep`` option, ``.`` by
  default, is read as the hierarchy's separator; a folder renamed by ``nametrans`` is
  found under the name on disk);
- a non-ASCII name kept on disk in IMAP's modified UTF-7 (offlineimap, mbsync 1.4) is
  also found under its decoded name (``&AMk-l&AOk-ments envoy&AOk-s`` is
  ``Éléments envoyés``);
- neomutt/notmuch trees: plain folders anywhere below the root.

Any folder holding a ``cur`` folder is a Maildir. ``INBOX`` is matched without regard to
case. Symbolic links to folders are not followed. Messages are only opened for reading,
and only up to the end of their header, within stated sizes (:func:`read_message_header`):
only regular files, a link only when it stays inside the tree; no flag changes, and
nothing moves from ``new/`` to ``cur/``. A message or folder that cannot be read is one
line in :attr:`MaildirSource.problems`, as a contact an IMAP server cannot search for is,
and the rest are still read.
"""

from __future__ import annotations

import errno
import mailbox
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from followup.errors import MailError
from followup.mail.folders import FolderUse, NoSentFolder, Why, known_sent, no_sent_folder
from followup.mail.headers import MessageHeaders, parse
from followup.mail.matching import Wanted

#: Bytes of one message's header kept at most, of one header line (a longer one, such as a
#: 10 MB subject, keeps its start and loses the rest), and of the file read at most in
#: search of the header's end (a damaged file that never ends its header).
MAX_HEADER_BYTES = 256 << 10
MAX_LINE_BYTES = 64 << 10
MAX_READ_BYTES = 64 << 20
#: How deep below the root folders are looked for, and how many folders at most: a
#: mail tree is never deeper, and a root pointed at a home folder stops early.
MAX_DEPTH = 8
MAX_FOLDERS = 5000
_PARTS = frozenset({"cur", "new", "tmp"})


def discover(root: Path) -> dict[str, Path]:
    """Every Maildir folder under ``root``, by every name a client may show it under
    (:func:`names_of`); the first folder found keeps a name two could have.
    Raises MailError when the root is not a folder."""
    if not root.is_dir():
        raise MailError(f"mail.maildir {str(root)!r} is not a folder")
    found: dict[str, Path] = {}
    for path in _maildirs(root):
        for name in names_of(path.relative_to(root).parts):
            found.setdefault(name, path)
    return found


def _maildirs(root: Path) -> Iterator[Path]:
    """Folders holding ``cur``, breadth first, symlinks not followed. A folder below the
    root that cannot be listed (mode 000, another user's) is yielded too: whether it holds
    ``cur`` is unknown, and reading it then names why it cannot be read, where skipping
    it here would call a configured folder missing and stop the look."""
    level, count = [root], 0
    for _depth in range(MAX_DEPTH + 1):
        below: list[Path] = []
        for folder in level:
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                if folder != root:
                    count += 1
                    yield folder
                continue
            if any(e.name == "cur" and e.is_dir(follow_symlinks=False) for e in entries):
                count += 1
                yield folder
            below += [
                Path(e.path)
                for e in entries
                if e.name not in _PARTS and e.is_dir(follow_symlinks=False)
            ]
            if count >= MAX_FOLDERS:
                return
        level = below


def names_of(parts: Sequence[str]) -> list[str]:
    """The names a client may show the folder at ``parts`` (relative to the root) under,
    the layout's reading first: ``()`` is INBOX; a part starting with a dot is Maildir++
    or Legacy (``.Work.Replies`` -> ``Work/Replies``, ``..sub`` -> ``INBOX/sub``); a plain
    part is Verbatim as it is, and offlineimap's dotted form split (``[Gmail].Sent Mail``
    -> ``[Gmail]/Sent Mail``)."""
    if not parts:
        return ["INBOX"]
    verbatim: list[str] = []
    dotted: list[str] = []
    for part in parts:
        if part.startswith("."):
            pieces = part[1:].split(".")
            if pieces and pieces[0] == "":
                pieces = ["INBOX", *pieces[1:]]
            verbatim += pieces
            dotted += pieces
        else:
            verbatim.append(part)
            dotted += part.split(".")
    names = []
    variants = [verbatim, dotted, list(parts)]
    variants = [[_utf7(p) for p in v] for v in variants if any("&" in p for p in v)] + variants
    for pieces in variants:
        if pieces and pieces[0].upper() == "INBOX":
            pieces = ["INBOX", *pieces[1:]]
        name = "/".join(p for p in pieces if p)
        if name and name not in names:
            names.append(name)
    return names


def _utf7(part: str) -> str:
    """A folder name part kept on disk in IMAP's modified UTF-7 (RFC 3501 5.1.3, as
    offlineimap and mbsync 1.4 write non-ASCII names: ``&AMk-l&AOk-ments``), decoded."""
    from imapclient.imap_utf7 import decode

    try:
        return str(decode(part.encode("ascii")))
    except (UnicodeError, ValueError):
        return part


def read_message_header(root: Path, path: Path, limit: int = MAX_HEADER_BYTES) -> bytes | None:
    """The header block of the message file at ``path`` (up to the blank line after it, at
    most ``limit`` bytes kept; see :data:`MAX_LINE_BYTES`, :data:`MAX_READ_BYTES`), the body
    never read; None when the file went away meanwhile (moved by the syncing program). The
    one place a message file is opened.

    Only a regular file is read, and a symbolic link only when it stays inside ``root``: a
    link to ``/etc/shadow`` or ``/dev/zero``, a FIFO (opened without waiting for a writer),
    a device or a link loop each raise OSError with the reason, and the caller goes on with
    the next message."""
    real = os.path.realpath(path)
    top = os.path.realpath(root)
    if real != top and not real.startswith(top + os.sep):
        raise OSError(errno.EXDEV, "a link out of the Maildir, not followed")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
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


class MaildirSource:
    """Read-only access to the Maildir tree at ``root``; raises MailError when no Maildir
    folder is found under it. ``problems`` collects what a look could not do (no Sent
    folder) without ending it."""

    def __init__(self, root: Path, reply_folders: Sequence[str], sent_folder: str | None) -> None:
        self.root = root
        self.reply_folders = tuple(reply_folders)
        self.sent_setting = sent_folder
        self.problems: list[str] = []
        self.found = discover(root)
        if not self.found:
            raise MailError(
                f"mail.maildir {str(root)!r} holds no Maildir folder (none with a 'cur' "
                "folder inside)"
            )

    def __enter__(self) -> MaildirSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release: no file stays open between reads."""

    # -- folders -------------------------------------------------------------------------

    def _path(self, name: str) -> Path | None:
        """The folder a configured name means: as a client shows it, else without regard
        to case when only one folder fits, else a path relative to the root."""
        wanted = name.strip().strip("/")
        if wanted.upper() == "INBOX":
            wanted = "INBOX"
        if wanted in self.found:
            return self.found[wanted]
        folded = {p for n, p in self.found.items() if n.casefold() == wanted.casefold()}
        if len(folded) == 1:
            return folded.pop()
        relative = self.root / name
        return relative if (relative / "cur").is_dir() else None

    def _names(self) -> list[str]:
        """Each folder once, under its first name."""
        first: dict[Path, str] = {}
        for name, path in self.found.items():
            first.setdefault(path, name)
        return sorted(first.values())

    def _existing(self, name: str) -> Path:
        path = self._path(name)
        if path is None:
            raise MailError(
                f"no folder {name!r} in the Maildir {str(self.root)!r} (its folders: "
                f"{', '.join(self._names())})"
            )
        return path

    def _folder(self, name: str) -> mailbox.Maildir:
        return mailbox.Maildir(self._existing(name), factory=None, create=False)

    def sent_folder(self) -> tuple[str, Why]:
        """The Sent folder's name and why; raises NoSentFolder naming the folders."""
        if self.sent_setting:
            return self.sent_setting, Why.CONFIGURED
        name = known_sent(self.found)
        if name is None:
            raise NoSentFolder(self._names())
        return name, Why.KNOWN_NAME

    def folders(self) -> list[FolderUse]:
        """What a look reads and why; no Sent folder is a problem. Raises MailError for a
        configured folder that does not exist."""
        uses = []
        try:
            sent, why = self.sent_folder()
            uses.append(FolderUse("sent", sent, str(self._existing(sent)), why))
        except NoSentFolder as exc:
            self.problems.append(self._no_sent(exc))
        for name in self.reply_folders:
            reply_why = Why.DEFAULT if self.reply_folders == ("INBOX",) else Why.CONFIGURED
            uses.append(FolderUse("reply", name, str(self._existing(name)), reply_why))
        return uses

    # -- reading -------------------------------------------------------------------------

    def _read(self, name: str, want: Wanted, terms: Iterable[str]) -> list[MessageHeaders]:
        """Messages of folder ``name`` whose header names any of ``terms`` (addresses,
        ``@domain``, Message-IDs; in Unicode and IDNA form), the way an IMAP server's
        SEARCH narrows them before anything is parsed; matching then decides precisely."""
        if want.since is None:
            return []
        wanted = re.compile(b"|".join(re.escape(t.lower().encode()) for t in sorted(terms)))
        folder = self._folder(name)
        tree = self._tree(Path(folder._path))
        out = []
        try:
            keys = list(folder.iterkeys())
        except OSError as exc:
            self._skipped(f"the folder {name!r}", exc, "folders")
            return []
        for key in keys:
            file = key
            try:
                file = folder._lookup(key)  # type: ignore[attr-defined]  # its cur/ or new/ name
                raw = read_message_header(tree, Path(folder._path) / file)
            except KeyError:  # moved by the syncing program meanwhile
                continue
            except OSError as exc:
                self._skipped(f"the message {file!r} in {name!r}", exc, "messages")
                continue
            if raw is not None and wanted.search(raw.lower()):
                out.append(parse(raw, name, f"{name}/{key}", _delivered(key)))
        return out

    def _no_sent(self, exc: NoSentFolder) -> str:
        """The line for a tree without a Sent folder; when the root named is the inbox of a
        tree whose Sent folder lies beside it (mbsync Verbatim, offlineimap: ``~/Mail/INBOX``
        named instead of ``~/Mail``), it also names the tree's root."""
        line = no_sent_folder(str(self.root), exc, server_flags=False)
        parent = self.root.parent
        if self.root.name.upper() != "INBOX" or parent == self.root:
            return line
        try:
            sent = known_sent(discover(parent))
        except MailError:
            sent = None
        if sent is None:
            return line
        return (
            f"{line}; or set mail.maildir to {str(parent)!r}, the root of the tree, which "
            f"holds {sent!r} beside this inbox"
        )

    def _tree(self, folder: Path) -> Path:
        """The tree a folder's messages must stay inside: the root, or the folder itself
        when it was named by a path leading out of the root (``sent_folder = "../Sent"``,
        the inbox of a Verbatim tree named as ``mail.maildir``)."""
        real, top = os.path.realpath(folder), os.path.realpath(self.root)
        return self.root if real == top or real.startswith(top + os.sep) else folder

    def _skipped(self, what: str, exc: OSError, others: str) -> None:
        """One problem line for a message or folder that cannot be read (the same one read
        twice in a look, as a Sent folder that is also a reply folder, is named once)."""
        problem = (
            f"cannot read {what} of the Maildir {str(self.root)!r}: {exc.strerror or exc} "
            f"(skipped; the other {others} were read)"
        )
        if problem not in self.problems:
            self.problems.append(problem)

    def sent(self, want: Wanted) -> list[MessageHeaders]:
        """Every message of the Sent folder to a contact; none (and a problem) when there
        is no Sent folder."""
        if not want.contacts:
            return []
        try:
            name, _why = self.sent_folder()
        except NoSentFolder as exc:
            self.problems.append(self._no_sent(exc))
            return []
        return self._read(name, want, _search_forms(want.contacts))

    def replies(self, want: Wanted, thread_ids: Sequence[str]) -> list[MessageHeaders]:
        """Messages of the reply folders from a contact or a company domain, or answering
        one of ``thread_ids`` (the same test the IMAP server's search makes)."""
        ids = set(thread_ids)
        terms = _search_forms(want.contacts | {"@" + d for d in want.domains}) | ids
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


def _search_forms(terms: Iterable[str]) -> set[str]:
    """Each canonical address or ``@domain`` also in its IDNA form, as a raw header may
    spell it (RFC 2047 does not apply to addresses: a header holds one or the other)."""
    from followup.mail.headers import ascii_address

    out = set()
    for term in terms:
        out.add(term)
        ascii_form = ascii_address(term)
        if ascii_form is not None:
            out.add(ascii_form)
    return out


def _delivered(key: str) -> datetime | None:
    """The delivery time a Maildir file name starts with (seconds since the epoch)."""
    head = key.split(".", 1)[0]
    return datetime.fromtimestamp(int(head), UTC) if head.isdigit() else None
