"""Sales per person and day, read from the ledger with the scope in SQL.

What the registry's core metrics give at day and ISO week grain: the ledger
summaries hold months, so a day or a week reads the order lines (and refunds)
of its days, grouped by person and day in the database, for the people asked
for only (a rep's page reads a rep's rows). Cached per data version of the
ledger tables, the dates asked for and the scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Engine, Select, func, select

from command_center.db import frames
from command_center.db.models import OrderLine, OrderRefund, Target

DAILY_SALES_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "day": pl.Date(),
    "revenue": pl.Float64(),
    "cost": pl.Float64(),
    "lines": pl.Int64(),
    "refunds": pl.Float64(),
    "refund_lines": pl.Int64(),
}
"""Per person and day, the columns the month summaries keep per person and month."""
_LINES_SCHEMA = {k: DAILY_SALES_SCHEMA[k] for k in ("person_id", "day", "revenue", "cost", "lines")}
_REFUNDS_SCHEMA = {
    k: DAILY_SALES_SCHEMA[k] for k in ("person_id", "day", "refunds", "refund_lines")
}
TARGET_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "period": pl.String(),
    "target": pl.Float64(),
}


def _scope(person_ids: frozenset[int] | None) -> tuple[int, ...] | None:
    return None if person_ids is None else tuple(sorted(person_ids))


def _lines_query(ids: tuple[int, ...] | None, first: dt.date, last: dt.date) -> Select[Any]:
    query = (
        select(
            OrderLine.person_id,
            OrderLine.order_date.label("day"),
            func.sum(OrderLine.revenue).label("revenue"),
            func.sum(OrderLine.cost).label("cost"),
            func.count().label("lines"),
        )
        .where(OrderLine.order_date >= first, OrderLine.order_date <= last)
        .group_by(OrderLine.person_id, OrderLine.order_date)
    )
    return query if ids is None else query.where(OrderLine.person_id.in_(ids))


def _refunds_query(ids: tuple[int, ...] | None, first: dt.date, last: dt.date) -> Select[Any]:
    """Refunds dated ``first``..``last``, to the person who booked the line (as the summaries)."""
    query = (
        select(
            OrderLine.person_id,
            OrderRefund.refund_date.label("day"),
            func.sum(OrderRefund.amount).label("refunds"),
            func.count().label("refund_lines"),
        )
        .join(OrderLine, OrderLine.order_id == OrderRefund.order_id)
        .where(OrderRefund.refund_date >= first, OrderRefund.refund_date <= last)
        .group_by(OrderLine.person_id, OrderRefund.refund_date)
    )
    return query if ids is None else query.where(OrderLine.person_id.in_(ids))


def _read_sales(
    engine: Engine, ids: tuple[int, ...] | None, first: dt.date, last: dt.date
) -> pl.DataFrame:
    lines = frames.read_frame(engine, _lines_query(ids, first, last), _LINES_SCHEMA)
    refunds = frames.read_frame(engine, _refunds_query(ids, first, last), _REFUNDS_SCHEMA)
    return (
        lines.join(refunds, on=["person_id", "day"], how="full", coalesce=True)
        .with_columns(pl.col("revenue", "cost", "lines", "refunds", "refund_lines").fill_null(0))
        .select([pl.col(c).cast(t) for c, t in DAILY_SALES_SCHEMA.items()])
        .sort("person_id", "day")
    )


def sales_by_day(
    engine: Engine, person_ids: frozenset[int] | None, first: dt.date, last: dt.date
) -> pl.DataFrame:
    """``person_id, day, revenue, cost, lines, refunds, refund_lines`` for the days
    ``first``..``last`` of ``person_ids`` (``None``: everyone); days with no line and
    no refund are left out. Lines count on their order date, refunds on theirs."""
    ids = _scope(person_ids)
    return frames.cached(
        engine,
        "daily:sales_by_day",
        lambda: _read_sales(engine, ids, first, last),
        ids,
        first,
        last,
        tables=frames.SALES_TABLES,
    )


def period_targets(
    engine: Engine, person_ids: frozenset[int] | None, metric: str, labels: tuple[str, ...]
) -> pl.DataFrame:
    """``person_id, period, target``: the ``metric`` targets of the periods labelled
    ``labels`` (a week and its days, say) of ``person_ids``, read by person in SQL."""
    ids = _scope(person_ids)
    query = select(Target.person_id, Target.period, Target.target).where(
        Target.metric == metric, Target.period.in_(labels)
    )
    if ids is not None:
        query = query.where(Target.person_id.in_(ids))
    return frames.cached(
        engine,
        "daily:period_targets",
        lambda: frames.read_frame(engine, query, TARGET_SCHEMA),
        ids,
        metric,
        labels,
        tables=(Target.__tablename__,),
    )
