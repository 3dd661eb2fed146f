"""Page: the supervisor's board — one row per rep of a team: today's and yesterday's
visits, calls and new customers beside the daily target, the daily reports in or
not, deals moved, overdue follow-ups and action items; sort by any column, select
a row for that rep's reports and agenda."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center import agenda
from command_center.context import PageContext
from command_center.i18n import t
from command_center.ui import data_table, page_header
from plugins.team_events.logic import reports as logic
from plugins.team_events.queries import board as board_q
from plugins.team_events.queries import reports as report_q
from plugins.team_events.queries.teams import team_members
from plugins.team_events.settings import load
from plugins.team_events.ui.controls import pick_team, show_flash, small_teams, today
from plugins.team_events.ui.report import show_report, state_label

KEY = "team_events_board"


def columns() -> dict[str, str]:
    """Column headings of the board."""
    heads = {"name": t("team_events.person")}
    for metric in logic.ACTIVITY:
        name = t(f"team_events.report.figure.{metric}")
        heads[f"{metric}_today"] = t("team_events.board.today", what=name)
        heads[f"{metric}_yesterday"] = t("team_events.board.yesterday", what=name)
        heads[f"{metric}_target"] = t("team_events.board.target", what=name)
    heads |= {
        "report_today": t("team_events.board.report_today"),
        "report_yesterday": t("team_events.board.report_yesterday"),
        "deals_moved": t("team_events.report.figure.deals_moved"),
        "overdue_followups": t("team_events.board.overdue_followups"),
        "overdue_actions": t("team_events.board.overdue_actions"),
    }
    return heads


def render(ctx: PageContext) -> None:
    page_header(ctx, "team_events.board.title")
    show_flash()
    root = pick_team(ctx, f"{KEY}_team", only=small_teams(ctx, board_q.MAX_PEOPLE))
    if root is None:
        return
    day = st.date_input(t("team_events.date"), value=today(), key=f"{KEY}_day")
    day = day if isinstance(day, dt.date) else today()
    team = ctx.viewer.narrow(frozenset(team_members(ctx.engine, root)))
    rows = board_q.board(ctx.engine, ctx.registry, ctx.host, team, day, load(ctx.engine))
    st.caption(t("team_events.board.caption", day=day.isoformat()))
    if rows.is_empty():
        st.info(t("team_events.board.empty"))
        return
    shown = rows.with_columns(
        pl.col("report_today", "report_yesterday").map_elements(state_label, return_dtype=pl.String)
    )
    heads = columns()
    picked = data_table(
        shown.drop("person_id"),
        heads,
        key=f"{KEY}_table",
        on_select="rerun",
        selection_mode="single-row",
    )
    selected = list(getattr(getattr(picked, "selection", None), "rows", []) or [])
    if not selected:
        st.caption(t("team_events.board.pick"))
        return
    person = int(rows["person_id"][selected[0]])
    _details(ctx, person, str(rows["name"][selected[0]]), day)


def _details(ctx: PageContext, person: int, name: str, day: dt.date) -> None:
    """The rep's daily reports of the day and the day before, and their agenda."""
    st.subheader(t("team_events.board.details", name=name))
    mine = report_q.person_reports(ctx.engine, ctx.viewer, person, 14)
    for when in (day, day - dt.timedelta(days=1)):
        row = mine.filter((pl.col("grain") == "day") & (pl.col("first_day") == when)).filter(
            pl.col("submitted_at").is_not_null()
        )
        st.markdown(f"**{t('team_events.board.report_of', day=when.isoformat())}**")
        if row.is_empty():
            st.caption(state_label("missing"))
            continue
        show_report(ctx, row.row(0, named=True), answer=False)
    items = agenda.gather(ctx.host, ctx.engine, report_q.own_viewer(ctx.viewer, person), day)
    st.markdown(f"**{t('team_events.board.agenda', day=day.isoformat(), count=len(items))}**")
    if not items:
        st.caption(t("team_events.board.agenda_empty"))
        return
    frame = agenda.agenda_frame(items).select("kind", "due", "title")
    frame = frame.with_columns(
        pl.col("kind").replace_strict(
            {k: t(f"today.kind.{k}") for k in frame["kind"].unique().to_list()},
            default=pl.col("kind"),
        )
    )
    data_table(
        frame,
        {
            "kind": t("team_events.report.kind"),
            "due": t("team_events.report.when"),
            "title": t("team_events.title_field"),
        },
    )
