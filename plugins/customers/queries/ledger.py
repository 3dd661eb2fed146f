"""The core order ledger, summed the ways this plugin needs.

Monthly totals per customer and person come from the core's summary
``sales_customer_month`` (kept equal to ``orders`` by triggers); order lines
are read only for the day totals of the partial months at a window's edges,
one customer's history, and recent wins.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, select

from command_center.db import frames
from command_center.db.models import CustomerMonthSales, OrderLine
from command_center.db.tables import polars_schema
from command_center.org.scope import OPERATOR, Viewer
from plugins.customers.logic.dates import Window, month_end

MONTHLY_SCHEMA: dict[str, pl.DataType] = polars_schema(
    CustomerMonthSales, ["customer_id", "person_id", "month", "revenue", "lines"]
)
RAW_SCHEMA: dict[str, pl.DataType] = polars_schema(
    OrderLine, ["customer_id", "person_id", "order_date", "revenue"]
)
DAILY_SCHEMA: dict[str, pl.DataType] = RAW_SCHEMA
"""Day totals have the order lines' columns (summed per customer, person and day)."""
LINE_SCHEMA: dict[str, pl.DataType] = polars_schema(
    OrderLine, ["order_id", "customer_id", "person_id", "order_date", "revenue", "cost"]
)


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


def _monthly(frame: pl.DataFrame) -> pl.DataFrame:
    """Summary rows as :data:`MONTHLY_SCHEMA` (refund-only months, ``lines == 0``, left out:
    the ledger has no order line there)."""
    return frame.filter(pl.col("lines") > 0).select(list(MONTHLY_SCHEMA))


def all_monthly(engine: Engine) -> pl.DataFrame:
    """``customer_id, person_id, month, revenue, lines`` for the whole ledger (unscoped).

    From the core's in-memory copy of ``sales_customer_month``, which folds in
    each write's changed rows instead of reloading (not cached again here).
    """
    return _monthly(frames.all_customer_months(engine))


def company_monthly(engine: Engine, months: list[dt.date]) -> pl.DataFrame:
    """:data:`MONTHLY_SCHEMA` rows of ``months`` for the whole ledger (unscoped), from the
    core's in-memory copy of the summary (no read of the database)."""
    rows = frames.all_customer_months(engine).filter(pl.col("month").is_in(months))
    return _monthly(rows)


def customer_month_revenue(engine: Engine) -> pl.DataFrame:
    """``customer_id, month, revenue`` for the whole ledger, people summed (unscoped).

    What company grades and their history need: summed month by month from
    the core's in-memory copy of the summary, each month again only after a
    write changed it (a booking costs one month's sum, not 24).
    """
    return frames.summary_by_month(
        engine,
        CustomerMonthSales.__table__,
        "customers:customer_month",
        lambda rows: (
            rows.lazy()
            .filter(pl.col("lines") > 0)
            .group_by(pl.col("customer_id").cast(pl.Int32), "month")
            .agg(pl.col("revenue").sum())
            .collect()
        ),
    )


def company_window_months(engine: Engine, first: dt.date, last: dt.date) -> pl.DataFrame:
    """``customer_id, month, revenue`` over months ``first..last`` (unscoped), compact.

    The months before ``last`` come summed into one row per customer dated
    ``first`` (kept until a write changes one of them); ``last``'s rows come
    as they are. Any sum over ``first..last`` equals that of the plain rows,
    and a booking in the latest month costs one month's rows, not a year's.
    """
    rows = customer_month_revenue(engine)
    latest = rows.filter(pl.col("month") == last)
    if first >= last:
        return latest

    def fold() -> pl.DataFrame:
        earlier = rows.filter((pl.col("month") >= first) & (pl.col("month") < last))
        return (
            earlier.group_by("customer_id")
            .agg(pl.col("revenue").sum())
            .select("customer_id", pl.lit(first).alias("month"), "revenue")
        )

    months = _months_between(first, last)[:-1]
    stamps = frames.summary_stamps(engine, CustomerMonthSales.__table__, months)
    earlier = frames.cached(engine, "customers:months_folded", fold, first, last, stamps, tables=())
    return pl.concat([earlier, latest.select(earlier.columns)], how="vertical_relaxed")


