"""Specification of ``--json`` on every command, before or after its name, through the real
command line at Sun 6 Dec 2026 noon in New York: a command that prints no data takes it too
and then prints a failure as one JSON object; a mistyped option is never "corrected" to
itself; and ``delete`` of an id that does not exist is ``not_found`` with or without
``--yes``."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from followup.cli.arguments import command_parsers
from followup.cli.parser import COMMANDS, build_parser

SUN_6_DEC = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "argv",
    [
        ("delete", "99", "--json"),
        ("--json", "delete", "99"),
        ("delete", "99", "--yes", "--json"),
        ("restore", "missing-backup.json", "--json"),
        ("--json", "restore", "missing-backup.json"),
    ],
    ids=" ".join,
)
def test_a_command_printing_no_data_takes_json_on_either_side(cli, argv) -> None:  # type: ignore[no-untyped-def]
    result = cli(*argv, at=SUN_6_DEC)
    error = json.loads(result.err)["error"]
    assert (result.code != 0, result.out) == (True, "")
    assert "unrecognized" not in error["message"]


@pytest.mark.parametrize("name", [c[0] for c in COMMANDS])
def test_every_command_knows_json_after_its_name(name: str) -> None:
    assert "--json" in command_parsers(build_parser(name))[name]._option_string_actions


def test_a_mistyped_option_is_never_suggested_as_itself(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("delete", "1", "--yes", "--version", at=SUN_6_DEC)
    assert result.code == 2
    assert "did you mean '--version'" not in result.err


@pytest.mark.parametrize("yes", [(), ("--yes",)], ids=["without --yes", "with --yes"])
def test_deleting_an_unknown_id_is_not_found(cli, yes: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    assert cli("add", "Monzo", "--expect", "2026-12-10", at=SUN_6_DEC).code == 0
    result = cli("--json", "delete", "99", *yes, at=SUN_6_DEC)
    assert json.loads(result.err)["error"]["code"] == "not_found"
    assert cli("list", at=SUN_6_DEC).out.count("Monzo") == 1


def test_deleting_a_known_id_without_yes_still_asks_for_it(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("add", "Monzo", "--expect", "2026-12-10", at=SUN_6_DEC).code == 0
    result = cli("delete", "1", at=SUN_6_DEC)
    assert (result.code, "--yes" in result.err) == (2, True)
