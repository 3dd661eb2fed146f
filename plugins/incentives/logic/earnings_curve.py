"""The earnings curve: what a typical person earns per plan period at each attainment."""

from __future__ import annotations

import datetime as dt

import polars as pl

from plugins.incentives.logic.breakdowns import COLLECTED
from plugins.incentives.logic.engine import _Ctx, component_expr, finish
from plugins.incentives.logic.figures import Figures, _ratio
from plugins.incentives.logic.plan_model import GRAIN_MONTHS, Plan


def _typical(frame: pl.DataFrame, column: str, default: float) -> float:
    if column not in frame.columns:
        return default
    values = frame[column].drop_nulls().drop_nans()
    positive = values.filter(values > 0)
    median = (positive if not positive.is_empty() else values).median()
    return float(median) if isinstance(median, int | float) else default


def typical_sample(
    figures: Figures,
    plan: Plan,
    person_ids: frozenset[int] | None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pl.DataFrame:
    """Rows of the plan's grain the curve's typical person is taken from.

    The plan's levels among ``person_ids`` (``None``: everyone), paid in
    ``start..end`` when given.
    """
    frame = figures.grain(plan.period)
    if start is not None and end is not None:
        frame = frame.filter(pl.col("pay_month").is_between(start, end))
    frame = frame.filter(pl.col("level").is_in(list(plan.levels())))
    if person_ids is not None:
        frame = frame.filter(pl.col("person_id").is_in(sorted(person_ids)))
    return frame


def earnings_curve(
    plan: Plan,
    sample: pl.DataFrame,
    kinds: dict[str, str],
    points: int = 101,
    top: float = 2.0,
) -> pl.DataFrame:
    """``attainment, payout`` for a typical person, attainment 0 .. ``top``.

    Typical = the medians of ``sample`` (rows of the plan's grain): quota,
    margin, team quota and every metric. Revenue = attainment x quota; the
    team's attainment moves with it. Bonuses paid every quarter or year are
    spread over the plan periods they span; pools are left out (they depend
    on everyone). Cash is collected as it is booked; product rates pay their
    default and SPIFFs nothing (no product mix is typical). Gates and caps
    apply as in :func:`evaluate`.
    """
    quota = _typical(sample, "quota", 0.0)
    team_quota = _typical(sample, "team_quota", 0.0)
    if not quota and not team_quota:
        quota = 100_000.0
    margin = _typical(
        sample.with_columns(_ratio(pl.col("profit"), pl.col("revenue")).alias("_m")), "_m", 0.3
    )
    team_margin = _typical(
        sample.with_columns(_ratio(pl.col("team_profit"), pl.col("team_revenue")).alias("_m")),
        "_m",
        margin,
    )
    grid = pl.DataFrame({"attainment": [top * i / (points - 1) for i in range(points)]})
    metrics = {key: _typical(sample, key, 0.0) for key in kinds}
    # Cash collected as booked (a typical month's); product slices and SPIFF lines none.
    ctx = _Ctx(frozenset(kinds), plan.types(), frozenset({COLLECTED}))

    def synthetic(months: int) -> pl.DataFrame:
        scale = months / GRAIN_MONTHS[plan.period]
        return grid.with_columns(
            (pl.col("attainment") * quota * scale).alias("revenue"),
            (pl.col("attainment") * quota * scale).alias(COLLECTED),
            (pl.col("attainment") * quota * scale * margin).alias("profit"),
            pl.lit(quota * scale if quota else None, dtype=pl.Float64).alias("quota"),
            (pl.col("attainment") * team_quota * scale).alias("team_revenue"),
            (pl.col("attainment") * team_quota * scale * team_margin).alias("team_profit"),
            pl.lit(team_quota * scale if team_quota else None, dtype=pl.Float64).alias(
                "team_quota"
            ),
            pl.when(pl.lit(team_quota > 0))
            .then(pl.col("attainment"))
            .otherwise(None)
            .alias("team_attainment"),
            *[
                pl.lit(v * (scale if kinds[k] == "sum" else 1.0)).alias(k)
                for k, v in metrics.items()
            ],
        ).with_columns(
            pl.when(pl.col("quota").is_not_null()).then(pl.col("attainment")).alias("attainment")
        )

    frame = synthetic(GRAIN_MONTHS[plan.period])
    names: list[str] = []
    exprs: list[pl.Expr] = []
    for comp in plan.components:
        kind = ctx.types.of(comp)
        if not comp.enabled or kind.pool:
            continue
        names.append(comp.name)
        every = kind.grain(comp, plan)
        if every == plan.period:
            exprs.append(component_expr(ctx, comp))
            continue
        ratio = GRAIN_MONTHS[plan.period] / GRAIN_MONTHS[every]
        coarse = synthetic(GRAIN_MONTHS[every]).select(component_expr(ctx, comp) * ratio)
        frame = frame.with_columns(coarse.to_series().alias(comp.name))
    frame = frame.with_columns(exprs) if exprs else frame
    out = finish(frame.lazy(), ctx, plan, names, []).collect()
    return grid.with_columns(out["payout"])
