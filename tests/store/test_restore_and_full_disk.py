"""``followup restore`` puts a backup back (the store as it was saved beside it first) or
refuses it untouched; on a full disk every reading command still answers and a write says
"disk full" with the path (a real tmpfs filled to its last byte)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from followup.store.faults import newest_backup


def companies(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [r[0] for r in conn.execute("SELECT company FROM interviews ORDER BY id")]


def copy_store(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@pytest.fixture
def two_then_three(cli, db_path: Path, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A store of Acme, Beta and Gamma, and a copy of it from before Gamma was added."""
    for company in ("Acme", "Beta"):
        assert cli("add", company, "--expect", "2026-12-01").code == 0
    backup = tmp_path / "followup.db.20261128T120000Z.bak"
    copy_store(db_path, backup)
    assert cli("add", "Gamma", "--expect", "2026-12-01").code == 0
    return backup


@pytest.mark.own_store
def test_restoring_a_copy_of_the_store_saves_the_current_one_first(
    cli, db_path: Path, two_then_three: Path
) -> None:  # type: ignore[no-untyped-def]
    done = cli("restore", str(two_then_three))
    assert done.code == 0, done.err
    assert done.out.startswith(f"Restored 2 interviews from {two_then_three} into {db_path}")
    assert companies(db_path) == ["Acme", "Beta"]
    [saved] = [p for p in db_path.parent.glob("followup.db.*.bak")]
    assert companies(saved) == ["Acme", "Beta", "Gamma"]
    assert f"saved as {saved}" in done.out
    assert os.stat(saved).st_mode & 0o777 == 0o600


@pytest.mark.own_store
def test_restoring_a_json_backup_gives_back_its_interviews_with_their_ids(
    cli, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    for company in ("Acme", "Beta", "Gamma"):
        cli("add", company, "--expect", "2026-12-01")
    cli("delete", "1", "--yes")
    backup = tmp_path / "backup.json"
    assert cli("export", "-o", str(backup)).code == 0
    cli("add", "Delta", "--expect", "2026-12-01")
    done = cli("restore", str(backup))
    assert done.code == 0, done.err
    listed = json.loads(cli("list", "--json").out)
    assert [(i["id"], i["company"]) for i in listed] == [(2, "Beta"), (3, "Gamma")]


@pytest.mark.own_store
def test_two_restores_in_one_second_keep_both_stores_as_they_were(
    cli, db_path: Path, two_then_three: Path
) -> None:  # type: ignore[no-untyped-def]
    assert cli("restore", str(two_then_three)).code == 0
    assert cli("add", "Delta", "--expect", "2026-12-01").code == 0
    done = cli("restore", str(two_then_three))  # the same instant: the cli fixture's
    assert done.code == 0, done.err
    first = db_path.with_name("followup.db.20261129T170000Z.bak")
    second = db_path.with_name("followup.db.20261129T170000Z-2.bak")
    assert f"saved as {second};" in done.out
    assert (companies(first), companies(second)) == (
        ["Acme", "Beta", "Gamma"],
        ["Acme", "Beta", "Delta"],
    )
    assert os.stat(second).st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("names", "newest"),
    [
        (["20261128T120000Z", "20261128T120000Z-2"], "20261128T120000Z-2"),
        (["20261128T120000Z-2", "20261128T120000Z-10"], "20261128T120000Z-10"),
        (["20261128T120000Z-3", "20261128T120001Z"], "20261128T120001Z"),
    ],
)
def test_the_newest_backup_counts_the_backups_of_one_second(
    tmp_path: Path, names: list[str], newest: str
) -> None:
    for name in names:
        (tmp_path / f"followup.db.{name}.bak").touch()
    assert newest_backup(tmp_path / "followup.db") == tmp_path / f"followup.db.{newest}.bak"


