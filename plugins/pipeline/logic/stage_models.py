"""Stage models and win-probability estimators: the built-ins and what plugins add.

- A :class:`StageTemplate` (a "stage model") is a sales process a company may
  start from: its stages in funnel order, their probabilities, the won and the
  lost stage, the contract stage. The built-in ``standard`` is the default
  pipeline's; others come from the hook ``pipeline_register_stage_models``.
- An :class:`Estimator` says how likely each open deal is to be won, as a
  Polars expression over the opportunity's columns. The built-in ``stage``
  reads the stage's configured probability; others come from the hook
  ``pipeline_register_estimators``. The company's setting
  ``win_probability`` picks one (:func:`with_estimate`).

Both hooks are declared in ``plugins/pipeline/hookspecs.py``; the registries
are collected once per plugin host (:func:`installed_models`,
:func:`installed_estimators`). Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from command_center import extensions
from plugins.pipeline.logic.stages import StageModel

if TYPE_CHECKING:
    from command_center.plugins import PluginHost
    from plugins.pipeline.settings import PipelineSettings

MODELS_HOOK = "pipeline_register_stage_models"
ESTIMATORS_HOOK = "pipeline_register_estimators"
STANDARD = "standard"
BY_STAGE = "stage"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,29}$")


@dataclass(frozen=True)
class StageSpec:
    """One stage of a stage model (``outcome``: ``open``, ``won`` or ``lost``)."""

    key: str
    probability: float
    outcome: Literal["open", "won", "lost"] = "open"
    name: str = ""


@dataclass(frozen=True)
class StageTemplate:
    """A stage model: ``stages`` in funnel order, ``label`` a message key naming it."""

    name: str
    label: str
    stages: tuple[StageSpec, ...]
    contract_stage: str | None = None
    plugin: str = "pipeline"

    def settings(self, current: PipelineSettings) -> PipelineSettings:
        """``current`` with this model's stages and contract stage (validated)."""
        from plugins.pipeline.settings import PipelineSettings

        stages = [
            {"key": s.key, "probability": s.probability, "outcome": s.outcome, "name": s.name}
            for s in self.stages
        ]
        return PipelineSettings.model_validate(
            {**current.model_dump(), "stages": stages, "contract_stage": self.contract_stage or ""}
        )


@dataclass(frozen=True)
class Estimator:
    """A win-probability estimator: ``probability(model, today)`` is a Polars expression
    over an opportunity's columns; ``label`` a message key naming it."""

    name: str
    label: str
    probability: Callable[[StageModel, dt.date], pl.Expr]
    plugin: str = "pipeline"


class PipelineKit:
    """What implementations of the pipeline's hooks build with (no import of pipeline):
    ``kit.StageModel``, ``kit.Stage``, ``kit.Estimator``."""

    StageModel = StageTemplate
    Stage = StageSpec
    Estimator = Estimator


def _name_refusal(found: Any, kind: type, what: str) -> str | None:
    if not isinstance(found, kind):
        return f"{found!r} is not a kit.{'StageModel' if kind is StageTemplate else 'Estimator'}"
    if not NAME_PATTERN.match(found.name):
        return f"{what} {found.name!r}: lower-case letters, digits and _ only"
    return None


def model_refusal(found: Any) -> str | None:
    """Why ``found`` cannot be a stage model (its stages must hold as settings), or ``None``."""
    from pydantic import ValidationError

    from plugins.pipeline.settings import PipelineSettings

    why = _name_refusal(found, StageTemplate, "stage model")
    if why is not None:
        return why
    try:
        found.settings(PipelineSettings())
    except (ValidationError, TypeError, AttributeError) as exc:
        first = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        return f"stage model {found.name!r}: {first.removeprefix('Value error, ')}"
    return None


def estimator_refusal(found: Any) -> str | None:
    why = _name_refusal(found, Estimator, "estimator")
    if why is None and not callable(found.probability):
        why = f"estimator {found.name!r}: probability must be a function"
    return why


@functools.cache
def builtin_models() -> dict[str, StageTemplate]:
    """The built-in ``standard`` model: the default pipeline's stages."""
    from plugins.pipeline.settings import DEFAULT_STAGES, PipelineSettings

    stages = tuple(StageSpec(s.key, s.probability, s.outcome, s.name) for s in DEFAULT_STAGES)
    standard = StageTemplate(
        STANDARD, "pipeline.stage_model.standard", stages, PipelineSettings().contract_stage
    )
    return {STANDARD: standard}


def stage_probability(model: StageModel, today: dt.date) -> pl.Expr:
    """The built-in estimator: the stage's configured probability (0 for unknown stages)."""
    probs = {stage: model.probability(stage) for stage in model.stages}
    return pl.col("stage").replace_strict(probs, default=0.0, return_dtype=pl.Float64)


@functools.cache
def builtin_estimators() -> dict[str, Estimator]:
    return {BY_STAGE: Estimator(BY_STAGE, "pipeline.estimator.stage", stage_probability)}


installed_models = extensions.registry(
    MODELS_HOOK,
    lambda: builtin_models().values(),
    name=lambda m: m.name,
    refuse=model_refusal,
    kit=PipelineKit,
)
"""``{name: StageTemplate}`` for a host (default: the process's), built-in first."""

installed_estimators = extensions.registry(
    ESTIMATORS_HOOK,
    lambda: builtin_estimators().values(),
    name=lambda e: e.name,
    refuse=estimator_refusal,
    kit=PipelineKit,
)
"""``{name: Estimator}`` for a host (default: the process's), built-in first."""


def _bounded(model: StageModel, chance: pl.Expr) -> pl.Expr:
    return (
        pl.when(pl.col("stage") == model.won)
        .then(1.0)
        .when(pl.col("stage") == model.lost)
        .then(0.0)
        .otherwise(chance.cast(pl.Float64).clip(0.0, 1.0).fill_null(0.0).fill_nan(0.0))
    )


def with_estimate(
    opps: pl.DataFrame, model: StageModel, today: dt.date, host: PluginHost | None = None
) -> pl.DataFrame:
    """``opps`` with ``probability`` by the model's estimator (see the module docstring).

    The built-in ``stage`` needs no host. A plugin's estimator that is not
    installed, or fails, gives way to ``stage``; a failure is recorded
    against its plugin.
    """
    if model.estimator == BY_STAGE:
        return opps.with_columns(stage_probability(model, today).alias("probability"))
    found = installed_estimators(host).get(model.estimator)
    if found is None:
        return with_estimate(opps, model.using(BY_STAGE), today)
    try:
        return opps.with_columns(
            _bounded(model, found.probability(model, today)).alias("probability")
        )
    except Exception as exc:
        error = f"estimator {found.name!r}: {type(exc).__name__}: {exc}"
        extensions.failed(_host(host), found.plugin, ESTIMATORS_HOOK, error)
    return with_estimate(opps, model.using(BY_STAGE), today)


def estimator_problem(name: str, host: PluginHost | None = None) -> str | None:
    """The failure last recorded for the estimator ``name``'s plugin, if any."""
    found = installed_estimators(host).get(name)
    return None if found is None else extensions.problem(_host(host), found.plugin, ESTIMATORS_HOOK)


def _host(host: PluginHost | None) -> PluginHost:
    from command_center.plugins import get_host

    return host if host is not None else get_host()
