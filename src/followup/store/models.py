"""The tables: interviews, their append-only history, the ledger of shown reminders and the
machines that showed them, and the tombstones of deleted interviews.

The schema itself is made only by the Alembic migrations in ``migrations/``; these classes
describe it for queries and must match the newest migration (a test compares them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC everywhere."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Interview(Base):
    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    interviewed_on: Mapped[date | None] = mapped_column(Date)
    reply_expected_on: Mapped[date] = mapped_column(Date)
    emailed_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(3))
    subdivision: Mapped[str | None] = mapped_column(String(10))
    notes: Mapped[str | None] = mapped_column(Text)
    snoozed_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The planned reminder, cached so that listing needs no holiday look-ups; valid while
    # plan_key matches the settings it was computed with.
    plan_key: Mapped[str | None] = mapped_column(String(200))
    next_kind: Mapped[str | None] = mapped_column(String(10))
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: The words the promise was given in ("end of next week"); None for a date typed.
    reply_expected_words: Mapped[str | None] = mapped_column(String(200))


class Event(Base):
    """One change to an interview; rows are only ever added."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    details: Mapped[str | None] = mapped_column(Text)


class Machine(Base):
    """A machine that showed reminders (see :mod:`followup.machine`): its id, made once in
    its state folder, and the name ``followup status`` shows (its file's, as of the last
    reminder it showed)."""

    __tablename__ = "machines"
    __table_args__ = (PrimaryKeyConstraint("id", name="pk_machines"),)

    id: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(100))


class ShownReminder(Base):
    """The ledger: one row per reminder delivered by a channel on a machine, so that no
    channel delivers one twice on a machine. A row without a machine (``machine_id`` NULL,
    from before machines were told apart) counts as shown on every machine; ``channel`` is
    the registry's name of the channel (rows from before channels were told apart are the
    desktop's)."""

    __tablename__ = "shown_reminders"
    __table_args__ = (
        UniqueConstraint(
            "interview_id",
            "kind",
            "due_at",
            "machine_id",
            "channel",
            name="uq_shown_reminders_showing",
        ),
        CheckConstraint("state IN ('intent', 'shown')", name="ck_shown_reminders_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: ``intent``: written just before ``Notify`` (maybe shown, after a crash);
    #: ``shown``: the notification server accepted it.
    state: Mapped[str] = mapped_column(String(10), server_default="shown", default="shown")
    machine_id: Mapped[str | None] = mapped_column(
        ForeignKey("machines.id", name="fk_shown_reminders_machine_id_machines")
    )
    channel: Mapped[str] = mapped_column(
        String(20), server_default="desktop", default="desktop", nullable=False
    )


class DeletedInterview(Base):
    """A tombstone: an interview deleted, kept so that the calendar feed cancels its events
    (calendar applications never delete an event by themselves). Only what the events'
    UIDs are made of is kept, and the SEQUENCE that outranks every version sent before."""

    __tablename__ = "deleted_interviews"
    __table_args__ = (
        UniqueConstraint(
            "interview_id", "created_at", name="uq_deleted_interviews_interview_id_created_at"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    sequence: Mapped[int] = mapped_column(Integer)


def as_dict(row: Any) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


class MailFinding(Base):
    """A message that looks like a follow-up sent (``kind`` "sent") or a reply ("reply") for
    an interview: a suggestion kept until the user accepts or dismisses it.

    ``state`` is "pending", "accepted" (recorded with ``emailed``/``heard``), "dismissed"
    (``mail dismiss``, or a button saying no) or "resolved" (the interview's email or reply
    was recorded otherwise). A message is suggested once per interview and kind: the unique
    constraint on ``message_key`` keeps it so whatever its state.
    """

    __tablename__ = "mail_findings"
    __table_args__ = (
        UniqueConstraint(
            "interview_id", "kind", "message_key", name="uq_mail_findings_interview_kind_message"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        ForeignKey(
            "interviews.id", ondelete="CASCADE", name="fk_mail_findings_interview_id_interviews"
        ),
        index=True,
    )
    kind: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), index=True)
    message_key: Mapped[str] = mapped_column(String(998))
    folder: Mapped[str] = mapped_column(String(500))
    message_day: Mapped[date] = mapped_column(Date)
    sender: Mapped[str | None] = mapped_column(String(320))
    recipients: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
