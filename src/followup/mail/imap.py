"""The user's IMAP mailbox, read-only, through IMAPClient.

Every folder is opened with ``EXAMINE`` (``select_folder(..., readonly=True)``), so nothing,
not even ``\\Recent``, changes; the server does the searching (``SEARCH`` by recipient or
sender and ``SENTSINCE``), and only the header fields a finding needs are fetched, with
``BODY.PEEK`` so that no message is marked as read. Folders are named as a mail client
shows them (:mod:`followup.mail.folders`): ``[Gmail]/Sent Mail`` on a server whose separator
is ``.`` or whose folders live under ``INBOX.`` (Courier) is found all the same. The Sent
folder is the configured one, else the one flagged ``\\Sent`` (RFC 6154), else the first
with a name clients know; without one, replies are still read.

An address with an internationalised domain is searched for in IDNA (``xn--``) form, and in
Unicode with ``CHARSET UTF-8``; a server that refuses that charset (``BADCHARSET``) is
answered by fetching the folder's recent headers and matching here. One contact the
server cannot search for is one line in :attr:`ImapSource.problems`, not the end of the
look. Whatever item key the server answers a header fetch under (servers and proxies
respell ``BODY[HEADER.FIELDS (...)]``) is accepted; a message whose header block is
missing is a problem, never silently no finding.

Every failure is raised as :class:`MailError` naming the cause (host, user, folder, the
certificate's complaint) and never the password.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import socket
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from imapclient.exceptions import IMAPClientError, LoginError, ProtocolError

from followup.cleaning import from_outside
from followup.config import MailSettings
from followup.deadline import cut_line
from followup.errors import MailError
from followup.mail.connection import Deadline, connect
from followup.mail.folders import FolderUse, NoSentFolder, Why, known_sent, no_sent_folder
from followup.mail.headers import HEADER_FIELDS, MessageHeaders, ascii_address, parse
from followup.mail.matching import Wanted

#: Seconds one read from the server may wait for its next bytes.
TIMEOUT_S = 30.0
#: Seconds a whole look at the mailbox may take, from the TCP connect and the greeting on
#: (a server sending one byte every 20 s never trips :data:`TIMEOUT_S`): then the
#: connection is shut and the look fails.
DEADLINE_S = 180.0
#: Bytes one literal (``{N}`` in an answer) may announce: only header fields are fetched.
MAX_LITERAL = 1 << 20
_FETCH = "BODY.PEEK[HEADER.FIELDS ({})]".format(" ".join(HEADER_FIELDS)).encode()
_NOT_HEADERS = frozenset({b"INTERNALDATE", b"SEQ", b"FLAGS", b"UID", b"MODSEQ"})
#: How many addresses go into one SEARCH (each becomes one OR'ed term).
_BATCH = 50
#: ``SENTSINCE`` compares the ``Date:`` header's own calendar day; a day's margin keeps a
#: message written late in another zone, and matching then decides in the user's zone.
_MARGIN = timedelta(days=1)
_TIMING = re.compile(r"\s*\([\d. +]+secs\)\.?$")


_TOO_LARGE = "over the limit of"


class _TooLarge(imaplib.IMAP4.abort):
    """The server announced a literal over :data:`MAX_LITERAL`."""


class ImapSource:
    """A logged-in, read-only connection; use as a context manager (logs out on exit).

    ``deadline``: seconds the whole session may last, from the TCP connect and the greeting
    on (a look at the mailbox; IDLE's setting up), after which its socket is shut; None for
    no limit. :attr:`session` can lift or renew it (IDLE lifts it once it waits).
    """

    def __init__(
        self, settings: MailSettings, password: str, *, deadline: float | None = None
    ) -> None:
        assert settings.imap_host is not None and settings.username is not None
        self.settings = settings
        self.host = settings.imap_host
        #: the session's limit, watching the socket from the TCP connect on
        self.session = Deadline(deadline)
        self.problems: list[str] = []
        self._refused: set[str] = set()
        self._folders: list[tuple[tuple[bytes, ...], str, str]] | None = None
        self.client: Any = None
        try:
            with self.errors():
                self.client = self._connect()
                _bound_literals(self.client)
                try:
                    self.client.login(settings.username, password)
                except LoginError as exc:
                    if self.session.passed():
                        raise  # not refused: cut at the deadline, which errors() names
                    raise MailError(
                        f"login to {self.host} as {settings.username} refused: {_server_text(exc)}"
                    ) from None
        except BaseException:
            if self.client is not None:
                with contextlib.suppress(OSError):
                    self.client.shutdown()
            self.session.close()
            raise

    def __enter__(self) -> ImapSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.client.logout()
        except (IMAPClientError, OSError, imaplib.IMAP4.abort):
            self.client.shutdown()
        finally:
            self.session.close()

    def _connect(self) -> Any:
        """The connection, its greeting read and STARTTLS done, all within the session's
        deadline (:mod:`followup.mail.connection`)."""
        s = self.settings
        context = ssl.create_default_context(cafile=str(s.ca_file) if s.ca_file else None)
        client = connect(
            self.host,
            s.imap_port,
            tls=s.security == "tls",
            context=context,
            timeout=TIMEOUT_S,
            deadline=self.session,
        )
        if s.security == "starttls":
            try:
                client.starttls(context)
            except BaseException:
                with contextlib.suppress(OSError):  # a failed handshake closed it already
                    client.shutdown()
                raise
        return client

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn the socket's, TLS's and imaplib's failures inside into MailError naming
        the host and the cause (never the password)."""
        where = f"{self.host}:{self.settings.imap_port}"
        try:
            yield
        except (MailError, _Refused):
            raise
        except Exception as exc:
            if self.session.passed():
                raise MailError(cut_line(where, self.session.seconds)) from None
            raise _honest(exc, where) from None

    # -- folders -------------------------------------------------------------------------

    def _listed(self) -> list[tuple[tuple[bytes, ...], str, str]]:
        """The server's folders, once per look: (flags, server name, client's name)."""
        if self._folders is None:
            with self.errors():
                listed = self.client.list_folders()
            self._folders = []
            for flags, delimiter, name in listed:
                shown = str(name)
                if delimiter:
                    sep = delimiter.decode() if isinstance(delimiter, bytes) else str(delimiter)
                    shown = "/".join(shown.split(sep)) if sep != "/" else shown
                self._folders.append((tuple(flags), str(name), shown))
        return self._folders

    def resolve(self, name: str) -> str:
        """The server's name of the folder a client shows as ``name`` (also under a
        personal namespace ``INBOX/``, as Courier keeps folders); ``name`` itself when the
        server lists no such folder (opening it then names the server's complaint)."""
        wanted = name.strip().strip("/")
        if wanted.upper() == "INBOX":
            return "INBOX"
        listed = self._listed()
        for candidate in (wanted, "INBOX/" + wanted):
            for _flags, server_name, shown in listed:
                if candidate in (server_name, shown):
                    return server_name
        folded = [s for _f, s, shown in listed if shown.casefold() == wanted.casefold()]
        return folded[0] if len(folded) == 1 else name

    def sent_folder(self) -> tuple[str, str, Why]:
        """The Sent folder: (server's name, client's name, why). Raises NoSentFolder
        naming the folders there are."""
        if self.settings.sent_folder:
            name = self.settings.sent_folder
            return self.resolve(name), name, Why.CONFIGURED
        listed = self._listed()
        for flags, server_name, shown in listed:
            if b"\\Sent" in flags:
                return server_name, shown, Why.SPECIAL_USE
        with self.errors():
            popular = self.client.find_special_folder(b"\\Sent")
        if popular:
            shown = next((sh for _f, s, sh in listed if s == popular), str(popular))
            return str(popular), shown, Why.KNOWN_NAME
        selectable = [(s, sh) for f, s, sh in listed if b"\\Noselect" not in f]
        shown_name = known_sent(sh for _s, sh in selectable)
        if shown_name is not None:
            server_name = next(s for s, sh in selectable if sh == shown_name)
            return server_name, shown_name, Why.KNOWN_NAME
        raise NoSentFolder(sh for _s, sh in selectable)

    def folders(self) -> list[FolderUse]:
        """What a look reads and why; no Sent folder is a problem. Raises MailError for a
        folder the server refuses."""
        uses = []
        try:
            server_name, shown, why = self.sent_folder()
            self.examine(server_name)
            uses.append(FolderUse("sent", shown, server_name, why))
        except NoSentFolder as exc:
            self.problems.append(no_sent_folder(self.host, exc, server_flags=True))
        default = self.settings.reply_folders == ("INBOX",)
        for name in self.settings.reply_folders:
            reply = self.resolve(name)
            self.examine(reply)
            uses.append(FolderUse("reply", name, reply, Why.DEFAULT if default else Why.CONFIGURED))
        return uses

    def examine(self, folder: str) -> int:
        """Open ``folder`` read-only (EXAMINE); returns its UIDVALIDITY."""
        with self.errors():
            try:
                info = self.client.select_folder(folder, readonly=True)
            except IMAPClientError as exc:
                raise MailError(
                    f"no folder {folder!r} on {self.host} ({_server_text(exc)})"
                ) from None
        return int(info.get(b"UIDVALIDITY", 0))

    # -- reading -------------------------------------------------------------------------

    def sent(self, want: Wanted) -> list[MessageHeaders]:
        """Messages in the Sent folder to any contact, written since ``want.since``; none
        (and a problem) when there is no Sent folder."""
        if want.since is None or not want.contacts:
            return []
        try:
            folder, shown, _why = self.sent_folder()
        except NoSentFolder as exc:
            self.problems.append(no_sent_folder(self.host, exc, server_flags=True))
            return []
        terms = [(a, k) for a in sorted(want.contacts) for k in ("TO", "CC")]
        return self._find(folder, shown, terms, want.since)

    def replies(self, want: Wanted, thread_ids: Sequence[str]) -> list[MessageHeaders]:
        """Messages in the reply folders from a contact or a company domain, or answering
        one of ``thread_ids``, written since ``want.since``."""
        if want.since is None:
            return []
        terms = [(a, "FROM") for a in sorted(want.contacts)]
        terms += [("@" + d, "FROM") for d in sorted(want.domains)]
        for message_id in thread_ids:
            terms += [(message_id, "In-Reply-To"), (message_id, "References")]
        found: list[MessageHeaders] = []
        for name in self.settings.reply_folders:
            found += self._find(self.resolve(name), name, terms, want.since)
        return found

    def _find(
        self, folder: str, shown: str, terms: list[tuple[str, str]], since: date
    ) -> list[MessageHeaders]:
        """Search ``folder`` for ``terms`` ((value, header) pairs), fetch the headers."""
        validity = self.examine(folder)
        keys: list[list[Any]] = []
        unicode_terms: list[tuple[str, str]] = []
        for value, header in terms:
            ascii_value = value if value.isascii() else ascii_address(value)
            if ascii_value is not None:
                keys.append(_key(header, ascii_value))
            if not value.isascii():
                unicode_terms.append((value, header))
        floor = since - _MARGIN
        uids = self._search(keys, floor, None)
        if unicode_terms:
            uids |= self._search([_key(h, v) for v, h in unicode_terms], floor, "UTF-8")
        if not uids:
            return []
        with self.errors():
            fetched = self.client.fetch(sorted(uids), [_FETCH, b"INTERNALDATE"])
        out = []
        for uid, data in sorted(fetched.items()):
            # an answer of NIL, or of no fields, has no header block either
            raw = _header_block(data) if isinstance(data, dict) else b""
            if not raw:
                names = from_outside(", ".join(_names(data)) if isinstance(data, dict) else "")
                problem = (
                    f"{self.host} sent no header block for message {uid} in {shown!r} "
                    f"(it answered with {names or 'nothing'})"
                )
                if problem not in self.problems:  # the Sent folder may be a reply folder too
                    self.problems.append(problem)
                continue
            delivered = data.get(b"INTERNALDATE")
            out.append(
                parse(
                    raw,
                    shown,
                    f"{shown}/{validity}/{uid}",
                    delivered if isinstance(delivered, datetime) and delivered.tzinfo else None,
                )
            )
        return out

    def _search(self, keys: list[list[Any]], floor: date, charset: str | None) -> set[int]:
        """UIDs matching any of ``keys`` since ``floor``, in batches. A batch the server
        refuses is searched key by key, and a key it refuses is one problem naming it; a
        refused ``CHARSET UTF-8`` falls back to every message since ``floor``, which
        matching then sorts out."""
        uids: set[int] = set()
        for start in range(0, len(keys), _BATCH):
            batch = keys[start : start + _BATCH]
            try:
                uids |= self._run_search(batch, floor, charset)
            except _Refused:
                for key in batch:
                    try:
                        uids |= self._run_search([key], floor, charset)
                    except _Refused as exc:
                        if charset is not None:
                            return uids | self._run_search([], floor, None)
                        self._cannot_search(str(key[-1]), str(exc))
        return uids

    def _cannot_search(self, value: str, why: str) -> None:
        """One problem line per contact (or domain, or Message-ID) the server refused."""
        if value not in self._refused:
            self._refused.add(value)
            self.problems.append(
                f"{self.host} cannot search for {value!r}: {why} (skipped; the other "
                "contacts were looked for)"
            )

    def _run_search(self, keys: list[list[Any]], floor: date, charset: str | None) -> set[int]:
        criteria: list[Any] = ["SENTSINCE", floor]
        if keys:
            criteria += _any_of(keys)
        with self.errors():
            try:
                return set(self.client.search(criteria, charset=charset))
            except (IMAPClientError, UnicodeError) as exc:
                # IMAPClient adds its own advice after the server's line: keep only that line
                raise _Refused(_server_text(str(exc).split("\n", 1)[0]).rstrip("'")) from None


class _Refused(Exception):
    """A SEARCH the server (or the encoding to its charset) refused."""


def _key(header: str, value: str) -> list[Any]:
    if header in ("TO", "CC", "FROM"):
        return [header, value]
    return ["HEADER", header, value]


def _header_block(data: dict[bytes, Any]) -> bytes:
    """The header block of one FETCH answer, under whatever key the server used: the
    ``BODY[HEADER...]`` item as asked, respelled (quoted, reordered or lowercase field
    names, as Courier and proxies answer), or ``RFC822.HEADER``."""
    for key, value in data.items():
        name = key.upper() if isinstance(key, bytes) else str(key).upper().encode()
        if name.startswith((b"BODY[HEADER", b"BODY[]", b"RFC822.HEADER", b"BINARY[")):
            return value if isinstance(value, bytes) else b""
    for key, value in data.items():
        if isinstance(value, bytes) and key not in _NOT_HEADERS:
            return value
    return b""


def _names(data: dict[bytes, Any]) -> list[str]:
    return [k.decode(errors="replace") if isinstance(k, bytes) else str(k) for k in data]


def _bound_literals(client: Any) -> None:
    """Make the connection refuse a literal over :data:`MAX_LITERAL` before reading it
    (imaplib would read ``{2000000000}`` bytes into memory)."""
    imap = client._imap
    read = imap.read

    def bounded(size: int) -> bytes:
        if size > MAX_LITERAL:
            raise _TooLarge(f"announced {size} bytes, {_TOO_LARGE} {MAX_LITERAL}")
        return bytes(read(size))

    imap.read = bounded


def _honest(exc: Exception, where: str) -> MailError:
    """One line naming the server and what went wrong, for any failure inside a session:
    the socket's, TLS's, imaplib's and IMAPClient's, the server's NO and BAD (its words
    cleaned and cut), and an answer too malformed to read."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        host = where.rpartition(":")[0]
        return MailError(
            f"the certificate of {host} was refused: {exc.verify_message} "
            "(set mail.ca_file to the CA bundle that signed it)"
        )
    if isinstance(exc, ssl.SSLError):
        return MailError(f"TLS with {where} failed: {exc.reason or exc}")
    if isinstance(exc, socket.gaierror):
        return MailError(f"cannot reach {where}: {exc.strerror}")
    if isinstance(exc, TimeoutError):
        return MailError(f"cannot reach {where}: no answer in {TIMEOUT_S:.0f} s")
    if isinstance(exc, OSError):
        return MailError(f"cannot reach {where}: {exc.strerror or exc}")
    text = _server_text(exc)
    if isinstance(exc, imaplib.IMAP4.abort) and _TOO_LARGE in str(exc):  # imaplib rewords it
        return MailError(f"{where} sent an answer too large to read: {text.split(' => ')[-1]}")
    if isinstance(exc, imaplib.IMAP4.abort):
        return MailError(f"the session with {where} broke off: {text}")
    if isinstance(exc, ProtocolError):
        return MailError(f"{where} sent an answer followup cannot read: {text}")
    if isinstance(exc, imaplib.IMAP4.error):  # the server's NO or BAD
        return MailError(f"{where} answered with an error: {text}")
    return MailError(
        f"{where} sent an answer followup cannot read ({type(exc).__name__}: {_server_text(exc)})"
    )


def _any_of(terms: list[list[str]]) -> list[Any]:
    """One IMAP search key true when any of ``terms`` is: ``OR`` nested as a balanced tree
    (IMAP's OR takes two keys), so that a long list stays shallow."""
    if len(terms) == 1:
        return list(terms[0])
    middle = len(terms) // 2
    return ["OR", _any_of(terms[:middle]), _any_of(terms[middle:])]


def _server_text(exc: Exception | str) -> str:
    """The server's own words from an IMAPClient error (or its text), without the
    command's prefix, its control and bidi characters removed and cut to 300 characters."""
    text = from_outside(str(exc), 300)
    for prefix in ("login failed: ", "select failed: ", "b'", 'b"'):
        text = text.removeprefix(prefix)
    text = text.rstrip("'\"").strip()
    # Dovecot appends its timing to tagged answers: "... (0.001 + 0.000 secs)."
    return _TIMING.sub("", text)
