"""Every file and folder followup creates is the user's alone, whatever the umask: 0600/0700
for data and for what decides what runs as the user, 0644/0755 where another program reads
it, never group- or world-writable; and no URL is ever accepted or shown with a password."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from followup.cleaning import redact
from followup.config.checks import store_url
from followup.ownfiles import SHARED, SHARED_FOLDER, make_folder, write_file
from followup.transfer.files import write_atomic


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture(params=[0o000, 0o002, 0o022, 0o077])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Each test runs under the careless umasks (000, 002) and the usual ones."""
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def test_every_folder_made_on_the_way_gets_the_mode_asked(tmp_path: Path, umask: int) -> None:
    make_folder(tmp_path / "a" / "b" / "c")
    assert [mode(tmp_path / p) for p in ("a", "a/b", "a/b/c")] == [0o700] * 3


def test_a_folder_that_exists_is_left_as_the_user_made_it(tmp_path: Path, umask: int) -> None:
    (tmp_path / "mine").mkdir()
    os.chmod(tmp_path / "mine", 0o751)
    make_folder(tmp_path / "mine" / "new")
    assert (mode(tmp_path / "mine"), mode(tmp_path / "mine" / "new")) == (0o751, 0o700)


@pytest.mark.parametrize(
    ("asked", "folder", "expected"),
    [
        (0o600, 0o700, (0o600, 0o700)),
        (SHARED, SHARED_FOLDER, (0o644, 0o755)),
        (0o666, 0o700, (0o644, 0o700)),  # group and world write are always taken away
    ],
)
def test_a_written_file_has_exactly_its_mode(
    tmp_path: Path, umask: int, asked: int, folder: int, expected: tuple[int, int]
) -> None:
    path = tmp_path / "made" / "file"
    write_file(path, b"x", asked, folder_mode=folder)
    assert (mode(path), mode(path.parent)) == expected
    assert [p.name for p in path.parent.iterdir()] == ["file"]  # no temporary left


def test_an_export_over_a_world_writable_file_loses_the_write_bits(tmp_path: Path) -> None:
    path = tmp_path / "feed.ics"
    path.write_bytes(b"old")
    os.chmod(path, 0o666)
    write_atomic(path, b"new")
    assert (path.read_bytes(), mode(path)) == (b"new", 0o644)


def test_an_export_to_a_symlink_writes_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "calendars" / "jobs.ics"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "feed.ics"
    link.symlink_to(target)
    write_atomic(link, b"new")
    assert link.is_symlink()
    assert (target.read_bytes(), link.read_bytes()) == (b"new", b"new")