@pytest.mark.own_store
def test_a_damaged_store_is_restored_over(cli, db_path: Path, two_then_three: Path) -> None:  # type: ignore[no-untyped-def]
    """Pages 4 to 6 of the store overwritten: the store is refused as damaged, and naming
    a backup is the way out."""
    data = bytearray(db_path.read_bytes())
    data[3 * 4096 : 6 * 4096] = b"\xab" * (3 * 4096)
    db_path.write_bytes(bytes(data))
    assert "is damaged" in cli("list").err
    done = cli("restore", str(two_then_three))
    assert done.code == 0, done.err
    assert companies(db_path) == ["Acme", "Beta"]
    assert cli("add", "Delta", "--expect", "2026-12-01").code == 0


def ctrl_c_while_restoring(
    monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:  # a real SIGINT to this process
    from followup.store import interrupt
    from followup.store import restore as restoring

    def send() -> None:
        os.kill(os.getpid(), signal.SIGINT)

    if moment == "before the commit":
        keep = restoring._keep_showings

        def keep_then_ctrl_c(*args: Any) -> None:
            keep(*args)
            send()

        monkeypatch.setattr(restoring, "_keep_showings", keep_then_ctrl_c)
        return

    @contextmanager
    def held_then_ctrl_c() -> Iterator[None]:
        with interrupt.held():
            send()
            yield

    monkeypatch.setattr(restoring, "interrupt", SimpleNamespace(held=held_then_ctrl_c))


@pytest.mark.own_store
@pytest.mark.parametrize(
    ("moment", "said", "held"),
    [
        ("before the commit", "interrupted: nothing was changed\n", ["Acme", "Beta", "Gamma"]),
        ("while the commit runs", "interrupted: the change was already saved\n", ["Acme", "Beta"]),
    ],
)
def test_ctrl_c_during_a_restore_says_whether_the_store_was_replaced(
    cli,
    db_path: Path,
    two_then_three: Path,
    monkeypatch: pytest.MonkeyPatch,
    moment: str,
    said: str,
    held: list[str],
) -> None:  # type: ignore[no-untyped-def]
    ctrl_c_while_restoring(monkeypatch, moment)
    done = cli("restore", str(two_then_three))
    assert (done.code, done.out, done.err) == (130, "", said)
    assert companies(db_path) == held


@pytest.mark.own_store
@pytest.mark.parametrize(
    ("content", "code", "says"),
    [
        (b"SQLite format 3\x00" + b"\x00" * 200, 1, "is not a followup database backup"),
        (b"not a backup at all", 2, "bad.bak is not a backup"),
        (b"", 2, "bad.bak is not a backup"),
    ],
    ids=["damaged sqlite", "text", "empty"],
)
def test_a_backup_that_is_not_one_is_refused_and_the_store_left_alone(
    cli, db_path: Path, two_then_three: Path, tmp_path: Path, content: bytes, code: int, says: str
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.bak"
    bad.write_bytes(content)
    before = db_path.read_bytes()
    done = cli("restore", str(bad))
    assert (done.code, done.out) == (code, "")
    assert done.err.startswith("error: ") and says in done.err and done.err.count("\n") == 1
    assert db_path.read_bytes() == before
    assert list(db_path.parent.glob("*.bak")) == []


@pytest.mark.own_store
def test_a_backup_from_a_newer_followup_is_refused(
    cli, db_path: Path, two_then_three: Path
) -> None:  # type: ignore[no-untyped-def]
    with closing(sqlite3.connect(two_then_three)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    done = cli("restore", str(two_then_three))
    assert done.code == 1
    assert "schema '9999', newer than this followup knows" in done.err
    assert companies(db_path) == ["Acme", "Beta", "Gamma"]


def test_restore_with_a_store_on_a_server_says_how_instead(
    cli, config_file: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    config_file.write_text('[store]\nurl = "postgresql+psycopg://127.0.0.1:1/none"\n')
    done = cli("restore", str(tmp_path / "x.bak"))
    assert done.code == 2
    assert "restore replaces an SQLite store file" in done.err


# -- a full disk -------------------------------------------------------------------------


@pytest.fixture
def full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """A home on a 1 MiB tmpfs holding a store of two interviews, then filled to its last
    byte (and the store closed, as after any command: no -wal, no -shm beside it)."""
    if os.geteuid() != 0:
        pytest.fail("mounting a tmpfs needs root (the CI runs the tests as root)")
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        home = mount / "home"
        for var, sub in (
            ("HOME", ""),
            ("XDG_CONFIG_HOME", ".config"),
            ("XDG_DATA_HOME", ".local/share"),
            ("XDG_STATE_HOME", ".local/state"),
            ("XDG_CACHE_HOME", ".cache"),
        ):
            monkeypatch.setenv(var, str(home / sub))
        assert cli("init", "--country", "US").code == 0
        for company in ("Acme", "Beta"):
            assert cli("add", company, "--expect", "2026-12-01").code == 0
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            for size in (1 << 16, 4096, 512, 1):
                while True:
                    try:
                        os.write(fd, b"\0" * size)
                    except OSError:
                        break
        finally:
            os.close(fd)
        assert os.statvfs(mount).f_bavail == 0
        yield home / ".local/share/followup/followup.db"
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.system  # mounts a small tmpfs
@pytest.mark.own_store
@pytest.mark.parametrize(
    ("args", "shows"),
    [
        (("list",), "Beta"),
        (("show", "1"), "Acme"),
        (("upcoming",), "Beta"),
        (("status",), "next reminder:"),
        (("export", "--format", "json"), '"company": "Beta"'),
        (("history", "2"), "created     company=Beta"),
    ],
)
def test_every_reading_command_answers_on_a_full_disk(
    cli, full_disk: Path, args: tuple[str, ...], shows: str
) -> None:  # type: ignore[no-untyped-def]
    done = cli(*args)
    assert done.code == 0, done.err
    assert shows in done.out


@pytest.mark.system  # mounts a small tmpfs
@pytest.mark.own_store
@pytest.mark.parametrize(
    "args",
    [("add", "Gamma", "--expect", "2026-12-01"), ("emailed", "1"), ("delete", "2", "--yes")],
)
def test_a_write_on_a_full_disk_says_disk_full_with_the_path(
    cli, full_disk: Path, args: tuple[str, ...]
) -> None:  # type: ignore[no-untyped-def]
    before = full_disk.read_bytes()
    done = cli(*args)
    assert done.code == 1
    assert done.err.splitlines()[-1] == (
        f"error: the disk holding the database {full_disk} is full (0 KiB free); "
        "nothing was written"
    )
    assert full_disk.read_bytes() == before


# -- where the backup is ---------------------------------------------------------------


@pytest.mark.own_store
def test_restoring_leaves_nothing_beside_the_backup(
    cli, db_path: Path, two_then_three: Path
) -> None:  # type: ignore[no-untyped-def]
    backup = two_then_three.parent / "backups" / two_then_three.name
    backup.parent.mkdir()
    two_then_three.rename(backup)
    assert cli("restore", str(backup)).code == 0
    assert [p.name for p in backup.parent.iterdir()] == [backup.name]


@pytest.mark.own_store
def test_the_commits_in_a_backups_wal_file_are_restored(
    cli, db_path: Path, two_then_three: Path
) -> None:  # type: ignore[no-untyped-def]
    """A backup copied as two files, ``NAME`` and ``NAME-wal``, with a commit in the
    second only."""
    copy = two_then_three.with_name("copied.db")
    with closing(sqlite3.connect(two_then_three)) as conn:
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        with conn:
            conn.execute("UPDATE interviews SET company = 'Acme Ltd' WHERE id = 1")
        for suffix in ("", "-wal"):
            Path(f"{copy}{suffix}").write_bytes(Path(f"{two_then_three}{suffix}").read_bytes())
    assert cli("restore", str(copy)).code == 0
    assert companies(db_path) == ["Acme Ltd", "Beta"]


@pytest.mark.system  # mounts a small tmpfs
@pytest.mark.own_store
def test_a_backup_on_a_read_only_disk_is_restored(
    cli, db_path: Path, two_then_three: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    if os.geteuid() != 0:
        pytest.fail("mounting a tmpfs needs root (the CI runs the tests as root)")
    mount = tmp_path / "stick"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        backup = mount / two_then_three.name
        backup.write_bytes(two_then_three.read_bytes())
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        done = cli("restore", str(backup))
        assert done.code == 0, done.err
        assert companies(db_path) == ["Acme", "Beta"]
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
