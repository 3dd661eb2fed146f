"""Training and the learning area: programs, sessions, attendance and feedback,
completion with a certificate, exams taken and graded against the pass mark, and
the training metrics through the registry."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from command_center.db.engine import read_session
from command_center.metrics import MetricRegistry
from command_center.periods import parse_period
from plugins.recruiting import queries
from plugins.recruiting.actions.learning import (
    add_material,
    add_question,
    create_course,
    create_exam,
    exam_paper,
    submit_exam,
)
from plugins.recruiting.actions.training import (
    add_session,
    assign_mentor,
    close_enrolment,
    create_program,
    enrol,
    give_feedback,
    record_attendance,
)
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.models import Certificate, ExamAnswer, ExamAttempt
from tests.fixtures_recruiting import recruiting_host, viewer

D = dt.date
QUESTIONS = [
    ("价值观中排在第一位的是？", ["客户第一", "业绩第一", "老板第一"], [0], 1.0),
    ("以下哪些属于价值观？（多选）", ["团队合作", "个人英雄主义", "诚信"], [0, 2], 2.0),
    ("发现同事虚报拜访记录应该？", ["当作没看见", "提醒并上报主管"], [1], 1.0),
    ("“拥抱变化”指的是？", ["拒绝调整", "主动适应变化"], [1], 1.0),
]


def refused(code: str, action, *args, **kwargs) -> None:
    with pytest.raises(RecruitingError) as info:
        action(*args, **kwargs)
    assert info.value.key == code, info.value


@pytest.fixture
def course(rdb):
    e = rdb.engine
    manager = viewer(e, "manager", 2)
    course_id = create_course(e, manager, "价值观与铁军文化", "culture", "新人必修")
    add_material(
        e, manager, course_id, "导论", "video", "https://learn.example.com/intro.mp4", minutes=30
    )
    refused("material_needs_url", add_material, e, manager, course_id, "坏链接", "link", "ftp://x")
    qids = [
        add_question(e, manager, course_id, q, opts, right, pts)
        for q, opts, right, pts in QUESTIONS
    ]
    refused("question_needs_answer", add_question, e, manager, course_id, "题", ["a", "b"], [5])
    refused("question_count_range", create_exam, e, manager, course_id, "考试", 0.6, 9)
    exam_id = create_exam(e, manager, course_id, "结业考试", 0.75, 4, max_attempts=2)
    return rdb, course_id, exam_id, dict(zip(qids, QUESTIONS, strict=True))


def right_answers(bank: dict) -> dict[int, list[int]]:
    return {qid: q[2] for qid, q in bank.items()}


def test_exam_graded_against_the_pass_mark_with_a_certificate(course) -> None:
    db, _, exam_id, bank = course
    e, rep = db.engine, viewer(db.engine, "rep", 4)
    paper = exam_paper(e, rep, exam_id)
    assert paper.attempt_no == 1 and paper.questions.height == 4
    assert "correct" not in paper.questions.columns  # no answers on the paper
    answers = right_answers(bank)
    first_q = min(bank)
    answers[first_q] = [1]  # one 1-point question wrong: 4 of 5 points = 0.8 >= 0.75
    result = submit_exam(e, rep, exam_id, paper.attempt_no, answers, D(2026, 3, 2))
    assert result.score == pytest.approx(0.8) and result.passed
    assert result.certificate and result.certificate.startswith("RC-2026-")
    again = submit_exam(e, rep, exam_id, paper.attempt_no, answers, D(2026, 3, 2))
    assert again.repeated and again.attempt_id == result.attempt_id
    assert again.certificate == result.certificate
    with read_session(e) as s:
        assert s.scalar(select(func.count()).select_from(ExamAttempt)) == 1
        assert s.scalar(select(func.count()).select_from(ExamAnswer)) == 4
        assert s.scalar(select(func.count()).select_from(Certificate)) == 1
    refused("exam_passed", exam_paper, e, rep, exam_id)
    refused("exam_passed", submit_exam, e, rep, exam_id, 2, answers, D(2026, 3, 3))


def test_failed_exam_uses_up_attempts(course) -> None:
    db, _, exam_id, bank = course
    e, rep = db.engine, viewer(db.engine, "rep", 5)
    wrong = {qid: [0] if q[2] != [0] else [1] for qid, q in bank.items()}
    multi = next(qid for qid, q in bank.items() if len(q[2]) > 1)
    wrong[multi] = [0]  # one of the two right options only: no points
    first = submit_exam(e, rep, exam_id, 1, wrong, D(2026, 3, 2))
    assert (first.score, first.passed, first.certificate) == (0.0, False, None)
    refused("stale_attempt", submit_exam, e, rep, exam_id, 3, wrong, D(2026, 3, 3))
    second = submit_exam(e, rep, exam_id, 2, right_answers(bank), D(2026, 3, 3))
    assert second.passed and second.score == 1.0
    other = viewer(e, "rep", 7)
    submit_exam(e, other, exam_id, 1, wrong, D(2026, 3, 2))
    submit_exam(e, other, exam_id, 2, wrong, D(2026, 3, 3))
    refused("no_attempts_left", exam_paper, e, other, exam_id)
    refused("needs_person", exam_paper, e, viewer(e, "admin", None), exam_id)


def test_sessions_attendance_feedback_and_completion(rdb) -> None:
    e = rdb.engine
    sup, rep = viewer(e, "supervisor", 3), viewer(e, "rep", 4)
    refused("not_allowed", create_program, e, rep, "x", "course", D(2026, 3, 1))
    refused("bootcamp_days", create_program, e, sup, "新人训练营", "bootcamp", D(2026, 3, 2))
    camp = create_program(e, sup, "新人训练营", "bootcamp", D(2026, 3, 2), days=7)
    refused(
        "trainer_required",
        add_session,
        e,
        sup,
        camp,
        "外部课",
        D(2026, 3, 2),
        8.0,
        "outside_lecturer",
    )
    day1 = add_session(e, sup, camp, "文化价值观", D(2026, 3, 2), 8.0, "internal_expert", 2)
    day2 = add_session(
        e,
        sup,
        camp,
        "谈判",
        D(2026, 3, 3),
        6.0,
        "outside_lecturer",
        trainer_name="王立群（外部讲师）",
    )
    assert enrol(e, sup, camp, [4, 5], D(2026, 3, 1)) == 2
    assert enrol(e, sup, camp, [4], D(2026, 3, 1)) == 0  # already enrolled
    refused("person_not_found", enrol, e, sup, camp, [7], D(2026, 3, 1))  # other team
    record_attendance(e, sup, day1, {4: True, 5: True})
    record_attendance(e, sup, day2, {4: True, 5: False})
    refused("not_attended", give_feedback, e, viewer(e, "rep", 5), day2, 5, "")
    give_feedback(e, rep, day1, 5, "案例很实用")
    refused("rating_range", give_feedback, e, rep, day2, 6, "")
    enrolments = queries.enrolments(e, sup).sort("person_id")
    assert enrolments["due_on"].to_list() == [D(2026, 3, 9), D(2026, 3, 9)]
    first = int(enrolments["enrolment_id"][0])
    number = close_enrolment(e, sup, first, "completed", D(2026, 3, 9))
    assert number is not None and number.startswith("RC-2026-")
    refused("enrolment_closed", close_enrolment, e, sup, first, "dropped", D(2026, 3, 9))
    assert (
        close_enrolment(e, sup, int(enrolments["enrolment_id"][1]), "dropped", D(2026, 3, 9))
        is None
    )
    assign_mentor(e, sup, 5, 4, D(2026, 3, 1), "每周陪访一次")
    refused("mentor_self", assign_mentor, e, sup, 5, 5, D(2026, 3, 1))
    mentors = queries.mentors(e, rep)  # rep 4 sees the mentee they mentor
    assert mentors.rows() == [(5, 4, D(2026, 3, 1), "每周陪访一次")]

    registry = MetricRegistry(recruiting_host())
    march = parse_period("2026-03")
    hours = registry.person_values(e, sup, "training_hours", march)
    assert dict(hours.select("person_id", "value").iter_rows()) == {4: 14.0, 5: 8.0}
    assert registry.person_values(e, rep, "training_hours", march)["person_id"].to_list() == [4]
    completion = registry.rollup(e, sup, "bootcamp_completion", march)
    assert completion.filter(completion["node_id"] == 3)["value"].item() == 0.5
