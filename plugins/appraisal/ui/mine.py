"""My appraisal: my contract and live progress, acknowledging, my self review, my results."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import number, percent, t
from command_center.org.scope import Viewer
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row
from plugins.appraisal import actions, charts, queries
from plugins.appraisal.logic import is_override, per_person, value_scores_from_json
from plugins.appraisal.queries import CycleInfo
from plugins.appraisal.queries.core_targets import person_core_targets
from plugins.appraisal.queries.live import elapsed, lines_now
from plugins.appraisal.ui.controls import flash, pick_cycle, run_action
from plugins.appraisal.ui.feedback import plan_and_talk
from plugins.appraisal.ui.kpi_lines import attainment_chart, lines_display
from plugins.appraisal.ui.labels import (
    grid_label,
    metric_label,
    rating_label,
    renamed,
    training_text,
    value_label,
)

SHOW_EVALUATION = ("calibration", "closed")


def render(ctx: PageContext) -> None:
    page_header(ctx, "appraisal.mine.title")
    flash()
    person = ctx.signed_in_viewer.person_id
    if person is None:
        st.info(t("appraisal.mine.no_person"))
        return
    me = ctx.signed_in_viewer.narrow(frozenset({person}))
    cycle = pick_cycle(ctx, mine=True)
    if cycle is None:
        st.info(t("appraisal.mine.none"))
        _history(ctx, me)
        return
    record = queries.records(ctx.engine, me, [cycle.cycle_id]).row(0, named=True)
    lines = (
        lines_now(ctx.engine, ctx.registry, me, cycle, person) if cycle.kind == "monthly" else None
    )
    _kpis(record, lines)
    if lines is not None:
        _contract(ctx, cycle, record, lines)
    if cycle.state == "self_review" and not record["self_done"]:
        _self_review(ctx, cycle, record, lines)
    elif record["self_done"]:
        st.caption(t("appraisal.mine.self_done"))
    if cycle.state in SHOW_EVALUATION and record["reviewed"]:
        _evaluation(ctx, cycle, record)
    plan_and_talk(ctx, cycle, person, me, editable=False)
    _history(ctx, me)


def _kpis(record: dict[str, object], lines: pl.DataFrame | None) -> None:
    now = per_person(lines) if lines is not None and lines.height else None
    kpi_now = now["kpi_score"][0] if now is not None and now.height else record["kpi_score"]
    projected = now["projected_kpi"][0] if now is not None and now.height else None
    kpi_row(
        [
            Kpi(t("appraisal.kpi_score"), kpi_now, "score"),  # type: ignore[arg-type]
            Kpi(t("appraisal.projected_kpi"), projected, "score"),
            Kpi(t("appraisal.final_score"), record["final_score"], "score"),  # type: ignore[arg-type]
            Kpi(t("appraisal.bonus_multiplier"), record["bonus_multiplier"], "score"),  # type: ignore[arg-type]
        ]
    )


def _contract(
    ctx: PageContext, cycle: CycleInfo, record: dict[str, object], lines: pl.DataFrame
) -> None:
    st.subheader(t("appraisal.mine.contract"))
    status = t(f"appraisal.contract.{record['contract']}")
    st.caption(
        t("appraisal.mine.contract_status", status=status, elapsed=percent(elapsed(cycle), 0))
    )
    if lines.is_empty():
        st.info(t("appraisal.contracts.none_yet"))
        return
    spec = attainment_chart(ctx, lines, elapsed(cycle) if cycle.state == "in_progress" else None)
    if spec is not None:
        chart(spec)
    person = int(record["person_id"])  # type: ignore[call-overload]
    metrics = lines["metric"].to_list()
    core = person_core_targets(
        ctx.engine, ctx.registry, cycle.root_id, cycle.period, person, metrics
    )
    frame, config = lines_display(ctx, lines, with_self=True, core=core)
    table_with_download(
        frame, f"appraisal_my_contract_{cycle.period}", "appraisal_mine_lines", column_config=config
    )
    targets = dict(lines.select("metric", "target").iter_rows())
    if any(is_override(targets[m], core.get(m)) for m in metrics):
        st.caption(t("appraisal.mine.override_note"))
    if record["contract"] == "issued" and cycle.state in ("planning", "in_progress"):
        st.warning(t("appraisal.mine.please_acknowledge"))
        if st.button(
            t("appraisal.mine.acknowledge"), type="primary", key=f"appraisal_ack_{cycle.cycle_id}"
        ):
            run_action(
                ctx,
                lambda: actions.acknowledge(
                    ctx.engine, ctx.signed_in_viewer, ctx.actor, cycle.cycle_id
                ),
                t("appraisal.mine.acknowledged"),
            )


def _self_review(
    ctx: PageContext, cycle: CycleInfo, record: dict[str, object], lines: pl.DataFrame | None
) -> None:
    st.subheader(t("appraisal.mine.self_review"))
    rules = actions.policy(ctx.engine)
    label = metric_label(ctx)
    scores: dict[int, float] = {}
    values: dict[str, float] = {}
    with st.form(f"appraisal_self_{cycle.cycle_id}"):
        if lines is not None and lines.height:
            st.markdown(t("appraisal.mine.self_scores"))
            cols = st.columns(min(4, lines.height))
            for i, row in enumerate(lines.sort("position").iter_rows(named=True)):
                start = row["score"] if row["score"] is not None else 100.0
                scores[int(row["kpi_id"])] = cols[i % len(cols)].number_input(
                    label(row["metric"]),
                    min_value=0.0,
                    max_value=float(rules.max_points),
                    value=float(round(start)),
                    step=5.0,
                    key=f"appraisal_self_kpi_{row['kpi_id']}",
                )
        st.markdown(t("appraisal.mine.self_values"))
        cols = st.columns(3)
        for i, value in enumerate(rules.values):
            values[value] = cols[i % 3].number_input(
                value_label(value),
                min_value=1.0,
                max_value=5.0,
                value=4.0,
                step=0.5,
                key=f"appraisal_self_value_{cycle.cycle_id}_{value}",
            )
        ability = attitude = None
        if cycle.kind == "annual":
            left, right = st.columns(2)
            ability = left.number_input(
                t("appraisal.field.ability"),
                1.0,
                5.0,
                4.0,
                0.5,
                key=f"appraisal_self_ability_{cycle.cycle_id}",
            )
            attitude = right.number_input(
                t("appraisal.field.attitude"),
                1.0,
                5.0,
                4.0,
                0.5,
                key=f"appraisal_self_attitude_{cycle.cycle_id}",
            )
        comment = st.text_area(
            t("appraisal.mine.self_comment"), key=f"appraisal_self_comment_{cycle.cycle_id}"
        )
        if st.form_submit_button(t("appraisal.mine.submit_self"), type="primary"):
            run_action(
                ctx,
                lambda: actions.submit_self_review(
                    ctx.engine,
                    ctx.signed_in_viewer,
                    ctx.actor,
                    cycle.cycle_id,
                    comment,
                    scores,
                    values,
                    ability,
                    attitude,
                ),
                t("appraisal.mine.self_submitted"),
            )


def _evaluation(ctx: PageContext, cycle: CycleInfo, record: dict[str, object]) -> None:
    st.subheader(t("appraisal.mine.evaluation"))
    closed = cycle.state == "closed"
    left, right = st.columns(2)
    left.markdown(t("appraisal.mine.manager_comment", comment=record["manager_comment"] or "—"))
    scored = value_scores_from_json(str(record["manager_values"]))
    left.dataframe(
        pl.DataFrame(
            {
                t("appraisal.value_label"): [value_label(v) for v in scored],
                t("appraisal.score"): list(scored.values()),
            }
        ),
        hide_index=True,
    )
    facts = [
        (t("appraisal.results_score"), number(record["results_score"], 1)),  # type: ignore[arg-type]
        (t("appraisal.values_score"), number(record["values_score"], 2)),  # type: ignore[arg-type]
        (t("appraisal.final_score"), number(record["final_score"], 1)),  # type: ignore[arg-type]
        (t("appraisal.grid_label"), grid_label(record["grid"])),  # type: ignore[arg-type]
    ]
    if closed:
        training = record["training"] or []
        facts += [
            (t("appraisal.rating_label"), rating_label(record["rating"])),  # type: ignore[arg-type]
            (t("appraisal.bonus_multiplier"), number(record["bonus_multiplier"], 2)),  # type: ignore[arg-type]
            (t("appraisal.raise"), percent(record["raise_pct"])),  # type: ignore[arg-type]
            (
                t("appraisal.promotion"),
                t("appraisal.yes") if record["promotion"] else t("appraisal.no"),
            ),
            (t("appraisal.training"), training_text(ctx, list(training))),  # type: ignore[arg-type]
        ]
    right.dataframe(
        pl.DataFrame(
            {
                t("appraisal.item"): [f for f, _ in facts],
                t("appraisal.value_col"): [v for _, v in facts],
            }
        ),
        hide_index=True,
    )


def _history(ctx: PageContext, me: Viewer) -> None:
    rows = queries.history(ctx.engine, me).sort("period")
    if rows.is_empty():
        return
    st.subheader(t("appraisal.mine.history"))
    chart(charts.history_chart(rows))
    shown = rows.with_columns(
        pl.col("rating").map_elements(rating_label, return_dtype=pl.String),
        pl.col("grid").map_elements(grid_label, return_dtype=pl.String),
    )
    table_with_download(
        renamed(
            shown,
            {
                "period": "appraisal.period",
                "kpi_score": "appraisal.kpi_score",
                "values_score": "appraisal.values_score",
                "final_score": "appraisal.final_score",
                "rating": "appraisal.rating_label",
                "grid": "appraisal.grid_label",
                "bonus_multiplier": "appraisal.bonus_multiplier",
            },
        ),
        "appraisal_my_history",
        "appraisal_mine_history",
    )
