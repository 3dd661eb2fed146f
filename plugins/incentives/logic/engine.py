"""The commission engine: pure, vectorised Polars over person-period figures.

:class:`Figures` (:mod:`plugins.incentives.logic.figures`) holds one row per
person and month (revenue, profit, quota, team figures, registry metrics as
numerator/denominator) and aggregates it to quarters and years on demand.
:func:`evaluate` turns a plan and a range
of pay months into one row per person and plan period: one column per
component (named by the component), the gate and cap adjustments, and the
payout. No I/O, no Streamlit, no SQL: every function here is a pure
function of its frames, unit-tested against hand-computed answers.

Order of operations, per person and plan period:
1. each component (its type's ``amount``, then its own ``cap``);
2. gates multiply the components they apply to (``gate_adjustment`` <= 0);
3. the plan's cap limits the gated sum (``cap_adjustment`` <= 0);
4. pools (year-end profit share) are added; the sum is ``payout``.

Amounts are rounded to the fen (0.01 yuan) per component, as they are paid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from plugins.incentives.logic.breakdowns import COLLECTED, rate_slices, spiff_lines
from plugins.incentives.logic.figures import (
    ATTR_COLLECTED,
    ATTR_PROFIT,
    ATTR_REVENUE,
    FIGURE_COLUMNS,
    KEY_COLUMNS,
    MIN_QUOTA,
    Figures,
)
from plugins.incentives.logic.plan_model import (
    BASES,
    FIGURES,
    Bonus,
    ComponentBase,
    Override,
    Plan,
    Pool,
    ProductRate,
    Rate,
    Spiff,
    Tiered,
)

if TYPE_CHECKING:
    from plugins.incentives.logic.component_types import ComponentTypes

# The columns ``commission simulate`` prints (and ``cc.incentives.simulate`` returns).
FIXED = ["person_id", "period", "revenue", "profit", "quota", "attainment"]
TAIL = ["gate_adjustment", "cap_adjustment", "payout"]


@dataclass(frozen=True)
class Note:
    """Something the reader of a result must know (a metric absent, a split used)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation:
    """One row per person and plan period whose pay month is in the range."""

    frame: pl.DataFrame
    components: list[str]
    notes: list[Note]
    plan: Plan

    def output(self) -> pl.DataFrame:
        """The public columns (what the CLI prints), without internal ones."""
        return self.frame.select([c for c in self.frame.columns if not c.startswith("_")])


# -- expressions per component --------------------------------------------------


class EngineContext:
    """What a component type's ``amount`` gets beside its component.

    ``available``: the registry metrics present as columns; ``types``: the
    plan's component types; :meth:`value` and :meth:`number` read a figure or
    a metric, noting (once) when it is absent.
    """

    def __init__(
        self,
        available: frozenset[str],
        types: ComponentTypes | None = None,
        sums: frozenset[str] = frozenset(),
    ) -> None:
        from plugins.incentives.logic.component_types import builtin_types

        self.available = available
        self.types = types if types is not None else builtin_types()
        self.sums = sums  # the extra summed columns present (collected, slices, SPIFF lines)
        self.notes: list[Note] = []

    def note(self, code: str, **params: Any) -> None:
        note = Note(code, params)
        if note not in self.notes:
            self.notes.append(note)

    def value(self, metric: str, where: str = "base") -> pl.Expr | None:
        """A figure or a registry metric's value; ``None`` (and a note) when absent.

        ``where`` words the note: ``base`` (pays nothing), ``condition``, ``gate``.
        """
        if metric in FIGURES:
            return pl.col(metric)
        if metric in self.available:
            return pl.col(metric)
        self.note(f"absent_{where}", metric=metric)
        return None

    def column(self, name: str) -> pl.Expr:
        """An extra summed column (:mod:`.breakdowns`); 0, with a note, when not loaded."""
        if name in self.sums:
            return pl.col(name).fill_null(0.0)
        self.note("absent_figure", column=name)
        return pl.lit(0.0)

    def number(self, metric: str) -> pl.Expr:
        """:meth:`value` with 0 where the metric is empty or absent (noted)."""
        found = self.value(metric)
        return pl.lit(0.0) if found is None else found.fill_null(0.0)


_Ctx = EngineContext


