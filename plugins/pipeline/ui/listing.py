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
from plugins.pipeline.ui import common

PAGE_SIZE = 50
PAGE = "pipeline_list_page"
FILTERS = "pipeline_list_filters"


def render(ctx: PageContext) -> None:
    page_header(ctx, "pipeline.page.list")
    conf = common.settings(ctx)
    opps = common.deals(ctx)
    stages = common.stage_labels(conf)
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
        format_func=labels_now(cfg.SOURCES, lambda s: common.label("source", s)),
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
        rows = search_deals(ctx, rows, search.strip())
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


def search_deals(ctx: PageContext, rows: pl.DataFrame, needle: str) -> pl.DataFrame:
    """Deals whose title or customer name contains ``needle`` (names of these rows only)."""
    customers = queries.customer_names(ctx.engine, rows["customer_id"].unique().to_list())
    named = rows.with_columns(
        pl.col("customer_id")
        .replace_strict(customers, default=None, return_dtype=pl.String)
        .alias("_customer")
    )
    return named.filter(
        pl.col("title").str.contains(needle, literal=True)
        | pl.col("_customer").str.contains(needle, literal=True).fill_null(False)
    ).drop("_customer")


def clamp_page(page: int, total: int) -> int:
    """``page`` (0-based) kept within the pages ``total`` rows make (at least one)."""
    last = max((total - 1) // PAGE_SIZE, 0)
    return min(max(page, 0), last)


def page_of(rows: pl.DataFrame, page: int) -> pl.DataFrame:
    return rows.slice(page * PAGE_SIZE, PAGE_SIZE)


def page_range(page: int, total: int) -> tuple[int, int]:
    """``(x, y)`` of "x–y of N", 1-based; ``(0, 0)`` when nothing matches."""
    if total == 0:
        return 0, 0
    first = page * PAGE_SIZE + 1
    return first, min(first + PAGE_SIZE - 1, total)


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


def filter_deals(
    opps: pl.DataFrame,
    stages: list[str],
    sources: list[str],
    owners: list[int],
    only_stalled: bool,
) -> pl.DataFrame:
    """The list's filters: none chosen means no filter on that column."""
    rows = opps
    if stages:
        rows = rows.filter(pl.col("stage").is_in(stages))
    if sources:
        rows = rows.filter(pl.col("source").is_in(sources))
    if owners:
        rows = rows.filter(pl.col("owner_id").is_in(owners))
    if only_stalled:
        rows = rows.filter(pl.col("stalled"))
    return rows


COLUMNS = {
    "opp_id": "pipeline.col.id",
    "title": "pipeline.field.title",
    "customer": "pipeline.field.customer",
    "owner": "pipeline.ui.owner",
    "stage": "pipeline.field.stage",
    "amount": "pipeline.field.amount",
    "probability": "pipeline.field.probability",
    "weighted": "pipeline.field.weighted",
    "expected_close": "pipeline.field.expected_close",
    "days_in_stage": "pipeline.field.days_in_stage",
    "stalled": "pipeline.kpi.stalled",
    "source": "pipeline.field.source",
    "channel": "pipeline.field.channel",
    "created_on": "pipeline.col.created_on",
}


def shown_rows(
    ctx: PageContext, rows: pl.DataFrame, stages: dict[str, str], names: dict[int, str]
) -> pl.DataFrame:
    """``rows`` (already in order) as the table shows them: names, labels, headers."""
    customers = queries.customer_names(ctx.engine, rows["customer_id"].unique().to_list())
    yes = t("pipeline.ui.yes")
    shown = rows.with_columns(
        pl.col("customer_id")
        .replace_strict(customers, default=None, return_dtype=pl.String)
        .alias("customer"),
        pl.col("stage").replace_strict(stages, default=pl.col("stage")),
        pl.col("owner_id")
        .replace_strict(names, default=None, return_dtype=pl.String)
        .alias("owner"),
        pl.col("source").replace_strict(
            {s: common.label("source", s) for s in cfg.SOURCES}, default=pl.col("source")
        ),
        pl.col("channel").replace_strict(
            {c: common.label("channel", c) for c in cfg.CHANNELS}, default=pl.col("channel")
        ),
        pl.when(pl.col("stalled")).then(pl.lit(yes)).otherwise(pl.lit("")).alias("stalled"),
        pl.col("created_at").dt.date().alias("created_on"),
    )
    return common.display(shown, COLUMNS)


def _table(
    ctx: PageContext, rows: pl.DataFrame, stages: dict[str, str], names: dict[int, str]
) -> None:
    frame = shown_rows(ctx, rows, stages, names)
    config = {
        t("pipeline.field.amount"): common.money_column(t("pipeline.field.amount")),
        t("pipeline.field.weighted"): common.money_column(t("pipeline.field.weighted")),
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
    left, right = st.columns(2)
    left.download_button(
        t("ui.download_csv"),
        lambda: csv_text(shown_rows(ctx, rows, stages, names)).encode("utf-8-sig"),
        file_name="opportunities.csv",
        mime="text/csv",
        key="pipeline_list_csv",
        on_click="ignore",
    )
    right.download_button(
        t("ui.download_xlsx"),
        lambda: xlsx_bytes(shown_rows(ctx, rows, stages, names)),
        file_name="opportunities.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="pipeline_list_xlsx",
        on_click="ignore",
    )
