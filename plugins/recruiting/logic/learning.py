"""A learner's record on the learning page, display-ready (columns named in the active
language): hours, exams and certificates, programs and sessions, the exam board."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from command_center.i18n import t
from plugins.recruiting.logic.labels import translate
from plugins.recruiting.logic.vocabulary import ENROLMENT_STATUSES


@dataclass(frozen=True)
class Record:
    """The KPI row: hours attended, exams taken, mean score, certificates."""

    hours: float
    exams_taken: int
    avg_score: float | None
    certificates: int


def record(attended: pl.DataFrame, attempts: pl.DataFrame, certificates: pl.DataFrame) -> Record:
    hours = attended.filter(pl.col("present"))["hours"].sum()
    mean = attempts["score"].mean() if attempts.height else None
    return Record(
        hours=float(hours or 0.0),
        exams_taken=attempts.height,
        avg_score=float(mean) if isinstance(mean, int | float) else None,
        certificates=certificates.height,
    )


@dataclass(frozen=True)
class Mentoring:
    """Who mentors the learner (name and since when, if anyone) and whom they mentor."""

    mentor: str | None
    since: dt.date | None
    mentees: list[str]


def mentoring(mentors: pl.DataFrame, me: int, names: dict[int, str]) -> Mentoring:
    mine = mentors.filter(pl.col("mentee_id") == me)
    mentees = mentors.filter(pl.col("mentor_id") == me)["mentee_id"].to_list()
    return Mentoring(
        mentor=names.get(int(mine["mentor_id"][0]), "—") if mine.height else None,
        since=mine["since"][0] if mine.height else None,
        mentees=[names.get(int(p), "—") for p in mentees],
    )


def _program_names(programs: pl.DataFrame) -> pl.DataFrame:
    return programs.select("program_id", pl.col("name").alias("program"))


def programs_table(enrolments: pl.DataFrame, programs: pl.DataFrame) -> pl.DataFrame:
    """The learner's programs, newest enrolment first."""
    rows = enrolments.join(_program_names(programs), on="program_id", how="left")
    statuses = {s: t(f"recruiting.enrolment.{s}") for s in ENROLMENT_STATUSES}
    return rows.sort("enrolled_on", descending=True).select(
        pl.col("program").alias(t("recruiting.col.program")),
        pl.col("enrolled_on").alias(t("recruiting.col.enrolled_on")),
        pl.col("due_on").alias(t("recruiting.col.due_on")),
        translate(rows, "status", statuses.__getitem__).alias(t("recruiting.col.status")),
    )


def sessions(attended: pl.DataFrame, programs: pl.DataFrame) -> pl.DataFrame:
    """The sessions attended with the program's name, newest first."""
    joined = attended.join(_program_names(programs), on="program_id", how="left")
    return joined.sort("held_on", descending=True)


def sessions_table(rows: pl.DataFrame) -> pl.DataFrame:
    """:func:`sessions` named for display."""
    return rows.select(
        pl.col("held_on").alias(t("recruiting.col.date")),
        pl.col("program").alias(t("recruiting.col.program")),
        pl.col("title").alias(t("recruiting.col.title")),
        pl.col("hours").alias(t("recruiting.col.hours")),
        pl.col("present").alias(t("recruiting.col.present")),
        pl.col("rating").alias(t("recruiting.col.rating")),
        pl.col("feedback").alias(t("recruiting.col.feedback")),
    )


def awaiting_feedback(rows: pl.DataFrame) -> dict[int, str]:
    """Session id -> "day · title" of sessions attended and not yet rated."""
    open_rows = rows.filter(pl.col("present") & pl.col("rating").is_null())
    return {
        sid: f"{day} · {title}"
        for sid, day, title in open_rows.select("session_id", "held_on", "title").iter_rows()
    }


