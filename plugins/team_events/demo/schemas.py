"""Column types of the demo frames, from the models (explicit: early rows may hold only nulls)."""

from __future__ import annotations

import polars as pl

from command_center.db.tables import polars_schema
from plugins.team_events.models import ActionItem, ActionUpdate, Event, EventSeries

EVENT_COLUMNS: dict[str, pl.DataType] = polars_schema(
    Event,
    [
        "event_id",
        "series_id",
        "kind",
        "title",
        "team_root",
        "organiser_id",
        "event_date",
        "start_time",
        "duration_minutes",
        "location",
        "status",
        "agenda",
        "notes",
        "decisions",
        "created_by",
    ],
)
SERIES_COLUMNS: dict[str, pl.DataType] = polars_schema(
    EventSeries,
    [
        "series_id",
        "kind",
        "title",
        "team_root",
        "recurrence",
        "every",
        "first_date",
        "until_date",
        "occurrences",
        "created_by",
    ],
)
ACTION_COLUMNS: dict[str, pl.DataType] = polars_schema(
    ActionItem,
    [
        "action_id",
        "event_id",
        "team_root",
        "owner_id",
        "title",
        "due_date",
        "status",
        "created_on",
        "closed_on",
        "created_by",
    ],
)
UPDATE_COLUMNS: dict[str, pl.DataType] = polars_schema(
    ActionUpdate,
    [
        "update_id",
        "action_id",
        "event_id",
        "on_date",
        "status",
        "note",
        "actor",
    ],
)
