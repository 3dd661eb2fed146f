"""Interview scorecards, culture-fit overrides, background checks and offers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine, select

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from plugins.recruiting.actions.candidates import record_event
from plugins.recruiting.actions.guards import candidate_in_scope, require_person
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.logic.scorecards import chosen_template
from plugins.recruiting.logic.stages import CardFacts, check_exit, culture_fit_failed
from plugins.recruiting.logic.vocabulary import INTERVIEW_ROUND, OVERRIDE_ROLES
from plugins.recruiting.models import BackgroundCheck, Offer, Scorecard
from plugins.recruiting.settings import settings


@dataclass(frozen=True)
class ScorecardInput:
    round: int
    scores: Mapping[str, int]  # every criterion of the company's template, 1..5
    passed: bool
    interviewed_on: dt.date
    comment: str = ""


def add_scorecard(engine: Engine, viewer: Viewer, candidate_id: int, data: ScorecardInput) -> int:
    """The viewer's scorecard for the candidate's current interview round, rated on the
    company's scorecard template (``standard`` when that one is not installed)."""
    interviewer = require_person(viewer)
    template = chosen_template(settings(engine).scorecard_template)
    split = template.split(data.scores)
    if isinstance(split, str):
        why, _, keys = split.partition(":")
        if why == "missing":
            raise RecruitingError("score_missing", score=keys)
        if why == "unknown":
            raise RecruitingError("score_unknown", score=keys, template=template.name)
        raise RecruitingError("score_range")
    core, own = split
    with write_session(engine) as session:
        candidate, _ = candidate_in_scope(session, viewer, candidate_id)
        if INTERVIEW_ROUND.get(candidate.stage) != data.round:
            raise RecruitingError("not_in_round", round=data.round)
        taken = session.scalar(
            select(Scorecard.scorecard_id).where(
                Scorecard.candidate_id == candidate_id,
                Scorecard.round == data.round,
                Scorecard.interviewer_id == interviewer,
            )
        )
        if taken is not None:
            raise RecruitingError("scorecard_exists", round=data.round)
        if data.interviewed_on < candidate.stage_since:
            raise RecruitingError("date_before_stage", since=candidate.stage_since.isoformat())
        card = Scorecard(
            candidate_id=candidate_id,
            round=data.round,
            interviewer_id=interviewer,
            interviewed_on=data.interviewed_on,
            comment=data.comment.strip(),
            passed=data.passed,
            template=template.name,
            extra_scores=json.dumps(own, sort_keys=True) if own else None,
            **core,
        )
        session.add(card)
        session.flush()
        audit(
            session,
            viewer.login,
            "scorecard_added",
            "recruiting_candidate",
            candidate_id,
            round=data.round,
            passed=data.passed,
            template=template.name,
            extra_scores=own or None,
            **core,
        )
        return card.scorecard_id


def override_culture_fit(
    engine: Engine, viewer: Viewer, scorecard_id: int, reason: str, on: dt.date
) -> None:
    """A manager lets a candidate go on despite a culture-fit fail, saying why."""
    if viewer.role not in OVERRIDE_ROLES:
        raise RecruitingError("override_needs_manager")
    if not reason.strip():
        raise RecruitingError("override_needs_reason")
    pass_score = settings(engine).culture_fit_pass
    with write_session(engine) as session:
        card = session.get(Scorecard, scorecard_id)
        if card is None:
            raise RecruitingError("scorecard_not_found")
        candidate, _ = candidate_in_scope(session, viewer, card.candidate_id)
        check_exit(candidate.stage)
        if not culture_fit_failed_card(card, pass_score):
            raise RecruitingError("no_culture_fail")
        if card.override_by is not None:
            raise RecruitingError("already_overridden", by=card.override_by)
        card.override_by, card.override_reason, card.override_on = viewer.login, reason.strip(), on
        audit(
            session,
            viewer.login,
            "culture_fit_overridden",
            "recruiting_candidate",
            card.candidate_id,
            scorecard_id=scorecard_id,
            round=card.round,
            reason=reason.strip(),
        )


