"""Page: a team's weekly digest — sales, meetings, action items, announcements, next week."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import get_language, labels_now, money, percent, t
from command_center.ui import data_table, page_header
from command_center.ui.widgets import Kpi, change, kpi_row
from plugins.team_events.io import documents
from plugins.team_events.logic.recurrence import week_start
from plugins.team_events.queries import digest
from plugins.team_events.ui.controls import in_language, pick_team, today
from plugins.team_events.ui.labels import dates_as_text, kind_label, team_label

WEEKS = 12


def render(ctx: PageContext) -> None:
    page_header(ctx, "team_events.digest.title")
    left, right = st.columns(2)
    with left:
        team = pick_team(ctx, "team_events_dg_team")
    if team is None:
        return
    monday = week_start(today())
    weeks = [monday - dt.timedelta(weeks=i) for i in range(WEEKS)]
    with right:
        week = st.selectbox(
            t("team_events.digest.week"),
            weeks,
            format_func=labels_now(
                weeks,
                lambda w: t(
                    "team_events.digest.week_of",
                    start=w.isoformat(),
                    end=(w + dt.timedelta(days=6)).isoformat(),
                ),
            ),
            key="team_events_dg_week",
        )
    built = digest.build(ctx.engine, ctx.viewer, team, week, today())
    team_name = team_label(ctx)(team)
    moved = change(built.revenue, built.previous_revenue)
    kpi_row(
        [
            Kpi(
                t("team_events.digest.kpi_revenue"),
                built.revenue,
                "currency",
                f"{moved:+.1%} {t('team_events.digest.vs_last_week')}"
                if moved is not None
                else None,
            ),
            Kpi(t("team_events.digest.kpi_meetings"), float(built.meetings.height), "count"),
            Kpi(t("team_events.digest.kpi_attendance"), built.attendance_rate, "percent"),
            Kpi(
                t("team_events.digest.kpi_overdue"),
                float(built.overdue.height),
                "count",
                higher_is_better=False,
            ),
        ]
    )
    st.subheader(t("team_events.digest.sales"))
    st.markdown(
        t(
            "team_events.digest.sales_line",
            revenue=money(built.revenue),
            lines=built.order_lines,
            previous=money(built.previous_revenue),
        )
    )
    _frame(
        built.top_sellers,
        {
            "name": "team_events.pack.name",
            "revenue": "metric.revenue",
            "lines": "team_events.digest.lines",
        },
    )
    st.subheader(t("team_events.digest.meetings"))
    st.markdown(
        t(
            "team_events.digest.meetings_line",
            count=built.meetings.height,
            rate=percent(built.attendance_rate),
        )
    )
    _events(built.meetings)
    st.subheader(t("team_events.digest.actions"))
    st.markdown(
        t(
            "team_events.digest.actions_line",
            raised=built.actions_raised,
            closed=built.actions_closed,
            overdue=built.overdue.height,
        )
    )
    _frame(
        built.overdue.head(20),
        {
            "title": "team_events.action.title",
            "owner": "team_events.action.owner",
            "due_date": "team_events.action.due",
            "days_overdue": "team_events.action.days_overdue",
        },
    )
    st.subheader(t("team_events.digest.announcements"))
    _frame(
        built.announcements.with_columns(
            pl.col("read_rate").map_elements(percent, return_dtype=pl.String)
        ),
        {
            "published_on": "team_events.date",
            "title": "team_events.title_field",
            "audience_size": "team_events.news.audience_size",
            "read_rate": "team_events.news.read_rate",
        },
    )
    st.subheader(t("team_events.digest.upcoming"))
    _events(built.upcoming)
    st.markdown(t("team_events.digest.spend_line", amount=money(built.spend)))
    st.download_button(
        t("team_events.digest.download"),
        in_language(get_language(), lambda: documents.digest_markdown(built, team_name)),
        file_name=f"digest_{team}_{built.week_start.isoformat()}.md",
        mime="text/markdown",
        key="team_events_dg_md",
        on_click="ignore",
    )


def _frame(frame: pl.DataFrame, columns: dict[str, str]) -> None:
    if frame.is_empty():
        st.caption(t("team_events.pack.nothing"))
        return
    shown = frame.select([pl.col(c).alias(t(k)) for c, k in columns.items() if c in frame.columns])
    data_table(dates_as_text(shown))


def _events(frame: pl.DataFrame) -> None:
    if frame.is_empty():
        st.caption(t("team_events.pack.nothing"))
        return
    for row in frame.iter_rows(named=True):
        kind = kind_label(row["kind"])
        st.markdown(f"- {row['event_date']} {row['start_time']} · {kind} · {row['title']}")
