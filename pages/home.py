"""Home: the director's command center, scoped to whoever is signed in.

KPI cards against target, revenue trend against target, leaderboards by team
and by person with drill-down through the hierarchy, the plugins' home cards;
the page reruns by itself when the data version changes.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from command_center import charts
from command_center.context import PageContext
from command_center.db.engine import data_version
from command_center.i18n import t
from command_center.settings import get_settings
from command_center.ui import chart, page_header, state, table_with_download
from command_center.ui.widgets import (
    isolated,
    kpi_row,
    money_column,
    percent_column,
    registry_kpis,
)

KPI_KEYS = ("revenue", "profit", "margin", "growth", "attainment")
TREND_MONTHS = 12


def render(ctx: PageContext) -> None:
    page_header(ctx, "home.title")
    _watch_for_changes(ctx)
    roots = ctx.roots()
    if not roots:
        st.info(t("home.no_people"))
        return
    _kpis(ctx, roots)
    _trend(ctx)
    left, right = st.columns(2)
    with left:
        _team_board(ctx, roots)
    with right:
        _person_board(ctx)
    _home_cards(ctx)


def _watch_for_changes(ctx: PageContext) -> None:
    seen = data_version(ctx.engine)

    @st.fragment(run_every=get_settings().refresh_seconds)
    def watch() -> None:
        if data_version(ctx.engine) != seen:
            st.rerun(scope="app")

    watch()


def _kpis(ctx: PageContext, roots: list[int]) -> None:
    kpi_row(registry_kpis(ctx, KPI_KEYS, roots))


def _trend(ctx: PageContext) -> None:
    st.subheader(t("home.trend"))
    data = charts.revenue_trend_data(
        ctx.engine, ctx.registry, ctx.viewer, ctx.period.end, TREND_MONTHS
    )
    if data.is_empty():
        st.info(t("home.no_sales"))
        return
    chart(charts.revenue_trend(data))


def _board(ctx: PageContext, ids: list[int]) -> pl.DataFrame:
    """Revenue, target, attainment and growth per node in ``ids``."""
    card = ctx.registry.scorecard(ctx.engine, ctx.viewer, "revenue", ctx.period)
    growth = ctx.registry.rollup(ctx.engine, ctx.viewer, "growth", ctx.period).select(
        "node_id", pl.col("value").alias("growth")
    )
    people = ctx.people().select("person_id", "name", "level")
    return (
        people.filter(pl.col("person_id").is_in(ids))
        .join(card, left_on="person_id", right_on="node_id", how="left")
        .join(growth, left_on="person_id", right_on="node_id", how="left")
        .sort("value", descending=True, nulls_last=True)
    )


def _display(board: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Translated headers and levels; numbers stay numbers (sortable), formatted by config."""
    levels = {level: t(f"level.{level}") for level in board["level"].unique().to_list()}
    names = {
        key: t(key)
        for key in (
            "home.rank",
            "home.name",
            "home.level",
            "metric.revenue",
            "home.target",
            "metric.attainment",
            "metric.growth",
        )
    }
    frame = board.select(
        pl.int_range(1, board.height + 1).alias(names["home.rank"]),
        pl.col("name").alias(names["home.name"]),
        pl.col("level").replace_strict(levels, return_dtype=pl.String).alias(names["home.level"]),
        pl.col("value").alias(names["metric.revenue"]),
        pl.col("target").alias(names["home.target"]),
        pl.col("attainment").alias(names["metric.attainment"]),
        pl.col("growth").alias(names["metric.growth"]),
    )
    config = {
        names["metric.revenue"]: money_column(names["metric.revenue"]),
        names["home.target"]: money_column(names["home.target"]),
        names["metric.attainment"]: percent_column(names["metric.attainment"]),
        names["metric.growth"]: percent_column(names["metric.growth"]),
    }
    return frame, config


def _team_board(ctx: PageContext, roots: list[int]) -> None:
    st.subheader(t("home.by_team"))
    people = ctx.people()
    parent = roots[0] if len(roots) == 1 else None
    ids = (
        people.filter(pl.col("manager_id") == parent)["person_id"].to_list()
        if parent is not None
        else roots
    )
    board = _board(ctx, ids)
    frame, config = _display(board)
    table_with_download(frame, "leaderboard_teams", "home_teams", column_config=config)
    leaders = board.filter(pl.col("level") != "rep")
    if not leaders.is_empty():
        names = dict(leaders.select("person_id", "name").iter_rows())
        choice = st.selectbox(
            t("home.drill_into"), list(names), format_func=names.__getitem__, key="home_drill"
        )
        st.button(
            t("home.drill"),
            on_click=state.set_filter,
            args=(state.TEAM, choice),
            key="home_drill_go",
        )
    if ctx.team_root is not None:
        up = people.filter(pl.col("person_id") == ctx.team_root)["manager_id"].to_list()
        target = up[0] if up and ctx.signed_in_viewer.can_see(up[0]) else None
        st.button(t("home.up"), on_click=state.set_filter, args=(state.TEAM, target), key="home_up")


def _person_board(ctx: PageContext) -> None:
    st.subheader(t("home.by_person"))
    reps = ctx.people().filter(pl.col("level") == "rep")["person_id"].to_list()
    board = _board(ctx, reps)
    frame, config = _display(board)
    table_with_download(frame, "leaderboard_people", "home_people", column_config=config)


def _home_cards(ctx: PageContext) -> None:
    cards = [
        card
        for _, card in ctx.host.contributions("register_home_cards")
        if ctx.viewer.role in card.roles
    ]
    for card in sorted(cards, key=lambda c: c.order):
        with st.container(border=True):
            st.markdown(f"**{t(card.title)}**")
            isolated(ctx, card.title, f"card:{card.key}", lambda card=card: card.render(ctx))
