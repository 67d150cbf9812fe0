"""Specification: the value of a config key that may hold a secret (``*_command``,
``*password*``) is never echoed in an error, whatever is wrong with it: a user may have
typed the password itself where its command goes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.specs import Cli

SECRET = "hunter2secret"


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        (f'[mail]\npassword_command = "echo {SECRET}"\n', "mail.password_command: expected a list"),
        (f'[mail]\npassword_command = ["echo", 7, "{SECRET}"]\n', "mail.password_command"),
        (f'[mail]\npassword_command = ["echo", "{SECRET}\\u0000"]\n', "mail.password_command"),
        (
            f'[caldav]\nurl = "https://dav.example/"\npassword_command = "{SECRET}"\n',
            "caldav.password_command: expected a list",
        ),
        (f'[caldav]\npassword = "{SECRET}"\n', "caldav.password"),
    ],
    ids=["a string", "a number in the list", "a NUL in an argument", "caldav's", "caldav.password"],
)
def test_a_secret_value_is_never_in_the_error(
    cli: Cli, config_file: Path, toml: str, says: str
) -> None:
    config_file.write_text(toml)
    result = cli("list")
    assert (result.code != 0, says in result.err, SECRET in result.err + result.out) == (
        True,
        True,
        False,
    )


def test_a_string_command_says_what_a_list_looks_like(cli: Cli, config_file: Path) -> None:
    config_file.write_text(f'[mail]\npassword_command = "echo {SECRET}"\n')
    assert 'e.g. ["pass", "show", "mail"]' in cli("list").err
