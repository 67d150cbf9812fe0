"""Writing export files so that a reader never sees half of one."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from followup.errors import UsageError


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` in one step: a temporary file beside it, synced, then
    renamed over it, so a calendar application subscribed to the file reads the old version
    or the new one, never a mix.

    Returns ``False`` and writes nothing when the file already holds exactly ``data``. A new
    file is private to the user (it holds names and email addresses); an existing file keeps
    its permissions. Raises UsageError naming the path when it cannot be written.
    """
    try:
        if path.read_bytes() == data:
            return False
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        pass
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = 0o600
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: there is no folder {str(path.parent)!r}")
    temp: str | None = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
        temp = None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    return True
