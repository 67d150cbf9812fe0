"""The daemon: daemon, status, test-notification, install-service, uninstall-service."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from followup.errors import ConfigError

if TYPE_CHECKING:
    from followup.cli.app import App
    from followup.cli.parser import Room


def cmd_daemon(app: App) -> int:
    """Run the daemon in this process until it is stopped; its exit status."""
    from followup import daemon

    return daemon.run(app.args.config)


def cmd_status(app: App) -> None:
    """Whether the daemon runs, the next and the last reminder, the machines that showed
    them, and the daemon's last unexpected failure with where its log is (the failure that
    ended a daemon is read from the state file it left). With a config the daemon refused
    to reload, what the daemon says is printed before the error (without ``--json``: with
    it, the error object alone)."""
    from followup.cli.render.status import daemon_lines, failure_of, status_json, status_text
    from followup.daemon import state as runstate

    state = runstate.running_daemon(app.env.environ)
    try:
        due, last, shown_on = app.listing.status()
    except ConfigError:
        # A config the daemon refused to reload: still say that it runs, on the old one;
        # with --json the failure is the one error object, and standard output is empty.
        if state is not None and not app.as_json:
            from zoneinfo import ZoneInfo

            from followup.config.loading import system_zone

            zone = ZoneInfo(system_zone(app.env.environ))
            app.say("\n".join(daemon_lines(state, service=False, zone=zone)))
        raise
    here = app.machine.id if app.machine else None

    left = state or runstate.last_state(app.env.environ)
    failure = failure_of(left, runstate.log_of(app.env.environ, left))

    def text() -> str:
        from followup.daemon.install import user_manager_available
        from followup.paths import autostart_path

        entry = autostart_path(app.env.environ)
        service = state is None and user_manager_available()
        return status_text(
            state,
            due,
            last,
            app.config,
            app.now,
            service=service,
            autostart=entry if state is None and entry.exists() else None,
            shown_on=shown_on,
            here=here,
            failure=failure,
        )

    zone = app.config.calendar.zone
    app.emit(text, lambda: status_json(state, due, last, shown_on, here, failure, app.now, zone))


def add_test_notification(p: argparse.ArgumentParser) -> None:
    from followup.channels import registry

    p.add_argument(
        "--channel",
        choices=registry.names(),
        default=registry.DEFAULT,
        help=f"the channel to deliver through (default: {registry.DEFAULT})",
    )


def cmd_test_notification(app: App) -> None:
    """Deliver a notification now, through the channel the daemon would use; with ``--json``,
    ``{"sent": true, "notification_id": the server's id or null}`` (null for a task list)."""
    from followup.channels import registry
    from followup.cli.render.status import TEST_NOTE, notification_sent, task_list_reached
    from followup.notify.base import Note

    name = app.args.channel
    channel = registry.load(name)
    settings = registry.settings(app.config, name)
    missing = channel.missing(settings)
    if missing is not None:
        raise ConfigError(f"{app.config.path}: {missing}")
    if channel.task_list is not None:
        task_list = channel.task_list(settings)
        try:
            reached = task_list_reached(name, task_list.reach())
        finally:
            task_list.close()
        app.emit(reached, lambda: {"sent": True, "notification_id": None})
        return
    assert channel.open is not None, name
    notifier = channel.open(settings, app.env.environ, None)
    shown = notifier.show(Note(*TEST_NOTE, app.config.notify.app_name))
    app.emit(notification_sent(name), lambda: {"sent": True, "notification_id": shown})


def add_install_service(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--autostart",
        action="store_true",
        help="without systemd: start the daemon at login (an XDG autostart entry)",
    )


def cmd_install_service(app: App) -> None:
    """Install and start the daemon as a user service (or an autostart entry)."""
    from followup.daemon import install as user_service

    app.say(user_service.install(app.env.environ, autostart=app.args.autostart).message)


def cmd_uninstall_service(app: App) -> None:
    """Stop and remove the user service and the autostart entry."""
    from followup.daemon import install as user_service

    app.say(user_service.uninstall(app.env.environ).message)


COMMANDS: Room = {
    "daemon": (None, cmd_daemon),
    "status": (None, cmd_status),
    "test-notification": (add_test_notification, cmd_test_notification),
    "install-service": (add_install_service, cmd_install_service),
    "uninstall-service": (None, cmd_uninstall_service),
}
