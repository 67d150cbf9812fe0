"""Every file and folder followup uses, found from the environment by the XDG Base Directory
specification: one room for them all, so that the config, the store, the daemon, the
drafts and the installer cannot disagree on where a thing is.

Each function takes the environment as a mapping (``os.environ`` or a test's own) and
reads nothing else of it; none touches the file system. A base variable that is unset,
empty or relative is ignored, as the specification asks, and its default under ``$HOME``
is used: ``$XDG_CONFIG_HOME`` (``~/.config``), ``$XDG_DATA_HOME`` (``~/.local/share``),
``$XDG_STATE_HOME`` (``~/.local/state``), ``$XDG_CACHE_HOME`` (``~/.cache``). Without
``$HOME`` in the mapping, the home folder is the user's entry in the password database.

Only the standard library is imported here: ``followup list`` finds its config, store and
cache through this module on its quick path.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

#: The folder of followup's own files under each base folder.
APP = "followup"
CONFIG_FILE = "config.toml"
STORE_FILE = "followup.db"
MACHINE_FILE = "machine.json"
UNIT_NAME = "followup.service"
DESKTOP_FILE = "followup.desktop"
#: The icon's place inside an icon theme folder (and inside the package's data folder).
ICON_IN_THEME = "hicolor/scalable/apps/followup.svg"


def home(env: Mapping[str, str]) -> Path:
    """``$HOME``, else the home folder of the user running this process."""
    value = env.get("HOME")
    if value:
        return Path(value)
    import os
    import pwd

    return Path(pwd.getpwuid(os.getuid()).pw_dir)


def xdg_dir(var: str, fallback: str, env: Mapping[str, str]) -> Path:
    """The base folder named by ``var`` (e.g. ``XDG_DATA_HOME``) when it is an absolute
    path, else ``fallback`` (e.g. ``.local/share``) under the home folder."""
    value = env.get(var)
    if value and Path(value).is_absolute():
        return Path(value)
    return home(env) / fallback


def config_dir(env: Mapping[str, str]) -> Path:
    """``$XDG_CONFIG_HOME/followup``: the config file and the user's templates."""
    return xdg_dir("XDG_CONFIG_HOME", ".config", env) / APP


def config_path(explicit: str | None, env: Mapping[str, str]) -> Path:
    """The config file: ``explicit`` (``--config``) when given, else ``$FOLLOWUP_CONFIG``,
    else ``$XDG_CONFIG_HOME/followup/config.toml``; ``~`` is expanded in the first two."""
    if explicit:
        return Path(explicit).expanduser()
    if env.get("FOLLOWUP_CONFIG"):
        return Path(env["FOLLOWUP_CONFIG"]).expanduser()
    return config_dir(env) / CONFIG_FILE


def templates_dir(env: Mapping[str, str]) -> Path:
    """``$XDG_CONFIG_HOME/followup/templates``: the user's email templates, each replacing
    the built-in one of its name."""
    return config_dir(env) / "templates"


def data_dir(env: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME/followup``: the default store and the saved drafts."""
    return xdg_dir("XDG_DATA_HOME", ".local/share", env) / APP


def default_store_url(env: Mapping[str, str]) -> str:
    """The SQLAlchemy URL of the store when ``store.url`` is not set: the SQLite file
    ``$XDG_DATA_HOME/followup/followup.db``."""
    return f"sqlite:///{data_dir(env) / STORE_FILE}"


def drafts_dir(env: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME/followup/drafts``: where ``followup draft --save`` writes."""
    return data_dir(env) / "drafts"


def state_dir(env: Mapping[str, str]) -> Path:
    """``$XDG_STATE_HOME/followup``: the daemon's lock and state file, and this machine's
    id."""
    return xdg_dir("XDG_STATE_HOME", ".local/state", env) / APP


def machine_file(env: Mapping[str, str]) -> Path:
    """``$XDG_STATE_HOME/followup/machine.json``: this machine's id and name."""
    return state_dir(env) / MACHINE_FILE


def cache_dir(env: Mapping[str, str]) -> Path:
    """``$XDG_CACHE_HOME/followup``: derived data kept between runs (the known
    non-business days of the places used)."""
    return xdg_dir("XDG_CACHE_HOME", ".cache", env) / APP


def unit_path(env: Mapping[str, str]) -> Path:
    """``$XDG_CONFIG_HOME/systemd/user/followup.service``: the daemon's systemd user unit."""
    return xdg_dir("XDG_CONFIG_HOME", ".config", env) / "systemd" / "user" / UNIT_NAME


def autostart_path(env: Mapping[str, str]) -> Path:
    """``$XDG_CONFIG_HOME/autostart/followup.desktop``: the XDG autostart entry that starts
    the daemon at login where there is no systemd user manager."""
    return xdg_dir("XDG_CONFIG_HOME", ".config", env) / "autostart" / DESKTOP_FILE


def application_path(env: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME/applications/followup.desktop``: the application's desktop entry,
    what the notifications' ``desktop-entry`` hint names."""
    return xdg_dir("XDG_DATA_HOME", ".local/share", env) / "applications" / DESKTOP_FILE


def icon_install_path(env: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME/icons/hicolor/scalable/apps/followup.svg``: the application's icon in
    the user's hicolor theme, which the desktop entry's ``Icon=followup`` names."""
    return xdg_dir("XDG_DATA_HOME", ".local/share", env) / "icons" / ICON_IN_THEME


def runtime_bus(env: Mapping[str, str]) -> Path | None:
    """``$XDG_RUNTIME_DIR/bus``, where a systemd user session keeps its D-Bus session bus:
    the address to try when ``$DBUS_SESSION_BUS_ADDRESS`` is unset; None without
    ``$XDG_RUNTIME_DIR``."""
    runtime = env.get("XDG_RUNTIME_DIR")
    return Path(runtime, "bus") if runtime else None
