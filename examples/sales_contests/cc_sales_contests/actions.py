"""Writes: one transaction per user action, role-checked and audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cc_sales_contests.errors import ContestError
from cc_sales_contests.models import Contest
from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.ids import next_id
from command_center.org.scope import Viewer

ORGANISERS = frozenset({"director", "manager"})  # who may create contests


def create_contest(
    engine: Engine,
    viewer: Viewer,
    name: str,
    metric: str,
    start: dt.date,
    end: dt.date,
    prize: str,
    actor: str,
) -> int:
    """A director or manager creates a contest."""
    if viewer.role not in ORGANISERS:
        raise ContestError("contests.error_role")
    with write_session(engine) as session:
        return store_contest(session, name, metric, start, end, prize, actor)


def store_contest(
    session: Session, name: str, metric: str, start: dt.date, end: dt.date, prize: str, actor: str
) -> int:
    """Store a contest inside the caller's transaction (the action above, the demo)."""
    if not name.strip():
        raise ContestError("contests.error_name")
    if end < start:
        raise ContestError("contests.error_months")
    contest_id = next_id(session, Contest.contest_id)
    session.add(
        Contest(
            contest_id=contest_id,
            name=name.strip(),
            metric=metric,
            start_month=start.replace(day=1),
            end_month=end.replace(day=1),
            prize=prize.strip(),
        )
    )
    audit(session, actor, "contest_created", "contest", contest_id, name=name, metric=metric)
    return contest_id
