"""Writes of plans: every save is a new version (never an edit in place), audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.ids import lock_table
from command_center.org.scope import Viewer
from plugins.incentives.errors import IncentivesError, month_label
from plugins.incentives.logic.plan_model import Checked, parse_plan
from plugins.incentives.models import PlanRecord, PlanVersion

PLAN_EDITORS = frozenset({"director"})


@dataclass(frozen=True)
class SavedPlan:
    version_id: int
    version: int
    checked: Checked


def save_plan(
    engine: Engine,
    viewer: Viewer,
    text: str,
    actor: str,
    effective_from: dt.date | None = None,
    note: str = "",
    available: frozenset[str] | None = None,
) -> SavedPlan:
    """Validate ``text`` and store it as the next version of the plan it names.

    Directors only: a plan pays the whole force.
    """
    if viewer.role not in PLAN_EDITORS:
        raise IncentivesError("not_allowed")
    checked = parse_plan(text, available)
    plan = checked.plan
    if effective_from is None:
        label = plan.effective_from or month_label(dt.date.today())
        effective_from = dt.date(int(label[:4]), int(label[5:7]), 1)
    effective_from = effective_from.replace(day=1)
    with write_session(engine) as session:
        record = session.scalar(select(PlanRecord).where(PlanRecord.name == plan.name))
        if record is None:
            record = PlanRecord(name=plan.name, created_by=actor)
            session.add(record)
            session.flush()
        lock_table(session, PlanVersion.__tablename__)  # version numbers: MAX + 1 per plan
        latest = session.scalar(
            select(func.max(PlanVersion.version)).where(PlanVersion.plan_id == record.plan_id)
        )
        version = PlanVersion(
            plan_id=record.plan_id,
            version=(latest or 0) + 1,
            effective_from=effective_from,
            source=text,
            note=note[:200],
            created_by=actor,
        )
        session.add(version)
        session.flush()
        audit(
            session,
            actor,
            "plan_version_saved",
            "incentives_plan",
            plan.name,
            version=version.version,
            effective_from=effective_from.isoformat(),
            note=note[:200],
        )
        return SavedPlan(version.version_id, version.version, checked)
