"""Carrying out a closed cycle's recommendations: a promotion, a training enrolment.

- A promotion recommendation becomes a promotion to the next level through the
  core's org change (:func:`command_center.org.changes.promote`): effective-dated,
  with the cycle as its reason, audited, kept as history; whoever may change the
  org (a director or manager above the person) may carry it out. Once the person's
  level is no longer the one they were appraised at, it has been carried out.
- A training recommendation enrols the person through the recruiting plugin's hook
  ``recruiting_enrol_for_training`` (no import of recruiting), in this plugin's
  transaction: a leader who reviews the person may do it; with recruiting off it is
  refused, and a failing implementation undoes the whole write.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from command_center.db.audit import audit
from command_center.db.engine import read_session, write_session
from command_center.db.models import Person
from command_center.org.changes import OrgChangeError, promote
from command_center.org.scope import Viewer
from command_center.plugins import PluginHost
from plugins.appraisal.actions.guards import lock_cycle, need_reviewer, need_state, record_of
from plugins.appraisal.errors import AppraisalError
from plugins.appraisal.models import Cycle

NEXT_LEVEL = {"rep": "supervisor", "supervisor": "manager", "manager": "director"}
TRAINING_HOOK = "recruiting_enrol_for_training"


def promotion_level(engine: Engine, cycle_id: int, person_id: int) -> str:
    """The level a closed cycle's promotion recommendation of ``person_id`` leads to;
    refused when there is none, or it has been carried out already."""
    with read_session(engine) as session:
        cycle = session.get(Cycle, cycle_id)
        if cycle is None:
            raise AppraisalError("appraisal.error.no_cycle", cycle=cycle_id)
        need_state(cycle, "closed")
        record = record_of(session, cycle_id, person_id)
        if not record.promotion:
            raise AppraisalError("appraisal.error.no_promotion")
        person = session.get(Person, person_id)
        if person is None or person.level != record.level:
            raise AppraisalError(
                "appraisal.error.already_promoted", level=person.level if person else "—"
            )
        level = NEXT_LEVEL.get(record.level)
        if level is None:
            raise AppraisalError("appraisal.error.top_level")
        return level


def carry_out_promotion(
    engine: Engine,
    viewer: Viewer,
    cycle_id: int,
    person_id: int,
    effective: dt.date,
    today: dt.date | None = None,
) -> str:
    """Promote ``person_id`` to the next level from ``effective``, as recommended; the level."""
    level = promotion_level(engine, cycle_id, person_id)
    with read_session(engine) as session:
        cycle = session.get(Cycle, cycle_id)
        period = cycle.period if cycle is not None else ""
    try:
        promote(engine, viewer, person_id, level, effective, f"appraisal {period}", today)
    except OrgChangeError as refused:
        raise AppraisalError(refused.code, **refused.params) from refused
    return level


def enrol_training(
    engine: Engine,
    host: PluginHost,
    viewer: Viewer,
    actor: str,
    cycle_id: int,
    person_id: int,
    on: dt.date,
) -> int:
    """Enrol ``person_id`` in training for a closed cycle's recommendation; new enrolments."""
    if not host.declares(TRAINING_HOOK):
        raise AppraisalError("appraisal.error.no_training_module")
    with write_session(engine) as session:
        cycle = lock_cycle(session, cycle_id)
        need_state(cycle, "closed")
        need_reviewer(viewer, cycle, person_id)
        needs = list(record_of(session, cycle_id, person_id).training or [])
        if not needs:
            raise AppraisalError("appraisal.error.no_training")
        results = host.call(
            TRAINING_HOOK, session=session, person_id=person_id, needs=needs, on=on, actor=actor
        )
        for impl in host.implementations(TRAINING_HOOK):
            error = host.infos[impl.plugin_name].hook_errors.get(TRAINING_HOOK)
            if error:
                raise AppraisalError(
                    "appraisal.error.training_failed", plugin=impl.plugin_name, error=error
                )
        count = sum(int(result.value) for result in results)
        audit(session, actor, "appraisal_training_enrolled", "appraisal_record",
              f"{cycle_id}:{person_id}", needs=needs, enrolments=count)  # fmt: skip
    return count
