"""Reads of a statement's order lines with what the statement shows of each: product,
credit share and collection state (the core's ``command_center.cash``).

Scope and dates are pushed into SQL: a settlement of a team reads that team's
lines of the month, never the force's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl
from sqlalchemy import Engine, select

from command_center import cash
from command_center.db import frames
from command_center.db.models import OrderLine

LINE_SCHEMA: dict[str, pl.DataType] = {
    "order_id": pl.Int64(),
    "customer_id": pl.Int64(),
    "person_id": pl.Int64(),
    "order_date": pl.Date(),
    "revenue": pl.Float64(),
    "cost": pl.Float64(),
    "product_id": pl.String(),
    "credit_share": pl.Float64(),
}
PAID_SCHEMA: dict[str, pl.DataType] = {
    **LINE_SCHEMA,
    "collected": pl.Float64(),
    "outstanding": pl.Float64(),
}
CHUNK = 900


def _columns() -> list[object]:
    table = OrderLine.__table__.c
    return [table[name] for name in LINE_SCHEMA]


def lines_by_id(engine: Engine, order_ids: Iterable[int]) -> pl.DataFrame:
    ids = sorted(set(order_ids))
    parts = []
    for start in range(0, len(ids), CHUNK):
        query = select(
            *_columns()
        ).where(  # type: ignore[call-overload]
            OrderLine.order_id.in_(ids[start : start + CHUNK])
        )
        parts.append(frames.read_frame(engine, query, LINE_SCHEMA))
    return pl.concat(parts) if parts else pl.DataFrame(schema=LINE_SCHEMA)


def cash_lines(
    engine: Engine, booked: pl.DataFrame, person_ids: list[int], first: dt.date, last: dt.date
) -> pl.DataFrame:
    """:data:`PAID_SCHEMA`: the ``booked`` lines and the lines of ``person_ids`` paid in
    ``first..last``, each with the cash collected on it then and what is outstanding at
    ``last`` (the core's line states)."""
    paid = cash.collected_by_line_month(engine, person_ids, first, last)
    older = paid.join(booked.select("order_id"), on="order_id", how="anti")
    lines = pl.concat([booked, lines_by_id(engine, older["order_id"].to_list())])
    states = cash.line_states(engine, lines["order_id"].to_list(), first, last)
    return (
        lines.join(
            states.select(
                "order_id", pl.col("collected_in_period").alias("collected"), "outstanding"
            ),
            on="order_id",
            how="left",
        )
        .with_columns(pl.col("collected", "outstanding").fill_null(0.0))
        .select(list(PAID_SCHEMA))
        .cast(PAID_SCHEMA)  # type: ignore[arg-type]
    )
