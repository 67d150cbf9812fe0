"""The store: the database of interviews, their history and the reminders shown."""

from followup.store.database import HEAD_REVISION, Database
from followup.store.models import Event, Interview, MailFinding, ShownReminder

__all__ = ["HEAD_REVISION", "Database", "Event", "Interview", "MailFinding", "ShownReminder"]
