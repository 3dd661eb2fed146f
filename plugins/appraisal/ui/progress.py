"""Monitoring: live progress against each KPI mid-cycle, per person and rolled up per team."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, percent, t
from command_center.ui import chart, data_table, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row, percent_column, ratio
from plugins.appraisal import charts, queries
from plugins.appraisal.logic import per_person, team_progress, team_scores
from plugins.appraisal.queries.live import FROZEN_STATES, elapsed, lines_now
from plugins.appraisal.ui.controls import flash, pick_cycle
from plugins.appraisal.ui.kpi_lines import lines_display
from plugins.appraisal.ui.labels import metric_label, team_names


def render(ctx: PageContext) -> None:
    page_header(ctx, "appraisal.progress.title")
    flash()
    cycle = pick_cycle(ctx, kinds=("monthly",))
    if cycle is None:
        st.info(t("appraisal.no_cycles"))
        return
    lines = lines_now(ctx.engine, ctx.registry, ctx.viewer, cycle)
    if lines.is_empty():
        st.info(t("appraisal.progress.no_contracts"))
        return
    share = elapsed(cycle) if cycle.state not in FROZEN_STATES else 1.0
    st.caption(t("appraisal.progress.elapsed", share=percent(share, 0)))
    people = per_person(lines)
    on_track = people["on_track"].fill_null(False)
    kpi_row(
        [
            Kpi(t("appraisal.people"), float(people.height), "count"),
            Kpi(t("appraisal.kpi_score"), people["kpi_score"].mean(), "score"),  # type: ignore[arg-type]
            Kpi(t("appraisal.projected_kpi"), people["projected_kpi"].mean(), "score"),  # type: ignore[arg-type]
            Kpi(t("appraisal.progress.on_track"), ratio(on_track.sum(), on_track.len()), "ratio"),
        ]
    )
    names = queries.names(ctx.engine)
    teams = team_names(people, names)
    _team_chart(ctx, lines, teams, share)
    st.subheader(t("appraisal.progress.by_team"))
    summary = team_scores(people).join(teams, on="team_id", how="left")
    table_with_download(
        summary.select(
            pl.col("team").alias(t("appraisal.team")),
            pl.col("members").alias(t("appraisal.people")),
            pl.col("kpi_score").round(1).alias(t("appraisal.kpi_score")),
            pl.col("projected").round(1).alias(t("appraisal.projected_kpi")),
            pl.col("on_track").alias(t("appraisal.progress.on_track_count")),
        ),
        "appraisal_progress_teams",
        "appraisal_progress_teams",
    )
    st.subheader(t("appraisal.progress.by_person"))
    _people_table(ctx, lines, people, names, teams)
    _drill(ctx, lines, names)


def _team_chart(ctx: PageContext, lines: pl.DataFrame, teams: pl.DataFrame, share: float) -> None:
    rolled = team_progress(lines).join(teams, on="team_id", how="left")
    data = rolled.filter(pl.col("attainment").is_not_null()).with_columns(
        pl.col("metric").map_elements(metric_label(ctx), return_dtype=pl.String).alias("kpi")
    )
    spec = charts.team_attainment_chart(data, share)
    if spec is not None:
        chart(spec)


def _people_table(
    ctx: PageContext,
    lines: pl.DataFrame,
    people: pl.DataFrame,
    names: dict[int, str],
    teams: pl.DataFrame,
) -> None:
    label = metric_label(ctx)
    wide = (
        lines.select("person_id", "metric", "attainment")
        .with_columns(pl.col("metric").map_elements(label, return_dtype=pl.String))
        .pivot(on="metric", index="person_id", values="attainment", aggregate_function="first")
    )
    metrics = [c for c in wide.columns if c != "person_id"]
    frame = (
        people.join(teams, on="team_id", how="left")
        .join(wide, on="person_id", how="left")
        .with_columns(
            pl.col("person_id")
            .replace_strict(names, default="?", return_dtype=pl.String)
            .alias("name")
        )
        .sort("projected_kpi", descending=True, nulls_last=True)
        .select(
            pl.col("name").alias(t("appraisal.name")),
            pl.col("team").alias(t("appraisal.team")),
            pl.col("kpi_score").round(1).alias(t("appraisal.kpi_score")),
            pl.col("projected_kpi").round(1).alias(t("appraisal.projected_kpi")),
            pl.col("on_track").alias(t("appraisal.progress.on_track")),
            *metrics,
        )
    )
    config = {m: percent_column(m) for m in metrics}
    table_with_download(
        frame, "appraisal_progress_people", "appraisal_progress_people", column_config=config
    )


def _drill(ctx: PageContext, lines: pl.DataFrame, names: dict[int, str]) -> None:
    ids = sorted(lines["person_id"].unique().to_list(), key=lambda p: names.get(p, ""))
    if not ids:
        return
    person = st.selectbox(
        t("appraisal.progress.person"),
        ids,
        format_func=labels_now(ids, lambda p: names.get(p, str(p))),
        key="appraisal_progress_person",
    )
    frame, config = lines_display(ctx, lines.filter(pl.col("person_id") == person))
    data_table(frame, column_config=config)
