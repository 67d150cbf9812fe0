"""The PostgreSQL pass reuses one migrated database per test session, emptied for each test
(:meth:`PostgresCluster.emptied_database`): each test must still find what a new copy of
the template gives, so no test sees another's rows, ids, open connections or schema."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from tests.support.postgres import PostgresCluster

pytestmark = [pytest.mark.system, pytest.mark.own_store]

INSERT = (
    "INSERT INTO interviews (company, reply_expected_on, status, created_at, updated_at)"
    " VALUES ('Acme', '2026-12-04', 'waiting', now(), now()) RETURNING id"
)


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    with PostgresCluster() as made:
        yield made


def dsn(url: str) -> str:
    """A libpq connection string for the SQLAlchemy URL ``url``."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_the_next_caller_finds_no_row_and_ids_start_at_one(cluster: PostgresCluster) -> None:
    first = cluster.emptied_database()
    with psycopg.connect(dsn(first), autocommit=True) as conn:
        ids = [conn.execute(INSERT).fetchone() for _row in range(3)]
    second = cluster.emptied_database()
    with psycopg.connect(dsn(second), autocommit=True) as conn:
        count = conn.execute("SELECT count(*) FROM interviews").fetchone()
        again = conn.execute(INSERT).fetchone()
    assert (ids, count, again, second) == ([(1,), (2,), (3,)], (0,), (1,), first)


def test_a_connection_left_open_is_ended(cluster: PostgresCluster) -> None:
    left = psycopg.connect(dsn(cluster.emptied_database()), autocommit=True)
    left.execute(INSERT)
    cluster.emptied_database()
    with pytest.raises(psycopg.OperationalError):
        left.execute("SELECT 1")
    left.close()


@pytest.mark.parametrize(
    "change",
    [
        "ALTER TABLE interviews ADD COLUMN extra text",
        "DROP TABLE deleted_interviews",
        "CREATE INDEX interviews_company ON interviews (company)",
        "UPDATE alembic_version SET version_num = '0001'",
    ],
    ids=["a column added", "a table dropped", "an index added", "another revision"],
)
def test_a_changed_schema_gives_a_new_copy_of_the_template(
    cluster: PostgresCluster, change: str
) -> None:
    first = cluster.emptied_database()
    with psycopg.connect(dsn(first), autocommit=True) as conn:
        conn.execute(change)
    second = cluster.emptied_database()
    template = cluster.create_database(migrated=True)
    shapes = []
    for url in (second, template):
        with psycopg.connect(dsn(url), autocommit=True) as conn:
            shapes.append(
                conn.execute(
                    "SELECT string_agg(table_name || '.' || column_name, ',' ORDER BY 1)"
                    " FROM information_schema.columns WHERE table_schema = 'public'"
                ).fetchone()
            )
    assert second != first
    assert shapes[0] == shapes[1]
