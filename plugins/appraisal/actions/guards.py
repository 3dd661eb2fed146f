"""What every action shares: permissions, locking a cycle, the policy in force."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from command_center.org.scope import Viewer
from command_center.plugin_settings import load_settings
from command_center.types import LEADER_ROLES
from plugins.appraisal.errors import AppraisalError
from plugins.appraisal.models import Cycle, Record
from plugins.appraisal.settings import PLUGIN, AppraisalSettings

TOPIC = "appraisal.bonus_multiplier"


def policy(engine: Engine) -> AppraisalSettings:
    return load_settings(engine, PLUGIN, AppraisalSettings)


def can_manage(viewer: Viewer, root_id: int) -> bool:
    """Run a cycle (states, templates, calibration): a leader whose scope holds its unit."""
    return viewer.role in LEADER_ROLES and viewer.can_see(root_id)


def can_review(viewer: Viewer, person_id: int) -> bool:
    """Evaluate a person (contract, review, talk, plan): a leader above them, never oneself."""
    return (
        viewer.role in LEADER_ROLES
        and viewer.can_see(person_id)
        and (person_id != viewer.person_id)
    )


def lock_cycle(session: Session, cycle_id: int) -> Cycle:
    """The cycle row, locked for this transaction (PostgreSQL; SQLite holds the write lock)."""
    cycle = session.scalars(
        select(Cycle).where(Cycle.cycle_id == cycle_id).with_for_update()
    ).one_or_none()
    if cycle is None:
        raise AppraisalError("appraisal.error.no_cycle", cycle=cycle_id)
    return cycle


def need_state(cycle: Cycle, *states: str) -> None:
    if cycle.state not in states:
        raise AppraisalError("appraisal.error.wrong_state", state=cycle.state)


def need_manager(viewer: Viewer, cycle: Cycle) -> None:
    if not can_manage(viewer, cycle.root_id):
        raise AppraisalError("appraisal.error.not_manager")


def need_reviewer(viewer: Viewer, cycle: Cycle, person_id: int) -> None:
    if not (
        can_review(viewer, person_id)
        or (can_manage(viewer, cycle.root_id) and person_id != viewer.person_id)
    ):
        raise AppraisalError("appraisal.error.not_reviewer")


def record_of(session: Session, cycle_id: int, person_id: int | None) -> Record:
    record = None if person_id is None else session.get(Record, (cycle_id, person_id))
    if record is None:
        raise AppraisalError("appraisal.error.not_in_cycle")
    return record
