"""Core: ``target_plans`` and ``target_plan_lines``, targets set and cascaded in the app.

A plan is one version of a leader's split of a year's targets of a metric,
draft -> submitted -> approved; approval writes its months into ``targets``.

Revision ID: 0017_core
Revises: 0016_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_core"
down_revision: str | Sequence[str] | None = "0016_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "target_plans",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=50), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("saved_by", sa.String(length=64), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by", sa.String(length=64), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "state IN ('draft','submitted','approved','superseded')",
            name=op.f("ck_target_plans_state"),
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["people.person_id"], name=op.f("fk_target_plans_leader_id_people")
        ),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_target_plans")),
        sa.UniqueConstraint("year", "metric", "leader_id", "version", name="uq_target_plans_key"),
    )
    op.create_index(op.f("ix_target_plans_leader_id"), "target_plans", ["leader_id"], unique=False)
    op.create_table(
        "target_plan_lines",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_target_plan_lines_month")),
        sa.CheckConstraint("target >= 0", name=op.f("ck_target_plan_lines_target_nonneg")),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["target_plans.plan_id"],
            name=op.f("fk_target_plan_lines_plan_id_target_plans"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.person_id"],
            name=op.f("fk_target_plan_lines_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("plan_id", "person_id", "month", name=op.f("pk_target_plan_lines")),
    )


def downgrade() -> None:
    op.drop_table("target_plan_lines")
    op.drop_index(op.f("ix_target_plans_leader_id"), table_name="target_plans")
    op.drop_table("target_plans")
