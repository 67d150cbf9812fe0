"""Where each of followup's files and folders is, given the environment: the XDG Base
Directory specification's variables when they hold an absolute path, else their defaults
under ``$HOME``."""

from __future__ import annotations

import os
import pwd
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from followup import paths

HOME = {"HOME": "/home/alex"}
XDG = {
    "HOME": "/home/alex",
    "XDG_CONFIG_HOME": "/cfg",
    "XDG_DATA_HOME": "/data",
    "XDG_STATE_HOME": "/state",
    "XDG_CACHE_HOME": "/cache",
    "XDG_RUNTIME_DIR": "/run/user/1000",
}
#: Relative and empty values are ignored, as the specification asks.
IGNORED = {
    "HOME": "/home/alex",
    "XDG_CONFIG_HOME": "cfg",
    "XDG_DATA_HOME": "",
    "XDG_STATE_HOME": "./state",
    "XDG_CACHE_HOME": "cache",
}

_ENVS = {id(HOME): "HOME only", id(XDG): "XDG set", id(IGNORED): "relative XDG ignored"}

Where = Callable[[Mapping[str, str]], Path]

CASES: list[tuple[str, Where, Mapping[str, str], str]] = [
    ("config folder", paths.config_dir, HOME, "/home/alex/.config/followup"),
    ("config folder", paths.config_dir, XDG, "/cfg/followup"),
    ("config folder", paths.config_dir, IGNORED, "/home/alex/.config/followup"),
    ("templates", paths.templates_dir, HOME, "/home/alex/.config/followup/templates"),
    ("templates", paths.templates_dir, XDG, "/cfg/followup/templates"),
    ("data folder", paths.data_dir, HOME, "/home/alex/.local/share/followup"),
    ("data folder", paths.data_dir, XDG, "/data/followup"),
    ("data folder", paths.data_dir, IGNORED, "/home/alex/.local/share/followup"),
    ("drafts", paths.drafts_dir, HOME, "/home/alex/.local/share/followup/drafts"),
    ("drafts", paths.drafts_dir, XDG, "/data/followup/drafts"),
    ("state folder", paths.state_dir, HOME, "/home/alex/.local/state/followup"),
    ("state folder", paths.state_dir, XDG, "/state/followup"),
    ("state folder", paths.state_dir, IGNORED, "/home/alex/.local/state/followup"),
    ("machine id", paths.machine_file, HOME, "/home/alex/.local/state/followup/machine.json"),
    ("machine id", paths.machine_file, XDG, "/state/followup/machine.json"),
    ("cache folder", paths.cache_dir, HOME, "/home/alex/.cache/followup"),
    ("cache folder", paths.cache_dir, XDG, "/cache/followup"),
    ("cache folder", paths.cache_dir, IGNORED, "/home/alex/.cache/followup"),
    ("systemd unit", paths.unit_path, HOME, "/home/alex/.config/systemd/user/followup.service"),
    ("systemd unit", paths.unit_path, XDG, "/cfg/systemd/user/followup.service"),
    ("autostart", paths.autostart_path, HOME, "/home/alex/.config/autostart/followup.desktop"),
    ("autostart", paths.autostart_path, XDG, "/cfg/autostart/followup.desktop"),
    (
        "desktop entry",
        paths.application_path,
        HOME,
        "/home/alex/.local/share/applications/followup.desktop",
    ),
    ("desktop entry", paths.application_path, XDG, "/data/applications/followup.desktop"),
]


@pytest.mark.parametrize(
    ("what", "where", "env", "expected"),
    CASES,
    ids=[f"{what}, {_ENVS[id(env)]}" for what, _w, env, _e in CASES],
)
def test_each_path_follows_the_environment(
    what: str, where: Where, env: Mapping[str, str], expected: str
) -> None:
    assert where(env) == Path(expected)


@pytest.mark.parametrize(
    ("explicit", "env", "expected"),
    [
        (None, HOME, "/home/alex/.config/followup/config.toml"),
        (None, XDG, "/cfg/followup/config.toml"),
        (None, {**XDG, "FOLLOWUP_CONFIG": "/etc/fu.toml"}, "/etc/fu.toml"),
        (None, {**XDG, "FOLLOWUP_CONFIG": ""}, "/cfg/followup/config.toml"),
        ("/tmp/given.toml", {**XDG, "FOLLOWUP_CONFIG": "/etc/fu.toml"}, "/tmp/given.toml"),
    ],
)
def test_the_config_file_is_the_option_then_the_variable_then_the_xdg_folder(
    explicit: str | None, env: Mapping[str, str], expected: str
) -> None:
    assert paths.config_path(explicit, env) == Path(expected)


def test_a_tilde_in_a_named_config_file_is_the_home_folder() -> None:
    """``--config ~/x.toml`` and ``FOLLOWUP_CONFIG=~/x.toml`` (as a shell leaves it, quoted)
    are expanded by the process's own home folder, as a shell would."""
    home = Path.home()
    assert paths.config_path("~/x.toml", XDG) == home / "x.toml"
    assert paths.config_path(None, {**XDG, "FOLLOWUP_CONFIG": "~/y.toml"}) == home / "y.toml"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (HOME, "sqlite:////home/alex/.local/share/followup/followup.db"),
        (XDG, "sqlite:////data/followup/followup.db"),
    ],
)
def test_the_default_store_is_a_sqlite_file_in_the_data_folder(
    env: Mapping[str, str], expected: str
) -> None:
    assert paths.default_store_url(env) == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (XDG, Path("/run/user/1000/bus")),
        ({"XDG_RUNTIME_DIR": "/run/user/1000/"}, Path("/run/user/1000/bus")),
        ({"XDG_RUNTIME_DIR": ""}, None),
        (HOME, None),
    ],
)
def test_the_runtime_bus_is_in_the_runtime_folder(
    env: Mapping[str, str], expected: Path | None
) -> None:
    assert paths.runtime_bus(env) == expected


def test_without_home_in_the_environment_the_password_database_names_it() -> None:
    """The mapping is all that is read of the environment: the process's own ``$HOME`` is
    not looked at when the mapping has none."""
    entry = Path(pwd.getpwuid(os.getuid()).pw_dir)
    assert paths.state_dir({}) == entry / ".local/state/followup"
    assert paths.xdg_dir("XDG_DATA_HOME", ".local/share", {"XDG_DATA_HOME": "/d"}) == Path("/d")
