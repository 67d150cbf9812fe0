"""Several instant channels at once, in this process (``tests/support/inprocess.py``): each
due reminder goes once to the desktop and once to the Apprise channel, each recorded in the
ledger under its channel; a failing channel retries on its own with backoff while the other
delivers; an action taken anywhere stops a reminder not yet sent; a restart sends nothing
twice. The Apprise channel's notifier is a recording one here (its real sending, through a
real SMTP server into Dovecot, is in ``tests/channels/test_apprise_mail.py``).

Dates are 2030, US calendar, zone UTC, notify window 09:00-20:00. Acme's reply was expected
Wed 2030-01-02, so its email reminder is due Mon 2030-01-07 09:00 (Thu 3 and Fri 4 pass);
shown and not acted on, it is shown again on Tue 2030-01-08 09:00.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from followup.rules import Kind
from followup.store import Database, ShownReminder
from tests.daemon.test_daemon_logic import DBUS_CONFIG, act, add, at
from tests.support.inprocess import Clock, InProcessDaemon, RecordingNotifier
from tests.support.specs import Cli

pytestmark = pytest.mark.own_store

CHANNELS_CONFIG = DBUS_CONFIG.replace(
    "[notify]\n", '[notify]\nchannels = ["desktop", "apprise"]\n'
) + ('\n[apprise]\nurls = ["ntfys://ntfy.example.org/a-secret-topic"]\n')
MON_0900 = at("Mon 2030-01-07 09:00:00")
TUE_0900 = at("Tue 2030-01-08 09:00:00")


@pytest.fixture
def clock() -> Clock:
    return Clock(at("Mon 2030-01-07 10:00:00"))


@pytest.fixture
def desktop() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def phone() -> RecordingNotifier:
    """What the Apprise channel sends: no buttons, as Apprise's services."""
    return RecordingNotifier(caps=frozenset())


@pytest.fixture
def daemon(
    config_file: Path, clock: Clock, desktop: RecordingNotifier, phone: RecordingNotifier
) -> Iterator[InProcessDaemon]:
    config_file.write_text(CHANNELS_CONFIG)
    with InProcessDaemon(clock, desktop, {"apprise": phone}) as daemon:
        yield daemon


def ledger(db_path: Path) -> list[tuple[str, int, datetime, str]]:
    """Every ledger row: (channel, interview id, due instant in UTC, state)."""
    db = Database(f"sqlite:///{db_path}")
    try:
        with db.reading() as s:
            rows = s.execute(
                select(
                    ShownReminder.channel,
                    ShownReminder.interview_id,
                    ShownReminder.due_at,
                    ShownReminder.state,
                ).order_by(ShownReminder.id)
            ).all()
            return [(c, i, due.astimezone(UTC), state) for c, i, due, state in rows]
    finally:
        db.close()


def titles(notifier: RecordingNotifier) -> list[str]:
    return [note.title for note in notifier.notes]


def test_a_due_reminder_goes_once_to_each_channel_and_each_is_in_the_ledger(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    desktop: RecordingNotifier,
    phone: RecordingNotifier,
    db_path: Path,
) -> None:
    add(cli, clock, "Acme")

    daemon.start()
    daemon.settle()
    daemon.at(clock.now + timedelta(minutes=5))
    daemon.settle()

    assert titles(desktop) == ["Time to email Acme"]
    assert titles(phone) == ["Time to email Acme"]
    assert sorted(ledger(db_path)) == [
        ("apprise", 1, MON_0900, "shown"),
        ("desktop", 1, MON_0900, "shown"),
    ]


def test_the_apprise_note_has_the_desktops_words_and_no_buttons(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    desktop: RecordingNotifier,
    phone: RecordingNotifier,
) -> None:
    add(cli, clock, "Acme")

    daemon.start()
    daemon.settle()

    [sent] = phone.notes
    assert (sent.title, sent.actions) == (desktop.notes[0].title, ())
    assert "followup emailed 1" in sent.body


