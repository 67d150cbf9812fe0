"""The schema revision a database holds, read the same way by the store when it opens and by
the migrations under their write lock.

The newest revision this followup knows is :data:`followup.store.reading.HEAD_REVISION`,
kept there so that the quick read path checks it without SQLAlchemy.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection


def read_revision(conn: Connection) -> str | None:
    """The schema's Alembic revision, or None for a database with no schema yet.

    Asks the catalogue whether ``alembic_version`` exists rather than reading it and catching
    the error: on PostgreSQL a failed statement aborts the whole transaction.
    """
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
