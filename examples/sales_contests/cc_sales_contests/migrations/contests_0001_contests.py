"""Sales contests: the contests table.

Revision ID: contests_0001
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "contests_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contests_contests",
        sa.Column("contest_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("metric", sa.String(length=50), nullable=False),
        sa.Column("start_month", sa.Date(), nullable=False),
        sa.Column("end_month", sa.Date(), nullable=False),
        sa.Column("prize", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("contest_id", name=op.f("pk_contests_contests")),
    )


def downgrade() -> None:
    op.drop_table("contests_contests")
