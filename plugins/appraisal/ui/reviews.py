"""Reviews: the leader's evaluation of each person (data-driven KPI score plus judgement),
the values, the feedback talk and the improvement plan."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, number, t
from command_center.ui import data_table, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row
from plugins.appraisal import actions, queries
from plugins.appraisal.logic import per_person, value_scores_from_json
from plugins.appraisal.queries import CycleInfo
from plugins.appraisal.queries.live import FROZEN_STATES, lines_now
from plugins.appraisal.settings import AppraisalSettings
from plugins.appraisal.ui.controls import flash, pick_cycle, run_action
from plugins.appraisal.ui.feedback import plan_and_talk
from plugins.appraisal.ui.kpi_lines import lines_display
from plugins.appraisal.ui.labels import person_label, renamed, team_names, value_label


def render(ctx: PageContext) -> None:
    page_header(ctx, "appraisal.reviews.title")
    flash()
    cycle = pick_cycle(ctx)
    if cycle is None:
        st.info(t("appraisal.no_cycles"))
        return
    me = ctx.signed_in_viewer.person_id
    records = queries.records(ctx.engine, ctx.viewer, [cycle.cycle_id]).filter(
        pl.col("person_id") != (me if me is not None else -1)
    )
    if records.is_empty():
        st.info(t("appraisal.nobody"))
        return
    lines = (
        lines_now(ctx.engine, ctx.registry, ctx.viewer, cycle) if cycle.kind == "monthly" else None
    )
    live = per_person(lines) if lines is not None and lines.height else None
    if live is not None and cycle.state not in FROZEN_STATES:
        records = records.drop("kpi_score").join(
            live.select("person_id", "kpi_score"), on="person_id", how="left"
        )
    talks = queries.talks(ctx.engine, ctx.viewer, [cycle.cycle_id])
    kpi_row(
        [
            Kpi(t("appraisal.reviews.to_do"), float((~records["reviewed"]).sum()), "count"),
            Kpi(t("appraisal.stage.reviewed"), float(records["reviewed"].sum()), "count"),
            Kpi(t("appraisal.stage.self_done"), float(records["self_done"].sum()), "count"),
            Kpi(t("appraisal.reviews.talks"), float(talks.height), "count"),
        ]
    )
    names = queries.names(ctx.engine)
    _table(records, names)
    levels = dict(records.select("person_id", "level").iter_rows())
    ids = records.sort(["reviewed", "person_id"])["person_id"].to_list()
    person = st.selectbox(
        t("appraisal.person"),
        ids,
        format_func=labels_now(ids, person_label(names, levels)),
        key=f"appraisal_review_person_{cycle.cycle_id}",
    )
    record = records.filter(pl.col("person_id") == person).row(0, named=True)
    st.subheader(names.get(person, str(person)))
    if lines is not None:
        mine = lines.filter(pl.col("person_id") == person)
        frame, config = lines_display(ctx, mine, with_self=True)
        data_table(frame, column_config=config)
    _self_side(record)
    rules = actions.policy(ctx.engine)
    may = actions.can_review(ctx.signed_in_viewer, person) or (
        actions.can_manage(ctx.signed_in_viewer, cycle.root_id) and person != me
    )
    if cycle.state == "manager_review" and may:
        _manager_form(ctx, cycle, record, rules)
    elif record["reviewed"]:
        st.caption(
            t(
                "appraisal.reviews.done_by",
                by=record["reviewed_by"],
                judgement=number(record["judgement"], 1),
                comment=record["manager_comment"] or "—",
            )
        )
    plan_and_talk(ctx, cycle, person, ctx.viewer, editable=may)


def _table(records: pl.DataFrame, names: dict[int, str]) -> None:
    teams = team_names(records, names)
    yes, no = t("appraisal.yes"), t("appraisal.no")
    frame = records.join(teams, on="team_id", how="left").with_columns(
        pl.col("person_id")
        .replace_strict(names, default="?", return_dtype=pl.String)
        .alias("name"),
        pl.col("level").map_elements(lambda v: t(f"level.{v}"), return_dtype=pl.String),
        pl.when(pl.col("self_done")).then(pl.lit(yes)).otherwise(pl.lit(no)).alias("self_done"),
        pl.when(pl.col("reviewed")).then(pl.lit(yes)).otherwise(pl.lit(no)).alias("reviewed"),
        pl.col("kpi_score").round(1),
        pl.col("values_score").round(2),
        pl.col("final_score").round(1),
    )
    table_with_download(
        renamed(
            frame,
            {
                "name": "appraisal.name",
                "level": "appraisal.level",
                "team": "appraisal.team",
                "self_done": "appraisal.stage.self_done",
                "kpi_score": "appraisal.kpi_score",
                "reviewed": "appraisal.stage.reviewed",
                "values_score": "appraisal.values_score",
                "final_score": "appraisal.final_score",
            },
        ),
        "appraisal_reviews",
        "appraisal_reviews_table",
    )


def _self_side(record: dict[str, object]) -> None:
    if not record["self_done"]:
        st.caption(t("appraisal.reviews.no_self"))
        return
    own = value_scores_from_json(str(record["self_values"]))
    values = "，".join(f"{value_label(k)} {v:g}" for k, v in own.items()) or "—"
    st.markdown(
        t("appraisal.reviews.self_said", comment=record["self_comment"] or "—", values=values)
    )


def _manager_form(
    ctx: PageContext, cycle: CycleInfo, record: dict[str, object], rules: AppraisalSettings
) -> None:
    person = int(record["person_id"])  # type: ignore[arg-type]
    old = value_scores_from_json(str(record["manager_values"])) or value_scores_from_json(
        str(record["self_values"])
    )
    key = f"appraisal_mgr_{cycle.cycle_id}_{person}"
    st.caption(
        t(
            "appraisal.reviews.formula",
            results=number(rules.results_weight * 100),
            values=number(rules.values_weight * 100),
            range=number(rules.judgement_range),
        )
    )
    with st.form(key):
        st.markdown(f"**{t('appraisal.reviews.evaluate')}**")
        judgement = st.slider(
            t("appraisal.reviews.judgement"),
            min_value=-float(rules.judgement_range),
            max_value=float(rules.judgement_range),
            value=float(record["judgement"] or 0.0),  # type: ignore[arg-type]
            step=0.5,
            help=t("appraisal.reviews.judgement_help"),
            key=f"{key}_judgement",
        )
        cols = st.columns(3)
        values = {
            v: cols[i % 3].number_input(
                value_label(v),
                min_value=1.0,
                max_value=5.0,
                value=float(old.get(v, 4.0)),
                step=0.5,
                key=f"{key}_value_{v}",
            )
            for i, v in enumerate(rules.values)
        }
        ability = attitude = None
        if cycle.kind == "annual":
            left, right = st.columns(2)
            ability = left.number_input(
                t("appraisal.field.ability"),
                1.0,
                5.0,
                float(record["ability"] or record["self_ability"] or 3.5),
                0.5,  # type: ignore[arg-type]
                key=f"{key}_ability",
            )
            attitude = right.number_input(
                t("appraisal.field.attitude"),
                1.0,
                5.0,
                float(record["attitude"] or record["self_attitude"] or 3.5),
                0.5,  # type: ignore[arg-type]
                key=f"{key}_attitude",
            )
        comment = st.text_area(
            t("appraisal.reviews.comment"),
            value=str(record["manager_comment"] or ""),
            key=f"{key}_comment",
        )
        if st.form_submit_button(t("appraisal.reviews.submit"), type="primary"):
            run_action(
                ctx,
                lambda: actions.submit_manager_review(
                    ctx.engine,
                    ctx.signed_in_viewer,
                    ctx.actor,
                    cycle.cycle_id,
                    person,
                    judgement,
                    comment,
                    values,
                    ability,
                    attitude,
                ),
                t("appraisal.reviews.saved"),
            )
