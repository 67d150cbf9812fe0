"""Which machine this is: an id made once and kept in the state folder, and a name to show.

Several machines may share one store (PostgreSQL). Each one's daemon shows every reminder
once (a person may be at either machine), so the ledger of reminders shown records which
machine showed each one. A machine is its state folder (``$XDG_STATE_HOME/followup/``,
where the daemon keeps its lock and state): the file ``machine.json`` there holds a random
id (uuid4), made on first use, and a name for ``followup status``, the host name at that
moment. Two state folders on one host are two machines, which is how the tests make them.

The id is never derived from the hardware or the host name: a renamed host, or a cloned
disk image given a new state folder, must not mix two machines' ledgers. The name is the
user's to change (edit ``name`` in the file); only the id matters to the ledger.

Only the standard library is imported here: ``followup list`` reads the id on its quick path.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from followup.errors import FollowupError
from followup.ownfiles import make_folder
from followup.paths import machine_file

#: The longest name kept (the store's column holds this many characters).
MAX_NAME = 100
#: How many characters of the id ``followup status`` shows.
SHORT_ID = 8
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


class Machine(NamedTuple):
    """One machine: ``id`` a uuid4 in its canonical lowercase form (36 characters),
    ``name`` what people call it (1 to :data:`MAX_NAME` characters, no control character)."""

    id: str
    name: str

    @property
    def short_id(self) -> str:
        """The first :data:`SHORT_ID` characters of the id: enough to tell a user's few
        machines apart when they share a name."""
        return self.id[:SHORT_ID]


def known(env: Mapping[str, str]) -> Machine | None:
    """This machine as its file says, or None when it has none yet (nothing was ever shown
    here). Makes nothing: the reading commands call it. Raises FollowupError for a file
    that cannot be read or does not hold an id and a name."""
    path = machine_file(env)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise FollowupError(f"cannot read the machine file {path}: {_why(exc)}") from None
    return _parse(text, path)


def this_machine(env: Mapping[str, str]) -> Machine:
    """This machine, its file made first when there is none: a new uuid4 and the host name.
    Two processes making it at once agree on one (the file appears whole, or not at all,
    and the second one reads the first one's). Raises FollowupError when the state folder
    cannot be used or the file is damaged (it is never replaced: a new id would show this
    machine's reminders again)."""
    found = known(env)
    if found is not None:
        return found
    import tempfile
    import uuid

    path = machine_file(env)
    made = Machine(str(uuid.uuid4()), host_name())
    try:
        make_folder(path.parent)
        handle, tmp = tempfile.mkstemp(prefix=".machine-", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(json.dumps({"id": made.id, "name": made.name}, ensure_ascii=False))
                out.write("\n")
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        raise FollowupError(f"cannot write the machine file {path}: {_why(exc)}") from None
    found = known(env)
    assert found is not None  # linked just now, by this process or another one
    return found


def host_name() -> str:
    """The host name as a machine's first name: its control characters dropped, at most
    :data:`MAX_NAME` characters, ``this machine`` when there is none."""
    import socket

    name = "".join(c for c in socket.gethostname() if unicodedata.category(c) != "Cc")
    return name.strip()[:MAX_NAME] or "this machine"


def _parse(text: str, path: Path) -> Machine:
    damaged = f"the machine file {path} is damaged"
    hint = "; remove it to give this machine a new id (its due reminders are then shown again)"
    try:
        data = json.loads(text)
    except ValueError:
        raise FollowupError(f"{damaged}: not JSON{hint}") from None
    if not isinstance(data, dict):
        raise FollowupError(f"{damaged}: not a JSON object{hint}")
    machine_id, name = data.get("id"), data.get("name")
    if not isinstance(machine_id, str) or not _UUID.fullmatch(machine_id):
        raise FollowupError(f"{damaged}: 'id' is not a uuid4 ({machine_id!r}){hint}")
    if not isinstance(name, str) or not name.strip():
        raise FollowupError(f"{path}: 'name' must be the machine's name, not {name!r}")
    if len(name.strip()) > MAX_NAME:
        raise FollowupError(f"{path}: 'name' is longer than {MAX_NAME} characters")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise FollowupError(f"{path}: 'name' {name!r} contains a control character")
    return Machine(machine_id, name.strip())


def _why(exc: OSError | UnicodeDecodeError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return exc.strerror or str(exc)
