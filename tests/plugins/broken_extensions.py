"""Implementations of the built-ins' own hooks that fail: each must be recorded
against this plugin and skipped, the built-ins' registries staying whole."""

from __future__ import annotations

from typing import Any

from command_center import hookimpl


def _boom(hook: str) -> Any:
    raise RuntimeError(f"{hook} broken on purpose")


@hookimpl(optionalhook=True)
def customers_register_grading_rules(kit: Any) -> list[Any]:
    return _boom("grading rules")


@hookimpl(optionalhook=True)
def pipeline_register_stage_models(kit: Any) -> list[Any]:
    return _boom("stage models")


@hookimpl(optionalhook=True)
def pipeline_register_estimators(kit: Any) -> list[Any]:
    return _boom("estimators")


@hookimpl(optionalhook=True)
def appraisal_register_scoring_rules(kit: Any) -> list[Any]:
    return _boom("scoring rules")


@hookimpl(optionalhook=True)
def team_events_register_sections(kit: Any) -> list[Any]:
    return _boom("pack sections")


@hookimpl(optionalhook=True)
def recruiting_register_scorecard_templates(kit: Any) -> list[Any]:
    return _boom("scorecard templates")
