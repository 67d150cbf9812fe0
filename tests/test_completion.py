"""Shell completion in the real shells: the scripts ``followup completion zsh`` and
``followup completion fish`` print (made by shtab from the parser) load without a word on
stderr and complete commands, options and choices. (bash: ``tests/test_first_hour.py``.)

zsh is driven as a person drives it: an interactive ``zsh -f`` on a pseudo-terminal loads
the script from ``fpath`` through ``compinit``, TAB is typed after a partial word, and a key
bound to a small widget writes the edited line (``$BUFFER``) to a file, so what TAB made of
the line is read back exactly. fish answers ``complete -C LINE`` with its candidates, one
a line, each followed by a tab and its description.

Debian's ``zsh`` and ``fish`` packages (run-tests.sh installs them).
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.harness import poll_until
from tests.support.specs import Cli

BOUND_S = 30.0  # completion answers in well under a second; the machine is shared
DUMP_KEY = "\x14"  # Ctrl-T, bound to the widget that writes $BUFFER to a file


def script(cli: Cli, shell: str) -> str:
    result = cli("completion", shell)
    assert (result.code, result.err) == (0, ""), result
    return result.out


# -- zsh -----------------------------------------------------------------------------------


class Zsh:
    """An interactive ``zsh -f`` on a pseudo-terminal with ``folder`` in ``fpath`` and
    ``compinit`` run; stderr goes to a file of its own, the terminal's output is kept."""

    def __init__(self, folder: Path, work: Path) -> None:
        self.buffers = work / "buffers"
        self.stderr_path = work / "zsh.stderr"
        self.output = b""
        self.master, slave = os.openpty()
        env = {"PATH": os.environ["PATH"], "HOME": str(work), "TERM": "dumb", "LANG": "C.UTF-8"}
        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(
                ["zsh", "-f", "-i"],
                stdin=slave,
                stdout=slave,
                stderr=stderr,
                env=env,
                start_new_session=True,
            )
        os.close(slave)
        ready = work / "ready"
        self.type(
            f"fpath=({folder} $fpath); autoload -Uz compinit; compinit -u -D\n"
            f'dump() {{ print -r -- "$BUFFER" >> {self.buffers}; BUFFER=; }}\n'
            "zle -N dump; bindkey '^T' dump\n"
            f"print -r -- ready > {ready}\n"
        )
        if not self._until(ready.exists):
            raise AssertionError(f"zsh did not start: {self.output!r} {self.stderr()}")

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def _drain(self) -> None:
        """Keep what the terminal showed (and keep the terminal from filling up)."""
        while select.select([self.master], [], [], 0)[0]:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def _until(self, check: Callable[[], bool]) -> bool:
        def done() -> bool:
            self._drain()
            return check()

        return poll_until(done, BOUND_S, interval=0.05)

    def lines(self) -> list[str]:
        try:
            return self.buffers.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []

    def complete(self, partial: str) -> str:
        """Type ``partial``, TAB, then the dump key: the line as TAB left it."""
        count = len(self.lines())
        self.type(partial + "\t" + DUMP_KEY)
        if not self._until(lambda: len(self.lines()) > count):
            raise AssertionError(f"no line after {partial!r}: {self.output!r} {self.stderr()}")
        return self.lines()[count]

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        self.type("exit\n")
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        os.close(self.master)


@pytest.fixture
def zsh(cli: Cli, tmp_path: Path) -> Iterator[Zsh]:
    assert shutil.which("zsh") is not None, "run-tests.sh installs zsh"
    folder = tmp_path / "site-functions"  # where install.sh puts it: a folder in fpath
    folder.mkdir()
    (folder / "_followup").write_text(script(cli, "zsh"), encoding="utf-8")
    shell = Zsh(folder, tmp_path)
    yield shell
    shell.close()


@pytest.mark.parametrize(
    ("partial", "completed"),
    [
        ("followup re", "followup reopen "),
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
        "followup re",
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
        ["check", "dismiss"],
    ]
    assert done.stdout.startswith(
        "reopen\ttake back a heard, moved-on or withdraw: the interview is open again\n"
    )
