"""Specification of what docs/reference/json.md promises, through the in-process command line
at Sun 6 Dec 2026, noon in New York (17:00 UTC): ``--json`` before or after any command or
subcommand of the whole tree; a failure is one line (or one JSON object) with no warning
before it; every instant in the user's zone to the second; a reader that closes the pipe
early; a company name that starts with ``-``; and the store URLs followup supports."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import signal
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from followup.cli import main
from followup.cli.arguments import command_parsers
from followup.cli.environment import Environment
from followup.cli.parser import build_parser, typed_command
from followup.daemon.state import DaemonLock, new_state
from followup.errors import FollowupError
from followup.paths import state_dir
from tests.support.specs import Cli, ok

SUN_6_DEC = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)


@pytest.fixture
def cli_now() -> datetime:
    return SUN_6_DEC


# -- --json on every command of the tree --------------------------------------------------


def leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every command that runs, by the words that name it (``mail check``), with its parser."""
    subs = command_parsers(parser)
    if not subs:
        yield path, parser
    for name, sub in subs.items():
        yield from leaves(sub, (*path, name))


def required(parser: argparse.ArgumentParser) -> list[str]:
    """What a command requires (its arguments, and an option such as ``heard --outcome``),
    each given its first choice, else ``1``."""
    words = []
    for a in parser._actions:
        value = str(next(iter(a.choices))) if a.choices else "1"
        if a.option_strings and a.required:
            words += [a.option_strings[-1], value]
        elif not a.option_strings and a.nargs not in ("?", "*", argparse.PARSER):
            words.append(value)
    return words


COMMAND_TREE = [path for path, _ in leaves(build_parser()) if path]


def placements(path: tuple[str, ...], rest: list[str]) -> list[list[str]]:
    """``--json`` before the first word, after each word of the command, and at the end."""
    words = list(path)
    return [[*words[:i], "--json", *words[i:], *rest] for i in range(len(words) + 1)] + [
        [*words, *rest, "--json"]
    ]


@pytest.mark.parametrize("path", COMMAND_TREE, ids=" ".join)
def test_every_command_of_the_tree_takes_json_before_or_after_each_of_its_words(
    path: tuple[str, ...],
) -> None:
    parser = dict(leaves(build_parser()))[path]
    for argv in placements(path, required(parser)):
        args = build_parser(typed_command(argv)).parse_args(argv)
        assert getattr(args, "json", False) is True, argv


def test_the_tree_holds_the_subcommands() -> None:
    assert {("mail", "check"), ("mail", "folders"), ("mail", "dismiss")} <= set(COMMAND_TREE)


@pytest.fixture
def mail_tree(tmp_path: Path, config_file: Path) -> Path:
    """A mutt-style tree of Maildir folders (``inbox``, ``sent``) named by the config."""
    root = tmp_path / "Mail"
    for folder in ("inbox", "sent"):
        for part in ("cur", "new", "tmp"):
            (root / folder / part).mkdir(parents=True)
    config_file.write_text(f'[mail]\nmaildir = "{root}"\n')
    return root


@pytest.mark.parametrize(
    "argv",
    [
        ("--json", "mail", "check"),
        ("mail", "--json", "check"),
        ("mail", "check", "--json"),
        ("--json", "mail", "folders"),
        ("mail", "--json", "folders"),
        ("mail", "folders", "--json"),
    ],
    ids=" ".join,
)
@pytest.mark.usefixtures("mail_tree")
def test_mail_subcommands_print_json_wherever_json_is_typed(
    cli: Cli, argv: tuple[str, ...]
) -> None:
    result = cli(*argv)
    assert (result.code, result.err) == (0, "")
    assert isinstance(json.loads(result.out), list)


