"""Interviews and their append-only history.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("role", sa.String(200)),
        sa.Column("contact_name", sa.String(200)),
        sa.Column("contact_email", sa.String(320)),
        sa.Column("interviewed_on", sa.Date),
        sa.Column("reply_expected_on", sa.Date, nullable=False),
        sa.Column("emailed_on", sa.Date),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20)),
        sa.Column("country", sa.String(3)),
        sa.Column("subdivision", sa.String(10)),
        sa.Column("notes", sa.Text),
        sa.Column("snoozed_to", sa.Date),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_interviews_status", "interviews", ["status"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "interview_id",
            sa.Integer,
            sa.ForeignKey("interviews.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("details", sa.Text),
    )
    op.create_index("ix_events_interview_id", "events", ["interview_id"])


def downgrade() -> None:
    op.drop_table("events")
    op.drop_table("interviews")
