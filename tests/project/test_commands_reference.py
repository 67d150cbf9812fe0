"""The command reference (docs/reference/commands.md) names every command of the parser and
every option of each, so that what ``--help`` offers is also what the reference says."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from followup.cli.parser import build_parser

REFERENCE = Path(__file__).resolve().parents[2] / "docs/reference/commands.md"
#: Options every command takes, described once above the table.
EVERYWHERE = {"-h", "--help", "--json", "--config"}


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command and sub-command (``"mail check"``) with its parser."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield " ".join((*path, name)), sub
                yield from commands(sub, (*path, name))


def rows() -> list[tuple[str, str]]:
    """The table's rows: (the command cell, the description cell)."""
    found = []
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        cells = re.split(r"(?<!\\)\|", line)
        if line.startswith("| `followup") and len(cells) >= 4:
            found.append((cells[1].strip(), cells[2].strip()))
    return found


def names(cell: str, command: str) -> bool:
    """Whether the command cell names ``command``: ``followup COMMAND`` or, after a ``/``,
    ``COMMAND`` alone (``install-service ... / uninstall-service``)."""
    pattern = rf"(followup |/ `)({re.escape(command)})(?=[\s`]|$)"
    return re.search(pattern, cell) is not None


ALL = sorted(commands(build_parser()), key=lambda item: item[0])


@pytest.mark.parametrize("command", [name for name, _ in ALL])
def test_every_command_has_a_row(command: str) -> None:
    assert [cell for cell, _ in rows() if names(cell, command)], command


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (name, action.option_strings)
        for name, sub in ALL
        for action in sub._actions
        if action.option_strings
        and action.help != argparse.SUPPRESS  # hidden: for the completion scripts
        and not EVERYWHERE & set(action.option_strings)
    ],
    ids=lambda value: value if isinstance(value, str) else "/".join(value),
)
def test_every_option_is_in_its_commands_row(command: str, option: list[str]) -> None:
    said = " ".join(f"{cell} {text}" for cell, text in rows() if names(cell, command))

    assert any(re.search(rf"{re.escape(o)}(?![\w-])", said) for o in option), (command, option)
