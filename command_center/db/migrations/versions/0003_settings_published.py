"""Core: plugin settings and facts that plugins publish for each other.

Revision ID: 0003_core
Revises: 0002_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_core"
down_revision: str | Sequence[str] | None = "0002_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plugin_settings",
        sa.Column("plugin", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("plugin", "key", name=op.f("pk_plugin_settings")),
    )
    op.create_table(
        "published_facts",
        sa.Column("fact_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name=op.f("fk_published_facts_person_id_people")
        ),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_published_facts")),
        sa.UniqueConstraint("topic", "period", "person_id", "key", name="uq_published_facts_key"),
    )
    with op.batch_alter_table("published_facts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_published_facts_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_published_facts_topic"), ["topic"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("published_facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_published_facts_topic"))
        batch_op.drop_index(batch_op.f("ix_published_facts_person_id"))

    op.drop_table("published_facts")
    op.drop_table("plugin_settings")
