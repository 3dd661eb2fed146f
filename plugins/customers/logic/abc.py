"""ABC grading by value, exactly as pinned (see docs/customers-abc.md).

1. Revenue per customer over the window ``as_of - N months < order_date <= as_of``.
2. Customers sorted by that revenue, descending; ties by ``customer_id`` ascending.
3. ``share_above`` = the cumulative revenue share of the customers ranked
   strictly above: grade A if ``share_above < a``, B if ``< b``, else C.
   A customer without revenue in the window is C.

Revenue is ranked and summed in whole cents (Int64), so the order, the
running sums and therefore the grades are exact and the same in every engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from plugins.customers.logic.dates import Window

GRADES: tuple[str, ...] = ("A", "B", "C")
DEFAULT_CUTOFFS: tuple[float, float] = (0.80, 0.95)
ABC_SCHEMA: dict[str, pl.DataType] = {
    "rank": pl.Int64(),
    "customer_id": pl.Int64(),
    "revenue": pl.Float64(),
    "share": pl.Float64(),
    "cumulative_share": pl.Float64(),
    "grade": pl.String(),
}
CSV_COLUMNS: tuple[str, ...] = ("customer_id", "revenue", "share", "cumulative_share", "grade")


def check_cutoffs(cutoffs: Sequence[float]) -> tuple[float, float]:
    """``(a, b)`` with ``0 < a <= b <= 1``; raises ValueError otherwise."""
    if len(cutoffs) != 2:
        raise ValueError("give two cut-offs, a and b")
    a, b = float(cutoffs[0]), float(cutoffs[1])
    if not (0.0 < a <= b <= 1.0):
        raise ValueError("cut-offs must satisfy 0 < a <= b <= 1")
    return a, b


def parse_cutoffs(text: str) -> tuple[float, float]:
    """``"0.8,0.95"`` -> ``(0.8, 0.95)``; raises ValueError on anything else."""
    parts = [p.strip() for p in text.split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"not two numbers: {text!r}") from None
    return check_cutoffs(values)


def grade(
    revenue: pl.DataFrame | pl.LazyFrame,
    cutoffs: Sequence[float] = DEFAULT_CUTOFFS,
    *,
    ordered_by_id: bool = False,
) -> pl.DataFrame:
    """Grade every customer of ``revenue`` (``customer_id``, ``revenue`` >= 0 or null).

    Returns :data:`ABC_SCHEMA` in rank order. ``share`` and ``cumulative_share``
    (which includes the customer itself) are 0 when the window holds no revenue.
    ``ordered_by_id``: the rows already come in ascending ``customer_id`` order,
    so one stable sort on revenue ranks them (measured several times faster
    than sorting on both keys).
    """
    a, b = check_cutoffs(cutoffs)
    cents = (pl.col("revenue").fill_null(0.0) * 100).round().cast(pl.Int64)
    base = revenue.lazy().select(pl.col("customer_id").cast(pl.Int64), cents.alias("cents"))
    if ordered_by_id:
        base = base.sort("cents", descending=True, maintain_order=True)
    else:
        base = base.sort(["cents", "customer_id"], descending=[True, False])
    share_above = (pl.col("running") - pl.col("cents")).cast(pl.Float64) / pl.col("total")
    grade = (
        pl.when(pl.col("cents") <= 0)
        .then(pl.lit("C"))
        .when(share_above < a)
        .then(pl.lit("A"))
        .when(share_above < b)
        .then(pl.lit("B"))
        .otherwise(pl.lit("C"))
    )
    graded = ranked_shares(base, grade)
    return graded.collect(engine="streaming")


def ranked_shares(ordered: pl.LazyFrame, grade: pl.Expr | None = None) -> pl.LazyFrame:
    """:data:`ABC_SCHEMA` rows from ``customer_id, cents`` (whole cents) already in rank order.

    ``share`` and ``cumulative_share`` (which includes the customer itself) are
    0 when the rows hold no revenue. ``grade`` may read ``cents``, ``running``
    (the cumulative cents) and ``total``; without it the rows' ``grade`` column
    is kept.
    """
    ranked = ordered.with_columns(
        pl.col("cents").cum_sum().alias("running"), pl.col("cents").sum().alias("total")
    )
    total = pl.col("total").cast(pl.Float64)
    has_total = pl.col("total") > 0
    return ranked.select(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("rank"),
        "customer_id",
        (pl.col("cents").cast(pl.Float64) / 100).alias("revenue"),
        pl.when(has_total)
        .then(pl.col("cents").cast(pl.Float64) / total)
        .otherwise(0.0)
        .alias("share"),
        pl.when(has_total)
        .then(pl.col("running").cast(pl.Float64) / total)
        .otherwise(0.0)
        .alias("cumulative_share"),
        (pl.col("grade") if grade is None else grade).alias("grade"),
    )


def universe(customers: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """The customer ids once each, in ascending order (customer ids are 32-bit in the core)."""
    return (
        customers.lazy().select(pl.col("customer_id").cast(pl.Int32)).unique().sort("customer_id")
    )


def _graded(ids: pl.LazyFrame, revenue: pl.LazyFrame, cutoffs: Sequence[float]) -> pl.DataFrame:
    joined = ids.join(revenue, on="customer_id", how="left", maintain_order="left")
    return grade(joined, cutoffs, ordered_by_id=True)


def window_revenue(lines: pl.DataFrame | pl.LazyFrame, as_of: dt.date, months: int) -> pl.LazyFrame:
    """``customer_id, revenue``: each customer's order lines inside the pinned window."""
    window = Window.of(as_of, months)
    return (
        lines.lazy()
        .filter((pl.col("order_date") > window.after) & (pl.col("order_date") <= window.until))
        .group_by(pl.col("customer_id").cast(pl.Int32))
        .agg(pl.col("revenue").sum())
    )


