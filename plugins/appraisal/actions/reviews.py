"""Reviews and calibration: self review, manager review, ratings, the talk, the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl
from sqlalchemy import Engine, select

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.models import Person, utcnow
from command_center.notifications import notify
from command_center.org.scope import Viewer
from plugins.appraisal.actions.guards import (
    can_review,
    lock_cycle,
    need_manager,
    need_reviewer,
    need_state,
    policy,
    record_of,
)
from plugins.appraisal.errors import AppraisalError
from plugins.appraisal.logic import forced_ratings
from plugins.appraisal.models import Action, KpiLine, Record, Talk
from plugins.appraisal.settings import RATINGS

ACTION_STATUSES: tuple[str, ...] = ("open", "in_progress", "done", "dropped")
AFTER_REVIEW = ("manager_review", "calibration", "closed")
MAX_TEXT = 4000


def _values(scores: Mapping[str, float], allowed: list[str], complete: bool) -> dict[str, float]:
    unknown = sorted(set(scores) - set(allowed))
    if unknown:
        raise AppraisalError("appraisal.error.unknown_value", value=unknown[0])
    if complete and set(scores) != set(allowed):
        raise AppraisalError("appraisal.error.values_incomplete")
    for key, score in scores.items():
        if not 1 <= float(score) <= 5:
            raise AppraisalError("appraisal.error.value_range", value=key)
    return {key: float(score) for key, score in scores.items()}


def _one_to_five(score: float | None, what: str, required: bool) -> float | None:
    if score is None:
        if required:
            raise AppraisalError("appraisal.error.score_missing", what=what)
        return None
    if not 1 <= score <= 5:
        raise AppraisalError("appraisal.error.score_range", what=what)
    return float(score)


def _text(value: str) -> str:
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise AppraisalError("appraisal.error.too_long", limit=MAX_TEXT)
    return value


def submit_self_review(
    engine: Engine,
    viewer: Viewer,
    actor: str,
    cycle_id: int,
    comment: str,
    kpi_scores: Mapping[int, float],
    values: Mapping[str, float],
    ability: float | None = None,
    attitude: float | None = None,
) -> None:
    """The appraised person's own review (their contract acknowledged first)."""
    rules = policy(engine)
    scores = _values(values, rules.values, complete=False)
    with write_session(engine) as session:
        cycle = lock_cycle(session, cycle_id)
        need_state(cycle, "self_review")
        record = record_of(session, cycle_id, viewer.person_id)
        if cycle.kind == "monthly" and record.contract != "acknowledged":
            raise AppraisalError("appraisal.error.acknowledge_first")
        lines = {
            line.kpi_id: line
            for line in session.scalars(
                select(KpiLine).where(
                    KpiLine.cycle_id == cycle_id, KpiLine.person_id == record.person_id
                )
            )
        }
        for kpi_id, score in kpi_scores.items():
            if kpi_id not in lines:
                raise AppraisalError("appraisal.error.not_in_cycle")
            if not 0 <= score <= rules.max_points:
                raise AppraisalError("appraisal.error.self_score_range", limit=rules.max_points)
            lines[kpi_id].self_score = float(score)
        record.self_comment = _text(comment)
        record.self_values = scores
        record.self_ability = _one_to_five(ability, "ability", False)
        record.self_attitude = _one_to_five(attitude, "attitude", False)
        record.self_at = utcnow()
        audit(
            session,
            actor,
            "appraisal_self_review",
            "appraisal_record",
            f"{cycle_id}:{record.person_id}",
        )


def submit_manager_review(
    engine: Engine,
    viewer: Viewer,
    actor: str,
    cycle_id: int,
    person_id: int,
    judgement: float,
    comment: str,
    values: Mapping[str, float],
    ability: float | None = None,
    attitude: float | None = None,
) -> None:
    """The leader's evaluation: judgement on top of the data-driven KPI score, the
    values scored one by one, comments; in annual cycles ability and attitude too."""
    rules = policy(engine)
    if abs(judgement) > rules.judgement_range:
        raise AppraisalError("appraisal.error.judgement_range", limit=rules.judgement_range)
    scores = _values(values, rules.values, complete=True)
    with write_session(engine) as session:
        cycle = lock_cycle(session, cycle_id)
        need_state(cycle, "manager_review")
        need_reviewer(viewer, cycle, person_id)
        record = record_of(session, cycle_id, person_id)
        annual = cycle.kind == "annual"
        record.ability = _one_to_five(ability, "ability", annual)
        record.attitude = _one_to_five(attitude, "attitude", annual)
        record.judgement = float(judgement)
        record.manager_comment = _text(comment)
        record.manager_values = scores
        record.reviewed_by = actor
        record.reviewed_at = utcnow()
        notify(
            session,
            person_id,
            "review_decision",
            "appraisal.notify.reviewed",
            {"period": cycle.period},
            link="appraisal-mine",
        )
        audit(
            session,
            actor,
            "appraisal_manager_review",
            "appraisal_record",
            f"{cycle_id}:{person_id}",
            judgement=judgement,
            values=scores,
        )


