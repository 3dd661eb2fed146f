"""Appraisal records, KPI lines, templates, talks and improvement actions, scoped.

A viewer sees the records, KPI lines, talks and improvement actions only of
people in their scope (a rep: their own); a cycle's level templates hold no
person's data and are visible with the cycle.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Engine, String, cast, false, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from command_center.db import frames
from command_center.db.tables import polars_schema, read_table
from command_center.org.scope import Viewer
from plugins.appraisal.models import Action, Cycle, KpiLine, Record, Talk, TemplateLine
from plugins.appraisal.queries.cycles import all_cycles, cycles

# A record as read: the table's columns, with three time stamps read as "done" flags.
RECORD_SCHEMA: dict[str, pl.DataType] = {
    **polars_schema(Record, ["cycle_id", "person_id", "level", "team_id", "contract"]),
    "acknowledged": pl.Boolean(),
    **polars_schema(Record, ["self_comment"]),
    "self_done": pl.Boolean(),
    **polars_schema(
        Record,
        [
            "self_ability",
            "self_attitude",
            "judgement",
            "manager_comment",
            "ability",
            "attitude",
            "reviewed_by",
        ],
    ),
    "reviewed": pl.Boolean(),
    **polars_schema(
        Record,
        [
            "kpi_score",
            "results_score",
            "values_score",
            "final_score",
            "proposed_rating",
            "rating",
            "calibration_note",
            "grid",
            "bonus_multiplier",
            "raise_pct",
            "promotion",
            "training",
            "self_values",
            "manager_values",
        ],
    ),
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
TEMPLATE_COLUMNS = (
    "cycle_id",
    "level",
    "position",
    "metric",
    "target",
    "weight",
    "rule",
    "ceiling",
    "floor",
    "steps",
)
TALK_COLUMNS = (
    "cycle_id",
    "person_id",
    "held_on",
    "held_by",
    "strengths",
    "improvements",
    "employee_view",
)
ACTION_COLUMNS = ("action_id", "cycle_id", "person_id", "action", "owner_id", "due_on", "status")


def _conditions(
    column: InstrumentedAttribute[int], ids: Sequence[int] | None
) -> list[ColumnElement[bool]]:
    """``column IN ids`` (nothing for ``None``, never true for no ids)."""
    if ids is None:
        return []
    return [column.in_(list(ids))] if ids else [false()]


def _scope(
    model: type[Record] | type[KpiLine] | type[Talk],
    cycle_ids: Sequence[int] | None,
    viewer: Viewer,
) -> list[ColumnElement[bool]]:
    """Rows of ``cycle_ids`` about people in the viewer's scope."""
    where = _conditions(model.cycle_id, cycle_ids)
    if viewer.person_ids is not None:
        where.append(model.person_id.in_(sorted(viewer.person_ids)))
    return where


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
    )
    query = query.where(*_scope(Record, cycle_ids, viewer)).order_by(r.cycle_id, r.person_id)
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
    where = _scope(KpiLine, cycle_ids, viewer)
    if person_id is not None:
        where.append(KpiLine.person_id == person_id)
    order = [KpiLine.cycle_id, KpiLine.person_id, KpiLine.position]
    return read_table(engine, KpiLine, LINE_COLUMNS, where=where, order_by=order)


def templates(engine: Engine, cycle_id: int) -> pl.DataFrame:
    """The level templates of a cycle (no person's data: visible with the cycle)."""
    return read_table(
        engine,
        TemplateLine,
        TEMPLATE_COLUMNS,
        where=[TemplateLine.cycle_id == cycle_id],
        order_by=[TemplateLine.level, TemplateLine.position],
    )


def talks(engine: Engine, viewer: Viewer, cycle_ids: Sequence[int] | None) -> pl.DataFrame:
    where = _scope(Talk, cycle_ids, viewer)
    return read_table(
        engine, Talk, TALK_COLUMNS, where=where, order_by=[Talk.cycle_id, Talk.person_id]
    )


def actions(engine: Engine, viewer: Viewer, cycle_ids: Sequence[int] | None) -> pl.DataFrame:
    """Improvement actions about people in scope, or owned by the viewer."""
    where = _conditions(Action.cycle_id, cycle_ids)
    if viewer.person_ids is not None:
        ids = sorted(viewer.person_ids)
        mine = Action.owner_id == viewer.person_id if viewer.person_id is not None else false()
        where.append(Action.person_id.in_(ids) | mine)
    return read_table(
        engine, Action, ACTION_COLUMNS, where=where, order_by=[Action.due_on, Action.action_id]
    )


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


RESULT_COLUMNS = (
    "period",
    "kind",
    "person_id",
    "level",
    "team_id",
    "kpi_score",
    "results_score",
    "values_score",
    "final_score",
    "proposed_rating",
    "rating",
    "grid",
    "bonus_multiplier",
    "raise_pct",
    "promotion",
    "training",
)


def read_results(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """One row per person and closed cycle the viewer may see."""
    parts = [
        history(engine, viewer, kind).with_columns(pl.lit(kind).alias("kind"))
        for kind in ("monthly", "annual")
    ]
    rows = pl.concat(parts, how="vertical_relaxed")
    return (
        rows.with_columns(pl.col("training").list.join(","))
        .select(RESULT_COLUMNS)
        .sort("period", "person_id")
    )


def own_records(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The signed-in person's records with their cycle's ``period`` and ``state``."""
    if viewer.person_id is None:
        return records(engine, viewer, []).with_columns(
            pl.lit(None, pl.String).alias("period"), pl.lit(None, pl.String).alias("state")
        )
    me = viewer.narrow(frozenset({viewer.person_id}))
    cycles = all_cycles(engine).select("cycle_id", "period", "state")
    return records(engine, me, None).join(cycles, on="cycle_id", how="inner")


def reviews_to_do(engine: Engine, viewer: Viewer, signed_in: int | None) -> tuple[int, int]:
    """``(reviews not done, cycles)`` in the viewer's cycles under manager review or calibration.

    The signed-in person's own record is not theirs to review.
    """
    team = cycles(engine, viewer).filter(pl.col("state").is_in(["manager_review", "calibration"]))
    if not team.height:
        return 0, 0
    rows = records(engine, viewer, team["cycle_id"].to_list())
    others = rows.filter(pl.col("person_id") != (signed_in or -1))
    return int((~others["reviewed"]).sum()), team.height
