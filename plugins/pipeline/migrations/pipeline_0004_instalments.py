"""Pipeline: a contract's payment schedule (instalments: percent, days after signing).

One new table (nothing existing changes): a contract without rows is due after the
core's payment terms setting, as every contract before this revision.

Revision ID: pipeline_0004
Revises: pipeline_0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "pipeline_0004"
down_revision: str | Sequence[str] | None = "pipeline_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "pipeline_contract_instalments"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("contract_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("days", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("percent", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "percent > 0 AND percent <= 100", name=op.f(f"ck_{TABLE}_percent_range")
        ),
        sa.CheckConstraint("days >= 0", name=op.f(f"ck_{TABLE}_days_nonneg")),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["pipeline_contracts.contract_id"],
            name=op.f(f"fk_{TABLE}_contract_id_pipeline_contracts"),
        ),
        sa.PrimaryKeyConstraint("contract_id", "days", name=op.f(f"pk_{TABLE}")),
    )


def downgrade() -> None:
    op.drop_table(TABLE)
