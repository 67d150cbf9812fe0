"""A throwaway PostgreSQL cluster for the tests: Debian's ``initdb`` and ``pg_ctl`` run as the
``postgres`` user in a folder of its own, listening on 127.0.0.1 on a free port and on a
Unix socket in that folder, with ``trust`` authentication for local connections only.

Plain Python (no pytest) so fixtures, benchmarks and ad-hoc scripts can use it alike.
``initdb`` takes about 3 s, so one cluster serves a whole test session and each test gets
a database in it: a new empty one (``createdb``), a copy of a database the migrations
brought to the newest schema once (``createdb -T``, see
:meth:`PostgresCluster.migrated_template`), which spares each test the migrations, or one
such copy reused and emptied (:meth:`PostgresCluster.emptied_database`), which also spares
each test the copy.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from tests.support.harness import Stoppable

if TYPE_CHECKING:
    import psycopg

#: The cluster's superuser; tests connect as it over TCP on 127.0.0.1 with no password.
SUPERUSER = "postgres"

#: A database's tables; its columns with their types, indexes, triggers and sequences; and
#: its Alembic revision.
Shape = tuple[tuple[str, ...], tuple[str, ...], str]


def _bin_dir() -> Path:
    """The newest installed PostgreSQL's ``bin`` folder (Debian keeps them per version)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    if not found:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresCluster(Stoppable):
    """One running cluster: ``url(name)`` gives a SQLAlchemy URL for a database in it.

    Runs its programs as the ``postgres`` user when the tests run as root (PostgreSQL
    refuses to run as root); as any other user, as that user. ``stop()`` (or leaving the
    ``with`` block) stops the server with ``pg_ctl -m fast`` and removes the folder.
    """

    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="followup-pg-"))
        self.dir.chmod(0o755)
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = _free_port()
        self._user = SUPERUSER if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        self._counter = 0
        self._template: str | None = None
        self._reusable: str | None = None
        self._shape: Shape = ((), (), "")
        self._emptying = ""
        self._lock = threading.Lock()
        self._template_lock = threading.Lock()
        if os.geteuid() == 0:
            pw = pwd.getpwnam(SUPERUSER)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        try:
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8")
            self._run(
                "pg_ctl",
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-t",
                "60",
                "-o",
                f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off",
                "start",
            )
        except BaseException:
            self.stop()
            raise

    def _run(self, program: str, *args: str) -> str:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        done = subprocess.run(
            command,
            cwd=self.dir,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout

    def create_database(self, name: str | None = None, *, migrated: bool = False) -> str:
        """Create a new database and return its SQLAlchemy URL (psycopg 3): empty, or with
        ``migrated`` a copy of :meth:`migrated_template` (the newest schema, no rows)."""
        template = ("-T", self.migrated_template()) if migrated else ()
        with self._lock:
            self._counter += 1
            name = name or f"t{self._counter}"
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, *template, name
        )
        return self.url(name)

    def emptied_database(self) -> str:
        """The URL of one reusable database at the newest schema, emptied for the caller:
        what :meth:`create_database` with ``migrated`` gives, in milliseconds rather than
        the 0.4 s ``createdb -T`` takes here (it copies the whole catalog, about 8 MB).

        Any connection an earlier caller left open is ended, every row of every table but
        ``alembic_version`` is deleted (foreign keys not checked meanwhile: the rows all go)
        and every sequence restarts (ids start at 1 again). ``DELETE`` rather than
        ``TRUNCATE``: a test's few rows go in a few milliseconds, where ``TRUNCATE`` makes
        new files for every table (0.1 s).
        When an earlier caller changed the schema (:data:`Shape` differs from the
        template's), the database is dropped and copied from the template anew."""
        import psycopg

        with self._lock:
            template = self.migrated_template()
            if self._reusable is not None:
                with psycopg.connect(self._dsn("postgres"), autocommit=True) as admin:
                    admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = %s AND pid <> pg_backend_pid()",
                        (self._reusable,),
                    )
                with psycopg.connect(self._dsn(self._reusable), autocommit=True) as conn:
                    if _shape(conn) == self._shape:
                        conn.execute(self._emptying)
                        return self.url(self._reusable)
                with psycopg.connect(self._dsn("postgres"), autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE "{self._reusable}" WITH (FORCE)')
            self._counter += 1
            name = f"reused{self._counter}"
            self._run(
                "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER,
                "-T", template, name,
            )  # fmt: skip
            with psycopg.connect(self._dsn(name), autocommit=True) as conn:
                self._shape = _shape(conn)
                sequences = [
                    str(row[0])
                    for row in conn.execute(
                        "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
                    )
                ]
            tables, _columns, _revision = self._shape
            self._emptying = "; ".join(
                [
                    "SET session_replication_role = replica",
                    *(f'DELETE FROM "{t}"' for t in tables if t != "alembic_version"),
                    *(f'ALTER SEQUENCE "{q}" RESTART' for q in sequences),
                    "SET session_replication_role = DEFAULT",
                ]
            )
            self._reusable = name
            return self.url(name)

    def _dsn(self, name: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={name}"

    def migrated_template(self) -> str:
        """The name of a database the product's own code (:class:`followup.store.Database`,
        so the Alembic migrations) brought to the newest schema, made on first use; no
        connection to it is left open, as ``createdb -T`` requires."""
        with self._template_lock:
            if self._template is None:
                from followup.store import Database

                name = "followup_template"
                self._run(
                    "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, name
                )
                Database(self.url(name)).close()
                self._template = name
            return self._template

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def restart(self) -> None:
        """Stop and start the server again (``pg_ctl restart -m fast``): every connection drops."""
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-m", "fast",
            "restart",
            "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off",
        )  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def _shape(
    conn: psycopg.Connection[tuple[object, ...]],
) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """A database's schema as a comparable value (:data:`Shape`)."""
    tables = tuple(
        str(row[0])
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    )
    columns = tuple(
        f"{row[0]}.{row[1]}:{row[2]}"
        for row in conn.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = 'public' ORDER BY table_name, column_name"
        )
    )
    objects = tuple(
        str(row[0])
        for row in conn.execute(
            "SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = 'public'"
            " UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal"
            " UNION ALL SELECT 'sequence ' || sequencename FROM pg_sequences"
            " WHERE schemaname = 'public' ORDER BY 1"
        )
    )
    revision = conn.execute("SELECT string_agg(version_num, ',') FROM alembic_version").fetchone()
    return tables, columns + objects, str(revision[0] if revision else "")
