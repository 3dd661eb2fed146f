"""Settlement pieces, pure Polars: statement rows, lines, order credits, clawbacks.

- Each order's contribution: the components on the person's own revenue
  (or profit), after gates and cap, shared over the period's orders in
  proportion to each order's revenue (or profit). Bonuses, overrides and
  pools are the person's, not an order's.
- A clawback: an order credited in a locked (paid) settlement is refunded;
  the next settlement gets a negative line of the order's contribution x
  refunded / order revenue. Attainment is never recomputed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from plugins.incentives.logic.engine import Evaluation
from plugins.incentives.logic.figures import (
    ATTR_COLLECTED,
    ATTR_PROFIT,
    ATTR_REVENUE,
    period_label,
)

LINES_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "seq": pl.Int64(),
    "kind": pl.String(),
    "name": pl.String(),
    "amount": pl.Float64(),
    "order_id": pl.Int64(),
    "refund_id": pl.Int64(),
}
CLAWBACK_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "refund_id": pl.Int64(),
    "order_id": pl.Int64(),
    "amount": pl.Float64(),
}
CREDIT_COLUMNS = [
    "order_id",
    "person_id",
    "customer_id",
    "order_date",
    "revenue",
    "profit",
    "contribution",
]
CASH_COLUMNS = [
    "product_id",
    "credit_share",
    "collected",
    "outstanding",
    "booked",
    "held_back",
    "released",
]
BOOKED = "_booked"  # per person and period: the collected-cash components as if paid on booking


def contributions(
    evaluation: Evaluation,
    orders: pl.DataFrame,
    paid: pl.DataFrame | None = None,
    booked: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every order of the evaluated people and periods with its contribution.

    ``orders``: ``order_id, customer_id, person_id, order_date, revenue, cost``
    (optionally ``product_id, credit_share``): the lines booked in the period.
    With commission on collected cash, ``paid`` holds per line ``order_id,
    collected`` (cash received on it in the period), ``outstanding`` (unpaid at
    the period's end) and the line's columns as in ``orders``: the lines booked
    in the period and those paid in it; ``booked`` holds per ``person_id,
    period`` the collected-cash components evaluated on booked revenue instead
    (:data:`BOOKED`). Then, per line:

    - ``released`` = the collected-cash commission x the line's share of the
      period's collected cash (it is part of ``contribution``);
    - ``booked`` = :data:`BOOKED` x the line's share of the period's booked
      revenue (lines booked in the period; 0 for older lines paid now);
    - ``held_back`` = ``outstanding`` x the booked rate (:data:`BOOKED` /
      booked revenue; the released rate when nothing was booked).
    """
    grain = evaluation.plan.period
    keep = [ATTR_REVENUE, ATTR_PROFIT] + (
        [ATTR_COLLECTED] if ATTR_COLLECTED in evaluation.frame.columns else []
    )
    attributed = evaluation.frame.select("person_id", "period", *keep)
    lines = orders
    if "product_id" not in lines.columns:
        lines = lines.with_columns(pl.lit(None, pl.String).alias("product_id"))
    if "credit_share" not in lines.columns:
        lines = lines.with_columns(pl.lit(1.0).alias("credit_share"))
    lines = lines.with_columns(pl.lit(True).alias("_booked_here"))
    if paid is not None:
        # Lines booked in the period get their cash; older lines paid now join them.
        lines = lines.join(
            paid.select("order_id", "collected", "outstanding"), on="order_id", how="left"
        )
        older = paid.join(lines.select("order_id"), on="order_id", how="anti").with_columns(
            pl.lit(False).alias("_booked_here")
        )
        lines = pl.concat([lines, older.select(lines.columns)], how="vertical_relaxed")
    if "collected" not in lines.columns:
        lines = lines.with_columns(pl.lit(0.0).alias("collected"), pl.lit(0.0).alias("outstanding"))
    lines = lines.with_columns(pl.col("collected", "outstanding").fill_null(0.0))
    rows = lines.with_columns(
        (pl.col("revenue") - pl.col("cost")).alias("profit"),
        pl.when(pl.col("_booked_here"))
        .then(period_label(grain, "order_date"))
        .otherwise(pl.lit(_the_period(evaluation)))
        .alias("period"),
    ).join(attributed, on=["person_id", "period"], how="inner")
    if booked is not None:
        rows = rows.join(booked, on=["person_id", "period"], how="left")
    else:
        rows = rows.with_columns(pl.lit(0.0).alias(BOOKED))
    if ATTR_COLLECTED not in rows.columns:
        rows = rows.with_columns(pl.lit(0.0).alias(ATTR_COLLECTED))
    group = ["person_id", "period"]
    here = pl.col("_booked_here")
    rows = rows.with_columns(
        pl.when(here).then(pl.col("revenue")).otherwise(0.0).alias("_rev_here"),
        pl.when(here).then(pl.col("profit")).otherwise(0.0).alias("_profit_here"),
    )
    # Per person and period once (a join is several times faster than three windows).
    totals = rows.group_by(group).agg(
        pl.col("_rev_here").sum().alias("_total_rev"),
        pl.col("_profit_here").sum().alias("_total_profit"),
        pl.col("collected").sum().alias("_total_cash"),
    )
    rows = rows.join(totals, on=group, how="left", maintain_order="left")
    revenue_here, profit_here = pl.col("_rev_here"), pl.col("_profit_here")
    total_rev = pl.col("_total_rev")
    total_profit = pl.col("_total_profit")
    total_cash = pl.col("_total_cash")
    by_revenue = (
        pl.when(total_rev > 0).then(pl.col(ATTR_REVENUE) * revenue_here / total_rev).otherwise(0.0)
    )
    by_profit = (
        pl.when(total_profit != 0)
        .then(pl.col(ATTR_PROFIT) * profit_here / total_profit)
        .otherwise(0.0)
    )
    released = (
        pl.when(total_cash > 0)
        .then(pl.col(ATTR_COLLECTED) * pl.col("collected") / total_cash)
        .otherwise(0.0)
    )
    booked_share = pl.col(BOOKED).fill_null(0.0)
    booked_rate = (
        pl.when(total_rev > 0)
        .then(booked_share / total_rev)
        .when(total_cash > 0)
        .then(pl.col(ATTR_COLLECTED) / total_cash)
        .otherwise(0.0)
    )
    out = rows.with_columns(
        (by_revenue + by_profit + released).alias("contribution"),
        pl.when(total_rev > 0)
        .then(booked_share * revenue_here / total_rev)
        .otherwise(0.0)
        .round(2)
        .alias("booked"),
        (pl.col("outstanding") * booked_rate).round(2).alias("held_back"),
        released.round(2).alias("released"),
    )
    money = pl.col("collected", "outstanding").round(2)
    return out.with_columns(money).select(*CREDIT_COLUMNS, *CASH_COLUMNS)


