"""Company-wide rules of the plugin (defaults for new meetings, review and budgets)."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import Engine

from command_center.plugin_settings import load_settings

PLUGIN = "team_events"


class TeamEventsSettings(BaseModel):
    """What a company may change; every change is audited."""

    default_start_time: str = "09:00"
    default_duration: int = Field(60, ge=15, le=24 * 60)
    action_due_days: int = Field(7, ge=1, le=90)
    movers: int = Field(3, ge=1, le=10)
    budget_per_head: float = Field(300.0, ge=0)

    @field_validator("default_start_time")
    @classmethod
    def _time(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            raise ValueError("expected HH:MM")
        return f"{int(hours):02d}:{int(minutes):02d}"


def load(engine: Engine) -> TeamEventsSettings:
    return load_settings(engine, PLUGIN, TeamEventsSettings)
