"""Deleted interviews (tombstones), so that the calendar feed can cancel their events.

A calendar application imports a feed by adding and updating events by UID and never
deletes one; an interview that is deleted must therefore stay in the feed a while as
cancelled events (``STATUS:CANCELLED`` with a higher ``SEQUENCE``). Each row keeps what
the events' UIDs are made of (the interview's id and creation time) and the SEQUENCE to
send; no name or address of the deleted interview is kept.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deleted_interviews",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("interview_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("deleted_at", sa.DateTime, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deleted_interviews"),
        sa.UniqueConstraint(
            "interview_id", "created_at", name="uq_deleted_interviews_interview_id_created_at"
        ),
    )
    op.create_index("ix_deleted_interviews_deleted_at", "deleted_interviews", ["deleted_at"])


def downgrade() -> None:
    op.drop_index("ix_deleted_interviews_deleted_at", table_name="deleted_interviews")
    op.drop_table("deleted_interviews")
