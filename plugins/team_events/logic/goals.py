"""The daily beat, pure: goals stated at the morning kick-off (早启动) beside the day's
actual activity at the evening review (夕会)."""

from __future__ import annotations

import polars as pl

GOAL_METRICS: tuple[str, ...] = ("visits", "calls", "new_customers")
"""What a member sets goals for at the kick-off (registry metrics with day figures)."""
MAX_GOAL = 999
REVIEW_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "name": pl.String(),
    **{f"{metric}_{part}": pl.Float64() for metric in GOAL_METRICS for part in ("goal", "done")},
    "met": pl.Boolean(),
    "note": pl.String(),
}


def review(members: pl.DataFrame, goals: pl.DataFrame, actuals: pl.DataFrame) -> pl.DataFrame:
    """:data:`REVIEW_SCHEMA`, one row per member (``person_id, name``), by name.

    ``goals``: ``person_id`` and one column per :data:`GOAL_METRICS` and ``note`` (a
    member without a row stated none: goals missing, ``met`` missing); ``actuals``:
    ``person_id, metric, value`` (no row: none done, 0). ``met``: every goal reached.
    """
    rows = members.select(pl.col("person_id").cast(pl.Int64), "name")
    stated = goals.select(
        pl.col("person_id").cast(pl.Int64),
        *(pl.col(m).cast(pl.Float64).alias(f"{m}_goal") for m in GOAL_METRICS),
        "note",
    )
    rows = rows.join(stated, on="person_id", how="left")
    for metric in GOAL_METRICS:
        done = actuals.filter(pl.col("metric") == metric).select(
            pl.col("person_id").cast(pl.Int64), pl.col("value").alias(f"{metric}_done")
        )
        rows = rows.join(done, on="person_id", how="left").with_columns(
            pl.col(f"{metric}_done").cast(pl.Float64).fill_null(0.0)
        )
    reached = pl.all_horizontal(*(pl.col(f"{m}_done") >= pl.col(f"{m}_goal") for m in GOAL_METRICS))
    rows = rows.with_columns(
        pl.when(pl.col(f"{GOAL_METRICS[0]}_goal").is_null())
        .then(None)
        .otherwise(reached)
        .alias("met")
    )
    return rows.select([pl.col(c).cast(t) for c, t in REVIEW_SCHEMA.items()]).sort("name")
