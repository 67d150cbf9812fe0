"""What is read from outside is bounded and cleaned at the door: odd files in the user's
own Maildir, a password command that hangs, floods or complains at length, and text that
carries control, bidi or NUL characters (real files, real programs)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from followup.cleaning import MAX_FIELD, from_outside
from followup.errors import MailError
from followup.mail import password
from followup.mail.maildir import MAX_HEADER_BYTES, read_message_header

ACME = ("Acme", "--interviewed", "2026-10-30", "--expect", "2026-11-04")
REPLY = (
    b"From: Dana Chen <dana@acme.example>\r\nTo: jo@jo.example\r\n"
    b"Subject: Re: Following up\r\nMessage-ID: <reply@acme.example>\r\n"
    b"Date: Thu, 12 Nov 2026 16:05:00 -0500\r\n\r\nThe body is never read.\r\n"
)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Re: offer\x00", "Re: offer"),
        ("Re: \x1b]0;owned\x07offer", "Re: ]0;ownedoffer"),
        ("Re: \x9b31mred", "Re: 31mred"),
        ("Re: \u202eelif.exe\u202c ok", "Re: elif.exe ok"),
        ("Re: \u2066isolate\u2069", "Re: isolate"),
        ("line\r\nbreak\tand\x0bmore", "line break and more"),
        ("caf\u00e9 \u4e2d\u6587", "caf\u00e9 \u4e2d\u6587"),
        ("lone \udcff surrogate", "lone surrogate"),
    ],
)
def test_text_from_outside_keeps_no_control_bidi_or_nul(text: str, kept: str) -> None:
    assert from_outside(text) == kept


def test_text_from_outside_is_cut_at_its_stated_length() -> None:
    cut = from_outside("x" * 10_000_000)
    assert (len(cut), cut[-1]) == (MAX_FIELD, "\u2026")


# -- the Maildir ---------------------------------------------------------------------------


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    root = tmp_path / "Mail"
    for folder in (root, root / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    return root


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda p, _r: p.symlink_to("/etc/shadow"), "a link out of the Maildir, not followed"),
        (lambda p, _r: p.symlink_to("/dev/zero"), "a link out of the Maildir, not followed"),
        (lambda p, _r: p.symlink_to(p), "Too many levels of symbolic links"),
        (lambda p, _r: os.mkfifo(p), "not a regular file"),
        (lambda p, r: (r / "dir").mkdir() or p.symlink_to(r / "dir"), "not a regular file"),
    ],
    ids=["link to /etc/shadow", "link to /dev/zero", "link loop", "fifo", "link to a folder"],
)
def test_only_regular_files_inside_the_tree_are_read(maildir: Path, make: object, why: str) -> None:
    path = maildir / "cur" / "1700000000.odd:2,"
    make(path, maildir)  # type: ignore[operator]
    started = time.monotonic()
    with pytest.raises(OSError, match=why):
        read_message_header(maildir, path)
    assert time.monotonic() - started < 5  # a FIFO is never waited on


def test_a_link_inside_the_tree_is_read(maildir: Path) -> None:
    (maildir / "tmp" / "kept").write_bytes(REPLY)
    link = maildir / "cur" / "1700000000.link:2,"
    link.symlink_to(maildir / "tmp" / "kept")
    assert read_message_header(maildir, link).startswith(b"From: Dana Chen")


def test_a_header_that_never_ends_is_read_up_to_the_limit(maildir: Path) -> None:
    path = maildir / "cur" / "1700000000.huge:2,"
    path.write_bytes((b"X-Long: " + b"x" * 1000 + b"\r\n") * 1000)
    assert len(read_message_header(maildir, path)) <= MAX_HEADER_BYTES


def test_a_10_mb_subject_keeps_its_start_and_the_fields_after_it(maildir: Path) -> None:
    path = maildir / "cur" / "1700000000.huge:2,"
    path.write_bytes(b"Subject: " + b"x" * 10_000_000 + b"\r\nFrom: d@a.example\r\n\r\nbody")
    header = read_message_header(maildir, path)
    assert header.endswith(b"x\r\nFrom: d@a.example\r\n\r\n")
    assert len(header) < 70_000


def reply_found_and_skipped(
    cli,  # type: ignore[no-untyped-def]
    config_file: Path,
    maildir: Path,
) -> list[str]:
    """Run ``mail check`` on ``maildir`` for Acme, whose contact is dana; assert it finds
    dana's reply and exits 1 for the messages it skipped; return their error lines."""
    config_file.write_text(f'[mail]\nmaildir = "{maildir}"\n')
    assert cli("add", *ACME, "--email", "dana@acme.example").code == 0
    done = cli("mail", "check")
    assert done.code == 1, done.err
    assert "(from dana@acme.example)" in done.out
    return done.err.splitlines()


