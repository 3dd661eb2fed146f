"""Training: programs, sessions with trainers, enrolment, attendance, feedback, mentors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.models import Person
from command_center.org.scope import Viewer
from plugins.recruiting.actions.guards import require_person, require_recruiter
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.logic.vocabulary import PROGRAM_KINDS, TRAINER_KINDS, topic_for
from plugins.recruiting.models import (
    Attendance,
    Certificate,
    Course,
    Enrolment,
    Mentor,
    Program,
    TrainingSession,
)


def create_program(
    engine: Engine,
    viewer: Viewer,
    name: str,
    kind: str,
    starts_on: dt.date,
    days: int | None = None,
    description: str = "",
    course_id: int | None = None,
) -> int:
    require_recruiter(viewer)
    if not name.strip():
        raise RecruitingError("title_required")
    if kind not in PROGRAM_KINDS:
        raise RecruitingError("bad_kind", kind=kind)
    if kind == "bootcamp" and (days is None or days < 1):
        raise RecruitingError("bootcamp_days")
    with write_session(engine) as session:
        if course_id is not None and session.get(Course, course_id) is None:
            raise RecruitingError("course_not_found")
        program = Program(
            name=name.strip(),
            kind=kind,
            days=days if kind == "bootcamp" else None,
            starts_on=starts_on,
            description=description.strip(),
            course_id=course_id,
            active=True,
        )
        session.add(program)
        session.flush()
        audit(
            session,
            viewer.login,
            "program_created",
            "recruiting_program",
            program.program_id,
            name=name,
            kind=kind,
            days=days,
        )
        return program.program_id


def add_session(
    engine: Engine,
    viewer: Viewer,
    program_id: int,
    title: str,
    held_on: dt.date,
    hours: float,
    trainer_kind: str,
    trainer_id: int | None = None,
    trainer_name: str = "",
    location: str = "",
) -> int:
    """A session with its trainer: a person of the company, or an outside lecturer by name."""
    require_recruiter(viewer)
    if not title.strip():
        raise RecruitingError("title_required")
    if hours <= 0 or hours > 12:
        raise RecruitingError("hours_range")
    if trainer_kind not in TRAINER_KINDS:
        raise RecruitingError("bad_kind", kind=trainer_kind)
    outside = trainer_kind == "outside_lecturer"
    if outside and not trainer_name.strip():
        raise RecruitingError("trainer_required")
    with write_session(engine) as session:
        if session.get(Program, program_id) is None:
            raise RecruitingError("program_not_found")
        if not outside:
            trainer = session.get(Person, trainer_id) if trainer_id is not None else None
            if trainer is None:
                raise RecruitingError("trainer_required")
            trainer_name = trainer.name
        row = TrainingSession(
            program_id=program_id,
            title=title.strip(),
            held_on=held_on,
            hours=hours,
            trainer_kind=trainer_kind,
            trainer_id=None if outside else trainer_id,
            trainer_name=trainer_name.strip(),
            location=location.strip(),
        )
        session.add(row)
        session.flush()
        audit(
            session,
            viewer.login,
            "session_added",
            "recruiting_session",
            row.session_id,
            program_id=program_id,
            held_on=held_on,
            hours=hours,
            trainer=trainer_name,
        )
        return row.session_id


def _in_scope(session: Session, viewer: Viewer, person_ids: Iterable[int]) -> list[int]:
    ids = sorted(set(person_ids))
    for pid in ids:
        if not viewer.can_see(pid) or session.get(Person, pid) is None:
            raise RecruitingError("person_not_found", person=pid)
    return ids


def enrol(
    engine: Engine, viewer: Viewer, program_id: int, person_ids: Iterable[int], on: dt.date
) -> int:
    """Enrol people of the viewer's scope; returns how many were new to the program."""
    require_recruiter(viewer)
    with write_session(engine) as session:
        program = session.get(Program, program_id)
        if program is None:
            raise RecruitingError("program_not_found")
        ids = _in_scope(session, viewer, person_ids)
        existing = {
            e.person_id
            for e in session.query(Enrolment).filter(
                Enrolment.program_id == program_id, Enrolment.person_id.in_(ids)
            )
        }
        new = [pid for pid in ids if pid not in existing]
        start = max(on, program.starts_on)
        due = start + dt.timedelta(days=program.days) if program.days else None
        session.add_all(
            Enrolment(program_id=program_id, person_id=pid, enrolled_on=on, due_on=due)
            for pid in new
        )
        audit(session, viewer.login, "enrolled", "recruiting_program", program_id, people=new)
        return len(new)


def record_attendance(
    engine: Engine, viewer: Viewer, session_id: int, present: Mapping[int, bool]
) -> int:
    """Who was there (people of the viewer's scope); returns rows written."""
    require_recruiter(viewer)
    with write_session(engine) as session:
        if session.get(TrainingSession, session_id) is None:
            raise RecruitingError("session_not_found")
        ids = _in_scope(session, viewer, present)
        for pid in ids:
            row = session.get(Attendance, (session_id, pid))
            if row is None:
                session.add(Attendance(session_id=session_id, person_id=pid, present=present[pid]))
            else:
                row.present = present[pid]
        audit(
            session,
            viewer.login,
            "attendance_recorded",
            "recruiting_session",
            session_id,
            present=[p for p in ids if present[p]],
            absent=[p for p in ids if not present[p]],
        )
        return len(ids)


