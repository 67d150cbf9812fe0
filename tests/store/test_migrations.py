"""The schema comes only from the Alembic migrations: they make exactly the models' tables, an
old database is upgraded (after a backup) by the first command, a newer one is refused, and the
migrations are found both in a source checkout and in an installed wheel."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import followup
from followup.store import HEAD_REVISION, Database, migrate
from followup.store.models import Base
from tests.conftest import CLI_NOW

#: These tests open, inspect or damage their SQLite file, or pick their own store.
pytestmark = [pytest.mark.own_store, pytest.mark.migrations]

REPO = Path(__file__).resolve().parent.parent.parent
BACKUP_NAME = re.compile(r"followup\.db\.(\d{8}T\d{6}Z)\.bak")

#: Rows as a database made by migration 0001 holds them (no plan columns, no ledger).
OLD_INTERVIEWS = [
    (1, "Acme", "Engineer", "2026-11-23", "waiting", "2026-11-20 20:00:00.000000"),
    (2, "Globex", None, "2026-11-16", "emailed", "2026-11-13 15:30:00.000000"),
]
OLD_EVENTS = [
    (1, 1, "created", "2026-11-20 20:00:00.000000", '{"company": "Acme"}'),
    (2, 2, "created", "2026-11-13 15:30:00.000000", '{"company": "Globex"}'),
    (3, 2, "emailed", "2026-11-19 14:00:00.000000", '{"on": "2026-11-19"}'),
]


def snapshot(path: Path) -> list[str]:
    """Every row of every table, for "nothing changed" checks."""
    with closing(sqlite3.connect(path)) as conn:
        return list(conn.iterdump())


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def backups(folder: Path) -> list[Path]:
    return sorted(folder.glob("followup.db.*.bak"))


@pytest.fixture
def old_database(db_path: Path) -> Path:
    """``followup.db`` as the first release left it: schema 0001 with two interviews."""
    db = Database(f"sqlite:///{db_path}", upgrade=False)
    migrate.upgrade(db, backup_first=False, target="0001")
    db.close()
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.executemany(
            "INSERT INTO interviews (id, company, role, reply_expected_on, status, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*row, row[-1]) for row in OLD_INTERVIEWS],
        )
        conn.executemany(
            "INSERT INTO events (id, interview_id, kind, at, details) VALUES (?, ?, ?, ?, ?)",
            OLD_EVENTS,
        )
        conn.execute("UPDATE interviews SET emailed_on = '2026-11-19' WHERE id = 2")
    return db_path


OLD_INTERVIEWS_SQL = (
    "SELECT id, company, role, reply_expected_on, status, created_at FROM interviews ORDER BY id"
)
OLD_EVENTS_SQL = "SELECT id, interview_id, kind, at, details FROM events ORDER BY id"


# -- models and migrations agree ----------------------------------------------------------------


@pytest.fixture
def new_database(db_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{db_path}")
    yield db
    db.close()


def test_head_revision_is_the_newest_migration() -> None:
    assert migrate.script_head() == HEAD_REVISION


def test_an_empty_database_is_migrated_to_the_head(new_database: Database) -> None:
    assert new_database.revision() == HEAD_REVISION


def test_the_migrations_make_exactly_the_tables_of_the_models(new_database: Database) -> None:
    tables = set(inspect(new_database.engine).get_table_names())
    assert tables == {*Base.metadata.tables, "alembic_version"}


@pytest.mark.parametrize("table", sorted(Base.metadata.tables))
def test_the_migrations_make_each_table_with_the_models_columns(
    new_database: Database, table: str
) -> None:
    migrated = [
        (c["name"], str(c["type"]), c["nullable"], bool(c["primary_key"]))
        for c in inspect(new_database.engine).get_columns(table)
    ]
    modelled = [
        (c.name, str(c.type), c.nullable, c.primary_key)
        for c in Base.metadata.tables[table].columns
    ]
    assert migrated == modelled


def test_alembic_autogenerate_finds_nothing_to_migrate(new_database: Database) -> None:
    """Indexes, foreign keys and unique constraints too: the models are the newest migration."""
    with new_database.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_a_new_database_is_not_backed_up(new_database: Database, db_path: Path) -> None:
    assert backups(db_path.parent) == []


# -- an old database is upgraded by the first command --------------------------------------------


def test_the_first_command_upgrades_an_old_database_with_its_rows_intact(
    old_database: Path, cli
) -> None:
    result = cli("list")

    assert (result.code, result.err) == (0, "")
    assert query(old_database, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
    assert query(old_database, OLD_INTERVIEWS_SQL) == OLD_INTERVIEWS
    assert query(old_database, OLD_EVENTS_SQL) == OLD_EVENTS
    assert query(old_database, "SELECT count(*) FROM shown_reminders") == [(0,)]
    # Planned as usual: Acme expected Mon 2026-11-23 -> email Fri 2026-11-27 (Thanksgiving);
    # Globex emailed Thu 2026-11-19 -> Fri 20, Mon 23 .. Wed 25, Fri 27 pass: Mon 2026-11-30.
    assert [line.split()[:2] for line in result.out.splitlines()[1:]] == [
        ["1", "Acme"],
        ["2", "Globex"],
    ]
    assert "email, Fri 27 Nov 2026 09:00 EST" in result.out
    assert "move on, Mon 30 Nov 2026 09:00 EST" in result.out


def test_the_upgrade_leaves_a_private_timestamped_backup_of_the_old_database(
    old_database: Path, cli
) -> None:
    before = snapshot(old_database)

    assert cli("list").code == 0

    (backup,) = backups(old_database.parent)
    stamp = BACKUP_NAME.fullmatch(backup.name)
    assert stamp is not None, backup.name
    assert stamp[1] == f"{CLI_NOW:%Y%m%dT%H%M%S}Z"  # the command's own clock, in UTC
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert snapshot(backup) == before
    assert query(backup, "SELECT version_num FROM alembic_version") == [("0001",)]


def test_an_upgraded_database_is_not_backed_up_again(old_database: Path, cli) -> None:
    assert cli("list").code == 0
    assert cli("add", "Initech", "--expect", "2026-11-30").code == 0
    assert cli("list").code == 0
    assert len(backups(old_database.parent)) == 1


@pytest.mark.parametrize(
    "command",
    [("list",), ("add", "Initech", "--expect", "2026-11-30")],
    ids=["list", "add"],
)
def test_a_database_from_a_newer_followup_is_refused_and_left_alone(
    old_database: Path, cli, command: tuple[str, ...]
) -> None:
    with closing(sqlite3.connect(old_database)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    before = snapshot(old_database)

    result = cli(*command)

    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"error: the database {old_database} has schema '0099', "
        "newer than this followup knows; upgrade followup\n"
    )
    assert snapshot(old_database) == before
    assert backups(old_database.parent) == []


# -- where the migrations are found -------------------------------------------------------------


def test_a_source_checkout_uses_its_top_level_migrations() -> None:
    assert Path(followup.__file__).resolve().is_relative_to(REPO / "src")  # the editable install
    assert migrate.migrations_dir() == REPO / "migrations"


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel built from this checkout and its dependencies (built once)."""
    root = tmp_path_factory.mktemp("wheel")
    dist, venv = root / "dist", root / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def run(*args: str | Path) -> None:
        done = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"

    run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, REPO)
    (wheel,) = dist.glob("followup-*.whl")
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin/python", "-m", "pip", "install", "--quiet", wheel)
    return venv