def culture_fit_failed_card(card: Scorecard, pass_score: int) -> bool:
    return culture_fit_failed(CardFacts(card.passed, card.culture_fit), pass_score)


def record_background_check(
    engine: Engine,
    viewer: Viewer,
    candidate_id: int,
    work_history: str,
    education: str,
    work_ok: bool,
    education_ok: bool,
    on: dt.date,
) -> bool:
    """Record (or redo) the check while the candidate is at that stage; returns passed."""
    if not work_history.strip() or not education.strip():
        raise RecruitingError("check_needs_text")
    with write_session(engine) as session:
        candidate, _ = candidate_in_scope(session, viewer, candidate_id)
        if candidate.stage != "background_check":
            raise RecruitingError("not_at_stage", stage="background_check")
        passed = work_ok and education_ok
        check = session.get(BackgroundCheck, candidate_id) or BackgroundCheck(
            candidate_id=candidate_id
        )
        check.work_history, check.education = work_history.strip(), education.strip()
        check.work_ok, check.education_ok, check.passed = work_ok, education_ok, passed
        check.checked_on, check.checked_by = on, viewer.login
        session.add(check)
        audit(
            session,
            viewer.login,
            "background_checked",
            "recruiting_candidate",
            candidate_id,
            work_ok=work_ok,
            education_ok=education_ok,
            passed=passed,
        )
    return passed


def make_offer(
    engine: Engine,
    viewer: Viewer,
    candidate_id: int,
    salary: float,
    start_date: dt.date,
    on: dt.date,
) -> None:
    """Make (or revise, while unanswered) the offer of a candidate at the offer stage."""
    if salary <= 0:
        raise RecruitingError("salary_positive")
    if start_date < on:
        raise RecruitingError("start_in_past")
    with write_session(engine) as session:
        candidate, _ = candidate_in_scope(session, viewer, candidate_id)
        if candidate.stage != "offer":
            raise RecruitingError("not_at_stage", stage="offer")
        offer = session.get(Offer, candidate_id)
        if offer is not None and offer.status != "pending":
            raise RecruitingError("offer_answered")
        offer = offer or Offer(candidate_id=candidate_id, status="pending")
        offer.salary, offer.start_date, offer.offered_on = salary, start_date, on
        session.add(offer)
        audit(
            session,
            viewer.login,
            "offer_made",
            "recruiting_candidate",
            candidate_id,
            salary=salary,
            start_date=start_date,
        )


def respond_offer(
    engine: Engine,
    viewer: Viewer,
    candidate_id: int,
    accepted: bool,
    on: dt.date,
    reason: str = "",
) -> None:
    """The candidate's answer; a decline (with its reason) closes the candidacy as withdrew."""
    if not accepted and not reason.strip():
        raise RecruitingError("decline_needs_reason")
    with write_session(engine) as session:
        candidate, _ = candidate_in_scope(session, viewer, candidate_id)
        offer = session.get(Offer, candidate_id)
        if offer is None or candidate.stage != "offer":
            raise RecruitingError("no_offer")
        if offer.status != "pending":
            raise RecruitingError("offer_answered")
        if on < offer.offered_on:
            raise RecruitingError("date_before_stage", since=offer.offered_on.isoformat())
        offer.status, offer.responded_on = ("accepted" if accepted else "declined"), on
        offer.decline_reason = "" if accepted else reason.strip()[:500]
        if not accepted:
            text = f"offer_declined: {reason.strip()}"
            candidate.stage, candidate.stage_since, candidate.exit_reason = "withdrew", on, text
            record_event(session, candidate_id, "offer", "withdrew", on, viewer.login, text)
        audit(
            session,
            viewer.login,
            "offer_accepted" if accepted else "offer_declined",
            "recruiting_candidate",
            candidate_id,
            reason=reason.strip(),
        )
