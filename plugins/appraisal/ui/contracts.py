"""KPI contracts: each level's standard contract, issuing it, one person's own contract."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import chart, data_table, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row
from plugins.appraisal import actions, charts, queries
from plugins.appraisal.logic import is_override, weight_mix, weight_totals
from plugins.appraisal.queries import CycleInfo
from plugins.appraisal.queries.core_targets import person_core_targets
from plugins.appraisal.ui.controls import flash, pick_cycle, run_action
from plugins.appraisal.ui.editor import frame_lines, lines_form, lines_table
from plugins.appraisal.ui.labels import metric_label, person_label, renamed

LEVEL_ORDER = ("rep", "supervisor", "manager")


def render(ctx: PageContext) -> None:
    page_header(ctx, "appraisal.contracts.title")
    flash()
    cycle = pick_cycle(ctx, kinds=("monthly",))
    if cycle is None:
        st.info(t("appraisal.no_cycles"))
        return
    records = queries.records(ctx.engine, ctx.viewer, [cycle.cycle_id])
    lines = queries.kpi_lines(ctx.engine, ctx.viewer, [cycle.cycle_id])
    weights = weight_totals(lines)
    kpi_row(
        [
            Kpi(t("appraisal.people"), float(records.height), "count"),
            Kpi(
                t("appraisal.contracts.issued"),
                float((records["contract"] != "none").sum()),
                "count",
            ),
            Kpi(t("appraisal.stage.acknowledged"), float(records["acknowledged"].sum()), "count"),
            Kpi(
                t("appraisal.contracts.bad_weights"),
                float(((weights["weight_total"] - 100).abs() > 0.01).sum()),
                "count",
            ),
        ]
    )
    _mix_chart(ctx, lines, records)
    levels = [lv for lv in LEVEL_ORDER if lv in set(records["level"].to_list())]
    tabs = st.tabs([t(f"level.{lv}") for lv in levels] + [t("appraisal.contracts.person")])
    for tab, level in zip(tabs, levels, strict=False):
        with tab:
            _template(ctx, cycle, level)
    with tabs[-1]:
        _person(ctx, cycle, records)
    st.subheader(t("appraisal.contracts.all"))
    _table(ctx, records, weights)


def _mix_chart(ctx: PageContext, lines: pl.DataFrame, records: pl.DataFrame) -> None:
    mix = weight_mix(lines, records).with_columns(
        pl.col("metric").map_elements(metric_label(ctx), return_dtype=pl.String).alias("kpi"),
        pl.col("level").map_elements(lambda v: t(f"level.{v}"), return_dtype=pl.String),
    )
    spec = charts.weight_mix_chart(mix)
    if spec is not None:
        chart(spec)


def _template(ctx: PageContext, cycle: CycleInfo, level: str) -> None:
    template = queries.templates(ctx.engine, cycle.cycle_id).filter(pl.col("level") == level)
    current = frame_lines(template)
    manage = actions.can_manage(ctx.signed_in_viewer, cycle.root_id)
    if current:
        data_table(lines_table(ctx, current, targets_from_table=True))
    else:
        st.info(t("appraisal.contracts.no_template"))
    if not manage or cycle.state != "planning":
        st.caption(t("appraisal.contracts.locked"))
        return
    rules = actions.policy(ctx.engine)
    typed = lines_form(ctx, f"appraisal_tpl_{cycle.cycle_id}_{level}", current, rules, True)
    if typed is not None:
        run_action(
            ctx,
            lambda: actions.save_template(
                ctx.engine,
                ctx.registry,
                ctx.signed_in_viewer,
                ctx.actor,
                cycle.cycle_id,
                level,
                typed,
            ),
            t("appraisal.contracts.template_saved", level=t(f"level.{level}")),
        )
    if current and st.button(
        t("appraisal.contracts.issue", level=t(f"level.{level}")),
        key=f"appraisal_issue_{cycle.cycle_id}_{level}",
        help=t("appraisal.contracts.issue_help"),
    ):
        run_action(
            ctx,
            lambda: actions.issue_contracts(
                ctx.engine, ctx.registry, ctx.signed_in_viewer, ctx.actor, cycle.cycle_id, level
            ),
            t("appraisal.contracts.issued_to", level=t(f"level.{level}")),
        )


def _person(ctx: PageContext, cycle: CycleInfo, records: pl.DataFrame) -> None:
    viewer = ctx.signed_in_viewer
    ids = [p for p in records["person_id"].to_list() if p != viewer.person_id]
    if not ids:
        st.info(t("appraisal.nobody"))
        return
    names = queries.names(ctx.engine)
    levels = dict(records.select("person_id", "level").iter_rows())
    person = st.selectbox(
        t("appraisal.person"),
        ids,
        format_func=labels_now(ids, person_label(names, levels)),
        key=f"appraisal_contract_person_{cycle.cycle_id}",
    )
    current = frame_lines(queries.kpi_lines(ctx.engine, ctx.viewer, [cycle.cycle_id], person))
    if current:
        core = person_core_targets(
            ctx.engine,
            ctx.registry,
            cycle.root_id,
            cycle.period,
            person,
            [line.metric for line in current],
        )
        data_table(lines_table(ctx, current, core=core))
        if any(is_override(line.target, core.get(line.metric)) for line in current):
            st.caption(t("appraisal.override_note"))
    else:
        st.info(t("appraisal.contracts.none_yet"))
    if cycle.state != "planning" or not actions.can_review(viewer, person):
        return
    rules = actions.policy(ctx.engine)
    typed = lines_form(ctx, f"appraisal_person_{cycle.cycle_id}_{person}", current, rules, False)
    if typed is not None:
        run_action(
            ctx,
            lambda: actions.save_contract(
                ctx.engine, ctx.registry, viewer, ctx.actor, cycle.cycle_id, person, typed
            ),
            t("appraisal.contracts.person_saved", name=names.get(person, person)),
        )


def _table(ctx: PageContext, records: pl.DataFrame, weights: pl.DataFrame) -> None:
    names = queries.names(ctx.engine)
    frame = records.join(weights, on="person_id", how="left").with_columns(
        pl.col("person_id")
        .replace_strict(names, default="?", return_dtype=pl.String)
        .alias("name"),
        pl.col("level").replace_strict(
            {lv: t(f"level.{lv}") for lv in LEVEL_ORDER}, default=pl.col("level")
        ),
        pl.col("contract").replace_strict(
            {s: t(f"appraisal.contract.{s}") for s in ("none", "issued", "acknowledged")}
        ),
    )
    table_with_download(
        renamed(
            frame,
            {
                "name": "appraisal.name",
                "level": "appraisal.level",
                "contract": "appraisal.contract_label",
                "weight_total": "appraisal.weight_total",
            },
        ),
        "appraisal_contracts",
        "appraisal_contracts_table",
    )
