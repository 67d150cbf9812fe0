"""A real pgbouncer in front of the tests' PostgreSQL cluster, in transaction mode (where
``LISTEN`` hears nothing: pgbouncer#655). Runs as the ``postgres`` user when the tests run
as root (pgbouncer refuses root)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.postgres import SUPERUSER, PostgresCluster


class PgBouncer:
    def __init__(self, cluster: PostgresCluster, pool_mode: str = "transaction") -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="followup-pgbouncer-"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        (self.dir / "users.txt").write_text(f'"{SUPERUSER}" ""\n')
        (self.dir / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host=127.0.0.1 port={cluster.port}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {self.dir}/users.txt\n"
            f"pool_mode = {pool_mode}\n"
            f"logfile = {self.dir}/pgbouncer.log\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
        )
        program = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        command = [program, str(self.dir / "pgbouncer.ini")]
        if os.geteuid() == 0:
            pw = pwd.getpwnam(SUPERUSER)
            for path in [self.dir, *self.dir.iterdir()]:
                os.chown(path, pw.pw_uid, pw.pw_gid)
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("pgbouncer did not start listening within 10 s")

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
