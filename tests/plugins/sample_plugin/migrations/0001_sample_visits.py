"""Sample plugin: visits table.

Revision ID: 0001_sample
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_sample"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("sample",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sample_visits",
        sa.Column("visit_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name=op.f("fk_sample_visits_person_id_people")
        ),
        sa.PrimaryKeyConstraint("visit_id", name=op.f("pk_sample_visits")),
    )
    op.create_index(op.f("ix_sample_visits_person_id"), "sample_visits", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sample_visits_person_id"), table_name="sample_visits")
    op.drop_table("sample_visits")
