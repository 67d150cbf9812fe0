"""The buttons of a reminder (the D-Bus backend): what the user clicked, done through the
same tracker calls as the CLI.

The backend's receiving thread only queues ``ActionInvoked`` and ``NotificationClosed`` and
wakes the loop; the loop acts, re-plans, and replaces the notification with a confirmation.
Which reminder a notification was for is the screen's (:mod:`.screen`: notification id ->
reminder, and the action keys it offers now). One click does its deed once, whatever the
server sends: an action the notification does not offer any more is ignored (GNOME Shell's
second copy of a click, a click on an entry its message list kept after the daemon replaced
it); an action whose reminder is no longer the interview's current one records nothing and
says so.

"Draft email" (``draft``, and ``default``: a click on the body): the draft goes to the mail
client as a ``mailto:`` link; where nothing takes it, it is saved in the data folder and
opened as a file, and where nothing opens that either, the notification names the command
and the file. A link is never shown. The opening runs in a thread of its own, never in the
loop: an opener that waits for the mail client to end (xdg-open with no desktop named)
holds up no other button.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, MutableMapping
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
    from followup.mail.drafting import Draft

log = logging.getLogger("followup.daemon")


class Buttons(Part):
    """The bus signals waiting for the loop, and what is done about each. ``replan()``
    re-plans the interviews that changed (after a button recorded something)."""

    def __init__(self, context: Context, screen: Screen, replan: Callable[[], None]) -> None:
        super().__init__(context)
        self.screen = screen
        self._replan = replan
        self.signals: SimpleQueue[BusSignal] = SimpleQueue()
        #: drafts opened in their thread: (notification id, reminder, the answer to show)
        self.drafted: SimpleQueue[tuple[int, Key, Note]] = SimpleQueue()
        #: notifications whose draft is being opened: the server's close of one (on the
        #: click) does not forget it, since the draft's answer replaces it
        self.drafting: set[int] = set()

    def on_bus_signal(self, signal_: BusSignal) -> None:
        """Runs in the D-Bus receiving thread: hand the signal over and wake the loop."""
        self.signals.put(signal_)
        self.context.wake()

    def handle_signals(self, now: datetime, mail: MailWatch | None) -> None:
        """Act on every signal queued, at ``now``, and show the answers of the drafts
        opened meanwhile; a signal for one of ``mail``'s questions is its own."""
        screen = self.screen
        while True:
            try:
                nid, drafted, note = self.drafted.get_nowait()
            except Empty:
                break
            self.drafting.discard(nid)
            if not screen.offered.get(nid) or screen.shown.get(nid) != drafted:
                log.info("draft answer %r not shown: notification %d moved on", note.title, nid)
                continue
            self._reshow(nid, screen.confirm(note), drafted, note, expect_close=False)
        while True:
            try:
                sig = self.signals.get_nowait()
            except Empty:
                return
            if sig.server_changed:
                if mail is not None:
                    mail.on_signal(sig, now)
                screen.server_changed(sig.server_up)
                continue
            if mail is not None and mail.on_signal(sig, now):
                continue
            if sig.action is None:
                if sig.notification_id in self.drafting:
                    continue
                if sig.notification_id in screen.reshown:
                    screen.reshown.discard(sig.notification_id)
                else:
                    screen.forget(sig.notification_id)
                continue
            key = screen.shown.get(sig.notification_id)
            if key is None or not self.notifier.gave(sig.notification_id):
                log.info(
                    "ignored action %r on notification %d: not one of this daemon's reminders",
                    sig.action,
                    sig.notification_id,
                )
                continue
            if sig.action not in screen.offered.get(sig.notification_id, ()):
                log.info(
                    "ignored action %r on notification %d: already handled",
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
        offered = self.screen.offered
        offered[notification_id] = offered.get(notification_id, frozenset()) - (
            messages.DRAFTS if action in messages.DRAFTS else {action}
        )
        if action not in messages.DRAFTS or kind is not Kind.EMAIL:
            offered[notification_id] = frozenset()  # a deed: nothing more from this one
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
        if action == messages.DEFAULT and kind is Kind.MOVE_ON:
            self._keep(notification_id, key)
            return
        if action in messages.DRAFTS:
            self._draft(view, notification_id, key)
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

    def _keep(self, notification_id: int, key: Key) -> None:
        """A click on a move-on reminder's body: it stays on screen, as it was (a click
        there must not record a decision)."""
        note = self.screen.notes.get(notification_id)
        if note is None:
            return
        note = dataclasses.replace(note, replaces_id=notification_id)
        log.info("move-on reminder for interview %d kept on screen", key[0])
        self._reshow(notification_id, self.screen.confirm(note), key, note)

    def _reshow(
        self, old_id: int, new_id: int | None, key: Key, note: Note, *, expect_close: bool = True
    ) -> None:
        """The notification was replaced by ``note``, with buttons for the same reminder. A
        server that closed the old one on the click (no ``resident``) sends its close after
        this (``expect_close``): that close must not forget the new one when the server
        kept the id."""
        screen = self.screen
        screen.forget(old_id)
        if new_id is None:
            return
        screen.track(new_id, note, (key,))
        if new_id == old_id and expect_close:
            screen.reshown.add(new_id)

    def _draft(self, view: InterviewView, replaces_id: int, key: Key) -> None:
        """ "Draft email": compose the draft here, open it in a thread of its own (see the
        module's docstring); its answer is queued in :attr:`drafted` for the loop. Records
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
            failed = messages.draft_failed(view, exc.message, app_name, replaces_id)
            self._reshow(replaces_id, self.screen.confirm(failed), key, failed)
            return
        try:
            drawn = self.notifier.draws_buttons()
        except FollowupError:
            drawn = False

        def open_it() -> None:
            try:
                note = _open_draft(draft, view, env, app_name, replaces_id, drawn)
            except Exception as exc:  # the answer must come, whatever went wrong
                log.exception("opening the draft for interview %d failed", view.id)
                why = f"{type(exc).__name__}: {exc}"
                note = messages.draft_failed(view, why, app_name, replaces_id)
            self.drafted.put((replaces_id, key, note))
            self.context.wake()

        self.drafting.add(replaces_id)
        threading.Thread(target=open_it, name=f"draft-{view.id}", daemon=True).start()

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


def _open_draft(
    draft: Draft,
    view: InterviewView,
    env: MutableMapping[str, str],
    app_name: str,
    replaces_id: int,
    drawn: bool,
) -> Note:
    """Runs in a draft's own thread: hand ``draft`` to the mail client (one program per
    click); where none takes it, save it and open it as a file; return the answer to show.
    Touches neither the store nor the screen."""
    from followup.mail import drafting

    reason = drafting.open_mail_client(draft, env)
    if reason is None:
        log.info("draft for interview %d handed to the mail client", view.id)
        return messages.confirmation(messages.DRAFT, view, app_name, replaces_id, drawn=drawn)
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
    return messages.draft_saved(
        view, str(path), app_name, replaces_id, opened=opened is None, drawn=drawn
    )
