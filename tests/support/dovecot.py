"""A real Dovecot IMAP server for tests, run unprivileged under a test's temporary folder.

``Dovecot.start(folder)`` writes a configuration of its own (nothing of the system's is read),
listening on 127.0.0.1 only on a free port, with one passwd-file user whose Maildir has an
INBOX and a ``Sent`` folder flagged ``\\Sent`` (special-use, RFC 6154). One server serves a
whole test module: its passwd file lists :data:`MAILBOXES` users, and :meth:`Dovecot.mailbox`
hands each test one not used yet, so no test sees another's messages. Messages go in through
Dovecot's own delivery agent (``dovecot-lda``) or an IMAP ``APPEND`` without flags, so they
are unread. With ``tls=True`` a self-signed certificate for 127.0.0.1 is made with ``openssl``
and the server also listens with implicit TLS; ``cert`` is then the file a client must trust.

Dovecot's auth process runs as the ``dovecot`` user and the mail process as uid 65534: the
folders on the way to the passwd file and the Maildir are opened up (0755) and the mail
folder is handed to 65534. Failures print the server's log, which names the cause.
"""

from __future__ import annotations

import imaplib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
LDA = "/usr/lib/dovecot/dovecot-lda"
NOBODY = 65534
USER = "jo"
PASSWORD = "correct horse battery staple"
START_TIMEOUT_S = 30.0
#: Users of one server (``jo``, ``jo2``, ...): one per test of a module, with room to spare.
MAILBOXES = 1000

_CONFIG = """\
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
listen = 127.0.0.1
protocols = imap
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{dir}/mail/%u
{ssl}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = static
  args = uid={nobody} gid={nobody} home={dir}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = {separator}
  prefix = {prefix}
{mailboxes}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
"""


def _user(n: int) -> str:
    return USER if n == 1 else f"{USER}{n}"


#: The folders of a plain server: ``Sent`` flagged ``\\Sent`` (RFC 6154).
STANDARD: dict[str, str | None] = {"Sent": "\\Sent"}


def _mailboxes(folders: dict[str, str | None], separator: str) -> str:
    """Dovecot ``mailbox`` blocks: each folder created (and subscribed) on first login,
    with its special-use flag when it has one (names with the namespace's separator)."""
    out = []
    for given, special in folders.items():
        name = given.replace("/", separator)
        flag = f"\n    special_use = {special}" if special else ""
        out.append(f'  mailbox "{name}" {{\n    auto = subscribe{flag}\n  }}')
    return "\n".join(out)


def _quoted(folder: str) -> str:
    """A folder name as an IMAP astring for imaplib (which sends names as they are):
    quoted, in modified UTF-7 (RFC 3501 5.1.3) when it is not ASCII."""
    from imapclient.imap_utf7 import encode

    return '"' + encode(folder).decode("ascii").replace("\\", "\\\\").replace('"', '\\"') + '"'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key (openssl)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    key.chmod(0o644)
    return cert, key


