"""The real daemon with two instant channels at once: the desktop (a recording notification
server on a private bus) and Apprise's ``mailto://`` through a real SMTP server (aiosmtpd)
into the real Dovecot, where the message is read back over IMAP. A due reminder arrives on
both exactly once, across a restart (the ledger); with the SMTP server down the desktop still
shows it at once, the Apprise channel retries with backoff, ``followup status`` names its
error, and the mail arrives once the server is back.

The daemon runs on a libfaketime clock; its zone is UTC. Acme's reply was expected Wed
2030-01-02, so its email reminder is due Mon 2030-01-07 09:00 (Thu 3 and Fri 4 pass).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from tests.support.daemon import CONFIG, DaemonProcess
from tests.support.daemon_fixtures import FAKE_START
from tests.support.dovecot import Dovecot
from tests.support.harness import NotificationServer, poll_until
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.system

#: Generous bounds on a loaded, shared machine (a send takes well under a second here).
ARRIVAL_S = 30.0
#: The first retry comes 15 s after the failure, the second 30 s after that.
RETRY_S = 120.0


@pytest.fixture
def smtp(dovecot: Dovecot) -> Iterator[SmtpServer]:
    server = SmtpServer(dovecot).start()
    yield server
    server.stop()


def two_channel_config(smtp: SmtpServer) -> str:
    return (
        CONFIG.replace(
            'backend = "plyer"\n', 'backend = "dbus"\nchannels = ["desktop", "apprise"]\n'
        )
        + f'\n[apprise]\nurls = ["{smtp.apprise_url}"]\n'
    )


def mails(smtp: SmtpServer) -> list[str]:
    return [subject for subject, _body in smtp.inbox()]


def test_a_due_reminder_arrives_on_the_desktop_and_in_the_mailbox_once_across_a_restart(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    smtp: SmtpServer,
) -> None:
    daemon = make_daemon(config=two_channel_config(smtp))
    daemon.add("Acme", date(2030, 1, 2))
    daemon.start().wait_ready()

    due = daemon.set_clock(FAKE_START)

    assert notification_server.wait_for(1, timeout=ARRIVAL_S)[0]["summary"] == (
        "Time to email Acme"
    )
    instant_to_screen = time.time() - due  # an upper bound: the poll's own wait included
    assert poll_until(lambda: mails(smtp) == ["Time to email Acme"], ARRIVAL_S), daemon.log()
    instant_to_mailbox = smtp.arrivals[0] - due
    daemon.wait_log("apprise: sent (interview 1)")
    assert sorted(daemon.state()["channels"]) == ["apprise"]

    daemon.stop()
    daemon.start().wait_ready()
    daemon.poke()
    daemon.wait_log("planned 1 reminder(s)")
    time.sleep(3)  # a few passes of the loop, in which a second send would start

    assert len(notification_server.notifications()) == 1
    assert mails(smtp) == ["Time to email Acme"]
    assert daemon.state()["next_reminder"] == (
        "next: email reminder for interview 1 at Tue 08 Jan 09:00 UTC"
    )
    print(
        f"reminder instant -> on screen: at most {instant_to_screen:.2f} s; "
        f"-> mail in Dovecot: {instant_to_mailbox:.2f} s"
    )


def test_with_the_smtp_server_down_the_desktop_delivers_and_the_mail_comes_once_it_is_back(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    smtp: SmtpServer,
) -> None:
    smtp.stop()
    daemon = make_daemon(config=two_channel_config(smtp))
    daemon.add("Acme", date(2030, 1, 2))
    daemon.start().wait_ready()

    daemon.set_clock(FAKE_START)

    assert notification_server.wait_for(1, timeout=ARRIVAL_S)[0]["summary"] == (
        "Time to email Acme"
    )
    assert poll_until(
        lambda: daemon.state()["channels"]["apprise"]["state"] == "failing", ARRIVAL_S
    ), daemon.log()
    status = daemon.cli_ok("status")
    assert (
        "apprise:        failing: E-Mail (URL 1 of 1): Connection error while submitting email "
        'to "127.0.0.1" (since Mon 7 Jan 2030 09:00 UTC); retrying with backoff'
    ) in status
    assert "retrying with backoff" in status
    assert "mailto" not in status

    smtp.start()

    assert poll_until(lambda: mails(smtp) == ["Time to email Acme"], RETRY_S), daemon.log()
    assert poll_until(lambda: daemon.state()["channels"]["apprise"]["state"] == "ok", 30)
    assert "apprise:        last sent Mon 7 Jan 2030 09:" in daemon.cli_ok("status")
    log = daemon.log()
    assert log.count("apprise: could not send a reminder") == 1  # once per cause
    assert "apprise: sending works again" in log
    assert len(notification_server.notifications()) == 1
    time.sleep(3)
    assert mails(smtp) == ["Time to email Acme"]
