"""A message's headers, decoded with the standard library's ``email`` package.

Only the header fields in :data:`HEADER_FIELDS` are ever read: the IMAP source asks the server
for exactly these (``BODY.PEEK[HEADER.FIELDS (...)]``), the Maildir source reads a file up to
the blank line that ends its header. Encoded words (RFC 2047) in subjects and names are
decoded by ``email.policy.default``. A header block written in raw UTF-8 (RFC 6532, as
modern clients send it) is decoded as UTF-8 before it is parsed; a block that is not valid
UTF-8 is read in the charset its ``Content-Type`` names, and otherwise keeps a replacement
character where a byte could not be read.

Addresses are kept in one canonical form (:func:`normal_address`): lowercase, and an
internationalised domain in Unicode whether it was written in Unicode or in its IDNA
(``xn--``) form, so that ``jobs@müller-bau.de`` and ``jobs@xn--mller-bau-9db.de`` are the
same contact. Domains are converted with the ``idna`` package (IDNA 2008, UTS #46 mapping).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email import policy
from email.parser import HeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from functools import cache
from zoneinfo import ZoneInfo

from followup.cleaning import from_outside

#: The header fields a finding needs, and no others.
HEADER_FIELDS = (
    "FROM",
    "TO",
    "CC",
    "SUBJECT",
    "DATE",
    "MESSAGE-ID",
    "IN-REPLY-TO",
    "REFERENCES",
    "CONTENT-TYPE",
)

_PARSER = HeaderParser(policy=policy.compat32)
_MODERN = HeaderParser(policy=policy.default)
_MSG_ID = re.compile(r"<[^<>\s]+>")
#: The ``charset`` parameter of a ``Content-Type`` field, folded over lines or not.
_CHARSET = re.compile(
    rb"(?im)^content-type:(?:[^\r\n]|\r?\n[ \t])*?;\s*charset\s*=\s*\"?([a-z0-9._:-]+)"
)


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
    text = decode_block(raw)
    msg = _PARSER.parsestr(text, headersonly=True)
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
        subject=from_outside(_subject(text, msg.get("Subject"))),
        written=written,
        in_reply_to=_ids(msg.get("In-Reply-To")),
        references=_ids(msg.get("References")),
    )


def decode_block(raw: bytes) -> str:
    """A header block as text: UTF-8 (RFC 6532; plain ASCII is UTF-8 too); else, as mail
    clients such as Thunderbird read raw 8-bit headers an older client wrote, in the
    charset its ``Content-Type`` names (``iso-8859-1``, ``windows-1252``, ...); else UTF-8
    with U+FFFD for each byte that cannot be read."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    named = _CHARSET.search(raw)
    if named is not None and _mail_charset(named[1].decode("ascii")):
        return raw.decode(named[1].decode("ascii"), "replace")
    return raw.decode("utf-8", "replace")


@cache
def _mail_charset(name: str) -> bool:
    """Whether ``name`` is a charset a header may be written in: one Python knows that
    reads every printable ASCII byte as itself (not UTF-16, UTF-7, an escape codec or
    base64, which would garble or drop the header's ASCII fields)."""
    try:
        if codecs.lookup(name).name in ("unicode-escape", "raw-unicode-escape"):
            return False
        bytes(range(0x80, 0x100)).decode(name, "replace")  # takes any byte, as a charset must
        return all(bytes([b]).decode(name) == chr(b) for b in range(0x20, 0x7F))
    except (LookupError, UnicodeError, ValueError):
        return False


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def normal_domain(domain: str) -> str:
    """A domain in its canonical form: lowercase, IDNA labels (``xn--``) in Unicode.

    A domain the ``idna`` package refuses (not a valid IDNA 2008 name) is kept lowercase
    as written, so that it still matches itself."""
    domain = domain.strip().rstrip(".").lower()
    if domain.isascii() and "xn--" not in domain:
        return domain
    import idna

    try:
        return str(idna.decode(idna.encode(domain, uts46=True)))
    except (idna.IDNAError, UnicodeError, ValueError):
        return domain


def normal_address(address: str) -> str:
    """An address in its canonical form: lowercase, the domain by :func:`normal_domain`."""
    local, at, domain = address.strip().rpartition("@")
    if not at:
        return address.strip().lower()
    return f"{local.lower()}@{normal_domain(domain)}"


def ascii_address(address: str) -> str | None:
    """The form of a canonical address a server that only knows ASCII can search for: the
    domain in IDNA (``xn--``) form. None when that is impossible (a local part in UTF-8,
    RFC 6531, or a domain IDNA refuses)."""
    local, _at, domain = address.rpartition("@")
    if not local.isascii():
        return None
    ascii_domain = ascii_domain_of(domain)
    return None if ascii_domain is None else f"{local}@{ascii_domain}"


def ascii_domain_of(domain: str) -> str | None:
    """A canonical domain in IDNA (``xn--``) form, or None when IDNA refuses it."""
    if domain.isascii():
        return domain
    import idna

    try:
        return str(idna.encode(domain, uts46=True).decode("ascii"))
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


def _addresses(values: Sequence[object]) -> tuple[str, ...]:
    found = getaddresses([_text(v) for v in values])
    return tuple(normal_address(addr) for _name, addr in found if "@" in addr)


def _subject(text: str, value: object) -> str:
    """The subject: raw UTF-8 and encoded words mixed as ``policy.default`` decodes them
    (slower, so only then), any other as :func:`_text` does."""
    if value is None:
        return ""
    if str(value).isascii() or "=?" not in str(value):
        return _text(value)
    try:
        return str(_MODERN.parsestr(text, headersonly=True).get("Subject", "")).strip()
    except Exception:  # the modern parser's rare internal errors on malformed input
        return _text(value)


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