def test_mail_folders_json_is_one_object_per_folder(cli: Cli, mail_tree: Path) -> None:
    folders = json.loads(ok(cli("mail", "folders", "--json")))
    assert sorted((f["role"], f["name"], f["where"], f["why"]) for f in folders) == [
        ("reply", "INBOX", str(mail_tree / "inbox"), "default"),
        ("sent", "sent", str(mail_tree / "sent"), "known-name"),
    ]


def test_mail_dismiss_of_an_unknown_finding_is_one_json_object(cli: Cli, mail_tree: Path) -> None:
    result = cli("mail", "--json", "dismiss", "7")
    assert (result.code, result.out) == (3, "")
    assert json.loads(result.err)["error"]["code"] == "not_found"


# -- a failure is one line, with no warning before it -------------------------------------

NO_COUNTRY = "no calendar.country set and the locale names no country"


@pytest.fixture
def no_country(monkeypatch: pytest.MonkeyPatch) -> None:
    """A locale that names no country, and no calendar.country: every command warns."""
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.mark.parametrize(
    "argv",
    [
        ("show", "99"),
        ("add", "X", "--expect", "2026-02-30"),
        ("emailed", "99"),
        ("draft", "99"),
        ("import", "{tmp}/bad.csv"),
    ],
    ids=" ".join,
)
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.usefixtures("no_country")
def test_a_failing_command_prints_only_its_error(
    cli: Cli, tmp_path: Path, argv: tuple[str, ...], as_json: bool
) -> None:
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    words = [w.replace("{tmp}", str(tmp_path)) for w in argv]
    result = cli(*(["--json"] if as_json else []), *words)
    assert result.code != 0
    assert result.out == ""
    [line] = result.err.splitlines()
    if as_json:
        assert set(json.loads(line)) == {"error"}
    else:
        assert line.startswith("error: ")


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.usefixtures("no_country")
def test_a_command_that_succeeds_gives_its_warning_after_its_output(
    cli: Cli, as_json: bool
) -> None:
    result = cli(*(["--json"] if as_json else []), "list")
    assert result.code == 0
    assert result.err.startswith(f"warning: {NO_COUNTRY}")
    assert result.err.count("\n") == 1


