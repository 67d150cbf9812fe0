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
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session

from followup.cleaning import redact
from followup.errors import StoreError, StoreReplaced
from followup.ownfiles import create_empty
from followup.store import interrupt, sqlitefile

#: The newest migration; the schema check compares against it without importing Alembic,
#: which costs more start-up time than a listing may take. A test keeps it in step.
from followup.store.faults import cause, fault, restore_hint
from followup.store.reading import HEAD_REVISION as HEAD_REVISION
from followup.store.revision import read_revision

#: One transaction, as :meth:`Database.reading` and :meth:`Database.writing` hand it out and
#: the query functions of ``followup/store/`` take it; the lifecycle service only passes it on.
Transaction = Session

#: How long a command waits for another program's write lock before it gives up.
BUSY_TIMEOUT_S = 30
#: The longest single wait inside SQLite's busy handler: the whole wait is made of such
#: slices, retried in Python, because Python runs a signal's handler (Ctrl-C) only between
#: two calls into SQLite, never during one.
BUSY_SLICE_S = 0.1
#: The key of the PostgreSQL advisory lock every write transaction takes ("followup" in ASCII).
WRITE_LOCK_KEY = 0x666F6C6C6F777570
#: The PostgreSQL channel every write transaction notifies at commit (``LISTEN``/``NOTIFY``),
#: so that daemons on other machines re-plan without polling.
CHANGE_CHANNEL = "followup_changes"
#: Free space kept beyond the backup's own size before an upgrade copies the file.
BACKUP_MARGIN_BYTES = 1 << 20
#: Database drivers followup knows how to install: the module, and the pip command.
_DRIVERS = {
    "psycopg": "pip install 'followup[postgres]'",
    "psycopg2": "pip install 'followup[postgres]'",
}


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite ``url``; None for another database or an in-memory one.
    Raises StoreError naming the value when ``url`` is not a database URL at all (not the
    value when it holds an ``@``: it may hold a password)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        shown = "" if "@" in url else f" {url!r}"
        raise StoreError(
            f"store.url{shown} is not a database URL (e.g. sqlite:////home/you/followup.db "
            "or postgresql+psycopg://host/dbname)"
        ) from None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def configured_file_missing(url: str, default_url: str) -> Path | None:
    """The file of ``url`` when it names an SQLite file that does not exist and is not the
    default store (``default_url``, which is made on first use); None otherwise. A file
    named in the config and not there is more likely a typo than a wish for a new, empty
    store. Raises StoreError when ``url`` is not a database URL."""
    path = sqlite_file(url)
    if url == default_url or path is None or path.exists():
        return None
    return path


def describe_url(url: str) -> str:
    """The store as messages name it: the SQLite file's path, else the URL without its
    password."""
    try:
        path = sqlite_file(url)
    except StoreError:
        return "store.url"
    if path is not None:
        return str(path)
    try:
        return redact(make_url(url).render_as_string(hide_password=True))
    except ArgumentError:
        return "store.url"


def prepare_sqlite_file(path: Path) -> None:
    """Create the folder (0700) and an empty file (0600): it holds names and emails."""
    try:
        create_empty(path)
    except OSError as exc:
        raise StoreError(f"cannot create the database {path}: {exc.strerror}") from None


def _make_engine(url: str, busy_timeout: float = BUSY_TIMEOUT_S) -> Engine:
    path = sqlite_file(url)
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise StoreError(f"store.url {describe_url(url)!r} is not a usable database URL") from None
    if backend == "sqlite" and path is None:
        raise StoreError(
            f"store.url {describe_url(url)!r} keeps nothing once the command ends; give a "
            "file, e.g. sqlite:////home/you/followup.db"
        )
    try:
        if backend != "sqlite":
            return _server_engine(url, busy_timeout)
        engine = create_engine(url, connect_args={"timeout": busy_timeout})
    except ArgumentError as exc:
        raise StoreError(f"store.url is not a usable database URL: {redact(str(exc))}") from None
    except NoSuchModuleError:
        raise StoreError(
            f"store.url {describe_url(url)!r}: no such kind of database in SQLAlchemy"
        ) from None
    except ImportError as exc:
        module = (exc.name or "").split(".")[0]
        how = _DRIVERS.get(module, f"pip install {module}")
        raise StoreError(
            f"store.url {describe_url(url)!r} needs the {module!r} driver, which is not "
            f"installed: {how}"
        ) from None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's events issue BEGIN themselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("immediate", False):
            _begin_immediate(conn, busy_timeout)
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def _begin_immediate(conn: Connection, busy_timeout: float) -> None:
    """``BEGIN IMMEDIATE``, waiting up to ``busy_timeout`` seconds in all for another
    program's write lock, in slices of at most :data:`BUSY_SLICE_S`: between two slices
    Python runs any signal handler, so Ctrl-C ends the wait at once (KeyboardInterrupt)
    instead of when SQLite's own wait ends. Nothing is written before the lock is had.
    Raises SQLAlchemy's OperationalError (``SQLITE_BUSY``) once the whole wait is spent."""
    deadline = time.monotonic() + busy_timeout
    try:
        while True:
            left = deadline - time.monotonic()
            wait_ms = max(0, int(min(left, BUSY_SLICE_S) * 1000))
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {wait_ms}")
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                busy = str(getattr(exc.orig, "sqlite_errorname", "")).startswith("SQLITE_BUSY")
                if not busy or time.monotonic() >= deadline:
                    raise
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")


