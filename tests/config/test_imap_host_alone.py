"""``mail.imap_host`` is the server's host name alone: a URL or a login written into it
(where a password would sit in the config, be shown by ``followup config`` and by every
error line naming the server) is refused in one line naming the key, and the value is
never shown back."""

from __future__ import annotations

from pathlib import Path

import pytest

LOGIN = 'username = "jo"\npassword_command = ["pass", "show", "mail"]\n'


@pytest.mark.parametrize(
    "host",
    [
        "imaps://jo:s3cret@imap.example.org",
        "jo:s3cret@imap.example.org",
        "imap://imap.example.org/INBOX",
        "imap.example.org s3cret",
    ],
    ids=["url-with-login", "login-without-scheme", "url", "two-words"],
)
@pytest.mark.parametrize("command", [["config"], ["mail", "check"]], ids=["config", "mail-check"])
def test_a_host_with_more_than_its_name_is_refused_and_not_echoed(
    cli, config_file: Path, host: str, command: list[str]
) -> None:  # type: ignore[no-untyped-def]
    config_file.write_text(f'[mail]\nimap_host = "{host}"\n{LOGIN}')
    result = cli(*command)
    assert result.code == 1
    assert result.err == (
        f"error: {config_file}: mail.imap_host: must be the server's host name alone, like "
        "imap.example.org (the login goes in mail.username, the port in mail.imap_port, and "
        "the password comes from mail.password_command)\n"
    )
    assert "s3cret" not in result.out + result.err


@pytest.mark.parametrize("host", ["imap.example.org", "127.0.0.1", "::1", "imap.müller-bau.de"])
def test_a_host_name_or_address_is_taken(cli, config_file: Path, host: str) -> None:  # type: ignore[no-untyped-def]
    config_file.write_text(f'[mail]\nimap_host = "{host}"\n{LOGIN}')
    result = cli("config")
    assert (result.code, result.err) == (0, "")
    assert f'mail.imap_host = "{host}"' in result.out
