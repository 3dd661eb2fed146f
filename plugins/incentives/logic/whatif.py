"""What-if pieces around the engine: revenue assumptions and baseline/scenario comparison.

Pure Polars. A scenario is a plan (the baseline with edits at YAML paths,
see :func:`plugins.incentives.logic.plan_edits.apply_edits`) plus :class:`Assumptions`
about revenue: +/- x % for everyone and +/- y % for one team. Revenue and
profit scale together (the margin stays); a team's change reaches the team
figures of everyone above it; the growth metric moves with revenue.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field

import polars as pl

from plugins.incentives.logic.breakdowns import scales_with_revenue
from plugins.incentives.logic.earnings_curve import earnings_curve, typical_sample
from plugins.incentives.logic.engine import Evaluation, evaluate
from plugins.incentives.logic.figures import Figures, den_col, derived, num_col
from plugins.incentives.logic.plan_model import Plan

SCENARIO = "scenario"
BASELINE = "baseline"
# Cost of sales above this is no ratio worth showing: the revenue base is too
# thin (a running month two days in, a scope that sold nothing): shown as "—".
MAX_COST_OF_SALES = 1.0


@dataclass(frozen=True)
class Assumptions:
    """Revenue changes: ``everyone`` and ``team`` are fractions (0.1 = +10 %).

    ``team_ids`` is the team root's subtree (the root included), ``above_ids``
    the root's managers up the tree.
    """

    everyone: float = 0.0
    team: float = 0.0
    team_root: int | None = None
    team_ids: frozenset[int] = frozenset()
    above_ids: frozenset[int] = frozenset()

    @property
    def neutral(self) -> bool:
        return self.everyone == 0 and (self.team == 0 or self.team_root is None)

    def as_dict(self) -> dict[str, float | int | None]:
        return {"everyone": self.everyone, "team": self.team, "team_root": self.team_root}


def scale_grain(frame: pl.DataFrame, a: Assumptions, kinds: dict[str, str]) -> pl.DataFrame:
    """``frame`` (one grain of :class:`Figures`) with the assumptions applied."""
    if a.neutral:
        return frame
    everyone = 1.0 + a.everyone
    team = a.team if a.team_root is not None else 0.0
    in_team = pl.col("person_id").is_in(sorted(a.team_ids))
    above = pl.col("person_id").is_in(sorted(a.above_ids))
    factor = pl.lit(everyone) * pl.when(in_team).then(1.0 + team).otherwise(1.0)
    out = frame
    if team and a.above_ids:
        root = frame.filter(pl.col("person_id") == a.team_root).select(
            "period",
            (pl.col("revenue") + pl.col("team_revenue")).alias("_sub_rev"),
            (pl.col("profit") + pl.col("team_profit")).alias("_sub_profit"),
        )
        out = out.join(root, on="period", how="left", maintain_order="left").with_columns(
            pl.col("_sub_rev", "_sub_profit").fill_null(0.0)
        )
    else:
        out = out.with_columns(pl.lit(0.0).alias("_sub_rev"), pl.lit(0.0).alias("_sub_profit"))
    extra = pl.when(above).then(pl.lit(team * everyone)).otherwise(0.0)
    exprs = [
        (pl.col("revenue") * factor).alias("revenue"),
        (pl.col("profit") * factor).alias("profit"),
        (pl.col("team_revenue") * factor + extra * pl.col("_sub_rev")).alias("team_revenue"),
        (pl.col("team_profit") * factor + extra * pl.col("_sub_profit")).alias("team_profit"),
    ]
    # Collected cash and sales by product move with revenue (SPIFF line counts do not).
    exprs += [(pl.col(c) * factor).alias(c) for c in frame.columns if scales_with_revenue(c)]
    if "growth" in kinds and num_col("growth") in frame.columns:
        num, den = pl.col(num_col("growth")), pl.col(den_col("growth"))
        exprs.append((factor * (num + den) - den).alias(num_col("growth")))
    out = out.with_columns(exprs).drop("_sub_rev", "_sub_profit")
    return derived(out, {k: v for k, v in kinds.items() if num_col(k) in out.columns})


@dataclass
class Scaled(Figures):
    """Figures with :class:`Assumptions` applied to every grain (memoised)."""

    parent: Figures | None = None
    assumptions: Assumptions = field(default_factory=Assumptions)

    def grain(self, grain: str) -> pl.DataFrame:
        frame = self._grains.get(grain)
        if frame is None:
            assert self.parent is not None
            frame = scale_grain(self.parent.grain(grain), self.assumptions, self.kinds)
            self._grains[grain] = frame
        return frame

    def link(self, fine: str, coarse: str) -> pl.Series:
        assert self.parent is not None
        return self.parent.link(fine, coarse)  # scaling keeps every row in place


def scaled(figures: Figures, a: Assumptions) -> Figures:
    if a.neutral:
        return figures
    return Scaled(
        figures.month, figures.kinds, figures.quotas, figures.sums, parent=figures, assumptions=a
    )


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


def within(evaluation: Evaluation, person_ids: frozenset[int] | None) -> Evaluation:
    """``evaluation`` cut to ``person_ids`` (``None``: everyone)."""
    frame = evaluation.frame
    if person_ids is not None:
        frame = frame.filter(pl.col("person_id").is_in(sorted(person_ids)))
    return Evaluation(frame, evaluation.components, evaluation.notes, evaluation.plan)


# -- comparison -------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Totals of one side over the people compared."""

    payout: float
    revenue: float
    people: int

    @property
    def cost_of_sales(self) -> float | None:
        """Payout / revenue; ``None`` when revenue is (near) zero: above
        :data:`MAX_COST_OF_SALES` the ratio says nothing but "little revenue yet"."""
        if self.revenue <= 0:
            return None
        ratio = self.payout / self.revenue
        return ratio if ratio <= MAX_COST_OF_SALES else None

    @property
    def average(self) -> float | None:
        return self.payout / self.people if self.people else None


