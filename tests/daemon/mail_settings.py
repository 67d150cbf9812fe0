"""The daemon's config for the mail tests: the shared daemon config with D-Bus
notifications, and a ``[mail]`` section for the test Dovecot's user on ``port`` (the
server's own, or a proxy's in front of it), checked once a day so that only IDLE and the
first look find anything."""

from __future__ import annotations

from tests.support.daemon import CONFIG


def config(port: int) -> str:
    return CONFIG.replace('backend = "plyer"', 'backend = "dbus"') + "\n".join(
        [
            "",
            "[mail]",
            'imap_host = "127.0.0.1"',
            f"imap_port = {port}",
            'security = "none"',
            'username = "jo"',
            'password_command = ["printf", "%s\\n", "correct horse battery staple"]',
            "check_every_minutes = 1440",
            "",
        ]
    )
