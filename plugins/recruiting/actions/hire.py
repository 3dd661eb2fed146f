"""Hiring: the accepted candidate becomes a person in the org tree, enrolled in
the new-hire bootcamp with a mentor. Exactly once, however often it is submitted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.ids import next_id
from command_center.db.models import Person
from command_center.org.scope import Viewer
from command_center.typed_keys import KeyRefused, claim_key
from plugins.recruiting.actions.candidates import record_event
from plugins.recruiting.actions.guards import candidate_in_scope
from plugins.recruiting.actions.openings import hired_count
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.logic.onboarding import suggest_mentor
from plugins.recruiting.models import Enrolment, Mentor, Offer, Opening, Program
from plugins.recruiting.settings import RecruitingSettings, settings

BOOTCAMP_NAME = "新人训练营"


@dataclass(frozen=True)
class HireResult:
    person_id: int
    created: bool  # False: the candidate was hired already (a repeated submit)
    program_id: int | None = None
    mentor_id: int | None = None
    opening_closed: bool = False
    person_key: str = ""  # the key files and pages name the new person by


def hire(
    engine: Engine,
    viewer: Viewer,
    candidate_id: int,
    on: dt.date,
    mentor_id: int | None = None,
    key: str | None = None,
) -> HireResult:
    """Create the person under the hiring manager (level and region of the opening,
    hire date = the offer's start date), enrol them in the bootcamp, give them a mentor,
    and close the opening once its headcount is filled.

    ``key``: the person's external key (HR's employee number, ``E-2031``), checked as
    an import key is (:mod:`command_center.typed_keys`); empty, the new id's text."""
    rules = settings(engine)
    with write_session(engine) as session:
        candidate, opening = candidate_in_scope(session, viewer, candidate_id)
        if candidate.stage == "hired" and candidate.person_id is not None:
            known = session.get(Person, candidate.person_id)
            shown = known.person_key if known is not None else str(candidate.person_id)
            return HireResult(candidate.person_id, created=False, person_key=shown)
        if candidate.stage != "offer":
            raise RecruitingError("not_at_stage", stage="offer")
        offer = session.get(Offer, candidate_id)
        if offer is None or offer.status != "accepted":
            raise RecruitingError("offer_not_accepted")
        if offer.responded_on is not None and on < offer.responded_on:
            raise RecruitingError("date_before_stage", since=offer.responded_on.isoformat())
        manager = session.get(Person, opening.hiring_manager_id)
        if manager is None or manager.status == "left":
            raise RecruitingError("manager_left", name=manager.name if manager else "?")
        person_id = next_id(session, Person.person_id)
        try:
            person_key = claim_key(session, "person", key, person_id)
        except KeyRefused as exc:
            raise RecruitingError("bad_key", reason=exc.message()) from None
        session.add(
            Person(
                person_id=person_id,
                person_key=person_key,
                name=candidate.name[:100],
                level=opening.level,
                manager_id=manager.person_id,
                region=opening.region or manager.region,
                hire_date=offer.start_date,
                status="active",
            )
        )
        session.flush()
        candidate.stage, candidate.stage_since, candidate.person_id = "hired", on, person_id
        record_event(session, candidate_id, "offer", "hired", on, viewer.login)
        program = bootcamp_for(session, offer.start_date, rules)
        start = max(offer.start_date, program.starts_on)
        session.add(
            Enrolment(
                program_id=program.program_id,
                person_id=person_id,
                enrolled_on=on,
                due_on=start + dt.timedelta(days=program.days or rules.bootcamp_days),
                status="enrolled",
                candidate_id=candidate_id,
            )
        )
        mentor = _mentor(session, viewer, opening, person_id, mentor_id)
        session.add(Mentor(mentee_id=person_id, mentor_id=mentor, since=offer.start_date))
        closed = hired_count(session, opening.opening_id) >= opening.headcount
        if closed and opening.closed_on is None:
            opening.closed_on = max(on, opening.opened_on)
        audit(
            session,
            viewer.login,
            "candidate_hired",
            "recruiting_candidate",
            candidate_id,
            person_id=person_id,
            person_key=person_key,
            manager_id=manager.person_id,
            level=opening.level,
            hire_date=offer.start_date,
            program_id=program.program_id,
            mentor_id=mentor,
            opening_closed=closed,
        )
        return HireResult(person_id, True, program.program_id, mentor, closed, person_key)


def _mentor(
    session: Session, viewer: Viewer, opening: Opening, person_id: int, chosen: int | None
) -> int:
    if chosen is not None:
        mentor = session.get(Person, chosen)
        if mentor is None or mentor.status != "active" or not viewer.can_see(chosen):
            raise RecruitingError("mentor_not_found", person=chosen)
        return chosen
    rows = session.execute(
        select(Person.person_id, Person.manager_id, Person.level, Person.status, Person.hire_date)
        .where(Person.manager_id == opening.hiring_manager_id)
        .where(Person.person_id != person_id)
    ).all()
    people = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={
            "person_id": pl.Int64,
            "manager_id": pl.Int64,
            "level": pl.String,
            "status": pl.String,
            "hire_date": pl.Date,
        },
        orient="row",
    )
    return suggest_mentor(people, opening.hiring_manager_id, opening.level)


def bootcamp_for(session: Session, start: dt.date, rules: RecruitingSettings) -> Program:
    """The next bootcamp starting on or after ``start``, else the latest one running,
    else a new one (``bootcamp_days`` long, starting on ``start``)."""
    camps = select(Program).where(Program.kind == "bootcamp", Program.active.is_(True))
    upcoming = session.scalars(
        camps.where(Program.starts_on >= start).order_by(Program.starts_on, Program.program_id)
    ).first()
    if upcoming is not None:
        return upcoming
    running = session.scalars(
        camps.order_by(Program.starts_on.desc(), Program.program_id.desc())
    ).first()
    if running is not None:
        return running
    program = Program(
        name=BOOTCAMP_NAME,
        kind="bootcamp",
        days=rules.bootcamp_days,
        starts_on=start,
        description="",
        active=True,
    )
    session.add(program)
    session.flush()
    return program
