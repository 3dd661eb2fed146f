"""Core: people (org tree), customers, orders ledger, targets.

Revision ID: 0001_core
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_core"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("core",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=50), nullable=False),
        sa.Column("hire_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "level IN ('rep','supervisor','manager','director')", name=op.f("ck_people_level")
        ),
        sa.CheckConstraint("status IN ('active','leave','left')", name=op.f("ck_people_status")),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["people.person_id"], name=op.f("fk_people_manager_id_people")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_people")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_manager_id"), ["manager_id"], unique=False)

    op.create_table(
        "customers",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("industry", sa.String(length=50), nullable=False),
        sa.Column("size", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=50), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["people.person_id"], name=op.f("fk_customers_owner_id_people")
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customers")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customers_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_customers_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "orders",
        sa.Column(
            "order_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("order_date", sa.Date(), nullable=False),
        sa.Column("revenue", sa.Float(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.CheckConstraint("cost >= 0", name=op.f("ck_orders_cost_nonneg")),
        sa.CheckConstraint("revenue >= 0", name=op.f("ck_orders_revenue_nonneg")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.customer_id"], name=op.f("fk_orders_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name=op.f("fk_orders_person_id_people")
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_orders")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_order_date"), ["order_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_person_id"), ["person_id"], unique=False)

    op.create_table(
        "targets",
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("metric", sa.String(length=50), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name=op.f("fk_targets_person_id_people")
        ),
        sa.PrimaryKeyConstraint("target_id", name=op.f("pk_targets")),
        sa.UniqueConstraint("person_id", "period", "metric", name="uq_targets_key"),
    )
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_targets_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_table("targets")
    op.drop_table("orders")
    op.drop_table("customers")
    op.drop_table("people")