def test_an_installed_wheel_carries_its_migrations_and_works(
    wheel_venv: Path, tmp_path: Path
) -> None:
    data = tmp_path / "empty-data"
    data.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["XDG_DATA_HOME"] = str(data)

    def followup_(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [wheel_venv / "bin/followup", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )

    added = followup_("add", "Acme", "--expect", "2026-11-23")
    assert (added.returncode, added.stderr) == (0, "")
    assert added.stdout.startswith("Added interview 1: Acme.\n")
    listed = followup_("list")
    assert (listed.returncode, listed.stderr) == (0, "")
    assert listed.stdout.splitlines()[1].split()[:2] == ["1", "Acme"]
    assert "email, Fri 27 Nov 2026 09:00 EST" in listed.stdout
    assert query(data / "followup/followup.db", "SELECT version_num FROM alembic_version") == [
        (HEAD_REVISION,)
    ]

    where = subprocess.run(
        [
            wheel_venv / "bin/python",
            "-c",
            "import json, sysconfig, followup; from followup.store.migrate import migrations_dir;"
            "print(json.dumps([sysconfig.get_paths()['purelib'], followup.__file__,"
            " str(migrations_dir())]))",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    site, package, migrations = map(Path, json.loads(where.stdout))
    assert Path(package).is_relative_to(site / "followup")
    assert migrations == site / "followup/migrations"
    assert (migrations / "env.py").is_file()
    assert sorted(p.name for p in (migrations / "versions").glob("*.py")) == sorted(
        p.name for p in (REPO / "migrations/versions").glob("*.py")
    )
