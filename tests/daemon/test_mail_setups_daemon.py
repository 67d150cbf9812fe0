"""The real daemon on each IMAP set-up: the time from a reply's delivery to the daemon's
question, told of it by IDLE, on Dovecot set up as Outlook (Sent Items, no ``\\Sent`` flag),
as Gmail (All Mail as the reply folder, holding the user's own follow-up too), and behind a
proxy that respells FETCH keys as Courier does, with a localised Sent folder and Courier's
``INBOX.`` namespace, and for a raw UTF-8 reply from a contact with an internationalised
domain. The time is printed for each set-up; the bound is generous.

Dates: 2030, US calendar, zone UTC. Acme: interviewed Fri 2029-12-28, reply expected Wed
2030-01-02, contact dana@acme.example; Jo's follow-up is written Thu 2030-01-03 and the
daemon runs on Fri 2030-01-04 10:00 (before the email reminder), so the sent finding is
asked first; Acme's reply is written Fri 2030-01-04 09:00.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from tests.daemon.mail_settings import config
from tests.mail.messages import message
from tests.support.daemon import DaemonProcess
from tests.support.dovecot import Dovecot
from tests.support.harness import FakeClock, NotificationServer
from tests.support.imap_proxy import ImapProxy

pytestmark = pytest.mark.system

FRI_2030_01_04_10H = datetime(2030, 1, 4, 10, 0, tzinfo=UTC)
QUESTION_BOUND_S = 15.0
FOLLOW_UP = message(
    "follow-up@jo.example",
    "Jo <jo@jo.example>",
    "Dana Chen <dana@acme.example>",
    "Following up on my interview",
    "Thu, 03 Jan 2030 09:30:00 +0000",
)
THEIR_REPLY = message(
    "reply@acme.example",
    "Dana Chen <dana@acme.example>",
    "jo@jo.example",
    "Re: Following up on my interview",
    "Fri, 04 Jan 2030 09:00:00 +0000",
    in_reply_to="follow-up@jo.example",
)

# (the server's folders, the Sent folder, the reply folders, where the reply is delivered,
# the proxy's options or None, the namespace's separator and prefix)
Setup = tuple[dict[str, str | None], str, str, tuple[str, ...], dict[str, bool] | None, str, str]
SETUPS: dict[str, Setup] = {
    "Dovecot, Sent flagged": ({"Sent": "\\Sent"}, "Sent", "", ("INBOX",), None, "/", ""),
    "Outlook-like, Sent Items without flag": (
        {"Sent Items": None},
        "Sent Items",
        "",
        ("INBOX",),
        None,
        "/",
        "",
    ),
    "German Exchange-like, Gesendete Elemente without flag": (
        {"Gesendete Elemente": None},
        "Gesendete Elemente",
        "",
        ("INBOX",),
        None,
        "/",
        "",
    ),
    "Courier-like namespace, INBOX.Sent without flag": (
        {"Sent": None},
        "INBOX.Sent",
        "",
        ("INBOX",),
        None,
        ".",
        "INBOX.",
    ),
    "Gmail-like, All Mail as reply folder": (
        {"[Gmail]/Sent Mail": "\\Sent", "[Gmail]/All Mail": "\\All"},
        "[Gmail]/Sent Mail",
        'reply_folders = ["[Gmail]/All Mail"]\n',
        ("INBOX", "[Gmail]/All Mail"),
        None,
        "/",
        "",
    ),
    "Courier-like FETCH keys (proxy)": (
        {"Sent": "\\Sent"},
        "Sent",
        "",
        ("INBOX",),
        {"respell_fetch": True},
        "/",
        "",
    ),
}


@pytest.mark.parametrize("setup", list(SETUPS))
def test_a_reply_is_asked_about_at_once_on_each_set_up(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
    setup: str,
) -> None:
    folders, sent, extra, deliver_to, proxied, separator, prefix = SETUPS[setup]
    server = Dovecot.start(folders=folders, separator=separator, prefix=prefix)
    proxy = ImapProxy(server.port, **proxied).start() if proxied is not None else None
    try:
        server.deliver(FOLLOW_UP, sent)
        if len(deliver_to) > 1:
            server.deliver(FOLLOW_UP, deliver_to[1])
        fake_clock.set(FRI_2030_01_04_10H)
        daemon = make_daemon(config=config(proxy.port if proxy else server.port) + extra)
        daemon.add(
            "Acme",
            date(2030, 1, 2),
            interviewed_on=date(2029, 12, 28),
            contact_email="dana@acme.example",
        )
        daemon.start().wait_ready()
        [asked] = notification_server.wait_for(1, timeout=QUESTION_BOUND_S)
        daemon.wait_log("listening for new mail in", timeout=20)

        delivered = time.monotonic()
        for folder in deliver_to:
            server.deliver(THEIR_REPLY, folder)
        questions = notification_server.wait_for(2, timeout=QUESTION_BOUND_S)
        took = time.monotonic() - delivered
        flags = server.flags()
    finally:
        if proxy is not None:
            proxy.stop()
        server.remove()

    assert asked["summary"] == "You emailed Acme on Thu 3 Jan?"
    assert [q["summary"] for q in questions][1:] == ["Acme replied on Fri 4 Jan?"]
    assert took < QUESTION_BOUND_S
    assert all(f == (b"\\Recent",) for folder in flags.values() for f in folder.values())
    print(f"{setup}: question {took:.2f} s after delivery")


MULLER_FOLLOW_UP = message(
    "nachfrage@jo.example",
    "Jo Schäfer <jo@jo.example>",
    "Jürgen Müller <jobs@müller-bau.de>",
    "Nachfrage zum Vorstellungsgespräch",
    "Thu, 03 Jan 2030 09:30:00 +0000",
)
MULLER_REPLY = message(
    "antwort@xn--mller-bau-q9a.de",
    "Jürgen Müller <jobs@xn--mller-bau-q9a.de>",
    "jo@jo.example",
    "Vorstellungsgespräch \N{EN DASH} Rückmeldung",
    "Fri, 04 Jan 2030 09:00:00 +0000",
)


@pytest.mark.parametrize(
    "refuse_charset", [False, True], ids=["server searches UTF-8", "server refuses CHARSET"]
)
def test_a_raw_utf8_reply_from_an_idn_contact_is_asked_about_at_once(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
    refuse_charset: bool,
) -> None:
    """The contact typed in Unicode, the reply's sender in IDNA form, its headers in raw
    UTF-8 (RFC 6532)."""
    server = Dovecot.start()
    proxy = ImapProxy(server.port, refuse_charset=refuse_charset).start()
    try:
        server.deliver(MULLER_FOLLOW_UP, "Sent")
        fake_clock.set(FRI_2030_01_04_10H)
        daemon = make_daemon(config=config(proxy.port))
        daemon.add(
            "Müller Bau",
            date(2030, 1, 2),
            interviewed_on=date(2029, 12, 28),
            contact_email="jobs@müller-bau.de",
        )
        daemon.start().wait_ready()
        [asked] = notification_server.wait_for(1, timeout=QUESTION_BOUND_S)
        daemon.wait_log("listening for new mail in", timeout=20)

        delivered = time.monotonic()
        server.deliver(MULLER_REPLY)
        questions = notification_server.wait_for(2, timeout=QUESTION_BOUND_S)
        took = time.monotonic() - delivered
        flags = server.flags()
    finally:
        proxy.stop()
        server.remove()

    assert asked["summary"] == "You emailed Müller Bau on Thu 3 Jan?"
    assert [q["summary"] for q in questions][1:] == ["Müller Bau replied on Fri 4 Jan?"]
    assert took < QUESTION_BOUND_S
    assert (proxy.refused > 0) == refuse_charset
    assert all(f == (b"\\Recent",) for folder in flags.values() for f in folder.values())
    print(
        f"IDN contact, raw UTF-8 ({'BADCHARSET' if refuse_charset else 'UTF-8 search'}): "
        f"question {took:.2f} s after delivery"
    )


def test_without_a_sent_folder_the_daemon_logs_it_once_and_still_asks_about_replies(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
) -> None:
    server = Dovecot.start(folders={"Outbox copies": None})
    try:
        server.deliver(FOLLOW_UP, "Outbox copies")
        server.deliver(THEIR_REPLY)
        fake_clock.set(FRI_2030_01_04_10H)
        daemon = make_daemon(config=config(server.port))
        daemon.add(
            "Acme",
            date(2030, 1, 2),
            interviewed_on=date(2029, 12, 28),
            contact_email="dana@acme.example",
        )
        daemon.start().wait_ready()
        [asked] = notification_server.wait_for(1, timeout=QUESTION_BOUND_S)
        daemon.wait_log("listening for new mail in", timeout=20)
    finally:
        server.remove()
    assert asked["summary"] == "Acme replied on Fri 4 Jan?"
    logged = [line for line in daemon.log().splitlines() if "could not be read" in line]
    assert len(logged) == 1
    assert logged[0].endswith(
        "part of the mailbox could not be read: no Sent folder found in 127.0.0.1 (none is "
        "flagged \\Sent and none has a name mail clients use for it); its folders: INBOX, "
        "Outbox copies; set mail.sent_folder to the one your mail client keeps sent mail in "
        "(replies are still read)"
    )
