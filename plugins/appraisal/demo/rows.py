"""The demo's rows as Polars frames, built vectorised (5,000 people x 13 cycles in seconds).

See :mod:`plugins.appraisal.demo.plan` for what is made. Records of several
cycles go through the per-person logic at once under a record key
(``cycle_id x 10^7 + person_id``) and a team key (``cycle_id x 10^7 + team_id``).
"""

from __future__ import annotations

import json

import numpy as np
import polars as pl

from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR
from command_center.periods import Period, parse_period
from command_center.types import DemoContext
from plugins.appraisal.demo.plan import CEILING, DemoCycle, fixed_rollup
from plugins.appraisal.logic import (
    apply_results,
    finalize_annual,
    finalize_monthly,
    forced_ratings,
    kpi_scores,
    score_lines,
    training_needs,
)
from plugins.appraisal.models import KpiLine
from plugins.appraisal.settings import AppraisalSettings

KEY = 10_000_000
CALIBRATED = "按271原则校准"


def rec_key(frame_cycle: str = "cycle_id", person: str = "person_id") -> pl.Expr:
    return pl.col(frame_cycle) * KEY + pl.col(person)


def cycles_frame(cycles: list[DemoCycle]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "cycle_id": [c.cycle_id for c in cycles],
            "kind": [c.kind for c in cycles],
            "period": [c.period for c in cycles],
            "root_id": [c.root_id for c in cycles],
            "state": [c.state for c in cycles],
            "created_by": ["demo"] * len(cycles),
            "created_at": [c.created_at for c in cycles],
            "closed_at": [c.closed_at for c in cycles],
            "start": [c.start for c in cycles],
            "end": [c.end for c in cycles],
        },
        schema_overrides={"closed_at": pl.Datetime("us"), "created_at": pl.Datetime("us")},
    )


def template_frame(
    cycles: pl.DataFrame, templates: dict[str, list[tuple[str, float, float | None, str, str]]]
) -> pl.DataFrame:
    rows = [
        {
            "level": level,
            "position": i,
            "metric": metric,
            "target": target,
            "weight": weight,
            "rule": rule,
            "ceiling": CEILING,
            "floor": 0.0,
            "steps": steps,
        }
        for level, lines in templates.items()
        for i, (metric, weight, target, rule, steps) in enumerate(lines)
    ]
    lines = pl.DataFrame(rows, schema_overrides={"target": pl.Float64})
    monthly = cycles.filter(pl.col("kind") == "monthly").select("cycle_id")
    return monthly.join(lines, how="cross")


def core_targets(
    registry: MetricRegistry, ctx: DemoContext, metrics: list[str], labels: list[str]
) -> pl.DataFrame:
    """``person_id, period, metric, core_target`` from the core targets table (via the registry)."""
    parts = []
    for metric in metrics:
        for label in labels:
            goal = registry.targets(ctx.engine, OPERATOR, metric, parse_period(label))
            parts.append(
                goal.select(
                    pl.col("node_id").alias("person_id"),
                    pl.lit(label).alias("period"),
                    pl.lit(metric).alias("metric"),
                    pl.col("target").alias("core_target"),
                )
            )
    schema = {
        "person_id": pl.Int64,
        "period": pl.String,
        "metric": pl.String,
        "core_target": pl.Float64,
    }
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def actuals(
    registry: MetricRegistry, ctx: DemoContext, metrics: list[str], window: Period
) -> tuple[pl.DataFrame, set[str]]:
    """``person_id, period, metric, actual`` per month of ``window``; metrics that failed."""
    parts, failed = [], set()
    for metric in metrics:
        rolled = fixed_rollup(registry, ctx, metric, window)
        if rolled is None:
            failed.add(metric)
            continue
        parts.append(
            rolled.select(
                "person_id",
                pl.col("month").dt.strftime("%Y-%m").alias("period"),
                pl.lit(metric).alias("metric"),
                pl.col("value").alias("actual"),
            )
        )
    schema = {"person_id": pl.Int64, "period": pl.String, "metric": pl.String, "actual": pl.Float64}
    return (pl.concat(parts) if parts else pl.DataFrame(schema=schema)), failed


