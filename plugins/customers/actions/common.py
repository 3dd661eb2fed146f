"""Shared pieces of the writes: refusals, id allocation, pool moves with their audit."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import func, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session

from command_center.db.bulk import bulk_insert
from command_center.db.models import AuditEntry, utcnow
from command_center.org.scope import Viewer

ACTOR_SYSTEM = "system"


class ActionRefused(ValueError):
    """An action the rules forbid; ``key`` is a translation key under ``customers.refused``."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = f"customers.refused.{key}"
        self.params = params


@dataclass
class DuplicateFound(ValueError):
    """The customer being saved matches existing ones (same name, phone or tax id)."""

    matches: list[dict[str, Any]] = field(default_factory=list)

    def __str__(self) -> str:
        ids = ", ".join(str(m["customer_id"]) for m in self.matches)
        return f"duplicate of customer(s) {ids}"


def lock_table(session: Session, table: str) -> None:
    """PostgreSQL: serialise id allocation (SQLite's BEGIN IMMEDIATE does already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))


def next_id(session: Session, column: InstrumentedAttribute[int], table: str) -> int:
    """MAX + 1 of ``column``, allocated inside the caller's write transaction."""
    lock_table(session, table)
    return int(session.scalar(select(func.max(column))) or 0) + 1


def require_person(viewer: Viewer) -> int:
    if viewer.role == "admin" or viewer.person_id is None:
        raise ActionRefused("no_person")
    return viewer.person_id


@dataclass(frozen=True)
class Move:
    customer_id: int
    action: str
    reason: str
    from_owner_id: int | None
    to_owner_id: int | None
    days_idle: int | None = None
    on: dt.date | None = None  # the move's day when it differs from the batch's


def record_moves(session: Session, moves: list[Move], day: dt.date, actor: str) -> int:
    """Store pool moves and one audit entry for each, in bulk (a release may move many).

    The audit rows are what :func:`command_center.db.audit.audit` writes, one per move.
    """
    if not moves:
        return 0
    from plugins.customers.models import PoolMove

    first = next_id(session, PoolMove.move_id, "customers_pool_moves")
    now = utcnow()
    ids = list(range(first, first + len(moves)))
    days = [m.on or day for m in moves]
    people = {"from_owner_id": pl.Int64, "to_owner_id": pl.Int64, "days_idle": pl.Int64}
    rows = pl.DataFrame(
        {
            "move_id": ids,
            "customer_id": [m.customer_id for m in moves],
            "moved_on": days,
            "action": [m.action for m in moves],
            "reason": [m.reason for m in moves],
            "from_owner_id": [m.from_owner_id for m in moves],
            "to_owner_id": [m.to_owner_id for m in moves],
            "days_idle": [m.days_idle for m in moves],
        },
        schema_overrides={"move_id": pl.Int64, "moved_on": pl.Date, **people},
    ).with_columns(pl.lit(actor).alias("actor"), pl.lit(now).alias("at"))
    bulk_insert(session, PoolMove.__table__, rows)  # type: ignore[arg-type]
    details = [
        json.dumps(
            {
                "move_id": move_id,
                "reason": m.reason,
                "from_owner_id": m.from_owner_id,
                "to_owner_id": m.to_owner_id,
                "days_idle": m.days_idle,
                "on": on.isoformat(),
            }
        )
        for move_id, m, on in zip(ids, moves, days, strict=True)
    ]
    audit_rows = pl.DataFrame(
        {
            "actor": [actor] * len(moves),
            "action": [f"customer_{m.action}" for m in moves],
            "entity": ["customer"] * len(moves),
            "entity_id": [str(m.customer_id) for m in moves],
            "detail": details,
        }
    ).with_columns(pl.lit(now).alias("at"))
    bulk_insert(session, AuditEntry.__table__, audit_rows)  # type: ignore[arg-type]
    return len(moves)
