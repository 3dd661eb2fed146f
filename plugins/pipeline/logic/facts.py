"""Per person and month numerators and denominators for the metric registry.

Every function returns ``person_id, month, num, den`` (``month`` the first
day) — the registry sums them, value = Σnum / Σden (sums: Σnum).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from plugins.pipeline.logic.service import with_sla
from plugins.pipeline.logic.stages import StageModel, with_probability

FACTS = ("person_id", "month", "num", "den")


def _facts(frame: pl.DataFrame, person: str, day: pl.Expr, num: pl.Expr) -> pl.DataFrame:
    return (
        frame.select(
            pl.col(person).cast(pl.Int64).alias("person_id"),
            day.cast(pl.Date).dt.truncate("1mo").alias("month"),
            num.cast(pl.Float64).alias("num"),
            pl.lit(1.0).alias("den"),
        )
        .drop_nulls("month")
        .group_by("person_id", "month")
        .agg(pl.col("num").sum(), pl.col("den").sum())
    )


def pipeline_value(opps: pl.DataFrame, model: StageModel) -> pl.DataFrame:
    """Open deals' amount by owner and expected close month."""
    open_deals = opps.filter(pl.col("stage").is_in(list(model.open)))
    return _facts(open_deals, "owner_id", pl.col("expected_close"), pl.col("amount"))


def weighted_pipeline(opps: pl.DataFrame, model: StageModel) -> pl.DataFrame:
    """Open deals' amount x stage probability by owner and expected close month."""
    open_deals = with_probability(opps.filter(pl.col("stage").is_in(list(model.open))), model)
    return _facts(open_deals, "owner_id", pl.col("expected_close"), pl.col("weighted"))


def win_rate(opps: pl.DataFrame, model: StageModel) -> pl.DataFrame:
    """Won / closed (won + lost) by owner and month closed."""
    closed = opps.filter(pl.col("stage").is_in([model.won, model.lost]))
    return _facts(closed, "owner_id", pl.col("closed_on"), pl.col("stage") == model.won)


def conversion_rate(opps: pl.DataFrame, model: StageModel) -> pl.DataFrame:
    """Opportunities created in a month that have been won / all created that month."""
    return _facts(opps, "owner_id", pl.col("created_at"), pl.col("stage") == model.won)


def days_to_close(opps: pl.DataFrame, model: StageModel) -> pl.DataFrame:
    """Won deals: days from creation to signature, by owner and month won."""
    won = opps.filter(pl.col("stage") == model.won)
    days = (pl.col("closed_on") - pl.col("created_at").cast(pl.Date)).dt.total_days()
    return _facts(won, "owner_id", pl.col("closed_on"), days)


def satisfaction(surveys: pl.DataFrame) -> pl.DataFrame:
    """Survey scores (1–5) by the deal owner and survey month: mean = Σscore / n."""
    return _facts(surveys, "person_id", pl.col("surveyed_on"), pl.col("score"))


def complaints_in_time(
    complaints: pl.DataFrame, now: dt.datetime, sla_hours: float
) -> pl.DataFrame:
    """Handled within the SLA / decided complaints, by person and month opened."""
    decided = with_sla(complaints, now, sla_hours).filter(pl.col("sla_state") != "open")
    return _facts(decided, "person_id", pl.col("opened_at"), pl.col("sla_state") == "in_time")
