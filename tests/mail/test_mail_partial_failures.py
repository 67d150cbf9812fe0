"""A look that could read only part of the mailbox is one kind of result whatever part
failed: a message of the Maildir that cannot be read, a contact the IMAP server refuses to
search for, a mailbox without a Sent folder. Each failed part is one line on standard
error; everything readable is still read, and what it gave is kept in the store and
printed; the exit status is the ``mail`` failure's (1, or 9 with ``--json``), and
``--json`` prints the usual list of findings on standard output and one error object per
failed part on standard error.

Interviews: Acme (dana@acme.example) and Odd Co (odd@odd.example), both interviewed Fri
30 Oct 2026, reply expected Wed 4 Nov. Jo's follow-up to Acme is written Tue 10 Nov 2026
and Acme's reply Thu 12 Nov (New York time); the CLI runs on Sun 29 Nov 2026.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.mail.messages import FOLLOW_UP, THEIR_REPLY
from tests.support.dovecot import Dovecot
from tests.support.imap_proxy import ImapProxy
from tests.support.specs import Cli, ok

ACME = ("Acme", "--interviewed", "2026-10-30", "--expect", "2026-11-04")
ODD = ("Odd Co", "--interviewed", "2026-10-30", "--expect", "2026-11-04")
ACME_FOUND = [(1, "sent", "2026-11-10"), (1, "reply", "2026-11-12")]
MAIL_JSON_STATUS = 9

#: Stops what a set-up started, once the test is over.
Cleanups = list[Callable[[], None]]


def maildir_tree(root: Path, *, sent: bool = True) -> Path:
    """A Maildir++ tree: INBOX at ``root`` holding Acme's reply, and ``.Sent`` holding
    Jo's follow-up (left out with ``sent=False``)."""
    folders = [root, root / ".Sent"] if sent else [root]
    for folder in folders:
        for part in ("cur", "new", "tmp"):
            (folder / part).mkdir(parents=True)
    (root / "cur" / "1763000000.reply:2,").write_bytes(THEIR_REPLY)
    if sent:
        (root / ".Sent" / "cur" / "1762786200.follow-up:2,S").write_bytes(FOLLOW_UP)
    return root


def unreadable_message(tmp_path: Path, _cleanups: Cleanups) -> str:
    """A FIFO among the inbox's messages (no program writes to it: opening it for
    reading would wait for ever)."""
    root = maildir_tree(tmp_path / "Mail")
    os.mkfifo(root / "cur" / "1762900000.odd:2,")
    return f'maildir = "{root}"'


def no_sent_folder(tmp_path: Path, _cleanups: Cleanups) -> str:
    root = maildir_tree(tmp_path / "Mail", sent=False)
    return f'maildir = "{root}"'


def refused_search(_tmp_path: Path, cleanups: Cleanups) -> str:
    """A real Dovecot behind a proxy answering BAD to any SEARCH naming odd@, as a server
    does with an address it cannot parse."""
    server = Dovecot.start()
    cleanups.append(server.remove)
    proxy = ImapProxy(server.port, refuse_search_of=b"odd@").start()
    cleanups.append(proxy.stop)
    server.deliver(FOLLOW_UP, "Sent")
    server.deliver(THEIR_REPLY)
    return "\n".join(
        [
            'imap_host = "127.0.0.1"',
            f"imap_port = {proxy.port}",
            'security = "none"',
            'username = "jo"',
            'password_command = ["printf", "%s\\n", "correct horse battery staple"]',
        ]
    )


# (the set-up, what `mail check` finds, the line naming the failed part; {root} is the
# Maildir's root)
PARTIAL = {
    "a Maildir message that cannot be read": (
        unreadable_message,
        ACME_FOUND,
        "cannot read the message 'cur/1762900000.odd:2,' in 'INBOX' of the Maildir "
        "'{root}': not a regular file (skipped; the other messages were read)",
    ),
    "a contact the IMAP server cannot search for": (
        refused_search,
        ACME_FOUND,
        "127.0.0.1 cannot search for 'odd@odd.example': Error in IMAP command SEARCH: "
        "Invalid address (skipped; the other contacts were looked for)",
    ),
    "a mailbox without a Sent folder": (
        no_sent_folder,
        [(1, "reply", "2026-11-12")],
        "no Sent folder found in {root} (none has a name mail clients use for it); its "
        "folders: INBOX; set mail.sent_folder to the one your mail "
        "client keeps sent mail in (replies are still read)",
    ),
}


#: The kinds, those that start a server marked so.
KINDS = [
    pytest.param(kind, marks=pytest.mark.system) if make is refused_search else kind
    for kind, (make, _found, _line) in PARTIAL.items()
]


