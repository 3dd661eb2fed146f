"""Core: summary rows stamped with a change number, so copies in memory fold in changes.

Databases made by the first form of 0006 (summaries without ``seq``) get the
column, its index, the counters and the new triggers; others are unchanged.

Revision ID: 0007_core
Revises: 0006_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from command_center.db import summaries

revision: str = "0007_core"
down_revision: str | Sequence[str] | None = "0006_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("sales_person_month", "sales_customer_month")


def upgrade() -> None:
    connection = op.get_bind()
    columns = {c["name"] for c in sa.inspect(connection).get_columns("sales_person_month")}
    if "seq" in columns:
        return
    for table in TABLES:
        op.add_column(table, sa.Column("seq", sa.BigInteger(), nullable=False, server_default="0"))
        op.create_index(op.f(f"ix_{table}_seq"), table, ["seq"])
    summaries.install(connection)


def downgrade() -> None:
    pass