def test_a_failing_channel_retries_with_backoff_while_the_desktop_delivers_at_once(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    desktop: RecordingNotifier,
    phone: RecordingNotifier,
    db_path: Path,
) -> None:
    add(cli, clock, "Acme")
    phone.failure = 'Connection error while submitting email to "127.0.0.1"'

    daemon.start()
    daemon.settle()

    assert titles(desktop) == ["Time to email Acme"]
    channel = daemon.daemon.state["channels"]["apprise"]
    assert (channel["state"], channel["error"]) == ("failing", phone.failure)
    assert ledger(db_path) == [("desktop", 1, MON_0900, "shown")]
    held = daemon.daemon.outbound.parts[0].held
    [(key, first)] = held.items()
    assert (first.attempts, first.next_attempt - clock.now) == (1, timedelta(seconds=15))

    daemon.at(clock.now + timedelta(seconds=15))
    daemon.settle()
    assert (held[key].attempts, held[key].next_attempt - clock.now) == (2, timedelta(seconds=30))

    phone.failure = None
    daemon.at(clock.now + timedelta(seconds=30))
    daemon.settle()
    daemon.at(clock.now + timedelta(minutes=10))
    daemon.settle()

    assert titles(phone) == ["Time to email Acme"]
    assert titles(desktop) == ["Time to email Acme"]
    assert sorted(ledger(db_path)) == [
        ("apprise", 1, MON_0900, "shown"),
        ("desktop", 1, MON_0900, "shown"),
    ]
    channel = daemon.daemon.state["channels"]["apprise"]
    assert (channel["state"], channel["error"]) == ("ok", None)


def test_the_desktop_failing_holds_back_no_other_channel(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    desktop: RecordingNotifier,
    phone: RecordingNotifier,
) -> None:
    add(cli, clock, "Acme")
    desktop.failure = "no notification server owns org.freedesktop.Notifications"

    daemon.start()
    daemon.settle()

    assert (titles(desktop), titles(phone)) == ([], ["Time to email Acme"])


def test_a_reload_keeps_the_reminders_a_failing_channel_holds_and_its_state(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    desktop: RecordingNotifier,
    phone: RecordingNotifier,
    db_path: Path,
) -> None:
    add(cli, clock, "Acme")
    phone.failure = "ntfy: connection refused"
    daemon.start()
    daemon.settle()

    daemon.reload()

    assert daemon.daemon.state["channels"]["apprise"]["state"] == "failing"
    phone.failure = None
    daemon.at(clock.now + timedelta(minutes=5))
    daemon.settle()
    assert (titles(desktop), titles(phone)) == (["Time to email Acme"], ["Time to email Acme"])
    assert daemon.daemon.state["channels"]["apprise"]["state"] == "ok"
    assert sorted(row[0] for row in ledger(db_path)) == ["apprise", "desktop"]


def test_a_reminder_acted_on_before_its_retry_is_not_sent(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    phone: RecordingNotifier,
    db_path: Path,
) -> None:
    add(cli, clock, "Acme")
    phone.failure = "ntfy: connection refused"
    daemon.start()
    daemon.settle()

    act(cli, clock, "emailed", "1")
    phone.failure = None
    daemon.at(clock.now + timedelta(minutes=10))
    daemon.settle()

    assert titles(phone) == []
    assert [row[0] for row in ledger(db_path)] == ["desktop"]


def test_a_restart_sends_nothing_twice(
    cli: Cli,
    clock: Clock,
    config_file: Path,
    desktop: RecordingNotifier,
    phone: RecordingNotifier,
) -> None:
    config_file.write_text(CHANNELS_CONFIG)
    add(cli, clock, "Acme")
    with InProcessDaemon(clock, desktop, {"apprise": phone}) as first:
        first.start()
        first.settle()

    clock.now += timedelta(hours=1)
    with InProcessDaemon(clock, desktop, {"apprise": phone}) as second:
        second.start()
        second.settle()

    assert (titles(desktop), titles(phone)) == (["Time to email Acme"], ["Time to email Acme"])


def test_a_reminder_sent_before_a_restart_is_not_sent_again_when_the_desktop_catches_up(
    cli: Cli,
    clock: Clock,
    config_file: Path,
    desktop: RecordingNotifier,
    phone: RecordingNotifier,
    db_path: Path,
) -> None:
    """The desktop could not show it before the restart (no server); the Apprise channel
    sent it. After the restart the desktop shows it, and the ledger stops a second send."""
    config_file.write_text(CHANNELS_CONFIG)
    add(cli, clock, "Acme")
    desktop.failure = "no notification server"
    with InProcessDaemon(clock, desktop, {"apprise": phone}) as first:
        first.start()
        first.settle()

    desktop.failure = None
    clock.now += timedelta(minutes=5)
    with InProcessDaemon(clock, desktop, {"apprise": phone}) as second:
        second.start()
        second.settle()

    assert (titles(desktop), titles(phone)) == (["Time to email Acme"], ["Time to email Acme"])
    assert len(ledger(db_path)) == 2


