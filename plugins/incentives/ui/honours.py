"""Honours: titles of the sidebar's period, leaderboards, publishing and configuration."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import fmt_value, has, t
from command_center.ui import chart, page_header
from plugins.incentives import charts
from plugins.incentives.actions import honours as honour_actions
from plugins.incentives.errors import IncentivesError
from plugins.incentives.logic.honours import title_key
from plugins.incentives.queries import honours as honour_reads
from plugins.incentives.settings import (
    HonourDef,
    HonourSettings,
    honour_settings_yaml,
    load_honour_settings,
    parse_honour_settings,
)
from plugins.incentives.ui.widgets import ICONS, metric_name, money_config, names_of

PER_ROW = 3


def honour_title(honour: HonourDef) -> str:
    key = title_key(honour.id)
    return t(key) if has(key) else (honour.title or honour.id)


def _unit(ctx: PageContext, metric: str) -> str:
    return ctx.registry.spec(metric).unit if metric in ctx.registry else "count"


def render(ctx: PageContext) -> None:
    page_header(ctx, "incentives.honours.title")
    settings = load_honour_settings(ctx.engine)
    active = settings.active(ctx.period.grain)
    st.caption(t("incentives.honours.intro", period=ctx.period.label))
    _announced(ctx, settings)
    if ctx.viewer.role == "rep":
        _mine(ctx, settings)
    elif not active:
        st.info(t("incentives.honours.none_active"))
    else:
        board = honour_reads.honour_board(
            ctx.engine, ctx.registry, ctx.viewer, ctx.period, settings
        )
        published = honour_reads.published_titles(ctx.engine, ctx.viewer, ctx.period.label)
        _cards(ctx, active, board, published)
        _boards(ctx, active, board)
    if ctx.viewer.role == "director" and ctx.signed_in_viewer.sees_all:
        _publish(ctx, settings)
        _configure(ctx, settings)


def _announced(ctx: PageContext, settings: HonourSettings) -> None:
    """The titles published for the period, company-wide: everyone sees them (names and
    percentages; amounts only where the company shows them)."""
    found = honour_reads.public_titles(ctx.engine, ctx.period.label)
    if found.is_empty():
        return
    st.subheader(t("incentives.honours.announced", period=ctx.period.label))
    defs = {h.id: h for h in settings.honours}
    for row in found.sort("key", "value", descending=[False, True]).iter_rows(named=True):
        honour = defs.get(row["key"])
        title = honour_title(honour) if honour else row["key"]
        unit = _unit(ctx, honour.metric) if honour else "count"
        shown = unit != "currency" or settings.wall.show_amounts
        value = f" · {fmt_value(row['value'], unit)}" if shown and row["value"] is not None else ""
        name = row["name"] or str(row["person_id"])
        st.markdown(f"{ICONS['honour']} **{title}** · {name}{value}")


def _mine(ctx: PageContext, settings: HonourSettings) -> None:
    """A rep's own titles (published for the whole force), every period."""
    won = honour_reads.published_titles(ctx.engine, ctx.viewer).filter(
        pl.col("person_id") == ctx.viewer.person_id
    )
    if won.is_empty():
        st.info(t("incentives.honours.none_won"))
        return
    defs = {h.id: h for h in settings.honours}
    for row in won.sort("period", descending=True).iter_rows(named=True):
        honour = defs.get(row["key"])
        title = honour_title(honour) if honour else t(row["text"])
        metric = honour.metric if honour else ""
        value = fmt_value(row["value"], _unit(ctx, metric)) if metric else ""
        st.markdown(f"{ICONS['honour']} **{title}** · {row['period']} · {value}")


