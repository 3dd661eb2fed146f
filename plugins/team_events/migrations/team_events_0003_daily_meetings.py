"""Team events: the morning kick-off and the evening review (event kinds ``kickoff`` and
``evening_review``), series on workdays (recurrence ``workdays`` with its weekdays) and
the members' goals stated at a kick-off.

Revision ID: team_events_0003
Revises: team_events_0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "team_events_0003"
down_revision: str | Sequence[str] | None = "team_events_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = ("weekly_meeting", "monthly_review", "outdoor", "dinner", "custom")
NEW_KINDS = (*OLD_KINDS, "kickoff", "evening_review")
OLD_RECURRENCES = ("weekly", "monthly")
NEW_RECURRENCES = (*OLD_RECURRENCES, "workdays")
GOALS = "team_events_goals"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


CHECKS = (
    ("team_events_events", "kind", OLD_KINDS, NEW_KINDS),
    ("team_events_series", "recurrence", OLD_RECURRENCES, NEW_RECURRENCES),
)


def _checks(new: bool) -> None:
    """The ``kind`` and ``recurrence`` checks with (``new``) or without the new values."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        for table, column, old, wider in CHECKS:
            op.drop_constraint(op.f(f"ck_{table}_{column}"), table, type_="check")
            op.create_check_constraint(
                op.f(f"ck_{table}_{column}"), table, _in(column, wider if new else old)
            )
        return
    # SQLite: rebuilding team_events_events (batch mode) would drop a table other tables'
    # foreign keys name, which fails (or cascades) with foreign keys on, and the pragma that
    # turns them off does nothing inside the migration's transaction. A check is no part of
    # the stored rows, so the table's definition is edited in place, as SQLite documents for
    # constraint changes that do not touch the on-disk content ("ALTER TABLE", section 7),
    # and the schema version moved on so every connection reads it again.
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    try:
        for table, column, old, wider in CHECKS:
            before, after = (_in(column, old), _in(column, wider))
            if not new:
                before, after = after, before
            changed = bind.exec_driver_sql(
                "UPDATE sqlite_master SET sql = replace(sql, ?, ?) "
                "WHERE type = 'table' AND name = ? AND instr(sql, ?) > 0",
                (before, after, table, before),
            ).rowcount
            if changed != 1:
                raise RuntimeError(f"{table}: the check on {column} is not {before}")
        bind.exec_driver_sql(f"PRAGMA schema_version={int(version or 0) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema=OFF")


def upgrade() -> None:
    _checks(new=True)
    op.add_column(
        "team_events_series",
        sa.Column("weekdays", sa.String(length=20), nullable=False, server_default=""),
    )
    op.create_table(
        GOALS,
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("new_customers", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "visits >= 0 AND calls >= 0 AND new_customers >= 0", name=op.f(f"ck_{GOALS}_counts")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["team_events_events.event_id"],
            name=op.f(f"fk_{GOALS}_event_id_team_events_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name=op.f(f"fk_{GOALS}_person_id_people")
        ),
        sa.PrimaryKeyConstraint("event_id", "person_id", name=op.f(f"pk_{GOALS}")),
    )


def downgrade() -> None:
    """Refused by the constraints while kick-offs, evening reviews or workday series exist."""
    op.drop_table(GOALS)
    bind = op.get_bind()
    used = bind.execute(
        sa.text(
            "SELECT (SELECT count(*) FROM team_events_events WHERE kind IN "
            "('kickoff', 'evening_review')) + (SELECT count(*) FROM team_events_series "
            "WHERE recurrence = 'workdays')"
        )
    ).scalar()
    if used:
        raise RuntimeError("kick-offs, evening reviews or workday series exist: remove them first")
    op.drop_column("team_events_series", "weekdays")  # SQLite 3.35+: in place
    _checks(new=False)
