"""The header block of a FETCH answer is found under whatever item key the server used:
servers and proxies respell ``BODY[HEADER.FIELDS (...)]`` (quoted or lowercase field names,
another order), and some answer with the whole header. An answer holding no header block
gives none, which the look reports as a failed part (never as "no findings"). The real
server and a respelling proxy are in ``test_mail_servers``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from followup.mail.imap import _header_block

BLOCK = b"From: Dana Chen <dana@acme.example>\r\nSubject: Re: Following up\r\n\r\n"
DELIVERED = datetime(2026, 11, 12, 21, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    "key",
    [
        b"BODY[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID IN-REPLY-TO REFERENCES)]",
        b'BODY[HEADER.FIELDS ("FROM" "TO" "CC" "SUBJECT")]',  # Courier, some proxies
        b"body[header.fields (from to cc subject)]",
        b"BODY[HEADER.FIELDS (SUBJECT FROM)]",
        b"BODY[HEADER]",
        b"RFC822.HEADER",
        b"BODY[]",
        b"X-UNKNOWN-ITEM",  # any other bytes item besides the known non-header ones
    ],
)
def test_the_header_block_is_found_under_any_key(key: bytes) -> None:
    answer = {b"SEQ": 1, b"UID": 7, key: BLOCK, b"INTERNALDATE": DELIVERED, b"FLAGS": ()}
    assert _header_block(answer) == BLOCK


@pytest.mark.parametrize(
    "answer",
    [
        {b"SEQ": 1, b"INTERNALDATE": DELIVERED},
        {b"SEQ": 1, b"BODY[HEADER.FIELDS (FROM)]": None},
        {b"SEQ": 1, b"BODY[HEADER.FIELDS (FROM)]": b""},
        {b"SEQ": 1, b"FLAGS": b"\\Seen", b"MODSEQ": b"12"},
    ],
    ids=["no item", "NIL", "empty string", "only items that are not the header"],
)
def test_an_answer_without_a_header_block_gives_none(answer: dict[bytes, object]) -> None:
    assert _header_block(answer) == b""
