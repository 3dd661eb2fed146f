"""Incentives: an order credit's product, credit share and collection (commission on
collected cash holds back what is unpaid and releases it in the month of payment).

Revision ID: incentives_0002
Revises: incentives_0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "incentives_0002"
down_revision: str | Sequence[str] | None = "incentives_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "incentives_order_credits"
MONEY = ("collected", "outstanding", "booked", "held_back", "released")


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("product_id", sa.String(length=64), nullable=True),
        sa.Column("credit_share", sa.Float(), nullable=False, server_default="1"),
        *(sa.Column(name, sa.Float(), nullable=False, server_default="0") for name in MONEY),
    ]


def upgrade() -> None:
    # ADD COLUMN with a constant default: in place on SQLite and PostgreSQL.
    for column in _columns():
        op.add_column(TABLE, column)


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        for column in reversed(_columns()):
            batch.drop_column(column.name)
