"""What the parts of one daemon run share: the config, the tracker and the notifier (a
reload replaces the first two), the state file's contents, and two calls back into the loop.

Each part (:mod:`.jobs`, :mod:`.delivery`, :mod:`.screen`, :mod:`.buttons`) reads these
through the one :class:`Context`, so that a reload that swaps the config and the tracker is
seen by all of them at once.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from followup.config import Config
from followup.daemon.state import DaemonState
from followup.notify.base import Notifier
from followup.rules import Kind

if TYPE_CHECKING:
    from followup.lifecycle.service import Tracker
    from followup.values import Due

#: One reminder: (interview id, kind, instant in UTC).
Key = tuple[int, Kind, datetime]


def key_of(due: Due) -> Key:
    """The reminder ``due`` is, as the daemon keys it (its instant in UTC)."""
    return (due.interview_id, due.kind, due.at.astimezone(UTC))


def confirm_by_instant(
    unconfirmed: MutableMapping[Key, datetime],
    confirm: Callable[[list[Key], datetime], None],
) -> None:
    """Confirm in the ledger the showings in ``unconfirmed`` (reminder -> instant shown,
    UTC): one ``confirm(keys, shown_at)`` per instant, each key taken out once its call
    returned. A StoreError from ``confirm`` propagates and leaves the rest in place, to be
    confirmed at the next try."""
    by_instant: dict[datetime, list[Key]] = {}
    for key, at in unconfirmed.items():
        by_instant.setdefault(at, []).append(key)
    for at, keys in by_instant.items():
        confirm(keys, at)
        for key in keys:
            del unconfirmed[key]


@dataclass
class Context:
    """The daemon's shared room. ``publish()`` writes the state file and tells systemd the
    status; ``wake()`` wakes the loop (safe from any thread)."""

    config: Config
    tracker: Tracker
    notifier: Notifier
    state: DaemonState
    env: MutableMapping[str, str]
    publish: Callable[[], None]
    wake: Callable[[], None]


class Part:
    """A part of the daemon: ``config``, ``tracker`` and ``notifier`` are the context's
    current ones (after a reload, the new ones)."""

    def __init__(self, context: Context) -> None:
        self.context = context

    @property
    def config(self) -> Config:
        """The config in force."""
        return self.context.config

    @property
    def tracker(self) -> Tracker:
        """The tracker on the store in force."""
        return self.context.tracker

    @property
    def notifier(self) -> Notifier:
        """The notification backend (one for the daemon's whole life)."""
        return self.context.notifier

    @property
    def state(self) -> DaemonState:
        """What the state file says; written by ``publish()``."""
        return self.context.state
