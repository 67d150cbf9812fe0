"""Fixtures shared by every test: an isolated home, the CLI run in-process, and the stores
(the default SQLite file, and a fresh database on one PostgreSQL cluster per session)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from followup.cli import main
from followup.cli.environment import Environment
from tests.support.postgres import PostgresCluster


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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``--store postgresql``, only the tests that reach the default store (through
    :data:`_STORE_FIXTURES`) are collected, less the ones that pick their own store
    (``own_store`` marker): those, and the rest, run in the SQLite pass."""
    if config.getoption("--store") == "sqlite":
        return
    kept = [
        item
        for item in items
        if item.get_closest_marker("own_store") is None
        and _STORE_FIXTURES & set(getattr(item, "fixturenames", ()))
    ]
    config.hook.pytest_deselected(items=[i for i in items if i not in kept])
    items[:] = kept


@pytest.fixture(autouse=True)
def home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Path]:
    """Every test gets its own config, data and state folders (so its own machine), a US
    locale and a fixed zone; with
    ``--store postgresql``, the default store is a fresh PostgreSQL database instead of the
    SQLite file in the data folder."""
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
        url = request.getfixturevalue("postgres").create_database()
        monkeypatch.setattr("followup.paths.default_store_url", lambda _env: url)
        monkeypatch.setattr("tests.support.specs.SERVER_STORE", url)
    yield home


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
        url = request.getfixturevalue("postgres").create_database()
    config_file.write_text(f'[store]\nurl = "{url}"\n')
    return str(url)
