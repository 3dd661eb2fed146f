"""Core: text keys (issue 14, item 1): ``people.person_key``, ``customers.customer_key``,
``orders.order_key``: the keys other systems use (``00417``, ``E-2031``,
``SO/2026/0042``), kept exactly, beside the integer ids every table and frame keeps.

Each column is added, filled with the text of today's integer id
(``CAST(id AS TEXT)``: an existing database speaks the same keys after the
upgrade as before it), then given a unique index.

- SQLite adds a ``NOT NULL`` column only with a default: ``''``, which no row
  keeps (the fill writes every row; the unique index refuses a second ``''``).
  The ledger's summary triggers watch other columns (``UPDATE OF …``), so the
  fill of ``orders`` runs none of them.
- PostgreSQL adds the column nullable, fills it, then sets ``NOT NULL``; the
  summaries' statement trigger on ``orders`` is disabled for the fill (it
  would otherwise diff ten million unchanged lines) and enabled again.

Revision ID: 0013_core
Revises: 0012_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_core"
down_revision: str | Sequence[str] | None = "0012_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_LENGTH = 64  # models.KEY_LENGTH when this revision was written
KEYS = (
    ("people", "person_id", "person_key"),
    ("customers", "customer_id", "customer_key"),
    ("orders", "order_id", "order_key"),
)
_PG_ORDERS_TRIGGER = "summaries_orders_update"


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    for table, id_column, key_column in KEYS:
        if sqlite:
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN {key_column} "
                f"VARCHAR({KEY_LENGTH}) NOT NULL DEFAULT ''"
            )
        else:
            op.add_column(table, sa.Column(key_column, sa.String(KEY_LENGTH), nullable=True))
        quiet = not sqlite and table == "orders" and _has_trigger(bind, _PG_ORDERS_TRIGGER)
        if quiet:
            op.execute(f"ALTER TABLE orders DISABLE TRIGGER {_PG_ORDERS_TRIGGER}")
        op.execute(f"UPDATE {table} SET {key_column} = CAST({id_column} AS TEXT)")
        if quiet:
            op.execute(f"ALTER TABLE orders ENABLE TRIGGER {_PG_ORDERS_TRIGGER}")
        if not sqlite:
            op.alter_column(table, key_column, nullable=False)
        op.create_index(f"ix_{table}_{key_column}", table, [key_column], unique=True)


def _has_trigger(bind: sa.Connection, name: str) -> bool:
    found = bind.execute(
        sa.text("SELECT 1 FROM pg_trigger WHERE tgname = :name AND NOT tgisinternal"),
        {"name": name},
    ).first()
    return found is not None


def downgrade() -> None:
    for table, _, key_column in reversed(KEYS):
        op.drop_index(f"ix_{table}_{key_column}", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column(key_column)
