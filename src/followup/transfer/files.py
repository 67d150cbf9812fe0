"""Writing export files so that a reader never sees half of one."""

from __future__ import annotations

from pathlib import Path

from followup.errors import UsageError
from followup.ownfiles import PRIVATE, kept_mode, write_file, written_through


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` in one step: a temporary file beside it, synced, then
    renamed over it, so a calendar application subscribed to the file reads the old version
    or the new one, never a mix. A symbolic link is written through: its target is replaced
    and the link stays (a calendar subscribed to the target keeps getting updates).

    Returns ``False`` and writes nothing when the file already holds exactly ``data``. A new
    file is private to the user (0600: it holds names and email addresses); an existing file
    keeps its permissions, less group and world write. Raises UsageError naming the path
    when it cannot be written.
    """
    target = written_through(path)
    try:
        if target.read_bytes() == data:
            return False
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        pass
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    if not target.parent.is_dir():
        raise UsageError(f"cannot write {path}: there is no folder {str(target.parent)!r}")
    try:
        write_file(target, data, kept_mode(target, PRIVATE))
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {disk_error(exc, target)}") from None
    return True


def disk_error(exc: OSError, path: Path) -> str:
    """The cause of a failed write as a user reads it: "the disk is full" for ENOSPC and
    EDQUOT (a quota is a full disk for this user), else the system's words."""
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk holding {path.parent} is full"
    return exc.strerror or type(exc).__name__
