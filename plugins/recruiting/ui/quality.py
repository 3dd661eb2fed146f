"""Quality of hire by source on the funnel page: the hires' revenue attainment over
their first months, read from the metric registry (``attainment``: revenue / target)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.ui import chart, table_with_download
from command_center.ui.widgets import money_column, percent_column
from plugins.recruiting import charts, queries
from plugins.recruiting.logic import funnel
from plugins.recruiting.settings import settings
from plugins.recruiting.ui.widgets import today


def quality_section(ctx: PageContext, hired_candidates: pl.DataFrame, offers: pl.DataFrame) -> None:
    st.subheader(t("recruiting.quality.title"))
    months = settings(ctx.engine).quality_months
    st.caption(t("recruiting.quality.help", months=months))
    result = queries.quality_of_hire(
        ctx.engine, ctx.viewer, ctx.registry, hired_candidates, offers, today()
    )
    if result is None:
        st.info(t("recruiting.quality.no_metric"))
        return
    per_hire, by_source = result
    if by_source.is_empty():
        st.info(t("recruiting.quality.no_hires"))
        return
    sources, hires = funnel.quality_tables(per_hire, by_source, hired_candidates)
    src, att = t("recruiting.col.source"), t("recruiting.col.attainment")
    rev, goal = t("recruiting.col.revenue"), t("recruiting.col.target")
    columns = {att: percent_column(att), rev: money_column(rev), goal: money_column(goal)}
    chart(charts.attainment_by_source(sources, src, att))
    table_with_download(sources, "quality_of_hire", "recruiting_quality", column_config=columns)
    with st.expander(t("recruiting.quality.per_hire"), expanded=False):
        table_with_download(
            hires, "quality_per_hire", "recruiting_quality_hires", column_config=columns
        )
