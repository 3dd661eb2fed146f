"""Customers: the archive (search and filter) and the opened customer's record."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row, money_column
from plugins.customers.logic.abc import GRADES
from plugins.customers.models import CLASSES
from plugins.customers.queries import book as book_q
from plugins.customers.queries.grades import scoped_grades
from plugins.customers.ui import common, detail


def render(ctx: PageContext) -> None:
    page_header(ctx, "customers.archive.title")
    if ctx.viewer.role == "admin":
        st.info(t("customers.no_business_rows"))
        return
    dues = common.due_list(ctx)
    book = _with_figures(ctx, dues)
    public = book_q.public_pool(ctx.engine, ctx.viewer).height
    kpi_row(
        [
            Kpi(
                t("customers.kpi.customers"),
                float(book.filter(pl.col("owner_id").is_not_null()).height),
                "count",
            ),
            Kpi(t("customers.kpi.a_customers"), float((book["grade"] == "A").sum()), "count"),
            Kpi(
                t("customers.kpi.overdue"),
                float((dues["status"] == "overdue").sum()),
                "count",
                higher_is_better=False,
            ),
            Kpi(t("customers.kpi.public_pool"), float(public), "count"),
        ]
    )
    found = _filtered(ctx, book)
    st.caption(
        t("customers.archive.found", count=found.height, shown=min(found.height, common.MAX_ROWS))
    )
    _table(ctx, found.head(common.MAX_ROWS))
    _open(ctx, found)


def _with_figures(ctx: PageContext, dues: pl.DataFrame) -> pl.DataFrame:
    """The viewer's book with company grade, cadence and revenue over the ABC window."""
    rules = common.rules(ctx)
    book = book_q.book(ctx.engine, ctx.viewer)
    revenue = scoped_grades(
        ctx.engine, ctx.viewer, common.today(), rules.abc_months, rules.cutoffs
    ).select("customer_id", "revenue")
    return (
        book.join(common.company_grades(ctx), on="customer_id", how="left")
        .join(
            dues.select("customer_id", "last_followup", "due_on", "status"),
            on="customer_id",
            how="left",
        )
        .join(revenue, on="customer_id", how="left")
        .with_columns(pl.col("grade").fill_null("C"), pl.col("revenue").fill_null(0.0))
    )


def _filtered(ctx: PageContext, book: pl.DataFrame) -> pl.DataFrame:
    left, mid, right = st.columns([2, 1, 1])
    text = left.text_input(t("customers.archive.search"), key="customers_search").strip()
    grades = mid.multiselect(t("customers.grade"), list(GRADES), key="customers_f_grade")
    classes = right.multiselect(
        t("customers.classification"),
        list(CLASSES),
        format_func=common.select_label(CLASSES, "class"),
        key="customers_f_class",
    )
    industries = sorted(v for v in book["industry"].unique().to_list() if v)
    left2, mid2, right2 = st.columns([2, 1, 1])
    industry = left2.multiselect(t("customers.industry"), industries, key="customers_f_industry")
    statuses = ["overdue", "due", "ok"]
    status = mid2.multiselect(
        t("customers.archive.cadence"),
        statuses,
        format_func=common.select_label(statuses, "status"),
        key="customers_f_status",
    )
    people = common.names(ctx)
    owners = sorted({o for o in book["owner_id"].drop_nulls().to_list() if o in people})
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
    out = book
    if text:
        needle = text.casefold()
        digits = "".join(ch for ch in text if ch.isdigit())
        cond = pl.col("name").str.to_lowercase().str.contains(needle, literal=True)
        cond = cond | pl.col("tax_id").str.to_uppercase().str.contains(text.upper(), literal=True)
        if digits:
            cond = cond | pl.col("phone_key").str.contains(digits, literal=True)
            cond = cond | (pl.col("customer_id").cast(pl.String) == digits)
        out = out.filter(cond)
    if grades:
        out = out.filter(pl.col("grade").is_in(grades))
    if classes:
        out = out.filter(pl.col("size").is_in(classes))
    if industry:
        out = out.filter(pl.col("industry").is_in(industry))
    if status:
        out = out.filter(pl.col("status").is_in(status))
    if owner:
        out = out.filter(pl.col("owner_id").is_in(owner))
    return out.sort(["revenue", "customer_id"], descending=[True, False])


def _table(ctx: PageContext, rows: pl.DataFrame) -> None:
    people = common.names(ctx)
    cols = {
        "customer_id": t("customers.col.id"),
        "name": t("customers.col.name"),
        "grade": t("customers.grade"),
        "size": t("customers.classification"),
        "industry": t("customers.industry"),
        "region": t("customers.region"),
        "owner": t("customers.owner"),
        "revenue": t("customers.col.revenue_window"),
        "last_followup": t("customers.col.last_followup"),
        "due_on": t("customers.col.due_on"),
        "status": t("customers.archive.cadence"),
        "locked": t("customers.col.locked"),
    }
    shown = common.relabel(common.relabel(rows, "size", "class"), "status", "status")
    shown = shown.with_columns(common.owner_names(people).alias("owner")).select(
        [pl.col(k).alias(v) for k, v in cols.items()]
    )
    table_with_download(
        shown,
        "customers",
        "customers_table",
        column_config={cols["revenue"]: money_column(cols["revenue"])},
    )


def _open(ctx: PageContext, found: pl.DataFrame) -> None:
    st.subheader(t("customers.archive.open"))
    options = found.head(common.MAX_ROWS)["customer_id"].to_list()
    wanted = st.session_state.get(common.OPEN_KEY)
    if (
        wanted is not None
        and wanted not in options
        and book_q.customer_row(ctx.engine, ctx.viewer, wanted)
    ):
        options = [wanted, *options]
    if not options:
        st.info(t("customers.archive.none"))
        return
    labels = common.customer_labels(
        book_q.book(ctx.engine, ctx.viewer).filter(pl.col("customer_id").is_in(options))
    )
    index = options.index(wanted) if wanted in options else 0
    chosen = st.selectbox(
        t("customers.archive.customer"),
        options,
        index=index,
        format_func=labels_now(options, lambda c: labels.get(c, str(c))),
        key="customers_open_pick",
    )
    st.session_state[common.OPEN_KEY] = chosen
    detail.render_customer(ctx, int(chosen))
