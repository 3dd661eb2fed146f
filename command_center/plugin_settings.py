"""Company-wide plugin settings (cut-offs, caps, intervals), stored as JSON.

A plugin declares its settings as a pydantic model with defaults; reads
return the model filled from the stored values, so a setting never seen
before simply has its default. Every change is audited.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from command_center.db import frames
from command_center.db.audit import audit
from command_center.db.engine import read_session
from command_center.db.models import PluginSetting

M = TypeVar("M", bound=BaseModel)


def _stored(engine: Engine, plugin: str) -> dict[str, Any]:
    def load() -> dict[str, Any]:
        with read_session(engine) as session:
            rows = session.execute(
                select(PluginSetting.key, PluginSetting.value).where(PluginSetting.plugin == plugin)
            ).all()
        return {key: value for key, value in rows}

    return frames.cached(engine, f"settings:{plugin}", load)


def load_settings(engine: Engine, plugin: str, model: type[M]) -> M:
    """``model`` with stored values over its defaults (validated)."""
    return model.model_validate({**model().model_dump(), **_stored(engine, plugin)})


def save_settings(session: Session, plugin: str, values: BaseModel, actor: str) -> None:
    """Store every field of ``values`` for ``plugin`` (validated already by pydantic)."""
    for key, value in values.model_dump(mode="json").items():
        row = session.get(PluginSetting, (plugin, key))
        if row is None:
            session.add(PluginSetting(plugin=plugin, key=key, value=value, updated_by=actor))
        elif row.value != value:
            row.value = value
            row.updated_by = actor
        else:
            continue
        audit(session, actor, "setting_changed", "plugin_setting", f"{plugin}.{key}", value=value)
