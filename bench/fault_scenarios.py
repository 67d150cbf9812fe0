"""The hostile-input and bad-luck scenarios of the third fault-injection run, re-runnable
against any source tree: each runs ``followup`` in a process of its own and reports its
exit status, wall time, peak memory (the child's ``ru_maxrss``), the lines and bytes it
wrote, and whether raw escape characters reached the terminal.

    .venv/bin/python bench/fault_scenarios.py [--src DIR] [--cap SECONDS]

``--src`` runs the ``followup`` package found in ``DIR`` (e.g. an older version unpacked
with ``git archive``) instead of this checkout's. Every run is capped: at ``--cap``
seconds (default 40) it is killed, and its address space is limited to 1 GiB (a run that
would need more ends in MemoryError rather than taking the machine's memory).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.dripping_http import DrippingHttp
from tests.support.hostile_imap import HostileImap

ACME = ["add", "Acme", "--interviewed", "2026-10-30", "--expect", "2026-11-04"]
ACME += ["--email", "d@a.example"]
MEMORY_CAP = 1 << 30


class Home:
    """An isolated home for one scenario."""

    def __init__(self, root: Path, src: Path | None, cap: float, out: Path | None = None) -> None:
        self.root = root
        self.out = out or root
        self.src = src
        self.cap = cap
        home = root / "home"
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_STATE_HOME": str(home / ".local/state"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "LANG": "C.UTF-8",
            "TZ": "UTC",
        }
        if src is not None:
            self.env["PYTHONPATH"] = str(src)
        self.config = home / ".config/followup/config.toml"
        self.db = home / ".local/share/followup/followup.db"

    def write_config(self, text: str) -> None:
        self.config.parent.mkdir(parents=True, exist_ok=True)
        self.config.write_text('[calendar]\ncountry = "US"\n\n' + text)

    def run(
        self, args: list[str], *, prelude: str = "", umask: int | None = None
    ) -> dict[str, object]:
        code = (
            "import sys\n"
            + prelude
            + "from followup.cli.core import main\n"
            + f"raise SystemExit(main({args!r}))\n"
        )

        def limits() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
            if umask is not None:
                os.umask(umask)

        out_path, err_path = self.out / "out", self.out / "err"
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            started = time.monotonic()
            proc = subprocess.Popen(
                [sys.executable, "-c", code],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                preexec_fn=limits,
                start_new_session=True,
            )
            killed = False
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() - started > self.cap:
                    os.killpg(proc.pid, signal.SIGKILL)
                    killed = True
                time.sleep(0.05)
            elapsed = time.monotonic() - started
        stdout, stderr = out_path.read_bytes(), err_path.read_bytes()
        return {
            "exit": "killed" if killed else os.waitstatus_to_exitcode(status),
            "s": round(elapsed, 1),
            "MiB": round(usage.ru_maxrss / 1024, 1),
            "lines": (stdout + stderr).count(b"\n"),
            "bytes": len(stdout) + len(stderr),
            "raw ESC/BEL": any(c in stdout + stderr for c in (b"\x1b", b"\x07")),
            "first err": [
                line[:300] for line in stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            ],
        }


def imap_config(port: int, extra: str = "") -> str:
    return (
        "[mail]\n"
        'imap_host = "127.0.0.1"\n'
        f"imap_port = {port}\n"
        'security = "none"\n'
        'username = "jo"\n'
        'password_command = ["echo", "pw"]\n'
        'sent_folder = "INBOX"\n' + extra
    )


def hostile(
    home: Home, answers: dict[str, bytes], drip: float = 0.0, prelude: str = ""
) -> dict[str, object]:
    server = HostileImap(answers, drip=drip)
    try:
        home.write_config(imap_config(server.port))
        home.run(ACME)
        return home.run(["mail", "check"], prelude=prelude)
    finally:
        server.close()


def dripping_channel(home: Home, channel: str) -> dict[str, object]:
    """``test-notification --channel CHANNEL`` against an HTTP server answering one byte
    every 0.5 s, with the channel's whole-operation deadline set to 10 s."""
    server = DrippingHttp(drip=0.5)
    try:
        if channel == "caldav":
            home.write_config(
                f'[caldav]\nurl = "http://127.0.0.1:{server.port}/dav/"\nusername = "jo"\n'
                'password_command = ["echo", "pw"]\n'
            )
            module = "followup.channels.tasklist"
        else:
            home.write_config(f'[apprise]\nurls = ["json://127.0.0.1:{server.port}/"]\n')
            module = "followup.channels.apprise"
        prelude = f"import {module} as m\nm.DEADLINE_S = 10\n"
        return home.run(["test-notification", "--channel", channel], prelude=prelude)
    finally:
        server.close()


