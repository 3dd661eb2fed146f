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
from command_center.org.scope import OPERATOR, Viewer
from plugins.customers.logic import abc
from plugins.customers.logic.dates import Window
from plugins.customers.queries import book as book_q
from plugins.customers.queries import ledger


def _ranges(points: Sequence[dt.date], months: int) -> list[tuple[dt.date, dt.date]]:
    out: list[tuple[dt.date, dt.date]] = []
    for point in points:
        out.extend(Window.of(point, months).split()[1])
    return sorted(set(out))


def _inputs(
    engine: Engine, viewer: Viewer, points: Sequence[dt.date], months: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    universe = book_q.book(engine, viewer).select("customer_id", "created_on")
    ids = None if viewer.sees_all else universe["customer_id"]
    monthly = ledger.scoped(ledger.all_monthly(engine), viewer, ids)
    daily = ledger.scoped(ledger.all_daily(engine, _ranges(points, months)), viewer, ids)
    return universe, monthly, daily


def scoped_grades(
    engine: Engine, viewer: Viewer, as_of: dt.date, months: int, cutoffs: Sequence[float]
) -> pl.DataFrame:
    """Every customer in the viewer's book, graded among themselves (ABC_SCHEMA, rank order)."""
    if viewer.sees_all:
        return company_grades(engine, as_of, months, cutoffs)
    universe = book_q.book(engine, viewer).select("customer_id")
    if universe.is_empty() or not viewer.person_ids:
        return abc.grade(pl.DataFrame(schema={"customer_id": pl.Int64, "revenue": pl.Float64}))
    lines = ledger.window_lines(engine, Window.of(as_of, months), sorted(viewer.person_ids))
    return abc.abc_from_lines(lines, universe, as_of, months, cutoffs)


def company_grades(
    engine: Engine, as_of: dt.date, months: int, cutoffs: Sequence[float]
) -> pl.DataFrame:
    """Every customer graded on the whole ledger (unscoped: for derived figures).

    Reads only the window's order lines and grades them with
    :func:`abc.abc_from_lines` (the path ``bench/customers.py`` measures).
    """

    def load() -> pl.DataFrame:
        universe = book_q.all_customers(engine).select("customer_id")
        lines = ledger.window_lines(engine, Window.of(as_of, months))
        return abc.abc_from_lines(lines, universe, as_of, months, cutoffs)

    return frames.cached(engine, "customers:grades", load, as_of, months, tuple(cutoffs))


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
    universe, monthly, daily = _inputs(engine, viewer, points, months)
    return abc.history(monthly, daily, universe, points, months, cutoffs)


def company_history(
    engine: Engine, points: Sequence[dt.date], months: int, cutoffs: Sequence[float]
) -> pl.DataFrame:
    def load() -> pl.DataFrame:
        universe, monthly, daily = _inputs(engine, OPERATOR, points, months)
        return abc.history(monthly, daily, universe, points, months, cutoffs)

    return frames.cached(engine, "customers:history", load, tuple(points), months, tuple(cutoffs))
