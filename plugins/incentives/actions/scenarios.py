"""Writes of what-if scenarios: a login saves, replaces and deletes its own, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.models import utcnow
from command_center.org.scope import Viewer
from plugins.incentives.errors import IncentivesError
from plugins.incentives.models import Scenario

SIMULATOR_ROLES = frozenset({"manager", "director"})
"""Who simulates the whole force's plans and saves scenarios."""
SIMULATOR_PAGE_ROLES = frozenset({"supervisor", "manager", "director"})
"""Who opens the simulator: a supervisor simulates their team only and saves nothing."""


def save_scenario(
    engine: Engine,
    viewer: Viewer,
    owner: str,
    name: str,
    version_id: int,
    start: dt.date,
    end: dt.date,
    edits: dict[str, Any],
    assumptions: dict[str, Any],
) -> int:
    """Save (or replace) ``owner``'s scenario called ``name`` (managers and directors)."""
    if viewer.role not in SIMULATOR_ROLES:
        raise IncentivesError("not_allowed")
    name = name.strip()
    if not name:
        raise IncentivesError("name_needed")
    with write_session(engine) as session:
        row = session.scalar(
            select(Scenario).where(Scenario.owner == owner, Scenario.name == name[:100])
        )
        action = "scenario_updated" if row is not None else "scenario_saved"
        if row is None:
            row = Scenario(owner=owner, name=name[:100])
            session.add(row)
        row.plan_version_id = version_id
        row.start, row.end = start, end
        row.edits = dict(edits)
        row.assumptions = dict(assumptions)
        row.updated_at = utcnow()
        session.flush()
        audit(
            session,
            owner,
            action,
            "incentives_scenario",
            row.scenario_id,
            name=name,
            edits=len(edits),
        )
        return row.scenario_id


def delete_scenario(engine: Engine, owner: str, scenario_id: int) -> None:
    with write_session(engine) as session:
        row = session.get(Scenario, scenario_id)
        if row is None or row.owner != owner:
            raise IncentivesError("no_scenario")
        session.delete(row)
        audit(session, owner, "scenario_deleted", "incentives_scenario", scenario_id, name=row.name)
