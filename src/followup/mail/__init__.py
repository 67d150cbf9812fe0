"""Reply awareness: reading the user's own mailbox, read-only, for follow-ups sent and
replies received, and keeping what it finds as suggestions until the user answers them.

Nothing is imported here: the IMAP client and the email parser are loaded only by the
commands that read mail (``followup mail check`` and the daemon's mail watch).

- :mod:`followup.mail.headers`: a message's headers, decoded with the standard library.
- :mod:`followup.mail.matching`: pure matching of messages to open interviews.
- :mod:`followup.mail.imap`, :mod:`followup.mail.maildir`: the two read-only sources.
- :mod:`followup.mail.check`: one look, from settings to stored findings.
"""
