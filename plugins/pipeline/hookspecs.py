"""The hooks the pipeline plugin declares for other plugins (found by the host's convention).

Implement them with ``@hookimpl(optionalhook=True)`` (the pipeline may be
off); ``docs/plugin-hooks.md`` lists them under pipeline, and
``docs/plugin-guide.md`` (section "Extending a module") walks through one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from command_center.hookspecs import hookspec

if TYPE_CHECKING:
    import polars as pl
    from sqlalchemy import Engine

    from command_center.org.scope import Viewer
    from plugins.pipeline.logic.stage_models import Estimator, PipelineKit, StageTemplate


@hookspec
def pipeline_register_stage_models(kit: type[PipelineKit]) -> list[StageTemplate]:
    """Stage models a company may start from: a sales process's stages and probabilities.

    Build each with ``kit`` (no import of pipeline needed):
    ``kit.StageModel(name, label, stages, contract_stage=…)`` where ``stages``
    are ``kit.Stage(key, probability, outcome="open", name="")`` in funnel
    order, exactly one ``outcome="won"`` (probability 1) and one ``"lost"``
    (probability 0); ``contract_stage`` is the open stage a deal enters with
    its contract in review; ``name`` labels a stage whose key has no
    translation; ``label`` is the message key naming the model.

    A director applies one on the pipeline settings page (it replaces the
    stages and their probabilities); it is refused while opportunities sit in
    a stage the model lacks. The built-in ``standard`` model is defined the
    same way and comes first; a model whose stages do not hold, or a name
    already taken, is refused and recorded against the plugin.
    """


@hookspec
def pipeline_register_estimators(kit: type[PipelineKit]) -> list[Estimator]:
    """Win-probability estimators: how likely each open deal is to be won.

    Build each with ``kit.Estimator(name, label, probability)``;
    ``probability(model, today)`` returns a Polars expression over an
    opportunity's columns (``stage, amount, expected_close, stage_since,
    created_at, owner_id, customer_id, source, channel``) giving a chance in
    0..1; ``model`` is the company's stage model (``model.probability(stage)``
    is the configured chance of a stage, ``model.open`` the open stages).
    Won deals count 1, lost 0, whatever the estimator says; values outside
    0..1 are clipped and a null is 0.

    The company picks one on the pipeline settings page (setting
    ``win_probability``, default ``stage``: the stage's configured
    probability); the weighted pipeline, the board and the forecast use it.
    An estimator that fails, or is no longer installed, leaves the stage
    probabilities in force; its failure is recorded against its plugin.
    """


@hookspec(firstresult=True)
def pipeline_open_deals(engine: Engine, viewer: Viewer, person_id: int) -> pl.DataFrame | None:
    """The open deals a person owns, for another plugin to read without importing pipeline.

    Implemented by pipeline itself (another plugin *calls* it: ``host.call(
    "pipeline_open_deals", engine=…, viewer=…, person_id=…)`` when
    ``host.declares`` it; nothing when pipeline is off). One row per deal in an
    open stage owned by ``person_id``, read with the owner in SQL, and nothing
    when ``person_id`` is outside ``viewer``'s scope: ``opp_id, title,
    customer_id, amount, expected_close, stage`` and ``stage_label`` (the stage
    in the reader's language), ``probability`` (the company's win-probability
    estimator), by expected close date. The incentives plugin's "if these open
    deals close" reads it.
    """
