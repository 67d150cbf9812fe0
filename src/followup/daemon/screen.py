"""Notifications that stay true: what the daemon has on screen, and closing what stopped
being so.

Whenever the daemon re-plans an interview (a CLI command, a button, a deleted interview, a
reload), every notification on screen that shows one of its reminders is checked against
the interview's current reminder; one that is no longer pending is closed
(``CloseNotification``), and a summary that still lists others is replaced by a summary of
those. Showing a reminder closes an older one of the same interview.

Ids belong to one server instance (:meth:`Notifier.gave`). When the server goes away or is
replaced, every id it gave is forgotten, and each reminder that was on screen is shown again
as soon as a server owns the name (its ledger is not touched: it was shown, and still is).
A server may own the name a moment before it answers ``Notify`` (GNOME Shell 43 restarted:
"Object does not exist at path /org/freedesktop/Notifications"): what it refuses is tried
again after ``LOST_RETRY_FIRST_S``, doubling up to ``LOST_RETRY_MAX_S``, on the monotonic
clock.
What is on screen is also kept in the state folder (``notifications.json``: the server
instance, and per id the reminder, the note and the actions it still offers): a daemon
started again on the same server instance adopts those ids, so their buttons keep working;
on another instance it shows them again.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from followup.daemon.context import Context, Key, Part
from followup.errors import DeliveryError, FollowupError
from followup.notify import messages
from followup.notify.base import Note, close_notification
from followup.notify.messages import DueReminder
from followup.rules import Kind
from followup.values import Due, InterviewView

log = logging.getLogger("followup.daemon")

#: Seconds before showing again what a new server refused, doubling on each refusal.
LOST_RETRY_FIRST_S = 1.0
LOST_RETRY_MAX_S = 60.0


class Screen(Part):
    """The notifications this run showed that are still on screen, by notification id."""

    def __init__(self, context: Context, folder: Path | None = None) -> None:
        super().__init__(context)
        #: where ``notifications.json`` is kept (None: nowhere)
        self.folder = folder
        #: notification id -> the reminder it shows (only notifications with buttons)
        self.shown: dict[int, Key] = {}
        #: notification id -> the action keys it offers now; any other (a second copy of a
        #: click, a click on an entry already answered) is ignored
        self.offered: dict[int, frozenset[str]] = {}
        #: notification id -> the reminder note it shows, to show again on a new server
        self.notes: dict[int, Note] = {}
        #: reminder notes that went away with their server, and their reminders
        self.lost: list[tuple[Note, tuple[Key, ...]]] = []
        #: refusals in a row of what was lost, and when (monotonic s) to try again
        self.lost_tries = 0
        self.lost_retry_at: float | None = None
        #: the monotonic clock, in seconds
        self.monotonic: Callable[[], float] = time.monotonic
        self._saved: str | None = None
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
            self.forget(nid)
            if new_id is not None:
                self.track(new_id, note, tuple(still))
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
        self.forget(notification_id)
        close_notification(self.notifier, notification_id, why)

    def track(self, notification_id: int, note: Note, keys: tuple[Key, ...]) -> None:
        """``note`` is on screen as ``notification_id``, showing ``keys``."""
        self.displayed[notification_id] = keys
        self.notes[notification_id] = note
        self.offered[notification_id] = frozenset(k for k, _label in note.actions)
        if note.actions:
            self.shown[notification_id] = keys[0]
        else:
            self.shown.pop(notification_id, None)

    def forget(self, notification_id: int) -> None:
        """Nothing is known of ``notification_id`` any more."""
        for known in (self.displayed, self.shown, self.offered, self.notes):
            known.pop(notification_id, None)
        self.reshown.discard(notification_id)

    def server_changed(self, up: bool) -> None:
        """The notification server went away or was replaced: forget the ids it gave; the
        reminders they showed are shown again once a server is ``up``."""
        gone = [nid for nid in set(self.displayed) | set(self.shown) if not self.notifier.gave(nid)]
        for nid in gone:
            note, keys = self.notes.get(nid), self.displayed.get(nid)
            if note is not None and keys:
                self.lost.append((note, keys))
            self.forget(nid)
        if gone:
            log.info("the notification server changed: forgot %d notification id(s)", len(gone))
        self.lost_tries, self.lost_retry_at = 0, None
        if up:
            self.show_lost()

    def lost_retry_in(self) -> float | None:
        """Seconds (0 or more) until what a server refused is tried again; None when
        nothing waits for that."""
        if not self.lost or self.lost_retry_at is None:
            return None
        return max(0.0, self.lost_retry_at - self.monotonic())

    def retry_lost_and_save(self) -> None:
        """Show again what a new server refused, once its backoff has passed; then
        :meth:`save`."""
        if self.lost_retry_in() == 0.0:
            self.show_lost()
        self.save()

    def show_lost(self) -> None:
        """Show again the reminders that went away with their server (those still
        pending); what fails is tried again after a backoff (:meth:`lost_retry_in`), and
        at once when the server changes again."""
        lost, self.lost = self.lost, []
        self.lost_retry_at = None
        for old, keys in lost:
            note = self._fresh(old, keys)
            try:
                nid = self.notifier.show(note)
            except DeliveryError as exc:
                self.lost.append((old, keys))
                delay = min(LOST_RETRY_FIRST_S * 2.0**self.lost_tries, LOST_RETRY_MAX_S)
                log.error(
                    "could not show %r again: %s; trying again in %.0f s",
                    note.title,
                    exc.message,
                    delay,
                )
                continue
            if nid is not None:
                self.track(nid, note, keys)
            log.info("shown again: %s (the server had changed)", note.title)
        if self.lost:
            delay = min(LOST_RETRY_FIRST_S * 2.0**self.lost_tries, LOST_RETRY_MAX_S)
            self.lost_tries += 1
            self.lost_retry_at = self.monotonic() + delay
        else:
            self.lost_tries = 0
        if lost:
            self.tidy({k[0] for _note, keys in lost for k in keys})

    def confirm(self, note: Note) -> int | None:
        """Show an answer or an updated summary; a failure is logged and gives None."""
        try:
            return self.notifier.show(note)
        except DeliveryError as exc:
            log.error("could not show the confirmation %r: %s", note.title, exc.message)
            return None

    def _fresh(self, note: Note, keys: tuple[Key, ...]) -> Note:
        """``note`` made again for the server running now (it may draw buttons where the
        last one did not, or the other way round), when it shows one reminder still
        current; else ``note`` as it was."""
        note = dataclasses.replace(note, replaces_id=0)
        if len(keys) != 1 or not note.actions:
            return note
        interview_id, kind, at = keys[0]
        try:
            view = self.tracker.get(interview_id, with_explanation=False)
            drawn = self.notifier.draws_buttons()
        except FollowupError:
            return note
        if not view.status.is_open or not view.shows(kind, at):
            return note
        due = DueReminder(Due(interview_id, view.company, kind, at), view)
        rules, app_name = self.config.rules, self.config.notify.app_name
        return messages.reminder_note(due, rules, app_name, buttons=True, drawn=drawn)

    # -- across runs -----------------------------------------------------------------------

    def save(self) -> None:
        """Write what is on screen to ``notifications.json`` when it changed (0600)."""
        if self.folder is None:
            return
        entries = [
            {
                "id": nid,
                "keys": [[k[0], k[1].value, k[2].isoformat()] for k in keys],
                "title": note.title,
                "body": note.body,
                "app_name": note.app_name,
                "actions": [list(pair) for pair in note.actions],
                "offered": sorted(self.offered.get(nid, ())),
            }
            for nid, keys in sorted(self.displayed.items())
            if (note := self.notes.get(nid)) is not None
        ]
        if not entries and self._saved is None:
            return
        try:
            server = self.notifier.server_identity() if entries else None
        except DeliveryError:
            return  # saved once the bus answers again
        text = json.dumps({"server": server, "notifications": entries})
        if text == self._saved:
            return
        path = self.folder / SAVED
        tmp = path.with_suffix(".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            tmp.replace(path)
        except OSError as exc:
            log.error("cannot write %s: %s", path, exc.strerror or exc)
            return
        self._saved = text

    def restore(self) -> None:
        """At start: adopt what an earlier run left on screen when the same server instance
        still runs, else show it again. A file that cannot be read is left out (logged)."""
        if self.folder is None or not (self.folder / SAVED).exists():
            return
        try:
            data: Any = json.loads((self.folder / SAVED).read_text(encoding="utf-8"))
            saved = [_entry(e) for e in data["notifications"]]
            server = data["server"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("ignored %s: %s", self.folder / SAVED, exc)
            return
        try:
            same = server is not None and server == self.notifier.server_identity()
        except DeliveryError:
            same = False
        for nid, note, keys, offered in saved:
            if same:
                self.notifier.adopt(nid)
                self.track(nid, note, keys)
                self.offered[nid] = offered
            else:
                self.lost.append((note, keys))
        how = "adopted" if same else "to be shown again (another server runs now)"
        if saved:
            log.info("%d notification(s) of the previous run %s", len(saved), how)
        if self.lost:
            self.show_lost()
        elif same:
            self.tidy(None)


SAVED = "notifications.json"


def _entry(e: Any) -> tuple[int, Note, tuple[Key, ...], frozenset[str]]:
    """One saved notification, as :meth:`Screen.save` wrote it; raises ValueError,
    KeyError or TypeError on anything else."""
    keys = tuple((int(i), Kind(kind), datetime.fromisoformat(at)) for i, kind, at in e["keys"])
    actions = tuple((str(k), str(label)) for k, label in e["actions"])
    note = Note(str(e["title"]), str(e["body"]), str(e["app_name"]), actions)
    return int(e["id"]), note, keys, frozenset(str(k) for k in e["offered"])