@dataclass
class Dovecot:
    """A running server; ``maildir`` is the user's Maildir++ tree as Dovecot keeps it."""

    folder: Path
    port: int
    tls_port: int | None
    process: subprocess.Popen[bytes]
    cert: Path | None = None
    user: str = USER
    password: str = PASSWORD
    host: str = "127.0.0.1"
    _stopped: bool = field(default=False, repr=False)
    #: a view of a shared server (:meth:`mailbox`): it may not stop the server
    _shared: bool = field(default=False, repr=False)
    _users: list[str] = field(default_factory=lambda: [USER], repr=False)

    @property
    def conf(self) -> Path:
        return self.folder / "dovecot.conf"

    @property
    def maildir(self) -> Path:
        return self.folder / "mail" / self.user

    @property
    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    folders: tuple[str, ...] = ("INBOX", "Sent")

    @classmethod
    def start(
        cls,
        *,
        tls: bool = False,
        folders: dict[str, str | None] | None = None,
        separator: str = "/",
        prefix: str = "",
    ) -> Dovecot:
        """A server in a folder of its own under /tmp, removed by :meth:`stop`. Not under
        pytest's base folder: pytest makes that 0700 again whenever another run starts, and
        Dovecot's auth process (user ``dovecot``) must reach the passwd file throughout.

        ``folders``: the folders besides INBOX (IMAP names with ``/`` as the hierarchy's
        separator), each with its special-use flag or None (default: ``Sent`` flagged
        ``\\Sent``); ``separator`` and ``prefix`` those of the personal namespace
        (Courier's are ``.`` and ``INBOX.``)."""
        folders = STANDARD if folders is None else folders
        folder = Path(tempfile.mkdtemp(prefix="followup-dovecot-"))
        folder.chmod(0o755)
        for name in ("run", "state"):
            (folder / name).mkdir(exist_ok=True)
        mail = folder / "mail"
        mail.mkdir(exist_ok=True)
        os.chown(mail, NOBODY, NOBODY)
        passwd = folder / "passwd"
        passwd.write_text(
            "".join(f"{_user(n)}:{{PLAIN}}{PASSWORD}\n" for n in range(1, MAILBOXES + 1))
        )
        passwd.chmod(0o644)
        port = free_port()
        tls_port = free_port() if tls else None
        cert = None
        if tls:
            cert, key = make_certificate(folder)
            ssl_lines = f"ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}"
        else:
            ssl_lines = "ssl = no"
        (folder / "dovecot.conf").write_text(
            _CONFIG.format(
                dir=folder,
                nobody=NOBODY,
                port=port,
                tls_port=tls_port or 0,
                ssl=ssl_lines,
                separator=separator,
                prefix=prefix,
                mailboxes=_mailboxes(folders, separator),
            )
        )
        with (folder / "dovecot.stderr").open("wb") as stderr:
            process = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(folder / "dovecot.conf")],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        server = cls(folder, port, tls_port, process, cert)
        server.folders = ("INBOX", *(prefix + n.replace("/", separator) for n in folders))
        server._wait_listening()
        server._create_folders()
        return server

    def mailbox(self) -> Dovecot:
        """A user of this server no one used yet, with an empty INBOX and Sent and the same
        password: the same server seen through another login (it cannot stop the server)."""
        if len(self._users) >= MAILBOXES:
            raise RuntimeError(f"all {MAILBOXES} mailboxes of this Dovecot are taken")
        user = _user(len(self._users) + 1)
        self._users.append(user)
        view = replace(self, user=user, _shared=True)
        view._create_folders()
        return view

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self._why()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not listen in time: {self._why()}")

    def _why(self) -> str:
        stderr = (self.folder / "dovecot.stderr").read_text(errors="replace")
        return f"{stderr}\n{self.log}"

    def _create_folders(self) -> None:
        """Log in once, so that INBOX and Sent (auto) exist on disk before any test looks."""
        with self.imap() as client:
            client.select("INBOX", readonly=True)

    def imap(self) -> imaplib.IMAP4:
        """A logged-in second client (the standard library's, independent of followup's)."""
        client = imaplib.IMAP4(self.host, self.port)
        client.login(self.user, self.password)
        return client

    def deliver(self, message: bytes, folder: str = "INBOX") -> None:
        """Deliver one message with Dovecot's local delivery agent, as an MTA would."""
        result = subprocess.run(
            [LDA, "-c", str(self.conf), "-d", self.user, "-m", folder],
            input=message,
            capture_output=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"dovecot-lda failed: {result.stderr!r}\n{self.log}")

    def append(self, message: bytes, folder: str = "INBOX") -> None:
        """Add one message over IMAP with no flags (unread), as a mail client saving a copy."""
        with self.imap() as client:
            status, data = client.append(_quoted(folder), "", None, message)
            if status != "OK":
                raise RuntimeError(f"APPEND failed: {data!r}")

    def flags(self) -> dict[str, dict[bytes, tuple[bytes, ...]]]:
        """Every message's flags in every folder, keyed by Message-ID, read with EXAMINE
        (read-only: reading them changes nothing, not even ``\\Recent``)."""
        seen: dict[str, dict[bytes, tuple[bytes, ...]]] = {}
        with self.imap() as client:
            for folder in self.folders:
                status, count = client.select(_quoted(folder), readonly=True)
                assert status == "OK", (folder, count)
                found: dict[bytes, tuple[bytes, ...]] = {}
                data: list[object] = []
                if count[0] != b"0":
                    _status, data = client.fetch(
                        "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"
                    )
                for item in data:
                    if isinstance(item, tuple):
                        meta, header = item
                        flags = imaplib.ParseFlags(meta)
                        found[header.strip()] = tuple(sorted(flags))
                seen[folder] = found
                client.close()
        return seen

    def stop(self) -> None:
        if self._shared:
            raise RuntimeError("a mailbox of a shared server cannot stop it: start a server")
        if self._stopped:
            return
        self._stopped = True
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        # Children (imap, auth) exit with the master; wait until the port is free again.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection((self.host, self.port), timeout=0.5).close()
            except OSError:
                break
            time.sleep(0.05)

    def remove(self) -> None:
        """Stop the server and delete its folder."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def client_ssl_context(self) -> ssl.SSLContext:
        """A context trusting this server's certificate (for a second client)."""
        assert self.cert is not None
        return ssl.create_default_context(cafile=str(self.cert))
