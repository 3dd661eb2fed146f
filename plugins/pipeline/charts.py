"""Altair charts of the pipeline's pages, in the shared colours (pure: frame in, chart out)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl

from command_center.i18n import t
from command_center.ui import COLORS


def funnel(data: pl.DataFrame) -> alt.LayerChart:
    """Deals reaching each stage (``analytics.funnel_shown``), counts at the bars' ends."""
    bars = (
        alt.Chart(data)
        .mark_bar(color=COLORS["primary"])
        .encode(
            y=alt.Y("label:N", sort=data["label"].to_list(), title=None),
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
    return (bars + text).properties(height=260)


def velocity(data: pl.DataFrame) -> alt.Chart:
    """Mean days in each stage (``analytics.velocity_shown``)."""
    return (
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


def forecast(stacked: pl.DataFrame, by_month: pl.DataFrame, parts: Sequence[str]) -> alt.LayerChart:
    """Booked and weighted revenue stacked per month (``analytics.forecast_parts``, in the
    order of ``parts``), with the month's target as a tick (``analytics.forecast_by_month``)."""
    bars = (
        alt.Chart(stacked)
        .mark_bar()
        .encode(
            x=alt.X("label:O", title=t("pipeline.analytics.month")),
            y=alt.Y("value:Q", title=t("pipeline.analytics.forecast_axis"), stack=True),
            color=alt.Color(
                "part:N",
                title=None,
                scale=alt.Scale(domain=list(parts), range=[COLORS["primary"], COLORS["secondary"]]),
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
    return (bars + goal).properties(height=300)


def lost_reasons(data: pl.DataFrame) -> alt.Chart:
    """Lost deals per reason (``analytics.lost_reasons`` with a ``label``), most first."""
    return (
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


def milestone_states(data: pl.DataFrame, kinds: Sequence[str], states: Sequence[str]) -> alt.Chart:
    """Milestones per kind stacked by state (``service.milestone_states`` with
    ``kind_label``/``state_label``); ``kinds``/``states``: the labels in display order
    (states: done, in progress, planned, blocked, overdue)."""
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("kind_label:N", title=t("pipeline.field.kind"), sort=list(kinds)),
            y=alt.Y("len:Q", title=t("pipeline.col.count")),
            color=alt.Color(
                "state_label:N",
                title=t("pipeline.field.status"),
                scale=alt.Scale(
                    domain=list(states),
                    range=[
                        COLORS["good"],
                        COLORS["secondary"],
                        COLORS["C"],
                        COLORS["target"],
                        COLORS["bad"],
                    ],
                ),
            ),
            tooltip=["kind_label:N", "state_label:N", "len:Q"],
        )
        .properties(height=260)
    )


def survey_scores(data: pl.DataFrame, order: Sequence[str]) -> alt.Chart:
    """Surveys per score (``label``, ``len``), scores in ``order``."""
    return (
        alt.Chart(data)
        .mark_bar(color=COLORS["primary"])
        .encode(
            x=alt.X("label:N", title=t("pipeline.field.score"), sort=list(order)),
            y=alt.Y("len:Q", title=t("pipeline.col.count")),
            tooltip=["label:N", "len:Q"],
        )
        .properties(height=240)
    )


def sla_states(data: pl.DataFrame, states: Sequence[str]) -> alt.Chart:
    """Complaints per SLA state as a donut (``label``, ``len``); ``states``: the labels of
    in time, late, overdue, open."""
    return (
        alt.Chart(data)
        .mark_arc(innerRadius=50)
        .encode(
            theta=alt.Theta("len:Q"),
            color=alt.Color(
                "label:N",
                title=t("pipeline.col.sla_state"),
                scale=alt.Scale(
                    domain=list(states),
                    range=[COLORS["good"], COLORS["primary"], COLORS["bad"], COLORS["C"]],
                ),
            ),
            tooltip=["label:N", "len:Q"],
        )
        .properties(height=240)
    )
