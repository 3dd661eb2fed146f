"""What the plugin exports: ``EXPORTS`` (``command-center export KIND FILE``), read through
the scoped queries; the review pack and digest as documents are in :mod:`.documents`."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine

from command_center.org.scope import Viewer
from command_center.types import ExportKind
from plugins.team_events import queries


def _actions(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return queries.actions(engine, viewer).select(
        "action_id",
        pl.col("event_id").alias("meeting_id"),
        pl.col("origin_date").alias("meeting_date"),
        "team_root",
        "owner_id",
        "title",
        "due_date",
        "status",
        "closed_on",
    )


def _attendance(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return (
        queries.invitations(engine, viewer)
        .select("event_id", "event_date", "kind", "team_root", "person_id", "attendance")
        .sort("event_date", "event_id", "person_id")
    )


def _events(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return queries.events(engine, viewer).select(
        "event_id",
        "series_id",
        "kind",
        "title",
        "team_root",
        "event_date",
        "start_time",
        "duration_minutes",
        "location",
        "status",
    )


EXPORTS: list[ExportKind] = [
    ExportKind("team_events_actions", _actions, "Action items"),
    ExportKind("team_events_attendance", _attendance, "Meeting attendance"),
    ExportKind("team_events_events", _events, "Team events"),
]
