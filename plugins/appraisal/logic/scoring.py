"""KPI contracts and scores: weights, scoring rules, KPI, results, values and final scores.

Attainment of a line (``actual`` against ``target``):

- higher is better: ``actual / target`` (target > 0);
- lower is better: ``2 - actual / target`` (on target = 100 %, 10 % over it = 90 %);
  with a target of 0, 100 % when ``actual <= 0`` else 0 %;
- never below 0.

Rules (score in points, 100 = on target), in :mod:`.scoring_rules` with the
rules plugins add:

- ``linear``: ``min(attainment, ceiling) x 100``, and 0 below ``floor``;
- ``steps``: the points of the highest step whose attainment (in %) is reached, else 0.

A line's status: ``scored``; ``unavailable`` (its metric is not registered, or
failed, or its rule is not installed or failed); ``no_data`` (a ratio metric
with nothing to divide by this period: no surveys, no opportunities);
``no_target``. The KPI score is
``sum(weight x score) / sum(weight)`` over scored lines only, so the weights of
unavailable lines are spread over the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from plugins.appraisal.logic.calibration import grid_expr
from plugins.appraisal.logic.cycle import Refusal
from plugins.appraisal.logic.scoring_rules import ScoringRule, rule_points, rules_for

if TYPE_CHECKING:
    from plugins.appraisal.settings import AppraisalSettings

RULES: tuple[str, ...] = ("linear", "steps")
"""The built-in rules' names (:func:`.scoring_rules.installed_rules` holds the plugins' too)."""
WEIGHT_TOTAL = 100.0
WEIGHT_TOLERANCE = 0.01
VALUE_MIN, VALUE_MAX = 1.0, 5.0
POINTS_PER_VALUE = 100.0 / VALUE_MAX  # a 5 on the 1-5 scale is 100 points
SCORE_DIGITS = 6


@dataclass(frozen=True)
class Line:
    """One KPI line as typed into a contract (weights in percent)."""

    metric: str
    weight: float
    target: float | None = None
    rule: str = "linear"
    ceiling: float = 1.2
    floor: float = 0.0
    steps: str = ""


# -- validation -------------------------------------------------------------------


def check_lines(
    lines: Iterable[Line],
    known: Mapping[str, bool],
    need_targets: bool = True,
    rules: Mapping[str, ScoringRule] | None = None,
) -> Refusal | None:
    """Why these lines cannot be a contract, or ``None``.

    ``known`` maps each registered metric to ``higher_is_better``; a metric not
    in it may still be kept (shown unavailable) but never twice. Each line's
    rule must be installed and accept its parameters (``rules``: default the
    installed rules, see :func:`.scoring_rules.rules_for`).
    """
    lines = list(lines)
    rules = rules if rules is not None else rules_for(line.rule for line in lines)
    if not lines:
        return Refusal("appraisal.error.no_lines")
    seen: set[str] = set()
    for line in lines:
        if line.metric in seen:
            return Refusal("appraisal.error.duplicate_metric", {"metric": line.metric})
        seen.add(line.metric)
        if line.weight <= 0:
            return Refusal("appraisal.error.weight_positive", {"metric": line.metric})
        rule = rules.get(line.rule)
        if rule is None:
            return Refusal("appraisal.error.bad_rule", {"rule": line.rule})
        refused = rule.check(line) if rule.check is not None else None
        if refused is not None:
            return refused
        if line.target is None:
            if need_targets:
                return Refusal("appraisal.error.no_target", {"metric": line.metric})
        elif line.target < 0 or (line.target == 0 and known.get(line.metric, True)):
            return Refusal("appraisal.error.bad_target", {"metric": line.metric})
    total = sum(line.weight for line in lines)
    if abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE:
        return Refusal("appraisal.error.weights", {"total": round(total, 2)})
    return None


# -- scoring --------------------------------------------------------------------------

LINE_SCHEMA: dict[str, pl.DataType] = {
    "line_id": pl.Int64(),
    "person_id": pl.Int64(),
    "metric": pl.String(),
    "weight": pl.Float64(),
    "rule": pl.String(),
    "ceiling": pl.Float64(),
    "floor": pl.Float64(),
    "steps": pl.String(),
    "target": pl.Float64(),
    "actual": pl.Float64(),
    "available": pl.Boolean(),
    "higher_is_better": pl.Boolean(),
}


def attainment_expr(actual: pl.Expr, target: pl.Expr, higher: pl.Expr) -> pl.Expr:
    """Attainment as in the module docstring (null when it cannot be computed)."""
    up = pl.when(target > 0).then(actual / target)
    down = (
        pl.when(target > 0)
        .then(2 - actual / target)
        .when(target == 0)
        .then(pl.when(actual <= 0).then(1.0).otherwise(0.0))
    )
    raw = pl.when(higher).then(up).otherwise(down)
    return (
        pl.when(actual.is_null() | target.is_null()).then(None).otherwise(raw.clip(lower_bound=0))
    )


def score_lines(
    lines: pl.DataFrame, rules: Mapping[str, ScoringRule] | None = None
) -> pl.DataFrame:
    """``lines`` (see ``LINE_SCHEMA``) with ``attainment``, ``score`` and ``status``.

    ``actual`` null on an available line means no data for a ratio metric.
    Each line is scored by its rule (``rules``: default the installed ones);
    a line whose rule is not installed, or fails, is ``unavailable``.
    """
    rules = rules if rules is not None else rules_for(lines["rule"].unique().to_list())
    lines = lines.with_columns(
        attainment_expr(pl.col("actual"), pl.col("target"), pl.col("higher_is_better")).alias(
            "attainment"
        )
    ).with_columns(pl.when(pl.col("available")).then(pl.col("attainment")).alias("attainment"))
    points, failed = rule_points(rules, lines.filter(pl.col("attainment").is_not_null()))
    scoring = sorted(set(rules) - failed)
    status = (
        pl.when(~pl.col("available") | ~pl.col("rule").is_in(scoring))
        .then(pl.lit("unavailable"))
        .when(pl.col("target").is_null())
        .then(pl.lit("no_target"))
        .when(pl.col("actual").is_null())
        .then(pl.lit("no_data"))
        .when(pl.col("attainment").is_null())
        .then(pl.lit("no_target"))
        .otherwise(pl.lit("scored"))
    )
    return (
        lines.join(points, on="line_id", how="left")
        .with_columns(status.alias("status"))
        .with_columns(
            pl.when(pl.col("status") != "scored")
            .then(None)
            .otherwise(pl.col("points").fill_null(0.0))
            .alias("score")
        )
        .drop("points")
    )


def kpi_scores(scored: pl.DataFrame) -> pl.DataFrame:
    """``person_id, kpi_score, weight_scored``: weighted mean over scored lines.

    Rounded to ``SCORE_DIGITS`` decimals: a parallel sum's last bits depend on
    the order threads add in, and a stored score must not.
    """
    ok = scored.filter(pl.col("status") == "scored")
    per_person = scored.select("person_id").unique()
    sums = ok.group_by("person_id").agg(
        (pl.col("weight") * pl.col("score")).sum().alias("points"),
        pl.col("weight").sum().alias("weight_scored"),
    )
    return (
        per_person.join(sums, on="person_id", how="left")
        .select(
            "person_id",
            pl.when(pl.col("weight_scored") > 0)
            .then((pl.col("points") / pl.col("weight_scored")).round(SCORE_DIGITS))
            .alias("kpi_score"),
            pl.col("weight_scored").fill_null(0.0),
        )
        .sort("person_id")
    )


# -- the final score ----------------------------------------------------------------


def values_mean(scores: Mapping[str, float | None], values: Iterable[str]) -> float | None:
    """Mean of the scores given for the company's ``values`` (1-5), ``None`` if none."""
    given = [float(s) for key in values if (s := scores.get(key)) is not None]
    return sum(given) / len(given) if given else None


