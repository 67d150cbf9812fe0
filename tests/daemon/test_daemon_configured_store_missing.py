"""The daemon and a ``store.url`` naming an SQLite file that is not there: a folder that does
not exist (a typo) ends it with one error line and creates nothing; a file not made yet in
an existing folder is waited for (a command that adds interviews makes it), never created
empty by the daemon."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.daemon import CONFIG, DaemonProcess

pytestmark = [pytest.mark.system, pytest.mark.own_store]

BOUND_S = 30.0  # the daemon starts in about a second; the machine is shared


def test_a_configured_store_in_a_missing_folder_ends_the_daemon_and_creates_nothing(
    make_daemon: Callable[..., DaemonProcess], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/typo/sub/folowup.db"
    daemon = make_daemon(fake_time=False, config=f'{CONFIG}\n[store]\nurl = "{url}"\n')
    daemon.start()
    assert daemon.process is not None

    status = daemon.process.wait(BOUND_S)

    assert status != 0
    assert (
        f"error: store.url '{url}': the folder {tmp_path}/typo/sub does not exist; "
        "nothing was created"
    ) in daemon.log().splitlines()
    assert not (tmp_path / "typo").exists()


def test_a_configured_store_file_not_made_yet_is_waited_for_until_add_makes_it(
    make_daemon: Callable[..., DaemonProcess], tmp_path: Path
) -> None:
    db = tmp_path / "followup.db"
    daemon = make_daemon(fake_time=False, config=f'{CONFIG}\n[store]\nurl = "sqlite:///{db}"\n')
    daemon.start()

    daemon.wait_log(
        f"the store cannot be used yet: the store {db} (store.url) does not exist yet; "
        "'followup add' or 'followup import' creates it",
        BOUND_S,
    )
    assert not db.exists()
    daemon.cli_ok("add", "Acme", "--expect", "2026-12-30")
    daemon.wait_ready(BOUND_S)
