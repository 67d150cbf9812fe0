"""``followup export``: the format from --format or the file's suffix, standard output by
default, and a file written in one step (a temporary file, then a rename) with one line
saying what was written."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from followup.store import HEAD_REVISION
from tests.support.specs import Cli, ok


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Path:
    """Two interviews; commands run in an empty folder."""
    folder = tmp_path / "exports"
    folder.mkdir()
    monkeypatch.chdir(folder)
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    ok(cli("add", "Beta", "--expect", "2026-11-24"))
    return folder


@pytest.mark.parametrize(
    ("args", "written", "start"),
    [
        (("-o", "out.json"), "Wrote 2 interviews to out.json (json).", b'{\n  "followup_backup"'),
        (("-o", "out.csv"), "Wrote 2 interviews to out.csv (csv).", b"company,role,contact,"),
        (("-o", "OUT.CSV"), "Wrote 2 interviews to OUT.CSV (csv).", b"company,role,contact,"),
        (("-o", "out.ics"), "Wrote {events} events to out.ics (ics).", b"BEGIN:VCALENDAR\r\n"),
        (
            ("-o", "out.txt", "--format", "csv"),
            "Wrote 2 interviews to out.txt (csv).",
            b"company,role,contact,",
        ),
        (
            ("--format", "json", "-o", "out.csv"),
            "Wrote 2 interviews to out.csv (json).",
            b'{\n  "followup_backup": 1',
        ),
    ],
)  # fmt: skip
def test_the_suffix_picks_the_format_unless_one_is_given(
    cli: Cli, folder: Path, args: tuple[str, ...], written: str, start: bytes
) -> None:
    out = ok(cli("export", *args))
    data = (folder / args[args.index("-o") + 1]).read_bytes()
    assert out == written.format(events=data.count(b"BEGIN:VEVENT")) + "\n"
    assert data.startswith(start)


@pytest.mark.usefixtures("folder")
@pytest.mark.parametrize(
    ("args", "start"),
    [
        ((), '{\n  "followup_backup": 1,\n  "schema": "' + HEAD_REVISION + '",'),
        (("--format", "csv"), "company,role,contact,email,"),
        (("--format", "ics"), "BEGIN:VCALENDAR\r\n"),
    ],
)
def test_without_a_file_the_export_goes_to_standard_output(
    cli: Cli, args: tuple[str, ...], start: str
) -> None:
    assert ok(cli("export", *args)).startswith(start)


def test_a_written_file_replaces_the_old_one_in_one_step(cli: Cli, folder: Path) -> None:
    target = folder / "out.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    old = target.stat().st_ino
    ok(cli("export", "-o", "out.csv"))
    assert target.stat().st_ino != old  # renamed over, not rewritten in place
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in folder.iterdir()) == ["out.csv"]  # no temporary file left


def test_a_new_file_is_private(cli: Cli, folder: Path) -> None:
    ok(cli("export", "-o", "out.json"))
    assert stat.S_IMODE((folder / "out.json").stat().st_mode) == 0o600


def test_an_unchanged_file_is_left_alone_and_says_so(cli: Cli, folder: Path) -> None:
    ok(cli("export", "-o", "out.csv"))
    before = (folder / "out.csv").stat()
    assert (
        ok(cli("export", "-o", "out.csv")) == "out.csv is already up to date: 2 interviews (csv).\n"
    )
    after = (folder / "out.csv").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_the_backup_written_to_a_file_is_the_one_printed(cli: Cli, folder: Path) -> None:
    ok(cli("export", "-o", "out.json"))
    written = json.loads((folder / "out.json").read_text(encoding="utf-8"))
    printed = json.loads(ok(cli("export")))
    assert {k: v for k, v in written.items() if k != "exported_at"} == {
        k: v for k, v in printed.items() if k != "exported_at"
    }


@pytest.mark.usefixtures("folder")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ("-o", "out.txt"),
            "cannot tell the format of 'out.txt' from its suffix '.txt': name it .ics, .json "
            "or .csv, or give --format",
            id="unknown suffix",
        ),
        pytest.param(
            ("-o", "backup"),
            "cannot tell the format of 'backup' from a name without a suffix: name it .ics, "
            ".json or .csv, or give --format",
            id="no suffix",
        ),
        pytest.param(
            ("-o", "missing/out.json"),
            "cannot write missing/out.json: there is no folder 'missing'",
            id="missing folder",
        ),
    ],
)
def test_export_errors_are_one_line(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli("export", *args)
    assert (result.code, result.out, result.err) == (2, "", f"error: {message}\n")


@pytest.mark.usefixtures("folder")
def test_an_unknown_format_is_a_usage_error(cli: Cli) -> None:
    result = cli("export", "--format", "xml")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("error: argument --format: invalid choice: 'xml'")
