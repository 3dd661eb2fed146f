"""The training page's forms: programs, sessions, attendance, enrolment, completion
and mentors (each an action in its own transaction)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from plugins.recruiting import queries
from plugins.recruiting.actions.training import (
    add_session,
    assign_mentor,
    close_enrolment,
    create_program,
    enrol,
    record_attendance,
)
from plugins.recruiting.logic.labels import kind_label
from plugins.recruiting.logic.vocabulary import PROGRAM_KINDS, TRAINER_KINDS
from plugins.recruiting.settings import settings
from plugins.recruiting.ui.widgets import act, select, today


def render_forms(ctx: PageContext) -> None:
    st.subheader(t("recruiting.training.manage"))
    people = ctx.people().filter(pl.col("status") == "active")
    who = dict(people.select("person_id", "name").iter_rows())
    programs = queries.programs(ctx.engine).filter(pl.col("active"))
    progs = dict(programs.select("program_id", "name").iter_rows())
    _new_program(ctx)
    if progs:
        _new_session(ctx, progs, who)
        _attendance(ctx, progs, who)
        _enrol(ctx, progs, who)
    _complete(ctx, who)
    _mentor(ctx, who)


def _new_program(ctx: PageContext) -> None:
    with st.expander(t("recruiting.training.new_program")), st.form("recruiting_new_program"):
        name = st.text_input(t("recruiting.col.program"), key="recruiting_prog_name")
        left, right = st.columns(2)
        kind = select(
            t("recruiting.col.kind"), PROGRAM_KINDS, "recruiting_prog_kind", kind_label, left
        )
        starts = right.date_input(
            t("recruiting.col.starts_on"), today(), key="recruiting_prog_start"
        )
        days = left.number_input(
            t("recruiting.col.days"),
            1,
            60,
            settings(ctx.engine).bootcamp_days,
            key="recruiting_prog_days",
            help=t("recruiting.training.days_help"),
        )
        courses = dict(queries.courses(ctx.engine).select("course_id", "title").iter_rows())
        course = select(
            t("recruiting.col.course"),
            [0, *courses],
            "recruiting_prog_course",
            lambda c: t("recruiting.none") if c == 0 else courses[c],
            right,
        )
        description = st.text_area(t("recruiting.col.description"), key="recruiting_prog_desc")
        if st.form_submit_button(t("recruiting.training.create_program")):
            act(
                lambda: create_program(
                    ctx.engine,
                    ctx.viewer,
                    name,
                    str(kind),
                    starts,
                    int(days) if kind == "bootcamp" else None,
                    description,
                    int(course) if course else None,
                ),
                lambda pid: t("recruiting.training.program_created", name=name, id=pid),
            )


def _new_session(ctx: PageContext, progs: dict[int, str], who: dict[int, str]) -> None:
    with st.expander(t("recruiting.training.new_session")), st.form("recruiting_new_session"):
        program = select(
            t("recruiting.col.program"), list(progs), "recruiting_sess_program", progs.__getitem__
        )
        title = st.text_input(t("recruiting.col.title"), key="recruiting_sess_title")
        left, right = st.columns(2)
        day = left.date_input(t("recruiting.col.date"), today(), key="recruiting_sess_day")
        hours = right.number_input(
            t("recruiting.col.hours"), 0.5, 12.0, 3.0, 0.5, key="recruiting_sess_hours"
        )
        kind = select(
            t("recruiting.col.trainer_kind"),
            TRAINER_KINDS,
            "recruiting_sess_kind",
            lambda k: t(f"recruiting.trainer.{k}"),
            left,
        )
        trainer = select(
            t("recruiting.col.trainer"),
            [0, *who],
            "recruiting_sess_trainer",
            lambda p: t("recruiting.none") if p == 0 else who[p],
            right,
        )
        outside = left.text_input(
            t("recruiting.training.outside_name"), key="recruiting_sess_outside"
        )
        location = right.text_input(t("recruiting.col.location"), key="recruiting_sess_where")
        if st.form_submit_button(t("recruiting.training.add_session")):
            act(
                lambda: add_session(
                    ctx.engine,
                    ctx.viewer,
                    int(program or 0),
                    title,
                    day,
                    float(hours),
                    str(kind),
                    int(trainer) if trainer else None,
                    outside,
                    location,
                ),
                lambda _: t("recruiting.training.session_added", title=title),
            )


def _attendance(ctx: PageContext, progs: dict[int, str], who: dict[int, str]) -> None:
    sessions = queries.sessions(ctx.engine).filter(pl.col("program_id").is_in(list(progs)))
    recent = sessions.filter(pl.col("held_on") <= today()).sort("held_on", descending=True)
    if recent.is_empty():
        return
    labels = {
        sid: f"{day} · {progs[pid]} · {title}"
        for sid, pid, title, day in recent.head(200)
        .select("session_id", "program_id", "title", "held_on")
        .iter_rows()
    }
    with st.expander(t("recruiting.training.attendance")), st.form("recruiting_attendance"):
        session = select(
            t("recruiting.col.session"), list(labels), "recruiting_att_session", labels.__getitem__
        )
        present = st.multiselect(
            t("recruiting.training.present"),
            list(who),
            format_func=labels_now(list(who), who.__getitem__),
            key="recruiting_att_present",
        )
        absent = st.multiselect(
            t("recruiting.training.absent"),
            list(who),
            format_func=labels_now(list(who), who.__getitem__),
            key="recruiting_att_absent",
        )
        if st.form_submit_button(t("recruiting.training.save_attendance")):
            marks = {**{p: False for p in absent}, **{p: True for p in present}}
            act(
                lambda: record_attendance(ctx.engine, ctx.viewer, int(session or 0), marks),
                lambda n: t("recruiting.training.attendance_saved", count=n),
            )


def _enrol(ctx: PageContext, progs: dict[int, str], who: dict[int, str]) -> None:
    with st.expander(t("recruiting.training.enrol")), st.form("recruiting_enrol"):
        program = select(
            t("recruiting.col.program"), list(progs), "recruiting_enrol_program", progs.__getitem__
        )
        people = st.multiselect(
            t("recruiting.training.people"),
            list(who),
            format_func=labels_now(list(who), who.__getitem__),
            key="recruiting_enrol_people",
        )
        if st.form_submit_button(t("recruiting.training.enrol_go")):
            act(
                lambda: enrol(ctx.engine, ctx.viewer, int(program or 0), people, today()),
                lambda n: t("recruiting.training.enrolled", count=n),
            )


def _complete(ctx: PageContext, who: dict[int, str]) -> None:
    open_rows = queries.enrolments(ctx.engine, ctx.viewer).filter(pl.col("status") == "enrolled")
    if open_rows.is_empty():
        return
    progs = dict(queries.programs(ctx.engine).select("program_id", "name").iter_rows())
    labels = {
        eid: f"{who.get(pid, pid)} · {progs.get(prog, prog)}"
        for eid, pid, prog in open_rows.select(
            "enrolment_id", "person_id", "program_id"
        ).iter_rows()
    }
    with st.expander(t("recruiting.training.complete")), st.form("recruiting_complete"):
        chosen = select(
            t("recruiting.col.enrolment"),
            list(labels),
            "recruiting_complete_which",
            labels.__getitem__,
        )
        status = st.radio(
            t("recruiting.col.status"),
            ["completed", "dropped"],
            horizontal=True,
            format_func=labels_now(
                ["completed", "dropped"], lambda s: t(f"recruiting.enrolment.{s}")
            ),
            key="recruiting_complete_status",
        )
        if st.form_submit_button(t("recruiting.training.save_status")):
            act(
                lambda: close_enrolment(
                    ctx.engine, ctx.viewer, int(chosen or 0), str(status), today()
                ),
                lambda number: (
                    t("recruiting.training.certified", number=number)
                    if number
                    else t("recruiting.training.dropped")
                ),
            )


def _mentor(ctx: PageContext, who: dict[int, str]) -> None:
    if len(who) < 2:
        return
    with st.expander(t("recruiting.training.assign_mentor")), st.form("recruiting_mentor"):
        left, right = st.columns(2)
        mentee = select(
            t("recruiting.col.mentee"), list(who), "recruiting_mentor_mentee", who.__getitem__, left
        )
        mentor = select(
            t("recruiting.col.mentor"),
            list(who),
            "recruiting_mentor_mentor",
            who.__getitem__,
            right,
        )
        notes = st.text_input(t("recruiting.col.notes"), key="recruiting_mentor_notes")
        if st.form_submit_button(t("recruiting.training.assign")):
            act(
                lambda: assign_mentor(
                    ctx.engine, ctx.viewer, int(mentee or 0), int(mentor or 0), today(), notes
                ),
                lambda _: t(
                    "recruiting.training.mentor_assigned",
                    mentee=who.get(int(mentee or 0), ""),
                    mentor=who.get(int(mentor or 0), ""),
                ),
            )
