"""What every write shares: permission checks, the event a leader manages, clean text."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from command_center.org.scope import Viewer
from plugins.team_events.errors import TeamEventsError
from plugins.team_events.models import Event
from plugins.team_events.queries.teams import check_team, require_leader, team_members

__all__ = [
    "MAX_TEXT",
    "MAX_TITLE",
    "TeamEventsError",
    "check_team",
    "clean_text",
    "managed_event",
    "require_leader",
    "team_members",
    "today_or",
]

MAX_TITLE = 200
MAX_TEXT = 5000


def today_or(day: dt.date | None) -> dt.date:
    return day or dt.date.today()


def managed_event(session: Session, viewer: Viewer, event_id: int) -> Event:
    """The event, when the viewer may manage it (a leader whose scope holds its team)."""
    require_leader(viewer)
    found = session.get(Event, event_id)
    if found is None or not viewer.can_see(found.team_root):
        raise TeamEventsError("team_events.error.event_not_found", event_id=event_id)
    return found


def clean_text(value: str, field: str, limit: int = MAX_TITLE, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise TeamEventsError("team_events.error.required", field=field)
    if len(text) > limit:
        raise TeamEventsError("team_events.error.too_long", field=field, limit=limit)
    return text
