"""The metrics appraisal publishes: ``appraisal_score`` and ``values_score``.

Per person and month of a *closed* monthly cycle: ``num`` = the final score
(0-150 points) or the values score (1-5), ``den`` = 1; so a team's or a
quarter's value is the mean over its people-months.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import select

from command_center.db.frames import read_frame
from command_center.types import MetricQuery, MetricSpec
from plugins.appraisal.models import Cycle, Record

TABLES = ("appraisal_cycles", "appraisal_records")
SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "period": pl.String(),
    "num": pl.Float64(),
}


def _closed_scores(q: MetricQuery, column: str) -> pl.DataFrame:
    value = Record.__table__.c[column]
    query = (
        select(Record.person_id, Cycle.period, value.label("num"))
        .join(Cycle, Cycle.cycle_id == Record.cycle_id)
        .where(
            Cycle.kind == "monthly",
            Cycle.state == "closed",
            value.is_not(None),
            Cycle.period >= q.start.strftime("%Y-%m"),
            Cycle.period <= q.end.strftime("%Y-%m"),
        )
    )
    if q.person_ids is not None:
        query = query.where(Record.person_id.in_(sorted(q.person_ids)))
    frame = read_frame(q.engine, query, SCHEMA)
    return frame.select(
        "person_id",
        (pl.col("period") + "-01").str.to_date("%Y-%m-%d").alias("month"),
        "num",
        pl.lit(1.0).alias("den"),
    )


def _appraisal_score(q: MetricQuery) -> pl.DataFrame:
    return _closed_scores(q, "final_score")


def _values_score(q: MetricQuery) -> pl.DataFrame:
    return _closed_scores(q, "values_score")


def metric_specs() -> list[MetricSpec]:
    return [
        MetricSpec(
            "appraisal_score",
            "appraisal.metric.appraisal_score",
            "score",
            _appraisal_score,
            kind="ratio",
            description="appraisal.metric.appraisal_score_help",
            tables=TABLES,
        ),
        MetricSpec(
            "values_score",
            "appraisal.metric.values_score",
            "score",
            _values_score,
            kind="ratio",
            description="appraisal.metric.values_score_help",
            tables=TABLES,
        ),
    ]
