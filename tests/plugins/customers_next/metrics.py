"""The metric key customers publishes, computed from the same table."""

from __future__ import annotations

import calendar

import polars as pl

from command_center.types import MetricQuery, MetricSpec
from tests.plugins.customers_next.queries import followups_between


def followups(q: MetricQuery) -> pl.DataFrame:
    last = q.end.replace(day=calendar.monthrange(q.end.year, q.end.month)[1])
    return (
        followups_between(q.engine, q.start, last)
        .select("person_id", pl.col("followup_date").dt.truncate("1mo").alias("month"))
        .group_by("person_id", "month")
        .agg(pl.len().cast(pl.Float64).alias("num"))
        .with_columns(pl.lit(1.0).alias("den"))
    )


def metric_specs() -> list[MetricSpec]:
    return [MetricSpec("followups", "metric.followups", "count", followups)]
