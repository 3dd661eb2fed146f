"""Opportunity writes: create, edit, move between stages, SPIN and negotiation notes.

One ``write_session`` per user action, audited; illegal moves raise
:class:`~plugins.pipeline.errors.PipelineError` and write nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.ids import next_id
from command_center.org.scope import Viewer
from plugins.pipeline import settings as cfg
from plugins.pipeline.actions import guards
from plugins.pipeline.errors import PipelineError
from plugins.pipeline.logic import clock
from plugins.pipeline.logic.stages import PENDING, check_move
from plugins.pipeline.models import NegotiationPrep, Opportunity, SpinNote, StageChange

TITLE_MAX = 200
NOTE_MAX = 4_000


def _choice(value: str, options: tuple[str, ...], what: str) -> str:
    if value not in options:
        raise PipelineError("pipeline.error.bad_choice", field=what, value=value)
    return value


def create_opportunity(
    engine: Engine,
    viewer: Viewer,
    *,
    title: str,
    customer_id: int,
    owner_id: int,
    amount: float,
    expected_close: dt.date,
    source: str,
    channel: str,
    stage: str | None = None,
    at: dt.datetime | None = None,
) -> int:
    """A new opportunity in ``stage`` (default: the first stage); returns its id."""
    settings = cfg.current(engine)
    model = cfg.stage_model(settings)
    stage = stage or model.open[0]
    if stage not in model.open or stage == model.contract_stage:
        raise PipelineError("pipeline.error.bad_start_stage", stage=stage)
    at = at or clock.now()
    with write_session(engine) as session:
        guards.in_scope(viewer, owner_id)
        guards.person(session, owner_id)
        guards.customer(session, viewer, customer_id)
        opp = Opportunity(
            opp_id=next_id(session, Opportunity.opp_id),
            title=guards.text_value(title, TITLE_MAX, "pipeline.field.title"),
            customer_id=customer_id,
            owner_id=owner_id,
            amount=guards.amount_value(amount, "pipeline.field.amount"),
            expected_close=expected_close,
            source=_choice(source, cfg.SOURCES, "pipeline.field.source"),
            channel=_choice(channel, cfg.CHANNELS, "pipeline.field.channel"),
            stage=stage,
            stage_since=at,
            created_at=at,
            lost_note="",
        )
        session.add(opp)
        session.flush()
        session.add(
            StageChange(
                change_id=next_id(session, StageChange.change_id),
                opp_id=opp.opp_id,
                from_stage=None,
                to_stage=stage,
                changed_at=at,
                changed_by=viewer.login,
                note="",
            )
        )
        audit(
            session,
            viewer.login,
            "opportunity_created",
            "pipeline_opportunity",
            opp.opp_id,
            customer_id=customer_id,
            owner_id=owner_id,
            amount=amount,
            stage=stage,
        )
        return opp.opp_id


def update_opportunity(
    engine: Engine,
    viewer: Viewer,
    opp_id: int,
    *,
    title: str,
    amount: float,
    expected_close: dt.date,
    source: str,
    channel: str,
) -> None:
    """Change a deal's details; closed deals (won or lost) are final."""
    model = cfg.stage_model(cfg.current(engine))
    with write_session(engine) as session:
        opp = guards.opportunity(session, viewer, opp_id)
        if opp.stage == model.won:
            raise PipelineError("pipeline.error.won_is_final")
        if opp.stage == model.lost:
            raise PipelineError("pipeline.error.deal_closed")
        before = {"amount": opp.amount, "expected_close": opp.expected_close}
        opp.title = guards.text_value(title, TITLE_MAX, "pipeline.field.title")
        opp.amount = guards.amount_value(amount, "pipeline.field.amount")
        opp.expected_close = expected_close
        opp.source = _choice(source, cfg.SOURCES, "pipeline.field.source")
        opp.channel = _choice(channel, cfg.CHANNELS, "pipeline.field.channel")
        audit(
            session,
            viewer.login,
            "opportunity_updated",
            "pipeline_opportunity",
            opp_id,
            before=before,
            amount=opp.amount,
            expected_close=expected_close,
        )


