"""The ranking wall (龙虎榜): everyone's ranks on a metric, per force, region and team.

Public by design (docs/recognition.md): every signed-in user sees names, ranks and
percentages across the force, amounts only where the company shows them. The page
reads published facts only (a few dozen rows); its visit publishes the period's
wall when it is due (:mod:`plugins.incentives.actions.wall`).
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.periods import parse_period
from command_center.ui import data_table, page_header
from command_center.ui.widgets import Kpi, kpi_row
from plugins.incentives.actions import wall as wall_actions
from plugins.incentives.errors import IncentivesError
from plugins.incentives.logic.wall import group_key, wall_period_label
from plugins.incentives.queries import wall as wall_reads
from plugins.incentives.settings import WallSettings, load_honour_settings
from plugins.incentives.ui.widgets import level_label, metric_name, money_config, names_of

METRIC_KEY = "incentives_wall_metric"


def render(ctx: PageContext) -> None:
    page_header(ctx, "incentives.wall.title")
    settings = load_honour_settings(ctx.engine).wall
    label = wall_period_label(ctx.period.grain, ctx.period.label, ctx.period.end)
    period = parse_period(label)
    st.caption(t("incentives.wall.intro", period=label))
    if label != ctx.period.label:
        st.caption(t("incentives.wall.month_of", period=label))
    keys = ctx.registry.keys()
    metrics = [k for k in keys if ctx.registry.supports(k, period)]
    if not metrics:
        st.info(t("incentives.wall.no_metrics"))
        return
    top = st.columns([2, 2, 1])
    default = settings.metric if settings.metric in metrics else metrics[0]
    if st.session_state.get(METRIC_KEY) not in metrics:
        st.session_state.pop(METRIC_KEY, None)
    extra: dict[str, Any] = (
        {} if METRIC_KEY in st.session_state else {"index": metrics.index(default)}
    )
    metric = top[0].selectbox(
        t("incentives.wall.metric"),
        metrics,
        format_func=labels_now(metrics, lambda k: metric_name(ctx, k)),
        key=METRIC_KEY,
        **extra,
    )
    levels = list(settings.levels)
    level = levels[0]
    if len(levels) > 1:
        level = top[1].selectbox(
            t("incentives.wall.level"),
            levels,
            format_func=labels_now(levels, level_label),
            key="incentives_wall_level",
        )
    show_all = top[2].toggle(t("incentives.wall.show_all"), key="incentives_wall_all")
    try:
        visit = wall_actions.visit_wall(
            ctx.engine, ctx.registry, ctx.signed_in_viewer, metric, period, ctx.actor
        )
    except IncentivesError as exc:
        st.warning(exc.message)
        return
    marker, count = wall_reads.marker(ctx.engine, metric, label)
    if marker is None or count == 0:
        st.info(t("incentives.wall.nobody", period=label))
        return
    st.caption(t("incentives.wall.as_of", time=f"{marker.at:%Y-%m-%d %H:%M}", count=count))
    if visit == "refreshing":
        st.caption(t("incentives.wall.refreshing"))
    limit = None if show_all else settings.top
    _board(ctx, metric, label, level, limit, count)
    if ctx.signed_in_viewer.role == "director" and ctx.signed_in_viewer.sees_all:
        _configure(ctx, settings, metrics)


def _board(
    ctx: PageContext, metric: str, label: str, level: str, limit: int | None, count: int
) -> None:
    place = wall_reads.own_place(ctx.engine, ctx.signed_in_viewer)
    mine = wall_reads.own_keys(place, level)
    me = ctx.signed_in_viewer.person_id
    keys = wall_reads.groups(ctx.engine, metric, label)
    regions = [k for k in keys if k.startswith(group_key(level, "region", ""))]
    names = names_of(ctx)
    teams = [
        k
        for k in keys
        if k.startswith(group_key(level, "team", "")) and (k == mine["team"] or _leader(k) in names)
    ]
    force = wall_reads.group_rows(ctx.engine, metric, label, mine["force"] or "", limit, me)
    summary = st.container()  # the KPI row: one's places, known once the tabs are read
    tabs = st.tabs(
        [t("incentives.wall.force"), t("incentives.wall.region"), t("incentives.wall.team")]
    )
    places: dict[str, int | None] = {"force": _rank_of(force, me)}
    with tabs[0]:
        _table(ctx, metric, force, me)
    with tabs[1]:
        chosen = _pick(regions, mine["region"], lambda k: k.split(":", 1)[1], "region")
        if chosen is None:
            st.caption(t("incentives.wall.no_group"))
        else:
            found = wall_reads.group_rows(ctx.engine, metric, label, chosen, limit, me)
            places["region"] = _rank_of(found, me) if chosen == mine["region"] else None
            _table(ctx, metric, found, me)
    with tabs[2]:
        chosen = _pick(
            teams,
            mine["team"] if mine["team"] in teams else None,
            lambda k: t("incentives.wall.team_of", name=names.get(_leader(k), str(_leader(k)))),
            "team",
        )
        if chosen is None:
            st.caption(t("incentives.wall.no_group"))
        else:
            found = wall_reads.group_rows(ctx.engine, metric, label, chosen, None, me)
            places["team"] = _rank_of(found, me) if chosen == mine["team"] else None
            _table(ctx, metric, found, me)
    cards = [Kpi(t("incentives.wall.ranked"), count, "count")]
    for where in ("force", "region", "team"):
        if places.get(where) is not None:
            cards.append(Kpi(t(f"incentives.wall.my_{where}"), places[where], "count"))
    with summary:
        kpi_row(cards)


def _rank_of(found: pl.DataFrame, me: int | None) -> int | None:
    own = found.filter(pl.col("person_id") == me) if me is not None else found.clear()
    return None if own.is_empty() else int(own["rank"][0])


def _leader(key: str) -> int:
    return int(key.rsplit(":", 1)[1])


def _pick(options: list[str], own: str | None, label: Any, what: str) -> str | None:
    """A group to show: one's own without asking; leaders and directors pick one."""
    if own is not None and own in options and len(options) == 1:
        return own
    if not options:
        return own
    index = options.index(own) if own in options else 0
    return st.selectbox(
        t(f"incentives.wall.pick_{what}"),
        options,
        index=index,
        format_func=labels_now(options, label),
        key=f"incentives_wall_{what}",
    )


