"""The daemon's decisions, in this process (``tests/support/inprocess.py``): what it shows and
when, as one notification or several, what a button records and answers, and what it takes
off the screen. The process tests beside this file keep one test per path the process itself
carries (start, SIGHUP, SIGTERM, the CLI's poke, a click over the real bus, systemd, real
servers).

Dates are 2030, US calendar, zone UTC, notify window 09:00-20:00, the D-Bus backend (its
server advertises buttons and markup). An interview whose reply was expected Wed 2030-01-02
has its email reminder on Mon 2030-01-07 09:00 (Thu 3 and Fri 4 pass); emailed on Mon
2030-01-07, its move-on reminder is on Tue 2030-01-15 09:00 (Tue 8 .. Mon 14 pass).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from followup.notify.base import BusSignal
from followup.store import Database, ShownReminder
from tests.support.daemon import CONFIG
from tests.support.inprocess import Clock, InProcessDaemon, RecordingNotifier
from tests.support.specs import Cli, ok

# The ledger and the twin store are read as SQLite files: the SQLite pass only.
pytestmark = pytest.mark.own_store

DBUS_CONFIG = CONFIG.replace('backend = "plyer"', 'backend = "dbus"')


def at(text: str) -> datetime:
    """``"Mon 2030-01-07 09:00:00"`` as an aware UTC instant (the weekday is checked)."""
    instant = datetime.strptime(text[4:], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert f"{instant:%a}" == text[:3], f"{text}: that day is a {instant:%A}"
    return instant


@pytest.fixture
def clock() -> Clock:
    return Clock(at("Mon 2030-01-07 10:00:00"))


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def daemon(
    config_file: Path, clock: Clock, notifier: RecordingNotifier
) -> Iterator[InProcessDaemon]:
    """A daemon on the test's home, not started yet: record interviews, then start."""
    config_file.write_text(DBUS_CONFIG)
    with InProcessDaemon(clock, notifier) as daemon:
        yield daemon


def add(cli: Cli, clock: Clock, company: str, expect: str = "2030-01-02") -> None:
    ok(cli("add", company, "--expect", expect, at=clock.now))


def act(cli: Cli, clock: Clock, *args: str) -> str:
    """Run a command a minute after the last thing that happened (a change within the same
    instant as the last one leaves the interview's change time, which the daemon compares,
    as it was)."""
    clock.now += timedelta(minutes=1)
    return ok(cli(*args, at=clock.now))


def shown(notifier: RecordingNotifier) -> list[str]:
    return [note.title for note in notifier.notes]


def ledger(db_path: Path, state: str = "shown") -> list[tuple[int, str, datetime]]:
    """The reminders confirmed as shown (``state="intent"``: only about to be shown):
    (interview id, kind, due instant in UTC)."""
    db = Database(f"sqlite:///{db_path}")
    try:
        with db.reading() as s:
            rows = s.execute(
                select(ShownReminder.interview_id, ShownReminder.kind, ShownReminder.due_at)
                .where(ShownReminder.state == state)
                .order_by(ShownReminder.interview_id)
            ).all()
            return [(i, kind, due.astimezone(UTC)) for i, kind, due in rows]
    finally:
        db.close()


# -- when a reminder is shown ----------------------------------------------------------------


def test_a_reminder_due_while_the_daemon_was_down_is_shown_at_start(
    cli: Cli, clock: Clock, daemon: InProcessDaemon, notifier: RecordingNotifier
) -> None:
    add(cli, clock, "Acme")  # due Mon 09:00; the clock reads Mon 10:00

    daemon.start()

    assert shown(notifier) == ["Time to email Acme"]


