"""Reads of target plans, the parent's figures and last year's: what the Targets page shows.

Every read takes the viewer: a plan is read only by whoever may see its
leader (the leader's own subtree and everyone above them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, select

from command_center.db import frames
from command_center.db.engine import read_session
from command_center.db.target_plans import TargetPlan, TargetPlanLine
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR, Viewer
from command_center.periods import parse_period
from command_center.targets.logic import MONTHS

VERSION_SCHEMA: dict[str, pl.DataType] = {
    "version": pl.Int64(),
    "state": pl.String(),
    "method": pl.String(),
    "total": pl.Float64(),
    "saved_by": pl.String(),
    "saved_at": pl.Datetime(),
    "submitted_by": pl.String(),
    "approved_by": pl.String(),
    "approved_at": pl.Datetime(),
    "plan_id": pl.Int64(),
}


@dataclass(frozen=True)
class Plan:
    """One version of a leader's plan and its lines (person -> twelve months)."""

    plan_id: int
    year: int
    metric: str
    leader_id: int
    version: int
    state: str
    method: str
    lines: dict[int, list[float]]


def plannable_metrics(registry: MetricRegistry) -> list[str]:
    """The registry's metrics a target can be split for: the sums (revenue, visits, calls …)."""
    return [key for key, known in registry.metrics.items() if known.spec.kind == "sum"]


def _lines(engine: Engine, plan_id: int) -> dict[int, list[float]]:
    with read_session(engine) as session:
        rows = session.execute(
            select(TargetPlanLine.person_id, TargetPlanLine.month, TargetPlanLine.target).where(
                TargetPlanLine.plan_id == plan_id
            )
        ).all()
    out: dict[int, list[float]] = {}
    for person, month, value in rows:
        out.setdefault(person, [0.0] * MONTHS)[month - 1] = float(value)
    return dict(sorted(out.items()))


def _plan(engine: Engine, row: TargetPlan) -> Plan:
    return Plan(
        row.plan_id,
        row.year,
        row.metric,
        row.leader_id,
        row.version,
        row.state,
        row.method,
        _lines(engine, row.plan_id),
    )


def plan(
    engine: Engine,
    viewer: Viewer,
    year: int,
    metric: str,
    leader_id: int,
    version: int | None = None,
) -> Plan | None:
    """The latest version of the leader's plan (or ``version``), ``None`` when there is none
    or the leader is out of the viewer's sight."""
    if not viewer.can_see(leader_id):
        return None
    query = select(TargetPlan).where(
        TargetPlan.year == year, TargetPlan.metric == metric, TargetPlan.leader_id == leader_id
    )
    if version is not None:
        query = query.where(TargetPlan.version == version)
    with read_session(engine) as session:
        row = session.scalars(query.order_by(TargetPlan.version.desc()).limit(1)).first()
        if row is None:
            return None
        session.expunge(row)
    return _plan(engine, row)


def versions(
    engine: Engine, viewer: Viewer, year: int, metric: str, leader_id: int
) -> pl.DataFrame:
    """Every version of the leader's plan, newest first, with its year total."""
    if not viewer.can_see(leader_id):
        return pl.DataFrame(schema=VERSION_SCHEMA)
    with read_session(engine) as session:
        rows = session.scalars(
            select(TargetPlan)
            .where(
                TargetPlan.year == year,
                TargetPlan.metric == metric,
                TargetPlan.leader_id == leader_id,
            )
            .order_by(TargetPlan.version.desc())
        ).all()
        records = [
            {
                "version": r.version,
                "state": r.state,
                "method": r.method,
                "total": sum(sum(v) for v in _lines(engine, r.plan_id).values()),
                "saved_by": r.saved_by,
                "saved_at": r.saved_at,
                "submitted_by": r.submitted_by,
                "approved_by": r.approved_by,
                "approved_at": r.approved_at,
                "plan_id": r.plan_id,
            }
            for r in rows
        ]
    return pl.DataFrame(records, schema=VERSION_SCHEMA)


def waiting_for(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """``plan_id, year, metric, leader_id, version``: submitted plans this viewer may decide
    (their direct reports', or anyone's for a director)."""
    edges = dict(frames.all_people(engine).select("person_id", "manager_id").iter_rows())
    with read_session(engine) as session:
        rows = session.execute(
            select(
                TargetPlan.plan_id,
                TargetPlan.year,
                TargetPlan.metric,
                TargetPlan.leader_id,
                TargetPlan.version,
            ).where(TargetPlan.state == "submitted")
        ).all()
    keep = [
        r
        for r in rows
        if viewer == OPERATOR
        or viewer.role == "director"
        or (viewer.person_id is not None and edges.get(r.leader_id) == viewer.person_id)
    ]
    return pl.DataFrame(
        [tuple(r) for r in keep],
        schema=["plan_id", "year", "metric", "leader_id", "version"],
        orient="row",
    )


def month_targets(
    engine: Engine, registry: MetricRegistry, year: int, metric: str, person_id: int
) -> list[float]:
    """The person's target for each month of ``year``: their own month row, else a third of
    their quarter's, else a twelfth of their year's; a person with no row of the year has
    their team's target as the registry rolls it up (the sum of their reports'); 0 for none."""
    rows = frames.targets(engine, OPERATOR).filter(
        (pl.col("person_id") == person_id) & (pl.col("metric") == metric)
    )
    stored = {
        label: float(value)
        for label, value in rows.select("period", "target").iter_rows()
        if label == str(year) or label.startswith(f"{year}-")
    }
    out = []
    for month in range(1, MONTHS + 1):
        label, quarter = f"{year}-{month:02d}", f"{year}-Q{(month - 1) // 3 + 1}"
        if not stored:
            goal = registry.targets(engine, OPERATOR, metric, parse_period(label))
            found = goal.filter(pl.col("node_id") == person_id)["target"].to_list()
            out.append(float(found[0]) if found else 0.0)
        elif label in stored:
            out.append(stored[label])
        elif quarter in stored:
            out.append(stored[quarter] / 3)
        elif str(year) in stored:
            out.append(stored[str(year)] / 12)
        else:
            out.append(0.0)
    return out


def last_year(
    engine: Engine, registry: MetricRegistry, viewer: Viewer, metric: str, year: int
) -> dict[int, list[float]]:
    """Each node's figures month by month in ``year`` (themselves and their team as it was
    each month), for the nodes in the viewer's scope: the shape and the shares of last year."""
    period = parse_period(str(year))
    rolled = registry.rollup(engine, viewer, metric, period, by_month=True)
    out: dict[int, list[float]] = {}
    for node, month, value in rolled.select("node_id", "month", "num").iter_rows():
        if isinstance(month, dt.date):
            out.setdefault(int(node), [0.0] * MONTHS)[month.month - 1] = float(value or 0.0)
    return out
