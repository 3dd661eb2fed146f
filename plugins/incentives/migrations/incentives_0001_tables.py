"""Incentives: plans and versions, settlements with statements, lines and order credits,
disputes and saved scenarios.

Revision ID: incentives_0001
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "incentives_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("incentives",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incentives_plans",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_incentives_plans")),
        sa.UniqueConstraint("name", name=op.f("uq_incentives_plans_name")),
    )
    op.create_table(
        "incentives_plan_versions",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["incentives_plans.plan_id"],
            name=op.f("fk_incentives_plan_versions_plan_id_incentives_plans"),
        ),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_incentives_plan_versions")),
        sa.UniqueConstraint("plan_id", "version", name="uq_incentives_plan_versions"),
    )
    op.create_index(
        op.f("ix_incentives_plan_versions_plan_id"),
        "incentives_plan_versions",
        ["plan_id"],
        unique=False,
    )
    op.create_table(
        "incentives_settlements",
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("computed_by", sa.String(length=64), nullable=False),
        sa.Column("locked_at", sa.DateTime(), nullable=True),
        sa.Column("locked_by", sa.String(length=64), nullable=False),
        sa.Column("unlocked_at", sa.DateTime(), nullable=True),
        sa.Column("unlocked_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft','locked','unlocked')", name=op.f("ck_incentives_settlements_status")
        ),
        sa.PrimaryKeyConstraint("settlement_id", name=op.f("pk_incentives_settlements")),
        sa.UniqueConstraint("period", "version", name="uq_incentives_settlements"),
    )
    op.create_index(
        op.f("ix_incentives_settlements_period"), "incentives_settlements", ["period"], unique=False
    )
    op.create_table(
        "incentives_statements",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("plan_name", sa.String(length=100), nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=True),
        sa.Column("plan_period", sa.String(length=7), nullable=False),
        sa.Column("revenue", sa.Float(), nullable=False),
        sa.Column("profit", sa.Float(), nullable=False),
        sa.Column("quota", sa.Float(), nullable=True),
        sa.Column("attainment", sa.Float(), nullable=True),
        sa.Column("payout", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.person_id"],
            name=op.f("fk_incentives_statements_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["incentives_plan_versions.version_id"],
            name=op.f("fk_incentives_statements_plan_version_id_incentives_plan_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["incentives_settlements.settlement_id"],
            name=op.f("fk_incentives_statements_settlement_id_incentives_settlements"),
        ),
        sa.PrimaryKeyConstraint("statement_id", name=op.f("pk_incentives_statements")),
        sa.UniqueConstraint("settlement_id", "person_id", name="uq_incentives_statements"),
    )
    op.create_index(
        op.f("ix_incentives_statements_person_id"),
        "incentives_statements",
        ["person_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_incentives_statements_settlement_id"),
        "incentives_statements",
        ["settlement_id"],
        unique=False,
    )
    op.create_table(
        "incentives_lines",
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('component','gate','cap','clawback')", name=op.f("ck_incentives_lines_kind")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name=op.f("fk_incentives_lines_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["incentives_settlements.settlement_id"],
            name=op.f("fk_incentives_lines_settlement_id_incentives_settlements"),
        ),
        sa.PrimaryKeyConstraint("line_id", name=op.f("pk_incentives_lines")),
    )
    op.create_index(
        op.f("ix_incentives_lines_person_id"), "incentives_lines", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_incentives_lines_refund_id"), "incentives_lines", ["refund_id"], unique=False
    )
    op.create_index(
        op.f("ix_incentives_lines_settlement_id"),
        "incentives_lines",
        ["settlement_id"],
        unique=False,
    )
    op.create_table(
        "incentives_order_credits",
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("order_date", sa.Date(), nullable=False),
        sa.Column("revenue", sa.Float(), nullable=False),
        sa.Column("profit", sa.Float(), nullable=False),
        sa.Column("contribution", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.person_id"],
            name=op.f("fk_incentives_order_credits_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["incentives_settlements.settlement_id"],
            name=op.f("fk_incentives_order_credits_settlement_id_incentives_settlements"),
        ),
        sa.PrimaryKeyConstraint(
            "settlement_id", "person_id", "order_id", name=op.f("pk_incentives_order_credits")
        ),
    )
    op.create_index(
        op.f("ix_incentives_order_credits_order_id"),
        "incentives_order_credits",
        ["order_id"],
        unique=False,
    )
    op.create_table(
        "incentives_disputes",
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("question", sa.String(length=1000), nullable=False),
        sa.Column("raised_by", sa.String(length=64), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("answer", sa.String(length=1000), nullable=False),
        sa.Column("answered_by", sa.String(length=64), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open','answered')", name=op.f("ck_incentives_disputes_status")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["incentives_lines.line_id"],
            name=op.f("fk_incentives_disputes_line_id_incentives_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.person_id"],
            name=op.f("fk_incentives_disputes_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["incentives_settlements.settlement_id"],
            name=op.f("fk_incentives_disputes_settlement_id_incentives_settlements"),
        ),
        sa.PrimaryKeyConstraint("dispute_id", name=op.f("pk_incentives_disputes")),
    )
    op.create_index(
        op.f("ix_incentives_disputes_person_id"), "incentives_disputes", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_incentives_disputes_settlement_id"),
        "incentives_disputes",
        ["settlement_id"],
        unique=False,
    )
    op.create_table(
        "incentives_scenarios",
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("edits", sa.JSON(), nullable=False),
        sa.Column("assumptions", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["incentives_plan_versions.version_id"],
            name=op.f("fk_incentives_scenarios_plan_version_id_incentives_plan_versions"),
        ),
        sa.PrimaryKeyConstraint("scenario_id", name=op.f("pk_incentives_scenarios")),
        sa.UniqueConstraint("owner", "name", name="uq_incentives_scenarios"),
    )
    op.create_index(
        op.f("ix_incentives_scenarios_owner"), "incentives_scenarios", ["owner"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_incentives_scenarios_owner"), table_name="incentives_scenarios")
    op.drop_table("incentives_scenarios")
    op.drop_index(op.f("ix_incentives_disputes_person_id"), table_name="incentives_disputes")
    op.drop_index(op.f("ix_incentives_disputes_settlement_id"), table_name="incentives_disputes")
    op.drop_table("incentives_disputes")
    op.drop_index(
        op.f("ix_incentives_order_credits_order_id"), table_name="incentives_order_credits"
    )
    op.drop_table("incentives_order_credits")
    op.drop_index(op.f("ix_incentives_lines_person_id"), table_name="incentives_lines")
    op.drop_index(op.f("ix_incentives_lines_refund_id"), table_name="incentives_lines")
    op.drop_index(op.f("ix_incentives_lines_settlement_id"), table_name="incentives_lines")
    op.drop_table("incentives_lines")
    op.drop_index(op.f("ix_incentives_statements_person_id"), table_name="incentives_statements")
    op.drop_index(
        op.f("ix_incentives_statements_settlement_id"), table_name="incentives_statements"
    )
    op.drop_table("incentives_statements")
    op.drop_index(op.f("ix_incentives_settlements_period"), table_name="incentives_settlements")
    op.drop_table("incentives_settlements")
    op.drop_index(
        op.f("ix_incentives_plan_versions_plan_id"), table_name="incentives_plan_versions"
    )
    op.drop_table("incentives_plan_versions")
    op.drop_table("incentives_plans")
