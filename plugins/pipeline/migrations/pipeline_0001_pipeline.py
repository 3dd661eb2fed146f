"""Pipeline: opportunities, stage history, SPIN, negotiation, contracts, execution, service.

Revision ID: pipeline_0001
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "pipeline_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("pipeline",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pipeline_opportunities",
        sa.Column("opp_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("expected_close", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("stage_since", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("lost_reason", sa.String(length=60), nullable=True),
        sa.Column("lost_note", sa.String(length=500), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_pipeline_opportunities_amount_nonneg")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
            name=op.f("fk_pipeline_opportunities_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["people.person_id"],
            name=op.f("fk_pipeline_opportunities_owner_id_people"),
        ),
        sa.PrimaryKeyConstraint("opp_id", name=op.f("pk_pipeline_opportunities")),
    )
    op.create_index(
        op.f("ix_pipeline_opportunities_customer_id"),
        "pipeline_opportunities",
        ["customer_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pipeline_opportunities_expected_close"),
        "pipeline_opportunities",
        ["expected_close"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pipeline_opportunities_owner_id"),
        "pipeline_opportunities",
        ["owner_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pipeline_opportunities_stage"), "pipeline_opportunities", ["stage"], unique=False
    )
    op.create_table(
        "pipeline_complaints",
        sa.Column("complaint_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("opp_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
            name=op.f("fk_pipeline_complaints_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["opp_id"],
            ["pipeline_opportunities.opp_id"],
            name=op.f("fk_pipeline_complaints_opp_id_pipeline_opportunities"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.person_id"],
            name=op.f("fk_pipeline_complaints_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("complaint_id", name=op.f("pk_pipeline_complaints")),
    )
    op.create_index(
        op.f("ix_pipeline_complaints_customer_id"),
        "pipeline_complaints",
        ["customer_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pipeline_complaints_person_id"), "pipeline_complaints", ["person_id"], unique=False
    )
    op.create_table(
        "pipeline_contracts",
        sa.Column("contract_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("opp_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("payment_terms", sa.String(length=40), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("signed_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["opp_id"],
            ["pipeline_opportunities.opp_id"],
            name=op.f("fk_pipeline_contracts_opp_id_pipeline_opportunities"),
        ),
        sa.PrimaryKeyConstraint("contract_id", name=op.f("pk_pipeline_contracts")),
        sa.UniqueConstraint("opp_id", name=op.f("uq_pipeline_contracts_opp_id")),
    )
    op.create_index(
        op.f("ix_pipeline_contracts_status"), "pipeline_contracts", ["status"], unique=False
    )
    op.create_table(
        "pipeline_negotiation",
        sa.Column("opp_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("competitors", sa.Text(), nullable=False),
        sa.Column("strengths", sa.Text(), nullable=False),
        sa.Column("strategy", sa.Text(), nullable=False),
        sa.Column("bottom_line", sa.Float(), nullable=True),
        sa.Column("concessions", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["opp_id"],
            ["pipeline_opportunities.opp_id"],
            name=op.f("fk_pipeline_negotiation_opp_id_pipeline_opportunities"),
        ),
        sa.PrimaryKeyConstraint("opp_id", name=op.f("pk_pipeline_negotiation")),
    )
    op.create_table(
        "pipeline_spin",
        sa.Column("opp_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("situation", sa.Text(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("implication", sa.Text(), nullable=False),
        sa.Column("need_payoff", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["opp_id"],
            ["pipeline_opportunities.opp_id"],
            name=op.f("fk_pipeline_spin_opp_id_pipeline_opportunities"),
        ),
        sa.PrimaryKeyConstraint("opp_id", name=op.f("pk_pipeline_spin")),
    )
    op.create_table(
        "pipeline_stage_history",
        sa.Column(
            "change_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("opp_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.String(length=40), nullable=True),
        sa.Column("to_stage", sa.String(length=40), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["opp_id"],
            ["pipeline_opportunities.opp_id"],
            name=op.f("fk_pipeline_stage_history_opp_id_pipeline_opportunities"),
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_pipeline_stage_history")),
    )
    op.create_index(
        op.f("ix_pipeline_stage_history_opp_id"), "pipeline_stage_history", ["opp_id"], unique=False
    )
    op.create_table(
        "pipeline_surveys",
        sa.Column("survey_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("opp_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("surveyed_on", sa.Date(), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_pipeline_surveys_score_range")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
            name=op.f("fk_pipeline_surveys_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["opp_id"],
            ["pipeline_opportunities.opp_id"],
            name=op.f("fk_pipeline_surveys_opp_id_pipeline_opportunities"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name=op.f("fk_pipeline_surveys_person_id_people")
        ),
        sa.PrimaryKeyConstraint("survey_id", name=op.f("pk_pipeline_surveys")),
        sa.UniqueConstraint("opp_id", name=op.f("uq_pipeline_surveys_opp_id")),
    )
    op.create_index(
        op.f("ix_pipeline_surveys_customer_id"), "pipeline_surveys", ["customer_id"], unique=False
    )
    op.create_index(
        op.f("ix_pipeline_surveys_person_id"), "pipeline_surveys", ["person_id"], unique=False
    )
    op.create_table(
        "pipeline_contract_lines",
        sa.Column("line_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit_price", sa.Float(), nullable=False),
        sa.Column("unit_cost", sa.Float(), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_pipeline_contract_lines_quantity_pos")),
        sa.CheckConstraint("unit_cost >= 0", name=op.f("ck_pipeline_contract_lines_cost_nonneg")),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_pipeline_contract_lines_price_nonneg")),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["pipeline_contracts.contract_id"],
            name=op.f("fk_pipeline_contract_lines_contract_id_pipeline_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.order_id"],
            name=op.f("fk_pipeline_contract_lines_order_id_orders"),
        ),
        sa.PrimaryKeyConstraint("line_id", name=op.f("pk_pipeline_contract_lines")),
    )
    op.create_index(
        op.f("ix_pipeline_contract_lines_contract_id"),
        "pipeline_contract_lines",
        ["contract_id"],
        unique=False,
    )
    op.create_table(
        "pipeline_contract_reviews",
        sa.Column("review_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewer", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["pipeline_contracts.contract_id"],
            name=op.f("fk_pipeline_contract_reviews_contract_id_pipeline_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["people.person_id"],
            name=op.f("fk_pipeline_contract_reviews_reviewer_id_people"),
        ),
        sa.PrimaryKeyConstraint("review_id", name=op.f("pk_pipeline_contract_reviews")),
    )
    op.create_index(
        op.f("ix_pipeline_contract_reviews_contract_id"),
        "pipeline_contract_reviews",
        ["contract_id"],
        unique=False,
    )
    op.create_table(
        "pipeline_milestones",
        sa.Column("milestone_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["pipeline_contracts.contract_id"],
            name=op.f("fk_pipeline_milestones_contract_id_pipeline_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["people.person_id"], name=op.f("fk_pipeline_milestones_owner_id_people")
        ),
        sa.PrimaryKeyConstraint("milestone_id", name=op.f("pk_pipeline_milestones")),
    )
    op.create_index(
        op.f("ix_pipeline_milestones_contract_id"),
        "pipeline_milestones",
        ["contract_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pipeline_milestones_due_date"), "pipeline_milestones", ["due_date"], unique=False
    )
    op.create_index(
        op.f("ix_pipeline_milestones_owner_id"), "pipeline_milestones", ["owner_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_pipeline_milestones_owner_id"), table_name="pipeline_milestones")
    op.drop_index(op.f("ix_pipeline_milestones_due_date"), table_name="pipeline_milestones")
    op.drop_index(op.f("ix_pipeline_milestones_contract_id"), table_name="pipeline_milestones")
    op.drop_table("pipeline_milestones")
    op.drop_index(
        op.f("ix_pipeline_contract_reviews_contract_id"), table_name="pipeline_contract_reviews"
    )
    op.drop_table("pipeline_contract_reviews")
    op.drop_index(
        op.f("ix_pipeline_contract_lines_contract_id"), table_name="pipeline_contract_lines"
    )
    op.drop_table("pipeline_contract_lines")
    op.drop_index(op.f("ix_pipeline_surveys_person_id"), table_name="pipeline_surveys")
    op.drop_index(op.f("ix_pipeline_surveys_customer_id"), table_name="pipeline_surveys")
    op.drop_table("pipeline_surveys")
    op.drop_index(op.f("ix_pipeline_stage_history_opp_id"), table_name="pipeline_stage_history")
    op.drop_table("pipeline_stage_history")
    op.drop_table("pipeline_spin")
    op.drop_table("pipeline_negotiation")
    op.drop_index(op.f("ix_pipeline_contracts_status"), table_name="pipeline_contracts")
    op.drop_table("pipeline_contracts")
    op.drop_index(op.f("ix_pipeline_complaints_person_id"), table_name="pipeline_complaints")
    op.drop_index(op.f("ix_pipeline_complaints_customer_id"), table_name="pipeline_complaints")
    op.drop_table("pipeline_complaints")
    op.drop_index(op.f("ix_pipeline_opportunities_stage"), table_name="pipeline_opportunities")
    op.drop_index(op.f("ix_pipeline_opportunities_owner_id"), table_name="pipeline_opportunities")
    op.drop_index(
        op.f("ix_pipeline_opportunities_expected_close"), table_name="pipeline_opportunities"
    )
    op.drop_index(
        op.f("ix_pipeline_opportunities_customer_id"), table_name="pipeline_opportunities"
    )
    op.drop_table("pipeline_opportunities")
