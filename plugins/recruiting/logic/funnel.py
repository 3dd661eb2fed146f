"""The funnel page's figures and tables, display-ready (columns named in the active
language): which candidates a choice of window, opening and source covers, and what
the page shows of them. The computations themselves live in :mod:`.analytics`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from command_center.i18n import t
from command_center.periods import Period, add_months
from plugins.recruiting.logic import analytics
from plugins.recruiting.logic.labels import source_label, stage_label, translate
from plugins.recruiting.logic.vocabulary import STAGES

BASES = ("period", "last_12", "all")


def window(period: Period, basis: str) -> tuple[dt.date | None, dt.date | None]:
    """First and last day the page counts: the period, the 12 months to its end, or all."""
    if basis == "period":
        return period.start, period.last_day
    if basis == "last_12":
        return add_months(period.end, -11), period.last_day
    return None, None


@dataclass(frozen=True)
class Cohort:
    """The candidates the page covers and what became of them.

    ``chosen``: candidates of the chosen opening and source (any date); ``cohort``: of
    those, who applied in the window; ``reached``: the cohort with its furthest stage;
    ``hired``: accepted offers of ``chosen`` answered in the window; ``answered``:
    offers of ``chosen`` answered in the window; ``events``: the cohort's stage moves.
    """

    chosen: pl.DataFrame
    cohort: pl.DataFrame
    reached: pl.DataFrame
    hired: pl.DataFrame
    answered: pl.DataFrame
    events: pl.DataFrame


def cohort(
    candidates: pl.DataFrame,
    events: pl.DataFrame,
    offers: pl.DataFrame,
    opening: int,
    source: str,
    start: dt.date | None,
    end: dt.date | None,
) -> Cohort:
    """The :class:`Cohort` of ``opening`` (0: all) and ``source`` ("": all) in a window
    (``start`` None: all time)."""
    chosen = candidates
    if opening:
        chosen = chosen.filter(pl.col("opening_id") == opening)
    if source:
        chosen = chosen.filter(pl.col("source") == source)
    applied = (
        chosen if start is None else chosen.filter(pl.col("applied_on").is_between(start, end))
    )
    hired = analytics.hires(chosen, offers)
    answered = offers.filter(pl.col("candidate_id").is_in(chosen["candidate_id"].implode()))
    if start is not None:
        hired = hired.filter(pl.col("responded_on").is_between(start, end))
        answered = answered.filter(pl.col("responded_on").is_between(start, end))
    return Cohort(
        chosen=chosen,
        cohort=applied,
        reached=analytics.furthest(applied, events),
        hired=hired,
        answered=answered,
        events=events.filter(pl.col("candidate_id").is_in(applied["candidate_id"].implode())),
    )


@dataclass(frozen=True)
class Headline:
    """The KPI row: applications, accepted offers, acceptance, mean days to hire/fill."""

    applications: int
    accepted: int
    acceptance: float | None
    days_to_hire: float | None
    days_to_fill: float | None


def headline(view: Cohort) -> Headline:
    accepted, _declined, rate = analytics.offer_acceptance(view.answered)
    return Headline(
        applications=view.cohort.height,
        accepted=accepted,
        acceptance=rate,
        days_to_hire=mean(view.hired, "days_to_hire"),
        days_to_fill=mean(view.hired, "days_to_fill"),
    )


def mean(frame: pl.DataFrame, column: str) -> float | None:
    """The mean of ``column``, or None for an empty frame."""
    value = frame[column].mean() if frame.height else None
    return float(value) if isinstance(value, int | float) else None


def stage_order() -> list[str]:
    """The ladder's stages in words, in ladder order (a chart's axis order)."""
    return [stage_label(s) for s in STAGES]


def funnel_table(reached: pl.DataFrame) -> pl.DataFrame:
    """Stage, reached, conversion and share of applications, named for display."""
    data = analytics.funnel(reached)
    return data.select(
        translate(data, "stage", stage_label).alias(t("recruiting.col.stage")),
        pl.col("reached").alias(t("recruiting.col.reached")),
        pl.col("conversion").alias(t("recruiting.col.conversion")),
        pl.col("of_applied").alias(t("recruiting.col.of_applied")),
    )


def by_source_table(reached: pl.DataFrame) -> pl.DataFrame:
    """Source, stage and share of the source's applications reaching it."""
    data = analytics.funnel(reached, ["source"])
    return data.select(
        translate(data, "source", source_label).alias(t("recruiting.col.source")),
        translate(data, "stage", stage_label).alias(t("recruiting.col.stage")),
        pl.col("of_applied").alias(t("recruiting.col.of_applied")),
        "stage_index",
    )


