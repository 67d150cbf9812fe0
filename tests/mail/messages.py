"""The messages of the mail tests: Jo's follow-up to Acme and Acme's reply (Tue 10 and
Thu 12 Nov 2026, New York time), Jo's second follow-up answering the first (Tue 17
Nov), and :func:`message` to write others. Headers are written
as they are given: non-ASCII text goes out as raw UTF-8 (RFC 6532)."""

from __future__ import annotations


def message(
    mid: str,
    sender: str,
    to: str,
    subject: str,
    date: str,
    *,
    in_reply_to: str | None = None,
) -> bytes:
    lines = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Message-ID: <{mid}>",
        f"Date: {date}",
    ]
    if in_reply_to:
        lines.append(f"In-Reply-To: <{in_reply_to}>")
    return ("\r\n".join(lines) + "\r\n\r\nHello,\r\n\r\nThe body is never read.\r\n").encode()


FOLLOW_UP = message(
    "follow-up@jo.example",
    "Jo <jo@jo.example>",
    "Dana Chen <dana@acme.example>",
    "Following up on my interview",
    "Tue, 10 Nov 2026 09:30:00 -0500",
)
THEIR_REPLY = message(
    "reply@acme.example",
    "Dana Chen <dana@acme.example>",
    "jo@jo.example",
    "Re: Following up on my interview",
    "Thu, 12 Nov 2026 16:05:00 -0500",
    in_reply_to="follow-up@jo.example",
)
SECOND_FOLLOW_UP = message(
    "second@jo.example",
    "Jo <jo@jo.example>",
    "Dana Chen <dana@acme.example>",
    "Re: Following up on my interview",
    "Tue, 17 Nov 2026 08:00:00 -0500",
    in_reply_to="follow-up@jo.example",
)
