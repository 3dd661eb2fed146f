"""Altair charts of the appraisal pages: pure functions of display-ready frames and labels.

Each builder returns ``None`` when there is nothing to draw; the pages hand the
chart to :func:`command_center.ui.chart`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import polars as pl

from command_center.i18n import t
from command_center.ui import COLORS
from plugins.appraisal.logic import GRIDS
from plugins.appraisal.settings import RATINGS, AppraisalSettings

RATING_COLORS = {"exceeds": COLORS["good"], "meets": COLORS["secondary"], "below": COLORS["bad"]}
GRID_COLORS = {
    "star": COLORS["primary"],
    "wild_dog": COLORS["bad"],
    "ox": COLORS["secondary"],
    "white_rabbit": "#9467bd",
    "dog": COLORS["C"],
}


def layered(*charts: Any, height: int, title: str | None = None) -> Any:
    """Charts drawn on top of each other at ``height`` pixels.

    The height is set on every layer: Streamlit keeps a layer's own height
    but not one set on the layered chart as a whole.
    """
    layer = alt.layer(*(c.properties(height=height) for c in charts))
    return layer.properties(title=title) if title else layer


def _rating_shares(
    axis: type[alt.X] | type[alt.Y], field: str, rating_labels: Mapping[str, str]
) -> dict[str, Any]:
    """The encodings of bars stacked to 100 % by rating (best first, in the rating colours)."""
    scale = alt.Scale(
        domain=[rating_labels[r] for r in RATINGS], range=[RATING_COLORS[r] for r in RATINGS]
    )
    return {
        "x" if axis is alt.X else "y": axis(
            field,
            stack="normalize",
            title=t("appraisal.calibration.share"),
            axis=alt.Axis(format="%"),
        ),
        "color": alt.Color("label:N", title=t("appraisal.rating_label"), scale=scale),
        "order": alt.Order("order:Q"),
    }


def _with_rating_label(frame: pl.DataFrame, rating_labels: Mapping[str, str]) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("rating").replace_strict(dict(rating_labels)).alias("label"),
        pl.col("rating").replace_strict({r: i for i, r in enumerate(RATINGS)}).alias("order"),
    )


def distribution_chart(
    spread: pl.DataFrame, rules: AppraisalSettings, rating_labels: Mapping[str, str]
) -> Any:
    """Each team's ratings as shares of 100 %, with the guideline's cuts (271)."""
    if spread.is_empty():
        return None
    data = _with_rating_label(spread, rating_labels)
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("team:N", title=None),
            **_rating_shares(alt.X, "share:Q", rating_labels),
            tooltip=[
                alt.Tooltip("team:N", title=t("appraisal.team")),
                alt.Tooltip("label:N", title=t("appraisal.rating_label")),
                alt.Tooltip("count:Q", title=t("appraisal.people")),
                alt.Tooltip("share:Q", title=t("appraisal.calibration.share"), format=".0%"),
                alt.Tooltip("expected:Q", title=t("appraisal.calibration.expected")),
            ],
        )
    )
    cuts = pl.DataFrame({"x": [rules.share_exceeds, rules.share_exceeds + rules.share_meets]})
    guide = alt.Chart(cuts).mark_rule(color="black", strokeDash=[4, 3]).encode(x="x:Q")
    height = 110 + 34 * data["team"].n_unique()  # "fit": axes, title and legend included
    return layered(bars, guide, height=height, title=t("appraisal.calibration.chart_271"))


def grid_chart(
    records: pl.DataFrame, rules: AppraisalSettings, grid_labels: Mapping[str, str]
) -> Any:
    """Results score against values score, coloured by grid cell, with the cells' edges."""
    data = records.filter(pl.col("grid").is_not_null()).with_columns(
        pl.col("grid").replace_strict(dict(grid_labels)).alias("cell")
    )
    if data.is_empty():
        return None
    points = (
        alt.Chart(data)
        .mark_circle(size=70, opacity=0.8)
        .encode(
            x=alt.X(
                "results_score:Q", title=t("appraisal.results_score"), scale=alt.Scale(zero=False)
            ),
            y=alt.Y(
                "values_score:Q", title=t("appraisal.values_score"), scale=alt.Scale(domain=[1, 5])
            ),
            color=alt.Color(
                "cell:N",
                title=t("appraisal.grid_label"),
                scale=alt.Scale(
                    domain=[grid_labels[g] for g in GRIDS], range=[GRID_COLORS[g] for g in GRIDS]
                ),
            ),
            tooltip=[
                alt.Tooltip("cell:N", title=t("appraisal.grid_label")),
                alt.Tooltip("results_score:Q", title=t("appraisal.results_score"), format=".1f"),
                alt.Tooltip("values_score:Q", title=t("appraisal.values_score"), format=".2f"),
            ],
        )
    )
    vlines = (
        alt.Chart(pl.DataFrame({"x": [rules.results_low, rules.results_high]}))
        .mark_rule(color=COLORS["target"], strokeDash=[4, 3])
        .encode(x="x:Q")
    )
    hlines = (
        alt.Chart(pl.DataFrame({"y": [rules.values_low, rules.values_high]}))
        .mark_rule(color=COLORS["target"], strokeDash=[4, 3])
        .encode(y="y:Q")
    )
    return layered(points, vlines, hlines, height=320, title=t("appraisal.calibration.grid"))


