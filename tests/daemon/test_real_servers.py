"""The real daemon against real notification servers, used the way a person uses them.

dunst 1.9 (the usual server of i3 and other window managers) draws no buttons and sends
``ActionInvoked`` only to the connection that called ``Notify``; its actions are picked
from a context menu (``dunstctl context``). xfce4-notifyd draws buttons and broadcasts its
signals; a real mouse click (``xdotool``) presses one. Both run under Xvfb on the test's
private bus (``tests/support/desktop.py``).

Dates are 2030, US calendar, zone UTC: Acme's reply was expected Wed 2030-01-02, so its
email reminder is due Mon 2030-01-07 09:00; the fake clock reads Mon 10:00 at start.
Each pick is compared with the CLI command it stands for, run on a twin store.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tests.daemon.test_actions import WED_2030_01_02, dbus_daemon, store_view
from tests.support.daemon import DaemonProcess
from tests.support.desktop import Dunst, Xfce4Notifyd, Xvfb, artifacts_folder
from tests.support.harness import FakeClock, poll_until

MON_2030_01_07_10H = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)
BOUND_S = 15.0


def started(
    make_daemon: Callable[..., DaemonProcess], fake_clock: FakeClock, **details: str
) -> tuple[DaemonProcess, DaemonProcess]:
    """The daemon with Acme's email reminder due, and a twin store never served."""
    fake_clock.set(MON_2030_01_07_10H)
    daemon, twin = dbus_daemon(make_daemon), dbus_daemon(make_daemon)
    for store in (daemon, twin):
        store.add("Acme", WED_2030_01_02, **details)
    daemon.start().wait_ready()
    return daemon, twin


# -- dunst ---------------------------------------------------------------------------------


def test_dunst_shows_the_reminder_and_i_emailed_from_its_menu_records_what_the_cli_does(
    make_daemon: Callable[..., DaemonProcess], dunst: Dunst, fake_clock: FakeClock
) -> None:
    daemon, twin = started(make_daemon, fake_clock)
    daemon.wait_log("shown: Time to email Acme")
    assert dunst.displayed() == 1
    twin.cli_ok("emailed", "1")

    menu = dunst.choose("I emailed")

    assert [line.split(" [")[0] for line in menu] == [
        "#Snooze (Time to email Acme)",
        "#Draft email (Time to email Acme)",
        "#I emailed (Time to email Acme)",
    ]
    daemon.wait_log("action 'emailed' recorded for interview 1", timeout=BOUND_S)
    assert store_view(daemon) == store_view(twin)
    assert poll_until(lambda: dunst.displayed() == 1, BOUND_S)  # the confirmation, in place


def test_dunst_without_markup_receives_plain_text(
    make_daemon: Callable[..., DaemonProcess],
    dunst_plain: Dunst,
    fake_clock: FakeClock,
) -> None:
    dunst = dunst_plain
    daemon, _twin = started(make_daemon, fake_clock, contact_name="Dana <HR> Chen")
    daemon.wait_log("shown: Time to email Acme")

    dunst.dunstctl("close-all")

    assert poll_until(lambda: len(dunst.history()) == 1, BOUND_S)
    [note] = dunst.history()
    assert note["summary"] == "Time to email Acme"
    assert note["body"].startswith(
        "Draft it: followup draft 1\nOnce sent: followup emailed 1\n"
        "It has been more than 2 business days since Dana <HR> Chen at Acme said"
    )


def test_a_cli_action_takes_the_reminder_off_dunsts_screen(
    make_daemon: Callable[..., DaemonProcess], dunst: Dunst, fake_clock: FakeClock
) -> None:
    daemon, _twin = started(make_daemon, fake_clock)
    daemon.wait_log("shown: Time to email Acme")
    assert dunst.displayed() == 1

    daemon.cli_ok("emailed", "1")

    assert poll_until(lambda: dunst.displayed() == 0, BOUND_S)
    assert ": no longer pending" in daemon.wait_log("closed notification ")


# -- xfce4-notifyd -------------------------------------------------------------------------


def test_xfce4_notifyd_draws_the_buttons_and_a_click_on_i_emailed_records_what_the_cli_does(
    make_daemon: Callable[..., DaemonProcess],
    xfce4_notifyd: Xfce4Notifyd,
    xvfb: Xvfb,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> None:
    daemon, twin = started(make_daemon, fake_clock)
    daemon.wait_log("shown: Time to email Acme")
    box = xfce4_notifyd.wait_window()
    folder = artifacts_folder(tmp_path)
    screen = xvfb.screenshot(folder / "xfce4-notifyd-screen.png")
    shot = xvfb.screenshot(folder / "reminder-xfce4-notifyd.png", box=box, margin=8)
    print(f"\nscreenshots of the reminder on xfce4-notifyd: {screen}, {shot}")
    assert xvfb.colours(shot) > 10  # text and buttons drawn, not a blank box
    twin.cli_ok("emailed", "1")

    xfce4_notifyd.click_button(1, 3)  # Draft email, I emailed, Snooze

    daemon.wait_log("action 'emailed' recorded for interview 1", timeout=BOUND_S)
    assert store_view(daemon) == store_view(twin)
