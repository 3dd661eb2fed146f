"""An outside stage model and win-probability estimator for the pipeline, through its
hooks only (nothing of pipeline imported: everything comes from the hooks' ``kit``).

- stage model ``bant``: lead, budget, authority, contract review, won, lost;
- estimator ``aging``: the stage's probability, halved once a deal has sat in
  its stage for more than 30 days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from command_center import hookimpl

STALE_DAYS = 30


@hookimpl(optionalhook=True)
def pipeline_register_stage_models(kit: Any) -> list[Any]:
    stages = (
        kit.Stage("lead", 0.1),
        kit.Stage("budget", 0.3, name="Budget confirmed"),
        kit.Stage("authority", 0.5, name="Decision maker met"),
        kit.Stage("contract_review", 0.8),
        kit.Stage("won", 1.0, "won"),
        kit.Stage("lost", 0.0, "lost"),
    )
    return [kit.StageModel("bant", "bant.label", stages, contract_stage="contract_review")]


def aging(model: Any, today: dt.date) -> pl.Expr:
    chances = {stage: model.probability(stage) for stage in model.stages}
    by_stage = pl.col("stage").replace_strict(chances, default=0.0, return_dtype=pl.Float64)
    days = (pl.lit(today) - pl.col("stage_since").cast(pl.Date)).dt.total_days()
    return pl.when(days > STALE_DAYS).then(by_stage / 2).otherwise(by_stage)


@hookimpl(optionalhook=True)
def pipeline_register_estimators(kit: Any) -> list[Any]:
    return [kit.Estimator("aging", "aging.label", aging)]
