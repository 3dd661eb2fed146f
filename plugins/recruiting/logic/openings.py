"""The openings page's figures and tables, display-ready (columns named in the active
language): each opening with how far it is, by region, and the list."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from command_center.i18n import t
from plugins.recruiting.logic.labels import channel_label, level_label, name_column
from plugins.recruiting.logic.vocabulary import CHANNELS, OPENING_LEVELS, TERMINAL


def board(openings: pl.DataFrame, candidates: pl.DataFrame) -> pl.DataFrame:
    """Openings with ``candidates``, ``hired``, ``in_process`` counts and ``open``."""
    counts = candidates.group_by("opening_id").agg(
        pl.len().alias("candidates"),
        (pl.col("stage") == "hired").sum().alias("hired"),
        (~pl.col("stage").is_in(list(TERMINAL))).sum().alias("in_process"),
    )
    return (
        openings.join(counts, on="opening_id", how="left")
        .with_columns(pl.col("candidates", "hired", "in_process").fill_null(0).cast(pl.Int64))
        .with_columns(pl.col("closed_on").is_null().alias("open"))
    )


@dataclass(frozen=True)
class Headline:
    """The openings page's KPI row."""

    open: int
    to_fill: int  # headcount of open openings not hired yet
    in_process: int
    hired: int


def headline(rows: pl.DataFrame) -> Headline:
    live = rows.filter(pl.col("open"))
    return Headline(
        open=live.height,
        to_fill=int((live["headcount"] - live["hired"]).clip(lower_bound=0).sum()),
        in_process=int(rows["in_process"].sum()),
        hired=int(rows["hired"].sum()),
    )


def region_table(rows: pl.DataFrame) -> pl.DataFrame:
    """Hired and wanted (headcount) per region of the open openings, long
    (region, ``series``, ``value``)."""
    hired, wanted = t("recruiting.openings.hired"), t("recruiting.openings.headcount")
    return (
        rows.filter(pl.col("open"))
        .group_by("region")
        .agg(pl.col("hired").sum().alias(hired), pl.col("headcount").sum().alias(wanted))
        .unpivot(index="region", variable_name="series", value_name="value")
        .rename({"region": t("recruiting.openings.region")})
    )


def list_table(rows: pl.DataFrame, who: dict[int, str]) -> pl.DataFrame:
    """The openings, open ones first, newest first."""
    labels = {c: channel_label(c) for c in CHANNELS}
    return rows.sort("open", "opened_on", descending=[True, True]).select(
        pl.col("opening_id").alias(t("recruiting.col.id")),
        pl.col("title").alias(t("recruiting.col.title")),
        pl.col("level")
        .replace_strict({lv: level_label(lv) for lv in OPENING_LEVELS}, return_dtype=pl.String)
        .alias(t("recruiting.col.level")),
        pl.col("region").alias(t("recruiting.col.region")),
        name_column(rows, "hiring_manager_id", who, t("recruiting.col.hiring_manager")),
        pl.col("headcount").alias(t("recruiting.col.headcount")),
        pl.col("hired").alias(t("recruiting.col.hired")),
        pl.col("in_process").alias(t("recruiting.col.in_process")),
        pl.col("candidates").alias(t("recruiting.col.candidates")),
        pl.col("opened_on").alias(t("recruiting.col.opened_on")),
        pl.col("closed_on").alias(t("recruiting.col.closed_on")),
        pl.col("channels")
        .str.split(";")
        .list.eval(pl.element().replace_strict(labels, default=pl.element()))
        .list.join("、")
        .alias(t("recruiting.col.channels")),
    )
