"""Candidates: applications (with a resume) and moves through the stages."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import read_session, write_session
from command_center.db.ids import next_id
from command_center.db.models import Person
from command_center.i18n import t
from command_center.org.scope import Viewer
from plugins.recruiting.actions.guards import candidate_in_scope, opening_in_scope
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.logic.stages import (
    CardFacts,
    Gates,
    check_exit,
    check_move,
    check_reason,
    next_stage,
)
from plugins.recruiting.logic.vocabulary import SOURCES
from plugins.recruiting.models import (
    BackgroundCheck,
    Candidate,
    Opening,
    Resume,
    Scorecard,
    StageEvent,
)
from plugins.recruiting.settings import settings

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class CandidateInput:
    opening_id: int
    name: str
    source: str
    applied_on: dt.date
    phone: str = ""
    email: str = ""
    referrer_id: int | None = None
    resume_url: str = ""


@dataclass(frozen=True)
class ResumeFile:
    filename: str
    mime: str
    content: bytes


def check_candidate(session: Session, data: CandidateInput, opening: Opening) -> None:
    """Field checks and the opening's rules; shared by the app and the import."""
    if not data.name.strip():
        raise RecruitingError("name_required")
    if not data.phone.strip() and not data.email.strip():
        raise RecruitingError("contact_required")
    if data.email.strip() and not EMAIL.match(data.email.strip()):
        raise RecruitingError("bad_email", email=data.email)
    if data.source not in SOURCES:
        raise RecruitingError("bad_source", source=data.source)
    no_referrer = data.referrer_id is None or session.get(Person, data.referrer_id) is None
    if data.source == "referral" and no_referrer:
        raise RecruitingError("referrer_required")
    if data.resume_url.strip() and not data.resume_url.strip().startswith(("http://", "https://")):
        raise RecruitingError("bad_resume_url")
    if opening_closed(opening, data.applied_on):
        raise RecruitingError("opening_closed", opening=opening.title)
    if data.applied_on < opening.opened_on:
        raise RecruitingError("applied_before_open", opened=opening.opened_on.isoformat())


def opening_closed(opening: Opening, on: dt.date) -> bool:
    """Closed on or before ``on``: no new candidates."""
    return opening.closed_on is not None and opening.closed_on <= on


def _duplicate(session: Session, data: CandidateInput) -> bool:
    same = []
    if data.phone.strip():
        same.append(Candidate.phone == data.phone.strip())
    if data.email.strip():
        same.append(Candidate.email == data.email.strip().lower())
    query = select(Candidate.candidate_id).where(
        Candidate.opening_id == data.opening_id, or_(*same)
    )
    return session.scalar(query.limit(1)) is not None


