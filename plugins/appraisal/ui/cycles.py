"""Cycles: every cycle in scope, where each stands, moving one on, starting a new one."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.periods import add_months
from command_center.ui import COLORS, chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row
from plugins.appraisal import actions, queries
from plugins.appraisal.errors import state_label
from plugins.appraisal.logic import KINDS, STATES, next_state, previous_state
from plugins.appraisal.queries import CycleInfo
from plugins.appraisal.ui.common import (
    flash,
    kind_label,
    person_label,
    pick_cycle,
    renamed,
    run_action,
)

STAGES = ("contract", "acknowledged", "self_done", "reviewed", "rated")


def render(ctx: PageContext) -> None:
    page_header(ctx, "appraisal.cycles.title")
    flash()
    visible = queries.cycles(ctx.engine, ctx.viewer)
    records = queries.records(ctx.engine, ctx.viewer, visible["cycle_id"].to_list())
    progress = _progress(visible, records)
    open_cycles = progress.filter(pl.col("state") != "closed")
    people = int(open_cycles["people"].sum()) if open_cycles.height else 0
    kpi_row(
        [
            Kpi(t("appraisal.cycles.open"), float(open_cycles.height), "count"),
            Kpi(t("appraisal.cycles.people_open"), float(people), "count"),
            Kpi(t("appraisal.cycles.acknowledged"), _share(open_cycles, "acknowledged"), "ratio"),
            Kpi(t("appraisal.cycles.reviewed"), _share(open_cycles, "reviewed"), "ratio"),
        ]
    )
    cycle = pick_cycle(ctx)
    if cycle is not None:
        _stages_chart(progress.filter(pl.col("cycle_id") == cycle.cycle_id))
        _move(ctx, cycle)
    st.subheader(t("appraisal.cycles.all"))
    _table(ctx, progress)
    _create(ctx)


def _progress(visible: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    counts = records.group_by("cycle_id").agg(
        pl.len().alias("people"),
        (pl.col("contract") != "none").sum().alias("contract"),
        pl.col("acknowledged").sum(),
        pl.col("self_done").sum(),
        pl.col("reviewed").sum(),
        pl.col("rating").is_not_null().sum().alias("rated"),
    )
    return visible.join(counts, on="cycle_id", how="left").with_columns(
        pl.col(c).fill_null(0) for c in ("people", *STAGES)
    )


def _share(frame: pl.DataFrame, column: str) -> float | None:
    total = frame["people"].sum() if frame.height else 0
    return float(frame[column].sum()) / total if total else None


def _stages_chart(row: pl.DataFrame) -> None:
    if row.is_empty() or not row["people"][0]:
        return
    data = pl.DataFrame(
        {
            "stage": [t(f"appraisal.stage.{s}") for s in STAGES],
            "order": list(range(len(STAGES))),
            "done": [int(row[s][0]) for s in STAGES],
            "people": [int(row["people"][0])] * len(STAGES),
        }
    ).with_columns((pl.col("done") / pl.col("people")).alias("share"))
    bars = (
        alt.Chart(data)
        .mark_bar(color=COLORS["primary"])
        .encode(
            x=alt.X("stage:N", sort=alt.SortField("order"), title=None),
            y=alt.Y(
                "share:Q",
                title=t("appraisal.share_done"),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=[
                alt.Tooltip("stage:N", title=t("appraisal.stage_label")),
                alt.Tooltip("done:Q", title=t("appraisal.people_done")),
                alt.Tooltip("share:Q", title=t("appraisal.share_done"), format=".0%"),
            ],
        )
        .properties(height=220)
    )
    chart(bars)


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
