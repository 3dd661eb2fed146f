"""Core: the product catalogue (products, price lists, their prices) and orders.product_id.

Cheap on a large ledger (10M order lines): ``orders`` only gains a nullable
column without a default, which both databases add without touching a row
(SQLite rewrites the schema text; PostgreSQL the catalogue), and no index
(no read looks order lines up by product). Its foreign key is written as
part of the column on SQLite (a column ``REFERENCES`` clause, which SQLite
checks only for rows written later); on PostgreSQL it is added ``NOT VALID``
when ``orders`` already holds lines, so the migration does not scan them
under its lock (every existing line is NULL, so nothing could fail; new and
updated lines are checked all the same), and validated at once on an empty
ledger.

Revision ID: 0010_core
Revises: 0009_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from command_center.db import summaries

revision: str = "0010_core"
down_revision: str | Sequence[str] | None = "0009_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = 40  # models.PRODUCT_KEY_LENGTH when this revision was written
ORDERS_FK = "fk_orders_product_id_products"


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("product_id", sa.String(length=KEY), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("list_price", sa.Float(), nullable=False),
        sa.Column("standard_cost", sa.Float(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("list_price >= 0", name=op.f("ck_products_list_price_nonneg")),
        sa.CheckConstraint("standard_cost >= 0", name=op.f("ck_products_standard_cost_nonneg")),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_products")),
    )
    op.create_table(
        "price_lists",
        sa.Column("price_list_id", sa.String(length=KEY), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_price_lists_valid_range")
        ),
        sa.PrimaryKeyConstraint("price_list_id", name=op.f("pk_price_lists")),
    )
    op.create_table(
        "price_list_items",
        sa.Column("price_list_id", sa.String(length=KEY), nullable=False),
        sa.Column("product_id", sa.String(length=KEY), nullable=False),
        sa.Column("price", sa.Float(), nullable=False),
        sa.CheckConstraint("price >= 0", name=op.f("ck_price_list_items_price_nonneg")),
        sa.ForeignKeyConstraint(
            ["price_list_id"],
            ["price_lists.price_list_id"],
            name=op.f("fk_price_list_items_price_list_id_price_lists"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.product_id"],
            name=op.f("fk_price_list_items_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("price_list_id", "product_id", name=op.f("pk_price_list_items")),
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE orders ADD COLUMN product_id VARCHAR({KEY}) "
            f"CONSTRAINT {ORDERS_FK} REFERENCES products (product_id)"
        )
        return
    op.add_column("orders", sa.Column("product_id", sa.String(length=KEY), nullable=True))
    has_lines = bind.execute(sa.text("SELECT EXISTS (SELECT 1 FROM orders)")).scalar()
    op.execute(
        f"ALTER TABLE orders ADD CONSTRAINT {ORDERS_FK} FOREIGN KEY (product_id) "
        f"REFERENCES products (product_id){' NOT VALID' if has_lines else ''}"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite drops no column a foreign key names: the table is copied without it,
        # which loses its triggers, so the summaries' are made again.
        for statement in summaries.drop_triggers_sql("sqlite"):
            op.execute(statement)
        with op.batch_alter_table("orders") as batch:
            batch.drop_column("product_id")
        for statement in summaries.create_triggers_sql("sqlite"):
            op.execute(statement)
    else:
        op.drop_constraint(ORDERS_FK, "orders", type_="foreignkey")
        op.drop_column("orders", "product_id")
    op.drop_table("price_list_items")
    op.drop_table("price_lists")
    op.drop_table("products")
