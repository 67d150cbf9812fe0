"""The ledger of reminders shown becomes per channel too: each channel (the desktop, Apprise,
...) delivers a reminder once on each machine, whichever other channel delivered it.

``shown_reminders.channel`` names the channel that delivered the row's reminder, as the
registry names it (``followup.channels.registry``); every row from before was shown on the
desktop, the only channel that delivered at its instant, and says so. The uniqueness of a
showing becomes (interview, kind, due instant, machine, channel).

Going down, the rows of every other channel go (their channels do not exist below 0008), and
the desktop's stay as they were.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLE = "shown_reminders"
UNIQUE = "uq_shown_reminders_showing"
SHOWING = ["interview_id", "kind", "due_at", "machine_id"]
#: The channel of every row written before channels were told apart.
DESKTOP = "desktop"


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(
            sa.Column("channel", sa.String(20), nullable=False, server_default=DESKTOP)
        )
        batch.drop_constraint(UNIQUE, type_="unique")
        batch.create_unique_constraint(UNIQUE, [*SHOWING, "channel"])


def downgrade() -> None:
    op.execute(
        sa.text(f"DELETE FROM {TABLE} WHERE channel != :desktop").bindparams(desktop=DESKTOP)
    )
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(UNIQUE, type_="unique")
        batch.drop_column("channel")
        batch.create_unique_constraint(UNIQUE, SHOWING)
