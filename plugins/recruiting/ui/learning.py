"""Learning (everyone): my training, my mentor, exams taken in the app and graded at
once, my certificates, and the course library with its materials."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, percent, t
from command_center.ui import page_header, table_with_download
from command_center.ui.actions import show_flash
from command_center.ui.widgets import Kpi, kpi_row
from plugins.recruiting import queries
from plugins.recruiting.actions.learning import exam_paper, submit_exam
from plugins.recruiting.actions.training import give_feedback
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.logic import learning
from plugins.recruiting.ui.widgets import act, select, today

EXAM_PICK = "recruiting_exam_pick"
TAKING = "recruiting_exam_taking"


def render(ctx: PageContext) -> None:
    page_header(ctx, "recruiting.learning.title")
    show_flash()
    me = ctx.signed_in_viewer.person_id
    if me is None:
        st.info(t("recruiting.learning.no_person"))
    else:
        _mine(ctx, me)
        _exams(ctx, me)
    _library(ctx)


def _mine(ctx: PageContext, me: int) -> None:
    who = queries.person_names(ctx.engine)
    mine = ctx.signed_in_viewer.narrow(frozenset({me}))
    attended = queries.attendance(ctx.engine, mine)
    mark = learning.record(
        attended, queries.attempts(ctx.engine, mine), queries.certificates(ctx.engine, mine)
    )
    kpi_row(
        [
            Kpi(t("recruiting.learning.hours"), mark.hours, "hours"),
            Kpi(t("recruiting.learning.exams_taken"), float(mark.exams_taken), "count"),
            Kpi(t("recruiting.learning.avg_score"), mark.avg_score, "percent"),
            Kpi(t("recruiting.learning.certificates"), float(mark.certificates), "count"),
        ]
    )
    links = learning.mentoring(queries.mentors(ctx.engine, mine), me, who)
    if links.mentor is not None:
        st.markdown(t("recruiting.learning.my_mentor", name=links.mentor, since=links.since))
    if links.mentees:
        st.markdown(t("recruiting.learning.my_mentees", names="、".join(links.mentees)))
    st.subheader(t("recruiting.learning.my_training"))
    programs = queries.programs(ctx.engine)
    enrolments = queries.enrolments(ctx.engine, mine)
    if not enrolments.is_empty():
        table_with_download(
            learning.programs_table(enrolments, programs),
            "my_programs",
            "recruiting_my_programs",
        )
    if attended.is_empty():
        st.info(t("recruiting.learning.no_sessions"))
        return
    rows = learning.sessions(attended, programs)
    table_with_download(learning.sessions_table(rows), "my_sessions", "recruiting_my_sessions")
    _feedback(ctx, learning.awaiting_feedback(rows))


def _feedback(ctx: PageContext, labels: dict[int, str]) -> None:
    if not labels:
        return
    with st.form("recruiting_feedback"):
        st.markdown(t("recruiting.learning.feedback_help"))
        session = select(
            t("recruiting.col.session"), list(labels), "recruiting_fb_session", labels.__getitem__
        )
        rating = st.slider(t("recruiting.col.rating"), 1, 5, 4, key="recruiting_fb_rating")
        text = st.text_area(t("recruiting.col.feedback"), key="recruiting_fb_text")
        if st.form_submit_button(t("recruiting.learning.send_feedback")):
            act(
                lambda: give_feedback(
                    ctx.engine, ctx.signed_in_viewer, int(session or 0), int(rating), text
                ),
                lambda _: t("recruiting.learning.feedback_saved"),
            )


def _exams(ctx: PageContext, me: int) -> None:
    st.subheader(t("recruiting.learning.exams"))
    exams = queries.exams(ctx.engine).filter(pl.col("active"))
    if exams.is_empty():
        st.info(t("recruiting.learning.no_exams"))
        return
    mine = queries.attempts(ctx.engine, ctx.signed_in_viewer.narrow(frozenset({me})))
    table_with_download(
        learning.exam_board(exams, mine),
        "my_exams",
        "recruiting_my_exams",
        column_config={
            t("recruiting.col.pass_mark"): st.column_config.NumberColumn(format="percent"),
            t("recruiting.col.best_score"): st.column_config.NumberColumn(format="percent"),
        },
    )
    titles = dict(exams.select("exam_id", "title").iter_rows())
    exam_id = select(t("recruiting.learning.take"), list(titles), EXAM_PICK, titles.__getitem__)
    if exam_id is None:
        return
    try:
        paper = exam_paper(ctx.engine, ctx.signed_in_viewer, int(exam_id))
    except RecruitingError as exc:
        st.info(exc.message())
        _certificates(ctx, me)
        return
    st.caption(
        t(
            "recruiting.learning.paper_note",
            attempt=paper.attempt_no,
            left=paper.attempts_left,
            mark=percent(paper.pass_mark, 0),
            count=paper.questions.height,
        )
    )
    with st.form(f"recruiting_exam_{paper.exam_id}_{paper.attempt_no}"):
        answers: dict[int, list[int]] = {}
        for number, (qid, text, options, multiple) in enumerate(
            paper.questions.select("question_id", "text", "options", "multiple").iter_rows(), 1
        ):
            indexes = list(range(len(options)))
            label = f"{number}. {text}"
            fmt = labels_now(indexes, lambda i, o=options: o[i])
            key = f"recruiting_q_{paper.exam_id}_{paper.attempt_no}_{qid}"
            if multiple:
                answers[qid] = st.multiselect(label, indexes, format_func=fmt, key=key)
            else:
                choice = st.radio(label, indexes, index=None, format_func=fmt, key=key)
                answers[qid] = [] if choice is None else [int(choice)]
        if st.form_submit_button(t("recruiting.learning.submit_exam"), type="primary"):
            act(
                lambda: submit_exam(
                    ctx.engine,
                    ctx.signed_in_viewer,
                    paper.exam_id,
                    paper.attempt_no,
                    answers,
                    today(),
                ),
                lambda r: (
                    t(
                        "recruiting.learning.exam_passed",
                        score=percent(r.score),
                        cert=r.certificate or "",
                    )
                    if r.passed
                    else t(
                        "recruiting.learning.exam_failed",
                        score=percent(r.score),
                        mark=percent(paper.pass_mark, 0),
                    )
                ),
            )
    _certificates(ctx, me)


def _certificates(ctx: PageContext, me: int) -> None:
    certs = queries.certificates(ctx.engine, ctx.signed_in_viewer.narrow(frozenset({me})))
    st.subheader(t("recruiting.learning.my_certificates"))
    if certs.is_empty():
        st.caption(t("recruiting.learning.no_certificates"))
        return
    table_with_download(
        learning.certificates_table(certs, queries.exams(ctx.engine), queries.programs(ctx.engine)),
        "my_certificates",
        "recruiting_my_certificates",
    )


def _library(ctx: PageContext) -> None:
    st.subheader(t("recruiting.learning.library"))
    courses = queries.courses(ctx.engine)
    if courses.is_empty():
        st.info(t("recruiting.learning.no_courses"))
        return
    materials = queries.materials(ctx.engine)
    for course_id, title, topic, description in courses.iter_rows():
        with st.expander(f"{title} · {t(f'recruiting.topic.{topic}')}"):
            if description:
                st.caption(description)
            rows = materials.filter(pl.col("course_id") == course_id)
            for mtitle, kind, url, body, minutes in rows.select(
                "title", "kind", "url", "body", "minutes"
            ).iter_rows():
                head = t(
                    "recruiting.learning.material_line",
                    title=mtitle,
                    kind=t(f"recruiting.material.{kind}"),
                    minutes=minutes,
                )
                if kind == "text":
                    st.markdown(f"**{head}**")
                    st.markdown(body)
                else:
                    st.markdown(f"**{head}** — [{url}]({url})")