def per_person(evaluation: Evaluation) -> pl.DataFrame:
    """``person_id, revenue, payout`` summed over the evaluated periods.

    Revenue is the person's book: their own plus their team's below them
    (a leader's business is the team's; a rep has no team).
    """
    return evaluation.frame.group_by("person_id").agg(
        (pl.col("revenue") + pl.col("team_revenue")).sum().alias("revenue"),
        pl.col("payout").sum(),
    )


def closed_month(months: list[dt.date], today: dt.date) -> dt.date | None:
    """The newest of ``months`` that has ended by ``today`` (else the oldest), the default.

    The running month has a few days of sales: its payout against its revenue
    means nothing yet, so the simulator opens on the last closed month.
    """
    running = today.replace(day=1)
    closed = [m for m in months if m < running]
    if closed:
        return max(closed)
    return min(months) if months else None


def is_estimate(end: dt.date, today: dt.date) -> bool:
    """Whether pay months up to ``end`` include the running month (figures still moving)."""
    return end >= today.replace(day=1)


def scope_revenue(
    figures: Figures, person_ids: frozenset[int] | None, start: dt.date, end: dt.date
) -> float:
    """Revenue booked by the people in scope in ``start..end`` (the cost-of-sales base)."""
    months = figures.grain("month").filter(pl.col("month").is_between(start, end))
    if person_ids is not None:
        months = months.filter(pl.col("person_id").is_in(sorted(person_ids)))
    return float(months["revenue"].sum())


@dataclass(frozen=True)
class Side:
    """One side of a comparison for the people in scope.

    ``people``: :func:`per_person` of the side's evaluation cut to the scope;
    ``revenue``: the scope's booked revenue on that side (:func:`scope_revenue`,
    the cost-of-sales base).
    """

    people: pl.DataFrame
    revenue: float


def side(
    evaluation: Evaluation,
    figures: Figures,
    person_ids: frozenset[int] | None,
    start: dt.date,
    end: dt.date,
) -> Side:
    """The :class:`Side` of ``evaluation`` (run on ``figures``) for ``person_ids``."""
    return Side(
        per_person(within(evaluation, person_ids)),
        scope_revenue(figures, person_ids, start, end),
    )


def scenario_side(
    timed: Timed,
    person_ids: frozenset[int] | None,
    start: dt.date,
    end: dt.date,
    baseline: Side,
) -> Side:
    """The scenario's :class:`Side` beside ``baseline`` (run on the same figures).

    Without revenue assumptions the scenario ran on the baseline's own
    figures, so its booked revenue is the baseline's: not summed again.
    """
    if not isinstance(timed.figures, Scaled):
        return Side(per_person(within(timed.evaluation, person_ids)), baseline.revenue)
    return side(timed.evaluation, timed.figures, person_ids, start, end)


@dataclass(frozen=True)
class BaselineView:
    """What the simulator shows of the baseline for one scope (no lever changes it).

    ``sample``: the rows the earnings curve's typical person is taken from
    (:func:`~plugins.incentives.logic.earnings_curve.typical_sample`, on the
    baseline plan's levels, so the scenario's curve uses them too); ``curve``:
    the baseline's earnings curve.
    """

    side: Side
    sample: pl.DataFrame
    curve: pl.DataFrame


def baseline_view(
    base: Evaluation,
    figures: Figures,
    plan: Plan,
    person_ids: frozenset[int] | None,
    start: dt.date,
    end: dt.date,
) -> BaselineView:
    """The :class:`BaselineView` of ``base`` (``plan`` run on ``figures``) for ``person_ids``."""
    sample = typical_sample(figures, plan, person_ids, start, end)
    return BaselineView(
        side(base, figures, person_ids, start, end),
        sample,
        earnings_curve(plan, sample, figures.kinds),
    )


def compare(base: Evaluation, scenario: Evaluation, people: pl.DataFrame) -> pl.DataFrame:
    """Per person in ``people``: baseline and scenario revenue and payout, delta.

    ``people`` (``person_id, name, level``) is the viewer's scope: nobody
    else appears. Sorted by delta, biggest gain first.
    """
    return compare_sides(per_person(base), per_person(scenario), people)


