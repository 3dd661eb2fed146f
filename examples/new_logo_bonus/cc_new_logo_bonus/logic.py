"""Pure pieces: first orders, new logos per person and month, and the ``new_logo`` component.

A customer's first order is its earliest order line in the ledger (the
lowest order id on a day with several); whoever booked it won the logo, in
that order's month. Refunds do not move it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import polars as pl
from pydantic import Field

from command_center.i18n import money, t

METRIC = "new_logos"
FIRST_DAY_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.Int64(),
    "order_id": pl.Int64(),
    "person_id": pl.Int64(),
    "order_date": pl.Date(),
}
FIRSTS_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.Int64(),
    "person_id": pl.Int64(),
    "month": pl.Date(),
}
FACTS_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "month": pl.Date(),
    "num": pl.Float64(),
    "den": pl.Float64(),
}


def first_orders(orders: pl.DataFrame) -> pl.DataFrame:
    """``customer_id, person_id, month`` of each customer's first order.

    ``orders``: ``customer_id, order_id, person_id, order_date`` (at least each
    customer's orders of its first day).
    """
    return (
        orders.sort("customer_id", "order_date", "order_id")
        .group_by("customer_id", maintain_order=True)
        .first()
        .select(
            "customer_id",
            "person_id",
            pl.col("order_date").dt.truncate("1mo").alias("month"),
        )
    )


def new_logo_counts(firsts: pl.DataFrame, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Per person and month in ``start..end``: how many first orders they booked (num, den 1)."""
    counted = (
        firsts.filter(pl.col("month").is_between(start, end))
        .group_by("person_id", "month")
        .agg(pl.len().cast(pl.Float64).alias("num"))
        .with_columns(pl.lit(1.0).alias("den"))
        .sort("person_id", "month")
    )
    return counted.select(list(FACTS_SCHEMA)).cast(FACTS_SCHEMA)  # type: ignore[arg-type]


# -- the plan component -------------------------------------------------------------


def new_logo_amount(comp: Any, ctx: Any) -> pl.Expr:
    """``amount`` x the new logos of the row's person and period (0 without the metric)."""
    return ctx.number(METRIC) * comp.amount


def describe(comp: Any, plan: Any, metric_label: Any) -> str:
    return t("new_logo.pays", amount=money(comp.amount))


def line(comp: Any) -> str:
    return t("new_logo.line", amount=money(comp.amount))


def component_types(kit: Any) -> list[Any]:
    """The ``new_logo`` type, built with incentives' kit: ``{name, type: new_logo, amount}``."""

    class NewLogo(kit.Component):  # type: ignore[misc,name-defined]
        type: Literal["new_logo"]
        amount: float = Field(ge=0)

    return [
        kit.ComponentType(
            "new_logo",
            NewLogo,
            new_logo_amount,
            "new_logo.type",
            describe,
            levers=lambda comp: [kit.LeverSpec("amount", "amount", "new_logo.lever.amount")],
            metrics=lambda comp: {"": METRIC},
            line=line,
        )
    ]
