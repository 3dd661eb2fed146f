"""Saving the company's appraisal policy (audited by the core)."""

from __future__ import annotations

from sqlalchemy import Engine

from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from command_center.plugin_settings import save_settings
from plugins.appraisal.errors import AppraisalError
from plugins.appraisal.settings import PLUGIN, AppraisalSettings


def save_policy(engine: Engine, viewer: Viewer, actor: str, values: AppraisalSettings) -> None:
    """Store ``values`` (validated by pydantic already); directors only."""
    if viewer.role != "director":
        raise AppraisalError("appraisal.error.director_only")
    with write_session(engine) as session:
        save_settings(session, PLUGIN, values, actor)
