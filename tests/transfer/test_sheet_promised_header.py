"""Specification: a sheet's column of the day the employer promised to reply is read by
the words people head it with, "Promised" among them. Imported at Sun 6 Dec 2026 noon in
New York."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.specs import Cli

SUN_6_DEC = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "header", ["Promised", "promised reply", "Reply Promised", "Promised Day", "Reply By"]
)
def test_the_promised_day_column_is_read_by_its_header(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, header: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sheet.csv").write_text(f"Company,{header}\nAcme,2026-12-10\n")
    result = cli("import", "sheet.csv", at=SUN_6_DEC)
    assert result.code == 0, result.err
    assert f"'{header}' -> expected" in result.out
    shown = json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)
    assert shown["reply_expected_on"] == "2026-12-10"
