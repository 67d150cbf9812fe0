"""``followup mail check`` against a real Dovecot set up as the servers people have behave:
a Sent folder without the ``\\Sent`` flag under Outlook's and localised names, Courier's
``INBOX.`` namespace, a Gmail-like ``[Gmail]`` hierarchy whose All Mail also holds the
user's own follow-ups, raw UTF-8 headers and an internationalised domain, and a proxy in
front of Dovecot that respells FETCH keys or refuses ``CHARSET UTF-8``.

Each set-up needs nothing configured beyond the login unless its row says so. Each test
checks the findings, their days, and that no message's flags changed (mail stays unread).

Interviews: Acme (dana@acme.example) and Müller Bau (jobs@müller-bau.de), interviewed
Fri 30 Oct 2026, reply expected Wed 4 Nov. Times are New York's (the test zone); the CLI
runs on Sun 29 Nov 2026.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mail.messages import FOLLOW_UP, SECOND_FOLLOW_UP, THEIR_REPLY, message
from tests.support.dovecot import Dovecot
from tests.support.imap_proxy import ImapProxy
from tests.support.specs import Cli, ok

pytestmark = pytest.mark.system

ACME = ("Acme", "--interviewed", "2026-10-30", "--expect", "2026-11-04")
MULLER = ("Müller Bau", "--interviewed", "2026-10-30", "--expect", "2026-11-04")
#: The exit status of a look that failed in part, with ``--json`` (the ``mail`` code's).
MAIL_JSON_STATUS = 9
BOTH_FOUND = [
    (1, "sent", "2026-11-10", "jo@jo.example"),
    (1, "reply", "2026-11-12", "dana@acme.example"),
]


def configure(config_file: Path, port: int, **extra: str) -> None:
    lines = [
        "[mail]",
        'imap_host = "127.0.0.1"',
        f"imap_port = {port}",
        'security = "none"',
        'username = "jo"',
        'password_command = ["printf", "%s\\n", "correct horse battery staple"]',
    ] + [f"{key} = {value}" for key, value in extra.items()]
    config_file.write_text("\n".join(lines) + "\n")


def add(cli: Cli, *args: str) -> None:
    ok(cli("add", *args, "--json"))


def found(cli: Cli) -> list[tuple[object, ...]]:
    result = cli("mail", "check", "--json")
    assert (result.code, result.err) == (0, "")
    return [(f["interview_id"], f["kind"], f["on"], f["from"]) for f in json.loads(result.out)]


@pytest.fixture
def servers() -> Iterator[list[Dovecot]]:
    started: list[Dovecot] = []
    yield started
    for server in started:
        server.remove()


# -- where the Sent folder is -----------------------------------------------------------------

# (set-up, the server's folders besides INBOX with their special-use flag, namespace
# separator and prefix, the Sent folder's IMAP name, what `mail folders` says of it)
SENT_FOLDERS = {
    "Outlook/Exchange: Sent Items, no flag": (
        {"Sent Items": None},
        "/",
        "",
        "Sent Items",
        "  Sent folder: Sent Items: a name mail clients use for sent mail",
    ),
    "German Exchange: Gesendete Elemente, no flag": (
        {"Gesendete Elemente": None},
        "/",
        "",
        "Gesendete Elemente",
        "  Sent folder: Gesendete Elemente: a name mail clients use for sent mail",
    ),
    "French server: Éléments envoyés, no flag": (
        {"Éléments envoyés": None},
        "/",
        "",
        "Éléments envoyés",
        "  Sent folder: Éléments envoyés: a name mail clients use for sent mail",
    ),
    "Courier: INBOX.Sent, no flag": (
        {"Sent": None},
        ".",
        "INBOX.",
        "INBOX.Sent",
        "  Sent folder: INBOX/Sent (INBOX.Sent): a name mail clients use for sent mail",
    ),
    "Dovecot: Sent flagged \\Sent": (
        {"Sent": "\\Sent", "Sent Items": None},
        "/",
        "",
        "Sent",
        "  Sent folder: Sent: the server flags it \\Sent",
    ),
}


@pytest.mark.parametrize("setup", list(SENT_FOLDERS))
def test_the_sent_folder_is_found_without_configuring_it(
    cli: Cli, config_file: Path, servers: list[Dovecot], setup: str
) -> None:
    folders, separator, prefix, sent, said = SENT_FOLDERS[setup]
    server = Dovecot.start(folders=folders, separator=separator, prefix=prefix)
    servers.append(server)
    configure(config_file, server.port)
    add(cli, *ACME, "--email", "dana@acme.example")
    server.deliver(FOLLOW_UP, sent)
    server.append(THEIR_REPLY)
    before = server.flags()

    assert found(cli) == BOTH_FOUND
    assert server.flags() == before
    shown = ok(cli("mail", "folders")).splitlines()
    assert shown == [
        f"Mailbox: 127.0.0.1:{server.port}",
        said,
        "  Replies from: INBOX: the default",
    ]


def test_a_configured_sent_folder_is_read_as_the_client_names_it(
    cli: Cli, config_file: Path, servers: list[Dovecot]
) -> None:
    server = Dovecot.start(folders={"Sent": None, "Archive/Sent 2026": None}, separator=".")
    servers.append(server)
    configure(config_file, server.port, sent_folder='"Archive/Sent 2026"')
    add(cli, *ACME, "--email", "dana@acme.example")
    server.deliver(FOLLOW_UP, "Archive.Sent 2026")
    server.deliver(THEIR_REPLY)
    before = server.flags()

    assert found(cli) == BOTH_FOUND
    assert server.flags() == before
    assert ok(cli("mail", "folders")).splitlines()[1] == (
        "  Sent folder: Archive/Sent 2026 (Archive.Sent 2026): set in the config"
    )


def test_without_a_sent_folder_replies_are_still_read_and_one_line_names_the_folders(
    cli: Cli, config_file: Path, servers: list[Dovecot]
) -> None:
    server = Dovecot.start(folders={"Outbox copies": None, "Archive": None})
    servers.append(server)
    configure(config_file, server.port)
    add(cli, *ACME, "--email", "dana@acme.example")
    server.deliver(FOLLOW_UP, "Outbox copies")
    server.deliver(THEIR_REPLY)

    result = cli("mail", "check", "--json")

    assert result.code == MAIL_JSON_STATUS
    assert [(f["kind"], f["on"]) for f in json.loads(result.out)] == [("reply", "2026-11-12")]
    assert json.loads(result.err)["error"]["message"] == (
        "no Sent folder found in 127.0.0.1 (none is flagged \\Sent and none has a name "
        "mail clients use for it); its folders: Archive, INBOX, Outbox copies; set "
        "mail.sent_folder to the one your mail client keeps sent mail in (replies are still "
        "read)"
    )


# -- Gmail: All Mail holds the user's own mail too ------------------------------------------------

GMAIL = {"[Gmail]/Sent Mail": "\\Sent", "[Gmail]/All Mail": "\\All", "[Gmail]/Drafts": None}


@pytest.mark.parametrize(
    ("extra", "replies_from"),
    [
        ({}, "the user's follow-ups in Sent Mail"),
        ({"addresses": '["jo@jo.example"]'}, "mail.addresses"),
    ],
    ids=["own address from the Sent folder", "own address configured"],
)
def test_gmail_all_mail_as_reply_folder_never_takes_the_users_own_mail_for_a_reply(
    cli: Cli,
    config_file: Path,
    servers: list[Dovecot],
    extra: dict[str, str],
    replies_from: str,
) -> None:
    server = Dovecot.start(folders=GMAIL)
    servers.append(server)
    configure(config_file, server.port, reply_folders='["[Gmail]/All Mail"]', **extra)
    add(cli, *ACME, "--email", "dana@acme.example")
    for mail in (FOLLOW_UP, SECOND_FOLLOW_UP):
        server.deliver(mail, "[Gmail]/Sent Mail")
        server.deliver(mail, "[Gmail]/All Mail")
    server.deliver(THEIR_REPLY, "INBOX")
    server.deliver(THEIR_REPLY, "[Gmail]/All Mail")
    before = server.flags()

    assert found(cli) == [
        (1, "sent", "2026-11-10", "jo@jo.example"),
        (1, "reply", "2026-11-12", "dana@acme.example"),
        (1, "sent", "2026-11-17", "jo@jo.example"),
    ], replies_from
    assert server.flags() == before


# -- every header, every address -----------------------------------------------------------------

RAW_UTF8_FOLLOW_UP = message(
    "nachfrage@jo.example",
    "Jo Schäfer <jo@jo.example>",
    "Jürgen Müller <jobs@müller-bau.de>",
    "Nachfrage zum Vorstellungsgespräch",
    "Tue, 10 Nov 2026 10:00:00 -0500",
)
IDNA_REPLY = message(
    "antwort@xn--mller-bau-q9a.de",
    "Jürgen Müller <jobs@xn--mller-bau-q9a.de>",
    "jo@jo.example",
    "Vorstellungsgespräch \N{EN DASH} Rückmeldung",
    "Fri, 13 Nov 2026 11:00:00 -0500",
)
UNICODE_REPLY = message(
    "zweite@müller-bau.de",
    "Personal <personal@müller-bau.de>",
    "jo@jo.example",
    "=?utf-8?q?Ihre_Bewerbung_bei_M=C3=BCller_Bau?=",
    "Mon, 16 Nov 2026 09:00:00 -0500",
)


@pytest.mark.parametrize(
    "refuse_charset", [False, True], ids=["server searches UTF-8", "server refuses CHARSET"]
)
def test_raw_utf8_headers_and_an_idn_contact_are_found_beside_another_company(
    cli: Cli, config_file: Path, servers: list[Dovecot], refuse_charset: bool
) -> None:
    server = Dovecot.start()
    servers.append(server)
    proxy = ImapProxy(server.port, refuse_charset=refuse_charset).start()
    try:
        configure(config_file, proxy.port)
        add(cli, *ACME, "--email", "dana@acme.example")
        add(cli, *MULLER, "--email", "jobs@müller-bau.de")
        server.deliver(FOLLOW_UP, "Sent")
        server.deliver(RAW_UTF8_FOLLOW_UP, "Sent")
        server.deliver(THEIR_REPLY)
        server.deliver(IDNA_REPLY)
        server.append(UNICODE_REPLY)
        before = server.flags()

        result = cli("mail", "check", "--json")
    finally:
        proxy.stop()
    assert (proxy.refused > 0) == refuse_charset

    assert (result.code, result.err) == (0, "")
    assert [
        (f["interview_id"], f["kind"], f["on"], f["from"], f["subject"])
        for f in json.loads(result.out)
    ] == [
        (1, "sent", "2026-11-10", "jo@jo.example", "Following up on my interview"),
        (2, "sent", "2026-11-10", "jo@jo.example", "Nachfrage zum Vorstellungsgespräch"),
        (1, "reply", "2026-11-12", "dana@acme.example", "Re: Following up on my interview"),
        (
            2,
            "reply",
            "2026-11-13",
            "jobs@müller-bau.de",
            "Vorstellungsgespräch \N{EN DASH} Rückmeldung",
        ),
        (2, "reply", "2026-11-16", "personal@müller-bau.de", "Ihre Bewerbung bei Müller Bau"),
    ]
    assert server.flags() == before


EAI_FOLLOW_UP = message(
    "eai-follow-up@jo.example",
    "Jo <jo@jo.example>",
    "Jörg Weiß <jörg@gmail.com>",
    "Nachfrage",
    "Tue, 10 Nov 2026 10:00:00 -0500",
)
EAI_REPLY = message(
    "eai-reply@gmail.com",
    "Jörg Weiß <jörg@gmail.com>",
    "jo@jo.example",
    "Antwort",
    "Fri, 13 Nov 2026 11:00:00 -0500",
)
ANOTHER_GMAIL_USER = message(
    "other@gmail.com", "Anna <anna@gmail.com>", "jo@jo.example", "Hallo", "Fri, 13 Nov 2026"
)


@pytest.mark.parametrize(
    "refuse_charset", [False, True], ids=["server searches UTF-8", "server refuses CHARSET"]
)
def test_a_contact_with_a_unicode_local_part_is_found_by_the_address_itself(
    cli: Cli, config_file: Path, servers: list[Dovecot], refuse_charset: bool
) -> None:
    """RFC 6531: ``jörg@gmail.com`` has no ASCII form, and at a public mail provider its
    domain says nothing of the company: only the address itself finds the reply."""
    server = Dovecot.start()
    servers.append(server)
    proxy = ImapProxy(server.port, refuse_charset=refuse_charset).start()
    try:
        configure(config_file, proxy.port)
        add(cli, "Weiß", *MULLER[1:], "--email", "jörg@gmail.com")
        server.deliver(EAI_FOLLOW_UP, "Sent")
        server.deliver(EAI_REPLY)
        server.deliver(ANOTHER_GMAIL_USER)
        before = server.flags()
        result = cli("mail", "check", "--json")
    finally:
        proxy.stop()

    assert (result.code, result.err) == (0, "")
    assert [(f["kind"], f["on"], f["from"]) for f in json.loads(result.out)] == [
        ("sent", "2026-11-10", "jo@jo.example"),
        ("reply", "2026-11-13", "jörg@gmail.com"),
    ]
    assert (proxy.refused > 0) == refuse_charset
    assert server.flags() == before


LATIN_1_REPLY = (
    b"From: J\xfcrgen M\xfcller <jobs@xn--mller-bau-q9a.de>\r\nTo: jo@jo.example\r\n"
    b"Subject: R\xfcckmeldung zu Ihrem Gespr\xe4ch\r\nMessage-ID: <latin-1@x>\r\n"
    b"Date: Fri, 13 Nov 2026 11:00:00 -0500\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\nGr\xfc\xdfe\r\n"
)


def test_a_raw_latin_1_header_is_read_in_the_charset_its_content_type_names(
    cli: Cli, config_file: Path, servers: list[Dovecot]
) -> None:
    """As an older client writes it: 8-bit bytes that are not UTF-8."""
    server = Dovecot.start()
    servers.append(server)
    configure(config_file, server.port)
    add(cli, *MULLER, "--email", "jobs@müller-bau.de")
    server.deliver(LATIN_1_REPLY)
    before = server.flags()

    result = cli("mail", "check", "--json")

    assert (result.code, result.err) == (0, "")
    assert [(f["kind"], f["on"], f["from"], f["subject"]) for f in json.loads(result.out)] == [
        ("reply", "2026-11-13", "jobs@müller-bau.de", "Rückmeldung zu Ihrem Gespräch")
    ]
    assert server.flags() == before


# -- a server that answers under another key -------------------------------------------------------


def test_a_fetch_answered_under_a_respelled_key_still_gives_the_findings(
    cli: Cli, config_file: Path, servers: list[Dovecot]
) -> None:
    server = Dovecot.start()
    servers.append(server)
    proxy = ImapProxy(server.port, respell_fetch=True).start()
    try:
        configure(config_file, proxy.port)
        add(cli, *ACME, "--email", "dana@acme.example")
        server.deliver(FOLLOW_UP, "Sent")
        server.deliver(THEIR_REPLY)
        before = server.flags()
        assert found(cli) == BOTH_FOUND
    finally:
        proxy.stop()
    assert proxy.respelled == 2
    assert server.flags() == before


# -- what is read, and why -------------------------------------------------------------------------


def test_check_verbose_first_lists_the_folders_read_and_why(
    cli: Cli, config_file: Path, servers: list[Dovecot]
) -> None:
    server = Dovecot.start(folders=GMAIL)
    servers.append(server)
    configure(config_file, server.port, reply_folders='["INBOX", "[Gmail]/All Mail"]')
    add(cli, *ACME, "--email", "dana@acme.example")
    server.deliver(THEIR_REPLY)

    out = ok(cli("mail", "check", "--verbose")).splitlines()

    assert out[:5] == [
        f"Mailbox: 127.0.0.1:{server.port}",
        "  Sent folder: [Gmail]/Sent Mail: the server flags it \\Sent",
        "  Replies from: INBOX: set in the config",
        "  Replies from: [Gmail]/All Mail: set in the config",
        "Mailbox checked: 1 new finding.",
    ]


@pytest.mark.parametrize(
    ("value", "bad"),
    [('["jo at jo.example"]', '"jo at jo.example"'), ('["@jo.example"]', '"@jo.example"')],
)
def test_an_own_address_that_is_not_one_is_refused_in_one_line(
    cli: Cli, config_file: Path, value: str, bad: str
) -> None:
    configure(config_file, 143, addresses=value)
    result = cli("mail", "check")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"error: {config_file}: mail.addresses = {value}: must be a list of email addresses "
        f"({bad} is not one)\n"
    )


# -- a part that fails is named, the rest is found -----------------------------------------


def test_an_empty_header_block_is_an_error_line_never_no_findings(
    cli: Cli, config_file: Path, servers: list[Dovecot]
) -> None:
    server = Dovecot.start()
    servers.append(server)
    proxy = ImapProxy(server.port, blank_headers=True).start()
    try:
        configure(config_file, proxy.port)
        add(cli, *ACME, "--email", "dana@acme.example")
        server.deliver(FOLLOW_UP, "Sent")
        server.deliver(THEIR_REPLY)
        result = cli("mail", "check")
    finally:
        proxy.stop()
    assert result.code == 1
    assert result.out.startswith("Mailbox checked: 0 new findings.\n")
    assert result.err == (
        "error: 127.0.0.1 sent no header block for message 1 in 'Sent' (it answered with "
        "SEQ, INTERNALDATE, BODY[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID "
        "IN-REPLY-TO REFERENCES CONTENT-TYPE)])\n"
        "error: 127.0.0.1 sent no header block for message 1 in 'INBOX' (it answered with "
        "SEQ, INTERNALDATE, BODY[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID "
        "IN-REPLY-TO REFERENCES CONTENT-TYPE)])\n"
    )


def test_a_contact_the_server_cannot_search_for_is_one_line_and_the_others_are_found(
    cli: Cli, config_file: Path, servers: list[Dovecot]
) -> None:
    server = Dovecot.start()
    servers.append(server)
    proxy = ImapProxy(server.port, refuse_search_of=b"odd@").start()
    try:
        configure(config_file, proxy.port)
        add(cli, *ACME, "--email", "dana@acme.example")
        add(cli, "Odd Co", *ACME[1:], "--email", "odd@odd.example")
        server.deliver(FOLLOW_UP, "Sent")
        server.deliver(THEIR_REPLY)
        before = server.flags()
        result = cli("mail", "check", "--json")
    finally:
        proxy.stop()
    assert result.code == MAIL_JSON_STATUS
    assert [(f["interview_id"], f["kind"], f["on"]) for f in json.loads(result.out)] == [
        (1, "sent", "2026-11-10"),
        (1, "reply", "2026-11-12"),
    ]
    assert json.loads(result.err)["error"]["message"] == (
        "127.0.0.1 cannot search for 'odd@odd.example': Error in IMAP command SEARCH: "
        "Invalid address (skipped; the other contacts were looked for)"
    )
    assert server.flags() == before
