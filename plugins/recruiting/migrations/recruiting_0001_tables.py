"""Recruiting: openings, candidates, stage history, interviews, offers and training.

Revision ID: recruiting_0001
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "recruiting_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("recruiting",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recruiting_courses",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("course_id", name=op.f("pk_recruiting_courses")),
    )
    op.create_table(
        "recruiting_exams",
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("pass_mark", sa.Float(), nullable=False),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "max_attempts >= 1", name=op.f("ck_recruiting_exams_max_attempts_positive")
        ),
        sa.CheckConstraint(
            "pass_mark > 0 AND pass_mark <= 1", name=op.f("ck_recruiting_exams_pass_mark_range")
        ),
        sa.CheckConstraint(
            "question_count >= 1", name=op.f("ck_recruiting_exams_question_count_positive")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["recruiting_courses.course_id"],
            name=op.f("fk_recruiting_exams_course_id_recruiting_courses"),
        ),
        sa.PrimaryKeyConstraint("exam_id", name=op.f("pk_recruiting_exams")),
    )
    op.create_index(
        op.f("ix_recruiting_exams_course_id"), "recruiting_exams", ["course_id"], unique=False
    )
    op.create_table(
        "recruiting_materials",
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('video','document','link','text')", name=op.f("ck_recruiting_materials_kind")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["recruiting_courses.course_id"],
            name=op.f("fk_recruiting_materials_course_id_recruiting_courses"),
        ),
        sa.PrimaryKeyConstraint("material_id", name=op.f("pk_recruiting_materials")),
    )
    op.create_index(
        op.f("ix_recruiting_materials_course_id"),
        "recruiting_materials",
        ["course_id"],
        unique=False,
    )
    op.create_table(
        "recruiting_mentors",
        sa.Column("mentee_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentee_id"], ["people.person_id"], name=op.f("fk_recruiting_mentors_mentee_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["people.person_id"], name=op.f("fk_recruiting_mentors_mentor_id_people")
        ),
        sa.PrimaryKeyConstraint("mentee_id", name=op.f("pk_recruiting_mentors")),
    )
    op.create_index(
        op.f("ix_recruiting_mentors_mentor_id"), "recruiting_mentors", ["mentor_id"], unique=False
    )
    op.create_table(
        "recruiting_openings",
        sa.Column("opening_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("region", sa.String(length=50), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("hiring_manager_id", sa.Integer(), nullable=False),
        sa.Column("channels", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("pay_min", sa.Float(), nullable=True),
        sa.Column("pay_max", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "level IN ('rep','supervisor','manager')", name=op.f("ck_recruiting_openings_level")
        ),
        sa.CheckConstraint(
            "closed_on IS NULL OR closed_on >= opened_on",
            name=op.f("ck_recruiting_openings_closed_after_opened"),
        ),
        sa.CheckConstraint(
            "headcount >= 1", name=op.f("ck_recruiting_openings_headcount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["hiring_manager_id"],
            ["people.person_id"],
            name=op.f("fk_recruiting_openings_hiring_manager_id_people"),
        ),
        sa.PrimaryKeyConstraint("opening_id", name=op.f("pk_recruiting_openings")),
    )
    op.create_index(
        op.f("ix_recruiting_openings_hiring_manager_id"),
        "recruiting_openings",
        ["hiring_manager_id"],
        unique=False,
    )
    op.create_table(
        "recruiting_programs",
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('bootcamp','course','mentoring')", name=op.f("ck_recruiting_programs_kind")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["recruiting_courses.course_id"],
            name=op.f("fk_recruiting_programs_course_id_recruiting_courses"),
        ),
        sa.PrimaryKeyConstraint("program_id", name=op.f("pk_recruiting_programs")),
    )
    op.create_table(
        "recruiting_questions",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("correct", sa.JSON(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("points > 0", name=op.f("ck_recruiting_questions_points_positive")),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["recruiting_courses.course_id"],
            name=op.f("fk_recruiting_questions_course_id_recruiting_courses"),
        ),
        sa.PrimaryKeyConstraint("question_id", name=op.f("pk_recruiting_questions")),
    )
    op.create_index(
        op.f("ix_recruiting_questions_course_id"),
        "recruiting_questions",
        ["course_id"],
        unique=False,
    )
    op.create_table(
        "recruiting_candidates",
        sa.Column("candidate_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("opening_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("stage_since", sa.Date(), nullable=False),
        sa.Column("exit_reason", sa.String(length=500), nullable=False),
        sa.Column("resume_url", sa.String(length=500), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "source <> 'referral' OR referrer_id IS NOT NULL",
            name=op.f("ck_recruiting_candidates_referrer"),
        ),
        sa.CheckConstraint(
            "source IN ('company_site','job_board','social_media','referral','campus','agency')",
            name=op.f("ck_recruiting_candidates_source"),
        ),
        sa.CheckConstraint(
            "stage IN ('applied','screened','interview_1','interview_2','interview_3',"
            "'background_check','offer','hired','rejected','withdrew')",
            name=op.f("ck_recruiting_candidates_stage"),
        ),
        sa.ForeignKeyConstraint(
            ["opening_id"],
            ["recruiting_openings.opening_id"],
            name=op.f("fk_recruiting_candidates_opening_id_recruiting_openings"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.person_id"],
            name=op.f("fk_recruiting_candidates_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["referrer_id"],
            ["people.person_id"],
            name=op.f("fk_recruiting_candidates_referrer_id_people"),
        ),
        sa.PrimaryKeyConstraint("candidate_id", name=op.f("pk_recruiting_candidates")),
        sa.UniqueConstraint("person_id", name=op.f("uq_recruiting_candidates_person_id")),
    )
    op.create_index(
        op.f("ix_recruiting_candidates_opening_id"),
        "recruiting_candidates",
        ["opening_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_recruiting_candidates_stage"), "recruiting_candidates", ["stage"], unique=False
    )
    op.create_table(
        "recruiting_certificates",
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=True),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "(exam_id IS NULL) <> (program_id IS NULL)",
            name=op.f("ck_recruiting_certificates_exam_or_program"),
        ),
        sa.ForeignKeyConstraint(
            ["exam_id"],
            ["recruiting_exams.exam_id"],
            name=op.f("fk_recruiting_certificates_exam_id_recruiting_exams"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.person_id"],
            name=op.f("fk_recruiting_certificates_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["recruiting_programs.program_id"],
            name=op.f("fk_recruiting_certificates_program_id_recruiting_programs"),
        ),
        sa.PrimaryKeyConstraint("certificate_id", name=op.f("pk_recruiting_certificates")),
        sa.UniqueConstraint("number", name=op.f("uq_recruiting_certificates_number")),
        sa.UniqueConstraint("person_id", "exam_id", name="uq_recruiting_cert_exam"),
        sa.UniqueConstraint("person_id", "program_id", name="uq_recruiting_cert_program"),
    )
    op.create_index(
        op.f("ix_recruiting_certificates_person_id"),
        "recruiting_certificates",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "recruiting_exam_attempts",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("attempt_no", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "score >= 0 AND score <= 1", name=op.f("ck_recruiting_exam_attempts_score_range")
        ),
        sa.ForeignKeyConstraint(
            ["exam_id"],
            ["recruiting_exams.exam_id"],
            name=op.f("fk_recruiting_exam_attempts_exam_id_recruiting_exams"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.person_id"],
            name=op.f("fk_recruiting_exam_attempts_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("attempt_id", name=op.f("pk_recruiting_exam_attempts")),
        sa.UniqueConstraint("exam_id", "person_id", "attempt_no", name="uq_recruiting_attempt"),
    )
    op.create_index(
        op.f("ix_recruiting_exam_attempts_exam_id"),
        "recruiting_exam_attempts",
        ["exam_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_recruiting_exam_attempts_person_id"),
        "recruiting_exam_attempts",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "recruiting_sessions",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("trainer_kind", sa.String(length=20), nullable=False),
        sa.Column("trainer_id", sa.Integer(), nullable=True),
        sa.Column("trainer_name", sa.String(length=100), nullable=False),
        sa.Column("location", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "trainer_kind IN ('internal_expert','top_seller','outside_lecturer')",
            name=op.f("ck_recruiting_sessions_trainer_kind"),
        ),
        sa.CheckConstraint("hours > 0", name=op.f("ck_recruiting_sessions_hours_positive")),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["recruiting_programs.program_id"],
            name=op.f("fk_recruiting_sessions_program_id_recruiting_programs"),
        ),
        sa.ForeignKeyConstraint(
            ["trainer_id"],
            ["people.person_id"],
            name=op.f("fk_recruiting_sessions_trainer_id_people"),
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_recruiting_sessions")),
    )
    op.create_index(
        op.f("ix_recruiting_sessions_held_on"), "recruiting_sessions", ["held_on"], unique=False
    )
    op.create_index(
        op.f("ix_recruiting_sessions_program_id"),
        "recruiting_sessions",
        ["program_id"],
        unique=False,
    )
    op.create_table(
        "recruiting_attendance",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "rating IS NULL OR rating BETWEEN 1 AND 5", name=op.f("ck_recruiting_attendance_rating")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.person_id"],
            name=op.f("fk_recruiting_attendance_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["recruiting_sessions.session_id"],
            name=op.f("fk_recruiting_attendance_session_id_recruiting_sessions"),
        ),
        sa.PrimaryKeyConstraint("session_id", "person_id", name=op.f("pk_recruiting_attendance")),
    )
    op.create_index(
        op.f("ix_recruiting_attendance_person_id"),
        "recruiting_attendance",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "recruiting_background_checks",
        sa.Column("candidate_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("work_history", sa.Text(), nullable=False),
        sa.Column("education", sa.Text(), nullable=False),
        sa.Column("work_ok", sa.Boolean(), nullable=False),
        sa.Column("education_ok", sa.Boolean(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("checked_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["recruiting_candidates.candidate_id"],
            name=op.f("fk_recruiting_background_checks_candidate_id_recruiting_candidates"),
        ),
        sa.PrimaryKeyConstraint("candidate_id", name=op.f("pk_recruiting_background_checks")),
    )
    op.create_table(
        "recruiting_enrolments",
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('enrolled','completed','dropped')",
            name=op.f("ck_recruiting_enrolments_status"),
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["recruiting_candidates.candidate_id"],
            name=op.f("fk_recruiting_enrolments_candidate_id_recruiting_candidates"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.person_id"],
            name=op.f("fk_recruiting_enrolments_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["recruiting_programs.program_id"],
            name=op.f("fk_recruiting_enrolments_program_id_recruiting_programs"),
        ),
        sa.PrimaryKeyConstraint("enrolment_id", name=op.f("pk_recruiting_enrolments")),
        sa.UniqueConstraint("program_id", "person_id", name="uq_recruiting_enrolment"),
    )
    op.create_index(
        op.f("ix_recruiting_enrolments_person_id"),
        "recruiting_enrolments",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "recruiting_exam_answers",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("chosen", sa.JSON(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["recruiting_exam_attempts.attempt_id"],
            name=op.f("fk_recruiting_exam_answers_attempt_id_recruiting_exam_attempts"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["recruiting_questions.question_id"],
            name=op.f("fk_recruiting_exam_answers_question_id_recruiting_questions"),
        ),
        sa.PrimaryKeyConstraint(
            "attempt_id", "question_id", name=op.f("pk_recruiting_exam_answers")
        ),
    )
    op.create_table(
        "recruiting_offers",
        sa.Column("candidate_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("salary", sa.Float(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("offered_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=True),
        sa.Column("decline_reason", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending','accepted','declined')", name=op.f("ck_recruiting_offers_status")
        ),
        sa.CheckConstraint("salary > 0", name=op.f("ck_recruiting_offers_salary_positive")),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["recruiting_candidates.candidate_id"],
            name=op.f("fk_recruiting_offers_candidate_id_recruiting_candidates"),
        ),
        sa.PrimaryKeyConstraint("candidate_id", name=op.f("pk_recruiting_offers")),
    )
    op.create_table(
        "recruiting_resumes",
        sa.Column("candidate_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["recruiting_candidates.candidate_id"],
            name=op.f("fk_recruiting_resumes_candidate_id_recruiting_candidates"),
        ),
        sa.PrimaryKeyConstraint("candidate_id", name=op.f("pk_recruiting_resumes")),
    )
    op.create_table(
        "recruiting_scorecards",
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=False),
        sa.Column("interviewed_on", sa.Date(), nullable=False),
        sa.Column("knowledge", sa.Integer(), nullable=False),
        sa.Column("selling", sa.Integer(), nullable=False),
        sa.Column("communication", sa.Integer(), nullable=False),
        sa.Column("teamwork", sa.Integer(), nullable=False),
        sa.Column("professionalism", sa.Integer(), nullable=False),
        sa.Column("culture_fit", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("override_by", sa.String(length=64), nullable=True),
        sa.Column("override_reason", sa.String(length=500), nullable=True),
        sa.Column("override_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "communication BETWEEN 1 AND 5",
            name=op.f("ck_recruiting_scorecards_communication_range"),
        ),
        sa.CheckConstraint(
            "culture_fit BETWEEN 1 AND 5", name=op.f("ck_recruiting_scorecards_culture_fit_range")
        ),
        sa.CheckConstraint(
            "knowledge BETWEEN 1 AND 5", name=op.f("ck_recruiting_scorecards_knowledge_range")
        ),
        sa.CheckConstraint(
            "professionalism BETWEEN 1 AND 5",
            name=op.f("ck_recruiting_scorecards_professionalism_range"),
        ),
        sa.CheckConstraint(
            "round BETWEEN 1 AND 3", name=op.f("ck_recruiting_scorecards_round_range")
        ),
        sa.CheckConstraint(
            "selling BETWEEN 1 AND 5", name=op.f("ck_recruiting_scorecards_selling_range")
        ),
        sa.CheckConstraint(
            "teamwork BETWEEN 1 AND 5", name=op.f("ck_recruiting_scorecards_teamwork_range")
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["recruiting_candidates.candidate_id"],
            name=op.f("fk_recruiting_scorecards_candidate_id_recruiting_candidates"),
        ),
        sa.ForeignKeyConstraint(
            ["interviewer_id"],
            ["people.person_id"],
            name=op.f("fk_recruiting_scorecards_interviewer_id_people"),
        ),
        sa.PrimaryKeyConstraint("scorecard_id", name=op.f("pk_recruiting_scorecards")),
        sa.UniqueConstraint("candidate_id", "round", "interviewer_id", name="uq_recruiting_card"),
    )
    op.create_index(
        op.f("ix_recruiting_scorecards_candidate_id"),
        "recruiting_scorecards",
        ["candidate_id"],
        unique=False,
    )
    op.create_table(
        "recruiting_stage_events",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.String(length=20), nullable=True),
        sa.Column("to_stage", sa.String(length=20), nullable=False),
        sa.Column("moved_on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("skipped", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["recruiting_candidates.candidate_id"],
            name=op.f("fk_recruiting_stage_events_candidate_id_recruiting_candidates"),
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_recruiting_stage_events")),
    )
    op.create_index(
        op.f("ix_recruiting_stage_events_candidate_id"),
        "recruiting_stage_events",
        ["candidate_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_recruiting_stage_events_candidate_id"), table_name="recruiting_stage_events"
    )
    op.drop_table("recruiting_stage_events")
    op.drop_index(op.f("ix_recruiting_scorecards_candidate_id"), table_name="recruiting_scorecards")
    op.drop_table("recruiting_scorecards")
    op.drop_table("recruiting_resumes")
    op.drop_table("recruiting_offers")
    op.drop_table("recruiting_exam_answers")
    op.drop_index(op.f("ix_recruiting_enrolments_person_id"), table_name="recruiting_enrolments")
    op.drop_table("recruiting_enrolments")
    op.drop_table("recruiting_background_checks")
    op.drop_index(op.f("ix_recruiting_attendance_person_id"), table_name="recruiting_attendance")
    op.drop_table("recruiting_attendance")
    op.drop_index(op.f("ix_recruiting_sessions_program_id"), table_name="recruiting_sessions")
    op.drop_index(op.f("ix_recruiting_sessions_held_on"), table_name="recruiting_sessions")
    op.drop_table("recruiting_sessions")
    op.drop_index(
        op.f("ix_recruiting_exam_attempts_person_id"), table_name="recruiting_exam_attempts"
    )
    op.drop_index(
        op.f("ix_recruiting_exam_attempts_exam_id"), table_name="recruiting_exam_attempts"
    )
    op.drop_table("recruiting_exam_attempts")
    op.drop_index(
        op.f("ix_recruiting_certificates_person_id"), table_name="recruiting_certificates"
    )
    op.drop_table("recruiting_certificates")
    op.drop_index(op.f("ix_recruiting_candidates_stage"), table_name="recruiting_candidates")
    op.drop_index(op.f("ix_recruiting_candidates_opening_id"), table_name="recruiting_candidates")
    op.drop_table("recruiting_candidates")
    op.drop_index(op.f("ix_recruiting_questions_course_id"), table_name="recruiting_questions")
    op.drop_table("recruiting_questions")
    op.drop_table("recruiting_programs")
    op.drop_index(
        op.f("ix_recruiting_openings_hiring_manager_id"), table_name="recruiting_openings"
    )
    op.drop_table("recruiting_openings")
    op.drop_index(op.f("ix_recruiting_mentors_mentor_id"), table_name="recruiting_mentors")
    op.drop_table("recruiting_mentors")
    op.drop_index(op.f("ix_recruiting_materials_course_id"), table_name="recruiting_materials")
    op.drop_table("recruiting_materials")
    op.drop_index(op.f("ix_recruiting_exams_course_id"), table_name="recruiting_exams")
    op.drop_table("recruiting_exams")
    op.drop_table("recruiting_courses")
