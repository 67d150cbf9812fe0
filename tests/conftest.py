"""Fixtures shared by every test: an isolated home, the CLI run in-process, and the stores
(the default SQLite file, and a fresh database on one PostgreSQL cluster per session)."""

from __future__ import annotations

import _posixsubprocess
import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from followup.cli import main
from followup.cli.environment import Environment
from followup.store import Database
from tests.support.dovecot import Dovecot
from tests.support.postgres import PostgresCluster

#: The fixtures of the tests that run the daemon as a process, in tests/daemon and tests/channels.
pytest_plugins = ["tests.support.daemon_fixtures"]


@dataclass
class Result:
    code: int
    out: str
    err: str


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the default store of every in-process command: the SQLite file in the data "
        "folder, or a fresh database on a throwaway PostgreSQL cluster",
    )


#: The fixtures through which a test reaches the default store: the in-process CLI, and the
#: store's file and config.
_STORE_FIXTURES = frozenset({"cli", "db_path", "config_file"})

#: The fixtures that start a real server or a process beyond pytest's: a test that uses one
#: (directly or through another fixture) is marked ``system``. A test that starts a process
#: itself carries the mark explicitly; :func:`_processes_only_in_system_tests` fails any
#: other test that starts one.
SYSTEM_FIXTURES = frozenset(
    {
        # a private D-Bus session bus (every daemon, notification server and desktop)
        "bus",
        "laptop_bus",
        # an X screen (Xvfb), under dunst and xfce4-notifyd
        "xvfb",
        # a systemd user manager, or a stand-in systemctl the CLI runs
        "make_user_manager",
        "user_manager",
        "no_user_manager",
        # the session's PostgreSQL cluster
        "postgres",
        # Dovecot
        "dovecot_server",
        "tls_dovecot_server",
        "own_dovecot",
        # zsh for completion
        "zsh",
        # a wheel built and installed into a virtual environment
        "wheels",
        "installed",
        "without_manager",
        "wheel_venv",
        # a tmpfs mounted for a full or read-only disk
        "mounted",
    }
)


def _is_system(item: pytest.Item) -> bool:
    """Whether ``item`` starts a server or a process: its own mark, one of
    :data:`SYSTEM_FIXTURES`, or the PostgreSQL side of the ``store_url`` pair."""
    if item.get_closest_marker("system") is not None:
        return True
    if SYSTEM_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    callspec = getattr(item, "callspec", None)
    return callspec is not None and callspec.params.get("store_url") == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test that starts a server or a process gets the ``system`` marker (so that
    ``-m "not system"`` is the quick tier). With ``--store postgresql``, only the tests that
    reach the default store (through :data:`_STORE_FIXTURES`) are collected, less the ones
    that pick their own store (``own_store`` marker): those, and the rest, run in the SQLite
    pass; every one of them is ``system`` (its store is the PostgreSQL server)."""
    postgresql = config.getoption("--store") == "postgresql"
    for item in items:
        if postgresql or _is_system(item):
            item.add_marker(pytest.mark.system)
    if not postgresql:
        return
    kept = [
        item
        for item in items
        if item.get_closest_marker("own_store") is None
        and _STORE_FIXTURES & set(getattr(item, "fixturenames", ()))
    ]
    config.hook.pytest_deselected(items=[i for i in items if i not in kept])
    items[:] = kept


#: Programs any test may start: the C library's lookup that :mod:`ctypes.util` runs to find
#: libc for the store's inotify watch, a helper of the standard library rather than a
#: program or server under test.
ALLOWED_PROGRAMS = frozenset({"ldconfig"})


@pytest.fixture(autouse=True)
def _processes_only_in_system_tests(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test not marked ``system`` that starts a process (but :data:`ALLOWED_PROGRAMS`)
    fails, naming the program: the quick tier (``-m "not system"``) must start none."""
    if request.node.get_closest_marker("system") is not None:
        return

    def guarded(real: Callable[..., Any]) -> Callable[..., Any]:
        def refuse(*args: object, **kwargs: object) -> Any:
            program = _program(args)
            if os.path.basename(program.split(" ")[0]) in ALLOWED_PROGRAMS:
                return real(*args, **kwargs)
            raise AssertionError(
                f"{request.node.nodeid} starts a process ({program}): mark it "
                "@pytest.mark.system, or give it a fixture of tests/conftest.py's "
                "SYSTEM_FIXTURES"
            )

        return refuse

    for module, name in (
        (_posixsubprocess, "fork_exec"),
        (subprocess, "_fork_exec"),
        *((os, name) for name in ("fork", "forkpty", "posix_spawn", "posix_spawnp", "system")),
    ):
        monkeypatch.setattr(module, name, guarded(getattr(module, name)))


def _program(args: tuple[object, ...]) -> str:
    """The program a refused ``fork_exec`` or ``posix_spawn`` was asked to run."""
    for arg in args:
        if isinstance(arg, bytes | str):
            return os.fsdecode(arg)
        if isinstance(arg, list | tuple) and arg and isinstance(arg[0], bytes | str):
            return " ".join(os.fsdecode(a) for a in arg if isinstance(a, bytes | str))
    return "a fork"


