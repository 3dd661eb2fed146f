"""Home cards: overdue action items (owners and their managers), unread announcements."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.types import BUSINESS_ROLES, HomeCard
from plugins.team_events import queries
from plugins.team_events.logic import comms, items
from plugins.team_events.ui.controls import leads, today
from plugins.team_events.ui.labels import names

SHOWN = 5


def overdue_card(ctx: PageContext) -> None:
    """A rep sees their own overdue items; leaders also their team's (scope = owners below them)."""
    late = items.overdue(queries.actions(ctx.engine, ctx.viewer), today())
    me = ctx.viewer.person_id
    mine = late.filter(pl.col("owner_id") == me)
    st.markdown(t("team_events.card.mine", count=mine.height))
    shown = mine
    if leads(ctx):
        team = late.filter(pl.col("owner_id") != me)
        st.markdown(
            t("team_events.card.team", count=team.height, people=team["owner_id"].n_unique())
        )
        shown = late
    if shown.is_empty():
        st.caption(t("team_events.card.none"))
        return
    who = names(ctx)
    for row in shown.head(SHOWN).iter_rows(named=True):
        st.markdown(
            "- "
            + t(
                "team_events.card.line",
                title=row["title"],
                owner=who.get(row["owner_id"], ""),
                due=row["due_date"].isoformat(),
                days=row["days_overdue"],
            )
        )


def unread_card(ctx: PageContext) -> None:
    me = ctx.viewer.person_id
    if me is None:
        return
    rows, members = queries.announcements(ctx.engine, ctx.viewer)
    unread = comms.unread(members, queries.reads(ctx.engine, ctx.viewer), me)
    st.markdown(t("team_events.card.unread", count=unread.len()))
    titles = rows.filter(pl.col("announcement_id").is_in(unread.implode()))
    for row in titles.head(3).iter_rows(named=True):
        st.markdown(f"- {row['published_on']} · {row['title']}")


def home_cards() -> list[HomeCard]:
    return [
        HomeCard(
            "team-events-overdue",
            "team_events.card.overdue_title",
            overdue_card,
            BUSINESS_ROLES,
            40,
        ),
        HomeCard(
            "team-events-unread",
            "team_events.card.unread_title",
            unread_card,
            BUSINESS_ROLES,
            41,
        ),
    ]
