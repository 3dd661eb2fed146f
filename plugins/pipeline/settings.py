"""The pipeline's company-wide settings (stored through ``command_center.plugin_settings``)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from command_center.db.models import PluginSetting
from command_center.plugin_settings import load_settings
from plugins.pipeline.logic.stages import StageModel

PLUGIN = "pipeline"
SETTINGS_ROLES = frozenset({"director", "admin"})
"""Who sees the settings page and may change the pipeline's settings."""
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

Outcome = Literal["open", "won", "lost"]


class Stage(BaseModel):
    """One stage: ``key`` is stored on opportunities; ``name`` labels a custom stage."""

    key: str
    probability: float = Field(ge=0.0, le=1.0)
    outcome: Outcome = "open"
    name: str = ""

    @field_validator("key")
    @classmethod
    def _key_shape(cls, value: str) -> str:
        if not KEY_PATTERN.match(value):
            raise ValueError(f"stage key {value!r}: lower-case letters, digits and _ only")
        return value


DEFAULT_STAGES: list[Stage] = [
    Stage(key="lead", probability=0.10),
    Stage(key="qualified", probability=0.25),
    Stage(key="solution", probability=0.40),
    Stage(key="negotiation", probability=0.60),
    Stage(key="contract_review", probability=0.80),
    Stage(key="won", probability=1.0, outcome="won"),
    Stage(key="lost", probability=0.0, outcome="lost"),
]
DEFAULT_LOST_REASONS: list[str] = [
    "price",
    "competitor",
    "no_budget",
    "no_decision",
    "timing",
    "product_fit",
    "relationship",
    "other",
]
SOURCES: tuple[str, ...] = ("market_research", "trade_show", "web_search", "referral", "partner")
CHANNELS: tuple[str, ...] = ("phone", "visit", "online")
PAYMENT_TERMS: tuple[str, ...] = ("prepaid", "net30", "net60", "milestones", "installments")
MILESTONE_KINDS: tuple[str, ...] = ("production", "shipping", "installation", "custom")
MILESTONE_STATUSES: tuple[str, ...] = ("planned", "in_progress", "done", "blocked")


class PipelineSettings(BaseModel):
    """What a company may change: stages and probabilities, the win-probability
    estimator (``stage`` or a plugin's), lost reasons, alert windows."""

    stages: list[Stage] = Field(default_factory=lambda: [s.model_copy() for s in DEFAULT_STAGES])
    contract_stage: str = "contract_review"
    lost_reasons: list[str] = Field(default_factory=lambda: list(DEFAULT_LOST_REASONS))
    stalled_days: int = Field(14, ge=1, le=365)
    win_probability: str = Field("stage", pattern=KEY_PATTERN.pattern)
    complaint_sla_hours: float = Field(48.0, gt=0, le=24 * 90)
    auto_milestones: bool = True
    quote_discount_limit: float = Field(10.0, ge=0.0, le=100.0)
    """Percent: a line or the total discounted beyond it needs a leader's approval."""
    quote_valid_days: int = Field(30, ge=1, le=365)
    """A new quote's validity, in days from its date."""
    quote_company: str = Field("", max_length=200)
    """The company's name in a printed quote's header (empty: the app's name)."""
    quote_company_details: str = Field("", max_length=1_000)
    """Address, phone, bank details: the lines under the name in a printed quote."""

    @model_validator(mode="after")
    def _consistent(self) -> PipelineSettings:
        keys = [s.key for s in self.stages]
        if len(set(keys)) != len(keys):
            raise ValueError("stage keys must be unique")
        outcomes = [s.outcome for s in self.stages]
        if outcomes.count("won") != 1 or outcomes.count("lost") != 1:
            raise ValueError("exactly one won stage and one lost stage are needed")
        if "open" not in outcomes:
            raise ValueError("at least one open stage is needed")
        for stage in self.stages:
            if stage.outcome == "won" and stage.probability != 1.0:
                raise ValueError("the won stage has probability 1")
            if stage.outcome == "lost" and stage.probability != 0.0:
                raise ValueError("the lost stage has probability 0")
        if self.contract_stage and self.contract_stage not in {
            s.key for s in self.stages if s.outcome == "open"
        }:
            raise ValueError(f"contract stage {self.contract_stage!r} is not an open stage")
        reasons = [r.strip() for r in self.lost_reasons if r.strip()]
        if not reasons or len(set(reasons)) != len(reasons):
            raise ValueError("lost reasons must be unique and at least one")
        self.lost_reasons = reasons
        return self

    # -- shortcuts --------------------------------------------------------------
    @property
    def open_stages(self) -> list[str]:
        return [s.key for s in self.stages if s.outcome == "open"]

    @property
    def won_stage(self) -> str:
        return next(s.key for s in self.stages if s.outcome == "won")

    @property
    def lost_stage(self) -> str:
        return next(s.key for s in self.stages if s.outcome == "lost")

    @property
    def probabilities(self) -> dict[str, float]:
        return {s.key: s.probability for s in self.stages}

    @property
    def outcomes(self) -> dict[str, str]:
        return {s.key: s.outcome for s in self.stages}

    def stage(self, key: str) -> Stage | None:
        return next((s for s in self.stages if s.key == key), None)


def current(engine: Engine) -> PipelineSettings:
    """The settings in force (stored values over the defaults)."""
    return load_settings(engine, PLUGIN, PipelineSettings)


def stage_model(settings: PipelineSettings) -> StageModel:
    """The pure rules' view of the configured stages."""
    return StageModel(
        open=tuple(settings.open_stages),
        won=settings.won_stage,
        lost=settings.lost_stage,
        probabilities=settings.probabilities,
        contract_stage=settings.contract_stage or None,
        estimator=settings.win_probability,
    )


def in_session(session: Session) -> PipelineSettings:
    """The settings as stored, read inside an open transaction (imports' checks)."""
    rows = session.execute(
        select(PluginSetting.key, PluginSetting.value).where(PluginSetting.plugin == PLUGIN)
    ).all()
    return PipelineSettings.model_validate(
        {**PipelineSettings().model_dump(), **{key: value for key, value in rows}}
    )
