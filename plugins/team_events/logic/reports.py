"""Daily and weekly reports (日报/周报), pure: periods, deadlines, workdays, who is
missing, the ``report_rate`` facts and the supervisor's board.

- A daily report covers a day (``YYYY-MM-DD``), a weekly one an ISO week
  (``YYYY-Www``). A daily report is due at the company's time on its day; a
  weekly one at that time on the company's weekday of its week. Submitted after
  that, it is late (decided once, at submission).
- Who is expected to report (the company's levels, status active, hired by the
  day) on a workday (the company's weekdays): the missing list, the agenda row
  and ``report_rate`` count them only.
- ``report_rate``: daily reports submitted for workdays / workdays, per person;
  workdays after today are not counted yet (a running month is not low for the
  days still ahead).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from command_center.periods import Period, containing, month_end, parse_period
from plugins.team_events.errors import TeamEventsError

GRAINS: tuple[str, ...] = ("day", "week")
FIGURES: tuple[str, ...] = (
    "visits",
    "calls",
    "followups",
    "new_customers",
    "order_lines",
    "revenue",
    "deals_moved",
)
"""The registry metrics a report is pre-filled with, when a plugin publishes them at the
report's grain (``deals_moved`` has no publisher among the built-ins yet: then "—")."""
ACTIVITY: tuple[str, ...] = ("visits", "calls", "new_customers")
"""What the supervisor's board sets against the daily targets."""
STATES: tuple[str, ...] = ("submitted", "late", "draft", "missing")
FACT_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "month": pl.Date(),
    "num": pl.Float64(),
    "den": pl.Float64(),
}
DAY_FACT_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "day": pl.Date(),
    "num": pl.Float64(),
    "den": pl.Float64(),
}


@dataclass(frozen=True)
class ReportText:
    """What the person writes: wins, problems, help needed, the plan for what comes next."""

    wins: str = ""
    problems: str = ""
    help_needed: str = ""
    plan: str = ""


def report_period(label: str) -> Period:
    """The day or ISO week ``label`` names; TeamEventsError for anything else."""
    try:
        period = parse_period(label)
    except ValueError:
        raise TeamEventsError("team_events.error.report_period", value=label) from None
    if period.grain not in GRAINS:
        raise TeamEventsError("team_events.error.report_period", value=label)
    return period


def period_of(grain: str, day: dt.date) -> Period:
    """The day itself, or the ISO week holding it."""
    if grain not in GRAINS:
        raise TeamEventsError("team_events.error.report_period", value=grain)
    return containing(day, "day" if grain == "day" else "week")


def due_at(period: Period, due_time: str, weekly_weekday: int) -> dt.datetime:
    """When ``period``'s report is due: the day at ``due_time`` (``HH:MM``); a week's on
    its ``weekly_weekday`` (0 Monday)."""
    hours, minutes = (int(part) for part in due_time.split(":"))
    day = period.first_day
    if period.grain == "week":
        day = period.first_day + dt.timedelta(days=weekly_weekday)
    return dt.datetime.combine(day, dt.time(hours, minutes))


def is_late(submitted_at: dt.datetime, due: dt.datetime) -> bool:
    return submitted_at > due


def workdays(first: dt.date, last: dt.date, weekdays: Iterable[int]) -> list[dt.date]:
    """The days ``first``..``last`` (inclusive) that fall on ``weekdays`` (0 Monday)."""
    wanted = set(weekdays)
    count = (last - first).days + 1
    days = (first + dt.timedelta(days=i) for i in range(max(count, 0)))
    return [day for day in days if day.weekday() in wanted]


def next_workday(after: dt.date, weekdays: Iterable[int]) -> dt.date:
    """The first workday after ``after`` (the day whose agenda a report looks ahead to)."""
    wanted = set(weekdays) or set(range(7))
    day = after + dt.timedelta(days=1)
    while day.weekday() not in wanted:
        day += dt.timedelta(days=1)
    return day


def previous_workday(before: dt.date, weekdays: Iterable[int]) -> dt.date:
    """The last workday before ``before`` (whose report today's agenda still asks for)."""
    wanted = set(weekdays) or set(range(7))
    day = before - dt.timedelta(days=1)
    while day.weekday() not in wanted:
        day -= dt.timedelta(days=1)
    return day


def expected(people: pl.DataFrame, levels: Sequence[str], day: dt.date) -> pl.DataFrame:
    """The rows of ``people`` (``person_id, level, status, hire_date`` ...) expected to
    report on ``day``: at one of ``levels``, active, hired by then."""
    return people.filter(
        pl.col("level").is_in(list(levels))
        & (pl.col("status") == "active")
        & (pl.col("hire_date") <= day)
    )


