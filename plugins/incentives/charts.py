"""Altair charts of the incentives pages, in the shared colours."""

from __future__ import annotations

import altair as alt
import polars as pl

from command_center.i18n import t
from command_center.ui import COLORS


def _series_scale(baseline: str, scenario: str) -> alt.Scale:
    return alt.Scale(domain=[baseline, scenario], range=[COLORS["target"], COLORS["primary"]])


def earnings_curve(data: pl.DataFrame, baseline: str, scenario: str) -> alt.Chart:
    """Payout per plan period against attainment, baseline and scenario."""
    return (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X(
                "attainment:Q", title=t("incentives.sim.attainment"), axis=alt.Axis(format="%")
            ),
            y=alt.Y("payout:Q", title=t("incentives.sim.payout_per_period")),
            color=alt.Color("series:N", title=None, scale=_series_scale(baseline, scenario)),
            strokeDash=alt.StrokeDash("series:N", legend=None),
            tooltip=[
                alt.Tooltip("series:N", title=t("incentives.sim.series")),
                alt.Tooltip("attainment:Q", title=t("incentives.sim.attainment"), format=".0%"),
                alt.Tooltip("payout:Q", title=t("incentives.sim.payout"), format=",.0f"),
            ],
        )
        .properties(height=280)
    )


def single_curve(data: pl.DataFrame) -> alt.Chart:
    return (
        alt.Chart(data)
        .mark_line(color=COLORS["primary"])
        .encode(
            x=alt.X(
                "attainment:Q", title=t("incentives.sim.attainment"), axis=alt.Axis(format="%")
            ),
            y=alt.Y("payout:Q", title=t("incentives.sim.payout_per_period")),
            tooltip=[
                alt.Tooltip("attainment:Q", title=t("incentives.sim.attainment"), format=".0%"),
                alt.Tooltip("payout:Q", title=t("incentives.sim.payout"), format=",.0f"),
            ],
        )
        .properties(height=260)
    )


def distribution(data: pl.DataFrame, baseline: str, scenario: str) -> alt.Chart:
    """How many people earn how much, both sides overlaid (``data``: :func:`whatif.histogram`)."""
    return (
        alt.Chart(data)
        .mark_bar(opacity=0.55, binSpacing=0)
        .encode(
            x=alt.X("lo:Q", title=t("incentives.sim.payout_per_person")),
            x2="hi:Q",
            y=alt.Y("people:Q", stack=None, title=t("incentives.sim.people")),
            color=alt.Color("series:N", title=None, scale=_series_scale(baseline, scenario)),
            tooltip=[
                alt.Tooltip("series:N", title=t("incentives.sim.series")),
                alt.Tooltip("people:Q", title=t("incentives.sim.people")),
            ],
        )
        .properties(height=280)
    )


def winners_losers(data: pl.DataFrame) -> alt.Chart:
    """Diverging bars: the biggest gains (green) and losses (red) in yuan."""
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("delta:Q", title=t("incentives.sim.delta")),
            y=alt.Y("name:N", sort="-x", title=None),
            color=alt.condition(
                alt.datum.delta > 0, alt.value(COLORS["good"]), alt.value(COLORS["bad"])
            ),
            tooltip=[
                alt.Tooltip("name:N", title=t("incentives.name")),
                alt.Tooltip("delta:Q", title=t("incentives.sim.delta"), format=",.0f"),
            ],
        )
        .properties(height=max(120, 18 * data.height))
    )


def bars(data: pl.DataFrame, label: str, value: str, title: str) -> alt.Chart:
    return (
        alt.Chart(data)
        .mark_bar(color=COLORS["primary"])
        .encode(
            x=alt.X(f"{value}:Q", title=title),
            y=alt.Y(f"{label}:N", sort="-x", title=None),
            tooltip=[
                alt.Tooltip(f"{label}:N", title=t("incentives.name")),
                alt.Tooltip(f"{value}:Q", title=title, format=",.2f"),
            ],
        )
        .properties(height=max(120, 22 * data.height))
    )


def monthly_payout(data: pl.DataFrame) -> alt.Chart:
    return (
        alt.Chart(data)
        .mark_bar(color=COLORS["primary"])
        .encode(
            x=alt.X("period:O", title=t("incentives.month")),
            y=alt.Y("payout:Q", title=t("incentives.sim.payout")),
            tooltip=[
                alt.Tooltip("period:O", title=t("incentives.month")),
                alt.Tooltip("payout:Q", title=t("incentives.sim.payout"), format=",.0f"),
            ],
        )
        .properties(height=220)
    )
