"""The first hour: from install to the first reminder without reading the source.

Every command runs through the real entry point at the fixed instant ``CLI_NOW`` (Sun 29
Nov 2026, 12:00 in New York), in a US locale unless a test says otherwise.
"""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from followup.cli import config_docs
from tests.support.specs import Cli, store_bytes

REPO = Path(__file__).resolve().parent.parent.parent
MAN_PAGE = REPO / "man" / "followup.1"


def ok(result: object) -> str:
    assert (result.code, result.err) == (0, ""), result  # type: ignore[attr-defined]
    return result.out  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def no_user_manager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``systemctl`` answers as it does where no systemd user manager runs (this machine's
    own answer too, made certain for machines that have one)."""
    _systemctl(tmp_path, monkeypatch, 1)


@pytest.fixture
def user_manager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``systemctl --user show-environment`` succeeds, as with a user manager running."""
    _systemctl(tmp_path, monkeypatch, 0)


def _systemctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, status: int) -> None:
    """A ``systemctl`` that exits with ``status``, in a login session: one with its runtime
    folder (``$XDG_RUNTIME_DIR``), where systemctl looks for the user manager."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "systemctl"
    script.write_text(f"#!/bin/sh\nexit {status}\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")
    (tmp_path / "run").mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))


# -- no command, mistakes, options anywhere ------------------------------------------------


def test_followup_alone_prints_an_overview_and_exits_0(cli: Cli, home: Path) -> None:
    path = home / ".config/followup/config.toml"
    assert ok(cli()) == (
        "followup tells you when to email after a job interview, and when to move on.\n"
        "\n"
        "Start with:\n"
        "  followup init --country CC --name NAME   write your config\n"
        "  followup add COMPANY --expect DATE       record an interview\n"
        "  followup list                            your open interviews\n"
        "  followup upcoming                        reminders due and to come\n"
        "  followup emailed ID                      you sent the follow-up email\n"
        "\n"
        f"Config: {path} (not written yet: followup init)\n"
        "More: followup --help (every command), followup COMMAND --help, followup help dates\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("shwo", "1"), "unknown command 'shwo' (did you mean 'show'?); see: followup --help"),
        (("lsit",), "unknown command 'lsit' (did you mean 'list'?); see: followup --help"),
        (
            ("add", "Acme", "--expcet", "2026-12-01"),
            "unrecognized arguments: --expcet 2026-12-01 (did you mean '--expect'?)",
        ),
        (("show", "1", "--jsno"), "unrecognized arguments: --jsno (did you mean '--json'?)"),
        (
            ("heard", "1", "--outcome", "ofer"),
            "argument --outcome: invalid choice: 'ofer' (did you mean 'offer'?)",
        ),
        (("completion", "fsh"), "argument shell: invalid choice: 'fsh' (did you mean 'fish'?)"),
    ],
    ids=["command", "command 2", "option with its value", "option", "choice", "shell"],
)
def test_a_mistyped_command_option_or_choice_says_what_was_meant(
    cli: Cli, db_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = cli(*args)
    assert (result.code, result.out, result.err) == (2, "", f"error: {message}\n")
    assert not db_path.exists()


@pytest.mark.parametrize("where", ["before", "after"])
def test_config_works_before_or_after_the_command(cli: Cli, tmp_path: Path, where: str) -> None:
    config = tmp_path / "x.toml"
    config.write_text('[calendar]\ncountry = "DE"\n')
    args = ["--config", str(config), "config", "--json"]
    if where == "after":
        args = ["config", "--json", "--config", str(config)]
    data = json.loads(ok(cli(*args)))
    assert (data["path"], data["settings"]["calendar.country"]) == (str(config), "DE")


def test_config_after_the_command_wins_over_none_before(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    result = cli("list", "--config", str(missing))
    assert (result.code, result.err) == (1, f"error: {missing}: no such config file\n")


# -- the country ---------------------------------------------------------------------------


def test_without_a_country_the_warning_says_how_to_fix_it_once_per_command(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    monkeypatch.setenv("LANG", "C.UTF-8")
    warning = (
        "warning: no calendar.country set and the locale names no country: counting weekends "
        "only, no public holidays (set it: followup init --country CC, or calendar.country "
        f"in {home}/.config/followup/config.toml)\n"
    )
    assert cli("add", "Acme", "--expect", "2026-12-01").err == warning
    assert cli("add", "Beta", "--expect", "2026-12-02").err == warning
    listed = cli("list")
    assert (listed.code, listed.err) == (0, warning)  # two interviews, one warning


def test_a_subdivision_without_any_country_is_one_line_saying_how(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    monkeypatch.setenv("LANG", "C.UTF-8")
    cli("list")
    before = store_bytes(db_path)
    result = cli("add", "Acme", "--expect", "2026-11-23", "--subdivision", "CA")
    assert result.code == 2
    assert result.err.splitlines()[-1] == (
        "error: subdivision 'CA' given without a country: add --country CC, or set the "
        "country once with: followup init --country CC"
    )
    assert store_bytes(db_path) == before


def test_a_subdivision_takes_the_country_from_the_config(cli: Cli, config_file: Path) -> None:
    config_file.write_text('[calendar]\ncountry = "us"\n')
    data = json.loads(
        ok(cli("add", "Acme", "--expect", "2026-11-23", "--subdivision", "ca", "--json"))
    )
    assert (data["country"], data["subdivision"]) == ("US", "CA")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (("de", "by"), ("DE", "BY")),
        (("Us", "Ca"), ("US", "CA")),
        (("fr", "zone a"), ("FR", "Zone A")),
    ],
    ids=str,
)
def test_codes_are_read_in_any_case(
    cli: Cli, typed: tuple[str, str], stored: tuple[str, str]
) -> None:
    country, subdivision = typed
    args = ("--expect", "2026-12-01", "--country", country, "--subdivision", subdivision)
    data = json.loads(ok(cli("add", "Acme", *args, "--json")))
    assert (data["country"], data["subdivision"]) == stored


GERMNAY = (
    "error: unknown country 'Germnay' (did you mean DE (Germany)? see 'followup countries' "
    "for the codes)\n"
)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("add", "Beta", "--expect", "2026-12-01", "--country", "Germnay"), GERMNAY),
        (("add", "Beta", "--expect", "2026-12-01", "--country", " Germnay "), GERMNAY),
        (("edit", "1", "--country", "Germnay"), GERMNAY),
        (
            ("add", "Beta", "--expect", "2026-12-01", "--country", "Unitd States"),
            "error: unknown country 'Unitd States' (did you mean US (United States)? see "
            "'followup countries' for the codes)\n",
        ),
        (
            ("add", "Beta", "--expect", "2026-12-01", "--country", "xq"),
            "error: unknown country 'XQ' (see 'followup countries' for the codes)\n",
        ),
    ],
    ids=["add", "add, spaces around", "edit", "a name of two words", "a code: upper case"],
)
def test_a_mistyped_country_is_named_as_typed_with_its_suggestion(
    cli: Cli, db_path: Path, args: tuple[str, ...], error: str
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-12-01", "--country", "US"))
    before = store_bytes(db_path)
    result = cli(*args)
    assert (result.code, result.out, result.err) == (2, "", error)
    assert store_bytes(db_path) == before


def test_countries_filters_by_name_and_shows_subdivision_names(cli: Cli) -> None:
    lines = ok(cli("countries", "germany")).splitlines()
    assert lines[0] == "DE  Germany"
    assert "    BY        Bavaria (also Bayern)" in lines
    assert "    BE        Berlin" in lines


def test_countries_filters_by_a_subdivision_name(cli: Cli) -> None:
    assert ok(cli("countries", "california")) == "US  United States\n    CA  California\n"


def test_countries_with_no_match_suggests(cli: Cli) -> None:
    result = cli("countries", "Germnay")
    assert (result.code, result.err) == (
        2,
        "error: no country or subdivision matches 'Germnay' (did you mean DE (Germany)?)\n",
    )


# -- init, the draft's signature -------------------------------------------------------------


@pytest.mark.usefixtures("no_user_manager")
def test_init_with_name_and_signature_then_prints_the_next_steps(cli: Cli, home: Path) -> None:
    path = home / ".config/followup/config.toml"
    out = ok(
        cli(
            "init",
            "--country",
            "us",
            "--subdivision",
            "ca",
            "--name",
            "Alex Morgan",
            "--signature",
            "+1 555 0100",
        )
    )
    assert out == (
        f"Wrote {path}\n"
        "Next steps:\n"
        "  followup add COMPANY --expect DATE   record an interview (dates: followup help dates)\n"
        "  followup list                        your interviews\n"
        "  followup install-service --autostart reminders as desktop notifications from your "
        "next login\n"
        "  followup daemon                      the same, now (no systemd user manager here)\n"
    )
    assert path.read_text() == config_docs.example(
        country="US", subdivision="CA", name="Alex Morgan", signature="+1 555 0100"
    )
    settings = json.loads(ok(cli("config", "--json")))["settings"]
    assert (settings["you.name"], settings["calendar.subdivision"]) == ("Alex Morgan", "CA")


@pytest.mark.usefixtures("user_manager")
def test_init_offers_the_user_service_where_a_user_manager_runs(cli: Cli) -> None:
    out = ok(cli("init", "--country", "US"))
    assert out.splitlines()[1:] == [
        "Next steps:",
        "  set your name for drafted emails: you.name in the file",
        "  followup add COMPANY --expect DATE   record an interview (dates: followup help dates)",
        "  followup list                        your interviews",
        "  followup install-service             reminders as desktop notifications",
    ]


def test_systemctl_is_not_started_where_it_can_reach_no_user_manager(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``$XDG_RUNTIME_DIR`` and ``$DBUS_SESSION_BUS_ADDRESS`` (a login without a
    user session) systemctl cannot reach a user manager; ``status`` does not start it."""
    _systemctl(tmp_path, monkeypatch, 0)
    started = tmp_path / "systemctl-started"
    (tmp_path / "bin/systemctl").write_text(f"#!/bin/sh\ntouch {started}\nexit 0\n")
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    out = ok(cli("status"))
    assert out.splitlines()[0] == (
        "daemon:         not running (no systemd user manager here: followup "
        "install-service --autostart starts it at login, followup daemon now)"
    )
    assert not started.exists()