@pytest.mark.own_store  # the store's own file, on SQLite
def test_the_cli_makes_its_config_store_and_state_private(
    home: Path, umask: int, cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", "--country", "US").code == 0
    assert cli("add", "Acme", "--expect", "2026-12-01").code == 0
    from followup.daemon.state import DaemonLock
    from followup.machine import this_machine
    from followup.mail.drafting import Draft, save

    save(Draft("hr@acme.example", "Following up", "Hello"), 1, os.environ)
    this_machine(os.environ)
    state = home / ".local" / "state" / "followup"
    lock = DaemonLock(os.environ)
    lock.acquire()
    try:
        lock.write({"pid": 1})  # type: ignore[typeddict-item]
        modes = {path: mode(path) for path in (state / "daemon.json", state / "daemon.lock")}
    finally:
        lock.release()
    config = home / ".config" / "followup"
    data = home / ".local" / "share" / "followup"
    assert mode(config / "config.toml") == 0o600
    assert mode(config) == mode(home / ".config") == 0o700
    assert mode(data / "followup.db") == 0o600
    assert mode(data) == mode(home / ".local" / "share") == mode(home / ".local") == 0o700
    assert mode(data / "drafts" / "interview-1.txt") == 0o600
    assert mode(data / "drafts") == 0o700
    assert mode(state / "machine.json") == 0o600
    assert list(modes.values()) == [0o600, 0o600]
    assert mode(state) == 0o700


def test_the_desktop_entries_are_readable_and_never_writable_by_others(
    home: Path, umask: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from followup.daemon import install

    monkeypatch.setattr(install, "followup_executable", lambda: "/opt/followup/bin/followup")
    install.install(dict(os.environ), autostart=True)
    entries = [
        home / ".config" / "autostart" / "followup.desktop",
        home / ".local" / "share" / "applications" / "followup.desktop",
    ]
    assert [mode(p) for p in entries] == [0o644, 0o644]
    assert [mode(p.parent) for p in entries] == [0o755, 0o755]


def test_the_icon_the_entries_name_is_readable_and_never_writable_by_others(
    home: Path, umask: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from followup.daemon import install

    monkeypatch.setattr(install, "followup_executable", lambda: "/opt/followup/bin/followup")
    install.install(dict(os.environ), autostart=True)
    icons = home / ".local" / "share" / "icons"
    icon = icons / "hicolor" / "scalable" / "apps" / "followup.svg"
    assert mode(icon) == 0o644
    assert {mode(folder) for folder in icon.parents if icons in (folder, *folder.parents)} == {
        0o755
    }


def test_the_daemons_log_file_is_private_and_so_is_the_one_it_rotates_to(
    home: Path, umask: int
) -> None:
    from followup.daemon.failures import log_to_file

    root = logging.getLogger()
    before = list(root.handlers)
    log_to_file(os.environ)
    [handler] = [h for h in root.handlers if h not in before]
    try:
        assert isinstance(handler, RotatingFileHandler)
        logging.getLogger("followup.daemon").warning("shown: Time to email Acme")
        handler.doRollover()
        logging.getLogger("followup.daemon").warning("shown: Time to email Beta")
    finally:
        root.removeHandler(handler)
        handler.close()
    log = home / ".local" / "state" / "followup" / "daemon.log"
    assert "Beta" in log.read_text() and "Acme" in log.with_name("daemon.log.1").read_text()
    assert (mode(log), mode(log.with_name("daemon.log.1"))) == (0o600, 0o600)
    assert (mode(log.parent), mode(log.parent.parent)) == (0o700, 0o700)


#: A password in each form a URL can carry it (the user part, a query parameter named in
#: any case or percent-encoded, as the driver decodes it).
URLS_WITH_A_PASSWORD = [
    "postgresql+psycopg://jane:s3cret@db.example/followup",
    "postgresql+psycopg://:s3cret@db.example/followup",
    "postgresql+psycopg://jane@db.example/followup?password=s3cret",
    "postgresql+psycopg://db.example/followup?sslmode=require&PASSWORD=s3cret",
    "postgresql+psycopg://db.example/followup?pass%77ord=s3cret",
    "postgresql+psycopg://db.example/followup?%70%61%73%73%77%6F%72%64=s3cret&sslmode=require",
    "postgresql+psycopg://db.example/followup?sslpassword=s3cret",
    "mysql://db.example/followup?passwd=s3cret",
]


@pytest.mark.parametrize("url", URLS_WITH_A_PASSWORD)
def test_a_store_url_with_a_password_in_any_form_is_refused(url: str) -> None:
    assert "holds a password" in (store_url(url) or "")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://jane@db.example/followup?sslmode=require",
        "postgresql+psycopg:///followup?host=/run/postgresql&passfile=/home/jane/.pgpass",
        "sqlite:////home/jane/password=1/followup.db",
    ],
)
def test_a_store_url_without_a_password_is_taken(url: str) -> None:
    assert store_url(url) is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("cannot reach postgresql://jane:s3cret@db/x: refused", "postgresql://jane:***@db/x"),
        ("cannot reach postgresql://db/x?password=s3cret refused", "?password=*** refused"),
        ("postgresql://db/x?sslmode=require&Password=s3cret&a=1", "&Password=***&a=1"),
        ("'postgresql://db/x?pwd=s3cret'", "?pwd=***'"),
        ("postgresql://db/x?pass%77ord=s3cret", "?pass%77ord=***"),
        ("postgresql://db/x?%50ASSWORD=s3cret&a=1", "?%50ASSWORD=***&a=1"),
    ],
)
def test_no_message_shows_a_url_password(text: str, shown: str) -> None:
    assert "s3cret" not in redact(text)
    assert shown in redact(text)


@pytest.mark.parametrize("url", URLS_WITH_A_PASSWORD)
def test_a_config_with_a_password_in_its_url_is_refused_and_never_echoed(
    config_file: Path, cli, url: str
) -> None:  # type: ignore[no-untyped-def]
    config_file.write_text(f'[store]\nurl = "{url}"\n')
    result = cli("config")
    assert result.code != 0
    assert "holds a password" in result.err
    assert "s3cret" not in result.err + result.out
