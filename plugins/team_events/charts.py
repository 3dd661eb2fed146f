"""Altair charts of the team events pages: pure functions of display-ready frames and labels."""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from command_center.i18n import t
from command_center.ui import COLORS


def owners_chart(data: pl.DataFrame, on_track: str, overdue: str, owners: int) -> Any:
    """Open action items per owner (``owner, state, items``), on track vs overdue."""
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("owner:N", sort="-x", title=None),
            x=alt.X("items:Q", title=t("team_events.actions.count")),
            color=alt.Color(
                "state:N",
                title=None,
                scale=alt.Scale(
                    domain=[on_track, overdue], range=[COLORS["secondary"], COLORS["bad"]]
                ),
            ),
            tooltip=[
                alt.Tooltip("owner:N", title=t("team_events.action.owner")),
                alt.Tooltip("state:N", title=t("team_events.action.status")),
                alt.Tooltip("items:Q", title=t("team_events.actions.count")),
            ],
        )
        .properties(height=min(420, 28 * owners + 40))
    )


def budget_chart(long: pl.DataFrame, budget_label: str, spent_label: str, teams: int) -> Any:
    """Budget against spend per team (``team, value, series``)."""
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("team:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
            yOffset="series:N",
            x=alt.X("value:Q", title=t("team_events.building.amount")),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(
                    domain=[budget_label, spent_label], range=[COLORS["target"], COLORS["primary"]]
                ),
            ),
            tooltip=[
                alt.Tooltip("team:N", title=t("team_events.team")),
                alt.Tooltip("series:N", title=t("team_events.pack.series")),
                alt.Tooltip("value:Q", title=t("team_events.building.amount"), format=",.0f"),
            ],
        )
        .properties(height=min(520, 34 * teams + 40))
    )


def month_chart(data: pl.DataFrame, weekdays: list[str]) -> Any:
    """A month as a calendar grid (``wd, week, events, text, iso, label`` per day)."""
    base = alt.Chart(data).encode(
        x=alt.X("wd:N", sort=weekdays, title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("week:O", axis=None),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "events:Q",
            scale=alt.Scale(
                domain=[0, max(3, int(data["events"].max() or 0))],
                range=["#f5f5f5", COLORS["primary"]],
            ),
            legend=None,
        ),
        tooltip=[
            alt.Tooltip("iso:N", title=t("team_events.date")),
            alt.Tooltip("events:Q", title=t("team_events.calendar.kpi_events")),
            alt.Tooltip("label:N", title=t("team_events.title_field")),
        ],
    )
    labels = base.mark_text(fontSize=13).encode(text="text:N")
    return (cells + labels).properties(height=60 * (int(data["week"].max() or 0) + 1))


def read_rate_chart(data: pl.DataFrame) -> Any:
    """Read rate per announcement (``title, read_rate``)."""
    return (
        alt.Chart(data)
        .mark_bar(color=COLORS["primary"])
        .encode(
            y=alt.Y("title:N", sort="-x", title=None),
            x=alt.X(
                "read_rate:Q", title=t("team_events.news.read_rate"), axis=alt.Axis(format="%")
            ),
            tooltip=[
                alt.Tooltip("title:N", title=t("team_events.title_field")),
                alt.Tooltip("read_rate:Q", title=t("team_events.news.read_rate"), format=".0%"),
            ],
        )
        .properties(height=min(400, 26 * data.height + 40))
    )


def members_chart(long: pl.DataFrame, revenue: str, target: str) -> Any:
    """Revenue against target per member (``name, value, series``)."""
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("name:N", sort="-y", title=None),
            xOffset="series:N",
            y=alt.Y("value:Q", title=revenue),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(
                    domain=[revenue, target], range=[COLORS["primary"], COLORS["target"]]
                ),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=t("team_events.pack.name")),
                alt.Tooltip("series:N", title=t("team_events.pack.series")),
                alt.Tooltip("value:Q", title=t("team_events.pack.value"), format=",.0f"),
            ],
        )
        .properties(height=280)
    )
