"""Pipeline: team selling, the people credited with a share of a deal or a contract.

Two new tables (nothing existing changes): a deal or contract without rows is its
owner's whole, as every deal and contract before this revision.

Revision ID: pipeline_0003
Revises: pipeline_0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "pipeline_0003"
down_revision: str | Sequence[str] | None = "pipeline_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    ("pipeline_deal_credits", "opp_id", "pipeline_opportunities"),
    ("pipeline_contract_credits", "contract_id", "pipeline_contracts"),
)


def upgrade() -> None:
    for table, key, parent in TABLES:
        op.create_table(
            table,
            sa.Column(key, sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("share_pct", sa.Float(), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.CheckConstraint(
                "share_pct > 0 AND share_pct <= 100", name=op.f(f"ck_{table}_share_range")
            ),
            sa.ForeignKeyConstraint(
                [key], [f"{parent}.{key}"], name=op.f(f"fk_{table}_{key}_{parent}")
            ),
            sa.ForeignKeyConstraint(
                ["person_id"], ["people.person_id"], name=op.f(f"fk_{table}_person_id_people")
            ),
            sa.PrimaryKeyConstraint(key, "person_id", name=op.f(f"pk_{table}")),
        )
        op.create_index(op.f(f"ix_{table}_person_id"), table, ["person_id"], unique=False)


def downgrade() -> None:
    for table, _, _ in reversed(TABLES):
        op.drop_index(op.f(f"ix_{table}_person_id"), table_name=table)
        op.drop_table(table)
