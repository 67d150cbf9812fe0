"""Real shells driven as a person drives them, for the completion tests.

:class:`Zsh` is an interactive ``zsh -f``, :class:`Bash` an interactive ``bash --norc`` and
:class:`Fish` an interactive ``fish --no-config``, each on a pseudo-terminal: the test types
a partial command line and TAB, then a key bound to a small function that writes the edited
line (zsh's ``$BUFFER``, readline's ``$READLINE_LINE``, fish's ``commandline``) to a file,
so what TAB made of the line is read back exactly; what the terminal showed (a list of
candidates) is kept in ``output``.
"""

from __future__ import annotations

import fcntl
import os
import select
import subprocess
import termios
from collections.abc import Callable
from pathlib import Path

from tests.support.harness import poll_until

BOUND_S = 30.0  # completion answers in well under a second; the machine is shared
DUMP_KEY = "\x14"  # Ctrl-T, bound to the widget that writes $BUFFER to a file


def _take_the_terminal() -> None:
    """Make the pseudo-terminal (the child's stdin) its session's controlling terminal, as
    a terminal emulator does: fish will not read commands without one."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class _Shell:
    """An interactive shell (``argv``) on a pseudo-terminal that runs ``setup`` (which must
    bind the dump key to write the line to ``self.buffers``) and then writes a file to say
    it is ready; its files go in ``work``, stderr to a file of its own; the terminal's
    output is kept."""

    def __init__(self, argv: list[str], setup: str, work: Path) -> None:
        self.buffers = work / "buffers"
        self.stderr_path = work / f"{argv[0]}.stderr"
        self.output = b""
        self.master, slave = os.openpty()
        env = {"PATH": os.environ["PATH"], "HOME": str(work), "TERM": "dumb", "LANG": "C.UTF-8"}
        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(
                argv,
                stdin=slave,
                stdout=slave,
                stderr=stderr,
                env=env,
                start_new_session=True,
                preexec_fn=_take_the_terminal,
            )
        os.close(slave)
        ready = work / "ready"
        self.type(f"{setup}\necho ready > {ready}\n")
        if not self._until(ready.exists):
            raise AssertionError(f"{argv[0]} did not start: {self.output!r} {self.stderr()}")

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


class Zsh(_Shell):
    """An interactive ``zsh -f`` that runs ``fpath_line`` (as a ``~/.zshrc`` would, e.g.
    ``fpath=(FOLDER $fpath)``), then ``compinit``."""

    def __init__(self, fpath_line: str, work: Path) -> None:
        super().__init__(
            ["zsh", "-f", "-i"],
            f"{fpath_line}\nautoload -Uz compinit; compinit -u -D\n"
            f'dump() {{ print -r -- "$BUFFER" >> {work / "buffers"}; BUFFER=; }}\n'
            "zle -N dump; bindkey '^T' dump",
            work,
        )


class Bash(_Shell):
    """An interactive ``bash --norc`` that sources ``script`` (a completion script, as a
    ``~/.bashrc`` would) after running ``setup`` (exports, say)."""

    def __init__(self, setup: str, script: Path, work: Path) -> None:
        super().__init__(
            ["bash", "--norc", "--noprofile", "-i"],
            f"{setup}\nsource '{script}'\n"
            f"dump() {{ printf '%s\\n' \"$READLINE_LINE\" >> {work / 'buffers'}; "
            "READLINE_LINE=; READLINE_POINT=0; }\n"
            "bind -x '\"\\C-t\": dump'",
            work,
        )


class Fish(_Shell):
    """An interactive ``fish --no-config`` that runs ``setup`` (exports, say), then sources
    ``script`` (a completion script, as ``~/.config/fish/completions/`` would)."""

    def __init__(self, setup: str, script: Path, work: Path) -> None:
        super().__init__(
            ["fish", "--no-config", "-i"],
            f"{setup}\nsource '{script}'\n"
            f"function dump; commandline >> '{work / 'buffers'}'; commandline ''; end\n"
            "bind \\ct dump",
            work,
        )
