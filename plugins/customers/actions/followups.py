"""Logging follow-ups (phone, visit, online, other) on a customer."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.ids import next_id
from command_center.org.scope import Viewer
from plugins.customers.actions.guards import editable, require_person
from plugins.customers.errors import ActionRefused
from plugins.customers.models import CHANNELS, SPIN_STAGES, FollowUp


@dataclass(frozen=True)
class FollowUpInput:
    followup_date: dt.date
    channel: str
    notes: str = ""
    next_step: str = ""
    next_date: dt.date | None = None
    spin_stage: str = ""


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
    audit(
        session,
        viewer.login,
        "followup_logged",
        "customer",
        customer_id,
        followup_id=followup_id,
        **{k: v for k, v in asdict(data).items() if k != "notes"},
    )
    return followup_id