def _table(ctx: PageContext, metric: str, found: pl.DataFrame, me: int | None) -> None:
    if found.is_empty():
        st.caption(t("incentives.wall.empty"))
        return
    unit = ctx.registry.spec(metric).unit
    figure = metric_name(ctx, metric)
    you = t("incentives.wall.you")
    shown = found.with_columns(
        pl.when(pl.col("person_id") == me)
        .then(pl.concat_str(pl.col("name"), pl.lit(f" · {you}")))
        .otherwise(pl.col("name"))
        .alias("name")
    )
    columns = [
        pl.col("rank").alias(t("incentives.honours.rank")),
        pl.col("name").alias(t("incentives.name")),
    ]
    money: list[str] = []
    pct: list[str] = []
    if shown["value"].is_not_null().any() and metric != "attainment":
        columns.append(pl.col("value").alias(figure))
        if unit == "currency":
            money.append(figure)
        elif unit in ("percent", "ratio"):
            pct.append(figure)
    attained = t("incentives.wall.attainment")
    if metric == "attainment" or shown["attainment"].is_not_null().any():
        columns.append(pl.col("attainment").alias(attained))
        pct.append(attained)
    table = shown.select(columns)
    data_table(table, column_config=money_config(table, money, pct))


def _configure(ctx: PageContext, settings: WallSettings, metrics: list[str]) -> None:
    with st.expander(t("incentives.wall.configure")), st.form("incentives_wall_settings"):
        amounts = st.checkbox(
            t("incentives.wall.show_amounts"),
            value=settings.show_amounts,
            key="incentives_wall_amounts",
        )
        options = ["rep", "supervisor", "manager"]
        levels = st.multiselect(
            t("incentives.wall.levels"),
            options,
            default=[lv for lv in settings.levels if lv in options],
            format_func=labels_now(options, level_label),
            key="incentives_wall_levels",
        )
        default = settings.metric if settings.metric in metrics else metrics[0]
        metric = st.selectbox(
            t("incentives.wall.default_metric"),
            metrics,
            index=metrics.index(default),
            format_func=labels_now(metrics, lambda k: metric_name(ctx, k)),
            key="incentives_wall_default",
        )
        top = st.number_input(
            t("incentives.wall.top"), 3, 100, settings.top, key="incentives_wall_top"
        )
        minutes = st.number_input(
            t("incentives.wall.refresh"),
            0,
            1440,
            settings.refresh_minutes,
            key="incentives_wall_refresh",
        )
        if st.form_submit_button(t("incentives.wall.save")):
            try:
                new = WallSettings(
                    show_amounts=amounts,
                    levels=levels or ["rep"],  # type: ignore[arg-type]
                    metric=metric,
                    top=int(top),
                    refresh_minutes=int(minutes),
                )
                wall_actions.save_wall_settings(ctx.engine, ctx.signed_in_viewer, new, ctx.actor)
            except IncentivesError as exc:
                st.warning(exc.message)
            else:
                st.success(t("incentives.wall.saved"))
