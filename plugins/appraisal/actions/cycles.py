"""Cycles: create one for an org unit, move it through its states, freeze, close and publish.

- Entering calibration freezes every score from live data (see :mod:`.scores`);
  the proposed rating becomes the rating, to be calibrated.
- Closing applies the results (bonus multiplier, raise, promotion and training
  recommendations) and publishes every closed cycle's multipliers of that
  period through the core (``appraisal.bonus_multiplier``), in the same
  transaction.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from command_center.db import frames
from command_center.db.audit import audit
from command_center.db.engine import read_session, write_session
from command_center.db.models import Person, utcnow
from command_center.metrics import MetricRegistry
from command_center.notifications import notify
from command_center.org.scope import Viewer
from command_center.org.tree import children_map, subtree
from command_center.periods import parse_period
from command_center.published import Fact, publish
from plugins.appraisal.actions import scores
from plugins.appraisal.actions.guards import (
    TOPIC,
    can_manage,
    lock_cycle,
    need_manager,
    policy,
)
from plugins.appraisal.errors import AppraisalError
from plugins.appraisal.logic import KINDS, check_move
from plugins.appraisal.models import Cycle, Record, TemplateLine
from plugins.appraisal.queries import CycleInfo


def check_period(kind: str, period: str) -> str:
    """The period label for ``kind`` (``YYYY-MM`` monthly, ``YYYY`` annual) or a refusal."""
    if kind not in KINDS:
        raise AppraisalError("appraisal.error.bad_kind", kind=kind)
    try:
        parsed = parse_period(period)
    except ValueError:
        raise AppraisalError("appraisal.error.bad_period", period=period) from None
    wanted = "month" if kind == "monthly" else "year"
    if parsed.grain != wanted:
        raise AppraisalError("appraisal.error.bad_period", period=period)
    return parsed.label


def members_of(engine: Engine, root_id: int) -> pl.DataFrame:
    """``person_id, level, team_id``: everyone under ``root_id`` who has not left."""
    people = frames.all_people(engine)
    below = subtree(root_id, children_map(people.select("person_id", "manager_id").iter_rows()))
    return people.filter(
        pl.col("person_id").is_in(sorted(below - {root_id})) & (pl.col("status") != "left")
    ).select("person_id", "level", pl.col("manager_id").alias("team_id"))


def create_cycle(
    engine: Engine, viewer: Viewer, actor: str, kind: str, period: str, root_id: int
) -> int:
    """A new cycle in planning for ``root_id``'s unit; the unit's last template is copied."""
    label = check_period(kind, period)
    members = members_of(engine, root_id)
    with write_session(engine) as session:
        root = session.get(Person, root_id)
        if root is None or root.level == "rep":
            raise AppraisalError("appraisal.error.bad_root")
        if not can_manage(viewer, root_id):
            raise AppraisalError("appraisal.error.not_manager")
        if members.is_empty():
            raise AppraisalError("appraisal.error.no_members")
        _refuse_overlap(session, kind, label, members["person_id"].to_list())
        cycle = Cycle(kind=kind, period=label, root_id=root_id, state="planning", created_by=actor)
        session.add(cycle)
        session.flush()
        session.add_all(
            Record(cycle_id=cycle.cycle_id, person_id=pid, level=level, team_id=team)
            for pid, level, team in members.iter_rows()
        )
        copied = _copy_template(session, cycle)
        audit(
            session,
            actor,
            "appraisal_cycle_created",
            "appraisal_cycle",
            cycle.cycle_id,
            kind=kind,
            period=label,
            root=root_id,
            people=members.height,
            template=copied,
        )
        return cycle.cycle_id


def _refuse_overlap(session: Session, kind: str, period: str, people: list[int]) -> None:
    """One appraisal per person and period: refuse a unit overlapping another cycle."""
    clash = session.execute(
        select(Cycle.root_id, Person.name)
        .join(Record, Record.cycle_id == Cycle.cycle_id)
        .join(Person, Person.person_id == Cycle.root_id)
        .where(Cycle.kind == kind, Cycle.period == period, Record.person_id.in_(people))
        .limit(1)
    ).first()
    if clash is not None:
        raise AppraisalError("appraisal.error.overlap", period=period, leader=clash.name)


def _copy_template(session: Session, cycle: Cycle) -> int:
    before = session.scalar(
        select(Cycle.cycle_id)
        .where(
            Cycle.kind == cycle.kind,
            Cycle.root_id == cycle.root_id,
            Cycle.cycle_id != cycle.cycle_id,
            Cycle.period < cycle.period,
        )
        .order_by(Cycle.period.desc())
        .limit(1)
    )
    if before is None:
        return 0
    lines = session.scalars(select(TemplateLine).where(TemplateLine.cycle_id == before)).all()
    session.add_all(
        TemplateLine(
            cycle_id=cycle.cycle_id,
            level=t.level,
            position=t.position,
            metric=t.metric,
            target=t.target,
            weight=t.weight,
            rule=t.rule,
            ceiling=t.ceiling,
            floor=t.floor,
            steps=t.steps,
        )
        for t in lines
    )
    return len(lines)


def move_cycle(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    actor: str,
    cycle_id: int,
    target: str,
) -> str:
    """Move a cycle to ``target``: one step forward (guards checked) or one step back."""
    with read_session(engine) as session:
        found = session.get(Cycle, cycle_id)
        if found is None:
            raise AppraisalError("appraisal.error.no_cycle", cycle=cycle_id)
        info = CycleInfo(found.cycle_id, found.kind, found.period, found.root_id, found.state)
    refusal = check_move(info.state, target)
    if refusal is not None:
        raise AppraisalError.of(refusal)
    rules = policy(engine)
    frozen = scores.freeze(engine, registry, info, rules) if target == "calibration" else None
    results = scores.results(engine, info, rules) if target == "closed" else None
    with write_session(engine) as session:
        cycle = lock_cycle(session, cycle_id)
        need_manager(viewer, cycle)
        if cycle.state != info.state:  # someone moved it meanwhile
            raise AppraisalError("appraisal.error.moved_meanwhile", state=cycle.state)
        _guard(session, cycle, target)
        if frozen is not None:
            scores.write_frozen(session, frozen)
        before, cycle.state = cycle.state, target
        if results is not None:
            _close(session, cycle, results, actor)
        audit(
            session,
            actor,
            "appraisal_cycle_moved",
            "appraisal_cycle",
            cycle_id,
            before=before,
            after=target,
        )
    return target


def _count(session: Session, cycle_id: int, *where: object) -> int:
    rows = session.scalars(select(Record.person_id).where(Record.cycle_id == cycle_id, *where))
    return len(rows.all())


def _guard(session: Session, cycle: Cycle, target: str) -> None:
    """The data a forward move needs."""
    if cycle.state == "planning" and target == "in_progress" and cycle.kind == "monthly":
        missing = _count(session, cycle.cycle_id, Record.contract == "none")
        if missing:
            raise AppraisalError("appraisal.error.contracts_missing", count=missing)
    if cycle.state == "manager_review" and target == "calibration":
        missing = _count(session, cycle.cycle_id, Record.reviewed_at.is_(None))
        if missing:
            raise AppraisalError("appraisal.error.reviews_missing", count=missing)
    if cycle.state == "calibration" and target == "closed":
        missing = _count(session, cycle.cycle_id, Record.rating.is_(None))
        if missing:
            raise AppraisalError("appraisal.error.ratings_missing", count=missing)


def _close(session: Session, cycle: Cycle, results: pl.DataFrame, actor: str) -> None:
    rows = results.to_dicts()
    for row in rows:
        row["cycle_id"] = cycle.cycle_id
    if rows:
        session.execute(update(Record), rows)
    cycle.closed_at = utcnow()
    session.flush()
    for row in rows:  # each member learns the decision on their own notifications
        notify(
            session,
            int(row["person_id"]),
            "review_decision",
            "appraisal.notify.closed",
            {"period": cycle.period, "multiplier": _multiplier(row.get("bonus_multiplier"))},
            link="appraisal-mine",
        )
    count = publish_period(session, cycle.kind, cycle.period)
    audit(
        session,
        actor,
        "appraisal_results_published",
        "appraisal_cycle",
        cycle.cycle_id,
        topic=TOPIC,
        period=cycle.period,
        facts=count,
    )


def _multiplier(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def publish_period(session: Session, kind: str, period: str) -> int:
    """Publish the multipliers of every closed cycle of ``kind`` and ``period`` at once
    (a publisher replaces a whole topic and period)."""
    rows = session.execute(
        select(Record.person_id, Record.bonus_multiplier, Record.rating)
        .join(Cycle, Cycle.cycle_id == Record.cycle_id)
        .where(Cycle.kind == kind, Cycle.period == period, Cycle.state == "closed")
        .order_by(Record.person_id)
    ).all()
    facts = [
        Fact(pid, "bonus_multiplier", value, f"appraisal.rating.{rating}")
        for pid, value, rating in rows
        if value is not None
    ]
    return publish(session, TOPIC, period, facts, "appraisal")
