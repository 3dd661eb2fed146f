"""What every write shares: the refusal type, permission checks and team lookups."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from command_center.db import frames
from command_center.org.scope import Viewer
from command_center.org.tree import children_map, subtree
from command_center.types import LEADER_ROLES
from plugins.team_events.models import Event

MAX_TITLE = 200
MAX_TEXT = 5000


class TeamEventsError(ValueError):
    """A refused write; ``key`` and ``params`` give the translated reason."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def today_or(day: dt.date | None) -> dt.date:
    return day or dt.date.today()


def require_leader(viewer: Viewer) -> None:
    if viewer.role not in LEADER_ROLES:
        raise TeamEventsError("team_events.error.leaders_only")


def team_members(engine: Engine, team_root: int, include_left: bool = False) -> set[int]:
    """Everyone in ``team_root``'s subtree (the team), by default without people who left."""
    people = frames.all_people(engine)
    edges = people.select("person_id", "manager_id").iter_rows()
    members = subtree(team_root, children_map(edges))
    if include_left:
        return members
    gone = set(people.filter(pl.col("status") == "left")["person_id"].to_list())
    return members - gone


def check_team(engine: Engine, viewer: Viewer, team_root: int) -> None:
    """The viewer leads (or is above) ``team_root``, and ``team_root`` is a leader."""
    require_leader(viewer)
    people = frames.all_people(engine).filter(pl.col("person_id") == team_root)
    if people.is_empty() or not viewer.can_see(team_root):
        raise TeamEventsError("team_events.error.team_out_of_scope")
    if people["level"].item() == "rep":
        raise TeamEventsError("team_events.error.team_is_rep")


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
