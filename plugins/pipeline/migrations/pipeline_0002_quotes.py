"""Pipeline: quotes (versions, lines, approvals) and structured contract lines.

``pipeline_contract_lines`` gains ``product_id`` (nullable, a reference to the
catalogue) and ``discount_pct`` (default 0): both are added in place, without
touching a row (a nullable column, and a constant default). On SQLite the
foreign key and the check are written as part of the column (SQLite checks a
column ``REFERENCES`` clause only for rows written later: every existing line
names no product).

Revision ID: pipeline_0002
Revises: pipeline_0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "pipeline_0002"
down_revision: str | Sequence[str] | None = "pipeline_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = 40  # the core's PRODUCT_KEY_LENGTH when this revision was written
LINES = "pipeline_contract_lines"
LINES_FK = f"fk_{LINES}_product_id_products"
LINES_CK = f"ck_{LINES}_discount_range"
DISCOUNT = "discount_pct >= 0 AND discount_pct <= 100"


def _fk(table: str, column: str, target: str, target_column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.{target_column}"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    table = "pipeline_quotes"
    op.create_table(
        table,
        sa.Column("quote_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("opp_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("quote_date", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("extra_discount_pct", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f(f"ck_{table}_version_pos")),
        sa.CheckConstraint(
            "extra_discount_pct >= 0 AND extra_discount_pct <= 100", name=op.f(f"ck_{table}_extra")
        ),
        sa.CheckConstraint("valid_until >= quote_date", name=op.f(f"ck_{table}_validity")),
        _fk(table, "opp_id", "pipeline_opportunities", "opp_id"),
        _fk(table, "contract_id", "pipeline_contracts", "contract_id"),
        sa.PrimaryKeyConstraint("quote_id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("opp_id", "version", name=op.f(f"uq_{table}_opp_id")),
    )
    op.create_index(op.f(f"ix_{table}_opp_id"), table, ["opp_id"])
    op.create_index(op.f(f"ix_{table}_status"), table, ["status"])

    table = "pipeline_quote_lines"
    op.create_table(
        table,
        sa.Column("line_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=KEY), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("list_price", sa.Float(), nullable=False),
        sa.Column("unit_price", sa.Float(), nullable=False),
        sa.Column("discount_pct", sa.Float(), nullable=False),
        sa.Column("unit_cost", sa.Float(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f(f"ck_{table}_quantity_pos")),
        sa.CheckConstraint("unit_price >= 0", name=op.f(f"ck_{table}_price_nonneg")),
        sa.CheckConstraint("list_price >= 0", name=op.f(f"ck_{table}_list_nonneg")),
        sa.CheckConstraint("unit_cost >= 0", name=op.f(f"ck_{table}_cost_nonneg")),
        sa.CheckConstraint(DISCOUNT, name=op.f(f"ck_{table}_discount_range")),
        _fk(table, "quote_id", "pipeline_quotes", "quote_id"),
        _fk(table, "product_id", "products", "product_id"),
        sa.PrimaryKeyConstraint("line_id", name=op.f(f"pk_{table}")),
    )
    op.create_index(op.f(f"ix_{table}_quote_id"), table, ["quote_id"])

    table = "pipeline_quote_approvals"
    op.create_table(
        table,
        sa.Column("approval_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("approver_id", sa.Integer(), nullable=True),
        sa.Column("approver", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        _fk(table, "quote_id", "pipeline_quotes", "quote_id"),
        _fk(table, "approver_id", "people", "person_id"),
        sa.PrimaryKeyConstraint("approval_id", name=op.f(f"pk_{table}")),
    )
    op.create_index(op.f(f"ix_{table}_quote_id"), table, ["quote_id"])

    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {LINES} ADD COLUMN product_id VARCHAR({KEY}) "
            f"CONSTRAINT {LINES_FK} REFERENCES products (product_id)"
        )
        op.execute(
            f"ALTER TABLE {LINES} ADD COLUMN discount_pct FLOAT DEFAULT 0 NOT NULL "
            f"CONSTRAINT {LINES_CK} CHECK ({DISCOUNT})"
        )
        return
    op.add_column(LINES, sa.Column("product_id", sa.String(length=KEY), nullable=True))
    op.create_foreign_key(op.f(LINES_FK), LINES, "products", ["product_id"], ["product_id"])
    op.add_column(
        LINES,
        sa.Column("discount_pct", sa.Float(), server_default=sa.text("0"), nullable=False),
    )
    op.create_check_constraint(op.f(LINES_CK), LINES, DISCOUNT)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops no column a constraint names: the table is copied without them.
        with op.batch_alter_table(LINES) as batch:
            batch.drop_constraint(op.f(LINES_CK), type_="check")
            batch.drop_column("discount_pct")
            batch.drop_column("product_id")
    else:
        op.drop_constraint(op.f(LINES_CK), LINES, type_="check")
        op.drop_column(LINES, "discount_pct")
        op.drop_constraint(op.f(LINES_FK), LINES, type_="foreignkey")
        op.drop_column(LINES, "product_id")
    op.drop_table("pipeline_quote_approvals")
    op.drop_table("pipeline_quote_lines")
    op.drop_table("pipeline_quotes")
