"""Specification: shell completion offers the interviews in the store for an argument that
takes an interview's id: each id with its company, and each company name with its id
(every such command takes either). The candidates come from ``followup list --all --ids``
(the quick read path); the real shells (bash, a zsh on a pseudo-terminal, fish: Debian's
packages, installed by run-tests.sh) run the installed ``followup`` on the store the test
filled: Acme Labs (1), Monzo (2, withdrawn)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.shells import Zsh
from tests.support.specs import Cli

# The shells run followup as a process of its own, on the default store: the SQLite file.
pytestmark = pytest.mark.own_store

SUN_6_DEC = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)


@pytest.fixture
def store(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    for company in ("Acme Labs", "Monzo"):
        assert cli("add", company, "--expect", "2026-12-11", at=SUN_6_DEC).code == 0
    assert cli("withdraw", "2", at=SUN_6_DEC).code == 0
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return cli


def test_the_candidates_are_every_id_with_its_company_then_every_company(store: Cli) -> None:
    assert store("list", "--all", "--ids", at=SUN_6_DEC).out.splitlines() == [
        "1\tAcme Labs",
        "2\tMonzo",
        "Acme Labs\tinterview 1",
        "Monzo\tinterview 2",
    ]


def test_a_company_several_interviews_share_is_offered_once_with_its_ids(store: Cli) -> None:
    assert store("add", "Monzo", "--expect", "2026-12-18", at=SUN_6_DEC).code == 0
    assert store("list", "--all", "--ids", at=SUN_6_DEC).out.splitlines()[3:] == [
        "Acme Labs\tinterview 1",
        "Monzo\tinterviews 2, 3",
    ]


def test_the_candidates_option_is_not_in_the_help(store: Cli) -> None:
    assert "--ids" not in store("help", "list", at=SUN_6_DEC).out


def script(cli: Cli, shell: str, folder: Path) -> Path:
    result = cli("completion", shell, at=SUN_6_DEC)
    assert (result.code, result.err) == (0, ""), result
    path = folder / f"completion.{shell}"
    path.write_text(result.out, encoding="utf-8")
    return path


def run(argv: list[str], cwd: Path) -> str:
    done = subprocess.run(
        argv, env=dict(os.environ), cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stderr) == (0, ""), done
    return done.stdout


@pytest.mark.system
@pytest.mark.parametrize(
    ("partial", "offered"),
    [
        (
            "followup show ",
            ["1\tAcme Labs", "2\tMonzo", "Acme Labs\tinterview 1", "Monzo\tinterview 2"],
        ),
        ("followup emailed Mo", ["Monzo\tinterview 2"]),
        ("followup reopen 2", ["2\tMonzo"]),
    ],
)
def test_fish_offers_ids_and_companies_with_their_descriptions(
    store: Cli, tmp_path: Path, partial: str, offered: list[str]
) -> None:
    assert shutil.which("fish") is not None, "run-tests.sh installs fish"
    path = script(store, "fish", tmp_path)
    out = run(["fish", "--no-config", "-c", f"source '{path}'; complete -C '{partial}'"], tmp_path)
    assert out.splitlines() == offered


@pytest.mark.system
@pytest.mark.parametrize(
    ("word", "offered"),
    [("", ["1", "2", "Acme\\ Labs", "Monzo"]), ("Ac", ["Acme\\ Labs"]), ('"Ac', ["Acme Labs"])],
)
def test_bash_offers_the_ids_and_companies_starting_with_the_word_each_quoted(
    store: Cli, tmp_path: Path, word: str, offered: list[str]
) -> None:
    path = script(store, "bash", tmp_path)
    out = run(["bash", "-c", f"source '{path}'; _followup_interview_ids '{word}'"], tmp_path)
    assert out.splitlines() == offered


@pytest.fixture
def zsh(store: Cli, tmp_path: Path) -> Iterator[Zsh]:
    assert shutil.which("zsh") is not None, "run-tests.sh installs zsh"
    functions = tmp_path / "site-functions"
    functions.mkdir()
    script(store, "zsh", tmp_path).rename(functions / "_followup")
    names = ("PATH", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")
    exports = "; ".join(f"export {name}='{os.environ[name]}'" for name in names)
    shell = Zsh(f"{exports}; fpath=({functions} $fpath)", tmp_path)
    yield shell
    shell.close()


@pytest.mark.system
@pytest.mark.parametrize(
    ("partial", "completed"),
    [
        ("followup show Mo", "followup show Monzo "),
        ("followup emailed Ac", "followup emailed Acme\\ Labs "),
        ("followup reopen 2", "followup reopen 2 "),
    ],
)
def test_zsh_completes_a_company_or_an_id(zsh: Zsh, partial: str, completed: str) -> None:
    assert zsh.complete(partial) == completed
    assert zsh.stderr() == ""
