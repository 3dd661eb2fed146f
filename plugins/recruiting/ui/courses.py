"""Courses (leaders): the learning area's content — courses, materials, the question
bank with its answers, exams and how the team does in them."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.ui import page_header, table_with_download
from command_center.ui.actions import show_flash
from command_center.ui.widgets import percent_column
from plugins.recruiting import queries
from plugins.recruiting.actions.learning import (
    add_material,
    add_question,
    create_course,
    create_exam,
)
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.logic import learning
from plugins.recruiting.logic.vocabulary import COURSE_TOPICS, MATERIAL_KINDS
from plugins.recruiting.settings import settings
from plugins.recruiting.ui.widgets import act, select


def render(ctx: PageContext) -> None:
    page_header(ctx, "recruiting.courses.title")
    show_flash()
    courses = queries.courses(ctx.engine)
    _results(ctx, courses)
    _new_course(ctx)
    if courses.is_empty():
        st.info(t("recruiting.learning.no_courses"))
        return
    titles = dict(courses.select("course_id", "title").iter_rows())
    course_id = select(
        t("recruiting.col.course"), list(titles), "recruiting_course_pick", titles.__getitem__
    )
    if course_id is None:
        return
    _bank(ctx, int(course_id))
    left, right = st.columns(2)
    with left:
        _new_material(ctx, int(course_id))
        _new_exam(ctx, int(course_id))
    with right:
        _new_question(ctx, int(course_id))


def _results(ctx: PageContext, courses: pl.DataFrame) -> None:
    st.subheader(t("recruiting.courses.results"))
    exams = queries.exams(ctx.engine)
    attempts = queries.attempts(ctx.engine, ctx.viewer).filter(
        pl.col("taken_on").is_between(ctx.period.start, ctx.period.last_day)
    )
    if exams.is_empty():
        st.info(t("recruiting.learning.no_exams"))
        return
    avg, rate, mark = (
        t("recruiting.col.avg_score"),
        t("recruiting.col.pass_rate"),
        t("recruiting.col.pass_mark"),
    )
    table_with_download(
        learning.exam_results_table(exams, courses, attempts),
        "exam_results",
        "recruiting_exam_results",
        column_config={
            avg: percent_column(avg),
            rate: percent_column(rate),
            mark: percent_column(mark),
        },
    )


def _new_course(ctx: PageContext) -> None:
    with st.expander(t("recruiting.courses.new")), st.form("recruiting_new_course"):
        title = st.text_input(t("recruiting.col.title"), key="recruiting_course_title")
        topic = select(
            t("recruiting.col.topic"),
            COURSE_TOPICS,
            "recruiting_course_topic",
            lambda x: t(f"recruiting.topic.{x}"),
        )
        description = st.text_area(t("recruiting.col.description"), key="recruiting_course_desc")
        if st.form_submit_button(t("recruiting.courses.create")):
            act(
                lambda: create_course(ctx.engine, ctx.viewer, title, str(topic), description),
                lambda cid: t("recruiting.courses.created", title=title, id=cid),
            )


def _bank(ctx: PageContext, course_id: int) -> None:
    st.subheader(t("recruiting.courses.bank"))
    bank = queries.question_bank(ctx.engine, course_id, with_answers=True)
    if bank.is_empty():
        st.info(t("recruiting.courses.no_questions"))
        return
    table_with_download(
        learning.bank_table(bank),
        f"question_bank_{course_id}",
        "recruiting_bank",
    )


def _new_material(ctx: PageContext, course_id: int) -> None:
    with st.expander(t("recruiting.courses.add_material")), st.form("recruiting_new_material"):
        title = st.text_input(t("recruiting.col.title"), key="recruiting_mat_title")
        kind = select(
            t("recruiting.col.kind"),
            MATERIAL_KINDS,
            "recruiting_mat_kind",
            lambda k: t(f"recruiting.material.{k}"),
        )
        url = st.text_input(t("recruiting.col.url"), key="recruiting_mat_url")
        body = st.text_area(t("recruiting.col.body"), key="recruiting_mat_body")
        minutes = st.number_input(
            t("recruiting.col.minutes"), 0, 600, 20, key="recruiting_mat_minutes"
        )
        if st.form_submit_button(t("recruiting.courses.add")):
            act(
                lambda: add_material(
                    ctx.engine, ctx.viewer, course_id, title, str(kind), url, body, int(minutes)
                ),
                lambda _: t("recruiting.courses.material_added", title=title),
            )


def parse_correct(text: str) -> list[int]:
    """ "1, 3" -> [0, 2] (options are numbered from 1 on screen)."""
    out = []
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part.isdigit() or int(part) < 1:
            raise RecruitingError("question_needs_answer")
        out.append(int(part) - 1)
    return out


def _new_question(ctx: PageContext, course_id: int) -> None:
    with st.expander(t("recruiting.courses.add_question")), st.form("recruiting_new_question"):
        text = st.text_area(t("recruiting.col.question"), key="recruiting_q_text")
        options = st.text_area(t("recruiting.courses.options_help"), key="recruiting_q_options")
        correct = st.text_input(t("recruiting.courses.correct_help"), key="recruiting_q_correct")
        points = st.number_input(
            t("recruiting.col.points"), 0.5, 10.0, 1.0, 0.5, key="recruiting_q_points"
        )
        if st.form_submit_button(t("recruiting.courses.add")):
            act(
                lambda: add_question(
                    ctx.engine,
                    ctx.viewer,
                    course_id,
                    text,
                    options.splitlines(),
                    parse_correct(correct),
                    float(points),
                ),
                lambda _: t("recruiting.courses.question_added"),
            )


def _new_exam(ctx: PageContext, course_id: int) -> None:
    with st.expander(t("recruiting.courses.new_exam")), st.form("recruiting_new_exam"):
        title = st.text_input(t("recruiting.col.title"), key="recruiting_exam_title")
        mark = st.slider(
            t("recruiting.col.pass_mark"),
            0.1,
            1.0,
            float(settings(ctx.engine).default_pass_mark),
            0.05,
            key="recruiting_exam_mark",
        )
        count = st.number_input(
            t("recruiting.col.questions"), 1, 100, 5, key="recruiting_exam_count"
        )
        attempts = st.number_input(
            t("recruiting.col.max_attempts"), 1, 10, 3, key="recruiting_exam_attempts"
        )
        if st.form_submit_button(t("recruiting.courses.create_exam")):
            act(
                lambda: create_exam(
                    ctx.engine, ctx.viewer, course_id, title, float(mark), int(count), int(attempts)
                ),
                lambda _: t("recruiting.courses.exam_created", title=title),
            )
