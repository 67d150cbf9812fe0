"""Mail findings: follow-ups sent and replies seen in the user's mailbox, kept as
suggestions until accepted or dismissed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_findings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("interview_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("message_key", sa.String(998), nullable=False),
        sa.Column("folder", sa.String(500), nullable=False),
        sa.Column("message_day", sa.Date, nullable=False),
        sa.Column("sender", sa.String(320)),
        sa.Column("recipients", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("found_at", sa.DateTime, nullable=False),
        sa.Column("resolved_at", sa.DateTime),
        sa.PrimaryKeyConstraint("id", name="pk_mail_findings"),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            ondelete="CASCADE",
            name="fk_mail_findings_interview_id_interviews",
        ),
        sa.UniqueConstraint(
            "interview_id", "kind", "message_key", name="uq_mail_findings_interview_kind_message"
        ),
    )
    op.create_index("ix_mail_findings_interview_id", "mail_findings", ["interview_id"])
    op.create_index("ix_mail_findings_state", "mail_findings", ["state"])


def downgrade() -> None:
    op.drop_index("ix_mail_findings_state", "mail_findings")
    op.drop_index("ix_mail_findings_interview_id", "mail_findings")
    op.drop_table("mail_findings")
