"""Which store a command opens when ``store.url`` names an SQLite file that is not there.

A mistyped ``store.url`` must not quietly become a new, empty store that the next reminder
is then missing from. So for a file named in the config (not the default store, which is
made on first use): a folder that does not exist is an error, and nothing is created; a
file that does not exist in an existing folder is created only by the commands that add
interviews (``add``, ``init``, ``import``; and ``restore``, which puts a backup there); a
command that changes interviews refuses; a command that only reads is answered from an
empty store of its own, in a scratch folder, with a warning naming the file.
"""

from __future__ import annotations

from typing import NamedTuple

#: The commands that may change the store: a running daemon is told to look at it.
WRITES = frozenset(
    {
        "add",
        "restore",
        "edit",
        "emailed",
        "heard",
        "moved-on",
        "withdraw",
        "reopen",
        "snooze",
        "delete",
        "import",
        "mail",
    }
)
#: The commands that create the configured store file when it is not there yet.
CREATES = frozenset({"add", "init", "import", "restore"})


class Choice(NamedTuple):
    #: the SQLAlchemy URL to open; None: an empty store in a scratch folder instead
    url: str | None
    #: a warning to print once the command has succeeded, or None
    warning: str | None


def choose(url: str, default_url: str, command: str) -> Choice:
    """The store ``command`` opens for the configured ``url`` (``default_url``: the store used
    when none is configured). Raises
    StoreError when the file's folder does not exist, or ``command`` would change interviews
    in a file that does not exist."""
    from followup.cli.render.text import (
        store_file_missing,
        store_file_missing_for_change,
        store_folder_missing,
    )
    from followup.errors import StoreError
    from followup.store.database import configured_file_missing

    path = configured_file_missing(url, default_url)
    if path is None:
        return Choice(url, None)
    if not path.parent.is_dir():
        raise StoreError(store_folder_missing(url, path.parent))
    if command in CREATES:
        return Choice(url, None)
    if command in WRITES:
        raise StoreError(store_file_missing_for_change(path))
    return Choice(None, store_file_missing(path))
