"""Public and private pools (公海/私海): claim, assign, the history of moves."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row
from plugins.customers.actions import ActionRefused
from plugins.customers.actions import pool as pool_actions
from plugins.customers.queries import activity
from plugins.customers.queries import book as book_q
from plugins.customers.ui import common, detail

LEADERS = ("supervisor", "manager", "director")


def render(ctx: PageContext) -> None:
    page_header(ctx, "customers.pool.title")
    if ctx.viewer.role == "admin":
        st.info(t("customers.no_business_rows"))
        return
    rules = common.rules(ctx)
    public = book_q.public_pool(ctx.engine, ctx.viewer)
    private = book_q.book(ctx.engine, ctx.viewer).filter(pl.col("owner_id").is_not_null())
    moves = activity.moves(ctx.engine, ctx.viewer)
    in_period = moves.filter(pl.col("moved_on").is_between(ctx.period.start, ctx.period.last_day))
    cards = [
        Kpi(t("customers.kpi.private_pool"), float(private.height), "count"),
        Kpi(t("customers.kpi.public_pool"), float(public.height), "count"),
        Kpi(t("customers.kpi.released"), float((in_period["action"] == "release").sum()), "count"),
        Kpi(t("customers.kpi.claimed"), float((in_period["action"] == "claim").sum()), "count"),
    ]
    kpi_row(cards)
    if ctx.viewer.role == "rep" and ctx.viewer.person_id is not None:
        state = pool_actions.claim_state(ctx.engine, ctx.viewer.person_id, common.today())
        st.caption(
            t(
                "customers.pool.my_state",
                count=state.private_count,
                cap=state.cap,
                claims=state.claims_today,
                limit=state.daily_limit,
                left=state.remaining,
            )
        )
    st.caption(
        t(
            "customers.pool.rules",
            followup=rules.release_no_followup_days,
            win=rules.release_no_win_days,
            cap=rules.pool_cap,
            limit=rules.daily_claims,
        )
    )
    st.subheader(t("customers.pool.public"))
    shown = _public_filters(public)
    _public_table(shown.head(common.MAX_ROWS))
    _act(ctx, shown)
    if ctx.viewer.role == "director":
        _run_release(ctx)
    _history(ctx, moves)


def _public_filters(public: pl.DataFrame) -> pl.DataFrame:
    left, mid, right = st.columns([2, 1, 1])
    text = left.text_input(t("customers.archive.search"), key="customers_pool_search").strip()
    regions = sorted(v for v in public["region"].unique().to_list() if v)
    region = mid.multiselect(t("customers.region"), regions, key="customers_pool_region")
    industries = sorted(v for v in public["industry"].unique().to_list() if v)
    industry = right.multiselect(t("customers.industry"), industries, key="customers_pool_ind")
    out = public
    if text:
        out = out.filter(pl.col("name").str.contains(text, literal=True))
    if region:
        out = out.filter(pl.col("region").is_in(region))
    if industry:
        out = out.filter(pl.col("industry").is_in(industry))
    return out.sort(["released_on", "customer_id"], descending=[True, False], nulls_last=True)


def _public_table(rows: pl.DataFrame) -> None:
    shown = common.relabel(common.relabel(rows, "size", "class"), "release_reason", "reason")
    table_with_download(
        shown.select(
            pl.col("customer_id").alias(t("customers.col.id")),
            pl.col("name").alias(t("customers.col.name")),
            pl.col("size").alias(t("customers.classification")),
            pl.col("industry").alias(t("customers.industry")),
            pl.col("region").alias(t("customers.region")),
            pl.col("released_on").alias(t("customers.col.released_on")),
            pl.col("release_reason").alias(t("customers.col.reason")),
        ),
        "public_pool",
        "customers_public",
    )


def _act(ctx: PageContext, shown: pl.DataFrame) -> None:
    """Reps claim; leaders assign to a rep of their team."""
    options = shown.head(common.MAX_ROWS)
    if options.is_empty():
        return
    labels = common.customer_labels(options)
    ids = list(labels)
    if ctx.viewer.role == "rep":
        with st.form("customers_claim_form"):
            chosen = st.selectbox(
                t("customers.pool.claim_which"),
                ids,
                format_func=labels_now(ids, lambda c: labels.get(c, str(c))),
                key="customers_claim_pick",
            )
            go = st.form_submit_button(t("customers.pool.claim"), type="primary")
        if go and chosen is not None:
            try:
                pool_actions.claim(ctx.engine, ctx.viewer, int(chosen))
            except ActionRefused as exc:
                common.show_refusal(exc)
            else:
                st.success(t("customers.pool.claimed", customer=labels[int(chosen)]))
    elif ctx.viewer.role in LEADERS:
        chosen = st.selectbox(
            t("customers.pool.assign_which"),
            ids,
            format_func=labels_now(ids, lambda c: labels.get(c, str(c))),
            key="customers_assign_pick",
        )
        if chosen is not None:
            detail.assign_form(ctx, int(chosen), labels[int(chosen)], "customers_pool_assign")


def _run_release(ctx: PageContext) -> None:
    with st.form("customers_release_now"):
        st.caption(t("customers.pool.release_now_help"))
        go = st.form_submit_button(t("customers.pool.release_now"))
    if go:
        count = pool_actions.release_due(ctx.engine, common.today(), actor=ctx.actor)
        st.success(t("customers.pool.release_done", count=count))


def _history(ctx: PageContext, moves: pl.DataFrame) -> None:
    st.subheader(t("customers.pool.history"))
    start, end = ctx.period.start, ctx.period.last_day
    recent = moves.filter(pl.col("moved_on").is_between(start, end))
    if recent.is_empty():
        st.info(t("customers.pool.no_moves"))
        return
    by_reason = (
        common.relabel(
            recent.with_columns(
                pl.when(pl.col("action") == "release")
                .then(pl.col("reason"))
                .otherwise(pl.col("action"))
                .alias("kind")
            ),
            "kind",
            "reason",
        )
        .group_by(pl.col("moved_on").dt.truncate("1w").alias("week"), "kind")
        .agg(pl.len().alias("customers"))
    )
    spec = (
        alt.Chart(by_reason)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title=t("customers.col.week")),
            y=alt.Y("customers:Q", title=t("customers.col.customers")),
            color=alt.Color("kind:N", title=t("customers.col.move")),
            tooltip=[
                alt.Tooltip("week:T", title=t("customers.col.week")),
                alt.Tooltip("kind:N", title=t("customers.col.move")),
                alt.Tooltip("customers:Q", title=t("customers.col.customers")),
            ],
        )
        .properties(height=240)
    )
    chart(spec)
    rows = recent.sort("move_id", descending=True).head(common.MAX_ROWS)
    names = common.customer_labels(book_q.names(ctx.engine, rows["customer_id"].unique().to_list()))
    table_with_download(
        detail.move_table(rows, common.names(ctx), names), "pool_moves", "customers_moves"
    )
