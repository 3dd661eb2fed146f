"""Honour titles read from the registry: per period the values, winners and leaderboards.

Values are the registry metrics in the viewer's scope; who wins is decided
by the pure :mod:`plugins.incentives.logic.honours`.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.periods import Period
from command_center.published import read_public, read_published
from plugins.incentives.logic.honours import TOPIC, metrics_needed, ranking, winners
from plugins.incentives.settings import HonourSettings, load_honour_settings


def honour_values(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    periods: list[Period],
    keys: set[str],
) -> dict[Period, dict[str, pl.DataFrame]]:
    """Per period, per available metric: ``person_id, value`` in the viewer's scope.

    Each metric's facts are read once for the span of all ``periods`` and
    summed per period (Σnum, or Σnum / Σden for a ratio), as the registry
    does for one period.
    """
    out: dict[Period, dict[str, pl.DataFrame]] = {p: {} for p in periods}
    if not periods:
        return out
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    for key in sorted(k for k in keys if k in registry):
        facts = registry.facts(engine, viewer, key, first, last)
        ratio = registry.spec(key).kind == "ratio"
        for period in periods:
            summed = (
                facts.filter(pl.col("month").is_between(period.start, period.end))
                .group_by("person_id")
                .agg(pl.col("num").sum(), pl.col("den").sum())
            )
            value = (
                pl.when(pl.col("den") != 0).then(pl.col("num") / pl.col("den")).otherwise(None)
                if ratio
                else pl.col("num")
            )
            out[period][key] = summed.select("person_id", value.alias("value"))
    return out


def honour_winners(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    periods: list[Period],
    settings: HonourSettings | None = None,
) -> dict[Period, pl.DataFrame]:
    """Per period the winners of every active title of its grain among the viewer's people."""
    settings = settings or load_honour_settings(engine)
    keys: set[str] = set()
    for period in periods:
        keys |= metrics_needed(settings.active(period.grain))
    values = honour_values(engine, registry, viewer, periods, keys)
    people = frames.people(engine, viewer).select("person_id", "level")
    return {p: winners(settings, p.grain, values[p], people) for p in periods}


def honour_board(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    period: Period,
    settings: HonourSettings,
    limit: int = 10,
) -> dict[str, pl.DataFrame]:
    """Per active title the leaderboard (``person_id, value, rank``) in the viewer's scope."""
    active = settings.active(period.grain)
    values = honour_values(engine, registry, viewer, [period], metrics_needed(active))[period]
    people = frames.people(engine, viewer).select("person_id", "level")
    return {h.id: ranking(h, values, people, limit) for h in active}


def published_titles(engine: Engine, viewer: Viewer, period: str | None = None) -> pl.DataFrame:
    """Honour titles published (for the whole force), of ``period`` or every period."""
    return read_published(engine, viewer, TOPIC, period)


def public_titles(engine: Engine, period: str) -> pl.DataFrame:
    """The titles published for ``period``, for everyone whatever their scope (public by
    design, docs/recognition.md): ``key`` (the honour), ``person_id``, ``name``, ``value``."""
    facts = read_public(engine, TOPIC, period).filter(pl.col("person_id").is_not_null())
    if facts.is_empty():
        return pl.DataFrame(
            schema={"key": pl.String, "person_id": pl.Int64, "name": pl.String, "value": pl.Float64}
        )
    winners = facts["person_id"].unique().to_list()
    names = frames.all_people(engine).filter(pl.col("person_id").is_in(winners))
    return facts.join(names.select("person_id", "name"), on="person_id", how="left").select(
        "key", "person_id", "name", "value"
    )
