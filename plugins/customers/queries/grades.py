"""Grades from the ledger: the company's, and within a viewer's scope.

Each function grades by the rule named ``rule`` (the company's setting
``grading``; ``abc`` when that rule is not installed, see
:mod:`plugins.customers.logic.grading`).

- :func:`company_grades` grades every customer against every other: it is
  the customer's grade shown on its record and the one that sets its
  follow-up interval and the metrics (the same for everyone who looks).
- :func:`scoped_grades` grades the viewer's own customers among themselves,
  on the order lines booked by people in scope (what ``command-center abc``
  prints for a ``--user`` and the ABC page shows); for a director both agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.db.models import CustomerMonthSales
from command_center.org.scope import OPERATOR, Viewer
from command_center.org.tree import closure
from plugins.customers.logic import abc, grading, teams
from plugins.customers.logic.dates import Window
from plugins.customers.logic.grading import GradingContext, GradingRule, GradingRules
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


def _rule(name: str) -> tuple[GradingRules, GradingRule]:
    rules = grading.installed_rules()
    return rules, rules.chosen(name)


def _grader(
    engine: Engine,
    viewer: Viewer,
    rules: GradingRules,
    rule: GradingRule,
    contexts: Sequence[GradingContext],
) -> Callable[[pl.DataFrame, GradingContext], pl.DataFrame]:
    """Grades ``(customers, ctx)`` by ``rule`` for the windows of ``contexts``, read once:
    ledger totals for a rule reading revenue, the windows' order lines otherwise."""
    windows = [ctx.window for ctx in contexts]
    if rule.reads == "revenue":
        monthly, daily = _windows_inputs(engine, viewer, windows)
        return lambda ids, ctx: grading.grade_totals(rules, rule, monthly, daily, ids, ctx)
    span = Window(min(w.after for w in windows), max(w.until for w in windows))
    people = None if viewer.person_ids is None else sorted(viewer.person_ids)
    lines = ledger.window_lines(engine, span, people)
    return lambda ids, ctx: grading.grade_lines(rules, rule, lines, ids, ctx)


def scoped_grades(
    engine: Engine,
    viewer: Viewer,
    as_of: dt.date,
    months: int,
    cutoffs: Sequence[float],
    rule: str = grading.DEFAULT,
) -> pl.DataFrame:
    """Every customer in the viewer's book, graded among themselves (ABC_SCHEMA, rank order).

    Revenue of the order lines booked by people in scope, from the monthly
    summaries (scope in SQL) and the day totals of the window's edges.
    """
    if viewer.sees_all:
        return company_grades(engine, as_of, months, cutoffs, rule)
    rules, chosen = _rule(rule)
    ctx = GradingContext(as_of, months, (cutoffs[0], cutoffs[1]))

    def load() -> pl.DataFrame:
        universe = book_q.cadence_book(engine, viewer).select("customer_id")
        if universe.is_empty() or not viewer.person_ids:
            return abc.grade(pl.DataFrame(schema={"customer_id": pl.Int64, "revenue": pl.Float64}))
        return _grader(engine, viewer, rules, chosen, [ctx])(universe, ctx)

    return frames.cached(
        engine,
        "customers:grades:scoped",
        load,
        _scope_key(viewer),
        as_of,
        months,
        tuple(cutoffs),
        (chosen.plugin, chosen.name),
        tables=(*GRADE_TABLES, *book_q.BOOK_TABLES),
    )


def company_grades(
    engine: Engine,
    as_of: dt.date,
    months: int,
    cutoffs: Sequence[float],
    rule: str = grading.DEFAULT,
) -> pl.DataFrame:
    """Every customer graded on the whole ledger (unscoped: for derived figures).

    Whole months from the ledger summary, the partial edge months from their
    order lines (:func:`abc.abc_from_totals`); cached per ``as_of`` until an
    order, a refund or a customer is written.
    """

    rules, chosen = _rule(rule)
    ctx = GradingContext(as_of, months, (cutoffs[0], cutoffs[1]))

    def load() -> pl.DataFrame:
        universe = book_q.customer_ids(engine).select("customer_id")
        return _grader(engine, OPERATOR, rules, chosen, [ctx])(universe, ctx)

    return frames.cached(
        engine,
        "customers:grades",
        load,
        as_of,
        months,
        tuple(cutoffs),
        (chosen.plugin, chosen.name),
        _ledger_stamps(engine, [ctx.window]),
        tables=("customers",),
    )


