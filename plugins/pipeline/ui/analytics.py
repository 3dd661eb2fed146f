"""Analytics: funnel, stage-to-stage conversion, velocity, win rate, weighted
forecast vs target by month and team, lost reasons, stalled deals."""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.metrics import total
from command_center.periods import Period, add_months
from command_center.ui import COLORS, chart, kpi_row, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_delta, percent_column
from plugins.pipeline import queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.actions.common import now
from plugins.pipeline.logic import analytics
from plugins.pipeline.logic.stages import StageModel, with_probability
from plugins.pipeline.ui import common

KPI_KEYS = ("win_rate", "conversion_rate", "days_to_close")
WINDOW_MONTHS = 12
AHEAD_MONTHS = 3


def render(ctx: PageContext) -> None:
    page_header(ctx, "pipeline.page.analytics")
    roots = ctx.roots()
    if not roots:
        st.info(t("pipeline.ui.no_people"))
        return
    conf = common.settings(ctx)
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
    for key in KPI_KEYS:
        if key not in ctx.registry:
            continue
        spec = ctx.registry.spec(key)
        tot = total(ctx.registry, ctx.engine, ctx.viewer, key, ctx.period, roots)
        delta = kpi_delta(tot.value, spec.unit, tot.target, tot.previous)
        cards.append(Kpi(t(spec.label), tot.value, spec.unit, delta, spec.higher_is_better))
    kpi_row(cards)


def _funnel(conf: cfg.PipelineSettings, funnel: pl.DataFrame) -> None:
    st.subheader(t("pipeline.analytics.funnel"))
    labels = common.stage_labels(conf)
    data = funnel.with_columns(
        pl.col("stage").replace_strict(labels, default=pl.col("stage")).alias("label"),
        (pl.col("conversion") * 100).round(1).alias("conv_pct"),
    )
    order = data["label"].to_list()
    bars = (
        alt.Chart(data)
        .mark_bar(color=COLORS["primary"])
        .encode(
            y=alt.Y("label:N", sort=order, title=None),
            x=alt.X("count:Q", title=t("pipeline.analytics.reached")),
            tooltip=[
                alt.Tooltip("label:N", title=t("pipeline.field.stage")),
                alt.Tooltip("count:Q", title=t("pipeline.analytics.reached")),
                alt.Tooltip("amount:Q", title=t("pipeline.field.amount"), format=",.0f"),
                alt.Tooltip("conv_pct:Q", title=t("pipeline.analytics.conversion")),
            ],
        )
    )
    text = bars.mark_text(align="left", dx=4).encode(text="count:Q")
    chart((bars + text).properties(height=260))
    frame = common.display(
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
        t("pipeline.field.amount"): common.money_column(t("pipeline.field.amount")),
        t("pipeline.analytics.conversion"): percent_column(t("pipeline.analytics.conversion")),
        t("pipeline.analytics.share"): percent_column(t("pipeline.analytics.share")),
    }
    table_with_download(frame, "funnel", "pipeline_funnel", config)


def _velocity(conf: cfg.PipelineSettings, velocity: pl.DataFrame) -> None:
    st.subheader(t("pipeline.analytics.velocity"))
    labels = common.stage_labels(conf)
    data = velocity.with_columns(
        pl.col("stage").replace_strict(labels, default=pl.col("stage")).alias("label"),
        pl.col("mean_days").round(1),
        pl.col("median_days").round(1),
    )
    spec = (
        alt.Chart(data)
        .mark_bar(color=COLORS["secondary"])
        .encode(
            y=alt.Y("label:N", sort=data["label"].to_list(), title=None),
            x=alt.X("mean_days:Q", title=t("pipeline.analytics.mean_days")),
            tooltip=[
                alt.Tooltip("label:N", title=t("pipeline.field.stage")),
                alt.Tooltip("mean_days:Q", title=t("pipeline.analytics.mean_days")),
                alt.Tooltip("median_days:Q", title=t("pipeline.analytics.median_days")),
                alt.Tooltip("stays:Q", title=t("pipeline.analytics.stays")),
            ],
        )
        .properties(height=260)
    )
    chart(spec)
    frame = common.display(
        data,
        {
            "label": "pipeline.field.stage",
            "stays": "pipeline.analytics.stays",
            "mean_days": "pipeline.analytics.mean_days",
            "median_days": "pipeline.analytics.median_days",
        },
    )
    table_with_download(frame, "velocity", "pipeline_velocity")


def forecast_frame(
    ctx: PageContext, model: StageModel, opps: pl.DataFrame, roots: list[int], today: dt.date
) -> pl.DataFrame:
    """The forecast for the period's months and the next ones, per team of the viewer.

    Booked revenue and revenue targets come from the core's ``revenue`` metric
    (targets table, metric "revenue"), read through the registry.
    """
    months = [*ctx.period.months, *(add_months(ctx.period.end, i + 1) for i in range(AHEAD_MONTHS))]
    people = ctx.people()
    heads = analytics.team_heads(people, roots)
    team_of = analytics.team_membership(people, heads)
    booked = pl.DataFrame(schema={"person_id": pl.Int64, "month": pl.Date, "revenue": pl.Float64})
    targets = pl.DataFrame(schema={"team_id": pl.Int64, "month": pl.Date, "target": pl.Float64})
    if "revenue" in ctx.registry:
        facts = ctx.registry.facts(ctx.engine, ctx.viewer, "revenue", months[0], months[-1])
        booked = facts.select("person_id", "month", pl.col("num").alias("revenue"))
        goals = [
            ctx.registry.targets(ctx.engine, ctx.viewer, "revenue", Period(month, month, "month"))
            .filter(pl.col("node_id").is_in(heads))
            .select(pl.col("node_id").alias("team_id"), pl.lit(month).alias("month"), "target")
            for month in months
        ]
        targets = pl.concat([targets, *goals])
    return analytics.forecast(opps, model, booked, team_of, targets, months, today.replace(day=1))


