"""Writes of disputes: a person queries a line of their own locked statement; a leader answers."""

from __future__ import annotations

from sqlalchemy import Engine, select

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.models import utcnow
from command_center.notifications import notify
from command_center.org.scope import Viewer
from command_center.types import LEADER_ROLES
from plugins.incentives.errors import IncentivesError
from plugins.incentives.models import Dispute, Line, OrderCredit, Settlement, Statement


def raise_dispute(
    engine: Engine,
    viewer: Viewer,
    settlement_id: int,
    question: str,
    actor: str,
    line_id: int | None = None,
    order_id: int | None = None,
) -> int:
    """The signed-in person queries a line (or an order) of their own locked statement."""
    question = question.strip()
    if not question:
        raise IncentivesError("question_needed")
    if viewer.person_id is None:
        raise IncentivesError("not_allowed")
    with write_session(engine) as session:
        settlement = session.get(Settlement, settlement_id)
        if settlement is None or settlement.status != "locked":
            raise IncentivesError("dispute_locked_only")
        own = session.scalar(
            select(Statement.statement_id).where(
                Statement.settlement_id == settlement_id,
                Statement.person_id == viewer.person_id,
            )
        )
        if own is None:
            raise IncentivesError("not_your_statement")
        if line_id is not None:
            line = session.get(Line, line_id)
            if (
                line is None
                or line.settlement_id != settlement_id
                or (line.person_id != viewer.person_id)
            ):
                raise IncentivesError("no_line")
        elif order_id is not None:
            credit = session.get(OrderCredit, (settlement_id, viewer.person_id, order_id))
            if credit is None:
                raise IncentivesError("no_line")
        else:
            raise IncentivesError("no_line")
        dispute = Dispute(
            settlement_id=settlement_id,
            person_id=viewer.person_id,
            line_id=line_id,
            order_id=order_id if line_id is None else None,
            question=question[:1000],
            raised_by=actor,
        )
        session.add(dispute)
        session.flush()
        audit(
            session,
            actor,
            "dispute_raised",
            "incentives_dispute",
            dispute.dispute_id,
            period=settlement.period,
            line_id=line_id,
            order_id=order_id,
        )
        return dispute.dispute_id


def answer_dispute(
    engine: Engine, viewer: Viewer, dispute_id: int, answer: str, actor: str
) -> None:
    """A leader above the person answers an open dispute."""
    answer = answer.strip()
    if not answer:
        raise IncentivesError("answer_needed")
    if viewer.role not in LEADER_ROLES:
        raise IncentivesError("not_allowed")
    with write_session(engine) as session:
        dispute = session.get(Dispute, dispute_id)
        if dispute is None or not viewer.can_see(dispute.person_id):
            raise IncentivesError("no_dispute")
        if dispute.person_id == viewer.person_id:
            raise IncentivesError("own_dispute")
        if dispute.status != "open":
            raise IncentivesError("dispute_answered")
        dispute.status = "answered"
        dispute.answer = answer[:1000]
        dispute.answered_by = actor
        dispute.answered_at = utcnow()
        audit(session, actor, "dispute_answered", "incentives_dispute", dispute_id)
        settlement = session.get(Settlement, dispute.settlement_id)
        period = settlement.period if settlement is not None else ""
        notify(
            session,
            dispute.person_id,
            "dispute_answered",
            "incentives.notify.dispute_answered",
            {"period": period, "who": actor},
            link="incentives-statements",
        )