def blend_expr(parts: list[tuple[float, pl.Expr]]) -> pl.Expr:
    """Weighted mean of ``(weight, points)`` over the parts that are not null."""
    num = pl.sum_horizontal([pl.lit(w) * p.fill_null(0.0) for w, p in parts])
    den = pl.sum_horizontal([pl.lit(w) * p.is_not_null().cast(pl.Float64) for w, p in parts])
    return pl.when(den > 0).then(num / den)


def rating_expr(final: pl.Expr, exceeds_from: float, below_under: float) -> pl.Expr:
    """``exceeds`` from ``exceeds_from``, ``below`` under ``below_under``, else ``meets``."""
    return (
        pl.when(final.is_null())
        .then(None)
        .when(final >= exceeds_from)
        .then(pl.lit("exceeds"))
        .when(final < below_under)
        .then(pl.lit("below"))
        .otherwise(pl.lit("meets"))
    )


def finalize_monthly(records: pl.DataFrame, policy: AppraisalSettings) -> pl.DataFrame:
    """Adds ``results_score, final_score, proposed_rating, grid`` to ``records``.

    ``records`` needs ``kpi_score, judgement, values_score`` (values on 1-5):

    - results = KPI score + judgement (judgement clipped to ±judgement_range),
      kept within 0..max_points;
    - final = results_weight x results + values_weight x values x 20 (the values
      part left out when there are no values scores); no results (no KPI could be
      scored), no final score: such a person is rated by hand in calibration.
    """
    r = policy.judgement_range
    results = (pl.col("kpi_score") + pl.col("judgement").fill_null(0.0).clip(-r, r)).clip(
        0.0, policy.max_points
    )
    final = pl.when(pl.col("results_score").is_not_null()).then(
        blend_expr(
            [
                (policy.results_weight, pl.col("results_score")),
                (policy.values_weight, pl.col("values_score") * POINTS_PER_VALUE),
            ]
        )
    )
    return _rated(records.with_columns(results.alias("results_score")), final, policy)


