"""``./install.sh`` run for real, as a user runs it from a checkout: a fresh install, an
upgrade, and a machine without a systemd user manager.

Each run happens in a copy of the checkout, in an isolated HOME (nothing of the test runner's
environment but a system PATH), and builds a virtual environment and pip-installs the
package from source, as for a user. pip is pointed offline at a folder of wheels made once
per module (``pip wheel``: the dependencies and the build backend, hatchling) through pip's
own variables ``PIP_NO_INDEX`` and ``PIP_FIND_LINKS``, which install.sh passes on as it does
any pip setting; pip then also finds no newer pip to upgrade to.

The user manager is a real ``systemd --user`` (``tests/support/user_manager.py``) reached by
``systemctl --user`` through the HOME's ``XDG_RUNTIME_DIR``; the service's output goes to a
file through a drop-in (there is no journald). The upgrade runs install.sh again after the
checkout's version was raised, with the service running.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from followup.daemon.install import unit_text
from tests.support.harness import poll_until
from tests.support.shells import Zsh
from tests.support.user_manager import UserManager

#: One worker runs the module: its wheels are made once per module, taking a minute.
pytestmark = [pytest.mark.system, pytest.mark.xdist_group("install")]

REPO = Path(__file__).resolve().parent.parent.parent
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
BOUND_S = 60.0  # the user manager starts the unit in about a second; the machine is shared
INSTALL_TIMEOUT_S = 600.0  # an install takes about 20 s here
NEXT_STEPS = (
    "Next:\n"
    "  1. Set your country (public holidays are not business days): followup init --country XX\n"
    "  2. Add your first interview: followup add COMPANY --expect DATE\n"
    "  3. Check that notifications reach your desktop: followup test-notification\n"
)
STATE = ("ActiveState", "SubState", "MainPID", "UnitFileState", "ExecMainStartTimestampMonotonic")


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's dependencies and its build backend as wheels, made once."""
    folder = tmp_path_factory.mktemp("wheels")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "-w", str(folder), str(REPO), "hatchling"],
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for wheel in folder.glob("followup-*.whl"):
        wheel.unlink()  # install.sh builds the package from the checkout
    return folder


def checkout(to: Path) -> Path:
    """A copy of the repository's files, as a fresh clone has them."""
    shutil.copytree(
        REPO,
        to,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "__pycache__", "*.egg-info", "dist", "build", ".*_cache", ".hypothesis"
        ),
    )
    return to


def raise_version(source: Path) -> str:
    """Raise the checkout's version (``X`` -> ``X.post1``) where it is written, once."""
    old = version_of(source)
    new = f"{old}.post1"
    init = source / "src/followup/__init__.py"
    init_text = init.read_text(encoding="utf-8")
    init.write_text(
        init_text.replace(f'__version__ = "{old}"', f'__version__ = "{new}"'), encoding="utf-8"
    )
    return new


def version_of(source: Path) -> str:
    """The checkout's version, from the one place it is written (hatch reads it there)."""
    text = (source / "src/followup/__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', text, re.M)
    assert found is not None
    return found[1]


@dataclass
class User:
    """An isolated HOME and the environment of its login shell."""

    root: Path
    home: Path
    runtime: Path
    env: dict[str, str]

    @property
    def bin(self) -> Path:
        return self.home / ".local/bin"

    @property
    def venv(self) -> Path:
        return self.home / ".local/share/followup/venv"

    @property
    def unit(self) -> Path:
        return self.home / ".config/systemd/user/followup.service"

    def install(self, source: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(source / "install.sh")],
            cwd=self.home,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_S,
            check=False,
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args),
            cwd=self.home,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


