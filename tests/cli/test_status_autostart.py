"""Specification: with the XDG autostart entry installed, ``followup status`` says the daemon
starts at login through it (and how to start it now), not how to install it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from followup.daemon.install import autostart_entry
from followup.paths import autostart_path
from tests.support.specs import Cli


@pytest.mark.parametrize(
    "systemctl",
    [False, pytest.param(True, marks=pytest.mark.system)],
    ids=["no systemctl", "a user manager"],
)
def test_status_names_the_autostart_entry_when_it_is_installed(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, systemctl: bool
) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    if systemctl:
        (folder / "systemctl").write_text("#!/bin/sh\nexit 0\n")
        (folder / "systemctl").chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    entry = autostart_path(os.environ)
    entry.parent.mkdir(parents=True)
    entry.write_text(autostart_entry("/usr/bin/followup"))
    result = cli("status")
    assert (result.code, result.out.splitlines()[0]) == (
        0,
        f"daemon:         not running (it starts at login through {entry}; start it now: "
        "followup daemon)",
    )