def stages_chart(stages: pl.DataFrame) -> Any:
    """Share of the cycle's people past each stage (``stage, order, done, share``)."""
    if stages.is_empty():
        return None
    return (
        alt.Chart(stages)
        .mark_bar(color=COLORS["primary"])
        .encode(
            x=alt.X("stage:N", sort=alt.SortField("order"), title=None),
            y=alt.Y(
                "share:Q",
                title=t("appraisal.share_done"),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=[
                alt.Tooltip("stage:N", title=t("appraisal.stage_label")),
                alt.Tooltip("done:Q", title=t("appraisal.people_done")),
                alt.Tooltip("share:Q", title=t("appraisal.share_done"), format=".0%"),
            ],
        )
        .properties(height=220)
    )


def weight_mix_chart(mix: pl.DataFrame) -> Any:
    """Mean KPI weights per level, stacked (``level, kpi, weight``)."""
    if mix.is_empty():
        return None
    return (
        alt.Chart(mix)
        .mark_bar()
        .encode(
            y=alt.Y("level:N", title=None),
            x=alt.X("weight:Q", title=t("appraisal.weight_pct"), stack="zero"),
            color=alt.Color("kpi:N", title=t("appraisal.kpi")),
            tooltip=[
                alt.Tooltip("kpi:N", title=t("appraisal.kpi")),
                alt.Tooltip("weight:Q", title=t("appraisal.weight_pct"), format=".0f"),
            ],
        )
        .properties(height=100 + 40 * mix["level"].n_unique(), title=t("appraisal.contracts.mix"))
    )


def history_chart(rows: pl.DataFrame) -> Any:
    """Final score per closed period (``period, final_score, values_score``)."""
    if rows.is_empty():
        return None
    data = rows.select("period", "final_score", "values_score")
    return (
        alt.Chart(data)
        .mark_line(point=True, color=COLORS["primary"])
        .encode(
            x=alt.X("period:O", title=t("appraisal.period")),
            y=alt.Y("final_score:Q", title=t("appraisal.final_score"), scale=alt.Scale(zero=False)),
            tooltip=[
                alt.Tooltip("period:O", title=t("appraisal.period")),
                alt.Tooltip("final_score:Q", title=t("appraisal.final_score"), format=".1f"),
                alt.Tooltip("values_score:Q", title=t("appraisal.values_score"), format=".2f"),
            ],
        )
        .properties(height=220)
    )


def team_attainment_chart(data: pl.DataFrame, share: float) -> Any:
    """Attainment per team and KPI (``team, kpi, actual, target, attainment``) and the pace."""
    if data.is_empty():
        return None
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("attainment:Q", title=t("appraisal.attainment"), axis=alt.Axis(format="%")),
            y=alt.Y("team:N", title=None),
            color=alt.Color("kpi:N", title=t("appraisal.kpi")),
            yOffset="kpi:N",
            tooltip=[
                alt.Tooltip("team:N", title=t("appraisal.team")),
                alt.Tooltip("kpi:N", title=t("appraisal.kpi")),
                alt.Tooltip("actual:Q", title=t("appraisal.actual"), format=",.2f"),
                alt.Tooltip("target:Q", title=t("appraisal.target"), format=",.2f"),
                alt.Tooltip("attainment:Q", title=t("appraisal.attainment"), format=".1%"),
            ],
        )
    )
    pace = (
        alt.Chart(pl.DataFrame({"x": [share]}))
        .mark_rule(color=COLORS["target"], strokeDash=[4, 3])
        .encode(x="x:Q")
    )
    height = 120 + 16 * data.height  # "fit": axes and title included
    return layered(bars, pace, height=height, title=t("appraisal.progress.team_chart"))


def rating_mix_chart(mix: pl.DataFrame, rating_labels: Mapping[str, str]) -> Any:
    """Ratings per period as shares of 100 % (``period, rating, people``)."""
    if mix.is_empty():
        return None
    data = _with_rating_label(mix, rating_labels)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("period:O", title=t("appraisal.period")),
            **_rating_shares(alt.Y, "people:Q", rating_labels),
            tooltip=[
                alt.Tooltip("period:O", title=t("appraisal.period")),
                alt.Tooltip("label:N", title=t("appraisal.rating_label")),
                alt.Tooltip("people:Q", title=t("appraisal.people")),
            ],
        )
        .properties(height=240, title=t("appraisal.results.mix"))
    )


def attainment_chart(data: pl.DataFrame, share: float | None) -> Any:
    """Attainment per KPI (``kpi, attainment, position``) against 100 % and time gone by."""
    if data.is_empty():
        return None
    bars = (
        alt.Chart(data)
        .mark_bar(color=COLORS["primary"])
        .encode(
            y=alt.Y("kpi:N", sort=alt.SortField("position"), title=None),
            x=alt.X("attainment:Q", title=t("appraisal.attainment"), axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("kpi:N", title=t("appraisal.kpi")),
                alt.Tooltip("attainment:Q", title=t("appraisal.attainment"), format=".1%"),
            ],
        )
    )
    marks = [pl.DataFrame({"x": [1.0], "what": [t("appraisal.on_target")]})]
    if share is not None and share < 1:
        marks.append(pl.DataFrame({"x": [share], "what": [t("appraisal.time_gone")]}))
    rules = (
        alt.Chart(pl.concat(marks))
        .mark_rule(strokeDash=[4, 3])
        .encode(
            x="x:Q",
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(range=[COLORS["target"], COLORS["secondary"]]),
            ),
        )
    )
    return layered(bars, rules, height=90 + 36 * data.height)