def _forecast(ctx: PageContext, model: StageModel, opps: pl.DataFrame, roots: list[int]) -> None:
    st.subheader(t("pipeline.analytics.forecast"))
    st.caption(t("pipeline.analytics.forecast_help"))
    table = forecast_frame(ctx, model, opps, roots, now().date())
    by_month = (
        table.group_by("month")
        .agg(
            pl.col("booked", "weighted", "forecast").sum(),
            pl.when(pl.col("target").count() > 0).then(pl.col("target").sum()).alias("target"),
        )
        .sort("month")
        .with_columns(pl.col("month").dt.strftime("%Y-%m").alias("label"))
    )
    series = {"booked": t("pipeline.analytics.booked"), "weighted": t("pipeline.field.weighted")}
    stacked = by_month.unpivot(index="label", on=list(series), variable_name="part").with_columns(
        pl.col("part").replace_strict(series, return_dtype=pl.String)
    )
    bars = (
        alt.Chart(stacked)
        .mark_bar()
        .encode(
            x=alt.X("label:O", title=t("pipeline.analytics.month")),
            y=alt.Y("value:Q", title=t("pipeline.analytics.forecast_axis"), stack=True),
            color=alt.Color(
                "part:N",
                title=None,
                scale=alt.Scale(
                    domain=list(series.values()), range=[COLORS["primary"], COLORS["secondary"]]
                ),
            ),
            tooltip=["label:O", "part:N", alt.Tooltip("value:Q", format=",.0f")],
        )
    )
    goal = (
        alt.Chart(by_month.drop_nulls("target"))
        .mark_tick(color=COLORS["target"], thickness=3, size=40)
        .encode(
            x="label:O",
            y="target:Q",
            tooltip=[alt.Tooltip("target:Q", title=t("pipeline.analytics.target"), format=",.0f")],
        )
    )
    chart((bars + goal).properties(height=300))
    names = queries.names(ctx.engine)
    shown = table.with_columns(
        pl.col("team_id").replace_strict(names, default=None, return_dtype=pl.String).alias("team"),
        pl.col("month").dt.strftime("%Y-%m"),
    )
    frame = common.display(
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
    config = {t(k): common.money_column(t(k)) for k in money_keys}
    config[t("pipeline.analytics.attainment")] = percent_column(t("pipeline.analytics.attainment"))
    table_with_download(frame, "forecast", "pipeline_forecast", config)


def _lost(ctx: PageContext, model: StageModel, opps: pl.DataFrame) -> None:
    st.subheader(t("pipeline.analytics.lost"))
    rate = analytics.win_rate(opps, model, ctx.period.start, ctx.period.last_day)
    st.caption(t("pipeline.analytics.won_lost", won=rate["won"], lost=rate["lost"]))
    reasons = analytics.lost_reasons(opps, model, ctx.period.start, ctx.period.last_day)
    if common.empty_or(reasons, "pipeline.analytics.no_lost"):
        return
    data = reasons.with_columns(
        pl.col("reason")
        .map_elements(lambda r: common.label("lost", r), return_dtype=pl.String)
        .alias("label")
    )
    spec = (
        alt.Chart(data)
        .mark_bar(color=COLORS["bad"])
        .encode(
            y=alt.Y("label:N", sort="-x", title=None),
            x=alt.X("count:Q", title=t("pipeline.col.count")),
            tooltip=[
                "label:N",
                "count:Q",
                alt.Tooltip("amount:Q", format=",.0f"),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
        .properties(height=240)
    )
    chart(spec)
    frame = common.display(
        data,
        {
            "label": "pipeline.board.lost_reason",
            "count": "pipeline.col.count",
            "amount": "pipeline.field.amount",
            "share": "pipeline.analytics.share",
        },
    )
    config = {
        t("pipeline.field.amount"): common.money_column(t("pipeline.field.amount")),
        t("pipeline.analytics.share"): percent_column(t("pipeline.analytics.share")),
    }
    table_with_download(frame, "lost_reasons", "pipeline_lost", config)


def _stalled(ctx: PageContext, conf: cfg.PipelineSettings) -> None:
    st.subheader(t("pipeline.analytics.stalled", days=conf.stalled_days))
    deals = common.deals(ctx).filter(pl.col("stalled")).sort("days_in_stage", descending=True)
    if common.empty_or(deals, "pipeline.analytics.no_stalled"):
        return
    names = queries.names(ctx.engine)
    stages = common.stage_labels(conf)
    shown = deals.with_columns(
        pl.col("owner_id")
        .replace_strict(names, default=None, return_dtype=pl.String)
        .alias("owner"),
        pl.col("stage").replace_strict(stages, default=pl.col("stage")),
    )
    frame = common.display(
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
        {t("pipeline.field.amount"): common.money_column(t("pipeline.field.amount"))},
    )
