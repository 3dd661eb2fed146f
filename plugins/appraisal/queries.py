"""Reads: SQLAlchemy selects -> Polars frames, every one scoped by a :class:`Viewer`.

A viewer sees a cycle when its org unit's leader is in their scope or when
anyone in their scope is appraised in it; they see the appraisal records,
KPI lines, talks and improvement actions only of people in their scope (a
rep: their own).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, Select, String, cast, false, select

from command_center.db import frames
from command_center.org.scope import Viewer
from plugins.appraisal.models import Action, Cycle, KpiLine, Record, Talk, TemplateLine

CYCLE_SCHEMA: dict[str, pl.DataType] = {
    "cycle_id": pl.Int64(),
    "kind": pl.String(),
    "period": pl.String(),
    "root_id": pl.Int64(),
    "state": pl.String(),
    "created_by": pl.String(),
}
RECORD_SCHEMA: dict[str, pl.DataType] = {
    "cycle_id": pl.Int64(),
    "person_id": pl.Int64(),
    "level": pl.String(),
    "team_id": pl.Int64(),
    "contract": pl.String(),
    "acknowledged": pl.Boolean(),
    "self_comment": pl.String(),
    "self_done": pl.Boolean(),
    "self_ability": pl.Float64(),
    "self_attitude": pl.Float64(),
    "judgement": pl.Float64(),
    "manager_comment": pl.String(),
    "ability": pl.Float64(),
    "attitude": pl.Float64(),
    "reviewed_by": pl.String(),
    "reviewed": pl.Boolean(),
    "kpi_score": pl.Float64(),
    "results_score": pl.Float64(),
    "values_score": pl.Float64(),
    "final_score": pl.Float64(),
    "proposed_rating": pl.String(),
    "rating": pl.String(),
    "calibration_note": pl.String(),
    "grid": pl.String(),
    "bonus_multiplier": pl.Float64(),
    "raise_pct": pl.Float64(),
    "promotion": pl.Boolean(),
    "training": pl.String(),
    "self_values": pl.String(),
    "manager_values": pl.String(),
}
LINE_COLUMNS = (
    "kpi_id",
    "cycle_id",
    "person_id",
    "position",
    "metric",
    "target",
    "weight",
    "rule",
    "ceiling",
    "floor",
    "steps",
    "self_score",
    "actual",
    "attainment",
    "score",
    "status",
)
LINE_TYPES: dict[str, pl.DataType] = {
    "kpi_id": pl.Int64(),
    "cycle_id": pl.Int64(),
    "person_id": pl.Int64(),
    "position": pl.Int64(),
    "metric": pl.String(),
    "target": pl.Float64(),
    "weight": pl.Float64(),
    "rule": pl.String(),
    "ceiling": pl.Float64(),
    "floor": pl.Float64(),
    "steps": pl.String(),
    "self_score": pl.Float64(),
    "actual": pl.Float64(),
    "attainment": pl.Float64(),
    "score": pl.Float64(),
    "status": pl.String(),
}
TEMPLATE_SCHEMA: dict[str, pl.DataType] = {
    "cycle_id": pl.Int64(),
    "level": pl.String(),
    "position": pl.Int64(),
    "metric": pl.String(),
    "target": pl.Float64(),
    "weight": pl.Float64(),
    "rule": pl.String(),
    "ceiling": pl.Float64(),
    "floor": pl.Float64(),
    "steps": pl.String(),
}
TALK_SCHEMA: dict[str, pl.DataType] = {
    "cycle_id": pl.Int64(),
    "person_id": pl.Int64(),
    "held_on": pl.Date(),
    "held_by": pl.String(),
    "strengths": pl.String(),
    "improvements": pl.String(),
    "employee_view": pl.String(),
}
ACTION_SCHEMA: dict[str, pl.DataType] = {
    "action_id": pl.Int64(),
    "cycle_id": pl.Int64(),
    "person_id": pl.Int64(),
    "action": pl.String(),
    "owner_id": pl.Int64(),
    "due_on": pl.Date(),
    "status": pl.String(),
}


@dataclass(frozen=True)
class CycleInfo:
    cycle_id: int
    kind: str
    period: str
    root_id: int
    state: str


def _scoped(query: Select[tuple[object, ...]], column: object, viewer: Viewer) -> Select:  # type: ignore[type-arg]
    if viewer.person_ids is None:
        return query
    return query.where(column.in_(sorted(viewer.person_ids)))  # type: ignore[attr-defined]


def _in(query: Select, column: object, ids: Sequence[int] | None) -> Select:  # type: ignore[type-arg]
    if ids is None:
        return query
    if not ids:
        return query.where(false())
    return query.where(column.in_(list(ids)))  # type: ignore[attr-defined]


# -- cycles ------------------------------------------------------------------------


def all_cycles(engine: Engine) -> pl.DataFrame:
    """Every cycle, unscoped (few rows; cached per data version)."""
    query = select(*(Cycle.__table__.c[c] for c in CYCLE_SCHEMA)).order_by(Cycle.cycle_id)
    return frames.cached(
        engine,
        "appraisal:cycles",
        lambda: frames.read_frame(engine, query, CYCLE_SCHEMA),
        tables=("appraisal_cycles",),
    )


def cycles(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The cycles the viewer may see, newest period first."""
    every = all_cycles(engine)
    if viewer.person_ids is not None:
        ids = sorted(viewer.person_ids)
        member = frames.read_frame(
            engine,
            select(Record.cycle_id).distinct().where(Record.person_id.in_(ids)),
            {"cycle_id": pl.Int64()},
        )["cycle_id"]
        every = every.filter(
            pl.col("root_id").is_in(ids) | pl.col("cycle_id").is_in(member.implode())
        )
    return every.sort(["period", "kind", "cycle_id"], descending=[True, False, False])


