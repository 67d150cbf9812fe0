"""The store: the database of interviews, their history and the reminders shown.

The names below are loaded on first use (PEP 562), so that importing
:mod:`followup.store.reading`, the quick read path of ``followup list``, does not import
SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from followup.store.database import HEAD_REVISION, Database
    from followup.store.models import (
        DeletedInterview,
        Event,
        Interview,
        MailFinding,
        ShownReminder,
    )

__all__ = [
    "HEAD_REVISION",
    "Database",
    "DeletedInterview",
    "Event",
    "Interview",
    "MailFinding",
    "ShownReminder",
]

_FROM = {"HEAD_REVISION": "database", "Database": "database"}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"followup.store.{_FROM.get(name, 'models')}"), name)
