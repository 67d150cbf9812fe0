"""Every header and every address: raw UTF-8 headers (RFC 6532) decode as UTF-8, an
internationalised domain is one contact whether written in Unicode or in IDNA (``xn--``)
form, and a message from one of the user's own addresses is never a reply. Pure: headers
and days in, findings out (the Dovecot and Maildir tests show the same end to end).

Interview of the examples: Müller Bau (jobs@müller-bau.de), interviewed Fri 30 Oct 2026.
Days are New York's."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from followup.mail.headers import ascii_address, normal_address, parse
from followup.mail.matching import FindingKind, OpenInterview, match_replies

NEW_YORK = ZoneInfo("America/New_York")
MULLER = OpenInterview(1, "Müller Bau", "jobs@müller-bau.de", date(2026, 10, 30), True)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("jobs@müller-bau.de", "jobs@müller-bau.de"),
        ("Jobs@Müller-Bau.DE", "jobs@müller-bau.de"),
        ("jobs@xn--mller-bau-q9a.de", "jobs@müller-bau.de"),
        ("JOBS@XN--MLLER-BAU-Q9A.DE", "jobs@müller-bau.de"),
        ("info@bücher.example.", "info@bücher.example"),
        ("dana@acme.example", "dana@acme.example"),
        ("x@xn--not-valid-idna.example", "x@xn--not-valid-idna.example"),
    ],
)
def test_an_address_has_one_canonical_form(written: str, canonical: str) -> None:
    assert normal_address(written) == canonical


@pytest.mark.parametrize(
    ("canonical", "searched"),
    [
        ("jobs@müller-bau.de", "jobs@xn--mller-bau-q9a.de"),
        ("@müller-bau.de", "@xn--mller-bau-q9a.de"),
        ("dana@acme.example", "dana@acme.example"),
        ("jörg@müller-bau.de", None),  # a UTF-8 local part (RFC 6531) has no ASCII form
    ],
)
def test_the_form_an_ascii_only_server_searches_for(canonical: str, searched: str | None) -> None:
    assert ascii_address(canonical) == searched


# (header block as sent, subject read, sender read)
HEADERS = {
    "raw UTF-8 (RFC 6532)": (
        "From: Jürgen Müller <jobs@müller-bau.de>\r\n"
        "Subject: Vorstellungsgespräch \N{EN DASH} Rückmeldung\r\n".encode(),
        "Vorstellungsgespräch \N{EN DASH} Rückmeldung",
        "jobs@müller-bau.de",
    ),
    "encoded words (RFC 2047), IDNA domain": (
        b"From: =?utf-8?q?J=C3=BCrgen?= <jobs@xn--mller-bau-q9a.de>\r\n"
        b"Subject: =?utf-8?q?R=C3=BCckmeldung?=\r\n",
        "Rückmeldung",
        "jobs@müller-bau.de",
    ),
    "raw UTF-8 and encoded words mixed": (
        "From: jobs@müller-bau.de\r\nSubject: Rückmeldung =?utf-8?q?Gespr=C3=A4ch?=\r\n".encode(),
        "Rückmeldung Gespräch",
        "jobs@müller-bau.de",
    ),
    "Latin-1 bytes, no charset named": (
        b"From: jobs@xn--mller-bau-q9a.de\r\nSubject: R\xfcckmeldung\r\n",
        "R\N{REPLACEMENT CHARACTER}ckmeldung",
        "jobs@müller-bau.de",
    ),
    "Latin-1 bytes, the charset its Content-Type names": (
        b"From: J\xfcrgen <jobs@xn--mller-bau-q9a.de>\r\nSubject: R\xfcckmeldung\r\n"
        b"Content-Type: text/plain; charset=ISO-8859-1\r\n",
        "Rückmeldung",
        "jobs@müller-bau.de",
    ),
    "windows-1252 bytes, charset quoted on a folded line": (
        b'Content-Type: text/plain;\r\n\tformat=flowed; charset="windows-1252"\r\n'
        b"From: jobs@xn--mller-bau-q9a.de\r\nSubject: \x84R\xfcckmeldung\x93\r\n",
        "\N{DOUBLE LOW-9 QUOTATION MARK}Rückmeldung\N{LEFT DOUBLE QUOTATION MARK}",
        "jobs@müller-bau.de",
    ),
    "Latin-1 bytes, a charset that is not one headers are written in": (
        b"From: jobs@xn--mller-bau-q9a.de\r\nSubject: R\xfcckmeldung\r\n"
        b"Content-Type: text/plain; charset=utf-16\r\n",
        "R\N{REPLACEMENT CHARACTER}ckmeldung",
        "jobs@müller-bau.de",
    ),
    "Latin-1 bytes, a charset Python does not know": (
        b"From: jobs@xn--mller-bau-q9a.de\r\nSubject: R\xfcckmeldung\r\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n",
        "R\N{REPLACEMENT CHARACTER}ckmeldung",
        "jobs@müller-bau.de",
    ),
}


@pytest.mark.parametrize(
    "charset", ["utf-16", "utf-32", "utf-7", "idna", "punycode", "unicode_escape", "base64"]
)
def test_a_charset_that_would_garble_ascii_is_not_used(charset: str) -> None:
    block = (
        b"From: Dana <dana@acme.example>\r\nSubject: R\xfcck \\u0041\r\n"
        b"Content-Type: text/plain; charset=" + charset.encode() + b"\r\n\r\n"
    )
    message = parse(block, "INBOX", "INBOX/1")
    assert (message.sender, message.subject) == (
        "dana@acme.example",
        "R\N{REPLACEMENT CHARACTER}ck \\u0041",
    )


@pytest.mark.parametrize("case", list(HEADERS))
def test_header_blocks_decode(case: str) -> None:
    raw, subject, sender = HEADERS[case]
    block = raw + b"Date: Fri, 13 Nov 2026 11:00:00 -0500\r\n\r\n"
    message = parse(block, "INBOX", "INBOX/1")
    assert (message.subject, message.sender) == (subject, sender)
    assert message.day(NEW_YORK) == date(2026, 11, 13)


def reply(sender: str, *, answers: str = "") -> bytes:
    extra = f"In-Reply-To: <{answers}>\r\n" if answers else ""
    return (
        f"From: {sender}\r\nTo: jobs@müller-bau.de\r\nSubject: Re: Nachfrage\r\n"
        f"Message-ID: <{sender}-1@x>\r\nDate: Tue, 17 Nov 2026 08:00:00 -0500\r\n{extra}\r\n"
    ).encode()


FOLLOW_UP = parse(
    b"From: jo@jo.example\r\nTo: jobs@xn--mller-bau-q9a.de\r\nSubject: Nachfrage\r\n"
    b"Message-ID: <follow-up@jo.example>\r\nDate: Tue, 10 Nov 2026 09:30:00 -0500\r\n\r\n",
    "Sent",
    "Sent/1",
)


@pytest.mark.parametrize(
    ("sender", "own", "found"),
    [
        ("jobs@xn--mller-bau-q9a.de", frozenset(), [date(2026, 11, 17)]),
        ("personal@müller-bau.de", frozenset(), [date(2026, 11, 17)]),
        ("jo@jo.example", frozenset({"jo@jo.example"}), []),
        ("jo.alias@jo.example", frozenset({"jo@jo.example", "jo.alias@jo.example"}), []),
        ("jo@jo.example", frozenset(), [date(2026, 11, 17)]),  # own address not known
    ],
    ids=[
        "the contact, in IDNA form",
        "the company's other address",
        "the user's own second follow-up",
        "the user's alias (mail.addresses)",
        "without own addresses: taken for a reply",
    ],
)
def test_replies_by_address_and_thread_but_never_the_users_own(
    sender: str, own: frozenset[str], found: list[date]
) -> None:
    message = parse(reply(sender, answers="follow-up@jo.example"), "All Mail", "All Mail/2")
    candidates = match_replies([MULLER], [message], [FOLLOW_UP], NEW_YORK, own)
    assert [(c.kind, c.on) for c in candidates] == [(FindingKind.REPLY, d) for d in found]