def set_rating(
    engine: Engine,
    viewer: Viewer,
    actor: str,
    cycle_id: int,
    person_id: int,
    rating: str,
    note: str,
) -> None:
    """Calibrate one person's rating (a change from the proposed one needs a note)."""
    if rating not in RATINGS:
        raise AppraisalError("appraisal.error.bad_rating", rating=rating)
    with write_session(engine) as session:
        cycle = lock_cycle(session, cycle_id)
        need_state(cycle, "calibration")
        need_manager(viewer, cycle)
        if person_id == viewer.person_id:
            raise AppraisalError("appraisal.error.not_reviewer")
        record = record_of(session, cycle_id, person_id)
        if rating != record.proposed_rating and not note.strip():
            raise AppraisalError("appraisal.error.note_needed")
        before, record.rating = record.rating, rating
        record.calibration_note = _text(note)[:500]
        audit(
            session,
            actor,
            "appraisal_rating_set",
            "appraisal_record",
            f"{cycle_id}:{person_id}",
            before=before,
            after=rating,
            note=note,
        )


def apply_guideline(
    engine: Engine, viewer: Viewer, actor: str, cycle_id: int, team_id: int, note: str
) -> int:
    """Rate one team strictly by the 271 guideline, by final score rank."""
    rules = policy(engine)
    with write_session(engine) as session:
        cycle = lock_cycle(session, cycle_id)
        need_state(cycle, "calibration")
        need_manager(viewer, cycle)
        team = session.scalars(
            select(Record).where(Record.cycle_id == cycle_id, Record.team_id == team_id)
        ).all()
        frame = pl.DataFrame(
            {
                "team_id": [team_id] * len(team),
                "person_id": [r.person_id for r in team],
                "final_score": [r.final_score for r in team],
            },
            schema={"team_id": pl.Int64, "person_id": pl.Int64, "final_score": pl.Float64},
        )
        forced = dict(forced_ratings(frame, rules.shares).iter_rows())
        changed = 0
        for record in team:
            rating = forced.get(record.person_id)
            if rating is None or rating == record.rating:
                continue
            record.rating, changed = rating, changed + 1
            record.calibration_note = _text(note)[:500]
        audit(
            session,
            actor,
            "appraisal_guideline_applied",
            "appraisal_cycle",
            cycle_id,
            team=team_id,
            changed=changed,
        )
    return changed


def record_talk(
    engine: Engine,
    viewer: Viewer,
    actor: str,
    cycle_id: int,
    person_id: int,
    held_on: dt.date,
    strengths: str,
    improvements: str,
    employee_view: str,
) -> None:
    """Record (or correct) the feedback talk with a person about this cycle."""
    with write_session(engine) as session:
        cycle = lock_cycle(session, cycle_id)
        need_state(cycle, *AFTER_REVIEW)
        need_reviewer(viewer, cycle, person_id)
        record_of(session, cycle_id, person_id)
        talk = session.get(Talk, (cycle_id, person_id))
        if talk is None:
            talk = Talk(cycle_id=cycle_id, person_id=person_id)
            session.add(talk)
        talk.held_on, talk.held_by = held_on, actor
        talk.strengths, talk.improvements = _text(strengths), _text(improvements)
        talk.employee_view = _text(employee_view)
        audit(
            session,
            actor,
            "appraisal_talk_recorded",
            "appraisal_record",
            f"{cycle_id}:{person_id}",
            held_on=held_on,
        )


def add_action(
    engine: Engine,
    viewer: Viewer,
    actor: str,
    cycle_id: int,
    person_id: int,
    action: str,
    owner_id: int,
    due_on: dt.date,
) -> int:
    """Add an action to a person's improvement plan; the owner is them or a leader in scope."""
    text = _text(action)
    if not text or len(text) > 300:
        raise AppraisalError("appraisal.error.bad_action")
    with write_session(engine) as session:
        cycle = lock_cycle(session, cycle_id)
        need_state(cycle, *AFTER_REVIEW)
        need_reviewer(viewer, cycle, person_id)
        record_of(session, cycle_id, person_id)
        if session.get(Person, owner_id) is None or not (
            owner_id in (person_id, viewer.person_id) or viewer.can_see(owner_id)
        ):
            raise AppraisalError("appraisal.error.bad_owner")
        row = Action(
            cycle_id=cycle_id,
            person_id=person_id,
            action=text,
            owner_id=owner_id,
            due_on=due_on,
            status="open",
            created_by=actor,
        )
        session.add(row)
        session.flush()
        audit(
            session,
            actor,
            "appraisal_action_added",
            "appraisal_action",
            row.action_id,
            person=person_id,
            owner=owner_id,
            due_on=due_on,
        )
        return row.action_id


def set_action_status(
    engine: Engine, viewer: Viewer, actor: str, action_id: int, status: str
) -> None:
    """Move an improvement action: the person, its owner or a leader above the person."""
    if status not in ACTION_STATUSES:
        raise AppraisalError("appraisal.error.bad_status", status=status)
    with write_session(engine) as session:
        row = session.get(Action, action_id)
        if row is None:
            raise AppraisalError("appraisal.error.no_action")
        allowed = viewer.person_id in (row.person_id, row.owner_id) or can_review(
            viewer, row.person_id
        )
        if not allowed:
            raise AppraisalError("appraisal.error.not_reviewer")
        before, row.status = row.status, status
        audit(
            session,
            actor,
            "appraisal_action_status",
            "appraisal_action",
            action_id,
            before=before,
            after=status,
        )
