"""Changing the pipeline's settings: directors (and admins) only, audited."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from command_center.plugin_settings import save_settings
from plugins.pipeline.errors import PipelineError
from plugins.pipeline.models import Opportunity
from plugins.pipeline.settings import PLUGIN, SETTINGS_ROLES, PipelineSettings


def save_pipeline_settings(engine: Engine, viewer: Viewer, values: PipelineSettings) -> None:
    """Store ``values``; a stage that opportunities are in cannot be removed."""
    if viewer.role not in SETTINGS_ROLES:
        raise PipelineError("pipeline.error.settings_role")
    keep = {s.key for s in values.stages}
    with write_session(engine) as session:
        used = session.execute(
            select(Opportunity.stage, func.count()).group_by(Opportunity.stage)
        ).all()
        for stage, count in used:
            if stage not in keep:
                raise PipelineError("pipeline.error.stage_in_use", stage=stage, count=count)
        save_settings(session, PLUGIN, values, viewer.login)
