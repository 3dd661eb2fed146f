"""The recruiting plugin's tables: openings, candidates and their history,
interviews, background checks, offers, and training (programs, sessions,
attendance, mentors, the online learning area, exams and certificates).

Openings and candidates carry ids chosen by the app (MAX + 1 inside the
write transaction) or by an import file; every other table numbers itself.
Resume files are stored in ``recruiting_resumes`` (bytes in the database),
so every app replica sees the same files and a backup holds them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base
from command_center.db.models import utcnow
from plugins.recruiting.logic.vocabulary import (
    ALL_STAGES,
    ENROLMENT_STATUSES,
    MATERIAL_KINDS,
    OFFER_STATUSES,
    OPENING_LEVELS,
    PROGRAM_KINDS,
    SOURCES,
    TRAINER_KINDS,
    sql_in,
)

PEOPLE_FK = "people.person_id"


def _score(name: str) -> CheckConstraint:
    return CheckConstraint(f"{name} BETWEEN 1 AND 5", name=f"{name}_range")


class Opening(Base):
    """A requisition: who is hired, how many, where, by whom and where it is published."""

    __tablename__ = "recruiting_openings"
    __table_args__ = (
        CheckConstraint(f"level IN ({sql_in(OPENING_LEVELS)})", name="level"),
        CheckConstraint("headcount >= 1", name="headcount_positive"),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"),
    )

    opening_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(50), default="")
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    hiring_manager_id: Mapped[int] = mapped_column(ForeignKey(PEOPLE_FK), index=True)
    channels: Mapped[str] = mapped_column(String(200), default="")  # codes joined by ";"
    description: Mapped[str] = mapped_column(Text, default="")
    pay_min: Mapped[float | None] = mapped_column(Float, default=None)
    pay_max: Mapped[float | None] = mapped_column(Float, default=None)


class Candidate(Base):
    """One application to one opening; ``stage`` is where it stands now."""

    __tablename__ = "recruiting_candidates"
    __table_args__ = (
        CheckConstraint(f"source IN ({sql_in(SOURCES)})", name="source"),
        CheckConstraint(f"stage IN ({sql_in(ALL_STAGES)})", name="stage"),
        CheckConstraint("source <> 'referral' OR referrer_id IS NOT NULL", name="referrer"),
    )

    candidate_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    opening_id: Mapped[int] = mapped_column(
        ForeignKey("recruiting_openings.opening_id"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(20))
    referrer_id: Mapped[int | None] = mapped_column(ForeignKey(PEOPLE_FK), default=None)
    applied_on: Mapped[dt.date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20), default="applied", index=True)
    stage_since: Mapped[dt.date] = mapped_column(Date)
    exit_reason: Mapped[str] = mapped_column(String(500), default="")
    resume_url: Mapped[str] = mapped_column(String(500), default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey(PEOPLE_FK), unique=True, default=None)


class StageEvent(Base):
    """Every move of a candidate, with who made it, when, and why (skips, exits)."""

    __tablename__ = "recruiting_stage_events"

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("recruiting_candidates.candidate_id"), index=True
    )
    from_stage: Mapped[str | None] = mapped_column(String(20), default=None)
    to_stage: Mapped[str] = mapped_column(String(20))
    moved_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500), default="")
    skipped: Mapped[str] = mapped_column(String(200), default="")  # stage codes joined by ";"
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Resume(Base):
    """An uploaded resume file, stored as bytes (one per candidate)."""

    __tablename__ = "recruiting_resumes"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("recruiting_candidates.candidate_id"), primary_key=True, autoincrement=False
    )
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Scorecard(Base):
    """One interviewer's scores for one round; a culture-fit fail may be overridden.

    ``template`` names the scorecard template it was filled in with;
    ``extra_scores`` holds that template's own criteria as JSON text (``{key: 1..5}``;
    text, so every reader sees the same type).
    """

    __tablename__ = "recruiting_scorecards"
    __table_args__ = (
        UniqueConstraint("candidate_id", "round", "interviewer_id", name="uq_recruiting_card"),
        CheckConstraint("round BETWEEN 1 AND 3", name="round_range"),
        _score("knowledge"),
        _score("selling"),
        _score("communication"),
        _score("teamwork"),
        _score("professionalism"),
        _score("culture_fit"),
    )

    scorecard_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("recruiting_candidates.candidate_id"), index=True
    )
    round: Mapped[int] = mapped_column(Integer)
    interviewer_id: Mapped[int] = mapped_column(ForeignKey(PEOPLE_FK))
    interviewed_on: Mapped[dt.date] = mapped_column(Date)
    knowledge: Mapped[int] = mapped_column(Integer)
    selling: Mapped[int] = mapped_column(Integer)
    communication: Mapped[int] = mapped_column(Integer)
    teamwork: Mapped[int] = mapped_column(Integer)
    professionalism: Mapped[int] = mapped_column(Integer)
    culture_fit: Mapped[int] = mapped_column(Integer)
    template: Mapped[str] = mapped_column(String(40), default="standard", server_default="standard")
    extra_scores: Mapped[str | None] = mapped_column(Text, default=None)  # JSON {key: 1..5}
    comment: Mapped[str] = mapped_column(Text, default="")
    passed: Mapped[bool] = mapped_column(Boolean)
    override_by: Mapped[str | None] = mapped_column(String(64), default=None)
    override_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    override_on: Mapped[dt.date | None] = mapped_column(Date, default=None)


class BackgroundCheck(Base):
    """Work history and education checked; the candidate moves on only if passed."""

    __tablename__ = "recruiting_background_checks"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("recruiting_candidates.candidate_id"), primary_key=True, autoincrement=False
    )
    work_history: Mapped[str] = mapped_column(Text, default="")
    education: Mapped[str] = mapped_column(Text, default="")
    work_ok: Mapped[bool] = mapped_column(Boolean)
    education_ok: Mapped[bool] = mapped_column(Boolean)
    passed: Mapped[bool] = mapped_column(Boolean)
    checked_on: Mapped[dt.date] = mapped_column(Date)
    checked_by: Mapped[str] = mapped_column(String(64))


class Offer(Base):
    """The offer made to a candidate and the answer (accepted, or declined and why)."""

    __tablename__ = "recruiting_offers"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(OFFER_STATUSES)})", name="status"),
        CheckConstraint("salary > 0", name="salary_positive"),
    )

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("recruiting_candidates.candidate_id"), primary_key=True, autoincrement=False
    )
    salary: Mapped[float] = mapped_column(Float)
    start_date: Mapped[dt.date] = mapped_column(Date)
    offered_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    responded_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    decline_reason: Mapped[str] = mapped_column(String(500), default="")


# -- training -----------------------------------------------------------------


class Course(Base):
    """A course of the online learning area: materials, a question bank, exams."""

    __tablename__ = "recruiting_courses"

    course_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text, default="")


class Program(Base):
    """A training program: a bootcamp of N days, a periodic course or mentoring."""

    __tablename__ = "recruiting_programs"
    __table_args__ = (CheckConstraint(f"kind IN ({sql_in(PROGRAM_KINDS)})", name="kind"),)

    program_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    days: Mapped[int | None] = mapped_column(Integer, default=None)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("recruiting_courses.course_id"), default=None
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TrainingSession(Base):
    """One session of a program, with its trainer (a person, or an outside lecturer)."""

    __tablename__ = "recruiting_sessions"
    __table_args__ = (
        CheckConstraint(f"trainer_kind IN ({sql_in(TRAINER_KINDS)})", name="trainer_kind"),
        CheckConstraint("hours > 0", name="hours_positive"),
    )

    session_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("recruiting_programs.program_id"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    hours: Mapped[float] = mapped_column(Float)
    trainer_kind: Mapped[str] = mapped_column(String(20))
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey(PEOPLE_FK), default=None)
    trainer_name: Mapped[str] = mapped_column(String(100), default="")
    location: Mapped[str] = mapped_column(String(100), default="")


class Enrolment(Base):
    """A person in a program; bootcamp enrolments are due ``days`` after they start."""

    __tablename__ = "recruiting_enrolments"
    __table_args__ = (
        UniqueConstraint("program_id", "person_id", name="uq_recruiting_enrolment"),
        CheckConstraint(f"status IN ({sql_in(ENROLMENT_STATUSES)})", name="status"),
    )

    enrolment_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("recruiting_programs.program_id"))
    person_id: Mapped[int] = mapped_column(ForeignKey(PEOPLE_FK), index=True)
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(10), default="enrolled")
    completed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("recruiting_candidates.candidate_id"), default=None
    )


class Attendance(Base):
    """Who attended a session, and the feedback they gave (1–5 and a comment)."""

    __tablename__ = "recruiting_attendance"
    __table_args__ = (CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),)

    session_id: Mapped[int] = mapped_column(
        ForeignKey("recruiting_sessions.session_id"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey(PEOPLE_FK), primary_key=True, index=True)
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    rating: Mapped[int | None] = mapped_column(Integer, default=None)
    feedback: Mapped[str] = mapped_column(Text, default="")


class Mentor(Base):
    """The mentor of a new hire (one at a time)."""

    __tablename__ = "recruiting_mentors"

    mentee_id: Mapped[int] = mapped_column(
        ForeignKey(PEOPLE_FK), primary_key=True, autoincrement=False
    )
    mentor_id: Mapped[int] = mapped_column(ForeignKey(PEOPLE_FK), index=True)
    since: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class Material(Base):
    """A video, document, link or text of a course."""

    __tablename__ = "recruiting_materials"
    __table_args__ = (CheckConstraint(f"kind IN ({sql_in(MATERIAL_KINDS)})", name="kind"),)

    material_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("recruiting_courses.course_id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[int] = mapped_column(Integer, default=0)


class Question(Base):
    """A question of a course's bank: options, the correct ones, points."""

    __tablename__ = "recruiting_questions"
    __table_args__ = (CheckConstraint("points > 0", name="points_positive"),)

    question_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("recruiting_courses.course_id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON)
    correct: Mapped[list[int]] = mapped_column(JSON)
    points: Mapped[float] = mapped_column(Float, default=1.0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Exam(Base):
    """An exam drawn from a course's question bank, graded against ``pass_mark``."""

    __tablename__ = "recruiting_exams"
    __table_args__ = (
        CheckConstraint("pass_mark > 0 AND pass_mark <= 1", name="pass_mark_range"),
        CheckConstraint("question_count >= 1", name="question_count_positive"),
        CheckConstraint("max_attempts >= 1", name="max_attempts_positive"),
    )

    exam_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("recruiting_courses.course_id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    pass_mark: Mapped[float] = mapped_column(Float)
    question_count: Mapped[int] = mapped_column(Integer)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ExamAttempt(Base):
    """One sitting of an exam by one person, graded when submitted."""

    __tablename__ = "recruiting_exam_attempts"
    __table_args__ = (
        UniqueConstraint("exam_id", "person_id", "attempt_no", name="uq_recruiting_attempt"),
        CheckConstraint("score >= 0 AND score <= 1", name="score_range"),
    )

    attempt_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("recruiting_exams.exam_id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey(PEOPLE_FK), index=True)
    attempt_no: Mapped[int] = mapped_column(Integer)
    taken_on: Mapped[dt.date] = mapped_column(Date)
    score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ExamAnswer(Base):
    """What was answered to one question of an attempt, and whether it was right."""

    __tablename__ = "recruiting_exam_answers"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("recruiting_exam_attempts.attempt_id"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("recruiting_questions.question_id"), primary_key=True
    )
    chosen: Mapped[list[int]] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column(Boolean)
    points: Mapped[float] = mapped_column(Float)


class Certificate(Base):
    """Issued for a passed exam or a completed program; one each per person."""

    __tablename__ = "recruiting_certificates"
    __table_args__ = (
        UniqueConstraint("person_id", "exam_id", name="uq_recruiting_cert_exam"),
        UniqueConstraint("person_id", "program_id", name="uq_recruiting_cert_program"),
        CheckConstraint("(exam_id IS NULL) <> (program_id IS NULL)", name="exam_or_program"),
    )

    certificate_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey(PEOPLE_FK), index=True)
    exam_id: Mapped[int | None] = mapped_column(
        ForeignKey("recruiting_exams.exam_id"), default=None
    )
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("recruiting_programs.program_id"), default=None
    )
    issued_on: Mapped[dt.date] = mapped_column(Date)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


TABLES: list[type] = [
    Opening,
    Candidate,
    StageEvent,
    Resume,
    Scorecard,
    BackgroundCheck,
    Offer,
    Course,
    Program,
    TrainingSession,
    Enrolment,
    Attendance,
    Mentor,
    Material,
    Question,
    Exam,
    ExamAttempt,
    ExamAnswer,
    Certificate,
]
