"""Specification: a ``[caldav]`` table set up half way is a problem only where the channel
is used. While ``notify.channels`` does not name it, ``list`` and ``config`` work (``config``
with one warning line); ``test-notification --channel caldav`` refuses with the key that is
missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.specs import Cli

HALF = [
    (
        '[caldav]\nurl = "https://dav.example.org/"\n',
        "caldav.url is set but caldav.username is not",
    ),
    (
        '[caldav]\nurl = "https://dav.example.org/"\nusername = "alex"\n',
        "caldav.url is set but caldav.password_command is not",
    ),
    ('[caldav]\nusername = "alex"\n', "caldav.username is set but caldav.url is not"),
]
IDS = ["only the url", "no password command", "no url"]


@pytest.mark.parametrize(("text", "missing"), HALF, ids=IDS)
def test_list_works_with_a_half_set_up_table(
    cli: Cli, config_file: Path, text: str, missing: str
) -> None:
    config_file.write_text(text)
    assert cli("list").code == 0


@pytest.mark.parametrize(("text", "missing"), HALF, ids=IDS)
def test_config_shows_the_settings_and_warns_once(
    cli: Cli, config_file: Path, text: str, missing: str
) -> None:
    config_file.write_text(text)
    result = cli("config")
    assert (result.code, "caldav.calendar" in result.out) == (0, True)
    assert result.err == (
        f"warning: the caldav channel is not complete: {missing}; it is used once complete "
        "and named in notify.channels\n"
    )


@pytest.mark.parametrize(("text", "missing"), HALF, ids=IDS)
def test_test_notification_through_it_names_the_missing_key(
    cli: Cli, config_file: Path, text: str, missing: str
) -> None:
    config_file.write_text(text)
    result = cli("test-notification", "--channel", "caldav")
    assert (result.code, result.out, result.err) == (1, "", f"error: {config_file}: {missing}\n")
