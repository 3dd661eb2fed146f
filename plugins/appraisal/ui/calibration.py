"""Calibration: ratings per team against the 271 guideline, outliers, the results x values grid."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row
from plugins.appraisal import actions, charts, queries
from plugins.appraisal.errors import state_label
from plugins.appraisal.logic import GRIDS, distribution, outliers, team_table
from plugins.appraisal.queries import CycleInfo
from plugins.appraisal.settings import RATINGS, AppraisalSettings
from plugins.appraisal.ui.controls import flash, pick_cycle, run_action
from plugins.appraisal.ui.labels import (
    grid_label,
    person_label,
    rating_label,
    team_names,
)


def render(ctx: PageContext) -> None:
    page_header(ctx, "appraisal.calibration.title")
    flash()
    cycle = pick_cycle(ctx, states=("calibration", "closed"))
    if cycle is None:
        st.info(t("appraisal.calibration.none"))
        return
    rules = actions.policy(ctx.engine)
    names = queries.names(ctx.engine)
    records = queries.records(ctx.engine, ctx.viewer, [cycle.cycle_id])
    teams = team_names(records, names)
    spread = distribution(records, rules.shares, rules.tolerance).join(teams, on="team_id")
    flags = outliers(records)
    rated = records.filter(pl.col("rating").is_not_null())
    flagged_teams = spread.filter(pl.col("flagged"))["team_id"].n_unique()
    kpi_row(
        [
            Kpi(t("appraisal.calibration.rated"), float(rated.height), "count"),
            *(
                Kpi(
                    rating_label(r),
                    _share(rated, r),
                    "ratio",
                    t("appraisal.calibration.guide", share=f"{rules.shares[r]:.0%}"),
                )
                for r in RATINGS
            ),
            Kpi(t("appraisal.calibration.flagged_teams"), float(flagged_teams), "count"),
        ]
    )
    left, right = st.columns(2)
    with left:
        _distribution_chart(spread, rules)
    with right:
        _grid_chart(records, rules)
    st.subheader(t("appraisal.calibration.by_team"))
    _team_table(spread)
    st.subheader(t("appraisal.calibration.people"))
    _people(records, flags, teams, names)
    if cycle.state == "calibration" and actions.can_manage(ctx.signed_in_viewer, cycle.root_id):
        _forms(ctx, cycle, records, teams, names)


def _share(rated: pl.DataFrame, rating: str) -> float | None:
    return float((rated["rating"] == rating).mean()) if rated.height else None  # type: ignore[arg-type]


def _distribution_chart(spread: pl.DataFrame, rules: AppraisalSettings) -> None:
    spec = charts.distribution_chart(spread, rules, {r: rating_label(r) for r in RATINGS})
    if spec is not None:
        chart(spec)


def _grid_chart(records: pl.DataFrame, rules: AppraisalSettings) -> None:
    spec = charts.grid_chart(records, rules, {g: grid_label(g) for g in GRIDS})
    if spec is not None:
        chart(spec)


def _team_table(spread: pl.DataFrame) -> None:
    frame = team_table(spread)
    yes, no = t("appraisal.calibration.flag"), ""
    table_with_download(
        frame.select(
            pl.col("team").alias(t("appraisal.team")),
            pl.col("size").alias(t("appraisal.people")),
            *(
                pl.concat_str(
                    pl.col(r).cast(pl.String),
                    pl.lit(" / "),
                    pl.col(f"{r}_expected").cast(pl.String),
                ).alias(t("appraisal.calibration.count_vs", rating=rating_label(r)))
                for r in RATINGS
            ),
            pl.when(pl.col("flagged"))
            .then(pl.lit(yes))
            .otherwise(pl.lit(no))
            .alias(t("appraisal.calibration.flag_label")),
        ),
        "appraisal_calibration_teams",
        "appraisal_calibration_teams",
    )


def _flag_text(row: dict[str, object]) -> str:
    parts = [
        t(f"appraisal.calibration.{name}")
        for name in ("rated_above", "rated_below", "override")
        if row.get(name)
    ]
    return "；".join(parts)


def _people(
    records: pl.DataFrame, flags: pl.DataFrame, teams: pl.DataFrame, names: dict[int, str]
) -> None:
    frame = (
        records.join(flags, on="person_id", how="left")
        .join(teams, on="team_id", how="left")
        .sort(["team", "final_score"], descending=[False, True], nulls_last=True)
    )
    shown = frame.select(
        pl.col("person_id")
        .replace_strict(names, default="?", return_dtype=pl.String)
        .alias(t("appraisal.name")),
        pl.col("team").alias(t("appraisal.team")),
        pl.col("results_score").round(1).alias(t("appraisal.results_score")),
        pl.col("values_score").round(2).alias(t("appraisal.values_score")),
        pl.col("final_score").round(1).alias(t("appraisal.final_score")),
        pl.col("proposed_rating")
        .map_elements(rating_label, return_dtype=pl.String)
        .alias(t("appraisal.calibration.proposed")),
        pl.col("rating")
        .map_elements(rating_label, return_dtype=pl.String)
        .alias(t("appraisal.rating_label")),
        pl.col("grid")
        .map_elements(grid_label, return_dtype=pl.String)
        .alias(t("appraisal.grid_label")),
        pl.Series([_flag_text(r) for r in frame.iter_rows(named=True)], dtype=pl.String).alias(
            t("appraisal.calibration.flags")
        ),
        pl.col("calibration_note").alias(t("appraisal.calibration.note")),
        pl.col("bonus_multiplier").alias(t("appraisal.bonus_multiplier")),
    )
    table_with_download(shown, "appraisal_calibration_people", "appraisal_calibration_people")


def _forms(
    ctx: PageContext,
    cycle: CycleInfo,
    records: pl.DataFrame,
    teams: pl.DataFrame,
    names: dict[int, str],
) -> None:
    viewer = ctx.signed_in_viewer
    levels = dict(records.select("person_id", "level").iter_rows())
    ids = [p for p in records["person_id"].to_list() if p != viewer.person_id]
    left, right = st.columns(2)
    with left, st.form(f"appraisal_rate_{cycle.cycle_id}"):
        st.markdown(f"**{t('appraisal.calibration.set_rating')}**")
        person = st.selectbox(
            t("appraisal.person"),
            ids,
            format_func=labels_now(ids, person_label(names, levels)),
            key=f"appraisal_rate_person_{cycle.cycle_id}",
        )
        rating = st.selectbox(
            t("appraisal.rating_label"),
            RATINGS,
            format_func=labels_now(RATINGS, rating_label),
            key=f"appraisal_rate_rating_{cycle.cycle_id}",
        )
        note = st.text_input(
            t("appraisal.calibration.note"), key=f"appraisal_rate_note_{cycle.cycle_id}"
        )
        if st.form_submit_button(t("appraisal.calibration.save_rating")):
            run_action(
                ctx,
                lambda: actions.set_rating(
                    ctx.engine, viewer, ctx.actor, cycle.cycle_id, int(person), rating, note
                ),
                t(
                    "appraisal.calibration.rating_saved",
                    name=names.get(person, person),
                    rating=rating_label(rating),
                ),
            )
    team_ids = teams["team_id"].to_list()
    team_text = dict(teams.iter_rows())
    with right, st.form(f"appraisal_271_{cycle.cycle_id}"):
        st.markdown(f"**{t('appraisal.calibration.apply_271')}**")
        team = st.selectbox(
            t("appraisal.team"),
            team_ids,
            format_func=labels_now(team_ids, lambda i: team_text.get(i, str(i))),
            key=f"appraisal_271_team_{cycle.cycle_id}",
        )
        if st.form_submit_button(t("appraisal.calibration.apply")):
            run_action(
                ctx,
                lambda: actions.apply_guideline(
                    ctx.engine,
                    viewer,
                    ctx.actor,
                    cycle.cycle_id,
                    int(team),
                    t("appraisal.calibration.by_271"),
                ),
                t("appraisal.calibration.applied", team=team_text.get(team, team)),
            )
    if st.button(
        t("appraisal.cycles.move_to", state=state_label("closed")),
        type="primary",
        key=f"appraisal_close_{cycle.cycle_id}",
        help=t("appraisal.calibration.close_help"),
    ):
        run_action(
            ctx,
            lambda: actions.move_cycle(
                ctx.engine, ctx.registry, viewer, ctx.actor, cycle.cycle_id, "closed"
            ),
            t("appraisal.calibration.closed", period=cycle.period),
        )
