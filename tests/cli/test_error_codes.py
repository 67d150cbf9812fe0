"""Specification of the errors a script reads: with ``--json`` a failure prints one JSON
object on standard error, ``{"error": {"code": CODE, "message": TEXT}}``, and exits with
the status :data:`followup.errors.EXIT_STATUS` gives the code; standard output is empty.
One row per code, each reached as a user reaches it, through the in-process CLI; a row's
message is the part of the text that names the failure (the rest names temporary paths).
The two store rows use an SQLite file of their own (``own_store``): the lock is SQLite's.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest

from followup.errors import EXIT_STATUS, Code
from followup.paths import machine_file
from tests.support.specs import Cli, ok

#: What a row does before its command, given the CLI, the config file, the store's file,
#: a monkeypatch, and a stack that closes what it opens once the command has run.
Setup = Callable[[Cli, Path, Path, pytest.MonkeyPatch, ExitStack], None]


def nothing(cli: Cli, config: Path, db: Path, mp: pytest.MonkeyPatch, stack: ExitStack) -> None:
    pass


def one_withdrawn(
    cli: Cli, config: Path, db: Path, mp: pytest.MonkeyPatch, stack: ExitStack
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-12-01"))
    ok(cli("withdraw", "1"))


def locked(cli: Cli, config: Path, db: Path, mp: pytest.MonkeyPatch, stack: ExitStack) -> None:
    """The store's write lock held by another connection; the command waits 0.2 s for it."""
    ok(cli("add", "Acme", "--expect", "2026-12-01"))
    mp.setattr("followup.store.database.BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(db, isolation_level=None)
    stack.callback(holder.close)
    holder.execute("BEGIN EXCLUSIVE")
    stack.callback(holder.execute, "ROLLBACK")


def one_interview(
    cli: Cli, config: Path, db: Path, mp: pytest.MonkeyPatch, stack: ExitStack
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-12-01"))


def bad_config(cli: Cli, config: Path, db: Path, mp: pytest.MonkeyPatch, stack: ExitStack) -> None:
    config.write_text("[calendar\n")


def not_a_database(
    cli: Cli, config: Path, db: Path, mp: pytest.MonkeyPatch, stack: ExitStack
) -> None:
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(b"this is no database" * 100)
    config.write_text(f'[store]\nurl = "sqlite:///{db}"\n')


def no_bus(cli: Cli, config: Path, db: Path, mp: pytest.MonkeyPatch, stack: ExitStack) -> None:
    mp.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    runtime = config.parent / "runtime"
    runtime.mkdir(parents=True)
    mp.setenv("XDG_RUNTIME_DIR", str(runtime))
    config.write_text('[notify]\nbackend = "dbus"\n')


def closed_port() -> int:
    """A local port nothing listens on (bound, then let go)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def no_mail_server(
    cli: Cli, config: Path, db: Path, mp: pytest.MonkeyPatch, stack: ExitStack
) -> None:
    config.write_text(
        f'[mail]\nimap_host = "127.0.0.1"\nimap_port = {closed_port()}\nsecurity = "none"\n'
        'username = "jo"\npassword_command = ["echo", "secret"]\n'
    )
    ok(cli("add", "Acme", "--expect", "2026-12-01", "--email", "dana@acme.example"))


def damaged_machine_file(
    cli: Cli, config: Path, db: Path, mp: pytest.MonkeyPatch, stack: ExitStack
) -> None:
    path = machine_file(os.environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{")


def defect(cli: Cli, config: Path, db: Path, mp: pytest.MonkeyPatch, stack: ExitStack) -> None:
    from followup.cli.commands import setup

    def broken(app: object) -> None:
        raise ZeroDivisionError("division by zero")

    mp.setitem(setup.COMMANDS, "countries", (None, broken))


def interrupted(cli: Cli, config: Path, db: Path, mp: pytest.MonkeyPatch, stack: ExitStack) -> None:
    from followup.cli.commands import setup

    def typed_ctrl_c(app: object) -> None:
        raise KeyboardInterrupt

    mp.setitem(setup.COMMANDS, "countries", (None, typed_ctrl_c))


CASES = [
    pytest.param(
        nothing, ("list", "--json", "--bogus"), Code.USAGE,
        "unrecognized arguments: --bogus", id="usage: an option argparse does not know",
    ),
    pytest.param(
        one_interview, ("heard", "1", "--outcome", "next-round", "--json"), Code.USAGE,
        "--expect DATE is required with --outcome next-round",
        id="usage: a field the core requires, in the command line's words",
    ),
    pytest.param(
        nothing, ("show", "9", "--json"), Code.NOT_FOUND, "no interview with id 9",
        id="not_found",
    ),
    pytest.param(
        one_withdrawn, ("emailed", "1", "--json"), Code.INVALID_CHANGE,
        "cannot record an email for interview 1 (Acme): it is closed (withdrawn)",
        id="invalid_change",
    ),
    pytest.param(
        bad_config, ("list", "--json"), Code.CONFIG, "config.toml: malformed TOML", id="config"
    ),
    pytest.param(
        locked, ("add", "Beta", "--expect", "2026-12-01", "--json"), Code.STORE_LOCKED,
        "is locked: another program holds its write lock", id="store_locked",
        marks=pytest.mark.own_store,
    ),
    pytest.param(
        not_a_database, ("list", "--json"), Code.STORE,
        "followup.db is not a followup database", id="store",
        marks=pytest.mark.own_store,
    ),
    pytest.param(
        no_bus, ("test-notification", "--json"), Code.DELIVERY, "no D-Bus session bus",
        id="delivery",
    ),
    pytest.param(
        no_mail_server, ("mail", "check", "--json"), Code.MAIL, "cannot reach 127.0.0.1:",
        id="mail",
        marks=pytest.mark.system,
    ),
    pytest.param(
        damaged_machine_file, ("status", "--json"), Code.SYSTEM, "machine.json is damaged",
        id="system",
    ),
    pytest.param(
        defect, ("countries", "--json"), Code.INTERNAL,
        "unexpected ZeroDivisionError: division by zero", id="internal",
    ),
    pytest.param(
        interrupted, ("countries", "--json"), Code.INTERRUPTED, "interrupted", id="interrupted",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("setup", "argv", "code", "message"), CASES)
def test_a_failure_with_json_is_one_object_and_its_code_s_exit_status(
    cli: Cli,
    config_file: Path,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    setup: Setup,
    argv: tuple[str, ...],
    code: Code,
    message: str,
) -> None:
    with ExitStack() as stack:
        setup(cli, config_file, db_path, monkeypatch, stack)
        result = cli(*argv)
    error = json.loads(result.err)["error"]
    assert (result.code, result.out, error["code"]) == (EXIT_STATUS[code], "", code.value)
    assert message in error["message"]
    assert result.err.count("\n") == 1


def test_every_code_has_a_row() -> None:
    assert {case.values[2] for case in CASES} == set(Code)


def test_every_code_has_its_own_exit_status() -> None:
    statuses = [EXIT_STATUS[code] for code in Code]
    assert len(set(statuses)) == len(Code) and 0 not in statuses


@pytest.mark.parametrize(
    ("argv", "plain"),
    [
        (("show", "9"), (1, "error: no interview with id 9\n")),
        (("list", "--bogus"), (2, "error: unrecognized arguments: --bogus\n")),
    ],
    ids=["not_found", "usage"],
)
def test_without_json_a_failure_is_the_error_line_and_1_or_2(
    cli: Cli, argv: tuple[str, ...], plain: tuple[int, str]
) -> None:
    result = cli(*argv)
    assert (result.code, result.err) == plain


def test_json_after_the_end_of_options_is_a_value_not_the_flag(cli: Cli) -> None:
    result = cli("add", "--expect", "2026-12-01", "--", "--json")
    assert result.code == 0 and result.err == ""


@pytest.mark.parametrize(
    "argv",
    [("--json", "show", "9"), ("show", "9", "--json"), ("--json", "delete", "9", "--yes")],
    ids=["before the command", "after it", "before a command that prints no data"],
)
def test_json_before_the_command_is_json_after_it(cli: Cli, argv: tuple[str, ...]) -> None:
    result = cli(*argv)
    assert (result.code, result.out) == (EXIT_STATUS[Code.NOT_FOUND], "")
    assert json.loads(result.err) == {
        "error": {"code": "not_found", "message": "no interview with id 9"}
    }


def test_json_before_a_listing_prints_its_json(cli: Cli) -> None:
    ok(cli("add", "Acme", "--expect", "2026-12-01"))
    assert [v["company"] for v in json.loads(ok(cli("--json", "list")))] == ["Acme"]


@pytest.fixture
def no_country(monkeypatch: pytest.MonkeyPatch) -> None:
    """A locale that names no country: the config warns that weekends alone are counted."""
    monkeypatch.setenv("LANG", "C.UTF-8")


def test_a_failure_with_json_is_the_one_object_even_after_a_config_warning(
    cli: Cli, no_country: None
) -> None:
    result = cli("show", "9", "--json")
    assert json.loads(result.err)["error"]["code"] == "not_found"


def test_a_success_with_json_still_warns_after_its_output(cli: Cli, no_country: None) -> None:
    result = cli("list", "--json")
    assert (result.code, json.loads(result.out)) == (0, [])
    assert result.err.startswith("warning: no calendar.country set")
