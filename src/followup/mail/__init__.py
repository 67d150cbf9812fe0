"""Email: the follow-ups the user writes, and the mailbox they are sent from.

Reply awareness reads the user's own mailbox, read-only, for follow-ups sent and replies
received, and keeps what it finds as suggestions until the user answers them.

Nothing is imported here: the IMAP client and the email parser are loaded only by the
commands that read mail (``followup mail check`` and the daemon's mail watch).

- :mod:`followup.mail.headers`: a message's headers, decoded with the standard library.
- :mod:`followup.mail.matching`: pure matching of messages to open interviews.
- :mod:`followup.mail.imap`, :mod:`followup.mail.maildir`: the two read-only sources.
- :mod:`followup.mail.check`: one look, from settings to stored findings.

And the assistant for the emails the user writes:

- :mod:`followup.mail.drafting`: a follow-up drafted from a template, and its mailto link.
- :mod:`followup.mail.lint`: the phrase checker (pure: no store, no scheduler, no bus).
"""
