"""Pieces the specification tests share: the CLI's result shape, the database as rows, the
places the rules are checked on, and dates written with their weekday."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Protocol

from followup.business_days import Place

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

US = Place("US")
US_CA = Place("US", "CA")
IL = Place("IL")  # weekend Friday + Saturday
AE = Place("AE")  # weekend Saturday + Sunday since 2022, Friday + Saturday before
SA = Place("SA")  # weekend Friday + Saturday
DE = Place("DE")
DE_BY = Place("DE", "BY")
GB = Place("GB")
GB_ENG = Place("GB", "ENG")
JP = Place("JP")
WEEKENDS_ONLY = Place(None)
US_FRI_SAT = Place("US", weekend=frozenset({FRI, SAT}))  # a user-set weekend


class Outcome(Protocol):
    """What the ``cli`` fixture returns for one run."""

    code: int
    out: str
    err: str


Cli = Callable[..., Outcome]


def ok(result: Outcome) -> str:
    """The stdout of a command that must succeed quietly."""
    assert (result.code, result.err) == (0, ""), result
    return result.out


#: The URL of the default store when it is not the SQLite file (a test run with
#: ``--store postgresql``); set by the ``home`` fixture.
SERVER_STORE: str | None = None


def snapshot(path: Path) -> list[str]:
    """Every row of every table, for asserting that a failed command changed nothing: the
    SQLite file at ``path``, or, in a run against a database server, that database (every
    table's rows in id order, and every sequence's position)."""
    if SERVER_STORE is not None:
        return _server_dump(SERVER_STORE)
    if not path.exists():
        return []
    with closing(sqlite3.connect(path)) as conn:
        return list(conn.iterdump())


def store_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """The rows ``sql`` selects from the default store: the SQLite file at ``path``, or the
    database server's in a run against one."""
    if SERVER_STORE is None:
        with closing(sqlite3.connect(path)) as conn:
            return conn.execute(sql).fetchall()
    return url_rows(SERVER_STORE, sql)


def url_rows(url: str, sql: str) -> list[tuple[object, ...]]:
    """The rows ``sql`` selects from the store at the SQLAlchemy ``url``, through a new
    engine disposed of afterwards (so no connection outlives the look)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _server_dump(url: str) -> list[str]:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            lines = []
            for table in tables:
                order = "id" if table != "alembic_version" else "version_num"
                rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))
                lines += [f"{table}: {tuple(row)!r}" for row in rows]
            sequences = conn.execute(
                text("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1")
            )
            lines += [f"sequence {name}: {value}" for name, value in sequences]
            return lines
    finally:
        engine.dispose()


def day(text: str) -> date:
    """``"Mon 2026-11-23"`` -> date(2026, 11, 23), checking the weekday written."""
    weekday, iso = text.split()
    parsed = date.fromisoformat(iso)
    assert f"{parsed:%a}" == weekday, f"{iso} is a {parsed:%a}, not a {weekday}"
    return parsed


def store_bytes(path: Path) -> bytes:
    """The SQLite file's bytes with its write-ahead log folded in (connections left by
    earlier in-process commands closed first), for "byte-identical" checks of refusals;
    b"" when there is no file. In a run against a database server, its :func:`snapshot`."""
    import gc

    gc.collect()
    if SERVER_STORE is not None:
        return "\n".join(_server_dump(SERVER_STORE)).encode()
    if not path.exists():
        return b""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.read_bytes()
