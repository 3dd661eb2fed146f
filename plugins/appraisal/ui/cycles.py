"""Cycles: every cycle in scope, where each stands, moving one on, starting a new one."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.periods import add_months
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row
from plugins.appraisal import actions, charts, queries
from plugins.appraisal.errors import state_label
from plugins.appraisal.logic import (
    KINDS,
    STATES,
    next_state,
    previous_state,
    stage_counts,
    stage_share,
    stage_shares,
)
from plugins.appraisal.queries import CycleInfo
from plugins.appraisal.ui.controls import flash, pick_cycle, run_action
from plugins.appraisal.ui.labels import kind_label, person_label, renamed


def render(ctx: PageContext) -> None:
    page_header(ctx, "appraisal.cycles.title")
    flash()
    visible = queries.cycles(ctx.engine, ctx.viewer)
    records = queries.records(ctx.engine, ctx.viewer, visible["cycle_id"].to_list())
    progress = stage_counts(visible, records)
    open_cycles = progress.filter(pl.col("state") != "closed")
    people = int(open_cycles["people"].sum()) if open_cycles.height else 0
    kpi_row(
        [
            Kpi(t("appraisal.cycles.open"), float(open_cycles.height), "count"),
            Kpi(t("appraisal.cycles.people_open"), float(people), "count"),
            Kpi(
                t("appraisal.cycles.acknowledged"),
                stage_share(open_cycles, "acknowledged"),
                "ratio",
            ),
            Kpi(t("appraisal.cycles.reviewed"), stage_share(open_cycles, "reviewed"), "ratio"),
        ]
    )
    cycle = pick_cycle(ctx)
    if cycle is not None:
        _stages_chart(progress.filter(pl.col("cycle_id") == cycle.cycle_id))
        _move(ctx, cycle)
    st.subheader(t("appraisal.cycles.all"))
    _table(ctx, progress)
    _create(ctx)


def _stages_chart(row: pl.DataFrame) -> None:
    data = stage_shares(row).with_columns(
        pl.col("stage").map_elements(lambda s: t(f"appraisal.stage.{s}"), return_dtype=pl.String)
    )
    spec = charts.stages_chart(data)
    if spec is not None:
        chart(spec)


def _move(ctx: PageContext, cycle: CycleInfo) -> None:
    steps = " → ".join(
        f"**{state_label(s)}**" if s == cycle.state else state_label(s) for s in STATES
    )
    st.markdown(steps)
    if not actions.can_manage(ctx.signed_in_viewer, cycle.root_id):
        st.caption(t("appraisal.cycles.not_yours"))
        return
    forward, back = next_state(cycle.state), previous_state(cycle.state)
    left, right = st.columns(2)
    if forward is not None and left.button(
        t("appraisal.cycles.move_to", state=state_label(forward)),
        type="primary",
        key=f"appraisal_move_next_{cycle.cycle_id}_{cycle.state}",
    ):
        _do_move(ctx, cycle, forward)
    if back is not None and right.button(
        t("appraisal.cycles.send_back", state=state_label(back)),
        key=f"appraisal_move_back_{cycle.cycle_id}_{cycle.state}",
    ):
        _do_move(ctx, cycle, back)
    with st.expander(t("appraisal.cycles.move_any")):
        target = st.selectbox(
            t("appraisal.cycles.target_state"),
            STATES,
            format_func=labels_now(STATES, state_label),
            key=f"appraisal_move_target_{cycle.cycle_id}",
        )
        if st.button(t("appraisal.cycles.move"), key=f"appraisal_move_go_{cycle.cycle_id}"):
            _do_move(ctx, cycle, target)


def _do_move(ctx: PageContext, cycle: CycleInfo, target: str) -> None:
    run_action(
        ctx,
        lambda: actions.move_cycle(
            ctx.engine, ctx.registry, ctx.signed_in_viewer, ctx.actor, cycle.cycle_id, target
        ),
        t("appraisal.cycles.moved", period=cycle.period, state=state_label(target)),
    )


def _table(ctx: PageContext, progress: pl.DataFrame) -> None:
    names = queries.names(ctx.engine)
    shown = progress.with_columns(
        pl.col("kind").replace_strict({k: kind_label(k) for k in KINDS}),
        pl.col("root_id").replace_strict(names, default="?", return_dtype=pl.String).alias("unit"),
        pl.col("state").replace_strict({s: state_label(s) for s in STATES}),
    )
    table_with_download(
        renamed(
            shown,
            {
                "period": "appraisal.period",
                "kind": "appraisal.kind_label",
                "unit": "appraisal.unit",
                "state": "appraisal.state_label",
                "people": "appraisal.people",
                "acknowledged": "appraisal.stage.acknowledged",
                "self_done": "appraisal.stage.self_done",
                "reviewed": "appraisal.stage.reviewed",
                "rated": "appraisal.stage.rated",
            },
        ),
        "appraisal_cycles",
        "appraisal_cycles_table",
    )


def _create(ctx: PageContext) -> None:
    viewer = ctx.signed_in_viewer
    leaders = ctx.people().filter(pl.col("level") != "rep").sort("level", "name")
    if viewer.person_id is not None and viewer.person_id not in leaders["person_id"].to_list():
        leaders = leaders.filter(pl.col("person_id") == viewer.person_id)
    if leaders.is_empty():
        return
    names = dict(leaders.select("person_id", "name").iter_rows())
    levels = dict(leaders.select("person_id", "level").iter_rows())
    ids = list(names)
    default_month = add_months(ctx.period.end, 1).strftime("%Y-%m")
    with st.form("appraisal_new_cycle"):
        st.markdown(f"**{t('appraisal.cycles.new')}**")
        left, mid, right = st.columns(3)
        kind = left.selectbox(
            t("appraisal.kind_label"),
            KINDS,
            format_func=labels_now(KINDS, kind_label),
            key="appraisal_new_kind",
        )
        period = mid.text_input(
            t("appraisal.period"),
            value=default_month,
            help=t("appraisal.cycles.period_help"),
            key="appraisal_new_period",
        )
        root = right.selectbox(
            t("appraisal.unit"),
            ids,
            format_func=labels_now(ids, person_label(names, levels)),
            key="appraisal_new_root",
        )
        if st.form_submit_button(t("appraisal.cycles.create"), type="primary"):
            run_action(
                ctx,
                lambda: actions.create_cycle(
                    ctx.engine, viewer, ctx.actor, kind, period.strip(), int(root)
                ),
                t("appraisal.cycles.created", period=period.strip(), leader=names[root]),
            )
