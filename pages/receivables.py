"""Receivables: what customers still owe on the lines in scope, and how late it is.

Everyone in a business role, in their scope (a rep: their own lines). The
ageing per person (their own lines) and per team (everyone below them), then a
person's open lines, oldest first, a page at a time. Directors record a payment
received here (``command_center.cash.record_payment``, which checks every rule
again). Widgets and layout only; the rules are docs/collections.md.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center import cash, keys
from command_center.context import PageContext
from command_center.i18n import date, labels_now, money, t
from command_center.ui.actions import run_action, show_flash
from command_center.ui.widgets import (
    Kpi,
    data_table,
    kpi_row,
    money_column,
    page_header,
    table_with_download,
)

PAGE_ROWS = 50
PERSON_KEY = "receivables_person"
PAGE_KEY = "receivables_page"


def render(ctx: PageContext) -> None:
    page_header(ctx, "cash.title")
    show_flash()
    today = dt.date.today()
    terms = cash.payment_terms_days()
    st.caption(t("cash.rule", days=terms, day=date(today)))
    people = ctx.people()
    by_person = cash.ageing(ctx.engine, ctx.viewer, today, terms)
    totals = by_person.select(pl.col(*cash.BUCKETS, "total", "overdue").sum())
    row = totals.row(0, named=True) if by_person.height else {}
    kpi_row(
        [
            Kpi(t("cash.total"), row.get("total", 0.0), "currency"),
            Kpi(t("cash.overdue"), row.get("overdue", 0.0), "currency", higher_is_better=False),
            Kpi(
                t("cash.bucket.d90_plus"),
                row.get("d90_plus", 0.0),
                "currency",
                higher_is_better=False,
            ),
        ]
    )
    _ageing_table(people, by_person)
    _drill_down(ctx, people, today)
    if ctx.signed_in_viewer.role in cash.RECORD_ROLES and ctx.signed_in_viewer.sees_all:
        _record_form(ctx, today)


def _ageing_table(people: pl.DataFrame, by_person: pl.DataFrame) -> None:
    st.subheader(t("cash.by_person"))
    if by_person.is_empty():
        st.info(t("cash.nothing_open"))
        return
    team = cash.ageing_by_team(by_person, people.select("person_id", "manager_id"))
    own = by_person.select("person_id", pl.col("total").alias("own"))
    shown = (
        people.select("person_id", "name", "level")
        .join(team, on="person_id", how="inner")
        .join(own, on="person_id", how="left")
        .with_columns(
            pl.col("own").fill_null(0.0),
            pl.col("level").replace_strict(
                {lvl: t(f"level.{lvl}") for lvl in ("rep", "supervisor", "manager", "director")},
                default=pl.col("level"),
            ),
        )
        .sort("total", descending=True)
        .select("name", "level", "own", *cash.BUCKETS, "total", "overdue")
    )
    config = {
        "name": t("cash.name"),
        "level": t("cash.level"),
        "own": money_column(t("cash.own")),
        **{b: money_column(t(f"cash.bucket.{b}")) for b in cash.BUCKETS},
        "total": money_column(t("cash.team_total")),
        "overdue": money_column(t("cash.overdue")),
    }
    st.caption(t("cash.team_note"))
    table_with_download(shown, f"receivables-{dt.date.today().isoformat()}", "receivables", config)


def _drill_down(ctx: PageContext, people: pl.DataFrame, today: dt.date) -> None:
    st.subheader(t("cash.open_lines"))
    options = people.sort("name", "person_id")["person_id"].to_list()
    if not options:
        return
    names = dict(people.select("person_id", "name").iter_rows())
    own = ctx.signed_in_viewer.person_id
    person = st.selectbox(
        t("cash.person"),
        options,
        index=options.index(own) if own in options else 0,
        format_func=labels_now(options, lambda p: names[p]),
        key=PERSON_KEY,
    )
    if person is None:
        return
    _, count = cash.open_lines(ctx.engine, ctx.viewer, person, today, 0, 0)
    if count == 0:
        st.info(t("cash.person_nothing_open"))
        return
    pages = max(1, -(-count // PAGE_ROWS))
    number = int(
        st.number_input(t("cash.page", pages=pages), 1, pages, 1, key=f"{PAGE_KEY}_{person}")
    )
    page, _ = cash.open_lines(
        ctx.engine, ctx.viewer, person, today, (number - 1) * PAGE_ROWS, PAGE_ROWS
    )
    customers = keys.keys_for(ctx.engine, "customer", page["customer_id"].to_list())
    shown = page.with_columns(
        pl.col("customer_id").replace_strict(customers, default="", return_dtype=pl.String),
        pl.col("bucket").replace_strict(
            {b: t(f"cash.bucket.{b}") for b in cash.BUCKETS}, default=pl.col("bucket")
        ),
    ).select(
        "order_key",
        "customer_id",
        "order_date",
        "due_on",
        "days_past_due",
        "bucket",
        "revenue",
        "refunded",
        "collected",
        "outstanding",
    )
    config = {
        "order_key": t("cash.order"),
        "customer_id": t("cash.customer"),
        "order_date": st.column_config.DateColumn(t("cash.order_date")),
        "due_on": st.column_config.DateColumn(t("cash.due_on")),
        "days_past_due": st.column_config.NumberColumn(t("cash.days_past_due")),
        "bucket": t("cash.bucket_label"),
        "revenue": money_column(t("cash.revenue")),
        "refunded": money_column(t("cash.refunded")),
        "collected": money_column(t("cash.collected")),
        "outstanding": money_column(t("cash.outstanding")),
    }
    st.caption(t("cash.lines_count", count=count))
    data_table(shown, config, key=f"receivables_lines_{person}_{number}")


def _record_form(ctx: PageContext, today: dt.date) -> None:
    st.subheader(t("cash.record"))
    with st.form("receivables_record", clear_on_submit=False):
        order_key = st.text_input(t("cash.order"), key="receivables_order")
        paid_on = st.date_input(t("cash.paid_on"), value=today, max_value=today)
        amount = st.number_input(t("cash.amount"), min_value=0.0, step=100.0, format="%.2f")
        payment_key = st.text_input(t("cash.payment_key"), key="receivables_payment_key")
        submitted = st.form_submit_button(t("cash.record_button"))
    if not submitted:
        return
    found = keys.ids_for(ctx.engine, "order", [order_key.strip()])
    if order_key.strip() not in found:
        st.error(t("cash.unknown_order", order=order_key.strip()))
        return
    order_id = found[order_key.strip()]

    def action() -> int:
        return cash.record_payment_now(
            ctx.engine,
            ctx.signed_in_viewer,
            order_id,
            paid_on,
            float(amount),
            payment_key.strip() or None,
        )

    run_action(
        action,
        lambda _: t("cash.recorded", amount=money(float(amount), 2), order=order_key.strip()),
        (cash.PaymentError, PermissionError),
        lambda error: t("cash.refused", reason=str(error)),
    )
