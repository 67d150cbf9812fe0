"""A message's headers, decoded with the standard library's ``email`` package.

Only the header fields in :data:`HEADER_FIELDS` are ever read: the IMAP source asks the server
for exactly these (``BODY.PEEK[HEADER.FIELDS (...)]``), the Maildir source reads a file up to
the blank line that ends its header. Encoded words (RFC 2047) in subjects and names are
decoded by ``email.policy.default``; addresses are compared in lowercase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email import policy
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from zoneinfo import ZoneInfo

from followup.cleaning import from_outside

#: The header fields a finding needs, and no others.
HEADER_FIELDS = ("FROM", "TO", "CC", "SUBJECT", "DATE", "MESSAGE-ID", "IN-REPLY-TO", "REFERENCES")

_PARSER = BytesHeaderParser(policy=policy.compat32)
_MSG_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class MessageHeaders:
    """One message as a finding sees it.

    ``key`` identifies it for "suggested once": its Message-ID, or, for a message without
    one, ``FOLDER/UIDVALIDITY/UID`` (IMAP) or ``FOLDER/NAME`` (Maildir). ``sender`` and the
    recipients are lowercase addresses; ``written`` is the ``Date:`` header as an aware datetime
    (the delivery time when the header is missing or unreadable), or None.
    """

    key: str
    folder: str
    message_id: str | None
    sender: str | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    written: datetime | None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()

    @property
    def recipients(self) -> tuple[str, ...]:
        return self.to + self.cc

    def day(self, zone: ZoneInfo) -> date | None:
        """The day it was written, in the user's zone."""
        return None if self.written is None else self.written.astimezone(zone).date()

    @property
    def thread_ids(self) -> frozenset[str]:
        """The Message-IDs it answers (``In-Reply-To`` and ``References``)."""
        return frozenset(self.in_reply_to + self.references)


def parse(
    raw: bytes, folder: str, fallback_key: str, delivered: datetime | None = None
) -> MessageHeaders:
    """Headers from the raw header block of a message (bytes up to the blank line).

    Malformed fields never raise: an unreadable date falls back to ``delivered``, an
    unreadable address is left out, an undecodable subject keeps its raw text.
    """
    msg = _PARSER.parsebytes(raw, headersonly=True)
    message_id = _first_id(msg.get("Message-ID"))
    written = _date(msg.get("Date")) or delivered
    senders = _addresses(msg.get_all("From", []))
    return MessageHeaders(
        key=message_id or fallback_key,
        folder=folder,
        message_id=message_id,
        sender=senders[0] if senders else None,
        to=_addresses(msg.get_all("To", [])),
        cc=_addresses(msg.get_all("Cc", [])),
        subject=from_outside(_text(msg.get("Subject"))),
        written=written,
        in_reply_to=_ids(msg.get("In-Reply-To")),
        references=_ids(msg.get("References")),
    )


def read_header_block(handle: object) -> bytes:
    """The bytes of a message file up to and including the blank line after its header;
    the body is never read. ``handle`` is a binary file opened for reading."""
    lines = []
    for line in handle:  # type: ignore[attr-defined]
        lines.append(line)
        if line in (b"\n", b"\r\n"):
            break
    return b"".join(lines)


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def _addresses(values: Sequence[object]) -> tuple[str, ...]:
    found = getaddresses([_text(v) for v in values])
    return tuple(addr.strip().lower() for _name, addr in found if "@" in addr)


def _text(value: object) -> str:
    """A header value as text, encoded words (RFC 2047) decoded."""
    if value is None:
        return ""
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(str(value)))).strip()
    except (LookupError, UnicodeError, ValueError):
        return str(value).strip()


def _ids(value: object) -> tuple[str, ...]:
    return tuple(_MSG_ID.findall(str(value))) if value else ()


def _first_id(value: object) -> str | None:
    ids = _ids(value)
    return ids[0] if ids else None


def _date(value: object) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    # "-0000" (RFC 5322 3.3): the time is UTC, the writer's zone unknown.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