def test_a_reminder_still_unsent_when_the_daemon_stopped_is_sent_after_its_restart(
    cli: Cli,
    clock: Clock,
    config_file: Path,
    desktop: RecordingNotifier,
    phone: RecordingNotifier,
    db_path: Path,
) -> None:
    """The Apprise channel was failing when the daemon stopped; the desktop had shown the
    reminder, so after the restart it is planned for its repeat (Tue), and only the
    desktop's ledger says it came due on Mon."""
    config_file.write_text(CHANNELS_CONFIG)
    add(cli, clock, "Acme")
    phone.failure = "ntfy: connection refused"
    with InProcessDaemon(clock, desktop, {"apprise": phone}) as first:
        first.start()
        first.settle()

    phone.failure = None
    clock.now += timedelta(minutes=5)
    with InProcessDaemon(clock, desktop, {"apprise": phone}) as second:
        second.start()
        second.settle()
        second.at(clock.now + timedelta(minutes=1))
        second.settle()

    assert (titles(desktop), titles(phone)) == (["Time to email Acme"], ["Time to email Acme"])
    assert sorted(ledger(db_path)) == [
        ("apprise", 1, MON_0900, "shown"),
        ("desktop", 1, MON_0900, "shown"),
    ]


@pytest.mark.parametrize(
    ("step", "sent"),
    [
        pytest.param(lambda cli, clock: None, ["Time to email Acme"], id="not acted on"),
        pytest.param(lambda cli, clock: act(cli, clock, "emailed", "1"), [], id="emailed"),
    ],
)
def test_a_channel_added_later_gets_the_reminder_due_and_not_acted_on(
    cli: Cli,
    clock: Clock,
    config_file: Path,
    desktop: RecordingNotifier,
    phone: RecordingNotifier,
    step: Callable[[Cli, Clock], object],
    sent: list[str],
) -> None:
    config_file.write_text(DBUS_CONFIG)
    add(cli, clock, "Acme")
    with InProcessDaemon(clock, desktop) as first:
        first.start()
    step(cli, clock)

    config_file.write_text(CHANNELS_CONFIG)
    clock.now += timedelta(minutes=5)
    with InProcessDaemon(clock, desktop, {"apprise": phone}) as second:
        second.start()
        second.settle()

    assert titles(phone) == sent


def test_a_send_a_crash_cut_short_is_sent_again_marked_so(
    cli: Cli, clock: Clock, daemon: InProcessDaemon, phone: RecordingNotifier
) -> None:
    """The ledger holds the Apprise channel's intent and no confirmation: a daemon ended
    between the two (the message may or may not have gone out)."""
    add(cli, clock, "Acme")
    apprise = daemon.daemon.tracker.ledger.for_channel("apprise")
    apprise.record_intent([(1, Kind.EMAIL, MON_0900)], MON_0900)

    daemon.start()
    daemon.settle()

    assert titles(phone) == ["Time to email Acme (possibly shown already)"]
    assert apprise.state_of(1, Kind.EMAIL, MON_0900) == "shown"


def test_outside_the_window_a_reminder_waits_for_it_to_open(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    desktop: RecordingNotifier,
    phone: RecordingNotifier,
) -> None:
    clock.now = at("Mon 2030-01-07 20:30:00")
    add(cli, clock, "Acme")

    daemon.start()
    daemon.settle()
    assert titles(phone) == []

    daemon.at(TUE_0900 - timedelta(seconds=1))
    daemon.settle()
    assert titles(phone) == []
    daemon.at(TUE_0900)
    daemon.settle()
    assert titles(phone) == ["Time to email Acme"]


def test_the_repeat_goes_to_each_channel_too(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    desktop: RecordingNotifier,
    phone: RecordingNotifier,
) -> None:
    add(cli, clock, "Acme")
    daemon.start()
    daemon.settle()

    daemon.at(TUE_0900)
    daemon.settle()

    assert len(desktop.notes) == len(phone.notes) == 2
