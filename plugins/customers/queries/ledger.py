"""The core order ledger, summed the ways this plugin needs.

Every figure comes from ``orders``; the monthly totals per customer and
person are read once per data version (one pass over the ledger) and the
day totals only for the partial months at a window's edges.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, select

from command_center.db import frames
from command_center.db.models import OrderLine
from command_center.org.scope import Viewer
from plugins.customers.logic.dates import Window

MONTHLY_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.Int64(),
    "person_id": pl.Int64(),
    "month": pl.Date(),
    "revenue": pl.Float64(),
    "lines": pl.Int64(),
}
DAILY_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.Int64(),
    "person_id": pl.Int64(),
    "order_date": pl.Date(),
    "revenue": pl.Float64(),
}
LINE_SCHEMA: dict[str, pl.DataType] = {
    "order_id": pl.Int64(),
    "customer_id": pl.Int64(),
    "person_id": pl.Int64(),
    "order_date": pl.Date(),
    "revenue": pl.Float64(),
    "cost": pl.Float64(),
}


RAW_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.Int64(),
    "person_id": pl.Int64(),
    "order_date": pl.Date(),
    "revenue": pl.Float64(),
}


def _raw(engine: Engine, where: str = "") -> pl.DataFrame:
    """Order lines (four columns) read as they are: SQLite's GROUP BY is many times
    slower than reading the rows through connectorx and summing in Polars (see the
    core's bench, "load: monthly summary")."""
    sql = f"SELECT customer_id, person_id, order_date, revenue FROM orders {where}"
    return frames.read_frame(engine, sql, RAW_SCHEMA)


def window_lines(
    engine: Engine, window: Window, person_ids: list[int] | None = None
) -> pl.DataFrame:
    """The order lines inside ``window`` (booked by ``person_ids`` when given)."""
    where = (
        f"WHERE order_date > '{window.after.isoformat()}' "
        f"AND order_date <= '{window.until.isoformat()}'"
    )
    if person_ids is not None:
        where += f" AND person_id IN ({', '.join(str(int(p)) for p in person_ids) or 'NULL'})"
    return _raw(engine, where)


def all_monthly(engine: Engine) -> pl.DataFrame:
    """``customer_id, person_id, month, revenue, lines`` for the whole ledger (unscoped)."""

    def load() -> pl.DataFrame:
        return (
            _raw(engine)
            .lazy()
            .group_by(
                "customer_id", "person_id", pl.col("order_date").dt.truncate("1mo").alias("month")
            )
            .agg(pl.col("revenue").sum(), pl.len().cast(pl.Int64).alias("lines"))
            .collect()
            .select(list(MONTHLY_SCHEMA))
        )

    return frames.cached(engine, "customers:monthly", load)


def all_daily(engine: Engine, ranges: list[tuple[dt.date, dt.date]]) -> pl.DataFrame:
    """``customer_id, person_id, order_date, revenue`` on the days of ``ranges`` (unscoped)."""
    if not ranges:
        return pl.DataFrame(schema=DAILY_SCHEMA)
    key = tuple(sorted(set(ranges)))

    def load() -> pl.DataFrame:
        where = " OR ".join(
            f"(order_date >= '{a.isoformat()}' AND order_date <= '{b.isoformat()}')" for a, b in key
        )
        return (
            _raw(engine, f"WHERE {where}")
            .group_by("customer_id", "person_id", "order_date")
            .agg(pl.col("revenue").sum())
            .select(list(DAILY_SCHEMA))
        )

    return frames.cached(engine, "customers:daily", load, key)


def scoped(frame: pl.DataFrame, viewer: Viewer, customer_ids: pl.Series | None) -> pl.DataFrame:
    """Ledger totals the viewer may see: booked by people in scope, on ``customer_ids``."""
    out = viewer.filter(frame)
    if customer_ids is not None and not viewer.sees_all:
        out = out.filter(pl.col("customer_id").is_in(customer_ids.implode()))
    return out


def customer_lines(engine: Engine, viewer: Viewer, customer_id: int) -> pl.DataFrame:
    """One customer's order lines booked by people in the viewer's scope, newest first."""
    query = select(*OrderLine.__table__.c).where(OrderLine.customer_id == customer_id)
    if viewer.person_ids is not None:
        query = query.where(OrderLine.person_id.in_(sorted(viewer.person_ids)))
    query = query.order_by(OrderLine.order_date.desc(), OrderLine.order_id.desc())
    return frames.read_frame(engine, query, LINE_SCHEMA)


def recent_wins(engine: Engine, since: dt.date, until: dt.date) -> pl.DataFrame:
    """``customer_id, last_win`` for customers with an order line in ``since..until``."""
    where = f"WHERE order_date >= '{since.isoformat()}' AND order_date <= '{until.isoformat()}'"
    return (
        _raw(engine, where)
        .group_by("customer_id")
        .agg(pl.col("order_date").max().alias("last_win"))
    )
