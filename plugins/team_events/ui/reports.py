"""Page: the team's reports (leaders) — a team's daily or weekly reports of one period on
one page: who sent, who is late, who is missing; each report with its figures as
submitted, comments and a box to answer; mark read one by one or all at once. Teams of
up to :data:`MAX_PEOPLE` are offered (a director reads a supervisor's team, not the force)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import page_header
from command_center.ui.widgets import Kpi, kpi_row
from plugins.team_events.actions import reports as report_actions
from plugins.team_events.logic import reports as logic
from plugins.team_events.queries import reports as report_q
from plugins.team_events.queries.teams import team_members
from plugins.team_events.settings import load
from plugins.team_events.ui.controls import pick_team, run_action, show_flash, small_teams, today
from plugins.team_events.ui.report import show_report, state_label, week_rate, week_rate_label

KEY = "team_events_reports"
MAX_PEOPLE = 60
"""The largest team whose reports share one page (a manager picks a supervisor's team)."""


def render(ctx: PageContext) -> None:
    page_header(ctx, "team_events.reports.title")
    show_flash()
    root = pick_team(ctx, f"{KEY}_team", only=small_teams(ctx, MAX_PEOPLE))
    if root is None:
        return
    grain = st.radio(
        t("team_events.report.grain"),
        list(logic.GRAINS),
        format_func=labels_now(logic.GRAINS, lambda g: t(f"team_events.report.grain_{g}")),
        horizontal=True,
        key=f"{KEY}_grain",
    )
    day = st.date_input(t("team_events.date"), value=today(), key=f"{KEY}_day")
    period = logic.period_of(str(grain), day if isinstance(day, dt.date) else today())
    team = ctx.viewer.narrow(frozenset(team_members(ctx.engine, root)))
    rules = load(ctx.engine)
    expected = report_q.reporters_of(ctx.engine, team, period, rules)
    sent = report_q.reports(ctx.engine, team, period, submitted_only=True)
    sent = sent.filter(pl.col("person_id") != ctx.viewer.person_id)
    me = ctx.viewer.person_id
    read = report_q.reads(ctx.engine, team, sent["report_id"].to_list())
    mine = set(read.filter(pl.col("reader_id") == me)["report_id"].to_list())
    absent = logic.missing(expected, sent)
    kpi_row(
        [
            Kpi(t("team_events.reports.kpi_expected"), float(expected.height), "count"),
            Kpi(t("team_events.reports.kpi_sent"), float(sent.height), "count"),
            Kpi(
                t("team_events.reports.kpi_late"),
                float(sent["late"].sum()),
                "count",
                higher_is_better=False,
            ),
            Kpi(
                t("team_events.reports.kpi_missing"),
                float(absent.height),
                "count",
                higher_is_better=False,
            ),
            Kpi(
                t("team_events.reports.kpi_rate", week=week_rate_label(period)),
                week_rate(ctx, team, period),
                "percent",
            ),
        ]
    )
    st.caption(t("team_events.reports.caption", period=period.label))
    if absent.height:
        st.warning(
            t(
                "team_events.reports.missing",
                count=absent.height,
                names=", ".join(absent.sort("name")["name"].to_list()),
            )
        )
    unread = [rid for rid in sent["report_id"].to_list() if rid not in mine]
    if unread and st.button(t("team_events.reports.mark_all", count=len(unread)), key=f"{KEY}_all"):
        run_action(
            lambda: report_actions.mark_read(ctx.engine, ctx.viewer, unread, ctx.actor),
            lambda n: t("team_events.reports.marked", count=n),
        )
    if sent.is_empty():
        st.info(t("team_events.reports.none", period=period.label))
        return
    who = report_q.names(ctx.engine, sent["person_id"].to_list())
    for row in sent.sort("submitted_at").iter_rows(named=True):
        state = logic.state(row["submitted_at"], row["late"], True)
        flag = "" if row["report_id"] in mine else " · " + t("team_events.reports.new")
        title = f"{who.get(row['person_id'], row['person_id'])} · {state_label(state)}{flag}"
        with st.expander(title, expanded=row["report_id"] not in mine):
            show_report(ctx, row, answer=True)
            if row["report_id"] not in mine and st.button(
                t("team_events.reports.mark_read"), key=f"{KEY}_read:{row['report_id']}"
            ):
                run_action(
                    lambda rid=row["report_id"]: report_actions.mark_read(
                        ctx.engine, ctx.viewer, [rid], ctx.actor
                    ),
                    lambda n: t("team_events.reports.marked", count=n),
                )
