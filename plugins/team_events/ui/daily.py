"""The daily beat on the meetings page: a kick-off's goals (a member states their own in a
quick form, a leader types anyone's) and an evening review's goals beside the day's
activity."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import data_table
from plugins.team_events.actions.goals import DayGoal, set_goals
from plugins.team_events.logic.goals import GOAL_METRICS, MAX_GOAL
from plugins.team_events.queries import goals as goals_q
from plugins.team_events.ui.controls import run_action

KEY = "team_events_goals"


def _heads() -> dict[str, str]:
    return {m: t(f"team_events.report.figure.{m}") for m in GOAL_METRICS}


def kickoff_panel(ctx: PageContext, row: dict[str, Any], manages: bool) -> None:
    """The goals stated at this kick-off, and the form to state (or type) them."""
    event_id = int(row["event_id"])
    st.subheader(t("team_events.goals.title"))
    people = goals_q.members(ctx.engine, ctx.viewer, event_id)
    stated = goals_q.goals(ctx.engine, ctx.viewer, event_id)
    heads = _heads()
    if stated.is_empty():
        st.caption(t("team_events.goals.none"))
    else:
        shown = stated.join(people, on="person_id", how="left").select(
            "name", *GOAL_METRICS, "note"
        )
        data_table(
            shown.sort("name"),
            {"name": t("team_events.person"), **heads, "note": t("team_events.goals.note")},
        )
    me = ctx.viewer.person_id
    if row["status"] == "cancelled":
        return
    if manages:
        options = people.sort("name")["person_id"].to_list()
    else:
        options = [me] if me in people["person_id"].to_list() else []
    if not options:
        return
    who = dict(people.select("person_id", "name").iter_rows())
    current = {r["person_id"]: r for r in stated.iter_rows(named=True)}
    with st.form(f"{KEY}:{event_id}"):
        st.markdown(f"**{t('team_events.goals.set')}**")
        if len(options) > 1:
            person = st.selectbox(
                t("team_events.person"),
                options,
                format_func=labels_now(options, lambda p: who.get(p, str(p))),
            )
        else:
            person = options[0]
            st.caption(who.get(person, ""))
        before = current.get(person, {})
        values = {
            m: st.number_input(heads[m], 0, MAX_GOAL, int(before.get(m) or 0), step=1)
            for m in GOAL_METRICS
        }
        note = st.text_input(t("team_events.goals.note"), value=str(before.get("note") or ""))
        if not st.form_submit_button(t("team_events.goals.save"), type="primary", width="stretch"):
            return
    goal = DayGoal(**{m: int(v) for m, v in values.items()}, note=note)
    run_action(
        lambda: set_goals(ctx.engine, ctx.viewer, event_id, {int(person): goal}, ctx.actor),
        lambda _: t("team_events.goals.saved", name=who.get(person, "")),
    )


def review_panel(ctx: PageContext, row: dict[str, Any]) -> None:
    """The day's goals (from the same team's kick-off) beside what each member did."""
    st.subheader(t("team_events.goals.review_title"))
    rows, kickoff = goals_q.review(ctx.engine, ctx.registry, ctx.viewer, row)
    if kickoff is None:
        st.caption(t("team_events.goals.no_kickoff", day=str(row["event_date"])))
    if rows.is_empty():
        return
    heads = {"name": t("team_events.person")}
    for metric, label in _heads().items():
        heads[f"{metric}_goal"] = t("team_events.goals.goal", what=label)
        heads[f"{metric}_done"] = t("team_events.goals.done", what=label)
    heads |= {"met": t("team_events.goals.met"), "note": t("team_events.goals.note")}
    shown = rows.drop("person_id").with_columns(
        pl.col("met").replace_strict(
            {True: t("team_events.goals.yes"), False: t("team_events.goals.no")},
            default=None,
            return_dtype=pl.String,
        )
    )
    data_table(shown, heads)
