"""The engine's input, pure: person-month figures and their quarter and year aggregates.

One row per person and month: revenue, profit, quota, the team's figures
(everyone below the person) and, per registry metric, numerator and
denominator; :class:`Figures` aggregates them to quarters and years on
demand and links each finer row to the coarser row paid the same month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

MONTH_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "level": pl.String(),
    "month": pl.Date(),
    "revenue": pl.Float64(),
    "profit": pl.Float64(),
    "quota": pl.Float64(),
    "team_revenue": pl.Float64(),
    "team_profit": pl.Float64(),
    "team_quota": pl.Float64(),
}
KEY_COLUMNS = ["person_id", "level", "period", "pay_month"]
FIGURE_COLUMNS = [
    "revenue",
    "profit",
    "quota",
    "attainment",
    "team_revenue",
    "team_profit",
    "team_quota",
    "team_attainment",
]
ATTR_REVENUE = "_attr_revenue"
MIN_QUOTA = 0.01
ATTR_PROFIT = "_attr_profit"
ATTR_COLLECTED = "_attr_collected"


def num_col(key: str) -> str:
    return f"{key}__num"


def den_col(key: str) -> str:
    return f"{key}__den"


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num / den).otherwise(None)


def _attainment(revenue: pl.Expr, quota: pl.Expr) -> pl.Expr:
    """Revenue / quota; a quota under one fen counts as no quota (no attainment)."""
    return pl.when(quota >= MIN_QUOTA).then(revenue / quota).otherwise(None)


def period_label(grain: str, column: str = "month") -> pl.Expr:
    month = pl.col(column)
    if grain == "month":
        return month.dt.strftime("%Y-%m")
    if grain == "quarter":
        return pl.format("{}-Q{}", month.dt.year(), month.dt.quarter())
    return month.dt.year().cast(pl.String)


def pay_month(grain: str, column: str = "month") -> pl.Expr:
    """The last month of the period holding ``column``'s month: when it is paid."""
    month = pl.col(column)
    if grain == "month":
        return month
    if grain == "quarter":
        return month.dt.truncate("1q").dt.offset_by("2mo")
    return month.dt.truncate("1y").dt.offset_by("11mo")


def derived(frame: pl.DataFrame | pl.LazyFrame, kinds: dict[str, str]) -> Any:
    """Attainments and metric values from the summed columns."""
    exprs = [
        _attainment(pl.col("revenue"), pl.col("quota")).alias("attainment"),
        _attainment(pl.col("team_revenue"), pl.col("team_quota")).alias("team_attainment"),
    ]
    for key, kind in kinds.items():
        num, den = pl.col(num_col(key)), pl.col(den_col(key))
        exprs.append((num if kind == "sum" else _ratio(num, den)).alias(key))
    return frame.with_columns(exprs)


def _nullable_sum(column: str) -> pl.Expr:
    col = pl.col(column)
    return pl.when(col.is_not_null().any()).then(col.sum()).otherwise(None).alias(column)


def aggregate(
    month: pl.DataFrame,
    grain: str,
    kinds: dict[str, str],
    quotas: pl.DataFrame | None = None,
    sums: tuple[str, ...] = (),
) -> pl.DataFrame:
    """One row per person and ``grain`` period, with ``period`` and ``pay_month``.

    Sums revenue, profit, the ``sums`` columns (collected cash, sales by
    product, SPIFF lines) and quotas (a quota stays empty when no month has
    one); an explicit quarter or year quota in ``quotas`` wins over the sum.
    """
    base = month.with_columns(
        period_label(grain).alias("period"), pay_month(grain).alias("pay_month")
    )
    if grain != "month":
        metric_cols = [c for k in kinds for c in (num_col(k), den_col(k))]
        base = base.group_by("person_id", "period", "pay_month").agg(
            pl.col("level").first(),
            pl.col("revenue").sum(),
            pl.col("profit").sum(),
            _nullable_sum("quota"),
            pl.col("team_revenue").sum(),
            pl.col("team_profit").sum(),
            _nullable_sum("team_quota"),
            *[_nullable_sum(c) for c in metric_cols],
            *[pl.col(c).sum() for c in sums],
        )
        if quotas is not None and not quotas.is_empty():
            base = (
                base.join(
                    quotas.select("person_id", "period", pl.col("quota").alias("_explicit")),
                    on=["person_id", "period"],
                    how="left",
                )
                .with_columns(pl.coalesce("_explicit", "quota").alias("quota"))
                .drop("_explicit")
            )
    out = derived(base, kinds)
    return out.sort("person_id", "pay_month")


