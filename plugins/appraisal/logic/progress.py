"""Monitoring mid-cycle: pace against each KPI, per person and rolled up per team.

- ``elapsed``: the share of the cycle's days gone by on the day of looking.
- Sum metrics (revenue, visits ...) are on track when ``actual >= target x
  elapsed``; their projected attainment is ``attainment / elapsed``.
- Ratio metrics (margin, satisfaction ...) are judged as they stand: on track
  when their attainment is at least 100 %, projected = current attainment.
- A team (the people under one leader) adds its members' numerators and
  denominators (a ratio is Σnum/Σden, never a mean of ratios); its target is
  the sum of its members' targets for sum metrics and their mean for ratios.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from plugins.appraisal.logic.scoring import attainment_expr, score_lines


def elapsed_share(start: dt.date, last_day: dt.date, today: dt.date) -> float:
    """Share of ``start..last_day`` (inclusive) gone by at the end of ``today``."""
    total = (last_day - start).days + 1
    done = (min(max(today, start - dt.timedelta(days=1)), last_day) - start).days + 1
    return max(0.0, min(1.0, done / total))


def person_progress(lines: pl.DataFrame, elapsed: float) -> pl.DataFrame:
    """``lines`` (scoring schema plus ``kind``) with pace columns and projected scores.

    Adds ``attainment, score, status`` (as they stand), ``expected`` (target
    due by now for sum metrics), ``on_track``, ``projected_attainment`` and
    ``projected_score`` (the contract's rule on the projected attainment).
    """
    now = score_lines(lines)
    pace = max(elapsed, 1e-9)
    is_sum = pl.col("kind") == "sum"
    projected_actual = pl.when(is_sum).then(pl.col("actual") / pace).otherwise(pl.col("actual"))
    projected = score_lines(lines.with_columns(projected_actual.alias("actual"))).select(
        "line_id",
        pl.col("attainment").alias("projected_attainment"),
        pl.col("score").alias("projected_score"),
    )
    expected = pl.when(is_sum).then(pl.col("target") * elapsed).otherwise(pl.col("target"))
    lower_ok = pl.col("actual") <= pl.col("expected")
    higher_ok = pl.col("actual") >= pl.col("expected")
    return (
        now.join(projected, on="line_id", how="left")
        .with_columns(expected.alias("expected"))
        .with_columns(
            pl.when(pl.col("status") != "scored")
            .then(None)
            .when(pl.col("higher_is_better"))
            .then(higher_ok)
            .when(is_sum)
            .then(pl.col("actual") <= pl.col("target"))  # a budget: not yet over it
            .otherwise(lower_ok)
            .alias("on_track")
        )
    )


def team_progress(lines: pl.DataFrame) -> pl.DataFrame:
    """Per ``team_id`` and ``metric``: ``num, den, actual, target, attainment, members``.

    ``lines`` needs ``team_id, person_id, metric, kind, num, den, target,
    available, higher_is_better``; unavailable lines are left out.
    """
    ok = lines.filter(pl.col("available"))
    grouped = ok.group_by("team_id", "metric").agg(
        pl.col("num").sum(),
        pl.col("den").sum(),
        pl.col("kind").first(),
        pl.col("higher_is_better").first(),
        pl.col("target").sum().alias("target_sum"),
        pl.col("target").mean().alias("target_mean"),
        pl.col("person_id").n_unique().alias("members"),
        pl.col("num").is_not_null().any().alias("has_data"),
    )
    value = (
        pl.when(~pl.col("has_data"))
        .then(None)
        .when(pl.col("kind") == "sum")
        .then(pl.col("num"))
        .when(pl.col("den") != 0)
        .then(pl.col("num") / pl.col("den"))
    )
    target = pl.when(pl.col("kind") == "sum").then("target_sum").otherwise("target_mean")
    return (
        grouped.with_columns(value.alias("actual"), target.alias("target"))
        .with_columns(
            attainment_expr(pl.col("actual"), pl.col("target"), pl.col("higher_is_better")).alias(
                "attainment"
            )
        )
        .select("team_id", "metric", "num", "den", "actual", "target", "attainment", "members")
        .sort("team_id", "metric")
    )


def team_scores(people: pl.DataFrame) -> pl.DataFrame:
    """Per ``team_id``: ``members, kpi_score`` (mean), ``projected`` (mean), ``on_track``.

    ``people`` needs ``team_id, person_id, kpi_score, projected_kpi, on_track``
    (``on_track``: every scored KPI of the person is on track).
    """
    return (
        people.group_by("team_id")
        .agg(
            pl.len().alias("members"),
            pl.col("kpi_score").mean(),
            pl.col("projected_kpi").mean().alias("projected"),
            pl.col("on_track").fill_null(False).sum().alias("on_track"),
        )
        .sort("team_id")
    )


def per_person(lines: pl.DataFrame) -> pl.DataFrame:
    """``person_id, team_id, kpi_score, projected_kpi, on_track`` from scored lines."""
    ok = lines.filter(pl.col("status") == "scored")
    return (
        lines.select("person_id", "team_id")
        .unique()
        .join(
            ok.group_by("person_id").agg(
                ((pl.col("weight") * pl.col("score")).sum() / pl.col("weight").sum()).alias(
                    "kpi_score"
                ),
                (
                    (pl.col("weight") * pl.col("projected_score")).sum() / pl.col("weight").sum()
                ).alias("projected_kpi"),
                pl.col("on_track").all().alias("on_track"),
            ),
            on="person_id",
            how="left",
        )
        .sort("person_id")
    )
