"""Saving the company's recruiting settings (director only, audited)."""

from __future__ import annotations

from sqlalchemy import Engine

from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from command_center.plugin_settings import save_settings
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.logic.scorecards import installed_templates
from plugins.recruiting.logic.vocabulary import PLUGIN, SETTINGS_ROLES
from plugins.recruiting.settings import RecruitingSettings, settings


def save_recruiting_settings(engine: Engine, viewer: Viewer, values: RecruitingSettings) -> None:
    """Store ``values`` as the recruiting settings, in one audited transaction; the
    scorecard template must be installed (unless it is the one already stored)."""
    if viewer.role not in SETTINGS_ROLES:
        raise RecruitingError("not_allowed")
    chosen = values.scorecard_template
    if chosen not in installed_templates() and chosen != settings(engine).scorecard_template:
        raise RecruitingError("unknown_template", name=chosen)
    with write_session(engine) as session:
        save_settings(session, PLUGIN, values, viewer.login)
