"""Analytics: funnel, stage-to-stage conversion, velocity, win rate, weighted
forecast vs target by month and team, lost reasons, stalled deals."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.periods import add_months
from command_center.ui import chart, kpi_row, page_header, table_with_download
from command_center.ui.widgets import Kpi, percent_column, registry_kpis
from plugins.pipeline import charts, queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic import analytics, labels
from plugins.pipeline.logic.clock import now
from plugins.pipeline.logic.stages import StageModel, with_probability
from plugins.pipeline.ui import page_data, widgets

KPI_KEYS = ("win_rate", "conversion_rate", "days_to_close")
WINDOW_MONTHS = 12


def render(ctx: PageContext) -> None:
    page_header(ctx, "pipeline.page.analytics")
    roots = ctx.roots()
    if not roots:
        st.info(t("pipeline.ui.no_people"))
        return
    conf = page_data.settings(ctx)
    model = cfg.stage_model(conf)
    opps = queries.opportunities(ctx.engine, ctx.viewer)
    _kpis(ctx, roots, opps, model)
    start = add_months(ctx.period.end, 1 - WINDOW_MONTHS)
    cohort = opps.filter(pl.col("created_at").dt.date().is_between(start, ctx.period.last_day))
    history = queries.history(ctx.engine, ctx.viewer).join(
        cohort.select("opp_id"), on="opp_id", how="semi"
    )
    st.caption(
        t(
            "pipeline.analytics.window",
            start=f"{start:%Y-%m}",
            end=ctx.period.label,
            count=cohort.height,
        )
    )
    left, right = st.columns(2)
    with left:
        _funnel(conf, analytics.funnel(history, cohort, model))
    with right:
        _velocity(conf, analytics.velocity(history, model))
    _forecast(ctx, model, opps, roots)
    left, right = st.columns(2)
    with left:
        _lost(ctx, model, opps)
    with right:
        _stalled(ctx, conf)


def _kpis(ctx: PageContext, roots: list[int], opps: pl.DataFrame, model: StageModel) -> None:
    """Open pipeline as it stands now, then the period's rates from the metric registry."""
    live = with_probability(opps.filter(pl.col("stage").is_in(list(model.open))), model)
    cards = [
        Kpi(t("pipeline.analytics.open_pipeline"), float(live["amount"].sum()), "currency"),
        Kpi(t("pipeline.analytics.open_weighted"), float(live["weighted"].sum()), "currency"),
    ]
    cards.extend(registry_kpis(ctx, KPI_KEYS, roots))
    kpi_row(cards)


def _funnel(conf: cfg.PipelineSettings, funnel: pl.DataFrame) -> None:
    st.subheader(t("pipeline.analytics.funnel"))
    data = analytics.funnel_shown(funnel, labels.stage_labels(conf))
    chart(charts.funnel(data))
    frame = labels.display(
        data,
        {
            "label": "pipeline.field.stage",
            "count": "pipeline.analytics.reached",
            "amount": "pipeline.field.amount",
            "conversion": "pipeline.analytics.conversion",
            "share": "pipeline.analytics.share",
        },
    )
    config = {
        t("pipeline.field.amount"): widgets.money_column(t("pipeline.field.amount")),
        t("pipeline.analytics.conversion"): percent_column(t("pipeline.analytics.conversion")),
        t("pipeline.analytics.share"): percent_column(t("pipeline.analytics.share")),
    }
    table_with_download(frame, "funnel", "pipeline_funnel", config)


def _velocity(conf: cfg.PipelineSettings, velocity: pl.DataFrame) -> None:
    st.subheader(t("pipeline.analytics.velocity"))
    data = analytics.velocity_shown(velocity, labels.stage_labels(conf))
    chart(charts.velocity(data))
    frame = labels.display(
        data,
        {
            "label": "pipeline.field.stage",
            "stays": "pipeline.analytics.stays",
            "mean_days": "pipeline.analytics.mean_days",
            "median_days": "pipeline.analytics.median_days",
        },
    )
    table_with_download(frame, "velocity", "pipeline_velocity")


