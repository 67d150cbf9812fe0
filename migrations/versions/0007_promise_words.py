"""The words a promised reply day was given in ("end of next week"), kept with the
interview so that ``show`` can say how they were read. Nullable: interviews from before,
and promises typed as a date, have none. Going down drops them; the day itself stays, and
so does every row that refers to the interview.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("interviews", sa.Column("reply_expected_words", sa.String(200), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not batch mode: batch mode copies the
    # table and drops the old one, and with foreign keys on, dropping ``interviews``
    # deletes every row that refers to it (history, the reminder ledger) in cascade.
    op.drop_column("interviews", "reply_expected_words")