def test_a_draft_without_a_name_ends_with_a_placeholder_and_one_warning(
    cli: Cli, config_file: Path
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    result = cli("draft", "1")
    assert result.code == 0
    assert result.out.endswith("Best regards,\n[your name]\n")
    assert result.err == (
        "warning: the draft ends with [your name]: set your name with followup init --name "
        f"NAME, or [you] name in {config_file}\n"
    )


def test_a_draft_with_a_name_has_no_warning(cli: Cli, config_file: Path) -> None:
    config_file.write_text('[you]\nname = "Alex Morgan"\n')
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    assert ok(cli("draft", "1")).endswith("Best regards,\nAlex Morgan\n")


# -- help ----------------------------------------------------------------------------------


def test_help_dates_lists_every_date_form(cli: Cli) -> None:
    out = ok(cli("help", "dates"))
    for form in ("2026-11-24", "tomorrow", "fri", "Nov 24", "24/11/2026", "2026/11/24"):
        assert form in out


def test_help_of_a_command_and_a_mistyped_topic(cli: Cli) -> None:
    assert ok(cli("help", "add")).startswith("usage: followup add ")
    result = cli("help", "dtes")
    assert (result.code, result.err) == (2, "error: no help on 'dtes' (did you mean 'dates'?)\n")


def test_option_help_names_date_forms(cli: Cli) -> None:
    text = " ".join(ok(cli("help", "add")).split())
    assert (
        "--expect DATE the day they said they would get back to you (e.g. 2026-11-24, 'fri', "
        "'Nov 24', 'end of next week'; see: followup help dates)"
    ) in text


# -- lint on a terminal ----------------------------------------------------------------------


@pytest.mark.system
def test_lint_on_a_terminal_says_what_it_waits_for(home: Path) -> None:
    """A real pseudo-terminal: the prompt comes before any input, the text is then linted."""
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "followup", "lint"],
        stdin=secondary,
        stdout=subprocess.PIPE,
        stderr=secondary,
        env=os.environ.copy(),
    )
    os.close(secondary)
    seen = b""
    deadline = time.monotonic() + 30
    while b"Ctrl-D" not in seen and time.monotonic() < deadline:
        if select.select([main], [], [], 1.0)[0]:
            seen += os.read(main, 1024)
    assert b"Paste or type the email, then press Ctrl-D on a line of its own" in seen
    os.write(main, b"Please reply ASAP\n\x04")
    out, _ = process.communicate(timeout=30)
    os.close(main)
    assert process.returncode == 1
    assert b"ASAP" in out


