"""The mailbox watch's questions on the desktop: each pending finding asked once per run of
the daemon, as a notification with buttons, and the buttons answered through the same
tracker calls as the CLI:

- "Yes, I emailed" is ``followup emailed ID --on DAY`` (the message's day);
- "They replied" is ``followup heard ID --on DAY --outcome other``;
- "Not it" and "Not a reply" are ``followup mail dismiss FINDING_ID``.

The findings asked about are those stored by the watch's looks and, at start, the ones
still pending (found by ``followup mail check``, or by an earlier run), so that a reply
whose interview's reminders are held is always asked about. Like reminders, they wait for
the ``notify.at``..``notify.until`` window; more than three at once become one summary
(without buttons). A question answered elsewhere is taken off the screen.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from followup.errors import DeliveryError, FollowupError
from followup.lifecycle.service import Tracker
from followup.notify import messages
from followup.notify.base import BusSignal, Note, Notifier, close_notification
from followup.store.findings import Finding

log = logging.getLogger("followup.daemon.mail")

#: A question that could not be shown is tried again after this long.
SHOW_RETRY_S = 60.0


class Questions:
    """The pending findings known at the last look at the store (by id), the ones still to
    show (in order), the ones shown in this run, and notification id -> finding for those
    on screen with buttons. ``replan()`` makes the daemon re-plan after a button recorded
    something. Retry times are on the monotonic clock, in seconds."""

    def __init__(
        self, tracker: Tracker, notifier: Notifier, app_name: str, replan: Callable[[], None]
    ) -> None:
        self.tracker = tracker
        self.notifier = notifier
        self.app_name = app_name
        self._replan = replan
        self.pending: dict[int, Finding] = {}
        self.to_show: list[int] = []
        self.asked: set[int] = set()
        self.on_screen: dict[int, Finding] = {}
        self.answered: set[int] = set()
        self.retry_at = 0.0
        self.last_error: str | None = None
        #: the store changed since the pending findings were last read
        self.look_at_store = True

    def work(self, tick: float, in_window: bool) -> None:
        """Read the pending findings again if the store changed, and show those waiting
        when their retry time (``tick``, monotonic) has come and ``in_window``."""
        if self.look_at_store:
            self.look_at_store = False
            self._refresh_questions()
        if self.to_show and tick >= self.retry_at and in_window:
            self._show_questions()

    def on_signal(self, sig: BusSignal, now: datetime) -> bool:
        """A button or a close from the notification server, at ``now``: True when it was
        for one of these questions (and was handled here)."""
        if sig.server_changed:
            for nid, f in list(self.on_screen.items()):
                if not self.notifier.gave(nid):
                    del self.on_screen[nid]
                    self.answered.discard(nid)
                    if f.id in self.pending and f.id not in self.to_show:
                        self.to_show.append(f.id)  # asked again on the next pass
            return False
        finding = self.on_screen.get(sig.notification_id)
        if finding is None:
            return False
        if sig.action is None:
            del self.on_screen[sig.notification_id]
            return True
        if sig.notification_id in self.answered:
            log.info(
                "ignored action %r on notification %d: already handled",
                sig.action,
                sig.notification_id,
            )
            return True
        if sig.action not in {key for key, _label in messages.FINDING_ACTIONS[finding.kind]}:
            log.info(
                "ignored unknown action %r on notification %d", sig.action, sig.notification_id
            )
            return True
        self.answered.add(sig.notification_id)
        self._answer(sig.notification_id, sig.action, finding, now)
        return True

    def _refresh_questions(self) -> None:
        """Queue the pending findings not asked yet; take answered ones off the screen."""
        pending = {f.id: f for f in self.tracker.pending_findings()}
        self.pending = pending
        self.to_show = [i for i in self.to_show if i in pending]
        for f in pending.values():
            if f.id not in self.asked and f.id not in self.to_show:
                self.to_show.append(f.id)
        for nid, f in list(self.on_screen.items()):
            if f.id not in pending and nid not in self.answered:
                self._close(nid)

    def _show_questions(self) -> None:
        found = [self.pending[i] for i in self.to_show]
        try:
            buttons = "actions" in self.notifier.capabilities()
            drawn = self.notifier.draws_buttons()
            if len(found) > messages.SUMMARY_AFTER:
                notes: list[tuple[Note, list[Finding]]] = [
                    (messages.findings_summary(found, self.app_name), found)
                ]
            else:
                notes = [
                    (messages.finding_note(f, self.app_name, buttons=buttons, drawn=drawn), [f])
                    for f in found
                ]
            for note, group in notes:
                nid = self.notifier.show(note)
                for f in group:
                    self.to_show.remove(f.id)
                    self.asked.add(f.id)
                if nid is not None and note.actions:
                    self.on_screen[nid] = group[0]
                    self.answered.discard(nid)
                log.info(
                    "asked: %s (finding%s %s)",
                    note.title,
                    "s" if len(group) > 1 else "",
                    ", ".join(str(f.id) for f in group),
                )
        except DeliveryError as exc:
            self.retry_at = time.monotonic() + SHOW_RETRY_S
            if exc.message != self.last_error:
                log.error(
                    "could not ask about a mail finding: %s; trying again in %.0f s",
                    exc.message,
                    SHOW_RETRY_S,
                )
            self.last_error = exc.message
            return
        self.last_error = None

    def _answer(self, notification_id: int, action: str, f: Finding, now: datetime) -> None:
        """Record what the button says, through the CLI's own calls, and confirm it."""
        app_name = self.app_name
        try:
            pending = {p.id for p in self.tracker.pending_findings(f.interview_id)}
            if f.id not in pending:
                why = f"this was answered already; see: followup show {f.interview_id}"
                note = messages.not_recorded(f.company, why, app_name, notification_id)
            elif action == messages.MAIL_EMAILED:
                view = self.tracker.emailed(f.interview_id, f.on, now)
                note = messages.confirmation(messages.EMAILED, view, app_name, notification_id)
            elif action == messages.MAIL_REPLIED:
                view = self.tracker.heard(f.interview_id, "other", None, now, f.on)
                note = messages.confirmation(messages.REPLIED, view, app_name, notification_id)
            else:
                self.tracker.dismiss_finding(f.id, now)
                view = self.tracker.get(f.interview_id, with_explanation=False)
                note = messages.finding_dismissed(f, view, app_name, notification_id)
        except FollowupError as exc:
            log.info("action %r on finding %d not done: %s", action, f.id, exc.message)
            note = messages.not_recorded(f.company, exc.message, app_name, notification_id)
        else:
            if f.id in pending:
                log.info(
                    "action %r recorded for finding %d (interview %d)",
                    action,
                    f.id,
                    f.interview_id,
                )
                self._replan()
        self.look_at_store = True
        try:
            self.notifier.show(note)
        except DeliveryError as exc:
            log.error("could not show the confirmation %r: %s", note.title, exc.message)

    def _close(self, notification_id: int) -> None:
        self.on_screen.pop(notification_id, None)
        close_notification(self.notifier, notification_id, "its mail finding was answered")