def _base(ctx: _Ctx, base: str) -> pl.Expr:
    if base == COLLECTED:
        return pl.max_horizontal(ctx.column(COLLECTED), pl.lit(0.0))
    if base in BASES:
        expr = pl.col(base)
    else:
        found = ctx.value(base, "base")
        expr = found if found is not None else pl.lit(0.0)
    return pl.max_horizontal(expr.fill_null(0.0), pl.lit(0.0))


def _segments(comp: Tiered) -> list[tuple[float, float | None, float]]:
    """``(lo, hi, coefficient)`` slices of the measure; hi ``None`` = open.

    Marginal: coefficient = tier rate x band multipliers. Retroactive: band
    multipliers only (the rate of the tier reached multiplies the whole).
    """
    points = {0.0, *(t.lo for t in comp.tiers)}
    bands = [*comp.accelerators, *comp.decelerators]
    for band in bands:
        points.add(band.lo)
        if band.to is not None:
            points.add(band.to)
    if comp.upto is not None:
        points = {p for p in points if p < comp.upto} | {comp.upto}
    ordered = sorted(points)
    out = []
    for i, lo in enumerate(ordered):
        hi = ordered[i + 1] if i + 1 < len(ordered) else None
        if comp.upto is not None and hi is None:
            break  # nothing above upto
        mult = 1.0
        for band in bands:
            if band.lo <= lo and (band.to is None or (hi is not None and band.to >= hi)):
                mult *= band.multiplier
        if comp.mode == "marginal":
            rate = 0.0
            for tier in comp.tiers:
                if tier.lo <= lo:
                    rate = tier.rate
            coef = rate * mult
        else:
            coef = mult
        if coef:
            out.append((lo, hi, coef))
    return out


def _tiered(ctx: _Ctx, comp: Tiered) -> pl.Expr:
    base = _base(ctx, comp.base)
    team = comp.base.startswith("team_")
    if comp.measure == "amount":
        measure = base
    elif comp.base == COLLECTED:
        # Attainment on cash: the month's collected cash / the quota.
        quota = pl.col("quota")
        measure = pl.when(quota >= MIN_QUOTA).then(base / quota).otherwise(0.0).fill_null(0.0)
    else:
        measure = pl.col("team_attainment" if team else "attainment").fill_null(0.0)
    if comp.measure == "amount":
        # Slices of the base itself: the width of each slice is what it pays on.
        amount: pl.Expr = pl.lit(0.0)
        for lo, hi, coef in _segments(comp):
            amount = amount + pl.max_horizontal(measure.clip(lo, hi) - lo, pl.lit(0.0)) * coef
    else:
        # The share of the base in each slice of attainment; written so that a
        # tiny quota (attainment ~ infinity) puts the whole base in the top slice.
        share: pl.Expr = pl.lit(0.0)
        for lo, hi, coef in _segments(comp):
            if hi is None:
                part = pl.max_horizontal(1.0 - lo / measure, pl.lit(0.0))
            else:
                part = pl.max_horizontal(measure.clip(lo, hi) - lo, pl.lit(0.0)) / measure
            share = share + part * coef
        amount = pl.when(measure > 0).then(base * share).otherwise(0.0)
    if comp.mode == "retroactive":
        reached = measure if comp.upto is None else pl.min_horizontal(measure, pl.lit(comp.upto))
        rate: pl.Expr = pl.lit(0.0)
        for tier in comp.tiers:
            rate = pl.when(reached >= tier.lo).then(tier.rate).otherwise(rate)
        amount = amount * rate
    return amount


def _condition(ctx: _Ctx, metric: str, low: float | None, high: float | None) -> pl.Expr:
    value = ctx.value(metric, "condition")
    if value is None:
        return pl.lit(False)
    met = value.is_not_null()
    if low is not None:
        met = met & (value >= low)
    if high is not None:
        met = met & (value <= high)
    return met.fill_null(False)


def _bonus(ctx: _Ctx, comp: Bonus) -> pl.Expr:
    met = pl.lit(True)
    for cond in comp.when:
        met = met & _condition(ctx, cond.metric, cond.min, cond.max)
    return pl.when(met).then(pl.lit(float(comp.amount))).otherwise(0.0)


