"""Company-wide settings of the customers plugin (stored through the core)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field, create_model, model_validator
from sqlalchemy import Engine

from command_center.plugin_settings import load_settings

PLUGIN = "customers"
SETTINGS_ROLES = frozenset({"director", "admin"})
"""Who sees the settings page and may save the rules."""


class CustomerSettings(BaseModel):
    """The grading rule (``abc`` or a plugin's), ABC cut-offs and window, follow-up
    intervals per grade, pool rules."""

    grading: str = Field("abc", pattern=r"^[a-z][a-z0-9_]{0,29}$")
    abc_months: int = Field(12, ge=1, le=120)
    cutoff_a: float = Field(0.80, gt=0.0, le=1.0)
    cutoff_b: float = Field(0.95, gt=0.0, le=1.0)
    interval_a: int = Field(7, ge=1, le=365)
    interval_b: int = Field(14, ge=1, le=365)
    interval_c: int = Field(30, ge=1, le=365)
    pool_cap: int = Field(200, ge=1, le=100_000)
    daily_claims: int = Field(10, ge=0, le=10_000)
    release_no_followup_days: int = Field(30, ge=1, le=3_650)
    release_no_win_days: int = Field(90, ge=1, le=3_650)
    reclaim_cooldown_days: int = Field(7, ge=0, le=365)
    pool_warning_days: int = Field(5, ge=0, le=365)
    """Today warns of customers the pool rules release within this many days."""

    @model_validator(mode="after")
    def _ordered(self) -> CustomerSettings:
        if self.cutoff_a > self.cutoff_b:
            raise ValueError("cutoff_a must not be above cutoff_b")
        return self

    @property
    def cutoffs(self) -> tuple[float, float]:
        return (self.cutoff_a, self.cutoff_b)

    @property
    def intervals(self) -> dict[str, int]:
        return {"A": self.interval_a, "B": self.interval_b, "C": self.interval_c}


def get(engine: Engine) -> CustomerSettings:
    return load_settings(engine, PLUGIN, CustomerSettings)


def choosing(names: Sequence[str]) -> type[CustomerSettings]:
    """The settings model whose ``grading`` is one of ``names`` (a select on the page)."""
    choices = Literal[tuple(names)]  # type: ignore[valid-type]
    return create_model(  # type: ignore[no-any-return,call-overload]
        "CustomerSettings",
        __base__=CustomerSettings,
        __module__=__name__,
        grading=(choices, "abc"),
    )
