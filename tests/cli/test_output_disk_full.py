"""Standard output that refuses what is printed (``followup list > file`` on a full disk,
here the real ``/dev/full``, which answers every write with ENOSPC): one ``error:`` line
naming standard output and the reason, exit status 1 (``system``, 10, with ``--json``),
never "unexpected", and the store as it was. Acme's reply was expected Fri 2026-12-11."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import TextIO

import pytest

from followup.cli.core import main
from followup.cli.environment import Environment
from tests.conftest import CLI_NOW

FULL = "cannot write to standard output: No space left on device"


@pytest.fixture
def full() -> Iterator[TextIO]:
    with open("/dev/full", "w", encoding="utf-8") as stream:
        yield stream


def run(args: list[str], stdout: TextIO) -> tuple[int, str]:
    stderr = io.StringIO()
    code = main(args, Environment(stdout=stdout, stderr=stderr), lambda: CLI_NOW)
    return code, stderr.getvalue()


@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        (["list"], 1, f"error: {FULL}\n"),
        (["show", "1"], 1, f"error: {FULL}\n"),
        (["export", "--format", "csv"], 1, f"error: {FULL}\n"),
        (["export", "--format", "json"], 1, f"error: {FULL}\n"),
        (["list", "--json"], 10, json.dumps({"error": {"code": "system", "message": FULL}}) + "\n"),
    ],
    ids=["list", "show", "export-csv", "export-json", "list-json"],
)
def test_a_full_output_is_one_error_line_and_changes_nothing(
    cli, full: TextIO, args: list[str], status: int, said: str
) -> None:  # type: ignore[no-untyped-def]
    assert cli("add", "Acme", "--expect", "2026-12-11").code == 0
    before = cli("list", "--json").out
    assert run(args, full) == (status, said)
    assert cli("list", "--json").out == before
