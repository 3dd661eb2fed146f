"""The core's charts: pure builders shared by the pages and the notebook API.

Each builder takes display-ready data (and the translated labels) and returns
an Altair chart; the ``*_data`` functions read what the chart shows for a
viewer through the metric registry, so a page and ``cc.charts`` draw the same
figures.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl
from sqlalchemy import Engine

from command_center.i18n import t
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.periods import add_months
from command_center.ui.widgets import COLORS

TREND_MONTHS = 12


def revenue_trend_data(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    end: dt.date,
    months: int = TREND_MONTHS,
) -> pl.DataFrame:
    """``month, value, series, label``: revenue and target per month, ``months`` up to ``end``.

    Revenue is the registry's ``revenue`` facts summed over the viewer's scope;
    the target series is the ``attainment`` metric's denominators (when that
    metric is registered). Empty when there is nothing to show.
    """
    if months < 1:
        raise ValueError(t("notebook.bad_months", months=months))
    last = end.replace(day=1)
    first = add_months(last, 1 - months)
    revenue = registry.facts(engine, viewer, "revenue", first, end)
    series = (
        revenue.group_by("month")
        .agg(pl.col("num").sum().alias("value"))
        .with_columns(pl.lit(t("metric.revenue")).alias("series"))
    )
    if "attainment" in registry:
        goal = registry.facts(engine, viewer, "attainment", first, end)
        series = pl.concat(
            [
                series,
                goal.group_by("month")
                .agg(pl.col("den").sum().alias("value"))
                .with_columns(pl.lit(t("home.target")).alias("series")),
            ]
        )
    return series.sort("month", "series").with_columns(
        pl.col("month").dt.strftime("%Y-%m").alias("label")
    )


def revenue_trend(data: pl.DataFrame) -> alt.Chart:
    """Revenue against target per month (lines), from :func:`revenue_trend_data`."""
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("label:O", title=t("home.month")),
            y=alt.Y("value:Q", title=t("metric.revenue")),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(
                    domain=[t("metric.revenue"), t("home.target")],
                    range=[COLORS["primary"], COLORS["target"]],
                ),
            ),
            tooltip=[
                alt.Tooltip("label:O", title=t("home.month")),
                alt.Tooltip("series:N", title=t("home.series")),
                alt.Tooltip("value:Q", title=t("home.value"), format=",.0f"),
            ],
        )
        .properties(height=300)
    )
