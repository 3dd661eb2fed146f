"""Customers: the archive (search and filter) and the opened customer's record."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row, money_column
from plugins.customers.logic import archive as archive_logic
from plugins.customers.logic import display, labels
from plugins.customers.logic.abc import GRADES
from plugins.customers.models import CLASSES
from plugins.customers.queries import book as book_q
from plugins.customers.queries import figures as figures_q
from plugins.customers.ui import detail, forms, page_data

PAGE_KEY = "customers_archive_page"
FILTER_KEY = "customers_archive_filter"


def render(ctx: PageContext) -> None:
    page_header(ctx, "customers.archive.title")
    if ctx.viewer.role == "admin":
        st.info(t("customers.no_business_rows"))
        return
    rules = page_data.rules(ctx)
    today = page_data.today()
    dues = page_data.due_list(ctx)
    figures = figures_q.archive_figures(ctx.engine, ctx.viewer, today, rules)
    public = book_q.public_pool(ctx.engine, ctx.viewer).height
    kpi_row(
        [
            Kpi(
                t("customers.kpi.customers"),
                float(figures["owner_id"].is_not_null().sum()),
                "count",
            ),
            Kpi(t("customers.kpi.a_customers"), float((figures["grade"] == "A").sum()), "count"),
            Kpi(
                t("customers.kpi.overdue"),
                float((dues["status"] == "overdue").sum()),
                "count",
                higher_is_better=False,
            ),
            Kpi(t("customers.kpi.public_pool"), float(public), "count"),
        ]
    )
    wanted = _filters(ctx, figures)
    if st.session_state.get(FILTER_KEY) != wanted:  # new filters: back to the first page
        st.session_state[FILTER_KEY] = wanted
        st.session_state[PAGE_KEY] = 0
    page = int(st.session_state.get(PAGE_KEY, 0))
    rows, total = figures_q.archive_page(ctx.engine, ctx.viewer, today, rules, wanted, page)
    page = min(page, archive_logic.last_page(total))
    st.session_state[PAGE_KEY] = page
    _pager(page, total)
    _table(ctx, rows)
    _open(ctx, rows)


def _filters(ctx: PageContext, figures: pl.DataFrame) -> archive_logic.ArchiveFilter:
    left, mid, right = st.columns([2, 1, 1])
    text = left.text_input(t("customers.archive.search"), key="customers_search").strip()
    grades = mid.multiselect(t("customers.grade"), list(GRADES), key="customers_f_grade")
    classes = right.multiselect(
        t("customers.classification"),
        list(CLASSES),
        format_func=forms.select_label(CLASSES, "class"),
        key="customers_f_class",
    )
    industries = sorted(v for v in figures["industry"].unique().to_list() if v)
    left2, mid2, right2 = st.columns([2, 1, 1])
    industry = left2.multiselect(t("customers.industry"), industries, key="customers_f_industry")
    statuses = ["overdue", "due", "ok"]
    status = mid2.multiselect(
        t("customers.archive.cadence"),
        statuses,
        format_func=forms.select_label(statuses, "status"),
        key="customers_f_status",
    )
    people = page_data.names(ctx)
    owners = sorted(o for o in figures["owner_id"].drop_nulls().unique().to_list() if o in people)
    owner = (
        right2.multiselect(
            t("customers.owner"),
            owners,
            format_func=labels_now(owners, lambda p: people.get(p, str(p))),
            key="customers_f_owner",
        )
        if ctx.viewer.role != "rep"
        else []
    )
    return archive_logic.ArchiveFilter(
        text=text,
        grades=tuple(grades),
        classes=tuple(classes),
        industries=tuple(industry),
        statuses=tuple(status),
        owners=tuple(int(o) for o in owner),
    )


def _pager(page: int, total: int) -> None:
    first, last = archive_logic.page_bounds(total, page)
    left, mid, right = st.columns([1, 4, 1])
    if left.button(t("customers.archive.previous"), key="customers_page_prev", disabled=page <= 0):
        st.session_state[PAGE_KEY] = page - 1
        st.rerun()
    if right.button(
        t("customers.archive.next"),
        key="customers_page_next",
        disabled=page >= archive_logic.last_page(total),
    ):
        st.session_state[PAGE_KEY] = page + 1
        st.rerun()
    if total:
        mid.caption(t("customers.archive.showing", first=first + 1, last=last, total=total))
    else:
        mid.caption(t("customers.archive.showing_none"))


def _table(ctx: PageContext, rows: pl.DataFrame) -> None:
    revenue = t("customers.col.revenue_window")
    table_with_download(
        display.archive_table(
            rows,
            page_data.names(ctx),
            page_data.customer_keys(ctx, rows["customer_id"].to_list()),
        ),
        "customers",
        "customers_table",
        column_config={revenue: money_column(revenue)},
    )


def _open(ctx: PageContext, rows: pl.DataFrame) -> None:
    st.subheader(t("customers.archive.open"))
    options = rows["customer_id"].to_list()
    picks = labels.customer_labels(rows)
    wanted = st.session_state.get(page_data.OPEN_KEY)
    if wanted is not None and wanted not in options:
        row = book_q.customer_row(ctx.engine, ctx.viewer, wanted)
        if row is not None:
            options = [wanted, *options]
            picks[wanted] = f"{row['name']} (#{wanted})"
    if not options:
        st.info(t("customers.archive.none"))
        return
    index = options.index(wanted) if wanted in options else 0
    chosen = st.selectbox(
        t("customers.archive.customer"),
        options,
        index=index,
        format_func=labels_now(options, lambda c: picks.get(c, str(c))),
        key="customers_open_pick",
    )
    st.session_state[page_data.OPEN_KEY] = chosen
    detail.render_customer(ctx, int(chosen))