def compare_sides(old: pl.DataFrame, new: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """:func:`compare` of two :func:`per_person` frames (a :class:`Side`'s ``people``)."""
    old = old.rename({"revenue": "revenue_old", "payout": "payout_old"})
    new = new.rename({"revenue": "revenue_new", "payout": "payout_new"})
    both = old.join(new, on="person_id", how="full", coalesce=True)
    return (
        people.select("person_id", "name", "level")
        .join(both, on="person_id", how="inner")
        .with_columns(pl.col("revenue_old", "revenue_new", "payout_old", "payout_new").fill_null(0))
        .with_columns((pl.col("payout_new") - pl.col("payout_old")).alias("delta"))
        .with_columns(
            pl.when(pl.col("payout_old") > 0)
            .then(pl.col("delta") / pl.col("payout_old"))
            .otherwise(None)
            .alias("delta_pct")
        )
        .sort(["delta", "person_id"], descending=[True, False])
    )


def summaries(
    table: pl.DataFrame, revenue: tuple[float, float] | None = None
) -> tuple[Summary, Summary]:
    """(baseline, scenario) totals of a :func:`compare` table.

    ``revenue``: the scope's revenue on each side (see :func:`scope_revenue`);
    without it the table's own revenue column is summed.
    """

    def side(suffix: str, booked: float | None) -> Summary:
        total = float(table[f"revenue_{suffix}"].sum()) if booked is None else booked
        return Summary(float(table[f"payout_{suffix}"].sum()), total, table.height)

    old, new = revenue if revenue is not None else (None, None)
    return side("old", old), side("new", new)


def better_worse(table: pl.DataFrame) -> tuple[int, int]:
    """How many people of a :func:`compare` table gain, and lose, at least a fen."""
    return (
        table.filter(pl.col("delta") > 0.005).height,
        table.filter(pl.col("delta") < -0.005).height,
    )


MOVERS = 10  # the winners/losers chart: this many biggest gains and as many losses


def winners_losers(table: pl.DataFrame, count: int = MOVERS) -> pl.DataFrame:
    """The ``count`` biggest gains and losses (non-zero), for a diverging bar chart."""
    moved = table.filter(pl.col("delta").abs() > 0.005)
    gains = moved.filter(pl.col("delta") > 0).head(count)
    losses = moved.filter(pl.col("delta") < 0).sort("delta").head(count)
    return pl.concat([gains, losses]).select("person_id", "name", "delta")


PAGE_ROWS = 100  # the per-person table shows this many rows at a time


def page_starts(rows: int, size: int = PAGE_ROWS) -> list[int]:
    """The first row (from 0) of each page of a table of ``rows`` rows (one page when empty)."""
    return list(range(0, max(rows, 1), size))


def matching(table: pl.DataFrame, text: str) -> pl.DataFrame:
    """The rows of a :func:`compare` table whose name holds ``text`` (any case); all if blank."""
    needle = text.strip().lower()
    if not needle:
        return table
    return table.filter(pl.col("name").str.to_lowercase().str.contains(needle, literal=True))


def distribution(table: pl.DataFrame, baseline: str, scenario: str) -> pl.DataFrame:
    """Long frame ``series, payout`` of both sides, for one histogram."""
    return pl.concat(
        [
            table.select(pl.lit(baseline).alias("series"), pl.col("payout_old").alias("payout")),
            table.select(pl.lit(scenario).alias("series"), pl.col("payout_new").alias("payout")),
        ]
    )


def nice_step(span: float, bins: int) -> float:
    """The smallest 1, 2 or 5 x 10^k that cuts ``span`` into at most ``bins`` bins."""
    if span <= 0:
        return 1.0
    raw = span / bins
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def histogram(long: pl.DataFrame, bins: int = 30) -> pl.DataFrame:
    """``series, lo, hi, people`` of a :func:`distribution` frame, binned here.

    The browser gets ~60 bars instead of two points per person (10,000 for
    a director at the large scale) to bin itself.
    """
    if long.is_empty():
        return pl.DataFrame(
            schema={"series": pl.String, "lo": pl.Float64, "hi": pl.Float64, "people": pl.UInt32}
        )
    low = float(long["payout"].min())  # type: ignore[arg-type]
    high = float(long["payout"].max())  # type: ignore[arg-type]
    step = nice_step(high - low, bins)
    lo = (pl.col("payout") / step).floor() * step
    return (
        long.group_by("series", lo.alias("lo"))
        .agg(pl.len().alias("people"))
        .with_columns((pl.col("lo") + step).alias("hi"))
        .select("series", "lo", "hi", "people")
        .sort("series", "lo")
    )


def curves(base: pl.DataFrame, scenario: pl.DataFrame, labels: tuple[str, str]) -> pl.DataFrame:
    """Long frame ``series, attainment, payout`` of two earnings curves."""
    return pl.concat(
        [
            base.with_columns(pl.lit(labels[0]).alias("series")),
            scenario.with_columns(pl.lit(labels[1]).alias("series")),
        ]
    ).select("series", "attainment", "payout")
