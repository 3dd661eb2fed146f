"""The plugin's metrics: meeting attendance, action items closed on time and
``report_rate`` (daily reports submitted / workdays, at every grain)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from command_center.periods import add_months, month_end
from command_center.types import ALL_GRAINS, DayQuery, MetricQuery, MetricSpec
from plugins.team_events import queries, settings
from plugins.team_events.logic import attendance, items
from plugins.team_events.logic import reports as report_logic
from plugins.team_events.queries import reports as report_q


def today() -> dt.date:
    """The day "overdue" and "on time" are judged on (tests may patch it)."""
    return dt.date.today()


def _in_window(frame: pl.DataFrame, q: MetricQuery) -> pl.DataFrame:
    return frame.filter(pl.col("month").is_between(q.start, q.end))


def meeting_attendance(q: MetricQuery) -> pl.DataFrame:
    return _in_window(attendance.attendance_facts(queries.metric_invitations(q.engine)), q)


def actions_on_time(q: MetricQuery) -> pl.DataFrame:
    return _in_window(items.on_time_facts(queries.metric_actions(q.engine), today()), q)


def report_rate(q: MetricQuery) -> pl.DataFrame:
    """Per person and month: daily reports submitted for workdays / workdays up to today."""
    rules = settings.load(q.engine)
    people = report_q.expected_people(q.engine, rules)
    if q.person_ids is not None:
        people = people.filter(pl.col("person_id").is_in(sorted(q.person_ids)))
    sent = report_q.submitted_days(q.engine, q.person_ids, q.start, month_end(q.end))
    count = (q.end.year - q.start.year) * 12 + q.end.month - q.start.month + 1
    months = [add_months(q.start.replace(day=1), i) for i in range(count)]
    return report_logic.rate_months(people, sent, months, rules.workdays, today())


def report_rate_days(q: DayQuery) -> pl.DataFrame:
    """Per person and day of a day or a week: 1 / 1 for a workday reported, 0 / 1 not."""
    rules = settings.load(q.engine)
    people = report_q.expected_people(q.engine, rules)
    if q.person_ids is not None:
        people = people.filter(pl.col("person_id").is_in(sorted(q.person_ids)))
    first, last = q.period.first_day, q.period.last_day
    sent = report_q.submitted_days(q.engine, q.person_ids, first, last)
    return report_logic.rate_days(people, sent, q.period.days, rules.workdays, today())


REPORT_RATE_TABLES = (*report_q.REPORT_TABLES, *report_q.PEOPLE_TABLES, "plugin_settings")


def metric_specs() -> list[MetricSpec]:
    return [
        MetricSpec(
            "meeting_attendance",
            "team_events.metric.meeting_attendance",
            "percent",
            meeting_attendance,
            kind="ratio",
            description="team_events.metric.meeting_attendance_help",
            tables=queries.INVITATION_TABLES,
        ),
        MetricSpec(
            "actions_on_time",
            "team_events.metric.actions_on_time",
            "percent",
            actions_on_time,
            kind="ratio",
            description="team_events.metric.actions_on_time_help",
            # No ``tables``: the figures move with today's date (an open item counts once
            # overdue) and the registry's cache key has no date, so it is recomputed after
            # any write; that is cheap, its input (every action item) is cached per table.
        ),
        MetricSpec(
            "report_rate",
            "team_events.metric.report_rate",
            "percent",
            report_rate,
            kind="ratio",
            description="team_events.metric.report_rate_help",
            tables=REPORT_RATE_TABLES,
            grains=ALL_GRAINS,
            compute_days=report_rate_days,
        ),
    ]
