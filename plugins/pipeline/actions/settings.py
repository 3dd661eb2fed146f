"""Changing the pipeline's settings: directors (and admins) only, audited."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from command_center.plugin_settings import save_settings
from plugins.pipeline.errors import PipelineError
from plugins.pipeline.logic.stage_models import installed_estimators, installed_models
from plugins.pipeline.models import Opportunity
from plugins.pipeline.settings import PLUGIN, SETTINGS_ROLES, PipelineSettings, current


def save_pipeline_settings(engine: Engine, viewer: Viewer, values: PipelineSettings) -> None:
    """Store ``values``; a stage that opportunities are in cannot be removed, and the
    estimator must be installed (unless it is the one already stored)."""
    if viewer.role not in SETTINGS_ROLES:
        raise PipelineError("pipeline.error.settings_role")
    chosen = values.win_probability
    if chosen not in installed_estimators() and chosen != current(engine).win_probability:
        raise PipelineError("pipeline.error.unknown_estimator", name=chosen)
    keep = {s.key for s in values.stages}
    with write_session(engine) as session:
        used = session.execute(
            select(Opportunity.stage, func.count()).group_by(Opportunity.stage)
        ).all()
        for stage, count in used:
            if stage not in keep:
                raise PipelineError("pipeline.error.stage_in_use", stage=stage, count=count)
        save_settings(session, PLUGIN, values, viewer.login)


def apply_stage_model(engine: Engine, viewer: Viewer, name: str) -> PipelineSettings:
    """Replace the stages by the stage model ``name`` (built-in or a plugin's); refused,
    as any settings change, while opportunities sit in a stage the model lacks."""
    if viewer.role not in SETTINGS_ROLES:
        raise PipelineError("pipeline.error.settings_role")
    model = installed_models().get(name)
    if model is None:
        raise PipelineError("pipeline.error.unknown_stage_model", name=name)
    values = model.settings(current(engine))
    save_pipeline_settings(engine, viewer, values)
    return values
