"""Altair charts of the incentives pages, in the shared colours.

The simulator redraws its three charts on every lever move: :func:`spec`
gives their Vega-Lite specs without data, built and checked against the
schema once per wording (the Altair builders below cost more than the rest
of a lever move's charts together); the page sends only the new rows.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

import altair as alt
import polars as pl

from command_center.i18n import t
from command_center.ui import COLORS


def _series_scale(baseline: str, scenario: str) -> alt.Scale:
    return alt.Scale(domain=[baseline, scenario], range=[COLORS["target"], COLORS["primary"]])


def earnings_curve(data: pl.DataFrame, baseline: str, scenario: str) -> alt.Chart:
    """Payout per plan period against attainment, baseline and scenario."""
    return _earnings_curve(alt.Chart(data), baseline, scenario)


def _earnings_curve(chart: alt.Chart, baseline: str, scenario: str) -> alt.Chart:
    return (
        chart.mark_line()
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
    return _distribution(alt.Chart(data), baseline, scenario)


def _distribution(chart: alt.Chart, baseline: str, scenario: str) -> alt.Chart:
    return (
        chart.mark_bar(opacity=0.55, binSpacing=0)
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
    return _winners_losers(alt.Chart(data), data.height)


def _winners_losers(chart: alt.Chart, rows: int) -> alt.Chart:
    return (
        chart.mark_bar()
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
        .properties(height=max(120, 18 * rows))
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


# The charts :func:`spec` gives: the builder (on a chart without data) and the
# translation keys of its wording (a cached spec is keyed by their texts).
_SPECS: dict[str, tuple[Callable[..., alt.Chart], tuple[str, ...]]] = {
    "earnings_curve": (
        _earnings_curve,
        (
            "incentives.sim.attainment",
            "incentives.sim.payout_per_period",
            "incentives.sim.series",
            "incentives.sim.payout",
        ),
    ),
    "distribution": (
        _distribution,
        ("incentives.sim.payout_per_person", "incentives.sim.people", "incentives.sim.series"),
    ),
    "winners_losers": (_winners_losers, ("incentives.sim.delta", "incentives.name")),
}


def spec(kind: str, *args: Any) -> dict[str, Any]:
    """The Vega-Lite spec of chart ``kind`` without its data, for
    ``st.vega_lite_chart(data, spec)``: what the Altair builder of that name
    draws (``args`` as it takes them after the data; ``winners_losers`` takes
    the number of rows), built once per wording and arguments."""
    _, keys = _SPECS[kind]
    return copy.deepcopy(_spec(kind, tuple(t(key) for key in keys), args))


@functools.lru_cache(maxsize=128)
def _spec(kind: str, wording: tuple[str, ...], args: tuple[Any, ...]) -> dict[str, Any]:
    build, _ = _SPECS[kind]
    built = build(alt.Chart(), *args).to_dict()  # checked against the schema here
    # No data (the page passes it) and no theme config: st.altair_chart drops
    # Altair's default theme too.
    for key in ("data", "datasets", "config"):
        built.pop(key, None)
    return built