@pytest.fixture
def another_daemon(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The daemon lock held, as a running daemon holds it."""
    lock = DaemonLock(os.environ)
    lock.acquire()
    yield
    lock.release()


@pytest.mark.usefixtures("another_daemon", "no_country")
def test_a_second_daemon_is_refused_before_it_warns_of_anything(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from followup.daemon.loop import run

    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("INVOCATION_ID", "0" * 32)  # the journal, not a log file
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(logging.root, "handlers", list(logging.root.handlers))
    with caplog.at_level(logging.INFO), pytest.raises(FollowupError) as refused:
        run(None)
    assert "another followup daemon is already running" in refused.value.message
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


# -- status with a config it cannot read ----------------------------------------------------


@pytest.fixture
def running(monkeypatch: pytest.MonkeyPatch, another_daemon: None) -> Iterator[None]:
    """The state file of a daemon that runs (this process, holding the lock) and has met
    every trouble it reports, each at a UTC instant as the daemon writes them. The signal
    a command that writes sends the daemon (SIGUSR1) reaches this process: ignored."""
    monkeypatch.setattr("followup.daemon.state._is_daemon", lambda pid: pid == os.getpid())
    before = signal.signal(signal.SIGUSR1, signal.SIG_IGN)
    state: Any = new_state(os.getpid(), "2026-12-06T16:16:40+00:00")
    state.update(
        last_error="no notification server",
        last_error_at="2026-12-06T16:20:00+00:00",
        reload_error="unknown section [bogus]",
        reload_error_at="2026-12-06T16:21:00+00:00",
        feed_error="cannot write /f/followup.ics",
        feed_error_at="2026-12-06T16:22:00+00:00",
        mail_checked_at="2026-12-06T16:23:00+00:00",
        mail_error="login refused",
        mail_error_at="2026-12-06T16:24:00+00:00",
        mail_failures=2,
        failure="ValueError: broke",
        failure_part="feed",
        failure_at="2026-12-06T16:25:00.123456+00:00",
        channels={
            "caldav": {
                "state": "failing",
                "synced_at": "2026-12-06T16:26:00+00:00",
                "error": "connection refused",
                "error_at": "2026-12-06T16:27:00+00:00",
            }
        },
    )
    folder = state_dir(os.environ)
    (folder / "daemon.json").write_text(json.dumps(state))
    yield
    signal.signal(signal.SIGUSR1, before)


@pytest.mark.usefixtures("running")
def test_status_json_with_a_bad_config_is_the_error_object_alone(
    cli: Cli, config_file: Path
) -> None:
    config_file.write_text('[notify]\nat = "25:00"\n')
    result = cli("--json", "status")
    assert (result.code, result.out) == (5, "")
    [line] = result.err.splitlines()
    error = json.loads(line)["error"]
    assert error["code"] == "config" and "25:00" in error["message"]


@pytest.mark.usefixtures("running")
def test_status_with_a_bad_config_says_what_the_daemon_does_then_the_error(
    cli: Cli, config_file: Path
) -> None:
    config_file.write_text('[notify]\nat = "25:00"\n')
    result = cli("status")
    assert result.code == 1
    assert result.out.startswith(
        f"daemon:         running (pid {os.getpid()}, since Sun 6 Dec 2026 11:16 EST)\n"
    )
    [line] = result.err.splitlines()
    assert line.startswith("error: ") and "25:00" in line


# -- instants in the user's zone ----------------------------------------------------------

ISO_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT.*")
#: An instant of early December in New York, to the second.
IN_NEW_YORK = re.compile(r"2026-1[12]-\d\dT\d\d:\d\d:\d\d-05:00")


def instants(value: Any) -> list[str]:
    """Every string in a JSON value that is an instant."""
    if isinstance(value, dict):
        return [i for v in value.values() for i in instants(v)]
    if isinstance(value, list):
        return [i for v in value for i in instants(v)]
    return [value] if isinstance(value, str) and ISO_INSTANT.fullmatch(value) else []


@pytest.mark.parametrize(
    "argv",
    [
        ("add", "Beta", "--expect", "2026-12-10"),
        ("edit", "1", "--role", "CTO"),
        ("show", "1"),
        ("list",),
        ("upcoming",),
        ("emailed", "1", "--on", "2026-12-04"),
        ("snooze", "1", "--days", "2"),
        ("history", "1"),
        ("status",),
    ],
    ids=" ".join,
)
@pytest.mark.usefixtures("running")
def test_every_instant_in_json_is_in_the_user_s_zone_to_the_second(
    cli: Cli, argv: tuple[str, ...]
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-12-01", "--interviewed", "2026-11-24"))
    found = instants(json.loads(ok(cli(*argv, "--json"))))
    assert found
    assert [i for i in found if not IN_NEW_YORK.fullmatch(i)] == []


@pytest.mark.usefixtures("running")
def test_status_shows_its_instants_as_its_other_lines_do(cli: Cli, config_file: Path) -> None:
    config_file.write_text('[mail]\nmaildir = "/nowhere"\n')
    text = ok(cli("status"))
    assert "+00:00" not in text and "2026-12-06T" not in text
    for line in [
        "since Sun 6 Dec 2026 11:16 EST",
        "last error:     no notification server (Sun 6 Dec 2026 11:20 EST)",
        "(since Sun 6 Dec 2026 11:22 EST)",
        "login refused (since Sun 6 Dec 2026 11:24 EST)",
        "in the feed (Sun 6 Dec 2026 11:25 EST)",
        "failing: connection refused (since Sun 6 Dec 2026 11:27 EST)",
    ]:
        assert line in text


# -- a reader that closes the pipe early ---------------------------------------------------


@pytest.mark.parametrize(
    "argv", [("show", "1"), ("list", "--all"), ("list", "--all", "--json")], ids=" ".join
)
def test_a_closed_pipe_ends_the_command_quietly_with_status_0(
    cli: Cli, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    for n in range(40):  # more than a pipe's buffer of output for the listing
        ok(cli("add", f"Company {n:02}", "--expect", "2026-12-10", "--note", "x" * 200))
    read, write = os.pipe()
    os.close(read)
    with open(write, "w", encoding="utf-8") as closed:
        code = main(list(argv), Environment(stdout=closed), lambda: SUN_6_DEC)
        assert (code, capsys.readouterr().err) == (0, "")


# -- ids and names ------------------------------------------------------------------------


def test_a_company_name_starting_with_a_dash_is_typed_after_double_dash(cli: Cli) -> None:
    ok(cli("add", "--expect", "2026-12-30", "--", "-Weird"))
    assert ok(cli("show", "--", "-Weird")).startswith("#1  -Weird")
    assert ok(cli("delete", "--yes", "--", "-Weird")) == "Deleted interview 1.\n"
    assert ok(cli("list", "--all")).startswith("No interviews")


@pytest.mark.parametrize("word", ["0", "-1", "+3", "99999999999999999999"])
def test_every_id_out_of_range_is_refused_in_the_same_words(cli: Cli, word: str) -> None:
    result = cli("show", "--", word)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"error: argument id: not an interview id or company name: {word!r}\n"


# -- store URLs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["mysql://me@127.0.0.1/x", "mariadb+pymysql://me@db/x", "oracle://me@db/x"]
)
def test_a_store_url_of_another_database_names_the_value_and_the_two_supported(
    cli: Cli, config_file: Path, url: str
) -> None:
    config_file.write_text(f'[store]\nurl = "{url}"\n')
    result = cli("--json", "list")
    assert (result.code, result.out) == (5, "")
    message = json.loads(result.err)["error"]["message"]
    assert url in message
    assert "only sqlite and postgresql URLs are supported" in message
    assert "driver" not in message


@pytest.mark.parametrize(
    "url", ["sqlite:////tmp/x/followup.db", "postgresql://me@db/x", "postgresql+psycopg://me@db/x"]
)
def test_sqlite_and_postgresql_urls_pass_the_check(cli: Cli, config_file: Path, url: str) -> None:
    config_file.write_text(f'[store]\nurl = "{url}"\n')
    assert json.loads(ok(cli("config", "--json")))["settings"]["store.url"] == url


# -- draft ----------------------------------------------------------------------------------


def test_a_draft_without_an_address_says_so_on_its_to_line(cli: Cli, config_file: Path) -> None:
    config_file.write_text('[you]\nname = "Alex Morgan"\n')
    ok(cli("add", "Acme", "--expect", "2026-12-01"))
    assert ok(cli("draft", "1")).startswith("To: [no address known]\nSubject: ")
    assert json.loads(ok(cli("draft", "1", "--json")))["to"] is None


def test_a_draft_no_mail_client_opened_is_a_short_warning_without_the_link(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, config_file: Path
) -> None:
    from followup.mail import drafting

    config_file.write_text('[you]\nname = "Alex Morgan"\n')
    ok(cli("add", "Acme", "--expect", "2026-12-01", "--email", "dana@acme.example"))
    seen: list[str] = []

    def opener_refuses(target: str, what: str, env: object) -> str:
        seen.append(target)
        return f"xdg-open failed with status 3: no method available for opening '{target}'"

    monkeypatch.setattr(drafting, "xdg_open", opener_refuses)
    result = cli("draft", "1", "--open")
    assert result.code == 0
    assert result.out.startswith("To: dana@acme.example\n")
    [warning] = result.err.splitlines()
    assert len(seen[0]) > 500
    assert "mailto:" not in warning and len(warning) < 250
    assert warning.endswith("choose one with: xdg-mime default APP.desktop x-scheme-handler/mailto")
