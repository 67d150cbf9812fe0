"""Specification: a spreadsheet saved by Excel with a first ``sep=X`` line is read with
that separator (the line is not a header), and a line break inside a quoted note, written
CRLF or CR, is kept as a line break. Imported at Sun 6 Dec 2026 noon in New York."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

SUN_6_DEC = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "content",
    [
        b"sep=;\r\nCompany;Reply By;Notes\r\nAcme, Inc.;2026-12-10;a, b\r\n",
        b"sep=;\nCompany;Reply By;Notes\nAcme, Inc.;2026-12-10;a, b\n",
        b'sep=,\r\nCompany,Reply By,Notes\r\n"Acme, Inc.",2026-12-10,"a, b"\r\n',
        b"sep=\t\nCompany\tReply By\tNotes\nAcme, Inc.\t2026-12-10\ta, b\n",
        b"SEP=;\r\nCompany;Reply By;Notes\r\nAcme, Inc.;2026-12-10;a, b\r\n",
    ],
    ids=["semicolon crlf", "semicolon lf", "comma", "tab", "capitals"],
)
def test_a_first_sep_line_names_the_separator(cli, folder: Path, content: bytes) -> None:  # type: ignore[no-untyped-def]
    (folder / "sheet.csv").write_bytes(content)
    result = cli("import", "sheet.csv", at=SUN_6_DEC)
    assert result.code == 0, result.err
    shown = json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)
    assert (shown["company"], shown["reply_expected_on"], shown["notes"]) == (
        "Acme, Inc.",
        "2026-12-10",
        "a, b",
    )


@pytest.mark.parametrize("newline", [b"\r\n", b"\r", b"\n"], ids=["crlf", "cr", "lf"])
def test_a_line_break_in_a_quoted_note_is_kept(cli, folder: Path, newline: bytes) -> None:  # type: ignore[no-untyped-def]
    (folder / "sheet.csv").write_bytes(
        b'Company,Reply By,Notes\r\nAcme,2026-12-10,"first line' + newline + b'second line"\r\n'
    )
    result = cli("import", "sheet.csv", at=SUN_6_DEC)
    assert result.code == 0, result.err
    notes = json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)["notes"]
    assert notes == "first line\nsecond line"


@pytest.mark.parametrize(
    ("row", "day"),
    [
        ("Acme,2026-12-04,end of next week", "2026-12-11"),
        ("Acme,,end of next week", "2026-12-11"),  # said Sun 6 Dec: next week starts Mon 7
        ("Acme,2026-12-04,in 5 business days", "2026-12-11"),
        ("Acme,2026-12-04,in 3 days", "2026-12-07"),
    ],
)
def test_the_promised_day_column_takes_words_too(cli, folder: Path, row: str, day: str) -> None:  # type: ignore[no-untyped-def]
    """Read from the interview day when the row has one, else from the day of the import."""
    (folder / "sheet.csv").write_text(f"Company,Interviewed,Reply By\n{row}\n")
    result = cli("import", "sheet.csv", at=SUN_6_DEC)
    assert result.code == 0, result.err
    shown = json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)
    assert (shown["reply_expected_on"], shown["reply_expected_words"]) == (day, row.split(",")[2])


@pytest.mark.parametrize(
    ("row", "day"),
    [
        ("Acme,2026-12-02,nächste Woche", "2026-12-11"),  # Wed: not seven days on
        ("Acme,2026-12-02,EOD Friday", "2026-12-04"),
        ("Acme,2026-12-04,by the 1st", "2027-01-01"),  # said on 4 Dec: next month's
        ("Acme,,by the 1st", "2026-12-01"),  # said when? up to a week past
        ("Acme,2026-12-04,end of January", "2027-01-29"),
        ("Acme,2026-12-04,Dec 15", "2026-12-15"),
    ],
)
def test_the_promised_day_column_reads_what_add_reads(
    cli, folder: Path, row: str, day: str
) -> None:  # type: ignore[no-untyped-def]
    (folder / "sheet.csv").write_text(f"Company,Interviewed,Reply By\n{row}\n")
    result = cli("import", "sheet.csv", at=SUN_6_DEC)
    assert result.code == 0, result.err
    assert json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)["reply_expected_on"] == day


@pytest.mark.parametrize("words", ["last week", "a week from tomorrow"])
def test_promised_words_dateparser_would_misread_stop_the_import(
    cli, folder: Path, words: str
) -> None:  # type: ignore[no-untyped-def]
    (folder / "sheet.csv").write_text(f"Company,Interviewed,Reply By\nAcme,2026-12-04,{words}\n")
    result = cli("import", "sheet.csv", at=SUN_6_DEC)
    assert result.code != 0
    assert result.err.startswith("error: ")
    assert f"line 2, column 'Reply By': unreadable date '{words}'" in result.err
    assert len(result.err.splitlines()) == 1
    assert cli("list", "--json", at=SUN_6_DEC).out.strip() == "[]"
