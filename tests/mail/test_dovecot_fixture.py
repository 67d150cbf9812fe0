"""The Dovecot the mail tests run against is what they assume: a real server on 127.0.0.1,
Sent flagged \\Sent, delivered messages unread, a Maildir++ tree on disk."""

from __future__ import annotations

import imaplib
import mailbox

import pytest

from tests.support.dovecot import Dovecot

MESSAGE = (
    b"From: Dana Chen <dana@acme.example>\r\n"
    b"To: jo@example.org\r\n"
    b"Subject: Hello\r\n"
    b"Message-ID: <fixture-1@acme.example>\r\n"
    b"Date: Thu, 03 Dec 2026 10:00:00 +0000\r\n\r\n"
    b"Hello.\r\n"
)


def test_sent_is_the_special_use_sent_folder(dovecot: Dovecot) -> None:
    with dovecot.imap() as client:
        status, lines = client.list()
    assert status == "OK"
    assert any(b"\\Sent" in line and line.endswith(b"Sent") for line in lines), lines


@pytest.mark.parametrize("how", ["deliver", "append"])
def test_a_message_arrives_unread(dovecot: Dovecot, how: str) -> None:
    getattr(dovecot, how)(MESSAGE)
    assert dovecot.flags()["INBOX"] == {b"Message-ID: <fixture-1@acme.example>": (b"\\Recent",)}


def test_the_maildir_on_disk_is_maildir_plus_plus(dovecot: Dovecot) -> None:
    dovecot.deliver(MESSAGE)
    dovecot.deliver(MESSAGE.replace(b"fixture-1", b"fixture-2"), "Sent")
    tree = mailbox.Maildir(dovecot.maildir, create=False)
    assert [m["Message-ID"] for m in tree] == ["<fixture-1@acme.example>"]
    assert [m["Message-ID"] for m in tree.get_folder("Sent")] == ["<fixture-2@acme.example>"]


def test_a_stopped_server_refuses_connections(own_dovecot: Dovecot) -> None:
    server = own_dovecot
    server.stop()
    with pytest.raises(ConnectionRefusedError):
        imaplib.IMAP4(server.host, server.port)
