"""Today's activity against the day's targets: pure Python over counted rows."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

STRIP_METRICS: tuple[str, ...] = ("visits", "calls", "new_customers")
"""The activity shown above a person's agenda, in this order."""


@dataclass(frozen=True)
class DayCount:
    """One activity metric of a person's day: how many done, the day's target if any."""

    metric: str
    done: int
    target: float | None


def day_counts(
    done: pl.DataFrame, targets: pl.DataFrame, person_id: int, metrics: tuple[str, ...]
) -> list[DayCount]:
    """``done``: ``person_id`` and a column per metric (people with no activity absent);
    ``targets``: ``metric, target`` of the person's day (metrics without one absent)."""
    mine = done.filter(pl.col("person_id") == person_id)
    goals = dict(targets.select("metric", "target").iter_rows())
    return [
        DayCount(metric, int(mine[metric][0]) if mine.height else 0, goals.get(metric))
        for metric in metrics
    ]
