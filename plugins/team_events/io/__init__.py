"""What the plugin exports: ``EXPORTS`` (``command-center export KIND FILE``), read through
the scoped queries; the review pack and digest as documents are in :mod:`.documents`."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from sqlalchemy import Engine

from command_center.keys import with_keys
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


def _team_keys(read: Callable[[Engine, Viewer], pl.DataFrame]) -> Callable[..., pl.DataFrame]:
    """``read`` with ``team_root`` (a leader) as the person's key, as files speak."""

    def keyed(engine: Engine, viewer: Viewer) -> pl.DataFrame:
        return with_keys(engine, read(engine, viewer), {"team_root": "person"})

    return keyed


EXPORTS: list[ExportKind] = [
    ExportKind("team_events_actions", _team_keys(_actions), "Action items"),
    ExportKind("team_events_attendance", _team_keys(_attendance), "Meeting attendance"),
    ExportKind("team_events_events", _team_keys(_events), "Team events"),
]
