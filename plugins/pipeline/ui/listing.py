"""The filtered list of opportunities, with stalled-deal flags and downloads."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import kpi_row, page_header, table_with_download
from command_center.ui.widgets import Kpi, percent_column
from plugins.pipeline import queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.ui import common


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
    customers = queries.customer_names(ctx.engine, rows["customer_id"].unique().to_list())
    rows = rows.with_columns(
        pl.col("customer_id")
        .replace_strict(customers, default=None, return_dtype=pl.String)
        .alias("customer")
    )
    if search.strip():
        needle = search.strip()
        rows = rows.filter(
            pl.col("title").str.contains(needle, literal=True)
            | pl.col("customer").str.contains(needle, literal=True)
        )
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
    _table(rows, stages, names)


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


def _table(rows: pl.DataFrame, stages: dict[str, str], names: dict[int, str]) -> None:
    yes = t("pipeline.ui.yes")
    shown = rows.sort(["stalled", "days_in_stage"], descending=True).with_columns(
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
    columns = {
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
    frame = common.display(shown, columns)
    config = {
        t("pipeline.field.amount"): common.money_column(t("pipeline.field.amount")),
        t("pipeline.field.weighted"): common.money_column(t("pipeline.field.weighted")),
        t("pipeline.field.probability"): percent_column(t("pipeline.field.probability")),
    }
    table_with_download(frame, "opportunities", "pipeline_list", config)
