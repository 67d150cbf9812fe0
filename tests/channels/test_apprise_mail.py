"""The Apprise channel's ``mailto://`` path against real servers: a reminder is sent through
a real SMTP server (aiosmtpd) that hands it to Dovecot's delivery agent, and read back from
the real Dovecot over IMAP. A service that fails is named without its URL, and a retry sends
only to the services that did not take the note.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from followup.channels.apprise import AppriseNotifier, AppriseSettings
from followup.errors import DeliveryError
from followup.notify.base import Note
from tests.support.dovecot import Dovecot
from tests.support.smtp import SmtpServer
from tests.support.specs import Cli, ok

pytestmark = pytest.mark.system

NOTE = Note(
    "Time to email Acme",
    "No reply since Wed 2 Jan <b>as promised</b> & more.\nRun: followup emailed 1",
)


@pytest.fixture
def smtp(dovecot: Dovecot) -> Iterator[SmtpServer]:
    """An SMTP server delivering into a mailbox of its own on the module's Dovecot."""
    server = SmtpServer(dovecot).start()
    yield server
    server.stop()


@pytest.fixture
def second_smtp(dovecot_server: Dovecot) -> Iterator[SmtpServer]:
    """Another SMTP server, delivering into another mailbox of the same Dovecot."""
    server = SmtpServer(dovecot_server.mailbox()).start()
    yield server
    server.stop()


def test_a_note_arrives_in_the_mailbox_as_plain_text(smtp: SmtpServer) -> None:
    AppriseNotifier(AppriseSettings((smtp.apprise_url,))).show(NOTE)

    [(subject, body)] = smtp.inbox()
    assert subject == NOTE.title
    assert body.replace("\r\n", "\n").strip() == NOTE.body


def test_notes_in_a_row_are_not_held_back_by_apprises_throttle(
    smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Apprise makes a service object wait 5.5 s after its last send (by the wall clock,
    so a clock set back would make it wait as long as the jump): each note gets fresh
    service objects, so nothing waits."""
    import apprise.url

    throttled: list[float] = []
    real_sleep = time.sleep

    def sleep(seconds: float) -> None:
        if sys._getframe(1).f_code.co_filename == apprise.url.__file__:
            throttled.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(apprise.url.time, "sleep", sleep)
    notifier = AppriseNotifier(AppriseSettings((smtp.apprise_url,)))

    notifier.show(NOTE)
    notifier.show(Note("Time to email Beta", "No reply since Thu 3 Jan"))

    assert throttled == []
    assert [subject for subject, _body in smtp.inbox()] == [NOTE.title, "Time to email Beta"]


def test_a_server_down_is_named_by_its_service_and_place_never_by_its_url(
    smtp: SmtpServer,
) -> None:
    smtp.stop()
    notifier = AppriseNotifier(AppriseSettings((smtp.apprise_url,)))

    with pytest.raises(DeliveryError) as raised:
        notifier.show(NOTE)

    assert raised.value.message == (
        'E-Mail (URL 1 of 1): Connection error while submitting email to "127.0.0.1"'
    )


def test_a_retry_sends_only_to_the_services_that_did_not_take_the_note(
    smtp: SmtpServer, second_smtp: SmtpServer
) -> None:
    second_smtp.stop()
    notifier = AppriseNotifier(AppriseSettings((smtp.apprise_url, second_smtp.apprise_url)))
    with pytest.raises(DeliveryError, match=r"^E-Mail \(URL 2 of 2\): "):
        notifier.show(NOTE)

    second_smtp.start()
    notifier.show(NOTE)

    assert [subject for subject, _body in smtp.inbox()] == [NOTE.title]
    assert [subject for subject, _body in second_smtp.inbox()] == [NOTE.title]


def test_test_notification_sends_through_the_apprise_channel(
    cli: Cli, config_file: Path, smtp: SmtpServer
) -> None:
    config_file.write_text(f'[apprise]\nurls = ["{smtp.apprise_url}"]\n')

    said = ok(cli("test-notification", "--channel", "apprise"))

    assert said == "Notification sent through the apprise channel.\n"
    assert [subject for subject, _body in smtp.inbox()] == ["followup works"]


def test_test_notification_with_the_server_down_is_one_error_line(
    cli: Cli, config_file: Path, smtp: SmtpServer
) -> None:
    smtp.stop()
    config_file.write_text(f'[apprise]\nurls = ["{smtp.apprise_url}"]\n')

    result = cli("test-notification", "--channel", "apprise")

    assert result.code != 0
    assert result.err == (
        'error: E-Mail (URL 1 of 1): Connection error while submitting email to "127.0.0.1"\n'
    )
    assert "mailto" not in result.err
