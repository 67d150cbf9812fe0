"""The real daemon on the desktops most people run, used as a person uses them: GNOME's
fallback notification-daemon (Xvfb, clicks with ``xdotool``), mako on sway (headless
Wayland, its menu through ``makoctl menu`` with a dmenu stand-in) and GNOME Shell
(headless Wayland, a pointer through ``org.gnome.Mutter.RemoteDesktop``). The servers are
in ``tests/support/sessions.py``.

Each test: a due reminder is shown; "Draft email" hands one ``mailto:`` link to the opener
(a recording ``xdg-open``) and "I emailed" records what ``followup emailed 1`` records on a
twin store; the server restarts while a second reminder is on screen, which comes back,
while a click on another program's notification (now holding the reminder's old id) is
ignored; ``followup emailed 2`` takes the reminder off the screen. GNOME Shell draws
buttons only on a banner, one reminder at a time: each action is clicked on a reminder of
its own (Acme, Beta, Gamma), the restart is survived by Delta, and what the shell holds is
read from its message list.

Dates are 2030, US calendar, zone UTC: the reply was expected Wed 2030-01-02, so the email
reminders are due Mon 2030-01-07 09:00; the fake clock reads Mon 10:00.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jeepney import HeaderFields, MatchRule, new_method_call
from jeepney.bus_messages import message_bus

from tests.daemon.test_actions import DBUS_CONFIG, WED_2030_01_02, store_view
from tests.daemon.test_server_instances import SERVER, opened_lines, recording_opener
from tests.support.daemon import DaemonProcess
from tests.support.desktop import Xvfb, artifacts_folder
from tests.support.harness import FakeClock, poll_until
from tests.support.sessions import (
    PLASMA_SERVICES,
    DesktopBus,
    GnomeShell,
    NotificationDaemon,
    Plasma,
    SwayMako,
)

#: One worker runs the desktops one after another: two compositors starting side by side
#: on two cores slow each other's animations past what a click expects.
pytestmark = [pytest.mark.system, pytest.mark.xdist_group("desktops")]

MON_2030_01_07_10H = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)
BOUND_S = 30.0


def started(
    make_daemon: Callable[..., DaemonProcess], fake_clock: FakeClock, bus: DesktopBus, path: str
) -> tuple[DaemonProcess, DaemonProcess]:
    """The daemon on ``bus`` with Acme's email reminder due, and a twin store never served."""
    fake_clock.set(MON_2030_01_07_10H)
    daemon = make_daemon(config=DBUS_CONFIG, bus_address=bus.address, path=path)
    twin = make_daemon(config=DBUS_CONFIG)
    for store in (daemon, twin):
        store.add("Acme", WED_2030_01_02)
    daemon.start().wait_ready()
    daemon.wait_log("shown: Time to email Acme", timeout=BOUND_S)
    return daemon, twin


def chat_notifies(bus: DesktopBus) -> int:
    """Another program's notification, with a button whose key is one of followup's."""
    with bus.connect() as chat:
        notify = new_method_call(
            SERVER,
            "Notify",
            "susssasa{sv}i",
            ("chat", 0, "", "Chat: hello", "Are you there?", ["emailed", "Reply"], {}, 0),
        )
        (chat_id,) = chat.send_and_get_reply(notify, timeout=10).body
    return int(chat_id)


def keep(picture: Path, name: str, tmp_path: Path) -> Path:
    """Keep a screenshot where a person looks at the run's pictures."""
    kept = artifacts_folder(tmp_path / "artifacts") / name
    shutil.copyfile(picture, kept)
    print(f"\nscreenshot: {kept}")
    return kept


# -- notification-daemon ---------------------------------------------------------------------


def buttons_now(server: NotificationDaemon, x: Xvfb, shot: Path) -> list[tuple[int, int]]:
    """The buttons of the one bubble on screen now (a bubble grows with its text)."""
    bubbles = server.bubbles()
    return server.buttons(x.screenshot(shot), bubbles[0]) if len(bubbles) == 1 else []


