"""A throwaway PostgreSQL cluster for the tests: Debian's ``initdb`` and ``pg_ctl`` run as the
``postgres`` user in a folder of its own, listening on 127.0.0.1 on a free port and on a
Unix socket in that folder, with ``trust`` authentication for local connections only.

Plain Python (no pytest) so fixtures, benchmarks and ad-hoc scripts can use it alike.
``initdb`` takes about 3 s, so one cluster serves a whole test session and each test gets
a fresh database in it (``createdb`` is a few tens of milliseconds): an empty one, or a copy
of a database the migrations brought to the newest schema once (``createdb -T``, see
:meth:`PostgresCluster.migrated_template`), which spares each test the migrations.
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

from tests.support.harness import Stoppable

#: The cluster's superuser; tests connect as it over TCP on 127.0.0.1 with no password.
SUPERUSER = "postgres"


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
        self._lock = threading.Lock()
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

    def migrated_template(self) -> str:
        """The name of a database the product's own code (:class:`followup.store.Database`,
        so the Alembic migrations) brought to the newest schema, made on first use; no
        connection to it is left open, as ``createdb -T`` requires."""
        with self._lock:
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
