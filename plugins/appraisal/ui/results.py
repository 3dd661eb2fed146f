"""Results applied: ratings, bonus multipliers (as published for incentives), raises,
promotion and training recommendations, for the closed cycles of the sidebar's period."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.metrics import total
from command_center.published import read_published
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row, percent_column, ratio
from plugins.appraisal import charts, queries
from plugins.appraisal.actions import TOPIC
from plugins.appraisal.logic import rating_mix
from plugins.appraisal.settings import RATINGS
from plugins.appraisal.ui.controls import flash
from plugins.appraisal.ui.labels import grid_label, rating_label, training_text


def _in_period(ctx: PageContext, frame: pl.DataFrame) -> pl.DataFrame:
    months = [m.strftime("%Y-%m") for m in ctx.period.months]
    labels = months + ([ctx.period.label] if ctx.period.grain == "year" else [])
    return frame.filter(pl.col("period").is_in(labels))


def render(ctx: PageContext) -> None:
    page_header(ctx, "appraisal.results.title")
    flash()
    monthly = queries.history(ctx.engine, ctx.viewer, "monthly")
    annual = queries.history(ctx.engine, ctx.viewer, "annual")
    rows = _in_period(ctx, pl.concat([monthly, annual], how="vertical_relaxed"))
    roots = ctx.roots()
    cards = []
    for key in ("appraisal_score", "values_score"):
        if key in ctx.registry and roots:
            tot = total(ctx.registry, ctx.engine, ctx.viewer, key, ctx.period, roots)
            cards.append(Kpi(t(ctx.registry.spec(key).label), tot.value, "score"))
    rated = rows.filter(pl.col("rating").is_not_null())
    top = ratio((rated["rating"] == "exceeds").sum(), rated.height)
    cards += [
        Kpi(t("appraisal.results.exceeds_share"), top, "ratio"),
        Kpi(
            t("appraisal.results.promotions"),
            float(rows["promotion"].fill_null(False).sum()),
            "count",
        ),
    ]
    kpi_row(cards)
    _mix_chart(monthly)
    if rows.is_empty():
        st.info(t("appraisal.results.none", period=ctx.period.label))
        return
    _published(ctx)
    _table(ctx, rows)


def _mix_chart(monthly: pl.DataFrame) -> None:
    spec = charts.rating_mix_chart(rating_mix(monthly), {r: rating_label(r) for r in RATINGS})
    if spec is not None:
        chart(spec)


def _published(ctx: PageContext) -> None:
    labels = [m.strftime("%Y-%m") for m in ctx.period.months]
    if ctx.period.grain == "year":
        labels.append(ctx.period.label)
    count = sum(read_published(ctx.engine, ctx.viewer, TOPIC, label).height for label in labels)
    st.caption(t("appraisal.results.published", count=count, topic=TOPIC))


def _table(ctx: PageContext, rows: pl.DataFrame) -> None:
    names = queries.names(ctx.engine)
    yes, no = t("appraisal.yes"), t("appraisal.no")
    frame = rows.sort(["period", "final_score"], descending=[True, True], nulls_last=True)
    shown = frame.select(
        pl.col("period").alias(t("appraisal.period")),
        pl.col("person_id")
        .replace_strict(names, default="?", return_dtype=pl.String)
        .alias(t("appraisal.name")),
        pl.col("level")
        .map_elements(lambda v: t(f"level.{v}"), return_dtype=pl.String)
        .alias(t("appraisal.level")),
        pl.col("final_score").round(1).alias(t("appraisal.final_score")),
        pl.col("rating")
        .map_elements(rating_label, return_dtype=pl.String)
        .alias(t("appraisal.rating_label")),
        pl.col("grid")
        .map_elements(grid_label, return_dtype=pl.String)
        .alias(t("appraisal.grid_label")),
        pl.col("bonus_multiplier").alias(t("appraisal.bonus_multiplier")),
        pl.col("raise_pct").alias(t("appraisal.raise")),
        pl.when(pl.col("promotion").fill_null(False))
        .then(pl.lit(yes))
        .otherwise(pl.lit(no))
        .alias(t("appraisal.promotion")),
        pl.Series(
            [training_text(ctx, list(n or [])) for n in frame["training"].to_list()],
            dtype=pl.String,
        ).alias(t("appraisal.training")),
    )
    table_with_download(
        shown,
        f"appraisal_results_{ctx.period.label}",
        "appraisal_results_table",
        column_config={t("appraisal.raise"): percent_column(t("appraisal.raise"))},
    )
