"""Waiting out a store that cannot be used yet (locked by another program, or a database
server not up), with backoff, for the daemon: it never exits for it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping

from followup.config import Config
from followup.daemon.jobs import STORE_BUSY_S
from followup.daemon.systemd import SystemdNotifier
from followup.errors import StoreError
from followup.store import Database

log = logging.getLogger("followup.daemon")

#: After a failure to use the store, the daemon carries on and tries again after a backoff
#: from STORE_RETRY_FIRST_S to STORE_RETRY_MAX_S.
STORE_RETRY_FIRST_S = 2.0
STORE_RETRY_MAX_S = 60.0


def store_retry_delay(failures: int) -> float:
    """Seconds before the next try of a store that failed ``failures`` times in a row
    before this one (0 or more): STORE_RETRY_FIRST_S, doubling, at most STORE_RETRY_MAX_S."""
    return min(STORE_RETRY_FIRST_S * 2.0**failures, STORE_RETRY_MAX_S)


class StoreBackoff:
    """When the running daemon tries a failing store again: ``retry_at`` is the monotonic
    instant (seconds) of the next try, None while the store works; ``failures`` in a row."""

    def __init__(self) -> None:
        self.failures = 0
        self.retry_at: float | None = None

    def failed(self) -> float:
        """One more failure: the next try is set :func:`store_retry_delay` seconds away,
        which are returned."""
        delay = store_retry_delay(self.failures)
        self.failures += 1
        self.retry_at = time.monotonic() + delay
        return delay

    def waiting(self) -> bool:
        """Whether the next try is still to come."""
        return self.retry_at is not None and time.monotonic() < self.retry_at

    def recovered(self) -> None:
        """The store works again."""
        self.failures, self.retry_at = 0, None


def wait_for_store(config: Config, systemd: SystemdNotifier, env: Mapping[str, str]) -> None:
    """Open the store once before starting: a store that is locked by another program (a
    schema upgrade waits for its write lock), a database server that is not up yet, or an
    SQLite file named in the config that no command has made yet (``env`` gives the default
    store, which is made on first use) is waited out with backoff, never a reason to exit.
    A configured file whose folder does not exist (a typo) is refused, and nothing is
    created; any other StoreError is raised too.

    Waits on an Event rather than ``time.sleep`` (which libfaketime breaks); SIGTERM ends
    the wait as it would end the daemon.
    """
    pause = threading.Event()
    delay, said = STORE_RETRY_FIRST_S, None
    while True:
        try:
            _refuse_missing(config.store_url, env)
            Database(config.store_url, busy_timeout=STORE_BUSY_S).close()
        except StoreError as exc:
            if not exc.transient:
                raise
            if exc.message != said:
                log.error(
                    "the store cannot be used yet: %s; waiting for it (trying again in "
                    "%.0f s, then at most every %.0f s)",
                    exc.message,
                    delay,
                    STORE_RETRY_MAX_S,
                )
                said = exc.message
            systemd.status(f"waiting for the store: {exc.message}")
            pause.wait(delay)
            delay = min(delay * 2, STORE_RETRY_MAX_S)
            continue
        if said is not None:
            log.info("the store can be used again")
        return


def _refuse_missing(url: str, env: Mapping[str, str]) -> None:
    """Raise StoreError when ``url`` names an SQLite file (not the default store) that does
    not exist: transient when its folder exists (a command that adds interviews makes it),
    else not (nothing would ever make the folder)."""
    from followup.paths import default_store_url
    from followup.store.database import configured_file_missing

    path = configured_file_missing(url, default_store_url(env))
    if path is None:
        return
    if not path.parent.is_dir():
        raise StoreError(
            f"store.url {url!r}: the folder {path.parent} does not exist; nothing was created"
        )
    raise StoreError(
        f"the store {path} (store.url) does not exist yet; 'followup add' or "
        "'followup import' creates it",
        transient=True,
    )
