"""Core: collection (回款) — ``payments``, ``payment_credits`` and the
``collected_person_month`` summary (docs/collections.md).

New tables only: nothing on the ledger is rewritten.

Revision ID: 0016_core
Revises: 0015_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_core"
down_revision: str | Sequence[str] | None = "0015_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORDER_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("payment_id", ORDER_ID, autoincrement=False, nullable=False),
        sa.Column("payment_key", sa.String(length=64), nullable=False),
        sa.Column("order_id", ORDER_ID, nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.order_id"], name=op.f("fk_payments_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("payment_id", name=op.f("pk_payments")),
        sa.UniqueConstraint("payment_key", name=op.f("uq_payments_payment_key")),
    )
    op.create_index(op.f("ix_payments_order_id"), "payments", ["order_id"], unique=False)
    op.create_index(op.f("ix_payments_paid_on"), "payments", ["paid_on"], unique=False)
    op.create_table(
        "payment_credits",
        sa.Column("payment_id", ORDER_ID, nullable=False),
        sa.Column("order_id", ORDER_ID, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.payment_id"],
            name=op.f("fk_payment_credits_payment_id_payments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.order_id"], name=op.f("fk_payment_credits_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name=op.f("fk_payment_credits_person_id_people")
        ),
        sa.PrimaryKeyConstraint("payment_id", "order_id", name=op.f("pk_payment_credits")),
    )
    op.create_index(
        op.f("ix_payment_credits_order_id"), "payment_credits", ["order_id"], unique=False
    )
    op.create_index(
        "ix_payment_credits_person_id_paid_on",
        "payment_credits",
        ["person_id", "paid_on"],
        unique=False,
    )
    op.create_table(
        "collected_person_month",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("collected", sa.Float(), nullable=False),
        sa.Column("payments", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "month", name=op.f("pk_collected_person_month")),
    )


def downgrade() -> None:
    op.drop_table("collected_person_month")
    op.drop_index("ix_payment_credits_person_id_paid_on", table_name="payment_credits")
    op.drop_index(op.f("ix_payment_credits_order_id"), table_name="payment_credits")
    op.drop_table("payment_credits")
    op.drop_index(op.f("ix_payments_paid_on"), table_name="payments")
    op.drop_index(op.f("ix_payments_order_id"), table_name="payments")
    op.drop_table("payments")