@pytest.fixture
def notification_daemon(tmp_path: Path) -> Iterator[tuple[DesktopBus, Xvfb, NotificationDaemon]]:
    with (
        DesktopBus(tmp_path) as bus,
        Xvfb(tmp_path / "xvfb") as x,
        NotificationDaemon(tmp_path / "nd", bus, x) as server,
    ):
        print(f"\nnotification-daemon owned the name after {server.start_s:.2f} s")
        yield bus, x, server


def test_notification_daemon_buttons_draft_once_record_and_survive_its_restart(
    make_daemon: Callable[..., DaemonProcess],
    fake_clock: FakeClock,
    notification_daemon: tuple[DesktopBus, Xvfb, NotificationDaemon],
    tmp_path: Path,
) -> None:
    bus, x, server = notification_daemon
    path, opened = recording_opener(tmp_path)
    daemon, twin = started(make_daemon, fake_clock, bus, path)
    # Draft email, I emailed, Snooze: "default" is no button
    assert poll_until(lambda: len(buttons_now(server, x, tmp_path / "nd.png")) == 3, BOUND_S)
    keep(tmp_path / "nd.png", "notification-daemon-reminder.png", tmp_path)
    buttons = buttons_now(server, x, tmp_path / "nd.png")

    server.click(buttons[0])  # Draft email

    daemon.wait_log("draft for interview 1 handed to the mail client", timeout=BOUND_S)
    assert [line.split("?")[0] for line in opened_lines(opened)] == ["mailto:"]
    assert poll_until(lambda: len(buttons_now(server, x, tmp_path / "d.png")) == 2, BOUND_S)
    keep(tmp_path / "d.png", "notification-daemon-draft-opened.png", tmp_path)
    twin.cli_ok("emailed", "1")

    server.click(buttons_now(server, x, tmp_path / "d2.png")[0])  # I emailed

    daemon.wait_log("action 'emailed' recorded for interview 1", timeout=BOUND_S)
    assert store_view(daemon) == store_view(twin)
    assert len(opened_lines(opened)) == 1

    for store in (daemon, twin):
        store.cli_ok("add", "Beta", "--expect", "2030-01-02")
    daemon.wait_log("shown: Time to email Beta", timeout=BOUND_S)
    restart_s = server.restart()
    print(f"\nnotification-daemon owned the name again after {restart_s:.2f} s")
    daemon.wait_log("shown again: Time to email Beta", timeout=BOUND_S)
    assert poll_until(lambda: len(buttons_now(server, x, tmp_path / "again.png")) == 3, BOUND_S)
    keep(tmp_path / "again.png", "notification-daemon-after-restart.png", tmp_path)
    for store in (daemon, twin):
        store.cli_ok("emailed", "2")
    # notification-daemon answers CloseNotification but leaves the bubble (its own bug)
    assert ": no longer pending" in daemon.wait_log("closed notification ", timeout=BOUND_S)
    chat_id = chat_notifies(bus)  # the number Beta's reminder had before the restart
    assert chat_id == 2
    [(left, top, width, _height)] = server.bubbles()
    server.click((left + width - 24, top + 29))  # a person closes what covers the chat's

    assert poll_until(lambda: len(buttons_now(server, x, tmp_path / "chat.png")) == 1, BOUND_S)
    server.click(buttons_now(server, x, tmp_path / "chat.png")[0])  # the chat program's Reply

    daemon.wait_log(f"ignored action 'emailed' on notification {chat_id}", timeout=BOUND_S)
    assert store_view(daemon) == store_view(twin)


# -- mako on sway ----------------------------------------------------------------------------


