"""Recruiting funnel: stage-to-stage conversion by opening, source and period; time to
hire and to fill; offer acceptance; time in stage; source effectiveness; quality of
hire by source (the hires' revenue attainment, read from the metric registry)."""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.periods import add_months
from command_center.ui import COLORS, chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row, percent_column
from plugins.recruiting import logic, queries
from plugins.recruiting.constants import SOURCES, STAGES
from plugins.recruiting.ui.common import select, source_label, stage_label, today, translate
from plugins.recruiting.ui.quality import quality_section

BASES = ("period", "last_12", "all")


def _window(ctx: PageContext, basis: str) -> tuple[dt.date | None, dt.date | None]:
    if basis == "period":
        return ctx.period.start, ctx.period.last_day
    if basis == "last_12":
        end = ctx.period.last_day
        return add_months(ctx.period.end, -11), end
    return None, None


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
        BASES,
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
    start, end = _window(ctx, str(basis))
    chosen = cands
    if opening:
        chosen = chosen.filter(pl.col("opening_id") == opening)
    if source:
        chosen = chosen.filter(pl.col("source") == source)
    cohort = chosen if start is None else chosen.filter(pl.col("applied_on").is_between(start, end))
    st.caption(t("recruiting.funnel.cohort_note"))
    events = queries.events(ctx.engine, ctx.viewer)
    offers = queries.offers(ctx.engine, ctx.viewer)
    reached = logic.furthest(cohort, events)
    hired = logic.hires(chosen, offers)
    if start is not None:
        hired = hired.filter(pl.col("responded_on").is_between(start, end))
    answered = offers.filter(pl.col("candidate_id").is_in(chosen["candidate_id"].implode()))
    if start is not None:
        answered = answered.filter(pl.col("responded_on").is_between(start, end))
    accepted, _declined, rate = logic.offer_acceptance(answered)
    kpi_row(
        [
            Kpi(t("recruiting.funnel.applications"), float(cohort.height), "count"),
            Kpi(t("recruiting.funnel.accepted"), float(accepted), "count"),
            Kpi(t("recruiting.funnel.acceptance"), rate, "percent"),
            Kpi(
                t("recruiting.funnel.time_to_hire"),
                _mean(hired, "days_to_hire"),
                "days",
                higher_is_better=False,
            ),
            Kpi(
                t("recruiting.funnel.time_to_fill"),
                _mean(hired, "days_to_fill"),
                "days",
                higher_is_better=False,
            ),
        ]
    )
    if cohort.is_empty():
        st.info(t("recruiting.funnel.no_cohort"))
    else:
        _funnel(reached)
        _by_source(reached)
    _flow(ctx, chosen, offers, events)
    _time_in_stage(events.filter(pl.col("candidate_id").is_in(cohort["candidate_id"].implode())))
    _sources(reached, hired, answered)
    _hires_table(hired)
    quality_section(ctx, chosen.filter(pl.col("stage") == "hired"), offers)


def _mean(frame: pl.DataFrame, column: str) -> float | None:
    value = frame[column].mean() if frame.height else None
    return float(value) if isinstance(value, int | float) else None


def _funnel(reached: pl.DataFrame) -> None:
    st.subheader(t("recruiting.funnel.chart"))
    data = logic.funnel(reached)
    stage, count = t("recruiting.col.stage"), t("recruiting.col.reached")
    conv = t("recruiting.col.conversion")
    shown = data.with_columns(
        translate(data, "stage", stage_label).alias(stage),
        pl.col("reached").alias(count),
        pl.col("conversion").alias(conv),
        pl.col("of_applied").alias(t("recruiting.col.of_applied")),
    )
    order = [stage_label(s) for s in STAGES]
    bars = (
        alt.Chart(shown.select(stage, count, conv))
        .mark_bar(color=COLORS["primary"])
        .encode(
            y=alt.Y(f"{stage}:N", sort=order, title=None),
            x=alt.X(f"{count}:Q", title=count),
            tooltip=[f"{stage}:N", f"{count}:Q", alt.Tooltip(f"{conv}:Q", format=".1%")],
        )
    )
    labels = bars.mark_text(align="left", dx=4).encode(text=alt.Text(f"{conv}:Q", format=".0%"))
    chart((bars + labels).properties(height=300))
    table = shown.select(stage, count, conv, t("recruiting.col.of_applied"))
    table_with_download(
        table,
        "funnel",
        "recruiting_funnel_table",
        column_config={
            conv: percent_column(conv),
            t("recruiting.col.of_applied"): percent_column(t("recruiting.col.of_applied")),
        },
    )