def tiered_amount(comp: Tiered, ctx: _Ctx) -> pl.Expr:
    return _tiered(ctx, comp)


def rate_amount(comp: Rate, ctx: _Ctx) -> pl.Expr:
    return _base(ctx, comp.base) * comp.rate


def override_amount(comp: Override, ctx: _Ctx) -> pl.Expr:
    amount = _base(ctx, f"team_{comp.base}") * comp.rate
    if comp.min_team_attainment is not None:
        ok = (pl.col("team_attainment") >= comp.min_team_attainment).fill_null(False)
        amount = pl.when(ok).then(amount).otherwise(0.0)
    return amount


def bonus_amount(comp: Bonus, ctx: _Ctx) -> pl.Expr:
    amount = _bonus(ctx, comp)
    if comp.weighted_by == "appraisal":
        amount = amount * pl.col(APPRAISAL).fill_null(1.0)
    return amount


APPRAISAL = "_appraisal"  # the published appraisal multiplier of the row's period


def with_appraisal(frame: pl.DataFrame, multipliers: pl.DataFrame | None) -> pl.DataFrame:
    """``frame`` (one grain) with :data:`APPRAISAL`: the multiplier published for the
    row's own period, else for its year; empty (1.0 in use) when none is published."""
    if multipliers is None or multipliers.is_empty():
        return frame.with_columns(pl.lit(None, pl.Float64).alias(APPRAISAL))
    published = multipliers.select("person_id", "period", "multiplier")
    return (
        frame.with_columns(pl.col("period").str.slice(0, 4).alias("_year"))
        .join(
            published.rename({"multiplier": "_own"}),
            on=["person_id", "period"],
            how="left",
            maintain_order="left",
        )
        .join(
            published.rename({"period": "_year", "multiplier": "_of_year"}),
            on=["person_id", "_year"],
            how="left",
            maintain_order="left",
        )
        .with_columns(pl.coalesce("_own", "_of_year").alias(APPRAISAL))
        .drop("_year", "_own", "_of_year")
    )


def _weighted(plan: Plan) -> bool:
    """Whether a bonus of ``plan`` is weighted by the appraisal multiplier."""
    return any(
        isinstance(c, Bonus) and c.enabled and c.weighted_by == "appraisal" for c in plan.components
    )


def product_rate_amount(comp: ProductRate, ctx: _Ctx) -> pl.Expr:
    """The default rate on the whole base, each rated slice at its own rate instead."""
    amount = _base(ctx, comp.base) * comp.default
    for piece, rate in rate_slices(comp):
        amount = amount + ctx.column(piece.column) * (rate - comp.default)
    return pl.max_horizontal(amount, pl.lit(0.0))


def spiff_amount(comp: Spiff, ctx: _Ctx) -> pl.Expr:
    """The amount per credited order line of the SPIFF's product and dates."""
    return ctx.column(spiff_lines(comp).column) * comp.amount


def component_expr(ctx: _Ctx, comp: ComponentBase) -> pl.Expr:
    """The amount of one component per row (its type's ``amount``), its own cap applied."""
    compute = ctx.types.of(comp).amount
    assert compute is not None, "pools are shared in pool_frame"
    amount = compute(comp, ctx)
    if comp.cap is not None:
        amount = pl.min_horizontal(amount, pl.lit(comp.cap))
    return amount.fill_null(0.0).round(2).alias(comp.name)


# -- pools ---------------------------------------------------------------------


