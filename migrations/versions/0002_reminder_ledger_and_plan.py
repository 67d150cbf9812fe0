"""The ledger of shown reminders, and each interview's planned reminder.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shown_reminders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "interview_id",
            sa.Integer,
            sa.ForeignKey("interviews.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("due_at", sa.DateTime, nullable=False),
        sa.Column("shown_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("interview_id", "kind", "due_at"),
    )
    op.create_index("ix_shown_reminders_interview_id", "shown_reminders", ["interview_id"])
    with op.batch_alter_table("interviews") as batch:
        batch.add_column(sa.Column("plan_key", sa.String(200)))
        batch.add_column(sa.Column("next_kind", sa.String(10)))
        batch.add_column(sa.Column("next_at", sa.DateTime))
        batch.create_index("ix_interviews_next_at", ["next_at"])


def downgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.drop_index("ix_interviews_next_at")
        batch.drop_column("next_at")
        batch.drop_column("next_kind")
        batch.drop_column("plan_key")
    op.drop_table("shown_reminders")
