"""The plugin's metrics for the registry (keys agreed across plugins).

- ``new_customers``: customers created in the month, credited to their first owner;
- ``followups`` / ``visits`` / ``calls``: follow-ups logged by the person (visits: channel
  ``visit``; calls: channel ``phone``);
- ``overdue_customers``: at the month's end (today for the running month), customers
  the person owned whose follow-up was overdue for their company grade; lower is better;
- ``a_grade_revenue_share``: of the person's revenue in the month, the share from
  customers graded A (company grading as of the month's end).

The activity ones (:data:`ACTIVITY_METRICS`) have figures at every grain: per
day for a day or an ISO week (``compute_days``, the viewer's scope in SQL), as
:func:`activity_values` gives them over any period (what day and week targets
meet). ``overdue_customers`` and ``a_grade_revenue_share`` are month figures only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.org.scope import Viewer
from command_center.periods import Period
from command_center.types import ALL_GRAINS, DayQuery, MetricQuery, MetricSpec
from plugins.customers import settings as settings_mod
from plugins.customers.logic import cadence
from plugins.customers.logic.dates import month_end, month_ends
from plugins.customers.logic.pool import ownership_spells
from plugins.customers.queries import activity, daily, grades, ledger
from plugins.customers.queries import book as book_q

SETTINGS_TABLE = "plugin_settings"
OVERDUE_TABLES: tuple[str, ...] = (
    "customers",
    *activity.FOLLOWUP_TABLES,
    *activity.MOVE_TABLES,
    *grades.GRADE_TABLES,
    SETTINGS_TABLE,
)
"""What ``overdue_customers`` reads: owners, follow-ups, pool moves, grades, the rules."""
ACTIVITY_METRICS: tuple[str, ...] = ("visits", "calls", "followups", "new_customers")
"""The metrics counted per day: targets may be set per day or ISO week."""
EMPTY = pl.DataFrame(
    schema={"person_id": pl.Int64, "month": pl.Date, "num": pl.Float64, "den": pl.Float64}
)


def _months(q: MetricQuery, today: dt.date | None = None) -> list[dt.date]:
    """Month starts of ``q``, not after today's month."""
    last = min(q.end, (today or dt.date.today()).replace(day=1))
    if last < q.start:
        return []
    count = (last.year - q.start.year) * 12 + last.month - q.start.month + 1
    return [e.replace(day=1) for e in month_ends(last, count)]


def _counts(frame: pl.DataFrame, person: str, day: str) -> pl.DataFrame:
    return (
        frame.select(
            pl.col(person).alias("person_id"), pl.col(day).dt.truncate("1mo").alias("month")
        )
        .drop_nulls()
        .group_by("person_id", "month")
        .agg(pl.len().cast(pl.Float64).alias("num"))
        .with_columns(pl.lit(1.0).alias("den"))
    )


def new_customers(q: MetricQuery) -> pl.DataFrame:
    made = book_q.created_between(q.engine, q.start, month_end(q.end))
    return _counts(made, "first_owner_id", "created_on")


def followups(q: MetricQuery) -> pl.DataFrame:
    rows = activity.followups_between(q.engine, q.start, month_end(q.end))
    return _counts(rows, "person_id", "followup_date")


def _channel_counts(q: MetricQuery, channel: str) -> pl.DataFrame:
    rows = activity.followups_between(q.engine, q.start, month_end(q.end))
    return _counts(rows.filter(pl.col("channel") == channel), "person_id", "followup_date")


def visits(q: MetricQuery) -> pl.DataFrame:
    return _channel_counts(q, daily.CHANNEL_OF["visits"])


def calls(q: MetricQuery) -> pl.DataFrame:
    return _channel_counts(q, daily.CHANNEL_OF["calls"])


