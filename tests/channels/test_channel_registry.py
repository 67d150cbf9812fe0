"""The registry of channels: each entry is a channel module declaring what the table says, the
config is checked and documented from their declarations, and ``followup test-notification
--channel`` offers exactly the registered names. A listing loads no channel."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from followup.channels import registry
from followup.channels.base import Channel
from followup.channels.desktop import BACKENDS, DesktopSettings
from followup.config import OPTIONS, load
from followup.notify.choose import BACKENDS as NOTIFIER_BACKENDS
from tests.support.modules import modules_loaded


@pytest.mark.parametrize("name", registry.names())
def test_each_entry_declares_the_channel_its_line_names(name: str) -> None:
    channel = registry.load(name)
    assert isinstance(channel, Channel)
    assert (channel.name, channel.section) == (name, registry.TABLE[name].section)


@pytest.mark.parametrize("name", registry.names())
def test_each_channel_option_lives_in_the_channel_section_and_no_core_key_is_taken(
    name: str,
) -> None:
    channel = registry.load(name)
    core = {opt.name for opt in OPTIONS}
    assert [opt.section for opt in channel.options] == [channel.section] * len(channel.options)
    assert {opt.name for opt in channel.options} & core == set()


def test_the_desktop_channel_knows_the_backends_the_notifiers_do() -> None:
    assert BACKENDS == NOTIFIER_BACKENDS


def test_a_channel_option_comes_last_in_its_section() -> None:
    names = [opt.name for opt in registry.all_options(OPTIONS)]
    notify = [n for n in names if n.startswith("notify.")]
    assert notify[-1] == "notify.backend"
    assert names.index("notify.backend") < names.index("store.url")


@pytest.mark.parametrize(
    ("text", "settings"),
    [
        ("", DesktopSettings("auto")),
        ('[notify]\nbackend = "dbus"\n', DesktopSettings("dbus")),
        ('[notify]\nat = "08:00"\n', DesktopSettings("auto")),
    ],
    ids=["no file", "backend set", "other notify key"],
)
def test_the_desktop_settings_come_from_the_file_or_the_defaults(
    config_file: Path, text: str, settings: DesktopSettings
) -> None:
    config_file.write_text(text)
    assert registry.settings(load(), "desktop") == settings


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[notify]\nbackend = "kde"\n',
            "notify.backend = \"kde\": must be 'auto', 'dbus' or 'plyer'",
        ),
        ('[notify]\nbakend = "dbus"\n', "unknown key notify.bakend (did you mean 'backend'?)"),
        ("[notif]\n", "unknown section [notif] (did you mean 'notify'?)"),
    ],
    ids=["bad value", "mistyped key", "mistyped section"],
)
def test_a_channel_key_is_checked_from_its_declaration(
    cli, config_file: Path, text: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    config_file.write_text(text)
    result = cli("config")
    assert (result.code, result.err) == (1, f"error: {config_file}: {message}\n")


def test_test_notification_offers_the_registered_channels(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("test-notification", "--channel", "pager")
    choices = ", ".join(registry.names())
    assert (result.code, result.err) == (
        2,
        f"error: argument --channel: invalid choice: 'pager' (choose from {choices})\n",
    )


@pytest.mark.system
@pytest.mark.parametrize("args", [["list"], ["upcoming"], ["status"]], ids=" ".join)
def test_a_listing_loads_no_channel(args: list[str], config_file: Path) -> None:
    config_file.write_text('[notify]\nat = "08:00"\n')
    loaded = modules_loaded(args)
    assert {m for m in loaded if m.startswith("followup.channels")} == set()


@pytest.mark.system
def test_a_listing_with_caldav_set_loads_neither_the_caldav_library_nor_the_task_list(
    config_file: Path,
) -> None:
    """The file sets ``[caldav]``: its keys are checked from the channel's declaration, and
    nothing that speaks to a server is loaded."""
    config_file.write_text(
        '[notify]\nchannels = ["desktop", "caldav"]\n'
        '[caldav]\nurl = "https://dav.example.org/"\nusername = "alex"\n'
        'password_command = ["pass", "show", "caldav"]\n'
    )
    loaded = modules_loaded(["list"])
    assert {"caldav", "followup.channels.tasklist", "followup.notify.choose"} & loaded == set()
    assert "followup.channels.caldav" in loaded


@pytest.mark.parametrize("name", [n for n in registry.names() if n != registry.DEFAULT])
def test_a_channel_delivering_from_a_thread_of_its_own_names_the_modules_it_imports(
    name: str,
) -> None:
    """Every channel but the desktop delivers (or syncs) from a daemon thread of its own;
    the modules that thread imports must be declared, for the daemon imports them on its
    loop thread before the thread starts (two threads importing one package at once can
    deadlock)."""
    channel = registry.load(name)
    registry.import_thread_modules(name)
    assert channel.thread_modules
    assert set(channel.thread_modules) <= set(sys.modules)