def _months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    while first <= last:
        months.append(first)
        first = month_end(first) + dt.timedelta(days=1)
    return months


def monthly(
    engine: Engine,
    viewer: Viewer,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pl.DataFrame:
    """Monthly totals booked by people in the viewer's scope, months ``start``..``end``.

    Read from the summary with the scope and the months in SQL (indexed
    ``person_id``), so a rep never loads the force's rows. Uncached: callers
    cache what they derive.
    """
    return _monthly(frames.customer_months(engine, viewer, start, end))


def daily(engine: Engine, viewer: Viewer, ranges: list[tuple[dt.date, dt.date]]) -> pl.DataFrame:
    """``customer_id, person_id, order_date, revenue`` on the days of ``ranges``, in scope.

    Only for the partial months at a window's edges (a few weeks of lines).
    Unscoped, each month's days are cached on their own, until a write
    changes that month: a booking today leaves last year's edge days cached.
    """
    if not ranges or (viewer.person_ids is not None and not viewer.person_ids):
        return pl.DataFrame(schema=DAILY_SCHEMA)
    if viewer.person_ids is not None:
        people = ", ".join(str(int(p)) for p in sorted(viewer.person_ids))
        return _day_totals(engine, sorted(set(ranges)), f" AND person_id IN ({people})")
    by_month: dict[dt.date, set[tuple[dt.date, dt.date]]] = {}
    for first, last in ranges:
        for month_first, month_last in _month_pieces(first, last):
            by_month.setdefault(month_first.replace(day=1), set()).add((month_first, month_last))
    parts = []
    for month, pieces in sorted(by_month.items()):
        key = tuple(sorted(pieces))
        stamps = frames.summary_stamps(engine, CustomerMonthSales.__table__, [month])
        parts.append(
            frames.cached(
                engine,
                "customers:daily",
                lambda key=key: _day_totals(engine, list(key)),
                key,
                stamps,
                tables=(),
            )
        )
    return pl.concat(parts)


def _month_pieces(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """``first..last`` cut at month ends (a window's edge ranges lie within one month)."""
    pieces = []
    while first <= last:
        end = min(last, month_end(first))
        pieces.append((first, end))
        first = end + dt.timedelta(days=1)
    return pieces


def _day_totals(
    engine: Engine, ranges: list[tuple[dt.date, dt.date]], person_filter: str = ""
) -> pl.DataFrame:
    days = " OR ".join(
        f"(order_date >= '{a.isoformat()}' AND order_date <= '{b.isoformat()}')" for a, b in ranges
    )
    return (
        _raw(engine, f"WHERE ({days}){person_filter}")
        .group_by("customer_id", "person_id", "order_date")
        .agg(pl.col("revenue").sum())
        .select(list(DAILY_SCHEMA))
    )


def all_daily(engine: Engine, ranges: list[tuple[dt.date, dt.date]]) -> pl.DataFrame:
    """``customer_id, person_id, order_date, revenue`` on the days of ``ranges`` (unscoped)."""
    return daily(engine, OPERATOR, ranges)


def scoped(frame: pl.DataFrame, viewer: Viewer, customer_ids: pl.Series | None) -> pl.DataFrame:
    """Ledger totals the viewer may see: booked by people in scope, on ``customer_ids``."""
    out = viewer.filter(frame)
    if customer_ids is not None and not viewer.sees_all:
        out = out.filter(pl.col("customer_id").is_in(customer_ids.implode()))
    return out


def customer_lines(engine: Engine, viewer: Viewer, customer_id: int) -> pl.DataFrame:
    """One customer's order lines booked by people in the viewer's scope, newest first."""
    query = select(*(OrderLine.__table__.c[name] for name in LINE_SCHEMA)).where(
        OrderLine.customer_id == customer_id
    )
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