@pytest.fixture(autouse=True)
def home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Path]:
    """Every test gets its own config, data and state folders (so its own machine), a US
    locale and a fixed zone; with ``--store postgresql``, the default store is a PostgreSQL
    database instead of the SQLite file in the data folder: the session's reusable one,
    emptied, or for a test of the migrations a new empty one."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_TIME", raising=False)
    monkeypatch.setenv("TZ", "America/New_York")
    monkeypatch.delenv("FOLLOWUP_CONFIG", raising=False)
    if request.config.getoption("--store") == "postgresql":
        cluster = request.getfixturevalue("postgres")
        url = cluster.emptied_database() if _template_ok(request) else cluster.create_database()
        monkeypatch.setattr("followup.paths.default_store_url", lambda _env: url)
        monkeypatch.setattr("tests.support.specs.SERVER_STORE", url)
    yield home


def _template_ok(request: pytest.FixtureRequest) -> bool:
    """Whether the test's new stores may be copies of the migrated template (not for the
    tests marked ``migrations``, which watch the migrations make them)."""
    return request.node.get_closest_marker("migrations") is None


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite store made once per session by the product's own code (:class:`Database`,
    which runs every Alembic migration), its write-ahead log folded into the file."""
    path = tmp_path_factory.mktemp("template") / "followup.db"
    Database(f"sqlite:///{path}").close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(autouse=True)
def _new_stores_from_the_template(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new SQLite store (a file without a table) gets the schema as a page-by-page copy of
    :func:`migrated_sqlite` instead of running the six migrations again: the same file,
    in a fraction of the time. Every other store (an older schema, a newer one, a file that
    is not a store) takes the product's path; so does every store of a test marked
    ``migrations`` (tests/store/test_migrations.py and its kin watch that path)."""
    if not _template_ok(request):
        return
    template: Path = request.getfixturevalue("migrated_sqlite")
    ensure_schema = Database.ensure_schema

    def from_template(db: Database) -> None:
        if db.path is not None:
            with db.engine.connect() as conn:
                raw = conn.connection.driver_connection
                assert isinstance(raw, sqlite3.Connection)
                if raw.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,):
                    with closing(sqlite3.connect(template)) as source:
                        source.backup(raw)
                    return
        ensure_schema(db)

    monkeypatch.setattr(Database, "ensure_schema", from_template)


@pytest.fixture
def db_path(home: Path) -> Path:
    return home / ".local/share/followup/followup.db"


@pytest.fixture
def config_file(home: Path) -> Path:
    path = home / ".config/followup/config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


#: The instant every in-process CLI run happens at (Sun 29 Nov 2026, 12:00 in New York),
#: so that no output depends on the day the tests run.
CLI_NOW = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)


@pytest.fixture
def cli_now() -> datetime:
    """The instant the ``cli`` fixture runs commands at; a test module may override it."""
    return CLI_NOW


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], cli_now: datetime):  # type: ignore[no-untyped-def]
    """Run ``followup ARGS...`` in this process at ``cli_now`` (or at ``at=``), in the
    process's environment as the test left it (its captured streams, its variables);
    returns exit code, stdout and stderr."""

    def run(*args: str, at: datetime | None = None) -> Result:
        code = main(list(args), Environment(), lambda: at or cli_now)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """One throwaway PostgreSQL cluster for the whole run (``initdb`` takes seconds)."""
    with PostgresCluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, db_path: Path, config_file: Path) -> str:
    """The store a test runs against, once per dialect: the default SQLite file, or a fresh
    database on the session's PostgreSQL cluster. The config file points ``store.url`` at it,
    so the CLI and the daemon use it too."""
    if request.param == "sqlite":
        url = f"sqlite:///{db_path}"
    else:
        url = request.getfixturevalue("postgres").create_database(migrated=_template_ok(request))
    config_file.write_text(f'[store]\nurl = "{url}"\n')
    return str(url)


@pytest.fixture(scope="module")
def dovecot_server() -> Iterator[Dovecot]:
    """One Dovecot for a test module (each test gets a mailbox of its own: ``dovecot``)."""
    server = Dovecot.start()
    yield server
    server.remove()


@pytest.fixture
def dovecot(dovecot_server: Dovecot) -> Dovecot:
    """A user of its own on the module's Dovecot: an empty INBOX and Sent."""
    return dovecot_server.mailbox()


@pytest.fixture(scope="module")
def tls_dovecot_server() -> Iterator[Dovecot]:
    """One Dovecot with a self-signed certificate for a test module."""
    server = Dovecot.start(tls=True)
    yield server
    server.remove()


@pytest.fixture
def tls_dovecot(tls_dovecot_server: Dovecot) -> Dovecot:
    """A user of its own on the module's Dovecot with TLS."""
    return tls_dovecot_server.mailbox()


@pytest.fixture
def own_dovecot() -> Iterator[Dovecot]:
    """A Dovecot for this test alone, for a test that stops it."""
    server = Dovecot.start()
    yield server
    server.remove()
