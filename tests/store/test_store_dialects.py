"""The same store on SQLite and on a real PostgreSQL server: an empty database gets its schema
from the first command, the migrations run both ways, a restored backup keeps its ids and the
next interview gets the next one, and concurrent writers all land."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from followup.store import Database, migrate
from followup.store.revision import read_revision
from tests.conftest import Result
from tests.support.specs import url_rows as rows

#: Each test runs on both stores through the ``store_url`` fixture: once is enough.
pytestmark = [pytest.mark.own_store, pytest.mark.migrations]

TABLES = {"alembic_version", "events", "interviews", "shown_reminders"}


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_the_first_command_on_an_empty_database_makes_the_schema(store_url: str, cli) -> None:  # type: ignore[no-untyped-def]
    result: Result = cli("list")
    assert (result.code, result.err) == (0, "")
    assert tables(store_url) >= TABLES
    assert rows(store_url, "SELECT version_num FROM alembic_version") == [(migrate.script_head(),)]


def test_the_migrations_run_down_and_up_again(store_url: str) -> None:
    db = Database(store_url)
    try:
        cfg = migrate.alembic_config(store_url)
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        assert tables(store_url) == {"alembic_version"}
        with db.engine.connect() as conn:
            assert read_revision(conn) is None
        migrate.upgrade(db, backup_first=False)
        assert tables(store_url) >= TABLES
        assert db.revision() == migrate.script_head()
    finally:
        db.close()


def test_a_restored_backup_keeps_its_ids_and_the_next_add_follows_them(  # type: ignore[no-untyped-def]
    store_url: str, cli, tmp_path: Path
) -> None:
    for company in ("Acme", "Globex", "Initech"):
        assert cli("add", company, "--expect", "2026-11-23").code == 0
    assert cli("delete", "2", "--yes").code == 0
    backup = tmp_path / "backup.json"
    assert cli("export", "-o", str(backup)).code == 0
    assert [i["id"] for i in json.loads(backup.read_text())["interviews"]] == [1, 3]

    fresh = tmp_path / "fresh.toml"
    fresh_url = (
        f"sqlite:///{tmp_path / 'fresh.db'}"
        if store_url.startswith("sqlite")
        else store_url.rsplit("/", 1)[0] + "/" + _new_database(store_url)
    )
    fresh.write_text(f'[store]\nurl = "{fresh_url}"\n')
    assert cli("--config", str(fresh), "import", str(backup)).code == 0
    added = cli("--config", str(fresh), "add", "Hooli", "--expect", "2026-11-23")
    assert (added.code, added.err) == (0, "")
    assert "Added interview 4: Hooli." in added.out
    assert rows(fresh_url, "SELECT id, company FROM interviews ORDER BY id") == [
        (1, "Acme"),
        (3, "Initech"),
        (4, "Hooli"),
    ]


def _new_database(url: str) -> str:
    """A second, empty database on the same PostgreSQL server as ``url``."""
    name = "restored"
    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    finally:
        admin.dispose()
    return name


#: One process adding ``count`` interviews through ``followup.cli.main``; it waits for its
#: standard input to close so that every process starts writing at the same moment.
LOOP = """
import sys
from followup.cli import main

