"""Core: ``org_history``, each person's place in the org (manager, level, status)
from a day on, for the org changes (move, promote, leave) and roll-ups of the past.

Nothing is copied in: a person without rows has had their ``people`` row's
place since ever; the first change writes the place before it.

Revision ID: 0014_core
Revises: 0013_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_core"
down_revision: str | Sequence[str] | None = "0013_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "org_history",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "level IN ('rep','supervisor','manager','director')", name=op.f("ck_org_history_level")
        ),
        sa.CheckConstraint(
            "status IN ('active','leave','left')", name=op.f("ck_org_history_status")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name=op.f("fk_org_history_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["people.person_id"], name=op.f("fk_org_history_manager_id_people")
        ),
        sa.PrimaryKeyConstraint("person_id", "effective_from", name=op.f("pk_org_history")),
    )


def downgrade() -> None:
    op.drop_table("org_history")
