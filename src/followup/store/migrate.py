"""Running the Alembic migrations, from a wheel or from a source checkout.

Imported only when the schema is behind: Alembic's import alone costs more than a whole
``followup list``. Alembic's config is built here in code; an ``alembic.ini`` would bring
a logging section that silences the application's own loggers.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Protocol

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from followup.errors import StoreError, StoreLocked
from followup.store.reading import HEAD_REVISION
from followup.store.revision import read_revision


class Migratable(Protocol):
    """What the migrations need of an open store (:class:`followup.store.Database` is one):
    its URL and engine, a backup of an SQLite file taken before an upgrade (the backup's
    path, None for a server database; raises StoreError), and its one message for a database
    failure."""

    url: str
    engine: Engine

    def backup(self, now: datetime) -> Path | None: ...

    def fault(self, exc: BaseException) -> StoreError: ...


def migrations_dir() -> Path:
    """``followup/migrations`` inside an installed wheel, else the checkout's ``migrations/``.

    An editable install imports the package from ``src/``, where the wheel's copy of the
    folder does not exist; the top-level folder of the checkout is then the one to use.
    """
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "migrations", package.parent.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise StoreError(f"the migrations are missing from this installation ({package})")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {rev.revision for rev in script.walk_revisions()}


def script_head() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def upgrade(
    db: Migratable, *, backup_first: bool, target: str = "head", now: datetime | None = None
) -> None:
    """Bring the schema to ``target`` inside one write transaction.

    The write lock is taken first and the revision read again under it, so that two
    processes opening a new database at once migrate it once, not twice. An existing
    SQLite database is copied to a backup named after ``now`` (aware; the UTC instant
    is in the name) before anything changes.
    """
    try:
        _upgrade(db, backup_first=backup_first, target=target, now=now)
    except DBAPIError as exc:
        raise db.fault(exc) from None


def _upgrade(db: Migratable, *, backup_first: bool, target: str, now: datetime | None) -> None:
    cfg = alembic_config(db.url)
    with db.engine.execution_options(immediate=True).connect() as conn, conn.begin():
        current = read_revision(conn)
        if current == HEAD_REVISION and target == "head":
            return
        if backup_first and current is not None:
            if now is None:
                raise ValueError("a backup is named after the instant it is made: pass now")
            db.backup(now)
        cfg.attributes["connection"] = conn
        try:
            command.upgrade(cfg, target)
        except DBAPIError as exc:
            error = db.fault(exc)
            if isinstance(error, StoreLocked):
                raise StoreLocked(f"cannot upgrade: {error.message}") from None
            raise StoreError(
                f"cannot upgrade: {error.message}", transient=error.transient
            ) from None
