"""The user's IMAP mailbox, read-only, through IMAPClient.

Every folder is opened with ``EXAMINE`` (``select_folder(..., readonly=True)``), so nothing,
not even ``\\Recent``, changes; the server does the searching (``SEARCH`` by recipient or
sender and ``SENTSINCE``), and only the header fields a finding needs are fetched, with
``BODY.PEEK`` so that no message is marked as read. The Sent folder is the one with the
``\\Sent`` special-use attribute (RFC 6154) unless the config names one.

Every failure is raised as :class:`MailError` naming the cause (host, user, folder, the
certificate's complaint) and never the password.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import socket
import ssl
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError, ProtocolError

from followup.cleaning import from_outside
from followup.config import MailSettings
from followup.errors import MailError
from followup.mail.headers import HEADER_FIELDS, MessageHeaders, parse
from followup.mail.matching import Wanted

#: Seconds one read from the server may wait for its next bytes.
TIMEOUT_S = 30.0
#: Seconds a whole look at the mailbox may take (a server sending one byte every 20 s
#: never trips :data:`TIMEOUT_S`): then the connection is shut and the look fails.
DEADLINE_S = 180.0
#: Bytes one literal (``{N}`` in an answer) may announce: only header fields are fetched.
MAX_LITERAL = 1 << 20
_FETCH = "BODY.PEEK[HEADER.FIELDS ({})]".format(" ".join(HEADER_FIELDS)).encode()
_ANSWER = "BODY[HEADER.FIELDS ({})]".format(" ".join(HEADER_FIELDS)).encode()
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

    ``deadline``: seconds the whole session may last (a look at the mailbox), after which
    its socket is shut; None for a connection meant to wait (IDLE).
    """

    def __init__(
        self, settings: MailSettings, password: str, *, deadline: float | None = None
    ) -> None:
        assert settings.imap_host is not None and settings.username is not None
        self.settings = settings
        self.host = settings.imap_host
        self.deadline = deadline
        self._expired = threading.Event()
        self._timer: threading.Timer | None = None
        with self.errors():
            self.client = self._connect()
            _bound_literals(self.client)
            if deadline is not None:
                self._timer = threading.Timer(deadline, self._expire)
                self._timer.daemon = True
                self._timer.start()
            try:
                self.client.login(settings.username, password)
            except LoginError as exc:
                self.client.shutdown()
                raise MailError(
                    f"login to {self.host} as {settings.username} refused: {_server_text(exc)}"
                ) from None

    def __enter__(self) -> ImapSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        try:
            self.client.logout()
        except (IMAPClientError, OSError, imaplib.IMAP4.abort):
            self.client.shutdown()

    def _expire(self) -> None:
        """Timer thread: the session's deadline passed; a read blocked on the socket
        returns at once."""
        self._expired.set()
        with contextlib.suppress(OSError):
            self.client.socket().shutdown(socket.SHUT_RDWR)

    def _connect(self) -> Any:
        s = self.settings
        context = ssl.create_default_context(cafile=str(s.ca_file) if s.ca_file else None)
        if s.security == "tls":
            return IMAPClient(
                self.host, s.imap_port, ssl=True, ssl_context=context, timeout=TIMEOUT_S
            )
        client = IMAPClient(self.host, s.imap_port, ssl=False, timeout=TIMEOUT_S)
        if s.security == "starttls":
            client.starttls(context)
        return client

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn the socket's, TLS's and imaplib's failures inside into MailError naming
        the host and the cause (never the password)."""
        where = f"{self.host}:{self.settings.imap_port}"
        try:
            yield
        except MailError:
            raise
        except Exception as exc:
            if self._expired.is_set():
                raise MailError(
                    f"{where} did not answer in full within {self.deadline:.0f} s; gave up"
                ) from None
            raise _honest(exc, where) from None

    # -- folders -------------------------------------------------------------------------

    def sent_folder(self) -> str:
        """``mail.sent_folder``, else the folder flagged ``\\Sent``, else ``Sent``."""
        if self.settings.sent_folder:
            return self.settings.sent_folder
        with self.errors():
            for flags, _delimiter, name in self.client.list_folders():
                if b"\\Sent" in flags:
                    return str(name)
        return "Sent"

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
        """Messages in the Sent folder to any contact, written since ``want.since``."""
        if want.since is None or not want.contacts:
            return []
        terms = [t for a in sorted(want.contacts) for t in (["TO", a], ["CC", a])]
        return self._find(self.sent_folder(), terms, want.since)

    def replies(self, want: Wanted, thread_ids: Sequence[str]) -> list[MessageHeaders]:
        """Messages in the reply folders from a contact or a company domain, or answering
        one of ``thread_ids``, written since ``want.since``."""
        if want.since is None:
            return []
        terms = [["FROM", a] for a in sorted(want.contacts)]
        terms += [["FROM", "@" + d] for d in sorted(want.domains)]
        for message_id in thread_ids:
            terms += [["HEADER", "In-Reply-To", message_id], ["HEADER", "References", message_id]]
        found: list[MessageHeaders] = []
        for folder in self.settings.reply_folders:
            found += self._find(folder, terms, want.since)
        return found

    def _find(self, folder: str, terms: list[list[str]], since: date) -> list[MessageHeaders]:
        validity = self.examine(folder)
        uids: set[int] = set()
        with self.errors():
            for start in range(0, len(terms), _BATCH):
                criteria = ["SENTSINCE", since - _MARGIN, *_any_of(terms[start : start + _BATCH])]
                uids.update(self.client.search(criteria))
            if not uids:
                return []
            fetched = self.client.fetch(sorted(uids), [_FETCH, b"INTERNALDATE"])
        out = []
        for uid, data in sorted(fetched.items()):
            if not isinstance(data, dict):
                continue  # an answer of NIL, or of no fields: nothing to read in it
            delivered = data.get(b"INTERNALDATE")
            header = data.get(_ANSWER)
            out.append(
                parse(
                    header if isinstance(header, bytes) else b"",
                    folder,
                    f"{folder}/{validity}/{uid}",
                    delivered if isinstance(delivered, datetime) and delivered.tzinfo else None,
                )
            )
        return out


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


def _server_text(exc: Exception) -> str:
    """The server's own words from an IMAPClient error, without the command's prefix, its
    control and bidi characters removed and cut to 300 characters."""
    text = from_outside(str(exc), 300)
    for prefix in ("login failed: ", "select failed: ", "b'", 'b"'):
        text = text.removeprefix(prefix)
    text = text.rstrip("'\"").strip()
    # Dovecot appends its timing to tagged answers: "... (0.001 + 0.000 secs)."
    return _TIMING.sub("", text)