worker, count = sys.argv[1], int(sys.argv[2])
sys.stdin.read()
codes = [main(["add", f"{worker}-{i}", "--expect", "2026-11-23"]) for i in range(count)]
sys.exit(max(codes))
"""


@pytest.mark.system
@pytest.mark.parametrize("workers, each", [(4, 50)])
def test_concurrent_adds_from_several_processes_all_land(
    store_url: str, config_file: Path, workers: int, each: int
) -> None:
    env = {**os.environ, "FOLLOWUP_CONFIG": str(config_file)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", LOOP, f"w{n}", str(each)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(workers)
    ]
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.close()
    results = [(p.wait(timeout=600), p.stderr.read() if p.stderr else "") for p in procs]
    for proc in procs:
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    assert results == [(0, "")] * workers
    total = workers * each
    assert rows(store_url, "SELECT count(*), count(DISTINCT company) FROM interviews") == [
        (total, total)
    ]
    assert rows(store_url, "SELECT min(id), max(id) FROM interviews") == [(1, total)]
    assert rows(store_url, "SELECT count(*) FROM events WHERE kind = 'created'") == [(total,)]
    assert rows(store_url, "SELECT count(*) FROM alembic_version") == [(1,)]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://alex:s3cret@db.example/followup",
        "postgresql+psycopg://alex:@db.example/followup",
        "mysql://root:hunter2@localhost/followup",
    ],
)
def test_a_password_in_the_store_url_is_refused_and_never_printed(  # type: ignore[no-untyped-def]
    cli, config_file: Path, url: str
) -> None:
    config_file.write_text(f'[store]\nurl = "{url}"\n')
    password = url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
    for name in ("list", "config"):
        result = cli(name)
        assert result.code == 1
        assert result.out == ""
        assert result.err == (
            f'error: {config_file}: store.url = "{url.replace(":" + password + "@", ":***@")}": '
            "holds a password; keep it out of the config and let the driver find it "
            "(~/.pgpass, PGPASSWORD or a service file for PostgreSQL)\n"
        )
        assert not password or password not in result.err


def test_postgres_takes_the_password_from_the_environment(  # type: ignore[no-untyped-def]
    postgres, cli, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.create_database()
    config_file.write_text(f'[store]\nurl = "{url}"\n')
    monkeypatch.setenv("PGPASSWORD", "not-needed-by-trust-but-read-by-libpq")
    result = cli("config")
    assert result.code == 0
    assert "PGPASSWORD" not in result.out and "not-needed" not in result.out
    assert f'store.url = "{url}"' in result.out


def test_a_sqlite_store_moves_to_postgresql_with_everything(  # type: ignore[no-untyped-def]
    cli, postgres, config_file: Path, tmp_path: Path
) -> None:
    """The way over docs/howto/machines.md gives: export from SQLite, import with the
    PostgreSQL config; the new store's own export is the same document, ids, history and
    ledger included."""
    ok = lambda *args: _ok(cli(*args))  # noqa: E731
    ok("add", "Acme", "--expect", "2026-11-23", "--contact", "Dana Chen", "--role", "Engineer")
    ok("add", "Globex", "--expect", "2026-11-16")
    ok("add", "Initech", "--expect", "2026-11-18", "--note", "two rounds\nthen a call")
    ok("emailed", "2", "--on", "2026-11-20")
    ok("heard", "3", "--outcome", "rejected", "--on", "2026-11-24")
    ok("snooze", "1", "--days", "2")
    ok("delete", "3", "--yes")
    sqlite_backup = tmp_path / "backup.json"
    ok("export", "-o", str(sqlite_backup))

    pg = tmp_path / "pg.toml"
    pg.write_text(f'[store]\nurl = "{postgres.create_database()}"\n')
    ok("--config", str(pg), "import", str(sqlite_backup))
    pg_backup = tmp_path / "again.json"
    ok("--config", str(pg), "export", "-o", str(pg_backup))

    def document(path: Path) -> dict[str, object]:
        data = json.loads(path.read_text())
        data.pop("exported_at")
        return dict(data)

    assert document(pg_backup) == document(sqlite_backup)
    assert [i["id"] for i in json.loads(pg_backup.read_text())["interviews"]] == [1, 2]
    for args in (("list", "--all"), ("upcoming",), ("history", "1"), ("history", "2")):
        assert ok("--config", str(pg), *args) == ok(*args)
    added = ok("--config", str(pg), "add", "Hooli", "--expect", "2026-11-30")
    assert "Added interview 3: Hooli." in added


def _ok(result: Result) -> str:
    assert (result.code, result.err) == (0, ""), result
    return result.out


@pytest.mark.parametrize(
    "args, field",
    [
        (("add", "A" * 250, "--expect", "2026-11-23"), "company"),
        (("add", "Acme", "--expect", "2026-11-23", "--role", "R" * 201), "role"),
        (("edit", "1", "--contact", "C" * 201), "contact"),
    ],
)
def test_a_value_too_long_is_one_error_line_on_either_store_and_changes_nothing(  # type: ignore[no-untyped-def]
    store_url: str, cli, args: tuple[str, ...], field: str
) -> None:
    _ok(cli("add", "Acme", "--expect", "2026-11-23"))
    before = rows(store_url, "SELECT * FROM interviews ORDER BY id") + rows(
        store_url, "SELECT * FROM events ORDER BY id"
    )
    result = cli(*args)
    assert result.code == 2
    assert result.out == ""
    [line] = result.err.splitlines()
    assert line.startswith("error: ") and "longer than 200 characters" in line, line
    assert "Traceback" not in result.err and "varying" not in result.err
    after = rows(store_url, "SELECT * FROM interviews ORDER BY id") + rows(
        store_url, "SELECT * FROM events ORDER BY id"
    )
    assert after == before
