"""Planned visits: plan one at a time, log it (a follow-up on the channel visit), cancel it.

A plan belongs to the person who will visit (the viewer who planned it); the
customer must be owned within the viewer's scope, as for a follow-up.
Logging writes the follow-up and marks the plan done in one transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.ids import next_id
from command_center.org.scope import Viewer
from plugins.customers.actions.followups import FollowUpInput, record_followup
from plugins.customers.actions.guards import editable, require_person
from plugins.customers.errors import ActionRefused
from plugins.customers.models import VisitPlan

MAX_NOTE = 500


def plan_visit(
    engine: Engine,
    viewer: Viewer,
    customer_id: int,
    planned_at: dt.datetime,
    note: str = "",
    now: dt.datetime | None = None,
) -> int:
    """Plan a visit to a customer owned within the viewer's scope, at ``planned_at``
    (today or later); returns the plan's id."""
    now = now or dt.datetime.now()
    person_id = require_person(viewer)
    if planned_at.date() < now.date():
        raise ActionRefused("visit.in_past")
    if len(note) > MAX_NOTE:
        raise ActionRefused("visit.note_too_long", limit=MAX_NOTE)
    with write_session(engine) as session:
        customer = editable(session, viewer, customer_id)
        if customer.owner_id is None:
            raise ActionRefused("claim_first")
        plan_id = next_id(session, VisitPlan.plan_id)
        session.add(
            VisitPlan(
                plan_id=plan_id,
                customer_id=customer_id,
                person_id=person_id,
                planned_at=planned_at.replace(second=0, microsecond=0),
                note=note.strip(),
                status="planned",
                created_by=viewer.login,
            )
        )
        session.flush()
        audit(
            session,
            viewer.login,
            "visit_planned",
            "customer",
            customer_id,
            plan_id=plan_id,
            planned_at=planned_at.isoformat(timespec="minutes"),
        )
    return plan_id


def _open_plan(session: Session, viewer: Viewer, plan_id: int) -> VisitPlan:
    """The plan, still planned, of a customer the viewer may work on, by someone in scope."""
    plan = session.scalars(
        select(VisitPlan).where(VisitPlan.plan_id == plan_id).with_for_update()
    ).one_or_none()
    if plan is None or not viewer.can_see(plan.person_id):
        raise ActionRefused("visit.unknown", plan=plan_id)
    if plan.status != "planned":
        raise ActionRefused("visit.not_planned")
    editable(session, viewer, plan.customer_id)
    return plan


def log_visit(
    engine: Engine,
    viewer: Viewer,
    plan_id: int,
    data: FollowUpInput,
    today: dt.date | None = None,
) -> int:
    """Log a planned visit: the follow-up (as :func:`log_followup` checks it) and the plan
    marked done with it, in one transaction; returns the follow-up's id."""
    with write_session(engine) as session:
        plan = _open_plan(session, viewer, plan_id)
        followup_id = record_followup(session, viewer, plan.customer_id, data, today)
        plan.status, plan.followup_id = "done", followup_id
        audit(
            session,
            viewer.login,
            "visit_logged",
            "customer",
            plan.customer_id,
            plan_id=plan_id,
            followup_id=followup_id,
        )
    return followup_id


def cancel_visit(engine: Engine, viewer: Viewer, plan_id: int) -> None:
    """Call off a planned visit (its planner, or a leader above them)."""
    require_person(viewer)
    with write_session(engine) as session:
        plan = _open_plan(session, viewer, plan_id)
        plan.status = "cancelled"
        audit(
            session, viewer.login, "visit_cancelled", "customer", plan.customer_id, plan_id=plan_id
        )
