"""ABC grades from the ledger: the company's, and within a viewer's scope.

- :func:`company_grades` grades every customer against every other: it is
  the customer's grade shown on its record and the one that sets its
  follow-up interval and the metrics (the same for everyone who looks).
- :func:`scoped_grades` grades the viewer's own customers among themselves,
  on the order lines booked by people in scope (what ``command-center abc``
  prints for a ``--user`` and the ABC page shows); for a director both agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.db.models import CustomerMonthSales
from command_center.org.scope import OPERATOR, Viewer
from plugins.customers.logic import abc
from plugins.customers.logic.dates import Window
from plugins.customers.queries import book as book_q
from plugins.customers.queries import ledger

GRADE_TABLES: tuple[str, ...] = (*frames.SALES_TABLES, "customers")
"""What company grades read: the ledger summaries and the customer list."""


def _windows_inputs(
    engine: Engine, viewer: Viewer, windows: Sequence[Window]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Monthly totals over the windows' whole months and day totals of their edges."""
    wholes = [w.split()[0] for w in windows]
    spans = [span for span in wholes if span is not None]
    ranges = sorted({r for w in windows for r in w.split()[1]})
    if viewer.person_ids is None and len(spans) == 1:
        monthly = ledger.company_window_months(engine, *spans[0])
    elif viewer.person_ids is None:
        monthly = ledger.customer_month_revenue(engine)
        if spans:
            first, last = min(a for a, _ in spans), max(b for _, b in spans)
            monthly = monthly.filter(pl.col("month").is_between(first, last))
        else:
            monthly = monthly.clear()
    elif spans:
        first, last = min(a for a, _ in spans), max(b for _, b in spans)
        monthly = ledger.monthly(engine, viewer, first, last)
    else:
        monthly = pl.DataFrame(schema=ledger.MONTHLY_SCHEMA)
    return monthly, ledger.daily(engine, viewer, ranges)


def _scope_key(viewer: Viewer) -> tuple[int, ...] | None:
    return None if viewer.person_ids is None else tuple(sorted(viewer.person_ids))


def scoped_grades(
    engine: Engine, viewer: Viewer, as_of: dt.date, months: int, cutoffs: Sequence[float]
) -> pl.DataFrame:
    """Every customer in the viewer's book, graded among themselves (ABC_SCHEMA, rank order).

    Revenue of the order lines booked by people in scope, from the monthly
    summaries (scope in SQL) and the day totals of the window's edges.
    """
    if viewer.sees_all:
        return company_grades(engine, as_of, months, cutoffs)

    def load() -> pl.DataFrame:
        universe = book_q.book(engine, viewer).select("customer_id")
        if universe.is_empty() or not viewer.person_ids:
            return abc.grade(pl.DataFrame(schema={"customer_id": pl.Int64, "revenue": pl.Float64}))
        monthly, daily = _windows_inputs(engine, viewer, [Window.of(as_of, months)])
        return abc.abc_from_totals(monthly, daily, universe, as_of, months, cutoffs)

    return frames.cached(
        engine,
        "customers:grades:scoped",
        load,
        _scope_key(viewer),
        as_of,
        months,
        tuple(cutoffs),
        tables=(*GRADE_TABLES, *book_q.BOOK_TABLES),
    )


def company_grades(
    engine: Engine, as_of: dt.date, months: int, cutoffs: Sequence[float]
) -> pl.DataFrame:
    """Every customer graded on the whole ledger (unscoped: for derived figures).

    Whole months from the ledger summary, the partial edge months from their
    order lines (:func:`abc.abc_from_totals`); cached per ``as_of`` until an
    order, a refund or a customer is written.
    """

    window = Window.of(as_of, months)

    def load() -> pl.DataFrame:
        universe = book_q.customer_ids(engine).select("customer_id")
        monthly, daily = _windows_inputs(engine, OPERATOR, [window])
        return abc.abc_from_totals(monthly, daily, universe, as_of, months, cutoffs)

    return frames.cached(
        engine,
        "customers:grades",
        load,
        as_of,
        months,
        tuple(cutoffs),
        _ledger_stamps(engine, [window]),
        tables=("customers",),
    )


def scoped_history(
    engine: Engine,
    viewer: Viewer,
    points: Sequence[dt.date],
    months: int,
    cutoffs: Sequence[float],
) -> pl.DataFrame:
    """``as_of, customer_id, revenue, grade`` at each point, graded as :func:`scoped_grades`."""
    if viewer.sees_all:
        return company_history(engine, points, months, cutoffs)

    def load() -> pl.DataFrame:
        universe = book_q.book(engine, viewer).select("customer_id", "created_on")
        monthly, daily = _windows_inputs(engine, viewer, [Window.of(p, months) for p in points])
        return abc.history(monthly, daily, universe, points, months, cutoffs)

    return frames.cached(
        engine,
        "customers:history:scoped",
        load,
        _scope_key(viewer),
        tuple(points),
        months,
        tuple(cutoffs),
        tables=(*GRADE_TABLES, *book_q.BOOK_TABLES),
    )


def company_history(
    engine: Engine, points: Sequence[dt.date], months: int, cutoffs: Sequence[float]
) -> pl.DataFrame:
    """``as_of, customer_id, revenue, grade`` of every customer at each point (unscoped).

    Each point is graded and cached on its own, until a write changes a month
    of its window: a booking today regrades the current point only.
    """
    parts = [_company_point(engine, point, months, cutoffs) for point in points]
    if not parts:
        return abc.history(pl.DataFrame(), pl.DataFrame(), pl.DataFrame(), [], months, cutoffs)
    return pl.concat(parts, rechunk=False)


def company_history_of(
    engine: Engine,
    customer_id: int,
    points: Sequence[dt.date],
    months: int,
    cutoffs: Sequence[float],
) -> pl.DataFrame:
    """One customer's rows of :func:`company_history` (a customer's record page)."""
    parts = [
        _company_point(engine, point, months, cutoffs).filter(pl.col("customer_id") == customer_id)
        for point in points
    ]
    if not parts:
        return company_history(engine, [], months, cutoffs)
    return pl.concat(parts)


def _company_point(
    engine: Engine, point: dt.date, months: int, cutoffs: Sequence[float]
) -> pl.DataFrame:
    window = Window.of(point, months)

    def load() -> pl.DataFrame:
        universe = book_q.customer_ids(engine)
        monthly, daily = _windows_inputs(engine, OPERATOR, [window])
        return abc.history(monthly, daily, universe, [point], months, cutoffs)

    return frames.cached(
        engine,
        "customers:history",
        load,
        point,
        months,
        tuple(cutoffs),
        _ledger_stamps(engine, [window]),
        tables=("customers",),
    )


def _ledger_stamps(engine: Engine, windows: Sequence[Window]) -> tuple[int, ...]:
    """What company grades over ``windows`` depend on in the ledger: the months they
    span (a booking today leaves last month's grades cached)."""
    first = min(w.after for w in windows).replace(day=1)
    last = max(w.until for w in windows).replace(day=1)
    months = []
    while first <= last:
        months.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return frames.summary_stamps(engine, CustomerMonthSales.__table__, months)