@pytest.fixture
def sway_mako(tmp_path: Path) -> Iterator[tuple[DesktopBus, SwayMako]]:
    with DesktopBus(tmp_path, any_user=True) as bus, SwayMako(bus) as mako:
        print(
            f"\nsway started in {mako.sway_start_s:.2f} s, "
            f"mako owned the name in {mako.start_s:.2f} s"
        )
        yield bus, mako


def test_mako_menu_drafts_once_records_and_survives_a_restart_of_mako(
    make_daemon: Callable[..., DaemonProcess],
    fake_clock: FakeClock,
    sway_mako: tuple[DesktopBus, SwayMako],
    tmp_path: Path,
) -> None:
    bus, mako = sway_mako
    path, opened = recording_opener(tmp_path)
    daemon, twin = started(make_daemon, fake_clock, bus, path)
    [reminder] = mako.shown()
    assert reminder["body"].startswith(
        "Draft it: followup draft 1\nOnce sent: followup emailed 1\n"
    )
    keep(mako.screenshot(tmp_path / "mako.png"), "mako-reminder.png", tmp_path)

    menu = mako.choose("Draft email")

    assert menu == ["Draft email", "I emailed", "Snooze"]  # in the order of everyone's buttons
    daemon.wait_log("draft for interview 1 handed to the mail client", timeout=BOUND_S)
    assert poll_until(lambda: mako.shown()[0]["summary"] == "Draft opened: email Acme", BOUND_S)
    assert mako.shown()[0]["body"] == (
        "Your mail client has the draft. Once sent, run: followup emailed 1"
    )
    keep(mako.screenshot(tmp_path / "mako-d.png"), "mako-draft-opened.png", tmp_path)
    twin.cli_ok("emailed", "1")

    assert mako.choose("I emailed") == ["I emailed", "Snooze"]

    daemon.wait_log("action 'emailed' recorded for interview 1", timeout=BOUND_S)
    assert store_view(daemon) == store_view(twin)
    assert [line.split("?")[0] for line in opened_lines(opened)] == ["mailto:"]

    for store in (daemon, twin):
        store.cli_ok("add", "Beta", "--expect", "2030-01-02")
    daemon.wait_log("shown: Time to email Beta", timeout=BOUND_S)
    old_id = next(n["id"] for n in mako.shown() if n["summary"] == "Time to email Beta")
    restart_s = mako.restart_mako()
    print(f"\nmako owned the name again after {restart_s:.2f} s")
    daemon.wait_log("shown again: Time to email Beta", timeout=BOUND_S)
    chat_id = chat_notifies(bus)
    assert chat_id == old_id  # mako gives its ids out again: the chat has the reminder's old one
    keep(mako.screenshot(tmp_path / "mako-again.png"), "mako-after-restart.png", tmp_path)

    mako.makoctl("invoke", "-n", str(chat_id), "emailed")  # the chat program's "Reply"

    daemon.wait_log(f"ignored action 'emailed' on notification {chat_id}", timeout=BOUND_S)
    assert store_view(daemon)[:2] == store_view(twin)[:2]  # Beta's showing aside
    for store in (daemon, twin):
        store.cli_ok("emailed", "2")
    assert poll_until(lambda: [n["summary"] for n in mako.shown()] == ["Chat: hello"], BOUND_S), (
        mako.shown()
    )
    assert store_view(daemon) == store_view(twin)


# -- GNOME Shell -----------------------------------------------------------------------------

GNOME_SERVICES = ("org.gnome.Shell.Notifications.service", "ca.desrt.dconf.service")


@pytest.fixture
def gnome_shell(tmp_path: Path) -> Iterator[tuple[DesktopBus, GnomeShell]]:
    with (
        DesktopBus(tmp_path, GNOME_SERVICES, any_user=True) as bus,
        DesktopBus(tmp_path, kind="system", any_user=True) as system,
        GnomeShell(tmp_path / "gnome", bus, system) as shell,
    ):
        print(f"\ngnome-shell owned the name after {shell.start_s:.2f} s")
        yield bus, shell


