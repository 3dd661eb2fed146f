"""Customers: visits planned at a time (the Today agenda).

Revision ID: customers_0002
Revises: customers_0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "customers_0002"
down_revision: str | Sequence[str] | None = "customers_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "customers_visit_plans"


def _fk(column: str, target: str, target_column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.{target_column}"], name=op.f(f"fk_{TABLE}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("plan_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("planned_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("followup_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned','done','cancelled')", name=op.f(f"ck_{TABLE}_status")
        ),
        _fk("customer_id", "customers", "customer_id"),
        _fk("person_id", "people", "person_id"),
        _fk("followup_id", "customers_followups", "followup_id"),
        sa.PrimaryKeyConstraint("plan_id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(op.f(f"ix_{TABLE}_customer_id"), TABLE, ["customer_id"])
    op.create_index("ix_customers_visit_plans_person_at", TABLE, ["person_id", "planned_at"])


def downgrade() -> None:
    op.drop_table(TABLE)
