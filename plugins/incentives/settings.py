"""The plugin's settings: the honour titles given (a company may change them).

Stored with :func:`command_center.plugin_settings.save_settings` (audited,
through :func:`plugins.incentives.actions.honours.save_honour_settings`) and
read with :func:`load_honour_settings`.
"""

from __future__ import annotations

from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Engine

from command_center.plugin_settings import load_settings
from plugins.incentives.errors import IncentivesError
from plugins.incentives.logic.plan_model import NAME_PATTERN, Condition, Grain

PLUGIN = "incentives"


class HonourDef(BaseModel):
    """One title: ``id`` names it (translation key ``incentives.honour.<id>``)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=NAME_PATTERN)
    metric: str = Field(min_length=1, max_length=50)
    title: str = Field(default="", max_length=50)
    grains: list[Grain] = Field(default_factory=lambda: ["month", "quarter", "year"], min_length=1)
    levels: list[str] = Field(default_factory=lambda: ["rep"], min_length=1)
    top: int = Field(default=1, ge=1, le=10)
    lowest: bool = False
    require: list[Condition] = Field(default_factory=list, max_length=5)
    enabled: bool = True


def _default_honours() -> list[HonourDef]:
    return [
        HonourDef(id="sales_champion", metric="revenue"),
        HonourDef(id="profit_champion", metric="profit"),
        HonourDef(id="target_star", metric="attainment"),
        HonourDef(
            id="growth_star",
            metric="growth",
            require=[Condition(metric="attainment", min=1.0)],
        ),
        HonourDef(id="new_customer_star", metric="new_customers"),
        HonourDef(
            id="service_star",
            metric="satisfaction",
            require=[Condition(metric="attainment", min=0.8)],
        ),
    ]


class WallSettings(BaseModel):
    """The ranking wall (龙虎榜, docs/recognition.md): who is ranked, what everyone sees.

    ``show_amounts``: money figures (revenue, profit, …) on the wall and on the
    published honours for every signed-in user; off by default (names, ranks and
    percentages only). ``refresh_minutes``: a publication is at least this old
    before a reader's visit publishes the period again (after the data changed).
    """

    model_config = ConfigDict(extra="forbid")

    show_amounts: bool = False
    levels: list[Literal["rep", "supervisor", "manager", "director"]] = Field(
        default_factory=lambda: ["rep"], min_length=1
    )
    metric: str = Field(default="attainment", min_length=1, max_length=48)
    top: int = Field(default=20, ge=3, le=100)
    refresh_minutes: int = Field(default=5, ge=0, le=1440)


class HonourSettings(BaseModel):
    """The plugin settings ``honours`` (the list of titles given) and ``wall``."""

    model_config = ConfigDict(extra="forbid")

    honours: list[HonourDef] = Field(default_factory=_default_honours, max_length=20)
    wall: WallSettings = Field(default_factory=WallSettings)

    def active(self, grain: str) -> list[HonourDef]:
        return [h for h in self.honours if h.enabled and grain in h.grains]


def load_honour_settings(engine: Engine) -> HonourSettings:
    """The titles configured now (the defaults until someone saves them)."""
    return load_settings(engine, PLUGIN, HonourSettings)


def honour_settings_yaml(settings: HonourSettings) -> str:
    """The titles as the YAML the Honours page edits (every field spelled out)."""
    return yaml.safe_dump(
        settings.model_dump(mode="json", exclude_defaults=False),
        sort_keys=False,
        allow_unicode=True,
    )


def parse_honour_settings(text: str) -> HonourSettings:
    """The titles in ``text`` (YAML), or :class:`IncentivesError` ``honours_invalid``."""
    try:
        return HonourSettings.model_validate(yaml.safe_load(text) or {})
    except (yaml.YAMLError, ValidationError) as exc:
        raise IncentivesError("honours_invalid", error=str(exc)) from None