BANNER_AREA = (640, 70)  # where GNOME Shell's banners come, under the top bar
AWAY = (640, 400)  # the middle of the desktop


def banner_buttons(shell: GnomeShell, shot: Path, count: int) -> list[tuple[int, int]]:
    """The buttons of the banner on screen, once ``count`` of them show. A person moves the
    pointer onto a banner once it is there: GNOME Shell draws the buttons then, and keeps
    the banner while the pointer stays on it (a banner that came up under a pointer at
    rest stays folded until the pointer leaves and comes back)."""
    found: list[tuple[int, int]] = []

    def shown() -> bool:
        picture = shell.screenshot(shot)
        if shell.banner(picture) is None:
            return False
        found[:] = shell.banner_buttons(picture)
        if len(found) == count:
            return True
        shell.point_at(AWAY)  # another banner goes; a folded one unfolds when the pointer
        if not found:  # comes back
            shell.point_at(BANNER_AREA)
        return False

    assert poll_until(shown, BOUND_S, interval=0.5), found
    return found


def no_banner(shell: GnomeShell, shot: Path) -> bool:
    """Whether the banners are gone once the pointer is away (they go after 4 s)."""
    shell.point_at(AWAY)
    return poll_until(lambda: shell.banner(shell.screenshot(shot)) is None, BOUND_S, 1.0)


def views(daemon: DaemonProcess, count: int) -> list[Any]:
    """Interviews 1..``count`` with their histories (instants aside), and what is upcoming."""
    found: list[Any] = [json.loads(daemon.cli_ok("upcoming", "--json"))]
    for interview in range(1, count + 1):
        found.append(json.loads(daemon.cli_ok("show", str(interview), "--json")))
        history = json.loads(daemon.cli_ok("history", str(interview), "--json"))
        found.append([(e["kind"], e["details"]) for e in history])
    return found


@contextmanager
def clicks_heard(bus: DesktopBus) -> Iterator[Callable[[], list[tuple[int, str]]]]:
    """Every ``ActionInvoked`` on ``bus`` (id, key) while the block runs, as any
    connection hears a broadcast; call the function yielded to read what came so far."""
    heard: list[tuple[int, str]] = []
    with bus.connect() as conn:
        rule = MatchRule(type="signal", interface=SERVER.interface, member="ActionInvoked")
        conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=10)

        def so_far() -> list[tuple[int, str]]:
            with suppress(TimeoutError):
                while True:
                    message = conn.receive(timeout=0.2)
                    if message.header.fields.get(HeaderFields.member) == "ActionInvoked":
                        heard.append((int(message.body[0]), str(message.body[1])))
            return heard

        yield so_far


def reminder_banner(
    shell: GnomeShell, daemon: DaemonProcess, twin: DaemonProcess, company: str, shot: Path
) -> list[tuple[int, int]]:
    """Add ``company``'s interview (reply expected Wed 2030-01-02) to both stores once no
    banner shows; the buttons of its banner."""
    assert no_banner(shell, shot)
    for store in (daemon, twin):
        store.cli_ok("add", company, "--expect", "2030-01-02")
    daemon.wait_log(f"shown: Time to email {company}", timeout=BOUND_S)
    return banner_buttons(shell, shot, 3)  # Draft email, I emailed, Snooze