def test_one_odd_message_is_one_line_and_the_reply_is_still_found(
    cli, config_file: Path, maildir: Path
) -> None:  # type: ignore[no-untyped-def]
    (maildir / "cur" / "1700000000.a:2,").symlink_to("/etc/shadow")
    (maildir / "cur" / "1700000001.b:2,").symlink_to(maildir / "cur" / "1700000001.b:2,")
    os.mkfifo(maildir / "cur" / "1700000002.c:2,")
    (maildir / "cur" / "1763000000.reply:2,").write_bytes(REPLY)
    skipped = reply_found_and_skipped(cli, config_file, maildir)
    assert len(skipped) == 3
    assert all(line.startswith("error: cannot read the message 'cur/") for line in skipped)


# -- the password command ------------------------------------------------------------------


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(password, "TIMEOUT_S", 2)


@pytest.mark.system  # runs the password command, a process of its own
def test_a_password_command_whose_child_holds_the_pipe_is_stopped_with_its_children(
    quick: None, tmp_path: Path
) -> None:
    pid_file = tmp_path / "child.pid"
    started = time.monotonic()
    with pytest.raises(MailError, match=r"'sh' gave no password in 2 s \(stopped"):
        password.read_password(["sh", "-c", f"sleep 100000 & echo $! > {pid_file}; wait"])
    assert time.monotonic() - started < 10
    child = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        for _ in range(100):  # reaped by init shortly after the kill
            os.kill(child, 0)
            time.sleep(0.05)


@pytest.mark.system  # runs the password command, a process of its own
def test_a_password_command_that_prints_forever_is_stopped_at_the_output_limit(
    quick: None,
) -> None:
    started = time.monotonic()
    with pytest.raises(MailError, match=r"'yes' printed more than 64 KiB"):
        password.read_password(["yes"])
    assert time.monotonic() - started < 5


@pytest.mark.system  # runs the password command, a process of its own
def test_a_password_command_complaining_at_length_gives_one_short_line() -> None:
    script = "head -c 50000000 /dev/zero | tr '\\0' x >&2; exit 3"
    with pytest.raises(MailError) as raised:
        password.read_password(["sh", "-c", script])
    message = raised.value.message
    assert message.startswith("mail.password_command: 'sh' failed with exit status 3: xxx")
    assert len(message) < 400


@pytest.mark.system  # runs the password command, a process of its own
def test_a_password_commands_escape_sequences_never_reach_the_message() -> None:
    with pytest.raises(MailError) as raised:
        password.read_password(["sh", "-c", "printf 'bad\\033[2J\\007 entry\\n' >&2; exit 1"])
    assert raised.value.message.endswith(": bad[2J entry")


# -- the store's door ------------------------------------------------------------------------


@pytest.mark.system
@pytest.mark.own_store
def test_a_subject_decoding_to_nul_and_escapes_is_stored_clean_and_others_still_found(
    cli, config_file: Path, maildir: Path, store_url: str
) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL a NUL in a text field fails the whole write: one such reply once
    switched mail awareness off for every company."""
    header = "From: {0}\r\nTo: jo@jo.example\r\nSubject: {1}\r\nMessage-ID: <{2}>\r\n"
    header += "Date: Thu, 12 Nov 2026 16:05:00 -0500\r\n\r\nbody\r\n"
    for key, (sender, subject) in enumerate(
        [
            ("d@acme.example", "=?utf-8?b?AA==?= =?utf-8?b?G10wO293bmVkBw==?= offer"),
            ("e@beta.example", "Re: next steps"),
        ]
    ):
        (maildir / "cur" / f"176300000{key}.m{key}:2,").write_bytes(
            header.format(sender, subject, f"m{key}@x").encode()
        )
    config_file.write_text(config_file.read_text() + f'\n[mail]\nmaildir = "{maildir}"\n')
    assert cli("add", *ACME, "--email", "d@acme.example").code == 0
    beta = ("Beta", "--interviewed", "2026-10-30", "--expect", "2026-11-04")
    assert cli("add", *beta, "--email", "e@beta.example").code == 0
    done = cli("mail", "check", "--json")
    assert done.code == 0, done.err
    found = {f["from"]: f for f in json.loads(done.out)}
    assert sorted(found) == ["d@acme.example", "e@beta.example"]
    assert found["d@acme.example"]["subject"] == "]0;owned offer"


def test_a_message_it_may_not_read_is_one_line_and_the_reply_is_still_found(
    cli,  # type: ignore[no-untyped-def]
    config_file: Path,
    maildir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A message of mode 000 (or owned by another user). The tests run as root, whom no
    mode stops, so the refusal the kernel gives anyone else is given at ``os.open``."""
    from followup.mail import maildir as reading

    closed = maildir / "cur" / "1700000000.closed:2,"
    closed.write_bytes(REPLY)
    closed.chmod(0)
    (maildir / "cur" / "1763000000.reply:2,").write_bytes(REPLY)
    real_open = os.open

    def open_as_a_user(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        if os.fspath(path) == os.fspath(closed):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(reading.os, "open", open_as_a_user)
    skipped = reply_found_and_skipped(cli, config_file, maildir)
    assert skipped == [
        f"error: cannot read the message 'cur/1700000000.closed:2,' in 'INBOX' of the Maildir "
        f"'{maildir}': Permission denied (skipped; the other messages were read)"
    ]