def exam_board(exams: pl.DataFrame, attempts: pl.DataFrame) -> pl.DataFrame:
    """Per exam: pass mark, questions, attempts used and allowed, best score, result."""
    summary = attempts.group_by("exam_id").agg(
        pl.len().alias("attempts"), pl.col("score").max().alias("best"), pl.col("passed").any()
    )
    board = exams.join(summary, on="exam_id", how="left").with_columns(
        pl.col("attempts").fill_null(0), pl.col("passed").fill_null(False)
    )
    state = {True: t("recruiting.learning.passed"), False: t("recruiting.learning.not_passed")}
    return board.select(
        pl.col("title").alias(t("recruiting.col.exam")),
        pl.col("pass_mark").alias(t("recruiting.col.pass_mark")),
        pl.col("question_count").alias(t("recruiting.col.questions")),
        pl.col("attempts").alias(t("recruiting.col.attempts")),
        pl.col("max_attempts").alias(t("recruiting.col.max_attempts")),
        pl.col("best").alias(t("recruiting.col.best_score")),
        pl.col("passed")
        .replace_strict(state, return_dtype=pl.String)
        .alias(t("recruiting.col.result")),
    )


def certificates_table(
    certificates: pl.DataFrame, exams: pl.DataFrame, programs: pl.DataFrame
) -> pl.DataFrame:
    """The learner's certificates with what each was given for, newest first."""
    exam_titles = dict(exams.select("exam_id", "title").iter_rows())
    program_names = dict(programs.select("program_id", "name").iter_rows())
    data = certificates.with_columns(
        pl.coalesce(
            pl.col("exam_id").replace_strict(exam_titles, default=None, return_dtype=pl.String),
            pl.col("program_id").replace_strict(
                program_names, default=None, return_dtype=pl.String
            ),
        ).alias("what")
    )
    return data.sort("issued_on", descending=True).select(
        pl.col("number").alias(t("recruiting.col.certificate")),
        pl.col("what").alias(t("recruiting.col.for")),
        pl.col("issued_on").alias(t("recruiting.col.issued_on")),
    )


def open_exams(exams: pl.DataFrame, attempts: pl.DataFrame) -> int:
    """Active exams the learner has not passed yet."""
    passed = set(attempts.filter(pl.col("passed"))["exam_id"].to_list())
    active = exams.filter(pl.col("active"))
    return active.filter(~pl.col("exam_id").is_in(sorted(passed))).height


def exam_results_table(
    exams: pl.DataFrame, courses: pl.DataFrame, attempts: pl.DataFrame
) -> pl.DataFrame:
    """Per exam (with its course): attempts, people, mean score and pass rate of
    ``attempts`` (the caller picks the period and scope)."""
    stats = attempts.group_by("exam_id").agg(
        pl.len().alias("attempts"),
        pl.col("person_id").n_unique().alias("people"),
        pl.col("score").mean().alias("avg"),
        pl.col("passed").mean().alias("pass_rate"),
    )
    data = exams.join(
        courses.select("course_id", pl.col("title").alias("course")), on="course_id", how="left"
    ).join(stats, on="exam_id", how="left")
    return data.select(
        pl.col("course").alias(t("recruiting.col.course")),
        pl.col("title").alias(t("recruiting.col.exam")),
        pl.col("pass_mark").alias(t("recruiting.col.pass_mark")),
        pl.col("question_count").alias(t("recruiting.col.questions")),
        pl.col("attempts").fill_null(0).alias(t("recruiting.col.attempts")),
        pl.col("people").fill_null(0).alias(t("recruiting.col.people")),
        pl.col("avg").alias(t("recruiting.col.avg_score")),
        pl.col("pass_rate").alias(t("recruiting.col.pass_rate")),
    )


def bank_table(bank: pl.DataFrame) -> pl.DataFrame:
    """A course's question bank with the correct options numbered from 1."""
    return bank.select(
        pl.col("question_id").alias(t("recruiting.col.id")),
        pl.col("text").alias(t("recruiting.col.question")),
        pl.col("options").list.join(" | ").alias(t("recruiting.col.options")),
        (
            pl.col("correct").list.eval(pl.element() + 1).cast(pl.List(pl.String)).list.join(", ")
        ).alias(t("recruiting.col.correct")),
        pl.col("points").alias(t("recruiting.col.points")),
    )