def give_feedback(
    engine: Engine, viewer: Viewer, session_id: int, rating: int, feedback: str
) -> None:
    """An attendee rates a session they attended (1–5) and comments."""
    person_id = require_person(viewer)
    if not 1 <= rating <= 5:
        raise RecruitingError("rating_range")
    with write_session(engine) as session:
        row = session.get(Attendance, (session_id, person_id))
        if row is None or not row.present:
            raise RecruitingError("not_attended")
        row.rating, row.feedback = rating, feedback.strip()
        audit(
            session,
            viewer.login,
            "session_feedback",
            "recruiting_session",
            session_id,
            rating=rating,
        )


def close_enrolment(
    engine: Engine, viewer: Viewer, enrolment_id: int, status: str, on: dt.date
) -> str | None:
    """Mark an enrolment completed (a certificate is issued) or dropped; returns the
    certificate number when one was issued."""
    require_recruiter(viewer)
    if status not in ("completed", "dropped"):
        raise RecruitingError("bad_kind", kind=status)
    with write_session(engine) as session:
        row = session.get(Enrolment, enrolment_id)
        if row is None or not viewer.can_see(row.person_id):
            raise RecruitingError("enrolment_not_found")
        if row.status != "enrolled":
            raise RecruitingError("enrolment_closed")
        row.status = status
        row.completed_on = on if status == "completed" else None
        number = None
        if status == "completed":
            number = issue_certificate(session, row.person_id, on, program_id=row.program_id)
        audit(
            session,
            viewer.login,
            f"enrolment_{status}",
            "recruiting_enrolment",
            enrolment_id,
            person_id=row.person_id,
            certificate=number,
        )
        return number


def assign_mentor(
    engine: Engine, viewer: Viewer, mentee_id: int, mentor_id: int, on: dt.date, notes: str = ""
) -> None:
    require_recruiter(viewer)
    if mentee_id == mentor_id:
        raise RecruitingError("mentor_self")
    with write_session(engine) as session:
        _in_scope(session, viewer, [mentee_id, mentor_id])
        row = session.get(Mentor, mentee_id)
        before = None if row is None else row.mentor_id
        if row is None:
            session.add(Mentor(mentee_id=mentee_id, mentor_id=mentor_id, since=on, notes=notes))
        else:
            row.mentor_id, row.since, row.notes = mentor_id, on, notes.strip()
        audit(
            session,
            viewer.login,
            "mentor_assigned",
            "recruiting_mentor",
            mentee_id,
            mentor_id=mentor_id,
            before=before,
        )


def issue_certificate(
    session: Session,
    person_id: int,
    on: dt.date,
    exam_id: int | None = None,
    program_id: int | None = None,
    detail: dict[str, object] | None = None,
) -> str:
    """A numbered certificate (``RC-2026-000042``) in the caller's transaction."""
    cert = Certificate(
        number=f"tmp-{person_id}-{exam_id}-{program_id}",
        person_id=person_id,
        exam_id=exam_id,
        program_id=program_id,
        issued_on=on,
        detail=detail or {},
    )
    session.add(cert)
    session.flush()
    cert.number = f"RC-{on.year}-{cert.certificate_id:06d}"
    return cert.number


def _program_for(session: Session, topic: str, on: dt.date) -> Program | None:
    """The active course or mentoring program of ``topic`` that starts next on or after
    ``on``, else the one that started last (``None``: none of that topic)."""
    programs = session.scalars(
        select(Program)
        .join(Course, Program.course_id == Course.course_id)
        .where(Program.active.is_(True), Program.kind != "bootcamp", Course.topic == topic)
        .order_by(Program.starts_on, Program.program_id)
    ).all()
    upcoming = [p for p in programs if p.starts_on >= on]
    if upcoming:
        return upcoming[0]
    return programs[-1] if programs else None


def enrol_for_needs(
    session: Session, person_id: int, needs: Iterable[str], on: dt.date, actor: str
) -> int:
    """``recruiting_enrol_for_training``: enrol the person, in the caller's transaction, in
    the program that trains each need's topic; the number of new enrolments."""
    if session.get(Person, person_id) is None:
        raise RecruitingError("person_not_found", person=person_id)
    new = 0
    for topic in dict.fromkeys(topic_for(need) for need in needs):
        program = _program_for(session, topic, on)
        if program is None:
            continue
        known = session.scalar(
            select(Enrolment.enrolment_id).where(
                Enrolment.program_id == program.program_id, Enrolment.person_id == person_id
            )
        )
        if known is not None:
            continue
        start = max(on, program.starts_on)
        due = start + dt.timedelta(days=program.days) if program.days else None
        session.add(
            Enrolment(
                program_id=program.program_id, person_id=person_id, enrolled_on=on, due_on=due
            )
        )
        audit(session, actor, "enrolled", "recruiting_program", program.program_id,
              people=[person_id], reason="appraisal", topic=topic)  # fmt: skip
        new += 1
    return new
