"""Notifications that stay true: what the daemon has on screen, and closing what stopped
being so.

Whenever the daemon re-plans an interview (a CLI command, a button, a deleted interview, a
reload), every notification on screen that shows one of its reminders is checked against
the interview's current reminder; one that is no longer pending is closed
(``CloseNotification``), and a summary that still lists others is replaced by a summary of
those. Showing a reminder closes an older one of the same interview. The ids live in memory
only: after a restart the notifications an earlier run showed are unknown and stay until
the user dismisses them.
"""

from __future__ import annotations

import dataclasses
import logging

from followup.daemon.context import Context, Key, Part
from followup.errors import DeliveryError, FollowupError
from followup.notify import messages
from followup.notify.base import Note, close_notification
from followup.notify.messages import DueReminder
from followup.values import Due, InterviewView

log = logging.getLogger("followup.daemon")


class Screen(Part):
    """The notifications this run showed that are still on screen, by notification id."""

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        #: notification id -> the reminder it shows (only notifications with buttons)
        self.shown: dict[int, Key] = {}
        #: notifications whose recording button was handled: a repeat records nothing
        self.acted: set[int] = set()
        #: notifications re-shown after a button (the draft): their next close is the old one
        self.reshown: set[int] = set()
        #: notification id -> the reminders it shows, while it is on screen (every backend
        #: that learns ids): what is closed once they are no longer pending
        self.displayed: dict[int, tuple[Key, ...]] = {}

    def tidy(self, interview_ids: set[int] | None) -> None:
        """Close what is on screen for reminders that stopped being pending (only for
        ``interview_ids``, or for all). A summary that still lists pending ones is replaced
        by a summary of those."""
        on_screen = [
            (nid, keys)
            for nid, keys in self.displayed.items()
            if interview_ids is None or any(k[0] in interview_ids for k in keys)
        ]
        if not on_screen:
            return
        ids = sorted({k[0] for _nid, keys in on_screen for k in keys})
        current: dict[int, tuple[Key, InterviewView]] = {}
        for interview_id in ids:
            try:
                view = self.tracker.get(interview_id, with_explanation=False)
            except FollowupError:
                continue  # deleted
            r = view.next_reminder
            if view.status.is_open and r is not None:
                current[interview_id] = ((interview_id, r.kind, r.at_utc), view)
        for nid, keys in on_screen:
            still = [k for k in keys if k[0] in current and current[k[0]][0] == k]
            if len(still) == len(keys):
                continue
            if not still:
                self.close(nid, "no longer pending")
                continue
            items = []
            for k in still:
                view = current[k[0]][1]
                items.append(DueReminder(Due(k[0], view.company, k[1], k[2]), view))
            note = messages.summary_note(items, self.config.notify.app_name)
            note = dataclasses.replace(note, replaces_id=nid)
            new_id = self.confirm(note)
            del self.displayed[nid]
            if new_id is not None:
                self.displayed[new_id] = tuple(still)
            log.info("summary %d now lists %d reminder(s)", nid, len(still))

    def close_older(self, keys: list[Key], new_id: int) -> None:
        """Showing a reminder retires any other notification of the same interview that
        shows one reminder only (an older reminder of it)."""
        interviews = {k[0] for k in keys}
        for nid, shown_keys in list(self.displayed.items()):
            if nid != new_id and len(shown_keys) == 1 and shown_keys[0][0] in interviews:
                self.close(nid, "another reminder for the interview is shown")

    def close(self, notification_id: int, why: str) -> None:
        """Take a notification off the screen and forget it (``why`` is logged)."""
        self.displayed.pop(notification_id, None)
        self.shown.pop(notification_id, None)
        close_notification(self.notifier, notification_id, why)

    def confirm(self, note: Note) -> int | None:
        """Show an answer or an updated summary; a failure is logged and gives None."""
        try:
            return self.notifier.show(note)
        except DeliveryError as exc:
            log.error("could not show the confirmation %r: %s", note.title, exc.message)
            return None