def test_gnome_shell_buttons_draft_once_record_snooze_and_survive_a_restart_of_the_shell(
    make_daemon: Callable[..., DaemonProcess],
    fake_clock: FakeClock,
    gnome_shell: tuple[DesktopBus, GnomeShell],
    tmp_path: Path,
) -> None:
    bus, shell = gnome_shell
    path, opened = recording_opener(tmp_path)
    daemon, twin = started(make_daemon, fake_clock, bus, path)
    buttons = banner_buttons(shell, tmp_path / "g.png", 3)  # Draft email, I emailed, Snooze
    keep(tmp_path / "g.png", "gnome-shell-reminder.png", tmp_path)

    shell.click(buttons[0])  # Draft email: GNOME Shell sends ActionInvoked twice

    daemon.wait_log("draft for interview 1 handed to the mail client", timeout=BOUND_S)
    assert not poll_until(lambda: len(opened_lines(opened)) > 1, 3.0)
    assert [line.split("?")[0] for line in opened_lines(opened)] == ["mailto:"]
    # The "Draft opened" answer replaces the notification in the message list, which draws
    # no buttons: the person records the email in the terminal, and it leaves the list.
    for store in (daemon, twin):
        store.cli_ok("emailed", "1")
    assert ": no longer pending" in daemon.wait_log("closed notification ", timeout=BOUND_S)

    buttons = reminder_banner(shell, daemon, twin, "Beta", tmp_path / "beta.png")
    twin.cli_ok("emailed", "2")

    shell.click(buttons[1])  # I emailed

    daemon.wait_log("action 'emailed' recorded for interview 2", timeout=BOUND_S)
    assert views(daemon, 2) == views(twin, 2)

    buttons = reminder_banner(shell, daemon, twin, "Gamma", tmp_path / "gamma.png")
    twin.cli_ok("snooze", "3")

    shell.click(buttons[2])  # Snooze

    daemon.wait_log("action 'snooze' recorded for interview 3", timeout=BOUND_S)
    assert views(daemon, 3) == views(twin, 3)
    assert len(opened_lines(opened)) == 1

    reminder_banner(shell, daemon, twin, "Delta", tmp_path / "delta.png")
    restart_s = shell.restart()
    print(f"\ngnome-shell owned the name again after {restart_s:.2f} s")
    daemon.wait_log("shown again: Time to email Delta", timeout=BOUND_S)
    chat_id = chat_notifies(bus)
    [reply] = banner_buttons(shell, tmp_path / "chat.png", 1)
    log_before = daemon.log()

    with clicks_heard(bus) as heard:
        shell.click(reply)  # the chat program's Reply (its key is "emailed")

        # gnome-shell broadcasts the click (the relay's copy goes to the chat program):
        # the daemon hears it, from a connection that does not own the name, and drops it
        assert poll_until(lambda: (chat_id, "emailed") in heard(), BOUND_S)
    assert not poll_until(lambda: daemon.log() != log_before, 3.0), daemon.log()
    assert views(daemon, 4)[1:-2] == views(twin, 4)[1:-2]  # Delta and what is upcoming aside
    # the chat's notification has gone with its click; the new shell's message list holds
    # the reminder shown again
    assert poll_until(lambda: shell.listed(tmp_path / "again.png") == 1, BOUND_S, 1.0)
    keep(tmp_path / "again.png", "gnome-shell-after-restart.png", tmp_path)
    for store in (daemon, twin):
        store.cli_ok("emailed", "4")

    assert poll_until(lambda: shell.listed(tmp_path / "after.png") == 0, BOUND_S, 1.0)
    assert views(daemon, 4) == views(twin, 4)
    assert len(opened_lines(opened)) == 1


# -- KDE Plasma ------------------------------------------------------------------------------


@pytest.fixture
def plasma(tmp_path: Path) -> Iterator[tuple[DesktopBus, Xvfb, Plasma]]:
    with (
        DesktopBus(tmp_path, PLASMA_SERVICES) as bus,
        Xvfb(tmp_path / "xvfb") as x,
        Plasma(tmp_path / "plasma", bus, x) as shell,
    ):
        print(f"\nplasmashell owned the name after {shell.start_s:.2f} s")
        yield bus, x, shell


