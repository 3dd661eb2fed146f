"""A team (a leader's subtree): its members, and whether a viewer may act for it."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.org.scope import Viewer
from command_center.org.tree import children_map, subtree
from command_center.types import LEADER_ROLES
from plugins.team_events.errors import TeamEventsError


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
