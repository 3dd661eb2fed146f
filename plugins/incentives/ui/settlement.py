"""Settlement: compute a month for everyone in scope, review it, lock it; answer disputes."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import data_table, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row
from plugins.incentives import actions, queries
from plugins.incentives.ui.common import (
    can_settle,
    component_labels,
    level_label,
    money_config,
    month_label,
    names_of,
    sales_months,
)

STATUSES = ("draft", "locked", "unlocked")


def render(ctx: PageContext) -> None:
    page_header(ctx, "incentives.settle.title")
    months = sales_months(ctx)
    if not months:
        st.info(t("incentives.no_sales"))
        return
    month = _month(ctx, months)
    label = month_label(month)
    current = queries.current_statements(ctx.engine, ctx.viewer, label)
    _kpis(ctx, current)
    _versions(ctx, label)
    if can_settle(ctx):
        _actions(ctx, month, label)
    _review(ctx, current, label)
    _inbox(ctx)


def _month(ctx: PageContext, months: list[dt.date]) -> dt.date:
    ordered = sorted(months, reverse=True)
    labels = [month_label(m) for m in ordered]
    wanted = month_label(ctx.period.end)
    index = labels.index(wanted) if wanted in labels else 0
    chosen = st.selectbox(t("incentives.month"), labels, index=index, key="incentives_settle_month")
    return ordered[labels.index(chosen)]


def _kpis(ctx: PageContext, current: pl.DataFrame) -> None:
    total = float(current["payout"].sum()) if current.height else None
    revenue = float(current["revenue"].sum()) if current.height else 0.0
    locked = current.filter(pl.col("status") == "locked").height
    kpi_row(
        [
            Kpi(t("incentives.settle.total"), total, "currency"),
            Kpi(t("incentives.settle.people"), current.height, "count"),
            Kpi(t("incentives.settle.locked_people"), locked, "count"),
            Kpi(
                t("incentives.sim.cost_of_sales"),
                total / revenue if revenue and total else None,
                "percent",
                None,
                False,
            ),
        ]
    )


def _versions(ctx: PageContext, label: str) -> None:
    versions = queries.settlements(ctx.engine, label)
    st.subheader(t("incentives.settle.versions"))
    if versions.is_empty():
        st.caption(t("incentives.settle.none_yet", period=label))
        return
    # People and totals within the viewer's scope only (a version may cover more).
    mine = (
        queries.statements(ctx.engine, ctx.viewer, period=label)
        .group_by("settlement_id")
        .agg(pl.len().alias("_people"), pl.col("payout").sum().alias("_total"))
    )
    versions = versions.join(mine, on="settlement_id", how="left").with_columns(
        pl.col("_people").fill_null(0).alias("people"),
        pl.col("_total").fill_null(0.0).alias("total"),
    )
    names = {s: t(f"incentives.status.{s}") for s in STATUSES}
    shown = versions.select(
        pl.col("version").alias(t("incentives.version")),
        pl.col("status")
        .replace_strict(names, return_dtype=pl.String)
        .alias(t("incentives.st.status")),
        pl.col("people").alias(t("incentives.settle.people")),
        pl.col("total").alias(t("incentives.settle.total")),
        pl.col("computed_by").alias(t("incentives.settle.computed_by")),
        pl.col("computed_at").alias(t("incentives.settle.computed_at")),
        pl.col("locked_by").alias(t("incentives.settle.locked_by")),
        pl.col("reason").alias(t("incentives.settle.reason")),
    )
    data_table(
        shown,
        column_config=money_config(shown, [t("incentives.settle.total")], []),
    )


def _actions(ctx: PageContext, month: dt.date, label: str) -> None:
    versions = queries.settlements(ctx.engine, label)
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
                done = actions.compute_settlement(
                    ctx.engine, ctx.registry, ctx.viewer, month, ctx.actor
                )
            except actions.IncentivesError as exc:
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
                actions.lock_settlement(ctx.engine, ctx.viewer, int(chosen), ctx.actor)
            except actions.IncentivesError as exc:
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
                actions.unlock_settlement(ctx.engine, ctx.viewer, int(chosen), reason, ctx.actor)
            except actions.IncentivesError as exc:
                st.warning(exc.message)
            else:
                st.success(t("incentives.settle.unlocked_ok", version=vnames[chosen]))


def _review(ctx: PageContext, current: pl.DataFrame, label: str) -> None:
    st.subheader(t("incentives.settle.review"))
    if current.is_empty():
        st.caption(t("incentives.settle.none_yet", period=label))
        return
    lines = pl.concat(
        [
            queries.settlement_lines(ctx.engine, ctx.viewer, int(sid))
            for sid in current["settlement_id"].unique().to_list()
        ]
    ).join(
        current.select("settlement_id", "person_id", "plan_version_id"),
        on=["settlement_id", "person_id"],
        how="inner",
    )
    labels: dict[str, str] = {}
    for vid in current["plan_version_id"].drop_nulls().unique().to_list():
        labels.update(component_labels(queries.plan(ctx.engine, int(vid))))
    kind_names = {
        "gate": t("incentives.line.gate_short"),
        "cap": t("incentives.line.cap"),
        "clawback": t("incentives.line.clawback"),
    }
    lines = lines.with_columns(
        pl.when(pl.col("kind") == "component")
        .then(pl.col("name").replace(labels))
        .otherwise(pl.col("kind").replace(kind_names))
        .alias("_label")
    )
    wide = (
        lines.group_by("person_id", "_label")
        .agg(pl.col("amount").sum())
        .pivot(on="_label", index="person_id", values="amount")
    )
    names = names_of(ctx)
    people = ctx.people().select("person_id", "level")
    base = current.join(people, on="person_id", how="left").select(
        "person_id",
        pl.col("person_id")
        .replace_strict(names, default="", return_dtype=pl.String)
        .alias(t("incentives.name")),
        pl.col("level")
        .map_elements(level_label, return_dtype=pl.String)
        .alias(t("incentives.level")),
        pl.col("status")
        .replace_strict({s: t(f"incentives.status.{s}") for s in STATUSES}, return_dtype=pl.String)
        .alias(t("incentives.st.status")),
        pl.col("plan_name").alias(t("incentives.plan")),
        pl.col("revenue").alias(t("incentives.st.revenue")),
        pl.col("quota").alias(t("incentives.st.quota")),
        pl.col("attainment").alias(t("incentives.st.attainment")),
        pl.col("payout").alias(t("incentives.st.payout")),
    )
    shown = (
        base.join(wide, on="person_id", how="left")
        .drop("person_id")
        .sort(t("incentives.st.payout"), descending=True)
    )
    money_cols = [
        c
        for c in shown.columns
        if c
        not in (
            t("incentives.name"),
            t("incentives.level"),
            t("incentives.st.status"),
            t("incentives.plan"),
            t("incentives.st.attainment"),
        )
    ]
    config = money_config(shown, money_cols, [t("incentives.st.attainment")])
    table_with_download(shown, f"settlement-{label}", "incentives_settle_table", config)


def _inbox(ctx: PageContext) -> None:
    st.subheader(t("incentives.dispute.inbox"))
    found = queries.disputes(ctx.engine, ctx.viewer)
    if ctx.viewer.person_id is not None:
        found = found.filter(pl.col("person_id") != ctx.viewer.person_id)
    if found.is_empty():
        st.caption(t("incentives.dispute.none"))
        return
    names = names_of(ctx)
    shown = found.select(
        pl.col("dispute_id").alias("#"),
        pl.col("person_id")
        .replace_strict(names, default="", return_dtype=pl.String)
        .alias(t("incentives.name")),
        pl.col("period").alias(t("incentives.month")),
        pl.col("status")
        .replace_strict(
            {s: t(f"incentives.dispute.{s}") for s in ("open", "answered")}, return_dtype=pl.String
        )
        .alias(t("incentives.st.status")),
        pl.col("question").alias(t("incentives.dispute.question")),
        pl.col("answer").alias(t("incentives.dispute.answer")),
    )
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
                actions.answer_dispute(ctx.engine, ctx.viewer, int(chosen), answer, ctx.actor)
            except actions.IncentivesError as exc:
                st.warning(exc.message)
            else:
                st.success(t("incentives.dispute.answered_ok", id=chosen))
