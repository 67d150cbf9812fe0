"""Which machine this is: an id made on first use and kept in the state folder, with the host
name to show; two state folders are two machines."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from followup.errors import FollowupError
from followup.machine import Machine, known, this_machine
from followup.paths import machine_file


def state_env(folder: Path) -> dict[str, str]:
    return {"HOME": str(folder / "home"), "XDG_STATE_HOME": str(folder / "state")}


def test_the_first_use_makes_a_uuid4_and_keeps_it_with_the_host_name(tmp_path: Path) -> None:
    env = state_env(tmp_path)

    made = this_machine(env)

    assert uuid.UUID(made.id).version == 4 and str(uuid.UUID(made.id)) == made.id
    assert made.name == socket.gethostname()
    path = tmp_path / "state/followup/machine.json"
    assert machine_file(env) == path
    assert json.loads(path.read_text()) == {"id": made.id, "name": made.name}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["machine.json"]


def test_every_later_use_finds_the_same_machine(tmp_path: Path) -> None:
    env = state_env(tmp_path)
    first = this_machine(env)
    assert this_machine(env) == first
    assert known(env) == first


def test_two_state_folders_are_two_machines(tmp_path: Path) -> None:
    one = this_machine(state_env(tmp_path / "one"))
    two = this_machine(state_env(tmp_path / "two"))
    assert one.id != two.id


def test_the_state_folder_defaults_to_the_one_under_home(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path / "home")}
    this_machine(env)
    assert (tmp_path / "home/.local/state/followup/machine.json").is_file()


def test_a_machine_with_no_file_is_not_known_and_reading_makes_none(tmp_path: Path) -> None:
    env = state_env(tmp_path)
    assert known(env) is None
    assert not (tmp_path / "state").exists()


def test_a_name_edited_in_the_file_is_the_machine_s_name(tmp_path: Path) -> None:
    env = state_env(tmp_path)
    made = this_machine(env)
    machine_file(env).write_text(json.dumps({"id": made.id, "name": "  Desk in the attic "}))
    assert this_machine(env) == Machine(made.id, "Desk in the attic")


@pytest.mark.system
def test_processes_starting_at_once_agree_on_one_machine(tmp_path: Path) -> None:
    """A daemon and a command (or two of anything) making the file at the same moment: the
    file appears whole, once, and every one of them reads the same id."""
    script = (
        "import sys, os; from followup.machine import this_machine; "
        "sys.stdin.read(); print(this_machine(os.environ).id)"
    )
    env = {**os.environ, **state_env(tmp_path)}
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    ids = set()
    for racer in racers:  # all are started and waiting: let them go together
        assert racer.stdin is not None
        racer.stdin.close()
    for racer in racers:
        assert racer.stdout is not None
        ids.add(racer.stdout.read().strip())
        racer.stdout.close()
        assert racer.wait(timeout=60) == 0
    found = known(state_env(tmp_path))
    assert found is not None and ids == {found.id}
    assert sorted(p.name for p in (tmp_path / "state/followup").iterdir()) == ["machine.json"]


DAMAGED = "; remove it to give this machine a new id (its due reminders are then shown again)"
ID = "2b7e1516-28ae-4d2a-abf7-158809cf4f3c"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("{not json", "the machine file {path} is damaged: not JSON" + DAMAGED),
        pytest.param('["a"]', "the machine file {path} is damaged: not a JSON object" + DAMAGED),
        pytest.param(
            '{"id": "desktop", "name": "desk"}',
            "the machine file {path} is damaged: 'id' is not a uuid4 ('desktop')" + DAMAGED,
        ),
        pytest.param(
            '{"id": "2b7e1516-28ae-1d2a-abf7-158809cf4f3c", "name": "desk"}',
            "the machine file {path} is damaged: 'id' is not a uuid4 "
            "('2b7e1516-28ae-1d2a-abf7-158809cf4f3c')" + DAMAGED,
            id="a uuid1, not a uuid4",
        ),
        pytest.param(f'{{"id": "{ID}"}}', "{path}: 'name' must be the machine's name, not None"),
        pytest.param(
            f'{{"id": "{ID}", "name": " "}}', "{path}: 'name' must be the machine's name, not ' '"
        ),
        pytest.param(
            f'{{"id": "{ID}", "name": "{"x" * 101}"}}',
            "{path}: 'name' is longer than 100 characters",
            id="a name of 101 characters",
        ),
        pytest.param(
            f'{{"id": "{ID}", "name": "desk\\u001b[31m"}}',
            "{path}: 'name' 'desk\\x1b[31m' contains a control character",
            id="a terminal escape in the name",
        ),
    ],
)
def test_a_damaged_file_is_named_and_never_replaced(
    tmp_path: Path, text: str, message: str
) -> None:
    env = state_env(tmp_path)
    path = machine_file(env)
    path.parent.mkdir(parents=True)
    path.write_text(text)

    for look in (known, this_machine):
        with pytest.raises(FollowupError) as raised:
            look(env)
        assert raised.value.message == message.format(path=path)
    assert path.read_text() == text
