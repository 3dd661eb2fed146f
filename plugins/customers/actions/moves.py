"""Pool moves (create, claim, release, assign) stored in bulk with their audit entries."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import polars as pl
from sqlalchemy.orm import Session

from command_center.db.bulk import bulk_insert
from command_center.db.ids import next_id
from command_center.db.models import AuditEntry, utcnow
from command_center.db.tables import polars_schema
from plugins.customers.models import PoolMove

ACTOR_SYSTEM = "system"
MOVE_COLUMNS: tuple[str, ...] = (
    "move_id",
    "customer_id",
    "moved_on",
    "action",
    "reason",
    "from_owner_id",
    "to_owner_id",
    "days_idle",
)


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
    first = next_id(session, PoolMove.move_id)
    now = utcnow()
    ids = list(range(first, first + len(moves)))
    days = [m.on or day for m in moves]
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
        schema=polars_schema(PoolMove, MOVE_COLUMNS),
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
