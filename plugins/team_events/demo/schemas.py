"""Column types of the demo frames (explicit: early rows may hold only nulls)."""

from __future__ import annotations

import polars as pl

EVENT_COLUMNS: dict[str, pl.DataType] = {
    "event_id": pl.Int64(),
    "series_id": pl.Int64(),
    "kind": pl.String(),
    "title": pl.String(),
    "team_root": pl.Int64(),
    "organiser_id": pl.Int64(),
    "event_date": pl.Date(),
    "start_time": pl.String(),
    "duration_minutes": pl.Int64(),
    "location": pl.String(),
    "status": pl.String(),
    "agenda": pl.String(),
    "notes": pl.String(),
    "decisions": pl.String(),
    "created_by": pl.String(),
}
SERIES_COLUMNS: dict[str, pl.DataType] = {
    "series_id": pl.Int64(),
    "kind": pl.String(),
    "title": pl.String(),
    "team_root": pl.Int64(),
    "recurrence": pl.String(),
    "every": pl.Int64(),
    "first_date": pl.Date(),
    "until_date": pl.Date(),
    "occurrences": pl.Int64(),
    "created_by": pl.String(),
}
ACTION_COLUMNS: dict[str, pl.DataType] = {
    "action_id": pl.Int64(),
    "event_id": pl.Int64(),
    "team_root": pl.Int64(),
    "owner_id": pl.Int64(),
    "title": pl.String(),
    "due_date": pl.Date(),
    "status": pl.String(),
    "created_on": pl.Date(),
    "closed_on": pl.Date(),
    "created_by": pl.String(),
}
UPDATE_COLUMNS: dict[str, pl.DataType] = {
    "update_id": pl.Int64(),
    "action_id": pl.Int64(),
    "event_id": pl.Int64(),
    "on_date": pl.Date(),
    "status": pl.String(),
    "note": pl.String(),
    "actor": pl.String(),
}