def _by_source(reached: pl.DataFrame) -> None:
    st.subheader(t("recruiting.funnel.by_source"))
    data = logic.funnel(reached, ["source"])
    src, stage = t("recruiting.col.source"), t("recruiting.col.stage")
    share = t("recruiting.col.of_applied")
    shown = data.with_columns(
        translate(data, "source", source_label).alias(src),
        translate(data, "stage", stage_label).alias(stage),
        pl.col("of_applied").alias(share),
    )
    spec = (
        alt.Chart(shown.select(src, stage, share, "stage_index"))
        .mark_line(point=True)
        .encode(
            x=alt.X(f"{stage}:N", sort=[stage_label(s) for s in STAGES], title=None),
            y=alt.Y(f"{share}:Q", axis=alt.Axis(format="%"), title=share),
            color=alt.Color(f"{src}:N", title=src),
            tooltip=[f"{src}:N", f"{stage}:N", alt.Tooltip(f"{share}:Q", format=".1%")],
        )
        .properties(height=280)
    )
    chart(spec)


def _flow(
    ctx: PageContext, chosen: pl.DataFrame, offers: pl.DataFrame, events: pl.DataFrame
) -> None:
    st.subheader(t("recruiting.funnel.by_month"))
    start = add_months(ctx.period.end, -11)
    reached = logic.furthest(chosen, events)
    flow = logic.monthly_flow(reached, logic.hires(chosen, offers)).filter(
        pl.col("month").is_between(start, ctx.period.end)
    )
    if flow.is_empty():
        st.info(t("recruiting.funnel.no_cohort"))
        return
    month = t("recruiting.col.month")
    apps, hires = t("recruiting.funnel.applications"), t("recruiting.funnel.accepted")
    data = flow.select(
        pl.col("month").dt.strftime("%Y-%m").alias(month),
        pl.col("applications").alias(apps),
        pl.col("hires").alias(hires),
    ).unpivot(index=month, variable_name="series", value_name="value")
    spec = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(f"{month}:O", title=month),
            xOffset="series:N",
            y=alt.Y("value:Q", title=None),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(
                    domain=[apps, hires], range=[COLORS["secondary"], COLORS["primary"]]
                ),
            ),
            tooltip=[f"{month}:O", "series:N", "value:Q"],
        )
        .properties(height=260)
    )
    chart(spec)


def _time_in_stage(events: pl.DataFrame) -> None:
    st.subheader(t("recruiting.funnel.time_in_stage"))
    data = logic.time_in_stage(events, today())
    stage, mean = t("recruiting.col.stage"), t("recruiting.col.mean_days")
    shown = data.select(
        translate(data, "stage", stage_label).alias(stage),
        pl.col("mean_days").round(1).alias(mean),
        pl.col("median_days").alias(t("recruiting.col.median_days")),
        pl.col("stays").alias(t("recruiting.col.stays")),
        pl.col("open_now").alias(t("recruiting.col.open_now")),
    )
    spec = (
        alt.Chart(shown.drop_nulls(mean))
        .mark_bar(color=COLORS["secondary"])
        .encode(
            x=alt.X(f"{stage}:N", sort=[stage_label(s) for s in STAGES], title=None),
            y=alt.Y(f"{mean}:Q", title=mean),
            tooltip=[f"{stage}:N", alt.Tooltip(f"{mean}:Q", format=".1f")],
        )
        .properties(height=220)
    )
    chart(spec)
    table_with_download(shown, "time_in_stage", "recruiting_stage_time")


def _sources(reached: pl.DataFrame, hired: pl.DataFrame, answered: pl.DataFrame) -> None:
    st.subheader(t("recruiting.funnel.sources"))
    data = logic.source_effectiveness(reached, hired, answered)
    rate, acc = t("recruiting.col.hire_rate"), t("recruiting.col.offer_acceptance")
    shown = data.select(
        translate(data, "source", source_label).alias(t("recruiting.col.source")),
        pl.col("candidates").alias(t("recruiting.col.candidates")),
        pl.col("interviewed").alias(t("recruiting.col.interviewed")),
        pl.col("offered").alias(t("recruiting.col.offered")),
        pl.col("hires").alias(t("recruiting.col.hires")),
        pl.col("hire_rate").alias(rate),
        pl.col("offer_acceptance").alias(acc),
        pl.col("mean_days_to_hire").round(1).alias(t("recruiting.col.mean_days_to_hire")),
    )
    table_with_download(
        shown,
        "source_effectiveness",
        "recruiting_sources",
        column_config={rate: percent_column(rate), acc: percent_column(acc)},
    )


def _hires_table(hired: pl.DataFrame) -> None:
    with st.expander(t("recruiting.funnel.hires_detail"), expanded=False):
        shown = hired.sort("responded_on").select(
            pl.col("name").alias(t("recruiting.col.name")),
            pl.col("opening_title").alias(t("recruiting.col.opening")),
            translate(hired, "source", source_label).alias(t("recruiting.col.source")),
            pl.col("opened_on").alias(t("recruiting.col.opened_on")),
            pl.col("applied_on").alias(t("recruiting.col.applied_on")),
            pl.col("responded_on").alias(t("recruiting.col.accepted_on")),
            pl.col("days_to_hire").alias(t("recruiting.col.days_to_hire")),
            pl.col("days_to_fill").alias(t("recruiting.col.days_to_fill")),
        )
        table_with_download(shown, "time_to_hire", "recruiting_hires_detail")