def scoped_history(
    engine: Engine,
    viewer: Viewer,
    points: Sequence[dt.date],
    months: int,
    cutoffs: Sequence[float],
    rule: str = grading.DEFAULT,
) -> pl.DataFrame:
    """``as_of, customer_id, revenue, grade`` at each point, graded as :func:`scoped_grades`."""
    if viewer.sees_all:
        return company_history(engine, points, months, cutoffs, rule)
    rules, chosen = _rule(rule)
    cuts = (cutoffs[0], cutoffs[1])

    def load() -> pl.DataFrame:
        universe = book_q.cadence_book(engine, viewer).select("customer_id", "created_on")
        if not points:
            return pl.DataFrame(schema=grading.HISTORY_SCHEMA)
        contexts = [GradingContext(p, months, cuts) for p in points]
        grade_at = _grader(engine, viewer, rules, chosen, contexts)
        return grading.history(grade_at, universe, points, months, cuts)

    return frames.cached(
        engine,
        "customers:history:scoped",
        load,
        _scope_key(viewer),
        tuple(points),
        months,
        tuple(cutoffs),
        (chosen.plugin, chosen.name),
        tables=(*GRADE_TABLES, *book_q.BOOK_TABLES),
    )


def company_history(
    engine: Engine,
    points: Sequence[dt.date],
    months: int,
    cutoffs: Sequence[float],
    rule: str = grading.DEFAULT,
) -> pl.DataFrame:
    """``as_of, customer_id, revenue, grade`` of every customer at each point (unscoped).

    Each point is graded and cached on its own, until a write changes a month
    of its window: a booking today regrades the current point only.
    """
    parts = [_company_point(engine, point, months, cutoffs, rule) for point in points]
    if not parts:
        return pl.DataFrame(schema=grading.HISTORY_SCHEMA)
    return pl.concat(parts, rechunk=False)


def company_history_of(
    engine: Engine,
    customer_id: int,
    points: Sequence[dt.date],
    months: int,
    cutoffs: Sequence[float],
    rule: str = grading.DEFAULT,
) -> pl.DataFrame:
    """One customer's rows of :func:`company_history` (a customer's record page)."""
    history = company_history(engine, points, months, cutoffs, rule)
    return history.filter(pl.col("customer_id") == customer_id)


def _company_point(
    engine: Engine, point: dt.date, months: int, cutoffs: Sequence[float], rule: str
) -> pl.DataFrame:
    rules, chosen = _rule(rule)
    ctx = GradingContext(point, months, (cutoffs[0], cutoffs[1]))

    def load() -> pl.DataFrame:
        universe = book_q.customer_ids(engine)
        grade_at = _grader(engine, OPERATOR, rules, chosen, [ctx])
        return grading.history(grade_at, universe, [point], months, ctx.cutoffs)

    return frames.cached(
        engine,
        "customers:history",
        load,
        point,
        months,
        tuple(cutoffs),
        (chosen.plugin, chosen.name),
        _ledger_stamps(engine, [ctx.window]),
        tables=("customers",),
    )


def scoped_history_counts(
    engine: Engine,
    viewer: Viewer,
    points: Sequence[dt.date],
    months: int,
    cutoffs: Sequence[float],
    rule: str = grading.DEFAULT,
) -> pl.DataFrame:
    """:func:`abc.history_counts` of :func:`scoped_history` (the grade history chart).

    For the whole company each point's counts are kept beside its grades, so a
    rerun does not count half a million customers twelve times again.
    """
    if not viewer.sees_all:
        return abc.history_counts(scoped_history(engine, viewer, points, months, cutoffs, rule))
    chosen = _rule(rule)[1]
    parts = [
        frames.cached(
            engine,
            "customers:history_counts",
            lambda point=point: abc.history_counts(
                _company_point(engine, point, months, cutoffs, rule)
            ),
            point,
            months,
            tuple(cutoffs),
            (chosen.plugin, chosen.name),
            history_stamps(engine, point, months),
            tables=("customers",),
        )
        for point in points
    ]
    if not parts:
        return abc.history_counts(pl.DataFrame(schema=grading.HISTORY_SCHEMA))
    return pl.concat(parts)


def team_grades(
    engine: Engine,
    viewer: Viewer,
    people: pl.DataFrame,
    nodes: Sequence[int],
    as_of: dt.date,
    months: int,
    cutoffs: Sequence[float],
    rule: str = grading.DEFAULT,
) -> pl.DataFrame:
    """The viewer's grades per team node (:func:`teams.by_team`, named), cached until a
    write changes the window's months, a customer or the org."""

    def load() -> pl.DataFrame:
        graded = scoped_grades(engine, viewer, as_of, months, cutoffs, rule)
        owners = book_q.cadence_book(engine, viewer).select("customer_id", "owner_id")
        table = teams.by_team(graded.join(owners, on="customer_id"), closure(people), list(nodes))
        return teams.named_teams(table, people)

    chosen = _rule(rule)[1]
    return frames.cached(
        engine,
        "customers:team_grades",
        load,
        _scope_key(viewer),
        tuple(nodes),
        as_of,
        months,
        tuple(cutoffs),
        (chosen.plugin, chosen.name),
        history_stamps(engine, as_of, months),
        tables=("customers", "people", *book_q.BOOK_TABLES),
    )


def history_stamps(engine: Engine, point: dt.date, months: int) -> tuple[int, ...]:
    """What the grades at ``point`` (:func:`company_history`) depend on in the ledger:
    a cache key for figures derived from them."""
    return _ledger_stamps(engine, [Window.of(point, months)])


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