@dataclass
class Figures:
    """Person-month figures and their quarter/year aggregates (memoised).

    ``kinds`` names the registry metrics present (key -> "sum" | "ratio");
    ``quotas`` holds explicit quarter/year revenue targets; ``sums`` names
    the extra columns summed over a period (:mod:`.breakdowns`: ``collected``,
    sales by product or category, SPIFF lines), present when a plan reads
    them. A what-if
    (:func:`plugins.incentives.logic.whatif.scaled`) wraps a ``Figures`` with its
    revenue assumptions applied to each grain.
    """

    month: pl.DataFrame
    kinds: dict[str, str]
    quotas: pl.DataFrame | None = None
    sums: tuple[str, ...] = ()
    _grains: dict[str, pl.DataFrame] = field(default_factory=dict, repr=False)
    _links: dict[tuple[str, str], pl.Series] = field(default_factory=dict, repr=False)

    def grain(self, grain: str) -> pl.DataFrame:
        frame = self._grains.get(grain)
        if frame is None:
            frame = self._grains[grain] = aggregate(
                self.month, grain, self.kinds, self.quotas, self.sums
            )
        return frame

    def link(self, fine: str, coarse: str) -> pl.Series:
        """Per row of ``grain(fine)``: the row of ``grain(coarse)`` paid the same month.

        Null where the fine period is not the last of its coarse period. Lets
        the engine gather quarterly bonuses into monthly rows without a join.
        """
        found = self._links.get((fine, coarse))
        if found is None:
            rows = self.grain(fine).select("person_id", "pay_month").with_row_index("_f")
            other = self.grain(coarse).select("person_id", "pay_month").with_row_index("_c")
            found = (
                rows.join(other, on=["person_id", "pay_month"], how="left")
                .sort("_f")["_c"]
                .cast(pl.Int64)
            )
            self._links[(fine, coarse)] = found
        return found

    @property
    def available(self) -> frozenset[str]:
        return frozenset(self.kinds)


def window_start(start: dt.date) -> dt.date:
    """The first month any period paid in ``start..`` can hold: January of ``start``'s year.

    A plan period, a coarser bonus's quarter or a pool's year paid in a
    month of ``start..end`` lies within January of ``start``'s year to
    ``end``, so the engine's answer on those months equals its answer on
    the whole history (tests compare both).
    """
    return dt.date(start.year, 1, 1)


def window(figures: Figures, start: dt.date, end: dt.date) -> Figures:
    """``figures`` with only the months :func:`evaluate` needs for pay months ``start..end``."""
    month = figures.month.filter(pl.col("month").is_between(window_start(start), end))
    return Figures(month, figures.kinds, figures.quotas, figures.sums)


def month_table(
    people: pl.DataFrame,
    first: dt.date,
    last: dt.date,
    sales: pl.DataFrame,
    quota: pl.DataFrame,
    tree: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """:data:`MONTH_SCHEMA` rows of ``people`` (``person_id, manager_id, level``) for the
    months ``first..last``: their revenue and profit (``sales``: ``person_id, month,
    revenue, profit``), quota (``quota``: ``person_id, month, quota``) and the team
    figures, everyone below each person among ``people``; a leader's team quota is
    their own target, else the sum of the reps' quotas below them."""
    from command_center.org.tree import closure

    months = pl.DataFrame({"month": pl.date_range(first, last, "1mo", eager=True)})
    own = (
        people.select("person_id", "level")
        .join(months, how="cross")
        .join(sales, on=["person_id", "month"], how="left")
        .join(quota, on=["person_id", "month"], how="left")
        .with_columns(pl.col("revenue", "profit").fill_null(0.0))
    )
    # ``tree`` (``ancestor_id, person_id, month``): each month's own org, when it changed
    # (command_center.org.history); else today's tree serves every month.
    below = (closure(people) if tree is None else tree).filter(
        pl.col("ancestor_id") != pl.col("person_id")
    )
    members_on = ["person_id"] if "month" not in below.columns else ["person_id", "month"]
    # The reps' quotas (null for everyone else), flagged once before grouping:
    # a membership test inside the aggregation ran per group (~2 s at 5,000 people).
    rep_quota = pl.when(pl.col("level") == "rep").then(pl.col("quota")).alias("_rep_quota")
    team = (
        below.join(own.with_columns(rep_quota), on=members_on, how="inner")
        .group_by("ancestor_id", "month")
        .agg(
            pl.col("revenue").sum().alias("team_revenue"),
            pl.col("profit").sum().alias("team_profit"),
            pl.col("_rep_quota").sum().alias("_team_quota"),
            pl.col("_rep_quota").count().alias("_n"),
        )
        .rename({"ancestor_id": "person_id"})
    )
    out = own.join(team, on=["person_id", "month"], how="left").with_columns(
        pl.col("team_revenue", "team_profit").fill_null(0.0),
        # A leader's own target is the team's target; else the sum of the reps' below.
        pl.when(pl.col("level") != "rep")
        .then(pl.coalesce(pl.col("quota"), pl.when(pl.col("_n") > 0).then(pl.col("_team_quota"))))
        .alias("team_quota"),
    )
    return out.select(list(MONTH_SCHEMA)).cast(MONTH_SCHEMA).sort("person_id", "month")  # type: ignore[arg-type]
