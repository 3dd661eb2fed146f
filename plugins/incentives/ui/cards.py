"""The home card (my incentives / my team's) and the person panel (payout history)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center import BUSINESS_ROLES, HomeCard, PanelSpec
from command_center.context import PageContext
from command_center.i18n import money, t
from command_center.ui import chart
from plugins.incentives import charts
from plugins.incentives.logic.settlement import draft_periods, latest_paid
from plugins.incentives.queries import settlements as settlement_reads


def home_cards() -> list[HomeCard]:
    return [HomeCard("incentives-card", "incentives.card.title", home_card, BUSINESS_ROLES, 40)]


def panels() -> list[PanelSpec]:
    return [
        PanelSpec(
            "person",
            "incentives-payouts",
            "incentives.card.panel",
            person_panel,
            BUSINESS_ROLES,
            40,
        )
    ]


def home_card(ctx: PageContext) -> None:
    current = settlement_reads.current_statements(ctx.engine, ctx.viewer)
    paid = latest_paid(current)
    if paid is None:
        st.caption(t("incentives.card.nothing"))
        return
    if ctx.viewer.role == "rep":
        st.markdown(t("incentives.card.mine", period=paid.period, payout=money(paid.total)))
    else:
        st.markdown(
            t(
                "incentives.card.team",
                period=paid.period,
                payout=money(paid.total),
                people=paid.people,
            )
        )
        waiting = settlement_reads.disputes_to_answer(ctx.engine, ctx.viewer, status="open")
        if waiting.height:
            st.caption(t("incentives.card.disputes", count=waiting.height))
    drafts = draft_periods(current)
    if ctx.viewer.role != "rep" and drafts:
        st.caption(t("incentives.card.drafts", periods=", ".join(drafts)))


def person_panel(ctx: PageContext, person_id: int) -> None:
    if not ctx.viewer.can_see(person_id):
        return
    rows = settlement_reads.current_statements(ctx.engine, ctx.viewer).filter(
        (pl.col("person_id") == person_id) & (pl.col("status") == "locked")
    )
    if rows.is_empty():
        st.caption(t("incentives.card.nothing"))
        return
    chart(charts.monthly_payout(rows.select("period", "payout").sort("period")))
