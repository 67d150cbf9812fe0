"""Folders named as the user's mail client shows them: the names each Maildir layout's
folders are found under, the Sent folder picked by a name clients know, and a mutt or
notmuch tree (plain folders below the root; no syncing program writes this one, so it is
made here). The trees mbsync and offlineimap write are tested with the real programs in
``test_mail_sync_trees``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from followup.errors import MailError
from followup.mail.folders import NoSentFolder, Why, known_sent
from followup.mail.maildir import MaildirSource, names_of
from followup.mail.matching import OpenInterview, wanted
from tests.mail.messages import FOLLOW_UP


@pytest.mark.parametrize(
    ("on_disk", "shown"),
    [
        ((), "INBOX"),
        (("INBOX",), "INBOX"),
        (("Inbox",), "INBOX"),
        ((".Sent",), "Sent"),  # Maildir++ (Dovecot, Courier, mbsync Maildir++)
        ((".Work.Replies",), "Work/Replies"),
        (("..Replies",), "INBOX/Replies"),  # mbsync Maildir++: a folder below the inbox
        (("[Gmail]", "Sent Mail"), "[Gmail]/Sent Mail"),  # mbsync Verbatim
        (("[Gmail]", ".Sent Mail"), "[Gmail]/Sent Mail"),  # mbsync Legacy
        (("[Gmail].Sent Mail",), "[Gmail]/Sent Mail"),  # offlineimap, sep "."
        (("&AMk-l&AOk-ments envoy&AOk-s",), "Éléments envoyés"),  # IMAP's UTF-7 on disk
    ],
)
def test_a_folder_on_disk_is_found_under_the_name_a_client_shows(
    on_disk: tuple[str, ...], shown: str
) -> None:
    assert shown in names_of(on_disk)


@pytest.mark.parametrize(
    ("folders", "sent"),
    [
        (["INBOX", "Sent", "Sent Items"], "Sent"),
        (["INBOX", "Drafts", "Sent Items"], "Sent Items"),
        (["INBOX", "[Gmail]/All Mail", "[Gmail]/Sent Mail"], "[Gmail]/Sent Mail"),
        (["INBOX", "INBOX/Sent"], "INBOX/Sent"),
        (["INBOX", "Gesendete Elemente"], "Gesendete Elemente"),
        (["INBOX", "Éléments envoyés"], "Éléments envoyés"),
        (["INBOX", "ENVOYÉS"], "ENVOYÉS"),
        (["INBOX", "Wysłane"], "Wysłane"),
        (["INBOX", "Archive", "Sent notes/2026"], None),
    ],
)
def test_the_sent_folder_by_a_name_clients_know(folders: list[str], sent: str | None) -> None:
    assert known_sent(folders) == sent


def maildir(path: Path) -> Path:
    for part in ("cur", "new", "tmp"):
        (path / part).mkdir(parents=True)
    return path


def test_a_mutt_tree_of_plain_folders_is_read_from_its_root(tmp_path: Path) -> None:
    root = tmp_path / "Mail"
    maildir(root / "inbox")
    maildir(root / "sent")
    maildir(root / "lists" / "python")
    source = MaildirSource(root, ("INBOX", "lists/python"), None)
    assert [(u.role, u.name, u.where, u.why) for u in source.folders()] == [
        ("sent", "sent", str(root / "sent"), Why.KNOWN_NAME),
        ("reply", "INBOX", str(root / "inbox"), Why.CONFIGURED),
        ("reply", "lists/python", str(root / "lists" / "python"), Why.CONFIGURED),
    ]
    assert source.problems == []


def test_a_root_without_any_maildir_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    with pytest.raises(MailError) as raised:
        MaildirSource(tmp_path, ("INBOX",), None)
    assert raised.value.message == (
        f"mail.maildir {str(tmp_path)!r} holds no Maildir folder (none with a 'cur' folder inside)"
    )


def test_a_missing_folder_names_the_folders_there_are(tmp_path: Path) -> None:
    maildir(tmp_path / "INBOX")
    maildir(tmp_path / "Sent")
    source = MaildirSource(tmp_path, ("Replies",), None)
    with pytest.raises(MailError) as raised:
        source.folders()
    assert raised.value.message == (
        f"no folder 'Replies' in the Maildir {str(tmp_path)!r} (its folders: INBOX, Sent)"
    )


def test_without_a_sent_folder_the_folders_are_named(tmp_path: Path) -> None:
    maildir(tmp_path / "INBOX")
    maildir(tmp_path / "Archive")
    source = MaildirSource(tmp_path, ("INBOX",), None)
    with pytest.raises(NoSentFolder) as raised:
        source.sent_folder()
    assert raised.value.folders == ["Archive", "INBOX"]


def test_a_symlinked_folder_is_not_followed(tmp_path: Path) -> None:
    maildir(tmp_path / "INBOX")
    maildir(tmp_path / "elsewhere" / "Sent")
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "Sent").symlink_to(tmp_path / "elsewhere" / "Sent")
    maildir(tmp_path / "tree" / "INBOX")
    source = MaildirSource(tmp_path / "tree", ("INBOX",), None)
    with pytest.raises(NoSentFolder):
        source.sent_folder()


@pytest.mark.parametrize("sent", ["../Sent", "{tmp}/Sent"], ids=["relative", "absolute"])
def test_a_sent_folder_given_as_a_path_out_of_the_root_is_still_read(
    tmp_path: Path, sent: str
) -> None:
    """A Verbatim tree whose inbox was named as the root, its Sent folder beside it: the
    folder is named and its messages are read (a link out of that folder still is not)."""
    maildir(tmp_path / "INBOX")
    maildir(tmp_path / "Sent")
    (tmp_path / "Sent" / "cur" / "1762786200.follow-up:2,S").write_bytes(FOLLOW_UP)
    (tmp_path / "elsewhere.eml").write_bytes(FOLLOW_UP)
    (tmp_path / "Sent" / "cur" / "1762786300.link:2,S").symlink_to(tmp_path / "elsewhere.eml")
    configured = sent.format(tmp=tmp_path)
    source = MaildirSource(tmp_path / "INBOX", ("INBOX",), configured)
    acme = OpenInterview(1, "Acme", "dana@acme.example", date(2026, 10, 30), True)

    found = source.sent(wanted([acme]))

    assert [(m.message_id, m.folder) for m in found] == [("<follow-up@jo.example>", configured)]
    assert [p.split(": ", 1)[1] for p in source.problems] == [
        "a link out of the Maildir, not followed (skipped; the other messages were read)"
    ]


@pytest.mark.parametrize(
    ("inbox", "beside", "hint"),
    [
        (
            "INBOX",
            ["Sent", "Archive"],
            "; or set mail.maildir to '{tmp}', the root of the tree, "
            "which holds 'Sent' beside this inbox",
        ),
        (
            "Inbox",
            ["[Gmail]/Sent Mail"],
            "; or set mail.maildir to '{tmp}', the root of the "
            "tree, which holds '[Gmail]/Sent Mail' beside this inbox",
        ),
        ("INBOX", ["Archive"], ""),
        ("work", ["Sent"], ""),
    ],
    ids=["Verbatim", "Verbatim, Gmail", "no Sent beside it", "not an inbox"],
)
def test_an_inbox_named_as_the_root_names_the_trees_root(
    tmp_path: Path, inbox: str, beside: list[str], hint: str
) -> None:
    maildir(tmp_path / inbox)
    for folder in beside:
        maildir(tmp_path / folder)
    source = MaildirSource(tmp_path / inbox, ("INBOX",), None)
    source.folders()
    [line] = source.problems
    assert line.startswith(f"no Sent folder found in {tmp_path / inbox} (none has a name")
    assert line.endswith("(replies are still read)" + hint.format(tmp=tmp_path))
