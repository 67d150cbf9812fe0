"""The store: the database of interviews, their history and the reminders shown."""

from followup.store.database import HEAD_REVISION, Database
from followup.store.models import DeletedInterview, Event, Interview, MailFinding, ShownReminder

__all__ = [
    "HEAD_REVISION",
    "Database",
    "DeletedInterview",
    "Event",
    "Interview",
    "MailFinding",
    "ShownReminder",
]
