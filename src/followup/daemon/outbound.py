"""The instant channels besides the desktop (``apprise`` in ``notify.channels``): each due
reminder sent once to each of them, at its instant, inside the ``notify.at``..``notify.until``
window, recorded in the ledger under the channel's name.

Each channel sends in a thread of its own, so a slow or unreachable service never holds back
the loop, the desktop or another channel; each retries on its own with backoff
(:func:`followup.daemon.delivery.retry_delay`). The ledger gets the intent before the send and
the confirmation once the service took it, as for the desktop: after a crash in between, the
reminder is sent once more, marked "(possibly shown already)". A reminder no longer pending
when its turn comes (the user acted: a button, the CLI, the phone) is dropped; these
channels are outbound only, so there is nothing of theirs to close.

At each pass the loop hands the channels the reminders that came due (the keys
:class:`~followup.daemon.jobs.Jobs` holds) and lets them work (:meth:`OutboundChannels.work`):
the new ones held, the finished sends recorded, the next batch started.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from followup.daemon.context import Context, Key, Part, confirm_by_instant
from followup.daemon.delivery import MAYBE_REPEATED, RETRY_MAX_S, retry_delay
from followup.daemon.jobs import Held
from followup.daemon.state import ChannelState
from followup.errors import DeliveryError, StoreError
from followup.notify.messages import DueReminder, notes_for
from followup.rules import in_window, next_window

if TYPE_CHECKING:
    from followup.notify.base import Note, Notifier
    from followup.store.ledger import MachineLedger
    from followup.values import Due

log = logging.getLogger("followup.daemon")


class _Sent(NamedTuple):
    """What one send came to: its reminders, the failure (None: the service took it),
    whether it may have gone out all the same, and when it finished (aware UTC)."""

    keys: tuple[Key, ...]
    error: str | None
    maybe: bool
    at: datetime


def stands(key: Key, due: Due) -> bool:
    """Whether the reminder ``key`` that came due is still the one ``due`` (its interview's
    pending reminder now): the same kind, and either the same instant or one the desktop
    showed and repeats since (``due.since`` .. ``due.at``). Not so once the user acted (the
    interview closed, emailed, snoozed, heard back) or the plan moved."""
    if due.kind is not key[1]:
        return False
    at = due.at.astimezone(UTC)
    if at == key[2]:
        return True
    return due.since is not None and due.since.astimezone(UTC) <= key[2] <= at


class OutboundChannel(Part):
    """One instant channel (``name``) besides the desktop, its notifier (``sender``) and its
    thread.

    ``held``: reminders due and waiting to be sent (window closed, or a failure's backoff),
    with ``maybe`` those whose intent a crash left in the ledger; ``done``: sent and in the
    ledger (or about to be confirmed, ``unconfirmed``); ``in_flight``: handed to the thread.
    """

    def __init__(self, context: Context, name: str, notifier: Notifier) -> None:
        super().__init__(context)
        self.name = name
        self.sender = notifier
        self.held: dict[Key, Held] = {}
        self.maybe: set[Key] = set()
        self.done: set[Key] = set()
        self.unconfirmed: dict[Key, datetime] = {}
        self.in_flight: set[Key] = set()
        #: whether it looked for what the desktop showed and it did not send (see
        #: :meth:`catch_up`), done at its first pass on a store
        self.caught_up = False
        #: failed sends so far of each reminder held or in flight (for its backoff)
        self._attempts: dict[Key, int] = {}
        self._work: queue.SimpleQueue[list[tuple[Note, tuple[Key, ...]]] | None] = (
            queue.SimpleQueue()
        )
        self._results: queue.SimpleQueue[_Sent] = queue.SimpleQueue()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None
        #: what ``followup status`` shows of this channel (in the state file's ``channels``)
        self.status = ChannelState(
            state="ok", synced_at=None, error=None, error_at=None, outbound=True
        )
        self.state["channels"][name] = self.status

    @property
    def ledger(self) -> MachineLedger:
        """This channel's ledger on this machine, in the store in force."""
        return self.tracker.ledger.for_channel(self.name)

    def take(self, keys: Iterable[Key], now: datetime) -> None:
        """Hold for sending each of ``keys`` (reminders that came due by ``now``) this
        channel has not sent: its ledger is read for those it does not know yet. Raises
        StoreError."""
        new = [
            k
            for k in keys
            if k not in self.held
            and k not in self.done
            and k not in self.in_flight
            and k not in self.unconfirmed
        ]
        if not new:
            return
        ledger = self.ledger
        for key in new:
            state = ledger.state_of(*key)
            if state == "shown":
                self.done.add(key)
                continue
            if state == "intent":
                self.maybe.add(key)
            self.held[key] = Held(key, now)

    def catch_up(self, now: datetime) -> None:
        """Hold the reminders due and not acted on that the desktop showed last and this
        channel never sent: a daemon stopped while this channel was failing, or a channel
        just added to ``notify.channels``, still sends each once. (A reminder the desktop
        has not shown yet comes due through :meth:`take`.) Raises StoreError."""
        desktop = self.tracker.ledger.confirmed()
        keys: list[Key] = []
        for due, _view in self.tracker.pending_for(include_done=True):
            if due.since is None:
                continue
            since, at = due.since.astimezone(UTC), due.at.astimezone(UTC)
            shown = desktop.get((due.interview_id, due.kind.value), {})
            instants = [i for i in shown if since <= i <= at]
            if instants:
                keys.append((due.interview_id, due.kind, max(instants)))
        self.take(keys, now)
        self.caught_up = True

    def work(self, now: datetime) -> None:
        """Record the sends that finished, confirm them in the ledger, and start the next
        batch when one is ready and the thread is idle. Raises StoreError."""
        while True:
            try:
                sent = self._results.get_nowait()
            except queue.Empty:
                break
            self._finished(sent, now)
        if self.unconfirmed:
            self._confirm()
        if self._idle.is_set():
            self._send_ready(now)

    def timeout(self, now: datetime) -> float | None:
        """Seconds until a held reminder's turn (None: nothing held, or a send under way)."""
        if not self.held or not self._idle.is_set():
            return None
        soonest = min(h.next_attempt for h in self.held.values())
        return max(0.0, (soonest - now).total_seconds())

    def take_over(self, old: OutboundChannel, *, same_store: bool) -> None:
        """What ``old`` (stopped) held, sent and was sending, for this channel of the same
        name after a reload; what it sent is kept only on the same store."""
        self.held, self.maybe, self._attempts = old.held, old.maybe, old._attempts
        self.status = self.state["channels"][self.name] = old.status
        if old._thread is None or not old._thread.is_alive():
            self.in_flight = old.in_flight  # their outcomes are all in old._results
        while True:
            try:
                self._results.put(old._results.get_nowait())
            except queue.Empty:
                break
        if same_store:
            self.done, self.unconfirmed = old.done, old.unconfirmed
            self.caught_up = old.caught_up

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no send is under way (at most ``timeout`` seconds); whether none is."""
        return self._idle.wait(timeout)

    def stop(self) -> None:
        """End the thread once the send under way (if any) is over (at most 5 s waited)."""
        if self._thread is not None:
            self._work.put(None)
            self._thread.join(timeout=5)

    def _send_ready(self, now: datetime) -> None:
        ready = [h for h in self.held.values() if h.next_attempt <= now]
        if not ready:
            return
        notify, zone = self.config.notify, self.config.calendar.zone
        if not in_window(now, notify.at, notify.until, zone):
            opens = next_window(now, notify.at, zone)
            for h in ready:
                h.next_attempt = opens
            return
        current = {
            d.interview_id: DueReminder(d, v)
            for d, v in self.tracker.pending_for(
                sorted({h.key[0] for h in ready}), include_done=True
            )
        }
        items = []
        keys_of: dict[int, Key] = {}
        for h in ready:
            del self.held[h.key]
            found = current.get(h.key[0])
            if found is not None and stands(h.key, found.due):
                items.append(found)
                keys_of[h.key[0]] = h.key
            else:
                self.maybe.discard(h.key)
                self._attempts.pop(h.key, None)
                log.info(
                    "%s: reminder %s for interview %d no longer pending; not sent",
                    self.name,
                    h.key[1].value,
                    h.key[0],
                )
        if not items:
            return
        items.sort(key=lambda r: (r.due.at, r.due.interview_id))
        batch = []
        for note, group in notes_for(
            items, self.config.rules, notify.app_name, buttons=False, drawn=False
        ):
            keys = tuple(keys_of[r.due.interview_id] for r in group)
            if any(k in self.maybe for k in keys):
                note = replace(note, title=note.title + MAYBE_REPEATED)
            batch.append((note, keys))
        self.ledger.record_intent([k for _note, keys in batch for k in keys], now)
        for _note, keys in batch:
            self.in_flight.update(keys)
        self._idle.clear()
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"channel-{self.name}", daemon=True
            )
            self._thread.start()
        self._work.put(batch)

    def _finished(self, sent: _Sent, now: datetime) -> None:
        channel = self.status
        self.in_flight.difference_update(sent.keys)
        if sent.error is None:
            for key in sent.keys:
                self.unconfirmed[key] = sent.at
                self.maybe.discard(key)
                self._attempts.pop(key, None)
            log.info(
                "%s: sent (interview%s %s)",
                self.name,
                "s" if len(sent.keys) > 1 else "",
                ", ".join(str(k[0]) for k in sent.keys),
            )
            if channel["error"] is not None:
                log.info("%s: sending works again", self.name)
            channel["state"], channel["synced_at"] = "ok", sent.at.isoformat(timespec="seconds")
            channel["error"] = channel["error_at"] = None
            self.context.publish()
            return
        if not sent.maybe:
            try:
                self.ledger.forget_intent(sent.keys)
            except StoreError:
                self.maybe.update(sent.keys)  # left as an intent: "maybe"
        else:
            self.maybe.update(sent.keys)
        delay = RETRY_MAX_S
        for key in sent.keys:
            attempts = self._attempts.get(key, 0) + 1
            self._attempts[key] = attempts
            delay = retry_delay(attempts)
            self.held[key] = Held(key, now + timedelta(seconds=delay), attempts)
        if sent.error != channel["error"]:
            log.error(
                "%s: could not send a reminder: %s; keeping it, retrying in %.0f s "
                "(and at most every %.0f s)",
                self.name,
                sent.error,
                delay,
                RETRY_MAX_S,
            )
            channel["error_at"] = sent.at.isoformat(timespec="seconds")
        channel["state"], channel["error"] = "failing", sent.error
        self.context.publish()

    def _confirm(self) -> None:
        """Confirm the sends in the ledger; on a StoreError they stay here (never sent
        again by this daemon) and are confirmed at the next pass."""

        def confirm(keys: list[Key], at: datetime) -> None:
            self.ledger.confirm_shown(keys, at)
            self.done.update(keys)

        confirm_by_instant(self.unconfirmed, confirm)

    def _run(self) -> None:
        """The channel's thread: send each batch handed over, note by note."""
        while True:
            batch = self._work.get()
            if batch is None:
                return
            for note, keys in batch:
                try:
                    self.sender.show(note)
                except DeliveryError as exc:
                    sent = _Sent(keys, exc.message, exc.maybe_shown, datetime.now(UTC))
                except Exception as exc:
                    log.exception("%s: the send failed unexpectedly", self.name)
                    sent = _Sent(keys, f"unexpected failure: {exc}", True, datetime.now(UTC))
                else:
                    sent = _Sent(keys, None, False, datetime.now(UTC))
                self._results.put(sent)
            self._idle.set()
            self.context.wake()


class OutboundChannels:
    """An :class:`OutboundChannel` for each instant channel besides the desktop that
    ``notify.channels`` names, handled as one by the loop. ``notifiers`` replaces the
    notifier a channel would open, by name (the in-process tests' recording ones)."""

    def __init__(
        self,
        context: Context,
        notifiers: Mapping[str, Notifier] | None = None,
        before: OutboundChannels | None = None,
        *,
        same_store: bool = True,
    ) -> None:
        from followup.channels import registry

        self.notifiers = dict(notifiers or {})
        #: the URL of the store whose ledger these channels read and write
        self.store_url = context.tracker.db.url
        self.parts: list[OutboundChannel] = []
        for name in context.config.notify.channels:
            channel = registry.load(name)
            if name == registry.DEFAULT or channel.open is None:
                continue
            notifier = self.notifiers.get(name) or channel.open(
                registry.settings(context.config, name), context.env, None
            )
            registry.import_thread_modules(name)
            part = OutboundChannel(context, name, notifier)
            old = before.part(name) if before is not None else None
            if old is not None:
                part.take_over(old, same_store=same_store)
            self.parts.append(part)

    def part(self, name: str) -> OutboundChannel | None:
        """The channel called ``name``, when the config names it."""
        return next((p for p in self.parts if p.name == name), None)

    def reloaded(self, context: Context) -> OutboundChannels:
        """The channels of a reloaded config (or of a store opened again) in place of these
        (stopped): a channel added, removed or given other URLs takes effect without a
        restart. A channel kept keeps the reminders it holds (those no longer pending are
        dropped at their turn), its state and, on a store at the same URL, what it sent.
        Sends under way are waited for (at most 5 s each) and their outcomes taken over."""
        self.stop()
        same_store = context.tracker.db.url == self.store_url
        return OutboundChannels(context, self.notifiers, self, same_store=same_store)

    def work(self, now: datetime, due: Iterable[Key]) -> None:
        """Each channel holds the reminders ``due`` by ``now`` it has not sent (the ones
        :class:`~followup.daemon.jobs.Jobs` holds for the desktop), and works (see
        :meth:`OutboundChannel.work`). Raises StoreError."""
        keys = list(due)
        for part in self.parts:
            if not part.caught_up:
                part.catch_up(now)
            if keys:
                part.take(keys, now)
            part.work(now)

    def timeout(self, now: datetime) -> float | None:
        """Seconds until some channel's next held reminder's turn, or None."""
        waits = [w for part in self.parts if (w := part.timeout(now)) is not None]
        return min(waits) if waits else None

    def stop(self) -> None:
        for part in self.parts:
            part.stop()
