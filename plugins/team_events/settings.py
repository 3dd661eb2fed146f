"""Company-wide rules of the plugin (defaults for new meetings, review and budgets, and
when daily and weekly reports are due)."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import Engine

from command_center.plugin_settings import load_settings

PLUGIN = "team_events"
REPORT_LEVELS = ("rep", "supervisor", "manager")


def _hh_mm(value: str) -> str:
    hours, _, minutes = value.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
        raise ValueError("expected HH:MM")
    return f"{int(hours):02d}:{int(minutes):02d}"


class TeamEventsSettings(BaseModel):
    """What a company may change; every change is audited."""

    default_start_time: str = "09:00"
    default_duration: int = Field(60, ge=15, le=24 * 60)
    action_due_days: int = Field(7, ge=1, le=90)
    movers: int = Field(3, ge=1, le=10)
    budget_per_head: float = Field(300.0, ge=0)
    report_due_time: str = "20:00"
    """A daily report is due by this local time of its day."""
    weekly_report_weekday: int = Field(4, ge=0, le=6)
    """A weekly report is due on this day of its week (0 Monday .. 6 Sunday), same time."""
    workdays: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4])
    """The days a daily report is expected (0 Monday .. 6 Sunday)."""
    report_levels: list[str] = Field(default_factory=lambda: ["rep"])
    """Who is expected to report: missing lists, the agenda row and ``report_rate``."""

    @field_validator("default_start_time", "report_due_time")
    @classmethod
    def _time(cls, value: str) -> str:
        return _hh_mm(value)

    @field_validator("workdays")
    @classmethod
    def _workdays(cls, value: list[int]) -> list[int]:
        days = sorted(set(value))
        if not days or any(day < 0 or day > 6 for day in days):
            raise ValueError("workdays are 0 (Monday) .. 6 (Sunday), at least one")
        return days

    @field_validator("report_levels")
    @classmethod
    def _levels(cls, value: list[str]) -> list[str]:
        if any(level not in REPORT_LEVELS for level in value):
            raise ValueError(f"levels are among {', '.join(REPORT_LEVELS)}")
        return [level for level in REPORT_LEVELS if level in value]


def load(engine: Engine) -> TeamEventsSettings:
    return load_settings(engine, PLUGIN, TeamEventsSettings)
