"""The buttons of a reminder (the D-Bus backend): what the user clicked, done through the
same tracker calls as the CLI.

The backend's receiving thread only queues ``ActionInvoked`` and ``NotificationClosed`` and
wakes the loop; the loop acts, re-plans, and replaces the notification with a confirmation.
Which reminder a notification was for lives in memory only (notification id -> reminder):
after a restart an old button is unknown and ignored; an action whose reminder is no longer
the interview's current one records nothing and says so; a notification's first recording
action is its only one.

"Draft email": the draft goes to the mail client as a ``mailto:`` link; where nothing takes
it, it is saved in the data folder and opened as a file, and where nothing opens that
either, the notification names the command and the file. A link is never shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from queue import Empty, SimpleQueue
from typing import TYPE_CHECKING

from followup.daemon.context import Context, Key, Part
from followup.daemon.screen import Screen
from followup.errors import FollowupError
from followup.notify import messages
from followup.notify.base import BusSignal, Note
from followup.rules import Kind, Status
from followup.values import InterviewView

if TYPE_CHECKING:
    from followup.daemon.mail import MailWatch

log = logging.getLogger("followup.daemon")


class Buttons(Part):
    """The bus signals waiting for the loop, and what is done about each. ``replan()``
    re-plans the interviews that changed (after a button recorded something)."""

    def __init__(self, context: Context, screen: Screen, replan: Callable[[], None]) -> None:
        super().__init__(context)
        self.screen = screen
        self._replan = replan
        self.signals: SimpleQueue[BusSignal] = SimpleQueue()

    def on_bus_signal(self, signal_: BusSignal) -> None:
        """Runs in the D-Bus receiving thread: hand the signal over and wake the loop."""
        self.signals.put(signal_)
        self.context.wake()

    def handle_signals(self, now: datetime, mail: MailWatch | None) -> None:
        """Act on every signal queued, at ``now``; a signal for one of ``mail``'s questions
        is its own."""
        screen = self.screen
        while True:
            try:
                sig = self.signals.get_nowait()
            except Empty:
                return
            if mail is not None and mail.on_signal(sig, now):
                continue
            if sig.action is None:
                if sig.notification_id in screen.reshown:
                    screen.reshown.discard(sig.notification_id)
                else:
                    screen.shown.pop(sig.notification_id, None)
                    screen.displayed.pop(sig.notification_id, None)
                continue
            if sig.notification_id in screen.acted:
                log.info(
                    "ignored action %r on notification %d: already handled",
                    sig.action,
                    sig.notification_id,
                )
                continue
            key = screen.shown.get(sig.notification_id)
            if key is None:
                log.info(
                    "ignored action %r on notification %d: not one of this daemon's reminders",
                    sig.action,
                    sig.notification_id,
                )
                continue
            self._act(sig.notification_id, sig.action, key, now)

    def _act(self, notification_id: int, action: str, key: Key, now: datetime) -> None:
        """Do what the button says through the CLI's own core calls, then confirm."""
        interview_id, kind, _due = key
        app_name = self.config.notify.app_name
        if action not in {a for a, _label in messages.ACTIONS_FOR[kind]}:
            log.info("ignored unknown action %r on notification %d", action, notification_id)
            return
        confirm = self.screen.confirm
        if action != messages.DRAFT:
            self.screen.acted.add(notification_id)
        self.screen.displayed.pop(notification_id, None)  # an answer replaces it
        try:
            view = self.tracker.get(interview_id, with_explanation=False)
        except FollowupError as exc:
            log.info("action %r for interview %d not done: %s", action, interview_id, exc.message)
            confirm(
                messages.not_recorded(
                    f"interview {interview_id}", exc.message, app_name, notification_id
                )
            )
            return
        current = view.next_reminder
        if not view.status.is_open or current is None or not view.shows(kind, key[2]):
            why = (
                f"{view.company} changed since this reminder ({_state(view)}); "
                f"see: followup show {interview_id}"
            )
            log.info(
                "action %r on a stale reminder for interview %d: %s", action, interview_id, why
            )
            confirm(messages.not_recorded(view.company, why, app_name, notification_id))
            return
        if action == messages.DRAFT:
            self._reshow(notification_id, confirm(self._draft(view, notification_id)), key)
            return
        try:
            view = self._record(action, view, now)
        except FollowupError as exc:
            log.info("action %r for interview %d not done: %s", action, interview_id, exc.message)
            confirm(messages.not_recorded(view.company, exc.message, app_name, notification_id))
            return
        log.info("action %r recorded for interview %d", action, interview_id)
        self._replan()
        confirm(messages.confirmation(action, view, app_name, notification_id))

    def _reshow(self, old_id: int, new_id: int | None, key: Key) -> None:
        """The notification was replaced by one with buttons for the same reminder. A server
        that closed the old one on the click (no ``resident``) sends its close after this:
        that close must not forget the new one when the server kept the id."""
        screen = self.screen
        screen.displayed.pop(old_id, None)
        if new_id is None:
            return
        screen.shown[new_id] = key
        screen.displayed[new_id] = (key,)
        if new_id == old_id:
            screen.reshown.add(new_id)

    def _draft(self, view: InterviewView, replaces_id: int) -> Note:
        """ "Draft email": the mail client gets the draft as a ``mailto:`` link; where none
        takes it, the draft is saved in the data folder and opened as a file; where nothing
        opens that either, the answer names ``followup draft ID`` and the file. Records
        nothing; the answer keeps the other buttons."""
        from followup.mail import drafting

        env = self.context.env
        app_name = self.config.notify.app_name
        try:
            draft = drafting.compose(
                view,
                self.config.you,
                other_offers=False,
                template=drafting.load_template(None, env),
            )
        except FollowupError as exc:
            log.info("no draft for interview %d: %s", view.id, exc.message)
            return messages.draft_failed(view, exc.message, app_name, replaces_id)
        reason = drafting.open_mail_client(draft, env)
        if reason is None:
            log.info("draft for interview %d handed to the mail client", view.id)
            return messages.confirmation(messages.DRAFT, view, app_name, replaces_id)
        log.info("no mail client took the draft for interview %d: %s", view.id, reason[:200])
        try:
            path = drafting.save(draft, view.id, env)
        except FollowupError as exc:
            log.error("draft for interview %d not saved: %s", view.id, exc.message)
            return messages.draft_failed(view, exc.message, app_name, replaces_id)
        opened = drafting.open_file(path, env)
        if opened is None:
            log.info("draft for interview %d saved to %s and opened", view.id, path)
        else:
            log.info("draft for interview %d saved to %s; not opened: %s", view.id, path, opened)
        return messages.draft_saved(view, str(path), app_name, replaces_id, opened=opened is None)

    def _record(self, action: str, view: InterviewView, now: datetime) -> InterviewView:
        interview_id = view.id
        if action == messages.EMAILED:
            today = now.astimezone(self.config.calendar.zone).date()
            return self.tracker.emailed(interview_id, today, now)
        if action == messages.SNOOZE:
            return self.tracker.snooze(interview_id, 1, now)
        if action == messages.MOVED_ON:
            return self.tracker.close(interview_id, Status.MOVED_ON, now)
        return self.tracker.heard(interview_id, "other", None, now)


def _state(view: InterviewView) -> str:
    """What became of the interview since a reminder of it was shown, in a few words."""
    if not view.status.is_open:
        return f"it is {view.status.value.replace('_', ' ')}"
    r = view.next_reminder
    if r is None:
        return "no reminder is planned"
    what = "email" if r.kind is Kind.EMAIL else "move-on"
    return f"its {what} reminder is now on {r.day:%a} {r.day.day} {r.day:%b}"
