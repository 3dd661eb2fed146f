"""An outside grading rule for customers, through ``customers_register_grading_rules`` only.

``frequency``: A with orders on three days or more in the window, B with at
least one, else C; ranked by those days within a grade. It imports nothing
of customers: everything comes from the hook's ``kit``.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from command_center import hookimpl


def _grade(facts: pl.LazyFrame, ctx: Any) -> pl.DataFrame:
    days = pl.col("orders")
    grade = (
        pl.when(days >= 3)
        .then(pl.lit("A"))
        .when(days >= 1)
        .then(pl.lit("B"))
        .otherwise(pl.lit("C"))
    )
    return facts.select(
        "customer_id", grade.alias("grade"), days.cast(pl.Float64).alias("score")
    ).collect()


@hookimpl(optionalhook=True)
def customers_register_grading_rules(kit: Any) -> list[Any]:
    return [
        kit.Rule(
            "frequency",
            "frequency.rule",
            lambda ctx: f"order days in the {ctx.months} months up to {ctx.as_of}",
            _grade,
            reads="orders",
        )
    ]
