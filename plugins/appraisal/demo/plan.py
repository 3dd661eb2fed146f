"""The demo's shape: which cycles, who is in them, and each level's KPI contract.

Every manager's org unit gets a closed monthly cycle for each of the twelve
full months before ``as_of`` (calibrated, results applied and published), a
closed annual cycle for each earlier calendar year those months touch, and an
in-progress monthly cycle for ``as_of``'s month (contracts issued, most of
them acknowledged).

KPI contracts use the metrics that are registered when the demo is seeded; a
line whose metric is missing (its plugin disabled) hands its weight to
revenue. Targets come from the core targets table where it has them, else
they are set from the metric's history (the median month), the way a
manager sets a first target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR
from command_center.org.tree import closure
from command_center.periods import Period, month_end
from command_center.types import DemoContext
from plugins.appraisal.settings import DEFAULT_STEPS

CLOSED_MONTHS = 12
# (metric, weight %, entered target or None = core targets / history, rule, steps)
REP_TEMPLATE: tuple[tuple[str, float, float | None, str, str], ...] = (
    ("revenue", 40.0, None, "linear", ""),
    ("margin", 15.0, 0.30, "linear", ""),
    ("new_customers", 15.0, None, "linear", ""),
    ("visits", 15.0, None, "linear", ""),
    ("satisfaction", 15.0, None, "steps", DEFAULT_STEPS),
)
SUPERVISOR_TEMPLATE: tuple[tuple[str, float, float | None, str, str], ...] = (
    ("revenue", 50.0, None, "linear", ""),
    ("margin", 20.0, 0.30, "linear", ""),
    ("growth", 15.0, 0.10, "steps", "150:120, 100:100, 50:80, 10:60"),
    ("new_customers", 15.0, None, "linear", ""),
)
TEMPLATES = {"rep": REP_TEMPLATE, "supervisor": SUPERVISOR_TEMPLATE}
CEILING = 1.2


@dataclass(frozen=True)
class DemoCycle:
    cycle_id: int
    kind: str
    period: str
    root_id: int
    state: str
    start: dt.date
    end: dt.date  # last day

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(9, 0))

    @property
    def closed_at(self) -> dt.datetime | None:
        if self.state != "closed":
            return None
        return dt.datetime.combine(self.end + dt.timedelta(days=10), dt.time(18, 0))


def months_of(ctx: DemoContext) -> tuple[list[dt.date], dt.date, list[int]]:
    """The closed months, the current month, and the earlier years for annual cycles."""
    closed = list(ctx.months[-CLOSED_MONTHS:])
    current = ctx.as_of.replace(day=1)
    years = sorted({m.year for m in closed if m.year < current.year})
    return closed, current, years


def cycles(ctx: DemoContext, first_id: int) -> list[DemoCycle]:
    closed, current, years = months_of(ctx)
    managers = (
        ctx.people.filter(pl.col("level") == "manager").sort("person_id")["person_id"].to_list()
    )
    specs: list[tuple[str, str, str, dt.date, dt.date]] = [
        ("monthly", m.strftime("%Y-%m"), "closed", m, month_end(m)) for m in closed
    ]
    specs += [("annual", str(y), "closed", dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in years]
    specs.append(("monthly", current.strftime("%Y-%m"), "in_progress", current, month_end(current)))
    out: list[DemoCycle] = []
    for kind, label, state, start, end in specs:
        for root in managers:
            out.append(DemoCycle(first_id + len(out), kind, label, root, state, start, end))
    return out


def members(ctx: DemoContext) -> pl.DataFrame:
    """``root_id, person_id, level, team_id``: everyone under each manager who has not left."""
    people = ctx.people.select("person_id", "manager_id", "level", "status")
    tree = closure(people)
    managers = people.filter(pl.col("level") == "manager")["person_id"].implode()
    return (
        tree.filter(
            pl.col("ancestor_id").is_in(managers) & (pl.col("ancestor_id") != pl.col("person_id"))
        )
        .join(people, on="person_id")
        .filter(pl.col("status") != "left")
        .select(
            pl.col("ancestor_id").alias("root_id"),
            "person_id",
            "level",
            pl.col("manager_id").alias("team_id"),
        )
        .sort("root_id", "person_id")
    )


def fixed_rollup(
    registry: MetricRegistry, ctx: DemoContext, key: str, window: Period
) -> pl.DataFrame | None:
    """``person_id, month, value``: the registry's roll-up (Σnum / Σden over each
    subtree) summed in a fixed order, since a parallel sum's last bits vary from
    run to run and stored demo data must not. ``None`` when the metric fails."""
    try:
        facts = registry.facts(ctx.engine, OPERATOR, key, window.start, window.end)
    except Exception:
        return None
    tree = closure(ctx.people.select("person_id", "manager_id"))
    summed = registry.spec(key).kind == "sum"
    value = (
        pl.col("num") if summed else pl.when(pl.col("den") != 0).then(pl.col("num") / pl.col("den"))
    )
    return (
        tree.join(facts, on="person_id", how="inner")
        .sort("ancestor_id", "month", "person_id")
        .group_by("ancestor_id", "month")
        .agg(pl.col("num").cum_sum().last(), pl.col("den").cum_sum().last())
        .select(
            pl.col("ancestor_id").alias("person_id"), "month", value.cast(pl.Float64).alias("value")
        )
    )


def history_target(
    registry: MetricRegistry, ctx: DemoContext, key: str, level: str, window: Period
) -> float | None:
    """The median month of ``key`` over ``window`` among people of ``level``."""
    facts = fixed_rollup(registry, ctx, key, window)
    if facts is None:
        return None
    ids = ctx.people.filter(pl.col("level") == level)["person_id"].implode()
    values = facts.filter(pl.col("person_id").is_in(ids))["value"].drop_nulls()
    if values.is_empty():
        return None
    median = float(values.median())  # type: ignore[arg-type]
    if median <= 0:
        return None
    return round(median, 2) if registry.spec(key).kind == "ratio" else float(round(median))


def template_lines(
    registry: MetricRegistry,
    ctx: DemoContext,
    level: str,
    window: Period,
    core_targets: set[str],
) -> list[tuple[str, float, float | None, str, str]]:
    """The level's contract with the metrics registered now (missing ones' weight to revenue).

    ``core_targets``: the metrics the core targets table holds targets for.
    """
    kept: list[tuple[str, float, float | None, str, str]] = []
    spare = 0.0
    for metric, weight, target, rule, steps in TEMPLATES[level]:
        if metric not in registry:
            spare += weight
            continue
        if target is None and metric not in core_targets:
            target = history_target(registry, ctx, metric, level, window)
            if target is None:
                spare += weight
                continue
        kept.append((metric, weight, target, rule, steps))
    first = kept[0]
    kept[0] = (first[0], first[1] + spare, *first[2:])
    return kept
