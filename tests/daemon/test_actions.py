"""Buttons on the reminders (the D-Bus backend), end to end: the real daemon on a private bus,
the recording notification server pressing the buttons (``ActionInvoked`` then
``NotificationClosed``, as a desktop does), and the CLI to look at the store.

Dates are 2030, US calendar, zone UTC. An interview whose reply was expected Wed 2030-01-02
has its email reminder on Mon 2030-01-07 09:00 (Thu 3 and Fri 4 pass); emailed on Mon
2030-01-07, its move-on reminder is on Tue 2030-01-15 09:00 (Tue 8 .. Mon 14 pass).

Each button is compared with the CLI command it stands for, run on a twin store (the same
interview, the same fake clock): the interview and its history must come out the same.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from followup.notify.base import icon_path
from tests.support.daemon import CONFIG, DaemonProcess
from tests.support.harness import FakeClock, NotificationServer, PrivateBus, poll_until

DBUS_CONFIG = CONFIG.replace('backend = "plyer"', 'backend = "dbus"')
WED_2030_01_02 = date(2030, 1, 2)
MON_2030_01_07_10H = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)  # the email reminder is due
TUE_2030_01_15_10H = datetime(2030, 1, 15, 10, 0, tzinfo=UTC)  # the move-on reminder is due
EMAIL_BUTTONS = [
    *("default", "Draft email", "draft", "Draft email"),
    *("emailed", "I emailed", "snooze", "Snooze"),
]
MOVE_ON_BUTTONS = [
    *("default", "Keep on screen", "moved-on", "Move on"),
    *("replied", "They replied", "snooze", "Snooze"),
]
#: What a server that draws no buttons gets: each label once (its menu's entries)
MENU_EMAIL = ["default", "Draft email", "emailed", "I emailed", "snooze", "Snooze"]
AFTER_DRAFT = ["emailed", "I emailed", "snooze", "Snooze"]
HINTS = {"urgency": 1, "desktop-entry": "followup", "image-path": icon_path()}
QUIET_S = 2.0


def dbus_daemon(make_daemon: Callable[..., DaemonProcess], **options: Any) -> DaemonProcess:
    return make_daemon(config=DBUS_CONFIG, **options)


def prepared(daemon: DaemonProcess, kind: str) -> None:
    """Acme, expected Wed 2030-01-02, with its ``kind`` reminder due now."""
    daemon.add("Acme", WED_2030_01_02)
    if kind == "move_on":
        daemon.cli_ok("emailed", "1", "--on", "2030-01-07")


def start(
    daemon: DaemonProcess, server: NotificationServer, fake_clock: FakeClock, kind: str
) -> dict[str, Any]:
    """Start the daemon with the reminder due; returns the reminder as the server got it."""
    fake_clock.set(MON_2030_01_07_10H if kind == "email" else TUE_2030_01_15_10H)
    prepared(daemon, kind)
    daemon.start().wait_ready()
    [note] = server.wait_for(1, timeout=10)
    return note


def store_view(daemon: DaemonProcess) -> tuple[Any, Any, Any]:
    """The interview, its history without the instants, and the upcoming reminders."""
    shown = json.loads(daemon.cli_ok("show", "1", "--json"))
    history = [
        (e["kind"], e["details"]) for e in json.loads(daemon.cli_ok("history", "1", "--json"))
    ]
    return shown, history, json.loads(daemon.cli_ok("upcoming", "--json"))


def nothing_more(server: NotificationServer, count: int) -> bool:
    more = poll_until(lambda: len(server.notifications()) > count, QUIET_S)
    return not more and len(server.notifications()) == count


# (reminder kind, button, the CLI command it stands for, the confirmation's title and body):
# the click over the bus; every other button is in tests/daemon/test_daemon_logic.py, in
# process.
BUTTONS = {
    "email reminder: I emailed": (
        "email",
        "emailed",
        ["emailed", "1"],
        "Recorded: emailed Acme on Mon 7 Jan",
        "If there is no reply, you'll be told on Tue 15 Jan to move on.",
    ),
}


@pytest.mark.parametrize("case", list(BUTTONS))
def test_a_button_records_what_the_cli_command_records_and_the_confirmation_replaces_it(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
    case: str,
) -> None:
    kind, key, command, title, body = BUTTONS[case]
    daemon = dbus_daemon(make_daemon)
    twin = dbus_daemon(make_daemon)  # never started: the CLI's own result
    reminder = start(daemon, notification_server, fake_clock, kind)
    prepared(twin, kind)
    twin.cli_ok(*command)

    notification_server.invoke_action(reminder["id"], key)

    confirmation = notification_server.wait_for(2, timeout=10)[1]
    assert (confirmation["replaces_id"], confirmation["summary"], confirmation["body"]) == (
        reminder["id"],
        title,
        body,
    )
    assert confirmation["actions"] == []
    assert store_view(daemon) == store_view(twin)  # the next reminder re-planned too
    daemon.wait_log(f"action '{key}' recorded for interview 1")


@pytest.mark.parametrize(
    ("kind", "buttons"),
    [("email", EMAIL_BUTTONS), ("move_on", MOVE_ON_BUTTONS)],
    ids=["email reminder", "move-on reminder"],
)
def test_a_server_that_draws_buttons_gets_them_on_a_resident_normal_reminder_without_commands(
    make_daemon: Callable[..., DaemonProcess],
    bus: PrivateBus,
    fake_clock: FakeClock,
    tmp_path: Path,
    kind: str,
    buttons: list[str],
) -> None:
    with NotificationServer(bus.address, tmp_path / "n.jsonl", name="Notification Daemon") as nd:
        nd.wait_until_ready()
        note = start(dbus_daemon(make_daemon), nd, fake_clock, kind)

    assert note["actions"] == buttons
    assert note["hints"] == {**HINTS, "resident": True}
    assert (note["app_icon"], note["expire_timeout"]) == (icon_path(), 0)
    assert "followup " not in note["body"]


# GetServerInformation names of servers that list "actions" and draw no button for them: a
# menu (dunst, mako), nothing at all (Cinnamon, quickshell), or a server nobody checked.
MENU_OR_NOTHING = ["dunst", "mako", "Cinnamon", "quickshell", "followup-test-server"]


@pytest.mark.parametrize("name", MENU_OR_NOTHING)
def test_a_server_that_draws_no_buttons_gets_each_action_once_and_the_commands_in_the_body(
    make_daemon: Callable[..., DaemonProcess],
    bus: PrivateBus,
    fake_clock: FakeClock,
    tmp_path: Path,
    name: str,
) -> None:
    with NotificationServer(bus.address, tmp_path / "m.jsonl", name=name) as server:
        server.wait_until_ready()
        note = start(dbus_daemon(make_daemon), server, fake_clock, "email")

    pairs = list(zip(note["actions"][::2], note["actions"][1::2], strict=True))
    expected = [("default", "Draft email"), ("emailed", "I emailed"), ("snooze", "Snooze")]
    assert pairs == (expected[::-1] if name == "mako" else expected)  # mako's menu: reversed
    assert note["body"].startswith("Draft it: followup draft 1\nOnce sent: followup emailed 1\n")


def test_a_server_without_actions_gets_no_buttons_and_the_commands_in_the_body(
    make_daemon: Callable[..., DaemonProcess],
    bus: PrivateBus,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    with NotificationServer(bus.address, tmp_path / "plain.jsonl", actions=False) as server:
        server.wait_until_ready()
        note = start(dbus_daemon(make_daemon), server, fake_clock, "email")

    assert note["actions"] == []
    assert note["hints"] == HINTS
    assert note["body"].startswith("Draft it: followup draft 1\nOnce sent: followup emailed 1\n")


def test_the_default_action_opens_the_draft_in_the_mail_client_then_i_emailed_records_it(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    opened = tmp_path / "opened.txt"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opener = bin_dir / "xdg-open"
    opener.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{opened}"\n')
    opener.chmod(0o755)
    daemon = dbus_daemon(make_daemon, path=f"{bin_dir}:{os.environ['PATH']}")
    reminder = start(daemon, notification_server, fake_clock, "email")
    before = store_view(daemon)

    notification_server.invoke_action(reminder["id"], "default")

    again = notification_server.wait_for(2, timeout=10)[1]
    [link] = opened.read_text().splitlines()
    parts = urlsplit(link)
    query = parse_qs(parts.query)
    expected = json.loads(daemon.cli_ok("draft", "1", "--json"))
    assert (parts.scheme, unquote(parts.path)) == ("mailto", "")
    assert query["subject"] == [expected["subject"]]
    assert query["body"] == [expected["body"].replace("\n", "\r\n")]
    assert store_view(daemon) == before  # a draft records nothing
    assert (again["replaces_id"], again["summary"], again["actions"]) == (
        reminder["id"],
        "Draft opened: email Acme",
        AFTER_DRAFT,
    )

    notification_server.invoke_action(again["id"], "emailed")

    done = notification_server.wait_for(3, timeout=10)[2]
    assert done["summary"] == "Recorded: emailed Acme on Mon 7 Jan"
    assert json.loads(daemon.cli_ok("show", "1", "--json"))["emailed_on"] == "2030-01-07"


def opener(tmp_path: Path, script: str) -> str:
    """A PATH whose ``xdg-open`` runs ``script`` (``$1`` is what it is asked to open)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    xdg_open = bin_dir / "xdg-open"
    xdg_open.write_text("#!/bin/sh\n" + script)
    xdg_open.chmod(0o755)
    return f"{bin_dir}:{os.environ['PATH']}"