def add_candidate(
    engine: Engine, viewer: Viewer, data: CandidateInput, resume: ResumeFile | None = None
) -> int:
    """Record an application; refused for a closed opening or the same person twice."""
    limit = settings(engine).max_resume_mb * 1024 * 1024
    if resume is not None and len(resume.content) > limit:
        raise RecruitingError("resume_too_big", mb=limit // (1024 * 1024))
    with write_session(engine) as session:
        opening = opening_in_scope(session, viewer, data.opening_id)
        check_candidate(session, data, opening)
        if _duplicate(session, data):
            raise RecruitingError("duplicate_candidate", name=data.name)
        candidate_id = next_id(session, Candidate.candidate_id)
        session.add(
            Candidate(
                candidate_id=candidate_id,
                opening_id=data.opening_id,
                name=data.name.strip(),
                phone=data.phone.strip(),
                email=data.email.strip().lower(),
                source=data.source,
                referrer_id=data.referrer_id if data.source == "referral" else None,
                applied_on=data.applied_on,
                stage="applied",
                stage_since=data.applied_on,
                resume_url=data.resume_url.strip(),
            )
        )
        session.flush()
        record_event(session, candidate_id, None, "applied", data.applied_on, viewer.login)
        if resume is not None:
            session.add(
                Resume(
                    candidate_id=candidate_id,
                    filename=resume.filename[:200],
                    mime=resume.mime[:100] or "application/octet-stream",
                    size=len(resume.content),
                    content=resume.content,
                )
            )
        audit(
            session,
            viewer.login,
            "candidate_added",
            "recruiting_candidate",
            candidate_id,
            opening_id=data.opening_id,
            source=data.source,
            resume=resume.filename if resume else data.resume_url,
        )
    return candidate_id


def record_event(
    session: Session,
    candidate_id: int,
    from_stage: str | None,
    to_stage: str,
    on: dt.date,
    actor: str,
    reason: str = "",
    skipped: list[str] | None = None,
) -> None:
    session.add(
        StageEvent(
            candidate_id=candidate_id,
            from_stage=from_stage,
            to_stage=to_stage,
            moved_on=on,
            actor=actor,
            reason=reason.strip()[:500],
            skipped=";".join(skipped or []),
        )
    )


def gates(session: Session, candidate: Candidate, culture_fit_pass: int) -> Gates:
    """What the stage machine needs of the database for ``candidate``."""
    cards: dict[int, list[CardFacts]] = {}
    for card in session.scalars(
        select(Scorecard).where(Scorecard.candidate_id == candidate.candidate_id)
    ):
        cards.setdefault(card.round, []).append(
            CardFacts(card.passed, card.culture_fit, card.override_by is not None)
        )
    check = session.get(BackgroundCheck, candidate.candidate_id)
    return Gates(cards=cards, background_passed=None if check is None else check.passed)


def _moved_on(candidate: Candidate, on: dt.date) -> None:
    if on < candidate.stage_since:
        raise RecruitingError("date_before_stage", since=candidate.stage_since.isoformat())


def move(
    engine: Engine,
    viewer: Viewer,
    candidate_id: int,
    target: str,
    on: dt.date,
    reason: str = "",
) -> list[str]:
    """Move a candidate forward to ``target``; returns the stages skipped (with ``reason``)."""
    rules = settings(engine)
    with write_session(engine) as session:
        candidate, _ = candidate_in_scope(session, viewer, candidate_id)
        skipped = check_move(
            candidate.stage,
            target,
            reason,
            gates(session, candidate, rules.culture_fit_pass),
            rules.culture_fit_pass,
        )
        _moved_on(candidate, on)
        source = candidate.stage
        candidate.stage, candidate.stage_since = target, on
        record_event(session, candidate_id, source, target, on, viewer.login, reason, skipped)
        audit(
            session,
            viewer.login,
            "candidate_moved",
            "recruiting_candidate",
            candidate_id,
            from_stage=source,
            to_stage=target,
            skipped=skipped,
            reason=reason,
        )
    return skipped


def advance(engine: Engine, viewer: Viewer, candidate_id: int, on: dt.date) -> str:
    """Move to the next stage on the ladder; returns it."""
    with read_session(engine) as session:
        candidate, _ = candidate_in_scope(session, viewer, candidate_id)
        current = candidate.stage
    target = next_stage(current)
    if target is None:
        raise RecruitingError("candidate_closed", stage=t(f"recruiting.stage.{current}"))
    move(engine, viewer, candidate_id, target, on)
    return target


def reject(
    engine: Engine, viewer: Viewer, candidate_id: int, reason: str, on: dt.date, note: str = ""
) -> None:
    """Reject with a reason from the configured list (and an optional note)."""
    allowed = settings(engine).rejection_reasons
    with write_session(engine) as session:
        candidate, _ = candidate_in_scope(session, viewer, candidate_id)
        check_exit(candidate.stage)
        check_reason(reason, allowed)
        _moved_on(candidate, on)
        _exit(session, viewer, candidate, "rejected", reason, note, on)


def withdraw(engine: Engine, viewer: Viewer, candidate_id: int, note: str, on: dt.date) -> None:
    """The candidate withdrew (the note says why, if known)."""
    with write_session(engine) as session:
        candidate, _ = candidate_in_scope(session, viewer, candidate_id)
        check_exit(candidate.stage)
        _moved_on(candidate, on)
        _exit(session, viewer, candidate, "withdrew", note, "", on)


def _exit(
    session: Session,
    viewer: Viewer,
    candidate: Candidate,
    exit_stage: str,
    reason: str,
    note: str,
    on: dt.date,
) -> None:
    source = candidate.stage
    text = f"{reason}: {note.strip()}" if note.strip() else reason
    candidate.stage, candidate.stage_since = exit_stage, on
    candidate.exit_reason = text[:500]
    record_event(session, candidate.candidate_id, source, exit_stage, on, viewer.login, text)
    audit(
        session,
        viewer.login,
        f"candidate_{exit_stage}",
        "recruiting_candidate",
        candidate.candidate_id,
        from_stage=source,
        reason=text,
    )
