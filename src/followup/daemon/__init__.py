"""The reminder daemon: turns planned reminders into desktop notifications, each exactly once.

The store is the source of truth. The rooms of the daemon:

- :mod:`.loop`: how it waits (signals, one ``select``, the clock-jump check, the watchdog,
  waiting out a store that cannot be used), and what each wake hands to the parts below;
- :mod:`.jobs`: the reminders waited for, kept in step with the store, and the one
  APScheduler job armed at the soonest of them;
- :mod:`.delivery`: showing what came due inside the window, the ledger's intent and
  confirmation, retries with backoff, repeats;
- :mod:`.screen`: what is on screen, and closing what stopped being true;
- :mod:`.feed`: the calendar feed kept current;
- :mod:`.buttons`: the buttons of a reminder, and drafts from a button;
- :mod:`.mail` and :mod:`.questions`: the mailbox watch, and its questions on the desktop;
- :mod:`.state` (the lock and the state file ``followup status`` reads), :mod:`.systemd`
  (the notify protocol) and :mod:`.install` (the user service and the autostart entry).

Importing this package loads nothing else: APScheduler, the store and the bus are loaded by
:func:`run`.
"""

from __future__ import annotations


def run(config_path: str | None) -> int:
    """``followup daemon``: run in the foreground until SIGTERM or SIGINT; the exit status.
    Raises FollowupError for a config that cannot be read, a store that cannot be used for
    a reason other than being busy or down, or another daemon already running."""
    from followup.daemon.loop import run as run_daemon

    return run_daemon(config_path)
