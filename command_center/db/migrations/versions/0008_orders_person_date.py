"""Core: orders indexed by person and date, so a team's lines of some months are read directly.

Revision ID: 0008_core
Revises: 0007_core
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008_core"
down_revision: str | Sequence[str] | None = "0007_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_orders_person_id_order_date", "orders", ["person_id", "order_date"])


def downgrade() -> None:
    op.drop_index("ix_orders_person_id_order_date", table_name="orders")