def cycle_info(row: dict[str, object]) -> CycleInfo:
    return CycleInfo(
        int(row["cycle_id"]),  # type: ignore[arg-type]
        str(row["kind"]),
        str(row["period"]),
        int(row["root_id"]),  # type: ignore[arg-type]
        str(row["state"]),
    )


def find_cycle(engine: Engine, viewer: Viewer, cycle_id: int) -> CycleInfo | None:
    """The cycle, if the viewer may see it."""
    rows = cycles(engine, viewer).filter(pl.col("cycle_id") == cycle_id)
    return cycle_info(rows.row(0, named=True)) if rows.height else None


# -- records and lines -----------------------------------------------------------------


def records(engine: Engine, viewer: Viewer, cycle_ids: Sequence[int] | None) -> pl.DataFrame:
    """Appraisal records of people in scope for ``cycle_ids`` (``None``: every cycle)."""
    r = Record.__table__.c
    query = select(
        r.cycle_id,
        r.person_id,
        r.level,
        r.team_id,
        r.contract,
        r.acknowledged_at.is_not(None).label("acknowledged"),
        r.self_comment,
        r.self_at.is_not(None).label("self_done"),
        r.self_ability,
        r.self_attitude,
        r.judgement,
        r.manager_comment,
        r.ability,
        r.attitude,
        r.reviewed_by,
        r.reviewed_at.is_not(None).label("reviewed"),
        r.kpi_score,
        r.results_score,
        r.values_score,
        r.final_score,
        r.proposed_rating,
        r.rating,
        r.calibration_note,
        r.grid,
        r.bonus_multiplier,
        r.raise_pct,
        r.promotion,
        cast(r.training, String).label("training"),
        cast(r.self_values, String).label("self_values"),
        cast(r.manager_values, String).label("manager_values"),
    ).order_by(r.cycle_id, r.person_id)
    query = _scoped(_in(query, r.cycle_id, cycle_ids), r.person_id, viewer)
    frame = frames.read_frame(engine, query, RECORD_SCHEMA)
    return frame.with_columns(
        pl.col("training").fill_null("[]").str.json_decode(pl.List(pl.String)),
        pl.col("acknowledged").fill_null(False),
        pl.col("self_done").fill_null(False),
        pl.col("reviewed").fill_null(False),
        pl.col("self_values").fill_null("{}"),
        pl.col("manager_values").fill_null("{}"),
    )


