"""The online learning area: courses, materials, question banks, exams taken in the
app and graded automatically, and the certificates a pass earns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import read_session, write_session
from command_center.org.scope import Viewer
from plugins.recruiting.actions.guards import require_person, require_recruiter
from plugins.recruiting.actions.training import issue_certificate
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.logic.exams import Graded, draw_questions, grade
from plugins.recruiting.logic.vocabulary import COURSE_TOPICS, MATERIAL_KINDS
from plugins.recruiting.models import (
    Certificate,
    Course,
    Exam,
    ExamAnswer,
    ExamAttempt,
    Material,
    Question,
)
from plugins.recruiting.queries import bank_frame, question_bank


def create_course(engine: Engine, viewer: Viewer, title: str, topic: str, description: str) -> int:
    require_recruiter(viewer)
    if not title.strip():
        raise RecruitingError("title_required")
    if topic not in COURSE_TOPICS:
        raise RecruitingError("bad_kind", kind=topic)
    with write_session(engine) as session:
        course = Course(title=title.strip(), topic=topic, description=description.strip())
        session.add(course)
        session.flush()
        audit(
            session,
            viewer.login,
            "course_created",
            "recruiting_course",
            course.course_id,
            title=title,
        )
        return course.course_id


def add_material(
    engine: Engine,
    viewer: Viewer,
    course_id: int,
    title: str,
    kind: str,
    url: str = "",
    body: str = "",
    minutes: int = 0,
) -> int:
    require_recruiter(viewer)
    if not title.strip():
        raise RecruitingError("title_required")
    if kind not in MATERIAL_KINDS:
        raise RecruitingError("bad_kind", kind=kind)
    if kind == "text" and not body.strip():
        raise RecruitingError("material_needs_body")
    if kind != "text" and not url.strip().startswith(("http://", "https://")):
        raise RecruitingError("material_needs_url")
    with write_session(engine) as session:
        if session.get(Course, course_id) is None:
            raise RecruitingError("course_not_found")
        row = Material(
            course_id=course_id,
            title=title.strip(),
            kind=kind,
            url=url.strip(),
            body=body.strip(),
            minutes=max(0, minutes),
        )
        session.add(row)
        session.flush()
        audit(
            session,
            viewer.login,
            "material_added",
            "recruiting_course",
            course_id,
            material_id=row.material_id,
            title=title,
        )
        return row.material_id


def add_question(
    engine: Engine,
    viewer: Viewer,
    course_id: int,
    text: str,
    options: Sequence[str],
    correct: Sequence[int],
    points: float = 1.0,
) -> int:
    """A question for a course's bank: two or more options, one or more of them right."""
    require_recruiter(viewer)
    options = [o.strip() for o in options if o.strip()]
    if not text.strip():
        raise RecruitingError("question_needs_text")
    if len(options) < 2:
        raise RecruitingError("question_needs_options")
    keys = sorted(set(correct))
    if not keys or any(not 0 <= k < len(options) for k in keys):
        raise RecruitingError("question_needs_answer")
    if points <= 0:
        raise RecruitingError("points_positive")
    with write_session(engine) as session:
        if session.get(Course, course_id) is None:
            raise RecruitingError("course_not_found")
        row = Question(
            course_id=course_id,
            text=text.strip(),
            options=options,
            correct=keys,
            points=points,
            active=True,
        )
        session.add(row)
        session.flush()
        audit(
            session,
            viewer.login,
            "question_added",
            "recruiting_course",
            course_id,
            question_id=row.question_id,
        )
        return row.question_id


def create_exam(
    engine: Engine,
    viewer: Viewer,
    course_id: int,
    title: str,
    pass_mark: float,
    question_count: int,
    max_attempts: int = 3,
) -> int:
    require_recruiter(viewer)
    if not title.strip():
        raise RecruitingError("title_required")
    if not 0 < pass_mark <= 1:
        raise RecruitingError("pass_mark_range")
    if max_attempts < 1:
        raise RecruitingError("attempts_positive")
    with write_session(engine) as session:
        bank = (
            session.scalar(
                select(func.count())
                .select_from(Question)
                .where(Question.course_id == course_id, Question.active.is_(True))
            )
            or 0
        )
        if session.get(Course, course_id) is None:
            raise RecruitingError("course_not_found")
        if not 1 <= question_count <= bank:
            raise RecruitingError("question_count_range", bank=bank)
        exam = Exam(
            course_id=course_id,
            title=title.strip(),
            pass_mark=pass_mark,
            question_count=question_count,
            max_attempts=max_attempts,
            active=True,
        )
        session.add(exam)
        session.flush()
        audit(
            session,
            viewer.login,
            "exam_created",
            "recruiting_exam",
            exam.exam_id,
            course_id=course_id,
            pass_mark=pass_mark,
            question_count=question_count,
        )
        return exam.exam_id


@dataclass(frozen=True)
class ExamPaper:
    """What a person is asked in their next attempt (no answers in it)."""

    exam_id: int
    title: str
    pass_mark: float
    attempt_no: int
    attempts_left: int
    questions: pl.DataFrame  # question_id, text, options, points


