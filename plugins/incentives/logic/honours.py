"""Honour titles (荣誉称号): who tops a registry metric per month, quarter and year.

The titles are configurable (the plugin setting in :mod:`plugins.incentives.settings`):
each names a metric, the levels that compete, how many win, the periods it
is given for and extra requirements (e.g. growth star only with attainment
>= 100 %). Ranking is a pure function over the registry's per-person values.
"""

from __future__ import annotations

import polars as pl

from plugins.incentives.logic.plan_model import LEVELS
from plugins.incentives.settings import HonourDef, HonourSettings

TOPIC = "honours"
PUBLISHER = "incentives"


def metrics_needed(defs: list[HonourDef]) -> set[str]:
    keys = {h.metric for h in defs}
    for h in defs:
        keys.update(c.metric for c in h.require)
    return keys


def ranking(
    honour: HonourDef,
    values: dict[str, pl.DataFrame],
    people: pl.DataFrame,
    limit: int | None = None,
) -> pl.DataFrame:
    """``person_id, value, rank`` for one honour, best first (ties: lower person id).

    ``values`` maps metric keys to ``person_id, value`` frames; ``people``
    (``person_id, level``) are those who may compete. A person needs a
    value and every requirement met; ``limit`` keeps the first rows only.
    """
    if honour.metric not in values:
        return pl.DataFrame(schema={"person_id": pl.Int64, "value": pl.Float64, "rank": pl.Int64})
    pool = people.filter(pl.col("level").is_in([lv for lv in honour.levels if lv in LEVELS]))
    frame = pool.select("person_id").join(
        values[honour.metric].select("person_id", "value"), on="person_id", how="inner"
    )
    frame = frame.filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
    for cond in honour.require:
        if cond.metric not in values:
            return frame.clear().with_columns(pl.lit(0, pl.Int64).alias("rank"))
        other = values[cond.metric].select("person_id", pl.col("value").alias("_v"))
        frame = frame.join(other, on="person_id", how="inner")
        ok = pl.col("_v").is_not_null()
        if cond.min is not None:
            ok = ok & (pl.col("_v") >= cond.min)
        if cond.max is not None:
            ok = ok & (pl.col("_v") <= cond.max)
        frame = frame.filter(ok).drop("_v")
    frame = frame.sort(["value", "person_id"], descending=[not honour.lowest, False])
    frame = frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("rank"))
    return frame if limit is None else frame.head(limit)


def winners(
    settings: HonourSettings, grain: str, values: dict[str, pl.DataFrame], people: pl.DataFrame
) -> pl.DataFrame:
    """``honour, person_id, value, rank`` for every active title of ``grain``."""
    parts = []
    for honour in settings.active(grain):
        ranked = ranking(honour, values, people, honour.top)
        parts.append(ranked.with_columns(pl.lit(honour.id).alias("honour")))
    if not parts:
        return pl.DataFrame(
            schema={
                "honour": pl.String,
                "person_id": pl.Int64,
                "value": pl.Float64,
                "rank": pl.Int64,
            }
        )
    return pl.concat(parts).select("honour", "person_id", "value", "rank")


def title_key(honour_id: str) -> str:
    return f"incentives.honour.{honour_id}"
