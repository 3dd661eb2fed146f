"""Core: ledger summaries per person and month and per customer and month, kept by triggers.

Revision ID: 0006_core
Revises: 0005_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from command_center.db import summaries

revision: str = "0006_core"
down_revision: str | Sequence[str] | None = "0005_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _summed() -> list[sa.Column]:
    return [
        sa.Column("revenue", sa.Float(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("refunds", sa.Float(), nullable=False),
        sa.Column("refund_lines", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False, server_default="0"),
    ]


def upgrade() -> None:
    op.create_table(
        "sales_person_month",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *_summed(),
        sa.PrimaryKeyConstraint("person_id", "month", name=op.f("pk_sales_person_month")),
    )
    op.create_table(
        "sales_customer_month",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *_summed(),
        sa.PrimaryKeyConstraint(
            "customer_id", "person_id", "month", name=op.f("pk_sales_customer_month")
        ),
    )
    op.create_index(
        op.f("ix_sales_customer_month_person_id"), "sales_customer_month", ["person_id"]
    )
    op.create_index(op.f("ix_sales_customer_month_month"), "sales_customer_month", ["month"])
    for table in ("sales_person_month", "sales_customer_month"):
        op.create_index(op.f(f"ix_{table}_seq"), table, ["seq"])
    summaries.install(op.get_bind())


def downgrade() -> None:
    connection = op.get_bind()
    for statement in summaries.drop_triggers_sql(connection.dialect.name):
        connection.exec_driver_sql(statement)
    op.drop_table("sales_customer_month")
    op.drop_table("sales_person_month")
