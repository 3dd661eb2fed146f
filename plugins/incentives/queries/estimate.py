"""What the running month's estimate reads: one person's figures, never the force's.

The person's and their team's (everyone below them) person-month rows from
the ledger summaries, their monthly quotas, and the registry metrics the plans
in effect read, for the person only; :mod:`plugins.incentives.logic.estimate`
runs the engine on them.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine

from command_center import cash
from command_center.core_plugin import monthly_revenue_targets
from command_center.db import frames
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.org.tree import children_map, subtree
from command_center.periods import add_months
from command_center.plugins import PluginHost
from command_center.types import MetricQuery
from plugins.incentives.logic.breakdowns import COLLECTED, all_needs
from plugins.incentives.logic.estimate import (
    Breakdown,
    Estimate,
    breakdown,
    estimate,
    person_month_frame,
    with_deals,
)
from plugins.incentives.logic.figures import Figures, den_col, num_col, window_start
from plugins.incentives.logic.plan_model import Plan
from plugins.incentives.queries import plans as plans_q


def _months(month: dt.date) -> list[dt.date]:
    first = window_start(month)
    count = (month.year - first.year) * 12 + month.month - first.month + 1
    return [add_months(first, i) for i in range(count)]


def person_figures(
    engine: Engine, registry: MetricRegistry, person_id: int, month: dt.date, plans: list[Plan]
) -> Figures:
    """:class:`Figures` of ``person_id`` from January of ``month``'s year to ``month``."""
    people = frames.all_people(engine)
    edges = dict(people.select("person_id", "manager_id").iter_rows())
    team = frozenset(subtree(person_id, children_map(edges.items())))
    levels = dict(
        people.filter(pl.col("person_id").is_in(team)).select("person_id", "level").iter_rows()
    )
    months = _months(month)
    first, last = months[0], months[-1]
    scope = Viewer("estimate", "rep", person_id, team)
    sales = frames.person_months(engine, scope, first, last).select(
        "person_id", "month", "revenue", (pl.col("revenue") - pl.col("cost")).alias("profit")
    )
    quotas = (
        monthly_revenue_targets(MetricQuery(engine, first, last, team))
        .filter(pl.col("person_id").is_in(team))
        .select("person_id", "month", pl.col("target").alias("quota"))
    )
    frame = person_month_frame(person_id, levels, sales, quotas, months)
    own = Viewer("estimate", "rep", person_id, frozenset({person_id}))
    keys = sorted({key for plan in plans for key in plan.metrics() if key in registry})
    kinds: dict[str, str] = {}
    for key in keys:
        facts = registry.facts(engine, own, key, first, last).select(
            "month", pl.col("num").alias(num_col(key)), pl.col("den").alias(den_col(key))
        )
        kinds[key] = registry.spec(key).kind
        frame = frame.join(facts, on="month", how="left")
        if kinds[key] == "sum":
            frame = frame.with_columns(
                pl.col(num_col(key)).fill_null(0.0), pl.col(den_col(key)).fill_null(1.0)
            )
    sums: tuple[str, ...] = ()
    if all_needs(plans).collected:
        # The person's own cash by month (the core's summary; never the force's).
        paid = cash.collected_by_person_month(engine, [person_id], first, last).select(
            pl.col("period").str.to_date("%Y-%m").alias("month"),
            pl.col("collected").cast(pl.Float64).alias(COLLECTED),
        )
        frame = frame.join(paid, on="month", how="left").with_columns(
            pl.when(pl.col("person_id") == person_id)
            .then(pl.col(COLLECTED).fill_null(0.0))
            .otherwise(0.0)
            .alias(COLLECTED)
        )
        sums = (COLLECTED,)
    return Figures(frame, kinds, _explicit_quotas(engine, own), sums)


def _explicit_quotas(engine: Engine, own: Viewer) -> pl.DataFrame:
    """The person's quarter and year revenue targets (they win over summed months)."""
    rows = frames.targets(engine, own).filter(
        (pl.col("metric") == "revenue") & pl.col("period").str.contains(r"^\d{4}(-Q[1-4])?$")
    )
    return rows.select("person_id", "period", pl.col("target").alias("quota"))


def running_estimate(
    engine: Engine, registry: MetricRegistry, person_id: int, day: dt.date
) -> Estimate | None:
    """The estimate for the month holding ``day`` (``None``: no plan pays the person)."""
    month = day.replace(day=1)
    plans = _paying(engine, person_id, month)
    if not plans:
        return None
    figures = person_figures(engine, registry, person_id, month, plans)
    return estimate(plans, figures, person_id, month)


def _paying(engine: Engine, person_id: int, month: dt.date) -> list[Plan]:
    """The plans in effect in ``month`` whose levels include the person's: a person no
    plan can pay (a director, as a rule) has their team's figures read for nothing."""
    people = frames.all_people(engine).filter(pl.col("person_id") == person_id)
    if people.is_empty():
        return []
    level = people["level"][0]
    return [plan for _, plan in plans_q.effective_plans(engine, month) if level in plan.levels()]


def running_breakdown(
    engine: Engine,
    registry: MetricRegistry,
    person_id: int,
    day: dt.date,
    deals: float = 0.0,
) -> Breakdown | None:
    """The estimate for the month holding ``day`` with the lines that make it; with
    ``deals`` (an amount): as if open deals worth that much closed this month."""
    month = day.replace(day=1)
    plans = _paying(engine, person_id, month)
    if not plans:
        return None
    figures = person_figures(engine, registry, person_id, month, plans)
    if deals:
        figures = with_deals(figures, person_id, month, deals)
    return breakdown(plans, figures, person_id, month)


DEALS_HOOK = "pipeline_open_deals"
DEAL_SCHEMA: dict[str, pl.DataType] = {
    "opp_id": pl.Int64(),
    "title": pl.String(),
    "amount": pl.Float64(),
    "expected_close": pl.Date(),
    "stage_label": pl.String(),
    "probability": pl.Float64(),
}


def open_deals(
    host: PluginHost, engine: Engine, viewer: Viewer, person_id: int
) -> pl.DataFrame | None:
    """The person's open deals through the pipeline's hook (:data:`DEAL_SCHEMA`), never
    an import of pipeline; ``None`` when no plugin offers deals (pipeline is off)."""
    if not host.declares(DEALS_HOOK):
        return None
    for result in host.call(DEALS_HOOK, engine=engine, viewer=viewer, person_id=person_id):
        found = result.value
        if isinstance(found, pl.DataFrame) and set(DEAL_SCHEMA) <= set(found.columns):
            return found.select(list(DEAL_SCHEMA)).cast(DEAL_SCHEMA)  # type: ignore[arg-type]
    return None