@dataclass(frozen=True)
class ExamResult:
    attempt_id: int
    attempt_no: int
    score: float
    passed: bool
    certificate: str | None
    repeated: bool = False  # the same attempt was submitted before; nothing new written


def _seed(exam_id: int, person_id: int, attempt_no: int) -> str:
    return f"{exam_id}:{person_id}:{attempt_no}"


def exam_paper(engine: Engine, viewer: Viewer, exam_id: int) -> ExamPaper:
    """The viewer's next attempt at an exam; refused once passed or out of attempts."""
    person_id = require_person(viewer)
    with read_session(engine) as session:
        exam = session.get(Exam, exam_id)
        if exam is None or not exam.active:
            raise RecruitingError("exam_not_found")
        rows = session.execute(
            select(ExamAttempt.attempt_no, ExamAttempt.passed).where(
                ExamAttempt.exam_id == exam_id, ExamAttempt.person_id == person_id
            )
        ).all()
        title, pass_mark, count = exam.title, exam.pass_mark, exam.question_count
        course_id, max_attempts = exam.course_id, exam.max_attempts
    if any(passed for _, passed in rows):
        raise RecruitingError("exam_passed")
    if len(rows) >= max_attempts:
        raise RecruitingError("no_attempts_left", attempts=max_attempts)
    attempt_no = max((n for n, _ in rows), default=0) + 1
    bank = question_bank(engine, course_id, with_answers=False)
    drawn = draw_questions(
        bank["question_id"].to_list(), count, _seed(exam_id, person_id, attempt_no)
    )
    paper = bank.filter(pl.col("question_id").is_in(drawn))
    return ExamPaper(exam_id, title, pass_mark, attempt_no, max_attempts - len(rows), paper)


def submit_exam(
    engine: Engine,
    viewer: Viewer,
    exam_id: int,
    attempt_no: int,
    answers: Mapping[int, Sequence[int]],
    on: dt.date,
) -> ExamResult:
    """Grade the answers to attempt ``attempt_no`` against the pass mark and store them.

    The questions graded are the ones drawn for that attempt (answers to
    others are ignored). Submitting the same attempt twice returns the
    first result and writes nothing more; a pass issues a certificate.
    """
    person_id = require_person(viewer)
    with write_session(engine) as session:
        exam = session.get(Exam, exam_id)
        if exam is None or not exam.active:
            raise RecruitingError("exam_not_found")
        done = session.scalars(
            select(ExamAttempt)
            .where(ExamAttempt.exam_id == exam_id, ExamAttempt.person_id == person_id)
            .with_for_update()
        ).all()
        for old in done:
            if old.attempt_no == attempt_no:
                cert = session.scalar(
                    select(Certificate.number).where(
                        Certificate.person_id == person_id, Certificate.exam_id == exam_id
                    )
                )
                return ExamResult(
                    old.attempt_id,
                    old.attempt_no,
                    old.score,
                    old.passed,
                    cert if old.passed else None,
                    repeated=True,
                )
        if any(old.passed for old in done):
            raise RecruitingError("exam_passed")
        if len(done) >= exam.max_attempts:
            raise RecruitingError("no_attempts_left", attempts=exam.max_attempts)
        if attempt_no != len(done) + 1:
            raise RecruitingError("stale_attempt")
        graded = _grade(session, exam, person_id, attempt_no, answers)
        attempt = ExamAttempt(
            exam_id=exam_id,
            person_id=person_id,
            attempt_no=attempt_no,
            taken_on=on,
            score=graded.score,
            passed=graded.passed,
        )
        session.add(attempt)
        session.flush()
        session.add_all(
            ExamAnswer(
                attempt_id=attempt.attempt_id,
                question_id=qid,
                chosen=list(chosen),
                correct=bool(ok),
                points=float(points),
            )
            for qid, chosen, ok, points in graded.answers.iter_rows()
        )
        cert = None
        if graded.passed:
            cert = issue_certificate(
                session,
                person_id,
                on,
                exam_id=exam_id,
                detail={"score": graded.score, "attempt": attempt_no},
            )
        audit(
            session,
            viewer.login,
            "exam_submitted",
            "recruiting_exam",
            exam_id,
            attempt=attempt_no,
            score=graded.score,
            passed=graded.passed,
            certificate=cert,
        )
        return ExamResult(attempt.attempt_id, attempt_no, graded.score, graded.passed, cert)


def _grade(
    session: Session,
    exam: Exam,
    person_id: int,
    attempt_no: int,
    answers: Mapping[int, Sequence[int]],
) -> Graded:
    bank = bank_frame(session, exam.course_id, with_answers=True)
    drawn = draw_questions(
        bank["question_id"].to_list(),
        exam.question_count,
        _seed(exam.exam_id, person_id, attempt_no),
    )
    paper = bank.filter(pl.col("question_id").is_in(drawn))
    given = {int(q): list(v) for q, v in answers.items() if int(q) in set(drawn)}
    return grade(paper, given, exam.pass_mark)
