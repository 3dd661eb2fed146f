"""Core: targets.period widens to 10 characters for days (``YYYY-MM-DD``) and ISO weeks
(``YYYY-Www``) beside months, quarters and years.

PostgreSQL widens a ``varchar`` in its catalogue without touching a row;
SQLite does not enforce the length, so its column is rewritten through a batch
(the targets table holds one row per person, period and metric: small).

Revision ID: 0011_core
Revises: 0010_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_core"
down_revision: str | Sequence[str] | None = "0010_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WIDE = 10  # models.PERIOD_LENGTH when this revision was written
NARROW = 7


def upgrade() -> None:
    with op.batch_alter_table("targets") as batch:
        batch.alter_column(
            "period", type_=sa.String(length=WIDE), existing_type=sa.String(length=NARROW)
        )


def downgrade() -> None:
    with op.batch_alter_table("targets") as batch:
        batch.alter_column(
            "period", type_=sa.String(length=NARROW), existing_type=sa.String(length=WIDE)
        )