def _the_period(evaluation: Evaluation) -> str | None:
    """The one period evaluated (a settlement evaluates one month), for lines paid in it."""
    periods = evaluation.frame["period"].unique().to_list()
    return str(periods[0]) if len(periods) == 1 else None


def statement_rows(evaluation: Evaluation) -> pl.DataFrame:
    """``person_id, plan_period, revenue, profit, quota, attainment, payout``."""
    return evaluation.frame.select(
        "person_id",
        pl.col("period").alias("plan_period"),
        "revenue",
        "profit",
        "quota",
        "attainment",
        "payout",
    )


def component_lines(evaluation: Evaluation) -> pl.DataFrame:
    """Long lines: every component (zero too), then non-zero gate and cap adjustments."""
    frame = evaluation.frame
    parts: list[pl.DataFrame] = []
    for seq, name in enumerate(evaluation.components):
        parts.append(
            frame.select(
                "person_id",
                pl.lit(seq, pl.Int64).alias("seq"),
                pl.lit("component").alias("kind"),
                pl.lit(name).alias("name"),
                pl.col(name).alias("amount"),
            )
        )
    flags = [c for c in frame.columns if c.startswith("_gate")]
    gates = evaluation.plan.gates
    if flags:
        names = pl.concat_str(
            [
                pl.when(pl.col(f)).then(pl.lit(gates[int(f[5:])].metric)).otherwise(None)
                for f in flags
            ],
            separator=",",
            ignore_nulls=True,
        )
    else:
        names = pl.lit("")
    seq = len(evaluation.components)
    parts.append(
        frame.filter(pl.col("gate_adjustment") != 0).select(
            "person_id",
            pl.lit(seq, pl.Int64).alias("seq"),
            pl.lit("gate").alias("kind"),
            names.alias("name"),
            pl.col("gate_adjustment").alias("amount"),
        )
    )
    parts.append(
        frame.filter(pl.col("cap_adjustment") != 0).select(
            "person_id",
            pl.lit(seq + 1, pl.Int64).alias("seq"),
            pl.lit("cap").alias("kind"),
            pl.lit("cap").alias("name"),
            pl.col("cap_adjustment").alias("amount"),
        )
    )
    out = pl.concat(parts, how="vertical_relaxed").with_columns(
        pl.lit(None, pl.Int64).alias("order_id"), pl.lit(None, pl.Int64).alias("refund_id")
    )
    return out.select(list(LINES_SCHEMA)).cast(LINES_SCHEMA)  # type: ignore[arg-type]


