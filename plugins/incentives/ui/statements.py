"""Statements: one person's settled month, line by line and order by order.

A rep sees only their own, and only locked months; leaders see their
people's (drafts too, marked). Downloads: CSV, XLSX and a printable page.
The person may query a line of a locked statement; the answer shows here.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, money, t
from command_center.keys import keys_for
from command_center.ui import data_table, page_header
from command_center.ui.widgets import Kpi, kpi_row, ratio
from plugins.incentives.actions import disputes as dispute_actions
from plugins.incentives.errors import IncentivesError
from plugins.incentives.io.statement_files import StatementDoc, csv_bytes, html_page, xlsx_bytes
from plugins.incentives.logic.wording import statement_history
from plugins.incentives.queries import settlements as settlement_reads
from plugins.incentives.ui import estimate
from plugins.incentives.ui.widgets import ICONS, metric_labeller, money_config, names_of


def render(ctx: PageContext) -> None:
    page_header(ctx, "incentives.st.title")
    own = ctx.signed_in_viewer.person_id
    if own is not None and ctx.viewer.can_see(own):
        estimate.render(ctx, own)
        st.divider()
    current = settlement_reads.current_statements(ctx.engine, ctx.viewer)
    if current.is_empty():
        st.info(t("incentives.st.none"))
        return
    person = _person(ctx, current)
    mine = current.filter(pl.col("person_id") == person).sort("period", descending=True)
    periods = mine["period"].to_list()
    period = st.selectbox(t("incentives.month"), periods, key="incentives_st_period")
    row = mine.filter(pl.col("period") == period).row(0, named=True)
    show(ctx, row)


def _person(ctx: PageContext, current: pl.DataFrame) -> int:
    ids = sorted(set(current["person_id"].to_list()))
    if ctx.viewer.role == "rep" or len(ids) == 1:
        return ids[0]
    names = names_of(ctx)
    ids.sort(key=lambda p: names.get(p, ""))
    own = ctx.viewer.person_id
    index = ids.index(own) if own in ids else 0
    return st.selectbox(
        t("incentives.person"),
        ids,
        index=index,
        format_func=labels_now(ids, lambda p: names.get(p, str(p))),
        key="incentives_st_person",
    )


def show(ctx: PageContext, row: dict[str, Any]) -> None:
    doc, lines = settlement_reads.statement_doc(
        ctx.engine, ctx.viewer, row, names_of(ctx), metric_labeller(ctx)
    )
    if row["status"] == "locked":
        st.caption(f"{ICONS['lock']} {t('incentives.st.locked_note', version=row['version'])}")
    else:
        st.caption(f"{ICONS['draft']} {t('incentives.st.draft_note', version=row['version'])}")
    kpi_row(
        [
            Kpi(t("incentives.st.payout"), row["payout"], "currency"),
            Kpi(t("incentives.st.revenue"), row["revenue"], "currency"),
            Kpi(t("incentives.st.attainment"), row["attainment"], "percent"),
            Kpi(t("incentives.st.effective_rate"), ratio(row["payout"], row["revenue"]), "percent"),
        ]
    )
    st.subheader(t("incentives.st.lines"))
    amount = t("incentives.st.amount")
    data_table(
        doc.lines,
        column_config=money_config(doc.lines, [amount], [], fen=True),
    )
    st.markdown(f"**{t('incentives.st.total')}: {money(doc.total, 2)}**")
    st.subheader(t("incentives.st.orders"))
    st.caption(t("incentives.st.orders_help"))
    money_cols = [
        t("incentives.st.revenue"),
        t("incentives.st.profit"),
        t("incentives.st.contribution"),
        *(t(f"incentives.st.{c}") for c in settlement_reads.CASH_SHOWN),
        t("incentives.st.collected_to_date"),
    ]
    if t("incentives.st.held_back") in doc.orders.columns:
        st.caption(t("incentives.st.cash_help"))
    data_table(
        doc.orders,
        column_config=money_config(
            doc.orders, money_cols, [t("incentives.st.credit_share")], fen=True
        ),
    )
    _downloads(doc, row, set(money_cols) | {amount})
    _disputes(ctx, row, lines, doc)
    if ctx.viewer.role != "rep":
        _history(ctx, row)


def _downloads(doc: StatementDoc, row: dict[str, Any], money_cols: set[str]) -> None:
    base = f"statement-{row['person_id']}-{row['period']}"
    cols = st.columns(3)
    cols[0].download_button(
        t("ui.download_csv"),
        lambda: csv_bytes(doc),
        file_name=f"{base}.csv",
        mime="text/csv",
        key="incentives_st_csv",
        on_click="ignore",
    )
    cols[1].download_button(
        t("ui.download_xlsx"),
        lambda: xlsx_bytes(doc),
        file_name=f"{base}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="incentives_st_xlsx",
        on_click="ignore",
    )
    cols[2].download_button(
        t("incentives.st.print"),
        lambda: html_page(doc, money_cols).encode("utf-8"),
        file_name=f"{base}.html",
        mime="text/html",
        key="incentives_st_html",
        on_click="ignore",
    )


def _disputes(
    ctx: PageContext, row: dict[str, Any], lines: pl.DataFrame, doc: StatementDoc
) -> None:
    st.subheader(t("incentives.dispute.title"))
    found = settlement_reads.disputes(
        ctx.engine, ctx.viewer, person_id=int(row["person_id"])
    ).filter(pl.col("settlement_id") == row["settlement_id"])
    labels = dict(
        zip(lines["line_id"].to_list(), doc.lines[doc.lines.columns[0]].to_list(), strict=True)
    )
    orders = keys_for(ctx.engine, "order", found["order_id"].drop_nulls().to_list())  # shown keys
    for d in found.iter_rows(named=True):
        order = orders.get(d["order_id"], d["order_id"])
        what = labels.get(d["line_id"]) or t("incentives.st.order_ref", order=order)
        state = t(f"incentives.dispute.{d['status']}")
        with st.container(border=True):
            st.markdown(f"**{what}** · {state}")
            st.write(d["question"])
            if d["answer"]:
                st.caption(t("incentives.dispute.answer_by", who=d["answered_by"]))
                st.write(d["answer"])
    if found.is_empty():
        st.caption(t("incentives.dispute.none"))
    if row["status"] != "locked" or ctx.viewer.person_id != row["person_id"]:
        return
    options = lines["line_id"].to_list()
    with st.form("incentives_dispute_form", clear_on_submit=True):
        line = st.selectbox(
            t("incentives.dispute.line"),
            options,
            format_func=labels_now(options, lambda i: labels.get(i, str(i))),
            key="incentives_dispute_line",
        )
        question = st.text_area(t("incentives.dispute.question"), key="incentives_dispute_text")
        if st.form_submit_button(t("incentives.dispute.raise")):
            try:
                dispute_actions.raise_dispute(
                    ctx.engine,
                    ctx.viewer,
                    int(row["settlement_id"]),
                    question,
                    ctx.actor,
                    line_id=int(line),
                )
            except IncentivesError as exc:
                st.warning(exc.message)
            else:
                st.success(t("incentives.dispute.raised"))


def _history(ctx: PageContext, row: dict[str, Any]) -> None:
    versions = settlement_reads.statements(
        ctx.engine, ctx.viewer, period=str(row["period"]), person_id=int(row["person_id"])
    )
    if versions.height < 2:
        return
    with st.expander(t("incentives.st.history")):
        data_table(statement_history(versions))
