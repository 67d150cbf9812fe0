"""What a database failure means to the user: :func:`fault` turns SQLAlchemy's and the
drivers' errors into one :class:`~followup.errors.StoreError` naming what happened, to which
store, and what to do (a full disk, a lock held, a damaged file and its newest backup)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from followup.cleaning import redact
from followup.errors import StoreError, StoreLocked
from followup.store import sqlitefile


def newest_backup(path: Path) -> Path | None:
    """The newest ``NAME.YYYYmmddTHHMMSSZ.bak`` (UTC) beside the database: the names sort by
    time, and ``NAME.YYYYmmddTHHMMSSZ-N.bak`` is the N-th made in that second."""

    def made(backup: Path) -> tuple[str, int]:
        stamp, _, n = backup.name[len(path.name) + 1 : -len(".bak")].partition("-")
        return stamp, int(n) if n.isdigit() else 1

    found = sorted(path.parent.glob(f"{path.name}.*.bak"), key=made)
    return found[-1] if found else None


def restore_hint(path: Path) -> str:
    """Where to look for a good copy: the newest backup beside ``path``, or that there is
    none."""
    backup = newest_backup(path)
    if backup is None:
        return "there is no backup beside it"
    return f"the newest backup is {backup}"


#: PostgreSQL's SQLSTATEs of a lock not had: lock_not_available, deadlock_detected
#: (https://www.postgresql.org/docs/current/errcodes-appendix.html).
PG_LOCKED = frozenset({"55P03", "40P01"})


def fault(exc: BaseException, where: str, path: Path | None, waited: float) -> StoreError:
    """The one message for a database failure: what happened, to which store, and what to
    do; never the SQL statement or its values (they can hold the user's data).

    ``exc`` is a SQLAlchemy ``DBAPIError`` or the driver's own error. SQLite's extended
    result codes tell the kinds apart (Python 3.11's ``sqlite_errorname``); a locked or
    unreachable store is marked ``transient`` (waiting may cure it), a damaged one
    ``damaged``; ``waited``: the seconds the lock was waited for.
    """
    orig = getattr(exc, "orig", None) or exc
    name = str(getattr(orig, "sqlite_errorname", ""))
    first = redact((str(orig).strip().splitlines() or [type(orig).__name__])[0])
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if (
        path is not None
        and name.startswith(("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN"))
        and sqlitefile.disk_full(path)
    ):
        free = shutil.disk_usage(path.parent).free
        return StoreError(
            f"the disk holding the database {where} is full ({free >> 10} KiB free); "
            "nothing was written",
            transient=True,
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or sqlstate in PG_LOCKED:
        return StoreLocked(
            f"the database {where} is locked: another program holds its write lock; "
            f"gave up after waiting {waited:g} s"
        )
    read_only = (
        path is not None
        and path.exists()
        and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
    )
    if name.startswith("SQLITE_READONLY") or name == "SQLITE_PERM" or read_only:
        return StoreError(
            f"the database {where} is read-only: check the permissions of the file and its "
            "folder; nothing was written"
        )
    if name == "SQLITE_FULL":
        return StoreError(f"the disk holding the database {where} is full; nothing was written")
    if name == "SQLITE_NOTADB":
        hint = f"; {restore_hint(path)}" if path else ""
        return StoreError(f"{where} is not a followup database (not an SQLite file){hint}")
    if name.startswith("SQLITE_CORRUPT"):
        hint = f"; {restore_hint(path)}" if path else ""
        return StoreError(
            f"the database {where} is damaged; nothing more is written to it{hint}",
            damaged=True,
        )
    if name.startswith("SQLITE_CANTOPEN"):
        return StoreError(f"cannot open the database {where}: check that its folder exists")
    if name.startswith("SQLITE_IOERR"):
        return StoreError(f"cannot read or write the database {where}: input/output error")
    if name:
        return StoreError(f"the database {where} failed: {first}")
    if (isinstance(exc, DBAPIError) and exc.connection_invalidated) or "connect" in first.lower():
        return StoreError(f"cannot reach the database {where}: {first}", transient=True)
    return StoreError(f"the database {where} refused the change: {first}")


def cause(exc: BaseException) -> str:
    """The cause of a failed copy as a user reads it (``"the disk is full"``)."""
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    name = str(getattr(exc, "sqlite_errorname", ""))
    return "the disk is full" if name == "SQLITE_FULL" else (name or type(exc).__name__)
