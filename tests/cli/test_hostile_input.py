"""Hostile and unlucky input at every door: one ``error:`` line naming the value (never
"unexpected"), the exit status, and the store byte-identical afterwards.

The store's own failures (locked, read-only, full, damaged, newer, no driver) and what
leaves for the terminal are specified here too.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from followup.lifecycle import validation
from followup.store import models
from followup.store.database import Database

#: These tests open, inspect or damage their SQLite file, or pick their own store.
pytestmark = pytest.mark.own_store

ADD = ("add", "Acme", "--expect", "2026-12-01")


def one_error(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "unexpected" not in lines[0], err
    return lines[0]


@pytest.fixture
def stored(cli, db_path: Path) -> bytes:  # type: ignore[no-untyped-def]
    """A store with one interview, checkpointed so that its bytes are all in the file."""
    assert cli(*ADD).code == 0
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db_path.read_bytes()


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (
            ("add", "Ev\x1b[31mil", "--expect", "2026-12-01"),
            2,
            "error: company 'Ev\\x1b[31mil' contains the control character U+001B at character 3",
        ),
        (
            ("add", "Fake\n2   Row", "--expect", "2026-12-01"),
            2,
            "error: company 'Fake\\n2   Row' contains the control character U+000A at character 5",
        ),
        (
            ("add", "N\x00L", "--expect", "2026-12-01"),
            2,
            "error: company 'N\\x00L' contains the control character U+0000 at character 2",
        ),
        (
            ("add", "Bad\udcff", "--expect", "2026-12-01"),
            2,
            "error: company 'Bad\\udcff' is not valid UTF-8 text (undecodable byte at character 4)",
        ),
        (
            ("add", "Acme", "--expect", "9999-12-01"),
            2,
            "error: expected date 9999-12-01 is outside the years 1990-2100 followup accepts",
        ),
        (
            ("add", "Acme", "--expect", "0001-01-01"),
            2,
            "error: expected date 0001-01-01 is outside the years 1990-2100 followup accepts",
        ),
        (
            ("add", "Acme", "--expect", "2026-12-01", "--interviewed", "1989-12-31"),
            2,
            "error: interview date 1989-12-31 is outside the years 1990-2100 followup accepts",
        ),
        (
            ("add", "Acme", "--expect", "2026-12-01", "--email", "a\x01@b.com"),
            2,
            "error: email address 'a\\x01@b.com' contains the control character U+0001 at "
            "character 2",
        ),
        (
            ("add", "Acme", "--expect", "2026-12-01", "--email", "<script>@b.com"),
            2,
            "error: invalid email address '<script>@b.com'",
        ),
        (
            ("add", "Acme", "--expect", "2026-12-01", "--email", "Jane <j@b.com>"),
            2,
            "error: invalid email address 'Jane <j@b.com>'",
        ),
        (
            ("add", "Acme", "--expect", "2026-12-01", "--email", "a@b.com, c@d.com"),
            2,
            "error: invalid email address 'a@b.com, c@d.com'",
        ),
        (
            ("add", "Acme", "--expect", "2026-12-01", "--role", "r" * 201),
            2,
            f"error: role {'r' * 60!r}... (201 characters) is longer than 200 characters",
        ),
        (
            ("add", "Acme", "--expect", "2026-12-01", "--note", "n" * 10_001),
            2,
            f"error: note {'n' * 60!r}... (10,001 characters) is longer than 10,000 characters",
        ),
        (
            ("show", "9223372036854775808"),
            2,
            "error: argument id: not an interview id or company name: '9223372036854775808'",
        ),
        (
            ("show", "2147483648"),
            2,
            "error: argument id: not an interview id or company name: '2147483648'",
        ),
        (
            ("emailed", "1", "--on", "9999-01-01"),
            2,
            "error: email date 9999-01-01 is outside the years 1990-2100 followup accepts",
        ),
        (
            ("heard", "1", "--outcome", "next-round", "--expect", "9999-01-01"),
            2,
            "error: expected date 9999-01-01 is outside the years 1990-2100 followup accepts",
        ),
        (
            ("import", "/dev/zero"),
            2,
            "error: /dev/zero: larger than 64 MiB, the most followup reads",
        ),
        (
            ("--config", "/dev/zero", "list"),
            1,
            "error: /dev/zero: larger than 1 MiB, the most followup reads",
        ),
    ],
    ids=lambda v: None if isinstance(v, (tuple, int)) else "",
)
def test_bad_input_is_one_honest_line_and_the_store_is_byte_identical(
    cli, db_path: Path, stored: bytes, args: tuple[str, ...], code: int, expected: str
) -> None:
    result = cli(*args)

    assert (result.code, result.out) == (code, "")
    assert one_error(result.err) == expected
    assert db_path.read_bytes() == stored


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "deep.json",
            b'{"followup_backup": 1, "interviews": ' + b"[" * 5000 + b"]" * 5000 + b"}",
            "error: deep.json: nested more than 16 levels deep",
        ),
        (
            "nul.csv",
            b"company,expected\nAc\x00me,2026-12-01\n",
            "error: nul.csv line 2, column 'company': company 'Ac\\x00me' contains the control "
            "character U+0000 at character 3",
        ),
        (
            "escape.csv",
            b"company,expected\n\x1b]0;owned\x07,2026-12-01\n",
            "error: escape.csv line 2, column 'company': company '\\x1b]0;owned\\x07' contains "
            "the control character U+001B at character 1",
        ),
        (
            "year.csv",
            b"company,expected\nAcme,9999-12-01\n",
            "error: year.csv line 2, column 'expected': expected date 9999-12-01 is outside the "
            "years 1990-2100 followup accepts",
        ),
        (
            "huge.csv",
            b"company,expected,notes\nAcme,2026-12-01," + b"x" * 10_001 + b"\n",
            "error: huge.csv line 2: a cell is longer than 10,000 characters, the longest value "
            "followup keeps",
        ),
        (
            "id.json",
            b'{"followup_backup": 1, "interviews": [{"id": 9223372036854775808, "company": "A",'
            b' "reply_expected_on": "2026-12-01", "status": "waiting",'
            b' "created_at": "2026-11-01T00:00:00+00:00",'
            b' "updated_at": "2026-11-01T00:00:00+00:00"}]}',
            "error: id.json: interviews[0].id: must be a whole number from 1 to 2147483647, "
            "not 9223372036854775808",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and "." in v and len(v) < 12 else "",
)
def test_a_hostile_import_is_one_honest_line_and_imports_nothing(
    cli, db_path: Path, stored: bytes, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    result = cli("import", str(path))

    assert result.code == 2
    assert one_error(result.err).replace(str(tmp_path) + "/", "") == expected
    assert db_path.read_bytes() == stored


def test_an_exported_sheet_with_the_longest_note_imports_back(cli, tmp_path: Path) -> None:
    assert cli(*ADD, "--note", "n" * validation.LONGEST).code == 0
    sheet = tmp_path / "sheet.csv"
    assert cli("export", "-o", str(sheet)).code == 0
    cli("delete", "1", "--yes")

    result = cli("import", str(sheet))

    assert (result.code, result.err) == (0, "")
    assert "Imported: added 1" in result.out


def test_a_config_with_a_byte_order_mark_is_read_like_any_other(cli, config_file: Path) -> None:
    config_file.write_bytes(b'\xef\xbb\xbf[calendar]\ncountry = "DE"\n')

    result = cli("config")

    assert (result.code, result.err) == (0, "")
    assert 'calendar.country = "DE"' in result.out


def test_a_control_character_in_a_config_value_is_named(cli, config_file: Path) -> None:
    config_file.write_text('[you]\nname = "A\\u001b[2JB"\n')

    result = cli("config")

    assert result.code == 1
    assert one_error(result.err) == (
        f"error: {config_file}: you.name: 'A\\x1b[2JB' contains the control character U+001B "
        "at character 2"
    )


def test_stored_control_characters_are_shown_visibly_on_the_terminal(
    cli, db_path: Path, stored: bytes
) -> None:
    """Rows written before names were checked on the way in, or by another program."""
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute("UPDATE interviews SET company = ? WHERE id = 1", ("Ev\x1b[2J\nil",))
        conn.execute("UPDATE interviews SET contact_name = ? WHERE id = 1", ("Jo\r\u202ee",))

    listed, shown, draft = cli("list"), cli("show", "1"), cli("draft", "1")

    assert "Ev␛[2J␊il" in listed.out
    assert len(listed.out.splitlines()) == 2
    assert "Ev␛[2J␊il" in shown.out
    assert "Jo␍\\u202ee" in shown.out
    for out in (listed.out, shown.out, draft.out):
        assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert "Dear Jo \u202ee," not in draft.out and "Dear Jo \\u202ee," in draft.out


def test_the_store_lengths_are_the_validation_lengths() -> None:
    columns = models.Interview.__table__.c
    for name, bound in validation.MAX_LENGTH.items():
        length = getattr(columns[name].type, "length", None)
        assert length in (bound, None), name
        assert length is not None or name == "notes"


# -- the store's own failures ---------------------------------------------------------------


def test_a_store_locked_by_another_program_gives_up_after_the_stated_wait(
    cli, db_path: Path, stored: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("followup.store.database.BUSY_TIMEOUT_S", 1)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        result = cli("add", "Beta", "--expect", "2026-12-01")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()

    assert result.code == 1
    assert one_error(result.err) == (
        f"error: the database {db_path} is locked: another program holds its write lock; "
        "gave up after waiting 1 s"
    )
    assert "INSERT" not in result.err and "Beta" not in result.err


def test_a_file_that_is_not_a_database_is_named_with_the_newest_backup(
    cli, db_path: Path, stored: bytes
) -> None:
    backup = db_path.with_name(db_path.name + ".20261128T120000.bak")
    backup.write_bytes(stored)
    db_path.write_bytes(b"this is not a database at all\n" * 200)
    for suffix in ("-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    before = db_path.read_bytes()

    result = cli("list")

    assert result.code == 1
    assert one_error(result.err) == (
        f"error: {db_path} is not a followup database (not an SQLite file); the newest backup "
        f"is {backup}"
    )
    assert db_path.read_bytes() == before


def test_a_damaged_page_is_found_before_any_write_and_nothing_is_written(
    cli, db_path: Path
) -> None:
    for i in range(30):
        assert cli("add", f"Co{i}", "--expect", "2026-12-01", "--note", "x" * 300).code == 0
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'interviews'")
        page = root.fetchone()[0]
    with open(db_path, "r+b") as handle:
        handle.seek(4096 * (page - 1))
        handle.write(b"\x0d\xff\xff\xff\xff\xff\xff\xff")
    before = db_path.read_bytes()

    result = cli("add", "Beta", "--expect", "2026-12-01")

    assert result.code == 1
    assert one_error(result.err) == (
        f"error: the database {db_path} is damaged; nothing more is written to it; there is "
        "no backup beside it"
    )
    assert db_path.read_bytes() == before


def test_a_newer_schema_in_a_rollback_journal_file_is_refused_without_a_journal_switch(
    cli, db_path: Path
) -> None:
    Database(f"sqlite:///{db_path}").close()  # no connection of this process stays open
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    before = db_path.read_bytes()

    result = cli("list")

    assert result.code == 1
    assert one_error(result.err) == (
        f"error: the database {db_path} has schema '0099', newer than this followup knows; "
        "upgrade followup"
    )
    assert db_path.read_bytes() == before
    assert not db_path.with_name(db_path.name + "-wal").exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql+psycopg://me@127.0.0.1:1/followup",
            "error: store.url 'postgresql+psycopg://me@127.0.0.1:1/followup' needs the "
            "'psycopg' driver, which is not installed: pip install 'followup[postgres]'",
        ),
        (
            "sqlite://",
            "error: store.url 'sqlite://' keeps nothing once the command ends; give a file, "
            "e.g. sqlite:////home/you/followup.db",
        ),
        (
            "garbage",
            "error: store.url 'garbage' is not a database URL (e.g. "
            "sqlite:////home/you/followup.db or postgresql+psycopg://host/dbname)",
        ),
        (
            "me:secret@host/followup",
            "error: store.url is not a database URL (e.g. "
            "sqlite:////home/you/followup.db or postgresql+psycopg://host/dbname)",
        ),
    ],
    ids=["missing driver", "in memory", "not a URL", "not a URL, with a password"],
)
def test_a_store_url_that_cannot_keep_data_is_named(
    cli, config_file: Path, url: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whether or not psycopg is installed here, the driver is missing for this command.
    monkeypatch.setitem(sys.modules, "psycopg", None)
    config_file.write_text(f'[store]\nurl = "{url}"\n')

    result = cli("list")

    assert result.code == 1
    assert one_error(result.err) == expected


def _mount(kind: list[str], target: Path) -> None:
    subprocess.run(["mount", *kind, str(target)], check=True, capture_output=True)


@pytest.fixture
def mounted(tmp_path: Path) -> Callable[..., Path]:
    """A folder with a filesystem of its own (root only: CI runs as root)."""
    made: list[Path] = []

    def mount(*options: str) -> Path:
        target = tmp_path / f"mnt{len(made)}"
        target.mkdir()
        _mount(list(options), target)
        made.append(target)
        return target

    yield mount  # type: ignore[misc]
    for target in reversed(made):
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_a_read_only_store_says_so_and_names_no_sql(
    cli, db_path: Path, stored: bytes, mounted: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = mounted("-t", "tmpfs", "-o", "size=4m", "tmpfs")
    shutil.copy(db_path, folder / "followup.db")
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    monkeypatch.setenv("XDG_DATA_HOME", str(folder.parent))
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(folder.parent / "ro.toml"))
    (folder.parent / "ro.toml").write_text(f'[store]\nurl = "sqlite:///{folder}/followup.db"\n')

    result = cli("add", "Secret Co", "--expect", "2026-12-01")

    assert result.code == 1
    line = one_error(result.err)
    assert line.startswith(f"error: the database {folder}/followup.db ")
    assert "INSERT" not in line and "Secret" not in line and "2026" not in line


def test_a_full_disk_refuses_the_upgrade_backup_and_leaves_no_empty_file(
    db_path: Path, mounted: Callable[..., Path]
) -> None:
    folder = mounted("-t", "tmpfs", "-o", "size=256k", "tmpfs")
    path = folder / "followup.db"
    with closing(sqlite3.connect(path)) as conn, conn:  # 200 KiB: no room for its copy
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('0001')")
        conn.execute("CREATE TABLE filler (x BLOB)")
        conn.execute("INSERT INTO filler VALUES (zeroblob(200000))")

    with pytest.raises(Exception) as caught:
        Database(f"sqlite:///{path}")

    message = getattr(caught.value, "message", str(caught.value))
    assert message.startswith(f"not enough free space beside {path} to back it up")
    assert message.endswith("nothing was changed")
    assert list(folder.glob("*.bak")) == []
    with closing(sqlite3.connect(path)) as conn:  # not upgraded: the data as it was
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert conn.execute("SELECT length(x) FROM filler").fetchall() == [(200000,)]
