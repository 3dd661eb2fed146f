"""The core metrics per day: what the registry reads for a day or an ISO week.

The core's metrics (``command_center.core_plugin``) are computed from the
month summaries; a day or a week reads the ledger's lines of its days instead
(:func:`command_center.db.daily.sales_by_day`, the viewer's scope in SQL) and
gives ``person_id, day, num, den`` with the same arithmetic as the month path:

- ``revenue``, ``profit``, ``order_lines``: sums per day; ``margin``: profit / revenue;
- ``growth``: against the same period a year before (the same date; the same ISO
  week number), day by day in order, so a week's growth is its revenue against
  that week's;
- ``attainment``: the period's revenue against the person's revenue target for
  the period (a week's: its own, else its days' summed), people with a target only.

The registry attaches these to the core's specs (:func:`with_day_path`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import polars as pl

from command_center.db import daily
from command_center.types import ALL_GRAINS, DayQuery, MetricSpec

DAY_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "day": pl.Date(),
    "num": pl.Float64(),
    "den": pl.Float64(),
}
EMPTY = pl.DataFrame(schema=DAY_SCHEMA)


def _sales(q: DayQuery) -> pl.DataFrame:
    """The days of the query's period that booked a line (as the month path's months)."""
    period = q.period
    frame = daily.sales_by_day(q.engine, q.person_ids, period.first_day, period.last_day)
    return frame.filter(pl.col("lines") > 0)


def _facts(frame: pl.DataFrame, num: pl.Expr, den: pl.Expr) -> pl.DataFrame:
    return frame.select("person_id", "day", num.alias("num"), den.alias("den"))


def _per_day(num: pl.Expr, den: pl.Expr | None = None) -> Callable[[DayQuery], pl.DataFrame]:
    """A day path reading ``num`` / ``den`` off each day's sales (``den`` 1: a sum)."""

    def compute(q: DayQuery) -> pl.DataFrame:
        return _facts(_sales(q), num, pl.lit(1.0) if den is None else den)

    return compute


def growth_days(q: DayQuery) -> pl.DataFrame:
    """(revenue - revenue a year before) / revenue a year before, the year before's days
    laid on this period's in order (a week's Monday on last year's week's Monday)."""
    before = q.period.last_year()
    shift = q.period.first_day - before.first_day
    now = _sales(q).select("person_id", "day", pl.col("revenue").alias("now"))
    then = (
        _sales(dataclasses.replace(q, period=before))
        .select("person_id", (pl.col("day") + shift).alias("day"), pl.col("revenue").alias("then"))
        .filter(pl.col("day") <= q.period.last_day)
    )
    both = now.join(then, on=["person_id", "day"], how="full", coalesce=True).fill_null(0.0)
    return _facts(both, pl.col("now") - pl.col("then"), pl.col("then"))


def attainment_days(q: DayQuery) -> pl.DataFrame:
    """The period's revenue (on its first day) against the person's revenue target."""
    from command_center.metrics import person_targets

    period = q.period
    labels = (period.label, *(day.isoformat() for day in period.days))
    rows = daily.period_targets(q.engine, q.person_ids, "revenue", labels)
    goals = person_targets(rows.with_columns(metric=pl.lit("revenue")), "revenue", period, True)
    sales = _sales(q).group_by("person_id").agg(pl.col("revenue").sum())
    return goals.join(sales, on="person_id", how="left").select(
        "person_id",
        pl.lit(period.first_day).alias("day"),
        pl.col("revenue").fill_null(0.0).alias("num"),
        pl.col("target").alias("den"),
    )


CORE_DAY_PATHS: dict[str, Callable[[DayQuery], pl.DataFrame]] = {
    "revenue": _per_day(pl.col("revenue")),
    "profit": _per_day(pl.col("revenue") - pl.col("cost")),
    "margin": _per_day(pl.col("revenue") - pl.col("cost"), pl.col("revenue")),
    "growth": growth_days,
    "attainment": attainment_days,
    "order_lines": _per_day(pl.col("lines").cast(pl.Float64)),
}
"""The day path of each core metric, by key."""


def with_day_path(spec: MetricSpec) -> MetricSpec:
    """The core's ``spec`` with its day path and every grain, when it has one and
    declares none itself."""
    compute = CORE_DAY_PATHS.get(spec.key)
    if compute is None or spec.compute_days is not None:
        return spec
    return dataclasses.replace(spec, grains=ALL_GRAINS, compute_days=compute)