def popup_buttons(shell: Plasma, x: Xvfb, shot: Path, count: int) -> list[tuple[int, int]]:
    """The buttons of the popup that has ``count`` of them, once it is drawn and still:
    the same buttons in two screenshots in a row, so that a popup still sliding in, or
    one being replaced, is not clicked where its buttons are about to move."""
    found: list[tuple[int, int]] = []
    before: list[tuple[int, int]] = []

    def drawn() -> bool:
        picture = x.screenshot(shot)
        for popup in shell.popups():
            found[:] = shell.buttons(picture, popup)
            if len(found) == count:
                still = found == before
                before[:] = found
                return still
        before.clear()
        return False

    assert poll_until(drawn, BOUND_S, interval=0.5), (shell.popups(), found)
    return found


def test_plasma_buttons_draft_once_record_and_survive_restarts_of_plasmashell_and_daemon(
    make_daemon: Callable[..., DaemonProcess],
    fake_clock: FakeClock,
    plasma: tuple[DesktopBus, Xvfb, Plasma],
    tmp_path: Path,
) -> None:
    bus, x, shell = plasma
    path, opened = recording_opener(tmp_path)
    daemon, twin = started(make_daemon, fake_clock, bus, path)
    buttons = popup_buttons(shell, x, tmp_path / "p.png", 3)  # Draft email, I emailed, Snooze
    keep(tmp_path / "p.png", "plasma-reminder.png", tmp_path)

    shell.click(buttons[0])  # Draft email

    daemon.wait_log("draft for interview 1 handed to the mail client", timeout=BOUND_S)
    buttons = popup_buttons(shell, x, tmp_path / "p2.png", 2)  # I emailed, Snooze
    keep(tmp_path / "p2.png", "plasma-draft-opened.png", tmp_path)
    twin.cli_ok("emailed", "1")

    shell.click(buttons[0])  # I emailed

    daemon.wait_log("action 'emailed' recorded for interview 1", timeout=BOUND_S)
    assert store_view(daemon) == store_view(twin)
    assert [line.split("?")[0] for line in opened_lines(opened)] == ["mailto:"]

    for store in (daemon, twin):
        store.cli_ok("add", "Beta", "--expect", "2030-01-02")
    daemon.wait_log("shown: Time to email Beta", timeout=BOUND_S)
    restart_s = shell.restart()
    print(f"\nplasmashell owned the name again after {restart_s:.2f} s")
    daemon.wait_log("shown again: Time to email Beta", timeout=BOUND_S)
    chat_id = chat_notifies(bus)
    popup_buttons(shell, x, tmp_path / "p3.png", 3)
    keep(tmp_path / "p3.png", "plasma-after-restart.png", tmp_path)
    [reply] = popup_buttons(shell, x, tmp_path / "p4.png", 1)

    shell.click(reply)  # the chat program's Reply

    daemon.wait_log(f"ignored action 'emailed' on notification {chat_id}", timeout=BOUND_S)
    assert store_view(daemon)[:2] == store_view(twin)[:2]
    assert daemon.stop()[0] == 0, daemon.log()
    daemon.start().wait_ready()
    daemon.wait_log("1 notification(s) of the previous run adopted", timeout=BOUND_S)
    draft = popup_buttons(shell, x, tmp_path / "p6.png", 3)[0]

    shell.click(draft)  # a button the daemon's previous run showed

    daemon.wait_log("draft for interview 2 handed to the mail client", timeout=BOUND_S)
    assert len(opened_lines(opened)) == 2
    popup_buttons(shell, x, tmp_path / "p7.png", 2)  # Draft opened: I emailed, Snooze
    for store in (daemon, twin):
        store.cli_ok("emailed", "2")
    assert ": no longer pending" in daemon.wait_log("closed notification ", timeout=BOUND_S)

    def beta_gone() -> bool:
        picture = x.screenshot(tmp_path / "p5.png")
        return all(len(shell.buttons(picture, popup)) < 2 for popup in shell.popups())

    assert poll_until(beta_gone, BOUND_S, interval=0.5)
    assert store_view(daemon) == store_view(twin)
