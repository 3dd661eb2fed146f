"""Core: create the data-version row up front, so first writers never race to insert it.

Revision ID: 0005_core
Revises: 0004_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_core"
down_revision: str | Sequence[str] | None = "0004_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        sa.text(
            "INSERT INTO meta (key, value) SELECT 'data_version', 0 "
            "WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'data_version')"
        )
    )


def downgrade() -> None:
    pass
