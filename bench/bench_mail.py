"""`followup mail check` over 10,000 messages and 100 open interviews, against a real Dovecot
on 127.0.0.1 (the test fixture's), and the same through `maildir` on Dovecot's Maildir.

The mailbox: 8,000 messages in INBOX and 2,000 in Sent, from and to 2,000 addresses at 400
domains; 100 interviews whose contacts have a follow-up in Sent and a reply in INBOX (200
findings). Messages are written into the Maildir as a delivery agent would (one file each
in new/), so the first check also pays for Dovecot building its index: it is reported apart
from the warm checks (median of 5 whole `followup` processes). Target: under 2 s.

Run as root (Dovecot's mail process runs as uid 65534):
    .venv/bin/python bench/bench_mail.py
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_cli import home_env
from tests.support.dovecot import NOBODY, Dovecot

MESSAGES, SENT_SHARE, INTERVIEWS, RUNS = 10_000, 0.2, 100, 5
FOLLOWUP = str(Path(sys.executable).with_name("followup"))


def write_maildir(folder: Path, messages: list[bytes], start: int) -> None:
    for sub in ("new", "cur", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for n, raw in enumerate(messages):
        path = folder / "new" / f"{start + n}.M{n}P1.bench"
        path.write_bytes(raw)
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, NOBODY, NOBODY)


def message(mid: str, sender: str, to: str, subject: str, when: datetime, **extra: str) -> bytes:
    head = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Message-ID: <{mid}>",
        f"Date: {when:%a, %d %b %Y %H:%M:%S -0500}",
    ] + [f"{k.replace('_', '-')}: {v}" for k, v in extra.items()]
    return ("\r\n".join(head) + "\r\n\r\n" + "A line of body text.\r\n" * 20).encode()


def mailbox(rng: random.Random) -> tuple[list[bytes], list[bytes], list[str]]:
    """(INBOX, Sent, the 100 contacts)."""
    start = datetime(2026, 9, 1, 9, 0)
    people = [f"person{n}@company{n % 400}.example" for n in range(2000)]
    contacts = [f"contact{n}@hiring{n}.example" for n in range(INTERVIEWS)]
    inbox, sent = [], []
    for n in range(MESSAGES - 2 * INTERVIEWS):
        when = start + timedelta(minutes=rng.randrange(80 * 24 * 60))
        other = rng.choice(people)
        if rng.random() < SENT_SHARE:
            sent.append(message(f"s{n}@jo.example", "jo@jo.example", other, f"Note {n}", when))
        else:
            inbox.append(message(f"i{n}@x.example", other, "jo@jo.example", f"News {n}", when))
    for n, contact in enumerate(contacts):
        sent_on = datetime(2026, 11, 10, 9, 0) + timedelta(hours=n)
        sent.append(message(f"f{n}@jo.example", "jo@jo.example", contact, "Following up", sent_on))
        inbox.append(
            message(
                f"r{n}@hiring.example",
                contact,
                "jo@jo.example",
                "Re: Following up",
                sent_on + timedelta(days=2),
                in_reply_to=f"<f{n}@jo.example>",
            )
        )
    rng.shuffle(inbox)
    rng.shuffle(sent)
    return inbox, sent, contacts


def add_interviews(env: dict[str, str], contacts: list[str]) -> None:
    """One open interview per contact, interviewed Fri 30 Oct 2026, through the tracker."""
    from followup.config import load
    from followup.lifecycle.service import Tracker
    from followup.records import Details
    from followup.store import Database

    config = load(None, env)
    tracker = Tracker(config, Database(config.store_url))
    now = datetime(2026, 10, 30, 20, 0, tzinfo=UTC)
    for n, contact in enumerate(contacts):
        tracker.add(
            Details(
                company=f"Company {n}",
                contact_email=contact,
                interviewed_on=date(2026, 10, 30),
                reply_expected_on=date(2026, 11, 4),
            ),
            now,
        )


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as tmp:
        server = Dovecot.start()
        try:
            inbox, sent, contacts = mailbox(rng)
            write_maildir(server.maildir, inbox, 1_790_000_000)
            write_maildir(server.maildir / ".Sent", sent, 1_790_000_000)
            home = Path(tmp) / "home"
            home.mkdir()
            config = home / "config.toml"
            env = home_env(str(home), FOLLOWUP_CONFIG=str(config), TZ="America/New_York")
            config.write_text("")
            add_interviews(env, contacts)
            imap = (
                f'[mail]\nimap_host = "127.0.0.1"\nimap_port = {server.port}\n'
                f'security = "none"\nusername = "{server.user}"\n'
                f'password_command = ["printf", "%s", "{server.password}"]\n'
            )
            config.write_text(imap)
            check = [FOLLOWUP, "mail", "check", "--json"]
            first = timed(check, env)
            out = subprocess.run(check, env=env, check=True, capture_output=True, text=True)
            found = out.stdout.count('"kind"')
            warm = statistics.median(timed(check, env) for _ in range(RUNS))
            config.write_text(f'[mail]\nmaildir = "{server.maildir}"\n')
            from_maildir = statistics.median(timed(check, env) for _ in range(RUNS))
            version = statistics.median(timed([FOLLOWUP, "--version"], env) for _ in range(RUNS))
        finally:
            server.remove()
    print(f"mailbox: {len(inbox)} in INBOX + {len(sent)} in Sent; {INTERVIEWS} open interviews")
    print(f"pending findings after the first check: {found}")
    print(f"| followup --version (start-up floor) | {version:.2f} s |")
    print(f"| mail check, IMAP, first (Dovecot builds its index) | {first:.2f} s |")
    print(f"| mail check, IMAP, median of {RUNS} | {warm:.2f} s |")
    print(f"| mail check, maildir, median of {RUNS} | {from_maildir:.2f} s |")
    print(f"(measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")


if __name__ == "__main__":
    main()
