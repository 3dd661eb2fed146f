"""Reads: the orders booked on each customer's first day in the ledger."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, and_, func, select

from cc_new_logo_bonus.logic import FIRST_DAY_SCHEMA, first_orders, new_logo_counts
from command_center.db import frames
from command_center.db.models import OrderLine
from command_center.types import MetricQuery


def first_day_orders(engine: Engine) -> pl.DataFrame:
    """Every order line booked on its customer's first day with an order (whole ledger).

    Cached until the orders change; the earliest of a day is picked in
    :func:`cc_new_logo_bonus.logic.first_orders`.
    """
    first = (
        select(OrderLine.customer_id, func.min(OrderLine.order_date).label("first_day"))
        .group_by(OrderLine.customer_id)
        .subquery()
    )
    query = select(
        OrderLine.customer_id, OrderLine.order_id, OrderLine.person_id, OrderLine.order_date
    ).join(
        first,
        and_(
            OrderLine.customer_id == first.c.customer_id,
            OrderLine.order_date == first.c.first_day,
        ),
    )
    return frames.cached(
        engine,
        "new_logo:first_day_orders",
        lambda: frames.read_frame(engine, query, FIRST_DAY_SCHEMA),
        tables=("orders",),
    )


def new_logo_facts(q: MetricQuery) -> pl.DataFrame:
    """``person_id, month, num, den``: customers whose first order the person booked that month."""
    counts = new_logo_counts(first_orders(first_day_orders(q.engine)), q.start, q.end)
    if q.person_ids is not None:
        counts = counts.filter(pl.col("person_id").is_in(sorted(q.person_ids)))
    return counts
