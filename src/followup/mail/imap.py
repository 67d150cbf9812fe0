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

import imaplib
import re
import socket
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from followup.config import MailSettings
from followup.errors import MailError
from followup.mail.headers import HEADER_FIELDS, MessageHeaders, parse
from followup.mail.matching import Wanted

TIMEOUT_S = 30.0
_FETCH = "BODY.PEEK[HEADER.FIELDS ({})]".format(" ".join(HEADER_FIELDS)).encode()
_ANSWER = "BODY[HEADER.FIELDS ({})]".format(" ".join(HEADER_FIELDS)).encode()
#: How many addresses go into one SEARCH (each becomes one OR'ed term).
_BATCH = 50
#: ``SENTSINCE`` compares the ``Date:`` header's own calendar day; a day's margin keeps a
#: message written late in another zone, and matching then decides in the user's zone.
_MARGIN = timedelta(days=1)
_TIMING = re.compile(r"\s*\([\d. +]+secs\)\.?$")


class ImapSource:
    """A logged-in, read-only connection; use as a context manager (logs out on exit)."""

    def __init__(self, settings: MailSettings, password: str) -> None:
        assert settings.imap_host is not None and settings.username is not None
        self.settings = settings
        self.host = settings.imap_host
        with self._errors():
            self.client = self._connect()
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
        try:
            self.client.logout()
        except (IMAPClientError, OSError, imaplib.IMAP4.abort):
            self.client.shutdown()

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
    def _errors(self) -> Iterator[None]:
        where = f"{self.host}:{self.settings.imap_port}"
        try:
            yield
        except ssl.SSLCertVerificationError as exc:
            raise MailError(
                f"the certificate of {self.host} was refused: {exc.verify_message} "
                "(set mail.ca_file to the CA bundle that signed it)"
            ) from None
        except ssl.SSLError as exc:
            raise MailError(f"TLS with {where} failed: {exc.reason or exc}") from None
        except socket.gaierror as exc:
            raise MailError(f"cannot reach {where}: {exc.strerror}") from None
        except TimeoutError:
            raise MailError(f"cannot reach {where}: no answer in {TIMEOUT_S:.0f} s") from None
        except ConnectionError as exc:
            raise MailError(f"cannot reach {where}: {exc.strerror or exc}") from None
        except OSError as exc:
            raise MailError(f"cannot reach {where}: {exc.strerror or exc}") from None
        except imaplib.IMAP4.abort as exc:
            raise MailError(f"{where} closed the connection: {exc}") from None

    # -- folders -------------------------------------------------------------------------

    def sent_folder(self) -> str:
        """``mail.sent_folder``, else the folder flagged ``\\Sent``, else ``Sent``."""
        if self.settings.sent_folder:
            return self.settings.sent_folder
        with self._errors():
            for flags, _delimiter, name in self.client.list_folders():
                if b"\\Sent" in flags:
                    return str(name)
        return "Sent"

    def _examine(self, folder: str) -> int:
        """Open ``folder`` read-only (EXAMINE); returns its UIDVALIDITY."""
        try:
            with self._errors():
                info = self.client.select_folder(folder, readonly=True)
        except IMAPClientError as exc:
            raise MailError(f"no folder {folder!r} on {self.host} ({_server_text(exc)})") from None
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
        validity = self._examine(folder)
        uids: set[int] = set()
        with self._errors():
            for start in range(0, len(terms), _BATCH):
                criteria = ["SENTSINCE", since - _MARGIN, *_any_of(terms[start : start + _BATCH])]
                uids.update(self.client.search(criteria))
            if not uids:
                return []
            fetched = self.client.fetch(sorted(uids), [_FETCH, b"INTERNALDATE"])
        out = []
        for uid, data in sorted(fetched.items()):
            delivered = data.get(b"INTERNALDATE")
            out.append(
                parse(
                    data.get(_ANSWER, b""),
                    folder,
                    f"{folder}/{validity}/{uid}",
                    delivered if isinstance(delivered, datetime) and delivered.tzinfo else None,
                )
            )
        return out


def _any_of(terms: list[list[str]]) -> list[Any]:
    """One IMAP search key true when any of ``terms`` is: ``OR`` nested as a balanced tree
    (IMAP's OR takes two keys), so that a long list stays shallow."""
    if len(terms) == 1:
        return list(terms[0])
    middle = len(terms) // 2
    return ["OR", _any_of(terms[:middle]), _any_of(terms[middle:])]


def _server_text(exc: Exception) -> str:
    """The server's own words from an IMAPClient error, without the command's prefix."""
    text = str(exc)
    for prefix in ("login failed: ", "select failed: ", "b'", 'b"'):
        text = text.removeprefix(prefix)
    text = text.rstrip("'\"").strip()
    # Dovecot appends its timing to tagged answers: "... (0.001 + 0.000 secs)."
    return _TIMING.sub("", text)
