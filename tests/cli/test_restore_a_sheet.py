"""Specification: ``restore`` given a sheet, or a file that is neither JSON nor a copy of
the store, points to ``import`` and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.specs import Cli

# followup restore puts back a SQLite store (a PostgreSQL one is refused before the file is read).
pytestmark = pytest.mark.own_store

SHEET = "company,interviewed_on,reply_expected_on\nMonzo,2026-12-01,2026-12-04\n"


@pytest.mark.parametrize(
    ("name", "content"),
    [("x.csv", SHEET), ("x.tsv", SHEET.replace(",", "\t")), ("x.txt", SHEET), ("x.csv", "[]")],
    ids=["a csv", "a tsv", "a sheet not named as one", "a .csv holding JSON"],
)
def test_restoring_a_sheet_points_to_import(
    cli: Cli, tmp_path: Path, name: str, content: str
) -> None:
    assert cli("add", "Acme", "--expect", "2026-12-10").code == 0
    sheet = tmp_path / name
    sheet.write_text(content)
    result = cli("--json", "restore", str(sheet))
    error = json.loads(result.err)["error"]
    assert (error["code"], f"followup import {sheet}" in error["message"]) == ("usage", True)
    assert "Acme" in cli("list").out