def _cards(
    ctx: PageContext,
    active: list[HonourDef],
    board: dict[str, pl.DataFrame],
    published: pl.DataFrame,
) -> None:
    names = names_of(ctx)
    for start in range(0, len(active), PER_ROW):
        cols = st.columns(PER_ROW)
        for col, honour in zip(cols, active[start : start + PER_ROW], strict=False):
            with col.container(border=True):
                st.markdown(f"{ICONS['honour']} **{honour_title(honour)}**")
                top = board.get(honour.id)
                if honour.metric not in ctx.registry:
                    st.caption(
                        t(
                            "incentives.honours.metric_absent",
                            metric=metric_name(ctx, honour.metric),
                        )
                    )
                elif top is None or top.is_empty():
                    st.caption(t("incentives.honours.nobody"))
                else:
                    pid, value = top["person_id"][0], top["value"][0]
                    st.markdown(f"### {names.get(pid, pid)}")
                    st.caption(
                        f"{metric_name(ctx, honour.metric)}: "
                        f"{fmt_value(value, _unit(ctx, honour.metric))}"
                    )
                won = published.filter(pl.col("key") == honour.id)
                if not won.is_empty():
                    who = ", ".join(str(names.get(p, p)) for p in won["person_id"].to_list())
                    announced = t("incentives.honours.published_to", who=who)
                    st.caption(f"{ICONS['announced']} {announced}")


def _boards(ctx: PageContext, active: list[HonourDef], board: dict[str, pl.DataFrame]) -> None:
    st.subheader(t("incentives.honours.leaderboards"))
    names = names_of(ctx)
    tabs = st.tabs([honour_title(h) for h in active])
    for tab, honour in zip(tabs, active, strict=True):
        with tab:
            top = board.get(honour.id)
            if top is None or top.is_empty():
                st.caption(t("incentives.honours.nobody"))
                continue
            label = metric_name(ctx, honour.metric)
            frame = top.with_columns(
                pl.col("person_id")
                .replace_strict(names, default="", return_dtype=pl.String)
                .alias("name")
            )
            left, right = st.columns([2, 3])
            shown = frame.select(
                pl.col("rank").alias(t("incentives.honours.rank")),
                pl.col("name").alias(t("incentives.name")),
                pl.col("value").alias(label),
            )
            unit = _unit(ctx, honour.metric)
            config = (
                money_config(shown, [label], [])
                if unit == "currency"
                else money_config(shown, [], [label])
                if unit in ("percent", "ratio")
                else None
            )
            left.dataframe(shown, hide_index=True, width="stretch", column_config=config)
            with right:
                chart(charts.bars(frame, "name", "value", label))


def _publish(ctx: PageContext, settings: HonourSettings) -> None:
    st.subheader(t("incentives.honours.publish"))
    with st.form("incentives_publish"):
        st.caption(t("incentives.honours.publish_help", period=ctx.period.label))
        if st.form_submit_button(t("incentives.honours.publish_go")):
            found = honour_reads.honour_winners(
                ctx.engine, ctx.registry, ctx.signed_in_viewer, [ctx.period], settings
            )
            try:
                count = honour_actions.publish_honours(
                    ctx.engine,
                    ctx.signed_in_viewer,
                    {ctx.period.label: found[ctx.period]},
                    ctx.actor,
                )
            except IncentivesError as exc:
                st.warning(exc.message)
            else:
                st.success(t("incentives.honours.published", count=count, period=ctx.period.label))


def _configure(ctx: PageContext, settings: HonourSettings) -> None:
    with st.expander(t("incentives.honours.configure")):
        st.caption(t("incentives.honours.configure_help"))
        current = honour_settings_yaml(settings)
        with st.form("incentives_honour_settings"):
            text = st.text_area(
                t("incentives.honours.yaml"),
                value=current,
                height=360,
                key="incentives_honours_yaml",
            )
            if st.form_submit_button(t("incentives.honours.save")):
                try:
                    new = parse_honour_settings(text)
                    honour_actions.save_honour_settings(
                        ctx.engine, ctx.signed_in_viewer, new, ctx.actor
                    )
                except IncentivesError as exc:
                    st.warning(exc.message)
                else:
                    st.success(t("incentives.honours.saved"))