def make_user(root: Path, wheels: Path, *, path_has_bin: bool, shell: str) -> User:
    home = root / "home"
    home.mkdir(parents=True)
    runtime = root / "runtime"
    runtime.mkdir(mode=0o700)
    path = f"{home}/.local/bin:{SYSTEM_PATH}" if path_has_bin else SYSTEM_PATH
    env = {
        "HOME": str(home),
        "PATH": path,
        "SHELL": shell,
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "XDG_RUNTIME_DIR": str(runtime),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    return User(root, home, runtime, env)


@dataclass
class Installed:
    """One fresh install and one upgrade in a HOME with a real user manager: what each run
    printed and the service's state right after it."""

    user: User
    manager: UserManager
    source: Path
    log_path: Path
    first: subprocess.CompletedProcess[str]
    first_state: dict[str, str]
    version: str
    upgrade: subprocess.CompletedProcess[str]
    upgrade_state: dict[str, str]
    upgrade_began: float  # time.monotonic() just before the upgrade ran
    new_version: str

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""


def settled_state(manager: UserManager, not_pid: str | None = None) -> dict[str, str]:
    """followup.service's state once it is active (running) (under another main pid than
    ``not_pid``), or as it is after BOUND_S."""
    seen: dict[str, str] = {}

    def running() -> bool:
        nonlocal seen
        seen = manager.show("followup.service", *STATE)
        return (seen.get("ActiveState"), seen.get("SubState")) == ("active", "running") and (
            seen.get("MainPID") != not_pid
        )

    poll_until(running, BOUND_S, interval=0.2)
    return seen


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, wheels: Path) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("with-user-manager")
    source = checkout(root / "followup")
    user = make_user(root, wheels, path_has_bin=True, shell="/bin/bash")
    manager = UserManager(
        {
            "PATH": SYSTEM_PATH,
            "HOME": str(user.home),
            "XDG_CONFIG_HOME": str(user.home / ".config"),
            "XDG_RUNTIME_DIR": str(user.runtime),
            "LANG": "C.UTF-8",
            "TZ": "UTC",
        },
        root / "systemd-user.log",
    )
    try:
        log_path = root / "service.log"
        manager.drop_in(
            "followup.service",
            "output",
            f"[Service]\nStandardOutput=append:{log_path}\nStandardError=append:{log_path}\n",
        )
        version = version_of(source)
        first = user.install(source)
        first_state = settled_state(manager)

        new_version = raise_version(source)
        upgrade_began = time.monotonic()
        upgrade = user.install(source)
        upgrade_state = settled_state(manager, not_pid=first_state.get("MainPID"))
        yield Installed(
            user,
            manager,
            source,
            log_path,
            first,
            first_state,
            version,
            upgrade,
            upgrade_state,
            upgrade_began,
            new_version,
        )
    finally:
        manager.stop()


def lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    return done.stdout.splitlines()


# -- a fresh install -----------------------------------------------------------------------


def test_a_fresh_install_succeeds_without_a_word_on_stderr(installed: Installed) -> None:
    first = installed.first
    assert (first.returncode, first.stderr) == (0, ""), first.stdout


def test_a_fresh_install_builds_the_venv_and_links_the_command(installed: Installed) -> None:
    user = installed.user
    link = user.bin / "followup"

    assert link.is_symlink()
    assert link.resolve() == (user.venv / "bin/followup").resolve()
    assert (user.home / ".local/share/followup").stat().st_mode & 0o777 == 0o700
    assert lines(installed.first)[0] == f"Installed: {link} (followup {installed.version})"
    assert user.run("followup", "--version").stdout == f"followup {installed.new_version}\n"


@pytest.mark.parametrize(
    ("shell", "where"),
    [
        ("bash", ".local/share/bash-completion/completions/followup"),
        ("zsh", ".local/share/zsh/site-functions/_followup"),
        ("fish", ".config/fish/completions/followup.fish"),
    ],
)
def test_a_fresh_install_puts_each_completion_script_where_its_shell_looks(
    installed: Installed, shell: str, where: str
) -> None:
    user = installed.user
    expected = user.run("followup", "completion", shell).stdout

    assert expected  # the script, from the installed command
    assert (user.home / where).read_text(encoding="utf-8") == expected


def test_fish_completes_from_the_installed_script_by_itself(installed: Installed) -> None:
    assert shutil.which("fish") is not None, "run-tests.sh installs fish"

    done = installed.user.run("fish", "-c", "complete -C 'followup reo'")

    assert (done.returncode, done.stderr) == (0, "")
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == ["reopen"]


def test_bash_completes_from_the_installed_script(installed: Installed) -> None:
    script = installed.user.home / ".local/share/bash-completion/completions/followup"

    done = installed.user.run(
        "bash",
        "-c",
        f"source {script}; COMP_WORDS=(followup add Acme --exp); COMP_CWORD=3; "
        "_shtab_followup; printf '%s\\n' \"${COMPREPLY[@]}\"",
    )

    assert (done.returncode, done.stdout.split(), done.stderr) == (0, ["--expect"], "")


