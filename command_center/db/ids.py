"""Id allocation for tables whose ids the app chooses (``MAX + 1`` inside the write)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session


def lock_table(session: Session, table: str) -> None:
    """PostgreSQL: hold off concurrent id allocation on ``table`` until commit.

    SQLite needs nothing: :func:`command_center.db.engine.write_session`
    begins with ``BEGIN IMMEDIATE``, so the transaction already holds the
    database's write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))


def next_id(session: Session, column: InstrumentedAttribute[Any]) -> int:
    """``MAX + 1`` of ``column``, allocated inside the caller's write transaction."""
    lock_table(session, column.class_.__table__.name)
    return int(session.scalar(select(func.max(column))) or 0) + 1
