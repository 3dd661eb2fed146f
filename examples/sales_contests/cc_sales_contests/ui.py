"""The contests page: create a contest, see the standings in your scope."""

from __future__ import annotations

import polars as pl
import streamlit as st

from cc_sales_contests import actions, queries
from cc_sales_contests.errors import ContestError
from cc_sales_contests.logic import standings
from command_center import PageSpec
from command_center.context import PageContext
from command_center.i18n import fmt_value, labels_now, t
from command_center.org.scope import OPERATOR
from command_center.periods import Period
from command_center.ui import page_header, table_with_download


def pages() -> list[PageSpec]:
    return [PageSpec("contests", "contests.title", render, icon=":material/emoji_events:")]


def render(ctx: PageContext) -> None:
    page_header(ctx, "contests.title")
    contests = queries.contests(ctx.engine)
    if ctx.viewer.role in actions.ORGANISERS:
        _create_form(ctx)
    if contests.is_empty():
        st.info(t("contests.none"))
        return
    names = dict(contests.select("contest_id", "name").iter_rows())
    chosen = st.selectbox(
        t("contests.pick"),
        list(names),
        format_func=labels_now(names, names.__getitem__),
        key="contests_pick",
    )
    row = contests.filter(pl.col("contest_id") == chosen).row(0, named=True)
    st.caption(
        t(
            "contests.rules",
            metric=t(ctx.registry.spec(row["metric"]).label)
            if row["metric"] in ctx.registry
            else row["metric"],
            start=f"{row['start_month']:%Y-%m}",
            end=f"{row['end_month']:%Y-%m}",
            prize=row["prize"] or "—",
        )
    )
    if row["metric"] not in ctx.registry:
        st.warning(t("contests.metric_missing", metric=row["metric"]))
        return
    period = Period(row["start_month"], row["end_month"], "month")
    spec = ctx.registry.spec(row["metric"])
    mine = standings(
        ctx.registry.person_values(ctx.engine, ctx.viewer, row["metric"], period).select(
            "person_id", "value"
        )
    )
    if ctx.viewer.role == "rep":
        _my_place(ctx, row["metric"], period, spec.unit)
        return
    people = ctx.people().select("person_id", "name")
    board = mine.join(people, on="person_id").select(
        pl.col("rank").alias(t("contests.rank")),
        pl.col("name").alias(t("contests.name")),
        pl.col("value").alias(t(spec.label)),
    )
    table_with_download(board, "contest_standings", "contests_board")


def _my_place(ctx: PageContext, metric: str, period: Period, unit: str) -> None:
    """A rep sees their own figure and rank, never another rep's numbers."""
    force = standings(
        ctx.registry.person_values(ctx.engine, OPERATOR, metric, period).select(
            "person_id", "value"
        )
    )
    me = force.filter(pl.col("person_id") == ctx.viewer.person_id)
    if me.is_empty():
        st.info(t("contests.no_result"))
        return
    rank, value = me["rank"].item(), me["value"].item()
    st.metric(t("contests.my_rank", total=force.height), str(rank), fmt_value(value, unit))


def _create_form(ctx: PageContext) -> None:
    with st.expander(t("contests.create")), st.form("contests_create", clear_on_submit=True):
        name = st.text_input(t("contests.name_field"))
        keys = [k for k in ctx.registry.metrics if k != "contest_podiums"]
        metric = st.selectbox(
            t("contests.metric"),
            keys,
            format_func=labels_now(keys, lambda k: t(ctx.registry.spec(k).label)),
        )
        start, end = st.columns(2)
        first = start.date_input(t("contests.start"), value=ctx.period.start)
        last = end.date_input(t("contests.end"), value=ctx.period.end)
        prize = st.text_input(t("contests.prize"))
        if st.form_submit_button(t("contests.save")):
            try:
                actions.create_contest(
                    ctx.engine, ctx.viewer, name, metric, first, last, prize, ctx.actor
                )
            except ContestError as refused:
                st.error(t(refused.key, **refused.params))
                return
            st.success(t("contests.saved", name=name))
