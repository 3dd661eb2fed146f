"""The list of opportunities: filters, text search, paging and the rows as shown."""

from __future__ import annotations

import polars as pl

from command_center.i18n import t
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic.labels import display, label

PAGE_SIZE = 50


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


def search_deals(rows: pl.DataFrame, customers: dict[int, str], needle: str) -> pl.DataFrame:
    """Deals whose title or customer name (``customers``: id -> name) contains ``needle``."""
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
    rows: pl.DataFrame, customers: dict[int, str], stages: dict[str, str], names: dict[int, str]
) -> pl.DataFrame:
    """``rows`` (already in order) as the table shows them: names, labels, headers."""
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
            {s: label("source", s) for s in cfg.SOURCES}, default=pl.col("source")
        ),
        pl.col("channel").replace_strict(
            {c: label("channel", c) for c in cfg.CHANNELS}, default=pl.col("channel")
        ),
        pl.when(pl.col("stalled")).then(pl.lit(yes)).otherwise(pl.lit("")).alias("stalled"),
        pl.col("created_at").dt.date().alias("created_on"),
    )
    return display(shown, COLUMNS)
