"""Specification: a company name completed for an interview's id is inserted as a word the
shell reads back as that name (spaces, quotes, ``&`` escaped, or inside the quote the user
opened), in a real bash and a real zsh driven on a pseudo-terminal and in a real fish
(Debian's packages; run-tests.sh installs them), each running the installed ``followup`` on
the store the test filled: Acme Labs (1), O'Reilly & Sons (2), Zürich Re (3), Monzo (4).
Bash's file names for a file argument are completed too, as zsh's and fish's are in
``test_completion_files.py``."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.shells import Bash, Fish, Zsh
from tests.support.specs import Cli

# The shells run followup as a process of its own, on the default store: the SQLite file.
pytestmark = [pytest.mark.own_store, pytest.mark.system]

SUN_6_DEC = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)
COMPANIES = ("Acme Labs", "O'Reilly & Sons", "Zürich Re", "Monzo")
EXPORTS = ("PATH", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")


@pytest.fixture
def store(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    for company in COMPANIES:
        assert cli("add", company, "--expect", "2026-12-11", at=SUN_6_DEC).code == 0
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    (tmp_path / "tracker-backup.json").write_text("{}")
    return cli


def script(cli: Cli, shell: str, path: Path) -> Path:
    result = cli("completion", shell, at=SUN_6_DEC)
    assert (result.code, result.err) == (0, ""), result
    path.write_text(result.out, encoding="utf-8")
    return path


def exports() -> str:
    return "; ".join(f"export {name}='{os.environ[name]}'" for name in EXPORTS)


@pytest.fixture
def bash(store: Cli, tmp_path: Path) -> Iterator[Bash]:
    assert shutil.which("bash") is not None
    shell = Bash(
        f"{exports()}; cd '{tmp_path}'", script(store, "bash", tmp_path / "followup"), tmp_path
    )
    yield shell
    shell.close()


@pytest.fixture
def zsh(store: Cli, tmp_path: Path) -> Iterator[Zsh]:
    assert shutil.which("zsh") is not None, "run-tests.sh installs zsh"
    functions = tmp_path / "site-functions"
    functions.mkdir()
    script(store, "zsh", functions / "_followup")
    shell = Zsh(f"{exports()}; cd '{tmp_path}'; fpath=({functions} $fpath)", tmp_path)
    yield shell
    shell.close()


#: (typed, what TAB leaves) in bash; the word as bash reads it is the company's name.
BASH_CASES = [
    ("followup emailed Ac", "followup emailed Acme\\ Labs "),
    ("followup emailed acme\\ L", None),
    ("followup emailed Acme\\ L", "followup emailed Acme\\ Labs "),
    ('followup show "Ac', 'followup show "Acme Labs" '),
    ("followup show 'Acme L", "followup show 'Acme Labs' "),
    ("followup show O", "followup show O\\'Reilly\\ \\&\\ Sons "),
    ("followup snooze Z", "followup snooze Zürich\\ Re "),
    ("followup show Mo", "followup show Monzo "),
    ("followup reopen 2", "followup reopen 2 "),
    ("followup import tr", "followup import tracker-backup.json "),
]


@pytest.mark.parametrize(("partial", "completed"), BASH_CASES)
def test_bash_completes_a_company_as_a_word_it_reads_back(
    bash: Bash, partial: str, completed: str | None
) -> None:
    """Bash writes its prompt and line editing to stderr, so that is not checked."""
    assert bash.complete(partial) == (completed or partial)


#: What zsh and fish, which quote by themselves, complete a company name to.
QUOTED_CASES = [
    ("followup emailed Ac", "followup emailed Acme\\ Labs "),
    ('followup show "Ac', 'followup show "Acme Labs" '),
    ("followup show O", "followup show O\\'Reilly\\ \\&\\ Sons "),
    ("followup snooze Z", "followup snooze Zürich\\ Re "),
]


@pytest.mark.parametrize(("partial", "completed"), QUOTED_CASES)
def test_zsh_completes_a_company_as_a_word_it_reads_back(
    zsh: Zsh, partial: str, completed: str
) -> None:
    assert zsh.complete(partial) == completed
    assert zsh.stderr() == ""


@pytest.fixture
def fish(store: Cli, tmp_path: Path) -> Iterator[Fish]:
    assert shutil.which("fish") is not None, "run-tests.sh installs fish"
    exported = "; ".join(f"set -gx {name} '{os.environ[name]}'" for name in EXPORTS)
    shell = Fish(
        f"{exported}; cd '{tmp_path}'", script(store, "fish", tmp_path / "f.fish"), tmp_path
    )
    yield shell
    shell.close()


@pytest.mark.parametrize(("partial", "completed"), QUOTED_CASES)
def test_fish_completes_a_company_as_a_word_it_reads_back(
    fish: Fish, partial: str, completed: str
) -> None:
    assert fish.complete(partial) == completed
