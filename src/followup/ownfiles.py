"""Files and folders that are the user's alone: every one followup creates gets its mode
set explicitly, whatever the umask, and none is ever group- or world-writable.

The umask only takes bits away, and ``Path.mkdir(parents=True)`` gives the folders it makes
on the way the default mode (0777 less the umask): under ``umask 000`` a config would be
0666 in a 0777 folder, and anyone who can write the config or an autostart entry runs code
as the user (``mail.password_command``, ``Exec``). So every folder made here is made one
level at a time and given its mode with ``chmod``; every file is written to a temporary
file beside it (0600 from the start), given its mode, synced and renamed over the old one.

The modes: :data:`PRIVATE` (0600) and :data:`PRIVATE_FOLDER` (0700) for what holds the
user's data or decides what runs as the user (config, store, drafts, state, backups, the
calendar feed); :data:`SHARED` (0644) and :data:`SHARED_FOLDER` (0755) where another
program must read it (the systemd unit, the desktop entries, the shell completions).

Only the standard library is imported here.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

PRIVATE = 0o600
PRIVATE_FOLDER = 0o700
SHARED = 0o644
SHARED_FOLDER = 0o755
#: The bits no file followup writes ever keeps: write by the group and by others.
NEVER = stat.S_IWGRP | stat.S_IWOTH


def make_folder(path: Path, mode: int = PRIVATE_FOLDER) -> None:
    """Create ``path`` and any missing parent, each with exactly ``mode``; folders that
    exist are left as they are (the user's own choice). Raises OSError."""
    missing: list[Path] = []
    folder = path
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        try:
            os.mkdir(made, mode)
        except FileExistsError:
            continue
        os.chmod(made, mode)


def written_through(path: Path) -> Path:
    """The file a write to ``path`` must replace: the target of a symbolic link (followed to
    the end, so that a calendar subscribed to the target keeps seeing updates), else
    ``path`` itself."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def kept_mode(path: Path, new: int) -> int:
    """The mode to write ``path`` with: its current one without group or world write, or
    ``new`` when there is no such file."""
    try:
        return stat.S_IMODE(path.stat().st_mode) & ~NEVER
    except OSError:
        return new


def write_file(
    path: Path,
    data: bytes,
    mode: int = PRIVATE,
    *,
    folder_mode: int = PRIVATE_FOLDER,
    sync: bool = True,
) -> Path:
    """Replace ``path`` (written through a symbolic link) with ``data`` in one step, the file
    having exactly ``mode`` (group and world write always taken away); missing folders are
    made with ``folder_mode``. Returns the file written. Raises OSError; no temporary file is
    left behind."""
    target = written_through(path)
    make_folder(target.parent, folder_mode)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode & ~NEVER)
            if sync:
                os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return target


def create_empty(path: Path, mode: int = PRIVATE, *, folder_mode: int = PRIVATE_FOLDER) -> None:
    """Create ``path`` empty with exactly ``mode`` unless it exists (as a file or a link);
    missing folders are made with ``folder_mode``. Raises OSError."""
    make_folder(path.parent, folder_mode)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, mode & ~NEVER)
    finally:
        os.close(fd)
