"""Settlement: compute a month for everyone in scope, review it, lock it; answer disputes."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, money, t
from command_center.ui import data_table, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row, ratio
from plugins.incentives.actions import disputes as dispute_actions
from plugins.incentives.actions import payroll as payroll_actions
from plugins.incentives.actions import settlement as settlement_actions
from plugins.incentives.errors import IncentivesError, month_label
from plugins.incentives.logic.settlement import month_summary
from plugins.incentives.logic.whatif import MAX_COST_OF_SALES
from plugins.incentives.logic.wording import (
    dispute_inbox,
    review_money_columns,
    review_table,
    settlement_versions,
)
from plugins.incentives.queries import figures as figure_reads
from plugins.incentives.queries import plans as plan_reads
from plugins.incentives.queries import settlements as settlement_reads
from plugins.incentives.ui.widgets import money_config, names_of


def render(ctx: PageContext) -> None:
    page_header(ctx, "incentives.settle.title")
    months = figure_reads.sales_months(ctx.engine)
    if not months:
        st.info(t("incentives.no_sales"))
        return
    month = _month(ctx, months)
    label = month_label(month)
    current = settlement_reads.current_statements(ctx.engine, ctx.viewer, label)
    _kpis(current)
    _versions(ctx, label)
    if ctx.viewer.role in settlement_actions.SETTLERS:
        _actions(ctx, month, label)
    _review(ctx, current, label)
    if ctx.viewer.role in payroll_actions.PAYROLL_ROLES:
        _payroll(ctx, label)
    _inbox(ctx)


def _month(ctx: PageContext, months: list[dt.date]) -> dt.date:
    ordered = sorted(months, reverse=True)
    labels = [month_label(m) for m in ordered]
    wanted = month_label(ctx.period.end)
    index = labels.index(wanted) if wanted in labels else 0
    chosen = st.selectbox(t("incentives.month"), labels, index=index, key="incentives_settle_month")
    return ordered[labels.index(chosen)]


def _kpis(current: pl.DataFrame) -> None:
    summary = month_summary(current)
    kpi_row(
        [
            Kpi(t("incentives.settle.total"), summary.total, "currency"),
            Kpi(t("incentives.settle.people"), summary.people, "count"),
            Kpi(t("incentives.settle.locked_people"), summary.locked, "count"),
            Kpi(
                t("incentives.sim.cost_of_sales"),
                ratio(summary.total, summary.revenue, limit=MAX_COST_OF_SALES),
                "percent",
                None,
                False,
            ),
        ]
    )


def _versions(ctx: PageContext, label: str) -> None:
    versions = settlement_reads.versions_in_scope(ctx.engine, ctx.viewer, label)
    st.subheader(t("incentives.settle.versions"))
    if versions.is_empty():
        st.caption(t("incentives.settle.none_yet", period=label))
        return
    shown = settlement_versions(versions)
    data_table(
        shown,
        column_config=money_config(shown, [t("incentives.settle.total")], []),
    )


def _actions(ctx: PageContext, month: dt.date, label: str) -> None:
    versions = settlement_reads.settlements(ctx.engine, label)
    drafts = versions.filter(pl.col("status") == "draft")["settlement_id"].to_list()
    locked = versions.filter(pl.col("status") == "locked")["settlement_id"].to_list()
    vnames = dict(versions.select("settlement_id", "version").iter_rows())
    fmt = labels_now(drafts + locked, lambda s: t("incentives.settle.version_n", n=vnames[s]))
    cols = st.columns(3)
    with cols[0], st.form("incentives_compute"):
        st.markdown(f"**{t('incentives.settle.compute')}**")
        st.caption(t("incentives.settle.compute_help", period=label))
        if st.form_submit_button(t("incentives.settle.compute_go")):
            try:
                done = settlement_actions.compute_settlement(
                    ctx.engine, ctx.registry, ctx.viewer, month, ctx.actor
                )
            except IncentivesError as exc:
                st.warning(exc.message)
            else:
                st.success(
                    t(
                        "incentives.settle.computed",
                        version=done.version,
                        people=done.people,
                        locked=done.skipped_locked,
                    )
                )
    with cols[1], st.form("incentives_lock"):
        st.markdown(f"**{t('incentives.settle.lock')}**")
        chosen = st.selectbox(
            t("incentives.settle.draft"), drafts, format_func=fmt, key="incentives_lock_pick"
        )
        if st.form_submit_button(t("incentives.settle.lock_go"), disabled=not drafts):
            try:
                settlement_actions.lock_settlement(ctx.engine, ctx.viewer, int(chosen), ctx.actor)
            except IncentivesError as exc:
                st.warning(exc.message)
            else:
                st.success(t("incentives.settle.locked_ok", version=vnames[chosen]))
    with cols[2], st.form("incentives_unlock"):
        st.markdown(f"**{t('incentives.settle.unlock')}**")
        chosen = st.selectbox(
            t("incentives.settle.locked"), locked, format_func=fmt, key="incentives_unlock_pick"
        )
        reason = st.text_input(t("incentives.settle.reason"), key="incentives_unlock_reason")
        if st.form_submit_button(t("incentives.settle.unlock_go"), disabled=not locked):
            try:
                settlement_actions.unlock_settlement(
                    ctx.engine, ctx.viewer, int(chosen), reason, ctx.actor
                )
            except IncentivesError as exc:
                st.warning(exc.message)
            else:
                st.success(t("incentives.settle.unlocked_ok", version=vnames[chosen]))


def _review(ctx: PageContext, current: pl.DataFrame, label: str) -> None:
    st.subheader(t("incentives.settle.review"))
    if current.is_empty():
        st.caption(t("incentives.settle.none_yet", period=label))
        return
    lines = settlement_reads.review_lines(ctx.engine, ctx.viewer, current)
    labels = plan_reads.component_labels_of(
        ctx.engine, current["plan_version_id"].drop_nulls().unique().to_list()
    )
    shown = review_table(current, lines, labels, ctx.people())
    config = money_config(shown, review_money_columns(shown), [t("incentives.st.attainment")])
    table_with_download(shown, f"settlement-{label}", "incentives_settle_table", config)


def _payroll(ctx: PageContext, label: str) -> None:
    """The payroll file of the month's locked statements in scope (CSV and XLSX)."""
    st.subheader(t("incentives.payroll.title"))
    try:
        files = [
            payroll_actions.payroll_file(ctx.engine, ctx.viewer, label, fmt)
            for fmt in payroll_actions.FORMATS
        ]
    except IncentivesError as exc:
        st.caption(exc.message)
        return
    st.caption(
        t(
            "incentives.payroll.caption",
            count=files[0].people,
            total=money(files[0].total_fen / 100, 2),
        )
    )
    cols = st.columns(len(files))
    mimes = {
        "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    for col, fmt, done in zip(cols, payroll_actions.FORMATS, files, strict=True):
        col.download_button(
            t(f"incentives.payroll.download_{fmt}"),
            done.data,
            file_name=done.name,
            mime=mimes[fmt],
            key=f"incentives_payroll_{fmt}",
            on_click=payroll_actions.record_export,
            args=(ctx.engine, done, label, fmt, ctx.actor),
        )


def _inbox(ctx: PageContext) -> None:
    st.subheader(t("incentives.dispute.inbox"))
    found = settlement_reads.disputes_to_answer(ctx.engine, ctx.viewer)
    if found.is_empty():
        st.caption(t("incentives.dispute.none"))
        return
    shown = dispute_inbox(found, names_of(ctx))
    data_table(shown)
    open_ids = found.filter(pl.col("status") == "open")["dispute_id"].to_list()
    if not open_ids:
        return
    questions = dict(found.select("dispute_id", "question").iter_rows())
    with st.form("incentives_answer", clear_on_submit=True):
        chosen = st.selectbox(
            t("incentives.dispute.pick"),
            open_ids,
            format_func=labels_now(open_ids, lambda d: f"#{d} · {questions[d][:40]}"),
            key="incentives_answer_pick",
        )
        answer = st.text_area(t("incentives.dispute.answer"), key="incentives_answer_text")
        if st.form_submit_button(t("incentives.dispute.send")):
            try:
                dispute_actions.answer_dispute(
                    ctx.engine, ctx.viewer, int(chosen), answer, ctx.actor
                )
            except IncentivesError as exc:
                st.warning(exc.message)
            else:
                st.success(t("incentives.dispute.answered_ok", id=chosen))