def kpi_lines(
    records: pl.DataFrame,
    templates: pl.DataFrame,
    targets: pl.DataFrame,
    facts: pl.DataFrame,
    metric_table: pl.DataFrame,
    first_id: int,
) -> pl.DataFrame:
    """Every monthly record's contract lines; closed cycles' scored from the facts."""
    lines = (
        records.filter(pl.col("kind") == "monthly")
        .select("cycle_id", "person_id", "level", "period", "state")
        .join(templates, on=["cycle_id", "level"], how="inner")
        .join(targets, on=["person_id", "period", "metric"], how="left")
        .with_columns(pl.coalesce("core_target", "target").alias("target"))
    )
    fallback = pl.col("target").median().over("metric", "level", "period")
    lines = lines.with_columns(pl.col("target").fill_null(fallback)).sort(
        "cycle_id", "person_id", "position"
    )
    lines = lines.with_columns(pl.int_range(first_id, first_id + pl.len()).alias("kpi_id"))
    closed = (
        lines.filter(pl.col("state") == "closed")
        .join(facts, on=["person_id", "period", "metric"], how="left")
        .join(metric_table, on="metric", how="left")
    )
    is_sum = pl.col("kind") == "sum"
    scored = score_lines(
        closed.with_columns(
            pl.col("kpi_id").alias("line_id"),
            rec_key().alias("person_id"),
            pl.when(is_sum).then(pl.col("actual").fill_null(0.0)).otherwise("actual"),
        )
    ).select("kpi_id", "actual", "attainment", "score", "status")
    # the table's columns but the self score (reps fill it in on the page)
    columns = [c.name for c in KpiLine.__table__.columns if c.name != "self_score"]
    return lines.join(scored, on="kpi_id", how="left").select(columns)


def value_scores(
    rng: np.random.Generator, people: pl.DataFrame, records: pl.DataFrame, values: list[str]
) -> pl.DataFrame:
    """Manager (and self) scores on each company value: a person's character plus noise."""
    ids = people["person_id"].to_numpy()
    base = dict(
        zip(ids.tolist(), np.clip(rng.normal(3.9, 0.45, ids.size), 2.2, 4.9).tolist(), strict=True)
    )
    n, k = records.height, len(values)
    centre = np.array([base[p] for p in records["person_id"].to_list()])
    scores = np.clip(np.round((centre[:, None] + rng.normal(0, 0.35, (n, k))) * 2) / 2, 1, 5)
    own = np.clip(scores + rng.choice([0.0, 0.5, 0.5, 1.0], (n, k)), 1, 5)
    return records.select("cycle_id", "person_id").with_columns(
        pl.Series("values_score", scores.mean(axis=1)),
        pl.Series(
            "manager_values",
            [json.dumps(dict(zip(values, r.tolist(), strict=True))) for r in scores],
        ),
        pl.Series(
            "self_values", [json.dumps(dict(zip(values, r.tolist(), strict=True))) for r in own]
        ),
    )


def _calibrate(frame: pl.DataFrame, rules: AppraisalSettings) -> pl.DataFrame:
    keyed = frame.with_columns(rec_key().alias("_rk"), rec_key(person="team_id").alias("_tk"))
    forced = forced_ratings(
        keyed.select(
            pl.col("_tk").alias("team_id"), pl.col("_rk").alias("person_id"), "final_score"
        ),
        rules.shares,
    ).rename({"person_id": "_rk", "forced": "rating"})
    return keyed.join(forced, on="_rk", how="left").with_columns(
        pl.when(pl.col("rating") != pl.col("proposed_rating"))
        .then(pl.lit(CALIBRATED))
        .otherwise(pl.lit(""))
        .alias("calibration_note")
    )


