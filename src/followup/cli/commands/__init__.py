"""The commands, by room, each one's options built beside its handler: interviews
(add, edit, show, list, upcoming, delete, history), actions (emailed, heard, moved-on,
withdraw, reopen, snooze), data (export, import, stats), mail (draft, lint, mail check and
dismiss), service (daemon, status, test-notification, install-service,
uninstall-service), setup (init, config, countries, help, completion, and ``followup``
alone). Each room's ``COMMANDS`` maps a name to (options, handler); the order and help of
the command line are :data:`followup.cli.parser.COMMANDS`.

A handler parses nothing and prints nothing of its own: it calls one service and hands the
result to :mod:`followup.cli.render`."""
