"""Order execution and after-sales writes: milestones, surveys, complaints."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.ids import next_id
from command_center.org.scope import Viewer
from plugins.pipeline import settings as cfg
from plugins.pipeline.actions import guards
from plugins.pipeline.errors import PipelineError
from plugins.pipeline.logic import clock
from plugins.pipeline.models import Complaint, Contract, Milestone, Opportunity, Survey

TEXT_MAX = 4_000


def _milestone_owner(viewer: Viewer, owner_id: int, deal_owner: int) -> None:
    if owner_id != deal_owner:
        guards.in_scope(viewer, owner_id)


def add_milestone(
    engine: Engine,
    viewer: Viewer,
    contract_id: int,
    *,
    kind: str,
    owner_id: int,
    due_date: dt.date,
    title: str = "",
    note: str = "",
) -> int:
    """Add a step to a signed order's execution plan; returns its id."""
    if kind not in cfg.MILESTONE_KINDS:
        raise PipelineError("pipeline.error.bad_choice", field="pipeline.field.kind", value=kind)
    name = guards.text_value(title, 200, "pipeline.field.milestone_title", kind == "custom")
    with write_session(engine) as session:
        row, opp = guards.contract(session, viewer, contract_id)
        if row.status != "signed":
            raise PipelineError("pipeline.error.not_signed")
        guards.person(session, owner_id)
        _milestone_owner(viewer, owner_id, opp.owner_id)
        milestone = Milestone(
            milestone_id=next_id(session, Milestone.milestone_id),
            contract_id=contract_id,
            kind=kind,
            title=name,
            owner_id=owner_id,
            due_date=due_date,
            status="planned",
            note=guards.text_value(note, 500, "pipeline.field.note", required=False),
        )
        session.add(milestone)
        audit(
            session,
            viewer.login,
            "milestone_added",
            "pipeline_milestone",
            milestone.milestone_id,
            contract_id=contract_id,
            kind=kind,
            due_date=due_date,
        )
        return milestone.milestone_id


def update_milestone(
    engine: Engine,
    viewer: Viewer,
    milestone_id: int,
    *,
    status: str,
    due_date: dt.date,
    owner_id: int,
    note: str = "",
    today: dt.date | None = None,
) -> None:
    """Change a milestone's status, due date, owner or note; ``done`` records the day."""
    today = today or clock.now().date()
    if status not in cfg.MILESTONE_STATUSES:
        raise PipelineError(
            "pipeline.error.bad_choice", field="pipeline.field.status", value=status
        )
    with write_session(engine) as session:
        milestone = guards.get(session, Milestone, milestone_id, "pipeline.what.milestone")
        row = guards.get(session, Contract, milestone.contract_id, "pipeline.what.contract")
        deal = guards.get(session, Opportunity, row.opp_id, "pipeline.what.opportunity")
        # the deal's people and the milestone's owner (and their leaders) may update it
        if not (viewer.can_see(deal.owner_id) or viewer.can_see(milestone.owner_id)):
            raise PipelineError("pipeline.error.not_in_scope")
        guards.person(session, owner_id)
        if owner_id not in (milestone.owner_id, deal.owner_id):
            guards.in_scope(viewer, owner_id)
        before = milestone.status
        milestone.status = status
        milestone.due_date = due_date
        milestone.owner_id = owner_id
        milestone.note = guards.text_value(note, 500, "pipeline.field.note", required=False)
        if status == "done" and before != "done":
            milestone.done_on = today
        elif status != "done":
            milestone.done_on = None
        audit(
            session,
            viewer.login,
            "milestone_updated",
            "pipeline_milestone",
            milestone_id,
            before=before,
            status=status,
            due_date=due_date,
            owner_id=owner_id,
        )


def record_survey(
    engine: Engine,
    viewer: Viewer,
    opp_id: int,
    *,
    score: int,
    comment: str,
    surveyed_on: dt.date | None = None,
) -> int:
    """The customer's satisfaction (1–5) with a won deal; one survey per deal (re-recorded)."""
    if score not in (1, 2, 3, 4, 5):
        raise PipelineError("pipeline.error.bad_score")
    model = cfg.stage_model(cfg.current(engine))
    surveyed_on = surveyed_on or clock.now().date()
    with write_session(engine) as session:
        opp = guards.opportunity(session, viewer, opp_id)
        if opp.stage != model.won:
            raise PipelineError("pipeline.error.survey_needs_won")
        row = session.scalars(select(Survey).where(Survey.opp_id == opp_id)).first()
        if row is None:
            row = Survey(survey_id=next_id(session, Survey.survey_id), opp_id=opp_id)
            session.add(row)
        row.customer_id = opp.customer_id
        row.person_id = opp.owner_id
        row.score = score
        row.comment = guards.text_value(comment, TEXT_MAX, "pipeline.field.comment", False)
        row.surveyed_on = surveyed_on
        session.flush()
        audit(
            session,
            viewer.login,
            "survey_recorded",
            "pipeline_survey",
            row.survey_id,
            opp_id=opp_id,
            score=score,
        )
        return row.survey_id


def open_complaint(
    engine: Engine,
    viewer: Viewer,
    *,
    customer_id: int,
    description: str,
    opp_id: int | None = None,
    opened_at: dt.datetime | None = None,
) -> int:
    """Log a complaint; it is the deal owner's (else the customer owner's) to handle."""
    opened_at = opened_at or clock.now()
    with write_session(engine) as session:
        customer = guards.customer(session, viewer, customer_id)
        if opp_id is not None:
            opp = guards.opportunity(session, viewer, opp_id)
            if opp.customer_id != customer_id:
                raise PipelineError("pipeline.error.wrong_customer")
            person_id = opp.owner_id
        elif customer.owner_id is not None:
            person_id = customer.owner_id
        elif viewer.person_id is not None:
            person_id = viewer.person_id
        else:
            raise PipelineError("pipeline.error.no_handler")
        row = Complaint(
            complaint_id=next_id(session, Complaint.complaint_id),
            customer_id=customer_id,
            opp_id=opp_id,
            person_id=person_id,
            opened_at=opened_at,
            description=guards.text_value(description, TEXT_MAX, "pipeline.field.description"),
            resolution="",
        )
        session.add(row)
        audit(
            session,
            viewer.login,
            "complaint_opened",
            "pipeline_complaint",
            row.complaint_id,
            customer_id=customer_id,
            person_id=person_id,
        )
        return row.complaint_id


def resolve_complaint(
    engine: Engine,
    viewer: Viewer,
    complaint_id: int,
    *,
    resolution: str,
    resolved_at: dt.datetime | None = None,
) -> None:
    """Close a complaint with what was done; once only, never before it was opened."""
    resolved_at = resolved_at or clock.now()
    with write_session(engine) as session:
        row = guards.get(session, Complaint, complaint_id, "pipeline.what.complaint")
        guards.in_scope(viewer, row.person_id)
        if row.resolved_at is not None:
            raise PipelineError("pipeline.error.already_resolved")
        if resolved_at < row.opened_at:
            raise PipelineError("pipeline.error.resolved_before_opened")
        row.resolution = guards.text_value(resolution, TEXT_MAX, "pipeline.field.resolution")
        row.resolved_at = resolved_at
        hours = (resolved_at - row.opened_at).total_seconds() / 3600
        audit(
            session,
            viewer.login,
            "complaint_resolved",
            "pipeline_complaint",
            complaint_id,
            hours=round(hours, 2),
        )
