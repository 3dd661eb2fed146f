"""The core target behind each KPI line: the single source a contract's targets follow.

Targets are set and approved on the core's Targets page (``docs/targets.md``) and
land in the core ``targets`` table; a contract line whose target differs from
the person's core target is an explicit override, shown as such beside it.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.metrics import MetricRegistry, person_targets
from command_center.org.scope import OPERATOR
from command_center.periods import parse_period
from plugins.appraisal.queries.live import unit_viewer

TARGET_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "metric": pl.String(),
    "target": pl.Float64(),
}


def core_targets(
    engine: Engine, registry: MetricRegistry, root_id: int, period_label: str, metrics: list[str]
) -> pl.DataFrame:
    """``person_id, metric, target`` from the core targets table for the cycle's period.

    Registered metrics use the registry's targets (a leader's team target is their
    explicit one, else the sum of their reports'); others the explicit rows only.
    """
    period = parse_period(period_label)
    scope = unit_viewer(engine, root_id)
    parts = []
    for key in dict.fromkeys(metrics):
        if key in registry:
            goal = registry.targets(engine, scope, key, period).rename({"node_id": "person_id"})
        else:
            goal = person_targets(frames.targets(engine, OPERATOR), key, period, True)
        parts.append(goal.select("person_id", pl.lit(key).alias("metric"), "target"))
    if not parts:
        return pl.DataFrame(schema=TARGET_SCHEMA)
    return pl.concat([p.cast(TARGET_SCHEMA) for p in parts])  # type: ignore[arg-type]


def person_core_targets(
    engine: Engine,
    registry: MetricRegistry,
    root_id: int,
    period_label: str,
    person_id: int,
    metrics: list[str],
) -> dict[str, float]:
    """``metric -> core target`` of one person (metrics without one left out)."""
    found = core_targets(engine, registry, root_id, period_label, metrics).filter(
        pl.col("person_id") == person_id
    )
    return {m: float(v) for m, v in found.select("metric", "target").iter_rows() if v is not None}