def pool_frame(
    ctx: _Ctx,
    comp: Pool,
    years: pl.DataFrame,
    levels: tuple[str, ...],
    multipliers: pl.DataFrame | None,
    span: tuple[dt.date, dt.date] | None = None,
) -> pl.DataFrame:
    """``person_id, pay_month, <name>`` per row of ``years``: each one's share of the pool.

    The pool is ``amount``, or ``share_of_profit`` x the profit of everyone
    in ``years`` (the whole force); it is split among the plan's levels by
    weight: the appraisal multiplier published for that year when there are
    any (a person without one: 1.0), else ``min(attainment, max_attainment)
    ** power``. Below ``min_attainment`` the weight is 0. Row order is kept.
    """
    if comp.amount is not None:
        size = pl.lit(float(comp.amount))
    else:
        profit = pl.col("profit").sum().over("period")
        size = pl.max_horizontal(profit, pl.lit(0.0)) * (comp.share_of_profit or 0.0)
    frame = years.with_columns(size.alias("_pool"))
    attainment = pl.col("attainment").fill_null(0.0)
    capped = (
        attainment
        if comp.max_attainment is None
        else pl.min_horizontal(attainment, pl.lit(comp.max_attainment))
    )
    weight = capped.pow(comp.power)
    if comp.split == "appraisal" and multipliers is not None and not multipliers.is_empty():
        frame = frame.join(
            multipliers.select("person_id", "period", pl.col("multiplier").alias("_mult")),
            on=["person_id", "period"],
            how="left",
            maintain_order="left",
        )
        eligible = frame.filter(pl.col("level").is_in(list(levels)))
        if span is not None:
            eligible = eligible.filter(pl.col("pay_month").is_between(*span))
        for year in eligible.filter(pl.col("_mult").is_not_null())["period"].unique().sort():
            ctx.note("pool_appraisal", name=comp.name, year=year)
        has = (pl.col("_mult").is_not_null() & pl.col("level").is_in(list(levels))).any()
        weight = pl.when(has.over("period")).then(pl.col("_mult").fill_null(1.0)).otherwise(weight)
    ok = (attainment >= comp.min_attainment) & pl.col("level").is_in(list(levels))
    frame = frame.with_columns(pl.when(ok).then(weight).otherwise(0.0).alias("_w"))
    total = pl.col("_w").sum().over("period")
    share = pl.when(total > 0).then(pl.col("_pool") * pl.col("_w") / total).otherwise(0.0)
    return frame.select("person_id", "pay_month", share.round(2).alias(comp.name))


# -- the engine ------------------------------------------------------------------


def _gates(ctx: _Ctx, plan: Plan, names: list[str]) -> tuple[dict[str, pl.Expr], list[pl.Expr]]:
    """Per component its gate multiplier; and one "triggered" flag per gate."""
    mults: dict[str, pl.Expr] = {name: pl.lit(1.0) for name in names}
    flags: list[pl.Expr] = []
    for i, gate in enumerate(plan.gates):
        if not gate.enabled:
            continue
        value = ctx.value(gate.metric, "gate")
        if value is None:
            continue
        hit = (value.is_not_null() & (value < gate.below)).fill_null(False)
        flags.append(hit.alias(f"_gate{i}"))
        factor = pl.when(hit).then(pl.lit(gate.multiplier)).otherwise(1.0)
        for name in gate.applies_to or names:
            if name in mults:
                mults[name] = mults[name] * factor
    return mults, flags


def _cap_value(plan: Plan) -> pl.Expr | None:
    if plan.cap is None:
        return None
    if plan.cap.amount is not None:
        return pl.lit(float(plan.cap.amount))
    ti = plan.target_incentive
    if ti is None or plan.cap.multiple is None:
        return None
    target = (
        pl.lit(float(ti.amount))
        if ti.amount is not None
        else pl.col("quota") * (ti.share_of_quota or 0.0)
    )
    return target * plan.cap.multiple


def finish(
    frame: pl.LazyFrame, ctx: _Ctx, plan: Plan, names: list[str], pools: list[str]
) -> pl.LazyFrame:
    """Gates, the plan's cap, pools and the payout; order attributions for statements."""
    mults, flags = _gates(ctx, plan, names)
    gated = {n: (pl.col(n) * mults[n]).round(2) for n in names}
    pre = pl.sum_horizontal([gated[n] for n in names]) if names else pl.lit(0.0)
    frame = frame.with_columns(*flags, pre.alias("_pre"))
    adjust = pl.sum_horizontal([gated[n] - pl.col(n) for n in names]) if names else pl.lit(0.0)
    cap = _cap_value(plan)
    pre_col = pl.col("_pre")
    capped = pre_col if cap is None else pl.min_horizontal(pre_col, cap.fill_null(pre_col))
    frame = frame.with_columns(adjust.round(2).alias("gate_adjustment"), capped.alias("_capped"))
    factor = pl.when(pre_col > 0).then(pl.col("_capped") / pre_col).otherwise(1.0)
    own: dict[str, list[pl.Expr]] = {"revenue": [], "profit": [], COLLECTED: []}
    for comp in plan.components:
        if (
            comp.name in names
            and isinstance(comp, Tiered | Rate | ProductRate)
            and comp.base in own
        ):
            own[comp.base].append(gated[comp.name])
    attr = [
        (pl.sum_horizontal(own[k]) * factor if own[k] else pl.lit(0.0)).alias(col)
        for k, col in (
            ("revenue", ATTR_REVENUE),
            ("profit", ATTR_PROFIT),
            (COLLECTED, ATTR_COLLECTED),
        )
    ]
    pool_sum = pl.sum_horizontal([pl.col(p) for p in pools]) if pools else pl.lit(0.0)
    return frame.with_columns(
        (pl.col("_capped") - pre_col).round(2).alias("cap_adjustment"),
        (pl.col("_capped") + pool_sum).round(2).alias("payout"),
        *attr,
    ).drop("_pre", "_capped")