def move_stage(
    engine: Engine,
    viewer: Viewer,
    opp_id: int,
    target: str,
    *,
    lost_reason: str | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> None:
    """Move a deal to ``target`` by hand; refused with a clear message when illegal.

    Losing a deal records the reason and cancels its unsigned contract;
    reopening a lost deal brings that contract back as a draft.
    """
    settings = cfg.current(engine)
    model = cfg.stage_model(settings)
    at = at or clock.now()
    with write_session(engine) as session:
        opp = guards.opportunity(session, viewer, opp_id)
        contract = guards.contract_of(session, opp_id)
        status = contract.status if contract is not None else None
        guards.refuse(
            check_move(
                model,
                opp.stage,
                target,
                lost_reason=lost_reason,
                lost_reasons=settings.lost_reasons,
                contract_status=status,
            )
        )
        was = opp.stage
        guards.record_move(session, opp, target, viewer.login, at, note)
        if target == model.lost:
            opp.closed_on = at.date()
            opp.lost_reason = lost_reason
            opp.lost_note = guards.text_value(note, 500, "pipeline.field.note", required=False)
            if contract is not None and (status in PENDING or status in ("draft", "rejected")):
                contract.status = "cancelled"
        elif was == model.lost:
            opp.closed_on = None
            opp.lost_reason = None
            opp.lost_note = ""
            if contract is not None and contract.status == "cancelled":
                contract.status = "draft"
        audit(
            session,
            viewer.login,
            "opportunity_moved",
            "pipeline_opportunity",
            opp_id,
            from_stage=was,
            to_stage=target,
            lost_reason=lost_reason,
        )


def save_spin(
    engine: Engine,
    viewer: Viewer,
    opp_id: int,
    *,
    situation: str,
    problem: str,
    implication: str,
    need_payoff: str,
    at: dt.datetime | None = None,
) -> None:
    """SPIN notes (Situation, Problem, Implication, Need-payoff) for a deal."""
    at = at or clock.now()
    values = {
        "situation": situation,
        "problem": problem,
        "implication": implication,
        "need_payoff": need_payoff,
    }
    cleaned = {
        k: guards.text_value(v, NOTE_MAX, f"pipeline.spin.{k}", required=False)
        for k, v in values.items()
    }
    with write_session(engine) as session:
        _save_notes(session, viewer, SpinNote, opp_id, cleaned, at)
        audit(session, viewer.login, "spin_saved", "pipeline_opportunity", opp_id)


def save_negotiation(
    engine: Engine,
    viewer: Viewer,
    opp_id: int,
    *,
    competitors: str,
    strengths: str,
    strategy: str,
    bottom_line: float | None,
    concessions: str,
    at: dt.datetime | None = None,
) -> None:
    """Negotiation preparation: competitors, our strengths, strategy, bottom line, concessions."""
    at = at or clock.now()
    if bottom_line is not None:
        guards.amount_value(bottom_line, "pipeline.negotiation.bottom_line")
    texts = {
        "competitors": competitors,
        "strengths": strengths,
        "strategy": strategy,
        "concessions": concessions,
    }
    cleaned = {
        k: guards.text_value(v, NOTE_MAX, f"pipeline.negotiation.{k}", required=False)
        for k, v in texts.items()
    }
    with write_session(engine) as session:
        _save_notes(
            session, viewer, NegotiationPrep, opp_id, {**cleaned, "bottom_line": bottom_line}, at
        )
        audit(
            session,
            viewer.login,
            "negotiation_saved",
            "pipeline_opportunity",
            opp_id,
            bottom_line=bottom_line,
        )


def _save_notes(
    session: Session,
    viewer: Viewer,
    model: type[SpinNote] | type[NegotiationPrep],
    opp_id: int,
    values: dict[str, object],
    at: dt.datetime,
) -> None:
    """Create or update a deal's notes row (one per deal) with ``values``, stamped."""
    guards.opportunity(session, viewer, opp_id)
    row = session.get(model, opp_id)
    if row is None:
        row = model(opp_id=opp_id, updated_at=at)
        session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = at
    row.updated_by = viewer.login
