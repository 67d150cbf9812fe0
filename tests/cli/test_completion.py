"""Shell completion in the real shells: the scripts ``followup completion zsh`` and
``followup completion fish`` print (made by shtab from the parser) load without a word on
stderr and complete commands, options and choices. (bash: ``tests/cli/test_first_hour.py``.)

zsh is driven as a person drives it: an interactive ``zsh -f`` on a pseudo-terminal loads
the script from ``fpath`` through ``compinit``, TAB is typed after a partial word, and a key
bound to a small widget writes the edited line (``$BUFFER``) to a file, so what TAB made of
the line is read back exactly. fish answers ``complete -C LINE`` with its candidates, one
a line, each followed by a tab and its description.

Debian's ``zsh`` and ``fish`` packages (run-tests.sh installs them).
"""

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


# -- zsh -----------------------------------------------------------------------------------


@pytest.fixture
def zsh(cli: Cli, tmp_path: Path) -> Iterator[Zsh]:
    assert shutil.which("zsh") is not None, "run-tests.sh installs zsh"
    folder = tmp_path / "site-functions"  # where install.sh puts it: a folder in fpath
    folder.mkdir()
    (folder / "_followup").write_text(script(cli, "zsh"), encoding="utf-8")
    shell = Zsh(f"fpath=({folder} $fpath)", tmp_path)
    yield shell
    shell.close()


@pytest.mark.parametrize(
    ("partial", "completed"),
    [
        ("followup reo", "followup reopen "),
        ("followup mo", "followup moved-on "),
        ("followup add Acme --exp", "followup add Acme --expect "),
        ("followup emailed 1 --o", "followup emailed 1 --on "),
        ("followup completion f", "followup completion fish "),
        ("followup mail ch", "followup mail check "),
    ],
    ids=[
        "command",
        "command with a dash",
        "option of add",
        "option of emailed",
        "choice",
        "subcommand",
    ],
)
def test_zsh_completes_a_unique_word_with_tab(zsh: Zsh, partial: str, completed: str) -> None:
    assert zsh.complete(partial) == completed
    assert zsh.stderr() == ""


def test_zsh_lists_the_candidates_when_there_are_several(zsh: Zsh) -> None:
    assert zsh.complete("followup add Acme --co") == "followup add Acme --co"  # no guess

    listing = zsh.output.decode(errors="replace")
    for line in (
        "--config   -- config file to use",
        "--contact  -- who said they would get back to you",
        "--country  -- count the interviewer's business days",
    ):
        assert line in listing
    assert zsh.stderr() == ""


# -- fish ----------------------------------------------------------------------------------


def fish(script_path: Path, *lines: str) -> subprocess.CompletedProcess[str]:
    assert shutil.which("fish") is not None, "run-tests.sh installs fish"
    commands = "; ".join(f"complete -C {_fish_quote(line)}; echo ---" for line in lines)
    return subprocess.run(
        ["fish", "--no-config", "-c", f"source {_fish_quote(str(script_path))}; {commands}"],
        env={"PATH": os.environ["PATH"], "HOME": str(script_path.parent), "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def test_fish_loads_the_script_and_completes_commands_options_and_choices(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "followup.fish"
    path.write_text(script(cli, "fish"), encoding="utf-8")

    done = fish(
        path,
        "followup reo",
        "followup add Acme --exp",
        "followup add Acme --co",
        "followup completion ",
        "followup mail ",
    )

    assert (done.returncode, done.stderr) == (0, "")
    answers = [
        [line.split("\t")[0] for line in block.strip("\n").splitlines()]
        for block in done.stdout.split("---\n")[:-1]
    ]
    assert answers == [
        ["reopen"],
        ["--expect"],
        ["--config", "--contact", "--country"],
        ["bash", "zsh", "fish"],
        ["check", "dismiss", "folders"],
    ]
    assert done.stdout.startswith(
        "reopen\ttake back a heard, moved-on or withdraw: the interview is open again\n"
    )
