"""The plugin's metrics: meeting attendance and action items closed on time."""

from __future__ import annotations

import datetime as dt

import polars as pl

from command_center.types import MetricQuery, MetricSpec
from plugins.team_events import queries
from plugins.team_events.logic import attendance, items


def today() -> dt.date:
    """The day "overdue" and "on time" are judged on (tests may patch it)."""
    return dt.date.today()


def _in_window(frame: pl.DataFrame, q: MetricQuery) -> pl.DataFrame:
    return frame.filter(pl.col("month").is_between(q.start, q.end))


def meeting_attendance(q: MetricQuery) -> pl.DataFrame:
    return _in_window(attendance.attendance_facts(queries.metric_invitations(q.engine)), q)


def actions_on_time(q: MetricQuery) -> pl.DataFrame:
    return _in_window(items.on_time_facts(queries.metric_actions(q.engine), today()), q)


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
    ]
