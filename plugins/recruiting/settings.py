"""Company-wide recruiting settings (stored with the core's plugin settings)."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import Engine

from command_center.plugin_settings import load_settings
from plugins.recruiting.logic.vocabulary import DEFAULT_REJECTION_REASONS, PLUGIN


class RecruitingSettings(BaseModel):
    """What a company may change without a release."""

    rejection_reasons: list[str] = Field(default_factory=lambda: list(DEFAULT_REJECTION_REASONS))
    culture_fit_pass: int = Field(3, ge=1, le=5, description="lowest culture-fit score that passes")
    bootcamp_days: int = Field(7, ge=1, le=60)
    bootcamp_hours_per_day: float = Field(8.0, gt=0, le=12)
    default_pass_mark: float = Field(0.6, gt=0, le=1)
    quality_months: int = Field(6, ge=1, le=24)
    max_resume_mb: int = Field(5, ge=1, le=50)
    scorecard_template: str = Field("standard", pattern=r"^[a-z][a-z0-9_]{0,39}$")

    @field_validator("rejection_reasons")
    @classmethod
    def _reasons(cls, value: list[str]) -> list[str]:
        cleaned = list(dict.fromkeys(v.strip() for v in value if v.strip()))
        if not cleaned:
            raise ValueError("at least one rejection reason is needed")
        if any(len(v) > 100 for v in cleaned):
            raise ValueError("a rejection reason is at most 100 characters")
        return cleaned


def settings(engine: Engine) -> RecruitingSettings:
    return load_settings(engine, PLUGIN, RecruitingSettings)
