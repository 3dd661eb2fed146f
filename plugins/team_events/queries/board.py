"""The supervisor's board: per rep of a team, yesterday's and today's activity against
the daily targets, whether the daily reports are in, deals moved and overdue items.

Everything is read for the team's people only (the viewer narrowed to the team):
activity through the metric registry at day grain (a plugin's ``compute_days``
names the people in SQL), targets of the two days by person in SQL, the two
days' reports by day and person, overdue rows from the team's agenda. A board
is refused for a team larger than :data:`MAX_PEOPLE` (a director's force is not a
board); its cost follows the team.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine

from command_center import agenda
from command_center.db import daily, frames
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.periods import containing
from command_center.plugins import PluginHost
from command_center.types import AgendaItem
from plugins.team_events.logic import reports as logic
from plugins.team_events.queries import reports as report_q
from plugins.team_events.settings import TeamEventsSettings

MAX_PEOPLE = 60
"""The largest team a board is drawn for (a supervisor's group is about ten)."""
DEALS_METRIC = "deals_moved"
COUNT_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "metric": pl.String(),
    "value": pl.Float64(),
}
TARGET_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "metric": pl.String(),
    "target": pl.Float64(),
}


def members(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """``person_id, name``: the reps in the viewer's (team-narrowed) scope, still with us."""
    people = frames.people(engine, viewer)
    reps = people.filter((pl.col("level") == "rep") & (pl.col("status") != "left"))
    return reps.select("person_id", "name")


def day_counts(
    engine: Engine, registry: MetricRegistry, viewer: Viewer, day: dt.date
) -> pl.DataFrame:
    """``person_id, metric, value`` of :data:`logic.ACTIVITY` on ``day`` (metrics with
    day figures only)."""
    period = containing(day, "day")
    parts = [
        registry.person_values(engine, viewer, key, period).select(
            "person_id", pl.lit(key).alias("metric"), pl.col("value").cast(pl.Float64)
        )
        for key in logic.ACTIVITY
        if key in registry and registry.supports(key, period)
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema=COUNT_SCHEMA)


def day_targets(engine: Engine, person_ids: frozenset[int], day: dt.date) -> pl.DataFrame:
    """``person_id, metric, target``: the people's targets set for the day itself."""
    parts = [
        daily.period_targets(engine, person_ids, key, (day.isoformat(),)).select(
            "person_id", pl.lit(key).alias("metric"), "target"
        )
        for key in logic.ACTIVITY
    ]
    return pl.concat(parts).select([pl.col(c).cast(t) for c, t in TARGET_SCHEMA.items()])


def report_states(
    engine: Engine, viewer: Viewer, day: dt.date, rules: TeamEventsSettings
) -> pl.DataFrame:
    """``person_id, state, report_id`` of the day's daily report for people expected then."""
    period = containing(day, "day")
    expected = report_q.reporters(engine, viewer, day, rules)
    return logic.states(expected, report_q.reports(engine, viewer, period))


def deals_moved(
    engine: Engine, registry: MetricRegistry, viewer: Viewer, day: dt.date
) -> pl.DataFrame | None:
    """``person_id, value`` of deals moved on ``day`` when a plugin publishes that metric
    with day figures (``None`` otherwise)."""
    period = containing(day, "day")
    if DEALS_METRIC not in registry or not registry.supports(DEALS_METRIC, period):
        return None
    return registry.person_values(engine, viewer, DEALS_METRIC, period).select("person_id", "value")


def team_agenda(host: PluginHost, engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    """The team's agenda of ``day`` (every plugin's rows for the people in scope)."""
    return agenda.gather(host, engine, viewer, day)


def overdue(items: list[AgendaItem]) -> list[tuple[str, int | None, dt.date]]:
    """``(kind, person_id, due day)`` of agenda rows, for :func:`logic.overdue_counts`."""
    return [
        (i.kind, i.person_id, i.due.date() if isinstance(i.due, dt.datetime) else i.due)
        for i in items
    ]


def board(
    engine: Engine,
    registry: MetricRegistry,
    host: PluginHost,
    viewer: Viewer,
    day: dt.date,
    rules: TeamEventsSettings,
) -> pl.DataFrame:
    """:data:`logic.BOARD_SCHEMA` for the reps in ``viewer``'s scope (a team) on ``day``."""
    reps = members(engine, viewer)
    if reps.is_empty():
        return pl.DataFrame(schema=logic.BOARD_SCHEMA)
    team = viewer.narrow(frozenset(reps["person_id"].to_list()))
    yesterday = day - dt.timedelta(days=1)
    items = team_agenda(host, engine, team, day)
    return logic.board(
        reps,
        day_counts(engine, registry, team, day),
        day_counts(engine, registry, team, yesterday),
        day_targets(engine, frozenset(reps["person_id"].to_list()), day),
        {
            "today": report_states(engine, team, day, rules),
            "yesterday": report_states(engine, team, yesterday, rules),
        },
        deals_moved(engine, registry, team, day),
        logic.overdue_counts(overdue(items), day),
    )
