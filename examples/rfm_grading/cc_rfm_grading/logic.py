"""RFM scores and grades, pure Polars over the facts customers hands a grading rule.

Among the customers with an order in the window (``orders >= 1``), each of

- recency: the last order date (later is better),
- frequency: the days with an order,
- monetary: the revenue,

scores ``ceil(5 x rank / n)``, 1 to 5, where ``rank`` counts the customers
with a value at most as good (ties share the higher score) and ``n`` those
customers. The grade comes from the sum (3-15): A from :data:`A_FROM`, B from
:data:`B_FROM`, else C. A customer without an order in the window is C with
score 0.
"""

from __future__ import annotations

from typing import Any

import polars as pl

A_FROM, B_FROM = 12, 8
RFM_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.Int64(),
    "r": pl.Int64(),
    "f": pl.Int64(),
    "m": pl.Int64(),
    "score": pl.Float64(),
    "grade": pl.String(),
}


def _quintile(column: str) -> pl.Expr:
    rank = pl.col(column).rank(method="max").cast(pl.Float64)
    return (rank * 5 / pl.len()).ceil().cast(pl.Int64)


def rfm(facts: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """:data:`RFM_SCHEMA` for every customer of ``facts`` (``customer_id, revenue,
    orders, last_order``), in ``customer_id`` order."""
    frame = facts.lazy().select(
        pl.col("customer_id").cast(pl.Int64),
        pl.col("revenue").fill_null(0.0),
        pl.col("orders").fill_null(0),
        "last_order",
    )
    active = frame.filter(pl.col("orders") >= 1).with_columns(
        _quintile("last_order").alias("r"), _quintile("orders").alias("f"),
        _quintile("revenue").alias("m"),
    )  # fmt: skip
    total = pl.col("r") + pl.col("f") + pl.col("m")
    grade = (
        pl.when(total >= A_FROM)
        .then(pl.lit("A"))
        .when(total >= B_FROM)
        .then(pl.lit("B"))
        .otherwise(pl.lit("C"))
    )
    scored = active.select(
        "customer_id", "r", "f", "m", total.cast(pl.Float64).alias("score"), grade.alias("grade")
    )
    idle = frame.filter(pl.col("orders") < 1).select(
        "customer_id",
        *(pl.lit(None, dtype=pl.Int64).alias(c) for c in ("r", "f", "m")),
        pl.lit(0.0).alias("score"),
        pl.lit("C").alias("grade"),
    )
    return pl.concat([scored, idle]).sort("customer_id").collect().cast(RFM_SCHEMA)  # type: ignore[arg-type]


def grading_rules(kit: Any) -> list[Any]:
    """The ``rfm`` rule, built with customers' kit."""
    from command_center.i18n import t

    def grade(facts: pl.LazyFrame, ctx: Any) -> pl.DataFrame:
        return rfm(facts).select("customer_id", "grade", "score")

    def describe(ctx: Any) -> str:
        return t("rfm.rule", months=ctx.months, as_of=ctx.as_of.isoformat(), a=A_FROM, b=B_FROM)

    return [kit.Rule("rfm", "rfm.label", describe, grade, reads="orders")]
