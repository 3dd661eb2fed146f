"""Follow-ups: my overdue follow-ups today (rep), the team's overdue list, the log."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row, registry_kpis
from plugins.customers import charts
from plugins.customers.logic import activity as activity_logic
from plugins.customers.logic import cadence, display, labels
from plugins.customers.queries import activity
from plugins.customers.queries import book as book_q
from plugins.customers.ui import forms, page_data

KPI_KEYS = ("followups", "visits", "new_customers")


def render(ctx: PageContext) -> None:
    page_header(ctx, "customers.followups.title")
    if ctx.viewer.role == "admin":
        st.info(t("customers.no_business_rows"))
        return
    dues = page_data.due_list(ctx)
    _kpis(ctx, dues)
    people = page_data.names(ctx)
    if ctx.viewer.role == "rep":
        st.subheader(t("customers.followups.my_overdue"))
    else:
        st.subheader(t("customers.followups.team_overdue"))
    pending = cadence.pending(dues)
    if pending.is_empty():
        st.success(t("customers.followups.all_done"))
    else:
        if ctx.viewer.role != "rep":
            _by_owner(pending, people)
        _due_table(pending, people, ctx.viewer.role != "rep")
    st.subheader(t("customers.followups.log_one"))
    options = labels.customer_labels(cadence.followup_choices(dues, page_data.MAX_ROWS))
    if ctx.viewer.person_id is None:
        st.info(t("customers.followups.nothing_to_log"))
    else:
        forms.followup_form(ctx, options, "customers_fu_page")
    _log(ctx, people)


def _kpis(ctx: PageContext, dues: pl.DataFrame) -> None:
    cards = registry_kpis(ctx, KPI_KEYS, ctx.roots())
    cards.append(
        Kpi(t("customers.kpi.overdue"), float((dues["status"] == "overdue").sum()), "count",
            higher_is_better=False)
    )  # fmt: skip
    cards.append(Kpi(t("customers.kpi.due_today"), float((dues["status"] == "due").sum()), "count"))
    kpi_row(cards)


def _by_owner(pending: pl.DataFrame, people: dict[int, str]) -> None:
    counts = cadence.overdue_by_owner(pending, labels.owner_names(people))
    if counts.is_empty():
        return
    chart(charts.overdue_by_owner(counts))


def _due_table(pending: pl.DataFrame, people: dict[int, str], with_owner: bool) -> None:
    shown = display.due_table(pending, people, with_owner)
    table_with_download(shown.head(page_data.MAX_ROWS), "overdue", "customers_due")


def _log(ctx: PageContext, people: dict[int, str]) -> None:
    st.subheader(t("customers.followups.recent"))
    start, end = ctx.period.start, ctx.period.last_day
    days = activity.followup_days(ctx.engine, ctx.viewer, start, end)
    if days.is_empty():
        st.info(t("customers.followups.none_in_period"))
        return
    weekly = activity_logic.followups_by_week(days)
    chart(
        charts.weekly(
            weekly,
            "followups",
            t("customers.metric.followups"),
            t("customers.followups.channel"),
        )
    )
    shown = activity.followups(
        ctx.engine, ctx.viewer, start=start, end=end, limit=page_data.MAX_ROWS, co_visited=True
    )
    names = labels.customer_labels(
        book_q.names(ctx.engine, shown["customer_id"].unique().to_list())
    )
    went = activity.co_visitor_names(ctx.engine, shown["followup_id"].to_list())
    table_with_download(
        display.followup_table(shown, people, names, went),
        "followups",
        "customers_fu_log",
    )
