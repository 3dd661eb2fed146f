"""Logging follow-ups (phone, visit, online, other) on a customer."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.ids import next_id
from command_center.db.models import Person
from command_center.org.scope import Viewer
from command_center.types import LEADER_ROLES
from plugins.customers.actions.guards import editable, require_person
from plugins.customers.errors import ActionRefused
from plugins.customers.logic.co_visitors import colleagues
from plugins.customers.models import CHANNELS, SPIN_STAGES, FollowUp, FollowUpPerson


@dataclass(frozen=True)
class FollowUpInput:
    followup_date: dt.date
    channel: str
    notes: str = ""
    next_step: str = ""
    next_date: dt.date | None = None
    spin_stage: str = ""
    co_visitors: tuple[int, ...] = ()
    """Colleagues who went along (:func:`co_visitor_options`): the follow-up shows in
    their lists too."""


def log_followup(
    engine: Engine,
    viewer: Viewer,
    customer_id: int,
    data: FollowUpInput,
    today: dt.date | None = None,
) -> int:
    """Record that the viewer followed up a customer they (or their team) own."""
    with write_session(engine) as session:
        return record_followup(session, viewer, customer_id, data, today)


def record_followup(
    session: Session,
    viewer: Viewer,
    customer_id: int,
    data: FollowUpInput,
    today: dt.date | None = None,
) -> int:
    """:func:`log_followup` inside the caller's write transaction (a planned visit's log)."""
    today = today or dt.date.today()
    person_id = require_person(viewer)
    if data.channel not in CHANNELS:
        raise ActionRefused("bad_channel")
    if data.spin_stage and data.spin_stage not in SPIN_STAGES:
        raise ActionRefused("bad_spin")
    if data.followup_date > today:
        raise ActionRefused("future_followup")
    if data.next_date is not None and data.next_date < data.followup_date:
        raise ActionRefused("next_before_followup")
    if len(data.next_step) > 500:
        raise ActionRefused("next_step_too_long")
    customer = editable(session, viewer, customer_id)
    if customer.owner_id is None:
        raise ActionRefused("claim_first")
    co_visitors = _co_visitors(session, viewer, person_id, data.co_visitors)
    followup_id = next_id(session, FollowUp.followup_id)
    session.add(
        FollowUp(
            followup_id=followup_id,
            customer_id=customer_id,
            person_id=person_id,
            followup_date=data.followup_date,
            channel=data.channel,
            notes=data.notes.strip(),
            next_step=data.next_step.strip(),
            next_date=data.next_date,
            spin_stage=data.spin_stage,
        )
    )
    session.flush()
    session.add_all(FollowUpPerson(followup_id=followup_id, person_id=p) for p in co_visitors)
    audit(
        session,
        viewer.login,
        "followup_logged",
        "customer",
        customer_id,
        followup_id=followup_id,
        **{k: v for k, v in asdict(data).items() if k not in ("notes", "co_visitors")},
        **({"co_visitors": list(co_visitors)} if co_visitors else {}),
    )
    return followup_id


def co_visitor_options(session: Session, viewer: Viewer, person_id: int) -> frozenset[int]:
    """Who may go along with ``person_id``
    (:func:`plugins.customers.logic.co_visitors.colleagues`)."""
    rows = session.execute(select(Person.person_id, Person.manager_id, Person.status)).all()
    edges = {pid: manager for pid, manager, _ in rows}
    active = {pid for pid, _, status in rows if status == "active"}
    return colleagues(edges, active, person_id, viewer.role in LEADER_ROLES)


def _co_visitors(
    session: Session, viewer: Viewer, person_id: int, chosen: tuple[int, ...]
) -> list[int]:
    """The chosen co-visitors once each, refused unless all are colleagues."""
    unique = list(dict.fromkeys(int(p) for p in chosen))
    if not unique:
        return []
    allowed = co_visitor_options(session, viewer, person_id)
    for other in unique:
        if other not in allowed:
            raise ActionRefused("co_visitor_not_colleague", person=key_of_person(session, other))
    return unique


def key_of_person(session: Session, person_id: int) -> str:
    """A person as messages name them: their key."""
    key = session.scalar(select(Person.person_key).where(Person.person_id == person_id))
    return key if key is not None else str(person_id)