@pytest.fixture
def cleanups() -> Iterator[Cleanups]:
    done: Cleanups = []
    yield done
    for cleanup in reversed(done):
        cleanup()


def two_contacts_and(
    kind: str, cli: Cli, config_file: Path, tmp_path: Path, cleanups: Cleanups
) -> tuple[list[tuple[int, str, str]], str]:
    """The mailbox of ``kind`` configured and Acme's and Odd's interviews added; the
    findings a look must still make, and its one error line (``{root}`` for the Maildir)."""
    make, expected, line = PARTIAL[kind]
    config_file.write_text("[mail]\n" + make(tmp_path, cleanups) + "\n")
    ok(cli("add", *ACME, "--email", "dana@acme.example", "--json"))
    ok(cli("add", *ODD, "--email", "odd@odd.example", "--json"))
    return expected, line


@pytest.mark.parametrize("kind", KINDS)
def test_a_failed_part_is_one_error_line_and_what_was_read_is_kept(
    cli: Cli, config_file: Path, tmp_path: Path, cleanups: Cleanups, kind: str
) -> None:
    expected, line = two_contacts_and(kind, cli, config_file, tmp_path, cleanups)

    first = cli("mail", "check")
    again = cli("mail", "check")

    assert first.code == 1
    assert first.err == f"error: {line.format(root=tmp_path / 'Mail')}\n"
    assert first.out.startswith(f"Mailbox checked: {len(expected)} new finding")
    # kept: the second look finds nothing new and shows the same findings waiting
    assert (again.code, again.err) == (1, first.err)
    assert again.out.startswith("Mailbox checked: 0 new findings.\nWaiting for your answer:")
    assert again.out.count("\n[") == len(expected)


@pytest.mark.parametrize("kind", KINDS)
def test_with_json_the_findings_are_the_usual_list_and_each_failed_part_an_error_object(
    cli: Cli, config_file: Path, tmp_path: Path, cleanups: Cleanups, kind: str
) -> None:
    expected, line = two_contacts_and(kind, cli, config_file, tmp_path, cleanups)

    result = cli("mail", "check", "--json")

    assert result.code == MAIL_JSON_STATUS
    assert [(f["interview_id"], f["kind"], f["on"]) for f in json.loads(result.out)] == expected
    assert [json.loads(e) for e in result.err.splitlines()] == [
        {"error": {"code": "mail", "message": line.format(root=tmp_path / "Mail")}}
    ]


def test_the_daemons_look_gets_the_same_line_beside_what_it_found(
    config_file: Path, tmp_path: Path, cleanups: Cleanups
) -> None:
    """The daemon's mail watch runs :func:`followup.mail.check.read` and logs each line of
    ``problems`` once while it lasts."""
    from datetime import date
    from zoneinfo import ZoneInfo

    from followup.config import load
    from followup.mail.check import read
    from followup.mail.matching import OpenInterview

    make, _found, line = PARTIAL["a Maildir message that cannot be read"]
    config_file.write_text("[mail]\n" + make(tmp_path, cleanups) + "\n")
    settings = load().mail
    assert settings is not None
    acme = OpenInterview(1, "Acme", "dana@acme.example", date(2026, 10, 30), True)

    seen = read(settings, [acme], ZoneInfo("America/New_York"))

    assert [(c.kind.value, c.on.isoformat()) for c in seen.candidates] == [
        ("sent", "2026-11-10"),
        ("reply", "2026-11-12"),
    ]
    assert seen.problems == (line.format(root=tmp_path / "Mail"),)


@pytest.mark.parametrize(
    ("json_flag", "status"), [((), 1), (("--json",), MAIL_JSON_STATUS)], ids=["text", "json"]
)
def test_mail_folders_without_a_sent_folder_lists_the_rest_and_names_it_the_same_way(
    cli: Cli,
    config_file: Path,
    tmp_path: Path,
    cleanups: Cleanups,
    json_flag: tuple[str, ...],
    status: int,
) -> None:
    make, _found, line = PARTIAL["a mailbox without a Sent folder"]
    config_file.write_text("[mail]\n" + make(tmp_path, cleanups) + "\n")
    root = tmp_path / "Mail"

    result = cli("mail", "folders", *json_flag)

    assert result.code == status
    if json_flag:
        assert json.loads(result.out) == [
            {"role": "reply", "name": "INBOX", "where": str(root), "why": "default"}
        ]
        assert json.loads(result.err) == {
            "error": {"code": "mail", "message": line.format(root=root)}
        }
    else:
        assert result.out == f"Mailbox: {root}\n  Replies from: INBOX ({root}): the default\n"
        assert result.err == f"error: {line.format(root=root)}\n"