def fetch(body: bytes) -> bytes:
    return body + b"\r\n{tag} OK done\r\n"


MALFORMED = [
    b"* 1 FETCH NIL",
    b"* 1 FETCH (UID",
    b"* 1 FETCH (((((((",
    b"* 1 FETCH (UID abc)",
    b"* x FETCH (UID 1)",
    b'* 1 FETCH (UID 1 INTERNALDATE "garbage")',
    b"* 1 FETCH (UID 1 BODY[HEADER.FIELDS (FROM)] NIL)",
    b"* 1 FETCH (UID 1 BODY[HEADER.FIELDS (FROM)] {3}\r\nab)",
]


def maildir_with(
    home: Home, odd: Callable[[Path], None], subject: bytes = b"Re: hi"
) -> dict[str, object]:
    root = home.root / "Mail"
    for folder in (root, root / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    odd(root / "cur" / "1700000000.odd:2,")
    (root / "cur" / "1794000000.reply:2,").write_bytes(
        b"From: d@a.example\r\nTo: jo@jo.example\r\nSubject: "
        + subject
        + b"\r\nMessage-ID: <r@a.example>\r\nDate: Thu, 12 Nov 2026 16:05:00 -0500\r\n\r\nbody\r\n"
    )
    home.write_config(f'[mail]\nmaildir = "{root}"\n')
    home.run(ACME)
    figures = home.run(["mail", "check"])
    figures["reply found"] = b"d@a.example" in (home.root / "out").read_bytes()
    return figures


def password(home: Home, command: list[str]) -> dict[str, object]:
    home.write_config(
        "[mail]\n"
        'imap_host = "127.0.0.1"\nimap_port = 9\nsecurity = "none"\nusername = "jo"\n'
        f"password_command = {json.dumps(command)}\n"
    )
    home.run(ACME)
    prelude = "import followup.mail.password as p\np.TIMEOUT_S = 5\n"
    return home.run(["mail", "check"], prelude=prelude)


def disk_full(home: Home) -> dict[str, object]:
    mount = home.root / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        small = Home(mount, home.src, home.cap, out=home.root)
        small.write_config("")
        for company in ("Acme", "Beta"):
            small.run(["add", company, "--expect", "2026-12-01"])
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        for size in (1 << 16, 4096, 512, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError:
                    break
        os.close(fd)
        reads = [
            ["list"],
            ["show", "1"],
            ["upcoming"],
            ["status"],
            ["export", "--format", "json"],
            ["history", "1"],
        ]
        worked = sum(small.run(r)["exit"] == 0 for r in reads)
        write = small.run(["add", "Gamma", "--expect", "2026-12-01"])
        return {"reads that work": f"{worked}/{len(reads)}", "add says": write["first err"]}
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def modes(home: Home) -> dict[str, object]:
    home.run(["init", "--country", "US"], umask=0)
    home.run(["add", "Acme", "--expect", "2026-12-01"], umask=0)
    home.run(["install-service", "--autostart"], umask=0)
    base = Path(home.env["HOME"])
    found = {}
    for name in (
        ".config/followup/config.toml",
        ".config/followup",
        ".local/share/followup/followup.db",
        ".config/autostart/followup.desktop",
        ".local/share/applications/followup.desktop",
    ):
        path = base / name
        found[name] = oct(path.stat().st_mode & 0o777) if path.exists() else "missing"
    return found


def secret_url(home: Home) -> dict[str, object]:
    home.write_config('[store]\nurl = "postgresql+psycopg://127.0.0.1:1/db?password=s3cret"\n')
    shown = home.run(["config"])
    listed = home.run(["list"])
    both = (home.root / "out").read_bytes() + (home.root / "err").read_bytes()
    return {
        "config exit": shown["exit"],
        "list exit": listed["exit"],
        "password shown": b"s3cret" in both,
        "says": listed["first err"],
    }


def nul_subject(home: Home) -> dict[str, object]:
    figures = maildir_with(home, lambda p: None, subject=b"=?utf-8?b?AA==?= offer")
    with closing(sqlite3.connect(home.db)) as conn:
        stored = [r[0] for r in conn.execute("SELECT subject FROM mail_findings")]
    figures["NUL stored"] = any("\0" in s for s in stored)
    return figures


def malformed(body: bytes) -> Callable[[Home], dict[str, object]]:
    return lambda h: hostile(h, {"FETCH": fetch(body)})


SCENARIOS: dict[str, Callable[[Home], dict[str, object]]] = {
    "IMAP literal {2000000000}": lambda h: hostile(
        h, {"FETCH": b"* 1 FETCH (UID 1 BODY[HEADER.FIELDS (FROM)] {2000000000}\r\nxx"}
    ),
    "IMAP literal {99999999999}": lambda h: hostile(
        h, {"FETCH": b"* 1 FETCH (UID 1 BODY[HEADER.FIELDS (FROM)] {99999999999}\r\nxx"}
    ),
    "IMAP one byte every 2 s (deadline set to 10 s)": lambda h: hostile(
        h,
        {"FETCH": fetch(b"* 1 FETCH (UID 1 BODY[HEADER.FIELDS (FROM)] NIL)")},
        2.0,
        prelude="import followup.mail.imap as m\nm.DEADLINE_S = 10.0\n",
    ),
    "IMAP greeting one byte every 2 s (deadline set to 10 s)": lambda h: hostile(
        h,
        {"GREETING": b"* OK [CAPABILITY IMAP4rev1] " + b"x" * 100 + b"\r\n"},
        2.0,
        prelude="import followup.mail.imap as m\nm.DEADLINE_S = 10.0\n",
    ),
    "IMAP LOGIN answer one byte every 2 s (deadline set to 10 s)": lambda h: hostile(
        h,
        {"LOGIN": b"{tag} OK " + b"x" * 100 + b"\r\n"},
        2.0,
        prelude="import followup.mail.imap as m\nm.DEADLINE_S = 10.0\n",
    ),
    "CalDAV answer one byte every 0.5 s (deadline set to 10 s)": lambda h: dripping_channel(
        h, "caldav"
    ),
    "Apprise json:// answer one byte every 0.5 s (deadline set to 10 s)": lambda h: (
        dripping_channel(h, "apprise")
    ),
    **{f"IMAP malformed FETCH {i + 1}": malformed(body) for i, body in enumerate(MALFORMED)},
    "IMAP NO with ESC/BEL": lambda h: hostile(
        h, {"SEARCH": b"{tag} NO \x1b]0;owned\x07\x1b[2J no\r\n"}
    ),
    "Maildir symlink loop": lambda h: maildir_with(h, lambda p: p.symlink_to(p)),
    "Maildir link to /etc/shadow": lambda h: maildir_with(h, lambda p: p.symlink_to("/etc/shadow")),
    "Maildir link to /dev/zero": lambda h: maildir_with(h, lambda p: p.symlink_to("/dev/zero")),
    "Maildir FIFO": lambda h: maildir_with(h, lambda p: os.mkfifo(p)),
    "Maildir 10 MB subject": lambda h: maildir_with(h, lambda p: None, subject=b"x" * 10_000_000),
    "subject decoding to NUL": nul_subject,
    "password_command child holds the pipe (limit set to 5 s)": lambda h: password(
        h, ["sh", "-c", "sleep 100000; echo pw"]
    ),
    "password_command prints forever (yes)": lambda h: password(h, ["yes"]),
    "password_command 50 MB on stderr": lambda h: password(
        h, ["sh", "-c", "head -c 50000000 /dev/zero | tr '\\0' x >&2; exit 3"]
    ),
    "disk full (1 MiB tmpfs, 0 bytes free)": disk_full,
    "umask 000: modes": modes,
    "store URL with ?password=": secret_url,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, help="the folder holding the followup package")
    parser.add_argument("--cap", type=float, default=40.0)
    parser.add_argument("--only", help="run the scenarios whose name holds this text")
    args = parser.parse_args()
    for name, scenario in SCENARIOS.items():
        if args.only and args.only not in name:
            continue
        root = Path(tempfile.mkdtemp(prefix="followup-fault-"))
        try:
            figures = scenario(Home(root, args.src, args.cap))
        except Exception as exc:  # a scenario the tree cannot even run
            figures = {"scenario failed": f"{type(exc).__name__}: {exc}"}
        finally:
            shutil.rmtree(root, ignore_errors=True)
        print(f"{name}: {figures}", flush=True)


if __name__ == "__main__":
    main()
