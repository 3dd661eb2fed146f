"""Public and private pools (公海/私海): claim, assign, the history of moves."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row
from plugins.customers import charts
from plugins.customers.actions import pool as pool_actions
from plugins.customers.errors import ActionRefused
from plugins.customers.logic import activity as activity_logic
from plugins.customers.logic import display, labels
from plugins.customers.logic.pool import filter_public
from plugins.customers.queries import activity
from plugins.customers.queries import book as book_q
from plugins.customers.ui import detail, forms, page_data

LEADERS = ("supervisor", "manager", "director")


def render(ctx: PageContext) -> None:
    page_header(ctx, "customers.pool.title")
    if ctx.viewer.role == "admin":
        st.info(t("customers.no_business_rows"))
        return
    rules = page_data.rules(ctx)
    public = book_q.public_pool(ctx.engine, ctx.viewer)
    private = book_q.cadence_book(ctx.engine, ctx.viewer).filter(pl.col("owner_id").is_not_null())
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
        state = pool_actions.claim_state(ctx.engine, ctx.viewer.person_id, page_data.today())
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
    _public_table(shown.head(page_data.MAX_ROWS))
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
    return filter_public(public, text, region, industry)


def _public_table(rows: pl.DataFrame) -> None:
    table_with_download(display.public_table(rows), "public_pool", "customers_public")


def _act(ctx: PageContext, shown: pl.DataFrame) -> None:
    """Reps claim; leaders assign to a rep of their team."""
    options = shown.head(page_data.MAX_ROWS)
    if options.is_empty():
        return
    picks = labels.customer_labels(options)
    ids = list(picks)
    if ctx.viewer.role == "rep":
        with st.form("customers_claim_form"):
            chosen = st.selectbox(
                t("customers.pool.claim_which"),
                ids,
                format_func=labels_now(ids, lambda c: picks.get(c, str(c))),
                key="customers_claim_pick",
            )
            go = st.form_submit_button(t("customers.pool.claim"), type="primary")
        if go and chosen is not None:
            try:
                pool_actions.claim(ctx.engine, ctx.viewer, int(chosen))
            except ActionRefused as exc:
                forms.show_refusal(exc)
            else:
                st.success(t("customers.pool.claimed", customer=picks[int(chosen)]))
    elif ctx.viewer.role in LEADERS:
        chosen = st.selectbox(
            t("customers.pool.assign_which"),
            ids,
            format_func=labels_now(ids, lambda c: picks.get(c, str(c))),
            key="customers_assign_pick",
        )
        if chosen is not None:
            detail.assign_form(ctx, int(chosen), picks[int(chosen)], "customers_pool_assign")


def _run_release(ctx: PageContext) -> None:
    with st.form("customers_release_now"):
        st.caption(t("customers.pool.release_now_help"))
        go = st.form_submit_button(t("customers.pool.release_now"))
    if go:
        count = pool_actions.release_due(ctx.engine, page_data.today(), actor=ctx.actor)
        st.success(t("customers.pool.release_done", count=count))


def _history(ctx: PageContext, moves: pl.DataFrame) -> None:
    st.subheader(t("customers.pool.history"))
    start, end = ctx.period.start, ctx.period.last_day
    recent = moves.filter(pl.col("moved_on").is_between(start, end))
    if recent.is_empty():
        st.info(t("customers.pool.no_moves"))
        return
    counts = activity_logic.moves_by_week(recent)
    chart(charts.weekly(counts, "customers", t("customers.col.customers"), t("customers.col.move")))
    rows = recent.sort("move_id", descending=True).head(page_data.MAX_ROWS)
    names = labels.customer_labels(book_q.names(ctx.engine, rows["customer_id"].unique().to_list()))
    table_with_download(
        display.move_table(rows, page_data.names(ctx), names), "pool_moves", "customers_moves"
    )
