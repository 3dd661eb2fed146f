"""Reads: SQLAlchemy selects -> Polars frames, every business read taking a Viewer.

Recruiting rows belong to the opening's hiring manager: a viewer sees an
opening, its candidates and everything about them when the hiring manager
is in their scope (a supervisor: their own openings; a manager: their
region's; the director: all). Reps and admins see no recruiting rows.
Training rows belong to the person trained: a rep sees only their own.
Everyone's rows are read whole once per data version (``frames.cached``);
a narrower viewer's rows are read with the scope in SQL (the hiring manager,
or the person trained, ``IN`` the viewer's people), cached per scope, so a
supervisor's page reads their team's rows only. Catalogue rows (programs,
courses, exams) are not personal and every business role sees them.
The candidate list pages on the server (:func:`candidate_page`: filters and
search in SQL, ``LIMIT``/``OFFSET`` with a total count).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl
from sqlalchemy import ColumnElement, Engine, Select, func, or_, select
from sqlalchemy.orm import Session

from command_center.db import frames
from command_center.db.engine import read_session
from command_center.db.tables import polars_schema, read_table
from command_center.org.scope import Viewer
from plugins.recruiting.logic import analytics
from plugins.recruiting.logic.onboarding import suggest_mentor
from plugins.recruiting.logic.vocabulary import RECRUITER_ROLES
from plugins.recruiting.models import (
    Attendance,
    BackgroundCheck,
    Candidate,
    Certificate,
    Course,
    Enrolment,
    Exam,
    ExamAttempt,
    Material,
    Mentor,
    Offer,
    Opening,
    Program,
    Question,
    Resume,
    Scorecard,
    StageEvent,
    TrainingSession,
)
from plugins.recruiting.settings import settings

if TYPE_CHECKING:
    from command_center.metrics import MetricRegistry

I64, F64, STR, DATE, BOOL = pl.Int64(), pl.Float64(), pl.String(), pl.Date(), pl.Boolean()

OPENING_SCHEMA = polars_schema(Opening)
CANDIDATE_SCHEMA = polars_schema(Candidate)
EVENT_SCHEMA = polars_schema(
    StageEvent,
    [
        "event_id",
        "candidate_id",
        "from_stage",
        "to_stage",
        "moved_on",
        "actor",
        "reason",
        "skipped",
    ],
)
SCORECARD_SCHEMA = polars_schema(Scorecard)
CHECK_SCHEMA = polars_schema(BackgroundCheck)
OFFER_SCHEMA = polars_schema(Offer)
PROGRAM_SCHEMA = polars_schema(Program)
SESSION_SCHEMA = polars_schema(TrainingSession)
ENROLMENT_SCHEMA = polars_schema(Enrolment)
ATTENDANCE_SCHEMA = polars_schema(Attendance)
MENTOR_SCHEMA = polars_schema(Mentor)
COURSE_SCHEMA = polars_schema(Course)
MATERIAL_SCHEMA = polars_schema(Material)
EXAM_SCHEMA = polars_schema(Exam)
ATTEMPT_SCHEMA = polars_schema(
    ExamAttempt,
    ["attempt_id", "exam_id", "person_id", "attempt_no", "taken_on", "score", "passed"],
)
CERTIFICATE_SCHEMA = polars_schema(
    Certificate, ["certificate_id", "number", "person_id", "exam_id", "program_id", "issued_on"]
)


def _table(engine: Engine, model: type, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """A whole table (only ``schema``'s columns), cached per data version."""
    table: Any = model.__table__  # type: ignore[attr-defined]

    def load() -> pl.DataFrame:
        return read_table(engine, table, list(schema))

    return frames.cached(engine, f"recruiting:{table.name}", load, tables=(table.name,))


def _scope_key(viewer: Viewer) -> tuple[int, ...]:
    return tuple(sorted(viewer.person_ids or ()))


def _by_person(
    engine: Engine, viewer: Viewer, model: type, schema: dict[str, pl.DataType], column: str
) -> pl.DataFrame:
    """The rows whose ``column`` is a person in the viewer's scope: the whole cached
    table for everyone's viewer, else read with the scope in SQL (cached per scope)."""
    if viewer.person_ids is None:
        return _table(engine, model, schema)
    table: Any = model.__table__  # type: ignore[attr-defined]
    ids = _scope_key(viewer)

    def load() -> pl.DataFrame:
        return read_table(engine, table, list(schema), where=[table.c[column].in_(ids)])

    name = f"recruiting:{table.name}:{column}"
    return frames.cached(engine, name, load, ids, tables=(table.name,))


def _shaped(
    engine: Engine, viewer: Viewer, name: str, make: Any, tables: tuple[str, ...]
) -> pl.DataFrame:
    """``make()`` (a read in the viewer's scope, sorted or joined) cached per scope, so a
    rerun does not sort or join tens of thousands of rows again."""
    key = (
        viewer.role in RECRUITER_ROLES,
        None if viewer.person_ids is None else _scope_key(viewer),
    )
    frame: pl.DataFrame = frames.cached(engine, f"recruiting:{name}", make, key, tables=tables)
    return frame


def recruits(viewer: Viewer) -> bool:
    """Whether the viewer may see recruiting rows at all (reps and admins may not)."""
    return viewer.role in RECRUITER_ROLES


def _hm_where(viewer: Viewer) -> ColumnElement[bool] | None:
    """The viewer's scope on the opening's hiring manager, in SQL (None: everyone)."""
    if viewer.person_ids is None:
        return None
    return Opening.__table__.c.hiring_manager_id.in_(_scope_key(viewer))


# -- recruiting (scoped by the opening's hiring manager) -----------------------

HIRING_TABLES = (Candidate.__tablename__, Opening.__tablename__)


def openings(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    if not recruits(viewer):
        return pl.DataFrame(schema=OPENING_SCHEMA)
    frame = _by_person(engine, viewer, Opening, OPENING_SCHEMA, "hiring_manager_id")
    return frame.sort("opening_id")


OPENING_COLUMNS = ("level", "region", "opened_on", "closed_on", "hiring_manager_id")
CANDIDATE_FULL_SCHEMA: dict[str, pl.DataType] = {
    **CANDIDATE_SCHEMA,
    "opening_title": STR,
    **polars_schema(Opening, OPENING_COLUMNS),
}


def _candidate_select(*columns: Any) -> Select[Any]:
    """Candidates joined to their opening (inner: a candidate without one is not shown)."""
    cand: Any = Candidate.__table__
    opening: Any = Opening.__table__
    return select(*columns).select_from(
        cand.join(opening, cand.c.opening_id == opening.c.opening_id)
    )


def _candidate_columns() -> list[Any]:
    cand: Any = Candidate.__table__
    opening: Any = Opening.__table__
    return [
        *(cand.c[c] for c in CANDIDATE_SCHEMA),
        opening.c.title.label("opening_title"),
        *(opening.c[c] for c in OPENING_COLUMNS),
    ]


def candidates(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Candidates with their opening's ``title, level, region, opened_on, closed_on,
    hiring_manager_id``."""
    if not recruits(viewer):
        return pl.DataFrame(schema=CANDIDATE_FULL_SCHEMA)
    where = _hm_where(viewer)
    if where is None:

        def load_all() -> pl.DataFrame:
            opening = _table(engine, Opening, OPENING_SCHEMA).select(
                "opening_id",
                pl.col("title").alias("opening_title"),
                "level",
                "region",
                "opened_on",
                "closed_on",
                "hiring_manager_id",
            )
            cands = _table(engine, Candidate, CANDIDATE_SCHEMA)
            return cands.join(opening, on="opening_id", how="inner").sort("candidate_id")

        return frames.cached(engine, "recruiting:candidates+", load_all, tables=HIRING_TABLES)

    def load() -> pl.DataFrame:
        query = _candidate_select(*_candidate_columns()).where(where)
        return frames.read_frame(engine, query, CANDIDATE_FULL_SCHEMA).sort("candidate_id")

    key = _scope_key(viewer)
    return frames.cached(engine, "recruiting:candidates+:hm", load, key, tables=HIRING_TABLES)


@dataclass(frozen=True)
class CandidateFilter:
    """What the candidate list narrows to: an opening (0: all), stages, a source
    ("": all) and a search on name, phone or e-mail (case-insensitive, "": none)."""

    opening_id: int = 0
    stages: tuple[str, ...] = ()
    source: str = ""
    search: str = ""


def _filter_where(rows: CandidateFilter) -> list[ColumnElement[bool]]:
    cand: Any = Candidate.__table__
    where: list[ColumnElement[bool]] = []
    if rows.opening_id:
        where.append(cand.c.opening_id == rows.opening_id)
    if rows.stages:
        where.append(cand.c.stage.in_(sorted(rows.stages)))
    if rows.source:
        where.append(cand.c.source == rows.source)
    term = rows.search.strip().lower()
    if term:
        where.append(
            or_(
                *(
                    func.lower(cand.c[c]).contains(term, autoescape=True)
                    for c in ("name", "phone", "email")
                )
            )
        )
    return where


def search_mask(frame: pl.DataFrame, search: str) -> pl.Expr:
    """:func:`candidate_page`'s search as a Polars filter (the same rows)."""
    term = search.strip().lower()
    if not term:
        return pl.lit(True)
    return pl.any_horizontal(
        pl.col(c).str.to_lowercase().str.contains(term, literal=True)
        for c in ("name", "phone", "email")
    )


def candidate_page(
    engine: Engine, viewer: Viewer, rows: CandidateFilter, offset: int, limit: int
) -> tuple[pl.DataFrame, int]:
    """One page of the candidate list (newest application first, then by id) and the
    number of candidates matching ``rows`` in the viewer's scope."""
    if not recruits(viewer):
        return pl.DataFrame(schema=CANDIDATE_FULL_SCHEMA), 0
    cand: Any = Candidate.__table__
    where = _filter_where(rows)
    scope = _hm_where(viewer)
    if scope is not None:
        where.append(scope)

    def load() -> tuple[pl.DataFrame, int]:
        page = (
            _candidate_select(*_candidate_columns())
            .where(*where)
            .order_by(cand.c.applied_on.desc(), cand.c.candidate_id)
            .limit(limit)
            .offset(offset)
        )
        count = _candidate_select(func.count().label("n")).where(*where)
        total = frames.read_frame(engine, count, {"n": I64})["n"]
        return frames.read_frame(engine, page, CANDIDATE_FULL_SCHEMA), int(total[0] or 0)

    key = (_scope_key(viewer) if scope is not None else None, rows, offset, limit)
    return frames.cached(engine, "recruiting:candidate_page", load, key, tables=HIRING_TABLES)


def _of_candidates(
    engine: Engine, viewer: Viewer, model: type, schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    """Rows about candidates in the viewer's scope (the scope in SQL: the candidate's
    opening's hiring manager)."""
    if not recruits(viewer):
        return pl.DataFrame(schema=schema)
    where = _hm_where(viewer)
    if where is None:
        return _table(engine, model, schema)
    table: Any = model.__table__  # type: ignore[attr-defined]
    cand: Any = Candidate.__table__
    ids = _candidate_select(cand.c.candidate_id).where(where)

    def load() -> pl.DataFrame:
        return read_table(engine, table, list(schema), where=[table.c.candidate_id.in_(ids)])

    return frames.cached(
        engine,
        f"recruiting:{table.name}:hm",
        load,
        _scope_key(viewer),
        tables=(table.name, *HIRING_TABLES),
    )


def _of_candidate(
    engine: Engine,
    viewer: Viewer,
    model: type,
    schema: dict[str, pl.DataType],
    candidate_id: int,
) -> pl.DataFrame:
    """One candidate's rows of ``model`` when the candidate is in the viewer's scope
    (the candidate and the scope in SQL: a file reads its own rows only)."""
    if not recruits(viewer):
        return pl.DataFrame(schema=schema)
    table: Any = model.__table__  # type: ignore[attr-defined]
    cand: Any = Candidate.__table__
    where = [table.c.candidate_id == candidate_id]
    scope = _hm_where(viewer)
    if scope is not None:
        ids = _candidate_select(cand.c.candidate_id).where(
            scope, cand.c.candidate_id == candidate_id
        )
        where.append(table.c.candidate_id.in_(ids))

    def load() -> pl.DataFrame:
        return read_table(engine, table, list(schema), where=where)

    key = (candidate_id, _scope_key(viewer) if scope is not None else None)
    name = f"recruiting:{table.name}:one"
    return frames.cached(engine, name, load, key, tables=(table.name, *HIRING_TABLES))


def candidate_events(engine: Engine, viewer: Viewer, candidate_id: int) -> pl.DataFrame:
    """:func:`events` of one candidate."""
    frame = _of_candidate(engine, viewer, StageEvent, EVENT_SCHEMA, candidate_id)
    return frame.sort("candidate_id", "event_id")


def candidate_scorecards(engine: Engine, viewer: Viewer, candidate_id: int) -> pl.DataFrame:
    """:func:`scorecards` of one candidate."""
    frame = _of_candidate(engine, viewer, Scorecard, SCORECARD_SCHEMA, candidate_id)
    return frame.sort("scorecard_id")


def candidate_checks(engine: Engine, viewer: Viewer, candidate_id: int) -> pl.DataFrame:
    """:func:`background_checks` of one candidate."""
    return _of_candidate(engine, viewer, BackgroundCheck, CHECK_SCHEMA, candidate_id)


def candidate_offers(engine: Engine, viewer: Viewer, candidate_id: int) -> pl.DataFrame:
    """:func:`offers` of one candidate."""
    return _of_candidate(engine, viewer, Offer, OFFER_SCHEMA, candidate_id)


def events(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    def make() -> pl.DataFrame:
        rows = _of_candidates(engine, viewer, StageEvent, EVENT_SCHEMA)
        return rows.sort("candidate_id", "event_id")

    return _shaped(engine, viewer, "events", make, (StageEvent.__tablename__, *HIRING_TABLES))


def scorecards(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return _of_candidates(engine, viewer, Scorecard, SCORECARD_SCHEMA).sort("scorecard_id")


def background_checks(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return _of_candidates(engine, viewer, BackgroundCheck, CHECK_SCHEMA)


def offers(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return _of_candidates(engine, viewer, Offer, OFFER_SCHEMA)


def resume(engine: Engine, viewer: Viewer, candidate_id: int) -> tuple[str, str, bytes] | None:
    """``(filename, mime, bytes)`` of a candidate's resume the viewer may see."""
    if candidate_id not in set(candidates(engine, viewer)["candidate_id"].to_list()):
        return None
    with read_session(engine) as session:
        row = session.get(Resume, candidate_id)
        return None if row is None else (row.filename, row.mime, bytes(row.content))


def resume_names(engine: Engine, viewer: Viewer) -> dict[int, str]:
    """Candidate id -> uploaded file name, for candidates in scope."""
    ids = candidates(engine, viewer)["candidate_id"].to_list()
    if not ids:
        return {}
    with read_session(engine) as session:
        rows = session.execute(
            select(Resume.candidate_id, Resume.filename).where(Resume.candidate_id.in_(ids))
        ).all()
    return {cid: name for cid, name in rows}


# -- training (scoped by the person trained) -------------------------------------


def programs(engine: Engine) -> pl.DataFrame:
    return _table(engine, Program, PROGRAM_SCHEMA).sort("starts_on", "program_id")


def sessions(engine: Engine) -> pl.DataFrame:
    return _table(engine, TrainingSession, SESSION_SCHEMA).sort("held_on", "session_id")


def enrolments(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    def make() -> pl.DataFrame:
        rows = _by_person(engine, viewer, Enrolment, ENROLMENT_SCHEMA, "person_id")
        return rows.sort("enrolment_id")

    return _shaped(engine, viewer, "enrolments", make, (Enrolment.__tablename__,))


def attendance(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Attendance rows in scope, with the session's ``program_id, held_on, hours``."""

    def make() -> pl.DataFrame:
        rows = _by_person(engine, viewer, Attendance, ATTENDANCE_SCHEMA, "person_id")
        cols = sessions(engine).select("session_id", "program_id", "title", "held_on", "hours")
        joined = rows.join(cols, on="session_id", how="inner")
        return joined.sort("held_on", "session_id", "person_id")

    tables = (Attendance.__tablename__, TrainingSession.__tablename__)
    return _shaped(engine, viewer, "attendance", make, tables)


def mentors(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Mentor links whose mentee is in scope, or whose mentor is the viewer."""
    if viewer.person_ids is None:
        return _table(engine, Mentor, MENTOR_SCHEMA)
    table: Any = Mentor.__table__
    ids = _scope_key(viewer)
    keep = table.c.mentee_id.in_(ids)
    if viewer.person_id is not None:
        keep = or_(keep, table.c.mentor_id == viewer.person_id)

    def load() -> pl.DataFrame:
        return read_table(engine, table, list(MENTOR_SCHEMA), where=[keep])

    key = (ids, viewer.person_id)
    return frames.cached(engine, "recruiting:mentors:scoped", load, key, tables=(table.name,))


def courses(engine: Engine) -> pl.DataFrame:
    return _table(engine, Course, COURSE_SCHEMA).sort("course_id")


def materials(engine: Engine) -> pl.DataFrame:
    return _table(engine, Material, MATERIAL_SCHEMA).sort("course_id", "material_id")


def exams(engine: Engine) -> pl.DataFrame:
    return _table(engine, Exam, EXAM_SCHEMA).sort("exam_id")


def attempts(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return _by_person(engine, viewer, ExamAttempt, ATTEMPT_SCHEMA, "person_id").sort("attempt_id")


def certificates(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    frame = _by_person(engine, viewer, Certificate, CERTIFICATE_SCHEMA, "person_id")
    return frame.sort("certificate_id")


def question_bank(engine: Engine, course_id: int, with_answers: bool) -> pl.DataFrame:
    """A course's active questions; the correct options only when ``with_answers``."""
    with read_session(engine) as session:
        return bank_frame(session, course_id, with_answers)


def bank_frame(session: Session, course_id: int, with_answers: bool) -> pl.DataFrame:
    """:func:`question_bank` inside the caller's session (the exam grader's transaction)."""
    rows = session.scalars(
        select(Question)
        .where(Question.course_id == course_id, Question.active.is_(True))
        .order_by(Question.question_id)
    ).all()
    data: dict[str, list[Any]] = {
        "question_id": [q.question_id for q in rows],
        "text": [q.text for q in rows],
        "options": [list(q.options) for q in rows],
        "points": [q.points for q in rows],
        "multiple": [len(q.correct) > 1 for q in rows],
    }
    schema: dict[str, pl.DataType] = {
        "question_id": I64,
        "text": STR,
        "options": pl.List(pl.String()),
        "points": F64,
        "multiple": BOOL,
    }
    if with_answers:
        data["correct"] = [list(q.correct) for q in rows]
        schema["correct"] = pl.List(pl.Int64())
    return pl.DataFrame(data, schema=schema)


# -- people and the registry ---------------------------------------------------------


def person_names(engine: Engine) -> dict[int, str]:
    """Person id -> name for everyone (names only: interviewers and trainers may sit
    outside the viewer's scope; no business rows are read here)."""
    people = frames.all_people(engine)
    return dict(people.select("person_id", "name").iter_rows())


def suggested_mentor(engine: Engine, manager_id: int, level: str) -> int:
    """The mentor :func:`~plugins.recruiting.logic.onboarding.suggest_mentor` picks for a
    new hire at ``level`` under ``manager_id`` (among everyone, not the viewer's scope)."""
    return suggest_mentor(frames.all_people(engine), manager_id, level)


QUALITY_METRIC = "attainment"
FACT_SCHEMA: dict[str, pl.DataType] = {"person_id": I64, "month": DATE, "num": F64, "den": F64}


def quality_of_hire(
    engine: Engine,
    viewer: Viewer,
    registry: MetricRegistry,
    hired_candidates: pl.DataFrame,
    offers: pl.DataFrame,
    as_of: dt.date,
) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """Quality of hire (per hire, per source): the hires' revenue attainment over their
    first months, read from the registry in the viewer's scope up to ``as_of``'s month;
    ``None`` when the registry has no attainment metric."""
    if QUALITY_METRIC not in registry:
        return None
    months = settings(engine).quality_months
    hired = analytics.quality_window(analytics.hires(hired_candidates, offers), months)
    if hired.is_empty():
        return analytics.quality_of_hire(hired, pl.DataFrame(schema=FACT_SCHEMA), months)
    first = hired["q_start"].min()
    last = min(hired["q_end"].max(), as_of.replace(day=1))  # type: ignore[type-var]
    if first > last:  # type: ignore[operator]
        facts = pl.DataFrame(schema=FACT_SCHEMA)
    else:
        facts = registry.facts(engine, viewer, QUALITY_METRIC, first, last)  # type: ignore[arg-type]
    return analytics.quality_of_hire(hired, facts, months)