NO_MAILTO = 'case "$1" in mailto:*) echo "no method available for opening $1" >&2; exit 3;; esac\n'


def test_with_no_mail_client_the_draft_is_saved_and_opened_as_a_file(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    opened = tmp_path / "opened.txt"
    path = opener(tmp_path, NO_MAILTO + f'printf "%s\\n" "$1" >> "{opened}"\n')
    daemon = dbus_daemon(make_daemon, path=path)
    reminder = start(daemon, notification_server, fake_clock, "email")
    before = store_view(daemon)

    notification_server.invoke_action(reminder["id"], "default")

    again = notification_server.wait_for(2, timeout=10)[1]
    saved = Path(daemon.env["XDG_DATA_HOME"]) / "followup/drafts/interview-1.txt"
    assert opened.read_text().splitlines() == [str(saved)]
    assert saved.read_text(encoding="utf-8") == daemon.cli_ok("draft", "1")
    assert saved.stat().st_mode & 0o777 == 0o600
    assert (again["replaces_id"], again["summary"], again["body"], again["actions"]) == (
        reminder["id"],
        "Draft opened: email Acme",
        f"No mail client took it, so it opened as a file: {saved}. "
        "Once sent, run: followup emailed 1",
        AFTER_DRAFT,
    )
    assert "mailto:" not in again["body"]
    assert store_view(daemon) == before


def test_with_nothing_to_open_it_the_draft_is_saved_and_named_with_its_command(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    path = opener(tmp_path, 'echo "no method available for opening $1" >&2\nexit 3\n')
    daemon = dbus_daemon(make_daemon, path=path)
    reminder = start(daemon, notification_server, fake_clock, "email")
    before = store_view(daemon)

    notification_server.invoke_action(reminder["id"], "default")

    again = notification_server.wait_for(2, timeout=10)[1]
    saved = Path(daemon.env["XDG_DATA_HOME"]) / "followup/drafts/interview-1.txt"
    assert saved.read_text(encoding="utf-8") == daemon.cli_ok("draft", "1")
    assert (again["replaces_id"], again["summary"], again["body"], again["actions"]) == (
        reminder["id"],
        "Draft saved: email Acme",
        f"See it with: followup draft 1\nIt is saved in {saved}",
        AFTER_DRAFT,
    )
    assert store_view(daemon) == before


def test_a_button_works_on_a_server_that_sends_its_signals_only_to_the_caller(
    make_daemon: Callable[..., DaemonProcess],
    bus: PrivateBus,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    """dunst sends ActionInvoked and NotificationClosed to the connection that called Notify
    and to no one else; the daemon must listen where it sent."""
    daemon = dbus_daemon(make_daemon)
    with NotificationServer(bus.address, tmp_path / "unicast.jsonl", unicast=True) as server:
        server.wait_until_ready()
        reminder = start(daemon, server, fake_clock, "email")

        server.invoke_action(reminder["id"], "emailed")

        confirmation = server.wait_for(2, timeout=10)[1]
        assert confirmation["summary"] == "Recorded: emailed Acme on Mon 7 Jan"
        assert json.loads(daemon.cli_ok("show", "1", "--json"))["emailed_on"] == "2030-01-07"


def test_with_no_server_the_reminder_is_retried_and_delivered_once_one_appears(
    make_daemon: Callable[..., DaemonProcess],
    bus: PrivateBus,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    daemon = dbus_daemon(make_daemon)
    fake_clock.set(MON_2030_01_07_10H)
    daemon.add("Acme", WED_2030_01_02)
    daemon.start().wait_ready()
    daemon.wait_log(
        "ERROR followup.daemon: could not show a notification: no notification server on "
        "the session bus (nothing owns org.freedesktop.Notifications); start your desktop's "
        "notification daemon (e.g. dunst); keeping it, retrying in 15 s"
    )
    assert daemon.ledger() == []

    with NotificationServer(bus.address, tmp_path / "late.jsonl") as server:
        server.wait_until_ready()
        daemon.set_clock(fake_clock.now.replace(minute=1))
        [note] = server.wait_for(1, timeout=10)
        assert (note["summary"], note["actions"]) == ("Time to email Acme", MENU_EMAIL)
        daemon.wait_log("delivery works again")
        assert nothing_more(server, 1)


# -- the daemon issue's promises hold with the D-Bus backend too -----------------------------


def test_a_restart_never_repeats_a_reminder_shown_through_dbus(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
) -> None:
    daemon = dbus_daemon(make_daemon)
    start(daemon, notification_server, fake_clock, "email")
    assert poll_until(lambda: len(daemon.ledger()) == 1, 10.0)

    assert daemon.stop()[0] == 0, daemon.log()
    daemon.start().wait_ready()

    # the one planned is the reminder's repeat on the next business day, not this one again
    assert "next: email reminder for interview 1 at Tue 08 Jan 09:00 UTC" in daemon.log()
    assert nothing_more(notification_server, 1)


def test_markup_arrives_escaped_and_more_than_three_arrive_as_one_summary_without_buttons(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
) -> None:
    daemon = dbus_daemon(make_daemon)
    fake_clock.set(MON_2030_01_07_10H)
    for company in ("Smith & <b>Sons</b>", "Beta", "Gamma", "Delta"):
        daemon.add(company, WED_2030_01_02)
    daemon.start().wait_ready()

    [note] = notification_server.wait_for(1, timeout=10)
    assert nothing_more(notification_server, 1)
    assert (note["summary"], note["actions"]) == ("4 follow-up reminders", [])
    assert note["body"].split("\n") == [
        "Email Smith &amp; &lt;b&gt;Sons&lt;/b&gt;: followup draft 1",
        "Email Beta: followup draft 2",
        "Email Gamma: followup draft 3",
        "Email Delta: followup draft 4",
    ]


def test_a_server_answering_notify_with_an_error_is_logged_and_retried(
    make_daemon: Callable[..., DaemonProcess],
    bus: PrivateBus,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    daemon = dbus_daemon(make_daemon)
    fake_clock.set(MON_2030_01_07_10H)
    daemon.add("Acme", WED_2030_01_02)
    with NotificationServer(bus.address, tmp_path / "failing.jsonl", fail=True) as failing:
        failing.wait_until_ready()
        daemon.start().wait_ready()
        daemon.wait_log(
            "ERROR followup.daemon: could not show a notification: the notification server "
            "refused it: org.freedesktop.DBus.Error.Failed: notification server told to fail "
            "(--fail); keeping it, retrying in 15 s"
        )
    assert daemon.ledger() == []

    with NotificationServer(bus.address, tmp_path / "working.jsonl") as server:
        server.wait_until_ready()
        daemon.set_clock(fake_clock.now.replace(minute=1))
        [note] = server.wait_for(1, timeout=10)
        assert note["summary"] == "Time to email Acme"
        daemon.wait_log("delivery works again")
        assert poll_until(lambda: len(daemon.ledger()) == 1, 10.0)


def test_a_new_server_without_actions_is_asked_again_and_gets_the_commands_in_the_body(
    make_daemon: Callable[..., DaemonProcess],
    bus: PrivateBus,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    daemon = dbus_daemon(make_daemon)
    with NotificationServer(bus.address, tmp_path / "first.jsonl") as first:
        first.wait_until_ready()
        start(daemon, first, fake_clock, "email")
    with NotificationServer(bus.address, tmp_path / "plain.jsonl", actions=False) as plain:
        plain.wait_until_ready()

        daemon.cli_ok("add", "Beta", "--expect", "2030-01-02")

        again, note = plain.wait_for(2, timeout=10)
        assert (again["summary"], again["actions"]) == ("Time to email Acme", [])
        assert again["body"].startswith("Draft it: followup draft 1\n")  # shown again
        assert (note["summary"], note["actions"]) == ("Time to email Beta", [])
        assert note["body"].startswith("Draft it: followup draft 2\n")


def test_test_notification_goes_through_the_configured_dbus_backend(
    make_daemon: Callable[..., DaemonProcess], notification_server: NotificationServer
) -> None:
    daemon = dbus_daemon(make_daemon)

    done = daemon.cli("test-notification")

    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "Notification sent: check your desktop.\n",
        "",
    )
    [note] = notification_server.wait_for(1, timeout=5)
    assert (note["summary"], note["hints"], note["actions"]) == (
        "followup works",
        HINTS,
        [],
    )
