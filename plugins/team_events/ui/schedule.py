"""The schedule form: one event or a weekly, monthly or workday series, inviting a team."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from plugins.team_events import actions
from plugins.team_events.logic.calendar import invitees, next_monday
from plugins.team_events.models import EVENT_KINDS
from plugins.team_events.queries.teams import team_members
from plugins.team_events.settings import load
from plugins.team_events.ui.controls import pick_team, run_action, today
from plugins.team_events.ui.labels import kind_label, names

RECURRENCE_OPTIONS = ("none", "weekly", "monthly", "workdays")
DAYS = list(range(7))


def render(ctx: PageContext) -> None:
    st.subheader(t("team_events.schedule.title"))
    team = pick_team(ctx, "team_events_new_team")
    if team is None:
        return
    rules = load(ctx.engine)
    who = names(ctx)
    members = sorted(p for p in team_members(ctx.engine, team) if p in who)
    active = ctx.people().filter(pl.col("status") != "left")
    people = active.sort("name")["person_id"].to_list()
    with st.form("team_events_schedule"):
        left, right = st.columns(2)
        kind = left.selectbox(
            t("team_events.kind_field"),
            list(EVENT_KINDS),
            format_func=labels_now(EVENT_KINDS, kind_label),
        )
        title = right.text_input(
            t("team_events.title_field"), placeholder=t("team_events.schedule.title_hint")
        )
        first = left.date_input(t("team_events.schedule.first_date"), value=next_monday(today()))
        start = right.time_input(
            t("team_events.time"), value=dt.time.fromisoformat(rules.default_start_time)
        )
        minutes = left.number_input(
            t("team_events.schedule.duration"), 15, 24 * 60, rules.default_duration, step=15
        )
        location = right.text_input(t("team_events.location"))
        repeat = left.radio(
            t("team_events.schedule.repeat"),
            list(RECURRENCE_OPTIONS),
            format_func=labels_now(RECURRENCE_OPTIONS, lambda r: t(f"team_events.recurrence.{r}")),
            horizontal=True,
        )
        every = right.number_input(t("team_events.schedule.every"), 1, 12, 1)
        weekdays = left.multiselect(
            t("team_events.schedule.weekdays"),
            DAYS,
            default=list(load(ctx.engine).workdays),
            format_func=labels_now(DAYS, lambda d: t(f"team_events.weekday.{d}")),
        )
        count = left.number_input(t("team_events.schedule.count"), 1, 104, 8)
        until = right.date_input(t("team_events.schedule.until"), value=None)
        whole = st.checkbox(t("team_events.schedule.whole_team", count=len(members)), value=True)
        chosen = st.multiselect(
            t("team_events.schedule.invitees"),
            people,
            format_func=labels_now(people, lambda p: who.get(p, str(p))),
        )
        agenda = st.text_area(
            t("team_events.field.agenda"), value=t("team_events.schedule.agenda_template")
        )
        if not st.form_submit_button(t("team_events.schedule.submit"), type="primary"):
            return
    new = actions.NewEvent(
        kind=kind,
        title=title.strip() or kind_label(kind),
        team_root=team,
        first_date=first,  # type: ignore[arg-type]
        start_time=start.strftime("%H:%M") if start else rules.default_start_time,
        duration_minutes=int(minutes),
        location=location,
        agenda=agenda,
        recurrence=repeat,  # type: ignore[arg-type]
        every=int(every),
        count=None if until else int(count),
        until=until,  # type: ignore[arg-type]
        invitees=invitees(whole, members, chosen),
        weekdays=tuple(int(d) for d in weekdays),
    )

    def done(ids: list[int]) -> str:
        return t("team_events.schedule.done", count=len(ids))

    run_action(lambda: actions.schedule(ctx.engine, ctx.viewer, new, ctx.actor), done)
