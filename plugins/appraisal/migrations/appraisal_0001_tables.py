"""Appraisal: cycles, level templates, records, KPI lines, feedback talks, improvement actions.

Revision ID: appraisal_0001
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "appraisal_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("appraisal",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "appraisal_cycles",
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("root_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('monthly','annual')", name=op.f("ck_appraisal_cycles_kind")),
        sa.CheckConstraint(
            "state IN ('planning','in_progress','self_review','manager_review',"
            "'calibration','closed')",
            name=op.f("ck_appraisal_cycles_state"),
        ),
        sa.ForeignKeyConstraint(
            ["root_id"], ["people.person_id"], name=op.f("fk_appraisal_cycles_root_id_people")
        ),
        sa.PrimaryKeyConstraint("cycle_id", name=op.f("pk_appraisal_cycles")),
        sa.UniqueConstraint("kind", "period", "root_id", name="uq_appraisal_cycles_unit"),
    )
    op.create_index(
        op.f("ix_appraisal_cycles_period"), "appraisal_cycles", ["period"], unique=False
    )
    op.create_index(
        op.f("ix_appraisal_cycles_root_id"), "appraisal_cycles", ["root_id"], unique=False
    )
    op.create_table(
        "appraisal_actions",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=300), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open','in_progress','done','dropped')",
            name=op.f("ck_appraisal_actions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["appraisal_cycles.cycle_id"],
            name=op.f("fk_appraisal_actions_cycle_id_appraisal_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["people.person_id"], name=op.f("fk_appraisal_actions_owner_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name=op.f("fk_appraisal_actions_person_id_people")
        ),
        sa.PrimaryKeyConstraint("action_id", name=op.f("pk_appraisal_actions")),
    )
    op.create_index(
        op.f("ix_appraisal_actions_cycle_id"), "appraisal_actions", ["cycle_id"], unique=False
    )
    op.create_index(
        op.f("ix_appraisal_actions_owner_id"), "appraisal_actions", ["owner_id"], unique=False
    )
    op.create_index(
        op.f("ix_appraisal_actions_person_id"), "appraisal_actions", ["person_id"], unique=False
    )
    op.create_table(
        "appraisal_kpis",
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=50), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("rule", sa.String(length=10), nullable=False),
        sa.Column("ceiling", sa.Float(), nullable=False),
        sa.Column("floor", sa.Float(), nullable=False),
        sa.Column("steps", sa.String(length=200), nullable=False),
        sa.Column("self_score", sa.Float(), nullable=True),
        sa.Column("actual", sa.Float(), nullable=True),
        sa.Column("attainment", sa.Float(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=True),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["appraisal_cycles.cycle_id"],
            name=op.f("fk_appraisal_kpis_cycle_id_appraisal_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name=op.f("fk_appraisal_kpis_person_id_people")
        ),
        sa.PrimaryKeyConstraint("kpi_id", name=op.f("pk_appraisal_kpis")),
        sa.UniqueConstraint("cycle_id", "person_id", "position", name="uq_appraisal_kpis_line"),
    )
    op.create_index(
        op.f("ix_appraisal_kpis_cycle_id"), "appraisal_kpis", ["cycle_id"], unique=False
    )
    op.create_index(
        op.f("ix_appraisal_kpis_person_id"), "appraisal_kpis", ["person_id"], unique=False
    )
    op.create_table(
        "appraisal_records",
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("contract", sa.String(length=20), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("self_comment", sa.Text(), nullable=False),
        sa.Column("self_values", sa.JSON(), nullable=False),
        sa.Column("self_ability", sa.Float(), nullable=True),
        sa.Column("self_attitude", sa.Float(), nullable=True),
        sa.Column("self_at", sa.DateTime(), nullable=True),
        sa.Column("judgement", sa.Float(), nullable=False),
        sa.Column("manager_comment", sa.Text(), nullable=False),
        sa.Column("manager_values", sa.JSON(), nullable=False),
        sa.Column("ability", sa.Float(), nullable=True),
        sa.Column("attitude", sa.Float(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=64), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("kpi_score", sa.Float(), nullable=True),
        sa.Column("results_score", sa.Float(), nullable=True),
        sa.Column("values_score", sa.Float(), nullable=True),
        sa.Column("final_score", sa.Float(), nullable=True),
        sa.Column("proposed_rating", sa.String(length=10), nullable=True),
        sa.Column("rating", sa.String(length=10), nullable=True),
        sa.Column("calibration_note", sa.String(length=500), nullable=False),
        sa.Column("grid", sa.String(length=20), nullable=True),
        sa.Column("bonus_multiplier", sa.Float(), nullable=True),
        sa.Column("raise_pct", sa.Float(), nullable=True),
        sa.Column("promotion", sa.Boolean(), nullable=True),
        sa.Column("training", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "contract IN ('none','issued','acknowledged')",
            name=op.f("ck_appraisal_records_contract"),
        ),
        sa.CheckConstraint(
            "rating IS NULL OR rating IN ('exceeds','meets','below')",
            name=op.f("ck_appraisal_records_rating_key"),
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["appraisal_cycles.cycle_id"],
            name=op.f("fk_appraisal_records_cycle_id_appraisal_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name=op.f("fk_appraisal_records_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["people.person_id"], name=op.f("fk_appraisal_records_team_id_people")
        ),
        sa.PrimaryKeyConstraint("cycle_id", "person_id", name=op.f("pk_appraisal_records")),
    )
    op.create_index(
        op.f("ix_appraisal_records_person_id"), "appraisal_records", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_appraisal_records_team_id"), "appraisal_records", ["team_id"], unique=False
    )
    op.create_table(
        "appraisal_talks",
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("held_by", sa.String(length=64), nullable=False),
        sa.Column("strengths", sa.Text(), nullable=False),
        sa.Column("improvements", sa.Text(), nullable=False),
        sa.Column("employee_view", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["appraisal_cycles.cycle_id"],
            name=op.f("fk_appraisal_talks_cycle_id_appraisal_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name=op.f("fk_appraisal_talks_person_id_people")
        ),
        sa.PrimaryKeyConstraint("cycle_id", "person_id", name=op.f("pk_appraisal_talks")),
    )
    op.create_table(
        "appraisal_templates",
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=50), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("rule", sa.String(length=10), nullable=False),
        sa.Column("ceiling", sa.Float(), nullable=False),
        sa.Column("floor", sa.Float(), nullable=False),
        sa.Column("steps", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["appraisal_cycles.cycle_id"],
            name=op.f("fk_appraisal_templates_cycle_id_appraisal_cycles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("line_id", name=op.f("pk_appraisal_templates")),
        sa.UniqueConstraint("cycle_id", "level", "position", name="uq_appraisal_templates_line"),
    )
    op.create_index(
        op.f("ix_appraisal_templates_cycle_id"), "appraisal_templates", ["cycle_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_appraisal_templates_cycle_id"), table_name="appraisal_templates")
    op.drop_table("appraisal_templates")
    op.drop_table("appraisal_talks")
    op.drop_index(op.f("ix_appraisal_records_team_id"), table_name="appraisal_records")
    op.drop_index(op.f("ix_appraisal_records_person_id"), table_name="appraisal_records")
    op.drop_table("appraisal_records")
    op.drop_index(op.f("ix_appraisal_kpis_person_id"), table_name="appraisal_kpis")
    op.drop_index(op.f("ix_appraisal_kpis_cycle_id"), table_name="appraisal_kpis")
    op.drop_table("appraisal_kpis")
    op.drop_index(op.f("ix_appraisal_actions_person_id"), table_name="appraisal_actions")
    op.drop_index(op.f("ix_appraisal_actions_owner_id"), table_name="appraisal_actions")
    op.drop_index(op.f("ix_appraisal_actions_cycle_id"), table_name="appraisal_actions")
    op.drop_table("appraisal_actions")
    op.drop_index(op.f("ix_appraisal_cycles_root_id"), table_name="appraisal_cycles")
    op.drop_index(op.f("ix_appraisal_cycles_period"), table_name="appraisal_cycles")
    op.drop_table("appraisal_cycles")
