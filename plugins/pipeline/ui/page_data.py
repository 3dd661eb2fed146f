"""What the pipeline's pages read for the signed-in viewer: settings, stage model, deals."""

from __future__ import annotations

import polars as pl

from command_center.context import PageContext
from plugins.pipeline import queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic.clock import now
from plugins.pipeline.logic.stages import StageModel, with_probability, with_stalled


def settings(ctx: PageContext) -> cfg.PipelineSettings:
    return cfg.current(ctx.engine)


def model(ctx: PageContext) -> StageModel:
    return cfg.stage_model(settings(ctx))


def deals(ctx: PageContext) -> pl.DataFrame:
    """The viewer's opportunities with probability, weighted amount and stalled flag."""
    conf = settings(ctx)
    opps = queries.opportunities(ctx.engine, ctx.viewer)
    clock = now()
    flagged = with_stalled(opps, cfg.stage_model(conf), clock, conf.stalled_days)
    return with_probability(flagged, cfg.stage_model(conf), clock.date())
