"""One click, one deed, on the server that gave the id: the real daemon on a private bus with
the recording notification server (``tests/support/notification_server.py``).

What real servers do that these tests replay: GNOME Shell sends ``ActionInvoked`` twice per
click (a broadcast from gnome-shell and a copy from its relay) and keeps entries the daemon
already replaced in its message list, where a click fires their old action again; mako and
dunst give out id 1 again after a restart, to other programs' notifications; a daemon
restart must not leave buttons dead.

Dates are 2030, US calendar, zone UTC: Acme's reply was expected Wed 2030-01-02, so its
email reminder is due Mon 2030-01-07 09:00; emailed that day, its move-on reminder is due
Tue 2030-01-15 09:00.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jeepney import DBusAddress, new_method_call, new_signal

from tests.daemon.test_actions import (
    MON_2030_01_07_10H,
    WED_2030_01_02,
    dbus_daemon,
    nothing_more,
    opener,
    start,
    store_view,
)
from tests.support.daemon import DaemonProcess
from tests.support.harness import FakeClock, NotificationServer, PrivateBus, poll_until

pytestmark = pytest.mark.system

SERVER = DBusAddress(
    "/org/freedesktop/Notifications",
    "org.freedesktop.Notifications",
    "org.freedesktop.Notifications",
)
BOUND_S = 15.0


@pytest.fixture
def gnome_named(bus: PrivateBus, tmp_path: Path) -> Iterator[NotificationServer]:
    """The recording server, named as GNOME Shell names itself (it draws buttons)."""
    with NotificationServer(bus.address, tmp_path / "gnome.jsonl", name="gnome-shell") as server:
        server.wait_until_ready()
        yield server


def recording_opener(tmp_path: Path, *, sleep: int = 0) -> tuple[str, Path]:
    """A PATH whose ``xdg-open`` appends what it was asked to open to a file (then sleeps
    ``sleep`` seconds, as xdg-open does when it runs the mail client in the foreground)."""
    opened = tmp_path / "opened.txt"
    script = f'printf "%s\\n" "$1" >> "{opened}"\n' + (f"sleep {sleep}\n" if sleep else "")
    return opener(tmp_path, script), opened


def opened_lines(opened: Path) -> list[str]:
    return opened.read_text().splitlines() if opened.exists() else []


def other_program_notifies(bus: PrivateBus, title: str) -> int:
    """Another program's notification, with an action called like one of followup's."""
    with bus.connect() as other:
        notify = new_method_call(
            SERVER, "Notify", "susssasa{sv}i", ("chat", 0, "", title, "", ["emailed", "Ok"], {}, -1)
        )
        (other_id,) = other.send_and_get_reply(notify, timeout=5).body
    return int(other_id)


# -- one click, one deed -------------------------------------------------------------------


@pytest.mark.parametrize(
    "clicks",
    [["default", "default"], ["draft", "draft"], ["draft", "default"]],
    ids=["a click sent twice (GNOME Shell)", "Draft email sent twice", "button then body"],
)
def test_one_click_sent_twice_opens_the_draft_once(
    make_daemon: Callable[..., DaemonProcess],
    gnome_named: NotificationServer,
    fake_clock: FakeClock,
    tmp_path: Path,
    clicks: list[str],
) -> None:
    path, opened = recording_opener(tmp_path)
    daemon = dbus_daemon(make_daemon, path=path)
    reminder = start(daemon, gnome_named, fake_clock, "email")
    assert reminder["actions"][:4] == ["default", "Draft email", "draft", "Draft email"]

    for key in clicks:
        gnome_named.invoke_action(reminder["id"], key)

    again = gnome_named.wait_for(2, timeout=BOUND_S)[1]
    daemon.wait_log(f"ignored action '{clicks[1]}' on notification {reminder['id']}: already")
    assert again["summary"] == "Draft opened: email Acme"
    assert nothing_more(gnome_named, 2)
    assert [line.split("?")[0] for line in opened_lines(opened)] == ["mailto:"]


def test_a_click_on_the_replaced_entry_left_in_a_message_list_drafts_nothing_more(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    path, opened = recording_opener(tmp_path)
    daemon = dbus_daemon(make_daemon, path=path)
    reminder = start(daemon, notification_server, fake_clock, "email")
    notification_server.invoke_action(reminder["id"], "default")
    notification_server.wait_for(2, timeout=BOUND_S)

    notification_server.invoke_action(reminder["id"], "default")  # the old entry, clicked

    daemon.wait_log(f"ignored action 'default' on notification {reminder['id']}: already")
    assert len(opened_lines(opened)) == 1
    assert nothing_more(notification_server, 2)


def test_a_click_on_the_body_of_a_move_on_reminder_keeps_it_and_records_nothing(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
) -> None:
    daemon = dbus_daemon(make_daemon)
    reminder = start(daemon, notification_server, fake_clock, "move_on")
    before = store_view(daemon)

    notification_server.invoke_action(reminder["id"], "default")

    kept = notification_server.wait_for(2, timeout=BOUND_S)[1]
    assert (kept["replaces_id"], kept["summary"], kept["actions"]) == (
        reminder["id"],
        "Time to move on from Acme",
        reminder["actions"],
    )
    daemon.wait_log("move-on reminder for interview 1 kept on screen")
    assert "ignored unknown action" not in daemon.log()
    assert store_view(daemon) == before


def test_a_signal_sent_by_another_connection_than_the_server_is_ignored(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    bus: PrivateBus,
    fake_clock: FakeClock,
) -> None:
    daemon = dbus_daemon(make_daemon)
    reminder = start(daemon, notification_server, fake_clock, "email")
    before = store_view(daemon)
    emitter = DBusAddress("/org/freedesktop/Notifications", interface=SERVER.interface)

    with bus.connect() as impostor:
        impostor.send(new_signal(emitter, "ActionInvoked", "us", (reminder["id"], "emailed")))

    assert nothing_more(notification_server, 1)
    assert store_view(daemon) == before
    notification_server.invoke_action(reminder["id"], "emailed")  # the server's own: works
    daemon.wait_log("action 'emailed' recorded for interview 1", timeout=BOUND_S)


# -- drafts never hold up the daemon -----------------------------------------------------------


def test_an_opener_that_waits_for_the_mail_client_holds_up_no_other_button(
    make_daemon: Callable[..., DaemonProcess],
    gnome_named: NotificationServer,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    """xdg-open with no desktop named runs the mail client in the foreground: it ends only
    when the mail client does. A click on "I emailed" meanwhile is answered at once, and the
    opener still running is no reason to open the draft again as a file."""
    path, opened = recording_opener(tmp_path, sleep=60)
    daemon = dbus_daemon(make_daemon, path=path)
    reminder = start(daemon, gnome_named, fake_clock, "email")

    gnome_named.invoke_action(reminder["id"], "draft")
    assert poll_until(lambda: len(opened_lines(opened)) == 1, BOUND_S)
    gnome_named.invoke_action(reminder["id"], "emailed")

    done = gnome_named.wait_for(2, timeout=5.0)[1]
    assert done["summary"] == "Recorded: emailed Acme on Mon 7 Jan"
    daemon.wait_log("draft for interview 1 handed to the mail client", timeout=30.0)
    assert [line.split("?")[0] for line in opened_lines(opened)] == ["mailto:"]
    assert nothing_more(gnome_named, 2)  # the draft's answer does not undo it


def test_an_opener_still_running_after_its_time_limit_counts_as_opened(
    make_daemon: Callable[..., DaemonProcess],
    gnome_named: NotificationServer,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    path, opened = recording_opener(tmp_path, sleep=60)
    daemon = dbus_daemon(make_daemon, path=path)
    reminder = start(daemon, gnome_named, fake_clock, "email")

    gnome_named.invoke_action(reminder["id"], "draft")

    again = gnome_named.wait_for(2, timeout=30.0)[1]
    assert again["summary"] == "Draft opened: email Acme"
    assert len(opened_lines(opened)) == 1  # never a second program, with the file
    assert not (Path(daemon.env["XDG_DATA_HOME"]) / "followup/drafts").exists()


# -- ids belong to one server instance ---------------------------------------------------------


def test_after_the_server_restarts_its_old_ids_are_never_acted_on_and_the_reminder_returns(
    make_daemon: Callable[..., DaemonProcess],
    bus: PrivateBus,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    """The chat program's notification takes id 1 on the first server, the reminder id 2;
    after the restart the reminder is shown again (id 1) and the chat program gets id 2:
    the reminder's old number. A click there, and ``followup emailed``, leave it alone."""
    daemon = dbus_daemon(make_daemon)
    with NotificationServer(bus.address, tmp_path / "first.jsonl") as first:
        first.wait_until_ready()
        assert other_program_notifies(bus, "Chat: hello") == 1
        fake_clock.set(MON_2030_01_07_10H)
        daemon.add("Acme", WED_2030_01_02)
        daemon.start().wait_ready()
        reminder = first.wait_for(2, timeout=BOUND_S)[1]
        assert (reminder["id"], reminder["summary"]) == (2, "Time to email Acme")
    before = store_view(daemon)
    with NotificationServer(bus.address, tmp_path / "second.jsonl") as second:
        second.wait_until_ready()

        [again] = second.wait_for(1, timeout=BOUND_S)
        assert (again["id"], again["summary"]) == (1, "Time to email Acme")
        daemon.wait_log("shown again: Time to email Acme")
        assert other_program_notifies(bus, "Chat: still there?") == reminder["id"]

        second.invoke_action(reminder["id"], "emailed")  # the chat program's, now

        daemon.wait_log(f"ignored action 'emailed' on notification {reminder['id']}: not one")
        assert store_view(daemon) == before
        daemon.cli_ok("emailed", "1")
        [closed] = second.wait_closed(1, timeout=BOUND_S)
        assert closed["closed"] == again["id"]
        assert nothing_more(second, 2)  # the reminder again, the chat program's


