"""Recruiting: scorecards keep their template and the template's own criteria.

Revision ID: recruiting_0002
Revises: recruiting_0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "recruiting_0002"
down_revision: str | Sequence[str] | None = "recruiting_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recruiting_scorecards") as batch:
        batch.add_column(
            sa.Column("template", sa.String(length=40), nullable=False, server_default="standard")
        )
        batch.add_column(sa.Column("extra_scores", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recruiting_scorecards") as batch:
        batch.drop_column("extra_scores")
        batch.drop_column("template")