def test_man_finds_the_installed_manual_page(installed: Installed) -> None:
    user = installed.user
    link = user.home / ".local/share/man/man1/followup.1"

    assert link.resolve() == (user.venv / "share/man/man1/followup.1").resolve()
    assert link.read_bytes() == (REPO / "man/followup.1").read_bytes()
    # man-db looks in ~/.local/share/man because ~/.local/bin is on PATH.
    found = user.run("man", "-w", "followup")
    assert (found.returncode, found.stdout) == (0, f"{link.resolve()}\n"), found.stderr


def test_a_fresh_install_installs_the_service_and_it_reaches_active_running(
    installed: Installed,
) -> None:
    user, state = installed.user, installed.first_state

    assert f"followup.service installed and started ({user.unit})" in lines(installed.first)
    assert user.unit.read_text(encoding="utf-8") == unit_text(str(user.venv / "bin/followup"))
    assert (state["ActiveState"], state["SubState"], state["UnitFileState"]) == (
        "active",
        "running",
        "enabled",
    ), installed.log()
    assert "Restarted" not in installed.first.stdout  # nothing was running to restart
    assert "ready:" in installed.log()  # READY=1 from the daemon (Type=notify)


def test_a_fresh_install_ends_with_the_next_steps_and_says_the_bin_folder_is_on_path(
    installed: Installed,
) -> None:
    assert installed.first.stdout.endswith(
        f"\n\n{NEXT_STEPS}{installed.user.bin} is on your PATH.\n"
    )


# -- an upgrade ----------------------------------------------------------------------------


def test_an_upgrade_installs_the_new_version_and_restarts_the_running_service(
    installed: Installed,
) -> None:
    upgrade, before, after = installed.upgrade, installed.first_state, installed.upgrade_state

    assert (upgrade.returncode, upgrade.stderr) == (0, ""), upgrade.stdout
    assert lines(upgrade)[0] == (
        f"Installed: {installed.user.bin / 'followup'} (followup {installed.new_version})"
    )
    assert "Restarted followup.service: it runs the new version." in lines(upgrade)
    assert (after["ActiveState"], after["SubState"]) == ("active", "running"), installed.log()
    assert after["MainPID"] != before["MainPID"]
    # The new main process started after the upgrade began, so from the new files.
    started_us = int(after["ExecMainStartTimestampMonotonic"])
    assert started_us > installed.upgrade_began * 1_000_000
    assert installed.log().count("ready:") == 2


def test_an_upgrade_leaves_out_the_test_notification_step_of_a_first_install(
    installed: Installed,
) -> None:
    first_two = "".join(NEXT_STEPS.splitlines(keepends=True)[:3])

    assert installed.upgrade.stdout.endswith(
        f"\n\n{first_two}{installed.user.bin} is on your PATH.\n"
    )


# -- no user manager -----------------------------------------------------------------------


@dataclass
class WithoutManager:
    user: User
    done: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def without_manager(tmp_path_factory: pytest.TempPathFactory, wheels: Path) -> WithoutManager:
    """A fresh install where no user manager answers (XDG_RUNTIME_DIR holds none), with
    ~/.local/bin not on PATH and zsh as the login shell."""
    root = tmp_path_factory.mktemp("without-user-manager")
    source = checkout(root / "followup")
    user = make_user(root, wheels, path_has_bin=False, shell="/usr/bin/zsh")
    return WithoutManager(user, user.install(source))


def test_without_a_user_manager_it_notes_it_writes_the_autostart_entry_and_exits_0(
    without_manager: WithoutManager,
) -> None:
    user, done = without_manager.user, without_manager.done
    entry = user.home / ".config/autostart/followup.desktop"

    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    assert lines(done)[1:4] == [
        "note: no systemd user manager here; the daemon will start at login from an "
        "autostart entry.",
        f"autostart entry written ({entry}): the daemon starts at login",
        f"To start it now, without logging in again: {user.venv}/bin/followup daemon &",
    ]
    assert not [line for line in lines(done) if line.startswith("error:")]
    assert f"\nExec={user.venv}/bin/followup daemon\n" in entry.read_text(encoding="utf-8")
    assert not user.unit.exists()


