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
from command_center.db.models import CustomerMonthSales, OrderLine
from command_center.types import MetricQuery


def customer_firsts(engine: Engine) -> pl.DataFrame:
    """``customer_id, person_id, month`` of every customer's first order (whole ledger).

    The firsts before the ledger's latest month are cached until a write
    changes one of those months; a booking this month only looks at this
    month's customers that had no order before.
    """
    booked = frames.all_customer_months(engine).filter(pl.col("lines") > 0)
    if booked.is_empty():
        return pl.DataFrame(schema=FIRSTS_SCHEMA)
    latest = booked["month"].max()
    assert isinstance(latest, dt.date)
    months = sorted(set(booked["month"].unique().to_list()) - {latest})
    stamps = frames.summary_stamps(engine, CustomerMonthSales.__table__, months)
    earlier = frames.cached(
        engine,
        "new_logo:firsts",
        lambda: _firsts(engine, booked.filter(pl.col("month") < latest)),
        latest,
        stamps,
        tables=(),
    )
    newest = booked.filter(pl.col("month") == latest).join(
        earlier.select(pl.col("customer_id").cast(booked.schema["customer_id"])),
        on="customer_id",
        how="anti",
    )
    return pl.concat([earlier, _firsts(engine, newest)]).sort("customer_id")


def _firsts(engine: Engine, booked: pl.DataFrame) -> pl.DataFrame:
    """Firsts of the customers in ``booked`` (summary rows with order lines)."""
    first = booked.group_by("customer_id").agg(pl.col("month").min())
    bookers = (
        booked.join(first, on=["customer_id", "month"])
        .group_by("customer_id", "month")
        .agg(pl.col("person_id").unique())
    )
    alone = bookers.filter(pl.col("person_id").list.len() == 1).explode("person_id")
    parts = [alone.select(list(FIRSTS_SCHEMA)).cast(FIRSTS_SCHEMA)]  # type: ignore[arg-type]
    shared = bookers.filter(pl.col("person_id").list.len() > 1)
    for (month,), customers in shared.partition_by("month", as_dict=True).items():
        parts.append(first_orders(_month_lines(engine, month, customers["customer_id"])))
    return pl.concat(parts)


def _month_lines(engine: Engine, month: dt.date, customer_ids: pl.Series) -> pl.DataFrame:
    """Order lines of ``customer_ids`` in ``month`` (the month's date range, then the ids)."""
    ids = sorted(customer_ids.to_list())
    until = (month + dt.timedelta(days=32)).replace(day=1)
    columns = [OrderLine.__table__.c[name] for name in FIRST_DAY_SCHEMA]
    return pl.concat(
        [
            frames.read_frame(
                engine,
                select(*columns).where(
                    OrderLine.order_date >= month,
                    OrderLine.order_date < until,
                    OrderLine.customer_id.in_(ids[start : start + 5_000]),
                ),
                FIRST_DAY_SCHEMA,
            )
            for start in range(0, len(ids), 5_000)
        ]
    )


def new_logo_facts(q: MetricQuery) -> pl.DataFrame:
    """``person_id, month, num, den``: customers whose first order the person booked that month."""
    counts = new_logo_counts(customer_firsts(q.engine), q.start, q.end)
    if q.person_ids is not None:
        counts = counts.filter(pl.col("person_id").is_in(sorted(q.person_ids)))
    return counts
