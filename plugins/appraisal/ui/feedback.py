"""The feedback talk and the improvement plan, for the person and for their leader."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.org.scope import Viewer
from command_center.ui import table_with_download
from plugins.appraisal import actions, queries
from plugins.appraisal.actions import ACTION_STATUSES
from plugins.appraisal.actions.reviews import AFTER_REVIEW
from plugins.appraisal.queries import CycleInfo
from plugins.appraisal.ui.controls import run_action
from plugins.appraisal.ui.labels import renamed


def status_text(status: str) -> str:
    return t(f"appraisal.action_status.{status}")


def plan_and_talk(
    ctx: PageContext, cycle: CycleInfo, person: int, viewer: Viewer, editable: bool
) -> None:
    """Show the talk and the plan of ``person`` in ``cycle``; with ``editable`` the forms."""
    talk = queries.talks(ctx.engine, viewer, [cycle.cycle_id]).filter(pl.col("person_id") == person)
    plan = queries.actions(ctx.engine, viewer, [cycle.cycle_id]).filter(
        pl.col("person_id") == person
    )
    if talk.is_empty() and plan.is_empty() and not editable:
        return
    st.subheader(t("appraisal.feedback.title"))
    if talk.height:
        row = talk.row(0, named=True)
        st.markdown(
            t(
                "appraisal.feedback.summary",
                date=row["held_on"],
                by=row["held_by"],
                strengths=row["strengths"] or "—",
                improvements=row["improvements"] or "—",
                view=row["employee_view"] or "—",
            )
        )
    elif editable:
        st.caption(t("appraisal.feedback.no_talk"))
    if editable and cycle.state in AFTER_REVIEW:
        _talk_form(ctx, cycle, person, talk)
    _plan(ctx, cycle, person, plan, editable)


def _talk_form(ctx: PageContext, cycle: CycleInfo, person: int, talk: pl.DataFrame) -> None:
    old = talk.row(0, named=True) if talk.height else {}
    with st.form(f"appraisal_talk_{cycle.cycle_id}_{person}"):
        st.markdown(f"**{t('appraisal.feedback.record')}**")
        held_on = st.date_input(
            t("appraisal.feedback.held_on"),
            value=old.get("held_on") or dt.date.today(),
            key=f"appraisal_talk_date_{cycle.cycle_id}_{person}",
        )
        strengths = st.text_area(
            t("appraisal.feedback.strengths"),
            value=old.get("strengths", ""),
            key=f"appraisal_talk_strengths_{cycle.cycle_id}_{person}",
        )
        improvements = st.text_area(
            t("appraisal.feedback.improvements"),
            value=old.get("improvements", ""),
            key=f"appraisal_talk_improve_{cycle.cycle_id}_{person}",
        )
        view = st.text_area(
            t("appraisal.feedback.employee_view"),
            value=old.get("employee_view", ""),
            key=f"appraisal_talk_view_{cycle.cycle_id}_{person}",
        )
        if st.form_submit_button(t("appraisal.feedback.save")):
            run_action(
                ctx,
                lambda: actions.record_talk(
                    ctx.engine,
                    ctx.signed_in_viewer,
                    ctx.actor,
                    cycle.cycle_id,
                    person,
                    held_on,
                    strengths,
                    improvements,
                    view,
                ),
                t("appraisal.feedback.saved"),
            )


def _plan(
    ctx: PageContext, cycle: CycleInfo, person: int, plan: pl.DataFrame, editable: bool
) -> None:
    st.markdown(f"**{t('appraisal.plan.title')}**")
    names = queries.names(ctx.engine)
    if plan.height:
        shown = plan.with_columns(
            pl.col("owner_id")
            .replace_strict(names, default="?", return_dtype=pl.String)
            .alias("owner"),
            pl.col("status").map_elements(status_text, return_dtype=pl.String),
        )
        table_with_download(
            renamed(
                shown,
                {
                    "action": "appraisal.plan.action",
                    "owner": "appraisal.plan.owner",
                    "due_on": "appraisal.plan.due_on",
                    "status": "appraisal.plan.status",
                },
            ),
            f"appraisal_plan_{cycle.period}",
            f"appraisal_plan_{cycle.cycle_id}_{person}",
        )
        _status_form(ctx, cycle, person, plan)
    else:
        st.caption(t("appraisal.plan.empty"))
    if editable and cycle.state in AFTER_REVIEW:
        _add_form(ctx, cycle, person, names)


def _status_form(ctx: PageContext, cycle: CycleInfo, person: int, plan: pl.DataFrame) -> None:
    texts = dict(plan.select("action_id", "action").iter_rows())
    ids = list(texts)
    with st.form(f"appraisal_plan_status_{cycle.cycle_id}_{person}"):
        left, right = st.columns([3, 1])
        chosen = left.selectbox(
            t("appraisal.plan.action"),
            ids,
            format_func=labels_now(ids, lambda i: texts[i]),
            key=f"appraisal_plan_pick_{cycle.cycle_id}_{person}",
        )
        status = right.selectbox(
            t("appraisal.plan.status"),
            ACTION_STATUSES,
            format_func=labels_now(ACTION_STATUSES, status_text),
            key=f"appraisal_plan_new_status_{cycle.cycle_id}_{person}",
        )
        if st.form_submit_button(t("appraisal.plan.update")):
            run_action(
                ctx,
                lambda: actions.set_action_status(
                    ctx.engine, ctx.signed_in_viewer, ctx.actor, int(chosen), status
                ),
                t("appraisal.plan.updated", status=status_text(status)),
            )


def _add_form(ctx: PageContext, cycle: CycleInfo, person: int, names: dict[int, str]) -> None:
    owners = [person]
    if ctx.signed_in_viewer.person_id is not None:
        owners.append(ctx.signed_in_viewer.person_id)
    with st.form(f"appraisal_plan_add_{cycle.cycle_id}_{person}", clear_on_submit=True):
        st.markdown(f"**{t('appraisal.plan.add')}**")
        text = st.text_input(
            t("appraisal.plan.action"), key=f"appraisal_plan_text_{cycle.cycle_id}_{person}"
        )
        left, right = st.columns(2)
        owner = left.selectbox(
            t("appraisal.plan.owner"),
            owners,
            format_func=labels_now(owners, lambda p: names.get(p, str(p))),
            key=f"appraisal_plan_owner_{cycle.cycle_id}_{person}",
        )
        due = right.date_input(
            t("appraisal.plan.due_on"),
            value=dt.date.today() + dt.timedelta(days=30),
            key=f"appraisal_plan_due_{cycle.cycle_id}_{person}",
        )
        if st.form_submit_button(t("appraisal.plan.add_button")):
            run_action(
                ctx,
                lambda: actions.add_action(
                    ctx.engine,
                    ctx.signed_in_viewer,
                    ctx.actor,
                    cycle.cycle_id,
                    person,
                    text,
                    int(owner),
                    due,
                ),
                t("appraisal.plan.added"),
            )
