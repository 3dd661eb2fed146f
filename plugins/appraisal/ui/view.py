"""KPI lines on screen: live (mid-cycle) or frozen (from calibration on), table and chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import polars as pl

from command_center.context import PageContext
from command_center.i18n import fmt_value, t
from command_center.org.scope import Viewer
from command_center.periods import parse_period
from command_center.ui import COLORS
from command_center.ui.widgets import percent_column
from plugins.appraisal import live, queries
from plugins.appraisal.logic import elapsed_share, person_progress
from plugins.appraisal.queries import CycleInfo
from plugins.appraisal.ui.common import layered, metric_label, status_label

FROZEN_STATES = ("calibration", "closed")


def elapsed(cycle: CycleInfo, today: dt.date | None = None) -> float:
    period = parse_period(cycle.period)
    return elapsed_share(period.start, period.last_day, today or dt.date.today())


def lines_now(
    ctx: PageContext, cycle: CycleInfo, person_id: int | None = None, viewer: Viewer | None = None
) -> pl.DataFrame:
    """The viewer's KPI lines of ``cycle``: frozen once calibrating, else live with pace.

    Always has ``attainment, score, status, projected_attainment, projected_score,
    on_track, unit, kind, team_id``.
    """
    viewer = viewer or ctx.viewer
    rows = queries.kpi_lines(ctx.engine, viewer, [cycle.cycle_id], person_id)
    raw = live.with_actuals(ctx.engine, ctx.registry, cycle, rows, viewer)
    if cycle.state not in FROZEN_STATES:
        return person_progress(raw, elapsed(cycle))
    frozen = rows.select("kpi_id", "actual", "attainment", "score", "status")
    return (
        raw.drop("actual")
        .join(frozen, on="kpi_id", how="left")
        .with_columns(
            pl.col("attainment").alias("projected_attainment"),
            pl.col("score").alias("projected_score"),
            pl.lit(None, pl.Boolean).alias("on_track"),
            pl.lit(None, pl.Float64).alias("expected"),
        )
    )


def per_person(lines: pl.DataFrame) -> pl.DataFrame:
    """``person_id, kpi_score, projected_kpi, on_track`` from scored lines."""
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


def lines_display(
    ctx: PageContext, lines: pl.DataFrame, with_self: bool = False
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """One person's lines as a translated table and its column config."""
    label = metric_label(ctx)
    rows = []
    for r in lines.sort("position").iter_rows(named=True):
        unit = r.get("unit") or "count"
        row = {
            t("appraisal.kpi"): label(r["metric"]),
            t("appraisal.weight_pct"): r["weight"],
            t("appraisal.target"): fmt_value(r["target"], unit),
            t("appraisal.actual"): fmt_value(r["actual"], unit),
            t("appraisal.attainment"): r["attainment"],
            t("appraisal.score"): None if r["score"] is None else round(r["score"], 1),
            t("appraisal.projected"): None
            if r.get("projected_score") is None
            else round(r["projected_score"], 1),
            t("appraisal.status"): status_label(r["status"]),
        }
        if with_self:
            row[t("appraisal.self_score")] = r.get("self_score")
        rows.append(row)
    frame = pl.DataFrame(rows) if rows else pl.DataFrame()
    return frame, {t("appraisal.attainment"): percent_column(t("appraisal.attainment"))}


def attainment_chart(ctx: PageContext, lines: pl.DataFrame, share: float | None) -> Any:
    """Attainment per KPI against 100 % (and, mid-cycle, the share of time gone by)."""
    label = metric_label(ctx)
    data = lines.filter(pl.col("attainment").is_not_null()).select(
        pl.col("metric").map_elements(label, return_dtype=pl.String).alias("kpi"),
        "attainment",
        "position",
    )
    if data.is_empty():
        return None
    bars = (
        alt.Chart(data)
        .mark_bar(color=COLORS["primary"])
        .encode(
            y=alt.Y("kpi:N", sort=alt.SortField("position"), title=None),
            x=alt.X("attainment:Q", title=t("appraisal.attainment"), axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("kpi:N", title=t("appraisal.kpi")),
                alt.Tooltip("attainment:Q", title=t("appraisal.attainment"), format=".1%"),
            ],
        )
    )
    marks = [pl.DataFrame({"x": [1.0], "what": [t("appraisal.on_target")]})]
    if share is not None and share < 1:
        marks.append(pl.DataFrame({"x": [share], "what": [t("appraisal.time_gone")]}))
    rules = (
        alt.Chart(pl.concat(marks))
        .mark_rule(strokeDash=[4, 3])
        .encode(
            x="x:Q",
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(range=[COLORS["target"], COLORS["secondary"]]),
            ),
        )
    )
    return layered(bars, rules, height=90 + 36 * data.height)
