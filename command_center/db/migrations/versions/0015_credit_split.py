"""Core: team selling, ``orders.credit_share`` and ``orders.credit_group``.

A line booked with a credit split is stored as one row per credited person
(``credit_share`` of the line; ``credit_group`` = the ``order_id`` of the split's
first row). Every existing row is a whole line: share 1, no group.

Both columns are added in place (a constant default and a NULL column: no table
rewrite on SQLite or PostgreSQL 11+, O(1) on the 10M-row ledger). The index is
partial: it holds only the split rows, so building it reads the table once and
writes next to nothing.

Revision ID: 0015_core
Revises: 0014_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_core"
down_revision: str | Sequence[str] | None = "0014_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_orders_credit_group"
SPLIT_ROWS = sa.text("credit_group IS NOT NULL")


def upgrade() -> None:
    op.add_column(
        "orders",
        sa.Column("credit_share", sa.Float(), server_default=sa.text("1"), nullable=False),
    )
    op.add_column(
        "orders",
        sa.Column(
            "credit_group", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
    )
    op.create_index(
        INDEX,
        "orders",
        ["credit_group"],
        unique=False,
        sqlite_where=SPLIT_ROWS,
        postgresql_where=SPLIT_ROWS,
    )


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): the table and its triggers stay.
    op.drop_index(INDEX, table_name="orders")
    op.drop_column("orders", "credit_group")
    op.drop_column("orders", "credit_share")
