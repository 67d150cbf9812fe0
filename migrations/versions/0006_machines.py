"""The ledger of reminders shown becomes per machine: each machine's daemon shows a reminder
once, whichever other machine showed it.

A table of machines rather than a name on every ledger row: a machine's name is said once,
so a renamed machine is renamed in every line of ``followup status``, and a ledger row gains
only the 36 characters of an id. ``shown_reminders.machine_id`` names the machine that
showed the reminder; the uniqueness of a showing becomes (interview, kind, due instant,
machine).

Rows from before (``machine_id`` NULL) stay as they are and count as shown on every machine,
so an upgrade never shows a reminder again. Going down, the showings of several machines of
one reminder become one row: a confirmed one when any is, else the first intent.

The old unique constraint was made unnamed: PostgreSQL named it itself, and SQLite's batch
mode needs a naming convention to find it; it is looked up rather than guessed. Going down,
it is made again under PostgreSQL's name, on SQLite too (batch mode makes no unnamed one).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLE = "shown_reminders"
SHOWING = ["interview_id", "kind", "due_at"]
UNIQUE = "uq_shown_reminders_showing"
FOREIGN_KEY = "fk_shown_reminders_machine_id_machines"
#: The name SQLite's unnamed constraint is given while batch mode copies the table.
CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}
#: The name PostgreSQL gave the old constraint; going down, it is made so on both stores.
OLD_UNIQUE = "shown_reminders_interview_id_kind_due_at_key"


def _old_unique() -> str:
    """The name of the unique constraint on (interview_id, kind, due_at): PostgreSQL's own
    (``shown_reminders_interview_id_kind_due_at_key``), or the convention's on SQLite."""
    for found in sa.inspect(op.get_bind()).get_unique_constraints(TABLE):
        if found["column_names"] == SHOWING and found["name"]:
            return str(found["name"])
    return "uq_shown_reminders_interview_id_kind_due_at"


def upgrade() -> None:
    op.create_table(
        "machines",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_machines"),
    )
    old = _old_unique()
    with op.batch_alter_table(TABLE, naming_convention=CONVENTION) as batch:
        batch.add_column(sa.Column("machine_id", sa.String(36), nullable=True))
        batch.create_foreign_key(FOREIGN_KEY, "machines", ["machine_id"], ["id"])
        batch.drop_constraint(old, type_="unique")
        batch.create_unique_constraint(UNIQUE, [*SHOWING, "machine_id"])


def downgrade() -> None:
    # One row per showing: a row goes when another of the same showing ranks before it
    # (confirmed before intent, then the older row).
    op.execute(
        sa.text(
            f"DELETE FROM {TABLE} WHERE EXISTS (SELECT 1 FROM {TABLE} other "
            f"WHERE other.interview_id = {TABLE}.interview_id AND other.kind = {TABLE}.kind "
            f"AND other.due_at = {TABLE}.due_at AND ("
            f"(other.state = 'shown' AND {TABLE}.state = 'intent') OR "
            f"(other.state = {TABLE}.state AND other.id < {TABLE}.id)))"
        )
    )
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(UNIQUE, type_="unique")
        batch.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch.drop_column("machine_id")
        batch.create_unique_constraint(OLD_UNIQUE, SHOWING)
    op.drop_table("machines")
