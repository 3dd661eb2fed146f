"""The checks every action makes before it writes: rows that exist and are in the viewer's
scope, typed values within limits; and the stage move with its history row."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center.db.ids import next_id
from command_center.db.models import Customer, Person
from command_center.org.scope import Viewer
from plugins.pipeline.errors import PipelineError
from plugins.pipeline.logic.stages import Refusal
from plugins.pipeline.models import Contract, Opportunity, StageChange

M = TypeVar("M")


def refuse(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise PipelineError.of(refusal)


def get(session: Session, model: type[M], key: object, what: str) -> M:
    row = session.get(model, key)
    if row is None:
        raise PipelineError("pipeline.error.not_found", what=what, id=key)
    return row


def in_scope(viewer: Viewer, person_id: int | None) -> None:
    """Refuse a write about someone outside the viewer's scope."""
    if not viewer.can_see(person_id):
        raise PipelineError("pipeline.error.not_in_scope")


def opportunity(session: Session, viewer: Viewer, opp_id: int) -> Opportunity:
    """The opportunity, locked for this transaction, if the viewer may work on it."""
    opp = get(session, Opportunity, opp_id, "pipeline.what.opportunity")
    in_scope(viewer, opp.owner_id)
    return opp


def contract_of(session: Session, opp_id: int) -> Contract | None:
    return session.scalars(select(Contract).where(Contract.opp_id == opp_id)).first()


def contract(session: Session, viewer: Viewer, contract_id: int) -> tuple[Contract, Opportunity]:
    row = get(session, Contract, contract_id, "pipeline.what.contract")
    return row, opportunity(session, viewer, row.opp_id)


def customer(session: Session, viewer: Viewer, customer_id: int) -> Customer:
    """A customer the viewer may see (owned by someone in scope; unowned: everyone-viewers)."""
    row = get(session, Customer, customer_id, "pipeline.what.customer")
    if not viewer.sees_all and not viewer.can_see(row.owner_id):
        raise PipelineError("pipeline.error.not_in_scope")
    return row


def person(session: Session, person_id: int) -> Person:
    return get(session, Person, person_id, "pipeline.what.person")


def record_move(
    session: Session,
    opp: Opportunity,
    target: str,
    actor: str,
    at: dt.datetime,
    note: str = "",
) -> None:
    """Move ``opp`` to ``target`` and write the stage history row."""
    session.add(
        StageChange(
            change_id=next_id(session, StageChange.change_id),
            opp_id=opp.opp_id,
            from_stage=opp.stage,
            to_stage=target,
            changed_at=at,
            changed_by=actor,
            note=note[:200],
        )
    )
    opp.stage = target
    opp.stage_since = at


def text_value(value: str, limit: int, what: str, required: bool = True) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise PipelineError("pipeline.error.required", field=what)
    if len(cleaned) > limit:
        raise PipelineError("pipeline.error.too_long", field=what, limit=limit)
    return cleaned


def amount_value(value: float, what: str) -> float:
    if value is None or value < 0 or value != value:
        raise PipelineError("pipeline.error.negative", field=what)
    return float(value)
