"""Quality of hire by source: the hires' revenue attainment over their first months,
read from the metric registry (``attainment``: revenue / revenue target)."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.ui import COLORS, chart, table_with_download
from command_center.ui.widgets import money_column, percent_column
from plugins.recruiting import logic
from plugins.recruiting.settings import settings
from plugins.recruiting.ui.common import source_label, today, translate

METRIC = "attainment"


def quality_of_hire(
    ctx: PageContext, hired_candidates: pl.DataFrame, offers: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """(per hire, per source), or ``None`` when the registry has no attainment metric."""
    if METRIC not in ctx.registry:
        return None
    months = settings(ctx.engine).quality_months
    hired = logic.quality_window(logic.hires(hired_candidates, offers), months)
    if hired.is_empty():
        return logic.quality_of_hire(hired, pl.DataFrame(schema=_FACTS), months)
    first = hired["q_start"].min()
    last = min(hired["q_end"].max(), today().replace(day=1))  # type: ignore[type-var]
    if first > last:  # type: ignore[operator]
        facts = pl.DataFrame(schema=_FACTS)
    else:
        facts = ctx.registry.facts(ctx.engine, ctx.viewer, METRIC, first, last)  # type: ignore[arg-type]
    return logic.quality_of_hire(hired, facts, months)


_FACTS: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "month": pl.Date(),
    "num": pl.Float64(),
    "den": pl.Float64(),
}


def quality_section(ctx: PageContext, hired_candidates: pl.DataFrame, offers: pl.DataFrame) -> None:
    st.subheader(t("recruiting.quality.title"))
    months = settings(ctx.engine).quality_months
    st.caption(t("recruiting.quality.help", months=months))
    result = quality_of_hire(ctx, hired_candidates, offers)
    if result is None:
        st.info(t("recruiting.quality.no_metric"))
        return
    per_hire, by_source = result
    if by_source.is_empty():
        st.info(t("recruiting.quality.no_hires"))
        return
    src, att = t("recruiting.col.source"), t("recruiting.col.attainment")
    rev, goal = t("recruiting.col.revenue"), t("recruiting.col.target")
    shown = by_source.select(
        translate(by_source, "source", source_label).alias(src),
        pl.col("hires").alias(t("recruiting.col.hires")),
        pl.col("hires_measured").alias(t("recruiting.col.hires_measured")),
        pl.col("revenue").alias(rev),
        pl.col("target").alias(goal),
        pl.col("attainment").alias(att),
    )
    bars = (
        alt.Chart(shown.drop_nulls(att))
        .mark_bar(color=COLORS["primary"])
        .encode(
            x=alt.X(f"{src}:N", sort="-y", title=None),
            y=alt.Y(f"{att}:Q", axis=alt.Axis(format="%"), title=att),
            tooltip=[f"{src}:N", alt.Tooltip(f"{att}:Q", format=".1%")],
        )
    )
    rule = (
        alt.Chart(pl.DataFrame({"goal": [1.0]}))
        .mark_rule(color=COLORS["target"], strokeDash=[4, 4])
        .encode(y="goal:Q")
    )
    chart((bars + rule).properties(height=260))
    table_with_download(
        shown,
        "quality_of_hire",
        "recruiting_quality",
        column_config={att: percent_column(att), rev: money_column(rev), goal: money_column(goal)},
    )
    with st.expander(t("recruiting.quality.per_hire"), expanded=False):
        named = per_hire.join(
            hired_candidates.select("candidate_id", "name"), on="candidate_id", how="left"
        )
        frame = named.select(
            pl.col("name").alias(t("recruiting.col.name")),
            translate(named, "source", source_label).alias(src),
            pl.col("start_date").alias(t("recruiting.col.start_date")),
            pl.col("months_seen").alias(t("recruiting.col.months_seen")),
            pl.col("revenue").alias(rev),
            pl.col("target").alias(goal),
            pl.col("attainment").alias(att),
        )
        table_with_download(
            frame,
            "quality_per_hire",
            "recruiting_quality_hires",
            column_config={
                att: percent_column(att),
                rev: money_column(rev),
                goal: money_column(goal),
            },
        )
