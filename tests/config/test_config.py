"""Where settings come from: the locale and $TZ when there is no file, which file is read,
the documented example file, and where the database lives.

Settings are observed the way a user sees them, through ``followup config --json``.
"""

from __future__ import annotations

import json
import re
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from followup.channels import registry
from followup.cli import config_docs
from followup.config import OPTIONS, Option, load
from tests.support.specs import Cli, snapshot

REPO = Path(__file__).resolve().parent.parent.parent
EXAMPLE = REPO / "config.example.toml"
NO_COUNTRY_WARNING = (
    "warning: no calendar.country set and the locale names no country: "
    "counting weekends only, no public holidays (set it: followup init --country CC, "
    "or calendar.country in {path})\n"
)


def settings(cli: Cli, *options: str) -> dict[str, Any]:
    result = cli(*options, "config", "--json")
    assert (result.code, result.err) == (0, ""), result
    data: dict[str, Any] = json.loads(result.out)
    return data


# -- defaults with no file ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "country"),
    [
        ({"LANG": "en_US.UTF-8"}, "US"),
        ({"LANG": "de_DE.UTF-8"}, "DE"),
        ({"LANG": "en_GB"}, "GB"),
        ({"LANG": "en_US.UTF-8", "LC_TIME": "fr_FR.UTF-8"}, "FR"),
        ({"LANG": "en_US.UTF-8", "LC_TIME": "fr_FR.UTF-8", "LC_ALL": "de_AT.UTF-8"}, "AT"),
    ],
)
def test_without_a_file_the_country_is_the_locales(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], country: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert settings(cli)["settings"]["calendar.country"] == country


@pytest.mark.own_store
def test_the_defaults_of_every_other_setting(cli: Cli, home: Path) -> None:
    assert settings(cli)["settings"] == {
        "calendar.country": "US",
        "calendar.subdivision": None,
        "calendar.weekend": ["saturday", "sunday"],
        "calendar.categories": ["public"],
        "calendar.timezone": "America/New_York",
        "calendar.date_order": "mdy",  # en_US writes month first
        "rules.email_after_business_days": 2,
        "rules.move_on_after_business_days": 5,
        "rules.default_wait_business_days": 5,
        "notify.at": "09:00",
        "notify.until": "20:00",
        "notify.repeat_after_business_days": 1,
        "notify.app_name": "followup",
        "notify.channels": ["desktop"],
        "notify.backend": "auto",
        "store.url": f"sqlite:///{home}/.local/share/followup/followup.db",
        "you.name": None,
        "you.signature": None,
        "lint.extra_phrases": [],
        "export.ics_path": None,
        "mail.imap_host": None,
        "mail.imap_port": None,
        "mail.security": "tls",
        "mail.username": None,
        "mail.password_command": None,
        "mail.ca_file": None,
        "mail.reply_folders": ["INBOX"],
        "mail.sent_folder": None,
        "mail.check_every_minutes": 10,
        "mail.maildir": None,
        "mail.addresses": None,
        "caldav.url": None,
        "caldav.username": None,
        "caldav.password_command": None,
        "caldav.calendar": "followup",
        "caldav.ca_file": None,
        "caldav.check_every_minutes": 5,
        "apprise.urls": None,
        "apprise.urls_command": None,
    }


