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
from command_center.i18n import money, t, tn
from command_center.org.scope import Viewer
from command_center.types import HomeCard
from command_center.ui.widgets import data_table, money_column

OVERDUE_ORDER = 40
"""After the core's attainment (20) and rank (30)."""


def today_card(engine: Any, viewer: Viewer, day: dt.date) -> TodayCard:
    """The day's overdue receivables in ``viewer``'s scope (amount and lines)."""
    amount, lines = cash.overdue_total(engine, viewer, day)
    detail = tn("cash.strip_lines", lines) if lines else t("cash.strip_none")
    return TodayCard("overdue", t("cash.strip_label"), money(amount), detail, order=OVERDUE_ORDER)


def _render_home(ctx: Any) -> None:
    today = dt.date.today()
    lines = cash.receivable_lines(ctx.engine, ctx.viewer, today)
    if lines.is_empty():
        st.caption(t("cash.nothing_open"))
        return
    sums = cash.ageing_by_person(lines).select(pl.col(*cash.BUCKETS, "total", "overdue").sum())
    row = sums.row(0, named=True)
    st.metric(t("cash.overdue"), money(row["overdue"]))
    table = pl.DataFrame(
        {
            "bucket": [t(f"cash.bucket.{b}") for b in cash.BUCKETS],
            "amount": [float(row[b]) for b in cash.BUCKETS],
        }
    )
    data_table(
        table,
        {"bucket": t("cash.bucket_label"), "amount": money_column(t("cash.outstanding"))},
        key="home_receivables",
    )


HOME_CARD = HomeCard("receivables", "cash.title", _render_home, order=60)
