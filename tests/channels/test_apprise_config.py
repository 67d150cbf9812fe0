"""The ``[apprise]`` table: its URLs given in the file or printed by ``urls_command``, never
shown or quoted (``followup config`` shows only their schemes); a bad table is one error line;
a listing loads neither the Apprise library nor anything that sends."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from followup.channels.apprise import AppriseNotifier, AppriseSettings, masked
from followup.errors import DeliveryError
from tests.support.modules import modules_loaded
from tests.support.specs import Cli, ok

CHANNELS = '[notify]\nchannels = ["desktop", "apprise"]\n'
SECRET_URL = "tgram://123456:AAE-very-secret-bot-token/987654"


def printing(*lines: str, status: int = 0) -> list[str]:
    """A command that prints ``lines`` and exits with ``status`` (a password manager)."""
    text = "\\n".join(lines)
    return [sys.executable, "-c", f"import sys; print('{text}'); sys.exit({status})"]


@pytest.mark.parametrize(
    ("table", "shown"),
    [
        pytest.param(
            f'[apprise]\nurls = ["{SECRET_URL}", "mailto://me:pw@example.org"]\n',
            {
                "apprise.urls": ["tgram://(hidden)", "mailto://(hidden)"],
                "apprise.urls_command": None,
            },
            id="urls",
        ),
        pytest.param(
            '[apprise]\nurls_command = ["pass", "show", "followup-apprise"]\n',
            {"apprise.urls": None, "apprise.urls_command": ["pass", "show", "followup-apprise"]},
            id="urls_command",
        ),
    ],
)
def test_followup_config_never_shows_a_url(
    cli: Cli, config_file: Path, table: str, shown: dict[str, object]
) -> None:
    config_file.write_text(CHANNELS + table)

    text = ok(cli("config"))
    found = json.loads(ok(cli("config", "--json")))["settings"]

    assert {k: v for k, v in found.items() if k.startswith("apprise.")} == shown
    assert "secret" not in text and "pw@" not in text


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param(
            "",
            "notify.channels names 'apprise' but apprise.urls (or apprise.urls_command) is not set",
            id="named but not set",
        ),
        pytest.param(
            '[apprise]\nurls = ["ntfys://ntfy.sh/t"]\nurls_command = ["pass", "show", "x"]\n',
            "apprise.urls and apprise.urls_command are both set; keep one of them",
            id="both",
        ),
        pytest.param(
            '[apprise]\nurls = ["my-secret-token"]\n',
            "apprise.urls: must be a non-empty list of Apprise URLs (service://...)",
            id="not a URL, not quoted",
        ),
        pytest.param(
            "[apprise]\nurls = []\n",
            "apprise.urls: must be a non-empty list of Apprise URLs (service://...)",
            id="empty list",
        ),
        pytest.param(
            '[apprise]\nurls = "ntfys://ntfy.sh/secret-topic"\n',
            "apprise.urls = (not shown): expected a list",
            id="a string, not quoted",
        ),
    ],
)
def test_a_bad_apprise_table_is_one_error_line_quoting_no_url(
    cli: Cli, config_file: Path, table: str, message: str
) -> None:
    config_file.write_text(CHANNELS + table)

    result = cli("config")

    assert (result.code, result.out, result.err) == (1, "", f"error: {config_file}: {message}\n")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("ntfys://ntfy.sh/topic", "ntfys://(hidden)"),
        ("TGRAM://token/chat", "tgram://(hidden)"),
        ("no scheme", "(hidden)"),
    ],
)
def test_a_url_is_shown_by_its_scheme_alone(url: str, shown: str) -> None:
    assert masked(url) == shown


@pytest.mark.system
def test_the_urls_command_is_read_one_url_a_line(tmp_path: Path) -> None:
    """Blank lines and ``#`` lines are skipped; every URL is one Apprise knows."""
    command = printing("# phone", "ntfys://ntfy.example.org/topic", "", "json://localhost")
    notifier = AppriseNotifier(AppriseSettings(urls_command=tuple(command)))

    services = notifier._load()

    assert [type(s).__name__ for s in services] == ["NotifyNtfy", "NotifyJSON"]


@pytest.mark.system
@pytest.mark.parametrize(
    ("command", "message"),
    [
        pytest.param(
            printing("tgram://secret-token", status=3),
            "apprise.urls_command: {program!r} failed with exit status 3",
            id="fails",
        ),
        pytest.param(
            printing("not-a-url-but-a-secret"),
            "apprise.urls_command: line 1 of what {program!r} printed is not an Apprise URL "
            "(service://...)",
            id="not a URL",
        ),
        pytest.param(
            printing("", ""),
            "apprise.urls_command: {program!r} printed no URL",
            id="nothing",
        ),
        pytest.param(
            printing("nosuchservice://secret"),
            "apprise.urls_command: URL 1 (nosuchservice://(hidden)) is not an Apprise URL "
            "this version knows (see https://github.com/caronc/apprise/wiki)",
            id="unknown service",
        ),
    ],
)
def test_a_urls_command_that_gives_no_url_is_a_delivery_error_quoting_nothing(
    command: list[str], message: str
) -> None:
    notifier = AppriseNotifier(AppriseSettings(urls_command=tuple(command)))

    with pytest.raises(DeliveryError) as raised:
        notifier._load()

    assert raised.value.message == message.format(program=command[0])
    assert "secret" not in raised.value.message


@pytest.mark.system
@pytest.mark.parametrize("args", [["list"], ["upcoming"], ["status"]], ids=" ".join)
def test_a_listing_with_apprise_set_loads_neither_apprise_nor_a_notifier(
    args: list[str], config_file: Path
) -> None:
    config_file.write_text(CHANNELS + '[apprise]\nurls = ["ntfys://ntfy.sh/topic"]\n')

    loaded = modules_loaded(args)

    assert {m.split(".")[0] for m in loaded} & {"apprise", "requests", "markdown"} == set()
    assert {"followup.daemon.outbound", "followup.notify.choose"} & loaded == set()
