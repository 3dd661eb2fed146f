"""Writes of honours: publishing the winners for every plugin, and the titles' settings."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from command_center.plugin_settings import save_settings
from command_center.published import Fact, publish
from plugins.incentives.errors import IncentivesError
from plugins.incentives.logic.honours import PUBLISHER, TOPIC, title_key
from plugins.incentives.settings import PLUGIN, HonourSettings


def publish_honours(
    engine: Engine, viewer: Viewer, found: dict[str, pl.DataFrame], actor: str
) -> int:
    """Publish winners (``honour, person_id, value``) per period label, in one transaction.

    Directors only (the titles are announced to the whole force).
    """
    if viewer.role != "director" or not viewer.sees_all:
        raise IncentivesError("not_allowed")
    count = 0
    with write_session(engine) as session:
        for period, winners in found.items():
            facts = [
                Fact(int(pid), str(honour), float(value), title_key(str(honour)))
                for honour, pid, value in winners.select("honour", "person_id", "value").iter_rows()
            ]
            published = publish(session, TOPIC, period, facts, PUBLISHER)
            audit(session, actor, "honours_published", "published_facts", period, count=published)
            count += published
    return count


def save_honour_settings(
    engine: Engine, viewer: Viewer, settings: HonourSettings, actor: str
) -> None:
    """Change the titles given: directors who see everyone only."""
    if viewer.role != "director" or not viewer.sees_all:
        raise IncentivesError("not_allowed")
    with write_session(engine) as session:
        save_settings(session, PLUGIN, settings, actor)
