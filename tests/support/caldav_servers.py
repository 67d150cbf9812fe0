"""Real CalDAV servers for the tests: Radicale (login checked against an htpasswd file, TLS
with a self-signed certificate when asked) and Xandikos (no login of its own), each on a
free port in a folder of the test's, stopped and started again on the same port and data.

Both are the Debian packages' programs (``radicale``, ``xandikos``), run as processes.
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.dovecot import free_port, make_certificate

USER, PASSWORD = "alex", "correct horse"


@dataclass
class CalDAVServer:
    """One server: ``url`` the address a client is given; ``ca_file`` the certificate to
    trust (TLS only)."""

    kind: str
    folder: Path
    port: int
    tls: bool = False
    ca_file: Path | None = None
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        path = "/" if self.kind == "radicale" else "/user/"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    @classmethod
    def radicale(cls, folder: Path, *, tls: bool = False) -> CalDAVServer:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
        server = cls("radicale", folder, free_port(), tls)
        ssl = ""
        if tls:
            cert, key = make_certificate(folder)
            server.ca_file = cert
            ssl = f"ssl = True\ncertificate = {cert}\nkey = {key}\n"
        (folder / "config").write_text(
            f"[server]\nhosts = 127.0.0.1:{server.port}\n{ssl}"
            f"[auth]\ntype = htpasswd\nhtpasswd_filename = {folder / 'users'}\n"
            "htpasswd_encryption = plain\ndelay = 0\n"
            f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
            "[rights]\ntype = owner_only\n"
            "[logging]\nlevel = warning\n"
        )
        server.start()
        return server

    @classmethod
    def xandikos(cls, folder: Path) -> CalDAVServer:
        folder.mkdir(parents=True, exist_ok=True)
        server = cls("xandikos", folder, free_port())
        server.start()
        return server

    def start(self) -> None:
        if self.kind == "radicale":
            args = ["radicale", "--config", str(self.folder / "config")]
        else:
            args = [
                "xandikos",
                "-d",
                str(self.folder / "data"),
                "--defaults",
                "-l",
                "127.0.0.1",
                "-p",
                str(self.port),
                "--current-user-principal",
                "/user/",
            ]
        with (self.folder / "server.log").open("ab") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited: {self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.kind} did not listen: {self.log()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""