@pytest.mark.parametrize("cli_now", [datetime(2026, 5, 1, 16, tzinfo=UTC)], ids=["1 May 2026"])
def test_a_german_locale_counts_german_holidays(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    # Tue 2026-05-12 expected; Wed 13 counts, Thu 14 is Ascension Day, Fri 15 counts -> Mon 18
    result = cli("add", "Acme", "--expect", "2026-05-12", "--json")
    assert result.err == ""
    assert json.loads(result.out)["next_reminder"]["at"] == "2026-05-18T09:00:00-04:00"


@pytest.mark.parametrize("lang", ["C.UTF-8", "C", "POSIX"])
def test_a_locale_without_a_country_counts_weekends_only_and_warns_once(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, lang: str, config_file: Path
) -> None:
    monkeypatch.setenv("LANG", lang)
    result = cli("config", "--json")
    assert (result.code, result.err) == (0, NO_COUNTRY_WARNING.format(path=config_file))
    values = json.loads(result.out)["settings"]
    assert (values["calendar.country"], values["calendar.weekend"]) == (
        None,
        ["saturday", "sunday"],
    )


def test_weekends_only_means_thanksgiving_is_a_business_day(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, config_file: Path
) -> None:
    monkeypatch.setenv("LANG", "C.UTF-8")
    # Mon 2026-11-23 expected; Tue 24, Wed 25 pass -> Thu 26, Thanksgiving or not
    result = cli("add", "Acme", "--expect", "2026-11-23", "--json")
    assert (result.code, result.err) == (0, NO_COUNTRY_WARNING.format(path=config_file))
    data = json.loads(result.out)
    assert data["next_reminder"]["at"] == "2026-11-26T09:00:00-05:00"
    assert data["explanation"][1] == (
        "Business days counted (weekends only), 2 must pass: Tue 24 Nov, Wed 25 Nov."
    )


def test_a_country_in_the_file_silences_the_locale_warning(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, config_file: Path
) -> None:
    monkeypatch.setenv("LANG", "C.UTF-8")
    config_file.write_text('[calendar]\ncountry = "DE"\n')
    assert settings(cli)["settings"]["calendar.country"] == "DE"


# -- the time zone --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "zone", "at"),
    [
        ("America/New_York", "America/New_York", "2026-11-27T09:00:00-05:00"),
        ("Europe/Berlin", "Europe/Berlin", "2026-11-27T09:00:00+01:00"),
        (":Asia/Tokyo", "Asia/Tokyo", "2026-11-27T09:00:00+09:00"),
    ],
)
def test_the_time_zone_comes_from_tz(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tz: str, zone: str, at: str
) -> None:
    monkeypatch.setenv("TZ", tz)
    assert settings(cli)["settings"]["calendar.timezone"] == zone
    # Mon 2026-11-23, US business days: Fri 27 Nov at 09:00 in the user's zone
    data = json.loads(cli("add", "Acme", "--expect", "2026-11-23", "--json").out)
    assert data["next_reminder"]["at"] == at


def test_the_files_time_zone_wins_over_tz(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, config_file: Path
) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    config_file.write_text('[calendar]\ntimezone = "Asia/Tokyo"\n')
    assert settings(cli)["settings"]["calendar.timezone"] == "Asia/Tokyo"


# -- which file is read ---------------------------------------------------------------------


@pytest.fixture
def three_files(home: Path, tmp_path: Path) -> dict[str, Path]:
    """A config file in each place one can be, each naming itself in notify.app_name."""
    paths = {
        "xdg": home / ".config/followup/config.toml",
        "env": tmp_path / "from-env.toml",
        "option": tmp_path / "from-option.toml",
    }
    for name, path in paths.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'[notify]\napp_name = "{name}"\n')
    return paths


@pytest.mark.parametrize(
    ("use_env", "use_option", "chosen"),
    [
        (False, False, "xdg"),
        (True, False, "env"),
        (False, True, "option"),
        (True, True, "option"),
    ],
    ids=[
        "only XDG",
        "FOLLOWUP_CONFIG over XDG",
        "--config over XDG",
        "--config over FOLLOWUP_CONFIG",
    ],
)
def test_config_option_then_followup_config_then_xdg(
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    three_files: dict[str, Path],
    use_env: bool,
    use_option: bool,
    chosen: str,
) -> None:
    if use_env:
        monkeypatch.setenv("FOLLOWUP_CONFIG", str(three_files["env"]))
    options = ("--config", str(three_files["option"])) if use_option else ()
    data = settings(cli, *options)
    assert data["path"] == str(three_files[chosen])
    assert data["settings"]["notify.app_name"] == chosen


def test_the_file_is_looked_for_under_xdg_config_home(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "conf"))
    path = tmp_path / "conf/followup/config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("[rules]\nmove_on_after_business_days = 7\n")
    data = settings(cli)
    assert data["path"] == str(path)
    assert data["settings"]["rules.move_on_after_business_days"] == 7


@pytest.mark.parametrize("value", ["", "relative/conf"], ids=["empty", "relative"])
def test_an_empty_or_relative_xdg_config_home_means_home_dot_config(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, home: Path, value: str
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", value)
    assert settings(cli)["path"] == str(home / ".config/followup/config.toml")


def test_init_writes_to_followup_config(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "mine/followup.toml"
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(path))
    result = cli("init")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith(f"Wrote {path}\nNext steps:\n")
    assert settings(cli)["path"] == str(path)


# -- the documented example -----------------------------------------------------------------


def test_the_checked_in_example_is_what_the_code_documents() -> None:
    assert EXAMPLE.read_text(encoding="utf-8") == config_docs.example()


#: The core keys and every channel's, in the example's order.
EVERY = registry.all_options(OPTIONS)


def _section_lines(text: str, section: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(f"[{section}]") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("[")), len(lines))
    return lines[start:end]