def test_lint_from_a_pipe_prints_no_prompt(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    class Piped(io.TextIOWrapper):
        pass

    monkeypatch.setattr(sys, "stdin", Piped(io.BytesIO(b"Thank you for your time.\n")))
    result = cli("lint")
    assert (result.code, result.out, result.err) == (0, "No pressing phrases found.\n", "")


# -- completion and the manual page --------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_name_every_command(cli: Cli, shell: str) -> None:
    from followup.cli.arguments import command_parsers
    from followup.cli.parser import build_parser

    script = ok(cli("completion", shell))
    for name in command_parsers(build_parser()):
        assert name in script
    assert "--expect" in script


@pytest.mark.system
def test_the_bash_completion_script_is_valid_bash(cli: Cli, tmp_path: Path) -> None:
    script = tmp_path / "followup.bash"
    script.write_text(ok(cli("completion", "bash")))
    check = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert (check.returncode, check.stderr) == (0, "")
    # Loaded, it completes the commands that start with "re".
    probe = subprocess.run(
        [
            "bash",
            "-c",
            f"source {script}; COMP_WORDS=(followup re); COMP_CWORD=1; "
            "_shtab_followup; printf '%s\\n' \"${COMPREPLY[@]}\"",
        ],
        capture_output=True,
        text=True,
    )
    assert probe.stdout.split() == ["reopen", "restore"], probe.stderr


def test_the_manual_page_is_the_one_the_parser_makes() -> None:
    from tools.manpage import render_manpage

    assert MAN_PAGE.read_text(encoding="utf-8") == render_manpage()


@pytest.mark.system
def test_the_manual_page_renders_with_man(tmp_path: Path) -> None:
    assert shutil.which("man") is not None, "run-tests.sh installs man-db"
    done = subprocess.run(
        ["man", "-l", str(MAN_PAGE)],
        capture_output=True,
        text=True,
        env={**os.environ, "MANPAGER": "cat", "MANWIDTH": "80", "LC_ALL": "C.UTF-8"},
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert "followup - Tells you when to email after an interview" in done.stdout
    for command in ("reopen", "completion", "countries"):
        assert command in done.stdout


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("add", "Acme", "--expect", "2026-12-01", "--role", "-lead"), "--role"),
        (("add", "Acme", "--expect"), "--expect"),
    ],
)
def test_an_option_without_its_value_says_how_to_give_one_that_starts_with_a_dash(
    cli: Cli, db_path: Path, args: tuple[str, ...], option: str
) -> None:
    result = cli(*args)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"error: argument {option}: expected one argument "
        f"(one that starts with '-' is written {option}=-VALUE)\n"
    )
    assert not db_path.exists()


def test_a_value_that_starts_with_a_dash_is_taken_after_an_equals_sign(cli: Cli) -> None:
    ok(cli("add", "Acme", "--expect", "2026-12-01", "--role=-lead"))
    assert json.loads(ok(cli("show", "1", "--json")))["role"] == "-lead"
