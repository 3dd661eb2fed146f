"""The pipeline's metrics for the registry (keys agreed across plugins).

- ``pipeline_value`` / ``weighted_pipeline``: open deals (x stage probability)
  by owner and expected close month;
- ``win_rate``: won / (won + lost), by month closed;
- ``conversion_rate``: deals created in a month that were won / created;
- ``days_to_close``: mean days from creation to signature, by month won;
- ``satisfaction``: mean survey score (1–5), by survey month;
- ``complaints_in_time``: complaints resolved within the SLA / decided
  ones (an open complaint past its SLA counts as late), by month opened;
- ``deals_moved``: moves of deals from one stage to another, credited to the
  deal's owner, by day (so at every grain: the daily report, the board).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

from command_center.periods import GRAINS
from command_center.types import DayQuery, MetricQuery, MetricSpec
from plugins.pipeline import queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic import facts
from plugins.pipeline.logic.clock import now
from plugins.pipeline.logic.stages import StageModel
from plugins.pipeline.models import Opportunity, StageChange, Survey

# What the metrics read (frames.cached keys them on these tables' versions).
OPP_TABLES = (str(Opportunity.__tablename__), "plugin_settings")
SURVEY_TABLES = (str(Survey.__tablename__),)


def _by_opps(
    build: Callable[[pl.DataFrame, StageModel], pl.DataFrame],
) -> Callable[[MetricQuery], pl.DataFrame]:
    def compute(q: MetricQuery) -> pl.DataFrame:
        model = cfg.stage_model(cfg.current(q.engine))
        out = build(queries.all_opportunities(q.engine), model)
        return out.filter(pl.col("month").is_between(q.start, q.end))

    return compute


def _satisfaction(q: MetricQuery) -> pl.DataFrame:
    out = facts.satisfaction(queries.all_surveys(q.engine))
    return out.filter(pl.col("month").is_between(q.start, q.end))


def _complaints_in_time(q: MetricQuery) -> pl.DataFrame:
    hours = cfg.current(q.engine).complaint_sla_hours
    out = facts.complaints_in_time(queries.all_complaints(q.engine), now(), hours)
    return out.filter(pl.col("month").is_between(q.start, q.end))


MOVE_TABLES = (str(StageChange.__tablename__), str(Opportunity.__tablename__))


def _moves_per(frame: pl.DataFrame, unit: str) -> pl.DataFrame:
    """``person_id, <unit>, num, den``: stage moves counted per owner and day or month."""
    truncated = pl.col("changed_at").dt.date()
    if unit == "month":
        truncated = truncated.dt.truncate("1mo")
    return (
        frame.group_by("person_id", truncated.alias(unit))
        .agg(pl.len().cast(pl.Float64).alias("num"))
        .with_columns(pl.lit(1.0).alias("den"))
    )


def _deals_moved(q: MetricQuery) -> pl.DataFrame:
    last = (q.end.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return _moves_per(queries.stage_moves(q.engine, q.start, last, q.person_ids), "month")


def _deals_moved_days(q: DayQuery) -> pl.DataFrame:
    period = q.period
    moves = queries.stage_moves(q.engine, period.first_day, period.last_day, q.person_ids)
    return _moves_per(moves, "day")


def metric_specs() -> list[MetricSpec]:
    return [
        MetricSpec(
            "pipeline_value",
            "pipeline.metric.pipeline_value",
            "currency",
            _by_opps(facts.pipeline_value),
            description="pipeline.metric.pipeline_value_help",
            tables=OPP_TABLES,
        ),
        MetricSpec(
            "weighted_pipeline",
            "pipeline.metric.weighted_pipeline",
            "currency",
            _by_opps(facts.weighted_pipeline),
            description="pipeline.metric.weighted_pipeline_help",
            tables=OPP_TABLES,
        ),
        MetricSpec(
            "win_rate",
            "pipeline.metric.win_rate",
            "percent",
            _by_opps(facts.win_rate),
            kind="ratio",
            description="pipeline.metric.win_rate_help",
            tables=OPP_TABLES,
        ),
        MetricSpec(
            "conversion_rate",
            "pipeline.metric.conversion_rate",
            "percent",
            _by_opps(facts.conversion_rate),
            kind="ratio",
            description="pipeline.metric.conversion_rate_help",
            tables=OPP_TABLES,
        ),
        MetricSpec(
            "days_to_close",
            "pipeline.metric.days_to_close",
            "days",
            _by_opps(facts.days_to_close),
            kind="ratio",
            higher_is_better=False,
            description="pipeline.metric.days_to_close_help",
            tables=OPP_TABLES,
        ),
        MetricSpec(
            "satisfaction",
            "pipeline.metric.satisfaction",
            "score",
            _satisfaction,
            kind="ratio",
            description="pipeline.metric.satisfaction_help",
            tables=SURVEY_TABLES,
        ),
        MetricSpec(
            "complaints_in_time",
            "pipeline.metric.complaints_in_time",
            "percent",
            _complaints_in_time,
            kind="ratio",
            description="pipeline.metric.complaints_in_time_help",
        ),
        MetricSpec(
            "deals_moved",
            "pipeline.metric.deals_moved",
            "count",
            _deals_moved,
            description="pipeline.metric.deals_moved_help",
            tables=MOVE_TABLES,
            grains=frozenset(GRAINS),
            compute_days=_deals_moved_days,
        ),
    ]
