"""The running month's estimated pay of one person: the engine on the month so far.

Pure Polars over that person's figures (built by
:mod:`plugins.incentives.queries.estimate` from their own and their team's
person-month rows): every plan in effect that pays the person in the month's
plan period, run on the months so far; pools (shares of the whole force's
year) are left out, as no single person's figures can say them. Beside the
amount: how much more revenue reaches the next tier of a tiered component.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from plugins.incentives.logic.engine import evaluate
from plugins.incentives.logic.figures import MIN_QUOTA, MONTH_SCHEMA, Figures
from plugins.incentives.logic.plan_model import GRAIN_MONTHS, Plan, Tiered


@dataclass(frozen=True)
class Estimate:
    """``payout``: the plans' sum for the plan periods holding the month, so far;
    ``next_tier``: revenue still needed to reach the nearest next tier (``None``:
    none ahead); ``tiered``: some plan has tiers measured in revenue (so a
    ``None`` means every tier is reached); ``plans``: the plans that pay."""

    payout: float
    next_tier: float | None
    tiered: bool
    plans: tuple[str, ...]


def person_month_frame(
    person_id: int,
    levels: Mapping[int, str],
    sales: pl.DataFrame,
    quotas: pl.DataFrame,
    months: Sequence[dt.date],
) -> pl.DataFrame:
    """:data:`MONTH_SCHEMA` rows of ``person_id`` over ``months``.

    ``levels``: the person and everyone below them (their team); ``sales``:
    ``person_id, month, revenue, profit`` and ``quotas``: ``person_id, month,
    quota`` of those people. Team figures are the sums below the person; a
    leader's team quota is their own, else their reps' quotas summed.
    """
    grid = pl.DataFrame({"month": list(months)}, schema={"month": pl.Date})
    below = [p for p in levels if p != person_id]
    reps = [p for p in below if levels[p] == "rep"]
    own = (
        grid.join(sales.filter(pl.col("person_id") == person_id), on="month", how="left")
        .join(quotas.filter(pl.col("person_id") == person_id).drop("person_id"), on="month",
              how="left")
        .select("month", pl.col("revenue", "profit").fill_null(0.0), "quota")
    )  # fmt: skip
    team_sales = (
        sales.filter(pl.col("person_id").is_in(below))
        .group_by("month")
        .agg(
            pl.col("revenue").sum().alias("team_revenue"),
            pl.col("profit").sum().alias("team_profit"),
        )
    )
    rep_quotas = (
        quotas.filter(pl.col("person_id").is_in(reps))
        .group_by("month")
        .agg(pl.col("quota").sum().alias("_reps_quota"))
    )
    level = levels[person_id]
    return (
        own.join(team_sales, on="month", how="left")
        .join(rep_quotas, on="month", how="left")
        .select(
            pl.lit(person_id, pl.Int64).alias("person_id"),
            pl.lit(level).alias("level"),
            "month",
            "revenue",
            "profit",
            "quota",
            pl.col("team_revenue", "team_profit").fill_null(0.0),
            (pl.lit(None, pl.Float64) if level == "rep" else pl.coalesce("quota", "_reps_quota"))
            .cast(pl.Float64)
            .alias("team_quota"),
        )
        .cast(MONTH_SCHEMA)  # type: ignore[arg-type]
        .sort("month")
    )


def without_pools(plan: Plan) -> Plan | None:
    """``plan`` with its pool components left out (``None`` if nothing else pays)."""
    types = plan.types()
    kept = [c for c in plan.components if not types.of(c).pool]
    if not any(c.enabled for c in kept):
        return None
    return plan.model_copy(update={"components": kept})


def period_end(month: dt.date, plan: Plan) -> dt.date:
    """The last month (first day) of ``plan``'s period holding ``month``: its pay month."""
    size = GRAIN_MONTHS[plan.period]
    index = month.year * 12 + month.month - 1
    last = index - index % size + size - 1
    return dt.date(last // 12, last % 12 + 1, 1)


def revenue_tiers(plan: Plan, row: Mapping[str, Any]) -> list[tuple[float, float]]:
    """``(revenue so far, revenue where a tier starts)`` of every tier of ``plan``'s
    tiered components that ``row`` (a plan-period row of the engine) can measure in
    revenue: ``from`` x quota for attainment (the team's for a team base), ``from``
    for an amount on a revenue base; tiers at or above ``upto`` never pay."""
    found: list[tuple[float, float]] = []
    for comp in plan.components:
        if not comp.enabled or not isinstance(comp, Tiered):
            continue
        team = comp.base.startswith("team_")
        revenue = float(row.get("team_revenue" if team else "revenue") or 0.0)
        tiers = [tier.lo for tier in comp.tiers if comp.upto is None or tier.lo < comp.upto]
        if comp.measure == "attainment":
            quota = row.get("team_quota" if team else "quota")
            if quota is not None and quota >= MIN_QUOTA:
                found.extend((revenue, lo * float(quota)) for lo in tiers)
        elif comp.base in ("revenue", "team_revenue"):
            found.extend((revenue, lo) for lo in tiers)
    return found


def next_tier_revenue(plan: Plan, row: Mapping[str, Any]) -> float | None:
    """Revenue still needed to reach the nearest tier above ``row`` in ``plan``
    (:func:`revenue_tiers`); ``None`` when none is ahead."""
    ahead = [start - revenue for revenue, start in revenue_tiers(plan, row) if start > revenue]
    return min(ahead) if ahead else None


def estimate(
    plans: Sequence[Plan], figures: Figures, person_id: int, month: dt.date
) -> Estimate | None:
    """The person's estimated pay for the plan periods holding ``month`` under ``plans``
    (``None`` when no plan pays them), run on ``figures`` (their months so far)."""
    payout = 0.0
    nearest: list[float] = []
    names: list[str] = []
    tiered = False
    for full in plans:
        plan = without_pools(full)
        if plan is None:
            continue
        result = evaluate(plan, figures, month, period_end(month, plan)).frame
        mine = result.filter(pl.col("person_id") == person_id)
        if mine.is_empty():
            continue
        names.append(plan.name)
        payout += float(mine["payout"].sum())
        row = mine.row(0, named=True)
        tiered = tiered or bool(revenue_tiers(plan, row))
        need = next_tier_revenue(plan, row)
        if need is not None:
            nearest.append(need)
    if not names:
        return None
    return Estimate(round(payout, 2), min(nearest) if nearest else None, tiered, tuple(names))


LINE_SCHEMA: dict[str, pl.DataType] = {
    "plan": pl.String(),
    "period": pl.String(),
    "seq": pl.Int64(),
    "kind": pl.String(),
    "name": pl.String(),
    "amount": pl.Float64(),
}
PERIOD_SCHEMA: dict[str, pl.DataType] = {
    "plan": pl.String(),
    "period": pl.String(),
    "revenue": pl.Float64(),
    "quota": pl.Float64(),
    "attainment": pl.Float64(),
    "payout": pl.Float64(),
}


@dataclass(frozen=True)
class Breakdown:
    """The estimate and what makes it: ``lines`` (:data:`LINE_SCHEMA`: per plan, every
    component, then a gate or cap that cut it, as on a statement) and ``periods``
    (:data:`PERIOD_SCHEMA`: per plan, its period so far: revenue, quota, attainment)."""

    estimate: Estimate
    lines: pl.DataFrame
    periods: pl.DataFrame


def breakdown(
    plans: Sequence[Plan], figures: Figures, person_id: int, month: dt.date
) -> Breakdown | None:
    """:func:`estimate` with its statement-like lines (``None``: no plan pays the person)."""
    from plugins.incentives.logic.settlement import component_lines

    found = estimate(plans, figures, person_id, month)
    if found is None:
        return None
    lines: list[pl.DataFrame] = []
    periods: list[pl.DataFrame] = []
    for full in plans:
        plan = without_pools(full)
        if plan is None or plan.name not in found.plans:
            continue
        result = evaluate(plan, figures, month, period_end(month, plan))
        mine = result.frame.filter(pl.col("person_id") == person_id)
        if mine.is_empty():
            continue
        own = replace(result, frame=mine)
        label = str(mine["period"][0])
        lines.append(
            component_lines(own).select(
                pl.lit(plan.name).alias("plan"), pl.lit(label).alias("period"),
                "seq", "kind", "name", "amount",
            )
        )  # fmt: skip
        periods.append(
            mine.select(
                pl.lit(plan.name).alias("plan"),
                pl.col("period").cast(pl.String),
                "revenue",
                "quota",
                "attainment",
                "payout",
            )
        )
    return Breakdown(
        found,
        pl.concat(lines).cast(LINE_SCHEMA) if lines else pl.DataFrame(schema=LINE_SCHEMA),  # type: ignore[arg-type]
        pl.concat(periods).cast(PERIOD_SCHEMA) if periods else pl.DataFrame(schema=PERIOD_SCHEMA),  # type: ignore[arg-type]
    )


def with_deals(figures: Figures, person_id: int, month: dt.date, amount: float) -> Figures:
    """``figures`` as if deals worth ``amount`` closed in ``month`` for ``person_id``.

    Their revenue is added to the person's month, their profit at the person's
    margin so far (profit / revenue of the person's months in ``figures``; 0
    without revenue): a deal has an amount, not a cost. Registry metrics the
    plans read (new customers, …) stay as they are.
    """
    frame = figures.month
    mine = frame.filter(pl.col("person_id") == person_id)
    revenue = float(mine["revenue"].sum() or 0.0)
    margin = float(mine["profit"].sum() or 0.0) / revenue if revenue > 0 else 0.0
    here = (pl.col("person_id") == person_id) & (pl.col("month") == month)
    moved = frame.with_columns(
        pl.when(here)
        .then(pl.col("revenue") + amount)
        .otherwise(pl.col("revenue"))
        .alias("revenue"),
        pl.when(here)
        .then(pl.col("profit") + amount * margin)
        .otherwise(pl.col("profit"))
        .alias("profit"),
    )
    return Figures(moved, figures.kinds, figures.quotas)
