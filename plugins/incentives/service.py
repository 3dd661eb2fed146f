"""Glue between the data layer and the engine, shared by pages, CLI and demo.

No Streamlit here: the simulator page, the ``commission`` commands and the
demo all call these, so what a manager sees on screen is what the CLI prints.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.org.tree import children_map, subtree
from command_center.periods import Period
from command_center.plugin_settings import load_settings
from plugins.incentives import queries, sources
from plugins.incentives.figures import window, window_start
from plugins.incentives.honours import HonourSettings, metrics_needed, ranking, winners
from plugins.incentives.logic import Evaluation, Figures, evaluate
from plugins.incentives.plan import Plan
from plugins.incentives.whatif import Assumptions, scaled

PLUGIN = "incentives"


def figures_for(engine: Engine, registry: MetricRegistry, plan: Plan) -> Figures:
    return sources.figures(engine, registry, plan.metrics())


def figures_between(
    engine: Engine, registry: MetricRegistry, plan: Plan, start: dt.date, end: dt.date
) -> Figures:
    """The plan's figures cut to the months of ``start..end`` (see :func:`window`), cached.

    The simulator's baseline and every scenario run on this: a lever move
    scales and evaluates ~5,000 people x a few months, not the whole history.
    Its grains are memoised on the cached object, so they are built once per
    data version.
    """
    metrics = frozenset(plan.metrics())
    keys = tuple(sorted(k for k in metrics if k in registry))
    return frames.cached(
        engine,
        "incentives:window",
        lambda: window(figures_for(engine, registry, plan), start, end),
        keys,
        window_start(start),
        end,
        tables=sources.figure_tables(registry, set(keys)),
    )


def multipliers(engine: Engine) -> pl.DataFrame | None:
    """:func:`sources.multipliers`, cached until published facts change."""
    return frames.cached(
        engine,
        "incentives:multipliers",
        lambda: sources.multipliers(engine),
        tables=("published_facts",),
    )


def simulate(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    plan: Plan,
    start: dt.date,
    end: dt.date,
) -> Evaluation:
    """The plan over ``start..end`` for the people in the viewer's scope."""
    figures = figures_between(engine, registry, plan, start, end)
    result = evaluate(plan, figures, start, end, multipliers(engine))
    frame = viewer.filter(result.frame)
    return Evaluation(frame, result.components, result.notes, plan)


@dataclass(frozen=True)
class Timed:
    evaluation: Evaluation
    milliseconds: float
    figures: Figures  # the figures the scenario ran on (assumptions applied)


def run_scenario(
    figures: Figures,
    plan: Plan,
    start: dt.date,
    end: dt.date,
    assumptions: Assumptions,
    multipliers: pl.DataFrame | None,
) -> Timed:
    """Evaluate a scenario (everyone; filter to scope afterwards), timing the engine."""
    began = time.perf_counter()
    used = scaled(figures, assumptions)
    result = evaluate(plan, used, start, end, multipliers)
    return Timed(result, (time.perf_counter() - began) * 1000, used)


def baseline(
    engine: Engine, registry: MetricRegistry, version_id: int, start: dt.date, end: dt.date
) -> Evaluation:
    """A stored plan version's result for everyone, cached per data version."""

    plan = queries.plan(engine, version_id)

    def load() -> Evaluation:
        figures = figures_between(engine, registry, plan, start, end)
        return evaluate(plan, figures, start, end, multipliers(engine))

    read = sources.figure_tables(registry, plan.metrics())
    tables = None if read is None else (*read, *queries.PLAN_TABLES, "published_facts")
    return frames.cached(engine, "incentives:baseline", load, version_id, start, end, tables=tables)


def team_assumptions(engine: Engine, everyone: float, root: int | None, team: float) -> Assumptions:
    """:class:`Assumptions` with the team's subtree and the managers above it."""
    if root is None or team == 0:
        return Assumptions(everyone=everyone)
    people = frames.all_people(engine)
    edges = dict(people.select("person_id", "manager_id").iter_rows())
    members = frozenset(subtree(root, children_map(edges.items())))
    above: set[int] = set()
    node = edges.get(root)
    while node is not None and node not in above:
        above.add(node)
        node = edges.get(node)
    return Assumptions(everyone, team, root, members, frozenset(above))


def within(evaluation: Evaluation, viewer: Viewer) -> Evaluation:
    return Evaluation(
        viewer.filter(evaluation.frame), evaluation.components, evaluation.notes, evaluation.plan
    )


# -- honours ---------------------------------------------------------------------------


def honour_settings(engine: Engine) -> HonourSettings:
    return load_settings(engine, PLUGIN, HonourSettings)


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
    settings = settings or honour_settings(engine)
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
