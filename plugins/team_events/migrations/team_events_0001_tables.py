"""Team events: events, series, invitees, action items, budgets, spend,
announcements and reads.

Revision ID: team_events_0001
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "team_events_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("team_events",)
depends_on: str | Sequence[str] | None = None


def _person_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["people.person_id"], name=op.f(f"fk_{table}_{column}_people")
    )


def upgrade() -> None:
    op.create_table(
        "team_events_series",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("team_root", sa.Integer(), nullable=False),
        sa.Column("recurrence", sa.String(length=10), nullable=False),
        sa.Column("every", sa.Integer(), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("until_date", sa.Date(), nullable=True),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "recurrence IN ('weekly', 'monthly')", name=op.f("ck_team_events_series_recurrence")
        ),
        sa.CheckConstraint("every >= 1", name=op.f("ck_team_events_series_every_positive")),
        _person_fk("team_events_series", "team_root"),
        sa.PrimaryKeyConstraint("series_id", name=op.f("pk_team_events_series")),
    )
    op.create_index(op.f("ix_team_events_series_team_root"), "team_events_series", ["team_root"])

    op.create_table(
        "team_events_events",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("team_root", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "kind IN ('weekly_meeting', 'monthly_review', 'outdoor', 'dinner', 'custom')",
            name=op.f("ck_team_events_events_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('scheduled', 'held', 'cancelled')",
            name=op.f("ck_team_events_events_status"),
        ),
        sa.CheckConstraint(
            "duration_minutes > 0", name=op.f("ck_team_events_events_duration_positive")
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["team_events_series.series_id"],
            name=op.f("fk_team_events_events_series_id_team_events_series"),
        ),
        _person_fk("team_events_events", "team_root"),
        _person_fk("team_events_events", "organiser_id"),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_team_events_events")),
    )
    for column in ("series_id", "team_root", "event_date"):
        op.create_index(op.f(f"ix_team_events_events_{column}"), "team_events_events", [column])

    op.create_table(
        "team_events_invitees",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("attendance", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "attendance IN ('invited', 'present', 'late', 'absent', 'excused')",
            name=op.f("ck_team_events_invitees_attendance"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["team_events_events.event_id"],
            name=op.f("fk_team_events_invitees_event_id_team_events_events"),
            ondelete="CASCADE",
        ),
        _person_fk("team_events_invitees", "person_id"),
        sa.PrimaryKeyConstraint("event_id", "person_id", name=op.f("pk_team_events_invitees")),
    )
    op.create_index(
        op.f("ix_team_events_invitees_person_id"), "team_events_invitees", ["person_id"]
    )

    op.create_table(
        "team_events_actions",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("team_root", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'done', 'dropped')",
            name=op.f("ck_team_events_actions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["team_events_events.event_id"],
            name=op.f("fk_team_events_actions_event_id_team_events_events"),
        ),
        _person_fk("team_events_actions", "team_root"),
        _person_fk("team_events_actions", "owner_id"),
        sa.PrimaryKeyConstraint("action_id", name=op.f("pk_team_events_actions")),
    )
    for column in ("event_id", "team_root", "owner_id", "due_date"):
        op.create_index(op.f(f"ix_team_events_actions_{column}"), "team_events_actions", [column])

    op.create_table(
        "team_events_action_updates",
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'done', 'dropped')",
            name=op.f("ck_team_events_action_updates_status"),
        ),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["team_events_actions.action_id"],
            name=op.f("fk_team_events_action_updates_action_id_team_events_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["team_events_events.event_id"],
            name=op.f("fk_team_events_action_updates_event_id_team_events_events"),
        ),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_team_events_action_updates")),
    )
    op.create_index(
        op.f("ix_team_events_action_updates_action_id"),
        "team_events_action_updates",
        ["action_id"],
    )

    op.create_table(
        "team_events_budgets",
        sa.Column("team_root", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_team_events_budgets_amount_nonneg")),
        _person_fk("team_events_budgets", "team_root"),
        sa.PrimaryKeyConstraint("team_root", "year", name=op.f("pk_team_events_budgets")),
    )

    op.create_table(
        "team_events_spend",
        sa.Column("spend_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_team_events_spend_amount_positive")),
        sa.CheckConstraint(
            "category IN ('venue', 'food', 'transport', 'activity', 'gifts', 'other')",
            name=op.f("ck_team_events_spend_category"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["team_events_events.event_id"],
            name=op.f("fk_team_events_spend_event_id_team_events_events"),
        ),
        sa.PrimaryKeyConstraint("spend_id", name=op.f("pk_team_events_spend")),
    )
    op.create_index(op.f("ix_team_events_spend_event_id"), "team_events_spend", ["event_id"])

    op.create_table(
        "team_events_announcements",
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("region", sa.String(length=50), nullable=False),
        sa.Column("team_root", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "audience IN ('force', 'region', 'team')",
            name=op.f("ck_team_events_announcements_audience"),
        ),
        _person_fk("team_events_announcements", "team_root"),
        _person_fk("team_events_announcements", "author_id"),
        sa.PrimaryKeyConstraint("announcement_id", name=op.f("pk_team_events_announcements")),
    )
    op.create_index(
        op.f("ix_team_events_announcements_published_on"),
        "team_events_announcements",
        ["published_on"],
    )

    op.create_table(
        "team_events_reads",
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("read_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["team_events_announcements.announcement_id"],
            name=op.f("fk_team_events_reads_announcement_id_team_events_announcements"),
            ondelete="CASCADE",
        ),
        _person_fk("team_events_reads", "person_id"),
        sa.PrimaryKeyConstraint("announcement_id", "person_id", name=op.f("pk_team_events_reads")),
    )
    op.create_index(op.f("ix_team_events_reads_person_id"), "team_events_reads", ["person_id"])


def downgrade() -> None:
    for table in (
        "team_events_reads",
        "team_events_announcements",
        "team_events_spend",
        "team_events_budgets",
        "team_events_action_updates",
        "team_events_actions",
        "team_events_invitees",
        "team_events_events",
        "team_events_series",
    ):
        op.drop_table(table)
