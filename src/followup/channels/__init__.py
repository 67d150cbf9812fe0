"""The ways a reminder reaches the user: one module per channel, one registry of them.

Nothing is imported here: a command that delivers nothing (a listing) loads no channel.

- :mod:`followup.channels.base`: :class:`~.base.Channel`, what a channel module declares.
- :mod:`followup.channels.registry`: the table of channel names to the modules that declare
  them, read lazily; config validation, ``followup config``, the example config, the manual
  page and ``followup test-notification --channel`` are derived from it.
- :mod:`followup.channels.desktop`: the desktop's notification server (D-Bus or plyer).
- :mod:`followup.channels.caldav`: tasks with alarms on the user's CalDAV server.
- :mod:`followup.channels.apprise`: ntfy, Gotify, Telegram, e-mail... through Apprise.
"""