def kpi_lines(
    engine: Engine, viewer: Viewer, cycle_ids: Sequence[int] | None, person_id: int | None = None
) -> pl.DataFrame:
    """Contract KPI lines of people in scope, in contract order."""
    c = KpiLine.__table__.c
    query = select(*(c[name] for name in LINE_COLUMNS)).order_by(
        c.cycle_id, c.person_id, c.position
    )
    query = _scoped(_in(query, c.cycle_id, cycle_ids), c.person_id, viewer)
    if person_id is not None:
        query = query.where(c.person_id == person_id)
    return frames.read_frame(engine, query, LINE_TYPES)


def templates(engine: Engine, cycle_id: int) -> pl.DataFrame:
    """The level templates of a cycle (no person's data: visible with the cycle)."""
    c = TemplateLine.__table__.c
    query = (
        select(*(c[name] for name in TEMPLATE_SCHEMA))
        .where(c.cycle_id == cycle_id)
        .order_by(c.level, c.position)
    )
    return frames.read_frame(engine, query, TEMPLATE_SCHEMA)


def talks(engine: Engine, viewer: Viewer, cycle_ids: Sequence[int] | None) -> pl.DataFrame:
    c = Talk.__table__.c
    query = select(*(c[name] for name in TALK_SCHEMA)).order_by(c.cycle_id, c.person_id)
    return frames.read_frame(
        engine, _scoped(_in(query, c.cycle_id, cycle_ids), c.person_id, viewer), TALK_SCHEMA
    )


def actions(engine: Engine, viewer: Viewer, cycle_ids: Sequence[int] | None) -> pl.DataFrame:
    """Improvement actions about people in scope, or owned by the viewer."""
    c = Action.__table__.c
    query = select(*(c[name] for name in ACTION_SCHEMA)).order_by(c.due_on, c.action_id)
    query = _in(query, c.cycle_id, cycle_ids)
    if viewer.person_ids is not None:
        ids = sorted(viewer.person_ids)
        mine = c.owner_id == viewer.person_id if viewer.person_id is not None else False
        query = query.where(c.person_id.in_(ids) | mine)
    return frames.read_frame(engine, query, ACTION_SCHEMA)


HISTORY_TABLES = (Cycle.__tablename__, Record.__tablename__)


def history(engine: Engine, viewer: Viewer, kind: str = "monthly") -> pl.DataFrame:
    """Closed cycles' records of people in scope, with the cycle's ``period``.

    Cached per scope until a cycle or a record changes (the whole force's monthly
    history is ~57k records at the large demo: 2 s to read and decode).
    """

    def load() -> pl.DataFrame:
        closed = all_cycles(engine).filter((pl.col("state") == "closed") & (pl.col("kind") == kind))
        if closed.is_empty():
            empty = records(engine, viewer, [])
            return empty.with_columns(pl.lit(None, pl.String).alias("period"))
        rows = records(engine, viewer, closed["cycle_id"].to_list())
        return rows.join(closed.select("cycle_id", "period"), on="cycle_id", how="left")

    return frames.cached(
        engine, "appraisal:history", load, kind, viewer.person_ids, tables=HISTORY_TABLES
    )


def value_scores(text: str | None) -> dict[str, float]:
    """A record's ``self_values`` / ``manager_values`` JSON as ``{value: score}``."""
    data = json.loads(text or "{}")
    return {str(k): float(v) for k, v in data.items() if v is not None}


def names(engine: Engine) -> dict[int, str]:
    """Every person's name (the org chart is not business data)."""
    people = frames.all_people(engine)
    return dict(people.select("person_id", "name").iter_rows())
