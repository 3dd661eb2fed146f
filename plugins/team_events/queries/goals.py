"""Reads of the daily beat: the goals stated at a kick-off (people in scope, by event in
SQL) and an evening review's goals beside the day's activity from the metric registry
(the review's invitees in scope, read for them only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Engine, select

from command_center.db import frames
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.periods import containing
from plugins.team_events import queries
from plugins.team_events.logic import goals as logic
from plugins.team_events.models import Goal

GOAL_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "visits": pl.Int64(),
    "calls": pl.Int64(),
    "new_customers": pl.Int64(),
    "note": pl.String(),
    "set_by": pl.String(),
}
ACTUAL_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "metric": pl.String(),
    "value": pl.Float64(),
}


def goals(engine: Engine, viewer: Viewer, event_id: int) -> pl.DataFrame:
    """The goals stated at kick-off ``event_id`` by people in scope."""
    if viewer.role == "admin" or viewer.person_ids == frozenset():
        return pl.DataFrame(schema=GOAL_SCHEMA)
    g = Goal
    query = select(g.person_id, g.visits, g.calls, g.new_customers, g.note, g.set_by).where(
        g.event_id == event_id
    )
    if viewer.person_ids is not None:
        query = query.where(g.person_id.in_(sorted(viewer.person_ids)))
    return frames.read_frame(engine, query.order_by(g.person_id), GOAL_SCHEMA)


def kickoff_of(engine: Engine, viewer: Viewer, event: dict[str, Any]) -> dict[str, Any] | None:
    """The same team's kick-off on the evening review ``event``'s day (not cancelled)."""
    day: dt.date = event["event_date"]
    found = queries.events(engine, viewer, day, day).filter(
        (pl.col("team_root") == event["team_root"])
        & (pl.col("kind") == "kickoff")
        & (pl.col("status") != "cancelled")
    )
    return found.sort("start_time", "event_id").row(0, named=True) if found.height else None


def day_actuals(
    engine: Engine, registry: MetricRegistry, viewer: Viewer, day: dt.date
) -> pl.DataFrame:
    """``person_id, metric, value`` of :data:`logic.GOAL_METRICS` on ``day`` for the
    viewer's people (metrics with day figures only)."""
    period = containing(day, "day")
    parts = [
        registry.person_values(engine, viewer, key, period).select(
            "person_id", pl.lit(key).alias("metric"), pl.col("value").cast(pl.Float64)
        )
        for key in logic.GOAL_METRICS
        if key in registry and registry.supports(key, period)
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema=ACTUAL_SCHEMA)


def members(engine: Engine, viewer: Viewer, event_id: int) -> pl.DataFrame:
    """``person_id, name``: the event's invitees in scope."""
    invited = queries.invitations(engine, viewer, [event_id])["person_id"].to_list()
    people = frames.people(engine, viewer).filter(pl.col("person_id").is_in(invited))
    return people.select("person_id", "name")


def review(
    engine: Engine, registry: MetricRegistry, viewer: Viewer, event: dict[str, Any]
) -> tuple[pl.DataFrame, dict[str, Any] | None]:
    """An evening review's rows (:data:`logic.REVIEW_SCHEMA`: its invitees in scope, the
    goals they stated at the day's kick-off, the day's activity) and that kick-off."""
    people = members(engine, viewer, int(event["event_id"]))
    kickoff = kickoff_of(engine, viewer, event)
    stated = (
        goals(engine, viewer, int(kickoff["event_id"]))
        if kickoff is not None
        else pl.DataFrame(schema=GOAL_SCHEMA)
    )
    if people.is_empty():
        return logic.review(people, stated, pl.DataFrame(schema=ACTUAL_SCHEMA)), kickoff
    team = viewer.narrow(frozenset(people["person_id"].to_list()))
    done = day_actuals(engine, registry, team, event["event_date"])
    return logic.review(people, stated, done), kickoff
