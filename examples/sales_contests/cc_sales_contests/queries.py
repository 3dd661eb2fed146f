"""Reads: contests, and the podium metric computed from the registry."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, select

from cc_sales_contests.logic import podiums, standings
from cc_sales_contests.models import Contest
from command_center.db import frames
from command_center.org.scope import OPERATOR
from command_center.periods import Period
from command_center.types import MetricQuery

SCHEMA: dict[str, pl.DataType] = {
    "contest_id": pl.Int64(),
    "name": pl.String(),
    "metric": pl.String(),
    "start_month": pl.Date(),
    "end_month": pl.Date(),
    "prize": pl.String(),
}


def contests(engine: Engine) -> pl.DataFrame:
    """Every contest (contests are public: names and rules, no one's numbers)."""
    query = select(*Contest.__table__.c).order_by(Contest.start_month.desc())
    return frames.cached(engine, "contests", lambda: frames.read_frame(engine, query, SCHEMA))


def podium_facts(q: MetricQuery) -> pl.DataFrame:
    """Top-three finishes per person in the month each contest ended (whole force)."""
    from command_center import runtime

    registry = runtime.registry()
    ended = contests(q.engine).filter(
        pl.col("end_month").is_between(q.start, q.end) & (pl.col("metric") != "contest_podiums")
    )
    results = []
    for contest_id, metric, start, end in ended.select(
        "contest_id", "metric", "start_month", "end_month"
    ).iter_rows():
        if metric not in registry:
            continue
        values = registry.person_values(q.engine, OPERATOR, metric, Period(start, end, "month"))
        ranked = standings(values.select("person_id", "value"))
        results.append(
            ranked.with_columns(
                pl.lit(contest_id).alias("contest_id"), pl.lit(end).alias("end_month")
            )
        )
    if not results:
        return pl.DataFrame(
            schema={"person_id": pl.Int64, "month": pl.Date, "num": pl.Float64, "den": pl.Float64}
        )
    return podiums(pl.concat(results))
