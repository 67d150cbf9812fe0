"""The calendar feed the daemon keeps (``[export] ics_path``).

Written once the daemon is ready, after a reload and after every look at the store that
found a change, never on an idle wake; only the interviews that changed are serialised
again, an unchanged feed is not rewritten, and one that cannot be written is logged while
the reminders go on.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from followup.daemon.context import Part
from followup.errors import FollowupError

if TYPE_CHECKING:
    from followup.transfer.ics import Feed

log = logging.getLogger("followup.daemon")


class CalendarFeed(Part):
    """``export.ics_path`` kept current; what was serialised is remembered between writes
    (forgotten by :meth:`reset`, after a reload)."""

    _feed: Feed | None = None

    def reset(self) -> None:
        """Forget what was serialised: the next write builds the whole feed again."""
        self._feed = None

    def write(self, now: datetime) -> None:
        """Keep ``export.ics_path`` current: asked for only when something changed (and at
        start and reload), so idle wakes never build it, and written from the loop once
        reminders are planned, so a large feed never holds back the start. A failure (at
        ``now``, aware) is logged once and shown by ``followup status`` until the feed is
        written again; the reminders go on."""
        path = self.config.export.ics_path
        if path is None:
            return
        from followup.transfer.files import write_atomic

        if self._feed is None:
            from followup.transfer.ics import Feed

            self._feed = Feed()
        try:
            written = write_atomic(path, self._feed.render(self.tracker))
        except FollowupError as exc:
            if exc.message != self.state["feed_error"]:
                log.error("calendar feed not written: %s", exc.message)
                self.state["feed_error_at"] = now.isoformat(timespec="seconds")
            self.state["feed_error"] = exc.message
            self.context.publish()
            return
        if self.state["feed_error"] is not None:
            log.info("calendar feed written again")
            self.state["feed_error"] = self.state["feed_error_at"] = None
            self.context.publish()
        if written:
            log.info("calendar feed written to %s", path)
