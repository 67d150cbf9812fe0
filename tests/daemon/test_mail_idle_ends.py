"""The real daemon with a server that ends IDLE by itself, as many do after 10 to 29
minutes (here a proxy in front of a real Dovecot ends each IDLE after a few seconds, with
an untagged ``BYE`` or by finishing the command): the daemon opens IDLE again at once,
without backoff and without logging a failure, and a reply delivered afterwards is asked
about as quickly as on a server that never ends IDLE. The time from the reply's delivery
to the question is printed for each set-up.

Dates: 2030, US calendar, zone UTC. Acme: interviewed Fri 2029-12-28, reply expected Wed
2030-01-02, contact dana@acme.example, emailed Mon 2030-01-07; the daemon runs on Mon
2030-01-14 10:00, and Acme's reply is written Thu 2030-01-10.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest

from tests.daemon.mail_settings import config
from tests.mail.messages import message
from tests.support.daemon import DaemonProcess
from tests.support.dovecot import Dovecot
from tests.support.harness import FakeClock, NotificationServer, poll_until
from tests.support.imap_proxy import ImapProxy

pytestmark = pytest.mark.system

MON_2030_01_14_10H = datetime(2030, 1, 14, 10, 0, tzinfo=UTC)
#: How long the proxy lets each IDLE command last before ending it.
IDLE_LASTS_S = 3.0
#: Generous bounds: reconnecting takes well under a second here; the first retry after a
#: failure would wait 15 s.
RECONNECT_BOUND_S = 5.0
QUESTION_BOUND_S = 15.0

THEIR_REPLY = message(
    "reply@acme.example",
    "Dana Chen <dana@acme.example>",
    "jo@jo.example",
    "Re: Following up on my interview",
    "Thu, 10 Jan 2030 16:05:00 +0000",
)


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot.start()
    yield server
    server.remove()


@pytest.mark.parametrize(
    "how", ["bye", "finish"], ids=["BYE and closed", "IDLE finished by the server"]
)
def test_a_server_ending_idle_is_reconnected_at_once_and_a_reply_asked_about_at_once(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
    dovecot: Dovecot,
    how: str,
) -> None:
    proxy = ImapProxy(dovecot.port, end_idle_after=IDLE_LASTS_S, end_idle=how).start()
    try:
        fake_clock.set(MON_2030_01_14_10H)
        daemon = make_daemon(config=config(proxy.port))
        daemon.add(
            "Acme",
            date(2030, 1, 2),
            interviewed_on=date(2029, 12, 28),
            contact_email="dana@acme.example",
        )
        daemon.cli_ok("emailed", "1", "--on", "2030-01-07")
        daemon.start().wait_ready()
        daemon.wait_log("listening for new mail in INBOX (IDLE)", timeout=20)

        assert poll_until(lambda: len(proxy.idle_started) >= 3, 3 * IDLE_LASTS_S + 20)
        gaps = [
            started - ended
            for ended, started in zip(proxy.idle_ended, proxy.idle_started[1:], strict=False)
        ]
        assert all(0 < gap < RECONNECT_BOUND_S for gap in gaps[:2]), gaps

        delivered = time.monotonic()
        dovecot.deliver(THEIR_REPLY)
        [question] = notification_server.wait_for(1, timeout=QUESTION_BOUND_S)
        took = time.monotonic() - delivered
        # read while the server is still up: a look after it stops fails, as it should
        log = daemon.log()
    finally:
        proxy.stop()

    assert question["summary"] == "Acme replied on Thu 10 Jan?"
    assert took < QUESTION_BOUND_S
    assert "listening again" in log
    assert "trying again" not in log and "cannot check" not in log
    assert dovecot.flags()["INBOX"] == {b"Message-ID: <reply@acme.example>": (b"\\Recent",)}
    print(
        f"IDLE ended by the server ({how}): reconnected after "
        f"{', '.join(f'{g:.2f}' for g in gaps[:2])} s; question {took:.2f} s after delivery"
    )


def test_a_server_ending_every_idle_at_once_is_backed_off_as_a_failure(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
    dovecot: Dovecot,
) -> None:
    proxy = ImapProxy(dovecot.port, end_idle_after=0.2, end_idle="bye").start()
    try:
        fake_clock.set(MON_2030_01_14_10H)
        daemon = make_daemon(config=config(proxy.port))
        daemon.add(
            "Acme",
            date(2030, 1, 2),
            interviewed_on=date(2029, 12, 28),
            contact_email="dana@acme.example",
        )
        daemon.start().wait_ready()
        daemon.wait_log("listening for new mail in INBOX (IDLE)", timeout=20)
        assert poll_until(lambda: proxy.idle_ends >= 1, 10)
        # The first retry after a failure waits 15 s (IDLE_RETRY_FIRST_S): none within 8 s.
        assert not poll_until(lambda: len(proxy.idle_started) >= 2, 8)
    finally:
        proxy.stop()
    assert "listening again" not in daemon.log()
