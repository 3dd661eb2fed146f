"""The recruiting metrics for the registry (per person and month: num, den).

- ``hires`` (sum): people hired, to the hiring manager, in the month they start;
- ``time_to_hire`` (ratio, days): days from application to accepted offer,
  to the hiring manager, in the month the offer was accepted;
- ``training_hours`` (sum): hours of sessions attended, to the attendee;
- ``exam_avg_score`` (ratio): Σ exam scores / attempts, to the examinee;
- ``bootcamp_completion`` (ratio): completed / due bootcamp enrolments, to the trainee.

Computed for everyone (the registry narrows to the viewer's scope).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from command_center.org.scope import OPERATOR
from command_center.types import MetricQuery, MetricSpec
from plugins.recruiting import queries
from plugins.recruiting.logic import analytics, facts


def _window(frame: pl.DataFrame, q: MetricQuery) -> pl.DataFrame:
    return frame.filter(pl.col("month").is_between(q.start, q.end))


def _hired(q: MetricQuery) -> pl.DataFrame:
    candidates = queries.candidates(q.engine, OPERATOR)
    return analytics.hires(candidates, queries.offers(q.engine, OPERATOR))


def hires(q: MetricQuery) -> pl.DataFrame:
    hired = _hired(q).filter(pl.col("stage") == "hired")
    return _window(facts.hires_facts(hired), q)


def time_to_hire(q: MetricQuery) -> pl.DataFrame:
    return _window(facts.time_to_hire_facts(_hired(q)), q)


def training_hours(q: MetricQuery) -> pl.DataFrame:
    return _window(facts.training_hours_facts(queries.attendance(q.engine, OPERATOR)), q)


def exam_avg_score(q: MetricQuery) -> pl.DataFrame:
    return _window(facts.exam_score_facts(queries.attempts(q.engine, OPERATOR)), q)


def bootcamp_completion(q: MetricQuery) -> pl.DataFrame:
    camps = queries.programs(q.engine).filter(pl.col("kind") == "bootcamp")["program_id"]
    enrolments = queries.enrolments(q.engine, OPERATOR).filter(
        pl.col("program_id").is_in(camps.implode())
    )
    return _window(facts.bootcamp_completion_facts(enrolments, dt.date.today()), q)


HIRING = ("recruiting_candidates", "recruiting_openings", "recruiting_offers")


def metric_specs() -> list[MetricSpec]:
    """The five recruiting metrics, as the registry takes them."""
    return [
        MetricSpec(
            "hires",
            "recruiting.metric.hires",
            "count",
            hires,
            description="recruiting.metric.hires_help",
            tables=HIRING,
        ),
        MetricSpec(
            "time_to_hire",
            "recruiting.metric.time_to_hire",
            "days",
            time_to_hire,
            kind="ratio",
            higher_is_better=False,
            description="recruiting.metric.time_to_hire_help",
            tables=HIRING,
        ),
        MetricSpec(
            "training_hours",
            "recruiting.metric.training_hours",
            "hours",
            training_hours,
            description="recruiting.metric.training_hours_help",
            tables=("recruiting_attendance", "recruiting_sessions"),
        ),
        MetricSpec(
            "exam_avg_score",
            "recruiting.metric.exam_avg_score",
            "percent",
            exam_avg_score,
            kind="ratio",
            description="recruiting.metric.exam_avg_score_help",
            tables=("recruiting_exam_attempts",),
        ),
        MetricSpec(
            "bootcamp_completion",
            "recruiting.metric.bootcamp_completion",
            "percent",
            bootcamp_completion,
            kind="ratio",
            description="recruiting.metric.bootcamp_completion_help",
            tables=("recruiting_enrolments", "recruiting_programs"),
        ),
    ]