def test_it_ends_with_the_next_steps_and_says_the_bin_folder_is_not_on_path(
    without_manager: WithoutManager,
) -> None:
    user = without_manager.user
    zsh_folder = user.home / ".local/share/zsh/site-functions"

    assert without_manager.done.stdout.endswith(
        f"\n\n{NEXT_STEPS}"
        "note: for completion in zsh, add to ~/.zshrc, before compinit: "
        f"fpath=({zsh_folder} $fpath)\n"
        f"note: {user.bin} is not on your PATH; add it (e.g. in ~/.profile: "
        f'PATH="$HOME/.local/bin:$PATH") or run {user.bin}/followup.\n'
    )


def test_the_zsh_line_it_prints_makes_zsh_complete(without_manager: WithoutManager) -> None:
    assert shutil.which("zsh") is not None, "run-tests.sh installs zsh"
    note = next(
        line for line in lines(without_manager.done) if line.startswith("note: for completion")
    )
    fpath_line = note.split("before compinit: ", 1)[1]
    work = without_manager.user.root / "zsh"
    work.mkdir()
    zsh = Zsh(fpath_line, work)
    try:
        completed = zsh.complete("followup reo")
    finally:
        zsh.close()

    assert (completed, zsh.stderr()) == ("followup reopen ", "")


# -- an upgrade without a user manager -----------------------------------------------------


@dataclass
class UpgradedWithoutManager:
    user: User
    old_pid: int
    old_status: int | None  # the first daemon's exit status once the upgrade stopped it
    done: subprocess.CompletedProcess[str]
    began: float  # time.time() just before the upgrade ran
    status: dict[str, object]  # followup status --json after it


def status_of(user: User) -> dict[str, object]:
    done = user.run(str(user.bin / "followup"), "--json", "status")
    assert done.returncode == 0, done.stderr
    shown: dict[str, object] = json.loads(done.stdout)
    return shown


@pytest.fixture(scope="module")
def upgraded_without_manager(
    without_manager: WithoutManager, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[UpgradedWithoutManager]:
    """The fresh install above, then what its user does: a config with the country, an
    interview, and the daemon started by hand as the install said (detached, as the
    autostart entry would); then install.sh again from a checkout of a newer version."""
    user = without_manager.user
    followup = str(user.bin / "followup")
    for step in (("init", "--country", "US"), ("add", "Acme", "--expect", "2026-12-30")):
        assert user.run(followup, *step).returncode == 0
    first = subprocess.Popen(
        [followup, "daemon"],
        cwd=user.home,
        env=user.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    new_pid = None
    try:
        poll_until(lambda: status_of(user)["pid"] == first.pid, BOUND_S, interval=0.2)
        source = checkout(tmp_path_factory.mktemp("newer") / "followup")
        raise_version(source)
        began = time.time()
        done = user.install(source)
        old_status = first.wait(BOUND_S)
        status = status_of(user)
        new_pid = status["pid"]
        yield UpgradedWithoutManager(user, first.pid, old_status, done, began, status)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        if isinstance(new_pid, int):
            with contextlib.suppress(ProcessLookupError):
                os.kill(new_pid, signal.SIGTERM)


def test_an_upgrade_without_a_user_manager_restarts_the_running_daemon(
    upgraded_without_manager: UpgradedWithoutManager,
) -> None:
    up = upgraded_without_manager
    new_pid = up.status["pid"]

    assert (up.done.returncode, up.done.stderr) == (0, ""), up.done.stdout
    assert up.old_status == 0  # stopped on SIGTERM, not killed
    assert up.status["running"] is True and new_pid != up.old_pid
    assert (
        f"restarted the followup daemon (pid {up.old_pid}, now {new_pid}): it runs this version"
    ) in lines(up.done)
    assert not [line for line in lines(up.done) if "To start it now" in line]
    # The new daemon started after the upgrade began, so from the new files.
    since = datetime.fromisoformat(str(up.status["since"])).timestamp()
    assert since >= int(up.began)


def test_an_upgrade_prints_no_next_step_that_is_already_done(
    upgraded_without_manager: UpgradedWithoutManager,
) -> None:
    assert "Next:" not in upgraded_without_manager.done.stdout
