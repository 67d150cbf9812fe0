"""Desktop notifications: what they say, and the two ways of showing them.

Nothing is imported here: jeepney and plyer are loaded only by the backend that shows a
notification, so that a command which never notifies never pays for them.

- :mod:`followup.notify.base`: what every backend shares: :class:`~.base.Note`, the
  :class:`~.base.Notifier` contract, the button and close signals, the session bus address.
- :mod:`followup.notify.plyer_backend`: plyer's notify-send path, with every failure detected.
- :mod:`followup.notify.dbus_backend`: ``org.freedesktop.Notifications`` spoken to directly
  (jeepney): ids, buttons, closing.
- :mod:`followup.notify.choose`: the backend ``notify.backend`` names.
- :mod:`followup.notify.messages`: what the notifications say.
"""