def _server_engine(url: str, busy_timeout: float) -> Engine:
    """An engine for a database server; connections are checked before use, so that a
    restarted server is reconnected. On PostgreSQL, a write transaction takes the advisory
    lock first, waiting for it at most ``busy_timeout`` seconds (``lock_timeout``, which
    fails with SQLSTATE 55P03: the same "locked" error as SQLite's), and sends a change
    notice (``NOTIFY``, delivered only if it commits). psycopg waits for the server in
    Python, so Ctrl-C ends that wait at once; the server drops the request with the
    connection."""
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name != "postgresql":
        return engine

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("immediate", False):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(busy_timeout * 1000)}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
            conn.exec_driver_sql("SET LOCAL lock_timeout = DEFAULT")
            conn.exec_driver_sql(f"NOTIFY {CHANGE_CHANNEL}")

    return engine


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
    """An open store: hands out read and write sessions and keeps the schema current.

    Every database failure leaves it as a :class:`StoreError` in words (see :func:`fault`).
    An SQLite file is looked at read-only before anything else: a file that is not a
    database, or whose schema is newer than this version knows, is refused untouched (not
    even switched to WAL). Before its first write, and before any write after an integrity
    error, the file is checked with ``PRAGMA quick_check``, and a damaged file is refused.
    """

    def __init__(
        self,
        url: str,
        *,
        upgrade: bool = True,
        busy_timeout: float | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """``busy_timeout``: seconds to wait for another program's write lock (the CLI
        waits :data:`BUSY_TIMEOUT_S`; the daemon less, then retries with backoff).
        ``clock`` gives the aware instant an upgrade's backup is named after (the CLI hands
        in its own, read once)."""
        self.url = url
        self.clock = clock
        self.busy_timeout = BUSY_TIMEOUT_S if busy_timeout is None else busy_timeout
        self.path = sqlite_file(url)
        self.where = describe_url(url)
        self._checked = False
        self.commits = 0
        self.committing = False
        #: why nothing can be written (the disk is full); reads then go to the file alone
        self.read_only: str | None = None
        if self.path is not None:
            prepare_sqlite_file(self.path)
            if upgrade:
                self._refuse_newer(self._peek_revision())
        #: the file this store is (see :mod:`followup.store.sqlitefile`)
        self.identity = sqlitefile.identity(self.path) if self.path is not None else None
        self.engine = _make_engine(url, self.busy_timeout)
        self._open_or_read_only()
        self._writer = self.engine.execution_options(immediate=True)
        if upgrade:
            self.ensure_schema()

    def _open_or_read_only(self) -> None:
        """Connect once; when that fails because the disk is full and every commit is in
        the file itself, read the file as it is from then on (no ``-wal``, no ``-shm``, no
        lock) and refuse every write with the reason. Raises StoreError otherwise."""
        if self.path is None:
            return
        try:
            with self.engine.connect():
                pass
        except DBAPIError as exc:
            error = self.fault(exc)
            path = self.path
            if not (sqlitefile.disk_full(path) and sqlitefile.wal_is_empty(path)):
                raise error from None
            self.engine.dispose()
            self.engine = create_engine(
                "sqlite://", creator=lambda: sqlitefile.open_immutable(path)
            )
            self.read_only = error.message

    def is_current(self) -> bool:
        """Whether the file at the store's path is still the one this store opened (always
        true for a database server). A replaced or deleted file is not."""
        if self.path is None:
            return True
        return sqlitefile.identity(self.path) == self.identity

    def close(self) -> None:
        self.engine.dispose()

    def fault(self, exc: BaseException) -> StoreError:
        error = fault(exc, self.where, self.path, self.busy_timeout)
        if error.damaged:
            self._checked = False  # check the whole file again before any write
        return error

    @contextmanager
    def reading(self) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise self.fault(exc) from None

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One short write transaction, committed on success, rolled back on any error.
        :attr:`commits` counts the ones committed; :attr:`committing` is true from the
        moment the commit is asked for until it is known to be done. A Ctrl-C that comes
        while the commit runs is raised once it is counted (:func:`interrupt.held`), so
        that :attr:`committing` is left true only by an interruption the holding cannot
        see (another thread's, another handler's): then the change may or may not be
        saved."""
        try:
            if self.read_only is not None:
                raise StoreError(self.read_only)
            with Session(self._writer, expire_on_commit=False) as session:
                transaction = session.begin()
                try:
                    yield from self._checked_write(session)
                    session.flush()
                except BaseException:
                    transaction.rollback()
                    raise
                with interrupt.held():
                    self.committing = True
                    transaction.commit()
                    self.committing = False
                    self.commits += 1
        except DBAPIError as exc:
            raise self.fault(exc) from None

    def _checked_write(self, session: Session) -> Iterator[Session]:
        if self.path is not None:
            session.connection()  # the write lock first: no restore under it
            if not self.is_current():
                raise StoreReplaced(
                    f"the database {self.where} was replaced or deleted since it "
                    "was opened; nothing was written to the old file"
                )
        if not self._checked:
            # under the write lock: no other writer moves pages meanwhile
            self.check_integrity(session.connection())
        yield session

    def check_integrity(self, conn: Connection) -> None:
        """``PRAGMA quick_check`` of an SQLite file on ``conn`` (a few milliseconds for
        thousands of interviews); raises a damaged StoreError naming the newest backup."""
        self._checked = True
        if self.path is None:
            return
        result = conn.exec_driver_sql("PRAGMA quick_check").scalar()
        if result != "ok":
            self._checked = False
            raise StoreError(
                f"the database {self.where} is damaged; nothing more is written to it; "
                f"{restore_hint(self.path)}",
                damaged=True,
            )

    def _peek_revision(self) -> str | None:
        """The schema revision of a file not in WAL mode, read with no PRAGMA that changes
        anything: a file from a newer version must be refused before the engine's
        connections switch it to WAL. A WAL file (every file followup wrote) needs no such
        care, since switching it to WAL changes nothing; its revision is read through the
        engine. The file is only ever opened through SQLite: closing a descriptor of our
        own would drop the locks SQLite holds on it for this process's other connections.
        """
        assert self.path is not None
        try:
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout)
            try:
                mode = conn.execute("PRAGMA journal_mode").fetchone()
                if mode is None or str(mode[0]).lower() == "wal":
                    return None
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            if "no such table" in str(exc) or sqlitefile.disk_full(self.path):
                return None  # a full disk: read through the engine, file alone
            raise self.fault(exc) from None
        return None if row is None else str(row[0])

    def _refuse_newer(self, current: str | None) -> None:
        if current is None or current == HEAD_REVISION:
            return
        from followup.store import migrate

        if current not in migrate.known_revisions():
            raise StoreError(
                f"the database {self.where} has schema {current!r}, newer than this followup "
                "knows; upgrade followup"
            )

    def revision(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                return read_revision(conn)
        except DBAPIError as exc:
            raise self.fault(exc) from None

    def ensure_schema(self) -> None:
        """Create or upgrade the schema through the migrations when it is not the newest.

        A database made by a newer followup is refused rather than written to.
        """
        current = self.revision()
        if current == HEAD_REVISION:
            return
        self._refuse_newer(current)
        from followup.store import migrate

        migrate.upgrade(self, backup_first=current is not None, now=self.clock())

    def backup(self, now: datetime, why: str = "the upgrade") -> Path | None:
        """Copy the SQLite file to a timestamped file beside it (consistent under WAL).

        The free space is checked first, and a copy that fails midway is removed: a
        backup file either is whole or does not exist. Raises StoreError.
        """
        if self.path is None:
            return None
        stamp = f"{now.astimezone(UTC):%Y%m%dT%H%M%S}Z"
        size = self.path.stat().st_size
        wal = self.path.with_name(self.path.name + "-wal")
        size += wal.stat().st_size if wal.exists() else 0
        free = shutil.disk_usage(self.path.parent).free
        if free < size + BACKUP_MARGIN_BYTES:
            raise StoreError(
                f"not enough free space beside {self.where} to back it up before {why} "
                f"({_mib(size + BACKUP_MARGIN_BYTES)} needed, {_mib(free)} free); "
                "nothing was changed"
            )
        target: Path | None = None
        try:
            target = _new_backup_file(self.path, stamp)
            with sqlite3.connect(self.path) as src, sqlite3.connect(target) as dst:
                src.backup(dst)
            src.close()
            dst.close()
        except (OSError, sqlite3.Error) as exc:
            if target is not None:
                target.unlink(missing_ok=True)
            raise StoreError(
                f"cannot back up {self.where} before {why} ({cause(exc)}); nothing was changed"
            ) from None
        return target

    def data_version(self, conn: Connection) -> int:
        """SQLite's counter of commits by other connections (the daemon's change check)."""
        return int(conn.exec_driver_sql("PRAGMA data_version").scalar() or 0)


#: How many backups may share one second's name (``NAME.STAMP.bak``, ``NAME.STAMP-2.bak``...).
BACKUPS_PER_SECOND = 100


def _new_backup_file(path: Path, stamp: str) -> Path:
    """Create an empty, private (0600) backup file beside ``path`` named after ``stamp``:
    ``NAME.STAMP.bak``, or when a backup was made in the same second (an upgrade, then a
    restore), ``NAME.STAMP-2.bak`` and so on; an existing backup is never overwritten.
    Raises OSError."""
    for n in range(1, BACKUPS_PER_SECOND + 1):
        suffix = "" if n == 1 else f"-{n}"
        target = path.with_name(f"{path.name}.{stamp}{suffix}.bak")
        try:
            os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
        except FileExistsError:
            continue
        return target
    raise FileExistsError(f"{BACKUPS_PER_SECOND} backups made at {stamp}")


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB"