def state(submitted_at: dt.datetime | None, late: bool | None, exists: bool) -> str:
    """``submitted``, ``late``, ``draft`` (saved, not sent) or ``missing``."""
    if not exists:
        return "missing"
    if submitted_at is None:
        return "draft"
    return "late" if late else "submitted"


def states(people: pl.DataFrame, reports: pl.DataFrame) -> pl.DataFrame:
    """``person_id, state, report_id``: each of ``people`` against their report of one
    period in ``reports`` (``report_id, person_id, submitted_at, late``)."""
    joined = people.select("person_id").join(
        reports.select("report_id", "person_id", "submitted_at", "late"),
        on="person_id",
        how="left",
    )
    shown = (
        pl.when(pl.col("report_id").is_null())
        .then(pl.lit("missing"))
        .when(pl.col("submitted_at").is_null())
        .then(pl.lit("draft"))
        .when(pl.col("late").fill_null(False))
        .then(pl.lit("late"))
        .otherwise(pl.lit("submitted"))
    )
    return joined.select("person_id", shown.alias("state"), "report_id")


def missing(people: pl.DataFrame, reports: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``people`` with no submitted report in ``reports`` (a draft is missing)."""
    sent = reports.filter(pl.col("submitted_at").is_not_null())["person_id"]
    return people.filter(~pl.col("person_id").is_in(sent.implode()))


# -- report_rate ------------------------------------------------------------------------


def rate_days(
    people: pl.DataFrame,
    submitted: pl.DataFrame,
    days: Sequence[dt.date],
    weekdays: Iterable[int],
    today: dt.date,
) -> pl.DataFrame:
    """``person_id, day, num, den`` for ``days``: one per workday up to ``today`` for each
    person of ``people`` (``person_id, hire_date``) hired by then; ``num`` 1 when
    ``submitted`` (``person_id, day``) holds a daily report of theirs for it."""
    wanted = set(weekdays)
    counted = [day for day in days if day.weekday() in wanted and day <= today]
    if not counted or people.is_empty():
        return pl.DataFrame(schema=DAY_FACT_SCHEMA)
    grid = (
        people.select("person_id", "hire_date")
        .join(pl.DataFrame({"day": counted}, schema={"day": pl.Date}), how="cross")
        .filter(pl.col("day") >= pl.col("hire_date"))
    )
    sent = submitted.select("person_id", "day").unique().with_columns(pl.lit(1.0).alias("num"))
    return (
        grid.join(sent, on=["person_id", "day"], how="left")
        .select(
            pl.col("person_id").cast(pl.Int64),
            "day",
            pl.col("num").fill_null(0.0),
            pl.lit(1.0).alias("den"),
        )
        .sort("person_id", "day")
    )


def rate_months(
    people: pl.DataFrame,
    submitted: pl.DataFrame,
    months: Sequence[dt.date],
    weekdays: Iterable[int],
    today: dt.date,
) -> pl.DataFrame:
    """``person_id, month, num, den``: per month (first days), ``den`` the workdays up to
    ``today`` since the person's hire date, ``num`` their daily reports submitted for
    those days (``submitted``: ``person_id, day``)."""
    wanted = sorted(set(weekdays))
    parts: list[pl.DataFrame] = []
    sent = submitted.select("person_id", "day").unique()
    for month in months:
        days = workdays(month, min(month_end(month), today), wanted)
        if not days:
            continue
        calendar = pl.Series("day", days, dtype=pl.Date)
        before_hire = calendar.search_sorted(people["hire_date"], side="left")
        den = people.select(
            pl.col("person_id").cast(pl.Int64),
            (len(days) - before_hire).cast(pl.Float64).alias("den"),
        ).filter(pl.col("den") > 0)
        num = (
            sent.join(people.select("person_id", "hire_date"), on="person_id")
            .filter(
                pl.col("day").is_in(calendar.implode()) & (pl.col("day") >= pl.col("hire_date"))
            )
            .group_by("person_id")
            .agg(pl.len().cast(pl.Float64).alias("num"))
        )
        parts.append(
            den.join(num, on="person_id", how="left").select(
                "person_id", pl.lit(month).alias("month"), pl.col("num").fill_null(0.0), "den"
            )
        )
    if not parts:
        return pl.DataFrame(schema=FACT_SCHEMA)
    return pl.concat(parts).sort("person_id", "month")


# -- the supervisor's board ----------------------------------------------------------------

BOARD_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "name": pl.String(),
    **{
        f"{metric}_{when}": pl.Float64()
        for metric in ACTIVITY
        for when in ("today", "yesterday", "target")
    },
    "report_today": pl.String(),
    "report_yesterday": pl.String(),
    "deals_moved": pl.Float64(),
    "overdue_followups": pl.Int64(),
    "overdue_actions": pl.Int64(),
}


def _wide(counts: pl.DataFrame, suffix: str) -> pl.DataFrame:
    """``person_id, <metric>_<suffix>`` from ``person_id, metric, value``."""
    if counts.is_empty():
        return pl.DataFrame(
            schema={"person_id": pl.Int64, **{f"{m}_{suffix}": pl.Float64 for m in ACTIVITY}}
        )
    return (
        counts.with_columns((pl.col("metric") + f"_{suffix}").alias("column"))
        .pivot("column", index="person_id", values="value", aggregate_function="sum")
        .with_columns(pl.col("person_id").cast(pl.Int64))
    )


def board(
    members: pl.DataFrame,
    today_counts: pl.DataFrame,
    yesterday_counts: pl.DataFrame,
    targets: pl.DataFrame,
    report_states: dict[str, pl.DataFrame],
    deals: pl.DataFrame | None,
    overdue: pl.DataFrame,
) -> pl.DataFrame:
    """:data:`BOARD_SCHEMA`, one row per member (``person_id, name``), by name.

    ``today_counts`` / ``yesterday_counts``: ``person_id, metric, value`` of
    :data:`ACTIVITY` (a member without a row did none: 0); ``targets``: ``person_id,
    metric, target`` of today (none: missing); ``report_states``: ``today`` and
    ``yesterday`` -> ``person_id, state`` (no row: no report was due, missing);
    ``deals``: ``person_id, value`` (``None``: no plugin publishes the figure, so
    missing for everyone); ``overdue``: ``person_id, kind, count`` with kinds
    ``followup`` and ``action_item``.
    """
    rows = members.select(pl.col("person_id").cast(pl.Int64), "name")
    done = [f"{m}_{when}" for m in ACTIVITY for when in ("today", "yesterday")]
    for frame in (_wide(today_counts, "today"), _wide(yesterday_counts, "yesterday")):
        rows = rows.join(frame, on="person_id", how="left")
    goal = _wide(targets.rename({"target": "value"}), "target")
    rows = rows.join(goal, on="person_id", how="left")
    for column in (*done, *(f"{m}_target" for m in ACTIVITY)):
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(None, dtype=pl.Float64).alias(column))
    rows = rows.with_columns(pl.col(done).cast(pl.Float64).fill_null(0.0))
    for when in ("today", "yesterday"):
        shown = report_states[when].select("person_id", pl.col("state").alias(f"report_{when}"))
        rows = rows.join(shown, on="person_id", how="left")
    if deals is None:
        rows = rows.with_columns(pl.lit(None, dtype=pl.Float64).alias("deals_moved"))
    else:
        moved = deals.select("person_id", pl.col("value").alias("deals_moved"))
        rows = rows.join(moved, on="person_id", how="left").with_columns(
            pl.col("deals_moved").fill_null(0.0)
        )
    late = overdue.group_by("person_id", "kind").agg(pl.col("count").sum())
    for kind, column in (("followup", "overdue_followups"), ("action_item", "overdue_actions")):
        counted = late.filter(pl.col("kind") == kind).select(
            "person_id", pl.col("count").alias(column)
        )
        rows = rows.join(counted, on="person_id", how="left").with_columns(
            pl.col(column).fill_null(0)
        )
    return rows.select([pl.col(c).cast(t) for c, t in BOARD_SCHEMA.items()]).sort("name")


def overdue_counts(items: Iterable[tuple[str, int | None, dt.date]], day: dt.date) -> pl.DataFrame:
    """``person_id, kind, count`` of agenda rows (``kind, person_id, due day``) due before
    ``day`` (follow-ups and action items; other kinds are left out)."""
    rows = [
        (kind, person)
        for kind, person, due in items
        if person is not None and kind in ("followup", "action_item") and due < day
    ]
    frame = pl.DataFrame(rows, schema={"kind": pl.String, "person_id": pl.Int64}, orient="row")
    return frame.group_by("person_id", "kind").agg(pl.len().cast(pl.Int64).alias("count"))