def evaluate(
    plan: Plan,
    figures: Figures,
    start: dt.date,
    end: dt.date,
    multipliers: pl.DataFrame | None = None,
) -> Evaluation:
    """The plan for every eligible person and plan period paid in ``start..end``.

    ``start`` and ``end`` are months (first days). A period is paid in its
    last month; bonuses with a coarser ``every`` are paid in the plan period
    that ends with theirs, pools at the year's end. ``multipliers``:
    ``person_id, period (YYYY), multiplier`` from the appraisal plugin.

    Coarser parts are computed on their own grain for everyone and gathered
    into the plan's rows by :meth:`Figures.link` (no join on the hot path).
    """
    ctx = _Ctx(figures.available, plan.types(), frozenset(figures.sums))
    levels = list(plan.levels())
    full = figures.grain(plan.period)
    names: list[str] = []
    pools: list[str] = []
    same: list[pl.Expr] = []
    coarse: dict[str, list[pl.Expr]] = {}
    gathered: list[pl.Series] = []
    for comp in plan.components:
        if not comp.enabled:
            continue
        kind = ctx.types.of(comp)
        if kind.pool:
            assert isinstance(comp, Pool)
            years = figures.grain("year")
            part = pool_frame(ctx, comp, years, plan.levels(), multipliers, (start, end))
            gathered.append(_gather(part[comp.name], figures.link(plan.period, "year")))
            pools.append(comp.name)
            continue
        names.append(comp.name)
        every = kind.grain(comp, plan)
        if every == plan.period:
            same.append(component_expr(ctx, comp))
        else:
            coarse.setdefault(every, []).append(component_expr(ctx, comp))
    weighted = _weighted(plan)
    for grain, exprs in coarse.items():
        source = figures.grain(grain)
        if weighted:
            source = with_appraisal(source, multipliers)
        part = source.select(exprs)
        link = figures.link(plan.period, grain)
        gathered.extend(_gather(series, link) for series in part.iter_columns())
    frame = full.with_columns(gathered) if gathered else full
    frame = frame.filter(pl.col("pay_month").is_between(start, end), pl.col("level").is_in(levels))
    if weighted:
        frame = with_appraisal(frame, multipliers)
    if same:
        frame = frame.with_columns(same)
    out = finish(frame.lazy(), ctx, plan, names, pools)
    components = [c.name for c in plan.components if c.enabled]
    rest = [c for c in out.collect_schema().names() if c.startswith("_")]
    result = out.select(
        *KEY_COLUMNS,
        *FIGURE_COLUMNS,
        *components,
        "gate_adjustment",
        "cap_adjustment",
        "payout",
        *rest,
    ).collect()
    return Evaluation(result, components, ctx.notes, plan)


def _gather(values: pl.Series, link: pl.Series) -> pl.Series:
    """``values`` placed on the rows ``link`` points from (0 where it points nowhere)."""
    return values.gather(link).fill_null(0.0).alias(values.name)


def simulation_table(frame: pl.DataFrame, components: list[str]) -> pl.DataFrame:
    """The pinned columns, money to the fen, attainment to 4 decimals."""
    columns = [*FIXED, *components, *TAIL]
    money = [c for c in columns if c not in ("person_id", "period", "attainment")]
    return frame.select(columns).with_columns(pl.col(money).round(2), pl.col("attainment").round(4))
