"""Team events: daily and weekly reports, their reads and comments.

Revision ID: team_events_0002
Revises: team_events_0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "team_events_0002"
down_revision: str | Sequence[str] | None = "team_events_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORTS = "team_events_reports"


def _person_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["people.person_id"], name=op.f(f"fk_{table}_{column}_people")
    )


def _report_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["report_id"],
        [f"{REPORTS}.report_id"],
        name=op.f(f"fk_{table}_report_id_{REPORTS}"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        REPORTS,
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("grain", sa.String(length=4), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("wins", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("help_needed", sa.Text(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("grain IN ('day', 'week')", name=op.f(f"ck_{REPORTS}_grain")),
        _person_fk(REPORTS, "person_id"),
        sa.PrimaryKeyConstraint("report_id", name=op.f(f"pk_{REPORTS}")),
        sa.UniqueConstraint("person_id", "period", name=op.f(f"uq_{REPORTS}_person_id")),
    )
    op.create_index("ix_team_events_reports_first_day_person", REPORTS, ["first_day", "person_id"])

    reads = "team_events_report_reads"
    op.create_table(
        reads,
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("reader_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=False),
        _report_fk(reads),
        _person_fk(reads, "reader_id"),
        sa.PrimaryKeyConstraint("report_id", "reader_id", name=op.f(f"pk_{reads}")),
    )

    comments = "team_events_report_comments"
    op.create_table(
        comments,
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _report_fk(comments),
        _person_fk(comments, "author_id"),
        sa.PrimaryKeyConstraint("comment_id", name=op.f(f"pk_{comments}")),
    )
    op.create_index(op.f(f"ix_{comments}_report_id"), comments, ["report_id"])


def downgrade() -> None:
    for table in ("team_events_report_comments", "team_events_report_reads", REPORTS):
        op.drop_table(table)
