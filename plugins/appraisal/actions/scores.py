"""Freezing a cycle's scores from live data, and working out the results applied.

Computed before the write transaction opens (the reads go through the
registry); written by the move that needs them, after its guards passed.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR
from plugins.appraisal import queries
from plugins.appraisal.logic import (
    apply_results,
    finalize_annual,
    finalize_monthly,
    kpi_scores,
    score_lines,
    training_needs,
    value_scores_from_json,
    values_mean,
)
from plugins.appraisal.models import KpiLine, Record
from plugins.appraisal.queries import CycleInfo
from plugins.appraisal.queries.live import with_actuals
from plugins.appraisal.settings import AppraisalSettings

RECORD_FIELDS = (
    "kpi_score",
    "results_score",
    "values_score",
    "final_score",
    "proposed_rating",
    "rating",
    "grid",
)


@dataclass(frozen=True)
class Frozen:
    lines: pl.DataFrame  # kpi_id, actual, attainment, score, status
    records: pl.DataFrame  # cycle_id, person_id and RECORD_FIELDS


def manager_values(records: pl.DataFrame, rules: AppraisalSettings) -> pl.Series:
    """Each record's values score: the mean of its manager's scores on the company values."""
    means = [
        values_mean(value_scores_from_json(text), rules.values)
        for text in records["manager_values"]
    ]
    return pl.Series("values_score", means, dtype=pl.Float64)


def monthly_scores(
    engine: Engine, registry: MetricRegistry, cycle: CycleInfo, rules: AppraisalSettings
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Scored KPI lines and finalized records of a monthly cycle, from live data."""
    lines = queries.kpi_lines(engine, OPERATOR, [cycle.cycle_id])
    scored = score_lines(with_actuals(engine, registry, cycle, lines, OPERATOR))
    records = queries.records(engine, OPERATOR, [cycle.cycle_id])
    base = records.select("cycle_id", "person_id", "judgement").with_columns(
        manager_values(records, rules)
    )
    joined = base.join(
        kpi_scores(scored).select("person_id", "kpi_score"), on="person_id", how="left"
    )
    return scored, finalize_monthly(joined, rules)


def year_of_months(engine: Engine, year: str) -> pl.DataFrame:
    """Per person: mean ``monthly_final``, ``results_score``, ``values_score`` of the
    closed monthly cycles of ``year``."""
    closed = queries.all_cycles(engine).filter(
        (pl.col("kind") == "monthly")
        & (pl.col("state") == "closed")
        & pl.col("period").str.starts_with(f"{year}-")
    )
    rows = queries.records(engine, OPERATOR, closed["cycle_id"].to_list())
    return rows.group_by("person_id").agg(
        pl.col("final_score").mean().alias("monthly_final"),
        pl.col("results_score").mean(),
        pl.col("values_score").mean(),
        pl.len().alias("months"),
    )


def annual_scores(engine: Engine, cycle: CycleInfo, rules: AppraisalSettings) -> pl.DataFrame:
    records = queries.records(engine, OPERATOR, [cycle.cycle_id]).select(
        "cycle_id", "person_id", "ability", "attitude"
    )
    year = year_of_months(engine, cycle.period).drop("months")
    joined = records.join(year, on="person_id", how="left").with_columns(
        pl.lit(None, pl.Float64).alias("kpi_score")
    )
    return finalize_annual(joined, rules)


def freeze(
    engine: Engine, registry: MetricRegistry, cycle: CycleInfo, rules: AppraisalSettings
) -> Frozen:
    """Every score of the cycle as it stands now; the rating proposed becomes the rating."""
    if cycle.kind == "monthly":
        scored, final = monthly_scores(engine, registry, cycle, rules)
        lines = scored.select("kpi_id", "actual", "attainment", "score", "status")
    else:
        final = annual_scores(engine, cycle, rules)
        lines = pl.DataFrame(schema={"kpi_id": pl.Int64})
    records = final.with_columns(pl.col("proposed_rating").alias("rating")).select(
        "cycle_id", "person_id", *RECORD_FIELDS
    )
    return Frozen(lines, records.with_columns(pl.lit("").alias("calibration_note")))


def write_frozen(session: Session, frozen: Frozen) -> None:
    if frozen.lines.height:
        session.execute(update(KpiLine), frozen.lines.to_dicts())
    if frozen.records.height:
        session.execute(update(Record), frozen.records.to_dicts())


def results(engine: Engine, cycle: CycleInfo, rules: AppraisalSettings) -> pl.DataFrame:
    """``person_id, bonus_multiplier, raise_pct, promotion, training`` from the calibrated
    ratings (raises only in annual cycles)."""
    records = queries.records(engine, OPERATOR, [cycle.cycle_id])
    lines = queries.kpi_lines(engine, OPERATOR, [cycle.cycle_id])
    raises = rules.raises if cycle.kind == "annual" else None
    applied = apply_results(records, rules.multipliers, raises)
    needs = training_needs(
        lines,
        records.select("person_id", "values_score", "ability", "attitude"),
        rules.training_under,
        rules.values_low,
    )
    return applied.join(needs, on="person_id", how="left")
