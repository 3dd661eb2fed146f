"""Recruiting funnel: stage-to-stage conversion by opening, source and period; time to
hire and to fill; offer acceptance; time in stage; source effectiveness; quality of
hire by source (the hires' revenue attainment, read from the metric registry)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.ui import COLORS, chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row, percent_column
from plugins.recruiting import charts, queries
from plugins.recruiting.logic import funnel
from plugins.recruiting.logic.labels import source_label
from plugins.recruiting.logic.vocabulary import SOURCES
from plugins.recruiting.ui.quality import quality_section
from plugins.recruiting.ui.widgets import select, today


def render(ctx: PageContext) -> None:
    page_header(ctx, "recruiting.funnel.title")
    cands = queries.candidates(ctx.engine, ctx.viewer)
    if cands.is_empty():
        st.info(t("recruiting.candidates.none"))
        return
    titles = dict(cands.select("opening_id", "opening_title").unique().iter_rows())
    left, middle, right = st.columns(3)
    basis = select(
        t("recruiting.funnel.basis"),
        funnel.BASES,
        "recruiting_funnel_basis",
        lambda b: t(f"recruiting.funnel.basis_{b}"),
        left,
    )
    opening = select(
        t("recruiting.col.opening"),
        [0, *sorted(titles)],
        "recruiting_funnel_opening",
        lambda o: t("recruiting.all") if o == 0 else f"#{o} {titles[o]}",
        middle,
    )
    source = select(
        t("recruiting.col.source"),
        ["", *SOURCES],
        "recruiting_funnel_source",
        lambda s: t("recruiting.all") if s == "" else source_label(s),
        right,
    )
    start, end = funnel.window(ctx.period, str(basis))
    st.caption(t("recruiting.funnel.cohort_note"))
    events = queries.events(ctx.engine, ctx.viewer)
    offers = queries.offers(ctx.engine, ctx.viewer)
    view = funnel.cohort(cands, events, offers, int(opening or 0), str(source or ""), start, end)
    head = funnel.headline(view)
    kpi_row(
        [
            Kpi(t("recruiting.funnel.applications"), float(head.applications), "count"),
            Kpi(t("recruiting.funnel.accepted"), float(head.accepted), "count"),
            Kpi(t("recruiting.funnel.acceptance"), head.acceptance, "percent"),
            Kpi(
                t("recruiting.funnel.time_to_hire"),
                head.days_to_hire,
                "days",
                higher_is_better=False,
            ),
            Kpi(
                t("recruiting.funnel.time_to_fill"),
                head.days_to_fill,
                "days",
                higher_is_better=False,
            ),
        ]
    )
    if view.cohort.is_empty():
        st.info(t("recruiting.funnel.no_cohort"))
    else:
        _funnel(view)
        _by_source(view)
    _flow(ctx, view, offers, events)
    _time_in_stage(view)
    _sources(view)
    _hires_table(view)
    quality_section(ctx, view.chosen.filter(pl.col("stage") == "hired"), offers)


def _funnel(view: funnel.Cohort) -> None:
    st.subheader(t("recruiting.funnel.chart"))
    table = funnel.funnel_table(view.reached)
    stage, count = t("recruiting.col.stage"), t("recruiting.col.reached")
    conv, share = t("recruiting.col.conversion"), t("recruiting.col.of_applied")
    chart(charts.funnel_bars(table, stage, count, conv, funnel.stage_order()))
    table_with_download(
        table,
        "funnel",
        "recruiting_funnel_table",
        column_config={conv: percent_column(conv), share: percent_column(share)},
    )


def _by_source(view: funnel.Cohort) -> None:
    st.subheader(t("recruiting.funnel.by_source"))
    table = funnel.by_source_table(view.reached)
    src, stage = t("recruiting.col.source"), t("recruiting.col.stage")
    share = t("recruiting.col.of_applied")
    chart(charts.share_by_source(table, src, stage, share, funnel.stage_order()))


def _flow(
    ctx: PageContext, view: funnel.Cohort, offers: pl.DataFrame, events: pl.DataFrame
) -> None:
    st.subheader(t("recruiting.funnel.by_month"))
    flow = funnel.flow_table(view.chosen, offers, events, ctx.period)
    if flow.is_empty():
        st.info(t("recruiting.funnel.no_cohort"))
        return
    apps, hires = t("recruiting.funnel.applications"), t("recruiting.funnel.accepted")
    chart(
        charts.paired_bars(
            flow,
            t("recruiting.col.month"),
            [apps, hires],
            [COLORS["secondary"], COLORS["primary"]],
            ordinal=True,
        )
    )


def _time_in_stage(view: funnel.Cohort) -> None:
    st.subheader(t("recruiting.funnel.time_in_stage"))
    table = funnel.time_in_stage_table(view.events, today())
    stage, mean = t("recruiting.col.stage"), t("recruiting.col.mean_days")
    chart(charts.days_in_stage(table, stage, mean, funnel.stage_order()))
    table_with_download(table, "time_in_stage", "recruiting_stage_time")


def _sources(view: funnel.Cohort) -> None:
    st.subheader(t("recruiting.funnel.sources"))
    rate, acc = t("recruiting.col.hire_rate"), t("recruiting.col.offer_acceptance")
    table_with_download(
        funnel.sources_table(view),
        "source_effectiveness",
        "recruiting_sources",
        column_config={rate: percent_column(rate), acc: percent_column(acc)},
    )


def _hires_table(view: funnel.Cohort) -> None:
    with st.expander(t("recruiting.funnel.hires_detail"), expanded=False):
        table_with_download(
            funnel.hires_table(view.hired), "time_to_hire", "recruiting_hires_detail"
        )
