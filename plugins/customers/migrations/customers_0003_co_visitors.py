"""Customers: co-visitors, the colleagues who went along on a follow-up or visit.

Revision ID: customers_0003
Revises: customers_0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "customers_0003"
down_revision: str | Sequence[str] | None = "customers_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "customers_followup_people"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("followup_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["followup_id"],
            ["customers_followups.followup_id"],
            name=op.f(f"fk_{TABLE}_followup_id_customers_followups"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name=op.f(f"fk_{TABLE}_person_id_people")
        ),
        sa.PrimaryKeyConstraint("followup_id", "person_id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(op.f(f"ix_{TABLE}_person_id"), TABLE, ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f(f"ix_{TABLE}_person_id"), table_name=TABLE)
    op.drop_table(TABLE)
