"""Receivables on Today's strip and on the home page (docs/collections.md).

- Today: what is past due on the day, in the day's scope: a rep's own lines, a
  leader's team when the agenda shows the team.
- Home: the viewer's receivables by age and what is past due, with a link to
  the Receivables page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from command_center import cash
from command_center.agenda import TodayCard
from command_center.i18n import money, t
from command_center.org.scope import Viewer
from command_center.types import HomeCard

OVERDUE_ORDER = 40
"""After the core's attainment (20) and rank (30)."""


def today_card(engine: Any, viewer: Viewer, day: dt.date) -> TodayCard:
    """The day's overdue receivables in ``viewer``'s scope (and how much is very old)."""
    amount, old = cash.overdue_total(engine, viewer, day)
    detail = t("cash.strip_old", amount=money(old)) if old > cash.CENT else t("cash.strip_none")
    return TodayCard("overdue", t("cash.strip_label"), money(amount), detail, order=OVERDUE_ORDER)


def _render_home(ctx: Any) -> None:
    today = dt.date.today()
    found = cash.ageing(ctx.engine, ctx.viewer, today)
    if found.is_empty():
        st.caption(t("cash.nothing_open"))
        return
    sums = found.select(pl.col(*cash.BUCKETS, "total", "overdue").sum())
    row = sums.row(0, named=True)
    st.metric(t("cash.overdue"), money(row["overdue"]))
    ages = " · ".join(f"{t(f'cash.bucket.{b}')} {money(row[b])}" for b in cash.BUCKETS)
    st.caption(ages)


HOME_CARD = HomeCard("receivables", "cash.title", _render_home, order=60)
