"""Specification: shell completion completes file names for the arguments that name a
file (``import FILE``, ``export -o FILE``, ``lint FILE``, ``restore BACKUP``, ``--config
PATH``), in a real zsh driven on a pseudo-terminal and in a real fish (Debian's packages;
run-tests.sh installs them). The folder the shell runs in holds ``tracker-backup.json`` alone."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.shells import Zsh
from tests.support.specs import Cli

pytestmark = pytest.mark.system


def script(cli: Cli, shell: str) -> str:
    result = cli("completion", shell)
    assert (result.code, result.err) == (0, ""), result
    return result.out


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "tracker-backup.json").write_text("{}")
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def zsh(cli: Cli, tmp_path: Path, work: Path) -> Iterator[Zsh]:
    assert shutil.which("zsh") is not None, "run-tests.sh installs zsh"
    functions = tmp_path / "site-functions"
    functions.mkdir()
    (functions / "_followup").write_text(script(cli, "zsh"), encoding="utf-8")
    shell = Zsh(f"fpath=({functions} $fpath)", tmp_path)
    yield shell
    shell.close()


@pytest.mark.parametrize(
    "partial",
    [
        "followup import tr",
        "followup export -o tr",
        "followup lint tr",
        "followup restore tr",
        "followup --config tr",
    ],
)
def test_zsh_completes_a_file_name_for_a_file_argument(zsh: Zsh, partial: str) -> None:
    assert zsh.complete(partial) == partial[: -len("tr")] + "tracker-backup.json "
    assert zsh.stderr() == ""


@pytest.mark.parametrize(
    "partial",
    ["followup import tr", "followup export -o tr", "followup lint tr", "followup restore tr"],
)
def test_fish_completes_a_file_name_for_a_file_argument(
    cli: Cli, tmp_path: Path, work: Path, partial: str
) -> None:
    assert shutil.which("fish") is not None, "run-tests.sh installs fish"
    path = tmp_path / "followup.fish"
    path.write_text(script(cli, "fish"), encoding="utf-8")
    done = subprocess.run(
        ["fish", "--no-config", "-c", f"source '{path}'; complete -C '{partial}'"],
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8"},
        cwd=work,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == ["tracker-backup.json"]
