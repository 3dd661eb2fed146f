"""KPI contracts: a level's template, issuing contracts, a person's contract, acknowledging."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import read_session, write_session
from command_center.db.models import utcnow
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from plugins.appraisal import queries
from plugins.appraisal.actions.guards import (
    lock_cycle,
    need_manager,
    need_reviewer,
    need_state,
    record_of,
)
from plugins.appraisal.errors import AppraisalError
from plugins.appraisal.logic import Line, check_lines, overrides
from plugins.appraisal.logic.scoring_rules import rules_for
from plugins.appraisal.models import Cycle, KpiLine, Record, TemplateLine
from plugins.appraisal.queries.core_targets import core_targets, person_core_targets

CONTRACT_STATES = ("planning",)
ACK_STATES = ("planning", "in_progress")


def known_metrics(registry: MetricRegistry) -> dict[str, bool]:
    """Registered metric -> higher is better."""
    keys = registry.keys()
    return {key: registry.spec(key).higher_is_better for key in keys}


def _check(lines: list[Line], registry: MetricRegistry, need_targets: bool) -> None:
    refusal = check_lines(lines, known_metrics(registry), need_targets)
    if refusal is not None:
        raise AppraisalError.of(refusal)


def _line_fields(line: Line) -> dict[str, object]:
    """What a line stores: ``steps`` only for a rule that reads it (checked already)."""
    rule = rules_for([line.rule]).get(line.rule)
    return {
        "metric": line.metric,
        "target": line.target,
        "weight": line.weight,
        "rule": line.rule,
        "ceiling": line.ceiling,
        "floor": line.floor,
        "steps": line.steps if rule is None or "steps" in rule.uses else "",
    }


def save_template(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    actor: str,
    cycle_id: int,
    level: str,
    lines: list[Line],
) -> int:
    """Replace the KPI template of ``level`` in a planning cycle; targets may stay empty
    (each person's then comes from the core targets table when the contract is issued)."""
    _check(lines, registry, need_targets=False)
    with write_session(engine) as session:
        cycle = lock_cycle(session, cycle_id)
        need_manager(viewer, cycle)
        need_state(cycle, *CONTRACT_STATES)
        session.execute(
            delete(TemplateLine).where(
                TemplateLine.cycle_id == cycle_id, TemplateLine.level == level
            )
        )
        session.add_all(
            TemplateLine(cycle_id=cycle_id, level=level, position=i, **_line_fields(line))
            for i, line in enumerate(lines)
        )
        audit(
            session,
            actor,
            "appraisal_template_saved",
            "appraisal_cycle",
            cycle_id,
            level=level,
            metrics=[line.metric for line in lines],
        )
    return len(lines)


def default_targets(
    engine: Engine, registry: MetricRegistry, root_id: int, period_label: str, metrics: list[str]
) -> pl.DataFrame:
    """``person_id, metric, target`` from the core targets table for the cycle's period
    (:func:`plugins.appraisal.queries.core_targets.core_targets`)."""
    return core_targets(engine, registry, root_id, period_label, metrics)


def issue_contracts(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    actor: str,
    cycle_id: int,
    level: str,
) -> int:
    """Give everyone of ``level`` in the cycle the level's template as their contract.

    Each line's target is the person's target in the core targets table when
    there is one, else the template's; a person left without a target is
    refused (nothing is written). Earlier contracts of that level are replaced
    and must be acknowledged again.
    """
    with read_session(engine) as session:
        known = cycle_of(session, cycle_id)
        root_id, period = known.root_id, known.period
        metrics = session.scalars(
            select(TemplateLine.metric).where(
                TemplateLine.cycle_id == cycle_id, TemplateLine.level == level
            )
        ).all()
    goals = default_targets(engine, registry, root_id, period, list(metrics))
    names = queries.names(engine)
    with write_session(engine) as session:
        cycle = lock_cycle(session, cycle_id)
        need_manager(viewer, cycle)
        need_state(cycle, *CONTRACT_STATES)
        template = session.scalars(
            select(TemplateLine)
            .where(TemplateLine.cycle_id == cycle_id, TemplateLine.level == level)
            .order_by(TemplateLine.position)
        ).all()
        if not template:
            raise AppraisalError("appraisal.error.no_template", level=level)
        people = session.scalars(
            select(Record).where(Record.cycle_id == cycle_id, Record.level == level)
        ).all()
        lookup = {(p, m): v for p, m, v in goals.iter_rows()}
        now = utcnow()
        for record in people:
            lines = [
                Line(
                    t.metric,
                    t.weight,
                    lookup.get((record.person_id, t.metric), t.target),
                    t.rule,
                    t.ceiling,
                    t.floor,
                    t.steps,
                )
                for t in template
            ]
            missing = next((line for line in lines if line.target is None), None)
            if missing is not None:
                raise AppraisalError(
                    "appraisal.error.no_person_target",
                    metric=missing.metric,
                    person=names.get(record.person_id, str(record.person_id)),
                )
            _write_lines(session, cycle_id, record.person_id, lines)
            record.contract, record.issued_at, record.acknowledged_at = "issued", now, None
        audit(
            session,
            actor,
            "appraisal_contracts_issued",
            "appraisal_cycle",
            cycle_id,
            level=level,
            people=len(people),
        )
    return len(people)


def _write_lines(session: Session, cycle_id: int, person_id: int, lines: list[Line]) -> None:
    session.execute(
        delete(KpiLine).where(KpiLine.cycle_id == cycle_id, KpiLine.person_id == person_id)
    )
    session.add_all(
        KpiLine(cycle_id=cycle_id, person_id=person_id, position=i, **_line_fields(line))
        for i, line in enumerate(lines)
    )


def save_contract(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    actor: str,
    cycle_id: int,
    person_id: int,
    lines: list[Line],
) -> None:
    """Set one person's contract (their leader, while planning); it must be acknowledged again."""
    _check(lines, registry, need_targets=True)
    with read_session(engine) as session:
        known = cycle_of(session, cycle_id)
        root_id, period = known.root_id, known.period
    core = person_core_targets(
        engine, registry, root_id, period, person_id, [line.metric for line in lines]
    )
    with write_session(engine) as session:
        cycle = lock_cycle(session, cycle_id)
        need_reviewer(viewer, cycle, person_id)
        need_state(cycle, *CONTRACT_STATES)
        record = record_of(session, cycle_id, person_id)
        _write_lines(session, cycle_id, person_id, lines)
        record.contract, record.issued_at, record.acknowledged_at = "issued", utcnow(), None
        audit(
            session,
            actor,
            "appraisal_contract_saved",
            "appraisal_record",
            f"{cycle_id}:{person_id}",
            metrics=[line.metric for line in lines],
            weights=[line.weight for line in lines],
            overrides=overrides(lines, core),
        )


def acknowledge(engine: Engine, viewer: Viewer, actor: str, cycle_id: int) -> None:
    """The appraised person acknowledges (signs) their own contract."""
    with write_session(engine) as session:
        cycle = lock_cycle(session, cycle_id)
        need_state(cycle, *ACK_STATES)
        record = record_of(session, cycle_id, viewer.person_id)
        if record.contract == "none":
            raise AppraisalError("appraisal.error.no_contract")
        if record.contract == "acknowledged":
            raise AppraisalError("appraisal.error.already_acknowledged")
        record.contract, record.acknowledged_at = "acknowledged", utcnow()
        audit(
            session,
            actor,
            "appraisal_contract_acknowledged",
            "appraisal_record",
            f"{cycle_id}:{record.person_id}",
        )


def cycle_of(session: Session, cycle_id: int) -> Cycle:
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise AppraisalError("appraisal.error.no_cycle", cycle=cycle_id)
    return cycle