@pytest.mark.parametrize("option", EVERY, ids=[o.name for o in EVERY])
def test_every_option_is_in_the_example_under_its_section(option: Option) -> None:
    lines = _section_lines(EXAMPLE.read_text(encoding="utf-8"), option.section)
    assert any(line.startswith(f"# {option.key} = ") for line in lines)


#: Keys that are an alternative to others (a Maildir instead of an IMAP server), left off
#: when every other key is switched on.
ALTERNATIVES = {"mail.maildir", "apprise.urls_command"}
#: What ``followup config`` shows of the example values that are secrets.
MASKED = {"apprise.urls": ["ntfys://(hidden)"]}


def _uncommented(text: str) -> str:
    """The example with every commented-out ``# key = value`` of a known key switched on."""
    keys = {o.section: set() for o in EVERY}
    for o in EVERY:
        if o.name not in ALTERNATIVES:
            keys[o.section].add(o.key)
    out, section = [], ""
    for line in text.splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        match = re.fullmatch(r"# (\w+) = .*", line)
        out.append(line[2:] if match and match[1] in keys.get(section, set()) else line)
    return "\n".join(out) + "\n"


def test_the_example_with_every_value_switched_on_is_a_valid_config(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "example.toml"
    path.write_text(_uncommented(EXAMPLE.read_text(encoding="utf-8")))
    config = load(str(path))
    assert set(config.values) == {o.name for o in EVERY} - ALTERNATIVES
    shown = settings(cli, "--config", str(path))["settings"]
    assert shown == {
        o.name: None
        if o.name in ALTERNATIVES
        else o.default
        if o.default is not None
        else MASKED.get(o.name, o.example)
        for o in EVERY
    }


# -- the calendar feed ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("{tmp}/calendars/followup.ics", "{tmp}/calendars/followup.ics"),
        ("~/calendars/followup.ics", "{home}/calendars/followup.ics"),
        ("~", "{home}"),
    ],
    ids=["absolute", "under ~/", "~ alone"],
)
def test_the_feed_path_is_absolute_with_a_leading_tilde_as_home(
    cli: Cli, config_file: Path, home: Path, tmp_path: Path, value: str, path: str
) -> None:
    config_file.write_text(f'[export]\nics_path = "{value.format(tmp=tmp_path)}"\n')
    expected = path.format(tmp=tmp_path, home=home)
    assert settings(cli)["settings"]["export.ics_path"] == expected
    assert load().export.ics_path == Path(expected)
    shown = cli("config")
    assert f'export.ics_path = "{expected}"\n' in shown.out


def test_the_feed_path_is_none_by_default(cli: Cli) -> None:
    assert load().export.ics_path is None
    assert "export.ics_path = (none)  # default\n" in cli("config").out


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("followup.ics", '"followup.ics": must be an absolute path, or start with ~/'),
        (
            "calendars/followup.ics",
            '"calendars/followup.ics": must be an absolute path, or start with ~/',
        ),
        (
            "~nobody-here/followup.ics",
            "\"~nobody-here/followup.ics\": no home folder for '~nobody-here'",
        ),
    ],
    ids=["a file name", "a relative path", "an unknown user's home"],
)
def test_a_feed_path_that_is_not_absolute_is_refused_naming_the_key(
    cli: Cli, config_file: Path, db_path: Path, value: str, message: str
) -> None:
    config_file.write_text(f'[export]\nics_path = "{value}"\n')
    result = cli("list")
    assert (result.code, result.out) == (1, "")
    assert result.err == f"error: {config_file}: export.ics_path = {message}\n"
    assert not db_path.exists()


# -- the database ---------------------------------------------------------------------------


@pytest.mark.own_store
def test_the_database_is_created_on_first_use_private_to_the_user(cli: Cli, home: Path) -> None:
    folder = home / ".local/share/followup"
    assert cli("countries").code == 0
    assert cli("config").code == 0
    assert not folder.exists()
    assert cli("list").out == "No interviews.\n"
    db = folder / "followup.db"
    assert db.is_file()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_the_database_lives_under_xdg_data_home(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert cli("add", "Acme", "--expect", "2026-11-23").code == 0
    assert snapshot(tmp_path / "data/followup/followup.db")


@pytest.mark.own_store
def test_store_url_is_honoured(cli: Cli, config_file: Path, db_path: Path, tmp_path: Path) -> None:
    mine = tmp_path / "elsewhere/mine.db"
    mine.parent.mkdir()
    config_file.write_text(f'[store]\nurl = "sqlite:///{mine}"\n')
    assert settings(cli)["settings"]["store.url"] == f"sqlite:///{mine}"
    assert cli("add", "Acme", "--expect", "2026-11-23").code == 0
    assert any("'Acme'" in line for line in snapshot(mine))
    assert not db_path.exists()
