"""``notify.channels`` and the ``[caldav]`` table: what is accepted, and the one error line
for each thing that is not (no change to anything, exit status 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from followup.channels import registry
from followup.channels.caldav import CalDAVSettings
from followup.config import load
from tests.support.specs import Cli

LOGIN = 'username = "alex"\npassword_command = ["pass", "show", "caldav"]\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[notify]\nchannels = ["desktop", "pager"]\n',
            'notify.channels = ["desktop", "pager"]: unknown channel "pager" '
            f"(choose from {', '.join(registry.names())})",
        ),
        (
            '[notify]\nchannels = ["caldav"]\n',
            "notify.channels = [\"caldav\"]: must include 'desktop' (the daemon's "
            "confirmations and questions appear there)",
        ),
        (
            '[notify]\nchannels = ["desktop", "desktop"]\n',
            'notify.channels = ["desktop", "desktop"]: names a channel twice',
        ),
        (
            '[notify]\nchannels = ["desktop", "caldav"]\n',
            "notify.channels names 'caldav' but caldav.url is not set",
        ),
        (
            '[notify]\nchannels = ["desktop", "caldav"]\n[caldav]\nusername = "alex"\n',
            "notify.channels names 'caldav' but caldav.username is set but caldav.url is not",
        ),
        (
            '[notify]\nchannels = ["desktop", "caldav"]\n'
            '[caldav]\nurl = "https://dav.example.org/"\nusername = "alex"\n',
            "notify.channels names 'caldav' but caldav.url is set but caldav.password_command "
            "is not",
        ),
        (
            f'[caldav]\nurl = "http://dav.example.org/"\n{LOGIN}',
            "caldav.url 'http://dav.example.org/' is refused: the password would cross the "
            "network unencrypted; use https:// (http:// is only for a loopback address)",
        ),
        (
            f'[caldav]\nurl = "dav.example.org"\n{LOGIN}',
            'caldav.url = "dav.example.org": must be an http:// or https:// address of the '
            "CalDAV server",
        ),
        (
            f'[caldav]\nurl = "https://dav.example.org/?pass%77ord=s3cret"\n{LOGIN}',
            'caldav.url = "https://dav.example.org/?pass%77ord=***": holds a password; give '
            "caldav.password_command instead",
        ),
        (
            "[caldav]\ncheck_every_minutes = 0\n",
            "caldav.check_every_minutes = 0: must be between 1 and 1440",
        ),
        ('[caldav]\ncalender = "x"\n', "unknown key caldav.calender (did you mean 'calendar'?)"),
    ],
    ids=[
        "unknown channel",
        "no desktop",
        "a channel twice",
        "caldav named but not set",
        "login without url",
        "no password command",
        "plain http to another host",
        "not an address",
        "a password in the query",
        "checks too often",
        "mistyped key",
    ],
)
def test_a_bad_channel_setting_is_one_error_line(
    cli: Cli, config_file: Path, text: str, message: str
) -> None:
    config_file.write_text(text)
    result = cli("config")
    assert (result.code, result.out, result.err) == (1, "", f"error: {config_file}: {message}\n")


def test_a_caldav_table_gives_the_channel_its_settings(config_file: Path, home: Path) -> None:
    config_file.write_text(
        '[notify]\nchannels = ["desktop", "caldav"]\n'
        f'[caldav]\nurl = "https://dav.example.org/"\n{LOGIN}'
        'calendar = "Job hunt"\nca_file = "~/ca.pem"\ncheck_every_minutes = 2\n'
    )
    config = load()
    assert config.notify.channels == ("desktop", "caldav")
    assert registry.settings(config, "caldav") == CalDAVSettings(
        "https://dav.example.org/",
        "alex",
        ("pass", "show", "caldav"),
        "Job hunt",
        home / "ca.pem",
        2,
    )


def test_plain_http_is_accepted_to_the_loopback(config_file: Path) -> None:
    config_file.write_text(f'[caldav]\nurl = "http://127.0.0.1:5232/"\n{LOGIN}')
    assert registry.settings(load(), "caldav").url == "http://127.0.0.1:5232/"