def test_nothing_is_shown_after_the_window_and_it_is_shown_when_the_window_opens(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    notifier: RecordingNotifier,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock.now = at("Mon 2030-01-07 20:30:00")  # the 09:00 reminder was missed: daemon down
    add(cli, clock, "Acme")
    with caplog.at_level(logging.INFO, "followup.daemon"):
        daemon.start()

    assert (
        "1 reminder(s) due outside 09:00-20:00; holding them until 2030-01-08T09:00+00:00"
        in caplog.messages
    )
    daemon.at(at("Tue 2030-01-08 08:59:59"))
    assert shown(notifier) == []
    daemon.at(at("Tue 2030-01-08 09:00:00"))
    assert shown(notifier) == ["Time to email Acme"]


def test_more_than_three_due_at_once_are_shown_as_one_summary_without_buttons(
    cli: Cli, clock: Clock, daemon: InProcessDaemon, notifier: RecordingNotifier, db_path: Path
) -> None:
    clock.now = at("Mon 2030-01-07 08:59:00")
    for company in ("Acme", "Beta", "Gamma", "Delta"):
        add(cli, clock, company)
    daemon.start()
    daemon.at(at("Mon 2030-01-07 08:59:59"))
    assert notifier.notes == []

    daemon.at(at("Mon 2030-01-07 09:00:00"))

    [note] = notifier.notes
    assert (note.title, note.body.split("\n"), note.actions) == (
        "4 follow-up reminders",
        [
            "Email Acme: followup draft 1",
            "Email Beta: followup draft 2",
            "Email Gamma: followup draft 3",
            "Email Delta: followup draft 4",
        ],
        (),
    )
    monday = at("Mon 2030-01-07 09:00:00")
    assert ledger(db_path) == [(i, "email", monday) for i in (1, 2, 3, 4)]


def test_a_reminder_shown_and_not_acted_on_is_shown_again_on_the_next_business_day(
    cli: Cli, clock: Clock, daemon: InProcessDaemon, notifier: RecordingNotifier, db_path: Path
) -> None:
    # Shown Fri 2030-01-11 09:00 (promised Tue 8; Wed 9, Thu 10 pass); Sat and Sun are no
    # business days: shown again Mon 14 09:00, each repeat its own entry in the ledger.
    clock.now = at("Fri 2030-01-11 08:59:00")
    add(cli, clock, "Acme", "2030-01-08")
    daemon.start()
    daemon.at(at("Fri 2030-01-11 09:00:00"))
    assert ledger(db_path) == [(1, "email", at("Fri 2030-01-11 09:00:00"))]

    daemon.at(at("Sun 2030-01-13 12:00:00"))
    daemon.at(at("Mon 2030-01-14 08:59:59"))
    assert len(notifier.shown) == 1
    daemon.at(at("Mon 2030-01-14 09:00:00"))

    assert shown(notifier) == ["Time to email Acme", "Time to email Acme"]
    assert ledger(db_path) == [
        (1, "email", at("Fri 2030-01-11 09:00:00")),
        (1, "email", at("Mon 2030-01-14 09:00:00")),
    ]


def test_with_repeats_off_a_reminder_is_shown_once_and_stays_due(
    cli: Cli,
    clock: Clock,
    notifier: RecordingNotifier,
    config_file: Path,
    db_path: Path,
) -> None:
    config_file.write_text(DBUS_CONFIG + "repeat_after_business_days = 0\n")
    clock.now = at("Fri 2030-01-11 10:00:00")
    add(cli, clock, "Acme", "2030-01-08")
    with InProcessDaemon(clock, notifier) as daemon:
        daemon.start()
        daemon.at(at("Mon 2030-01-14 09:00:30"))

    assert shown(notifier) == ["Time to email Acme"]
    assert ledger(db_path) == [(1, "email", at("Fri 2030-01-11 09:00:00"))]
    listed = json.loads(act(cli, clock, "upcoming", "--json"))
    assert [(d["due"], d["at"]) for d in listed] == [(True, "2030-01-11T09:00:00+00:00")]


@pytest.mark.parametrize("others", [3, 60])
def test_a_summary_the_server_refuses_falls_back_to_one_plain_count_never_a_flood(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    notifier: RecordingNotifier,
    db_path: Path,
    caplog: pytest.LogCaptureFixture,
    others: int,
) -> None:
    notifier.refuse = "Poison"
    add(cli, clock, "Poison Ltd")
    for number in range(others):
        add(cli, clock, f"Company {number}")

    with caplog.at_level(logging.INFO, "followup.daemon"):
        daemon.start()
        daemon.tick()  # a full pass of the loop later, still one notification

    assert shown(notifier) == [f"{others + 1} follow-up reminders"]
    assert notifier.notes[0].body == "See them with: followup upcoming"
    assert (
        "could not show a summary: the notification server refused it: it holds 'Poison'; "
        "showing a plain count instead" in caplog.messages
    )
    monday = at("Mon 2030-01-07 09:00:00")
    assert ledger(db_path) == [(i, "email", monday) for i in range(1, others + 2)]


# -- what is taken off the screen --------------------------------------------------------------

# (the CLI command, what becomes of the reminder)
STOPS = {
    "emailed: the move-on reminder is planned": ["emailed", "1"],
    "snooze: the reminder moves a business day": ["snooze", "1", "--days", "1"],
    "moved-on: the interview is closed": ["moved-on", "1"],
    "heard: they replied": ["heard", "1", "--outcome", "offer"],
    "edit --expect: the reminder moves": ["edit", "1", "--expect", "2030-01-04"],
    "delete: the interview is gone": ["delete", "1", "--yes"],
}


@pytest.mark.parametrize("case", list(STOPS))
def test_a_reminder_that_stops_being_pending_through_the_cli_is_closed(
    cli: Cli, clock: Clock, daemon: InProcessDaemon, notifier: RecordingNotifier, case: str
) -> None:
    add(cli, clock, "Acme")
    daemon.start()
    [(reminder, _note)] = notifier.shown

    act(cli, clock, *STOPS[case])
    daemon.tick()

    assert notifier.closed == [reminder]
    assert len(notifier.shown) == 1  # closed, not replaced


def test_a_reminder_shown_again_on_the_next_business_day_closes_the_one_shown_before(
    cli: Cli, clock: Clock, daemon: InProcessDaemon, notifier: RecordingNotifier
) -> None:
    # Shown Mon 2030-01-07 (due 09:00) and left on screen, not acted on: it stays due and
    # is shown again at 09:00 on the next business day, Tue 2030-01-08. Nothing was
    # recorded in between: the new notification of the interview retires the old one.
    add(cli, clock, "Acme")
    daemon.start()
    daemon.at(at("Tue 2030-01-08 08:59:59"))
    assert (len(notifier.shown), notifier.closed) == (1, [])

    daemon.at(at("Tue 2030-01-08 09:00:00"))

    (first, _), (_again, note) = notifier.shown
    assert (note.title, note.replaces_id) == ("Time to email Acme", 0)
    assert notifier.closed == [first]


def test_a_summary_is_cut_down_to_what_is_still_pending_and_closed_when_nothing_is(
    cli: Cli, clock: Clock, daemon: InProcessDaemon, notifier: RecordingNotifier
) -> None:
    for company in ("Acme", "Beta", "Gamma", "Delta"):
        add(cli, clock, company)
    daemon.start()
    [(summary, note)] = notifier.shown
    assert note.title == "4 follow-up reminders"

    act(cli, clock, "emailed", "2")
    daemon.tick()

    cut_id, cut = notifier.shown[1]
    assert (cut.replaces_id, cut.title, cut.body.split("\n")) == (
        summary,
        "3 follow-up reminders",
        [
            "Email Acme: followup draft 1",
            "Email Gamma: followup draft 3",
            "Email Delta: followup draft 4",
        ],
    )
    for interview_id in ("1", "3", "4"):
        act(cli, clock, "moved-on", interview_id)
    daemon.tick()
    assert notifier.closed == [cut_id]


# -- buttons -------------------------------------------------------------------------------

MON_10H = at("Mon 2030-01-07 10:00:00")  # the email reminder is due
TUE_15_10H = at("Tue 2030-01-15 10:00:00")  # the move-on reminder is due

# (reminder kind, button, the CLI command it stands for, the confirmation's title and body)
BUTTONS = {
    "email reminder: I emailed": (
        "email",
        "emailed",
        ["emailed", "1"],
        "Recorded: emailed Acme on Mon 7 Jan",
        "If there is no reply, you'll be told on Tue 15 Jan to move on.",
    ),
    "email reminder: Snooze": (
        "email",
        "snooze",
        ["snooze", "1", "--days", "1"],
        "Recorded: snoozed Acme",
        "You'll be reminded to email them on Tue 8 Jan.",
    ),
    "move-on reminder: Move on": (
        "move_on",
        "moved-on",
        ["moved-on", "1"],
        "Recorded: moved on from Acme",
        "No more reminders for it.",
    ),
    "move-on reminder: They replied": (
        "move_on",
        "replied",
        ["heard", "1", "--outcome", "other"],
        "Recorded: Acme replied",
        "No more reminders for it.",
    ),
    "move-on reminder: Snooze": (
        "move_on",
        "snooze",
        ["snooze", "1", "--days", "1"],
        "Recorded: snoozed Acme",
        "You'll be told on Wed 16 Jan to move on.",
    ),
}


def prepared(cli: Cli, clock: Clock, kind: str) -> None:
    """Acme, expected Wed 2030-01-02, with its ``kind`` reminder due now."""
    add(cli, clock, "Acme")
    if kind == "move_on":
        act(cli, clock, "emailed", "1", "--on", "2030-01-07")


def store_view(cli: Cli, clock: Clock) -> tuple[Any, Any, Any]:
    """The interview, its history without the instants, and the upcoming reminders."""
    interview = json.loads(act(cli, clock, "show", "1", "--json"))
    history = [
        (e["kind"], e["details"]) for e in json.loads(act(cli, clock, "history", "1", "--json"))
    ]
    return interview, history, json.loads(act(cli, clock, "upcoming", "--json"))


@pytest.mark.parametrize("case", list(BUTTONS))
def test_a_button_records_what_the_cli_command_records_and_the_confirmation_replaces_it(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    notifier: RecordingNotifier,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
) -> None:
    kind, key, command, title, body = BUTTONS[case]
    clock.now = MON_10H if kind == "email" else TUE_15_10H
    prepared(cli, clock, kind)
    # The twin: a copy of the store as it is now, for the CLI command's own result.
    twin_data = tmp_path / "twin"
    (twin_data / "followup").mkdir(parents=True)
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("VACUUM INTO ?", (str(twin_data / "followup" / "followup.db"),))
    daemon.start()
    [(reminder, note)] = notifier.shown
    assert key in {action for action, _label in note.actions}

    daemon.press(reminder, key)

    confirmation = notifier.notes[1]
    assert (confirmation.replaces_id, confirmation.title, confirmation.body) == (
        reminder,
        title,
        body,
    )
    assert confirmation.actions == ()
    after_button = store_view(cli, clock)
    monkeypatch.setenv("XDG_DATA_HOME", str(twin_data))
    act(cli, clock, *command)
    assert after_button == store_view(cli, clock)  # the next reminder re-planned too


def test_the_same_button_twice_records_once(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    notifier: RecordingNotifier,
    caplog: pytest.LogCaptureFixture,
) -> None:
    prepared(cli, clock, "email")
    daemon.start()
    [(reminder, _note)] = notifier.shown

    daemon.press(reminder, "snooze")
    with caplog.at_level(logging.INFO, "followup.daemon"):
        daemon.press(reminder, "snooze")

    ignored = f"ignored action 'snooze' on notification {reminder}: "
    assert any(message.startswith(ignored) for message in caplog.messages)
    assert len(notifier.shown) == 2  # the reminder and one confirmation
    history = [e["kind"] for e in json.loads(act(cli, clock, "history", "1", "--json"))]
    assert history == ["created", "snoozed"]


def test_a_button_on_an_interview_closed_meanwhile_records_nothing(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    notifier: RecordingNotifier,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The reminder is closed as soon as the CLI closes the interview; a click that raced
    the close (it reaches the daemon after) records nothing."""
    prepared(cli, clock, "email")
    daemon.start()
    [(reminder, _note)] = notifier.shown
    act(cli, clock, "moved-on", "1")
    daemon.tick()
    assert notifier.closed == [reminder]
    before = store_view(cli, clock)

    with caplog.at_level(logging.INFO, "followup.daemon"):
        daemon.press(reminder, "emailed")

    assert any(
        m.startswith(f"ignored action 'emailed' on notification {reminder}")
        for m in caplog.messages
    )
    assert len(notifier.shown) == 1
    assert store_view(cli, clock) == before


def test_a_button_on_another_applications_notification_is_ignored(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    notifier: RecordingNotifier,
    caplog: pytest.LogCaptureFixture,
) -> None:
    prepared(cli, clock, "email")
    daemon.start()
    before = store_view(cli, clock)
    other_id = 99  # a notification another application showed on the same server

    with caplog.at_level(logging.INFO, "followup.daemon"):
        daemon.press(other_id, "emailed")

    assert (
        f"ignored action 'emailed' on notification {other_id}: not one of this daemon's "
        "reminders" in caplog.messages
    )
    assert len(notifier.shown) == 1
    assert store_view(cli, clock) == before


# -- the calendar feed ---------------------------------------------------------------------


def with_feed(path: Path) -> str:
    return DBUS_CONFIG + f'\n[export]\nics_path = "{path}"\n'


def test_a_reload_writes_the_feed_where_the_new_config_says(
    cli: Cli, clock: Clock, notifier: RecordingNotifier, config_file: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.ics", tmp_path / "second.ics"
    config_file.write_text(with_feed(first))
    clock.now = at("Mon 2030-01-07 08:00:00")
    add(cli, clock, "Acme")
    with InProcessDaemon(clock, notifier) as daemon:
        daemon.start()
        assert first.exists()

        config_file.write_text(with_feed(second))
        daemon.reload()

    assert second.read_bytes() == first.read_bytes()


def test_a_feed_that_cannot_be_written_is_logged_and_reminders_go_on(
    cli: Cli,
    clock: Clock,
    notifier: RecordingNotifier,
    config_file: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the feed's folder should be\n")
    feed = blocker / "followup.ics"
    config_file.write_text(with_feed(feed))
    add(cli, clock, "Acme")  # the 09:00 reminder is due: the clock reads 10:00
    with (
        caplog.at_level(logging.INFO, "followup.daemon"),
        InProcessDaemon(clock, notifier) as daemon,
    ):
        daemon.start()
        assert shown(notifier) == ["Time to email Acme"]
        add(cli, clock, "Beta", "2030-01-04")
        daemon.tick()
        failed = (daemon.daemon.state["feed_error"], daemon.daemon.state["feed_error_at"])

        blocker.unlink()
        blocker.mkdir()
        add(cli, clock, "Gamma", "2030-01-04")
        daemon.tick()
        after = (daemon.daemon.state["feed_error"], daemon.daemon.state["feed_error_at"])

    why = f"cannot write {feed}: there is no folder {str(blocker)!r}"
    failures = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert failures == [f"calendar feed not written: {why}"]  # once, not at each change
    assert failed == (why, "2030-01-07T10:00:00+00:00")
    assert "calendar feed written again" in caplog.messages
    assert after == (None, None)
    assert feed.exists()


# -- reloading ------------------------------------------------------------------------------


def test_a_malformed_config_on_reload_is_logged_and_the_old_one_kept(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    notifier: RecordingNotifier,
    config_file: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock.now = at("Mon 2030-01-07 08:58:00")
    add(cli, clock, "Acme")
    daemon.start()

    config_file.write_text('[notify]\nat = "08:00\n')
    with caplog.at_level(logging.INFO, "followup.daemon"):
        daemon.reload()

    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert error.getMessage().startswith(
        f"config not reloaded, keeping the previous one: {config_file}: malformed TOML: "
    )
    assert daemon.daemon.state["reload_error"] is not None
    daemon.at(at("Mon 2030-01-07 08:59:59"))
    assert notifier.notes == []
    daemon.at(at("Mon 2030-01-07 09:00:00"))  # still at 09:00, the old config's time
    assert shown(notifier) == ["Time to email Acme"]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            ('country = "US"', 'country = "XX"'),
            "calendar: unknown country 'XX'",
        ),
        (
            ('country = "US"', 'country = "US"\nsubdivision = "ZZ"'),
            "calendar: unknown subdivision 'ZZ' for US",
        ),
        (
            (
                'country = "US"',
                'country = "US"\nweekend = ["monday", "tuesday", "wednesday", '
                '"thursday", "friday", "saturday", "sunday"]',
            ),
            "calendar.weekend: all seven days leaves no business day to count",
        ),
        (
            ("[notify]", '[store]\nurl = "sqlite:////proc/followup-none/followup.db"\n\n[notify]'),
            "cannot create the database /proc/followup-none/followup.db",
        ),
    ],
    ids=["unknown country", "unknown subdivision", "seven-day weekend", "store cannot open"],
)
def test_a_reload_that_fails_keeps_the_old_config_store_and_jobs_and_says_so(
    cli: Cli,
    clock: Clock,
    daemon: InProcessDaemon,
    notifier: RecordingNotifier,
    config_file: Path,
    db_path: Path,
    caplog: pytest.LogCaptureFixture,
    change: tuple[str, str],
    why: str,
) -> None:
    clock.now = at("Mon 2030-01-07 08:30:00")
    add(cli, clock, "Acme")
    daemon.start()

    config_file.write_text(DBUS_CONFIG.replace(*change))
    with caplog.at_level(logging.INFO, "followup.daemon"):
        daemon.reload()
        daemon.at(at("Mon 2030-01-07 09:00:01"))  # the old job still fires

    [error] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert error.startswith("config not reloaded, keeping the previous one: ")
    assert why in error
    assert why in str(daemon.daemon.state["reload_error"])
    assert shown(notifier) == ["Time to email Acme"]
    assert ledger(db_path) == [(1, "email", at("Mon 2030-01-07 09:00:00"))]


# -- a new notification server that is not ready yet ----------------------------------------


def test_a_reminder_a_new_server_refuses_at_first_is_shown_again_after_a_backoff(
    daemon: InProcessDaemon, notifier: RecordingNotifier, cli: Cli, clock: Clock
) -> None:
    """GNOME Shell 43, restarted, owns the name a moment before it answers ``Notify``: the
    reminder that was on screen is tried again 1 s later, then 2 s after that, until the
    server takes it (the monotonic clock is the test's)."""
    seconds = [100.0]
    daemon.daemon.screen.monotonic = lambda: seconds[0]
    add(cli, clock, "Acme")
    daemon.start()
    notifier.shown.clear()  # the server restarted: none of the ids it gave are its own
    notifier.failure = "Object does not exist at path /org/freedesktop/Notifications"
    restarted = BusSignal(0, None, server_changed=True, server_up=True)

    daemon.daemon.buttons.on_bus_signal(restarted)
    daemon.tick()
    seconds[0] += 1.0
    daemon.tick()  # refused again: the next try 2 s later
    seconds[0] += 1.9
    notifier.failure = None
    daemon.tick()
    assert shown(notifier) == []
    seconds[0] += 0.1

    daemon.tick()

    assert shown(notifier) == ["Time to email Acme"]
    assert daemon.daemon.screen.lost_retry_in() is None
