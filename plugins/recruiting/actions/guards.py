"""Who may act on what: the role and scope checks every recruiting write makes first."""

from __future__ import annotations

from sqlalchemy.orm import Session

from command_center.org.scope import Viewer
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.logic.vocabulary import RECRUITER_ROLES
from plugins.recruiting.models import Candidate, Opening


def require_recruiter(viewer: Viewer) -> None:
    if viewer.role not in RECRUITER_ROLES:
        raise RecruitingError("not_allowed")


def require_person(viewer: Viewer) -> int:
    """The viewer's own person id (admins and the operator have none)."""
    if viewer.person_id is None:
        raise RecruitingError("needs_person")
    return viewer.person_id


def opening_in_scope(session: Session, viewer: Viewer, opening_id: int) -> Opening:
    require_recruiter(viewer)
    opening = session.get(Opening, opening_id)
    if opening is None or not viewer.can_see(opening.hiring_manager_id):
        raise RecruitingError("opening_not_found", opening=opening_id)
    return opening


def candidate_in_scope(
    session: Session, viewer: Viewer, candidate_id: int
) -> tuple[Candidate, Opening]:
    """The candidate (row locked until commit on PostgreSQL) and its opening.

    The lock serialises two submits of the same action (a double click): the
    second waits, then sees what the first one wrote.
    """
    require_recruiter(viewer)
    candidate = session.get(Candidate, candidate_id, with_for_update=True)
    if candidate is None:
        raise RecruitingError("candidate_not_found", candidate=candidate_id)
    opening = session.get(Opening, candidate.opening_id)
    if opening is None or not viewer.can_see(opening.hiring_manager_id):
        raise RecruitingError("candidate_not_found", candidate=candidate_id)
    return candidate, opening
