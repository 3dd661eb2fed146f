"""Contract writes: terms and lines, submission, review, signature.

Signing is one transaction: the contract is signed, the deal is won, its
lines are booked into the core ledger (``command_center.ledger.book_lines``)
with the contract's payment schedule as their due dates, and linked, the
execution plan is drafted. Any failure rolls back all of it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.ids import next_id
from command_center.ledger import LedgerError, NewLine, book_lines
from command_center.org.scope import Viewer
from command_center.types import LEADER_ROLES
from plugins.pipeline import settings as cfg
from plugins.pipeline.actions import credits, guards
from plugins.pipeline.actions.schedule import contract_schedule
from plugins.pipeline.errors import PipelineError
from plugins.pipeline.logic import clock
from plugins.pipeline.logic.credits import ledger_credits
from plugins.pipeline.logic.quotes import line_amount
from plugins.pipeline.logic.stages import check_contract, contract_after
from plugins.pipeline.models import (
    Contract,
    ContractLine,
    ContractReview,
    Milestone,
    Opportunity,
)

TERMS_MAX = 4_000
# Default execution plan: (kind, days relative to the delivery date).
PLAN: tuple[tuple[str, int], ...] = (("production", -14), ("shipping", -3), ("installation", 7))


def _lines(session: Session, contract_id: int) -> list[ContractLine]:
    query = select(ContractLine).where(ContractLine.contract_id == contract_id)
    return list(session.scalars(query.order_by(ContractLine.line_id)))


def contract_total(lines: list[ContractLine]) -> float:
    """The lines' amounts (after each line's discount), summed in cents."""
    return round(sum(_amount(line) for line in lines), 2)


def _amount(line: ContractLine) -> float:
    return line_amount(line.quantity, line.unit_price, line.discount_pct or 0.0)


def _open_deal(opp: Opportunity, engine: Engine) -> None:
    model = cfg.stage_model(cfg.current(engine))
    if opp.stage == model.won:
        raise PipelineError("pipeline.error.won_is_final")
    if not model.is_open(opp.stage):
        raise PipelineError("pipeline.error.deal_closed")


def save_contract(
    engine: Engine,
    viewer: Viewer,
    opp_id: int,
    *,
    payment_terms: str,
    delivery_date: dt.date,
    terms: str,
    at: dt.datetime | None = None,
) -> int:
    """Create the deal's contract draft, or change its terms; returns the contract id."""
    at = at or clock.now()
    if payment_terms not in cfg.PAYMENT_TERMS:
        raise PipelineError(
            "pipeline.error.bad_choice", field="pipeline.field.payment_terms", value=payment_terms
        )
    text = guards.text_value(terms, TERMS_MAX, "pipeline.field.terms", required=False)
    with write_session(engine) as session:
        opp = guards.opportunity(session, viewer, opp_id)
        row = guards.contract_of(session, opp_id)
        if row is not None:
            guards.refuse(check_contract("edit", row.status))
        _open_deal(opp, engine)
        new = False
        if row is None:
            row = Contract(
                contract_id=next_id(session, Contract.contract_id),
                opp_id=opp_id,
                status="draft",
                created_at=at,
                signed_by="",
            )
            session.add(row)
            new = True
        row.payment_terms = payment_terms
        row.delivery_date = delivery_date
        row.terms = text
        session.flush()
        if new:
            credits.copy_deal_split(session, row.contract_id, opp)  # team selling
        audit(
            session,
            viewer.login,
            "contract_saved",
            "pipeline_contract",
            row.contract_id,
            opp_id=opp_id,
            payment_terms=payment_terms,
            delivery_date=delivery_date,
        )
        return row.contract_id


def add_line(
    engine: Engine,
    viewer: Viewer,
    contract_id: int,
    *,
    description: str,
    quantity: float,
    unit_price: float,
    unit_cost: float = 0.0,
) -> int:
    """Add a line to a draft (or rejected) contract; returns the line id."""
    if quantity is None or quantity <= 0:
        raise PipelineError("pipeline.error.quantity")
    with write_session(engine) as session:
        row, _ = guards.contract(session, viewer, contract_id)
        guards.refuse(check_contract("edit", row.status))
        line = ContractLine(
            line_id=next_id(session, ContractLine.line_id),
            contract_id=contract_id,
            description=guards.text_value(description, 200, "pipeline.field.description"),
            quantity=float(quantity),
            unit_price=guards.amount_value(unit_price, "pipeline.field.unit_price"),
            unit_cost=guards.amount_value(unit_cost, "pipeline.field.unit_cost"),
        )
        session.add(line)
        audit(
            session,
            viewer.login,
            "contract_line_added",
            "pipeline_contract",
            contract_id,
            line_id=line.line_id,
            amount=quantity * unit_price,
        )
        return line.line_id


def remove_line(engine: Engine, viewer: Viewer, line_id: int) -> None:
    with write_session(engine) as session:
        line = guards.get(session, ContractLine, line_id, "pipeline.what.line")
        row, _ = guards.contract(session, viewer, line.contract_id)
        guards.refuse(check_contract("edit", row.status))
        session.delete(line)
        audit(
            session,
            viewer.login,
            "contract_line_removed",
            "pipeline_contract",
            row.contract_id,
            line_id=line_id,
        )