def abc_from_lines(
    lines: pl.DataFrame | pl.LazyFrame,
    customers: pl.DataFrame | pl.LazyFrame,
    as_of: dt.date,
    months: int = 12,
    cutoffs: Sequence[float] = DEFAULT_CUTOFFS,
) -> pl.DataFrame:
    """The grades of ``customers`` (a ``customer_id`` column) from raw order lines.

    Lines of customers outside ``customers`` are ignored; customers without
    lines in the window are C.
    """
    return _graded(universe(customers), window_revenue(lines, as_of, months), cutoffs)


def abc_from_totals(
    monthly: pl.DataFrame | pl.LazyFrame,
    daily: pl.DataFrame | pl.LazyFrame,
    customers: pl.DataFrame | pl.LazyFrame,
    as_of: dt.date,
    months: int = 12,
    cutoffs: Sequence[float] = DEFAULT_CUTOFFS,
) -> pl.DataFrame:
    """The same grades from pre-summed ledger totals (how the app reads the ledger).

    ``monthly`` holds ``customer_id, month (first day), revenue``; ``daily``
    holds ``customer_id, order_date, revenue`` for at least the days of the
    window's partial months (:meth:`Window.split`).
    """
    revenue = totals_in_window(monthly, daily, Window.of(as_of, months), ["customer_id"])
    return _graded(universe(customers), revenue, cutoffs)


def totals_in_window(
    monthly: pl.DataFrame | pl.LazyFrame,
    daily: pl.DataFrame | pl.LazyFrame,
    window: Window,
    keys: list[str],
) -> pl.LazyFrame:
    """``keys..., revenue`` summed over ``window`` from monthly and daily totals."""
    whole, ranges = window.split()
    parts: list[pl.LazyFrame] = []
    if whole is not None:
        parts.append(
            monthly.lazy()
            .filter(pl.col("month").is_between(whole[0], whole[1]))
            .select(*keys, "revenue")
        )
    if ranges:
        in_ranges = pl.lit(False)
        for first, last in ranges:
            in_ranges = in_ranges | pl.col("order_date").is_between(first, last)
        parts.append(daily.lazy().filter(in_ranges).select(*keys, "revenue"))
    if not parts:
        return pl.LazyFrame(schema={**{k: pl.Int32() for k in keys}, "revenue": pl.Float64()})
    typed = [
        p.with_columns(pl.col(keys).cast(pl.Int32), pl.col("revenue").cast(pl.Float64))
        for p in parts
    ]
    return pl.concat(typed).group_by(keys).agg(pl.col("revenue").sum())


