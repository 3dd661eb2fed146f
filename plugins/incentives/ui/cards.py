"""The home card (my incentives / my team's) and the person panel (payout history)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import money, t
from command_center.ui import chart
from plugins.incentives import queries
from plugins.incentives.ui import charts


def home_card(ctx: PageContext) -> None:
    current = queries.current_statements(ctx.engine, ctx.viewer)
    locked = current.filter(pl.col("status") == "locked")
    if locked.is_empty():
        st.caption(t("incentives.card.nothing"))
        return
    last = locked["period"].max()
    rows = locked.filter(pl.col("period") == last)
    total = float(rows["payout"].sum())
    if ctx.viewer.role == "rep":
        st.markdown(t("incentives.card.mine", period=last, payout=money(total)))
    else:
        st.markdown(t("incentives.card.team", period=last, payout=money(total), people=rows.height))
        waiting = queries.disputes(ctx.engine, ctx.viewer, status="open")
        if ctx.viewer.person_id is not None:
            waiting = waiting.filter(pl.col("person_id") != ctx.viewer.person_id)
        if waiting.height:
            st.caption(t("incentives.card.disputes", count=waiting.height))
    drafts = current.filter(pl.col("status") == "draft")
    if ctx.viewer.role != "rep" and drafts.height:
        st.caption(t("incentives.card.drafts", periods=", ".join(sorted(set(drafts["period"])))))


def person_panel(ctx: PageContext, person_id: int) -> None:
    if not ctx.viewer.can_see(person_id):
        return
    rows = queries.current_statements(ctx.engine, ctx.viewer).filter(
        (pl.col("person_id") == person_id) & (pl.col("status") == "locked")
    )
    if rows.is_empty():
        st.caption(t("incentives.card.nothing"))
        return
    chart(charts.monthly_payout(rows.select("period", "payout").sort("period")))