def clawbacks(
    refunds: pl.DataFrame,
    paid: pl.DataFrame,
    done: set[int],
    month_end: dt.date,
    windows: pl.DataFrame,
) -> pl.DataFrame:
    """Negative lines for refunds of paid orders not clawed back before.

    ``refunds``: ``refund_id, order_id, refund_date, amount``; ``paid``: the
    orders' credits in locked settlements; ``windows``: ``person_id,
    within_months`` for the people whose plan claws back (others: none).
    A refund counts up to ``month_end`` and within ``within_months`` of the
    order date.
    """
    if refunds.is_empty() or paid.is_empty():
        return pl.DataFrame(schema=CLAWBACK_SCHEMA)
    credited = paid.group_by("order_id").agg(
        pl.col("person_id").first(),
        pl.col("order_date").first(),
        pl.col("revenue").first(),
        pl.col("contribution").sum(),
    )
    rows = (
        refunds.filter(
            (pl.col("refund_date") <= month_end) & ~pl.col("refund_id").is_in(sorted(done))
        )
        .select("refund_id", "order_id", "refund_date", pl.col("amount").alias("refunded"))
        .join(credited, on="order_id", how="inner")
        .join(windows, on="person_id", how="inner")
        .filter(
            pl.col("refund_date")
            <= pl.col("order_date").dt.offset_by(pl.format("{}mo", pl.col("within_months")))
        )
        .with_columns(
            pl.when(pl.col("revenue") > 0)
            .then(-pl.col("contribution") * pl.col("refunded") / pl.col("revenue"))
            .otherwise(0.0)
            .round(2)
            .alias("amount")
        )
        .filter(pl.col("amount") != 0)
    )
    return rows.select(list(CLAWBACK_SCHEMA)).cast(CLAWBACK_SCHEMA).sort("person_id", "refund_id")  # type: ignore[arg-type]


# -- summaries of statements (what the cards and KPI rows show) ----------------------------


@dataclass(frozen=True)
class MonthSummary:
    """Totals of the statements that count in one month."""

    total: float | None  # None: nobody settled yet
    people: int
    locked: int
    revenue: float

    @property
    def cost_of_sales(self) -> float | None:
        return self.total / self.revenue if self.revenue and self.total else None


def month_summary(current: pl.DataFrame) -> MonthSummary:
    """:class:`MonthSummary` of ``current`` (statements that count: locked, else draft)."""
    if current.is_empty():
        return MonthSummary(None, 0, 0, 0.0)
    return MonthSummary(
        float(current["payout"].sum()),
        current.height,
        current.filter(pl.col("status") == "locked").height,
        float(current["revenue"].sum()),
    )


@dataclass(frozen=True)
class LatestPaid:
    """The newest locked month of some statements: its label, payout total and people."""

    period: str
    total: float
    people: int


def latest_paid(current: pl.DataFrame) -> LatestPaid | None:
    """The newest month with locked statements in ``current`` (``None``: none locked)."""
    locked = current.filter(pl.col("status") == "locked")
    if locked.is_empty():
        return None
    last = str(locked["period"].max())
    rows = locked.filter(pl.col("period") == last)
    return LatestPaid(last, float(rows["payout"].sum()), rows.height)


def draft_periods(current: pl.DataFrame) -> list[str]:
    """Months with statements still in draft, oldest first."""
    return sorted(set(current.filter(pl.col("status") == "draft")["period"].to_list()))