def summary(graded: pl.DataFrame) -> pl.DataFrame:
    """``grade, customers, revenue, revenue_share`` for A, B and C (zeros included)."""
    grades = pl.DataFrame({"grade": list(GRADES)})
    total = float(graded["revenue"].sum()) if graded.height else 0.0
    counts = graded.group_by("grade").agg(
        pl.len().cast(pl.Int64).alias("customers"), pl.col("revenue").sum()
    )
    return (
        grades.join(counts, on="grade", how="left", maintain_order="left")
        .with_columns(pl.col("customers").fill_null(0), pl.col("revenue").fill_null(0.0))
        .with_columns((pl.col("revenue") / total if total else pl.lit(0.0)).alias("revenue_share"))
    )


def migration(before: pl.DataFrame, after: pl.DataFrame, new_label: str = "new") -> pl.DataFrame:
    """Customers per (grade before, grade after): rows before, columns A/B/C.

    Customers graded after but absent before (created since) are in the row
    ``new_label``; the matrix always has every row and column.
    """
    joined = after.select("customer_id", pl.col("grade").alias("after")).join(
        before.select("customer_id", pl.col("grade").alias("before")), on="customer_id", how="left"
    )
    counts = (
        joined.with_columns(pl.col("before").fill_null(new_label))
        .group_by("before", "after")
        .agg(pl.len().cast(pl.Int64).alias("customers"))
    )
    rows = pl.DataFrame({"before": [*GRADES, new_label]})
    matrix = rows
    for g in GRADES:
        column = counts.filter(pl.col("after") == g).select("before", pl.col("customers").alias(g))
        matrix = matrix.join(column, on="before", how="left", maintain_order="left")
    return matrix.with_columns(pl.col(list(GRADES)).fill_null(0))


def pareto_points(graded: pl.DataFrame, max_points: int = 400) -> pl.DataFrame:
    """``customer_share, cumulative_share, grade`` for a Pareto curve, thinned to
    ``max_points`` (every grade boundary kept) so the chart stays light."""
    n = graded.height
    if n == 0:
        return pl.DataFrame(
            schema={
                "customer_share": pl.Float64,
                "cumulative_share": pl.Float64,
                "grade": pl.String,
            }
        )
    step = max(1, n // max_points)
    boundary = pl.col("grade") != pl.col("grade").shift(-1)
    keep = ((pl.col("rank") - 1) % step == 0) | boundary | (pl.col("rank") == n)
    return graded.filter(keep).select(
        (pl.col("rank") / n).alias("customer_share"), "cumulative_share", "grade"
    )


def history(
    monthly: pl.DataFrame | pl.LazyFrame,
    daily: pl.DataFrame | pl.LazyFrame,
    customers: pl.DataFrame,
    points: Sequence[dt.date],
    months: int = 12,
    cutoffs: Sequence[float] = DEFAULT_CUTOFFS,
) -> pl.DataFrame:
    """``as_of, customer_id, revenue, grade`` at each date of ``points``.

    ``customers`` holds ``customer_id`` and ``created_on``: at each point only
    the customers that existed by then are graded.
    """
    parts = []
    for point in points:
        ids = universe(customers.filter(pl.col("created_on") <= point))
        revenue = totals_in_window(monthly, daily, Window.of(point, months), ["customer_id"])
        graded = _graded(ids, revenue, cutoffs)
        parts.append(graded.select(pl.lit(point).alias("as_of"), "customer_id", "revenue", "grade"))
    if not parts:
        return pl.DataFrame(
            schema={
                "as_of": pl.Date(),
                "customer_id": pl.Int64(),
                "revenue": pl.Float64(),
                "grade": pl.String(),
            }
        )
    return pl.concat(parts)


def history_counts(history: pl.DataFrame) -> pl.DataFrame:
    """``as_of, grade, customers, revenue, month`` (``YYYY-MM``) from :func:`history`."""
    return (
        history.group_by("as_of", "grade")
        .agg(pl.len().alias("customers"), pl.col("revenue").sum())
        .with_columns(pl.col("as_of").dt.strftime("%Y-%m").alias("month"))
        .sort("as_of", "grade")
    )


def grades_by_month(history: pl.DataFrame) -> pl.DataFrame:
    """One customer's :func:`history` as a single row: a ``YYYY-MM`` column per point."""
    return pl.DataFrame(
        {
            day.strftime("%Y-%m"): [grade]
            for day, grade in history.sort("as_of").select("as_of", "grade").iter_rows()
        }
    )
