"""Opening the database: engine, sessions, the schema check and each dialect's concurrency
settings.

The CLI and the daemon use one store at the same time, and so do several machines sharing a
PostgreSQL database. Every write transaction is serialised against every other, the way
SQLite does by itself, so that a read-then-write in one transaction never races another:

- SQLite: WAL lets readers run beside a writer; every write transaction starts with
  ``BEGIN IMMEDIATE`` so that it takes the write lock up front and waits (busy timeout)
  instead of failing with "database is locked" when it would otherwise upgrade a read lock
  after another process committed.
- PostgreSQL: every write transaction first takes one transaction-scoped advisory lock
  (``pg_advisory_xact_lock``), released at commit or rollback; readers never wait for it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session

from followup.errors import StoreError

#: The newest migration; the schema check compares against it without importing Alembic,
#: which costs more start-up time than a listing may take. A test keeps it in step.
HEAD_REVISION = "0002"
BUSY_TIMEOUT_S = 30
#: The key of the PostgreSQL advisory lock every write transaction takes ("followup" in ASCII).
WRITE_LOCK_KEY = 0x666F6C6C6F777570
#: The PostgreSQL channel every write transaction notifies at commit (``LISTEN``/``NOTIFY``),
#: so that daemons on other machines re-plan without polling.
CHANGE_CHANNEL = "followup_changes"


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def prepare_sqlite_file(path: Path) -> None:
    """Create the folder (0700) and an empty file (0600): it holds names and emails."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise StoreError(f"cannot create the database {path}: {exc.strerror}") from None


def _make_engine(url: str) -> Engine:
    try:
        if _sqlite_path(url) is None and not url.startswith("sqlite"):
            return _server_engine(url)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
    except (ArgumentError, NoSuchModuleError) as exc:
        raise StoreError(f"store.url {url!r} is not a usable database URL: {exc}") from None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's events issue BEGIN themselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _server_engine(url: str) -> Engine:
    """An engine for a database server; connections are checked before use, so that a
    restarted server is reconnected. On PostgreSQL, a write transaction takes the advisory
    lock first and sends a change notice (``NOTIFY``, delivered only if it commits)."""
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name != "postgresql":
        return engine

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("immediate", False):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
            conn.exec_driver_sql(f"NOTIFY {CHANGE_CHANNEL}")

    return engine


def read_revision(conn: Connection) -> str | None:
    """The schema's Alembic revision, or None for a database with no schema yet.

    Asks the catalogue whether ``alembic_version`` exists rather than reading it and catching
    the error: on PostgreSQL a failed statement aborts the whole transaction.
    """
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def move_id_sequence(session: Session, table: str) -> None:
    """After rows were inserted with explicit ids (a restored backup keeps its ids), move
    ``table``'s id sequence past the largest id, so that the next insert does not collide.

    SQLite needs nothing: its next rowid is always one past the largest. PostgreSQL's
    sequence does not see explicit ids (``setval``; its third argument false when the table
    is empty, so that the next id is 1).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table}"
        )
    )


class Database:
    """An open store: hands out read and write sessions and keeps the schema current."""

    def __init__(self, url: str, *, upgrade: bool = True) -> None:
        self.url = url
        self.path = _sqlite_path(url)
        if self.path is not None:
            prepare_sqlite_file(self.path)
        self.engine = _make_engine(url)
        self._writer = self.engine.execution_options(immediate=True)
        if upgrade:
            self.ensure_schema()

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One short write transaction, committed on success, rolled back on any error."""
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    def revision(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                return read_revision(conn)
        except DBAPIError as exc:
            raise StoreError(f"cannot open the database {self.url}: {exc.orig}") from None

    def ensure_schema(self) -> None:
        """Create or upgrade the schema through the migrations when it is not the newest.

        A database made by a newer followup is refused rather than written to.
        """
        current = self.revision()
        if current == HEAD_REVISION:
            return
        from followup.store import migrate

        if current is not None and current not in migrate.known_revisions():
            raise StoreError(
                f"the database {self.url} has schema {current!r}, newer than this followup "
                "knows; upgrade followup"
            )
        migrate.upgrade(self, backup_first=current is not None)

    def backup(self, now: datetime) -> Path | None:
        """Copy the SQLite file to a timestamped file beside it (consistent under WAL)."""
        if self.path is None:
            return None
        target = self.path.with_name(f"{self.path.name}.{now:%Y%m%dT%H%M%S}.bak")
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
        with sqlite3.connect(self.path) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        return target

    def data_version(self, conn: Connection) -> int:
        """SQLite's counter of commits by other connections (the daemon's change check)."""
        return int(conn.exec_driver_sql("PRAGMA data_version").scalar() or 0)