def _forecast(ctx: PageContext, model: StageModel, opps: pl.DataFrame, roots: list[int]) -> None:
    st.subheader(t("pipeline.analytics.forecast"))
    st.caption(t("pipeline.analytics.forecast_help"))
    table = queries.forecast_table(
        ctx.engine, ctx.registry, ctx.viewer, ctx.people(), ctx.period, model, opps, roots,
        now().date(),
    )  # fmt: skip
    by_month = analytics.forecast_by_month(table)
    series = {"booked": t("pipeline.analytics.booked"), "weighted": t("pipeline.field.weighted")}
    stacked = analytics.forecast_parts(by_month, series)
    chart(charts.forecast(stacked, by_month, list(series.values())))
    names = queries.names(ctx.engine)
    shown = table.with_columns(
        pl.col("team_id").replace_strict(names, default=None, return_dtype=pl.String).alias("team"),
        pl.col("month").dt.strftime("%Y-%m"),
    )
    frame = labels.display(
        shown,
        {
            "team": "pipeline.analytics.team",
            "month": "pipeline.analytics.month",
            "booked": "pipeline.analytics.booked",
            "pipeline": "pipeline.metric.pipeline_value",
            "weighted": "pipeline.field.weighted",
            "forecast": "pipeline.analytics.forecast_col",
            "target": "pipeline.analytics.target",
            "gap": "pipeline.analytics.gap",
            "attainment": "pipeline.analytics.attainment",
        },
    )
    money_keys = (
        "pipeline.analytics.booked",
        "pipeline.metric.pipeline_value",
        "pipeline.field.weighted",
        "pipeline.analytics.forecast_col",
        "pipeline.analytics.target",
        "pipeline.analytics.gap",
    )
    config = {t(k): widgets.money_column(t(k)) for k in money_keys}
    config[t("pipeline.analytics.attainment")] = percent_column(t("pipeline.analytics.attainment"))
    table_with_download(frame, "forecast", "pipeline_forecast", config)


def _lost(ctx: PageContext, model: StageModel, opps: pl.DataFrame) -> None:
    st.subheader(t("pipeline.analytics.lost"))
    rate = analytics.win_rate(opps, model, ctx.period.start, ctx.period.last_day)
    st.caption(t("pipeline.analytics.won_lost", won=rate["won"], lost=rate["lost"]))
    reasons = analytics.lost_reasons(opps, model, ctx.period.start, ctx.period.last_day)
    if widgets.empty_or(reasons, "pipeline.analytics.no_lost"):
        return
    data = labels.with_code_label(reasons, "reason", "lost")
    chart(charts.lost_reasons(data))
    frame = labels.display(
        data,
        {
            "label": "pipeline.board.lost_reason",
            "count": "pipeline.col.count",
            "amount": "pipeline.field.amount",
            "share": "pipeline.analytics.share",
        },
    )
    config = {
        t("pipeline.field.amount"): widgets.money_column(t("pipeline.field.amount")),
        t("pipeline.analytics.share"): percent_column(t("pipeline.analytics.share")),
    }
    table_with_download(frame, "lost_reasons", "pipeline_lost", config)


def _stalled(ctx: PageContext, conf: cfg.PipelineSettings) -> None:
    st.subheader(t("pipeline.analytics.stalled", days=conf.stalled_days))
    deals = page_data.deals(ctx).filter(pl.col("stalled")).sort("days_in_stage", descending=True)
    if widgets.empty_or(deals, "pipeline.analytics.no_stalled"):
        return
    names = queries.names(ctx.engine)
    stages = labels.stage_labels(conf)
    shown = deals.with_columns(
        pl.col("owner_id")
        .replace_strict(names, default=None, return_dtype=pl.String)
        .alias("owner"),
        pl.col("stage").replace_strict(stages, default=pl.col("stage")),
    )
    frame = labels.display(
        shown,
        {
            "opp_id": "pipeline.col.id",
            "title": "pipeline.field.title",
            "owner": "pipeline.ui.owner",
            "stage": "pipeline.field.stage",
            "days_in_stage": "pipeline.field.days_in_stage",
            "amount": "pipeline.field.amount",
        },
    )
    table_with_download(
        frame,
        "stalled_deals",
        "pipeline_stalled",
        {t("pipeline.field.amount"): widgets.money_column(t("pipeline.field.amount"))},
    )
