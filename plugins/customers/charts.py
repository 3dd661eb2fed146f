"""Altair charts of the customers pages, in the shared colours (pure: frame in, chart out)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl

from command_center.i18n import t
from command_center.ui import COLORS
from plugins.customers.logic.abc import GRADES


def grade_scale() -> alt.Scale:
    """A, B and C in the shared colours."""
    return alt.Scale(domain=list(GRADES), range=[COLORS[g] for g in GRADES])


def pareto(points: pl.DataFrame, cutoffs: Sequence[float]) -> alt.LayerChart:
    """The cumulative revenue share over the customer share (``abc.pareto_points``),
    with the A and B cut-offs as dashed rules."""
    x_title, y_title = t("customers.abc.customer_share"), t("customers.abc.revenue_share")
    curve = (
        alt.Chart(points)
        .mark_area(line=True, opacity=0.35)
        .encode(
            x=alt.X("customer_share:Q", title=x_title, axis=alt.Axis(format="%")),
            y=alt.Y("cumulative_share:Q", title=y_title, axis=alt.Axis(format="%")),
            color=alt.Color("grade:N", scale=grade_scale(), title=t("customers.grade")),
            tooltip=[
                alt.Tooltip("customer_share:Q", title=x_title, format=".1%"),
                alt.Tooltip("cumulative_share:Q", title=y_title, format=".1%"),
                alt.Tooltip("grade:N", title=t("customers.grade")),
            ],
        )
    )
    lines = pl.DataFrame(
        {
            "cutoff": list(cutoffs),
            "label": [t("customers.abc.cutoff", grade="A"), t("customers.abc.cutoff", grade="B")],
        }
    )
    rules = (
        alt.Chart(lines)
        .mark_rule(strokeDash=[6, 4], color=COLORS["target"])
        .encode(
            y="cutoff:Q", tooltip=[alt.Tooltip("label:N"), alt.Tooltip("cutoff:Q", format=".0%")]
        )
    )
    text = (
        alt.Chart(lines)
        .mark_text(align="left", dx=4, dy=-6, color=COLORS["target"])
        .encode(y="cutoff:Q", x=alt.value(4), text="label:N")
    )
    return (curve + rules + text).properties(height=320)


def _grade_bars(frame: pl.DataFrame, x: alt.X, y: alt.Y, first: alt.Tooltip) -> alt.Chart:
    """Bars stacked by grade, with customers and revenue in the tooltip after ``first``."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color("grade:N", scale=grade_scale(), title=t("customers.grade")),
            order=alt.Order("grade:N"),
            tooltip=[
                first,
                alt.Tooltip("grade:N", title=t("customers.grade")),
                alt.Tooltip("customers:Q", title=t("customers.col.customers")),
                alt.Tooltip("revenue:Q", title=t("customers.abc.revenue"), format=",.0f"),
            ],
        )
    )


def grades_by_team(table: pl.DataFrame, teams: int) -> alt.Chart:
    """Revenue per team stacked by grade (``teams.named_teams``)."""
    return _grade_bars(
        table,
        alt.X("revenue:Q", title=t("customers.abc.revenue")),
        alt.Y("team:N", title=t("customers.abc.team")),
        alt.Tooltip("team:N", title=t("customers.abc.team")),
    ).properties(height=max(140, 28 * teams))


def grade_history(counts: pl.DataFrame) -> alt.Chart:
    """Customers per grade at each month end (``abc.history_counts``)."""
    return _grade_bars(
        counts,
        alt.X("month:O", title=t("customers.col.month")),
        alt.Y("customers:Q", title=t("customers.col.customers")),
        alt.Tooltip("month:O", title=t("customers.col.month")),
    ).properties(height=260)


def purchases(monthly: pl.DataFrame) -> alt.Chart:
    """One customer's revenue per month (``activity.monthly_purchases``)."""
    return (
        alt.Chart(monthly)
        .mark_bar(color=COLORS["primary"])
        .encode(
            x=alt.X("label:O", title=t("customers.col.month")),
            y=alt.Y("revenue:Q", title=t("customers.col.revenue")),
            tooltip=[
                alt.Tooltip("label:O", title=t("customers.col.month")),
                alt.Tooltip("revenue:Q", title=t("customers.col.revenue"), format=",.0f"),
                alt.Tooltip("lines:Q", title=t("customers.col.lines")),
            ],
        )
        .properties(height=260)
    )


def weekly(counts: pl.DataFrame, count: str, count_title: str, kind_title: str) -> alt.Chart:
    """Counts per week stacked by ``kind`` (``activity.weekly_counts``): follow-ups by
    channel, pool moves by kind."""
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title=t("customers.col.week")),
            y=alt.Y(f"{count}:Q", title=count_title),
            color=alt.Color("kind:N", title=kind_title),
            tooltip=[
                alt.Tooltip("week:T", title=t("customers.col.week")),
                alt.Tooltip("kind:N", title=kind_title),
                alt.Tooltip(f"{count}:Q", title=count_title),
            ],
        )
        .properties(height=240)
    )


def overdue_by_owner(counts: pl.DataFrame) -> alt.Chart:
    """Overdue customers per owner (``cadence.overdue_by_owner``), most first."""
    return (
        alt.Chart(counts)
        .mark_bar(color=COLORS["bad"])
        .encode(
            x=alt.X("customers:Q", title=t("customers.kpi.overdue")),
            y=alt.Y("owner:N", sort="-x", title=t("customers.owner")),
            tooltip=[
                alt.Tooltip("owner:N", title=t("customers.owner")),
                alt.Tooltip("customers:Q", title=t("customers.kpi.overdue")),
            ],
        )
        .properties(height=max(120, 22 * counts.height))
    )
