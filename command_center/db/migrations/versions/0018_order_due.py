"""Core: payment schedules — ``order_due``, the instalments of a ledger row
(docs/collections.md, "Payment schedules").

A new table only: a row without instalments is due ``COMMAND_CENTER_PAYMENT_TERMS_DAYS``
after its order date, as before this revision.

Revision ID: 0018_core
Revises: 0017_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_core"
down_revision: str | Sequence[str] | None = "0017_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORDER_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "order_due",
        sa.Column("order_id", ORDER_ID, autoincrement=False, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_order_due_amount_nonneg")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.order_id"], name=op.f("fk_order_due_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", "due_on", name=op.f("pk_order_due")),
    )


def downgrade() -> None:
    op.drop_table("order_due")
