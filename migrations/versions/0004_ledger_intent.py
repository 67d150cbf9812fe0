"""The ledger records the intent to show a reminder before it is shown, and confirms it after.

A row with ``state = 'intent'`` was written just before ``Notify``; ``'shown'`` once the
notification server accepted it. After a crash between the two, the reminder is "maybe
shown", and the daemon shows it once more, marked as possibly shown already. Existing rows
were all confirmed deliveries: they become ``'shown'``. The check constraint is named, so
PostgreSQL and SQLite's batch mode can both drop it again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CHECK = "ck_shown_reminders_state"


def upgrade() -> None:
    with op.batch_alter_table("shown_reminders") as batch:
        batch.add_column(sa.Column("state", sa.String(10), nullable=False, server_default="shown"))
        batch.create_check_constraint(CHECK, "state IN ('intent', 'shown')")


def downgrade() -> None:
    # An unconfirmed intent becomes a shown reminder: the older schema cannot say "maybe",
    # and never repeating is the older version's promise.
    with op.batch_alter_table("shown_reminders") as batch:
        batch.drop_constraint(CHECK, type_="check")
        batch.drop_column("state")