def finalize_annual(records: pl.DataFrame, policy: AppraisalSettings) -> pl.DataFrame:
    """Adds ``final_score, proposed_rating, grid`` to ``records``.

    ``records`` needs ``monthly_final`` (mean final score of the year's closed
    monthly cycles), ``results_score`` and ``values_score`` (their means, for
    the grid), ``ability`` and ``attitude`` (1-5). final = annual_results_weight
    x monthly_final + ability_weight x ability x 20 + attitude_weight x
    attitude x 20, over the parts that are there.
    """
    final = blend_expr(
        [
            (policy.annual_results_weight, pl.col("monthly_final")),
            (policy.ability_weight, pl.col("ability") * POINTS_PER_VALUE),
            (policy.attitude_weight, pl.col("attitude") * POINTS_PER_VALUE),
        ]
    )
    return _rated(records, final, policy)


def _rated(records: pl.DataFrame, final: pl.Expr, policy: AppraisalSettings) -> pl.DataFrame:
    return records.with_columns(final.alias("final_score")).with_columns(
        rating_expr(pl.col("final_score"), policy.exceeds_from, policy.below_under).alias(
            "proposed_rating"
        ),
        grid_expr(
            pl.col("results_score"),
            pl.col("values_score"),
            policy.results_low,
            policy.results_high,
            policy.values_low,
            policy.values_high,
        ).alias("grid"),
    )


def weight_mix(lines: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """``level, metric, weight``: the mean weight of each KPI in the contracts of each level."""
    return (
        lines.join(records.select("person_id", "level"), on="person_id")
        .group_by("level", "metric")
        .agg(pl.col("weight").mean())
    )


def weight_totals(lines: pl.DataFrame) -> pl.DataFrame:
    """``person_id, weight_total``: the sum of each person's contract weights (100 when whole)."""
    return lines.group_by("person_id").agg(pl.col("weight").sum().alias("weight_total"))


def value_scores_from_json(text: str | None) -> dict[str, float]:
    """A record's ``self_values`` / ``manager_values`` JSON as ``{value: score}``."""
    data = json.loads(text or "{}")
    return {str(k): float(v) for k, v in data.items() if v is not None}