def submit_contract(
    engine: Engine, viewer: Viewer, contract_id: int, *, at: dt.datetime | None = None
) -> None:
    """Send the contract for review; the deal moves to the contract review stage."""
    at = at or clock.now()
    model = cfg.stage_model(cfg.current(engine))
    with write_session(engine) as session:
        row, opp = guards.contract(session, viewer, contract_id)
        guards.refuse(check_contract("submit", row.status))
        _open_deal(opp, engine)
        lines = _lines(session, contract_id)
        if not lines:
            raise PipelineError("pipeline.error.no_lines")
        row.status = contract_after("submit", row.status)
        row.submitted_at = at
        opp.amount = contract_total(lines)
        if model.contract_stage and opp.stage != model.contract_stage:
            guards.record_move(
                session, opp, model.contract_stage, viewer.login, at, "contract submitted"
            )
        audit(
            session,
            viewer.login,
            "contract_submitted",
            "pipeline_contract",
            contract_id,
            total=opp.amount,
        )


def review_contract(
    engine: Engine,
    viewer: Viewer,
    contract_id: int,
    *,
    approve: bool,
    comment: str,
    at: dt.datetime | None = None,
) -> None:
    """A leader approves or rejects a submitted contract (a rejection needs a comment)."""
    at = at or clock.now()
    action = "approve" if approve else "reject"
    if viewer.role not in LEADER_ROLES:
        raise PipelineError("pipeline.error.reviewer_role")
    text = guards.text_value(comment, TERMS_MAX, "pipeline.field.comment", required=not approve)
    with write_session(engine) as session:
        row, opp = guards.contract(session, viewer, contract_id)
        if viewer.person_id is not None and viewer.person_id == opp.owner_id:
            raise PipelineError("pipeline.error.own_review")
        guards.refuse(check_contract(action, row.status))
        row.status = contract_after(action, row.status)
        session.add(
            ContractReview(
                review_id=next_id(session, ContractReview.review_id),
                contract_id=contract_id,
                reviewer_id=viewer.person_id,
                reviewer=viewer.login,
                decision=action,
                comment=text,
                reviewed_at=at,
            )
        )
        audit(
            session,
            viewer.login,
            "contract_approved" if approve else "contract_rejected",
            "pipeline_contract",
            contract_id,
            comment=text,
        )


def withdraw_contract(engine: Engine, viewer: Viewer, contract_id: int) -> None:
    """Take a contract under review (or approved) back to draft, to change it."""
    with write_session(engine) as session:
        row, _ = guards.contract(session, viewer, contract_id)
        guards.refuse(check_contract("withdraw", row.status))
        row.status = contract_after("withdraw", row.status)
        audit(session, viewer.login, "contract_withdrawn", "pipeline_contract", contract_id)


def _link_orders(lines: list[ContractLine], order_ids: list[int]) -> None:
    """Remember each contract line's ledger line."""
    for line, order_id in zip(lines, order_ids, strict=True):
        line.order_id = order_id


def _plan(
    session: Session,
    row: Contract,
    opp: Opportunity,
    settings: cfg.PipelineSettings,
    today: dt.date,
) -> int:
    """The default execution plan (production, shipping, installation) for a signed order."""
    if not settings.auto_milestones:
        return 0
    first = next_id(session, Milestone.milestone_id)
    for offset, (kind, days) in enumerate(PLAN):
        session.add(
            Milestone(
                milestone_id=first + offset,
                contract_id=row.contract_id,
                kind=kind,
                title="",
                owner_id=opp.owner_id,
                due_date=max(today, row.delivery_date + dt.timedelta(days=days)),
                status="planned",
                note="",
            )
        )
    return len(PLAN)


def sign_contract(
    engine: Engine, viewer: Viewer, contract_id: int, *, at: dt.datetime | None = None
) -> list[int]:
    """Sign an approved contract: deal won, order lines booked; returns the order ids.

    Everything happens in one transaction: a failure anywhere (even after
    the ledger lines were written) leaves the contract, the deal and the
    ledger exactly as they were.
    """
    at = at or clock.now()
    settings = cfg.current(engine)
    model = cfg.stage_model(settings)
    with write_session(engine) as session:
        row, opp = guards.contract(session, viewer, contract_id)
        guards.refuse(check_contract("sign", row.status))
        _open_deal(opp, engine)
        lines = _lines(session, contract_id)
        if not lines:
            raise PipelineError("pipeline.error.no_lines")
        split = credits.contract_split(session, row, opp)
        schedule = contract_schedule(session, contract_id)
        new = [
            NewLine(
                customer_id=opp.customer_id,
                person_id=opp.owner_id,
                order_date=at.date(),
                revenue=_amount(line),
                cost=round(line.quantity * line.unit_cost, 2),
                credits=ledger_credits(split),
                product_id=line.product_id,
                schedule=schedule,
            )
            for line in lines
        ]
        try:
            order_ids = book_lines(session, new, viewer.login, "pipeline")
        except LedgerError as exc:
            raise PipelineError("pipeline.error.ledger", reason=str(exc)) from exc
        _link_orders(lines, order_ids)
        row.status = contract_after("sign", row.status)
        row.signed_at = at
        row.signed_by = viewer.login
        opp.amount = contract_total(lines)
        opp.closed_on = at.date()
        guards.record_move(session, opp, model.won, viewer.login, at, "contract signed")
        planned = _plan(session, row, opp, settings, at.date())
        audit(
            session,
            viewer.login,
            "contract_signed",
            "pipeline_contract",
            contract_id,
            opp_id=opp.opp_id,
            order_ids=order_ids,
            total=opp.amount,
            milestones=planned,
            credits=[list(pair) for pair in split],
            **({"instalments": [list(pair) for pair in schedule]} if schedule else {}),
        )
        return order_ids
