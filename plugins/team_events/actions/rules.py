"""Saving the company-wide rules of the plugin (audited by the core)."""

from __future__ import annotations

from sqlalchemy import Engine

from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from command_center.plugin_settings import save_settings
from plugins.team_events.errors import TeamEventsError
from plugins.team_events.settings import PLUGIN, TeamEventsSettings


def save_rules(engine: Engine, viewer: Viewer, values: TeamEventsSettings, actor: str) -> None:
    """Store ``values`` (validated by pydantic already): a director who sees the whole force."""
    if viewer.role != "director" or not viewer.sees_all:
        raise TeamEventsError("team_events.error.rules_directors_only")
    with write_session(engine) as session:
        save_settings(session, PLUGIN, values, actor)
