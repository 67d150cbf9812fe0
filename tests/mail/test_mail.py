"""Reply awareness against a real Dovecot: ``followup mail check`` finds the follow-up you
sent and their reply on the right days, reads without changing a flag, gives the same
findings from the Maildir on disk, checks certificates, and fails in one line.

Interview of the examples: Acme, interviewed Fri 30 Oct 2026, contact dana@acme.example,
reply expected Wed 4 Nov. Times are New York's (the test zone).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.mail.messages import FOLLOW_UP, THEIR_REPLY, message
from tests.support.dovecot import Dovecot
from tests.support.specs import Cli, ok, snapshot, store_rows

ACME = ("Acme", "--interviewed", "2026-10-30", "--expect", "2026-11-04")


def imap_config(config_file: Path, server: Dovecot, **extra: str) -> None:
    lines = [
        "[mail]",
        'imap_host = "127.0.0.1"',
        f"imap_port = {server.port}",
        'security = "none"',
        f'username = "{server.user}"',
        f'password_command = ["printf", "%s\\n", "{server.password}"]',
    ] + [f"{key} = {value}" for key, value in extra.items()]
    config_file.write_text("\n".join(lines) + "\n")


@pytest.fixture
def imap(dovecot: Dovecot, config_file: Path) -> Dovecot:
    imap_config(config_file, dovecot)
    return dovecot


def add(cli: Cli, *args: str) -> int:
    return int(json.loads(ok(cli("add", *args, "--json")))["id"])


def check(cli: Cli) -> list[dict[str, object]]:
    return list(json.loads(ok(cli("mail", "check", "--json"))))


def summary(findings: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(f["interview_id"], f["kind"], f["on"], f["from"]) for f in findings]


# -- what is found --------------------------------------------------------------------------


def test_the_follow_up_sent_and_their_reply_are_found_on_their_days(
    cli: Cli, imap: Dovecot
) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    imap.deliver(FOLLOW_UP, "Sent")
    imap.deliver(THEIR_REPLY)
    assert check(cli) == [
        {
            "id": 1,
            "interview_id": 1,
            "company": "Acme",
            "kind": "sent",
            "on": "2026-11-10",
            "from": "jo@jo.example",
            "to": "dana@acme.example",
            "subject": "Following up on my interview",
        },
        {
            "id": 2,
            "interview_id": 1,
            "company": "Acme",
            "kind": "reply",
            "on": "2026-11-12",
            "from": "dana@acme.example",
            "to": "jo@jo.example",
            "subject": "Re: Following up on my interview",
        },
    ]


def test_the_text_asks_the_question_and_names_the_commands(cli: Cli, imap: Dovecot) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    imap.deliver(FOLLOW_UP, "Sent")
    imap.deliver(THEIR_REPLY)
    assert ok(cli("mail", "check")) == (
        "Mailbox checked: 2 new findings.\n"
        "Waiting for your answer:\n"
        "[1] You emailed Acme on Tue 10 Nov? "
        "(to dana@acme.example: 'Following up on my interview')\n"
        "      yes: followup emailed 1 --on 2026-11-10\n"
        "      no:  followup mail dismiss 1\n"
        "[2] Acme replied on Thu 12 Nov: 'Re: Following up on my interview' "
        "(from dana@acme.example)\n"
        "      yes: followup heard 1 --on 2026-11-12 --outcome offer|rejected|next-round|other\n"
        "      no:  followup mail dismiss 2\n"
    )


@pytest.mark.parametrize(
    ("date", "found"),
    [
        ("Thu, 29 Oct 2026 17:00:00 -0500", False),  # the day before the interview
        ("Fri, 30 Oct 2026 08:00:00 -0500", True),  # the interview day itself
        ("Sat, 31 Oct 2026 01:30:00 +0000", True),  # Fri 30 Oct, 21:30 in New York
        ("Fri, 30 Oct 2026 03:00:00 +0000", False),  # Thu 29 Oct, 23:00 in New York
    ],
    ids=["day-before", "interview-day", "utc-next-day-is-interview-day", "utc-day-is-day-before"],
)
def test_a_sent_message_counts_from_the_interview_day_in_the_users_zone(
    cli: Cli, imap: Dovecot, date: str, found: bool
) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    imap.deliver(
        message("s@jo.example", "jo@jo.example", "dana@acme.example", "Thanks", date), "Sent"
    )
    assert summary(check(cli)) == ([(1, "sent", "2026-10-30", "jo@jo.example")] if found else [])


def test_a_reply_from_another_address_at_the_company_is_found(cli: Cli, imap: Dovecot) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    imap.deliver(
        message(
            "hr@acme.example",
            "Acme Hiring <hiring@acme.example>",
            "jo@jo.example",
            "Your application",
            "Mon, 16 Nov 2026 11:00:00 -0500",
        )
    )
    assert summary(check(cli)) == [(1, "reply", "2026-11-16", "hiring@acme.example")]


def test_another_address_at_a_public_provider_is_no_reply(cli: Cli, imap: Dovecot) -> None:
    add(cli, *ACME, "--email", "dana.chen@gmail.com")
    imap.deliver(
        message(
            "other@gmail.com",
            "Someone Else <someone.else@gmail.com>",
            "jo@jo.example",
            "Lunch?",
            "Mon, 16 Nov 2026 11:00:00 -0500",
        )
    )
    imap.deliver(
        message(
            "dana@gmail.com",
            "Dana Chen <dana.chen@gmail.com>",
            "jo@jo.example",
            "Re: interview",
            "Tue, 17 Nov 2026 11:00:00 -0500",
        )
    )
    assert summary(check(cli)) == [(1, "reply", "2026-11-17", "dana.chen@gmail.com")]


def test_a_reply_from_elsewhere_is_found_by_in_reply_to_the_users_follow_up(
    cli: Cli, imap: Dovecot
) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    imap.deliver(FOLLOW_UP, "Sent")
    imap.deliver(
        message(
            "agency@recruit.example",
            "Sam <sam@recruit.example>",
            "jo@jo.example",
            "Re: Following up on my interview",
            "Fri, 13 Nov 2026 10:00:00 -0500",
            in_reply_to="follow-up@jo.example",
        )
    )
    imap.deliver(
        message(
            "unrelated@recruit.example",
            "Sam <sam@recruit.example>",
            "jo@jo.example",
            "New openings",
            "Fri, 13 Nov 2026 10:05:00 -0500",
        )
    )
    assert summary(check(cli)) == [
        (1, "sent", "2026-11-10", "jo@jo.example"),
        (1, "reply", "2026-11-13", "sam@recruit.example"),
    ]


def test_a_reply_on_the_interview_day_is_not_one(cli: Cli, imap: Dovecot) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    imap.deliver(
        message(
            "same-day@acme.example",
            "dana@acme.example",
            "jo@jo.example",
            "Thanks for coming in",
            "Fri, 30 Oct 2026 17:00:00 -0500",
        )
    )
    assert check(cli) == []


def test_an_interview_already_emailed_gets_no_sent_finding(cli: Cli, imap: Dovecot) -> None:
    interview = add(cli, *ACME, "--email", "dana@acme.example")
    ok(cli("emailed", str(interview), "--on", "2026-11-10"))
    imap.deliver(FOLLOW_UP, "Sent")
    assert check(cli) == []


# -- suggested once, until answered ---------------------------------------------------------


def test_each_message_is_suggested_once(cli: Cli, imap: Dovecot) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    imap.deliver(FOLLOW_UP, "Sent")
    assert ok(cli("mail", "check")).startswith("Mailbox checked: 1 new finding.\n")
    assert ok(cli("mail", "check")).startswith("Mailbox checked: 0 new findings.\n")
    assert ok(cli("mail", "dismiss", "1")) == "Dismissed: You emailed Acme on Tue 10 Nov?\n"
    assert ok(cli("mail", "check")) == (
        "Mailbox checked: 0 new findings.\nNothing waits for your answer.\n"
    )


def test_accepting_with_emailed_resolves_the_sent_finding(
    cli: Cli, imap: Dovecot, db_path: Path
) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    imap.deliver(FOLLOW_UP, "Sent")
    check(cli)
    ok(cli("emailed", "1", "--on", "2026-11-10"))
    assert check(cli) == []
    assert states(db_path) == [(1, "sent", "accepted")]


def test_a_pending_reply_holds_the_reminder_until_answered(
    cli: Cli, imap: Dovecot, db_path: Path
) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    ok(cli("emailed", "1", "--on", "2026-11-10"))
    assert json.loads(ok(cli("upcoming", "--json")))[0]["kind"] == "move_on"
    imap.deliver(THEIR_REPLY)
    check(cli)
    assert json.loads(ok(cli("upcoming", "--json"))) == []
    shown = ok(cli("show", "1"))
    assert "Next reminder" not in shown
    assert "[1] Acme replied on Thu 12 Nov: 'Re: Following up on my interview'" in shown
    assert json.loads(ok(cli("show", "1", "--json")))["next_reminder"] is None
    ok(cli("heard", "1", "--on", "2026-11-12", "--outcome", "next-round", "--expect", "2026-12-01"))
    assert states(db_path) == [(1, "reply", "accepted")]
    assert [d["kind"] for d in json.loads(ok(cli("upcoming", "--json")))] == ["email"]


def test_dismissing_a_reply_brings_the_move_on_reminder_back(cli: Cli, imap: Dovecot) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    ok(cli("emailed", "1", "--on", "2026-11-10"))
    imap.deliver(THEIR_REPLY)
    check(cli)
    ok(cli("mail", "dismiss", "1"))
    assert [d["kind"] for d in json.loads(ok(cli("upcoming", "--json")))] == ["move_on"]


@pytest.mark.parametrize(
    ("finding", "error"),
    [("9", "error: no mail finding with id 9\n"), ("x", None)],
    ids=["unknown", "not-a-number"],
)
def test_dismissing_a_finding_that_is_not_there_changes_nothing(
    cli: Cli, imap: Dovecot, db_path: Path, finding: str, error: str | None
) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    before = snapshot(db_path)
    result = cli("mail", "dismiss", finding)
    assert result.code == (1 if error else 2)
    assert result.err == (error or "error: argument FINDING_ID: not a finding id: 'x'\n")
    assert snapshot(db_path) == before


def states(db_path: Path) -> list[tuple[object, ...]]:
    return store_rows(db_path, "SELECT interview_id, kind, state FROM mail_findings ORDER BY id")


# -- read-only ------------------------------------------------------------------------------


def test_no_flag_changes_and_nothing_becomes_seen(cli: Cli, imap: Dovecot) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    imap.deliver(FOLLOW_UP, "Sent")
    imap.append(THEIR_REPLY)
    before = imap.flags()
    assert len(check(cli)) == 2
    after = imap.flags()
    assert after == before
    # \Recent survives only if followup opened the folders with EXAMINE, not SELECT.
    assert all(flags == (b"\\Recent",) for folder in after.values() for flags in folder.values())


# -- the same from a Maildir -----------------------------------------------------------------


def test_the_maildir_gives_the_same_findings_and_moves_no_file(
    cli: Cli, dovecot: Dovecot, config_file: Path
) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    dovecot.deliver(FOLLOW_UP, "Sent")
    dovecot.deliver(THEIR_REPLY)
    dovecot.deliver(
        message(
            "hr@acme.example",
            "hiring@acme.example",
            "jo@jo.example",
            "Your application",
            "Mon, 16 Nov 2026 11:00:00 -0500",
        )
    )
    files = sorted(
        p.relative_to(dovecot.maildir) for p in dovecot.maildir.rglob("*") if p.is_file()
    )
    config_file.write_text(f'[mail]\nmaildir = "{dovecot.maildir}"\n')
    from_maildir = check(cli)
    assert (
        sorted(p.relative_to(dovecot.maildir) for p in dovecot.maildir.rglob("*") if p.is_file())
        == files
    )
    assert summary(from_maildir) == [
        (1, "sent", "2026-11-10", "jo@jo.example"),
        (1, "reply", "2026-11-12", "dana@acme.example"),
        (1, "reply", "2026-11-16", "hiring@acme.example"),
    ]
    imap_config(config_file, dovecot)
    assert ok(cli("mail", "check")).startswith("Mailbox checked: 0 new findings.\n")


# -- certificates ---------------------------------------------------------------------------


def tls_config(config_file: Path, server: Dovecot, security: str, ca_file: Path | None) -> None:
    port = server.tls_port if security == "tls" else server.port
    lines = [
        "[mail]",
        'imap_host = "127.0.0.1"',
        f"imap_port = {port}",
        f'security = "{security}"',
        f'username = "{server.user}"',
        f'password_command = ["printf", "%s\\n", "{server.password}"]',
    ]
    if ca_file:
        lines.append(f'ca_file = "{ca_file}"')
    config_file.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_a_self_signed_certificate_is_refused_without_ca_file(
    cli: Cli, tls_dovecot: Dovecot, config_file: Path, security: str
) -> None:
    tls_config(config_file, tls_dovecot, security, None)
    result = cli("mail", "check")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "error: the certificate of 127.0.0.1 was refused: self-signed certificate "
        "(set mail.ca_file to the CA bundle that signed it)\n"
    )


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_a_self_signed_certificate_is_accepted_with_ca_file(
    cli: Cli, tls_dovecot: Dovecot, config_file: Path, security: str
) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    tls_dovecot.deliver(THEIR_REPLY)
    assert tls_dovecot.cert is not None
    tls_config(config_file, tls_dovecot, security, tls_dovecot.cert)
    assert summary(check(cli)) == [(1, "reply", "2026-11-12", "dana@acme.example")]


# -- failures: one line, no password --------------------------------------------------------


def test_a_wrong_password_is_one_line_without_the_password(
    cli: Cli, dovecot: Dovecot, config_file: Path, db_path: Path
) -> None:
    add(cli, *ACME, "--email", "dana@acme.example")
    before = snapshot(db_path)
    imap_config(config_file, dovecot)
    config_file.write_text(
        config_file.read_text().replace(dovecot.password, "not the password at all")
    )
    result = cli("mail", "check")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"error: login to 127.0.0.1 as {dovecot.user} refused: [AUTHENTICATIONFAILED] "
        "Authentication failed.\n"
    )
    assert "not the password" not in result.err
    assert snapshot(db_path) == before


def test_a_stopped_server_is_one_line(cli: Cli, own_dovecot: Dovecot, config_file: Path) -> None:
    imap = own_dovecot
    imap_config(config_file, imap)
    imap.stop()
    result = cli("mail", "check")
    assert (result.code, result.out) == (1, "")
    assert result.err == f"error: cannot reach 127.0.0.1:{imap.port}: Connection refused\n"


def test_a_missing_folder_is_named(cli: Cli, dovecot: Dovecot, config_file: Path) -> None:
    imap_config(config_file, dovecot, reply_folders='["Replies"]')
    add(cli, *ACME, "--email", "dana@acme.example")
    result = cli("mail", "check")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "error: no folder 'Replies' on 127.0.0.1 (Mailbox doesn't exist: Replies)\n"
    )


@pytest.mark.system
def test_a_failing_password_command_is_named(cli: Cli, config_file: Path) -> None:
    config_file.write_text(
        '[mail]\nimap_host = "127.0.0.1"\nsecurity = "none"\nusername = "jo"\n'
        'password_command = ["sh", "-c", "echo no such entry >&2; exit 3"]\n'
    )
    result = cli("mail", "check")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "error: mail.password_command: 'sh' failed with exit status 3: no such entry\n"
    )


def test_no_mailbox_configured_is_one_line(cli: Cli, config_file: Path) -> None:
    config_file.write_text("")
    result = cli("mail", "check")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"error: no mailbox is configured: set mail.imap_host (or mail.maildir) in {config_file}\n"
    )


@pytest.mark.parametrize(
    ("host", "refused"),
    [("127.0.0.1", False), ("localhost", False), ("::1", False), ("imap.example.org", True)],
)
def test_no_encryption_is_only_for_a_loopback_address(
    cli: Cli, config_file: Path, host: str, refused: bool
) -> None:
    config_file.write_text(
        f'[mail]\nimap_host = "{host}"\nsecurity = "none"\nusername = "jo"\n'
        'password_command = ["pass", "show", "mail"]\n'
    )
    result = cli("config", "--json")
    if refused:
        assert (result.code, result.out) == (5, "")
        assert json.loads(result.err)["error"] == {
            "code": "config",
            "message": f'{config_file}: mail.security = "none" is refused for {host!r}: the '
            'password would cross the network unencrypted; use "tls" or "starttls" ("none" '
            "is only for a loopback address such as 127.0.0.1)",
        }
    else:
        assert json.loads(ok(result))["settings"]["mail.imap_port"] == 143
