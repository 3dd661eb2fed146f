"""The filtered list of opportunities, with stalled-deal flags and downloads.

Filters and KPIs cover every matching deal; the table shows one page of
:data:`PAGE_SIZE` (sorted stalled first, then longest in stage), with
previous/next and "x–y of N". Customer and owner names are looked up for the
page only; the downloads hold every matching deal.
"""

from __future__ import annotations

import io

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, number, t
from command_center.io import csv_text
from command_center.ui import data_table, kpi_row, page_header
from command_center.ui.widgets import Kpi, percent_column
from plugins.pipeline import queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic import labels
from plugins.pipeline.logic.listing import (
    clamp_page,
    filter_deals,
    page_of,
    page_range,
    search_deals,
    shown_rows,
)
from plugins.pipeline.ui import page_data, widgets

PAGE = "pipeline_list_page"
FILTERS = "pipeline_list_filters"


def render(ctx: PageContext) -> None:
    page_header(ctx, "pipeline.page.list")
    conf = page_data.settings(ctx)
    opps = page_data.deals(ctx)
    stages = labels.stage_labels(conf)
    names = queries.names(ctx.engine)
    top = st.columns(4)
    chosen_stages = top[0].multiselect(
        t("pipeline.field.stage"),
        list(stages),
        default=conf.open_stages,
        format_func=labels_now(list(stages), stages.__getitem__),
        key="pipeline_list_stages",
    )
    sources = top[1].multiselect(
        t("pipeline.field.source"),
        list(cfg.SOURCES),
        format_func=labels_now(cfg.SOURCES, lambda s: labels.label("source", s)),
        key="pipeline_list_sources",
    )
    owners: list[int] = []
    if ctx.viewer.role != "rep":
        ids = sorted(set(opps["owner_id"].to_list()), key=lambda p: names.get(p, ""))
        owners = top[2].multiselect(
            t("pipeline.ui.owner"),
            ids,
            format_func=labels_now(ids, lambda p: names.get(p, str(p))),
            key="pipeline_list_owners",
        )
    search = top[3].text_input(t("pipeline.list.search"), key="pipeline_list_search")
    only_stalled = st.checkbox(
        t("pipeline.list.only_stalled", days=conf.stalled_days), key="pipeline_list_stalled"
    )
    rows = filter_deals(opps, chosen_stages, sources, owners, only_stalled)
    if search.strip():
        rows = search_deals(rows, _customers(ctx, rows), search.strip())
    kpi_row(
        [
            Kpi(t("pipeline.list.count"), float(rows.height), "count"),
            Kpi(t("pipeline.field.amount"), float(rows["amount"].sum()), "currency"),
            Kpi(t("pipeline.field.weighted"), float(rows["weighted"].sum()), "currency"),
            Kpi(
                t("pipeline.kpi.stalled"),
                float(rows["stalled"].sum()),
                "count",
                higher_is_better=False,
            ),
        ]
    )
    ordered = rows.sort(["stalled", "days_in_stage", "opp_id"], descending=[True, True, False])
    signature = (tuple(chosen_stages), tuple(sources), tuple(owners), only_stalled, search)
    if st.session_state.get(FILTERS) != signature:  # new filters: back to the first page
        st.session_state[FILTERS] = signature
        st.session_state[PAGE] = 0
    page = clamp_page(int(st.session_state.get(PAGE, 0)), ordered.height)
    st.session_state[PAGE] = page
    shown = page_of(ordered, page)
    _table(ctx, shown, stages, names)
    _pager(page, ordered.height)
    _downloads(ctx, ordered, stages, names)


def _step(delta: int) -> None:
    st.session_state[PAGE] = int(st.session_state.get(PAGE, 0)) + delta


def _pager(page: int, total: int) -> None:
    first, last = page_range(page, total)
    left, middle, right = st.columns([1, 3, 1])
    left.button(
        t("pipeline.list.previous"),
        key="pipeline_list_prev",
        disabled=page == 0,
        on_click=_step,
        args=(-1,),
    )
    middle.caption(
        t("pipeline.list.range", first=number(first), last=number(last), total=number(total))
    )
    right.button(
        t("pipeline.list.next"),
        key="pipeline_list_next",
        disabled=last >= total,
        on_click=_step,
        args=(1,),
    )


def _table(
    ctx: PageContext, rows: pl.DataFrame, stages: dict[str, str], names: dict[int, str]
) -> None:
    frame = shown_rows(rows, _customers(ctx, rows), stages, names)
    config = {
        t("pipeline.field.amount"): widgets.money_column(t("pipeline.field.amount")),
        t("pipeline.field.weighted"): widgets.money_column(t("pipeline.field.weighted")),
        t("pipeline.field.probability"): percent_column(t("pipeline.field.probability")),
    }
    data_table(frame, column_config=config)


def xlsx_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_excel(buffer)
    return buffer.getvalue()


def _downloads(
    ctx: PageContext, rows: pl.DataFrame, stages: dict[str, str], names: dict[int, str]
) -> None:
    """CSV and XLSX of every matching deal, built only when asked for."""
    if rows.is_empty():
        return

    def shown() -> pl.DataFrame:
        return shown_rows(rows, _customers(ctx, rows), stages, names)

    left, right = st.columns(2)
    left.download_button(
        t("ui.download_csv"),
        lambda: csv_text(shown()).encode("utf-8-sig"),
        file_name="opportunities.csv",
        mime="text/csv",
        key="pipeline_list_csv",
        on_click="ignore",
    )
    right.download_button(
        t("ui.download_xlsx"),
        lambda: xlsx_bytes(shown()),
        file_name="opportunities.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="pipeline_list_xlsx",
        on_click="ignore",
    )


def _customers(ctx: PageContext, rows: pl.DataFrame) -> dict[int, str]:
    """Names of the customers of ``rows`` (looked up for these rows only)."""
    return queries.customer_names(ctx.engine, rows["customer_id"].unique().to_list())