def flow_table(
    chosen: pl.DataFrame,
    offers: pl.DataFrame,
    events: pl.DataFrame,
    period: Period,
) -> pl.DataFrame:
    """Applications and hires per month over the 12 months to the period's end, long
    (``month``, ``series``, ``value``); empty when nothing happened then."""
    start = add_months(period.end, -11)
    reached = analytics.furthest(chosen, events)
    flow = analytics.monthly_flow(reached, analytics.hires(chosen, offers)).filter(
        pl.col("month").is_between(start, period.end)
    )
    month = t("recruiting.col.month")
    apps, hires = t("recruiting.funnel.applications"), t("recruiting.funnel.accepted")
    return flow.select(
        pl.col("month").dt.strftime("%Y-%m").alias(month),
        pl.col("applications").alias(apps),
        pl.col("hires").alias(hires),
    ).unpivot(index=month, variable_name="series", value_name="value")


def time_in_stage_table(events: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Per ladder stage: mean and median days spent, stays, and how many are there now."""
    data = analytics.time_in_stage(events, as_of)
    return data.select(
        translate(data, "stage", stage_label).alias(t("recruiting.col.stage")),
        pl.col("mean_days").round(1).alias(t("recruiting.col.mean_days")),
        pl.col("median_days").alias(t("recruiting.col.median_days")),
        pl.col("stays").alias(t("recruiting.col.stays")),
        pl.col("open_now").alias(t("recruiting.col.open_now")),
    )


def sources_table(view: Cohort) -> pl.DataFrame:
    """Source effectiveness: candidates, interviews, offers, hires and rates per source."""
    data = analytics.source_effectiveness(view.reached, view.hired, view.answered)
    return data.select(
        translate(data, "source", source_label).alias(t("recruiting.col.source")),
        pl.col("candidates").alias(t("recruiting.col.candidates")),
        pl.col("interviewed").alias(t("recruiting.col.interviewed")),
        pl.col("offered").alias(t("recruiting.col.offered")),
        pl.col("hires").alias(t("recruiting.col.hires")),
        pl.col("hire_rate").alias(t("recruiting.col.hire_rate")),
        pl.col("offer_acceptance").alias(t("recruiting.col.offer_acceptance")),
        pl.col("mean_days_to_hire").round(1).alias(t("recruiting.col.mean_days_to_hire")),
    )


def hires_table(hired: pl.DataFrame) -> pl.DataFrame:
    """The hires with their dates and days to hire and to fill, in order of acceptance."""
    return hired.sort("responded_on").select(
        pl.col("name").alias(t("recruiting.col.name")),
        pl.col("opening_title").alias(t("recruiting.col.opening")),
        translate(hired, "source", source_label).alias(t("recruiting.col.source")),
        pl.col("opened_on").alias(t("recruiting.col.opened_on")),
        pl.col("applied_on").alias(t("recruiting.col.applied_on")),
        pl.col("responded_on").alias(t("recruiting.col.accepted_on")),
        pl.col("days_to_hire").alias(t("recruiting.col.days_to_hire")),
        pl.col("days_to_fill").alias(t("recruiting.col.days_to_fill")),
    )


def quality_tables(
    per_hire: pl.DataFrame, by_source: pl.DataFrame, hired_candidates: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Quality of hire for display: (per source, per hire with the hire's name)."""
    src, att = t("recruiting.col.source"), t("recruiting.col.attainment")
    rev, goal = t("recruiting.col.revenue"), t("recruiting.col.target")
    sources = by_source.select(
        translate(by_source, "source", source_label).alias(src),
        pl.col("hires").alias(t("recruiting.col.hires")),
        pl.col("hires_measured").alias(t("recruiting.col.hires_measured")),
        pl.col("revenue").alias(rev),
        pl.col("target").alias(goal),
        pl.col("attainment").alias(att),
    )
    named = per_hire.join(
        hired_candidates.select("candidate_id", "name"), on="candidate_id", how="left"
    )
    hires = named.select(
        pl.col("name").alias(t("recruiting.col.name")),
        translate(named, "source", source_label).alias(src),
        pl.col("start_date").alias(t("recruiting.col.start_date")),
        pl.col("months_seen").alias(t("recruiting.col.months_seen")),
        pl.col("revenue").alias(rev),
        pl.col("target").alias(goal),
        pl.col("attainment").alias(att),
    )
    return sources, hires
