"""customers_next: customer tags, after the built-in customers' latest revision.

Revision ID: customers_0004
Revises: customers_0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "customers_0004"
down_revision: str | Sequence[str] | None = "customers_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers_tags",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
            name=op.f("fk_customers_tags_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("customer_id", "tag", name=op.f("pk_customers_tags")),
    )


def downgrade() -> None:
    op.drop_table("customers_tags")
