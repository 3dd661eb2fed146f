"""A leaver's open deals, handed over inside the leave's transaction (``person_leaving``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.models import Person
from plugins.pipeline import settings as cfg
from plugins.pipeline.actions.credits import hand_over_credits
from plugins.pipeline.models import Opportunity


def hand_over(
    session: Session, person_id: int, handover_id: int | None, effective: dt.date, actor: str
) -> int:
    """Every open deal ``person_id`` owns goes to ``handover_id``, or to their manager when
    no colleague is named; won and lost deals keep their owner (history). Their credit
    shares on open deals and unsigned contracts go to the same heir. How many deals moved."""
    leaver = session.get(Person, person_id)
    heir = handover_id if handover_id is not None else (leaver.manager_id if leaver else None)
    if heir is None:
        return 0
    bind = session.get_bind()
    assert isinstance(bind, Engine)
    # the settings through a reading connection: this session holds SQLite's write lock
    model = cfg.stage_model(cfg.current(bind.execution_options(begin_immediate=False)))
    deals = list(
        session.scalars(
            select(Opportunity)
            .where(Opportunity.owner_id == person_id, Opportunity.stage.in_(list(model.open)))
            .order_by(Opportunity.opp_id)
        )
    )
    for deal in deals:
        deal.owner_id = heir
    open_opps = select(Opportunity.opp_id).where(Opportunity.stage.in_(list(model.open)))
    shares = hand_over_credits(session, person_id, heir, open_opps)
    if deals or shares:
        audit(session, actor, "deals_handed_over", "person", person_id, to=heir,
              deals=[deal.opp_id for deal in deals], credit_shares=shares,
              effective=effective.isoformat())  # fmt: skip
    return len(deals)
