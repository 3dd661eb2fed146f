"""Reads: each customer's first order, from the core's ledger summary where it can.

A customer's first month is the earliest month of ``sales_customer_month``
with an order line (the core's in-memory copy, folded in after each write).
Where one person booked every line of that month, they won the logo; only
customers shared by several people that month need their order lines read,
to find the earliest (:func:`cc_new_logo_bonus.logic.first_orders`). So the
metric never scans the whole ledger, even for ten million lines.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, select

from cc_new_logo_bonus.logic import FIRST_DAY_SCHEMA, FIRSTS_SCHEMA, first_orders, new_logo_counts
from command_center.db import frames
from command_center.db.models import OrderLine
from command_center.types import MetricQuery


def customer_firsts(engine: Engine) -> pl.DataFrame:
    """``customer_id, person_id, month`` of every customer's first order (whole ledger).

    Cached until the orders change.
    """
    return frames.cached(
        engine, "new_logo:firsts", lambda: _firsts(engine), tables=frames.SALES_TABLES
    )


def _firsts(engine: Engine) -> pl.DataFrame:
    booked = frames.all_customer_months(engine).filter(pl.col("lines") > 0)
    first = booked.group_by("customer_id").agg(pl.col("month").min())
    bookers = (
        booked.join(first, on=["customer_id", "month"])
        .group_by("customer_id", "month")
        .agg(pl.col("person_id").unique())
    )
    alone = bookers.filter(pl.col("person_id").list.len() == 1).explode("person_id")
    shared = bookers.filter(pl.col("person_id").list.len() > 1)
    parts = [alone.select(list(FIRSTS_SCHEMA)).cast(FIRSTS_SCHEMA)]  # type: ignore[arg-type]
    if shared.height:
        parts.append(first_orders(_first_month_lines(engine, shared)))
    return pl.concat(parts).sort("customer_id")


def _first_month_lines(engine: Engine, shared: pl.DataFrame) -> pl.DataFrame:
    """Order lines of ``shared`` customers in their first month (``customer_id, month``)."""
    ids = sorted(shared["customer_id"].to_list())
    first, last = shared["month"].min(), shared["month"].max()
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    until = (last + dt.timedelta(days=32)).replace(day=1)
    columns = [OrderLine.__table__.c[name] for name in FIRST_DAY_SCHEMA]
    lines = pl.concat(
        [
            frames.read_frame(
                engine,
                select(*columns).where(
                    OrderLine.customer_id.in_(ids[start : start + 5_000]),
                    OrderLine.order_date >= first,
                    OrderLine.order_date < until,
                ),
                FIRST_DAY_SCHEMA,
            )
            for start in range(0, len(ids), 5_000)
        ]
    )
    months = shared.select(pl.col("customer_id").cast(pl.Int64), "month")
    in_first = lines.with_columns(pl.col("order_date").dt.truncate("1mo").alias("month")).join(
        months, on=["customer_id", "month"]
    )
    return in_first.drop("month")


def new_logo_facts(q: MetricQuery) -> pl.DataFrame:
    """``person_id, month, num, den``: customers whose first order the person booked that month."""
    counts = new_logo_counts(customer_firsts(q.engine), q.start, q.end)
    if q.person_ids is not None:
        counts = counts.filter(pl.col("person_id").is_in(sorted(q.person_ids)))
    return counts