def test_a_daemon_restarted_on_the_same_server_adopts_its_notifications_and_their_buttons(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
) -> None:
    daemon = dbus_daemon(make_daemon)
    twin = dbus_daemon(make_daemon)
    reminder = start(daemon, notification_server, fake_clock, "email")
    twin.add("Acme", WED_2030_01_02)
    twin.cli_ok("emailed", "1")
    assert poll_until(lambda: len(daemon.ledger()) == 1, BOUND_S)
    assert daemon.stop()[0] == 0, daemon.log()
    daemon.start().wait_ready()
    daemon.wait_log("1 notification(s) of the previous run adopted")

    notification_server.invoke_action(reminder["id"], "emailed")

    done = notification_server.wait_for(2, timeout=BOUND_S)[1]
    assert (done["replaces_id"], done["summary"]) == (
        reminder["id"],
        "Recorded: emailed Acme on Mon 7 Jan",
    )
    assert store_view(daemon) == store_view(twin)


def test_a_daemon_restarted_on_another_server_shows_the_reminder_again(
    make_daemon: Callable[..., DaemonProcess],
    bus: PrivateBus,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    daemon = dbus_daemon(make_daemon)
    with NotificationServer(bus.address, tmp_path / "first.jsonl") as first:
        first.wait_until_ready()
        start(daemon, first, fake_clock, "email")
        assert poll_until(lambda: len(daemon.ledger()) == 1, BOUND_S)
        assert daemon.stop()[0] == 0, daemon.log()
    saved: Any = json.loads((daemon.state_dir / "notifications.json").read_text())
    assert [n["title"] for n in saved["notifications"]] == ["Time to email Acme"]
    with NotificationServer(bus.address, tmp_path / "second.jsonl") as second:
        second.wait_until_ready()
        daemon.start().wait_ready()

        [again] = second.wait_for(1, timeout=BOUND_S)
        assert again["summary"] == "Time to email Acme"
        second.invoke_action(again["id"], "snooze")
        daemon.wait_log("action 'snooze' recorded for interview 1", timeout=BOUND_S)


# -- what each kind of server is sent ---------------------------------------------------------


def test_on_gnome_shell_even_an_answer_carries_a_default_action_so_a_click_starts_nothing(
    make_daemon: Callable[..., DaemonProcess],
    gnome_named: NotificationServer,
    fake_clock: FakeClock,
) -> None:
    """A click on a GNOME Shell notification without ``default`` launches the desktop
    entry's program; each followup notification answers it itself."""
    daemon = dbus_daemon(make_daemon)
    reminder = start(daemon, gnome_named, fake_clock, "email")

    gnome_named.invoke_action(reminder["id"], "emailed")

    answer = gnome_named.wait_for(2, timeout=BOUND_S)[1]
    assert (answer["summary"], answer["actions"]) == (
        "Recorded: emailed Acme on Mon 7 Jan",
        ["default", ""],
    )
    gnome_named.invoke_action(answer["id"], "default")
    daemon.wait_log(f"ignored action 'default' on notification {answer['id']}")
    assert nothing_more(gnome_named, 2)


def test_xfce4_notifyd_which_draws_default_as_a_button_gets_draft_email_once(
    make_daemon: Callable[..., DaemonProcess],
    bus: PrivateBus,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    with NotificationServer(bus.address, tmp_path / "x.jsonl", name="Xfce Notify Daemon") as xfce:
        xfce.wait_until_ready()
        note = start(dbus_daemon(make_daemon), xfce, fake_clock, "email")

    assert note["actions"] == [
        *("default", "Draft email", "emailed", "I emailed", "snooze", "Snooze"),
    ]
    assert "followup " not in note["body"]


def test_with_a_display_and_no_desktop_named_the_real_xdg_open_starts_the_mail_client_alone(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    """i3 or sway: ``DISPLAY`` set, ``XDG_CURRENT_DESKTOP`` unset. xdg-open (xdg-utils)
    then runs the ``mailto`` handler in the foreground and waits for the mail client to
    close. Only the mail client starts (never the text editor too), and "I emailed" is
    answered meanwhile."""
    started = tmp_path / "started.txt"
    daemon = dbus_daemon(make_daemon)
    apps = Path(daemon.env["XDG_DATA_HOME"]) / "applications"
    apps.mkdir(parents=True)
    for name, mime, code in [
        ("mail", "x-scheme-handler/mailto", "%u"),
        ("editor", "text/plain", "%f"),
    ]:
        script = tmp_path / f"{name}.sh"
        script.write_text(
            f'#!/bin/sh\nprintf "{name} %s\\n" "$1" >> "{started}"\n'
            "exec env -u LD_PRELOAD sleep 60\n"  # the program stays open, as a person's does
        )
        script.chmod(0o755)
        (apps / f"{name}.desktop").write_text(
            "[Desktop Entry]\nType=Application\n"
            f"Name={name}\nExec={script} {code}\nMimeType={mime};\n"
        )
    (Path(daemon.env["XDG_CONFIG_HOME"]) / "mimeapps.list").write_text(
        "[Default Applications]\nx-scheme-handler/mailto=mail.desktop\ntext/plain=editor.desktop\n"
    )
    daemon.env["DISPLAY"] = ":99"
    daemon.env.pop("XDG_CURRENT_DESKTOP", None)
    reminder = start(daemon, notification_server, fake_clock, "email")

    notification_server.invoke_action(reminder["id"], "default")
    assert poll_until(lambda: len(opened_lines(started)) == 1, BOUND_S)
    notification_server.invoke_action(reminder["id"], "emailed")

    done = notification_server.wait_for(2, timeout=5.0)[1]
    assert done["summary"] == "Recorded: emailed Acme on Mon 7 Jan"
    daemon.wait_log("draft for interview 1 handed to the mail client", timeout=30.0)
    assert [line.split("?")[0] for line in opened_lines(started)] == ["mail mailto:"]
