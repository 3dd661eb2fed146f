"""Reads: plans, settlements, statements, disputes and scenarios as Polars frames.

Plans are company documents (everyone signed in may read the one that pays
them). Every read of a person's rows takes the :class:`Viewer` and filters
by its scope in SQL; a rep sees only their own statements, and only locked
ones (a draft is still under review).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, Select, select

from command_center.db import frames
from command_center.db.engine import read_session
from command_center.org.scope import Viewer
from plugins.incentives.models import (
    Dispute,
    Line,
    OrderCredit,
    PlanRecord,
    PlanVersion,
    Scenario,
    Settlement,
    Statement,
)
from plugins.incentives.plan import Plan, parse_plan

PLAN_TABLES = ("incentives_plans", "incentives_plan_versions")
VERSION_SCHEMA: dict[str, pl.DataType] = {
    "version_id": pl.Int64(),
    "plan_id": pl.Int64(),
    "name": pl.String(),
    "version": pl.Int64(),
    "effective_from": pl.Date(),
    "note": pl.String(),
    "created_at": pl.Datetime(),
    "created_by": pl.String(),
}
SETTLEMENT_SCHEMA: dict[str, pl.DataType] = {
    "settlement_id": pl.Int64(),
    "period": pl.String(),
    "version": pl.Int64(),
    "status": pl.String(),
    "people": pl.Int64(),
    "total": pl.Float64(),
    "computed_at": pl.Datetime(),
    "computed_by": pl.String(),
    "locked_at": pl.Datetime(),
    "locked_by": pl.String(),
    "unlocked_at": pl.Datetime(),
    "unlocked_by": pl.String(),
    "reason": pl.String(),
}
STATEMENT_SCHEMA: dict[str, pl.DataType] = {
    "statement_id": pl.Int64(),
    "settlement_id": pl.Int64(),
    "person_id": pl.Int64(),
    "plan_name": pl.String(),
    "plan_version_id": pl.Int64(),
    "plan_period": pl.String(),
    "revenue": pl.Float64(),
    "profit": pl.Float64(),
    "quota": pl.Float64(),
    "attainment": pl.Float64(),
    "payout": pl.Float64(),
    "period": pl.String(),
    "version": pl.Int64(),
    "status": pl.String(),
}
LINE_SCHEMA: dict[str, pl.DataType] = {
    "line_id": pl.Int64(),
    "settlement_id": pl.Int64(),
    "person_id": pl.Int64(),
    "seq": pl.Int64(),
    "kind": pl.String(),
    "name": pl.String(),
    "amount": pl.Float64(),
    "order_id": pl.Int64(),
    "refund_id": pl.Int64(),
}
CREDIT_SCHEMA: dict[str, pl.DataType] = {
    "settlement_id": pl.Int64(),
    "order_id": pl.Int64(),
    "person_id": pl.Int64(),
    "customer_id": pl.Int64(),
    "order_date": pl.Date(),
    "revenue": pl.Float64(),
    "profit": pl.Float64(),
    "contribution": pl.Float64(),
}
DISPUTE_SCHEMA: dict[str, pl.DataType] = {
    "dispute_id": pl.Int64(),
    "settlement_id": pl.Int64(),
    "person_id": pl.Int64(),
    "line_id": pl.Int64(),
    "order_id": pl.Int64(),
    "question": pl.String(),
    "raised_by": pl.String(),
    "raised_at": pl.Datetime(),
    "status": pl.String(),
    "answer": pl.String(),
    "answered_by": pl.String(),
    "answered_at": pl.Datetime(),
    "period": pl.String(),
}
SCENARIO_SCHEMA: dict[str, pl.DataType] = {
    "scenario_id": pl.Int64(),
    "owner": pl.String(),
    "name": pl.String(),
    "plan_version_id": pl.Int64(),
    "start": pl.Date(),
    "end": pl.Date(),
    "updated_at": pl.Datetime(),
}


def _scoped(query: Select[tuple[object, ...]], column: object, viewer: Viewer) -> Select:  # type: ignore[type-arg]
    if viewer.person_ids is None:
        return query
    return query.where(column.in_(sorted(viewer.person_ids)))  # type: ignore[attr-defined]


# -- plans ------------------------------------------------------------------------


def plan_versions(engine: Engine) -> pl.DataFrame:
    """Every version of every plan, newest first within a plan."""
    query = select(
        PlanVersion.version_id,
        PlanVersion.plan_id,
        PlanRecord.name,
        PlanVersion.version,
        PlanVersion.effective_from,
        PlanVersion.note,
        PlanVersion.created_at,
        PlanVersion.created_by,
    ).join(PlanRecord, PlanRecord.plan_id == PlanVersion.plan_id)

    def load() -> pl.DataFrame:
        return frames.read_frame(engine, query, VERSION_SCHEMA).sort(
            ["name", "version"], descending=[False, True]
        )

    return frames.cached(engine, "incentives:versions", load, tables=PLAN_TABLES)


def plan_source(engine: Engine, version_id: int) -> str:
    def load() -> str:
        with engine.connect() as conn:
            text = conn.execute(
                select(PlanVersion.source).where(PlanVersion.version_id == version_id)
            ).scalar()
        if text is None:
            raise KeyError(version_id)
        return str(text)

    return frames.cached(engine, "incentives:source", load, version_id, tables=PLAN_TABLES)


def plan(engine: Engine, version_id: int) -> Plan:
    """The stored version, parsed (stored plans were valid when saved)."""
    return frames.cached(
        engine,
        "incentives:plan",
        lambda: parse_plan(plan_source(engine, version_id)).plan,
        version_id,
        tables=PLAN_TABLES,
    )


def effective_versions(engine: Engine, month: dt.date) -> pl.DataFrame:
    """Per plan the version in effect in ``month``: latest ``effective_from`` <= month."""
    versions = plan_versions(engine).filter(pl.col("effective_from") <= month)
    return (
        versions.sort(["name", "effective_from", "version"], descending=[False, True, True])
        .group_by("name", maintain_order=True)
        .first()
    )


def effective_plans(engine: Engine, month: dt.date) -> list[tuple[int, Plan]]:
    """``(version_id, plan)`` in effect in ``month``, by plan name."""
    rows = effective_versions(engine, month)
    return [(int(v), plan(engine, int(v))) for v in rows["version_id"].to_list()]


# -- settlements ---------------------------------------------------------------------


def settlements(engine: Engine, period: str | None = None) -> pl.DataFrame:
    """Settlement versions (no person's rows: counts and totals of the whole batch)."""
    query = select(*Settlement.__table__.c)
    if period is not None:
        query = query.where(Settlement.period == period)
    return frames.read_frame(engine, query, SETTLEMENT_SCHEMA).sort(
        ["period", "version"], descending=[True, True]
    )


def _statement_query() -> Select:  # type: ignore[type-arg]
    return select(
        *Statement.__table__.c, Settlement.period, Settlement.version, Settlement.status
    ).join(Settlement, Settlement.settlement_id == Statement.settlement_id)


def statements(
    engine: Engine,
    viewer: Viewer,
    settlement_id: int | None = None,
    period: str | None = None,
    person_id: int | None = None,
) -> pl.DataFrame:
    """Statements in the viewer's scope; reps see only locked ones."""
    query = _scoped(_statement_query(), Statement.person_id, viewer)
    if settlement_id is not None:
        query = query.where(Statement.settlement_id == settlement_id)
    if period is not None:
        query = query.where(Settlement.period == period)
    if person_id is not None:
        query = query.where(Statement.person_id == person_id)
    if viewer.role == "rep":
        query = query.where(Settlement.status == "locked")
    return frames.read_frame(engine, query, STATEMENT_SCHEMA)


def current_statements(engine: Engine, viewer: Viewer, period: str | None = None) -> pl.DataFrame:
    """Per person and month the statement that counts: locked, else the draft."""
    rows = statements(engine, viewer, period=period).filter(pl.col("status") != "unlocked")
    return (
        rows.sort(
            ["person_id", "period", "status", "version"], descending=[False, False, True, True]
        )
        .group_by("person_id", "period", maintain_order=True)
        .first()
    )


def locked_people(engine: Engine, period: str) -> set[int]:
    query = (
        select(Statement.person_id)
        .join(Settlement, Settlement.settlement_id == Statement.settlement_id)
        .where(Settlement.period == period, Settlement.status == "locked")
    )
    with engine.connect() as conn:
        return {int(p) for p in conn.execute(query).scalars()}


def lines(engine: Engine, viewer: Viewer, settlement_id: int, person_id: int) -> pl.DataFrame:
    if not viewer.can_see(person_id):
        return pl.DataFrame(schema=LINE_SCHEMA)
    query = select(*Line.__table__.c).where(
        Line.settlement_id == settlement_id, Line.person_id == person_id
    )
    return frames.read_frame(engine, query, LINE_SCHEMA).sort("seq")


def settlement_lines(engine: Engine, viewer: Viewer, settlement_id: int) -> pl.DataFrame:
    query = _scoped(
        select(*Line.__table__.c).where(Line.settlement_id == settlement_id), Line.person_id, viewer
    )
    return frames.read_frame(engine, query, LINE_SCHEMA)


def credits(engine: Engine, viewer: Viewer, settlement_id: int, person_id: int) -> pl.DataFrame:
    if not viewer.can_see(person_id):
        return pl.DataFrame(schema=CREDIT_SCHEMA)
    query = select(*OrderCredit.__table__.c).where(
        OrderCredit.settlement_id == settlement_id, OrderCredit.person_id == person_id
    )
    return frames.read_frame(engine, query, CREDIT_SCHEMA).sort("order_date", "order_id")


def paid_credits(engine: Engine, order_ids: list[int], before: str) -> pl.DataFrame:
    """Credits of ``order_ids`` in locked settlements of months before ``before``."""
    if not order_ids:
        return pl.DataFrame(schema=CREDIT_SCHEMA)
    query = (
        select(*OrderCredit.__table__.c)
        .join(Settlement, Settlement.settlement_id == OrderCredit.settlement_id)
        .where(
            Settlement.status == "locked",
            Settlement.period < before,
            OrderCredit.order_id.in_(order_ids),
        )
    )
    return frames.read_frame(engine, query, CREDIT_SCHEMA)


def clawed_refunds(engine: Engine, skip: list[int]) -> set[int]:
    """Refunds already clawed back by a locked or draft settlement (not in ``skip``)."""
    query = (
        select(Line.refund_id)
        .join(Settlement, Settlement.settlement_id == Line.settlement_id)
        .where(Line.refund_id.is_not(None), Settlement.status != "unlocked")
    )
    if skip:
        query = query.where(Line.settlement_id.not_in(skip))
    with engine.connect() as conn:
        return {int(r) for r in conn.execute(query).scalars()}


# -- disputes and scenarios ------------------------------------------------------------


def disputes(
    engine: Engine, viewer: Viewer, person_id: int | None = None, status: str | None = None
) -> pl.DataFrame:
    query = _scoped(
        select(*Dispute.__table__.c, Settlement.period).join(
            Settlement, Settlement.settlement_id == Dispute.settlement_id
        ),
        Dispute.person_id,
        viewer,
    )
    if person_id is not None:
        query = query.where(Dispute.person_id == person_id)
    if status is not None:
        query = query.where(Dispute.status == status)
    return frames.read_frame(engine, query, DISPUTE_SCHEMA).sort("raised_at", descending=True)


@dataclass(frozen=True)
class SavedScenario:
    scenario_id: int
    name: str
    plan_version_id: int
    start: dt.date
    end: dt.date
    edits: dict[str, object]
    assumptions: dict[str, object]


def scenarios(engine: Engine, owner: str) -> pl.DataFrame:
    """The scenarios ``owner`` saved (a scenario holds no person's rows)."""
    query = select(*(Scenario.__table__.c[c] for c in SCENARIO_SCHEMA)).where(
        Scenario.owner == owner
    )
    return frames.cached(
        engine,
        "incentives:scenarios",
        lambda: frames.read_frame(engine, query, SCENARIO_SCHEMA).sort("name"),
        owner,
        tables=(str(Scenario.__tablename__),),
    )


def scenario(engine: Engine, owner: str, scenario_id: int) -> SavedScenario | None:
    with read_session(engine) as session:
        row = session.get(Scenario, scenario_id)
        if row is None or row.owner != owner:
            return None
        return SavedScenario(
            row.scenario_id,
            row.name,
            row.plan_version_id,
            row.start,
            row.end,
            dict(row.edits or {}),
            dict(row.assumptions or {}),
        )
