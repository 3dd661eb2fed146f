"""Team selling writes: the people credited with a share of a deal or a contract.

The deal's owner or one of their leaders edits a split (a rep only their own deals);
every person credited must be creditable
(:func:`plugins.pipeline.logic.credits.creditable`). The contract copies the deal's
split when it is drafted and keeps its own until it is signed: signing books one
ledger row per credited person (:func:`sign_contract`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, Select, delete, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.models import Person
from command_center.org.scope import Viewer
from command_center.types import LEADER_ROLES
from plugins.pipeline import settings as cfg
from plugins.pipeline.actions import guards
from plugins.pipeline.errors import PipelineError
from plugins.pipeline.logic import credits as rules
from plugins.pipeline.logic.stages import check_contract
from plugins.pipeline.models import Contract, ContractCredit, DealCredit, Opportunity


def may_edit(viewer: Viewer, owner_id: int) -> bool:
    """The owner, or a leader whose scope holds the owner."""
    if viewer.person_id is not None and viewer.person_id == owner_id:
        return True
    return viewer.role in LEADER_ROLES and viewer.can_see(owner_id)


def allowed_people(session: Session, viewer: Viewer, owner_id: int) -> frozenset[int]:
    """Who ``viewer`` may credit on a deal of ``owner_id``."""
    rows = session.execute(select(Person.person_id, Person.manager_id, Person.status)).all()
    edges = {person_id: manager_id for person_id, manager_id, _ in rows}
    active = {person_id for person_id, _, status in rows if status == "active"}
    leads = viewer.role in LEADER_ROLES
    return rules.creditable(edges, active, owner_id, viewer.person_id, leads)


def deal_split(session: Session, opp: Opportunity) -> rules.Split:
    """The deal's split (the owner's whole when none was set)."""
    query = select(DealCredit.person_id, DealCredit.share_pct).where(
        DealCredit.opp_id == opp.opp_id
    )
    found = tuple((p, s) for p, s in session.execute(query.order_by(DealCredit.position)))
    return found or rules.whole(opp.owner_id)


def contract_split(session: Session, contract: Contract, opp: Opportunity) -> rules.Split:
    """The contract's split (the owner's whole when none was set)."""
    query = select(ContractCredit.person_id, ContractCredit.share_pct).where(
        ContractCredit.contract_id == contract.contract_id
    )
    found = tuple((p, s) for p, s in session.execute(query.order_by(ContractCredit.position)))
    return found or rules.whole(opp.owner_id)


def _checked(
    session: Session, viewer: Viewer, owner_id: int, split: Sequence[tuple[int, float]]
) -> rules.Split:
    if not may_edit(viewer, owner_id):
        raise PipelineError("pipeline.error.credits_role")
    clean = rules.normalised(split)
    ids = [person_id for person_id, _ in clean]
    query = select(Person.person_id, Person.person_key).where(Person.person_id.in_(ids))
    keys: dict[int, str] = {person_id: key for person_id, key in session.execute(query)}
    guards.refuse(rules.check_split(clean, allowed_people(session, viewer, owner_id), keys))
    return clean


def _stored(split: rules.Split, owner_id: int) -> rules.Split:
    """No rows for the owner's whole (the default)."""
    return () if split == rules.whole(owner_id) else split


def save_deal_credits(
    engine: Engine, viewer: Viewer, opp_id: int, split: Sequence[tuple[int, float]]
) -> None:
    """Set who is credited with what share of an open deal (percent, summing to 100)."""
    model = cfg.stage_model(cfg.current(engine))
    with write_session(engine) as session:
        opp = guards.opportunity(session, viewer, opp_id)
        if opp.stage == model.won:
            raise PipelineError("pipeline.error.won_is_final")
        if opp.stage == model.lost:
            raise PipelineError("pipeline.error.deal_closed")
        clean = _checked(session, viewer, opp.owner_id, split)
        session.execute(delete(DealCredit).where(DealCredit.opp_id == opp_id))
        session.add_all(
            DealCredit(opp_id=opp_id, person_id=person_id, share_pct=pct, position=n)
            for n, (person_id, pct) in enumerate(_stored(clean, opp.owner_id))
        )
        audit(
            session,
            viewer.login,
            "deal_credits_saved",
            "pipeline_opportunity",
            opp_id,
            credits=[list(pair) for pair in clean],
        )


def save_contract_credits(
    engine: Engine, viewer: Viewer, contract_id: int, split: Sequence[tuple[int, float]]
) -> None:
    """Set the split of a contract that may still be edited (draft or rejected)."""
    with write_session(engine) as session:
        row, opp = guards.contract(session, viewer, contract_id)
        guards.refuse(check_contract("edit", row.status))
        clean = _checked(session, viewer, opp.owner_id, split)
        write_contract_split(session, contract_id, _stored(clean, opp.owner_id))
        audit(
            session,
            viewer.login,
            "contract_credits_saved",
            "pipeline_contract",
            contract_id,
            credits=[list(pair) for pair in clean],
        )


def write_contract_split(session: Session, contract_id: int, split: rules.Split) -> None:
    """Replace the contract's credit rows (no rows: the owner's whole)."""
    session.execute(delete(ContractCredit).where(ContractCredit.contract_id == contract_id))
    session.add_all(
        ContractCredit(contract_id=contract_id, person_id=person_id, share_pct=pct, position=n)
        for n, (person_id, pct) in enumerate(split)
    )


def copy_deal_split(session: Session, contract_id: int, opp: Opportunity) -> None:
    """A new contract starts with its deal's split."""
    split = deal_split(session, opp)
    if split != rules.whole(opp.owner_id):
        write_contract_split(session, contract_id, split)


def hand_over_credits(
    session: Session, leaver: int, heir: int, open_opps: Select[tuple[int]]
) -> int:
    """A leaver's shares on the open deals ``open_opps`` and their unsigned contracts go
    to ``heir`` (added to the heir's own share when the heir is credited too). How many
    shares moved."""
    moved = 0
    tables = (
        (DealCredit, DealCredit.opp_id, DealCredit.opp_id.in_(open_opps)),
        (
            ContractCredit,
            ContractCredit.contract_id,
            ContractCredit.contract_id.in_(
                select(Contract.contract_id).where(
                    Contract.opp_id.in_(open_opps), Contract.status != "signed"
                )
            ),
        ),
    )
    for model, parent, among in tables:
        rows = list(session.scalars(select(model).where(model.person_id == leaver, among)))
        for row in rows:
            heirs = select(model).where(parent == getattr(row, parent.key), model.person_id == heir)
            present = session.scalars(heirs).first()
            if present is None:
                row.person_id = heir
            else:
                present.share_pct = round(present.share_pct + row.share_pct, 2)
                session.delete(row)
            moved += 1
    session.flush()
    return moved
