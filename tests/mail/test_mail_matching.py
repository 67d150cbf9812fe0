"""Matching messages to open interviews, as pure functions of headers and days (the same
rules the Dovecot tests show end to end), and header decoding with the email package."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from followup.mail.headers import parse
from followup.mail.matching import (
    FindingKind,
    OpenInterview,
    match_replies,
    match_sent,
    public_domains,
    wanted,
)

NEW_YORK = ZoneInfo("America/New_York")
ACME = OpenInterview(1, "Acme", "dana@acme.example", date(2026, 10, 30), awaiting_email=True)
GMAIL = OpenInterview(2, "Solo", "dana.chen@gmail.com", date(2026, 10, 30), awaiting_email=False)


def headers(sender: str, to: str, when: str, *, mid: str = "m@x", extra: str = "") -> bytes:
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: s\r\nMessage-ID: <{mid}>\r\nDate: {when}\r\n"
        f"{extra}\r\n"
    ).encode()


def test_encoded_subjects_and_names_are_decoded() -> None:
    raw = (
        b"From: =?utf-8?q?Ren=C3=A9e_M=C3=BCller?= <Renee@Acme.Example>\r\n"
        b'To: a@b.example, "Doe, Jane" <jane@b.example>\r\n'
        b"Subject: =?utf-8?b?UmU6IEluc2NocmlmdCDDvGJlcg==?=\r\n"
        b"Date: Thu, 12 Nov 2026 16:05:00 -0500\r\n"
        b"References: <a@x> <b@x>\r\nIn-Reply-To: <b@x>\r\n\r\n"
    )
    m = parse(raw, "INBOX", "INBOX/1/7")
    assert (m.sender, m.to, m.subject) == (
        "renee@acme.example",
        ("a@b.example", "jane@b.example"),
        "Re: Inschrift über",
    )
    assert (m.key, m.message_id, m.thread_ids) == ("INBOX/1/7", None, frozenset({"<a@x>", "<b@x>"}))
    assert m.day(NEW_YORK) == date(2026, 11, 12)


def test_an_unreadable_date_falls_back_to_the_delivery_time() -> None:
    delivered = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
    m = parse(b"From: a@b.example\r\nDate: someday\r\n\r\n", "INBOX", "k", delivered)
    assert (m.written, m.day(NEW_YORK)) == (delivered, date(2026, 11, 3))


@pytest.mark.parametrize(
    ("to", "when", "found"),
    [
        ("dana@acme.example", "Fri, 30 Oct 2026 08:00:00 -0400", [(1, "2026-10-30")]),
        ("DANA@ACME.EXAMPLE", "Mon, 2 Nov 2026 08:00:00 -0500", [(1, "2026-11-02")]),
        ("dana@acme.example", "Thu, 29 Oct 2026 08:00:00 -0400", []),
        ("hiring@acme.example", "Mon, 2 Nov 2026 08:00:00 -0500", []),
        ("dana.chen@gmail.com", "Mon, 2 Nov 2026 08:00:00 -0500", []),  # already emailed
    ],
    ids=["interview-day", "case-insensitive", "before", "other-address", "already-emailed"],
)
def test_sent(to: str, when: str, found: list[tuple[int, str]]) -> None:
    m = parse(headers("jo@jo.example", to, when), "Sent", "k")
    got = match_sent([ACME, GMAIL], [m], NEW_YORK)
    assert [(c.interview_id, c.on.isoformat()) for c in got] == found
    assert all(c.kind is FindingKind.SENT for c in got)


@pytest.mark.parametrize(
    ("sender", "extra", "found"),
    [
        ("dana@acme.example", "", [1]),
        ("hiring@acme.example", "", [1]),
        ("hiring@sub.acme.example", "", []),
        ("dana.chen@gmail.com", "", [2]),
        ("someone.else@gmail.com", "", []),
        ("sam@recruit.example", "In-Reply-To: <follow-up@jo>\r\n", [1]),
        ("sam@recruit.example", "References: <older@jo> <follow-up@jo>\r\n", [1]),
        ("sam@recruit.example", "In-Reply-To: <unrelated@jo>\r\n", []),
    ],
    ids=[
        "contact",
        "company-domain",
        "subdomain-is-another-domain",
        "public-contact",
        "public-other",
        "in-reply-to",
        "references",
        "other-thread",
    ],
)
def test_replies(sender: str, extra: str, found: list[int]) -> None:
    sent = parse(
        headers(
            "jo@jo.example",
            "dana@acme.example",
            "Mon, 2 Nov 2026 08:00:00 -0500",
            mid="follow-up@jo",
        ),
        "Sent",
        "s",
    )
    reply = parse(
        headers(sender, "jo@jo.example", "Tue, 3 Nov 2026 08:00:00 -0500", extra=extra),
        "INBOX",
        "r",
    )
    got = match_replies([ACME, GMAIL], [reply], [sent], NEW_YORK)
    assert [c.interview_id for c in got] == found


def test_the_public_provider_list_is_loaded_and_excluded_from_searches() -> None:
    assert {"gmail.com", "outlook.com", "yahoo.com"} <= public_domains()
    assert wanted([ACME, GMAIL]).domains == frozenset({"acme.example"})


# Recorded at 10:00 New York time on Mon 2026-11-02, with no interview day known.
RECORDED = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
ADDED_LATE = OpenInterview(
    3, "Acme", "dana@acme.example", date(2026, 11, 2), awaiting_email=False, recorded=RECORDED
)
KNOWN_DAY = OpenInterview(4, "Acme", "dana@acme.example", date(2026, 11, 2), awaiting_email=False)


@pytest.mark.parametrize(
    ("interview", "when", "found"),
    [
        (ADDED_LATE, "Mon, 2 Nov 2026 15:30:00 -0500", [3]),
        (ADDED_LATE, "Mon, 2 Nov 2026 10:00:00 -0500", [3]),
        (ADDED_LATE, "Mon, 2 Nov 2026 09:59:00 -0500", []),
        (ADDED_LATE, "Sun, 1 Nov 2026 12:00:00 -0500", []),
        (ADDED_LATE, "Tue, 3 Nov 2026 08:00:00 -0500", [3]),
        (KNOWN_DAY, "Mon, 2 Nov 2026 15:30:00 -0500", []),
        (KNOWN_DAY, "Tue, 3 Nov 2026 08:00:00 -0500", [4]),
    ],
    ids=[
        "added-day-after-recording",
        "added-day-at-recording",
        "added-day-before-recording",
        "day-before-added",
        "day-after-added",
        "interview-day-itself",
        "day-after-interview",
    ],
)
def test_a_reply_on_the_day_an_interview_was_added_counts_from_the_instant_it_was_added(
    interview: OpenInterview, when: str, found: list[int]
) -> None:
    reply = parse(headers("dana@acme.example", "jo@jo.example", when), "INBOX", "r")
    got = match_replies([interview], [reply], [], NEW_YORK)
    assert [c.interview_id for c in got] == found
