"""Core: orders lose the index on person_id alone (the person-and-date index serves it).

Every order line written kept five B-trees up to date; the person-and-date
index of 0008 answers every lookup by person, so the narrower one only cost
writes (a million-line import updates one index fewer).

Revision ID: 0009_core
Revises: 0008_core
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009_core"
down_revision: str | Sequence[str] | None = "0008_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_orders_person_id", table_name="orders")


def downgrade() -> None:
    op.create_index("ix_orders_person_id", "orders", ["person_id"])