def _per_day(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    return frame.filter(pl.col(column) > 0).select(
        "person_id", "day", pl.col(column).cast(pl.Float64).alias("num"), pl.lit(1.0).alias("den")
    )


def _logged_days(column: str) -> Callable[[DayQuery], pl.DataFrame]:
    """``compute_days`` of a count of follow-ups: ``followups``, ``visits`` or ``calls``."""

    def compute(q: DayQuery) -> pl.DataFrame:
        first, last = q.period.first_day, q.period.last_day
        return _per_day(daily.activity_by_day(q.engine, q.person_ids, first, last), column)

    return compute


def new_customers_days(q: DayQuery) -> pl.DataFrame:
    first, last = q.period.first_day, q.period.last_day
    made = daily.new_customers_by_day(q.engine, q.person_ids, first, last)
    return _per_day(made, "new_customers")


def activity_values(engine: Engine, viewer: Viewer, period: Period) -> pl.DataFrame:
    """``person_id`` and one column per :data:`ACTIVITY_METRICS` over the days of
    ``period`` (any grain), for the people in the viewer's scope who did something."""
    first, last = period.first_day, period.last_day
    logged = daily.activity_by_day(engine, viewer.person_ids, first, last)
    made = daily.new_customers_by_day(engine, viewer.person_ids, first, last)
    counts = ["followups", "visits", "calls"]
    per_person = (
        logged.group_by("person_id")
        .agg(pl.col(counts).sum())
        .join(
            made.group_by("person_id").agg(pl.col("new_customers").sum()),
            on="person_id",
            how="full",
            coalesce=True,
        )
        .with_columns(pl.col(*counts, "new_customers").fill_null(0))
    )
    return viewer.filter(per_person).select("person_id", *ACTIVITY_METRICS).sort("person_id")


def _points(months: list[dt.date], today: dt.date) -> list[dt.date]:
    return [min(month_end(m), today) for m in months]


def overdue_customers(q: MetricQuery, today: dt.date | None = None) -> pl.DataFrame:
    today = today or dt.date.today()
    months = _months(q, today)
    if not months:
        return EMPTY
    rules = settings_mod.get(q.engine)
    points = _points(months, today)
    counts = pl.concat([_overdue_at(q.engine, point, rules) for point in points])
    return counts.select(
        "person_id",
        pl.col("as_of").dt.truncate("1mo").alias("month"),
        pl.col("overdue").cast(pl.Float64).alias("num"),
        pl.lit(1.0).alias("den"),
    )


def _overdue_at(
    engine: Engine, point: dt.date, rules: settings_mod.CustomerSettings
) -> pl.DataFrame:
    """``as_of, person_id, overdue`` at one point, cached on its own: a booking today
    changes the grades (so the counts) of the current point only."""

    def load() -> pl.DataFrame:
        history = grades.company_history(
            engine, [point], rules.abc_months, rules.cutoffs, rules.grading
        )
        # A follow-up older than the longest interval before the point cannot change
        # whether a customer is overdue (its clock ran out either way).
        since = point - dt.timedelta(days=max(rules.intervals.values()) + 1)
        logged = activity.followups_between(engine, since, point)
        return cadence.overdue_at_points(_spells(engine), logged, history, rules.intervals, [point])

    return frames.cached(
        engine,
        "customers:overdue_at",
        load,
        point,
        rules.abc_months,
        tuple(rules.cutoffs),
        rules.grading,
        tuple(sorted(rules.intervals.items())),
        grades.history_stamps(engine, point, rules.abc_months),
        tables=("customers", *activity.FOLLOWUP_TABLES, *activity.MOVE_TABLES),
    )


def _spells(engine: Engine) -> pl.DataFrame:
    """Ownership spells of every customer, until an owner changes or the pool moves."""
    return frames.cached(
        engine,
        "customers:spells",
        lambda: ownership_spells(book_q.owners(engine), activity.all_moves(engine)),
        tables=("customers", *activity.MOVE_TABLES),
    )


def a_grade_revenue_share(q: MetricQuery) -> pl.DataFrame:
    months = _months(q, dt.date.max)
    if not months:
        return EMPTY
    rules = settings_mod.get(q.engine)
    points = [month_end(m) for m in months]
    history = grades.company_history(
        q.engine, points, rules.abc_months, rules.cutoffs, rules.grading
    )
    a_grade = history.filter(pl.col("grade") == "A").select(
        pl.col("as_of").dt.truncate("1mo").alias("month"), "customer_id", pl.lit(True).alias("a")
    )
    sales = ledger.company_monthly(q.engine, months)
    return (
        sales.join(a_grade, on=["month", "customer_id"], how="left")
        .group_by("person_id", "month")
        .agg(
            pl.col("revenue").filter(pl.col("a").fill_null(False)).sum().alias("num"),
            pl.col("revenue").sum().alias("den"),
        )
        .with_columns(pl.col("num").cast(pl.Float64), pl.col("den").cast(pl.Float64))
    )


def metric_specs() -> list[MetricSpec]:
    return [
        MetricSpec(
            "new_customers",
            "customers.metric.new_customers",
            "count",
            new_customers,
            description="customers.metric.new_customers_help",
            grains=ALL_GRAINS,
            compute_days=new_customers_days,
            tables=book_q.BOOK_TABLES,
        ),
        MetricSpec(
            "followups",
            "customers.metric.followups",
            "count",
            followups,
            description="customers.metric.followups_help",
            grains=ALL_GRAINS,
            compute_days=_logged_days("followups"),
            tables=activity.FOLLOWUP_TABLES,
        ),
        MetricSpec(
            "visits",
            "customers.metric.visits",
            "count",
            visits,
            description="customers.metric.visits_help",
            grains=ALL_GRAINS,
            compute_days=_logged_days("visits"),
            tables=activity.FOLLOWUP_TABLES,
        ),
        MetricSpec(
            "calls",
            "customers.metric.calls",
            "count",
            calls,
            description="customers.metric.calls_help",
            grains=ALL_GRAINS,
            compute_days=_logged_days("calls"),
            tables=activity.FOLLOWUP_TABLES,
        ),
        MetricSpec(
            "overdue_customers",
            "customers.metric.overdue_customers",
            "count",
            overdue_customers,
            higher_is_better=False,
            description="customers.metric.overdue_customers_help",
            tables=OVERDUE_TABLES,
        ),
        MetricSpec(
            "a_grade_revenue_share",
            "customers.metric.a_grade_revenue_share",
            "percent",
            a_grade_revenue_share,
            kind="ratio",
            description="customers.metric.a_grade_revenue_share_help",
            tables=(*grades.GRADE_TABLES, SETTINGS_TABLE),
        ),
    ]