def _applied(
    frame: pl.DataFrame, lines: pl.DataFrame, rules: AppraisalSettings, annual: bool
) -> pl.DataFrame:
    applied = apply_results(
        frame.select(pl.col("_rk").alias("person_id"), "rating", "grid"),
        rules.multipliers,
        rules.raises if annual else None,
    )
    needs = training_needs(
        lines.select(rec_key().alias("person_id"), "metric", "score", "status"),
        frame.select(pl.col("_rk").alias("person_id"), "values_score", "ability", "attitude"),
        rules.training_under,
        rules.values_low,
    )
    joined = applied.join(needs, on="person_id", how="left").rename({"person_id": "_rk"})
    as_json = (
        pl.when(pl.col("training").list.len() == 0)
        .then(pl.lit("[]"))
        .otherwise('["' + pl.col("training").list.join('","') + '"]')
    )
    return frame.join(joined.with_columns(as_json.alias("training")), on="_rk", how="left")


def closed_monthly(
    records: pl.DataFrame,
    lines: pl.DataFrame,
    values: pl.DataFrame,
    rng: np.random.Generator,
    rules: AppraisalSettings,
) -> pl.DataFrame:
    """Closed monthly records: scores, calibrated rating, results applied."""
    rows = records.filter((pl.col("kind") == "monthly") & (pl.col("state") == "closed"))
    kpi = kpi_scores(
        lines.filter(pl.col("status").is_not_null()).select(
            rec_key().alias("person_id"), "weight", "score", "status"
        )
    ).rename({"person_id": "_rk"})
    judged = np.where(rng.random(rows.height) < 0.3, rng.integers(-5, 6, rows.height), 0)
    rows = (
        rows.with_columns(rec_key().alias("_rk"), pl.Series("judgement", judged, pl.Float64))
        .join(kpi.select("_rk", "kpi_score"), on="_rk", how="left")
        .join(values, on=["cycle_id", "person_id"], how="left")
        .drop("_rk")
        .with_columns(
            pl.lit(None, pl.Float64).alias("ability"), pl.lit(None, pl.Float64).alias("attitude")
        )
    )
    final = _calibrate(finalize_monthly(rows, rules), rules)
    return _applied(final, lines, rules, annual=False)


def closed_annual(
    records: pl.DataFrame,
    monthly: pl.DataFrame,
    values: pl.DataFrame,
    rng: np.random.Generator,
    rules: AppraisalSettings,
) -> pl.DataFrame:
    """Closed annual records: the year's monthly results with ability and attitude."""
    rows = records.filter(pl.col("kind") == "annual")
    year = (
        monthly.with_columns(pl.col("period").str.slice(0, 4).alias("year"))
        .group_by("person_id", "year")
        .agg(
            pl.col("final_score").mean().alias("monthly_final"),
            pl.col("results_score").mean(),
            pl.col("values_score").mean().alias("year_values"),
        )
    )
    n = rows.height
    rows = (
        rows.join(year, left_on=["person_id", "period"], right_on=["person_id", "year"], how="left")
        .join(values.drop("values_score"), on=["cycle_id", "person_id"], how="left")
        .with_columns(
            pl.col("year_values").alias("values_score"),
            pl.Series("ability", np.clip(np.round(rng.normal(3.7, 0.5, n) * 2) / 2, 1, 5)),
            pl.Series("attitude", np.clip(np.round(rng.normal(3.9, 0.45, n) * 2) / 2, 1, 5)),
            pl.lit(0.0).alias("judgement"),
            pl.lit(None, pl.Float64).alias("kpi_score"),
        )
        .drop("year_values")
    )
    final = _calibrate(finalize_annual(rows, rules), rules)
    empty = pl.DataFrame(
        schema={
            "cycle_id": pl.Int64,
            "person_id": pl.Int64,
            "metric": pl.String,
            "score": pl.Float64,
            "status": pl.String,
        }
    )
    return _applied(final, empty, rules, annual=True)


def stamp(days: int, hour: int, base: str = "start") -> pl.Expr:
    """A datetime ``days`` after the cycle's ``base`` date, at ``hour`` o'clock."""
    return pl.col(base).cast(pl.Datetime("us")) + pl.duration(days=days, hours=hour)
