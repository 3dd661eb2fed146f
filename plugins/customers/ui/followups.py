"""Follow-ups: my overdue follow-ups today (rep), the team's overdue list, the log."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.metrics import total
from command_center.ui import COLORS, chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_delta, kpi_row
from plugins.customers.queries import activity
from plugins.customers.queries import book as book_q
from plugins.customers.ui import common, detail, forms

KPI_KEYS = ("followups", "visits", "new_customers")


def render(ctx: PageContext) -> None:
    page_header(ctx, "customers.followups.title")
    if ctx.viewer.role == "admin":
        st.info(t("customers.no_business_rows"))
        return
    dues = common.due_list(ctx)
    _kpis(ctx, dues)
    people = common.names(ctx)
    if ctx.viewer.role == "rep":
        st.subheader(t("customers.followups.my_overdue"))
    else:
        st.subheader(t("customers.followups.team_overdue"))
    pending = dues.filter(pl.col("status") != "ok").sort(
        ["days_overdue", "customer_id"], descending=[True, False]
    )
    if pending.is_empty():
        st.success(t("customers.followups.all_done"))
    else:
        if ctx.viewer.role != "rep":
            _by_owner(pending, people)
        _due_table(pending, people, ctx.viewer.role != "rep")
    st.subheader(t("customers.followups.log_one"))
    options = common.customer_labels(
        pending.select("customer_id", "name")
        .vstack(dues.filter(pl.col("status") == "ok").sort("due_on").select("customer_id", "name"))
        .head(common.MAX_ROWS)
    )
    if ctx.viewer.person_id is None:
        st.info(t("customers.followups.nothing_to_log"))
    else:
        forms.followup_form(ctx, options, "customers_fu_page")
    _log(ctx, people)


def _kpis(ctx: PageContext, dues: pl.DataFrame) -> None:
    cards = []
    roots = ctx.roots()
    for key in KPI_KEYS:
        if key not in ctx.registry:
            continue
        spec = ctx.registry.spec(key)
        tot = total(ctx.registry, ctx.engine, ctx.viewer, key, ctx.period, roots)
        delta = kpi_delta(tot.value, spec.unit, tot.target, tot.previous)
        cards.append(Kpi(t(spec.label), tot.value, spec.unit, delta, spec.higher_is_better))
    cards.append(
        Kpi(t("customers.kpi.overdue"), float((dues["status"] == "overdue").sum()), "count",
            higher_is_better=False)
    )  # fmt: skip
    cards.append(Kpi(t("customers.kpi.due_today"), float((dues["status"] == "due").sum()), "count"))
    kpi_row(cards)


def _by_owner(pending: pl.DataFrame, people: dict[int, str]) -> None:
    counts = (
        pending.filter(pl.col("status") == "overdue")
        .group_by("owner_id")
        .agg(pl.len().alias("customers"))
        .with_columns(common.owner_names(people).alias("owner"))
        .sort("customers", descending=True)
        .head(30)
    )
    if counts.is_empty():
        return
    spec = (
        alt.Chart(counts)
        .mark_bar(color=COLORS["bad"])
        .encode(
            x=alt.X("customers:Q", title=t("customers.kpi.overdue")),
            y=alt.Y("owner:N", sort="-x", title=t("customers.owner")),
            tooltip=[
                alt.Tooltip("owner:N", title=t("customers.owner")),
                alt.Tooltip("customers:Q", title=t("customers.kpi.overdue")),
            ],
        )
        .properties(height=max(120, 22 * counts.height))
    )
    chart(spec)


def _due_table(pending: pl.DataFrame, people: dict[int, str], with_owner: bool) -> None:
    shown = common.relabel(common.relabel(pending, "status", "status"), "size", "class")
    columns = [
        pl.col("customer_id").alias(t("customers.col.id")),
        pl.col("name").alias(t("customers.col.name")),
        pl.col("grade").alias(t("customers.grade")),
        pl.col("size").alias(t("customers.classification")),
    ]
    if with_owner:
        columns.append(common.owner_names(people).alias(t("customers.owner")))
    columns += [
        pl.col("last_touch").alias(t("customers.col.last_touch")),
        pl.col("due_on").alias(t("customers.col.due_on")),
        pl.col("days_overdue").alias(t("customers.col.days_overdue")),
        pl.col("status").alias(t("customers.archive.cadence")),
    ]
    table_with_download(shown.select(columns).head(common.MAX_ROWS), "overdue", "customers_due")


def _log(ctx: PageContext, people: dict[int, str]) -> None:
    st.subheader(t("customers.followups.recent"))
    start, end = ctx.period.start, ctx.period.last_day
    logged = activity.followups(ctx.engine, ctx.viewer, start=start, end=end)
    if logged.is_empty():
        st.info(t("customers.followups.none_in_period"))
        return
    weekly = (
        common.relabel(logged, "channel", "channel")
        .group_by(pl.col("followup_date").dt.truncate("1w").alias("week"), "channel")
        .agg(pl.len().alias("followups"))
    )
    spec = (
        alt.Chart(weekly)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title=t("customers.col.week")),
            y=alt.Y("followups:Q", title=t("customers.metric.followups")),
            color=alt.Color("channel:N", title=t("customers.followups.channel")),
            tooltip=[
                alt.Tooltip("week:T", title=t("customers.col.week")),
                alt.Tooltip("channel:N", title=t("customers.followups.channel")),
                alt.Tooltip("followups:Q", title=t("customers.metric.followups")),
            ],
        )
        .properties(height=240)
    )
    chart(spec)
    shown = logged.head(common.MAX_ROWS)
    names = common.customer_labels(
        book_q.names(ctx.engine, shown["customer_id"].unique().to_list())
    )
    table_with_download(
        detail.followup_table(shown, people, names),
        "followups",
        "customers_fu_log",
    )
